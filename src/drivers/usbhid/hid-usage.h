/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HID usage <-> name, as NUT's usbhid-ups spells the components of its HID paths: a subdriver's
 * table first, then the generic one; unnamed usages as 8 hex digits, collection indexes as [n].
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HID_USAGE(page, id) ((uint32_t) (page) << 16 | (uint16_t) (id))
#define HID_USAGE_PAGE(u) ((uint16_t) ((u) >> 16))
#define HID_USAGE_ID(u) ((uint16_t) (u))

/* NUT writes the index of a vendor-type collection as a path node on this page: [n] */
#define HID_USAGE_PAGE_INDEX 0x00ffU
#define HID_USAGE_INDEX(n) HID_USAGE(HID_USAGE_PAGE_INDEX, n)

/* Longest usage string with its NUL: names (checked by the generator), "ffffffff", "[65535]" */
#define HID_USAGE_STRING_MAX 48

typedef struct HidUsageName {
        uint32_t usage;
        const char *name;
} HidUsageName;

typedef struct HidUsageTable {
        const char *name;               /* "generic", or the usbhid-ups subdriver ("apc", "mge", ...) */
        const HidUsageName *entries;    /* sorted by usage, one name per usage */
        size_t n_entries;
        const uint16_t *by_name;        /* indexes into entries, sorted by strcmp() of the name */
        size_t n_names;
} HidUsageTable;

/* Generated into hid-usage-table.c from hid-usages.tsv. Subdrivers without a table of their
 * own (arduino, ecoflow, idowell, legrand, liebert, salicru) use the generic one alone. */
extern const HidUsageTable hid_usage_table_generic;
extern const HidUsageTable hid_usage_table_apc;
extern const HidUsageTable hid_usage_table_belkin;
extern const HidUsageTable hid_usage_table_cps;
extern const HidUsageTable hid_usage_table_delta_ups;
extern const HidUsageTable hid_usage_table_ever;
extern const HidUsageTable hid_usage_table_mge;
extern const HidUsageTable hid_usage_table_openups;
extern const HidUsageTable hid_usage_table_powercom;
extern const HidUsageTable hid_usage_table_powervar;
extern const HidUsageTable hid_usage_table_tripplite;
extern const HidUsageTable *const hid_usage_tables[];     /* all of them, NULL-terminated */

const HidUsageTable *hid_usage_table_find(const char *name);

/* In all of these, vendor is the subdriver's table or NULL; the generic table always follows. */
const char *hid_usage_name(const HidUsageTable *vendor, uint32_t usage);
int hid_usage_from_name(const HidUsageTable *vendor, const char *name, uint32_t *ret);
const char *hid_usage_to_string(const HidUsageTable *vendor, uint32_t usage, char buf[static HID_USAGE_STRING_MAX]);
int hid_usage_from_string(const HidUsageTable *vendor, const char *s, size_t n, uint32_t *ret);
