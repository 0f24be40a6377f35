/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd-killpower, the systemd-shutdown hook, against fake APC UPSes (umockdev, fake-ups.c):
 * with the kill-power flag and "poweroff" it opens the USB UPS with the usbhid driver linked
 * in (no daemon), and writes the delays NUT's kill-power order chooses into the right feature
 * reports: shutdown.return (DelayBeforeStartup = ondelay, then DelayBeforeShutdown = offdelay)
 * where the UPS has both delays, else shutdown.reboot (as the real CS 500). Without the flag, or on reboot,
 * it touches nothing; a UPS that stalls makes it fail (exit 1) in bounded time.
 *
 * Run as: umockdev-wrapper test-killpower
 * env: KILLPOWER, NUT_HID_DIR (../shared/data/hid), HUB_UMOCKDEV
 */
#include <gio/gio.h>
#include <umockdev.h>

#include "hid-parser.h"
#include "hid-path.h"
#include "hid-value.h"
#include "nutd-run.h"

typedef struct Fixture {
        UMockdevTestbed *tb;
        char *dir, *flag;
} Fixture;

static void write_file(const char *dir, const char *name, const char *text)
{
        g_autofree char *p = g_build_filename(dir, name, NULL);

        g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) e = NULL;

        f->tb = umockdev_testbed_new();
        g_assert_true(umockdev_testbed_add_from_file(f->tb, g_getenv("HUB_UMOCKDEV"), &e));
        g_assert_no_error(e);
        f->dir = g_dir_make_tmp("nutd-killpower-XXXXXX", &e);
        g_assert_no_error(e);
        f->flag = g_build_filename(f->dir, "killpower", NULL);
        write_file(f->dir, "upsd.conf", "");
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
        g_autofree char *rm = g_strdup_printf("rm -rf %s", f->dir);

        g_object_unref(f->tb);
        g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
        g_free(f->flag);
        g_free(f->dir);
}

/* The X 750 has shutdown and reboot delays but no startup delay (so no shutdown.return): its
 * descriptor with a second PowerSummary collection holding a DelayBeforeStartup feature field
 * (report 0x50, 16 bits) added before its last End Collection */
static GBytes *x750_with_startup_delay(GBytes *x750)
{
        static const guint8 startup[] = {
                0x05, 0x84,                     /* Usage Page (Power Device) */
                0x09, 0x24,                     /* Usage (PowerSummary) */
                0xa1, 0x00,                     /* Collection (Physical) */
                0x85, 0x50,                     /* Report ID (0x50) */
                0x09, 0x56,                     /* Usage (DelayBeforeStartup) */
                0x16, 0x00, 0x80,               /* Logical Minimum -32768 */
                0x26, 0xff, 0x7f,               /* Logical Maximum 32767 */
                0x75, 0x10, 0x95, 0x01,         /* Report Size 16, Count 1 */
                0x66, 0x01, 0x10,               /* Unit (seconds) */
                0xb1, 0x02,                     /* Feature (Data, Variable, Absolute) */
                0xc0,                           /* End Collection */
        };

        return nutd_rdesc_add_items(x750, startup, sizeof startup);
}

/* A fake unit of this model, plugged in, and its descriptor as parsed */
static FakeUps *plug(Fixture *f, const char *model, const char *serial, HidDescriptor **ret_desc)
{
        g_autofree char *name = g_strconcat(model, ".rdesc.bin", NULL);
        g_autoptr(GBytes) rdesc = nutd_read_file("NUT_HID_DIR", name);
        NutdRun run = { .tb = f->tb };
        gsize n;
        const guint8 *b;

        if (g_str_equal(model, APC_X750)) {
                GBytes *more = x750_with_startup_delay(rdesc);

                g_bytes_unref(rdesc);
                rdesc = more;
        }
        b = g_bytes_get_data(rdesc, &n);
        g_assert_cmpint(hid_descriptor_parse(b, n, HID_PARSE_BEST_EFFORT, ret_desc), >=, 0);
        return nutd_fake_apc_plug(&run, 2, 1, serial, rdesc, model);
}

/* The delay field the apc rows use for 'usage' (DelayBeforeStartup, ...): the first of their
 * three places that this descriptor has, as the mapping table orders them */
static const HidField *delay_field(const HidDescriptor *d, const char *usage)
{
        static const char *const where[] = { "UPS.PowerSummary", "UPS.Output", "UPS.APCGeneralCollection" };
        const HidUsageTable *apc = hid_usage_table_find("apc");

        for (size_t i = 0; i < G_N_ELEMENTS(where); i++) {
                g_autofree char *path = g_strdup_printf("%s.%s%s", where[i], i == 2 ? "APC" : "", usage);
                const HidField *field = NULL;

                if (hid_descriptor_find(d, apc, path, HID_REPORT_FEATURE, &field) >= 0)
                        return field;
        }
        return NULL;
}

