/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-convert: each usbhid-ups conversion function against values worked out from the
 * behaviour in hid-conversions.tsv, round trips of the reversible ones, the stateful ones in
 * sequence, every name of the TSV found (or listed as not implemented), and hostile inputs.
 * The TSVs come from $NUT_FACTS_DIR; without it only those tests are skipped.
 */
#include <errno.h>
#include <float.h>
#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hid-convert-cases.h"
#include "hid-convert-mock.h"
#include "usbhid/hid-convert.h"

static const char *facts_dir;

/* Functions of hid-conversions.tsv that hid_converter_find() deliberately does not know */
static const char *const not_implemented[] = {
        "eaton_abm_enabled_legacy_fun", /* compiled out in NUT (#if 0) */
};

/* ---- table-driven hid -> nut cases ---- */

static void test_nut_case(gconstpointer data)
{
        const NutCase *t = data;
        g_autoptr(Mock) m = mock_new(t->vendor, t->product, t->vars);
        char out[256] = "";
        int r;

        if (t->string_text)
                g_hash_table_insert(m->strings, GUINT_TO_POINTER(t->string_index), g_strdup(t->string_text));
        r = to_nut(m, t->fn, t->value, out, sizeof(out));
        if (t->expect) {
                g_assert_cmpint(r, >, 0);
                g_assert_cmpstr(out, ==, t->expect);
                g_assert_cmpint(r, ==, (int) strlen(t->expect));
        } else
                g_assert_cmpint(r, ==, t->ret);
}

/* ---- table-driven nut -> hid cases ---- */

static void test_hid_case(gconstpointer data)
{
        const HidCase *t = data;
        g_autoptr(Mock) m = mock_new(0, 0, t->vars);

        hid_conv_state_set_flags(m->ctx.state, t->flags);
        if (t->ret)
                assert_hid_fails(m, t->fn, t->value, t->ret);
        else
                assert_hid(m, t->fn, t->value, t->expect);
}

/* ---- round trips ---- */

static void test_round_trip_dates(void)
{
        g_autoptr(Mock) m = mock_new(0, 0, NULL);

        for (int y = 1980; y <= 2107; y++)
                for (int mo = 1; mo <= 12; mo++)
                        for (int d = 1; d <= 31; d += 3) {
                                g_autofree gchar *s = g_strdup_printf("%04d/%02d/%02d", y, mo, d);
                                char out[32];
                                double v;

                                g_assert_cmpint(to_hid(m, "date_conversion_reverse", s, &v), ==, 0);
                                g_assert_cmpint(to_nut(m, "date_conversion_fun", v, out, sizeof(out)), >, 0);
                                g_assert_cmpstr(out, ==, s);
                                if (y < 1970 || y >= 2070)
                                        continue;
                                g_assert_cmpint(to_hid(m, "apc_date_conversion_reverse", s, &v), ==, 0);
                                g_assert_cmpint(to_nut(m, "apc_date_conversion_fun", v, out, sizeof(out)), >, 0);
                                g_assert_cmpstr(out, ==, s);
                        }
        for (const char *const *n = (const char *const[]) { "date_conversion", "apc_date_conversion", NULL }; *n; n++) {
                g_autofree gchar *fun = g_strconcat(*n, "_fun", NULL), *rev = g_strconcat(*n, "_reverse", NULL);
                char out[32];
                double v;

                g_assert_cmpint(to_nut(m, fun, 0, out, sizeof(out)), >, 0);
                g_assert_cmpint(to_hid(m, rev, out, &v), ==, 0);
                g_assert_cmpfloat(v, ==, 0);
        }
}

static void check_mge_clock_round_trip(Mock *m, int64_t t)
{
        char date[32], time[32];
        double v;

        g_assert_cmpint(to_nut(m, "mge_date_conversion_fun", (double) t, date, sizeof(date)), ==, 10);
        g_assert_cmpint(to_nut(m, "mge_time_conversion_fun", (double) t, time, sizeof(time)), ==, 8);
        mock_set(m, "ups.date", date);
        mock_set(m, "ups.time", time);
        g_assert_cmpint(to_hid(m, "mge_date_conversion_nuf", date, &v), ==, 0);
        g_assert_cmpfloat(v, ==, (double) t);
        g_assert_cmpint(to_hid(m, "mge_time_conversion_nuf", time, &v), ==, 0);
        g_assert_cmpfloat(v, ==, (double) t);
}

