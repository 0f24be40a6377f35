/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report-descriptor fix-ups (hid-status-rules.md §7), each limited to the VID:PIDs it was
 * written for. A field is named by report ID and usage, whatever its type, and the first one
 * in descriptor order is the one repaired, as NUT looks them up.
 */
#include "hid-fixup.h"
#include "macro.h"

#define USAGE_VOLTAGE UINT32_C(0x00840030)
#define USAGE_CONFIG_VOLTAGE UINT32_C(0x00840040)
#define USAGE_CONFIG_ACTIVE_POWER UINT32_C(0x00840044)
#define USAGE_HIGH_VOLTAGE_TRANSFER UINT32_C(0x00840054)
#define USAGE_RUNTIME_TO_EMPTY UINT32_C(0x00850068)

#define CPS_VOLTAGE_MAX 511
#define CPS_ACTIVE_POWER_MIN_MAX 2048
#define IDOWELL_RUNTIME_MAX INT64_C(0x75ffffff)
#define IDOWELL_VOLTAGE_MAX 65535

static HidField *fixup_field(HidDescriptor *d, uint8_t report_id, uint32_t usage)
{
        for (size_t i = 0; i < d->n_fields; i++)
                if (d->fields[i].report_id == report_id && d->fields[i].usage == usage)
                        return &d->fields[i];
        return NULL;
}

/* Back-UPS XS 1400U (220-240 V): the voltage ranges are below the transfer limits */
static int fixup_apc(HidDescriptor *d)
{
        HidField *hvt = fixup_field(d, 0x33, USAGE_HIGH_VOLTAGE_TRANSFER);
        HidField *volt = fixup_field(d, 0x31, USAGE_VOLTAGE);
        HidField *config = fixup_field(d, 0x30, USAGE_CONFIG_VOLTAGE);
        int n = 0;

        if (!hvt)
                return 0;
        if (volt && hvt->logical_max > volt->logical_max) {
                volt->logical_min = 0;
                volt->logical_max = hvt->logical_max * 2;
                n++;
        }
        if (config && hvt->logical_max > config->logical_max) {
                config->logical_max = 255;
                n++;
        }
        return n;
}

static bool same_range(const HidField *a, const HidField *b)
{
        return a->logical_min == b->logical_min && a->logical_max == b->logical_max;
}

static void set_range(HidField *f, int64_t min, int64_t max, int *n)
{
        f->logical_min = min;
        f->logical_max = max;
        (*n)++;
}

/* An assumed (re-read unsigned) maximum raised to 'max', where it is lower */
static void raise_assumed(HidField *f, int64_t max, int *n)
{
        if (f && f->logical_max_assumed && f->logical_max < max) {
                f->logical_max = max;
                (*n)++;
        }
}

/* An assumed maximum no larger than the field can hold */
static void cap_assumed(HidField *f, int *n)
{
        int64_t max;

        if (!f || !f->logical_max_assumed || f->bit_size >= 63)
                return;
        max = (INT64_C(1) << f->bit_size) - 1;
        if (f->logical_max > max) {
                f->logical_max = max;
                (*n)++;
        }
}

/* The voltage ranges of CPS units: the transfer limits reported as the voltage limits, or a
 * maximum that had to be re-read unsigned; and a nominal power clipped by its range */
static int fixup_cps(HidDescriptor *d)
{
        HidField *hvt = fixup_field(d, 0x10, USAGE_HIGH_VOLTAGE_TRANSFER);
        HidField *out = fixup_field(d, 0x12, USAGE_VOLTAGE), *in = fixup_field(d, 0x0f, USAGE_VOLTAGE);
        HidField *power = fixup_field(d, 0x18, USAGE_CONFIG_ACTIVE_POWER);
        int n = 0;

        if (hvt && out && same_range(hvt, out)) {
                if (in && same_range(hvt, in))
                        set_range(in, 0, CPS_VOLTAGE_MAX, &n);
                set_range(out, 0, CPS_VOLTAGE_MAX, &n);
        }
        raise_assumed(out, CPS_VOLTAGE_MAX, &n);
        raise_assumed(in, CPS_VOLTAGE_MAX, &n);
        if (out && in) {
                raise_assumed(out, in->logical_max, &n);
                raise_assumed(in, out->logical_max, &n);
        }
        cap_assumed(out, &n);
        cap_assumed(in, &n);
        if (power && power->logical_max < CPS_ACTIVE_POWER_MIN_MAX) {
                power->logical_max = CPS_ACTIVE_POWER_MIN_MAX;
                n++;
        }
        return n;
}

static void fix_inverted(HidField *f, int64_t max, int *n)
{
        if (f && f->logical_max < f->logical_min) {
                f->logical_max = max;
                f->logical_max_assumed = true;
                (*n)++;
        }
}

/* GoldenMate LiFePO4: maxima of input report 2 in the wrong byte order */
static int fixup_idowell(HidDescriptor *d)
{
        int n = 0;

        fix_inverted(fixup_field(d, 0x02, USAGE_RUNTIME_TO_EMPTY), IDOWELL_RUNTIME_MAX, &n);
        fix_inverted(fixup_field(d, 0x02, USAGE_VOLTAGE), IDOWELL_VOLTAGE_MAX, &n);
        return n;
}

static const struct {
        HidFixReportDesc fix;
        uint16_t vendor, product;
        int (*apply)(HidDescriptor *d);
} fixup_table[] = {
        { HID_FIX_APC, 0x051d, 0x0002, fixup_apc },
        { HID_FIX_CPS, 0x0764, 0x0501, fixup_cps },
        { HID_FIX_CPS, 0x0764, 0x0601, fixup_cps },
        { HID_FIX_IDOWELL, 0x06da, 0xffff, fixup_idowell },
        { HID_FIX_IDOWELL, 0x075d, 0x0300, fixup_idowell },
};

/**
 * hid_fixup_apply() - repair a parsed report descriptor as the subdriver does
 * @d: the descriptor, changed in place
 * @fix: the subdriver's HidSubdriver.fix_report_desc
 * @vendor: the USB vendor ID
 * @product: the USB product ID
 *
 * Call it before hid_map_new(), unless the user set disable_fix_report_desc.
 *
 * Returns the number of changes made (0 when nothing applies).
 */
int hid_fixup_apply(HidDescriptor *d, HidFixReportDesc fix, uint16_t vendor, uint16_t product)
{
        for (size_t i = 0; i < ELEMENTSOF(fixup_table); i++)
                if (fixup_table[i].fix == fix && fixup_table[i].vendor == vendor &&
                    fixup_table[i].product == product)
                        return fixup_table[i].apply(d);
        return 0;
}
