/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GET: VAR, TYPE, DESC, CMDDESC, UPSDESC, NUMLOGINS, TRACKING. Checks run in upsd's order:
 * arity, UNKNOWN-UPS, availability, then the variable.
 */
#include "commands.h"
#include "nut-names.h"
#include "strv.h"

static void get_server_var(NutClient *c, char **argv)
{
        /* the canonical name comes back, whatever case was asked (as upsd) */
        if (strcaseeq(argv[3], "server.info"))
                nut_client_sendf(c, "VAR %s server.info \"%s\"\n", argv[2], NUT_SERVER_INFO);
        else if (strcaseeq(argv[3], "server.version"))
                nut_client_sendf(c, "VAR %s server.version \"%s\"\n", argv[2], NUT_SERVER_VERSION);
        else
                nut_client_send_error(c, NUT_ERR_VAR_NOT_SUPPORTED);
}

static void get_var(NutClient *c, char **argv)
{
        char buf[1024];
        const char *v;
        Device *d;

        if (strncasecmp(argv[3], "server.", 7) == 0)       /* served by the server itself, for any UPS name */
                return get_server_var(c, argv);
        d = nut_find_device(c, argv[2]);
        if (!d || !nut_device_available(c, d))
                return;
        v = nut_var_value(d, argv[3], buf, sizeof(buf));
        if (!v)
                return nut_client_send_error(c, NUT_ERR_VAR_NOT_SUPPORTED);
        nut_client_sendf(c, "VAR %s %s \"", argv[2], argv[3]);
        nut_client_send_escaped(c, v);
        nut_client_send(c, "\"\n", 2);
}

static void get_type(NutClient *c, char **argv)
{
        DeviceVar *v;
        Device *d;

        d = nut_find_device(c, argv[2]);
        if (!d || !nut_device_available(c, d))
                return;
        v = var_store_get(&d->vars, argv[3]);
        if (!v)
                return nut_client_send_error(c, NUT_ERR_VAR_NOT_SUPPORTED);
        nut_client_sendf(c, "TYPE %s %s", argv[2], argv[3]);
        if (v->flags & VAR_RW)
                nut_client_send_str(c, " RW");
        if (v->enums)
                nut_client_send_str(c, " ENUM");
        if (v->n_ranges > 0)
                nut_client_send_str(c, " RANGE");
        if (v->flags & VAR_STRING)
                nut_client_sendf(c, " STRING:%zu\n", v->max_len);
        else
                nut_client_send_str(c, " NUMBER\n");
}

static void get_desc(NutClient *c, char **argv, bool command)
{
        const char *name = argv[3], *text;
        Device *d;

        d = nut_find_device(c, argv[2]);
        if (!d || !nut_device_available(c, d))
                return;
        if (strncasecmp(name, "upstream.", 9) == 0)     /* proxied names describe like the original */
                name += 9;
        text = command ? nut_cmd_description(name) : nut_var_description(name);
        nut_client_sendf(c, "%s %s %s \"%s\"\n", command ? "CMDDESC" : "DESC", argv[2], argv[3],
                         text ?: "Description unavailable");
}

static void get_upsdesc(NutClient *c, char **argv)
{
        Device *d = nut_find_device(c, argv[2]);

        if (!d)
                return;
        nut_client_sendf(c, "UPSDESC %s \"", argv[2]);
        nut_client_send_escaped(c, isempty(d->summary.description) ? "Unavailable" : d->summary.description);
        nut_client_send(c, "\"\n", 2);
}

static void get_numlogins(NutClient *c, char **argv)
{
        Device *d = nut_find_device(c, argv[2]);

        if (d && nut_device_available(c, d))
                nut_client_sendf(c, "NUMLOGINS %s %u\n", argv[2], nut_server_count_logins(c->server, d));
}

static void get_tracking(NutClient *c, char **argv, size_t argc)
{
        if (argc == 2)
                nut_client_send_str(c, c->tracking ? "ON\n" : "OFF\n");
        else if (!c->tracking)
                nut_client_send_error(c, NUT_ERR_FEATURE_NOT_CONFIGURED);
        else {
                nut_client_send_str(c, nut_tracking_status(&c->server->tracking, argv[2]));
                nut_client_send(c, "\n", 1);
        }
}

/* Like upsd, only a minimum number of words is required: extra words are ignored. */
void nut_cmd_get(NutClient *c, char **argv, size_t argc)
{
        const char *sub = argc >= 2 ? argv[1] : "";

        if (strcaseeq(sub, "TRACKING"))
                get_tracking(c, argv, argc);
        else if (strcaseeq(sub, "UPSDESC") && argc >= 3)
                get_upsdesc(c, argv);
        else if (strcaseeq(sub, "NUMLOGINS") && argc >= 3)
                get_numlogins(c, argv);
        else if (strcaseeq(sub, "VAR") && argc >= 4)
                get_var(c, argv);
        else if (strcaseeq(sub, "TYPE") && argc >= 4)
                get_type(c, argv);
        else if (strcaseeq(sub, "DESC") && argc >= 4)
                get_desc(c, argv, false);
        else if (strcaseeq(sub, "CMDDESC") && argc >= 4)
                get_desc(c, argv, true);
        else
                nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
}