static void test_round_trip_mge_clock(void)
{
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, NULL);
        char out[32];

        assert_nut(m, "mge_date_conversion_fun", 1700000000, "2023/11/14");
        assert_nut(m, "mge_time_conversion_fun", 1700000000, "22:13:20");
        assert_nut(m, "mge_date_conversion_fun", 0, "1970/01/01");
        g_assert_cmpint(to_nut(m, "mge_date_conversion_fun", -1, out, sizeof(out)), ==, -ERANGE);
        for (int64_t t = 0; t < INT64_C(4102444800); t += 86400 * 97 + 3 * 3600 + 17)
                check_mge_clock_round_trip(m, t);
        /* a new date keeps the time and vice versa */
        mock_set(m, "ups.time", "08:00:00");
        assert_hid(m, "mge_date_conversion_nuf", "2024/02/29", 1709193600);
        mock_set(m, "ups.date", "2024/02/29");
        assert_hid(m, "mge_time_conversion_nuf", "00:00:01", 1709164801);
}

static void test_round_trip_powercom(void)
{
        g_autoptr(Mock) m = mock_new(0x0d9f, 0x0004, NULL);
        char out[32];
        double v;

        for (uint32_t flags = 0; flags < 4; flags++) {
                hid_conv_state_set_flags(m->ctx.state, flags);
                /* startup: whole minutes come back (discrete mode sends plain minutes, the
                 * device reads back swapped bytes, so only the default mode round-trips) */
                for (unsigned s = 0; s <= 0xffff * 60 && !(flags & HID_CONV_POWERCOM_DISCRETE_DELAY); s += 60 * 37) {
                        g_autofree gchar *in = g_strdup_printf("%u", s);

                        g_assert_cmpint(to_hid(m, "powercom_startup_nuf", in, &v), ==, 0);
                        g_assert_cmpint(to_nut(m, "powercom_startup_fun", v, out, sizeof(out)), >, 0);
                        g_assert_cmpstr(out, ==, in);
                }
                /* shutdown: the word read back has the restart flag, which is not part of the delay */
                if (flags & HID_CONV_POWERCOM_DISCRETE_DELAY)
                        continue;
                for (unsigned s = 1; s < 256 * 60; s += 7) {
                        g_autofree gchar *in = g_strdup_printf("%u", s);
                        bool legacy = flags & HID_CONV_POWERCOM_LEGACY_BYTE_ORDER;

                        g_assert_cmpint(to_hid(m, "powercom_shutdown_nuf", in, &v), ==, 0);
                        v = (double) ((unsigned) v & ~(legacy ? 0x4000u : 0x0040u));
                        g_assert_cmpint(to_nut(m, "powercom_shutdown_fun", v, out, sizeof(out)), >, 0);
                        g_assert_cmpstr(out, ==, in);
                }
        }
}

static void test_round_trip_mge_modes(void)
{
        static const char *const in_range = "input.bypass.voltage=230;output.voltage.nominal=230;"
                                            "input.bypass.frequency=50;output.frequency.nominal=50";
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, in_range);
        static const char *const modes[] = { "normal", "ECO", "ESS" };
        char out[32];
        double v;

        for (size_t i = 0; i < G_N_ELEMENTS(modes); i++) {
                g_assert_cmpint(to_hid(m, "eaton_input_buzzwordmode_setvar_nuf", modes[i], &v), ==, 0);
                g_assert_cmpint(to_nut(m, "eaton_input_buzzwordmode_report", v, out, sizeof(out)), >, 0);
                g_assert_cmpstr(out, ==, modes[i]);
        }

        /* yes/no on a Pegasus model */
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Protection Station", "500", NULL), ==, 1);
        for (const char *const *s = (const char *const[]) { "yes", "no", NULL }; *s; s++) {
                g_assert_cmpint(to_hid(m, "pegasus_yes_no_info_nuf", *s, &v), ==, 0);
                g_assert_cmpint(to_nut(m, "pegasus_yes_no_info_fun", v, out, sizeof(out)), >, 0);
                g_assert_cmpstr(out, ==, *s);
        }

        /* the ECO-through-bypass command: start, then stop */
        mock_set(m, "input.bypass.switch.on", "disabled");
        mock_set(m, "input.eco.switchable", "normal");
        g_assert_cmpint(to_hid(m, "eaton_input_eco_mode_auto_on_off_nuf", "1", &v), ==, 0);
        g_assert_cmpfloat(v, ==, 1);
        g_assert_cmpuint(m->written->len, ==, 1);
        g_assert_cmpstr(m->written->pdata[0], ==, "input.bypass.switch.on=on");
        g_assert_cmpint(to_hid(m, "eaton_input_eco_mode_auto_on_off_nuf", "0", &v), ==, 0);
        g_assert_cmpfloat(v, ==, 0);
        assert_nut(m, "eaton_input_eco_mode_auto_on_off_fun", v, "off");
        g_assert_cmpstr(g_hash_table_lookup(m->vars, "input.eco.switchable"), ==, "normal");
}

/* ---- stateful and device-dependent converters ---- */

