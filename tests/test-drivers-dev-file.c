/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev-file: dummy-ups definition files keep every value verbatim (shared/data/README.md), and
 * all 718 real nut-ddl dumps load exactly as a small independent oracle reads them. The dumps
 * come from argv[1] or $NUT_DDL_DIR; without them only that part is skipped.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "dev-file.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(DevFile, dev_file_free)

#define DDL_FILES 718

static const char *ddl_dir;

typedef struct Expect {
        unsigned line;          /* 0 ends the list */
        DevEntryType type;
        const char *name;
        const char *value;      /* NULL: no value (bare ALARM, BAD) */
        uint64_t usec;
} Expect;

#define VAR(l, n, v) { l, DEV_ENTRY_VAR, n, v, 0 }
#define TIMER(l, u) { l, DEV_ENTRY_TIMER, NULL, NULL, u }
#define ALARM(l, v) { l, DEV_ENTRY_ALARM, NULL, v, 0 }
#define BAD(l) { l, DEV_ENTRY_BAD, NULL, NULL, 0 }
#define CMD(l, n) { l, DEV_ENTRY_CMD, n, NULL, 0 }

typedef struct DevCase {
        const char *path;
        const char *text;
        size_t size;            /* 0: strlen(text) */
        Expect expect[6];
} DevCase;

