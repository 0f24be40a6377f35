/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-fake-ups: the fake USB UPS fixture, seen from a real libusb client in another process
 * (usb-probe, $USB_PROBE): enumeration of several units, strings, the APC Back-UPS CS 500 report
 * descriptor and feature reports ($NUT_HID_DIR), SET_REPORT, interrupt-IN, unplug/replug with
 * pending URBs, every fault mode, libusb_wrap_sys_device() and a bound kernel driver.
 * Runs under umockdev-wrapper; the root hub comes from $HUB_UMOCKDEV.
 */
#include <gio/gio.h>
#include <string.h>

#include "fake-ups.h"

#define APC_CS_500 "apc-back-ups-cs-500_nut-2.8.0"
#define PCI "/sys/devices/pci0000:00/0000:00:14.0"
#define CONFIG_OK "ok interfaces=1 class=3 endpoints=1 ep=0x81 type=3 maxp=8 interval=10 hidlen=374"

static const char *hid_dir, *hub_file, *probe_path;

/* ---- usb-probe child ---- */

typedef struct {
        GSubprocess *proc;
        GOutputStream *in;
        GDataInputStream *out;
        GPtrArray *events;      /* "event ..." lines seen so far */
} Probe;

static gchar *probe_read_line(Probe *p)
{
        g_autoptr(GError) error = NULL;
        gchar *line;

        for (;;) {
                line = g_data_input_stream_read_line(p->out, NULL, NULL, &error);
                g_assert_no_error(error);
                if (!line)
                        g_error("usb-probe exited");
                g_test_message("probe: %s", line);
                if (!g_str_has_prefix(line, "event "))
                        return line;
                g_ptr_array_add(p->events, line);
        }
}

static void probe_send(Probe *p, const char *cmd)
{
        g_autoptr(GError) error = NULL;
        g_autofree gchar *line = g_strconcat(cmd, "\n", NULL);

        g_test_message("probe< %s", cmd);
        g_assert_true(g_output_stream_write_all(p->in, line, strlen(line), NULL, NULL, &error));
        g_assert_no_error(error);
        g_assert_true(g_output_stream_flush(p->in, NULL, &error));
}

static gchar *probe_cmd(Probe *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gchar *probe_cmd(Probe *p, const char *fmt, ...)
{
        g_autofree gchar *cmd = NULL;
        va_list ap;

        va_start(ap, fmt);
        cmd = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        probe_send(p, cmd);
        return probe_read_line(p);
}

#define assert_cmd(p, expected, ...)                                    \
        do {                                                            \
                g_autofree gchar *_r = probe_cmd(p, __VA_ARGS__);       \
                g_assert_cmpstr(_r, ==, expected);                      \
        } while (0)

/* the item lines of "list"/"udev", up to "end N" */
static GPtrArray *probe_items(Probe *p, const char *cmd)
{
        GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
        gchar *line;

        probe_send(p, cmd);
        while (!g_str_has_prefix((line = probe_read_line(p)), "end "))
                g_ptr_array_add(items, line);
        g_free(line);
        return items;
}

static Probe *probe_start(gboolean discovery)
{
        g_autoptr(GError) error = NULL;
        g_autofree gchar *ready = NULL;
        Probe *p = g_new0(Probe, 1);

        p->proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                   probe_path, discovery ? NULL : "--no-discovery", NULL);
        g_assert_no_error(error);
        p->in = g_subprocess_get_stdin_pipe(p->proc);
        p->out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(p->proc));
        p->events = g_ptr_array_new_with_free_func(g_free);
        ready = probe_read_line(p);
        g_assert_true(g_str_has_prefix(ready, "ready "));
        return p;
}

static void probe_stop(Probe *p)
{
        g_autoptr(GError) error = NULL;

        probe_send(p, "quit");
        g_assert_true(g_subprocess_wait_check(p->proc, NULL, &error));
        g_assert_no_error(error);
        g_object_unref(p->out);
        g_object_unref(p->proc);
        g_ptr_array_unref(p->events);
        g_free(p);
}

