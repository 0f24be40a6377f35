/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-mapping: the generated usbhid-ups tables say what the fact tables say (rows per subdriver
 * and kind, paths that parse, conversions that exist, USB IDs), and the APC Back-UPS CS 500
 * resolves to the variables NUT published for it. Facts come from $NUT_FACTS_DIR, the device
 * from $NUT_HID_DIR (its NUT dump from $NUT_DDL_DIR); without them those cases are skipped.
 */
#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "usbhid/hid-mapping.h"
#include "usbhid/hid-parser.h"
#include "usbhid/hid-path.h"
#include "usbhid/hid-usage.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HidDescriptor, hid_descriptor_free)

#define APC_CS_500 "apc-back-ups-cs-500_nut-2.8.0"
#define APC_CS_500_DEV "APC/APC__Back-UPS_CS_500__usbhid-ups__2.8.0__01.dev"

static const char *facts_dir, *hid_dir, *ddl_dir;

/* ---- a tab-separated fact table ---- */

typedef struct Tsv {
        GStrv header;
        GPtrArray *rows;        /* GStrv each, fields unescaped */
} Tsv;

static void tsv_free(Tsv *t)
{
        g_strfreev(t->header);
        g_ptr_array_unref(t->rows);
        g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Tsv, tsv_free)

static Tsv *tsv_load(const char *dir, const char *name)
{
        g_autofree gchar *path = g_build_filename(dir, name, NULL), *text = NULL;
        g_auto(GStrv) lines = NULL;
        Tsv *t;

        if (!g_file_get_contents(path, &text, NULL, NULL))
                return NULL;
        lines = g_strsplit(text, "\n", -1);
        t = g_new0(Tsv, 1);
        t->header = g_strsplit(lines[0], "\t", -1);
        t->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
        for (size_t i = 1; lines[i]; i++) {
                g_auto(GStrv) f = NULL;

                if (!*lines[i])
                        continue;
                f = g_strsplit(lines[i], "\t", -1);
                g_assert_cmpuint(g_strv_length(f), ==, g_strv_length(t->header));
                for (size_t j = 0; f[j]; j++) {
                        gchar *u = g_strcompress(f[j]);

                        g_free(f[j]);
                        f[j] = u;
                }
                g_ptr_array_add(t->rows, g_steal_pointer(&f));
        }
        return t;
}

static const char *tsv_get(const Tsv *t, guint row, const char *column)
{
        gchar **r = g_ptr_array_index(t->rows, row);

        for (size_t i = 0; t->header[i]; i++)
                if (g_str_equal(t->header[i], column))
                        return r[i];
        g_error("no column %s", column);
}

static Tsv *facts_load(const char *name)
{
        Tsv *t;

        if (!facts_dir) {
                g_test_skip("no facts: set $NUT_FACTS_DIR");
                return NULL;
        }
        t = tsv_load(facts_dir, name);
        if (!t)
                g_test_skip("a fact table is missing");
        return t;
}

/* Rows of a normal Linux build: glibc has strptime(), usbhid-ups is not built in SHUT mode */
static bool built(const char *condition)
{
        return g_str_equal(condition, "") || g_str_equal(condition, "defined HAVE_STRPTIME") ||
               g_str_equal(condition, "!((defined SHUT_MODE) && SHUT_MODE)");
}

static HidMapKind row_kind(const Tsv *t, guint i)
{
        const char *kind = tsv_get(t, i, "kind");

        if (g_str_equal(kind, "status"))
                return HID_MAP_STATUS;
        if (g_str_equal(kind, "cmd"))
                return HID_MAP_CMD;
        g_assert_cmpstr(kind, ==, "var");
        return g_str_equal(tsv_get(t, i, "nut_name"), "ups.alarm") ? HID_MAP_ALARM : HID_MAP_VAR;
}

/* The production rows of a subdriver's mapping file, as indexes into it */
static GArray *mapping_rows(const Tsv *t)
{
        GArray *a = g_array_new(FALSE, FALSE, sizeof(guint));

        for (guint i = 0; i < t->rows->len; i++)
                if (built(tsv_get(t, i, "build_condition")))
                        g_array_append_val(a, i);
        return a;
}

