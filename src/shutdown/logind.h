/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asynchronous client of org.freedesktop.login1: a delay inhibitor for shutdown and sleep,
 * the PrepareForShutdown/PrepareForSleep signals, and the emergency power-off.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "macro.h"

/* PowerOffWithFlags() flag (systemd's SD_LOGIND_SKIP_INHIBITORS): ignore block inhibitors.
 * Not in the sd-login.h of older systemd, and logind before v257 rejects it (InvalidArgs). */
#define LOGIND_SKIP_INHIBITORS (UINT64_C(1) << 4)

typedef struct Logind Logind;

typedef struct LogindHooks {
        /* PrepareForShutdown(b): start is true before the shutdown, false if it was cancelled */
        void (*prepare_for_shutdown)(Logind *l, bool start, void *userdata);
        /* PrepareForSleep(b): start is true before suspending, false after resuming */
        void (*prepare_for_sleep)(Logind *l, bool start, void *userdata);
} LogindHooks;

/* r: 0 once logind accepted the power-off, or a negative errno */
typedef void (*LogindDone)(int r, void *userdata);

int logind_new(sd_bus *bus, const LogindHooks *hooks, void *userdata, Logind **ret);
Logind *logind_free(Logind *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(Logind *, logind_free);

int logind_take_inhibitor(Logind *l);
void logind_release_inhibitor(Logind *l);
bool logind_has_inhibitor(Logind *l);

int logind_power_off(Logind *l, LogindDone done, void *userdata);
