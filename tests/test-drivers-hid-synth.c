/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-synth: the parser and the mapping on report descriptors written for them (hid-synth.c).
 * (a) Per subdriver, a descriptor with a field for every path of its mapping rows: each path is
 * found where it was put, and published values follow from the raw ones by NUT's rules. (b) The
 * layouts NUT logged for two real devices (paths.tsv in $NUT_HID_DIR), rebuilt as descriptors.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "device.h"
#include "hid-synth.h"
#include "usbhid/hid-convert.h"
#include "usbhid/hid-mapping.h"
#include "usbhid/hid-value.h"
#include "usbhid/usbhid-map.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HidDescriptor, hid_descriptor_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HidMap, hid_map_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Device, device_unref)

#define FIELDS_PER_REPORT 6

static const char *hid_dir;

/* One distinct path of a subdriver's rows, where it was put and the raw value it carries */
typedef struct SynthPath {
        HidSynthField field;
        gint64 raw;
} SynthPath;

typedef struct SynthTable {
        GArray *paths;                  /* SynthPath */
        guint unresolved, unwritable;   /* rows whose path has an unknown name / cannot be laid out */
} SynthTable;

/* Rows whose path names a usage no table knows: NUT's misspelt RuntimeToEmpty (see
 * test-drivers-hid-mapping.c). Every other path of every subdriver is expected to be laid out. */
static const struct {
        const char *subdriver;
        guint unresolved;
} unresolved_rows[] = {
        { "legrand", 1 },
        { "powervar", 1 },
};

static guint expected_unresolved(const HidSubdriver *s)
{
        for (gsize i = 0; i < G_N_ELEMENTS(unresolved_rows); i++)
                if (g_str_equal(unresolved_rows[i].subdriver, s->name))
                        return unresolved_rows[i].unresolved;
        return 0;
}

/* ---- (a) layout of the mapping tables' paths ---- */

static gboolean table_lookup(const HidLookup *l)
{
        return l && !l->convert && l->n_entries > 0;
}

static const SynthPath *find_path(const GArray *paths, const HidPath *p)
{
        for (guint i = 0; i < paths->len; i++)
                if (hid_path_equal(&g_array_index(paths, SynthPath, i).field.path, p))
                        return &g_array_index(paths, SynthPath, i);
        return NULL;
}

/* The first lookup table a row of path p matches values with, or NULL */
static const HidLookup *path_lookup(const HidSubdriver *s, const HidPath *p)
{
        for (gsize i = 0; i < s->n_mappings; i++) {
                HidPath q;

                if (table_lookup(s->mappings[i].lookup) &&
                    hid_path_from_string(s->usages, s->mappings[i].hid_path, &q) == 0 && hid_path_equal(&q, p))
                        return s->mappings[i].lookup;
        }
        return NULL;
}

static guint magnitude_bits(gint64 v)
{
        guint64 m = v >= 0 ? (guint64) v : (guint64) -(v + 1);

        return m == 0 ? 0 : 64 - (guint) __builtin_clzll(m);
}

/* Size and logical range for raw: just wide enough, plus 0..2 spare bits */
static void fit_range(HidSynthField *f, gint64 raw, guint spare)
{
        f->bit_size = MAX(magnitude_bits(raw) + (raw < 0), 1u) + spare;
        g_assert_cmpuint(f->bit_size, <=, 31);
        f->logical_min = raw < 0 ? -((gint64) 1 << (f->bit_size - 1)) : 0;
        f->logical_max = raw < 0 ? ((gint64) 1 << (f->bit_size - 1)) - 1 : ((gint64) 1 << f->bit_size) - 1;
}

/*
 * The k-th path: a value from its lookup table if a row has one (exponent 0, so the physical value
 * is the table's), else a number with an exponent, some of them in volts or watts (NUT's -7).
 */