static void test_mge_abm(void)
{
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, "battery.charge=80");
        HidConvContext bare = { 0 };
        char out[32];

        /* ABM unknown: PresentStatus decides, the ABM rows say nothing */
        assert_nut(m, "eaton_abm_check_dischrg_fun", 1, "dischrg");
        assert_nut(m, "eaton_abm_check_chrg_fun", 1, "chrg");
        assert_nut(m, "eaton_abm_check_chrg_fun", 0, "!chrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 1, NULL);
        mock_set(m, "battery.charger.status", "stale");
        assert_nut(m, "eaton_abm_status_fun", 1, NULL);
        g_assert_null(g_hash_table_lookup(m->vars, "battery.charger.status"));
        mock_set(m, "battery.charge", "100");
        assert_nut(m, "eaton_abm_check_chrg_fun", 1, "!chrg");

        /* ABM on, Charger.Mode row latches first; Status row later does not change it */
        assert_nut(m, "eaton_abm_enabled_fun", 1, NULL);
        assert_nut(m, "eaton_abm_path_mode_fun", 3, NULL);
        assert_nut(m, "eaton_abm_path_status_fun", 3, NULL);
        assert_nut(m, "eaton_abm_check_dischrg_fun", 1, "!dischrg");
        assert_nut(m, "eaton_abm_check_chrg_fun", 1, "!chrg");
        assert_nut(m, "eaton_abm_status_fun", 1, "charging");
        assert_nut(m, "eaton_abm_status_fun", 2, "discharging");
        assert_nut(m, "eaton_abm_status_fun", 3, "floating");
        assert_nut(m, "eaton_abm_status_fun", 4, "resting");
        assert_nut(m, "eaton_abm_status_fun", 6, "off");
        assert_nut(m, "eaton_abm_status_fun", 5, NULL);
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 1, "chrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 3, "chrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 2, "dischrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 4, NULL);

        /* ABM off resets the path; then the Status row latches */
        assert_nut(m, "eaton_abm_enabled_fun", 0, NULL);
        assert_nut(m, "eaton_abm_path_mode_fun", 3, NULL);
        assert_nut(m, "eaton_abm_enabled_fun", 1, NULL);
        assert_nut(m, "eaton_abm_path_status_fun", 3, NULL);
        assert_nut(m, "eaton_abm_path_mode_fun", 3, NULL);
        assert_nut(m, "eaton_abm_status_fun", 1, "charging");
        assert_nut(m, "eaton_abm_status_fun", 2, "floating");
        assert_nut(m, "eaton_abm_status_fun", 3, "resting");
        assert_nut(m, "eaton_abm_status_fun", 4, "discharging");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 2, "chrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 4, "dischrg");
        assert_nut(m, "eaton_abm_chrg_dischrg_fun", 3, NULL);

        /* an unknown ABMEnable value counts as unknown */
        assert_nut(m, "eaton_abm_enabled_fun", 7, NULL);
        assert_nut(m, "eaton_abm_check_dischrg_fun", 1, "dischrg");

        /* without state or callbacks nothing crashes */
        g_assert_cmpint(find("eaton_abm_enabled_fun")->to_nut(&bare, 1, out, sizeof(out)), ==, 0);
        g_assert_cmpint(find("eaton_abm_status_fun")->to_nut(&bare, 1, out, sizeof(out)), ==, 0);
        g_assert_cmpint(find("eaton_abm_check_dischrg_fun")->to_nut(&bare, 1, out, sizeof(out)), >, 0);
        g_assert_cmpstr(out, ==, "dischrg");
}

static void test_mge_models(void)
{
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, NULL);
        const char *name = "x";

        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Evolution", "650", &name), ==, 1);
        g_assert_null(name);
        assert_nut(m, "mge_battery_voltage_nominal_fun", 24, "12");
        assert_nut(m, "mge_battery_voltage_fun", 13.57, "13.6");

        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Eaton 9E", "2000i", &name), ==, 1);
        g_assert_cmpstr(name, ==, "9E2000i");
        assert_nut(m, "mge_battery_voltage_nominal_fun", 72, "72");
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Ellipse PRO", "1200", &name), ==, 1);
        g_assert_cmpstr(name, ==, "Eaton 5S1200");
        assert_nut(m, "mge_battery_voltage_fun", 27.3, "27.3");

        /* Pulsar Evolution 500 is MGE_DEFAULT, not the Evolution family */
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Evolution", "500", &name), ==, 1);
        assert_nut(m, "mge_battery_voltage_nominal_fun", 24, NULL);
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Nonsense", "1", &name), ==, 0);
        assert_nut(m, "mge_battery_voltage_fun", 27.3, NULL);

        /* Pegasus gate: Pegasus always, 3S only outside Europe */
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "Ellipse ECO", "650", NULL), ==, 1);
        assert_nut(m, "eaton_check_pegasus_fun", 25, "25");
        assert_nut(m, "pegasus_yes_no_info_fun", 0, "no");
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "3S", "700", NULL), ==, 1);
        assert_nut(m, "eaton_check_pegasus_fun", 25, NULL);
        assert_nut(m, "eaton_check_country_fun", 1, NULL);
        assert_nut(m, "eaton_check_pegasus_fun", 60, "60");
        assert_nut(m, "pegasus_yes_no_info_fun", 1, "yes");
        assert_nut(m, "eaton_check_country_fun", 0, NULL);
        assert_nut(m, "pegasus_yes_no_info_fun", 1, NULL);
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "3S", "450", NULL), ==, 1);
        assert_nut(m, "eaton_check_pegasus_fun", 25, NULL);
}

