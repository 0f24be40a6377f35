/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * USERNAME, PASSWORD, LOGIN, LOGOUT, PRIMARY/MASTER and FSD. Credentials are only checked
 * against upsd.users when a command uses them, as upsd does.
 */
#include "commands.h"
#include "log.h"

static void set_credential(NutClient *c, char **field, char **argv, size_t argc, NutError already)
{
        if (argc != 2)
                return nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        if (*field)
                return nut_client_send_error(c, already);
        *field = strdup(argv[1]);
        if (!*field)
                c->out_failed = true;
        nut_client_send_str(c, "OK\n");
}

void nut_cmd_username(NutClient *c, char **argv, size_t argc)
{
        set_credential(c, &c->username, argv, argc, NUT_ERR_ALREADY_SET_USERNAME);
}

void nut_cmd_password(NutClient *c, char **argv, size_t argc)
{
        set_credential(c, &c->password, argv, argc, NUT_ERR_ALREADY_SET_PASSWORD);
}

/* The device named by a one-argument command, if the user may do action on it. */
static Device *authorized_device(NutClient *c, char **argv, size_t argc, NutAction action)
{
        const NutUser *u;
        Device *d;

        if (argc != 2) {
                nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
                return NULL;
        }
        d = nut_find_device(c, argv[1]);
        if (!d)
                return NULL;
        u = nut_client_user(c);
        if (!u || !nut_user_has_action(u, action)) {
                nut_client_send_error(c, NUT_ERR_ACCESS_DENIED);
                return NULL;
        }
        return d;
}

void nut_cmd_login(NutClient *c, char **argv, size_t argc)
{
        Device *d;

        if (argc == 2 && c->login)
                return nut_client_send_error(c, NUT_ERR_ALREADY_LOGGED_IN);
        d = authorized_device(c, argv, argc, NUT_ACTION_LOGIN);
        if (!d)
                return;
        c->login = device_ref(d);
        log_info("NUT client %s: user %s logged into %s", c->address, c->username, d->name);
        nut_client_send_str(c, "OK\n");
}

void nut_cmd_logout(NutClient *c, char **argv, size_t argc)
{
        if (argc != 1)
                return nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        nut_client_send_str(c, "OK Goodbye\n");
        c->closing = true;
}

void nut_cmd_primary(NutClient *c, char **argv, size_t argc)
{
        if (authorized_device(c, argv, argc, NUT_ACTION_PRIMARY))
                nut_client_sendf(c, "OK %s-GRANTED\n", strcaseeq(argv[0], "MASTER") ? "MASTER" : "PRIMARY");
}

void nut_cmd_fsd(NutClient *c, char **argv, size_t argc)
{
        Device *d = authorized_device(c, argv, argc, NUT_ACTION_FSD);

        if (!d)
                return;
        log_notice("NUT client %s (%s): forced shutdown set on %s", c->address, c->username, d->name);
        device_set_fsd(d);
        nut_client_send_str(c, "OK FSD-SET\n");
}
