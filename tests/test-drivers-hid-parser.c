/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-parser: the real report descriptors of shared/data/hid parse as their meta.json says, the APC
 * Back-UPS CS 500 gives NUT's paths and values, and broken descriptors fail cleanly. The data
 * comes from $NUT_HID_DIR (facts from $NUT_FACTS_DIR, default $NUT_HID_DIR/../facts); without
 * it only those tests are skipped.
 */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "usbhid/hid-parser.h"
#include "usbhid/hid-path.h"
#include "usbhid/hid-usage.h"
#include "usbhid/hid-value.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HidDescriptor, hid_descriptor_free)

#define APC_CS_500 "apc-back-ups-cs-500_nut-2.8.0"

static const char *hid_dir, *facts_dir;

/* ---- helpers ---- */

static gchar *data_file(const char *dir, const char *name, const char *suffix)
{
        g_autofree gchar *path = g_strconcat(dir, "/", name, suffix, NULL);
        gchar *text = NULL;
        gsize size;

        if (!g_file_get_contents(path, &text, &size, NULL))
                return NULL;
        return text;
}

static GBytes *load_rdesc(const char *name)
{
        g_autofree gchar *path = g_strconcat(hid_dir, "/", name, ".rdesc.bin", NULL);
        g_autoptr(GError) error = NULL;
        gchar *data;
        gsize size;

        g_assert_true(g_file_get_contents(path, &data, &size, &error));
        g_assert_no_error(error);
        return g_bytes_new_take(data, size);
}

static HidDescriptor *parse_rdesc(const char *name)
{
        g_autoptr(GBytes) b = load_rdesc(name);
        HidDescriptor *d = NULL;

        g_assert_cmpint(hid_descriptor_parse(g_bytes_get_data(b, NULL), g_bytes_get_size(b), 0, &d), ==, 0);
        return d;
}

static bool need_hid_dir(void)
{
        if (hid_dir)
                return true;
        g_test_skip("NUT_HID_DIR not set");
        return false;
}

/* Lines of a tab-separated file, without the header and '#' comments. */
static gchar **tsv_lines(const char *text)
{
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        GPtrArray *a = g_ptr_array_new();

        for (size_t i = 0; lines[i]; i++)
                if (*lines[i] && lines[i][0] != '#' && !g_str_has_prefix(lines[i], "path\t"))
                        g_ptr_array_add(a, g_strdup(lines[i]));
        g_ptr_array_add(a, NULL);
        return (gchar **) g_ptr_array_free(a, FALSE);
}

/* "01 02 ff" -> bytes */
static GByteArray *hex_bytes(const char *hex)
{
        g_auto(GStrv) words = g_strsplit(hex, " ", -1);
        GByteArray *a = g_byte_array_new();

        for (size_t i = 0; words[i]; i++) {
                guint8 b = (guint8) g_ascii_strtoull(words[i], NULL, 16);

                if (*words[i])
                        g_byte_array_append(a, &b, 1);
        }
        return a;
}

/* The recorded GET_REPORT(Feature) reply of a report, or NULL. */
static GByteArray *feature_reply(const char *text, unsigned id)
{
        g_auto(GStrv) lines = tsv_lines(text);

        for (size_t i = 0; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);

                g_assert_cmpuint(g_strv_length(f), ==, 3);
                if (g_ascii_strtoull(f[0], NULL, 16) == id)
                        return hex_bytes(f[2]);
        }
        return NULL;
}

/* ---- real descriptors vs their meta.json ---- */

typedef struct RealCase {
        const char *name;
        size_t n_collections;   /* counted independently: the Collection items */
        size_t n_fields;        /* the sum of Report Count over the main items */
} RealCase;

static const RealCase real_cases[] = {
        { APC_CS_500, 5, 35 },
        { "apc-smart-ups-x-750_lsusb", 3, 184 },
};

static guint64 meta_number(const char *meta, const char *key)
{
        g_autofree gchar *pattern = g_strdup_printf("\"%s\": ([0-9]+)", key);
        g_autoptr(GMatchInfo) m = NULL;
        g_autoptr(GRegex) re = g_regex_new(pattern, 0, 0, NULL);
        g_autofree gchar *n = NULL;

        g_assert_true(g_regex_match(re, meta, 0, &m));
        n = g_match_info_fetch(m, 1);
        return g_ascii_strtoull(n, NULL, 10);
}