static void test_mge_nominal_voltage(void)
{
        static const struct {
                const char *iproduct, *imodel;  /* NULL: MGE_DEFAULT */
                int first;
                const char *accepted;           /* of 100 110 120 127 200 208 220 230 240 */
        } cases[] = {
                { NULL, NULL, 120, "100 110 120 127" },
                { NULL, NULL, 208, "200 208 220 230 240" },
                { NULL, NULL, 230, "200 208 220 230 240" },
                { "ELLIPSE", "650", 208, "200 208" },
                { "ELLIPSE", "650", 230, "220 230 240" },
                { "Protection Station", "500", 230, "220 230 240" },
                { "Evolution", "850", 230, "200 208 220 230 240" },
                { NULL, NULL, 150, "" },
        };
        static const int all[] = { 100, 110, 120, 127, 200, 208, 220, 230, 240 };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autoptr(Mock) m = mock_new(0x0463, 0xffff, NULL);
                g_autoptr(GString) got = g_string_new(NULL);
                char out[32];

                if (cases[i].iproduct)
                        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, cases[i].iproduct,
                                                                     cases[i].imodel, NULL), ==, 1);
                to_nut(m, "nominal_output_voltage_fun", cases[i].first, out, sizeof(out));
                for (size_t j = 0; j < G_N_ELEMENTS(all); j++)
                        if (to_nut(m, "nominal_output_voltage_fun", all[j], out, sizeof(out)) > 0)
                                g_string_append_printf(got, "%s%s", got->len ? " " : "", out);
                g_assert_cmpstr(got->str, ==, cases[i].accepted);
        }
}

static void test_mge_eco_side_effects(void)
{
        static const char *const vars = "input.bypass.voltage=230;output.voltage.nominal=230;"
                                        "input.bypass.frequency=50;output.frequency.nominal=50";
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, vars);
        HidConvIo no_io = { 0 };
        char out[32];

        /* buzzword follows the ECO/ESS report */
        g_assert_null(hid_conv_state_get_buzzword(m->ctx.state));
        assert_nut(m, "eaton_input_buzzwordmode_report", 1, "ECO");
        g_assert_cmpstr(hid_conv_state_get_buzzword(m->ctx.state), ==, "vendor:mge-hid:ECO");
        assert_nut(m, "eaton_input_buzzwordmode_report", 2, "ESS");
        g_assert_cmpstr(hid_conv_state_get_buzzword(m->ctx.state), ==, "vendor:mge-hid:ESS");
        assert_nut(m, "eaton_input_buzzwordmode_report", 0, "normal");
        g_assert_null(hid_conv_state_get_buzzword(m->ctx.state));

        /* bypass out of range: switch.off is set to off, nothing published */
        mock_set(m, "input.bypass.voltage", "100");
        assert_nut(m, "eaton_input_bypass_check_range", 1, NULL);
        g_assert_cmpstr(g_hash_table_lookup(m->vars, "input.bypass.switch.off"), ==, "off");

        /* composite start: bypass first, then ECO */
        mock_set(m, "input.bypass.voltage", "230");
        mock_set(m, "input.bypass.switch.on", "disabled");
        mock_set(m, "input.eco.switchable", "normal");
        assert_nut(m, "eaton_input_eco_mode_auto_on_off_fun", 1, "on");
        g_assert_cmpuint(m->written->len, ==, 2);
        g_assert_cmpstr(m->written->pdata[0], ==, "input.bypass.switch.on=on");
        g_assert_cmpstr(m->written->pdata[1], ==, "input.eco.switchable=ECO");
        /* preconditions no longer met: nothing */
        assert_nut(m, "eaton_input_eco_mode_auto_on_off_fun", 1, NULL);
        /* stop */
        assert_nut(m, "eaton_input_eco_mode_auto_on_off_fun", 0, "off");
        g_assert_cmpstr(m->written->pdata[2], ==, "input.bypass.switch.off=off");
        g_assert_cmpstr(m->written->pdata[3], ==, "input.eco.switchable=normal");

        /* without write access the composite fails, it does not pretend */
        hid_conv_state_set_io(m->ctx.state, &no_io);
        g_assert_cmpint(to_nut(m, "eaton_input_eco_mode_auto_on_off_fun", 0, out, sizeof(out)), ==, -EOPNOTSUPP);
}

static int status_off_set(void *userdata, const char *token)
{
        (void) userdata;
        return g_strcmp0(token, "off") == 0;
}

