/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups writes end to end: SetVariable and InstantCommand over D-Bus, SET VAR and INSTCMD
 * with NUT's upsrw/upscmd, down to the exact SET_REPORT bytes a fake APC Smart-UPS X 750 (its
 * real report descriptor, tests/usb/fake-ups.c) receives, in order and with their timing:
 * NUT's command fallbacks, the shutdown.return/stayoff sequences, refused values that must not
 * reach the device, and a device that stalls or hangs during a write.
 *
 * Run as: with-system-bus.sh umockdev-wrapper test-usbhid-write
 * env: NUTD, NUT_HID_DIR (../shared/data/hid), HUB_UMOCKDEV, UPSC/UPSRW/UPSCMD (optional)
 */
#include "hid-parser.h"
#include "hid-path.h"
#include "hid-usage.h"
#include "nutd-run.h"

#define UPS "office"
#define INVALID NUTD_ERROR_PREFIX "InvalidValue"
#define READ_ONLY NUTD_ERROR_PREFIX "ReadOnly"
#define UNKNOWN_VAR NUTD_ERROR_PREFIX "UnknownVariable"
#define UNKNOWN_CMD NUTD_ERROR_PREFIX "UnknownCommand"
#define TOO_LONG NUTD_ERROR_PREFIX "TooLong"

typedef struct Fixture {
        NutdRun run;
        GBytes *x750;
        FakeUps *ups;
} Fixture;

/* Feature reports of the X 750 (fields from its descriptor, see fixture_check_fields) */
enum {
        REP_RUNTIME_LOW = 0x08,         /* UPS.PowerSummary.RemainingTimeLimit: 24 bits, 120..1380 s */
        REP_CHARGE_LOW = 0x11,          /* UPS.PowerSummary.RemainingCapacityLimit: 8 bits, 0..100 % */
        REP_DELAY_SHUTDOWN = 0x12,      /* UPS.PowerSummary.DelayBeforeShutdown: 16 bits, -1..32767 s */
        REP_DELAY_REBOOT = 0x13,        /* UPS.PowerSummary.DelayBeforeReboot: 24 bits, -1..1295640 s */
        REP_BEEPER = 0x14,              /* UPS.PowerSummary.AudibleAlarmControl: 8 bits, 1..3 */
        /* added: UPS.PowerSummary.DelayBeforeStartup, 16 bits, -1..32767 s, then, in the same
         * report, UPS.Input.HighVoltageTransfer, 16 bits, 0..400 V */
        REP_STARTUP_TRANSFER = 0x15,
};

/*
 * The X 750 has no DelayBeforeStartup, so neither load.on nor shutdown.return/stayoff: this
 * variant adds it, and UPS.Input.HighVoltageTransfer (input.transfer.high, in volts: Unit Volt
 * with exponent 7), as two collections before the descriptor's last End Collection (the UPS).
 * Both fields are in one report, so a write into one must keep the other.
 */
static GBytes *x750_with_startup(GBytes *x750)
{
        static const guint8 extra[] = {
                0x05, 0x84,                     /* Usage Page (Power Device) */
                0x09, 0x24,                     /* Usage (PowerSummary) */
                0xa1, 0x00,                     /* Collection (Physical) */
                0x85, REP_STARTUP_TRANSFER,     /* Report ID */
                0x09, 0x56,                     /* Usage (DelayBeforeStartup) */
                0x15, 0xff, 0x26, 0xff, 0x7f,   /* Logical Minimum -1, Maximum 32767 */
                0x66, 0x01, 0x10, 0x55, 0x00,   /* Unit (second), Unit Exponent 0 */
                0x75, 0x10, 0x95, 0x01,         /* Report Size 16, Count 1 */
                0xb1, 0x02,                     /* Feature (Data, Variable, Absolute) */
                0xc0,                           /* End Collection */
                0x09, 0x1a,                     /* Usage (Input) */
                0xa1, 0x00,                     /* Collection (Physical) */
                0x85, REP_STARTUP_TRANSFER,     /* Report ID: the same, bits 16..31 */
                0x09, 0x54,                     /* Usage (HighVoltageTransfer) */
                0x15, 0x00, 0x26, 0x90, 0x01,   /* Logical Minimum 0, Maximum 400 */
                0x67, 0x21, 0xd1, 0xf0, 0x00,   /* Unit (volt) */
                0x55, 0x07,                     /* Unit Exponent 7 */
                0x75, 0x10, 0x95, 0x01,         /* Report Size 16, Count 1 */
                0xb1, 0x02,                     /* Feature (Data, Variable, Absolute) */
                0xc0,                           /* End Collection */
        };
        return nutd_rdesc_add_items(x750, extra, sizeof extra);
}