/* pumps libusb events in the probe until an event line starting with prefix arrives */
static void probe_wait_event(Probe *p, const char *prefix)
{
        for (int i = 0; i < 50; i++) {
                for (guint k = 0; k < p->events->len; k++)
                        if (g_str_has_prefix(p->events->pdata[k], prefix)) {
                                g_ptr_array_remove_index(p->events, k);
                                return;
                        }
                assert_cmd(p, "ok", "pump 100");
        }
        g_error("no '%s' from usb-probe", prefix);
}

/* ---- helpers ---- */

static gchar *to_hex(const guint8 *d, gsize n)
{
        GString *s = g_string_new(NULL);

        for (gsize i = 0; i < n; i++)
                g_string_append_printf(s, "%02x", d[i]);
        return g_string_free(s, FALSE);
}

static gchar *bytes_hex(GBytes *b)
{
        gsize n;
        const guint8 *d = g_bytes_get_data(b, &n);

        return to_hex(d, n);
}

static GBytes *load_rdesc(void)
{
        g_autofree gchar *path = g_strconcat(hid_dir, "/" APC_CS_500 ".rdesc.bin", NULL);
        g_autoptr(GError) error = NULL;
        gchar *data;
        gsize size;

        g_assert_true(g_file_get_contents(path, &data, &size, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(size, ==, 374);
        return g_bytes_new_take(data, size);
}

typedef struct {
        guint8 id;
        gchar *hex;
} FeatureLine;

/* the "get" lines of the feature-reports file, independently of the fixture's parser */
static GArray *load_feature_lines(void)
{
        g_autofree gchar *path = g_strconcat(hid_dir, "/" APC_CS_500 ".feature-reports.txt", NULL);
        g_autofree gchar *text = NULL;
        g_auto(GStrv) lines = NULL;
        GArray *a = g_array_new(FALSE, FALSE, sizeof(FeatureLine));

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        lines = g_strsplit(text, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], "\t", 3);
                g_auto(GStrv) hexbytes = NULL;
                FeatureLine fl;

                if (lines[i][0] == '#' || g_strv_length(f) != 3 || strcmp(f[1], "get"))
                        continue;
                fl.id = g_ascii_strtoull(f[0], NULL, 16);
                hexbytes = g_strsplit(g_strstrip(f[2]), " ", -1);
                fl.hex = g_strjoinv("", hexbytes);
                g_array_append_val(a, fl);
        }
        g_assert_cmpuint(a->len, ==, 23);
        return a;
}

/* ---- fixture ---- */

typedef struct {
        UMockdevTestbed *tb;
        GBytes *rdesc;
        FakeUps *ups;
} Fixture;

static FakeUps *new_ups(Fixture *f, guint8 bus, guint8 dev, guint8 port, const char *serial,
                        const char *driver)
{
        g_autoptr(GError) error = NULL;
        g_autofree gchar *features = g_strconcat(hid_dir, "/" APC_CS_500 ".feature-reports.txt", NULL);
        FakeUpsSpec spec = FAKE_UPS_SPEC_APC_BACK_UPS;
        FakeUps *u;

        spec.busnum = bus, spec.devnum = dev, spec.port = port;
        spec.serial = serial;
        spec.kernel_driver = driver;
        spec.report_descriptor = g_bytes_get_data(f->rdesc, &spec.report_descriptor_len);
        u = fake_ups_new(f->tb, &spec);
        g_assert_true(fake_ups_load_feature_reports(u, features, &error));
        g_assert_no_error(error);
        return u;
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) error = NULL;

        f->tb = umockdev_testbed_new();
        g_assert_true(umockdev_in_mock_environment());
        g_assert_true(umockdev_testbed_add_from_file(f->tb, hub_file, &error));
        g_assert_no_error(error);
        f->rdesc = load_rdesc();
        f->ups = new_ups(f, 1, 2, 1, "FAKE0001", data);
        g_assert_true(fake_ups_plug(f->ups, &error));
        g_assert_no_error(error);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
        fake_ups_free(f->ups);
        g_bytes_unref(f->rdesc);
        g_object_unref(f->tb);
}