/* The value (in the field's unit, with NUT's exponent rules) of the last SET_REPORT into this
 * field, or -1 if its report was never written */
static double last_written(FakeUps *u, const HidField *field)
{
        g_autoptr(GBytes) last = fake_ups_get_last_set_report(u, field->report_id);
        const guint8 *b;
        double v;
        gsize n;

        if (!last)
                return -1;
        b = g_bytes_get_data(last, &n);
        g_assert_cmpint(hid_field_get_value(field, b, n, &v), >=, 0);
        return v;
}

static guint set_reports(FakeUps *u)
{
        guint n = 0;

        for (unsigned id = 0; id < 256; id++)
                n += fake_ups_set_report_count(u, id);
        return n;
}

/* Runs nutd-killpower as systemd-shutdown would; returns its exit status, *ret_log its output */
static int killpower(Fixture *f, const char *verb, char **ret_log, double *ret_seconds)
{
        const char *argv[] = { g_getenv("KILLPOWER"), "--config-dir", f->dir, "--flag", f->flag, verb, NULL };
        g_autoptr(GError) e = NULL;
        g_autofree char *out = NULL, *err = NULL;
        gint64 t0 = g_get_monotonic_time();
        int status;

        /* a child of the testbed process: it inherits UMOCKDEV_DIR and the preload */
        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &e));
        g_assert_no_error(e);
        if (ret_seconds)
                *ret_seconds = (g_get_monotonic_time() - t0) / (double) G_USEC_PER_SEC;
        g_test_message("nutd-killpower %s: %s%s", verb, out, err);
        *ret_log = g_strconcat(out, err, NULL);
        g_assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

/* A ups.conf section claims the X 750 (with a startup delay) by serial: shutdown.return, with
 * the section's ondelay and offdelay */
static void test_section_shutdown_return(Fixture *f, gconstpointer data)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(FakeUps) u = NULL;
        g_autofree char *log = NULL;
        const HidField *start, *stop;
        double took;

        write_file(f->dir, "ups.conf", "[rack]\n\tdriver = usbhid-ups\n\tport = auto\n\tserial = FAKE0750\n"
                                       "\tondelay = 40\n\toffdelay = 25\n");
        write_file(f->dir, "nutd.conf", "AUTODETECT no\n");
        write_file(f->dir, "killpower", "");
        u = plug(f, APC_X750, "FAKE0750", &d);
        start = delay_field(d, "DelayBeforeStartup");
        stop = delay_field(d, "DelayBeforeShutdown");
        g_assert_nonnull(start);
        g_assert_nonnull(stop);
        g_assert_cmpuint(start->report_id, ==, 0x50);
        g_assert_cmpuint(stop->report_id, ==, 0x12);
        g_assert_cmpint(killpower(f, "poweroff", &log, &took), ==, 0);
        g_test_message("kill-power took %.2f s", took);
        g_assert_nonnull(strstr(log, "rack: kill-power sent"));
        g_assert_nonnull(strstr(log, "rack: kill-power acknowledged"));
        g_assert_nonnull(strstr(log, "kill-power with shutdown.return"));
        g_assert_cmpfloat(last_written(u, start), ==, 40);
        g_assert_cmpfloat(last_written(u, stop), ==, 25);
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x50), ==, 1);
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x12), ==, 1);
        g_assert_cmpuint(set_reports(u), ==, 2);
        g_assert_cmpfloat(took, <, 5.0);
}

/* The UPS refuses the first command's write (it stalls the startup delay's report): as NUT,
 * the next command of the order is tried, and that one is taken */
static void test_fallback_after_refusal(Fixture *f, gconstpointer data)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(FakeUps) u = NULL;
        g_autofree char *log = NULL;
        const HidField *reboot;

        write_file(f->dir, "ups.conf", "[rack]\n\tdriver = usbhid-ups\n\tport = auto\n\tserial = FAKE0750\n");
        write_file(f->dir, "killpower", "");
        u = plug(f, APC_X750, "FAKE0750", &d);
        fake_ups_set_feature(u, 0x50, NULL, 0);         /* unknown to the device: it stalls */
        reboot = delay_field(d, "DelayBeforeReboot");
        g_assert_nonnull(reboot);
        g_assert_cmpint(killpower(f, "poweroff", &log, NULL), ==, 0);
        g_assert_nonnull(strstr(log, "kill-power with shutdown.return"));
        g_assert_nonnull(strstr(log, "kill-power command failed"));
        g_assert_nonnull(strstr(log, "kill-power with shutdown.reboot"));
        g_assert_nonnull(strstr(log, "rack: kill-power acknowledged"));
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x50), ==, 1);   /* refused */
        g_assert_cmpuint(fake_ups_set_report_count(u, 0x12), ==, 0);   /* the sequence stopped there */
        g_assert_cmpfloat(last_written(u, reboot), ==, 10);
}