/* The report layout the expected bytes below assume, checked against the descriptor */
static void check_fields(GBytes *rdesc)
{
        static const struct {
                const char *path;
                guint8 id;
                guint32 offset, bits;
                gint64 min, max;
        } fields[] = {
                { "UPS.PowerSummary.RemainingTimeLimit", REP_RUNTIME_LOW, 0, 24, 120, 1380 },
                { "UPS.PowerSummary.RemainingCapacityLimit", REP_CHARGE_LOW, 0, 8, 0, 100 },
                { "UPS.PowerSummary.DelayBeforeShutdown", REP_DELAY_SHUTDOWN, 0, 16, -1, 32767 },
                { "UPS.PowerSummary.DelayBeforeReboot", REP_DELAY_REBOOT, 0, 24, -1, 1295640 },
                { "UPS.PowerSummary.AudibleAlarmControl", REP_BEEPER, 0, 8, 1, 3 },
                { "UPS.PowerSummary.DelayBeforeStartup", REP_STARTUP_TRANSFER, 0, 16, -1, 32767 },
                { "UPS.Input.HighVoltageTransfer", REP_STARTUP_TRANSFER, 16, 16, 0, 400 },
        };
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        gsize n;
        const guint8 *b = g_bytes_get_data(rdesc, &n);

        g_assert_cmpint(hid_descriptor_parse(b, n, HID_PARSE_BEST_EFFORT, &d), >=, 0);
        for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
                const HidField *f = NULL;

                g_assert_cmpint(hid_descriptor_find(d, hid_usage_table_find("apc"), fields[i].path, HID_REPORT_FEATURE,
                                                    &f), >=, 0);
                g_assert_cmpuint(f->report_id, ==, fields[i].id);
                g_assert_cmpuint(f->bit_offset, ==, fields[i].offset);
                g_assert_cmpuint(f->bit_size, ==, fields[i].bits);
                g_assert_cmpint(f->logical_min, ==, fields[i].min);
                g_assert_cmpint(f->logical_max, ==, fields[i].max);
        }
}

/* The X 750 on line, full, with thresholds, delays (-1: none counting) and beeper (enabled) set */
static void x750_plug(Fixture *f, GBytes *rdesc)
{
        static const struct {
                gsize n;
                guint8 bytes[5];
        } reports[] = {
                { 3, { 0x07, 0x0c, 0x00 } },    /* PresentStatus: ACPresent, BatteryPresent */
                { 2, { 0x0c, 100 } },           /* RemainingCapacity */
                { 4, { REP_RUNTIME_LOW, 120, 0, 0 } },
                { 2, { REP_CHARGE_LOW, 10 } },
                { 3, { REP_DELAY_SHUTDOWN, 0xff, 0xff } },
                { 4, { REP_DELAY_REBOOT, 0xff, 0xff, 0xff } },
                { 2, { REP_BEEPER, 2 } },
                { 5, { REP_STARTUP_TRANSFER, 0xff, 0xff, 0xfd, 0x00 } },       /* -1 s, 253 V */
        };
        g_autoptr(GBytes) full = x750_with_startup(f->x750);
        g_autoptr(GError) e = NULL;

        check_fields(full);
        f->ups = nutd_fake_apc_new(&f->run, 2, 1, "FAKE0001", rdesc, APC_X750);
        for (size_t i = 0; i < G_N_ELEMENTS(reports); i++) {
                g_autoptr(GBytes) present = fake_ups_get_feature(f->ups, reports[i].bytes[0]);

                if (present)
                        fake_ups_set_feature(f->ups, reports[i].bytes[0], reports[i].bytes, reports[i].n);
        }
        g_assert_true(fake_ups_plug(f->ups, &e));
        g_assert_no_error(e);
        g_assert_true(nutd_wait_connection(&f->run, UPS, "connected", 10000));
        /* The first full reading is published */
        g_assert_true(nutd_wait_var(&f->run, UPS, "battery.charge.low", "10", 5000));
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
        f->x750 = nutd_read_file("NUT_HID_DIR", APC_X750 ".rdesc.bin");
        nutd_run_start(&f->run,
                       "[" UPS "]\n\tdriver = usbhid-ups\n\tport = auto\n\tserial = FAKE0001\n"
                       "\tpollinterval = 1\n\tpollfreq = 2\n",
                       "[admin]\n\tpassword = mypass\n\tactions = SET\n\tinstcmds = ALL\n");
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
        /* before the testbed goes */
        g_clear_pointer(&f->ups, fake_ups_free);
        nutd_run_stop(&f->run);
        g_bytes_unref(f->x750);
}