static Probe *open_claimed(const char *serial)
{
        Probe *p = probe_start(TRUE);
        g_autofree gchar *r = probe_cmd(p, "open %s", serial);

        g_assert_true(g_str_has_prefix(r, "ok "));
        assert_cmd(p, "ok", "claim");
        return p;
}

static gboolean pending_interrupts(const FakeUpsStats *s, gpointer n)
{
        return s->interrupt_urbs_pending == GPOINTER_TO_UINT(n);
}

static gboolean held_controls(const FakeUpsStats *s, gpointer n)
{
        return s->control_urbs_held == GPOINTER_TO_UINT(n);
}

static gboolean has_line(GPtrArray *lines, const char *text)
{
        for (guint i = 0; i < lines->len; i++)
                if (strstr(lines->pdata[i], text))
                        return TRUE;
        return FALSE;
}

/* ---- tests ---- */

static void test_descriptors(Fixture *f, gconstpointer data)
{
        g_autoptr(GBytes) d = fake_ups_get_descriptors(f->ups);
        gsize n;
        const guint8 *b = g_bytes_get_data(d, &n);

        /* device 18 + config 9 + interface 9 + HID 9 + endpoint 7 */
        g_assert_cmpuint(n, ==, 52);
        g_assert_cmpuint(b[0], ==, 18);
        g_assert_cmpuint(b[8] | b[9] << 8, ==, 0x051d);
        g_assert_cmpuint(b[10] | b[11] << 8, ==, 0x0002);
        g_assert_cmpuint(b[18 + 2] | b[18 + 3] << 8, ==, 34);                   /* wTotalLength */
        g_assert_cmpuint(b[27 + 5], ==, 3);                                     /* bInterfaceClass */
        g_assert_cmpuint(b[36 + 1], ==, 0x21);
        g_assert_cmpuint(b[36 + 7] | b[36 + 8] << 8, ==, 374);                  /* wDescriptorLength */
        g_assert_cmpuint(b[45 + 2], ==, 0x81);
        g_assert_cmpstr(fake_ups_get_syspath(f->ups), ==, PCI "/usb1/1-1");
        g_assert_cmpstr(fake_ups_get_devnode(f->ups), ==, "/dev/bus/usb/001/002");
}