static void check_meta_reports(const HidDescriptor *d, const char *meta)
{
        g_autoptr(GRegex) re = g_regex_new("\"(input|output|feature):0x([0-9a-f]+)\": ([0-9]+)", 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;
        size_t n = 0;

        g_regex_match(re, meta, 0, &m);
        for (; g_match_info_matches(m); g_match_info_next(m, NULL), n++) {
                g_autofree gchar *type = g_match_info_fetch(m, 1), *id = g_match_info_fetch(m, 2);
                g_autofree gchar *len = g_match_info_fetch(m, 3);
                HidReportType t = streq(type, "input") ? HID_REPORT_INPUT :
                                  streq(type, "output") ? HID_REPORT_OUTPUT : HID_REPORT_FEATURE;

                g_assert_cmpint(hid_descriptor_report_length(d, t, (uint8_t) g_ascii_strtoull(id, NULL, 16)), ==,
                                (int) g_ascii_strtoull(len, NULL, 10));
        }
        g_assert_cmpuint(n, >, 0);
        g_assert_cmpuint(d->n_reports, ==, n);
}

static void test_real(gconstpointer data)
{
        const RealCase *c = data;
        g_autoptr(HidDescriptor) d = NULL;
        g_autofree gchar *meta = NULL;
        g_autoptr(GBytes) b = NULL;

        if (!need_hid_dir())
                return;
        meta = data_file(hid_dir, c->name, ".meta.json");
        g_assert_nonnull(meta);
        b = load_rdesc(c->name);
        d = parse_rdesc(c->name);

        g_assert_cmpuint(g_bytes_get_size(b), ==, meta_number(meta, "rdesc_bytes"));
        g_assert_cmpuint(d->n_items, ==, meta_number(meta, "hid_items"));
        g_assert_nonnull(strstr(meta, "\"collections_balanced\": true"));
        g_assert_cmphex(d->defects, ==, 0);
        g_assert_true(d->uses_report_ids);
        g_assert_cmpuint(d->n_collections, ==, c->n_collections);
        g_assert_cmpuint(d->n_fields, ==, c->n_fields);
        check_meta_reports(d, meta);
}

/* Every descriptor in the directory is in real_cases, so a new one gets checked. */
static void test_real_all_listed(void)
{
        g_autoptr(GDir) dir = NULL;
        const char *f;
        size_t n = 0;

        if (!need_hid_dir())
                return;
        dir = g_dir_open(hid_dir, 0, NULL);
        g_assert_nonnull(dir);
        while ((f = g_dir_read_name(dir))) {
                bool listed = false;

                if (!g_str_has_suffix(f, ".rdesc.bin"))
                        continue;
                for (size_t i = 0; i < G_N_ELEMENTS(real_cases); i++)
                        listed |= strlen(f) == strlen(real_cases[i].name) + strlen(".rdesc.bin") &&
                                  g_str_has_prefix(f, real_cases[i].name);
                if (!listed)
                        g_test_message("%s is not in real_cases", f);
                g_assert_true(listed);
                n++;
        }
        g_assert_cmpuint(n, ==, G_N_ELEMENTS(real_cases));
}

/* ---- APC Back-UPS CS 500: NUT's paths and values ---- */

typedef struct PathRow {
        gchar *path;
        HidReportType type;
        unsigned report_id, offset, size;
        double value;
} PathRow;

static GArray *load_paths(const char *name)
{
        g_autofree gchar *text = data_file(hid_dir, name, ".paths.tsv");
        g_auto(GStrv) lines = NULL;
        GArray *rows = g_array_new(FALSE, FALSE, sizeof(PathRow));

        g_assert_nonnull(text);
        lines = tsv_lines(text);
        for (size_t i = 0; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
                PathRow r;

                g_assert_cmpuint(g_strv_length(f), ==, 6);
                r = (PathRow) {
                        .path = g_strdup(f[0]),
                        .type = hid_report_type_from_string(f[1]),
                        .report_id = (unsigned) g_ascii_strtoull(f[2], NULL, 16),
                        .offset = (unsigned) g_ascii_strtoull(f[3], NULL, 10),
                        .size = (unsigned) g_ascii_strtoull(f[4], NULL, 10),
                        .value = g_ascii_strtod(f[5], NULL),
                };
                g_assert_cmpint(r.type, >=, 0);
                g_array_append_val(rows, r);
        }
        return rows;
}

static void path_rows_free(GArray *rows)
{
        for (size_t i = 0; i < rows->len; i++)
                g_free(g_array_index(rows, PathRow, i).path);
        g_array_free(rows, TRUE);
}

static void test_apc_paths(void)
{
        const HidUsageTable *apc = hid_usage_table_find("apc");
        g_autoptr(HidDescriptor) d = NULL;
        GArray *rows;

        if (!need_hid_dir())
                return;
        d = parse_rdesc(APC_CS_500);
        rows = load_paths(APC_CS_500);
        g_assert_cmpuint(rows->len, ==, 35);
        for (size_t i = 0; i < rows->len; i++) {
                const PathRow *r = &g_array_index(rows, PathRow, i);
                const HidField *f = NULL, *f_apc = NULL;
                g_autofree char *s = NULL;

                g_test_message("%s %s", r->path, hid_report_type_to_string(r->type));
                g_assert_cmpint(hid_descriptor_find(d, NULL, r->path, r->type, &f), ==, 0);
                g_assert_cmpuint(f->report_id, ==, r->report_id);
                g_assert_cmpuint(f->bit_offset, ==, r->offset);
                g_assert_cmpuint(f->bit_size, ==, r->size);
                /* The log names usages with the generic table only (ff860060, not APCStatusFlag). */
                g_assert_cmpint(hid_field_path_to_string(d, f, NULL, &s), ==, 0);
                g_assert_cmpstr(s, ==, r->path);
                /* With APC's names first, the hex spelling still finds the same field. */
                g_assert_cmpint(hid_descriptor_find(d, apc, r->path, r->type, &f_apc), ==, 0);
                g_assert_true(f_apc == f);
        }
        path_rows_free(rows);
}

static void test_apc_vendor_names(void)
{
        static const struct {
                const char *path;       /* from hid-mappings/apc.tsv */
                unsigned report_id;
        } cases[] = {
                { "UPS.PowerSummary.APCStatusFlag", 0x06 },
                { "UPS.PowerSummary.APCPanelTest", 0x35 },
                { "UPS.PowerSummary.APCBattReplaceDate", 0x1c },
                { "UPS.APCGeneralCollection.APCDelayBeforeReboot", 0x40 },
        };
        const HidUsageTable *apc = hid_usage_table_find("apc");
        g_autoptr(HidDescriptor) d = NULL;

        if (!need_hid_dir())
                return;
        d = parse_rdesc(APC_CS_500);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                const HidField *f;
                g_autofree char *s = NULL;

                g_assert_cmpint(hid_descriptor_find(d, apc, cases[i].path, HID_REPORT_FEATURE, &f), ==, 0);
                g_assert_cmpuint(f->report_id, ==, cases[i].report_id);
                g_assert_cmpint(hid_field_path_to_string(d, f, apc, &s), ==, 0);
                g_assert_cmpstr(s, ==, cases[i].path);
                /* without the APC table the name means nothing */
                g_assert_cmpint(hid_descriptor_find(d, NULL, cases[i].path, HID_REPORT_FEATURE, &f), ==, -EINVAL);
        }
}

