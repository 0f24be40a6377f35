/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * powercom-hid conversions: delays packed as minutes and seconds in either byte order, the
 * packed status bits, and the battery voltage that some units only give as text in a vendor
 * feature report.
 */
#include <math.h>

#include "hid-convert-private.h"

#define POWERCOM_AUTO_RESTART 0x0040
#define POWERCOM_STAY_OFF 0x0080
#define POWERCOM_HACK_REPORT 0xa4
#define POWERCOM_HACK_SIZE 8
#define POWERCOM_HACK_TRIES 5

const HidConvReport hid_cv_powercom_hack_reads[] = {
        { HID_CONV_REPORT_FEATURE, POWERCOM_HACK_REPORT, POWERCOM_HACK_SIZE }, {}
};

static bool powercom_flag(HidConvContext *c, HidConvFlag f)
{
        HidConvState *s = conv_state(c);

        return s && (s->flags & f);
}

static uint32_t swap16(uint32_t v)
{
        return (v & 0xff) << 8 | (v >> 8 & 0xff);
}

/* DelayBeforeStartup: minutes, bytes swapped */
HID_CV_TO_NUT(powercom_startup_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, 0, 0xffff, &v);
        if (r < 0)
                return r;
        return conv_printf(buf, size, "%u", 60 * swap16((uint32_t) v));
}

/* DelayBeforeShutdown: minutes in the high byte and seconds in the low one (legacy: swapped) */
HID_CV_TO_NUT(powercom_shutdown_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, 0, 0xffff, &v);
        if (r < 0)
                return r;
        if (powercom_flag(c, HID_CONV_POWERCOM_LEGACY_BYTE_ORDER))
                v = swap16((uint32_t) v);
        return conv_printf(buf, size, "%u", 60 * (unsigned) (v >> 8) + (unsigned) (v & 0xff));
}

/*
 * The delay in seconds: the command's argument, else the current 'var' (where the
 * ondelay/offdelay options end up), else 'fallback'.
 */
static int powercom_seconds(HidConvContext *c, const char *value, const char *var, unsigned fallback,
                            unsigned *ret)
{
        double d = fallback;

        if (value && *value) {
                if (conv_parse_double(value, &d) < 0)
                        return -EINVAL;
        } else if (conv_get_double(c, var, &d) < 0)
                d = fallback;
        if (d < 0 || d > 0xffff * 60.0)
                return -EINVAL;
        *ret = (unsigned) d;
        return 0;
}

HID_CV_TO_HID(powercom_startup_nuf)
{
        unsigned s, minutes;
        int r;

        r = powercom_seconds(c, value, "ups.delay.start", 120, &s);
        if (r < 0)
                return r;
        minutes = s / 60;
        *ret = powercom_flag(c, HID_CONV_POWERCOM_DISCRETE_DELAY) ? minutes : swap16(minutes);
        return 0;
}

/* Discrete-delay units take the index (1-based) of the first step not below the delay */
static unsigned powercom_discrete_index(unsigned seconds)
{
        static const uint16_t steps[] = {
                12, 18, 24, 30, 36, 42, 48, 54, 60, 120, 180, 240, 300, 360, 420, 480, 540,
        };

        for (size_t i = 0; i < ELEMENTSOF(steps); i++)
                if (seconds <= steps[i])
                        return (unsigned) i + 1;
        return ELEMENTSOF(steps) + 1;
}

/* Minutes and seconds word with the restart flag; the legacy order swaps bytes and flag. */
static int powercom_delay_word(HidConvContext *c, unsigned s, unsigned flag, double *ret)
{
        unsigned w;

        if (s == 0)
                s = 1;
        if (s / 60 > 0xff)
                return -ERANGE;
        w = (s / 60) << 8 | s % 60;
        *ret = powercom_flag(c, HID_CONV_POWERCOM_LEGACY_BYTE_ORDER) ? swap16(w) | flag << 8 : w | flag;
        return 0;
}

HID_CV_TO_HID(powercom_shutdown_nuf)
{
        unsigned s;
        int r;

        r = powercom_seconds(c, value, "ups.delay.shutdown", 60, &s);
        if (r < 0)
                return r;
        if (powercom_flag(c, HID_CONV_POWERCOM_DISCRETE_DELAY)) {
                *ret = powercom_discrete_index(s);
                return 0;
        }
        return powercom_delay_word(c, s, POWERCOM_AUTO_RESTART, ret);
}