static void test_enumerate(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) error = NULL;
        g_autoptr(FakeUps) second = NULL, third = NULL;
        FakeUpsSpec spec = FAKE_UPS_SPEC_APC_BACK_UPS;
        g_autoptr(GPtrArray) devs = NULL, udevs = NULL;
        g_autofree gchar *rdesc_hex = bytes_hex(f->rdesc);
        g_autofree gchar *expect_rdesc = g_strdup_printf("ok 374 %s", rdesc_hex);
        Probe *p;

        /* a second unit on another port with other strings, and a third one on bus 2 */
        spec.devnum = 3, spec.port = 2, spec.serial = "FAKE0002", spec.product = "Back-UPS ES 700";
        spec.report_descriptor = g_bytes_get_data(f->rdesc, &spec.report_descriptor_len);
        second = fake_ups_new(f->tb, &spec);
        fake_ups_set_feature(second, 0x01, (const guint8[]){ 0x01, 0x07 }, 2);
        g_assert_true(fake_ups_plug(second, &error));
        g_assert_no_error(error);
        g_assert_true(fake_ups_add_root_hub(f->tb, 2, &error));
        g_assert_no_error(error);
        third = new_ups(f, 2, 5, 4, "FAKE0003", NULL);
        g_assert_true(fake_ups_plug(third, &error));
        g_assert_no_error(error);

        p = probe_start(TRUE);
        devs = probe_items(p, "list");
        g_assert_cmpuint(devs->len, ==, 5);     /* two root hubs, three UPS */
        g_assert_true(has_line(devs, "dev 1 2 051d:0002 port=1 speed=2 "
                                     "manufacturer=American Power Conversion|"
                                     "product=Back-UPS CS 500 FW:808.q10 .I USB FW:q1|serial=FAKE0001"));
        g_assert_true(has_line(devs, "dev 1 3 051d:0002 port=2 speed=2 "
                                     "manufacturer=American Power Conversion|"
                                     "product=Back-UPS ES 700|serial=FAKE0002"));
        g_assert_true(has_line(devs, "dev 2 5 051d:0002 port=4 speed=2"));
        g_assert_true(has_line(devs, "serial=FAKE0003"));
        g_assert_true(has_line(devs, "dev 1 1 1d6b:0002"));
        g_assert_true(has_line(devs, "dev 2 1 1d6b:0002"));

        udevs = probe_items(p, "udev");
        g_assert_true(has_line(udevs, "udev " PCI "/usb1/1-1 /dev/bus/usb/001/002 "
                                      "051d:0002 busnum=1 devnum=2 serial=FAKE0001"));
        g_assert_true(has_line(udevs, "udev " PCI "/usb1/1-2 /dev/bus/usb/001/003 "
                                      "051d:0002 busnum=1 devnum=3 serial=FAKE0002"));
        g_assert_true(has_line(udevs, "udev " PCI "/usb2/2-4 /dev/bus/usb/002/005 "
                                      "051d:0002 busnum=2 devnum=5 serial=FAKE0003"));

        assert_cmd(p, "ok 1 3", "open FAKE0002");
        assert_cmd(p, "ok bus=1 dev=3 id=051d:0002 bcd=0106 speed=2 strings=3,1,2", "info");
        assert_cmd(p, "ok Back-UPS ES 700", "string 1");
        assert_cmd(p, "ok FAKE0002", "string 2");
        assert_cmd(p, "ok American Power Conversion", "string 3");
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "string 4");
        assert_cmd(p, CONFIG_OK, "config");
        assert_cmd(p, "ok", "claim");
        assert_cmd(p, expect_rdesc, "rdesc");
        assert_cmd(p, "ok 0107", "get 1 8");
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "get 2 8");

        assert_cmd(p, "ok 1 2", "open FAKE0001");
        assert_cmd(p, "ok Back-UPS CS 500 FW:808.q10 .I USB FW:q1", "string 1");
        assert_cmd(p, "ok 2 5", "open FAKE0003");
        assert_cmd(p, "ok FAKE0003", "string 2");
        probe_stop(p);
        g_assert_cmpuint(fake_ups_get_report_count(second, 1), ==, 1);
        g_assert_cmpuint(fake_ups_get_report_count(f->ups, 1), ==, 0);
}