static void test_apc_values(void)
{
        g_autoptr(HidDescriptor) d = NULL;
        g_autofree gchar *replies = NULL;
        size_t n = 0;
        GArray *rows;

        if (!need_hid_dir())
                return;
        d = parse_rdesc(APC_CS_500);
        replies = data_file(hid_dir, APC_CS_500, ".feature-reports.txt");
        g_assert_nonnull(replies);
        rows = load_paths(APC_CS_500);
        for (size_t i = 0; i < rows->len; i++) {
                const PathRow *r = &g_array_index(rows, PathRow, i);
                g_autoptr(GByteArray) reply = NULL;
                const HidField *f;
                double v;

                if (r->type != HID_REPORT_FEATURE)
                        continue;
                g_assert_cmpint(hid_descriptor_find(d, NULL, r->path, r->type, &f), ==, 0);
                reply = feature_reply(replies, r->report_id);
                g_assert_nonnull(reply);
                g_assert_cmpuint(reply->data[0], ==, r->report_id);
                g_assert_cmpint(reply->len, ==, hid_descriptor_report_length(d, HID_REPORT_FEATURE, f->report_id));
                g_assert_cmpint(hid_field_get_value(f, reply->data, reply->len, &v), ==, 0);
                g_test_message("%s = %g (NUT %g)", r->path, v, r->value);
                g_assert_cmpfloat_with_epsilon(v, r->value, 1e-9 * MAX(1.0, fabs(r->value)));
                /* shorter than the field: no value rather than a wrong one */
                g_assert_cmpint(hid_field_get_value(f, reply->data, (f->bit_offset + f->bit_size + 7) / 8, &v),
                                ==, -ENODATA);
                n++;
        }
        g_assert_cmpuint(n, ==, 27);       /* rows of 23 reports */
        path_rows_free(rows);
}

/* Each recorded reply is rebuilt byte for byte from its decoded fields, logical and physical. */
static void test_apc_round_trip(void)
{
        g_autoptr(HidDescriptor) d = NULL;
        g_autofree gchar *replies = NULL;

        if (!need_hid_dir())
                return;
        d = parse_rdesc(APC_CS_500);
        replies = data_file(hid_dir, APC_CS_500, ".feature-reports.txt");
        g_assert_nonnull(replies);
        for (size_t i = 0; i < d->n_reports; i++) {
                const HidReport *rep = &d->reports[i];
                g_autoptr(GByteArray) reply = NULL;
                guint8 logical[64] = {}, physical[64] = {};

                if (rep->type != HID_REPORT_FEATURE)
                        continue;
                reply = feature_reply(replies, rep->id);
                g_assert_nonnull(reply);
                g_assert_cmpuint(reply->len, <=, sizeof(logical));
                for (size_t j = 0; j < d->n_fields; j++) {
                        const HidField *f = &d->fields[j];
                        int64_t l;
                        double v;

                        if (f->type != rep->type || f->report_id != rep->id)
                                continue;
                        g_assert_cmpint(hid_field_extract(f, reply->data, reply->len, &l), ==, 0);
                        g_assert_cmpint(hid_field_insert(f, logical, reply->len, l), ==, 0);
                        g_assert_cmpint(hid_field_get_value(f, reply->data, reply->len, &v), ==, 0);
                        g_assert_cmpint(hid_field_set_value(f, physical, reply->len, v), ==, 0);
                }
                g_assert_cmpmem(logical, reply->len, reply->data, reply->len);
                g_assert_cmpmem(physical, reply->len, reply->data, reply->len);
        }
}

/* Field lookups that name several fields: an Input and a Feature. */
static void test_apc_find_all(void)
{
        g_autoptr(HidDescriptor) d = NULL;
        HidPath p;
        int i, j;

        if (!need_hid_dir())
                return;
        d = parse_rdesc(APC_CS_500);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS.PowerSummary.Charging", &p), ==, 0);
        i = hid_descriptor_find_path(d, &p, _HID_REPORT_TYPE_INVALID, 0);
        g_assert_cmpint(i, >=, 0);
        g_assert_cmpint(d->fields[i].type, ==, HID_REPORT_INPUT);
        j = hid_descriptor_find_path(d, &p, _HID_REPORT_TYPE_INVALID, (size_t) i + 1);
        g_assert_cmpint(j, >, i);
        g_assert_cmpint(d->fields[j].type, ==, HID_REPORT_FEATURE);
        g_assert_cmpint(hid_descriptor_find_path(d, &p, _HID_REPORT_TYPE_INVALID, (size_t) j + 1), ==, -ENOENT);
        g_assert_cmpint(hid_descriptor_find_path(d, &p, HID_REPORT_OUTPUT, 0), ==, -ENOENT);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS.PowerSummary", &p), ==, 0);
        g_assert_cmpint(hid_descriptor_find_path(d, &p, _HID_REPORT_TYPE_INVALID, 0), ==, -ENOENT);
}

/* The paths of the other NUT logs (no descriptor there) parse and print back unchanged. */
static void test_paths_round_trip(void)
{
        static const char *const names[] = {
                APC_CS_500, "ippon-smart-power-pro-ii-1200_nut-2.7.4", "powerwalker-vi-2200-sh_nut-2.7.4",
        };

        if (!need_hid_dir())
                return;
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                GArray *rows = load_paths(names[i]);

                for (size_t j = 0; j < rows->len; j++) {
                        const char *path = g_array_index(rows, PathRow, j).path;
                        g_autofree char *s = NULL;
                        HidPath p;

                        g_assert_cmpint(hid_path_from_string(NULL, path, &p), ==, 0);
                        g_assert_cmpint(hid_path_to_string(NULL, &p, &s), ==, 0);
                        g_assert_cmpstr(s, ==, path);
                }
                path_rows_free(rows);
        }
}

/* ---- synthetic descriptors ---- */

#define X(...) ((const uint8_t[]) { __VA_ARGS__ }), sizeof((const uint8_t[]) { __VA_ARGS__ })
#define D(x) HID_DEFECT(HID_DEFECT_##x)
#define BYTE_FIELD 0x75, 0x08, 0x95, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00

typedef struct SynthCase {
        const char *path;
        const uint8_t *data;
        size_t size;
        int strict;             /* what hid_descriptor_parse() returns without HID_PARSE_BEST_EFFORT */
        uint32_t defects;
        size_t n_fields, n_collections;
        const char *first_path; /* of fields[0], or NULL */
} SynthCase;