static const DevCase dev_cases[] = {
        /* values are verbatim */
        { "/drivers/dummy/dev-file/value/plain", "ups.status: OL CHRG\n", 0, { VAR(1, "ups.status", "OL CHRG") } },
        { "/drivers/dummy/dev-file/value/quotes", "ups.mfr: \"APC\" 'x'\n", 0, { VAR(1, "ups.mfr", "\"APC\" 'x'") } },
        { "/drivers/dummy/dev-file/value/hash", "ups.id: room #3 # c\n", 0, { VAR(1, "ups.id", "room #3 # c") } },
        { "/drivers/dummy/dev-file/value/hash-bc", "ups.model: value #BC1200 x\n", 0,
          { VAR(1, "ups.model", "value #BC1200 x") } },
        { "/drivers/dummy/dev-file/value/hash-lowercase-bad", "a.b: x #bad\n", 0, { VAR(1, "a.b", "x #bad") } },
        { "/drivers/dummy/dev-file/value/hash-bad-no-blank", "a.b: x#BAD\n", 0, { VAR(1, "a.b", "x#BAD") } },
        { "/drivers/dummy/dev-file/value/equals", "driver.parameter.x: a=b = c\n", 0,
          { VAR(1, "driver.parameter.x", "a=b = c") } },
        { "/drivers/dummy/dev-file/value/backslashes", "a.b: C:\\ups\\\\ \\\"q\\\n", 0,
          { VAR(1, "a.b", "C:\\ups\\\\ \\\"q\\") } },
        { "/drivers/dummy/dev-file/value/spaces", "ups.model: Smart-UPS   1500  \n", 0,
          { VAR(1, "ups.model", "Smart-UPS   1500  ") } },
        { "/drivers/dummy/dev-file/value/leading-spaces", "a.b:   x\n", 0, { VAR(1, "a.b", "  x") } },
        { "/drivers/dummy/dev-file/value/leading-tab", "a.b:\tx\n", 0, { VAR(1, "a.b", "\tx") } },
        { "/drivers/dummy/dev-file/value/8-bit", "ups.mfr: Caf\xe9 \xc3\xa9\xff\n", 0,
          { VAR(1, "ups.mfr", "Caf\xe9 \xc3\xa9\xff") } },
        { "/drivers/dummy/dev-file/value/colons", "ups.time: 12:30:00\n", 0, { VAR(1, "ups.time", "12:30:00") } },
        { "/drivers/dummy/dev-file/value/control", "a.b: x\ty\x01z\n", 0, { VAR(1, "a.b", "x\ty\x01z") } },
        /* empty values stay empty (NUT's dummy-ups repeats the previous line's value) */
        { "/drivers/dummy/dev-file/empty/bare", "a.b: x\nups.serial:\nc.d: y\n", 0,
          { VAR(1, "a.b", "x"), VAR(2, "ups.serial", ""), VAR(3, "c.d", "y") } },
        { "/drivers/dummy/dev-file/empty/blank", "ups.serial: \n", 0, { VAR(1, "ups.serial", "") } },
        { "/drivers/dummy/dev-file/empty/comment", "ups.serial:\t#COMMENT: masked by user\n", 0,
          { VAR(1, "ups.serial", "") } },
        { "/drivers/dummy/dev-file/empty/bad", "ups.serial: #BAD\n", 0, { VAR(1, "ups.serial", "") } },
        /* the annotations of the device report collection */
        { "/drivers/dummy/dev-file/annotation/bad-tab", "battery.charge: value\t#BAD: x\n", 0,
          { VAR(1, "battery.charge", "value") } },
        { "/drivers/dummy/dev-file/annotation/bad-spaces", "a.b: v w  #BAD reported\n", 0, { VAR(1, "a.b", "v w") } },
        { "/drivers/dummy/dev-file/annotation/comment", "a.b: v #COMMENT x #BAD\n", 0, { VAR(1, "a.b", "v") } },
        { "/drivers/dummy/dev-file/annotation/after-hash", "a.b: v #3 #BAD\n", 0, { VAR(1, "a.b", "v #3") } },
        /* lines */
        { "/drivers/dummy/dev-file/lines/crlf", "a.b: x\r\nc.d:\r\ne.f: y \r\n", 0,
          { VAR(1, "a.b", "x"), VAR(2, "c.d", ""), VAR(3, "e.f", "y ") } },
        { "/drivers/dummy/dev-file/lines/leading-blanks", "  a.b: x\n\tc.d: y\n", 0,
          { VAR(1, "a.b", "x"), VAR(2, "c.d", "y") } },
        { "/drivers/dummy/dev-file/lines/comments", "# upsc dump\n\n   \n\t# RW:\n#CMD: beeper.on\na.b: x\n", 0,
          { VAR(6, "a.b", "x") } },
        { "/drivers/dummy/dev-file/lines/no-final-lf", "a.b: x\nc.d: y", 0, { VAR(1, "a.b", "x"), VAR(2, "c.d", "y") } },
        { "/drivers/dummy/dev-file/lines/empty-file", "", 0, { { 0 } } },
        { "/drivers/dummy/dev-file/lines/only-lf", "\n\n", 0, { { 0 } } },
        { "/drivers/dummy/dev-file/lines/nul-byte", "a.b: x\0y\nc.d: z\n", 16, { BAD(1), VAR(2, "c.d", "z") } },
        { "/drivers/dummy/dev-file/lines/nul-comment", "# \0\nc.d: z\n", 11, { BAD(1), VAR(2, "c.d", "z") } },
        /* directives of .seq files */
        { "/drivers/dummy/dev-file/timer/seconds", "TIMER 5\n", 0, { TIMER(1, 5000000) } },
        { "/drivers/dummy/dev-file/timer/fraction", "TIMER 0.5\n", 0, { TIMER(1, 500000) } },
        { "/drivers/dummy/dev-file/timer/zero", "TIMER 0\n", 0, { TIMER(1, 0) } },
        { "/drivers/dummy/dev-file/timer/blanks", "  TIMER\t 10 \r\n", 0, { TIMER(1, 10000000) } },
        { "/drivers/dummy/dev-file/timer/week", "TIMER 604800\n", 0, { TIMER(1, 604800000000) } },
        { "/drivers/dummy/dev-file/timer/bad", "a.b: x\nTIMER bad\nc.d: y\n", 0,
          { VAR(1, "a.b", "x"), BAD(2), VAR(3, "c.d", "y") } },
        { "/drivers/dummy/dev-file/timer/trailing", "TIMER 5s\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/timer/bare", "TIMER\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/timer/negative", "TIMER -1\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/timer/too-long", "TIMER 604801\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/timer/nan", "TIMER nan\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/timer/var", "TIMER.x: 5\n", 0, { VAR(1, "TIMER.x", "5") } },
        { "/drivers/dummy/dev-file/alarm/text", "ALARM Replace battery!\n", 0, { ALARM(1, "Replace battery!") } },
        { "/drivers/dummy/dev-file/alarm/blanks", "ALARM   two  words \t\n", 0, { ALARM(1, "two  words") } },
        { "/drivers/dummy/dev-file/alarm/bare", "ALARM\n", 0, { ALARM(1, NULL) } },
        { "/drivers/dummy/dev-file/alarm/bare-blanks", "ALARM  \r\n", 0, { ALARM(1, NULL) } },
        { "/drivers/dummy/dev-file/alarm/not-a-word", "ALARMS x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/cmd/name", "CMD test.battery.start.quick \r\n", 0,
          { CMD(1, "test.battery.start.quick") } },
        { "/drivers/dummy/dev-file/cmd/bare", "CMD\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/cmd/two-words", "CMD load.off now\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/cmd/var-not-cmd", "CMD: x\n", 0, { VAR(1, "CMD", "x") } },
        /* lines that are none of these */
        { "/drivers/dummy/dev-file/bad/no-colon", "a.b: x\nhello world\n", 0, { VAR(1, "a.b", "x"), BAD(2) } },
        { "/drivers/dummy/dev-file/bad/no-blank", "a.b:x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/blank-before-colon", "a.b : x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/empty-name", ": x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/leading-dot", ".a: x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/slash", "a/b: x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/space", "a b: x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/8-bit-name", "caf\xe9: x\n", 0, { BAD(1) } },
        { "/drivers/dummy/dev-file/bad/lowercase-directive", "timer 5\n", 0, { BAD(1) } },
};