static void test_feature_reports(Fixture *f, gconstpointer data)
{
        g_autoptr(GArray) lines = load_feature_lines();
        g_autoptr(GBytes) last = NULL, now = NULL;
        g_autofree gchar *last_hex = NULL;
        Probe *p = open_claimed("FAKE0001");
        FakeUpsStats st;

        for (guint i = 0; i < lines->len; i++) {
                FeatureLine *fl = &g_array_index(lines, FeatureLine, i);
                g_autofree gchar *expect = g_strconcat("ok ", fl->hex, NULL);

                assert_cmd(p, expect, "get 0x%02x 64", fl->id);
                g_assert_cmpuint(fake_ups_get_report_count(f->ups, fl->id), ==, 1);
                g_free(fl->hex);
        }
        /* wLength shorter than the report: truncated */
        assert_cmd(p, "ok 0c64", "get 0x0c 2");
        /* unknown report id: stall */
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "get 0x20 8");
        g_assert_cmpuint(fake_ups_get_report_count(f->ups, 0x20), ==, 1);

        /* SET_REPORT is recorded and reads back */
        assert_cmd(p, "ok 6", "set 0c3200001e0a");
        g_assert_cmpuint(fake_ups_set_report_count(f->ups, 0x0c), ==, 1);
        last = fake_ups_get_last_set_report(f->ups, 0x0c);
        last_hex = bytes_hex(last);
        g_assert_cmpstr(last_hex, ==, "0c3200001e0a");
        assert_cmd(p, "ok 0c3200001e0a", "get 0x0c 64");
        g_assert_null(fake_ups_get_last_set_report(f->ups, 0x0d));
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "set 2001");
        g_assert_cmpuint(fake_ups_set_report_count(f->ups, 0x20), ==, 1);

        /* the test changes the state */
        fake_ups_set_feature(f->ups, 0x0d, (const guint8[]){ 0x0d, 0x0a, 0x00, 0x00 }, 4);
        assert_cmd(p, "ok 0d0a0000", "get 0x0d 64");
        now = fake_ups_get_feature(f->ups, 0x0d);
        g_assert_cmpuint(g_bytes_get_size(now), ==, 4);
        fake_ups_set_feature(f->ups, 0x0d, NULL, 0);
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "get 0x0d 64");

        fake_ups_get_stats(f->ups, &st);
        g_assert_cmpuint(st.get_report[0x01], ==, 1);
        g_assert_cmpuint(st.get_report[0x0c], ==, 3);
        g_assert_cmpuint(st.set_report[0x0c], ==, 1);
        g_assert_cmpuint(st.open_clients, ==, 1);
        probe_stop(p);
}

static void test_interrupt(Fixture *f, gconstpointer data)
{
        Probe *p = open_claimed("FAKE0001");
        FakeUpsStats st;

        /* a pending URB completes when the test pushes */
        assert_cmd(p, "ok", "intr-submit 8");
        g_assert_true(fake_ups_wait_stats(f->ups, pending_interrupts, GUINT_TO_POINTER(1), 5000));
        assert_cmd(p, "timeout", "intr-wait 50");
        fake_ups_push_interrupt(f->ups, (const guint8[]){ 0x13, 0x01 }, 2);
        assert_cmd(p, "ok 1301", "intr-wait 2000");

        /* pushed before a URB is there: queued */
        fake_ups_push_interrupt(f->ups, (const guint8[]){ 0x14, 0x00, 0x00 }, 3);
        fake_ups_push_interrupt(f->ups, (const guint8[]){ 0x06, 0x00, 0x00, 0x08 }, 4);
        fake_ups_get_stats(f->ups, &st);
        g_assert_cmpuint(st.interrupt_reports_queued, ==, 2);
        assert_cmd(p, "ok", "intr-submit 8");
        assert_cmd(p, "ok 140000", "intr-wait 2000");
        assert_cmd(p, "ok", "intr-submit 8");
        assert_cmd(p, "ok 06000008", "intr-wait 2000");

        /* cancelling a pending URB discards it */
        assert_cmd(p, "ok", "intr-submit 8");
        g_assert_true(fake_ups_wait_stats(f->ups, pending_interrupts, GUINT_TO_POINTER(1), 5000));
        assert_cmd(p, "status CANCELLED", "intr-cancel");
        fake_ups_get_stats(f->ups, &st);
        g_assert_cmpuint(st.discarded_urbs, ==, 1);
        g_assert_cmpuint(st.interrupt_urbs_pending, ==, 0);
        g_assert_cmpuint(st.interrupt_reports_delivered, ==, 3);
        probe_stop(p);
}

