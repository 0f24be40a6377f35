/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev_file_parse() on arbitrary bytes (an exact-size buffer, as the API takes text + size): it never
 * fails on content, and every entry keeps the promises dummy.c relies on.
 */
#include <errno.h>
#include <string.h>

#include "dev-file.h"
#include "device-vars.h"
#include "fuzz.h"

#define WEEK_USEC (UINT64_C(7) * 24 * 3600 * 1000000)

static unsigned count_lines(const uint8_t *data, size_t size)
{
        unsigned n = 1;

        for (size_t i = 0; i < size; i++)
                n += data[i] == '\n';
        return n;
}

static void check_entry(const DevEntry *e)
{
        switch (e->type) {
        case DEV_ENTRY_VAR:
                fuzz_assert(e->name && var_name_is_valid(e->name));
                fuzz_assert(e->value && !strchr(e->value, '\n'));
                fuzz_assert(!e->error);
                break;
        case DEV_ENTRY_TIMER:
                fuzz_assert(!e->name && !e->value && !e->error);
                fuzz_assert(e->timer_usec <= WEEK_USEC);
                break;
        case DEV_ENTRY_ALARM:
                /* NULL clears the alarm, so a set alarm has text and no trailing blank */
                fuzz_assert(!e->name && !e->error);
                if (e->value) {
                        size_t l = strlen(e->value);

                        fuzz_assert(l > 0 && e->value[l - 1] != ' ' && e->value[l - 1] != '\t');
                        fuzz_assert(!strchr(e->value, '\n'));
                }
                break;
        case DEV_ENTRY_BAD:
                fuzz_assert(!e->name && !e->value);
                fuzz_assert(e->error && e->error[0]);
                break;
        default:
                fuzz_assert(!"unknown entry type");
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_(dev_file_freep) DevFile *f = NULL;
        unsigned max_line = count_lines(data, size), last_line = 0;
        size_t n_bad = 0;
        int r;

        r = dev_file_parse((const char *) data, size, &f);
        if (r == -ENOMEM)
                return 0;
        fuzz_assert(r == 0 && f);
        fuzz_assert(f->n_entries <= f->n_alloc);
        for (size_t i = 0; i < f->n_entries; i++) {
                const DevEntry *e = &f->entries[i];

                check_entry(e);
                n_bad += e->type == DEV_ENTRY_BAD;
                /* at most one entry per line, in file order */
                fuzz_assert(e->line > last_line && e->line <= max_line);
                last_line = e->line;
        }
        fuzz_assert(n_bad == f->n_bad);
        return 0;
}
