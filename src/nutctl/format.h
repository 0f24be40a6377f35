/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Words and numbers for people: ups.status tokens in words, how alarming a state is,
 * durations, percentages and timestamps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef enum Severity {
        SEVERITY_NONE,          /* nothing to say (unknown, waiting) */
        SEVERITY_GOOD,          /* on line power, connected */
        SEVERITY_WARNING,       /* on battery, replace battery, alarm, stale */
        SEVERITY_CRITICAL,      /* low battery, forced shutdown, overload, disconnected */
} Severity;

const char *status_token_word(const char *token);
char *status_words(char *const *tokens);
char *device_state_text(const char *connection, char *const *status);
Severity device_state_severity(const char *connection, char *const *status);
const char *severity_color(Severity s);

#define FORMAT_RUNTIME_MAX 32
#define FORMAT_PERCENT_MAX 32
#define FORMAT_TIMESTAMP_MAX 64

const char *format_runtime(char buf[static FORMAT_RUNTIME_MAX], int64_t seconds);
const char *format_percent(char buf[static FORMAT_PERCENT_MAX], double percent);
const char *format_timestamp(char buf[static FORMAT_TIMESTAMP_MAX], uint64_t usec, bool iso_utc);
