/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups end to end: fake APC UPSes (umockdev, tests/usb/fake-ups.c) plugged into a
 * running nutd on a private system bus. The real libusb and libudev in nutd talk to them.
 * Checked: a ups.conf section claims its unit, an unknown one is auto-detected under its
 * stable name, the values match NUT's decoding of the real device (paths.tsv), a power
 * failure on the interrupt pipe reaches D-Bus within 100 ms, instant commands write the
 * right feature report, unplug/replug, and devices that stall, hang or answer garbage.
 *
 * Run as: with-system-bus.sh umockdev-wrapper test-usbhid
 * env: NUTD, NUT_HID_DIR (../shared/data/hid), NUT_FACTS_DIR, HUB_UMOCKDEV, UPSC (optional)
 */
#include <math.h>

#include "hid-parser.h"
#include "hid-path.h"
#include "hid-value.h"
#include "nutd-run.h"

#define CS500 APC_CS500
#define X750 APC_X750

typedef struct Fixture {
        NutdRun run;
        GBytes *cs500, *x750;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
        f->cs500 = nutd_read_file("NUT_HID_DIR", CS500 ".rdesc.bin");
        f->x750 = nutd_read_file("NUT_HID_DIR", X750 ".rdesc.bin");
        /* A section for the unit with serial FAKE0001 (it wins over auto-detection); quick polling */
        nutd_run_start(&f->run,
                       "[office]\n\tdriver = usbhid-ups\n\tport = auto\n\tserial = FAKE0001\n"
                       "\tpollinterval = 1\n\tpollfreq = 2\n",
                       "");
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
        nutd_run_stop(&f->run);
        g_bytes_unref(f->cs500);
        g_bytes_unref(f->x750);
}

/* The values NUT decoded from the real device (paths.tsv), through the apc mapping rows
 * (hid-mappings/apc.tsv) that take a plain number: the expectation is computed from the
 * facts here, not from nutd's tables. */
static GHashTable *expected_values(void)
{
        g_autofree char *paths = NULL, *rows = NULL, *pp = nutd_data_path("NUT_HID_DIR", CS500 ".paths.tsv"),
                        *rp = nutd_data_path("NUT_FACTS_DIR", "hid-mappings/apc.tsv");
        g_autoptr(GHashTable) value = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        GHashTable *want = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_auto(GStrv) pl = NULL, rl = NULL;

        g_assert_true(g_file_get_contents(pp, &paths, NULL, NULL));
        g_assert_true(g_file_get_contents(rp, &rows, NULL, NULL));
        pl = g_strsplit(paths, "\n", -1);
        for (char **l = pl + 1; *l && **l; l++) {
                g_auto(GStrv) c = g_strsplit(*l, "\t", -1);

                if (g_strv_length(c) >= 6 && g_str_equal(c[1], "Feature"))
                        g_hash_table_insert(value, g_strdup(c[0]), g_strdup(c[5]));
        }
        rl = g_strsplit(rows, "\n", -1);
        for (char **l = rl + 1; *l && **l; l++) {
                g_auto(GStrv) c = g_strsplit(*l, "\t", -1);
                const char *v;

                /* nut_name kind hid_path nut_flags str_len format hu_flags lookup tokens condition */
                if (g_strv_length(c) < 10 || !g_str_equal(c[1], "var") || *c[7] || *c[9] || strstr(c[6], "ABSENT"))
                        continue;
                v = g_hash_table_lookup(value, c[2]);
                if (!v || g_hash_table_contains(want, c[0]))
                        continue;
                g_hash_table_insert(want, g_strdup(c[0]), g_strdup_printf(c[5], g_ascii_strtod(v, NULL)));
        }
        return want;
}