static const SynthCase synth_cases[] = {
        { "/ok/minimal", X(0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x85, 0x01, 0x09, 0x30, BYTE_FIELD, 0xb1, 0x02,
                           0xc0), 0, 0, 1, 1, "UPS.Voltage" },
        { "/ok/indexed-collection", X(0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x09, 0x1e, 0xa1, 0x84, 0x09, 0x40,
                                      BYTE_FIELD, 0xb1, 0x02, 0xc0, 0xc0), 0, 0, 1, 2,
          "UPS.Flow.[4].ConfigVoltage" },
        { "/ok/extended-usage", X(0x05, 0x01, 0x0b, 0x30, 0x00, 0x84, 0x00, BYTE_FIELD, 0x81, 0x02),
          0, 0, 1, 0, "Voltage" },
        { "/ok/usage-range", X(0x05, 0x85, 0x19, 0x44, 0x29, 0x45, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02),
          0, 0, 3, 0, "Charging" },
        { "/ok/delimiters", X(0x05, 0x85, 0xa9, 0x01, 0x09, 0x44, 0xa9, 0x00, 0xa9, 0x01, 0x09, 0x45, 0xa9, 0x00,
                              BYTE_FIELD, 0x81, 0x02), 0, 0, 1, 0, "Charging" },
        /* a 2^32 usage range in an ignored delimiter branch: once took minutes */
        { "/ok/ignored-usage-range", X(0xa9, 0x01, 0xa9, 0x00, 0xa9, 0x01, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x2b, 0xff,
                                       0xff, 0xff, 0xff, 0xa9, 0x00), 0, 0, 0, 0, NULL },
        { "/ok/no-usage-padding", X(0x75, 0x03, 0x95, 0x01, 0x81, 0x01), 0, 0, 1, 0, "00000000" },
        { "/tolerated/long-item", X(0xfe, 0x02, 0x10, 0xaa, 0xbb, 0x05, 0x84, 0x09, 0x30, BYTE_FIELD, 0xb1, 0x02),
          0, D(LONG_ITEM), 1, 0, "Voltage" },
        { "/tolerated/logical-max-unsigned", X(0x15, 0x00, 0x26, 0xff, 0xff, 0x75, 0x10, 0x95, 0x01, 0x05, 0x84,
                                              0x09, 0x30, 0xb1, 0x02), 0, D(LOGICAL_MAX_UNSIGNED), 1, 0, NULL },
        { "/tolerated/logical-range-inverted", X(0x15, 0x05, 0x25, 0x01, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02), 0,
          D(LOGICAL_MAX_UNSIGNED) | D(LOGICAL_RANGE_INVERTED), 1, 0, NULL },
        { "/tolerated/zero-size", X(0x75, 0x00, 0x95, 0x05, 0x81, 0x02, 0x75, 0x08, 0x95, 0x00, 0x81, 0x02),
          0, D(ZERO_SIZE), 0, 0, NULL },
        { "/tolerated/push-without-pop", X(0xa4, BYTE_FIELD, 0x81, 0x02), 0, D(PUSH_WITHOUT_POP), 1, 0, NULL },
        { "/tolerated/missing-report-id", X(BYTE_FIELD, 0x81, 0x02, 0x85, 0x02, 0x81, 0x02), 0,
          D(MISSING_REPORT_ID), 2, 0, NULL },
        { "/tolerated/reserved-items", X(0xf0, 0xfc, 0xc4, 0xf8, 0x00, 0xd0), 0, D(RESERVED_ITEM), 0, 0, NULL },
        { "/tolerated/bad-usage-range", X(0x19, 0x05, 0x29, 0x01, BYTE_FIELD, 0x81, 0x02), 0, D(BAD_USAGE_RANGE),
          1, 0, "00000000" },
        { "/tolerated/nested-delimiter", X(0xa9, 0x01, 0xa9, 0x01, 0xa9, 0x00, 0xa9, 0x00), 0, D(BAD_DELIMITER),
          0, 0, NULL },
        { "/tolerated/huge-usage-range", X(0x1b, 0x00, 0x00, 0x00, 0x00, 0x2b, 0xff, 0xff, 0xff, 0xff,
                                           BYTE_FIELD, 0x81, 0x02), 0, D(TOO_MANY_USAGES), 1, 0, "00000000" },
        { "/malformed/empty", X(0), -EBADMSG, D(EMPTY), 0, 0, NULL },       /* size fixed up below */
        { "/malformed/truncated-short", X(0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x26, 0xff), -EBADMSG,
          D(TRUNCATED) | D(COLLECTION_UNCLOSED), 0, 1, NULL },
        { "/malformed/truncated-4-byte", X(0x27, 0xff, 0xff, 0xff), -EBADMSG, D(TRUNCATED) | D(EMPTY), 0, 0, NULL },
        { "/malformed/truncated-long", X(0xfe, 0x05, 0x00, 0x01, 0x02), -EBADMSG, D(TRUNCATED) | D(EMPTY), 0, 0, NULL },
        { "/malformed/pop-underflow", X(0xb4, BYTE_FIELD, 0x81, 0x02), -EBADMSG, D(POP_UNDERFLOW), 1, 0, NULL },
        { "/malformed/end-collection-unbalanced", X(0xc0, 0xa1, 0x01, 0xc0, 0xc0), -EBADMSG,
          D(END_COLLECTION_UNBALANCED), 0, 1, NULL },
        { "/malformed/collection-unclosed", X(0x05, 0x84, 0x09, 0x04, 0xa1, 0x01, 0x09, 0x30, BYTE_FIELD, 0x81,
                                              0x02), -EBADMSG, D(COLLECTION_UNCLOSED), 1, 1, "UPS.Voltage" },
        { "/malformed/report-id-0", X(0x85, 0x00, BYTE_FIELD, 0x81, 0x02), -EBADMSG, D(BAD_REPORT_ID), 1, 0, NULL },
        { "/malformed/report-id-256", X(0x86, 0x00, 0x01), -EBADMSG, D(BAD_REPORT_ID), 0, 0, NULL },
        { "/limits/push-overflow", X(0xa4, 0xa4, 0xa4, 0xa4, 0xa4, 0xa4, 0xa4, 0xa4, 0xa4, 0xb4, 0xb4, 0xb4,
                                     0xb4, 0xb4, 0xb4, 0xb4, 0xb4), -E2BIG, D(STACK_OVERFLOW), 0, 0, NULL },
        { "/limits/huge-report-count", X(0x75, 0x01, 0x96, 0xff, 0xff, 0x81, 0x02), -E2BIG, D(TOO_MANY_FIELDS),
          HID_FIELDS_MAX, 0, NULL },
        { "/limits/huge-report", X(0x77, 0xff, 0xff, 0xff, 0xff, 0x97, 0xff, 0xff, 0xff, 0xff, 0x81, 0x02),
          -E2BIG, D(REPORT_TOO_LONG), 0, 0, NULL },
        { "/limits/report-too-long", X(0x75, 0x20, 0x96, 0xb8, 0x0b, 0x81, 0x02), -E2BIG, D(REPORT_TOO_LONG),
          HID_REPORT_BYTES_MAX / 4, 0, NULL },
        { "/limits/huge-report-and-count", X(0x75, 0x08, 0x97, 0xff, 0xff, 0xff, 0xff, 0x81, 0x02), -E2BIG,
          D(TOO_MANY_FIELDS) | D(REPORT_TOO_LONG), HID_FIELDS_MAX, 0, NULL },
};