static void test_mge_converter_online_status(void)
{
        g_autoptr(Mock) m = mock_new(0x0463, 0xffff, "ups.status=OL");
        HidConvIo io = { .get_status = status_off_set };

        assert_nut(m, "eaton_converter_online_fun", 1, "online");
        hid_conv_state_set_io(m->ctx.state, &io);
        assert_nut(m, "eaton_converter_online_fun", 1, NULL);
}

static void test_cps_latching(void)
{
        g_autoptr(Mock) m = mock_new(0x0764, 0x0501, NULL);

        /* frequency: x0.1 detected once, kept even when a later reading fits unscaled */
        assert_nut(m, "cps_input_freq_fun", 501, "50.1");
        assert_nut(m, "cps_input_freq_fun", 50, "5.0");
        /* output frequency is detected separately */
        assert_nut(m, "cps_output_freq_fun", 60, "60.0");
        assert_nut(m, "cps_output_freq_fun", 600, "600.0");
        /* undecided readings pass through until one fits */
        assert_nut(m, "cps_battvolt_fun", 20.4, "20.4");
        mock_set(m, "battery.voltage.nominal", "24");
        assert_nut(m, "cps_battvolt_fun", 40.8, "27.2");
        assert_nut(m, "cps_battvolt_fun", 27.0, "18.0");
}

static void test_liebert_latching(void)
{
        g_autoptr(Mock) m = mock_new(0x10af, 0x0002, NULL);

        /* the nominal voltage fixes the line multiplier to 1e7 */
        assert_nut(m, "liebert_config_voltage_fun", 1.2e-6 - 1.1e-6, "10.0");
        assert_nut(m, "liebert_line_voltage_fun", 0.0000121, "121.0");
        assert_nut(m, "liebert_config_voltage_fun", 2.4e-7, "24.0");

        g_autoptr(Mock) n = mock_new(0x10af, 0x0002, NULL);
        assert_nut(n, "liebert_line_voltage_fun", 0.001212, "121.2");
        assert_nut(n, "liebert_line_voltage_fun", 0.0023, "230.0");
        assert_nut(n, "liebert_line_voltage_fun", 0.5, "50000.0");
}

static void test_ever_reports(void)
{
        g_autoptr(Mock) m = mock_new(0x2e66, 0x0101, NULL);
        static const uint8_t mac[] = { 210, 0x00, 0x1b, 0x2c, 0xaa, 0xbf, 0x09 };
        static const uint8_t ip1[] = { 211, 10, 0, 0, 1 }, ip2[] = { 230, 192, 168, 1, 20 };
        static const uint8_t ip3[] = { 231, 255, 255, 255, 0 }, ip4[] = { 232, 192, 168, 1, 1 };
        static const uint8_t p1[] = { 215, 0x01, 0x02, 0x03, 0x04 }, p2[] = { 216, 5, 0, 0, 0 };
        static const uint8_t p3[] = { 217, 1, 2, 3 }, p4[] = { 218, 0xff, 0xff, 0xff, 0xff, 9 };
        static const uint8_t wm_online[] = { 74, 4 }, wm_stop[] = { 74, 2 }, wm_odd[] = { 74, 3 };
        static const uint8_t msg[] = { 75, 0x47, 0x0c }, msg0[] = { 75, 0x03, 0x00 };
        static const uint8_t alarm[] = { 76, 0x0d, 0x01 };

        mock_report(m, 210, mac, sizeof(mac));
        assert_nut(m, "ever_mac_address_fun", 0, "00:1b:2c:aa:bf:09");

        mock_report(m, 211, ip1, sizeof(ip1));
        mock_report(m, 230, ip2, sizeof(ip2));
        mock_report(m, 231, ip3, sizeof(ip3));
        mock_report(m, 232, ip4, sizeof(ip4));
        assert_nut(m, "ever_ip_address_fun", 0, "10.0.0.1");
        assert_nut(m, "ever_ip_address_fun", 0, "192.168.1.20");
        assert_nut(m, "ever_ip_address_fun", 0, "255.255.255.0");
        assert_nut(m, "ever_ip_address_fun", 0, "192.168.1.1");
        assert_nut(m, "ever_ip_address_fun", 0, "10.0.0.1");

        mock_report(m, 215, p1, sizeof(p1));
        mock_report(m, 216, p2, sizeof(p2));
        mock_report(m, 217, p3, sizeof(p3));
        mock_report(m, 218, p4, sizeof(p4));
        assert_nut(m, "ever_packets_fun", 0, "67305985");
        assert_nut(m, "ever_packets_fun", 0, "5");
        assert_nut(m, "ever_packets_fun", 0, NULL);     /* report too short */
        assert_nut(m, "ever_packets_fun", 0, "4294967295");

        mock_report(m, 74, wm_online, sizeof(wm_online));
        assert_nut(m, "ever_workmode_fun", 0, "ONLINE");
        assert_nut(m, "ever_on_off_fun", 0, "!off");
        mock_report(m, 74, wm_stop, sizeof(wm_stop));
        assert_nut(m, "ever_workmode_fun", 0, "STOP");
        assert_nut(m, "ever_on_off_fun", 0, "off");
        mock_report(m, 74, wm_odd, sizeof(wm_odd));
        assert_nut(m, "ever_workmode_fun", 0, "UNKNOWN");

        mock_report(m, 75, msg, sizeof(msg));
        assert_nut(m, "ever_messages_fun", 0, "BOOST CHARGING OVERHEAT");
        mock_report(m, 75, msg0, sizeof(msg0));
        assert_nut(m, "ever_messages_fun", 0, NULL);
        mock_report(m, 76, alarm, sizeof(alarm));
        assert_nut(m, "ever_alarms_fun", 0, "OVERLOAD OVERHEAT CRITICAL_BATT_VOLTAGE");

        /* no report at all / no way to read one */
        g_hash_table_remove_all(m->reports);
        g_assert_cmpint(to_nut(m, "ever_alarms_fun", 0, (char[8]) {}, 8), ==, -EIO);
        hid_conv_state_set_io(m->ctx.state, NULL);
        g_assert_cmpint(to_nut(m, "ever_mac_address_fun", 0, (char[8]) {}, 8), ==, -EOPNOTSUPP);
}