static void check_entries(const DevFile *f, const Expect *expect)
{
        size_t n = 0, n_bad = 0;

        for (; expect[n].line; n++) {
                const Expect *x = &expect[n];
                const DevEntry *e;

                g_assert_cmpuint(n, <, f->n_entries);
                e = &f->entries[n];
                g_assert_cmpuint(e->line, ==, x->line);
                g_assert_cmpint(e->type, ==, x->type);
                switch (x->type) {
                case DEV_ENTRY_VAR:
                        g_assert_cmpstr(e->name, ==, x->name);
                        g_assert_cmpstr(e->value, ==, x->value);
                        break;
                case DEV_ENTRY_TIMER:
                        g_assert_cmpuint(e->timer_usec, ==, x->usec);
                        break;
                case DEV_ENTRY_ALARM:
                        g_assert_cmpstr(e->value, ==, x->value);
                        break;
                case DEV_ENTRY_CMD:
                        g_assert_cmpstr(e->name, ==, x->name);
                        break;
                case DEV_ENTRY_BAD:
                        n_bad++;
                        g_assert_nonnull(e->error);
                        g_test_message("line %u: %s", e->line, e->error);
                        break;
                }
        }
        g_assert_cmpuint(f->n_entries, ==, n);
        g_assert_cmpuint(f->n_bad, ==, n_bad);
}

static void test_dev_file(const void *data)
{
        const DevCase *c = data;
        g_autoptr(DevFile) f = NULL;

        g_assert_cmpint(dev_file_parse(c->text, c->size ?: strlen(c->text), &f), ==, 0);
        check_entries(f, c->expect);
}

/* A line may be DEV_FILE_MAX_LINE bytes long (CR excluded), not more. */
static void test_long_lines(void)
{
        g_autoptr(GString) text = g_string_new(NULL);
        g_autofree char *fill = g_strnfill(DEV_FILE_MAX_LINE - 5, 'x');
        g_autoptr(DevFile) f = NULL;

        g_string_append_printf(text, "a.b: %s\r\n", fill);     /* exactly the limit */
        g_string_append_printf(text, "c.d: %sy\n", fill);      /* one byte more */
        g_string_append(text, "e.f: z\n");
        g_assert_cmpint(dev_file_parse(text->str, text->len, &f), ==, 0);
        g_assert_cmpuint(f->n_entries, ==, 3);
        g_assert_cmpint(f->entries[0].type, ==, DEV_ENTRY_VAR);
        g_assert_cmpuint(strlen(f->entries[0].value), ==, DEV_FILE_MAX_LINE - 5);
        g_assert_cmpint(f->entries[1].type, ==, DEV_ENTRY_BAD);
        g_assert_cmpuint(f->entries[1].line, ==, 2);
        g_assert_cmpuint(f->n_bad, ==, 1);
        g_assert_cmpstr(f->entries[2].value, ==, "z");
        g_assert_cmpuint(f->entries[2].line, ==, 3);
}

