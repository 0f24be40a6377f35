/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HID report descriptor parser on arbitrary bytes, then the path and value code on what it
 * returns: checks the layout promises of hid-parser.h and that paths and values round-trip. The
 * same bytes also serve as a report buffer and as a path string.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "usbhid/hid-parser.h"
#include "usbhid/hid-path.h"
#include "usbhid/hid-usage.h"
#include "usbhid/hid-value.h"

#define FIELDS_CHECKED 256      /* paths and values of the first fields only, to keep runs fast */

static void check_layout(const HidDescriptor *d)
{
        fuzz_assert(d->n_fields <= HID_FIELDS_MAX);
        fuzz_assert(d->n_collections <= HID_COLLECTIONS_MAX);
        for (size_t i = 0; i < d->n_collections; i++) {
                const HidCollection *c = &d->collections[i];

                fuzz_assert(c->depth < HID_COLLECTION_DEPTH_MAX);
                fuzz_assert(c->parent < (int32_t) i);
                fuzz_assert(c->parent >= 0 ? c->depth == d->collections[c->parent].depth + 1 : c->depth == 0);
        }
        for (size_t i = 0; i < d->n_reports; i++) {
                fuzz_assert(d->reports[i].bits <= HID_REPORT_BYTES_MAX * 8);
                fuzz_assert(d->uses_report_ids || d->reports[i].id == 0);
        }
        for (size_t i = 0; i < d->n_fields; i++) {
                const HidField *f = &d->fields[i];
                const HidReport *r = hid_descriptor_get_report(d, f->type, f->report_id);

                fuzz_assert(f->type >= 0 && f->type < _HID_REPORT_TYPE_MAX);
                fuzz_assert(f->bit_size > 0);
                fuzz_assert(r);
                fuzz_assert((uint64_t) f->bit_offset + f->bit_size <= r->bits);
                fuzz_assert(f->collection >= -1 && f->collection < (int32_t) d->n_collections);
                fuzz_assert(!f->logical_max_assumed || (d->defects & HID_DEFECT(HID_DEFECT_LOGICAL_MAX_UNSIGNED)));
        }
}

/*
 * A path prints and parses back to the same string. Not always to the same usages: NUT's tables
 * give a few names to two usages ("Undefined" is 0x00840000 and 0x00850000, and 0xffff0000 for
 * MGE), and the first one is what the name means.
 */
static void check_path(const HidDescriptor *d, size_t i, const HidUsageTable *vendor)
{
        _cleanup_free_ char *s = NULL, *t = NULL;
        HidPath p, q;
        int r;

        hid_field_get_path(d, &d->fields[i], &p);
        fuzz_assert(p.n >= 1 && p.n <= HID_PATH_MAX);
        r = hid_path_to_string(vendor, &p, &s);
        if (r == -ENOMEM)
                return;
        fuzz_assert(r == 0);
        fuzz_assert(hid_path_from_string(vendor, s, &q) == 0);
        fuzz_assert(q.n == p.n);
        if (hid_path_to_string(vendor, &q, &t) == 0)
                fuzz_assert(strcmp(s, t) == 0);
        r = hid_descriptor_find_path(d, &p, d->fields[i].type, 0);
        fuzz_assert(r >= 0 && (size_t) r <= i);
}

/* The input doubles as the report: every field either decodes, or says why not. */
static void check_value(const HidField *f, const uint8_t *data, size_t size)
{
        uint8_t buf[64];
        int64_t l, l2;
        double v;
        int r;

        r = hid_field_extract(f, data, size, &l);
        if (r == -ENODATA || r == -EOPNOTSUPP)
                return;
        fuzz_assert(r == 0);
        if (f->logical_min <= f->logical_max)
                fuzz_assert(l >= f->logical_min && l <= f->logical_max);

        v = hid_field_to_physical(f, l);
        (void) hid_field_from_physical(f, v, &l2);

        memset(buf, 0xa5, sizeof(buf));
        r = hid_field_insert(f, buf, sizeof(buf), l);
        if (r == -ENOBUFS || r == -ERANGE)
                return;
        fuzz_assert(r == 0);
        fuzz_assert(hid_field_extract(f, buf, sizeof(buf), &l2) == 0);
        fuzz_assert(l2 == l);
}

/* The input as a path string, as mapping tables and users could write it. */
static void check_path_string(const uint8_t *data, size_t size)
{
        char s[512];
        HidPath p;
        size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

        memcpy(s, data, n);
        s[n] = '\0';
        if (hid_path_from_string(&hid_usage_table_mge, s, &p) == 0) {
                _cleanup_free_ char *t = NULL;

                fuzz_assert(p.n >= 1 && p.n <= HID_PATH_MAX);
                if (hid_path_to_string(&hid_usage_table_mge, &p, &t) == 0)
                        fuzz_assert(strlen(t) < HID_PATH_MAX * HID_USAGE_STRING_MAX);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL, *strict = NULL;
        int r, rs;

        check_path_string(data, size);

        r = hid_descriptor_parse(data, size, HID_PARSE_BEST_EFFORT, &d);
        rs = hid_descriptor_parse(data, size, 0, &strict);
        if (r == -ENOMEM || rs == -ENOMEM)
                return 0;
        fuzz_assert(r == 0 || r == 1);
        fuzz_assert(d);
        if (r == 0) {
                fuzz_assert(rs == 0 && strict);
                fuzz_assert(!(d->defects & ~HID_DEFECTS_TOLERATED));
                fuzz_assert(strict->n_fields == d->n_fields && strict->defects == d->defects);
        } else {
                fuzz_assert(!strict);
                fuzz_assert(rs == ((d->defects & HID_DEFECTS_MALFORMED) ? -EBADMSG : -E2BIG));
                fuzz_assert(d->defects & (HID_DEFECTS_MALFORMED | HID_DEFECTS_LIMITS));
        }

        check_layout(d);
        for (size_t i = 0; i < d->n_fields && i < FIELDS_CHECKED; i++) {
                check_path(d, i, i % 2 ? &hid_usage_table_mge : NULL);
                check_value(&d->fields[i], data, size);
        }
        return 0;
}
