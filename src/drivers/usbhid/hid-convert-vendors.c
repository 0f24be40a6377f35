/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Conversions of the small subdrivers: delta_ups UPS type, ecoflow runtime, legrand exponent
 * fixes, and openups status flags, PID-dependent scales and the thermistor curve.
 */
#include <math.h>

#include "hid-convert-private.h"

/* Low nibble: 0..2 as named, 3..5 the same names shifted by two, 6 split phase. */
HID_CV_TO_NUT(delta_ups_type_fun)
{
        static const char *const types[] = {
                "online", "offline", "line-interactive", "3-phase", "split-phase",
        };
        uint32_t w, t;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        t = w & 0x0f;
        if (t >= 3 && t <= 5)
                t -= 2;
        else if (t == 6)
                t = 4;
        else if (t > 6)
                return 0;
        return conv_string(buf, size, types[t]);
}

/* Minutes -> seconds; negative values are not published. */
HID_CV_TO_NUT(ecoflow_battery_runtime_conversion)
{
        int64_t v;
        int r;

        r = conv_int(value, INT64_MIN / 60, INT64_MAX / 60, &v);
        if (r < 0)
                return r;
        if (v < 0)
                return 0;
        return conv_printf(buf, size, "%lld", (long long) (v * 60));
}

HID_CV_TO_NUT(legrand_times10)
{
        return conv_fixed(buf, size, value * 10, 1);
}

HID_CV_TO_NUT(legrand_times100k)
{
        return conv_fixed(buf, size, value * 100000, 1);
}

HID_CV_TO_NUT(legrand_times1M)
{
        return conv_fixed(buf, size, value * 1000000, 1);
}

HID_CV_TO_NUT(legrand_times10M)
{
        return conv_fixed(buf, size, value * 10000000, 1);
}

HID_CV_TO_NUT(openups_charging_fun)
{
        return conv_nonzero_token(value, "chrg", buf, size);
}

HID_CV_TO_NUT(openups_discharging_fun)
{
        return conv_nonzero_token(value, "dischrg", buf, size);
}

HID_CV_TO_NUT(openups_online_fun)
{
        return conv_nonzero_token(value, "online", buf, size);
}

/* PresentStatus.Good: good means not off */
HID_CV_TO_NUT(openups_off_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_token(buf, size, value == 0, "off");
}

typedef enum OpenupsScale {
        OPENUPS_VIN,
        OPENUPS_VOUT,
        OPENUPS_CCHARGE,
        OPENUPS_CDISCHARGE,
        _OPENUPS_SCALE_MAX,
} OpenupsScale;

/* Device hook get_voltage_multiplier: factors for 04d8:d004 and 04d8:d005 (the latter's
 * current factors are marked unverified in NUT) */
static const double openups_scale_table[_OPENUPS_SCALE_MAX][2] = {
        [OPENUPS_VIN] = { 3.545, 0.1 },
        [OPENUPS_VOUT] = { 2.571, 0.1 },
        [OPENUPS_CCHARGE] = { 0.08274, 0.1 },
        [OPENUPS_CDISCHARGE] = { 1.6113, 0.1 },
};

static int openups_scaled(HidConvContext *c, OpenupsScale which, int decimals, double value, char *buf,
                          size_t size)
{
        double scale = 1.0;

        if (!isfinite(value))
                return -EINVAL;
        if (c && c->vendor == 0x04d8 && c->product == 0xd004)
                scale = openups_scale_table[which][0];
        else if (c && c->vendor == 0x04d8 && c->product == 0xd005)
                scale = openups_scale_table[which][1];
        return conv_fixed(buf, size, value * scale, decimals);
}

HID_CV_TO_NUT(openups_scale_vin_fun)
{
        return openups_scaled(c, OPENUPS_VIN, 2, value, buf, size);
}

HID_CV_TO_NUT(openups_scale_vout_fun)
{
        return openups_scaled(c, OPENUPS_VOUT, 2, value, buf, size);
}

HID_CV_TO_NUT(openups_scale_ccharge_fun)
{
        return openups_scaled(c, OPENUPS_CCHARGE, 3, value, buf, size);
}

HID_CV_TO_NUT(openups_scale_cdischarge_fun)
{
        return openups_scaled(c, OPENUPS_CDISCHARGE, 3, value, buf, size);
}

/* hid-openups-thermistor.tsv: raw x100 readings at -40, -35, ... 125 degC */
static const int16_t openups_thermistor_table[] = {
        49,  64,  83,  104, 130, 160, 195, 233, 275, 319, 366, 415, 463, 512, 559, 604, 646,
        686, 723, 756, 786, 813, 837, 858, 877, 894, 908, 921, 933, 943, 951, 959, 966, 972,
};

#define THERMISTOR_T0 (-40)
#define THERMISTOR_STEP 5

/*
 * value x 100 (rounded, so that 2.75 is exactly 275) is looked up in the curve: an exact point
 * prints as an integer, anything between two points is interpolated with two decimals.
 */
HID_CV_TO_NUT(openups_temperature_fun)
{
        const size_t n = ELEMENTSOF(openups_thermistor_table);
        int64_t t;
        int r;

        r = conv_int(round(value * 100), INT32_MIN, INT32_MAX, &t);
        if (r < 0)
                return r;
        if (t <= openups_thermistor_table[0])
                return conv_printf(buf, size, "%d", THERMISTOR_T0);
        if (t >= openups_thermistor_table[n - 1])
                return conv_printf(buf, size, "%d", THERMISTOR_T0 + (int) (n - 1) * THERMISTOR_STEP);
        for (size_t i = 1; i < n; i++) {
                int lo = openups_thermistor_table[i - 1], hi = openups_thermistor_table[i];

                if (t == hi)
                        return conv_printf(buf, size, "%d", THERMISTOR_T0 + (int) i * THERMISTOR_STEP);
                if (t < hi) {
                        double steps = (double) (i - 1) + (double) (t - lo) / (hi - lo);

                        return conv_printf(buf, size, "%.2f", THERMISTOR_T0 + THERMISTOR_STEP * steps);
                }
        }
        return -ERANGE; /* not reached: t < the last point */
}
