/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HID report descriptor -> the list of report fields (Input/Output/Feature), each with its
 * report, bit position, logical/physical range, unit and the collections it sits in. No I/O.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* Bounds on what one descriptor may make us hold; real UPS descriptors stay far below them. */
#define HID_FIELDS_MAX 4096U
#define HID_COLLECTIONS_MAX 1024U
#define HID_COLLECTION_DEPTH_MAX 16U
#define HID_GLOBAL_STACK_MAX 8U
#define HID_USAGES_MAX 1024U            /* local usages per main item, ranges expanded */
#define HID_REPORT_BYTES_MAX 8192U      /* per report, without the report ID byte */
#define HID_FIELD_VALUE_BITS_MAX 32U    /* larger fields are laid out but not decoded */

typedef enum HidReportType {
        HID_REPORT_INPUT,
        HID_REPORT_OUTPUT,
        HID_REPORT_FEATURE,
        _HID_REPORT_TYPE_MAX,
        _HID_REPORT_TYPE_INVALID = -EINVAL,
} HidReportType;

/* The data bits of an Input/Output/Feature item (HID 1.11 §6.2.2.5); 0 is the "data, array,
 * absolute" default. */
typedef enum HidFieldFlag {
        HID_FIELD_CONSTANT = 1 << 0,
        HID_FIELD_VARIABLE = 1 << 1,
        HID_FIELD_RELATIVE = 1 << 2,
        HID_FIELD_WRAP = 1 << 3,
        HID_FIELD_NONLINEAR = 1 << 4,
        HID_FIELD_NO_PREFERRED = 1 << 5,
        HID_FIELD_NULL_STATE = 1 << 6,
        HID_FIELD_VOLATILE = 1 << 7,    /* Output and Feature only; bit 7 is reserved for Input */
        HID_FIELD_BUFFERED_BYTES = 1 << 8,
} HidFieldFlag;

/*
 * What was wrong with a descriptor. Bit numbers of HidDescriptor.defects. The first group is
 * what firmware gets wrong and we repair or ignore, as NUT does; the second makes the
 * descriptor malformed (-EBADMSG), the third exceeds our bounds (-E2BIG).
 */
typedef enum HidDefect {
        HID_DEFECT_LONG_ITEM,                   /* skipped */
        HID_DEFECT_RESERVED_ITEM,               /* unknown or reserved tag, ignored */
        HID_DEFECT_LOGICAL_MAX_UNSIGNED,        /* max < min read signed: re-read unsigned (NUT) */
        HID_DEFECT_LOGICAL_RANGE_INVERTED,      /* still max < min for a field */
        HID_DEFECT_ZERO_SIZE,                   /* main item with Report Size or Count 0: no field */
        HID_DEFECT_MISSING_REPORT_ID,           /* fields in report 0 beside numbered reports */
        HID_DEFECT_PUSH_WITHOUT_POP,            /* global stack not empty at the end */
        HID_DEFECT_TOO_MANY_USAGES,             /* local usages past HID_USAGES_MAX ignored */
        HID_DEFECT_BAD_USAGE_RANGE,             /* usage minimum > maximum, ignored */
        HID_DEFECT_BAD_DELIMITER,               /* nested or unopened delimiter, ignored */
        _HID_DEFECT_TOLERATED_MAX,

        HID_DEFECT_TRUNCATED = _HID_DEFECT_TOLERATED_MAX, /* last item cut off: parsing stopped */
        HID_DEFECT_EMPTY,                       /* no items at all */
        HID_DEFECT_POP_UNDERFLOW,               /* Pop on an empty stack, ignored */
        HID_DEFECT_END_COLLECTION_UNBALANCED,   /* End Collection with none open, ignored */
        HID_DEFECT_COLLECTION_UNCLOSED,         /* collections still open at the end */
        HID_DEFECT_BAD_REPORT_ID,               /* Report ID 0 or > 255, ignored */
        _HID_DEFECT_MALFORMED_MAX,

        HID_DEFECT_STACK_OVERFLOW = _HID_DEFECT_MALFORMED_MAX, /* Push past HID_GLOBAL_STACK_MAX */
        HID_DEFECT_COLLECTION_TOO_DEEP,         /* nesting past HID_COLLECTION_DEPTH_MAX */
        HID_DEFECT_TOO_MANY_COLLECTIONS,        /* past HID_COLLECTIONS_MAX */
        HID_DEFECT_TOO_MANY_FIELDS,             /* past HID_FIELDS_MAX: later fields dropped */
        HID_DEFECT_REPORT_TOO_LONG,             /* past HID_REPORT_BYTES_MAX: fields dropped */
        _HID_DEFECT_MAX,
        _HID_DEFECT_INVALID = -EINVAL,
} HidDefect;