static void test_powercom_hack_voltage(void)
{
        g_autoptr(Mock) m = mock_new(0x0d9f, 0x0001, NULL);
        static const uint8_t good[] = { 0xa4, ' ', '1', '3', '.', '7', ' ', '2' };
        static const uint8_t later[] = { 0xa4, '1', '2', '.', '9', '0', 0, 0 };
        static const uint8_t nodot[] = { 0xa4, ' ', '1', '3', '7', ' ', '2', 0 };

        /* nothing readable: five tries, then nothing */
        assert_nut(m, "powercom_hack_voltage", 0, NULL);
        g_assert_cmpint(m->report_calls, ==, 5);
        mock_report(m, 0xa4, nodot, sizeof(nodot));
        assert_nut(m, "powercom_hack_voltage", 0, NULL);
        mock_report(m, 0xa4, good, sizeof(good));
        m->report_calls = 0;
        assert_nut(m, "powercom_hack_voltage", 0, "13.7");
        g_assert_cmpint(m->report_calls, ==, 1);
        /* later failures keep the last good value, with a single try */
        mock_report(m, 0xa4, nodot, sizeof(nodot));
        m->report_calls = 0;
        assert_nut(m, "powercom_hack_voltage", 0, "13.7");
        g_assert_cmpint(m->report_calls, ==, 1);
        mock_report(m, 0xa4, later, sizeof(later));
        assert_nut(m, "powercom_hack_voltage", 0, "12.90");
}

/* ---- every name of the facts is found, in its direction ---- */

static gchar **tsv_rows(const char *file)
{
        g_autofree gchar *path = g_build_filename(facts_dir, file, NULL), *text = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_true(g_file_get_contents(path, &text, NULL, &error));
        g_assert_no_error(error);
        return g_strsplit(text, "\n", -1);
}

static bool is_not_implemented(const char *name)
{
        for (size_t i = 0; i < G_N_ELEMENTS(not_implemented); i++)
                if (g_str_equal(not_implemented[i], name))
                        return true;
        return false;
}

static void test_facts_conversions(void)
{
        g_auto(GStrv) rows = NULL;
        unsigned n = 0, found = 0;

        if (!facts_dir) {
                g_test_skip("NUT_FACTS_DIR not set");
                return;
        }
        rows = tsv_rows("hid-conversions.tsv");
        g_assert_cmpstr(rows[0], ==, "function\tsubdriver\tdirection\tlookup_tables\tbehaviour\tstatus_tokens");
        for (char **r = rows + 1; *r && **r; r++) {
                g_auto(GStrv) f = g_strsplit(*r, "\t", -1);
                const HidConverter *cv = hid_converter_find(f[0]);

                n++;
                if (is_not_implemented(f[0])) {
                        g_assert_null(cv);
                        continue;
                }
                if (!cv)
                        g_error("%s (%s) is neither implemented nor listed as not implemented", f[0], f[1]);
                g_assert_cmpstr(cv->name, ==, f[0]);
                if (g_str_equal(f[2], "hid->nut"))
                        g_assert_true(cv->to_nut && !cv->to_hid);
                else
                        g_assert_true(cv->to_hid && !cv->to_nut && g_str_equal(f[2], "nut->hid"));
                found++;
        }
        g_assert_cmpuint(n, ==, 106);
        g_assert_cmpuint(found + G_N_ELEMENTS(not_implemented), ==, n);
        g_assert_null(hid_converter_find("no_such_fun"));
        g_assert_null(hid_converter_find(""));
        g_assert_null(hid_converter_find(NULL));
}

