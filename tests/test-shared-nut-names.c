/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-names: every row of the fact tables nut-names.tsv and nut-commands.tsv is found with its
 * description and type, in any letter case and with any index; the generated tables are sorted.
 * The fact tables come from argv[1] or $NUT_FACTS_DIR; without them only those cases are skipped.
 */
#include <glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "nut-names.h"

static const char *facts_dir;

/* The grammar of three-phase names, as facts/README.md states it */
static const char *const phase_domains[] = {
        "input", "input.bypass", "input.servicebypass",
        "output", "output.bypass", "output.inverter", "output.servicebypass",
};
static const char *const line_contexts[] = { "L1", "L2", "L3", NULL };
static const char *const current_contexts[] = { "L1", "L2", "L3", "N", NULL };
static const char *const voltage_contexts[] = { "L1-L2", "L2-L3", "L3-L1", "L1-N", "L2-N", "L3-N", NULL };
static const char *const no_contexts[] = { NULL };
static const char *const all_contexts[] = { "L1", "L2", "L3", "N", "L1-L2", "L2-L3", "L3-L1",
                                            "L1-N", "L2-N", "L3-N" };

static const char *const numbers[] = { "1", "2", "10", "255" };
static const char *const rests[] = { "port", "some.dotted.option" };

/* Logs a failure and goes on, so that one run reports every bad row. */
G_GNUC_PRINTF(1, 2) static void fail(const char *format, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, format);
        msg = g_strdup_vprintf(format, ap);
        va_end(ap);
        g_test_message("%s", msg);
        g_test_fail();
}

typedef struct Tsv {
        char **header;
        GPtrArray *rows;        /* char **, fields unescaped */
} Tsv;

static void tsv_free(Tsv *t)
{
        g_strfreev(t->header);
        g_ptr_array_unref(t->rows);
        g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Tsv, tsv_free)

static void unescape(char *s)
{
        char *w = s;

        for (const char *r = s; *r; r++) {
                if (*r == '\\' && r[1]) {
                        r++;
                        *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
                } else
                        *w++ = *r;
        }
        *w = '\0';
}

/* NULL (and the test skipped) when there are no fact tables */
static Tsv *tsv_read(const char *file)
{
        g_autofree char *path = NULL, *contents = NULL;
        g_auto(GStrv) lines = NULL;
        Tsv *t;

        if (!facts_dir) {
                g_test_skip("no fact tables: pass their directory as argv[1] or $NUT_FACTS_DIR");
                return NULL;
        }
        path = g_build_filename(facts_dir, file, NULL);
        if (!g_file_get_contents(path, &contents, NULL, NULL)) {
                g_test_skip_printf("cannot read %s", path);
                return NULL;
        }
        lines = g_strsplit(contents, "\n", -1);
        t = g_new0(Tsv, 1);
        t->header = g_strsplit(lines[0], "\t", -1);
        t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        for (size_t i = 1; lines[i]; i++) {
                char **fields;

                if (lines[i][0] == '\0')
                        continue;
                fields = g_strsplit(lines[i], "\t", -1);
                g_assert_cmpuint(g_strv_length(fields), ==, g_strv_length(t->header));
                for (size_t j = 0; fields[j]; j++)
                        unescape(fields[j]);
                g_ptr_array_add(t->rows, fields);
        }
        g_assert_cmpuint(t->rows->len, >, 0);
        return t;
}

static unsigned tsv_column(const Tsv *t, const char *name)
{
        for (unsigned i = 0; t->header[i]; i++)
                if (g_str_equal(t->header[i], name))
                        return i;
        g_error("no column %s", name);
}

/* The table's text: naming-scheme notes and file references dropped, first letter capital */
static char *expected_description(const char *tsv_text)
{
        g_autoptr(GRegex) notes = NULL;
        char *s;

        notes = g_regex_new("\\s*\\((?:three-phase naming component|aggregate only[^)]*)\\)"
                            "|;\\s*see [\\w.-]+\\.tsv", 0, 0, NULL);
        s = g_regex_replace_literal(notes, tsv_text, -1, 0, "", 0, NULL);
        g_strstrip(s);
        s[0] = g_ascii_toupper(s[0]);
        return s;
}

