/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shutdown controller: upsmon's policy (NUT-REFERENCE §3) as a pure state machine over
 * (per-UPS inputs, upsmon.conf, now). No I/O and no event loop: the daemon feeds it and acts
 * on what it returns.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "notify-type.h"
#include "upsmon-conf.h"

#define CONTROLLER_NEVER UINT64_MAX

typedef enum ShutdownState {
        SHUTDOWN_IDLE,          /* enough healthy supplies */
        SHUTDOWN_CRITICAL,      /* a supply is about to count as critical (a grace timer runs) and
                                 * the healthy rest is below MINSUPPLIES: a shutdown follows unless
                                 * it recovers */
        SHUTDOWN_FSD,           /* decided; FSD set on our primary UPSes, waiting for secondaries */
        SHUTDOWN_SHUTTING_DOWN, /* SHUTDOWN notified; FINALDELAY, then power off. Never left. */
        _SHUTDOWN_STATE_MAX,
        _SHUTDOWN_STATE_INVALID = -EINVAL,
} ShutdownState;

typedef enum UpsContact {
        UPS_CONTACT_WAITING,    /* no data yet: no verdict, counted as healthy (upsmon's "never heard") */
        UPS_CONTACT_OK,         /* fresh data */
        UPS_CONTACT_LOST,       /* disconnected, stale, or its server does not answer */
        _UPS_CONTACT_MAX,
        _UPS_CONTACT_INVALID = -EINVAL,
} UpsContact;

/* One monitored UPS, as the daemon sees it at this evaluation. Nothing is kept by reference. */
typedef struct ControllerInput {
        const char *name;
        unsigned power_value;           /* MONITOR power value (1 without upsmon.conf) */
        MonitorRole role;
        UpsContact contact;
        char *const *status;            /* ups.status tokens in order; NULL or empty: treated as lost */
        const char *alarm;              /* ups.alarm, for ALARM messages; may be NULL */
        uint64_t last_data_usec;        /* monotonic µs of the last good status; 0: now (when OK) */
        unsigned n_secondaries;         /* primary: other upsmon sessions logged in to this UPS
                                         * (NUMLOGINS minus ourselves); 0 when unknown */
} ControllerInput;

typedef struct ControllerNotification {
        NotifyType type;
        char *ups;              /* NULL for host events (SHUTDOWN, SHUTDOWN_HOSTSYNC, SUSPEND_*) */
        char *detail;           /* second "%s" of ALARM (ups.alarm) and OTHER (the tokens); else NULL */
} ControllerNotification;

typedef struct ControllerOutput {
        ShutdownState state;
        ControllerNotification *notifications;  /* to emit, in order */
        size_t n_notifications;
        char **set_fsd;         /* set FSD on these UPSes now (given once, when the shutdown starts) */
        bool run_shutdown;      /* FINALDELAY is over: power the host off now (given once) */
        bool killpower;         /* shutting down as primary of some UPS: cut its power at the end */
        bool on_battery;        /* some UPS with a power value is on battery (POLLFREQALERT) */
        unsigned power_value;   /* sum of the power values of the supplies not critical */
        unsigned min_supplies;
        uint64_t next_wakeup;   /* evaluate again by this monotonic µs; CONTROLLER_NEVER: no need */
} ControllerOutput;

typedef struct Controller Controller;

int controller_new(const UpsmonConfig *config, Controller **ret);
Controller *controller_free(Controller *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Controller *, controller_free);
void controller_set_config(Controller *c, const UpsmonConfig *config);

int controller_evaluate(Controller *c, const ControllerInput *inputs, size_t n, uint64_t now,
                        ControllerOutput *ret);
void controller_force_shutdown(Controller *c);
int controller_sleep(Controller *c, uint64_t now, ControllerOutput *ret);
int controller_resume(Controller *c, uint64_t now, ControllerOutput *ret);
ShutdownState controller_get_state(const Controller *c);

void controller_output_done(ControllerOutput *o);

const char *shutdown_state_to_string(ShutdownState s);
ShutdownState shutdown_state_from_string(const char *s);
const char *ups_contact_to_string(UpsContact c);
UpsContact ups_contact_from_string(const char *s);