static void test_values(Fixture *f, gconstpointer data)
{
        g_autoptr(FakeUps) u = nutd_fake_apc_plug(&f->run, 2, 1, "FAKE0001", f->cs500, CS500);
        g_autoptr(GHashTable) want = expected_values();
        g_autoptr(GVariant) all = NULL;
        g_autoptr(GVariant) dict = NULL;
        GHashTableIter it;
        gpointer k, v;

        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
        all = nutd_call(&f->run, "office", "GetVariables", NULL, NULL);
        g_assert_nonnull(all);
        dict = g_variant_get_child_value(all, 0);
        {
                g_autofree char *text = g_variant_print(dict, FALSE);

                g_test_message("%s", text);
        }
        g_assert_cmpuint(g_hash_table_size(want), >=, 6);
        g_hash_table_iter_init(&it, want);
        while (g_hash_table_iter_next(&it, &k, &v)) {
                const char *got = NULL;

                g_assert_true(g_variant_lookup(dict, k, "&s", &got));
                g_test_message("%s: %s (NUT: %s)", (char *) k, got, (char *) v);
                g_assert_cmpstr(got, ==, v);
        }
        {
                g_autofree char *s = nutd_get_var(&f->run, "office", "ups.status");
                g_autofree char *vid = nutd_get_var(&f->run, "office", "ups.vendorid");
                g_autofree char *mfr = nutd_get_var(&f->run, "office", "device.mfr");

                g_assert_cmpstr(s, ==, "OL");
                g_assert_cmpstr(vid, ==, "051d");
                g_assert_cmpstr(mfr, ==, "American Power Conversion");
        }
        /* The same over the NUT protocol, with NUT's own client */
        if (g_getenv("UPSC") && *g_getenv("UPSC")) {
                g_autofree char *cmd = g_strdup_printf("%s office@127.0.0.1:%u battery.charge", g_getenv("UPSC"),
                                                       f->run.port);
                g_autofree char *out = NULL;
                int status;

                g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
                g_assert_cmpstr(g_strstrip(out), ==, g_hash_table_lookup(want, "battery.charge"));
        }
}

typedef struct Watch {
        GMainLoop *loop;
        gint64 seen;
        gboolean want_ob;       /* wait for "OB DISCHRG", or for its end */
} Watch;

static void on_properties_changed(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                                  const char *signal, GVariant *params, gpointer userdata)
{
        Watch *w = userdata;
        g_autoptr(GVariant) changed = g_variant_get_child_value(params, 1);
        g_autofree const char **status = NULL;

        if (!g_variant_lookup(changed, "Status", "^a&s", &status))
                return;
        if (w->want_ob ? g_strv_contains(status, "OB") && g_strv_contains(status, "DISCHRG") :
                         g_strv_contains(status, "OL") && !g_strv_contains(status, "DISCHRG")) {
                w->seen = g_get_monotonic_time();
                g_main_loop_quit(w->loop);
        }
}

static gboolean on_watch_timeout(gpointer userdata)
{
        g_main_loop_quit(userdata);
        return G_SOURCE_CONTINUE;       /* removed by the caller */
}

static gboolean interrupt_urb_pending(const FakeUpsStats *s, gpointer userdata)
{
        return s->interrupt_urbs_pending > 0;
}

static int cmp_int64(const void *a, const void *b)
{
        gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

        return x < y ? -1 : x > y;
}

/* Interrupt reports "AC lost, discharging", then "AC back", five times: the time from the
 * report to PropertiesChanged with OB DISCHRG. The fake's plumbing (every URB is an ioctl
 * round trip to this process, and umockdev's nodes cannot be polled) adds to it; the median
 * must stay under 100 ms. */
