/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A field's HID path, its NUT spelling, and the lookup of fields by path: what the usbhid-ups
 * mapping tables are resolved with.
 */
#include <stdlib.h>
#include <string.h>

#include "hid-path.h"
#include "macro.h"

/* Collections of the vendor types 0x80..0xff are numbered instances: NUT adds [type & 0x7f]. */
#define HID_COLLECTION_INDEXED 0x80

/**
 * hid_field_get_path() - the path of a field
 * @d: the descriptor
 * @f: one of its fields
 * @ret: the usages of the enclosing collections from the outermost, each followed by an index
 *       node for vendor-type collections, then the usage of the field
 */
void hid_field_get_path(const HidDescriptor *d, const HidField *f, HidPath *ret)
{
        uint32_t rev[HID_PATH_MAX];
        size_t n = 0;

        rev[n++] = f->usage;
        for (int32_t c = f->collection; c >= 0 && (size_t) c < d->n_collections && n + 2 <= HID_PATH_MAX;
             c = d->collections[c].parent) {
                const HidCollection *col = &d->collections[c];

                if (col->type >= HID_COLLECTION_INDEXED)
                        rev[n++] = HID_USAGE_INDEX(col->type & 0x7f);
                rev[n++] = col->usage;
        }
        ret->n = n;
        for (size_t i = 0; i < n; i++)
                ret->nodes[i] = rev[n - 1 - i];
}

/**
 * hid_path_equal() - compare two paths
 * @a: one path
 * @b: another
 *
 * Returns true if they have the same nodes.
 */
bool hid_path_equal(const HidPath *a, const HidPath *b)
{
        return a->n == b->n && memcmp(a->nodes, b->nodes, a->n * sizeof(uint32_t)) == 0;
}

/**
 * hid_path_from_string() - parse a NUT HID path
 * @vendor: the subdriver's usage table, searched before the generic one, or NULL
 * @s: the path, components separated by '.' (see hid_usage_from_string())
 * @ret: the path
 *
 * Returns 0; -EINVAL for an empty or unknown component, -E2BIG for more than HID_PATH_MAX.
 */
int hid_path_from_string(const HidUsageTable *vendor, const char *s, HidPath *ret)
{
        HidPath p = {};

        for (;;) {
                size_t l = strcspn(s, ".");
                int r;

                if (p.n >= HID_PATH_MAX)
                        return -E2BIG;
                r = hid_usage_from_string(vendor, s, l, &p.nodes[p.n++]);
                if (r < 0)
                        return r;
                if (s[l] == '\0')
                        break;
                s += l + 1;
        }
        *ret = p;
        return 0;
}

/**
 * hid_path_to_string() - a path as NUT writes it
 * @vendor: the subdriver's usage table, searched before the generic one, or NULL
 * @p: the path
 * @ret: the string, to free()
 *
 * Returns 0 or -ENOMEM.
 */
int hid_path_to_string(const HidUsageTable *vendor, const HidPath *p, char **ret)
{
        char buf[HID_PATH_MAX * HID_USAGE_STRING_MAX], *s;
        size_t l = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < p->n && i < HID_PATH_MAX; i++) {
                char tmp[HID_USAGE_STRING_MAX];
                const char *c = hid_usage_to_string(vendor, p->nodes[i], tmp);
                size_t lc = strlen(c);

                if (i > 0)
                        buf[l++] = '.';
                memcpy(buf + l, c, lc + 1);
                l += lc;
        }
        s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/**
 * hid_field_path_to_string() - the path of a field as NUT writes it
 * @d: the descriptor
 * @f: one of its fields
 * @vendor: the subdriver's usage table, searched before the generic one, or NULL
 * @ret: the string, to free()
 *
 * Returns 0 or -ENOMEM.
 */
int hid_field_path_to_string(const HidDescriptor *d, const HidField *f, const HidUsageTable *vendor, char **ret)
{
        HidPath p;

        hid_field_get_path(d, f, &p);
        return hid_path_to_string(vendor, &p, ret);
}

/**
 * hid_descriptor_find_path() - the next field with a path
 * @d: the descriptor
 * @p: the path
 * @type: the report type, or _HID_REPORT_TYPE_INVALID for any
 * @start: the index in d->fields to start from
 *
 * A path can name several fields: an Input and a Feature, or the elements of a Report Count that
 * share a usage. NUT uses the first one of the type it asks for.
 *
 * Returns the index of the field in d->fields, or -ENOENT.
 */
int hid_descriptor_find_path(const HidDescriptor *d, const HidPath *p, HidReportType type, size_t start)
{
        if (p->n == 0)
                return -ENOENT;
        for (size_t i = start; i < d->n_fields; i++) {
                const HidField *f = &d->fields[i];
                HidPath fp;

                if ((type >= 0 && f->type != type) || f->usage != p->nodes[p->n - 1])
                        continue;
                hid_field_get_path(d, f, &fp);
                if (hid_path_equal(&fp, p))
                        return (int) i;
        }
        return -ENOENT;
}

/**
 * hid_descriptor_find() - the first field with a path given as a string
 * @d: the descriptor
 * @vendor: the subdriver's usage table, searched before the generic one, or NULL
 * @path: the NUT HID path
 * @type: the report type, or _HID_REPORT_TYPE_INVALID for any
 * @ret: the field
 *
 * Returns 0; -ENOENT if the descriptor has no such field; -EINVAL or -E2BIG if the path does not
 * parse.
 */
int hid_descriptor_find(const HidDescriptor *d, const HidUsageTable *vendor, const char *path,
                        HidReportType type, const HidField **ret)
{
        HidPath p;
        int r;

        r = hid_path_from_string(vendor, path, &p);
        if (r < 0)
                return r;
        r = hid_descriptor_find_path(d, &p, type, 0);
        if (r < 0)
                return r;
        *ret = &d->fields[r];
        return 0;
}