static void test_synth(gconstpointer data)
{
        const SynthCase *c = data;
        size_t size = streq(c->path, "/malformed/empty") ? 0 : c->size;
        g_autoptr(HidDescriptor) d = NULL, strict = NULL;
        int r;

        r = hid_descriptor_parse(c->data, size, 0, &strict);
        g_assert_cmpint(r, ==, c->strict);
        g_assert_true((r == 0) == (strict != NULL));

        r = hid_descriptor_parse(c->data, size, HID_PARSE_BEST_EFFORT, &d);
        g_assert_cmpint(r, ==, c->strict == 0 ? 0 : 1);
        g_assert_nonnull(d);
        g_assert_cmphex(d->defects, ==, c->defects);
        g_assert_cmpuint(d->n_fields, ==, c->n_fields);
        g_assert_cmpuint(d->n_collections, ==, c->n_collections);
        if (c->first_path) {
                g_autofree char *s = NULL;

                g_assert_cmpint(hid_field_path_to_string(d, &d->fields[0], NULL, &s), ==, 0);
                g_assert_cmpstr(s, ==, c->first_path);
        }
}

static void test_synth_deep(void)
{
        g_autoptr(HidDescriptor) d = NULL;
        g_autofree char *s = NULL;
        static const uint8_t field[] = { 0x05, 0x84, 0x09, 0x30, BYTE_FIELD, 0x81, 0x02 };
        guint8 buf[2 * 100 + sizeof(field) + 100];
        size_t n = 0;
        HidPath p;

        for (int i = 0; i < 100; i++) {
                buf[n++] = 0xa1;        /* Collection (Physical), no usage */
                buf[n++] = 0x00;
        }
        memcpy(buf + n, field, sizeof(field));
        n += sizeof(field);
        for (int i = 0; i < 100; i++)
                buf[n++] = 0xc0;

        g_assert_cmpint(hid_descriptor_parse(buf, n, 0, &d), ==, -E2BIG);
        g_assert_null(d);
        g_assert_cmpint(hid_descriptor_parse(buf, n, HID_PARSE_BEST_EFFORT, &d), ==, 1);
        g_assert_cmphex(d->defects, ==, D(COLLECTION_TOO_DEEP));
        g_assert_cmpuint(d->n_collections, ==, HID_COLLECTION_DEPTH_MAX);
        g_assert_cmpuint(d->n_fields, ==, 1);
        hid_field_get_path(d, &d->fields[0], &p);
        g_assert_cmpuint(p.n, ==, HID_COLLECTION_DEPTH_MAX + 1);
        g_assert_cmpint(hid_path_to_string(NULL, &p, &s), ==, 0);
        g_assert_true(g_str_has_suffix(s, ".00000000.Voltage"));
}

/* Globals: push/pop restore them; unit exponent nibbles; report ids; offsets; report lengths. */
static void test_synth_globals(void)
{
        static const uint8_t desc[] = {
                0x05, 0x84, 0x85, 0x07, 0x15, 0xff, 0x25, 0x01, 0x75, 0x08, 0x95, 0x01, 0x55, 0x0e,
                0x09, 0x30, 0xa4, 0x85, 0x08, 0x55, 0xfe, 0x67, 0x21, 0xd1, 0xf0, 0x00, 0x75, 0x03,
                0x09, 0x31, 0xb1, 0x02, 0x55, 0x05, 0x09, 0x32, 0xb1, 0x02, 0xb4,
                0x09, 0x33, 0xb1, 0x02, 0x55, 0x08, 0x09, 0x34, 0xb1, 0x02,
        };
        g_autoptr(HidDescriptor) d = NULL;
        const HidField *f = NULL;

        g_assert_cmpint(hid_descriptor_parse(desc, sizeof(desc), 0, &d), ==, 0);
        g_assert_cmpuint(d->n_fields, ==, 4);
        f = &d->fields[0];      /* report 8, 3 bits at 0, volts, exponent 0xfe */
        g_assert_cmpuint(f->report_id, ==, 8);
        g_assert_cmpuint(f->bit_offset, ==, 0);
        g_assert_cmpuint(f->bit_size, ==, 3);
        g_assert_cmpint(f->unit_exponent, ==, -2);
        g_assert_cmphex(f->unit, ==, HID_UNIT_VOLT);
        g_assert_cmpint(f->logical_min, ==, -1);
        f = &d->fields[1];
        g_assert_cmpuint(f->bit_offset, ==, 3);
        g_assert_cmpint(f->unit_exponent, ==, 5);
        f = &d->fields[2];      /* popped: report 7, byte, no unit, exponent 0x0e */
        g_assert_cmpuint(f->report_id, ==, 7);
        g_assert_cmpuint(f->bit_offset, ==, 0);
        g_assert_cmpuint(f->bit_size, ==, 8);
        g_assert_cmphex(f->unit, ==, 0);
        g_assert_cmpint(f->unit_exponent, ==, -2);
        g_assert_cmpint(d->fields[3].unit_exponent, ==, -8);
        g_assert_cmpint(hid_descriptor_report_length(d, HID_REPORT_FEATURE, 8), ==, 2);
        g_assert_cmpint(hid_descriptor_report_length(d, HID_REPORT_FEATURE, 7), ==, 3);
        g_assert_cmpint(hid_descriptor_report_length(d, HID_REPORT_INPUT, 7), ==, -ENOENT);
}

/* ---- value codec ---- */

typedef struct ValueCase {
        const char *path;
        HidField field;
        const uint8_t *data;
        size_t size;
        int ret;
        int64_t logical;
        double physical;
} ValueCase;