/* ---- (a) rows per subdriver and kind; the subdrivers in probe order ---- */

static void check_subdriver_rows(const HidSubdriver *s)
{
        g_autofree gchar *file = g_strconcat("hid-mappings/", s->name, ".tsv", NULL);
        g_autoptr(Tsv) t = tsv_load(facts_dir, file);
        g_autoptr(GArray) rows = NULL;
        size_t want[HID_MAP_CMD + 1] = {}, got[HID_MAP_CMD + 1] = {};

        g_assert_nonnull(t);
        rows = mapping_rows(t);
        for (guint k = 0; k < rows->len; k++)
                want[row_kind(t, g_array_index(rows, guint, k))]++;
        for (size_t k = 0; k < s->n_mappings; k++)
                got[s->mappings[k].kind]++;
        g_test_message("%s: %zu var, %zu status, %zu alarm, %zu cmd", s->name, got[HID_MAP_VAR],
                       got[HID_MAP_STATUS], got[HID_MAP_ALARM], got[HID_MAP_CMD]);
        for (int k = HID_MAP_VAR; k <= HID_MAP_CMD; k++)
                g_assert_cmpuint(got[k], ==, want[k]);

        /* and row by row, in NUT's order */
        g_assert_cmpuint(s->n_mappings, ==, rows->len);
        for (guint k = 0; k < rows->len; k++) {
                guint i = g_array_index(rows, guint, k);
                const HidMapping *m = &s->mappings[k];
                bool named = m->kind == HID_MAP_VAR || m->kind == HID_MAP_CMD;

                g_assert_cmpint(m->kind, ==, row_kind(t, i));
                g_assert_cmpstr(m->hid_path, ==, tsv_get(t, i, "hid_path"));
                g_assert_cmpstr(m->nut_name, ==, named ? tsv_get(t, i, "nut_name") : NULL);
                g_assert_cmpstr(m->lookup ? m->lookup->name : "", ==, tsv_get(t, i, "lookup_table"));
                g_assert_cmpuint(m->str_len, ==, g_ascii_strtoull(tsv_get(t, i, "str_len"), NULL, 10));
        }
}

static void test_subdriver_rows(void)
{
        g_autoptr(Tsv) subs = facts_load("hid-subdrivers.tsv");
        size_t n = 0;

        if (!subs)
                return;
        for (guint i = 0; i < subs->rows->len; i++) {
                const char *name = tsv_get(subs, i, "subdriver");
                const HidSubdriver *s;

                if (g_str_equal(name, "explore"))
                        continue;
                /* hid-subdrivers.tsv is in probe order */
                s = hid_subdrivers[n++];
                g_assert_nonnull(s);
                g_assert_cmpstr(s->name, ==, name);
                g_assert_cmpstr(s->version, ==, tsv_get(subs, i, "version_string"));
                g_assert_cmpuint(s->pollfreq, ==,
                                 g_ascii_strtoull(tsv_get(subs, i, "default_pollfreq_s"), NULL, 10));
                g_assert_true(hid_subdriver_find(name) == s);
                check_subdriver_rows(s);
        }
        g_assert_null(hid_subdrivers[n]);
        g_assert_cmpuint(n, ==, 16);
}

/* ---- (b) every path parses with its subdriver's usage table ---- */

/* NUT's rows with a misspelt usage (RuntimeToEmpty for RunTimeToEmpty): they never resolve in NUT
 * either, and the driver ignores them like any path the device lacks. */
static const struct {
        const char *subdriver, *path;
} misspelt[] = {
        { "legrand", "UPS.PowerSummary.RuntimeToEmpty" },
        { "powervar", "UPS.PowerSummary.RuntimeToEmpty" },
};

static bool is_misspelt(const char *subdriver, const char *path)
{
        for (size_t i = 0; i < G_N_ELEMENTS(misspelt); i++)
                if (g_str_equal(misspelt[i].subdriver, subdriver) && g_str_equal(misspelt[i].path, path))
                        return true;
        return false;
}

