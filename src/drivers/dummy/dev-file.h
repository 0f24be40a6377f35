/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser of NUT dummy-ups definition files: `.dev` (upsc dumps) and `.seq` (the same with
 * TIMER and ALARM directives). Pure: text in, list of entries out.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define DEV_FILE_MAX_LINE (64 * 1024)

typedef enum DevEntryType {
        DEV_ENTRY_VAR,          /* name: value */
        DEV_ENTRY_TIMER,        /* TIMER seconds */
        DEV_ENTRY_ALARM,        /* ALARM [text]; value NULL clears */
        DEV_ENTRY_CMD,          /* CMD name: the device offers this instant command (nutd's own) */
        DEV_ENTRY_BAD,          /* a line that is none of these; error says why */
} DevEntryType;

typedef struct DevEntry {
        DevEntryType type;
        unsigned line;
        char *name;
        char *value;
        uint64_t timer_usec;
        const char *error;
} DevEntry;

typedef struct DevFile {
        DevEntry *entries;
        size_t n_entries, n_alloc;
        size_t n_bad;
} DevFile;

DevFile *dev_file_free(DevFile *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(DevFile *, dev_file_free);
int dev_file_parse(const char *text, size_t size, DevFile **ret);