/* The SET_REPORTs since the last call as hex, "11 19|12 14 00"; their arrival times if asked */
static char *take_writes(Fixture *f, GArray **ret_times)
{
        g_autoptr(GPtrArray) log = fake_ups_take_set_reports(f->ups);
        GString *s = g_string_new(NULL);

        if (ret_times)
                *ret_times = g_array_new(FALSE, FALSE, sizeof(gint64));
        for (guint i = 0; i < log->len; i++) {
                const FakeUpsSetReport *w = log->pdata[i];
                gsize n;
                const guint8 *b = g_bytes_get_data(w->bytes, &n);

                if (i > 0)
                        g_string_append_c(s, '|');
                for (gsize k = 0; k < n; k++)
                        g_string_append_printf(s, k ? " %02x" : "%02x", b[k]);
                if (ret_times)
                        g_array_append_val(*ret_times, w->time);
        }
        return g_string_free(s, FALSE);
}

/* SetVariable or InstantCommand; NULL on success, else the D-Bus error name */
static char *device_op(Fixture *f, const char *method, const char *a, const char *b, gint64 *ret_usec)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) r = NULL;
        gint64 t0 = g_get_monotonic_time();

        r = nutd_call(&f->run, UPS, method, g_variant_new("(ss)", a, b), &e);
        if (ret_usec)
                *ret_usec = g_get_monotonic_time() - t0;
        if (r)
                return NULL;
        g_test_message("%s(%s, %s): %s", method, a, b, e->message);
        return g_dbus_error_get_remote_error(e);
}

typedef struct OpCase {
        const char *method, *a, *b;
        const char *error;      /* NULL: succeeds */
        const char *writes;     /* what the device receives, as take_writes() prints it */
} OpCase;

static void check_ops(Fixture *f, const OpCase *cases, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const OpCase *c = &cases[i];
                g_autofree char *before = take_writes(f, NULL), *err = NULL, *writes = NULL;
                gint64 usec;

                err = device_op(f, c->method, c->a, c->b, &usec);
                writes = take_writes(f, NULL);
                g_test_message("%s(%s, %s) -> %s, wrote [%s], %.1f ms", c->method, c->a, c->b,
                               err ? err : "ok", writes, usec / 1000.0);
                g_assert_cmpstr(err, ==, c->error);
                g_assert_cmpstr(writes, ==, c->writes);
        }
}

/* The device's Commands property: has every command of 'have' (space-separated), none of 'lack' */
static void check_commands(Fixture *f, const char *have, const char *lack)
{
        g_autoptr(GVariant) v = nutd_get_property(&f->run, UPS, "Commands");
        g_autofree const char **cmds = NULL;
        g_auto(GStrv) h = g_strsplit(have, " ", -1), l = g_strsplit(lack, " ", -1);

        g_assert_nonnull(v);
        cmds = g_variant_get_strv(v, NULL);
        for (char **c = h; *c; c++)
                g_assert_true(g_strv_contains(cmds, *c));
        for (char **c = l; *c; c++)
                g_assert_false(g_strv_contains(cmds, *c));
}