/* Rows whose path does not parse, other than the known misspelt ones; counts those in *n_misspelt */
static size_t unparsed_paths(const HidSubdriver *s, size_t *n_misspelt)
{
        size_t bad = 0;

        for (size_t i = 0; i < s->n_mappings; i++) {
                HidPath p;
                int r = hid_path_from_string(s->usages, s->mappings[i].hid_path, &p);

                if (r >= 0)
                        continue;
                g_test_message("%s: %s: %s", s->name, s->mappings[i].hid_path, g_strerror(-r));
                if (is_misspelt(s->name, s->mappings[i].hid_path))
                        (*n_misspelt)++;
                else
                        bad++;
        }
        return bad;
}

static void test_paths_parse(void)
{
        size_t bad = 0, rows = 0, n_misspelt = 0;

        for (size_t i = 0; hid_subdrivers[i]; i++) {
                bad += unparsed_paths(hid_subdrivers[i], &n_misspelt);
                rows += hid_subdrivers[i]->n_mappings;
        }
        /* the generic subdriver has no usage table of its own */
        g_assert_null(hid_subdriver_generic.usages);
        bad += unparsed_paths(&hid_subdriver_generic, &n_misspelt);
        g_test_message("%zu of %zu rows do not parse, %zu of them misspelt in NUT", bad + n_misspelt,
                       rows + hid_subdriver_generic.n_mappings, n_misspelt);
        g_assert_cmpuint(bad, ==, 0);
        g_assert_cmpuint(n_misspelt, ==, G_N_ELEMENTS(misspelt));
}

/* ---- (c) every conversion a lookup names is described in hid-conversions.tsv ---- */

static void add_lookup_functions(GHashTable *used, const HidSubdriver *s)
{
        for (size_t i = 0; i < s->n_mappings; i++) {
                const HidLookup *l = s->mappings[i].lookup;

                if (!l)
                        continue;
                if (l->convert)
                        g_hash_table_add(used, (gpointer) l->convert);
                if (l->reverse)
                        g_hash_table_add(used, (gpointer) l->reverse);
                /* a table without a function has values to match */
                if (!l->convert && !l->reverse)
                        g_assert_cmpuint(l->n_entries, >, 0);
        }
}

static void test_conversions_known(void)
{
        g_autoptr(Tsv) conv = facts_load("hid-conversions.tsv");
        g_autoptr(GHashTable) known = NULL, used = NULL;
        GHashTableIter it;
        gpointer name;

        if (!conv)
                return;
        known = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint i = 0; i < conv->rows->len; i++)
                g_hash_table_add(known, (gpointer) tsv_get(conv, i, "function"));
        used = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t i = 0; hid_subdrivers[i]; i++)
                add_lookup_functions(used, hid_subdrivers[i]);
        add_lookup_functions(used, &hid_subdriver_generic);
        g_hash_table_iter_init(&it, used);
        while (g_hash_table_iter_next(&it, &name, NULL)) {
                if (!g_hash_table_contains(known, name))
                        g_test_message("%s is not in hid-conversions.tsv", (const char *) name);
                g_assert_true(g_hash_table_contains(known, name));
        }
        g_test_message("%u conversion functions referenced", g_hash_table_size(used));
        g_assert_cmpuint(g_hash_table_size(used), >, 0);
}

/* ---- (d) USB IDs ---- */

static const struct {
        const char *name;
        uint32_t bit;
} hooks[] = {
        { "general_apc_check", HID_HOOK_GENERAL_APC_CHECK },
        { "disable_interrupt_pipe", HID_HOOK_DISABLE_INTERRUPT_PIPE },
        { "cps_battery_scale", HID_HOOK_CPS_BATTERY_SCALE },
        { "get_voltage_multiplier", HID_HOOK_GET_VOLTAGE_MULTIPLIER },
        { "battery_scale_0dot1", HID_HOOK_BATTERY_SCALE_0DOT1 },
        { "battery_scale_1dot0", HID_HOOK_BATTERY_SCALE_1DOT0 },
        { "smart1500lcdt_scale", HID_HOOK_SMART1500LCDT_SCALE },
};

