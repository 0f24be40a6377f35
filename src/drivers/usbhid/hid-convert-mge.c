/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mge-hid conversions: Eaton's advanced battery monitoring (ABM), values gated by the model
 * family and country, the UPS clock, and derived power values.
 */
#include <math.h>
#include <time.h>

#include "hid-convert-private.h"

/* What a device without converter state looks like: nothing known, default model */
static const HidConvState mge_default_state = {
        .abm_enabled = -1,
        .abm_path = ABM_PATH_NONE,
        .mge_type = MGE_TYPE_DEFAULT,
};

static const HidConvState *mge_state(HidConvContext *c)
{
        const HidConvState *s = conv_state(c);

        return s ?: &mge_default_state;
}

/* ---- ABM ----
 *
 * When ABMEnable is 1, CHRG/DISCHRG come from Charger.Mode or Charger.Status, whichever row
 * latches the path first (Mode precedes Status in the table), and the PresentStatus rows only
 * clear the bits. The rows of both paths call the same functions, which interpret the value by
 * the latched path (Mode if none). With ABM off or unknown, PresentStatus decides.
 */

static bool abm_on(HidConvContext *c)
{
        return mge_state(c)->abm_enabled == 1;
}

HID_CV_TO_NUT(eaton_abm_enabled_fun)
{
        HidConvState *s = conv_state(c);
        int64_t v;

        if (s)
                s->abm_enabled = conv_int(value, 0, 1, &v) < 0 ? -1 : (int) v;
        return 0;
}

static int abm_latch(HidConvContext *c, AbmPath path)
{
        HidConvState *s = conv_state(c);

        if (!s)
                return 0;
        if (s->abm_enabled != 1)
                s->abm_path = ABM_PATH_NONE;
        else if (s->abm_path == ABM_PATH_NONE)
                s->abm_path = path;
        return 0;
}

HID_CV_TO_NUT(eaton_abm_path_mode_fun)
{
        return abm_latch(c, ABM_PATH_MODE);
}

HID_CV_TO_NUT(eaton_abm_path_status_fun)
{
        return abm_latch(c, ABM_PATH_STATUS);
}

/* The charger state for the latched path: 1 charging, 2 discharging, 3 floating, 4 resting,
 * 6 off on the Mode path; 1 charging, 2 floating, 3 resting, 4 discharging, 6 off on Status. */
static const char *abm_state(HidConvContext *c, double value)
{
        static const char *const mode[] = { [1] = "charging", [2] = "discharging", [3] = "floating",
                                             [4] = "resting", [6] = "off" };
        static const char *const status[] = { [1] = "charging", [2] = "floating", [3] = "resting",
                                              [4] = "discharging", [6] = "off" };
        int64_t v;

        if (conv_int(value, 0, 6, &v) < 0)
                return NULL;
        return mge_state(c)->abm_path == ABM_PATH_STATUS ? status[v] : mode[v];
}

/* battery.charger.status; without ABM the variable is deleted (if the driver lets us). */
HID_CV_TO_NUT(eaton_abm_status_fun)
{
        const char *state;

        if (!abm_on(c)) {
                (void) conv_set_var(c, "battery.charger.status", NULL);
                return 0;
        }
        state = abm_state(c, value);
        return state ? conv_string(buf, size, state) : 0;
}

HID_CV_TO_NUT(eaton_abm_chrg_dischrg_fun)
{
        const char *state;

        if (!abm_on(c))
                return 0;
        state = abm_state(c, value);
        if (state && (streq(state, "charging") || streq(state, "floating")))
                return conv_string(buf, size, "chrg");
        if (state && streq(state, "discharging"))
                return conv_string(buf, size, "dischrg");
        return 0;
}

/* PresentStatus.Discharging */
HID_CV_TO_NUT(eaton_abm_check_dischrg_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_token(buf, size, !abm_on(c) && value != 0, "dischrg");
}