/* Many entries (the array grows) keep their order and line numbers. */
static void test_many(void)
{
        g_autoptr(GString) text = g_string_new(NULL);
        g_autoptr(DevFile) f = NULL;

        for (unsigned i = 0; i < 1000; i++)
                g_string_append_printf(text, "v.%u: %u\n# c\n", i, i * 2);
        g_assert_cmpint(dev_file_parse(text->str, text->len, &f), ==, 0);
        g_assert_cmpuint(f->n_entries, ==, 1000);
        for (unsigned i = 0; i < 1000; i++) {
                g_autofree char *name = g_strdup_printf("v.%u", i), *value = g_strdup_printf("%u", i * 2);

                g_assert_cmpstr(f->entries[i].name, ==, name);
                g_assert_cmpstr(f->entries[i].value, ==, value);
                g_assert_cmpuint(f->entries[i].line, ==, 2 * i + 1);
        }
}

/* The real dumps */

typedef struct OracleEntry {
        unsigned line;
        char *name, *value;
} OracleEntry;

static void oracle_entry_clear(void *p)
{
        OracleEntry *e = p;

        g_free(e->name);
        g_free(e->value);
}

/*
 * The oracle: README's rule written with two regular expressions, independently of dev-file.c.
 * Lines that are not "name:value" (comments, blank lines) are left out; *ret_other counts those
 * that are neither blank nor comments.
 */
static GArray *oracle_parse(const char *text, size_t size, unsigned *ret_other)
{
        g_autoptr(GRegex) var = g_regex_new("^[ \\t]*([A-Za-z0-9._-]+):(.*)$", G_REGEX_RAW, 0, NULL);
        g_autoptr(GRegex) note = g_regex_new("[ \\t]+#(BAD|COMMENT).*$", G_REGEX_RAW, 0, NULL);
        g_autofree char *copy = g_strndup(text, size);
        g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);
        GArray *a = g_array_new(FALSE, TRUE, sizeof(OracleEntry));
        unsigned other = 0;

        g_array_set_clear_func(a, oracle_entry_clear);
        for (unsigned i = 0; lines[i]; i++) {
                g_autoptr(GMatchInfo) m = NULL;
                g_autofree char *value = NULL;
                char *line = lines[i];
                size_t len = strlen(line);
                OracleEntry e = { .line = i + 1 };

                if (len > 0 && line[len - 1] == '\r')
                        line[--len] = '\0';
                if (!g_regex_match(var, line, 0, &m)) {
                        g_strstrip(line);
                        if (line[0] && line[0] != '#')
                                other++;
                        continue;
                }
                e.name = g_match_info_fetch(m, 1);
                value = g_match_info_fetch(m, 2);
                e.value = g_regex_replace_literal(note, value, -1, 0, "", 0, NULL);
                if (e.value[0] == ' ')
                        memmove(e.value, e.value + 1, strlen(e.value));
                g_array_append_val(a, e);
        }
        *ret_other = other;
        return a;
}

static GPtrArray *ddl_files;

static void collect_ddl_files(const char *dir, GPtrArray *out)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *n;

        if (!d)
                return;
        while ((n = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(dir, n, NULL);

                if (g_file_test(p, G_FILE_TEST_IS_DIR))
                        collect_ddl_files(p, out);
                else if (g_str_has_suffix(n, ".dev"))
                        g_ptr_array_add(out, g_steal_pointer(&p));
        }
}

static int compare_paths(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Logs a failure and goes on, so that one run names every difference in a dump. */
G_GNUC_PRINTF(2, 3) static void mismatch(unsigned *n, const char *format, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, format);
        msg = g_strdup_vprintf(format, ap);
        va_end(ap);
        if (++*n <= 10)
                g_test_message("%s", msg);
        g_test_fail();
}