static uint32_t hook_bit(const char *name)
{
        if (!*name)
                return 0;
        for (size_t i = 0; i < G_N_ELEMENTS(hooks); i++)
                if (g_str_equal(hooks[i].name, name))
                        return hooks[i].bit;
        g_error("unknown hook %s", name);
}

/* An exact usbhid-ups ID of usb-ids.tsv that NUT's claim functions can accept */
static bool claimable(const Tsv *t, guint i)
{
        return g_str_equal(tsv_get(t, i, "driver"), "usbhid-ups") &&
               built(tsv_get(t, i, "build_condition")) &&
               !g_str_equal(tsv_get(t, i, "product_id"), "*") &&
               !g_str_has_prefix(tsv_get(t, i, "claim_notes"), "REJECTED");
}

static void test_usb_ids_facts(void)
{
        g_autoptr(Tsv) t = facts_load("usb-ids.tsv");
        g_autoptr(GHashTable) seen = NULL;

        if (!t)
                return;
        seen = g_hash_table_new(g_direct_hash, g_direct_equal);
        for (guint i = 0; i < t->rows->len; i++) {
                uint16_t v = (uint16_t) g_ascii_strtoull(tsv_get(t, i, "vendor_id"), NULL, 16);
                uint16_t p = (uint16_t) g_ascii_strtoull(tsv_get(t, i, "product_id"), NULL, 16);
                const HidUsbId *id = hid_usb_id_find(v, p);

                if (!g_str_equal(tsv_get(t, i, "driver"), "usbhid-ups") ||
                    g_str_equal(tsv_get(t, i, "product_id"), "*"))
                        continue;
                if (!claimable(t, i)) {
                        g_assert_null(id);      /* always rejected by NUT */
                        continue;
                }
                g_assert_nonnull(id);
                /* the first row of a repeated VID:PID wins */
                if (!g_hash_table_insert(seen, GUINT_TO_POINTER((guint) v << 16 | p), NULL))
                        continue;
                g_assert_cmpstr(id->subdriver->name, ==, tsv_get(t, i, "subdriver"));
                g_assert_cmphex(id->hooks, ==, hook_bit(tsv_get(t, i, "device_hook")));
        }
        g_assert_cmpuint(g_hash_table_size(seen), ==, 110);
        g_assert_cmpuint(hid_n_usb_ids, ==, 110);
}

static guint usb_id_key(const HidUsbId *id)
{
        return (guint) id->vendor << 16 | id->product;
}

static void test_usb_ids_table(void)
{
        size_t i;

        for (i = 0; i < hid_n_usb_ids; i++) {
                const HidUsbId *id = &hid_usb_ids[i];

                if (i > 0)
                        g_assert_cmpuint(usb_id_key(&hid_usb_ids[i - 1]), <, usb_id_key(id));
                g_assert_true(hid_usb_id_find(id->vendor, id->product) == id);
                g_assert_cmphex(hid_usb_id_list[i].vendor, ==, id->vendor);
                g_assert_cmphex(hid_usb_id_list[i].product, ==, id->product);
                g_assert_nonnull(id->subdriver);
        }
        g_assert_cmphex(hid_usb_id_list[i].vendor, ==, 0);
        g_assert_cmphex(hid_usb_id_list[i].product, ==, 0);

        g_assert_cmpstr(hid_usb_id_find(0x051d, 0x0002)->subdriver->name, ==, "apc");
        g_assert_cmphex(hid_usb_id_find(0x051d, 0x0002)->hooks, ==, HID_HOOK_GENERAL_APC_CHECK);
        g_assert_null(hid_usb_id_find(0x051d, 0x0006));         /* APC, but no such PID */
        g_assert_null(hid_usb_id_find(0x050d, 0x0218));         /* a Belkin USB hub */
        g_assert_null(hid_usb_id_find(0x0000, 0x0000));
        g_assert_null(hid_usb_id_find(0xffff, 0xffff));
}