/* PresentStatus.Charging: also not charging once the battery is full */
HID_CV_TO_NUT(eaton_abm_check_chrg_fun)
{
        double charge;
        bool set;

        if (!isfinite(value))
                return -EINVAL;
        set = !abm_on(c) && value != 0;
        if (set && conv_get_double(c, "battery.charge", &charge) == 0 && charge >= 100)
                set = false;
        return conv_token(buf, size, set, "chrg");
}

/* ---- UPS clock: UPS.PowerSummary.Time in Unix seconds, shown in local time ---- */

#define MGE_TIME_MAX INT64_C(253402300799) /* 9999-12-31 23:59:59 UTC */

static int mge_strftime(double value, const char *fmt, char *buf, size_t size)
{
        char tmp[32];
        struct tm tm;
        int64_t v;
        time_t t;
        int r;

        r = conv_int(value, 0, MGE_TIME_MAX, &v);
        if (r < 0)
                return r;
        t = (time_t) v;
        if (!localtime_r(&t, &tm) || strftime(tmp, sizeof(tmp), fmt, &tm) == 0)
                return -ERANGE;
        return conv_string(buf, size, tmp);
}

HID_CV_TO_NUT(mge_date_conversion_fun)
{
        return mge_strftime(value, "%Y/%m/%d", buf, size);
}

HID_CV_TO_NUT(mge_time_conversion_fun)
{
        return mge_strftime(value, "%H:%M:%S", buf, size);
}

/* Local date and time -> Unix seconds; -EINVAL for a date that does not exist. */
static int mge_mktime(const char *date, const char *time, double *ret)
{
        int y, mo, d, h, mi, s;
        struct tm tm;
        time_t t;

        if (conv_parse_ymd(date, &y, &mo, &d) < 0 || conv_parse_hms(time, &h, &mi, &s) < 0)
                return -EINVAL;
        if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31)
                return -EINVAL;
        tm = (struct tm) { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                           .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
        t = mktime(&tm);
        if (t < 0 || tm.tm_mday != d || tm.tm_mon != mo - 1)
                return -EINVAL;
        *ret = (double) t;
        return 0;
}

/* A new ups.date keeps the current ups.time; -ENODATA if that is not known. */
HID_CV_TO_HID(mge_date_conversion_nuf)
{
        const char *time = conv_get_var(c, "ups.time");
        int y, m, d;

        if (conv_parse_ymd(value, &y, &m, &d) < 0)
                return -EINVAL;
        if (!time)
                return -ENODATA;
        return mge_mktime(value, time, ret);
}

HID_CV_TO_HID(mge_time_conversion_nuf)
{
        const char *date = conv_get_var(c, "ups.date");
        int h, m, s;

        if (conv_parse_hms(value, &h, &m, &s) < 0)
                return -EINVAL;
        if (!date)
                return -ENODATA;
        return mge_mktime(date, value, ret);
}

/* ---- model gates ---- */

static bool mge_battery_family(HidConvContext *c)
{
        unsigned family = mge_state(c)->mge_type & 0xf00;

        return family == MGE_TYPE_EVOLUTION || family == MGE_TYPE_PULSAR_M || family == MGE_TYPE_EATON_5P ||
               family == MGE_TYPE_EATON_9E;
}

/* Pegasus, or 3S outside Europe */
static bool mge_pegasus(HidConvContext *c)
{
        const HidConvState *s = mge_state(c);

        return s->mge_type == MGE_TYPE_PEGASUS || (s->mge_type == MGE_TYPE_3S && s->country != 0);
}

/* Offline families have type values below MGE_DEFAULT (0x000 offline, 0x100 Pegasus, 0x110 3S) */
static bool mge_offline(HidConvContext *c)
{
        return mge_state(c)->mge_type < MGE_TYPE_DEFAULT;
}

HID_CV_TO_NUT(mge_battery_voltage_nominal_fun)
{
        if (!mge_battery_family(c))
                return 0;
        if (mge_state(c)->mge_type == MGE_TYPE_EVOLUTION_650)
                return conv_string(buf, size, "12");
        return conv_fixed(buf, size, value, 0);
}

HID_CV_TO_NUT(mge_battery_voltage_fun)
{
        if (!mge_battery_family(c))
                return 0;
        return conv_fixed(buf, size, value, 1);
}