/* Every function a built lookup table names resolves (the driver depends on that). */
static void test_facts_lookups(void)
{
        g_auto(GStrv) rows = NULL;

        if (!facts_dir) {
                g_test_skip("NUT_FACTS_DIR not set");
                return;
        }
        rows = tsv_rows("hid-lookups.tsv");
        g_assert_true(g_str_has_prefix(rows[0], "table_name\thid_value\tnut_string\tconversion_function\t"
                                                "reverse_function\tused_as\tstatus_bit_token\tdefined_in\t"
                                                "build_condition"));
        for (char **r = rows + 1; *r && **r; r++) {
                g_auto(GStrv) f = g_strsplit(*r, "\t", -1);

                if (g_str_equal(f[8], "0"))
                        continue;
                if (*f[3] && !hid_converter_find(f[3]))
                        g_error("table %s: %s not found", f[0], f[3]);
                if (*f[4] && !hid_converter_find(f[4]))
                        g_error("table %s: %s not found", f[0], f[4]);
        }
}

/* ---- hostile inputs ---- */

/* Every hid->nut function of the facts, with a device that has everything they may ask for */
static Mock *mock_full(void)
{
        static const uint8_t r210[] = { 210, 1, 2, 3, 4, 5, 6 }, r74[] = { 74, 4 }, r75[] = { 75, 0xff, 0xff };
        static const uint8_t r76[] = { 76, 0xff, 0xff }, ra4[] = { 0xa4, '1', '3', '.', '7', 0, 0, 0 };
        static const uint8_t rip[] = { 0, 255, 255, 255, 255 }, rpk[] = { 0, 255, 255, 255, 255 };
        Mock *m = mock_new(0x0764, 0x0501,
                           "ups.load=100;ups.power.nominal=100000;output.voltage.nominal=230;"
                           "input.bypass.voltage=230;input.bypass.frequency=50;output.frequency.nominal=50;"
                           "battery.voltage.nominal=12;ups.date=2020/01/01;ups.time=00:00:00;"
                           "input.bypass.switch.on=disabled;input.eco.switchable=normal");
        uint8_t r[8];

        mock_report(m, 210, r210, sizeof(r210));
        mock_report(m, 74, r74, sizeof(r74));
        mock_report(m, 75, r75, sizeof(r75));
        mock_report(m, 76, r76, sizeof(r76));
        mock_report(m, 0xa4, ra4, sizeof(ra4));
        for (unsigned id = 211; id <= 232; id++) {
                memcpy(r, id >= 215 && id <= 218 ? rpk : rip, 5);
                r[0] = (uint8_t) id;
                mock_report(m, (uint8_t) id, r, 5);
        }
        for (unsigned i = 0; i < 256; i++)
                g_hash_table_insert(m->strings, GUINT_TO_POINTER(i), g_strnfill(200, 'S'));
        g_assert_cmpint(hid_conv_state_set_mge_model(m->ctx.state, "3S", "700", NULL), ==, 1);
        return m;
}

static gchar **facts_functions(const char *direction)
{
        g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func(g_free);
        g_auto(GStrv) rows = tsv_rows("hid-conversions.tsv");

        for (char **r = rows + 1; *r && **r; r++) {
                g_auto(GStrv) f = g_strsplit(*r, "\t", -1);

                if (g_str_equal(f[2], direction) && !is_not_implemented(f[0]))
                        g_ptr_array_add(a, g_strdup(f[0]));
        }
        g_ptr_array_add(a, NULL);
        return (gchar **) g_ptr_array_steal(a, NULL);
}

/* Functions whose output does not depend on the HID value */
static bool ignores_value(const char *name)
{
        if (g_str_has_prefix(name, "ever_") && !g_str_has_prefix(name, "ever_format"))
                return true;
        return g_str_equal(name, "powercom_hack_voltage") || g_str_equal(name, "eaton_compute_realpower_fun");
}

#define CANARY 0x5a

static void test_hostile_to_nut(void)
{
        static const double values[] = {
                NAN, INFINITY, -INFINITY, DBL_MAX, -DBL_MAX, 1e300, -1e300, 9.3e18, -9.3e18, 4294967296.0,
                -2147483649.0, DBL_MIN, -0.0, 0, 1, 0.5, 65535, 16777215, 1e-7,
        };
        static const size_t sizes[] = { 0, 1, 2, 3, 8, 64, 300 };
        g_auto(GStrv) names = NULL;

        if (!facts_dir) {
                g_test_skip("NUT_FACTS_DIR not set");
                return;
        }
        names = facts_functions("hid->nut");
        for (char **n = names; *n; n++)
                for (size_t v = 0; v < G_N_ELEMENTS(values); v++)
                        for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
                                g_autoptr(Mock) m = mock_full();
                                char buf[320];
                                int r;

                                memset(buf, CANARY, sizeof(buf));
                                r = to_nut(m, *n, values[v], buf, sizes[s]);
                                for (size_t i = sizes[s]; i < sizeof(buf); i++)
                                        if ((uint8_t) buf[i] != CANARY)
                                                g_error("%s(%g) size %zu wrote byte %zu", *n, values[v], sizes[s], i);
                                if (r > 0) {
                                        g_assert_cmpuint((size_t) r, <, sizes[s]);
                                        g_assert_cmpuint(strlen(buf), ==, (size_t) r);
                                        g_assert_null(strstr(buf, "nan"));
                                        g_assert_null(strstr(buf, "inf"));
                                } else if (r < 0 && sizes[s] > 0) {
                                        /* buf is left alone on failure */
                                        g_assert_cmpint((uint8_t) buf[0], ==, CANARY);
                                }
                                if (!isfinite(values[v]) && !ignores_value(*n) && r > 0)
                                        g_error("%s(%g) gave \"%s\"", *n, values[v], buf);
                        }
}

