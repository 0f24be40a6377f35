/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups mappings as data: per subdriver, which HID path becomes which NUT variable,
 * status bit, alarm or instant command, through which lookup table or conversion; the
 * subdrivers in probe order; the USB IDs each claims. The tables themselves are generated
 * into hid-mapping-table.c by tools/gen-hid-mappings.py from ../shared/data/facts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver.h"
#include "hid-usage.h"

typedef enum HidMapKind {
        HID_MAP_VAR,            /* a NUT variable */
        HID_MAP_STATUS,         /* "BOOL": the lookup's string is a status-word token */
        HID_MAP_ALARM,          /* "ups.alarm": the lookup's string is alarm text */
        HID_MAP_CMD,            /* an instant command */
} HidMapKind;

typedef enum HidMapFlag {
        /* NUT's variable flags (nut_flags column) */
        HID_MAP_RW = 1 << 0,
        HID_MAP_STRING = 1 << 1,
        HID_MAP_NUMBER = 1 << 2,
        /* usbhid-ups's flags (hu_flags column) */
        HID_MAP_STATIC = 1 << 8,
        HID_MAP_SEMI_STATIC = 1 << 9,
        HID_MAP_QUICK_POLL = 1 << 10,
        HID_MAP_ABSENT = 1 << 11,       /* path must exist; value is format_or_default, never read */
        HID_MAP_ENUM = 1 << 12,
        HID_MAP_PARAM_REQUIRED = 1 << 13,
} HidMapFlag;

typedef struct HidLookupEntry {
        int64_t hid_value;
        const char *nut_string;
} HidLookupEntry;

/*
 * A lookup table. When 'convert' is set (the table's first row carried a conversion function
 * in NUT), that function alone decides hid->nut; 'reverse' names the nut->hid function if
 * there is one. Otherwise entries are matched exactly: value -> string, string -> value.
 * Function names are those of hid-conversions.tsv, resolved with hid_converter_find().
 */
typedef struct HidLookup {
        const char *name;
        const char *convert;
        const char *reverse;
        const HidLookupEntry *entries;
        size_t n_entries;
} HidLookup;

typedef struct HidMapping {
        const char *nut_name;           /* NULL for HID_MAP_STATUS and HID_MAP_ALARM rows */
        HidMapKind kind;
        const char *hid_path;
        uint32_t flags;                 /* HidMapFlag */
        uint16_t str_len;               /* max length of RW STRING values */
        const char *format_or_default;  /* printf format for numbers, or the ABSENT/CMD default */
        const HidLookup *lookup;        /* NULL: numeric through format_or_default */
} HidMapping;

/* Device hooks run on an exact VID:PID match (hid-device-hooks.tsv) */
typedef enum HidDeviceHook {
        HID_HOOK_GENERAL_APC_CHECK = 1 << 0,    /* Back-UPS ES 525/CS: read reports at max size */
        HID_HOOK_DISABLE_INTERRUPT_PIPE = 1 << 1,
        HID_HOOK_CPS_BATTERY_SCALE = 1 << 2,
        HID_HOOK_GET_VOLTAGE_MULTIPLIER = 1 << 3,
        HID_HOOK_BATTERY_SCALE_0DOT1 = 1 << 4,  /* tripplite: battery_scale 0.1 */
        HID_HOOK_BATTERY_SCALE_1DOT0 = 1 << 5,  /* tripplite: battery_scale 1.0 */
        HID_HOOK_SMART1500LCDT_SCALE = 1 << 6,  /* tripplite: battery, I/O voltage, frequency, current */
} HidDeviceHook;

typedef enum HidFixReportDesc {
        HID_FIX_NONE,
        HID_FIX_APC,
        HID_FIX_CPS,
        HID_FIX_IDOWELL,
} HidFixReportDesc;

typedef struct HidSubdriver {
        const char *name;               /* "apc", "mge", ...; "generic" for unknown vendors */
        const char *version;            /* "APC HID 0.101" */
        const HidUsageTable *usages;    /* searched before the generic usage table */
        const HidMapping *mappings;     /* in NUT's table order */
        size_t n_mappings;
        HidFixReportDesc fix_report_desc;
        uint32_t ondelay, offdelay;     /* seconds; 0 = none */
        uint32_t pollfreq;              /* seconds */
} HidSubdriver;

typedef struct HidUsbId {
        uint16_t vendor, product;
        const HidSubdriver *subdriver;
        uint32_t hooks;                 /* HidDeviceHook */
} HidUsbId;

/* In probe order, without "explore"; NULL-terminated */
extern const HidSubdriver *const hid_subdrivers[];
/* For a standard HID Power Device whose vendor no subdriver knows */
extern const HidSubdriver hid_subdriver_generic;
extern const HidSubdriver hid_subdriver_mge, hid_subdriver_apc, hid_subdriver_arduino, hid_subdriver_belkin,
        hid_subdriver_cps, hid_subdriver_delta_ups, hid_subdriver_ecoflow, hid_subdriver_ever,
        hid_subdriver_idowell, hid_subdriver_legrand, hid_subdriver_liebert, hid_subdriver_openups,
        hid_subdriver_powercom, hid_subdriver_powervar, hid_subdriver_salicru, hid_subdriver_tripplite;

/* Every usbhid-ups VID:PID of usb-ids.tsv, sorted by vendor, then product */
extern const HidUsbId hid_usb_ids[];
extern const size_t hid_n_usb_ids;
/* The same IDs for DriverOps.usb_ids (driver.h), ending with { 0, 0 } */
extern const UsbId hid_usb_id_list[];

const HidSubdriver *hid_subdriver_find(const char *name);
/* Exact VID:PID match, or NULL */
const HidUsbId *hid_usb_id_find(uint16_t vendor, uint16_t product);
/* The subdriver claiming a device, with NUT's string conditions (hid-claim.c): 1 and *ret,
 * 0 if none claims it, -EPERM if usbhid-ups must not take it */
int hid_usb_claim(uint16_t vendor, uint16_t product, const char *manufacturer, const char *product_string,
                  const HidSubdriver **ret);
/* The hooks of the VID:PID entry that apply with subdriver 'sub' and that iProduct */
uint32_t hid_usb_hooks(const HidUsbId *id, const HidSubdriver *sub, const char *product_string);
/* A subdriver that knows the vendor at all (for the "productid" option), or NULL */
const HidSubdriver *hid_subdriver_for_vendor(uint16_t vendor);