static void choose_value(SynthPath *sp, const HidLookup *l, guint k)
{
        static const gint64 numbers[] = { 3, 43, 1003, 233, 70003, 12, 0 };
        static const gint8 exponents[] = { 0, -1, -2, 1, 0, 2, -3 };
        HidSynthField *f = &sp->field;

        if (l) {
                sp->raw = l->entries[k % l->n_entries].hid_value;
                fit_range(f, sp->raw, k % 3);
                return;
        }
        sp->raw = numbers[k % G_N_ELEMENTS(numbers)];
        fit_range(f, sp->raw, k % 3);
        f->unit_exponent = exponents[(k / G_N_ELEMENTS(numbers)) % G_N_ELEMENTS(exponents)];
        if (k % 4 == 1 && f->unit_exponent <= 0) {
                f->unit = k % 8 == 1 ? HID_UNIT_VOLT : HID_UNIT_WATT;
                f->unit_exponent += 7;
        }
}

static SynthTable *synth_table(const HidSubdriver *s)
{
        SynthTable *t = g_new0(SynthTable, 1);
        guint32 bits[_HID_REPORT_TYPE_MAX][256] = {};

        t->paths = g_array_new(FALSE, TRUE, sizeof(SynthPath));
        for (gsize i = 0; i < s->n_mappings; i++) {
                SynthPath sp = {};
                HidSynthField *f = &sp.field;
                guint k = t->paths->len;

                if (hid_path_from_string(s->usages, s->mappings[i].hid_path, &f->path) < 0) {
                        t->unresolved++;
                        continue;
                }
                if (!hid_synth_path_ok(&f->path)) {
                        g_test_message("%s: cannot lay out %s", s->name, s->mappings[i].hid_path);
                        t->unwritable++;
                        continue;
                }
                if (find_path(t->paths, &f->path))
                        continue;
                choose_value(&sp, path_lookup(s, &f->path), k);
                f->type = k % 4 == 3 ? HID_REPORT_INPUT : HID_REPORT_FEATURE;
                f->report_id = (guint8) (1 + k / FIELDS_PER_REPORT);
                g_assert_cmpuint(k / FIELDS_PER_REPORT, <, 255);
                f->bit_offset = bits[f->type][f->report_id];
                bits[f->type][f->report_id] += f->bit_size;
                g_array_append_val(t->paths, sp);
        }
        return t;
}

static void synth_table_free(SynthTable *t)
{
        g_array_unref(t->paths);
        g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SynthTable, synth_table_free)

static HidSynthField *synth_fields(const GArray *paths)
{
        HidSynthField *fields = g_new(HidSynthField, paths->len ? paths->len : 1);

        for (guint i = 0; i < paths->len; i++)
                fields[i] = g_array_index(paths, SynthPath, i).field;
        return fields;
}

static HidDescriptor *synth_parse(const GArray *paths, GBytes **ret_bytes)
{
        g_autofree HidSynthField *fields = synth_fields(paths);
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = NULL;
        HidDescriptor *d = NULL;
        gsize size;
        const guint8 *data;

        bytes = hid_synth_descriptor(fields, paths->len, &error);
        g_assert_no_error(error);
        data = g_bytes_get_data(bytes, &size);
        g_assert_cmpint(hid_descriptor_parse(data, size, 0, &d), ==, 0);
        g_assert_cmphex(d->defects, ==, 0);
        if (ret_bytes)
                *ret_bytes = g_steal_pointer(&bytes);
        return d;
}

/* The parsed field of a path: where the generator put it, with its range, unit and exponent */
static const HidField *check_field(const HidDescriptor *d, const HidSynthField *want)
{
        int i = hid_descriptor_find_path(d, &want->path, want->type, 0);
        const HidField *f;

        g_assert_cmpint(i, >=, 0);
        f = &d->fields[i];
        g_assert_cmpuint(f->report_id, ==, want->report_id);
        g_assert_cmpuint(f->bit_offset, ==, want->bit_offset);
        g_assert_cmpuint(f->bit_size, ==, want->bit_size);
        g_assert_cmpint(f->logical_min, ==, want->logical_min);
        g_assert_cmpint(f->logical_max, ==, want->logical_max);
        g_assert_cmphex(f->unit, ==, want->unit);
        g_assert_cmpint(f->unit_exponent, ==, want->unit_exponent);
        g_assert_false(f->have_physical_min || f->have_physical_max);
        return f;
}