static void test_hostile_to_hid(void)
{
        g_autofree gchar *huge = g_strnfill(4096, '9');
        g_autofree gchar *longx = g_strnfill(300, 'x');
        const char *garbage[] = {
                "garbage", "12abc", "nan", "inf", "-inf", "1e999", "\xff\xfe", "0x10", "1e", "--1",
                "2020/01/01/01", "99999999999999999999/1/1", "2020//01", "1:2:3:4", huge, longx,
        };
        g_auto(GStrv) names = NULL;

        if (!facts_dir) {
                g_test_skip("NUT_FACTS_DIR not set");
                return;
        }
        names = facts_functions("nut->hid");
        for (char **n = names; *n; n++)
                for (size_t i = 0; i < G_N_ELEMENTS(garbage); i++) {
                        g_autoptr(Mock) m = mock_full();

                        /* a Pegasus model, so that the yes/no gate is open */
                        hid_conv_state_set_mge_model(m->ctx.state, "Protection Station", "500", NULL);
                        assert_hid_fails(m, *n, garbage[i], -EINVAL);
                }
}

static void add_cases(void)
{
        for (size_t i = 0; i < n_nut_cases; i++) {
                const NutCase *t = &nut_cases[i];
                g_autofree gchar *p = g_strdup_printf("/drivers/usbhid/hid-convert/to-nut/%s/%zu", t->fn, i);

                g_test_add_data_func(p, t, test_nut_case);
        }
        for (size_t i = 0; i < n_hid_cases; i++) {
                const HidCase *t = &hid_cases[i];
                g_autofree gchar *p = g_strdup_printf("/drivers/usbhid/hid-convert/to-hid/%s/%zu", t->fn, i);

                g_test_add_data_func(p, t, test_hid_case);
        }
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        /* mge's clock is local time; pin it */
        g_setenv("TZ", "UTC", TRUE);
        tzset();
        facts_dir = g_getenv("NUT_FACTS_DIR");
        if (facts_dir && !g_file_test(facts_dir, G_FILE_TEST_IS_DIR))
                facts_dir = NULL;

        add_cases();
        g_test_add_func("/drivers/usbhid/hid-convert/round-trip/dates", test_round_trip_dates);
        g_test_add_func("/drivers/usbhid/hid-convert/round-trip/mge-clock", test_round_trip_mge_clock);
        g_test_add_func("/drivers/usbhid/hid-convert/round-trip/powercom", test_round_trip_powercom);
        g_test_add_func("/drivers/usbhid/hid-convert/round-trip/mge-modes", test_round_trip_mge_modes);
        g_test_add_func("/drivers/usbhid/hid-convert/mge/abm", test_mge_abm);
        g_test_add_func("/drivers/usbhid/hid-convert/mge/models", test_mge_models);
        g_test_add_func("/drivers/usbhid/hid-convert/mge/nominal-voltage", test_mge_nominal_voltage);
        g_test_add_func("/drivers/usbhid/hid-convert/mge/eco-side-effects", test_mge_eco_side_effects);
        g_test_add_func("/drivers/usbhid/hid-convert/mge/converter-online", test_mge_converter_online_status);
        g_test_add_func("/drivers/usbhid/hid-convert/cps/latching", test_cps_latching);
        g_test_add_func("/drivers/usbhid/hid-convert/liebert/latching", test_liebert_latching);
        g_test_add_func("/drivers/usbhid/hid-convert/ever/reports", test_ever_reports);
        g_test_add_func("/drivers/usbhid/hid-convert/powercom/hack-voltage", test_powercom_hack_voltage);
        g_test_add_func("/drivers/usbhid/hid-convert/facts/conversions", test_facts_conversions);
        g_test_add_func("/drivers/usbhid/hid-convert/facts/lookups", test_facts_lookups);
        g_test_add_func("/drivers/usbhid/hid-convert/hostile/to-nut", test_hostile_to_nut);
        g_test_add_func("/drivers/usbhid/hid-convert/hostile/to-hid", test_hostile_to_hid);
        return g_test_run();
}