/* No section: with auto-detection (the default) the CS 500 is found as nutd would find it.
 * It has only APC's own reboot delay, so shutdown.reboot: the apc row's 10 s */
static void test_autodetect_shutdown_reboot(Fixture *f, gconstpointer data)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(FakeUps) u = NULL;
        g_autofree char *log = NULL;
        const HidField *reboot;

        write_file(f->dir, "ups.conf", "");
        write_file(f->dir, "killpower", "");
        u = plug(f, APC_CS500, "FAKE0500", &d);
        g_assert_null(delay_field(d, "DelayBeforeStartup"));
        g_assert_null(delay_field(d, "DelayBeforeShutdown"));
        reboot = delay_field(d, "DelayBeforeReboot");
        g_assert_nonnull(reboot);
        g_assert_cmpuint(reboot->report_id, ==, 0x40);
        g_assert_cmpint(killpower(f, "halt", &log, NULL), ==, 0);
        g_assert_nonnull(strstr(log, "apc-fake0500: kill-power acknowledged"));
        g_assert_nonnull(strstr(log, "kill-power with shutdown.reboot"));
        /* The field declares 0..1, NUT writes the value as it is (and so does nutd); reading it
         * back through the declared range would say 1, so the check is on the bytes */
        {
                g_autoptr(GBytes) last = fake_ups_get_last_set_report(u, 0x40);
                static const guint8 want[] = { 0x40, 10 };

                g_assert_nonnull(last);
                g_assert_cmpmem(g_bytes_get_data(last, NULL), g_bytes_get_size(last), want, sizeof want);
        }
        g_assert_cmpuint(set_reports(u), ==, 1);
}

/* Not a power-failure shutdown (no flag), or a reboot: the UPS is not even opened */
static void test_nothing_without_flag(Fixture *f, gconstpointer data)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(FakeUps) u = NULL;
        g_autofree char *log1 = NULL, *log2 = NULL;
        FakeUpsStats s;

        write_file(f->dir, "ups.conf", "");
        u = plug(f, APC_CS500, "FAKE0001", &d);
        g_assert_cmpint(killpower(f, "poweroff", &log1, NULL), ==, 0);
        write_file(f->dir, "killpower", "");
        g_assert_cmpint(killpower(f, "reboot", &log2, NULL), ==, 0);
        fake_ups_get_stats(u, &s);
        g_assert_cmpuint(s.control_transfers, ==, 0);
        g_assert_cmpuint(s.open_clients, ==, 0);
}

/* A UPS that stalls every request: an error in the log, and the hook ends in bounded time
 * (systemd-shutdown waits for it) */
static void test_stalled_ups(Fixture *f, gconstpointer data)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        g_autoptr(FakeUps) u = NULL;
        g_autofree char *log = NULL;
        double took;

        write_file(f->dir, "ups.conf", "");
        write_file(f->dir, "killpower", "");
        u = plug(f, APC_CS500, "FAKE0001", &d);
        fake_ups_set_fault(u, FAKE_UPS_STALL);
        g_assert_cmpint(killpower(f, "poweroff", &log, &took), ==, 1);
        g_test_message("gave up after %.1f s", took);
        g_assert_nonnull(strstr(log, "apc-fake0001: cannot send kill-power"));
        g_assert_null(strstr(log, "kill-power sent"));
        g_assert_cmpfloat(took, <, 25.0);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        if (!g_getenv("KILLPOWER") || !g_getenv("LD_PRELOAD")) {
                g_test_message("needs umockdev-wrapper and KILLPOWER");
                return 77;
        }
        g_test_add("/killpower/section/shutdown-return", Fixture, NULL, fixture_setup, test_section_shutdown_return,
                   fixture_teardown);
        g_test_add("/killpower/section/fallback-after-refusal", Fixture, NULL, fixture_setup,
                   test_fallback_after_refusal, fixture_teardown);
        g_test_add("/killpower/autodetect/shutdown-reboot", Fixture, NULL, fixture_setup,
                   test_autodetect_shutdown_reboot, fixture_teardown);
        g_test_add("/killpower/no-flag-or-reboot", Fixture, NULL, fixture_setup, test_nothing_without_flag,
                   fixture_teardown);
        g_test_add("/killpower/stalled-ups", Fixture, NULL, fixture_setup, test_stalled_ups, fixture_teardown);
        return g_test_run();
}