#define HID_DEFECT(d) (UINT32_C(1) << (d))
#define HID_DEFECTS_TOLERATED (HID_DEFECT(_HID_DEFECT_TOLERATED_MAX) - 1)
#define HID_DEFECTS_MALFORMED (HID_DEFECT(_HID_DEFECT_MALFORMED_MAX) - 1 - HID_DEFECTS_TOLERATED)
#define HID_DEFECTS_LIMITS (HID_DEFECT(_HID_DEFECT_MAX) - 1 - HID_DEFECTS_TOLERATED - HID_DEFECTS_MALFORMED)

typedef enum HidParseFlags {
        /* Return what could be parsed (and 1) instead of failing on malformed descriptors */
        HID_PARSE_BEST_EFFORT = 1 << 0,
} HidParseFlags;

typedef struct HidCollection {
        uint32_t usage;         /* page << 16 | id; 0 if the collection had none */
        uint8_t type;           /* 0 physical, 1 application, 2 logical, ...; >= 0x80 vendor */
        uint16_t depth;         /* 0 at top level */
        int32_t parent;         /* index in HidDescriptor.collections, -1 at top level */
} HidCollection;

/* One element of a main item's Report Count (NUT's HIDData_t, Linux's usage of a field). */
typedef struct HidField {
        HidReportType type;
        uint8_t report_id;      /* 0: the device does not number this report */
        uint32_t bit_offset;    /* from the first data byte, i.e. after the report ID byte */
        uint32_t bit_size;
        uint32_t count_index;   /* the element of the main item's Report Count */
        uint32_t main_item;     /* fields of the same Input/Output/Feature item share it */
        uint16_t flags;         /* HidFieldFlag */
        uint32_t usage;         /* page << 16 | id; 0 if the item had none (padding) */
        int64_t logical_min, logical_max;
        int64_t physical_min, physical_max;
        uint32_t unit;
        int8_t unit_exponent;   /* normalised as NUT does, see hid-parser.c */
        bool have_physical_min:1;
        bool have_physical_max:1;
        bool logical_max_assumed:1;     /* re-read unsigned, HID_DEFECT_LOGICAL_MAX_UNSIGNED */
        int32_t collection;     /* innermost collection, -1 at top level */
} HidField;

typedef struct HidReport {
        HidReportType type;
        uint8_t id;
        uint32_t bits;          /* data bits, without the report ID byte */
} HidReport;

typedef struct HidDescriptor {
        HidField *fields;
        size_t n_fields;
        HidCollection *collections;     /* in descriptor order: parents come first */
        size_t n_collections;
        HidReport *reports;             /* sorted by type, then id */
        size_t n_reports;
        size_t n_items;                 /* short and long items read */
        uint32_t defects;               /* HID_DEFECT() mask */
        bool uses_report_ids;
} HidDescriptor;

int hid_descriptor_parse(const uint8_t *data, size_t size, HidParseFlags flags, HidDescriptor **ret);
HidDescriptor *hid_descriptor_free(HidDescriptor *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(HidDescriptor *, hid_descriptor_free);

const HidReport *hid_descriptor_get_report(const HidDescriptor *d, HidReportType type, uint8_t id);
int hid_descriptor_report_length(const HidDescriptor *d, HidReportType type, uint8_t id);

const char *hid_report_type_to_string(HidReportType t);
HidReportType hid_report_type_from_string(const char *s);
const char *hid_defect_to_string(HidDefect d);
HidDefect hid_defect_from_string(const char *s);
