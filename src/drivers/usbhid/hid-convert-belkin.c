/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * belkin-hid conversions: Belkin's packed status words and type codes, and the Liebert
 * (same subdriver) flags and voltage-exponent workarounds.
 */
#include <math.h>

#include "hid-convert-private.h"

static int bit_token(double value, uint32_t mask, bool invert, const char *token, char *buf, size_t size)
{
        uint32_t w;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        return conv_token(buf, size, !!(w & mask) != invert, token);
}

HID_CV_TO_NUT(belkin_firmware_conversion_fun)
{
        uint32_t w;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        return conv_printf(buf, size, "%u", (unsigned) (w >> 4));
}

HID_CV_TO_NUT(belkin_upstype_conversion_fun)
{
        static const char *const types[16] = {
                [1] = "offline", [2] = "line-interactive", [3] = "simple online",
                [4] = "simple offline", [5] = "simple line-interactive",
        };
        uint32_t w;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        return conv_string(buf, size, types[w & 0x0f] ?: "online");
}

HID_CV_TO_NUT(belkin_sensitivity_conversion_fun)
{
        uint32_t w;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        return conv_string(buf, size, w == 1 ? "reduced" : w == 2 ? "low" : "normal");
}

HID_CV_TO_NUT(belkin_overload_conversion_fun)
{
        return bit_token(value, 0x0010, false, "overload", buf, size);
}

HID_CV_TO_NUT(belkin_overheat_conversion_fun)
{
        return bit_token(value, 0x0040, false, "overheat", buf, size);
}

HID_CV_TO_NUT(belkin_commfault_conversion_fun)
{
        return bit_token(value, 0x0080, false, "commfault", buf, size);
}

HID_CV_TO_NUT(belkin_awaitingpower_conversion_fun)
{
        return bit_token(value, 0x2000, false, "awaitingpower", buf, size);
}

/* Bit 0 means "on battery" */
HID_CV_TO_NUT(belkin_online_conversion_fun)
{
        return bit_token(value, 0x0001, true, "online", buf, size);
}

HID_CV_TO_NUT(belkin_lowbatt_conversion_fun)
{
        return bit_token(value, 0x0004, false, "lowbatt", buf, size);
}

HID_CV_TO_NUT(belkin_depleted_conversion_fun)
{
        return bit_token(value, 0x0040, false, "depleted", buf, size);
}

HID_CV_TO_NUT(belkin_replacebatt_conversion_fun)
{
        return bit_token(value, 0x0080, false, "replacebatt", buf, size);
}

HID_CV_TO_NUT(liebert_online_fun)
{
        return conv_nonzero_token(value, "online", buf, size);
}

HID_CV_TO_NUT(liebert_discharging_fun)
{
        return conv_nonzero_token(value, "dischrg", buf, size);
}

HID_CV_TO_NUT(liebert_charging_fun)
{
        return conv_nonzero_token(value, "chrg", buf, size);
}

HID_CV_TO_NUT(liebert_lowbatt_fun)
{
        return conv_nonzero_token(value, "lowbatt", buf, size);
}

HID_CV_TO_NUT(liebert_replacebatt_fun)
{
        return conv_nonzero_token(value, "replacebatt", buf, size);
}

HID_CV_TO_NUT(liebert_shutdownimm_fun)
{
        return conv_nonzero_token(value, "shutdownimm", buf, size);
}

/*
 * Some Liebert descriptors carry a wrong unit exponent, so voltages arrive 1e5..1e8 too small.
 * A nominal voltage of about 1e-7 gives it away and fixes both multipliers.
 */
HID_CV_TO_NUT(liebert_config_voltage_fun)
{
        HidConvState *s = conv_state(c);
        double mult;

        if (!isfinite(value))
                return -EINVAL;
        if (value >= 1)
                return conv_fixed(buf, size, value, 1);
        if (s && fabs(value - 1e-7) < 1e-9) {
                s->liebert_config_mult = 1e8;
                s->liebert_line_mult = 1e7;
        }
        mult = s && s->liebert_config_mult > 0 ? s->liebert_config_mult : 1;
        return conv_fixed(buf, size, value * mult, 1);
}

/* Line voltages below 1 V: the multiplier is guessed from the first one and then kept. */
HID_CV_TO_NUT(liebert_line_voltage_fun)
{
        HidConvState *s = conv_state(c);
        double mult = 1;

        if (!isfinite(value))
                return -EINVAL;
        if (value >= 1)
                return conv_fixed(buf, size, value, 1);
        if (s && s->liebert_line_mult > 0)
                mult = s->liebert_line_mult;
        else {
                if (fabs(value - 1e-5) < 4e-5)
                        mult = 1e7;
                else if (fabs(value - 1e-3) < 4e-3)
                        mult = 1e5;
                if (s && mult > 1)
                        s->liebert_line_mult = mult;
        }
        return conv_fixed(buf, size, value * mult, 1);
}