/* Each RW variable the X 750 has: the report written, and the value read back after it */
static void test_setvar(Fixture *f, gconstpointer data)
{
        static const OpCase cases[] = {
                { "SetVariable", "battery.charge.low", "25", NULL, "11 19" },
                { "SetVariable", "battery.runtime.low", "300", NULL, "08 2c 01 00" },
                { "SetVariable", "battery.runtime.low", "1380", NULL, "08 64 05 00" },
                /* server-side (ABSENT) variables: kept by nutd, nothing written */
                { "SetVariable", "ups.delay.shutdown", "45", NULL, "" },
                { "SetVariable", "ups.delay.start", "60", NULL, "" },
                /* in volts through the unit exponent */
                { "SetVariable", "input.transfer.high", "264", NULL, "15 ff ff 08 01" },
        };
        static const char *const back[][2] = {
                { "battery.charge.low", "25" },
                { "battery.runtime.low", "1380" },
                { "ups.delay.shutdown", "45" },
                { "ups.delay.start", "60" },
                { "input.transfer.high", "264" },
        };
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);
        gint64 set_usec, t0;

        x750_plug(f, rdesc);
        {
                g_autofree char *h = nutd_get_var(&f->run, UPS, "input.transfer.high");

                g_assert_cmpstr(h, ==, "253");
        }
        check_ops(f, cases, G_N_ELEMENTS(cases));
        for (size_t i = 0; i < G_N_ELEMENTS(back); i++)
                g_assert_true(nutd_wait_var(&f->run, UPS, back[i][0], back[i][1], 5000));

        /* Round trip of one SetVariable, and until the value is read back from the device */
        g_free(take_writes(f, NULL));
        t0 = g_get_monotonic_time();
        g_assert_null(device_op(f, "SetVariable", "battery.charge.low", "40", &set_usec));
        g_assert_true(nutd_wait_var(&f->run, UPS, "battery.charge.low", "40", 5000));
        g_test_message("SetVariable round trip %.1f ms, read back after %.1f ms", set_usec / 1000.0,
                       (g_get_monotonic_time() - t0) / 1000.0);
        {
                g_autofree char *w = take_writes(f, NULL);

                g_assert_cmpstr(w, ==, "11 28");
        }
        g_assert_cmpint(set_usec, <, 1000 * 1000);
}

/* Values the device cannot take, read-only and unknown variables: an error, nothing written */
static void test_setvar_refused(Fixture *f, gconstpointer data)
{
        static const OpCase cases[] = {
                { "SetVariable", "battery.charge.low", "101", INVALID, "" },        /* above LogMax */
                { "SetVariable", "battery.charge.low", "300", INVALID, "" },        /* not even 8 bits */
                { "SetVariable", "battery.charge.low", "-1", INVALID, "" },
                { "SetVariable", "battery.charge.low", "ten", INVALID, "" },
                { "SetVariable", "battery.charge.low", "", INVALID, "" },
                { "SetVariable", "battery.charge.low", "12345678901", TOO_LONG, "" },       /* STRING:10 */
                { "SetVariable", "battery.runtime.low", "60", INVALID, "" },        /* below LogMin */
                { "SetVariable", "ups.delay.shutdown", "40000", INVALID, "" },      /* the delay field's range */
                { "SetVariable", "ups.delay.shutdown", "soon", INVALID, "" },
                { "SetVariable", "battery.charge", "50", READ_ONLY, "" },
                { "SetVariable", "ups.beeper.status", "disabled", READ_ONLY, "" },
                { "SetVariable", "no.such.variable", "1", UNKNOWN_VAR, "" },
        };
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);

        x750_plug(f, rdesc);
        check_ops(f, cases, G_N_ELEMENTS(cases));
        for (guint id = 0; id < 256; id++)
                g_assert_cmpuint(fake_ups_set_report_count(f->ups, id), ==, 0);
        /* The refused server-side value did not replace the valid one */
        {
                g_autofree char *v = nutd_get_var(&f->run, UPS, "ups.delay.shutdown");

                g_assert_cmpstr(v, ==, "20");
        }
}