static void test_unplug(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) error = NULL;
        Probe *p = open_claimed("FAKE0001");
        FakeUpsStats st;

        assert_cmd(p, "ok", "intr-submit 8");
        g_assert_true(fake_ups_wait_stats(f->ups, pending_interrupts, GUINT_TO_POINTER(1), 5000));
        fake_ups_unplug(f->ups);
        g_assert_false(fake_ups_is_plugged(f->ups));

        /* the pending URB dies, then everything on the old fd fails */
        assert_cmd(p, "status NO_DEVICE", "intr-wait 2000");
        assert_cmd(p, "error LIBUSB_ERROR_NO_DEVICE", "get 1 8");
        assert_cmd(p, "error LIBUSB_ERROR_NO_DEVICE", "intr-submit 8");
        probe_wait_event(p, "event LEFT 051d:0002 1 2");
        {
                g_autoptr(GPtrArray) devs = probe_items(p, "list");
                g_assert_false(has_line(devs, "051d:0002"));
        }

        /* the same unit comes back; the old handle stays dead, a new open works */
        g_assert_true(fake_ups_plug(f->ups, &error));
        g_assert_no_error(error);
        probe_wait_event(p, "event ARRIVED 051d:0002 1 2");
        assert_cmd(p, "error LIBUSB_ERROR_NO_DEVICE", "get 1 8");
        assert_cmd(p, "ok 1 2", "open FAKE0001");
        assert_cmd(p, "ok", "claim");
        assert_cmd(p, "ok 0101", "get 1 8");
        fake_ups_get_stats(f->ups, &st);
        g_assert_cmpuint(st.plug_count, ==, 2);
        probe_stop(p);
}

static void test_faults(Fixture *f, gconstpointer data)
{
        Probe *p = open_claimed("FAKE0001");
        g_autofree gchar *late = NULL;
        FakeUpsStats st;

        fake_ups_set_fault(f->ups, FAKE_UPS_SHORT_REPORTS);
        assert_cmd(p, "ok 0c64000014", "get 0x0c 64");
        assert_cmd(p, "ok 01", "get 0x01 64");

        fake_ups_set_fault(f->ups, FAKE_UPS_STALL);
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "get 0x01 64");
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "string 1");
        assert_cmd(p, "error LIBUSB_ERROR_PIPE", "set 0c3200001e0a");

        /* hang: the client times out and discards the URB */
        fake_ups_set_fault(f->ups, FAKE_UPS_HANG);
        assert_cmd(p, "error LIBUSB_ERROR_TIMEOUT", "get 0x01 64 200");
        fake_ups_get_stats(f->ups, &st);
        g_assert_cmpuint(st.discarded_urbs, ==, 1);
        g_assert_cmpuint(st.control_urbs_held, ==, 0);
        /* a held URB is answered when the fault is cleared */
        probe_send(p, "get 0x0c 64 5000");
        g_assert_true(fake_ups_wait_stats(f->ups, held_controls, GUINT_TO_POINTER(1), 5000));
        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        late = probe_read_line(p);
        g_assert_cmpstr(late, ==, "ok 0c640000140a");
        g_clear_pointer(&late, g_free);

        fake_ups_set_fault(f->ups, FAKE_UPS_GARBAGE);
        fake_ups_set_garbage_seed(f->ups, 42);
        late = probe_cmd(p, "get 0x0c 64");
        g_assert_true(g_str_has_prefix(late, "ok "));
        g_assert_cmpuint(strlen(late), ==, 3 + 12);
        g_assert_cmpstr(late, !=, "ok 0c640000140a");
        g_clear_pointer(&late, g_free);

        fake_ups_set_fault(f->ups, FAKE_UPS_OK);
        assert_cmd(p, "ok 0c640000140a", "get 0x0c 64");
        assert_cmd(p, "ok Back-UPS CS 500 FW:808.q10 .I USB FW:q1", "string 1");
        g_assert_cmpuint(fake_ups_get_report_count(f->ups, 0x0c), ==, 4);   /* short, held, garbage, ok */
        probe_stop(p);
}

