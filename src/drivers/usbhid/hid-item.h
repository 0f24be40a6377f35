/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The items of a HID report descriptor (HID 1.11 §6.2.2): one short or long item at a time, with
 * every read checked against the end of the descriptor. The parser above gives them meaning.
 */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

typedef enum HidItemType {
        HID_ITEM_MAIN,
        HID_ITEM_GLOBAL,
        HID_ITEM_LOCAL,
        HID_ITEM_RESERVED,
        HID_ITEM_LONG,          /* prefix 0xfe; no defined long items exist, they are skipped */
        _HID_ITEM_TYPE_MAX,
        _HID_ITEM_TYPE_INVALID = -EINVAL,
} HidItemType;

/* Tags of the short items (the high nibble of the prefix byte) */
enum {
        HID_MAIN_INPUT = 0x8,
        HID_MAIN_OUTPUT = 0x9,
        HID_MAIN_COLLECTION = 0xa,
        HID_MAIN_FEATURE = 0xb,
        HID_MAIN_END_COLLECTION = 0xc,

        HID_GLOBAL_USAGE_PAGE = 0x0,
        HID_GLOBAL_LOGICAL_MIN = 0x1,
        HID_GLOBAL_LOGICAL_MAX = 0x2,
        HID_GLOBAL_PHYSICAL_MIN = 0x3,
        HID_GLOBAL_PHYSICAL_MAX = 0x4,
        HID_GLOBAL_UNIT_EXPONENT = 0x5,
        HID_GLOBAL_UNIT = 0x6,
        HID_GLOBAL_REPORT_SIZE = 0x7,
        HID_GLOBAL_REPORT_ID = 0x8,
        HID_GLOBAL_REPORT_COUNT = 0x9,
        HID_GLOBAL_PUSH = 0xa,
        HID_GLOBAL_POP = 0xb,

        HID_LOCAL_USAGE = 0x0,
        HID_LOCAL_USAGE_MIN = 0x1,
        HID_LOCAL_USAGE_MAX = 0x2,
        HID_LOCAL_DELIMITER = 0xa,
};

typedef struct HidItem {
        HidItemType type;
        uint8_t tag;
        uint8_t size;           /* data bytes: 0, 1, 2 or 4 (short items), 0..255 (long items) */
        uint32_t udata;         /* short items: the data, little-endian, zero-extended */
        int32_t sdata;          /* the same, sign-extended from its size */
} HidItem;

int hid_item_next(const uint8_t *data, size_t size, size_t *pos, HidItem *ret);
