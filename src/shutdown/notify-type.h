/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsmon's notify types (NUT-REFERENCE §3.2): names, numbers, stock messages, the
 * NOTIFYFLAG bits, and a safe "%s" substitution for NOTIFYMSG texts.
 */
#pragma once

#include <errno.h>

#include "macro.h"

/* The values are upsmon's numeric IDs (clients/upsmon.h), so they can be logged as NUT does. */
typedef enum NotifyType {
        NOTIFY_ONLINE = 0,
        NOTIFY_ONBATT = 1,
        NOTIFY_LOWBATT = 2,
        NOTIFY_FSD = 3,
        NOTIFY_COMMOK = 4,
        NOTIFY_COMMBAD = 5,
        NOTIFY_SHUTDOWN = 6,
        NOTIFY_REPLBATT = 7,
        NOTIFY_NOCOMM = 8,
        NOTIFY_NOPARENT = 9,
        NOTIFY_CAL = 10,
        NOTIFY_NOTCAL = 11,
        NOTIFY_OFF = 12,
        NOTIFY_NOTOFF = 13,
        NOTIFY_BYPASS = 14,
        NOTIFY_NOTBYPASS = 15,
        NOTIFY_ECO = 16,
        NOTIFY_NOTECO = 17,
        NOTIFY_ALARM = 18,
        NOTIFY_NOTALARM = 19,
        NOTIFY_OVER = 20,
        NOTIFY_NOTOVER = 21,
        NOTIFY_TRIM = 22,
        NOTIFY_NOTTRIM = 23,
        NOTIFY_BOOST = 24,
        NOTIFY_NOTBOOST = 25,
        NOTIFY_SHUTDOWN_HOSTSYNC = 26,
        NOTIFY_SUSPEND_TIMEJUMP_UNEXPECTED = 27,
        NOTIFY_OTHER = 28,
        NOTIFY_NOTOTHER = 29,
        NOTIFY_SUSPEND_STARTING = 30,
        NOTIFY_SUSPEND_FINISHED = 31,
        _NOTIFY_TYPE_MAX,
        _NOTIFY_TYPE_INVALID = -EINVAL,
} NotifyType;

/* NOTIFYFLAG: what to do with a notification (upsmon's bit values). */
typedef enum NotifyFlags {
        NOTIFY_FLAG_IGNORE = 1 << 0,    /* nothing at all; set alone */
        NOTIFY_FLAG_SYSLOG = 1 << 1,    /* the journal */
        NOTIFY_FLAG_WALL = 1 << 2,      /* a wall message to logged-in users */
        NOTIFY_FLAG_EXEC = 1 << 3,      /* run NOTIFYCMD */
        NOTIFY_FLAGS_DEFAULT = NOTIFY_FLAG_SYSLOG | NOTIFY_FLAG_WALL,
        _NOTIFY_FLAG_INVALID = -EINVAL,
} NotifyFlags;

const char *notify_type_to_string(NotifyType t);
NotifyType notify_type_from_string(const char *s);

const char *notify_type_default_message(NotifyType t);
unsigned notify_type_n_args(NotifyType t);

const char *notify_flag_to_string(NotifyFlags f);
NotifyFlags notify_flag_from_string(const char *s);

char *notify_format_message(const char *format, const char *ups, const char *detail);