/* Runs a NUT client: its stdout (the answer) and stderr (errors; NUT's SSL chatter), and whether
 * it exited with 0 */
static gboolean nut_client(const char *env, char **ret_out, char **ret_err, ...)
{
        g_autoptr(GPtrArray) argv = g_ptr_array_new();
        g_autofree char *out = NULL, *err = NULL;
        g_autoptr(GError) e = NULL;
        const char *arg;
        va_list ap;
        int status;

        g_ptr_array_add(argv, (char *) g_getenv(env));
        va_start(ap, ret_err);
        while ((arg = va_arg(ap, const char *)))
                g_ptr_array_add(argv, (char *) arg);
        va_end(ap);
        g_ptr_array_add(argv, NULL);
        g_assert_true(g_spawn_sync(NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                   &status, &e));
        g_assert_no_error(e);
        g_test_message("%s: %s%s", env, out, err);
        *ret_out = g_strstrip(g_steal_pointer(&out));
        *ret_err = g_strstrip(g_steal_pointer(&err));
        return g_spawn_check_wait_status(status, NULL);
}

/* A NUT client run against nutd: whether it succeeded, and what it printed (stdout, stderr) */
typedef struct NutRun {
        gboolean ok;
        char *out, *err;
} NutRun;

#define NUT_CLIENT(r, env, ...)                                                 \
        do {                                                                    \
                g_clear_pointer(&(r)->out, g_free);                             \
                g_clear_pointer(&(r)->err, g_free);                             \
                (r)->ok = nut_client(env, &(r)->out, &(r)->err, __VA_ARGS__, NULL); \
        } while (0)

/* upsrw/upscmd -w print the tracked result ("SUCCESS") on stderr, among NUT's SSL chatter */
static gboolean has_line(const char *text, const char *line)
{
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

        return g_strv_contains((const char *const *) lines, line);
}

/* SET VAR and INSTCMD over the NUT protocol, with NUT's own clients */
static void test_nut_clients(Fixture *f, gconstpointer data)
{
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);
        g_autofree char *ups = g_strdup_printf(UPS "@127.0.0.1:%u", f->run.port);
        g_autofree char *w = NULL;
        NutRun r = {};

        if (!g_getenv("UPSRW") || !*g_getenv("UPSRW") || !*g_getenv("UPSCMD") || !*g_getenv("UPSC")) {
                g_test_skip("upsrw, upscmd or upsc not installed (nut-client)");
                return;
        }
        x750_plug(f, rdesc);
        g_free(take_writes(f, NULL));
        /* -w: upsrw waits for the driver's answer (SET TRACKING) */
        NUT_CLIENT(&r, "UPSRW", "-s", "battery.charge.low=35", "-u", "admin", "-p", "mypass", "-w", ups);
        g_assert_true(r.ok);
        g_assert_true(has_line(r.err, "SUCCESS"));
        w = take_writes(f, NULL);
        g_assert_cmpstr(w, ==, "11 23");
        g_assert_true(nutd_wait_var(&f->run, UPS, "battery.charge.low", "35", 5000));
        NUT_CLIENT(&r, "UPSC", ups, "battery.charge.low");
        g_assert_true(r.ok);
        g_assert_cmpstr(r.out, ==, "35");

        /* Out of range: refused by the driver, nothing written */
        NUT_CLIENT(&r, "UPSRW", "-s", "battery.charge.low=101", "-u", "admin", "-p", "mypass", "-w", ups);
        g_assert_false(r.ok);
        g_assert_false(has_line(r.err, "SUCCESS"));
        g_clear_pointer(&w, g_free);
        w = take_writes(f, NULL);
        g_assert_cmpstr(w, ==, "");

        /* upscmd: beeper.mute, and the load.off fallback */
        NUT_CLIENT(&r, "UPSCMD", "-u", "admin", "-p", "mypass", "-w", ups, "beeper.mute");
        g_assert_true(r.ok);
        g_assert_true(has_line(r.err, "SUCCESS"));
        NUT_CLIENT(&r, "UPSCMD", "-u", "admin", "-p", "mypass", "-w", ups, "load.off");
        g_assert_true(r.ok);
        g_assert_true(has_line(r.err, "SUCCESS"));
        g_clear_pointer(&w, g_free);
        w = take_writes(f, NULL);
        g_assert_cmpstr(w, ==, "14 03|12 00 00");
        g_free(r.out);
        g_free(r.err);
}

