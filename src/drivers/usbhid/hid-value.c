/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The value codec of report fields, following usbhid-ups (libhid.c, hidparser.c): bit extraction
 * with NUT's sign rule, logical -> physical interpolation, and the unit exponent with its
 * volt/watt correction; and the inverse for Feature and Output writes.
 */
#include <math.h>

#include "hid-value.h"
#include "macro.h"

#define CLAMP(v, lo, hi) ((v) < (lo) ? (lo) : (v) > (hi) ? (hi) : (v))

/*
 * A report buffer is what GET_REPORT returns or SET_REPORT sends, and what an interrupt transfer
 * carries: for a numbered report (report_id != 0) byte 0 is the report ID and the data follows;
 * an unnumbered report starts with its data. Fields are little-endian bit strings.
 */
static size_t data_start_bits(const HidField *f)
{
        return f->report_id != 0 ? 8 : 0;
}

/* Checks that the field can be decoded and lies within the buffer. */
static int field_bits_check(const HidField *f, size_t size)
{
        uint64_t end = data_start_bits(f) + (uint64_t) f->bit_offset + f->bit_size;

        if (f->bit_size == 0 || f->bit_size > HID_FIELD_VALUE_BITS_MAX)
                return -EOPNOTSUPP;
        if (end > (uint64_t) size * 8)
                return -ENODATA;
        return 0;
}

/* The number of bits of v written as a magnitude: negative numbers as -(v + 1). */
static unsigned magnitude_bits(int64_t v)
{
        uint64_t m = v >= 0 ? (uint64_t) v : (uint64_t) -(v + 1);

        return m == 0 ? 0 : 64 - (unsigned) __builtin_clzll(m);
}

/*
 * NUT's sign rule (hidparser.c): the sign bit sits just above the highest bit that the larger
 * magnitude of the logical limits needs; bits above it are dropped, and it is extended only if
 * the logical minimum is negative. The result is clamped to the logical range. So a 0..1 flag in a
 * byte reads 0x02 as 1 and 0x04 as 0, and a -1..0x7fffffff field reads 0xffffffff as -1.
 */
static int64_t logical_from_raw(const HidField *f, uint64_t raw)
{
        unsigned sign_min = magnitude_bits(f->logical_min), sign_max = magnitude_bits(f->logical_max);
        unsigned sign = sign_min > sign_max ? sign_min : sign_max;
        int64_t v;

        if (sign < 63)
                raw &= (UINT64_C(1) << (sign + 1)) - 1;
        if (f->logical_min < 0 && sign < 63 && (raw >> sign) & 1)
                v = (int64_t) (raw - (UINT64_C(1) << sign)) - ((int64_t) 1 << sign);
        else
                v = (int64_t) raw;

        if (f->logical_min <= f->logical_max)
                v = CLAMP(v, f->logical_min, f->logical_max);
        return v;
}

/**
 * hid_field_extract() - the logical value of a field
 * @f: the field
 * @report: the report buffer (see above: byte 0 is the report ID of numbered reports)
 * @size: its length; devices may send fewer bytes than the descriptor declares
 * @ret: the value
 *
 * Returns 0; -ENODATA if the buffer ends before the field; -EOPNOTSUPP for fields of more than
 * HID_FIELD_VALUE_BITS_MAX bits.
 */
int hid_field_extract(const HidField *f, const uint8_t *report, size_t size, int64_t *ret)
{
        size_t start = data_start_bits(f) + f->bit_offset;
        uint64_t raw = 0;
        int r;

        r = field_bits_check(f, size);
        if (r < 0)
                return r;
        /* at most 32 bits from any bit position: 5 bytes */
        for (size_t i = 0; i * 8 < (start % 8) + f->bit_size; i++)
                raw |= (uint64_t) report[start / 8 + i] << (8 * i);
        raw = (raw >> (start % 8)) & ((UINT64_C(1) << f->bit_size) - 1);

        *ret = logical_from_raw(f, raw);
        return 0;
}

/**
 * hid_field_insert() - write a logical value into a report buffer
 * @f: the field
 * @report: the report buffer; other fields' bits are kept
 * @size: its length
 * @value: the value; negative values are written in two's complement
 *
 * Also sets byte 0 to the report ID for numbered reports.
 *
 * Returns 0; -ENOBUFS if the buffer ends before the field; -ERANGE if the value does not fit in
 * the field's bits, signed or unsigned; -EOPNOTSUPP as hid_field_extract().
 */
