/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apc-hid conversions: APC's decimal-nibble dates (year in bits 0-7, day in bits 8-15, month in
 * bits 16-23, each byte as tens/units nibbles).
 */
#include "hid-convert-private.h"

static int nibbles(int64_t v, unsigned shift)
{
        return (int) ((v >> shift) & 0x0f) + 10 * (int) ((v >> (shift + 4)) & 0x0f);
}

static int64_t to_nibbles(int n)
{
        return (n / 10) << 4 | (n % 10);
}

/* 0 means not set; two-digit years from 70 are 19xx, the others 20xx. */
HID_CV_TO_NUT(apc_date_conversion_fun)
{
        int64_t v;
        int year, r;

        r = conv_int(value, 0, 0xffffff, &v);
        if (r < 0)
                return r;
        if (v == 0)
                return conv_string(buf, size, "not set");
        year = nibbles(v, 0);
        year += year >= 70 ? 1900 : 2000;
        return conv_printf(buf, size, "%04d/%02d/%02d", year, nibbles(v, 16), nibbles(v, 8));
}

/* The inverse for 1970..2069; "not set" gives 0; NUT's 0 for anything else is -EINVAL here. */
HID_CV_TO_HID(apc_date_conversion_reverse)
{
        int y, m, d;

        if (value && streq(value, "not set")) {
                *ret = 0;
                return 0;
        }
        if (conv_parse_ymd(value, &y, &m, &d) < 0)
                return -EINVAL;
        if (y < 1970 || y >= 2070 || m < 1 || m > 12 || d < 1 || d > 31)
                return -EINVAL;
        *ret = (double) (to_nibbles(m) << 16 | to_nibbles(d) << 8 | to_nibbles(y % 100));
        return 0;
}