#define FIELD(id, off, bits, lmin, lmax, ...) \
        { .type = HID_REPORT_FEATURE, .report_id = id, .bit_offset = off, .bit_size = bits, \
          .logical_min = lmin, .logical_max = lmax, __VA_ARGS__ }
#define PHYS(pmin, pmax) .physical_min = pmin, .physical_max = pmax, .have_physical_min = true, \
        .have_physical_max = true

static const ValueCase value_cases[] = {
        { "/byte", FIELD(1, 0, 8, 0, 255), X(0x01, 0xc8), 0, 200, 200 },
        { "/no-report-id", FIELD(0, 8, 8, 0, 255), X(0x11, 0x22), 0, 0x22, 0x22 },
        { "/unaligned", FIELD(1, 3, 5, 0, 31), X(0x01, 0xa8, 0xff), 0, 21, 21 },
        { "/across-bytes", FIELD(1, 4, 16, 0, 65535), X(0x01, 0x4f, 0x23, 0xf1), 0, 0x1234, 0x1234 },
        { "/32-bit", FIELD(1, 0, 32, 0, 4294967295), X(0x01, 0x78, 0x56, 0x34, 0x12), 0, 0x12345678, 0x12345678 },
        { "/signed", FIELD(1, 0, 8, -128, 127), X(0x01, 0xfe), 0, -2, -2 },
        { "/signed-32-bit", FIELD(1, 0, 32, -1, 2147483647), X(0x01, 0xff, 0xff, 0xff, 0xff), 0, -1, -1 },
        { "/unsigned-high-bit", FIELD(1, 0, 8, 0, 255), X(0x01, 0xfe), 0, 254, 254 },
        /* NUT's sign rule: a 0..1 flag keeps 2 bits, then clamps */
        { "/flag-2", FIELD(1, 0, 8, 0, 1), X(0x01, 0x02), 0, 1, 1 },
        { "/flag-4", FIELD(1, 0, 8, 0, 1), X(0x01, 0x05), 0, 1, 1 },
        { "/flag-4-clear", FIELD(1, 0, 8, 0, 1), X(0x01, 0x04), 0, 0, 0 },
        { "/clamp-min", FIELD(1, 0, 8, 120, 200), X(0x01, 0x10), 0, 120, 120 },
        { "/volts", FIELD(1, 0, 16, 0, 65534, .unit = HID_UNIT_VOLT, .unit_exponent = 5), X(0x09, 0x4e, 0x05),
          0, 1358, 13.58 },
        { "/volts-exponent-7", FIELD(1, 0, 16, 0, 65534, .unit = HID_UNIT_VOLT, .unit_exponent = 7),
          X(0x09, 0xe6, 0x00), 0, 230, 230 },
        { "/watts", FIELD(1, 0, 16, 0, 65534, .unit = HID_UNIT_WATT, .unit_exponent = 7), X(0x09, 0xe6, 0x00),
          0, 230, 230 },
        { "/exponent-any-unit", FIELD(1, 0, 16, 0, 65534, .unit = 0x00001001, .unit_exponent = -2),
          X(0x09, 0x4e, 0x05), 0, 1358, 13.58 },
        { "/exponent-no-unit", FIELD(1, 0, 8, 0, 255, .unit_exponent = 1), X(0x09, 0x05), 0, 5, 50 },
        { "/physical", FIELD(1, 0, 8, 0, 200, PHYS(0, 100)), X(0x01, 0x32), 0, 50, 25 },
        { "/physical-offset", FIELD(1, 0, 8, 0, 255, PHYS(-40, 215)), X(0x01, 0x3c), 0, 60, 20 },
        { "/physical-zero", FIELD(1, 0, 8, 0, 200, PHYS(0, 0)), X(0x01, 0x32), 0, 50, 50 },
        { "/physical-inverted", FIELD(1, 0, 8, 0, 200, PHYS(100, 0)), X(0x01, 0x32), 0, 50, 50 },
        { "/physical-half", FIELD(1, 0, 8, 0, 200, .physical_max = 100, .have_physical_max = true), X(0x01, 0x32),
          0, 50, 50 },
        { "/short", FIELD(1, 8, 16, 0, 65535), X(0x01, 0x01, 0x02), -ENODATA, 0, 0 },
        { "/empty", FIELD(1, 0, 8, 0, 255), X(0x01), -ENODATA, 0, 0 },
        { "/too-wide", FIELD(1, 0, 40, 0, 255), X(0x01, 0, 0, 0, 0, 0), -EOPNOTSUPP, 0, 0 },
};

static void test_value(gconstpointer data)
{
        const ValueCase *c = data;
        int64_t l;
        double v;

        g_assert_cmpint(hid_field_extract(&c->field, c->data, c->size, &l), ==, c->ret);
        g_assert_cmpint(hid_field_get_value(&c->field, c->data, c->size, &v), ==, c->ret);
        if (c->ret < 0)
                return;
        g_assert_cmpint(l, ==, c->logical);
        g_assert_cmpfloat(v, ==, c->physical);  /* exact: 1358 / 100 is the double of "13.58" */
}