typedef void (*StoreReport)(void *userdata, HidReportType type, guint8 id, const guint8 *data, gsize size);

/* The report buffers of the fields, values in place; fed to 'store' one report at a time */
static void put_reports(const GArray *paths, StoreReport store, void *userdata)
{
        g_autofree HidSynthField *fields = synth_fields(paths);
        gsize n = paths->len;

        for (int type = 0; type < _HID_REPORT_TYPE_MAX; type++)
                for (guint id = 0; id < 256; id++) {
                        gsize size = hid_synth_report_size(fields, n, type, (guint8) id);
                        g_autofree guint8 *buf = NULL;

                        if (size <= (id != 0))
                                continue;
                        buf = g_malloc0(size);
                        for (gsize i = 0; i < n; i++)
                                if (fields[i].type == (HidReportType) type && fields[i].report_id == id)
                                        hid_synth_put(&fields[i], buf, size, g_array_index(paths, SynthPath, i).raw);
                        store(userdata, type, (guint8) id, buf, size);
                }
}

static void store_in_map(void *userdata, HidReportType type, guint8 id, const guint8 *data, gsize size)
{
        int r = hid_map_store(userdata, type, data, size);

        /* -ENOENT: no row reads the report, e.g. only converter rows nutd lacks */
        g_assert_true(r == 0 || r == -ENOENT);
}

/* NUT's physical value: raw times 10^(exponent - 7) in volts and watts, 10^exponent otherwise */
static double expected_physical(const SynthPath *sp)
{
        const HidSynthField *f = &sp->field;
        int e = f->unit_exponent - (f->unit == HID_UNIT_VOLT || f->unit == HID_UNIT_WATT ? 7 : 0);

        return e >= 0 ? (double) sp->raw * pow(10, e) : (double) sp->raw / pow(10, -e);
}

/* "%.0f" .. "%.9f": the formats a plain numeric row is checked with */
static gboolean fixed_format(const char *format)
{
        return format && strlen(format) == 4 && g_str_has_prefix(format, "%.") && g_ascii_isdigit(format[2]) &&
               format[3] == 'f';
}

typedef enum Expect {
        EXPECT_NONE,            /* no row of the variable is resolved */
        EXPECT_NUMBER,
        EXPECT_LOOKUP,
        EXPECT_DEFAULT,         /* an ABSENT row */
        EXPECT_UNKNOWN,         /* a converter or a "%s" number decides first: not predicted here */
} Expect;

/* What the first row of variable 'name' that yields a value publishes (hid-status-rules.md §4),
 * and that row */
static Expect expected_var(const HidSubdriver *s, const GArray *paths, const char *name, char **ret,
                           const HidMapping **ret_row)
{
        for (gsize i = 0; i < s->n_mappings; i++) {
                const HidMapping *row = &s->mappings[i];
                const SynthPath *sp;
                HidPath p;

                if (row->kind != HID_MAP_VAR || g_ascii_strcasecmp(row->nut_name, name) != 0)
                        continue;
                if (hid_path_from_string(s->usages, row->hid_path, &p) < 0 || !(sp = find_path(paths, &p)))
                        continue;       /* dropped: not in the descriptor */
                *ret_row = row;
                if (row->lookup && row->lookup->convert) {
                        const HidConverter *c = hid_converter_find(row->lookup->convert);

                        if (!c || !c->to_nut)
                                continue;       /* dropped: nutd has no such converter */
                        return EXPECT_UNKNOWN;
                }
                if (row->flags & HID_MAP_ABSENT) {
                        *ret = g_strdup(row->format_or_default ? row->format_or_default : "");
                        return EXPECT_DEFAULT;
                }
                if (table_lookup(row->lookup)) {
                        for (gsize k = 0; k < row->lookup->n_entries; k++)
                                if (row->lookup->entries[k].hid_value == sp->raw) {
                                        *ret = g_strdup(row->lookup->entries[k].nut_string);
                                        return EXPECT_LOOKUP;
                                }
                        continue;       /* no text for this value: the next row may give one */
                }
                if (!fixed_format(row->format_or_default))
                        return EXPECT_UNKNOWN;
                *ret = g_strdup_printf(row->format_or_default, expected_physical(sp));
                return EXPECT_NUMBER;
        }
        return EXPECT_NONE;
}