/* Components "n" and "x" become numbers (different ones per position), a last "xxx" the rest. */
static char *instantiate(const char *template, size_t variant, const char *rest)
{
        g_auto(GStrv) parts = g_strsplit(template, ".", -1);
        size_t placeholder = 0;

        for (size_t i = 0; parts[i]; i++) {
                if (g_str_equal(parts[i], "n") || g_str_equal(parts[i], "x")) {
                        g_free(parts[i]);
                        parts[i] = g_strdup(numbers[(variant + placeholder++) % G_N_ELEMENTS(numbers)]);
                } else if (g_str_equal(parts[i], "xxx") && !parts[i + 1]) {
                        g_free(parts[i]);
                        parts[i] = g_strdup(rest);
                }
        }
        return g_strjoinv(".", parts);
}

static bool is_template(const char *name)
{
        g_auto(GStrv) parts = g_strsplit(name, ".", -1);

        for (size_t i = 0; parts[i]; i++)
                if (g_str_equal(parts[i], "n") || g_str_equal(parts[i], "x") || g_str_equal(parts[i], "xxx"))
                        return true;
        return false;
}

/* The name is found (or not, when description is NULL) as written, in upper case and in lower case. */
static void check_var(const char *name, const char *description, NutNameType type)
{
        g_autofree char *upper = g_ascii_strup(name, -1), *lower = g_ascii_strdown(name, -1);
        const char *const forms[] = { name, upper, lower };

        for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
                const char *d = nut_var_description(forms[i]);
                NutNameType t = nut_var_type(forms[i]);

                if (g_strcmp0(d, description) != 0)
                        fail("variable %s: description \"%s\", expected \"%s\"", forms[i], d ?: "(null)",
                             description ?: "(null)");
                if (t != type)
                        fail("variable %s: type %s, expected %s", forms[i], nut_name_type_to_string(t),
                             nut_name_type_to_string(type));
        }
}

static void check_cmd(const char *name, const char *description)
{
        g_autofree char *upper = g_ascii_strup(name, -1), *lower = g_ascii_strdown(name, -1);
        const char *const forms[] = { name, upper, lower };

        for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
                const char *d = nut_cmd_description(forms[i]);

                if (g_strcmp0(d, description) != 0)
                        fail("command %s: description \"%s\", expected \"%s\"", forms[i], d ?: "(null)",
                             description ?: "(null)");
        }
}

static void check_var_known(const char *name, bool known)
{
        bool found = nut_var_description(name), typed = nut_var_type(name) != NUT_NAME_UNKNOWN;

        if (found != known || typed != known)
                fail("variable %s: expected %s", name, known ? "a standard name" : "unknown");
}

static void check_cmd_known(const char *name, bool known)
{
        bool found = nut_cmd_description(name);

        if (found != known)
                fail("command %s: expected %s", name, known ? "a standard command" : "unknown");
}

typedef struct Expected {
        char *description;
        NutNameType type;
} Expected;

static void expected_free(Expected *e)
{
        g_free(e->description);
        g_free(e);
}

/* A literal name wins over the three-phase grammar (input.voltage is not "Voltage"). */
static void check_phase_name(GHashTable *literal, const char *name, const char *description,
                             NutNameType type)
{
        g_autofree char *key = g_ascii_strdown(name, -1);
        const Expected *e = g_hash_table_lookup(literal, key);

        if (e)
                check_var(name, e->description, e->type);
        else
                check_var(name, description, type);
}

/* Every domain, with every context the spec takes, and without one; other contexts are unknown. */
static void check_phase_row(GHashTable *literal, const char *name, const char *description, NutNameType type)
{
        const char *const *contexts;
        const char *spec;

        if (g_str_has_prefix(name, "<DOMAIN>.")) {
                spec = name + strlen("<DOMAIN>.");
                contexts = no_contexts;
        } else {
                g_assert_true(g_str_has_prefix(name, "<DOMAIN>[.<CONTEXT>]."));
                spec = name + strlen("<DOMAIN>[.<CONTEXT>].");
                contexts = g_str_has_prefix(spec, "voltage") ? voltage_contexts :
                           g_str_has_prefix(spec, "current") ? current_contexts : line_contexts;
        }

        for (size_t d = 0; d < G_N_ELEMENTS(phase_domains); d++) {
                g_autofree char *aggregate = g_strdup_printf("%s.%s", phase_domains[d], spec);

                check_phase_name(literal, aggregate, description, type);
                for (size_t c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
                        g_autofree char *n = g_strdup_printf("%s.%s.%s", phase_domains[d], all_contexts[c],
                                                             spec);

                        if (g_strv_contains(contexts, all_contexts[c]))
                                check_phase_name(literal, n, description, type);
                        else
                                check_var(n, NULL, NUT_NAME_UNKNOWN);
                }
        }
}

