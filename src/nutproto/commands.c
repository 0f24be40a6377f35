/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dispatch of NUT requests: command names are matched case-insensitively; commands that
 * need a login check USERNAME and PASSWORD before their arguments, as upsd does.
 */
#include <stdio.h>

#include "commands.h"
#include "strv.h"

static const NutCommand nut_command_table[] = {
        { "VER", false, nut_cmd_ver },
        { "NETVER", false, nut_cmd_netver },
        { "PROTVER", false, nut_cmd_netver },
        { "HELP", false, nut_cmd_help },
        { "STARTTLS", false, nut_cmd_starttls },
        { "GET", false, nut_cmd_get },
        { "LIST", false, nut_cmd_list },
        { "USERNAME", false, nut_cmd_username },
        { "PASSWORD", false, nut_cmd_password },
        { "LOGIN", true, nut_cmd_login },
        { "LOGOUT", false, nut_cmd_logout },
        { "PRIMARY", true, nut_cmd_primary },
        { "MASTER", true, nut_cmd_primary },
        { "FSD", true, nut_cmd_fsd },
        { "SET", true, nut_cmd_set },
        { "INSTCMD", true, nut_cmd_instcmd },
};

void nut_command_dispatch(NutClient *c, char **argv, size_t argc)
{
        if (argc == 0) {
                nut_client_send_error(c, NUT_ERR_UNKNOWN_COMMAND);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(nut_command_table); i++) {
                const NutCommand *cmd = &nut_command_table[i];

                if (!strcaseeq(argv[0], cmd->name))
                        continue;
                if (cmd->needs_login && !c->username)
                        nut_client_send_error(c, NUT_ERR_USERNAME_REQUIRED);
                else if (cmd->needs_login && !c->password)
                        nut_client_send_error(c, NUT_ERR_PASSWORD_REQUIRED);
                else
                        cmd->fn(c, argv, argc);
                return;
        }
        nut_client_send_error(c, NUT_ERR_UNKNOWN_COMMAND);
}

/* The device, or NULL after answering UNKNOWN-UPS. */
Device *nut_find_device(NutClient *c, const char *name)
{
        Device *d = c->server->hooks->find_device(c->server->userdata, name);

        if (!d)
                nut_client_send_error(c, NUT_ERR_UNKNOWN_UPS);
        return d;
}

/*
 * upsd's availability check: no driver → DRIVER-NOT-CONNECTED, stale → DATA-STALE. A device
 * whose driver has started but not delivered yet is available (ups.status reads "WAIT").
 */
bool nut_device_available(NutClient *c, Device *d)
{
        if (!d->driver || d->connection == DEVICE_DISCONNECTED) {
                nut_client_send_error(c, NUT_ERR_DRIVER_NOT_CONNECTED);
                return false;
        }
        if (d->connection == DEVICE_STALE) {
                nut_client_send_error(c, NUT_ERR_DATA_STALE);
                return false;
        }
        return true;
}

/* A variable's value as NUT clients see it: ups.status carries the FSD latch and WAIT. */
const char *nut_var_value(Device *d, const char *name, char *buf, size_t size)
{
        const char *v = device_get_var(d, name);

        if (!strcaseeq(name, "ups.status"))
                return v;
        if (!v && d->connection == DEVICE_WAITING)
                v = "WAIT";
        if (!d->fsd)
                return v;
        snprintf(buf, size, "FSD%s%s", !isempty(v) ? " " : "", strempty(v));
        return buf;
}

/* The user the connection's USERNAME/PASSWORD name, if they match upsd.users. */
const NutUser *nut_client_user(NutClient *c)
{
        if (!c->username || !c->password || !c->server->users)
                return NULL;
        return nut_users_authenticate(c->server->users, c->username, c->password);
}