HID_CV_TO_HID(powercom_stayoff_nuf)
{
        unsigned s;
        int r;

        r = powercom_seconds(c, value, "ups.delay.shutdown", 60, &s);
        if (r < 0)
                return r;
        return powercom_delay_word(c, s, POWERCOM_STAY_OFF, ret);
}

HID_CV_TO_NUT(powercom_voltage_conversion_fun)
{
        return conv_fixed(buf, size, value * 4, 0);
}

static int powercom_bit(double value, uint32_t mask, uint32_t match, bool invert, const char *token,
                        char *buf, size_t size)
{
        uint32_t w;
        int r;

        r = conv_word(value, &w);
        if (r < 0)
                return r;
        return conv_token(buf, size, ((w & mask) == match) != invert, token);
}

HID_CV_TO_NUT(powercom_upsfail_conversion_fun)
{
        return powercom_bit(value, 0x0001, 0x0001, false, "fanfail", buf, size);
}

HID_CV_TO_NUT(powercom_replacebatt_conversion_fun)
{
        return powercom_bit(value, 0x0002, 0x0002, false, "replacebatt", buf, size);
}

HID_CV_TO_NUT(powercom_test_conversion_fun)
{
        return powercom_bit(value, 0x0004, 0x0004, false, "cal", buf, size);
}

HID_CV_TO_NUT(powercom_shutdownimm_conversion_fun)
{
        return powercom_bit(value, 0x0010, 0x0010, false, "shutdownimm", buf, size);
}

/* Bit 0 means "on battery" */
HID_CV_TO_NUT(powercom_online_conversion_fun)
{
        return powercom_bit(value, 0x0001, 0x0001, true, "online", buf, size);
}

HID_CV_TO_NUT(powercom_lowbatt_conversion_fun)
{
        return powercom_bit(value, 0x0002, 0x0002, false, "lowbatt", buf, size);
}

HID_CV_TO_NUT(powercom_trim_conversion_fun)
{
        return powercom_bit(value, 0x0018, 0x0008, false, "trim", buf, size);
}

HID_CV_TO_NUT(powercom_boost_conversion_fun)
{
        return powercom_bit(value, 0x0018, 0x0018, false, "boost", buf, size);
}

HID_CV_TO_NUT(powercom_overload_conversion_fun)
{
        return powercom_bit(value, 0x0020, 0x0020, false, "overload", buf, size);
}

/* The first run of digits and dots in the report text (after the ID byte); it must have a dot. */
static int powercom_parse_voltage(const uint8_t *r, int n, char *ret, size_t size)
{
        int i = 1, start, len;
        bool dot = false;

        while (i < n && !((r[i] >= '0' && r[i] <= '9') || r[i] == '.'))
                i++;
        for (start = i; i < n && ((r[i] >= '0' && r[i] <= '9') || r[i] == '.'); i++)
                dot = dot || r[i] == '.';
        len = i - start;
        if (!dot || len < 2 || (size_t) len >= size)
                return -EINVAL;
        memcpy(ret, r + start, (size_t) len);
        ret[len] = '\0';
        return 0;
}

/*
 * Battery voltage as text in feature report 0xa4 (the HID value of the row is ignored). Until
 * a first reading succeeds each call tries up to five times; later failures keep the last value.
 */
HID_CV_TO_NUT(powercom_hack_voltage)
{
        HidConvState *s = conv_state(c);
        uint8_t r[POWERCOM_HACK_SIZE];
        int tries, n;

        if (!s || !s->io.get_report)
                return -EOPNOTSUPP;
        tries = s->hack_voltage[0] ? 1 : POWERCOM_HACK_TRIES;
        for (int i = 0; i < tries; i++) {
                n = conv_get_report(c, HID_CONV_REPORT_FEATURE, POWERCOM_HACK_REPORT, r, sizeof(r));
                if (n > 1 && powercom_parse_voltage(r, n, s->hack_voltage, sizeof(s->hack_voltage)) == 0)
                        break;
        }
        if (!s->hack_voltage[0])
                return 0;
        return conv_string(buf, size, s->hack_voltage);
}