/* Instant commands on the real X 750 descriptor: direct rows, NUT's aliases and fallbacks */
static void test_instcmd(Fixture *f, gconstpointer data)
{
        static const OpCase cases[] = {
                { "InstantCommand", "beeper.disable", "", NULL, "14 01" },
                { "InstantCommand", "beeper.enable", "", NULL, "14 02" },
                { "InstantCommand", "beeper.mute", "", NULL, "14 03" },
                /* legacy names: renamed to beeper.disable/enable before the table is asked */
                { "InstantCommand", "beeper.off", "", NULL, "14 01" },
                { "InstantCommand", "beeper.on", "", NULL, "14 02" },
                { "InstantCommand", "load.off.delay", "", NULL, "12 14 00" },       /* the row's default, 20 */
                { "InstantCommand", "load.off.delay", "90", NULL, "12 5a 00" },
                { "InstantCommand", "shutdown.stop", "", NULL, "12 ff ff" },         /* -1 */
                { "InstantCommand", "shutdown.reboot", "", NULL, "13 0a 00 00" },
                /* no row of its own: load.off.delay with 0 */
                { "InstantCommand", "load.off", "", NULL, "12 00 00" },
                /* no DelayBeforeStartup: none of these */
                { "InstantCommand", "load.on", "", UNKNOWN_CMD, "" },
                { "InstantCommand", "shutdown.return", "", UNKNOWN_CMD, "" },
                { "InstantCommand", "shutdown.stayoff", "", UNKNOWN_CMD, "" },
                { "InstantCommand", "no.such.command", "", UNKNOWN_CMD, "" },
                { "InstantCommand", "load.off.delay", "soon", INVALID, "" },
        };

        x750_plug(f, f->x750);
        check_commands(f, "beeper.disable beeper.enable beeper.mute beeper.off beeper.on load.off load.off.delay "
                          "shutdown.reboot shutdown.stop",
                       "load.on shutdown.return shutdown.stayoff");
        check_ops(f, cases, G_N_ELEMENTS(cases));
        /* The beeper's state is read back after a command */
        g_assert_true(nutd_wait_var(&f->run, UPS, "ups.beeper.status", "enabled", 5000));
        g_assert_null(device_op(f, "InstantCommand", "beeper.mute", "", NULL));
        g_assert_true(nutd_wait_var(&f->run, UPS, "ups.beeper.status", "muted", 5000));
}

/* Two SET_REPORTs: the startup delay, then, at least 100 ms later, the shutdown delay */
static void check_sequence(Fixture *f, const char *cmd, const char *want)
{
        g_autofree char *before = take_writes(f, NULL), *err = NULL, *writes = NULL;
        g_autoptr(GArray) times = NULL;
        gint64 usec, gap;

        err = device_op(f, "InstantCommand", cmd, "", &usec);
        g_assert_cmpstr(err, ==, NULL);
        writes = take_writes(f, &times);
        g_assert_cmpstr(writes, ==, want);
        g_assert_cmpuint(times->len, ==, 2);
        gap = g_array_index(times, gint64, 1) - g_array_index(times, gint64, 0);
        g_test_message("%s: wrote [%s], %.1f ms apart, round trip %.1f ms", cmd, writes, gap / 1000.0, usec / 1000.0);
        g_assert_cmpint(gap, >=, 100 * 1000);
        g_assert_cmpint(gap, <, 1000 * 1000);
}