static void test_find(void)
{
        g_assert_true(hid_subdriver_find("APC") == &hid_subdriver_apc);
        g_assert_true(hid_subdriver_find("delta_ups") == &hid_subdriver_delta_ups);
        g_assert_true(hid_subdriver_find("Generic") == &hid_subdriver_generic);
        g_assert_null(hid_subdriver_find("explore"));
        g_assert_null(hid_subdriver_find(""));
        g_assert_null(hid_subdriver_find(NULL));

        g_assert_true(hid_subdriver_for_vendor(0x051d) == &hid_subdriver_apc);
        /* HP: listed by mge and tripplite; mge probes first */
        g_assert_true(hid_subdriver_for_vendor(0x03f0) == &hid_subdriver_mge);
        g_assert_true(hid_subdriver_for_vendor(0x09ae) == &hid_subdriver_tripplite);
        g_assert_null(hid_subdriver_for_vendor(0x1d6b));

        g_assert_cmpuint(hid_subdriver_generic.n_mappings, >, 0);
        g_assert_cmpuint(hid_subdriver_generic.ondelay, ==, 30);
        g_assert_cmpuint(hid_subdriver_generic.offdelay, ==, 20);
        g_assert_cmpuint(hid_subdriver_find("cps")->pollfreq, ==, 12);
        g_assert_cmpint(hid_subdriver_find("cps")->fix_report_desc, ==, HID_FIX_CPS);
}

/* ---- (e) the APC Back-UPS CS 500 ---- */

/* The Feature paths the device has, as NUT logged them (generic usage names, hex otherwise) */
static GArray *device_paths(void)
{
        g_autoptr(Tsv) t = tsv_load(hid_dir, APC_CS_500 ".paths.tsv");
        GArray *a = g_array_new(FALSE, FALSE, sizeof(HidPath));

        g_assert_nonnull(t);
        for (guint i = 0; i < t->rows->len; i++) {
                HidPath p;

                if (!g_str_equal(tsv_get(t, i, "type"), "Feature"))
                        continue;
                g_assert_cmpint(hid_path_from_string(NULL, tsv_get(t, i, "path"), &p), ==, 0);
                g_array_append_val(a, p);
        }
        return a;
}

static bool has_path(const GArray *paths, const HidPath *p)
{
        for (guint i = 0; i < paths->len; i++)
                if (hid_path_equal(&g_array_index(paths, HidPath, i), p))
                        return true;
        return false;
}

/* NUT variable -> winning HID path, from apc.tsv and the logged paths alone */
static GHashTable *expected_apc_vars(void)
{
        g_autoptr(Tsv) t = tsv_load(facts_dir, "hid-mappings/apc.tsv");
        g_autoptr(GArray) paths = device_paths(), rows = NULL;
        const HidUsageTable *apc = hid_usage_table_find("apc");
        GHashTable *vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

        g_assert_nonnull(t);
        rows = mapping_rows(t);
        for (guint k = 0; k < rows->len; k++) {
                guint i = g_array_index(rows, guint, k);
                const char *name = tsv_get(t, i, "nut_name");
                HidPath p;

                if (row_kind(t, i) != HID_MAP_VAR || g_hash_table_contains(vars, name))
                        continue;
                g_assert_cmpint(hid_path_from_string(apc, tsv_get(t, i, "hid_path"), &p), ==, 0);
                if (has_path(paths, &p))
                        g_hash_table_insert(vars, g_strdup(name), g_strdup(tsv_get(t, i, "hid_path")));
        }
        return vars;
}

/* The same from the generated table and the real report descriptor */
static GHashTable *resolved_apc_vars(const HidDescriptor *d)
{
        const HidSubdriver *s = hid_usb_id_find(0x051d, 0x0002)->subdriver;
        GHashTable *vars = g_hash_table_new(g_str_hash, g_str_equal);

        for (size_t i = 0; i < s->n_mappings; i++) {
                const HidMapping *m = &s->mappings[i];
                const HidField *f;

                if (m->kind != HID_MAP_VAR || g_hash_table_contains(vars, m->nut_name))
                        continue;
                if (hid_descriptor_find(d, s->usages, m->hid_path, HID_REPORT_FEATURE, &f) == 0)
                        g_hash_table_insert(vars, (gpointer) m->nut_name, (gpointer) m->hid_path);
        }
        return vars;
}