static void check_count(const char *table, size_t rows, size_t entries)
{
        if (rows != entries)
                fail("%s: %zu entries, the fact table has %zu rows (regenerate it?)", table, entries, rows);
}

static void test_variables_tsv(void)
{
        g_autoptr(Tsv) t = tsv_read("nut-names.tsv");
        g_autoptr(GHashTable) literal = NULL;
        size_t n_literal = 0, n_template = 0, n_phase = 0;
        unsigned name, type, description, templated;

        if (!t)
                return;
        name = tsv_column(t, "name");
        type = tsv_column(t, "type");
        description = tsv_column(t, "description");
        templated = tsv_column(t, "templated");

        literal = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify) expected_free);
        for (unsigned i = 0; i < t->rows->len; i++) {
                char **row = g_ptr_array_index(t->rows, i);
                Expected *e;

                if (g_str_has_prefix(row[name], "<DOMAIN>") || is_template(row[name]))
                        continue;
                e = g_new(Expected, 1);
                e->description = expected_description(row[description]);
                e->type = nut_name_type_from_string(row[type]);
                g_hash_table_insert(literal, g_ascii_strdown(row[name], -1), e);
        }

        for (unsigned i = 0; i < t->rows->len; i++) {
                char **row = g_ptr_array_index(t->rows, i);
                g_autofree char *d = expected_description(row[description]);
                NutNameType ty = nut_name_type_from_string(row[type]);

                g_assert_cmpint(ty, >=, 0);
                if (g_str_has_prefix(row[name], "<DOMAIN>")) {
                        check_phase_row(literal, row[name], d, ty);
                        n_phase++;
                } else if (is_template(row[name])) {
                        g_assert_cmpstr(row[templated], ==, "yes");
                        for (size_t v = 0; v < G_N_ELEMENTS(numbers); v++)
                                for (size_t r = 0; r < G_N_ELEMENTS(rests); r++) {
                                        g_autofree char *n = instantiate(row[name], v, rests[r]);

                                        check_var(n, d, ty);
                                }
                        n_template++;
                } else {
                        g_assert_cmpstr(row[templated], ==, "no");
                        check_var(row[name], d, ty);
                        n_literal++;
                }
        }

        /* and the tables hold nothing else */
        check_count("nut_var_table", n_literal, nut_var_table_size);
        check_count("nut_var_template_table", n_template, nut_var_template_table_size);
        check_count("nut_phase_spec_table", n_phase, nut_phase_spec_table_size);
}

static void test_commands_tsv(void)
{
        g_autoptr(Tsv) t = tsv_read("nut-commands.tsv");
        size_t n_literal = 0, n_template = 0;
        unsigned command, description;

        if (!t)
                return;
        command = tsv_column(t, "command");
        description = tsv_column(t, "description");

        for (unsigned i = 0; i < t->rows->len; i++) {
                char **row = g_ptr_array_index(t->rows, i);
                g_autofree char *d = expected_description(row[description]);

                if (is_template(row[command])) {
                        for (size_t v = 0; v < G_N_ELEMENTS(numbers); v++) {
                                g_autofree char *n = instantiate(row[command], v, rests[0]);

                                check_cmd(n, d);
                        }
                        n_template++;
                } else {
                        check_cmd(row[command], d);
                        n_literal++;
                }
        }

        check_count("nut_cmd_table", n_literal, nut_cmd_table_size);
        check_count("nut_cmd_template_table", n_template, nut_cmd_template_table_size);
}

static void test_case(void)
{
        g_assert_cmpstr(nut_var_description("BATTERY.CHARGE"), ==, nut_var_description("battery.charge"));
        g_assert_cmpstr(nut_var_description("Ups.Status"), ==, nut_var_description("ups.status"));
        g_assert_cmpstr(nut_var_description("OUTLET.3.DESC"), ==, nut_var_description("outlet.3.desc"));
        g_assert_cmpstr(nut_var_description("Input.l1-n.Voltage"), ==,
                        nut_var_description("input.L1-N.voltage"));
        g_assert_cmpint(nut_var_type("DEVICE.TYPE"), ==, NUT_NAME_ENUM);
        g_assert_cmpstr(nut_cmd_description("LOAD.OFF"), ==, nut_cmd_description("load.off"));
        g_assert_cmpstr(nut_cmd_description("Outlet.2.Load.Off"), ==,
                        nut_cmd_description("outlet.2.load.off"));
        check_var_known("battery.charge", true);
        check_cmd_known("load.off", true);
}