int hid_field_insert(const HidField *f, uint8_t *report, size_t size, int64_t value)
{
        size_t start = data_start_bits(f) + f->bit_offset;
        uint64_t mask, v;
        int r;

        r = field_bits_check(f, size);
        if (r == -ENODATA)
                return -ENOBUFS;
        if (r < 0)
                return r;
        /* only now: the check keeps bit_size within the shift */
        mask = (UINT64_C(1) << f->bit_size) - 1;
        if (value < -((int64_t) 1 << (f->bit_size - 1)) || value > (int64_t) mask)
                return -ERANGE;

        v = ((uint64_t) value & mask) << (start % 8);
        mask <<= start % 8;
        for (size_t i = 0; i * 8 < (start % 8) + f->bit_size; i++) {
                uint8_t m = (uint8_t) (mask >> (8 * i));

                report[start / 8 + i] = (uint8_t) ((report[start / 8 + i] & ~m) | ((v >> (8 * i)) & m));
        }
        if (f->report_id != 0)
                report[0] = f->report_id;
        return 0;
}

/* The exponent NUT applies: the Unit Exponent, less 7 for volts and watts. The HID Power Device
 * units are built on cm and g, so a volt is 10^7 of the unit; NUT ignores that for other units. */
static int unit_scale_exponent(const HidField *f)
{
        int k = f->unit == HID_UNIT_VOLT || f->unit == HID_UNIT_WATT ? 7 : 0;

        return f->unit_exponent - k;
}

/* Dividing by 10^n rather than multiplying by 10^-n gives 1358 -> 13.58, not 13.580000000000002. */
static double scale10(double v, int e)
{
        return e >= 0 ? v * pow(10, e) : v / pow(10, -e);
}

/* Does the physical range apply? Not if unset, both 0, empty or inverted (then physical = logical). */
static bool physical_range_applies(const HidField *f)
{
        if (!f->have_physical_min || !f->have_physical_max)
                return false;
        if (f->physical_min == 0 && f->physical_max == 0)
                return false;
        return f->logical_max > f->logical_min && f->physical_max > f->physical_min;
}

/**
 * hid_field_to_physical() - a logical value in physical units, as usbhid-ups computes it
 * @f: the field
 * @logical: the value from hid_field_extract()
 *
 * Linear map of the logical onto the physical range when that range applies (clamped to it),
 * then times 10^(Unit Exponent - k), k = 7 for HID_UNIT_VOLT and HID_UNIT_WATT and 0 otherwise,
 * whatever the unit: APC's Voltage with exponent 5 reads 1358 as 13.58.
 */
double hid_field_to_physical(const HidField *f, int64_t logical)
{
        double v = (double) logical;

        if (physical_range_applies(f)) {
                v = (double) (logical - f->logical_min) * (double) (f->physical_max - f->physical_min) /
                        (double) (f->logical_max - f->logical_min) + (double) f->physical_min;
                v = CLAMP(v, (double) f->physical_min, (double) f->physical_max);
        }
        return scale10(v, unit_scale_exponent(f));
}

/**
 * hid_field_from_physical() - the logical value for a physical one
 * @f: the field
 * @physical: the value in the units hid_field_to_physical() gives
 * @ret: the logical value, rounded to the nearest integer
 *
 * The inverse of hid_field_to_physical(), without its clamping: whether the value fits is for
 * hid_field_insert() to say, as NUT does not check the logical range either.
 *
 * Returns 0, or -ERANGE for values that are not finite or far outside any field.
 */
int hid_field_from_physical(const HidField *f, double physical, int64_t *ret)
{
        double v = scale10(physical, -unit_scale_exponent(f));

        if (physical_range_applies(f))
                v = (v - (double) f->physical_min) * (double) (f->logical_max - f->logical_min) /
                        (double) (f->physical_max - f->physical_min) + (double) f->logical_min;
        if (!isfinite(v) || fabs(v) > 0x1p62)
                return -ERANGE;
        *ret = llround(v);
        return 0;
}

/**
 * hid_field_get_value() - a field's physical value from a report buffer
 * @f: the field
 * @report: the report buffer
 * @size: its length
 * @ret: the value
 *
 * Returns 0, or an error of hid_field_extract().
 */
int hid_field_get_value(const HidField *f, const uint8_t *report, size_t size, double *ret)
{
        int64_t logical;
        int r;

        r = hid_field_extract(f, report, size, &logical);
        if (r < 0)
                return r;
        *ret = hid_field_to_physical(f, logical);
        return 0;
}

/**
 * hid_field_set_value() - write a physical value into a report buffer
 * @f: the field
 * @report: the report buffer, e.g. from the last GET_REPORT, so other fields keep their values
 * @size: its length
 * @value: the value
 *
 * Returns 0, or an error of hid_field_from_physical() or hid_field_insert().
 */
int hid_field_set_value(const HidField *f, uint8_t *report, size_t size, double value)
{
        int64_t logical;
        int r;

        r = hid_field_from_physical(f, value, &logical);
        if (r < 0)
                return r;
        return hid_field_insert(f, report, size, logical);
}