/* With DelayBeforeStartup: load.on, and shutdown.return/stayoff as NUT's sequence of two writes */
static void test_shutdown_sequence(Fixture *f, gconstpointer data)
{
        static const OpCase cases[] = {
                { "InstantCommand", "load.on.delay", "", NULL, "15 1e 00 fd 00" },  /* the row's default, 30 */
                { "InstantCommand", "load.on", "", NULL, "15 00 00 fd 00" },
                { "SetVariable", "ups.delay.start", "120", NULL, "" },
                { "SetVariable", "ups.delay.shutdown", "45", NULL, "" },
        };
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);

        x750_plug(f, rdesc);
        check_commands(f, "load.on load.on.delay load.off shutdown.return shutdown.stayoff", "");
        /* The default delays: ups.delay.start 30, ups.delay.shutdown 20 */
        check_sequence(f, "shutdown.return", "15 1e 00 fd 00|12 14 00");
        check_sequence(f, "shutdown.stayoff", "15 ff ff fd 00|12 14 00");
        check_ops(f, cases, G_N_ELEMENTS(cases));
        check_sequence(f, "shutdown.return", "15 78 00 fd 00|12 2d 00");
        check_sequence(f, "shutdown.stayoff", "15 ff ff fd 00|12 2d 00");
}

/* A device that stalls, then one that hangs, while written: a D-Bus error in time, nutd lives
 * on, and writes work again once the device answers */
static gboolean control_urb_held(const FakeUpsStats *s, gpointer userdata)
{
        return s->control_urbs_held > 0;
}

static void test_write_faults(Fixture *f, gconstpointer data)
{
        static const char *const stalled[][3] = {
                { "SetVariable", "battery.charge.low", "20" },
                { "InstantCommand", "beeper.mute", "" },
                { "SetVariable", "input.transfer.high", "270" },
        };
        static const OpCase after_stall[] = {
                /* the refused 270 V is not taken for the report's state: 253 V goes out again */
                { "InstantCommand", "load.on.delay", "10", NULL, "15 0a 00 fd 00" },
        };
        static const OpCase after_hang[] = {
                { "SetVariable", "battery.charge.low", "30", NULL, "11 1e" },
        };
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);
        char *w = NULL;
        gint64 usec;

        x750_plug(f, rdesc);
        g_free(take_writes(f, NULL));
        fake_ups_set_fault(f->ups, FAKE_UPS_STALL);
        for (size_t i = 0; i < G_N_ELEMENTS(stalled); i++) {
                g_autofree char *err = device_op(f, stalled[i][0], stalled[i][1], stalled[i][2], &usec);

                g_test_message("stalled %s(%s): %s after %.1f ms", stalled[i][0], stalled[i][1], err, usec / 1000.0);
                /* CommandFailed; DataStale if a poll found the device stalling first */
                g_assert_nonnull(err);
                g_assert_cmpint(usec, <, 6 * G_USEC_PER_SEC);
        }
        w = take_writes(f, NULL);
        g_assert_cmpstr(w, ==, "");
        g_free(w);
        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        g_assert_true(nutd_wait_connection(&f->run, UPS, "connected", 40000));
        check_ops(f, after_stall, G_N_ELEMENTS(after_stall));

        /* Hangs: the SET_REPORT reaches the device and is never answered */
        fake_ups_set_fault(f->ups, FAKE_UPS_HANG);
        {
                g_autofree char *err = device_op(f, "SetVariable", "battery.charge.low", "20", &usec);

                g_test_message("hung SetVariable: %s after %.1f ms", err, usec / 1000.0);
                g_assert_cmpstr(err, ==, NUTD_ERROR_PREFIX "Timeout");
                g_assert_cmpint(usec, <, 16 * G_USEC_PER_SEC);
        }
        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        g_assert_true(nutd_wait_connection(&f->run, UPS, "connected", 40000));
        g_free(take_writes(f, NULL));

        /* Hangs while a poll is out: the SET waits behind it, the client is told Timeout, and
         * the value must not reach the device afterwards, when it answers again */
        fake_ups_set_fault(f->ups, FAKE_UPS_HANG);
        g_assert_true(fake_ups_wait_stats(f->ups, control_urb_held, NULL, 5000));
        {
                g_autofree char *err = device_op(f, "SetVariable", "battery.charge.low", "25", &usec);

                g_test_message("SetVariable behind a hung poll: %s after %.1f ms", err, usec / 1000.0);
                g_assert_cmpstr(err, ==, NUTD_ERROR_PREFIX "Timeout");
        }
        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        g_assert_true(nutd_wait_connection(&f->run, UPS, "connected", 40000));
        g_usleep(500 * 1000);
        w = take_writes(f, NULL);
        g_assert_null(strstr(w, "11 19"));
        g_free(w);
        /* And it is written again */
        check_ops(f, after_hang, G_N_ELEMENTS(after_hang));
        g_assert_true(nutd_wait_var(&f->run, UPS, "battery.charge.low", "30", 5000));
}