static void test_templates(void)
{
        static const char *const known[] = {
                "outlet.0.desc", "outlet.1.desc", "outlet.3.desc", "outlet.42.desc", "outlet.007.status",
                "ambient.1.temperature", "ambient.2.temperature.high.warning", "ambient.1.contacts.2.status",
                "ambient.16.contacts.1.name", "outlet.group.4.phase", "driver.parameter.pollinterval",
                "driver.flag.allow_killpower", "driver.parameter.xxx",
        };
        static const char *const unknown[] = {
                "outlet.n.desc", "outlet.x.desc", "ambient.n.contacts.x.status", "outlet..desc",
                "outlet.1a.desc", "outlet.-1.desc", "outlet.+1.desc", "outlet. 1.desc", "outlet.1",
                "outlet.1.", "outlet.1.desc.", "outlet.1.desc.extra", "outlet.1.2.desc", "ambient.1",
                "ambient.1.contacts.status", "driver.parameter", "driver.parameter.", "driver.flag",
        };

        for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
                check_var_known(known[i], true);
        for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
                check_var_known(unknown[i], false);

        g_assert_cmpstr(nut_var_description("outlet.1.desc"), ==, nut_var_description("outlet.12.desc"));
        g_assert_cmpstr(nut_var_lookup("ambient.3.contacts.4.config")->name, ==,
                        "ambient.n.contacts.x.config");
        g_assert_cmpstr(nut_var_lookup("driver.parameter.a.b")->name, ==, "driver.parameter.xxx");
        g_assert_cmpstr(nut_cmd_description("outlet.1.load.cycle"), ==,
                        nut_cmd_description("outlet.9.load.cycle"));
        check_cmd_known("outlet.10.shutdown.return", true);
        check_cmd_known("outlet.n.load.off", false);
        check_cmd_known("outlet.load.off", false);
        check_cmd_known("outlet.1.load", false);
}

static void test_phase(void)
{
        static const char *const known[] = {
                "input.L1-N.voltage", "input.l2-l3.VOLTAGE", "input.L1.current", "input.N.current.peak",
                "input.bypass.L1.current", "input.bypass.L1-L2.voltage.nominal", "output.L2.power.percent",
                "output.inverter.L3.realpower", "output.servicebypass.load", "output.bypass.frequency",
                "input.servicebypass.frequency.nominal", "output.L1.alarm",
        };
        static const char *const unknown[] = {
                "input.N.voltage", "input.L1.voltage", "input.L1-N.current", "output.L1.frequency",
                "output.N.power", "input.L4.current", "input..current", "input.L1", "input.L1.",
                "input.L1.L2.current", "ups.L1.load", "battery.L1.current", "input.bypass.bypass.current",
                "output.L1-N.voltage.bogus", "L1.current",
        };

        for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
                check_var_known(known[i], true);
        for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++)
                check_var_known(unknown[i], false);

        g_assert_cmpstr(nut_var_lookup("input.L1-N.voltage")->name, ==, "<DOMAIN>[.<CONTEXT>].voltage");
        g_assert_cmpstr(nut_var_lookup("output.bypass.frequency")->name, ==, "<DOMAIN>.frequency");
        g_assert_cmpint(nut_var_type("output.L1.current.status"), ==, NUT_NAME_ENUM);
        /* a literal name wins over the grammar */
        g_assert_cmpstr(nut_var_lookup("input.voltage")->name, ==, "input.voltage");
        g_assert_cmpstr(nut_var_description("input.voltage"), !=,
                        nut_var_description("output.bypass.voltage"));
}

static void test_unknown(void)
{
        static const char *const unknown[] = {
                "", ".", "battery", "battery.", ".battery.charge", "battery..charge", "battery.charge.",
                "battery.charge.bogus", "ups.statu", "ups.statuss", "upsstatus", "server", "n", "xxx",
                "zzz.top", "\x7f", "battery.charge\n",
        };

        for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++) {
                g_assert_null(nut_var_lookup(unknown[i]));
                check_var_known(unknown[i], false);
                check_cmd_known(unknown[i], false);
        }
        check_cmd_known("load", false);
        check_cmd_known("load.off.now", false);
        check_cmd_known("battery.charge", false);
        check_var_known("load.off", false);
}

