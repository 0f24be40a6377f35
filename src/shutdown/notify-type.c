/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsmon's notify types: the names NOTIFYMSG/NOTIFYFLAG and NOTIFYTYPE= use, the stock
 * messages, and the substitution of a NOTIFYMSG text that never hands it to printf().
 */
#include <stdio.h>

#include "notify-type.h"
#include "string-table.h"

static const char *const notify_type_table[_NOTIFY_TYPE_MAX] = {
        [NOTIFY_ONLINE] = "ONLINE",
        [NOTIFY_ONBATT] = "ONBATT",
        [NOTIFY_LOWBATT] = "LOWBATT",
        [NOTIFY_FSD] = "FSD",
        [NOTIFY_COMMOK] = "COMMOK",
        [NOTIFY_COMMBAD] = "COMMBAD",
        [NOTIFY_SHUTDOWN] = "SHUTDOWN",
        [NOTIFY_REPLBATT] = "REPLBATT",
        [NOTIFY_NOCOMM] = "NOCOMM",
        [NOTIFY_NOPARENT] = "NOPARENT",
        [NOTIFY_CAL] = "CAL",
        [NOTIFY_NOTCAL] = "NOTCAL",
        [NOTIFY_OFF] = "OFF",
        [NOTIFY_NOTOFF] = "NOTOFF",
        [NOTIFY_BYPASS] = "BYPASS",
        [NOTIFY_NOTBYPASS] = "NOTBYPASS",
        [NOTIFY_ECO] = "ECO",
        [NOTIFY_NOTECO] = "NOTECO",
        [NOTIFY_ALARM] = "ALARM",
        [NOTIFY_NOTALARM] = "NOTALARM",
        [NOTIFY_OVER] = "OVER",
        [NOTIFY_NOTOVER] = "NOTOVER",
        [NOTIFY_TRIM] = "TRIM",
        [NOTIFY_NOTTRIM] = "NOTTRIM",
        [NOTIFY_BOOST] = "BOOST",
        [NOTIFY_NOTBOOST] = "NOTBOOST",
        [NOTIFY_SHUTDOWN_HOSTSYNC] = "SHUTDOWN_HOSTSYNC",
        [NOTIFY_SUSPEND_TIMEJUMP_UNEXPECTED] = "SUSPEND_TIMEJUMP_UNEXPECTED",
        [NOTIFY_OTHER] = "OTHER",
        [NOTIFY_NOTOTHER] = "NOTOTHER",
        [NOTIFY_SUSPEND_STARTING] = "SUSPEND_STARTING",
        [NOTIFY_SUSPEND_FINISHED] = "SUSPEND_FINISHED",
};

DEFINE_STRING_TABLE(notify_type, NotifyType);

/* The first "%s" is the UPS name; ALARM and OTHER have a second one for the details. */
static const char *const notify_message_table[_NOTIFY_TYPE_MAX] = {
        [NOTIFY_ONLINE] = "UPS %s on line power",
        [NOTIFY_ONBATT] = "UPS %s on battery",
        [NOTIFY_LOWBATT] = "UPS %s battery is low",
        [NOTIFY_FSD] = "UPS %s: forced shutdown in progress",
        [NOTIFY_COMMOK] = "Communications with UPS %s established",
        [NOTIFY_COMMBAD] = "Communications with UPS %s lost",
        [NOTIFY_SHUTDOWN] = "Auto logout and shutdown proceeding",
        [NOTIFY_REPLBATT] = "UPS %s battery needs to be replaced",
        [NOTIFY_NOCOMM] = "UPS %s is unavailable",
        [NOTIFY_NOPARENT] = "upsmon parent process died - shutdown impossible",
        [NOTIFY_CAL] = "UPS %s: calibration in progress",
        [NOTIFY_NOTCAL] = "UPS %s: calibration finished",
        [NOTIFY_OFF] = "UPS %s: administratively OFF or asleep",
        [NOTIFY_NOTOFF] = "UPS %s: no longer administratively OFF or asleep",
        [NOTIFY_BYPASS] = "UPS %s: on bypass (powered, not protecting)",
        [NOTIFY_NOTBYPASS] = "UPS %s: no longer on bypass",
        [NOTIFY_ECO] = "UPS %s: in ECO mode (as defined by vendor)",
        [NOTIFY_NOTECO] = "UPS %s: no longer in ECO mode",
        [NOTIFY_ALARM] = "UPS %s: one or more active alarms: [%s]",
        [NOTIFY_NOTALARM] = "UPS %s: no longer has any active alarms",
        [NOTIFY_OVER] = "UPS %s: overloaded",
        [NOTIFY_NOTOVER] = "UPS %s: no longer overloaded",
        [NOTIFY_TRIM] = "UPS %s: trimming incoming voltage",
        [NOTIFY_NOTTRIM] = "UPS %s: no longer trimming incoming voltage",
        [NOTIFY_BOOST] = "UPS %s: boosting incoming voltage",
        [NOTIFY_NOTBOOST] = "UPS %s: no longer boosting incoming voltage",
        [NOTIFY_SHUTDOWN_HOSTSYNC] =
                "Shutdown initiated; primary system is waiting for secondaries to log out or time out",
        [NOTIFY_SUSPEND_TIMEJUMP_UNEXPECTED] = "Unexpected clock change, treating as wake up from sleep",
        [NOTIFY_OTHER] = "UPS %s: has at least one unclassified status token: [%s]",
        [NOTIFY_NOTOTHER] = "UPS %s: no longer has any unclassified status tokens",
        [NOTIFY_SUSPEND_STARTING] = "OS is entering sleep/suspend/hibernate mode",
        [NOTIFY_SUSPEND_FINISHED] = "OS just finished sleep/suspend/hibernate mode",
};