static const char *device_var(void *userdata, const char *name)
{
        return device_get_var(userdata, name);
}

/* Publishes the synthesized reports and checks every variable that can be predicted */
static void check_values(const HidSubdriver *s, const HidDescriptor *d, const GArray *paths)
{
        g_autoptr(HidMap) m = NULL;
        g_autoptr(Device) dev = NULL;
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
        guint count[EXPECT_UNKNOWN + 1] = {};
        HidConvContext ctx = { .get_var = device_var };

        g_assert_cmpint(hid_map_new(d, s, &m), ==, 0);
        g_assert_cmpint(device_new("synth", /* event= */ NULL, &dev), ==, 0);
        ctx.userdata = dev;
        ctx.state = hid_conv_state_new();
        put_reports(paths, store_in_map, m);
        g_assert_cmpint(hid_map_publish(m, dev, &ctx, HID_PUBLISH_FIRST | HID_PUBLISH_FULL), >, 0);
        hid_conv_state_free(ctx.state);

        for (gsize i = 0; i < s->n_mappings; i++) {
                const char *name = s->mappings[i].nut_name;
                const HidMapping *row = NULL;
                g_autofree char *want = NULL;
                Expect e;

                if (s->mappings[i].kind != HID_MAP_VAR || !g_hash_table_add(seen, (gpointer) name))
                        continue;
                e = expected_var(s, paths, name, &want, &row);
                count[e]++;
                if (e == EXPECT_NONE || e == EXPECT_UNKNOWN)
                        continue;
                g_assert_true(hid_map_find_var(m, name)->mapping == row);
                g_assert_cmpstr(device_get_var(dev, name), ==, want);
        }
        g_test_message("%s: %u numbers, %u lookups, %u defaults checked; %u by converters, %u unresolved",
                       s->name, count[EXPECT_NUMBER], count[EXPECT_LOOKUP], count[EXPECT_DEFAULT],
                       count[EXPECT_UNKNOWN], count[EXPECT_NONE]);
        g_assert_cmpuint(count[EXPECT_NUMBER] + count[EXPECT_LOOKUP], >, 0);
}

/* A report as a record of the fuzz-hid-report input: Feature or Input, length, bytes */
static void append_record(void *userdata, HidReportType type, guint8 id, const guint8 *data, gsize size)
{
        g_assert_cmpuint(size, <=, G_MAXUINT8);
        g_byte_array_append(userdata, (const guint8[]) { type == HID_REPORT_FEATURE, (guint8) size }, 2);
        g_byte_array_append(userdata, data, (guint) size);
}

/*
 * With $HID_SYNTH_SEED_DIR set, the descriptor and its reports are also written there as a seed
 * of fuzz-hid-report (tests/fuzz/corpus/hid-report/synth-*.bin), so the fuzzer starts from
 * descriptors that every subdriver's rows resolve against.
 */
