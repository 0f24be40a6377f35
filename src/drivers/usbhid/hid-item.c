/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads one item of a HID report descriptor, never past its end.
 */
#include "hid-item.h"

#define HID_LONG_ITEM_PREFIX 0xfe

static uint32_t read_le(const uint8_t *p, uint8_t n)
{
        uint32_t v = 0;

        for (uint8_t i = 0; i < n; i++)
                v |= (uint32_t) p[i] << (8 * i);
        return v;
}

static int32_t sign_extend(uint32_t v, uint8_t n)
{
        switch (n) {
        case 1:
                return (int8_t) v;
        case 2:
                return (int16_t) v;
        case 4:
                return (int32_t) v;
        default:
                return 0;
        }
}

/**
 * hid_item_next() - read the item at *pos
 * @data: the report descriptor
 * @size: its length in bytes
 * @pos: the offset of the item; advanced past it on success
 * @ret: the item
 *
 * A short item's size code 3 means 4 data bytes. A long item (0xfe, size, tag, data) is returned
 * with type HID_ITEM_LONG and no data.
 *
 * Returns 1 if an item was read, 0 at the end of the descriptor, -EBADMSG if the item is cut short
 * by the end of the descriptor (*pos and *ret are left alone then).
 */
int hid_item_next(const uint8_t *data, size_t size, size_t *pos, HidItem *ret)
{
        static const uint8_t data_size[4] = { 0, 1, 2, 4 };
        size_t p = *pos;
        uint8_t prefix, n;

        if (p >= size)
                return 0;
        prefix = data[p++];

        if (prefix == HID_LONG_ITEM_PREFIX) {
                if (size - p < 2 || size - p - 2 < data[p])
                        return -EBADMSG;
                *ret = (HidItem) { .type = HID_ITEM_LONG, .tag = data[p + 1], .size = data[p] };
                *pos = p + 2 + data[p];
                return 1;
        }

        n = data_size[prefix & 0x3];
        if (size - p < n)
                return -EBADMSG;
        *ret = (HidItem) {
                .type = (HidItemType) ((prefix >> 2) & 0x3),
                .tag = prefix >> 4,
                .size = n,
                .udata = read_le(data + p, n),
        };
        ret->sdata = sign_extend(ret->udata, n);
        *pos = p + n;
        return 1;
}
