/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LIST: UPS, VAR, RW, CMD, ENUM, RANGE, CLIENT. Each answer is BEGIN LIST … END LIST with the
 * query echoed; variables come sorted case-insensitively, as upsd lists them.
 */
#include "commands.h"
#include "strv.h"

static void list_ups(NutClient *c)
{
        size_t n;
        Device *const *l = c->server->hooks->list_devices(c->server->userdata, &n);

        nut_client_send_str(c, "BEGIN LIST UPS\n");
        for (size_t i = 0; i < n; i++) {
                nut_client_sendf(c, "UPS %s \"", l[i]->name);
                nut_client_send_escaped(c, isempty(l[i]->summary.description) ? "Description unavailable"
                                                                                : l[i]->summary.description);
                nut_client_send(c, "\"\n", 2);
        }
        nut_client_send_str(c, "END LIST UPS\n");
}

static void send_var_line(NutClient *c, const char *kind, const char *ups, const char *name, const char *value)
{
        nut_client_send_str(c, kind);
        nut_client_send(c, " ", 1);
        nut_client_send_str(c, ups);
        nut_client_send(c, " ", 1);
        nut_client_send_str(c, name);
        nut_client_send(c, " \"", 2);
        nut_client_send_escaped(c, value);
        nut_client_send(c, "\"\n", 2);
}

/* LIST VAR and LIST RW: every variable, or the writable ones (without the FSD overlay). */
static void list_vars(NutClient *c, Device *d, const char *ups, bool rw)
{
        const char *kind = rw ? "RW" : "VAR";
        char buf[1024];

        nut_client_sendf(c, "BEGIN LIST %s %s\n", kind, ups);
        const char *st;

        /* no ups.status from the driver yet: WAIT (and FSD) are still listed */
        if (!rw && !device_get_var(d, "ups.status") && (st = nut_var_value(d, "ups.status", buf, sizeof(buf))))
                send_var_line(c, kind, ups, "ups.status", st);
        for (size_t i = 0; i < d->vars.n_vars; i++) {
                const DeviceVar *v = d->vars.vars[i];

                if (rw && !(v->flags & VAR_RW))
                        continue;
                send_var_line(c, kind, ups, v->name, rw ? v->value : nut_var_value(d, v->name, buf, sizeof(buf)));
        }
        nut_client_sendf(c, "END LIST %s %s\n", kind, ups);
}

static void list_cmds(NutClient *c, Device *d, const char *ups)
{
        nut_client_sendf(c, "BEGIN LIST CMD %s\n", ups);
        STRV_FOREACH(cmd, d->commands)
                nut_client_sendf(c, "CMD %s %s\n", ups, *cmd);
        nut_client_sendf(c, "END LIST CMD %s\n", ups);
}

static void list_enum_range(NutClient *c, Device *d, const char *ups, const char *name, bool range)
{
        const char *kind = range ? "RANGE" : "ENUM";
        DeviceVar *v = var_store_get(&d->vars, name);

        if (!v)
                return nut_client_send_error(c, NUT_ERR_VAR_NOT_SUPPORTED);
        nut_client_sendf(c, "BEGIN LIST %s %s %s\n", kind, ups, name);
        if (range)
                for (size_t i = 0; i < v->n_ranges; i++)
                        nut_client_sendf(c, "RANGE %s %s \"%lld\" \"%lld\"\n", ups, name, v->ranges[i].min,
                                         v->ranges[i].max);
        else
                STRV_FOREACH(e, v->enums)
                        send_var_line(c, "ENUM", ups, name, *e);
        nut_client_sendf(c, "END LIST %s %s %s\n", kind, ups, name);
}

static void list_clients(NutClient *c, Device *d, const char *ups)
{
        nut_client_sendf(c, "BEGIN LIST CLIENT %s\n", ups);
        for (NutClient *o = c->server->clients; o; o = o->next)
                if (o->login == d)
                        nut_client_sendf(c, "CLIENT %s %s\n", d->name, o->address);
        nut_client_sendf(c, "END LIST CLIENT %s\n", ups);
}

void nut_cmd_list(NutClient *c, char **argv, size_t argc)
{
        const char *sub = argc >= 2 ? argv[1] : "";
        Device *d;

        /* a minimum number of words, extra ones ignored, as upsd */
        if (strcaseeq(sub, "UPS"))
                return list_ups(c);
        if (!((argc >= 3 && (strcaseeq(sub, "VAR") || strcaseeq(sub, "RW") || strcaseeq(sub, "CMD") ||
                             strcaseeq(sub, "CLIENT"))) ||
              (argc >= 4 && (strcaseeq(sub, "ENUM") || strcaseeq(sub, "RANGE")))))
                return nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        d = nut_find_device(c, argv[2]);
        if (!d)
                return;
        if (strcaseeq(sub, "CLIENT"))           /* no availability check, as upsd */
                return list_clients(c, d, argv[2]);
        if (!nut_device_available(c, d))
                return;
        if (strcaseeq(sub, "VAR") || strcaseeq(sub, "RW"))
                list_vars(c, d, argv[2], strcaseeq(sub, "RW"));
        else if (strcaseeq(sub, "CMD"))
                list_cmds(c, d, argv[2]);
        else
                list_enum_range(c, d, argv[2], argv[3], strcaseeq(sub, "RANGE"));
}
