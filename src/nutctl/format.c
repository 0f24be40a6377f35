/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How nutctl says things: the NUT status tokens in words (unknown tokens are shown as they
 * are), a severity that picks the colour, runtimes as "1 h 5 min", percentages and times.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "format.h"
#include "macro.h"
#include "strv.h"
#include "terminal.h"

static const struct {
        const char *token;
        const char *word;
        Severity severity;
} status_token_table[] = {
        { "OL", "online", SEVERITY_GOOD },
        { "OB", "on battery", SEVERITY_WARNING },
        { "LB", "low battery", SEVERITY_CRITICAL },
        { "HB", "high battery", SEVERITY_WARNING },
        { "RB", "replace battery", SEVERITY_WARNING },
        { "CHRG", "charging", SEVERITY_NONE },
        { "DISCHRG", "discharging", SEVERITY_NONE },
        { "BYPASS", "on bypass", SEVERITY_WARNING },
        { "CAL", "calibrating", SEVERITY_NONE },
        { "OFF", "off", SEVERITY_WARNING },
        { "OVER", "overloaded", SEVERITY_CRITICAL },
        { "TRIM", "trimming voltage", SEVERITY_NONE },
        { "BOOST", "boosting voltage", SEVERITY_NONE },
        { "FSD", "forced shutdown", SEVERITY_CRITICAL },
        { "ALARM", "alarm", SEVERITY_WARNING },
        { "ECO", "eco mode", SEVERITY_NONE },
        { "TEST", "testing", SEVERITY_NONE },
};

static int status_token_index(const char *token)
{
        for (size_t i = 0; i < ELEMENTSOF(status_token_table); i++)
                if (strcaseeq(status_token_table[i].token, token))
                        return (int) i;
        return -ENOENT;
}

/* The word for a ups.status token, or NULL for a token nutctl does not know. */
const char *status_token_word(const char *token)
{
        int i = status_token_index(token);

        return i < 0 ? NULL : status_token_table[i].word;
}

/* "online, charging": the tokens in words, unknown ones as they are; "" for none. */
char *status_words(char *const *tokens)
{
        _cleanup_strv_free_ char **words = NULL;

        STRV_FOREACH(t, (char **) tokens)
                if (strv_extend(&words, status_token_word(*t) ?: *t) < 0)
                        return NULL;
        return words ? strv_join(words, ", ") : strdup("");
}

/*
 * What a device is doing, in words: its status while connected, otherwise its connection
 * state ("disconnected", "stale", "waiting"), which says more than an outdated status.
 */
char *device_state_text(const char *connection, char *const *status)
{
        if (!streq_ptr(connection, "connected"))
                return strdup(isempty(connection) ? "unknown" : connection);
        if (strv_length(status) == 0)
                return strdup("connected");
        return status_words(status);
}

Severity device_state_severity(const char *connection, char *const *status)
{
        Severity worst = SEVERITY_NONE;

        if (streq_ptr(connection, "disconnected"))
                return SEVERITY_CRITICAL;
        if (streq_ptr(connection, "stale"))
                return SEVERITY_WARNING;
        if (!streq_ptr(connection, "connected"))
                return SEVERITY_NONE;
        STRV_FOREACH(t, (char **) status) {
                int i = status_token_index(*t);

                if (i >= 0 && status_token_table[i].severity > worst)
                        worst = status_token_table[i].severity;
        }
        return worst;
}

const char *severity_color(Severity s)
{
        switch (s) {
        case SEVERITY_GOOD:
                return ANSI_GREEN;
        case SEVERITY_WARNING:
                return ANSI_YELLOW;
        case SEVERITY_CRITICAL:
                return ANSI_RED;
        default:
                return NULL;
        }
}

/* "45 s", "40 min", "1 h 5 min", "3 h"; "-" when unknown (negative). */
const char *format_runtime(char buf[static FORMAT_RUNTIME_MAX], int64_t seconds)
{
        int64_t h = seconds / 3600, min = seconds % 3600 / 60;

        if (seconds < 0)
                snprintf(buf, FORMAT_RUNTIME_MAX, "-");
        else if (seconds < 60)
                snprintf(buf, FORMAT_RUNTIME_MAX, "%" PRIi64 " s", seconds);
        else if (h == 0)
                snprintf(buf, FORMAT_RUNTIME_MAX, "%" PRIi64 " min", min);
        else if (min == 0)
                snprintf(buf, FORMAT_RUNTIME_MAX, "%" PRIi64 " h", h);
        else
                snprintf(buf, FORMAT_RUNTIME_MAX, "%" PRIi64 " h %" PRIi64 " min", h, min);
        return buf;
}

/* "95%", "23.5%"; "-" when unknown (negative or not a number). */
const char *format_percent(char buf[static FORMAT_PERCENT_MAX], double percent)
{
        if (!isfinite(percent) || percent < 0)
                snprintf(buf, FORMAT_PERCENT_MAX, "-");
        else if (percent == floor(percent) && percent < 1e9)
                snprintf(buf, FORMAT_PERCENT_MAX, "%.0f%%", percent);
        else
                snprintf(buf, FORMAT_PERCENT_MAX, "%.1f%%", percent);
        return buf;
}

/*
 * A CLOCK_REALTIME time in µs: "2024-05-01 12:00:01.234" in local time for people, or
 * "2024-05-01T10:00:01.234567Z" (RFC 3339, UTC) for JSON. "-" for 0 (never).
 */
const char *format_timestamp(char buf[static FORMAT_TIMESTAMP_MAX], uint64_t usec, bool iso_utc)
{
        time_t sec = (time_t) (usec / USEC_PER_SEC);
        unsigned frac = (unsigned) (usec % USEC_PER_SEC);
        struct tm tm;
        char date[32];

        if (usec == 0 || !(iso_utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm))) {
                snprintf(buf, FORMAT_TIMESTAMP_MAX, "-");
                return buf;
        }
        strftime(date, sizeof(date), iso_utc ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm);
        if (iso_utc)
                snprintf(buf, FORMAT_TIMESTAMP_MAX, "%s.%06uZ", date, frac);
        else
                snprintf(buf, FORMAT_TIMESTAMP_MAX, "%s.%03u", date, frac / 1000);
        return buf;
}