static void write_seed(const HidSubdriver *s, GBytes *rdesc, const GArray *paths)
{
        const char *dir = g_getenv("HID_SYNTH_SEED_DIR");
        g_autoptr(GByteArray) seed = NULL;
        g_autofree gchar *file = NULL, *path = NULL;
        gsize i = 0, size;
        const guint8 *data = g_bytes_get_data(rdesc, &size);

        if (!dir)
                return;
        while (hid_subdrivers[i] && hid_subdrivers[i] != s)
                i++;
        g_assert_cmpuint(size, <=, G_MAXUINT16);
        seed = g_byte_array_new();
        g_byte_array_append(seed, (const guint8[]) { (guint8) i, 1, (guint8) size, (guint8) (size >> 8) }, 4);
        g_byte_array_append(seed, data, (guint) size);
        put_reports(paths, append_record, seed);
        file = g_strconcat("synth-", s->name, ".bin", NULL);
        path = g_build_filename(dir, file, NULL);
        g_assert_true(g_file_set_contents(path, (const gchar *) seed->data, seed->len, NULL));
}

static void test_subdriver(gconstpointer data)
{
        const HidSubdriver *s = data;
        g_autoptr(SynthTable) t = synth_table(s);
        g_autoptr(HidDescriptor) d = NULL;
        g_autoptr(GBytes) rdesc = NULL;

        g_test_message("%s: %zu rows, %u paths, %u unresolved, %u cannot be laid out", s->name, s->n_mappings,
                       t->paths->len, t->unresolved, t->unwritable);
        g_assert_cmpuint(t->unresolved, ==, expected_unresolved(s));
        g_assert_cmpuint(t->unwritable, ==, 0);
        d = synth_parse(t->paths, &rdesc);
        write_seed(s, rdesc, t->paths);
        for (guint i = 0; i < t->paths->len; i++)
                check_field(d, &g_array_index(t->paths, SynthPath, i).field);
        check_values(s, d, t->paths);
}

/* ---- (b) real layouts from NUT's logs ---- */

typedef struct RealPath {
        SynthPath sp;
        char *path;
        double value;           /* as NUT decoded it */
} RealPath;

static void real_path_clear(gpointer p)
{
        g_free(((RealPath *) p)->path);
}

/*
 * The listed value as raw * 10^exponent: a value with d decimals gets exponent -d (unit none).
 * The logical range makes it read back unchanged: 0..2^size-1 (at most 2^31-1) for values >= 0,
 * the full signed range of the size for negative ones (-1 in 32 bits: -2^31..2^31-1).
 */
static void real_value(RealPath *rp, const char *text)
{
        g_autofree char *digits = g_strndup(text, strspn(text, "-0123456789."));
        const char *dot = strchr(digits, '.');
        HidSynthField *f = &rp->sp.field;
        char *end;

        rp->value = g_ascii_strtod(digits, &end);
        g_assert_true(*end == 0 && end != digits);
        f->unit_exponent = dot ? -(gint8) strlen(dot + 1) : 0;
        if (dot)
                memmove((char *) dot, dot + 1, strlen(dot));
        rp->sp.raw = g_ascii_strtoll(digits, NULL, 10);
        f->logical_min = rp->sp.raw < 0 ? -((gint64) 1 << (f->bit_size - 1)) : 0;
        f->logical_max = rp->sp.raw < 0 || f->bit_size >= 32 ? ((gint64) 1 << (MIN(f->bit_size, 32) - 1)) - 1
                                                           : ((gint64) 1 << f->bit_size) - 1;
}

