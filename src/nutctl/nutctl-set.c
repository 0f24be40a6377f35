/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verbs that change something: set (SetVariable), cmd (InstantCommand) and reload
 * (Manager.Reload). nutd asks polkit about them; on a terminal nutctl lets polkit ask the
 * user (allow-interactive-authorization, plus a text agent where none is registered).
 */
#include <stdio.h>
#include <unistd.h>

#include "nutctl.h"
#include "nutd-bus.h"
#include "polkit-agent.h"

/* Long enough for someone to type a password; nutd's own polkit query gives up at 120 s. */
#define INTERACTIVE_CALL_TIMEOUT_USEC (150 * USEC_PER_SEC)

/* Sends m, letting polkit ask for a password when stdin is a terminal and that is wanted. */
static int call_authorized(sd_bus *bus, sd_bus_message *m, const NutctlArgs *a, sd_bus_error *error)
{
        _cleanup_(polkit_agent_closep) pid_t agent = 0;
        bool interactive = a->ask_password && isatty(STDIN_FILENO);
        int r;

        r = sd_bus_message_set_allow_interactive_authorization(m, interactive);
        if (r < 0)
                return r;
        /* root is allowed without asking; no agent needed */
        if (interactive && geteuid() != 0) {
                r = polkit_agent_open(&agent);
                if (r < 0)
                        fprintf(stderr, "nutctl: cannot start pkttyagent, going on without: %s\n",
                                strerror(-r));
        }
        return sd_bus_call(bus, m, interactive ? INTERACTIVE_CALL_TIMEOUT_USEC : 0, error, NULL);
}

static int device_operation(sd_bus *bus, const char *member, const char *device, const char *subject,
                            const char *arg, const NutctlArgs *a)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = nutd_new_device_call(bus, device, member, &m);
        if (r < 0)
                return r;
        r = sd_bus_message_append(m, "ss", subject, arg);
        if (r < 0)
                return r;
        r = call_authorized(bus, m, a, &error);
        if (r < 0)
                return nutd_error_report(&error, r, device, subject);
        return NUTCTL_EXIT_SUCCESS;
}

int verb_set(sd_bus *bus, char **args, const NutctlArgs *a)
{
        return device_operation(bus, "SetVariable", args[0], args[1], args[2], a);
}

int verb_cmd(sd_bus *bus, char **args, const NutctlArgs *a)
{
        return device_operation(bus, "InstantCommand", args[0], args[1], strempty(args[2]), a);
}

int verb_reload(sd_bus *bus, char **args, const NutctlArgs *a)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, NUTD_BUS_NAME, NUTD_OBJECT_PATH, NUTD_MANAGER_INTERFACE,
                                           "Reload");
        if (r < 0)
                return r;
        r = call_authorized(bus, m, a, &error);
        if (r < 0)
                return nutd_error_report(&error, r, "reload failed", NULL);
        return NUTCTL_EXIT_SUCCESS;
}
