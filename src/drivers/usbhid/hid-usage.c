/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookups in the generated usage tables (hid-usage-table.c) and the textual form of a usage as a
 * NUT HID path component.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid-usage.h"
#include "macro.h"

typedef struct NameKey {
        const char *name;
        size_t n;
        const HidUsageTable *table;
} NameKey;

static int usage_compare(const void *key, const void *entry)
{
        uint32_t a = *(const uint32_t *) key, b = ((const HidUsageName *) entry)->usage;

        return a < b ? -1 : a > b;
}

/* Compares the n bytes at key->name (no NUL among them) with an indexed name. */
static int name_compare(const void *key, const void *entry)
{
        const NameKey *k = key;
        const char *name = k->table->entries[*(const uint16_t *) entry].name;
        int c = strncmp(k->name, name, k->n);

        if (c != 0)
                return c;
        return strnlen(name, k->n + 1) == k->n ? 0 : -1;      /* else the key is a prefix of name */
}

static const char *table_name(const HidUsageTable *t, uint32_t usage)
{
        const HidUsageName *e;

        if (!t)
                return NULL;
        e = bsearch(&usage, t->entries, t->n_entries, sizeof(HidUsageName), usage_compare);
        return e ? e->name : NULL;
}

static int table_usage(const HidUsageTable *t, const char *name, size_t n, uint32_t *ret)
{
        const NameKey key = { .name = name, .n = n, .table = t };
        const uint16_t *i;

        if (!t)
                return -ENOENT;
        i = bsearch(&key, t->by_name, t->n_names, sizeof(uint16_t), name_compare);
        if (!i)
                return -ENOENT;
        *ret = t->entries[*i].usage;
        return 0;
}

/**
 * hid_usage_table_find() - the usage table of a usbhid-ups subdriver
 * @name: the subdriver name as in hid-subdrivers.tsv ("apc", "mge", "generic", ...)
 *
 * Returns the table, or NULL if the subdriver has no table of its own.
 */
const HidUsageTable *hid_usage_table_find(const char *name)
{
        for (size_t i = 0; hid_usage_tables[i]; i++)
                if (streq(hid_usage_tables[i]->name, name))
                        return hid_usage_tables[i];
        return NULL;
}

/**
 * hid_usage_name() - the name of a usage
 * @vendor: the subdriver's table, searched first, or NULL
 * @usage: page << 16 | id
 *
 * Returns the name, or NULL if neither table has one.
 */
const char *hid_usage_name(const HidUsageTable *vendor, uint32_t usage)
{
        return table_name(vendor, usage) ?: table_name(&hid_usage_table_generic, usage);
}

static int usage_from_name_n(const HidUsageTable *vendor, const char *name, size_t n, uint32_t *ret)
{
        if (table_usage(vendor, name, n, ret) == 0)
                return 0;
        return table_usage(&hid_usage_table_generic, name, n, ret);
}

/**
 * hid_usage_from_name() - the usage of a name
 * @vendor: the subdriver's table, searched first, or NULL
 * @name: the name, case-sensitive as in NUT
 * @ret: the usage
 *
 * A name listed twice in a table means its first usage ("Undefined" is 0x00840000).
 *
 * Returns 0, or -ENOENT if no table has the name.
 */
int hid_usage_from_name(const HidUsageTable *vendor, const char *name, uint32_t *ret)
{
        return usage_from_name_n(vendor, name, strlen(name), ret);
}

/**
 * hid_usage_to_string() - a usage as a NUT HID path component
 * @vendor: the subdriver's table, searched first, or NULL
 * @usage: page << 16 | id
 * @buf: room for the result, if it is not a name
 *
 * As NUT: the name if there is one (even on page 0x00ff: PowerCOM names 0x00ff0056), else a
 * collection index "[n]" for page 0x00ff, else 8 lowercase hex digits ("ff860024").
 *
 * Returns the name or buf.
 */
const char *hid_usage_to_string(const HidUsageTable *vendor, uint32_t usage, char buf[static HID_USAGE_STRING_MAX])
{
        const char *name = hid_usage_name(vendor, usage);

        if (name)
                return name;
        if (HID_USAGE_PAGE(usage) == HID_USAGE_PAGE_INDEX)
                snprintf(buf, HID_USAGE_STRING_MAX, "[%u]", (unsigned) HID_USAGE_ID(usage));
        else
                snprintf(buf, HID_USAGE_STRING_MAX, "%08x", (unsigned) usage);
        return buf;
}

static int hex_digit(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                return (c | 0x20) - 'a' + 10;
        return -1;
}

static bool parse_hex(const char *s, size_t n, uint32_t *ret)
{
        uint32_t v = 0;

        if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
                s += 2;
                n -= 2;
        }
        if (n == 0 || n > 8)
                return false;
        for (size_t i = 0; i < n; i++) {
                int d = hex_digit(s[i]);

                if (d < 0)
                        return false;
                v = v << 4 | (uint32_t) d;
        }
        *ret = v;
        return true;
}

static bool parse_index(const char *s, size_t n, uint32_t *ret)
{
        uint32_t v = 0;

        if (n < 3 || n > 7 || s[0] != '[' || s[n - 1] != ']')
                return false;
        for (size_t i = 1; i < n - 1; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (uint32_t) (s[i] - '0');
        }
        if (v > UINT16_MAX)
                return false;
        *ret = HID_USAGE_INDEX(v);
        return true;
}

/**
 * hid_usage_from_string() - parse a NUT HID path component
 * @vendor: the subdriver's table, searched first, or NULL
 * @s: the component, not necessarily NUL-terminated
 * @n: its length; NUL bytes within it make it invalid
 * @ret: the usage
 *
 * As NUT: a name first, then up to 8 hex digits ("ff860024"; a "0x" prefix is accepted too, some
 * of NUT's developer-only rows use it), then "[n]" with n <= 65535.
 *
 * Returns 0, or -EINVAL.
 */
int hid_usage_from_string(const HidUsageTable *vendor, const char *s, size_t n, uint32_t *ret)
{
        if (n == 0 || n >= HID_USAGE_STRING_MAX || memchr(s, '\0', n))
                return -EINVAL;
        if (usage_from_name_n(vendor, s, n, ret) == 0)
                return 0;
        if (parse_hex(s, n, ret) || parse_index(s, n, ret))
                return 0;
        return -EINVAL;
}