static void test_value_insert(void)
{
        const HidField f = FIELD(5, 3, 5, -16, 15), g = FIELD(0, 0, 32, 0, 4294967295),
                       volts = FIELD(1, 0, 16, 0, 65534, .unit = HID_UNIT_VOLT, .unit_exponent = 5);
        guint8 buf[4] = { 0x00, 0xff, 0xff, 0x00 };
        int64_t l;

        g_assert_cmpint(hid_field_insert(&f, buf, sizeof(buf), -3), ==, 0);
        g_assert_cmphex(buf[0], ==, 0x05);
        g_assert_cmphex(buf[1], ==, 0xef);      /* 11101 << 3 | 111 */
        g_assert_cmpint(hid_field_extract(&f, buf, sizeof(buf), &l), ==, 0);
        g_assert_cmpint(l, ==, -3);
        g_assert_cmpint(hid_field_insert(&f, buf, sizeof(buf), 31), ==, 0);      /* fits unsigned */
        g_assert_cmpint(hid_field_insert(&f, buf, sizeof(buf), 32), ==, -ERANGE);
        g_assert_cmpint(hid_field_insert(&f, buf, sizeof(buf), -17), ==, -ERANGE);
        g_assert_cmpint(hid_field_insert(&f, buf, 1, 0), ==, -ENOBUFS);
        g_assert_cmpint(hid_field_insert(&g, buf, sizeof(buf), 4294967295), ==, 0);
        g_assert_cmpmem(buf, 4, ((const guint8[]) { 0xff, 0xff, 0xff, 0xff }), 4);
        g_assert_cmpint(hid_field_insert(&g, buf, sizeof(buf), 4294967296), ==, -ERANGE);

        /* 13.58 V * 100 is 1357.9999999999998: rounded, not truncated */
        g_assert_cmpint(hid_field_from_physical(&volts, 13.58, &l), ==, 0);
        g_assert_cmpint(l, ==, 1358);
        g_assert_cmpint(hid_field_from_physical(&volts, NAN, &l), ==, -ERANGE);
        g_assert_cmpint(hid_field_from_physical(&volts, 1e300, &l), ==, -ERANGE);
        g_assert_cmpint(hid_field_set_value(&volts, buf, 3, 230.0), ==, 0);
        g_assert_cmpmem(buf, 3, ((const guint8[]) { 0x01, 0xd8, 0x59 }), 3);
}

static void test_value_physical_inverse(void)
{
        const HidField f = FIELD(1, 0, 8, 0, 255, PHYS(-40, 215), .unit_exponent = -1);

        for (int64_t l = 0; l <= 255; l++) {
                int64_t back;

                g_assert_cmpint(hid_field_from_physical(&f, hid_field_to_physical(&f, l), &back), ==, 0);
                g_assert_cmpint(back, ==, l);
        }
}

/* ---- usages ---- */

typedef struct UsageCase {
        const char *vendor;     /* subdriver table, or NULL */
        uint32_t usage;
        const char *string;
} UsageCase;

static const UsageCase usage_cases[] = {
        { NULL, 0x00840004, "UPS" },
        { NULL, 0x00850066, "RemainingCapacity" },
        { NULL, 0x00840024, "PowerSummary" },
        { NULL, 0x0084006b, "SwitchOn/Off" },
        { NULL, 0xff860024, "ff860024" },
        { NULL, 0x00000000, "00000000" },
        { NULL, 0x00ff0004, "[4]" },
        { "apc", 0xff860060, "APCStatusFlag" },
        { "apc", 0x00850066, "RemainingCapacity" },
        { "apc", 0xff860024, "ff860024" },
        { "mge", 0xffff0010, "Phase" },
        { "delta_ups", 0xffff0010, "DeltaCustom" },
        { "powercom", 0x00ff0056, "PCMDelayBeforeStartup" },  /* a name beats the [n] spelling */
        { "powercom", 0x00ff0001, "[1]" },
};

static void test_usage_strings(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(usage_cases); i++) {
                const UsageCase *c = &usage_cases[i];
                const HidUsageTable *t = c->vendor ? hid_usage_table_find(c->vendor) : NULL;
                char buf[HID_USAGE_STRING_MAX];
                uint32_t u;

                g_assert_true(!c->vendor || t);
                g_assert_cmpstr(hid_usage_to_string(t, c->usage, buf), ==, c->string);
                g_assert_cmpint(hid_usage_from_string(t, c->string, strlen(c->string), &u), ==, 0);
                g_assert_cmphex(u, ==, c->usage);
        }
}

static void test_usage_parse(void)
{
        static const struct {
                const char *s;
                int ret;
                uint32_t usage;
        } cases[] = {
                { "0xffff0015", 0, 0xffff0015 }, { "FF860024", 0, 0xff860024 }, { "84", 0, 0x84 },
                { "[1]", 0, 0x00ff0001 }, { "[65535]", 0, 0x00ffffff }, { "Undefined", 0, 0x00840000 },
                { "VoltageOutOfRange", 0, 0x00840063 }, { "123456789", -EINVAL, 0 }, { "[65536]", -EINVAL, 0 },
                { "[]", -EINVAL, 0 }, { "[x]", -EINVAL, 0 }, { "ups", -EINVAL, 0 }, { "0x", -EINVAL, 0 },
                { "", -EINVAL, 0 }, { "APCStatusFlag", -EINVAL, 0 },
        };
        uint32_t u;

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_assert_cmpint(hid_usage_from_string(NULL, cases[i].s, strlen(cases[i].s), &u), ==, cases[i].ret);
                if (cases[i].ret == 0)
                        g_assert_cmphex(u, ==, cases[i].usage);
        }
        /* only the first n bytes count */
        g_assert_cmpint(hid_usage_from_string(NULL, "UPS.x", 3, &u), ==, 0);
        g_assert_cmphex(u, ==, 0x00840004);
        g_assert_cmpint(hid_usage_from_string(NULL, "UPSx", 3, &u), ==, 0);
        g_assert_cmpint(hid_usage_from_string(NULL, "UP", 2, &u), ==, -EINVAL);
        g_assert_cmpint(hid_usage_from_string(NULL, "UPS\0xx", 6, &u), ==, -EINVAL);
        g_assert_cmpint(hid_usage_from_string(NULL, "84\0", 3, &u), ==, -EINVAL);
        g_assert_null(hid_usage_table_find("arduino"));
        g_assert_true(hid_usage_table_find("generic") == &hid_usage_table_generic);
}

static void test_path_parse(void)
{
        HidPath p;
        g_autofree char *s = NULL;

        g_assert_cmpint(hid_path_from_string(NULL, "UPS.Flow.[4].ConfigVoltage", &p), ==, 0);
        g_assert_cmpuint(p.n, ==, 4);
        g_assert_cmphex(p.nodes[2], ==, 0x00ff0004);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS..Voltage", &p), ==, -EINVAL);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS.", &p), ==, -EINVAL);
        g_assert_cmpint(hid_path_from_string(NULL, "", &p), ==, -EINVAL);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS.Nonsense", &p), ==, -EINVAL);
        g_assert_cmpint(hid_path_from_string(NULL, "UPS.0xffff0015.[1].0xffff00c0", &p), ==, 0);
        g_assert_cmpint(hid_path_to_string(NULL, &p, &s), ==, 0);
        g_assert_cmpstr(s, ==, "UPS.ffff0015.[1].ffff00c0");
        g_assert_cmpint(hid_path_from_string(NULL, "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24"
                                             ".25.26.27.28.29.30.31.32.33", &p), ==, 0);
        g_assert_cmpint(hid_path_from_string(NULL, "1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24"
                                             ".25.26.27.28.29.30.31.32.33.34", &p), ==, -E2BIG);
}