HID_CV_TO_NUT(mge_powerfactor_conversion_fun)
{
        return conv_fixed(buf, size, value / 100, 2);
}

/* Ampere-seconds -> ampere-hours */
HID_CV_TO_NUT(mge_battery_capacity_fun)
{
        return conv_fixed(buf, size, value / 3600, 2);
}

HID_CV_TO_NUT(eaton_check_pegasus_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, INT32_MIN, INT32_MAX, &v);
        if (r < 0)
                return r;
        if (!mge_pegasus(c))
                return 0;
        return conv_printf(buf, size, "%lld", (long long) v);
}

HID_CV_TO_NUT(pegasus_yes_no_info_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        if (!mge_pegasus(c))
                return 0;
        return conv_string(buf, size, value != 0 ? "yes" : "no");
}

/* "yes..." -> 1, "no..." -> 0. NUT sends 0 for anything that is not "yes"; we refuse it. */
HID_CV_TO_HID(pegasus_yes_no_info_nuf)
{
        if (!value || !mge_pegasus(c))
                return -EINVAL;
        if (strncmp(value, "yes", 3) == 0)
                *ret = 1;
        else if (strncmp(value, "no", 2) == 0)
                *ret = 0;
        else
                return -EINVAL;
        return 0;
}

/* 0 Europe, 1 US, 2 Europe-208, 3 worldwide, 4 Australia; kept for the Pegasus gate */
HID_CV_TO_NUT(eaton_check_country_fun)
{
        HidConvState *s = conv_state(c);
        int64_t v;

        if (s && conv_int(value, INT32_MIN, INT32_MAX, &v) == 0)
                s->country = (int) v;
        return 0;
}

/* ups.realpower from load, nominal power and power factor (0.80 if unknown) */
HID_CV_TO_NUT(eaton_compute_realpower_fun)
{
        double load, nominal, pf;

        if (conv_get_double(c, "ups.load", &load) < 0 ||
            conv_get_double(c, "ups.power.nominal", &nominal) < 0)
                return 0;
        if (conv_get_double(c, "output.powerfactor", &pf) < 0)
                pf = 0.80;
        return conv_fixed(buf, size, round(load * 0.01 * nominal * pf), 0);
}

static bool voltage_in(int64_t v, const int *set, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (v == set[i])
                        return true;
        return false;
}

/*
 * output.voltage.nominal (also used to list the allowed values): the first reading tells the
 * voltage class; only values of that class, and on non-offline models of the other high-voltage
 * class, are published.
 */
HID_CV_TO_NUT(nominal_output_voltage_fun)
{
        static const int low[] = { 100, 110, 120, 127 }, v200[] = { 200, 208 }, v230[] = { 220, 230, 240 };
        HidConvState *s = conv_state(c);
        bool ok, in_low, in_200, in_230;
        int64_t v, first;
        int r;

        r = conv_int(value, 0, 1000, &v);
        if (r < 0)
                return r;
        if (s && s->nominal_first == 0)
                s->nominal_first = (int) v;
        first = s ? s->nominal_first : v;
        in_low = voltage_in(v, low, ELEMENTSOF(low));
        in_200 = voltage_in(v, v200, ELEMENTSOF(v200));
        in_230 = voltage_in(v, v230, ELEMENTSOF(v230));
        if (voltage_in(first, low, ELEMENTSOF(low)))
                ok = in_low;
        else if (voltage_in(first, v200, ELEMENTSOF(v200)))
                ok = in_200 || (!mge_offline(c) && in_230);
        else if (voltage_in(first, v230, ELEMENTSOF(v230)))
                ok = in_230 || (!mge_offline(c) && in_200);
        else
                ok = false;
        return ok ? conv_printf(buf, size, "%lld", (long long) v) : 0;
}

/* PowerConverter.Input.[1].PresentStatus.Used: not while the UPS is off */
HID_CV_TO_NUT(eaton_converter_online_fun)
{
        if (!isfinite(value))
                return -EINVAL;
        if (conv_status_bit(c, "off") == 1)
                return 0;
        return conv_token(buf, size, value != 0, "online");
}