static void on_call_done(GObject *source, GAsyncResult *res, gpointer userdata)
{
        GVariant **ret = userdata;
        g_autoptr(GError) e = NULL;

        *ret = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &e);
        g_assert_no_error(e);
}

/* Two writes into one report while a poll of it is out: the poll's answer (read before the
 * first write) must not undo the first write when the second one is built */
static void test_writes_and_poll(Fixture *f, gconstpointer data)
{
        g_autoptr(GBytes) rdesc = x750_with_startup(f->x750);
        g_autoptr(GBytes) now = NULL;
        g_autofree char *path = nutd_object_path(UPS), *err = NULL;
        GVariant *reply = NULL;
        static const guint8 want[] = { REP_STARTUP_TRANSFER, 0x0a, 0x00, 0x0e, 0x01 };  /* 10 s, 270 V */

        x750_plug(f, rdesc);
        /* a quick poll (every second) reads the report: hold its requests */
        fake_ups_set_fault(f->ups, FAKE_UPS_HANG);
        g_assert_true(fake_ups_wait_stats(f->ups, control_urb_held, NULL, 5000));
        g_dbus_connection_call(f->run.bus, NUTD_BUS_NAME, path, NUTD_DEVICE_IFACE, "SetVariable",
                               g_variant_new("(ss)", "input.transfer.high", "270"), NULL, G_DBUS_CALL_FLAGS_NONE,
                               20000, NULL, on_call_done, &reply);
        g_usleep(300 * 1000);   /* the SET is queued behind the poll */
        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        while (!reply)
                g_main_context_iteration(NULL, TRUE);
        g_variant_unref(reply);
        err = device_op(f, "InstantCommand", "load.on.delay", "10", NULL);
        g_assert_null(err);
        now = fake_ups_get_feature(f->ups, REP_STARTUP_TRANSFER);
        g_assert_cmpmem(g_bytes_get_data(now, NULL), g_bytes_get_size(now), want, sizeof want);
}

int main(int argc, char *argv[])
{
        if (!nutd_run_test_init(&argc, &argv))
                return 77;
        g_test_add("/usbhid-write/setvar", Fixture, NULL, fixture_setup, test_setvar, fixture_teardown);
        g_test_add("/usbhid-write/setvar-refused", Fixture, NULL, fixture_setup, test_setvar_refused, fixture_teardown);
        g_test_add("/usbhid-write/nut-clients", Fixture, NULL, fixture_setup, test_nut_clients, fixture_teardown);
        g_test_add("/usbhid-write/instcmd", Fixture, NULL, fixture_setup, test_instcmd, fixture_teardown);
        g_test_add("/usbhid-write/writes-and-poll", Fixture, NULL, fixture_setup, test_writes_and_poll,
                   fixture_teardown);
        g_test_add("/usbhid-write/shutdown-sequence", Fixture, NULL, fixture_setup, test_shutdown_sequence,
                   fixture_teardown);
        g_test_add("/usbhid-write/faults", Fixture, NULL, fixture_setup, test_write_faults, fixture_teardown);
        return g_test_run();
}