static HidDescriptor *apc_descriptor(void)
{
        g_autofree gchar *path = g_build_filename(hid_dir, APC_CS_500 ".rdesc.bin", NULL), *data = NULL;
        HidDescriptor *d = NULL;
        gsize size;

        g_assert_true(g_file_get_contents(path, &data, &size, NULL));
        g_assert_cmpint(hid_descriptor_parse((const uint8_t *) data, size, 0, &d), ==, 0);
        return d;
}

/* Every variable is one NUT 2.8.0 published for this very unit */
static void check_in_nut_dump(GHashTable *vars)
{
        g_autofree gchar *path = NULL, *dump = NULL;
        GHashTableIter it;
        gpointer name;

        if (!ddl_dir)
                return;
        path = g_build_filename(ddl_dir, APC_CS_500_DEV, NULL);
        if (!g_file_get_contents(path, &dump, NULL, NULL))
                return;
        g_hash_table_iter_init(&it, vars);
        while (g_hash_table_iter_next(&it, &name, NULL)) {
                g_autofree gchar *line = g_strconcat("\n", (const char *) name, ": ", NULL);

                g_assert_nonnull(strstr(dump, line));
        }
}

static void test_apc_cs_500(void)
{
        static const char *const present[] = {
                "battery.charge", "battery.charge.low", "battery.charge.warning", "battery.runtime",
                "battery.voltage", "battery.voltage.nominal", "battery.type", "battery.mfr.date",
                "ups.mfr.date", "ups.timer.reboot",
        };
        g_autoptr(HidDescriptor) d = NULL;
        g_autoptr(GHashTable) want = NULL, got = NULL;
        GHashTableIter it;
        gpointer name, path;

        if (!facts_dir || !hid_dir) {
                g_test_skip("no facts or HID data: set $NUT_FACTS_DIR and $NUT_HID_DIR");
                return;
        }
        d = apc_descriptor();
        want = expected_apc_vars();
        got = resolved_apc_vars(d);
        g_hash_table_iter_init(&it, want);
        while (g_hash_table_iter_next(&it, &name, &path)) {
                g_test_message("%s <- %s", (const char *) name, (const char *) path);
                g_assert_cmpstr(g_hash_table_lookup(got, name), ==, path);
        }
        g_assert_cmpuint(g_hash_table_size(got), ==, g_hash_table_size(want));
        for (size_t i = 0; i < G_N_ELEMENTS(present); i++)
                g_assert_true(g_hash_table_contains(want, present[i]));
        /* the unit reports neither load nor input voltage */
        g_assert_false(g_hash_table_contains(want, "ups.load"));
        g_assert_false(g_hash_table_contains(want, "input.voltage"));
        g_assert_cmpuint(g_hash_table_size(want), ==, G_N_ELEMENTS(present));
        check_in_nut_dump(want);
}

static const char *dir_env(const char *name)
{
        const char *dir = g_getenv(name);

        return dir && g_file_test(dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        facts_dir = dir_env("NUT_FACTS_DIR");
        hid_dir = dir_env("NUT_HID_DIR");
        ddl_dir = dir_env("NUT_DDL_DIR");

        g_test_add_func("/drivers/usbhid/hid-mapping/facts/subdriver-rows", test_subdriver_rows);
        g_test_add_func("/drivers/usbhid/hid-mapping/paths-parse", test_paths_parse);
        g_test_add_func("/drivers/usbhid/hid-mapping/facts/conversions", test_conversions_known);
        g_test_add_func("/drivers/usbhid/hid-mapping/facts/usb-ids", test_usb_ids_facts);
        g_test_add_func("/drivers/usbhid/hid-mapping/usb-ids", test_usb_ids_table);
        g_test_add_func("/drivers/usbhid/hid-mapping/find", test_find);
        g_test_add_func("/drivers/usbhid/hid-mapping/apc-cs-500/variables", test_apc_cs_500);
        return g_test_run();
}
