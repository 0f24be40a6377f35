/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cps-hid conversions: CyberPower units whose firmware reports frequencies x10 or battery
 * voltages x1.5 (0764:0501, device hook cps_battery_scale) get the scale detected once and kept.
 */
#include <math.h>
#include <stdio.h>

#include "hid-convert-private.h"

static bool cps_battery_scale(const HidConvContext *c)
{
        return c && c->vendor == 0x0764 && c->product == 0x0501;
}

/*
 * The window a frequency should fall in: <prefix>.low..high if both are known, else the
 * nominal frequency +-5 %, else 45..65 Hz (which covers 50 and 60 Hz +-5 %, the nominal
 * NUT guesses from the reading).
 */
static void freq_window(HidConvContext *c, const char *prefix, double *low, double *high)
{
        char name[64];
        double nominal;

        snprintf(name, sizeof(name), "%s.low", prefix);
        if (conv_get_double(c, name, low) == 0) {
                snprintf(name, sizeof(name), "%s.high", prefix);
                if (conv_get_double(c, name, high) == 0 && *low < *high)
                        return;
        }
        snprintf(name, sizeof(name), "%s.nominal", prefix);
        if (conv_get_double(c, name, &nominal) == 0 && nominal > 0) {
                *low = nominal * 0.95;
                *high = nominal * 1.05;
                return;
        }
        *low = 45;
        *high = 65;
}

/* 1.0 if the raw value fits the window, 0.1 if a tenth of it does, 0 if neither (undecided). */
static double freq_detect(HidConvContext *c, const char *prefix, double raw)
{
        double low, high;

        freq_window(c, prefix, &low, &high);
        if (raw >= low && raw <= high)
                return 1.0;
        if (raw * 0.1 >= low && raw * 0.1 <= high)
                return 0.1;
        return 0;
}

static int cps_freq(HidConvContext *c, const char *prefix, unsigned i, double value, char *buf, size_t size)
{
        HidConvState *s = conv_state(c);
        double scale = 1.0;

        if (!isfinite(value))
                return -EINVAL;
        if (cps_battery_scale(c) && s) {
                if (s->cps_freq_scale[i] == 0)
                        s->cps_freq_scale[i] = freq_detect(c, prefix, value);
                if (s->cps_freq_scale[i] > 0)
                        scale = s->cps_freq_scale[i];
        }
        return conv_fixed(buf, size, value * scale, 1);
}

HID_CV_TO_NUT(cps_input_freq_fun)
{
        return cps_freq(c, "input.frequency", 0, value, buf, size);
}

HID_CV_TO_NUT(cps_output_freq_fun)
{
        return cps_freq(c, "output.frequency", 1, value, buf, size);
}

/* Decided once battery.voltage.nominal is known: more than 1.4 x nominal means scale by 2/3. */
HID_CV_TO_NUT(cps_battvolt_fun)
{
        HidConvState *s = conv_state(c);
        double nominal;

        if (!isfinite(value))
                return -EINVAL;
        if (cps_battery_scale(c) && s) {
                if (s->cps_battvolt_scale == 0 &&
                    conv_get_double(c, "battery.voltage.nominal", &nominal) == 0 && nominal > 0)
                        s->cps_battvolt_scale = value / nominal > 1.4 ? 2.0 / 3.0 : 1.0;
                if (s->cps_battvolt_scale > 0)
                        value *= s->cps_battvolt_scale;
        }
        return conv_fixed(buf, size, value, 1);
}

HID_CV_TO_NUT(cps_battcharge_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_fixed(buf, size, value > 100 ? 100 : value, 0);
}

HID_CV_TO_NUT(cps_battstatus_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_printf(buf, size, "%.0f%%", value);
}
