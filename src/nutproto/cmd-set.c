/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SET VAR, SET TRACKING and INSTCMD. Writes and commands go to the driver through the same
 * device operations the D-Bus methods use; "OK" means the operation was accepted, and with
 * tracking on, GET TRACKING tells how it ended.
 */
#include "commands.h"
#include "log.h"
#include "time-util.h"

static NutError error_from_errno(int r, NutError fallback)
{
        switch (r) {
        case -ENOENT:
                return NUT_ERR_VAR_NOT_SUPPORTED;
        case -EROFS:
                return NUT_ERR_READONLY;
        case -E2BIG:
                return NUT_ERR_TOO_LONG;
        case -EINVAL:
                return NUT_ERR_INVALID_VALUE;
        case -ENOTCONN:
                return NUT_ERR_DRIVER_NOT_CONNECTED;
        case -ESTALE:
                return NUT_ERR_DATA_STALE;
        default:
                return fallback;
        }
}

/* Answers OK (with the tracking id when tracking is on) once the operation is started. */
static void forward(NutClient *c, Device *d, const char *subject, bool command, const char *a, const char *b)
{
        NutTrackingEntry *e;
        int r;

        r = nut_tracking_start(&c->server->tracking, subject, c->tracking, now(CLOCK_MONOTONIC), &e);
        if (r < 0)
                return nut_client_send_error(c, command ? NUT_ERR_INSTCMD_FAILED : NUT_ERR_SET_FAILED);
        if (command)
                r = device_instcmd(d, a, b, nut_tracking_complete, e);
        else
                r = device_setvar(d, a, b, nut_tracking_complete, e);
        if (r < 0) {
                nut_tracking_complete(r, e);    /* the entry records the failure and, untracked, goes */
                if (command && r == -EOPNOTSUPP)
                        return nut_client_send_error(c, NUT_ERR_CMD_NOT_SUPPORTED);
                return nut_client_send_error(c, error_from_errno(r, command ? NUT_ERR_INSTCMD_FAILED
                                                                            : NUT_ERR_SET_FAILED));
        }
        log_info("NUT client %s (%s): %s %s%s%s on %s", c->address, c->username, command ? "INSTCMD" : "SET",
                 a, b ? " " : "", strempty(b), d->name);
        if (c->tracking)
                nut_client_sendf(c, "OK TRACKING %s\n", nut_tracking_id(e));
        else
                nut_client_send_str(c, "OK\n");
}

static void set_var(NutClient *c, char **argv)
{
        const NutUser *u;
        Device *d;

        d = nut_find_device(c, argv[2]);
        if (!d || !nut_device_available(c, d))
                return;
        u = nut_client_user(c);
        if (!u || !nut_user_has_action(u, NUT_ACTION_SET))
                return nut_client_send_error(c, NUT_ERR_ACCESS_DENIED);
        forward(c, d, argv[3], false, argv[3], argv[4]);
}

static void set_tracking(NutClient *c, const char *value)
{
        if (strcaseeq(value, "ON"))
                c->tracking = true;
        else if (strcaseeq(value, "OFF"))
                c->tracking = false;
        else
                return nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        nut_client_send_str(c, "OK\n");
}

void nut_cmd_set(NutClient *c, char **argv, size_t argc)
{
        if (argc >= 5 && strcaseeq(argv[1], "VAR"))
                set_var(c, argv);
        else if (argc >= 3 && strcaseeq(argv[1], "TRACKING"))
                set_tracking(c, argv[2]);
        else
                nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
}

void nut_cmd_instcmd(NutClient *c, char **argv, size_t argc)
{
        const NutUser *u;
        Device *d;

        if (argc < 3)
                return nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        d = nut_find_device(c, argv[1]);
        if (!d || !nut_device_available(c, d))
                return;
        if (!device_has_command(d, argv[2]))
                return nut_client_send_error(c, NUT_ERR_CMD_NOT_SUPPORTED);
        u = nut_client_user(c);
        if (!u || !nut_user_may_instcmd(u, argv[2]))
                return nut_client_send_error(c, NUT_ERR_ACCESS_DENIED);
        forward(c, d, argv[2], true, argv[2], argc == 4 ? argv[3] : NULL);
}
