/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser of dummy-ups definition files (NUT's directives TIMER and ALARM, and nutd's CMD, which
 * gives the simulated device an instant command). Unlike NUT's, it keeps values verbatim: a variable
 * line is split at its first ':' and everything after one separating blank is the value
 * (quotes, '#', '=', backslashes, runs of spaces, 8-bit bytes). Only a trailing annotation
 * of the device-report collection (blank + "#BAD…" or "#COMMENT…") is cut off. Lines that
 * cannot be read are returned as DEV_ENTRY_BAD so the caller can name them.
 */
#include <ctype.h>
#include <math.h>

#include "dev-file.h"
#include "device-vars.h"

DevFile *dev_file_free(DevFile *f)
{
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_entries; i++) {
                free(f->entries[i].name);
                free(f->entries[i].value);
        }
        free(f->entries);
        return mfree(f);
}

static int add_entry(DevFile *f, DevEntry e)
{
        DevEntry *a;

        if (f->n_entries == f->n_alloc) {
                size_t na = f->n_alloc ? f->n_alloc * 2 : 64;

                a = realloc(f->entries, na * sizeof(DevEntry));
                if (!a) {
                        free(e.name);
                        free(e.value);
                        return -ENOMEM;
                }
                f->entries = a;
                f->n_alloc = na;
        }
        if (e.type == DEV_ENTRY_BAD)
                f->n_bad++;
        f->entries[f->n_entries++] = e;
        return 0;
}

static int add_bad(DevFile *f, unsigned line, const char *why)
{
        return add_entry(f, (DevEntry) { .type = DEV_ENTRY_BAD, .line = line, .error = why });
}

/* Length of value without a trailing " #BAD…" / " #COMMENT…" annotation. */
static size_t strip_annotation(const char *v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                size_t j = i;

                if (v[i] != ' ' && v[i] != '\t')
                        continue;
                while (j < n && (v[j] == ' ' || v[j] == '\t'))
                        j++;
                /* v is not NUL-terminated: compare only within n */
                if ((n - j >= 4 && memcmp(v + j, "#BAD", 4) == 0) ||
                    (n - j >= 8 && memcmp(v + j, "#COMMENT", 8) == 0))
                        return i;
                i = j - 1;
        }
        return n;
}

static bool word_is(const char *p, size_t n, const char *w)
{
        size_t l = strlen(w);

        return n >= l && strncmp(p, w, l) == 0 && (n == l || p[l] == ' ' || p[l] == '\t');
}

static int parse_timer(DevFile *f, unsigned line, const char *p, size_t n)
{
        _cleanup_free_ char *s = strndup(p, n);
        char *end;
        double x;

        if (!s)
                return -ENOMEM;
        errno = 0;
        x = strtod(s, &end);
        while (*end == ' ' || *end == '\t')
                end++;
        if (errno || end == s || *end || !isfinite(x) || x < 0 || x > 7 * 24 * 3600)
                return add_bad(f, line, "TIMER needs a number of seconds (up to a week)");
        return add_entry(f, (DevEntry) { .type = DEV_ENTRY_TIMER, .line = line,
                                         .timer_usec = (uint64_t) (x * 1e6) });
}

static int parse_alarm(DevFile *f, unsigned line, const char *p, size_t n)
{
        char *v = NULL;

        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
        if (n > 0 && !(v = strndup(p, n)))
                return -ENOMEM;
        return add_entry(f, (DevEntry) { .type = DEV_ENTRY_ALARM, .line = line, .value = v });
}

static int parse_cmd(DevFile *f, unsigned line, const char *p, size_t n)
{
        _cleanup_free_ char *name = NULL;

        while (n > 0 && (*p == ' ' || *p == '\t'))
                p++, n--;
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
        name = strndup(p, n);
        if (!name)
                return -ENOMEM;
        if (!var_name_is_valid(name))
                return add_bad(f, line, "CMD needs an instant command name");
        return add_entry(f, (DevEntry) { .type = DEV_ENTRY_CMD, .line = line, .name = TAKE_PTR(name) });
}

static int parse_var(DevFile *f, unsigned line, const char *p, size_t n)
{
        const char *colon = memchr(p, ':', n);
        _cleanup_free_ char *name = NULL;
        const char *v;
        size_t vn;
        char *value;

        if (!colon)
                return add_bad(f, line, "not a \"name: value\" line");
        name = strndup(p, colon - p);
        if (!name)
                return -ENOMEM;
        if (!var_name_is_valid(name))
                return add_bad(f, line, "invalid variable name");
        v = colon + 1;
        vn = n - (size_t) (v - p);
        if (vn > 0 && v[0] != ' ' && v[0] != '\t')
                return add_bad(f, line, "no blank after ':'");
        vn = strip_annotation(v, vn);
        if (vn > 0 && v[0] == ' ')
                v++, vn--;
        value = strndup(v, vn);
        if (!value)
                return -ENOMEM;
        return add_entry(f, (DevEntry) { .type = DEV_ENTRY_VAR, .line = line, .name = TAKE_PTR(name),
                                         .value = value });
}

static int parse_line(DevFile *f, unsigned line, const char *p, size_t n)
{
        if (n > 0 && p[n - 1] == '\r')
                n--;
        if (memchr(p, 0, n))
                return add_bad(f, line, "NUL byte in line");
        if (n > DEV_FILE_MAX_LINE)
                return add_bad(f, line, "line too long");
        while (n > 0 && (*p == ' ' || *p == '\t'))
                p++, n--;
        if (n == 0 || *p == '#')
                return 0;
        if (word_is(p, n, "TIMER"))
                return parse_timer(f, line, p + 5, n - 5);
        if (word_is(p, n, "CMD"))
                return parse_cmd(f, line, p + 3, n - 3);
        if (word_is(p, n, "ALARM")) {
                p += 5, n -= 5;
                while (n > 0 && (*p == ' ' || *p == '\t'))
                        p++, n--;
                return parse_alarm(f, line, p, n);
        }
        return parse_var(f, line, p, n);
}

/**
 * dev_file_parse() - split a definition file into entries, in file order
 *
 * Never fails on content: unreadable lines become DEV_ENTRY_BAD entries. Returns -ENOMEM only.
 */
int dev_file_parse(const char *text, size_t size, DevFile **ret)
{
        _cleanup_(dev_file_freep) DevFile *f = calloc(1, sizeof(DevFile));
        unsigned line = 1;
        int r;

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < size; line++) {
                const char *nl = memchr(text + i, '\n', size - i);
                size_t n = nl ? (size_t) (nl - text) - i : size - i;

                r = parse_line(f, line, text + i, n);
                if (r < 0)
                        return r;
                i += n + 1;
        }
        *ret = TAKE_PTR(f);
        return 0;
}
