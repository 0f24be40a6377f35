/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tripplite-hid conversions: per-model scale factors chosen by the device hooks of
 * usb-ids.tsv (battery_scale_0dot1, battery_scale_1dot0, smart1500lcdt_scale), and the
 * battery chemistry string that two models report wrongly.
 */
#include <math.h>

#include "hid-convert-private.h"
#include "hid-mapping.h"

typedef enum TrippliteScale {
        TL_DEFAULT,             /* no hook (claimed through the productid option) */
        TL_BATTERY_0DOT1,
        TL_BATTERY_1DOT0,
        TL_SMART1500LCDT,
} TrippliteScale;

/* The scale hook of the VID:PID's tripplite entry in the USB table (hid-device-hooks.tsv) */
static TrippliteScale tripplite_scale(const HidConvContext *c)
{
        uint32_t hooks;

        if (!c)
                return TL_DEFAULT;
        hooks = hid_usb_hooks(hid_usb_id_find(c->vendor, c->product), &hid_subdriver_tripplite, NULL);
        return hooks & HID_HOOK_SMART1500LCDT_SCALE ? TL_SMART1500LCDT :
               hooks & HID_HOOK_BATTERY_SCALE_0DOT1 ? TL_BATTERY_0DOT1 :
               hooks & HID_HOOK_BATTERY_SCALE_1DOT0 ? TL_BATTERY_1DOT0 : TL_DEFAULT;
}

static int scaled(double value, double scale, char *buf, size_t size)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_fixed(buf, size, value * scale, 1);
}

/* 09ae:1003 and 09ae:2005 point iDeviceChemistry at a wrong string */
HID_CV_TO_NUT(tripplite_chemistry_fun)
{
        if (c && c->vendor == 0x09ae && (c->product == 0x1003 || c->product == 0x2005))
                return conv_string(buf, size, "unknown");
        return hid_cv_stringid_conversion_fun(c, value, buf, size);
}

/* Models without a hook keep the value as it is (battery_scale 1.0). */
HID_CV_TO_NUT(tripplite_battvolt_fun)
{
        switch (tripplite_scale(c)) {
        case TL_BATTERY_0DOT1:
                return scaled(value, 0.1, buf, size);
        case TL_SMART1500LCDT:
                return scaled(value, 100000, buf, size);
        default:
                return scaled(value, 1.0, buf, size);
        }
}

HID_CV_TO_NUT(tripplite_iovolt_fun)
{
        return scaled(value, tripplite_scale(c) == TL_SMART1500LCDT ? 100000 : 1.0, buf, size);
}

HID_CV_TO_NUT(tripplite_iofreq_fun)
{
        return scaled(value, tripplite_scale(c) == TL_SMART1500LCDT ? 0.01 : 1.0, buf, size);
}

HID_CV_TO_NUT(tripplite_ioamp_fun)
{
        return scaled(value, tripplite_scale(c) == TL_SMART1500LCDT ? 0.01 : 1.0, buf, size);
}
