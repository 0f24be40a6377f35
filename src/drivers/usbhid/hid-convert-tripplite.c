/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tripplite-hid conversions: per-model scale factors chosen by the device hooks of
 * usb-ids.tsv (battery_scale_0dot1, battery_scale_1dot0, smart1500lcdt_scale), and the
 * battery chemistry string that two models report wrongly.
 */
#include <math.h>

#include "hid-convert-private.h"

typedef enum TrippliteScale {
        TL_DEFAULT,             /* no hook (claimed through the productid option) */
        TL_BATTERY_0DOT1,
        TL_BATTERY_1DOT0,
        TL_SMART1500LCDT,
} TrippliteScale;

typedef struct TrippliteModel {
        uint16_t vendor, product;
        TrippliteScale scale;
} TrippliteModel;

/* The tripplite rows of usb-ids.tsv that carry a scale hook */
static const TrippliteModel tripplite_model_table[] = {
        { 0x03f0, 0x0001, TL_BATTERY_1DOT0 }, { 0x03f0, 0x1f06, TL_BATTERY_1DOT0 },
        { 0x03f0, 0x1f08, TL_BATTERY_1DOT0 }, { 0x03f0, 0x1f09, TL_BATTERY_1DOT0 },
        { 0x03f0, 0x1f0a, TL_BATTERY_1DOT0 }, { 0x03f0, 0x1fe0, TL_BATTERY_1DOT0 },
        { 0x03f0, 0x1fe1, TL_BATTERY_1DOT0 }, { 0x03f0, 0x1fe2, TL_BATTERY_1DOT0 },
        { 0x03f0, 0x1fe3, TL_BATTERY_1DOT0 }, { 0x05dd, 0xa011, TL_BATTERY_1DOT0 },
        { 0x05dd, 0xa0a0, TL_BATTERY_1DOT0 }, { 0x09ae, 0x1003, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x1007, TL_BATTERY_0DOT1 }, { 0x09ae, 0x1008, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x1009, TL_BATTERY_0DOT1 }, { 0x09ae, 0x1010, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x1330, TL_BATTERY_1DOT0 }, { 0x09ae, 0x2005, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x2007, TL_BATTERY_0DOT1 }, { 0x09ae, 0x2008, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x2009, TL_BATTERY_0DOT1 }, { 0x09ae, 0x2010, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x2011, TL_BATTERY_0DOT1 }, { 0x09ae, 0x2012, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x2013, TL_BATTERY_0DOT1 }, { 0x09ae, 0x2014, TL_BATTERY_0DOT1 },
        { 0x09ae, 0x3008, TL_BATTERY_1DOT0 }, { 0x09ae, 0x3009, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x3010, TL_BATTERY_1DOT0 }, { 0x09ae, 0x3011, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x3012, TL_BATTERY_1DOT0 }, { 0x09ae, 0x3013, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x3014, TL_BATTERY_1DOT0 }, { 0x09ae, 0x3015, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x3016, TL_SMART1500LCDT }, { 0x09ae, 0x3024, TL_SMART1500LCDT },
        { 0x09ae, 0x4001, TL_BATTERY_1DOT0 }, { 0x09ae, 0x4002, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x4003, TL_BATTERY_1DOT0 }, { 0x09ae, 0x4004, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x4005, TL_BATTERY_1DOT0 }, { 0x09ae, 0x4006, TL_BATTERY_1DOT0 },
        { 0x09ae, 0x4007, TL_BATTERY_1DOT0 }, { 0x09ae, 0x4008, TL_BATTERY_1DOT0 },
};

static TrippliteScale tripplite_scale(const HidConvContext *c)
{
        if (!c)
                return TL_DEFAULT;
        for (size_t i = 0; i < ELEMENTSOF(tripplite_model_table); i++)
                if (tripplite_model_table[i].vendor == c->vendor &&
                    tripplite_model_table[i].product == c->product)
                        return tripplite_model_table[i].scale;
        return TL_DEFAULT;
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