/* path, type, report_id, offset, size, value */
static GArray *load_real(const char *name)
{
        g_autofree gchar *file = g_strconcat(name, ".paths.tsv", NULL);
        g_autofree gchar *path = g_build_filename(hid_dir, file, NULL), *text = NULL;
        g_auto(GStrv) lines = NULL;
        GArray *a = g_array_new(FALSE, TRUE, sizeof(RealPath));

        g_array_set_clear_func(a, real_path_clear);
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        lines = g_strsplit(text, "\n", -1);
        for (gsize i = 1; lines[i]; i++) {
                g_auto(GStrv) c = g_strsplit(lines[i], "\t", -1);
                RealPath rp = {};
                HidSynthField *f = &rp.sp.field;

                if (!*lines[i])
                        continue;
                g_assert_cmpuint(g_strv_length(c), ==, 6);
                g_assert_cmpint(hid_path_from_string(NULL, c[0], &f->path), ==, 0);
                f->type = hid_report_type_from_string(c[1]);
                g_assert_cmpint(f->type, >=, 0);
                f->report_id = (guint8) g_ascii_strtoull(c[2], NULL, 16);
                f->bit_offset = (guint32) g_ascii_strtoull(c[3], NULL, 10);
                f->bit_size = (guint32) g_ascii_strtoull(c[4], NULL, 10);
                real_value(&rp, c[5]);
                rp.path = g_strdup(c[0]);
                g_array_append_val(a, rp);
        }
        return a;
}

typedef struct RealReports {
        const HidDescriptor *d;
        const GArray *rows;
        guint checked;
} RealReports;

/* Every listed field of this report decodes to the value NUT logged */
static void check_real_report(void *userdata, HidReportType type, guint8 id, const guint8 *data, gsize size)
{
        RealReports *x = userdata;

        for (guint i = 0; i < x->rows->len; i++) {
                const RealPath *rp = &g_array_index(x->rows, RealPath, i);
                const HidField *f;
                double v;

                if (rp->sp.field.type != type || rp->sp.field.report_id != id)
                        continue;
                f = check_field(x->d, &rp->sp.field);
                g_assert_cmpint(hid_field_get_value(f, data, size, &v), ==, 0);
                g_test_message("%s %s = %g", hid_report_type_to_string(type), rp->path, v);
                g_assert_cmpfloat_with_epsilon(v, rp->value, 1e-9);
                x->checked++;
        }
}

static void test_real(gconstpointer data)
{
        g_autoptr(GArray) rows = NULL, paths = NULL;
        g_autoptr(HidDescriptor) d = NULL;
        RealReports x;

        if (!hid_dir) {
                g_test_skip("no HID data: set $NUT_HID_DIR");
                return;
        }
        rows = load_real(data);
        paths = g_array_new(FALSE, FALSE, sizeof(SynthPath));
        for (guint i = 0; i < rows->len; i++)
                g_array_append_val(paths, g_array_index(rows, RealPath, i).sp);
        d = synth_parse(paths, /* ret_bytes= */ NULL);
        x = (RealReports) { .d = d, .rows = rows };
        put_reports(paths, check_real_report, &x);
        g_assert_cmpuint(x.checked, ==, rows->len);
}

static const char *const real_devices[] = {
        "ippon-smart-power-pro-ii-1200_nut-2.7.4",
        "powerwalker-vi-2200-sh_nut-2.7.4",
};

int main(int argc, char *argv[])
{
        const char *dir;

        g_test_init(&argc, &argv, NULL);
        dir = g_getenv("NUT_HID_DIR");
        hid_dir = dir && g_file_test(dir, G_FILE_TEST_IS_DIR) ? dir : NULL;

        for (gsize i = 0; hid_subdrivers[i]; i++) {
                g_autofree gchar *path = g_strconcat("/drivers/usbhid/hid-synth/mapping/", hid_subdrivers[i]->name, NULL);

                g_test_add_data_func(path, hid_subdrivers[i], test_subdriver);
        }
        g_test_add_data_func("/drivers/usbhid/hid-synth/mapping/generic", &hid_subdriver_generic, test_subdriver);
        for (gsize i = 0; i < G_N_ELEMENTS(real_devices); i++) {
                g_autofree gchar *path = g_strconcat("/drivers/usbhid/hid-synth/real/", real_devices[i], NULL);

                g_test_add_data_func(path, real_devices[i], test_real);
        }
        return g_test_run();
}