static void test_wrap_sys_device(Fixture *f, gconstpointer data)
{
        Probe *p = probe_start(FALSE);
        g_autofree gchar *r = probe_cmd(p, "wrap /dev/bus/usb/001/002");

        /* umockdev: libusb takes the bus number from readlink(/proc/self/fd/N), which is the real
         * $UMOCKDEV_DIR path here, and falls back to USBDEVFS_CONNECTINFO (no bus): bus 0 */
        g_test_message("wrap_sys_device: %s", r);
        g_assert_true(g_str_has_prefix(r, "ok "));
        g_assert_true(g_str_has_suffix(r, " 2"));
        assert_cmd(p, CONFIG_OK, "config");
        assert_cmd(p, "ok FAKE0001", "string 2");
        assert_cmd(p, "ok", "claim");
        assert_cmd(p, "ok 0c640000140a", "get 0x0c 64");
        assert_cmd(p, "ok", "intr-submit 8");
        g_assert_true(fake_ups_wait_stats(f->ups, pending_interrupts, GUINT_TO_POINTER(1), 5000));
        fake_ups_push_interrupt(f->ups, (const guint8[]){ 0x13, 0x00 }, 2);
        assert_cmd(p, "ok 1300", "intr-wait 2000");
        assert_cmd(p, "ok", "intr-submit 8");
        g_assert_true(fake_ups_wait_stats(f->ups, pending_interrupts, GUINT_TO_POINTER(1), 5000));
        fake_ups_unplug(f->ups);
        assert_cmd(p, "status NO_DEVICE", "intr-wait 2000");
        assert_cmd(p, "error LIBUSB_ERROR_NO_DEVICE", "get 0x0c 64");
        assert_cmd(p, "error open: No such file or directory", "wrap /dev/bus/usb/001/002");
        probe_stop(p);
}

static void test_kernel_driver(Fixture *f, gconstpointer data)
{
        Probe *p = probe_start(TRUE), *other;

        assert_cmd(p, "ok 1 2", "open FAKE0001");
        assert_cmd(p, "ok 1", "driver");
        assert_cmd(p, "error LIBUSB_ERROR_BUSY", "claim");
        assert_cmd(p, "ok", "detach");
        assert_cmd(p, "ok 0", "driver");
        assert_cmd(p, "ok", "claim");

        /* one claim at a time */
        other = probe_start(TRUE);
        assert_cmd(other, "ok 1 2", "open FAKE0001");
        assert_cmd(other, "error LIBUSB_ERROR_BUSY", "claim");
        assert_cmd(p, "ok", "release");
        assert_cmd(other, "ok", "claim");
        probe_stop(other);
        probe_stop(p);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        hid_dir = g_getenv("NUT_HID_DIR");
        hub_file = g_getenv("HUB_UMOCKDEV");
        probe_path = g_getenv("USB_PROBE");
        if (!hid_dir || !hub_file || !probe_path) {
                g_test_skip("needs NUT_HID_DIR, HUB_UMOCKDEV and USB_PROBE (run through meson test)");
                return g_test_run();
        }
        if (!g_getenv("UMOCKDEV_DIR") && !strstr(g_getenv("LD_PRELOAD") ?: "", "umockdev")) {
                g_test_skip("not running under umockdev-wrapper");
                return g_test_run();
        }
#define ADD(path, fn, driver) \
        g_test_add("/usb/fake-ups/" path, Fixture, driver, fixture_setup, fn, fixture_teardown)
        ADD("descriptors", test_descriptors, NULL);
        ADD("enumerate", test_enumerate, NULL);
        ADD("feature-reports", test_feature_reports, NULL);
        ADD("interrupt", test_interrupt, NULL);
        ADD("unplug", test_unplug, NULL);
        ADD("faults", test_faults, NULL);
        ADD("wrap-sys-device", test_wrap_sys_device, NULL);
        ADD("kernel-driver", test_kernel_driver, "usbhid");
        return g_test_run();
}