static void check_description(const char *name, const char *description)
{
        size_t l;

        g_assert_nonnull(description);
        l = strlen(description);
        g_assert_cmpuint(l, >, 0);
        g_assert_cmpuint(l, <=, 255);
        if (!g_ascii_isupper(description[0]))
                fail("%s: description \"%s\" does not start with a capital", name, description);
        for (size_t i = 0; i < l; i++)
                if (!g_ascii_isprint(description[i]) || strchr("\"\\", description[i]))
                        fail("%s: description needs escaping", name);
}

static void check_sorted(const char *what, const void *table, size_t n, size_t size, bool templates)
{
        g_assert_cmpuint(n, >, 0);
        for (size_t i = 0; i < n; i++) {
                const char *name = *(const char *const *) ((const char *) table + i * size);

                g_assert_cmpint(is_template(name), ==, templates);
                if (i > 0) {
                        const char *prev = *(const char *const *) ((const char *) table + (i - 1) * size);

                        if (strcasecmp(prev, name) >= 0)
                                fail("%s: \"%s\" before \"%s\"", what, prev, name);
                }
        }
}

static void test_sorted(void)
{
        check_sorted("nut_var_table", nut_var_table, nut_var_table_size, sizeof(NutVarInfo), false);
        check_sorted("nut_var_template_table", nut_var_template_table, nut_var_template_table_size,
                      sizeof(NutVarInfo), true);
        check_sorted("nut_phase_spec_table", nut_phase_spec_table, nut_phase_spec_table_size,
                      sizeof(NutPhaseSpec), false);
        check_sorted("nut_cmd_table", nut_cmd_table, nut_cmd_table_size, sizeof(NutCmdInfo), false);
        check_sorted("nut_cmd_template_table", nut_cmd_template_table, nut_cmd_template_table_size,
                      sizeof(NutCmdInfo), true);

        for (size_t i = 0; i < nut_var_table_size; i++) {
                check_description(nut_var_table[i].name, nut_var_table[i].description);
                g_assert_cmpint(nut_var_table[i].type, >=, 0);
                g_assert_cmpint(nut_var_table[i].type, <, NUT_NAME_UNKNOWN);
        }
        for (size_t i = 0; i < nut_var_template_table_size; i++)
                check_description(nut_var_template_table[i].name, nut_var_template_table[i].description);
        for (size_t i = 0; i < nut_phase_spec_table_size; i++) {
                const NutPhaseSpec *s = &nut_phase_spec_table[i];

                check_description(s->info.name, s->info.description);
                g_assert_true(g_str_has_prefix(s->info.name, "<DOMAIN>"));
                g_assert_true(g_str_has_suffix(s->info.name, s->spec));
        }
        for (size_t i = 0; i < nut_cmd_table_size; i++)
                check_description(nut_cmd_table[i].name, nut_cmd_table[i].description);
        for (size_t i = 0; i < nut_cmd_template_table_size; i++)
                check_description(nut_cmd_template_table[i].name, nut_cmd_template_table[i].description);
}

static void test_type_strings(void)
{
        for (NutNameType t = 0; t < _NUT_NAME_TYPE_MAX; t++) {
                const char *s = nut_name_type_to_string(t);

                g_assert_nonnull(s);
                g_assert_cmpint(nut_name_type_from_string(s), ==, t);
        }
        g_assert_cmpstr(nut_name_type_to_string(NUT_NAME_NUMBER), ==, "number");
        g_assert_null(nut_name_type_to_string(_NUT_NAME_TYPE_MAX));
        g_assert_null(nut_name_type_to_string(_NUT_NAME_TYPE_INVALID));
        g_assert_cmpint(nut_name_type_from_string("bogus"), ==, -EINVAL);
        g_assert_cmpint(nut_name_type_from_string(""), ==, -EINVAL);
        g_assert_cmpint(nut_name_type_from_string(NULL), ==, -EINVAL);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        facts_dir = argc > 1 ? argv[1] : g_getenv("NUT_FACTS_DIR");

        g_test_add_func("/shared/nut-names/tsv/variables", test_variables_tsv);
        g_test_add_func("/shared/nut-names/tsv/commands", test_commands_tsv);
        g_test_add_func("/shared/nut-names/case", test_case);
        g_test_add_func("/shared/nut-names/templates", test_templates);
        g_test_add_func("/shared/nut-names/phase", test_phase);
        g_test_add_func("/shared/nut-names/unknown", test_unknown);
        g_test_add_func("/shared/nut-names/sorted", test_sorted);
        g_test_add_func("/shared/nut-names/type-strings", test_type_strings);

        return g_test_run();
}