/**
 * notify_type_default_message() - upsmon's stock NOTIFYMSG text of a type
 *
 * Returns NULL for a value out of range.
 */
const char *notify_type_default_message(NotifyType t)
{
        if (t < 0 || t >= _NOTIFY_TYPE_MAX)
                return NULL;
        return notify_message_table[t];
}

/**
 * notify_type_n_args() - how many "%s" a message of this type may fill
 *
 * 0 for host events (SHUTDOWN, NOPARENT, SHUTDOWN_HOSTSYNC, SUSPEND_*), 2 for ALARM and OTHER
 * (UPS name, then the alarm text or the unclassified tokens), 1 (the UPS name) for the rest.
 */
unsigned notify_type_n_args(NotifyType t)
{
        switch (t) {
        case NOTIFY_SHUTDOWN:
        case NOTIFY_NOPARENT:
        case NOTIFY_SHUTDOWN_HOSTSYNC:
        case NOTIFY_SUSPEND_TIMEJUMP_UNEXPECTED:
        case NOTIFY_SUSPEND_STARTING:
        case NOTIFY_SUSPEND_FINISHED:
                return 0;
        case NOTIFY_ALARM:
        case NOTIFY_OTHER:
                return 2;
        default:
                return t >= 0 && t < _NOTIFY_TYPE_MAX ? 1 : 0;
        }
}

static const char *const notify_flag_table[] = {
        [0] = "IGNORE",
        [1] = "SYSLOG",
        [2] = "WALL",
        [3] = "EXEC",
};

/**
 * notify_flag_to_string() - the NOTIFYFLAG word of one flag bit
 *
 * Returns NULL unless @f is exactly one known bit.
 */
const char *notify_flag_to_string(NotifyFlags f)
{
        for (size_t i = 0; i < ELEMENTSOF(notify_flag_table); i++)
                if ((int) f == 1 << i)
                        return notify_flag_table[i];
        return NULL;
}

/**
 * notify_flag_from_string() - parse one NOTIFYFLAG word (case-sensitive, as upsmon)
 *
 * Returns the bit, or _NOTIFY_FLAG_INVALID.
 */
NotifyFlags notify_flag_from_string(const char *s)
{
        for (size_t i = 0; s && i < ELEMENTSOF(notify_flag_table); i++)
                if (streq(s, notify_flag_table[i]))
                        return (NotifyFlags) (1 << i);
        return _NOTIFY_FLAG_INVALID;
}

/**
 * notify_format_message() - fill a NOTIFYMSG text
 * @format: a stock message or a NOTIFYMSG text from the configuration
 * @ups: replaces the first "%s" (NULL: empty)
 * @detail: replaces the second "%s" (NULL: empty)
 *
 * "%%" gives "%". Every other '%' sequence, and any "%s" after the second, is copied as it
 * stands: the text comes from a config file and never reaches a printf-style function.
 * Returns a new string, or NULL when out of memory.
 */
char *notify_format_message(const char *format, const char *ups, const char *detail)
{
        const char *args[] = { strempty(ups), strempty(detail) };
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, used = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (const char *p = strempty(format); *p; p++) {
                if (p[0] == '%' && p[1] == '%') {
                        fputc('%', f);
                        p++;
                } else if (p[0] == '%' && p[1] == 's' && used < ELEMENTSOF(args)) {
                        fputs(args[used++], f);
                        p++;
                } else
                        fputc(*p, f);
        }
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}
