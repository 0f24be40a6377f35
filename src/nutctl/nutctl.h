/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl: the exit statuses scripts rely on, the options every verb sees, and the verbs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

#include "json.h"
#include "macro.h"

/* Exit statuses; nutctl(1) and --help list them. Keep the three in step. */
enum {
        NUTCTL_EXIT_SUCCESS = 0,
        NUTCTL_EXIT_FAILURE = 1,        /* anything else */
        NUTCTL_EXIT_USAGE = 2,
        NUTCTL_EXIT_NOT_FOUND = 3,      /* no such device, variable or command */
        NUTCTL_EXIT_ACCESS = 4,         /* access denied, authentication failed or needed */
        NUTCTL_EXIT_NOT_RUNNING = 5,    /* org.nutd.Power1 has no owner, or no system bus */
        NUTCTL_EXIT_UNAVAILABLE = 6,    /* device not connected, data stale, timeout */
};

typedef struct NutctlArgs {
        JsonFormat json;
        bool legend;            /* table headers */
        bool ask_password;      /* polkit may ask on the terminal */
} NutctlArgs;

/*
 * A verb gets its arguments after the verb's name. It returns an exit status (≥ 0), having
 * said on stderr what went wrong, or a negative errno, which main() reports as status 1.
 */
typedef int (*VerbFunction)(sd_bus *bus, char **args, const NutctlArgs *a);

int verb_list(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_status(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_get(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_commands(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_set(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_cmd(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_reload(sd_bus *bus, char **args, const NutctlArgs *a);
int verb_monitor(sd_bus *bus, char **args, const NutctlArgs *a);