static void test_ddl_file(const void *data)
{
        const char *path = data;
        g_autofree char *text = NULL;
        g_autoptr(GArray) oracle = NULL;
        g_autoptr(DevFile) f = NULL;
        g_autoptr(GError) error = NULL;
        unsigned other, n_mismatch = 0;
        size_t size, k = 0;

        if (!g_file_get_contents(path, &text, &size, &error))
                g_error("%s: %s", path, error->message);
        g_assert_cmpint(dev_file_parse(text, size, &f), ==, 0);
        oracle = oracle_parse(text, size, &other);

        for (size_t i = 0; i < f->n_entries; i++) {
                const DevEntry *e = &f->entries[i];
                const OracleEntry *o = k < oracle->len ? &g_array_index(oracle, OracleEntry, k) : NULL;

                if (e->type == DEV_ENTRY_BAD) {
                        /* only lines the oracle rejects too may be bad */
                        if (o && o->line == e->line)
                                mismatch(&n_mismatch, "%s:%u: %s, the oracle reads %s=\"%s\"", path, e->line,
                                         e->error, o->name, o->value);
                        else
                                g_test_message("%s:%u: %s (the oracle skips it too)", path, e->line, e->error);
                        if (o && o->line == e->line)
                                k++;
                        continue;
                }
                if (e->type != DEV_ENTRY_VAR) {
                        mismatch(&n_mismatch, "%s:%u: a directive in a dump", path, e->line);
                        continue;
                }
                if (!o) {
                        mismatch(&n_mismatch, "%s:%u: %s=\"%s\", the oracle reads nothing more", path, e->line,
                                 e->name, e->value);
                        continue;
                }
                if (o->line != e->line || !g_str_equal(o->name, e->name) || !g_str_equal(o->value, e->value))
                        mismatch(&n_mismatch, "%s:%u: %s=\"%s\", the oracle reads line %u: %s=\"%s\"", path,
                                 e->line, e->name, e->value, o->line, o->name, o->value);
                k++;
        }
        for (; k < oracle->len; k++) {
                const OracleEntry *o = &g_array_index(oracle, OracleEntry, k);

                mismatch(&n_mismatch, "%s:%u: missing %s=\"%s\"", path, o->line, o->name, o->value);
        }
        /* dumps have nothing but variables, comments and blank lines */
        g_assert_cmpuint(other, ==, 0);
        g_assert_cmpuint(f->n_bad, ==, 0);
        if (n_mismatch > 0)
                g_test_message("%s: %u differences", path, n_mismatch);
}

static void test_ddl_count(void)
{
        if (!ddl_dir) {
                g_test_skip("no nut-ddl dumps: pass their directory as argv[1] or $NUT_DDL_DIR");
                return;
        }
        g_assert_cmpuint(ddl_files->len, ==, DDL_FILES);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        ddl_dir = argc > 1 ? argv[1] : g_getenv("NUT_DDL_DIR");
        if (ddl_dir && !g_file_test(ddl_dir, G_FILE_TEST_IS_DIR))
                ddl_dir = NULL;
        ddl_files = g_ptr_array_new_with_free_func(g_free);
        if (ddl_dir)
                collect_ddl_files(ddl_dir, ddl_files);
        g_ptr_array_sort(ddl_files, compare_paths);

        for (size_t i = 0; i < G_N_ELEMENTS(dev_cases); i++)
                g_test_add_data_func(dev_cases[i].path, &dev_cases[i], test_dev_file);
        g_test_add_func("/drivers/dummy/dev-file/lines/long", test_long_lines);
        g_test_add_func("/drivers/dummy/dev-file/lines/many", test_many);
        g_test_add_func("/drivers/dummy/dev-file/ddl/count", test_ddl_count);
        for (size_t i = 0; i < ddl_files->len; i++) {
                const char *p = g_ptr_array_index(ddl_files, i), *rel = p + strlen(ddl_dir);
                g_autofree char *test = NULL;

                while (*rel == '/')
                        rel++;
                test = g_strconcat("/drivers/dummy/dev-file/ddl/", rel, NULL);

                g_test_add_data_func(test, p, test_ddl_file);
        }

        return g_test_run();
}
