/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mge-hid ECO/ESS and bypass modes: a mode is only reported (or entered) while the bypass
 * input is within the limits the UPS uses for it, as the Eaton firmware would refuse it
 * otherwise.
 */
#include <math.h>

#include "hid-convert-private.h"

#define BUZZWORD_ECO "vendor:mge-hid:ECO"
#define BUZZWORD_ESS "vendor:mge-hid:ESS"

typedef struct BypassLimits {
        const char *low_var, *high_var;         /* configured voltage limits */
        double low_pct, high_pct;               /* else fractions of output.voltage.nominal */
        const char *freq_range_var;             /* configured frequency tolerance, % */
        double freq_pct;                        /* else this */
} BypassLimits;

static const BypassLimits eco_limits = {
        .low_var = "input.transfer.eco.low", .high_var = "input.transfer.eco.high",
        .low_pct = 0.95, .high_pct = 1.05,
        .freq_range_var = "input.transfer.frequency.eco.range", .freq_pct = 5,
};

static const BypassLimits bypass_limits = {
        .low_var = "input.transfer.bypass.low", .high_var = "input.transfer.bypass.high",
        .low_pct = 0.80, .high_pct = 1.15,
        .freq_range_var = "input.transfer.frequency.bypass.range", .freq_pct = 10,
};

static int limit(HidConvContext *c, const char *var, double pct, double *ret)
{
        double nominal;

        if (conv_get_double(c, var, ret) == 0)
                return 0;
        if (conv_get_double(c, "output.voltage.nominal", &nominal) < 0)
                return -ENODATA;
        *ret = nominal * pct;
        return 0;
}

/* The bypass voltage and frequency are known and within the limits. */
static bool bypass_in_range(HidConvContext *c, const BypassLimits *l)
{
        double v, low, high, f, nominal, pct;

        if (conv_get_double(c, "input.bypass.voltage", &v) < 0 ||
            limit(c, l->low_var, l->low_pct, &low) < 0 || limit(c, l->high_var, l->high_pct, &high) < 0 ||
            v < low || v > high)
                return false;
        if (conv_get_double(c, "input.bypass.frequency", &f) < 0)
                return false;
        if (conv_get_double(c, "output.frequency.nominal", &nominal) < 0 &&
            conv_get_double(c, "input.bypass.frequency.nominal", &nominal) < 0)
                return false;
        if (conv_get_double(c, l->freq_range_var, &pct) < 0)
                pct = l->freq_pct;
        return fabs(f - nominal) <= nominal * pct / 100;
}

static void set_buzzword(HidConvContext *c, const char *buzzword)
{
        HidConvState *s = conv_state(c);

        if (s)
                s->buzzword = buzzword;
}

/* input.eco.switchable: 0 normal, 1 ECO (if the bypass allows it, else normal), 2 ESS */
HID_CV_TO_NUT(eaton_input_buzzwordmode_report)
{
        int64_t v;
        int r;

        r = conv_int(value, INT32_MIN, INT32_MAX, &v);
        if (r < 0)
                return r;
        if (v == 1 && bypass_in_range(c, &eco_limits)) {
                set_buzzword(c, BUZZWORD_ECO);
                return conv_string(buf, size, "ECO");
        }
        if (v == 2) {
                set_buzzword(c, BUZZWORD_ESS);
                return conv_string(buf, size, "ESS");
        }
        if (v != 0 && v != 1)
                return 0;
        set_buzzword(c, NULL);
        return conv_string(buf, size, "normal");
}

HID_CV_TO_HID(eaton_input_buzzwordmode_setvar_nuf)
{
        static const char *const modes[] = { "normal", "ECO", "ESS" };
        const char *prefix = "vendor:mge-hid:";

        if (!value)
                return -EINVAL;
        if (strncmp(value, prefix, strlen(prefix)) == 0)
                value += strlen(prefix);
        for (size_t i = 0; i < ELEMENTSOF(modes); i++)
                if (streq(value, modes[i])) {
                        *ret = (double) i;
                        return 0;
                }
        return -EINVAL;
}

/* input.bypass.switch.on: 1 is "on" only within the bypass limits, else the switch is off */
HID_CV_TO_NUT(eaton_input_bypass_check_range)
{
        int64_t v;
        int r;

        r = conv_int(value, INT32_MIN, INT32_MAX, &v);
        if (r < 0)
                return r;
        if (v == 0)
                return conv_string(buf, size, "disabled");
        if (v != 1)
                return 0;
        if (bypass_in_range(c, &bypass_limits))
                return conv_string(buf, size, "on");
        (void) conv_set_var(c, "input.bypass.switch.off", "off");
        return 0;
}

static bool var_is(HidConvContext *c, const char *name, const char *value)
{
        return streq_ptr(conv_get_var(c, name), value);
}

/*
 * Start ECO through bypass: enter bypass if it is disabled (within the bypass limits), then ECO
 * if it is off (within the ECO limits). Writes to the UPS, so it needs HidConvIo.write_var.
 */
static int eco_start(HidConvContext *c)
{
        int r;

        if (!var_is(c, "input.bypass.switch.on", "disabled") || !bypass_in_range(c, &bypass_limits))
                return -EAGAIN;
        r = conv_write_var(c, "input.bypass.switch.on", "on");
        if (r < 0)
                return r;
        if (!var_is(c, "input.eco.switchable", "normal") || !bypass_in_range(c, &eco_limits))
                return -EAGAIN;
        return conv_write_var(c, "input.eco.switchable", "ECO");
}

/* Leave bypass, back to normal mode */
static int eco_stop(HidConvContext *c)
{
        int r;

        r = conv_write_var(c, "input.bypass.switch.off", "off");
        if (r < 0)
                return r;
        return conv_write_var(c, "input.eco.switchable", "normal");
}

/* 1 starts ECO through bypass ("on"), anything else stops it ("off"); nothing if refused. */
HID_CV_TO_NUT(eaton_input_eco_mode_auto_on_off_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, INT32_MIN, INT32_MAX, &v);
        if (r < 0)
                return r;
        r = v == 1 ? eco_start(c) : eco_stop(c);
        if (r == -EAGAIN)
                return 0;
        if (r < 0)
                return r;
        return conv_string(buf, size, v == 1 ? "on" : "off");
}

/*
 * The command's value: "1" enters bypass (as above) and sends 1 to the ECO switch, "0" sends 0.
 * NUT sends 0 for any other text; we refuse it, and refuse "1" when the checks fail.
 */
HID_CV_TO_HID(eaton_input_eco_mode_auto_on_off_nuf)
{
        int r;

        if (value && streq(value, "0")) {
                *ret = 0;
                return 0;
        }
        if (!value || !streq(value, "1"))
                return -EINVAL;
        if (!var_is(c, "input.bypass.switch.on", "disabled") || !bypass_in_range(c, &bypass_limits) ||
            !var_is(c, "input.eco.switchable", "normal") || !bypass_in_range(c, &eco_limits))
                return -EINVAL;
        r = conv_write_var(c, "input.bypass.switch.on", "on");
        if (r < 0)
                return r;
        *ret = 1;
        return 0;
}