/* The generated tables say what hid-usages.tsv says, with NUT's first-match order. */
static void test_usage_table_facts(void)
{
        g_autofree gchar *path = NULL, *text = NULL;
        g_auto(GStrv) lines = NULL;
        size_t rows = 0, entries = 0;

        if (!facts_dir) {
                g_test_skip("no facts directory");
                return;
        }
        path = g_build_filename(facts_dir, "hid-usages.tsv", NULL);
        if (!g_file_get_contents(path, &text, NULL, NULL)) {
                g_test_skip("no hid-usages.tsv");
                return;
        }
        lines = g_strsplit(text, "\n", -1);
        for (size_t i = 1; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
                const HidUsageTable *t;
                uint32_t usage, u;

                if (!*lines[i])
                        continue;
                g_assert_cmpuint(g_strv_length(f), ==, 5);
                t = hid_usage_table_find(f[0]);
                g_assert_nonnull(t);
                if (t == &hid_usage_table_generic)
                        t = NULL;
                usage = (uint32_t) g_ascii_strtoull(f[1], NULL, 16);
                g_assert_cmpint(hid_usage_from_name(t, f[2], &u), ==, 0);
                /* only "Undefined" and "VoltageOutOfRange" are listed twice: the first one wins */
                if (u != usage)
                        g_assert_true(streq(f[2], "Undefined") || streq(f[2], "VoltageOutOfRange"));
                g_assert_cmpstr(hid_usage_name(t, usage), ==, f[2]);
                rows++;
        }
        for (size_t i = 0; hid_usage_tables[i]; i++)
                entries += hid_usage_tables[i]->n_entries;
        g_assert_cmpuint(rows, ==, 572);
        g_assert_cmpuint(entries, ==, rows);
}

static void test_string_tables(void)
{
        for (int i = 0; i < _HID_REPORT_TYPE_MAX; i++)
                g_assert_cmpint(hid_report_type_from_string(hid_report_type_to_string(i)), ==, i);
        for (int i = 0; i < _HID_DEFECT_MAX; i++) {
                g_assert_nonnull(hid_defect_to_string(i));
                g_assert_cmpint(hid_defect_from_string(hid_defect_to_string(i)), ==, i);
        }
        g_assert_cmpint(hid_report_type_from_string("input"), ==, _HID_REPORT_TYPE_INVALID);
        g_assert_null(hid_defect_to_string(_HID_DEFECT_MAX));
        g_assert_cmphex(HID_DEFECTS_TOLERATED & HID_DEFECTS_MALFORMED, ==, 0);
        g_assert_cmphex(HID_DEFECTS_MALFORMED & HID_DEFECTS_LIMITS, ==, 0);
        g_assert_cmphex(HID_DEFECTS_TOLERATED | HID_DEFECTS_MALFORMED | HID_DEFECTS_LIMITS, ==,
                        HID_DEFECT(_HID_DEFECT_MAX) - 1);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        hid_dir = g_getenv("NUT_HID_DIR");
        if (hid_dir && !g_file_test(hid_dir, G_FILE_TEST_IS_DIR))
                hid_dir = NULL;
        facts_dir = g_getenv("NUT_FACTS_DIR");
        if (!facts_dir && hid_dir)
                facts_dir = g_build_filename(hid_dir, "..", "facts", NULL);

        for (size_t i = 0; i < G_N_ELEMENTS(real_cases); i++) {
                g_autofree gchar *p = g_strconcat("/drivers/usbhid/hid-parser/real/", real_cases[i].name, NULL);

                g_test_add_data_func(p, &real_cases[i], test_real);
        }
        g_test_add_func("/drivers/usbhid/hid-parser/real/all-listed", test_real_all_listed);
        g_test_add_func("/drivers/usbhid/hid-parser/apc-cs-500/paths", test_apc_paths);
        g_test_add_func("/drivers/usbhid/hid-parser/apc-cs-500/vendor-names", test_apc_vendor_names);
        g_test_add_func("/drivers/usbhid/hid-parser/apc-cs-500/values", test_apc_values);
        g_test_add_func("/drivers/usbhid/hid-parser/apc-cs-500/round-trip", test_apc_round_trip);
        g_test_add_func("/drivers/usbhid/hid-parser/apc-cs-500/find-all", test_apc_find_all);
        g_test_add_func("/drivers/usbhid/hid-path/nut-logs-round-trip", test_paths_round_trip);
        for (size_t i = 0; i < G_N_ELEMENTS(synth_cases); i++) {
                g_autofree gchar *p = g_strconcat("/drivers/usbhid/hid-parser/synthetic", synth_cases[i].path, NULL);

                g_test_add_data_func(p, &synth_cases[i], test_synth);
        }
        g_test_add_func("/drivers/usbhid/hid-parser/synthetic/limits/100-deep", test_synth_deep);
        g_test_add_func("/drivers/usbhid/hid-parser/synthetic/globals", test_synth_globals);
        for (size_t i = 0; i < G_N_ELEMENTS(value_cases); i++) {
                g_autofree gchar *p = g_strconcat("/drivers/usbhid/hid-value/extract", value_cases[i].path, NULL);

                g_test_add_data_func(p, &value_cases[i], test_value);
        }
        g_test_add_func("/drivers/usbhid/hid-value/insert", test_value_insert);
        g_test_add_func("/drivers/usbhid/hid-value/physical-inverse", test_value_physical_inverse);
        g_test_add_func("/drivers/usbhid/hid-usage/strings", test_usage_strings);
        g_test_add_func("/drivers/usbhid/hid-usage/parse", test_usage_parse);
        g_test_add_func("/drivers/usbhid/hid-usage/facts", test_usage_table_facts);
        g_test_add_func("/drivers/usbhid/hid-path/parse", test_path_parse);
        g_test_add_func("/drivers/usbhid/hid-parser/string-tables", test_string_tables);
        return g_test_run();
}