static void test_power_failure(Fixture *f, gconstpointer data)
{
        g_autoptr(FakeUps) u = nutd_fake_apc_plug(&f->run, 2, 1, "FAKE0001", f->cs500, CS500);
        g_autofree char *path = nutd_object_path("office");
        static const guint8 ac_lost[] = { 0x13, 0x00 }, discharging[] = { 0x06, 0x00, 0x01, 0x08 };
        static const guint8 ac_back[] = { 0x13, 0x01 }, charging[] = { 0x06, 0x01, 0x00, 0x08 };
        Watch w = { .loop = g_main_loop_new(NULL, FALSE) };
        gint64 took[5];
        guint sub;

        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
        sub = g_dbus_connection_signal_subscribe(f->run.bus, NUTD_BUS_NAME, "org.freedesktop.DBus.Properties",
                                                 "PropertiesChanged", path, NUTD_DEVICE_IFACE, 0,
                                                 on_properties_changed, &w, NULL);
        /* Make sure the match is in place before the event */
        g_dbus_connection_call_sync(f->run.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                    "org.freedesktop.DBus", "GetId", NULL, NULL, 0, 1000, NULL, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(took); i++) {
                gint64 t0;
                guint timeout;

                g_assert_true(fake_ups_wait_stats(u, interrupt_urb_pending, NULL, 5000));
                w.want_ob = TRUE;
                w.seen = 0;
                t0 = g_get_monotonic_time();
                fake_ups_push_interrupt(u, ac_lost, sizeof ac_lost);
                fake_ups_push_interrupt(u, discharging, sizeof discharging);
                timeout = g_timeout_add(2000, on_watch_timeout, w.loop);
                g_main_loop_run(w.loop);
                g_source_remove(timeout);
                g_assert_cmpint(w.seen, >, 0);
                took[i] = w.seen - t0;
                g_test_message("interrupt report -> D-Bus OB DISCHRG: %.1f ms", took[i] / 1000.0);
                {
                        g_autofree char *s = nutd_get_var(&f->run, "office", "ups.status");

                        g_assert_cmpstr(s, ==, "OB DISCHRG");
                }
                w.want_ob = FALSE;
                w.seen = 0;
                fake_ups_push_interrupt(u, ac_back, sizeof ac_back);
                fake_ups_push_interrupt(u, charging, sizeof charging);
                timeout = g_timeout_add(2000, on_watch_timeout, w.loop);
                g_main_loop_run(w.loop);
                g_source_remove(timeout);
                g_assert_cmpint(w.seen, >, 0);
        }
        g_dbus_connection_signal_unsubscribe(f->run.bus, sub);
        g_main_loop_unref(w.loop);
        qsort(took, G_N_ELEMENTS(took), sizeof took[0], cmp_int64);
        g_test_message("median %.1f ms, max %.1f ms", took[2] / 1000.0, took[4] / 1000.0);
        g_assert_cmpint(took[2], <, 100 * 1000);
}

/* Neither real descriptor has UPS.Battery.Test: the CS 500's, with a Battery collection holding
 * a Test feature field (report 0x50) added before its last End Collection, as the mapping
 * table's row describes it */
static GBytes *cs500_with_test(GBytes *cs500)
{
        static const guint8 battery_test[] = {
                0x05, 0x84,             /* Usage Page (Power Device) */
                0x09, 0x12,             /* Usage (Battery) */
                0xa1, 0x00,             /* Collection (Physical) */
                0x85, 0x50,             /* Report ID (0x50) */
                0x09, 0x58,             /* Usage (Test) */
                0x15, 0x00, 0x25, 0x06, /* Logical Minimum 0, Maximum 6 */
                0x75, 0x08, 0x95, 0x01, /* Report Size 8, Count 1 */
                0xb1, 0x02,             /* Feature (Data, Variable, Absolute) */
                0xc0,                   /* End Collection */
        };
        return nutd_rdesc_add_items(cs500, battery_test, sizeof battery_test);
}

/* test.battery.start.quick writes 1 into the Test field's feature report */
static void test_instant_command(Fixture *f, gconstpointer data)
{
        g_autoptr(GBytes) rdesc = cs500_with_test(f->cs500);
        g_autoptr(FakeUps) u = NULL;
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autoptr(GBytes) last = NULL;
        static const guint8 idle[] = { 0x50, 0x00 };
        const HidField *field = NULL;
        const char *name = "apc-fake0050";
        gsize n;
        const guint8 *b = g_bytes_get_data(rdesc, &n);
        int64_t value;

        g_assert_cmpint(hid_descriptor_parse(b, n, 0, &d), >=, 0);
        g_assert_cmpint(hid_descriptor_find(d, hid_usage_table_find("apc"), "UPS.Battery.Test", HID_REPORT_FEATURE,
                                            &field), >=, 0);
        g_assert_cmpuint(field->report_id, ==, 0x50);
        u = nutd_fake_apc_plug(&f->run, 3, 2, "FAKE0050", rdesc, CS500);
        fake_ups_set_feature(u, 0x50, idle, sizeof idle);
        /* Not in ups.conf: auto-detected, named after its subdriver and serial */
        g_assert_true(nutd_wait_connection(&f->run, name, "connected", 10000));
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x50), ==, 0);
        r = nutd_call(&f->run, name, "InstantCommand", g_variant_new("(ss)", "test.battery.start.quick", ""), &e);
        g_assert_no_error(e);
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x50), ==, 1);
        last = fake_ups_get_last_set_report(u, 0x50);
        b = g_bytes_get_data(last, &n);
        g_assert_cmpuint(n, ==, 2);
        g_assert_cmpint(hid_field_extract(field, b, n, &value), >=, 0);
        g_assert_cmpint(value, ==, 1);
        /* An unknown command is refused without touching the device */
        g_clear_pointer(&r, g_variant_unref);
        r = nutd_call(&f->run, name, "InstantCommand", g_variant_new("(ss)", "no.such.command", ""), &e);
        g_assert_null(r);
        g_assert_nonnull(e);
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x50), ==, 1);
}

