/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The conversion functions every usbhid-ups subdriver shares: packed battery dates, hex,
 * USB string descriptors, decimal scaling and Kelvin -> Celsius.
 */
#include "hid-convert-private.h"

/* Packed date: bits 9-15 year since 1980, bits 5-8 month, bits 0-4 day; 0 means not set. */
HID_CV_TO_NUT(date_conversion_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, 0, 0xffff, &v);
        if (r < 0)
                return r;
        if (v == 0)
                return conv_string(buf, size, "not set");
        return conv_printf(buf, size, "%04d/%02d/%02d", 1980 + (int) (v >> 9), (int) (v >> 5) & 0x0f,
                           (int) v & 0x1f);
}

/*
 * The inverse; "not set" gives 0. NUT sends 0 for a date it cannot pack; we refuse it with
 * -EINVAL instead, so a typo does not clear the battery date.
 */
HID_CV_TO_HID(date_conversion_reverse)
{
        int y, m, d;

        if (value && streq(value, "not set")) {
                *ret = 0;
                return 0;
        }
        if (conv_parse_ymd(value, &y, &m, &d) < 0)
                return -EINVAL;
        if (y < 1980 || y - 1980 > 127 || m < 1 || m > 12 || d < 1 || d > 31)
                return -EINVAL;
        *ret = (double) (((y - 1980) << 9) + (m << 5) + d);
        return 0;
}

/* 8 lowercase hex digits; negative values as their 32-bit two's complement. */
HID_CV_TO_NUT(hex_conversion_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, INT32_MIN, UINT32_MAX, &v);
        if (r < 0)
                return r;
        return conv_printf(buf, size, "%08x", (unsigned) (uint32_t) v);
}

/* The USB string descriptor at the index the value holds; no output if it is not available. */
HID_CV_TO_NUT(stringid_conversion_fun)
{
        const char *s;
        int64_t v;
        int r;

        r = conv_int(value, 0, UINT8_MAX, &v);
        if (r < 0)
                return r;
        if (v == 0 || !c || !c->get_string)
                return 0;
        s = c->get_string(c->userdata, (uint8_t) v);
        if (!s || !*s)
                return 0;
        return conv_string(buf, size, s);
}

HID_CV_TO_NUT(divide_by_10_conversion_fun)
{
        return conv_fixed(buf, size, value * 0.1, 1);
}

HID_CV_TO_NUT(divide_by_100_conversion_fun)
{
        return conv_fixed(buf, size, value * 0.01, 1);
}

/* Readings in 273..373 are Kelvin; anything else is taken to be Celsius already. */
HID_CV_TO_NUT(kelvin_celsius_conversion_fun)
{
        if (value >= 273 && value <= 373)
                value -= 273.15;
        return conv_fixed(buf, size, value, 1);
}