static void test_unplug_replug(Fixture *f, gconstpointer data)
{
        g_autoptr(FakeUps) u = nutd_fake_apc_plug(&f->run, 2, 1, "FAKE0001", f->cs500, CS500);
        g_autoptr(FakeUps) twin = NULL;
        gint64 t0;

        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
        t0 = g_get_monotonic_time();
        fake_ups_unplug(u);
        g_assert_true(nutd_wait_connection(&f->run, "office", "disconnected", 2000));
        g_test_message("unplug -> disconnected: %.0f ms", (g_get_monotonic_time() - t0) / 1000.0);
        {
                /* still there, with its last values */
                g_autofree char *s = nutd_get_var(&f->run, "office", "battery.charge");

                g_assert_cmpstr(s, ==, "100");
        }
        g_assert_true(fake_ups_plug(u, NULL));
        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
        /* Two identical units: the second (same model, another serial) gets a name of its own */
        twin = nutd_fake_apc_plug(&f->run, 4, 3, "FAKE0002", f->cs500, CS500);
        g_assert_true(nutd_wait_connection(&f->run, "apc-fake0002", "connected", 10000));
        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 1000));
        /* Pull the twin in the middle of its polling: the other one is not affected */
        fake_ups_unplug(twin);
        g_assert_true(nutd_wait_connection(&f->run, "apc-fake0002", "disconnected", 2000));
        g_assert_true(nutd_wait_var(&f->run, "office", "battery.charge", "100", 3000));
        g_assert_true(fake_ups_plug(twin, NULL));
        g_assert_true(nutd_wait_connection(&f->run, "apc-fake0002", "connected", 10000));
}

static void test_faults(Fixture *f, gconstpointer data)
{
        g_autoptr(FakeUps) u = nutd_fake_apc_plug(&f->run, 2, 1, "FAKE0001", f->cs500, CS500);
        static const guint8 low[] = { 0x0c, 0x1e, 0x00, 0x00, 0x14, 0x0a };

        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
        /* Stalls on every request: stale, then back once it answers again */
        fake_ups_set_fault(u, FAKE_UPS_STALL);
        g_assert_true(nutd_wait_connection(&f->run, "office", "stale", 10000));
        fake_ups_set_fault(u, FAKE_UPS_OK);
        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 40000));
        /* Stops answering: the transfers time out, stale, then recovery */
        fake_ups_set_fault(u, FAKE_UPS_HANG);
        g_assert_true(nutd_wait_connection(&f->run, "office", "stale", 30000));
        fake_ups_set_fault(u, FAKE_UPS_OK);
        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 40000));
        /* Short replies and garbage: nutd keeps running, and reads right again afterwards */
        fake_ups_set_fault(u, FAKE_UPS_SHORT_REPORTS);
        g_usleep(3 * G_USEC_PER_SEC);
        fake_ups_set_fault(u, FAKE_UPS_GARBAGE);
        g_usleep(3 * G_USEC_PER_SEC);
        fake_ups_set_fault(u, FAKE_UPS_OK);
        fake_ups_set_feature(u, 0x0c, low, sizeof low);
        g_assert_true(nutd_wait_var(&f->run, "office", "battery.charge", "30", 40000));
        g_assert_true(nutd_wait_connection(&f->run, "office", "connected", 10000));
}

int main(int argc, char *argv[])
{
        if (!nutd_run_test_init(&argc, &argv))
                return 77;
        g_test_add("/usbhid/values", Fixture, NULL, fixture_setup, test_values, fixture_teardown);
        g_test_add("/usbhid/power-failure-100ms", Fixture, NULL, fixture_setup, test_power_failure, fixture_teardown);
        g_test_add("/usbhid/instant-command", Fixture, NULL, fixture_setup, test_instant_command, fixture_teardown);
        g_test_add("/usbhid/unplug-replug-two-units", Fixture, NULL, fixture_setup, test_unplug_replug,
                   fixture_teardown);
        g_test_add("/usbhid/faults", Fixture, NULL, fixture_setup, test_faults, fixture_teardown);
        return g_test_run();
}
