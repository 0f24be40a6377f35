/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd under test, for the usb suite: see nutd-run.h. Runs inside with-system-bus.sh and
 * umockdev-wrapper; env: NUTD, NUT_HID_DIR, HUB_UMOCKDEV.
 */
#include <glib/gstdio.h>

#include "hid-parser.h"
#include "nutd-run.h"

gboolean nutd_run_test_init(int *argc, char ***argv)
{
        g_test_init(argc, argv, NULL);
        if (g_getenv("DBUS_SYSTEM_BUS_ADDRESS") && g_getenv("NUTD"))
                return TRUE;
        g_test_message("needs with-system-bus.sh, umockdev-wrapper and NUTD");
        return FALSE;
}

char *nutd_data_path(const char *env, const char *name)
{
        return g_build_filename(g_getenv(env), name, NULL);
}

GBytes *nutd_read_file(const char *env, const char *name)
{
        g_autofree char *p = nutd_data_path(env, name), *buf = NULL;
        gsize n;

        g_assert_true(g_file_get_contents(p, &buf, &n, NULL));
        return g_bytes_new(buf, n);
}

static void write_file(NutdRun *n, const char *name, const char *text)
{
        g_autofree char *p = g_build_filename(n->dir, name, NULL);

        g_assert_true(g_file_set_contents(p, text, -1, NULL));
}

static gboolean bus_has_name(NutdRun *n)
{
        g_autoptr(GVariant) r = g_dbus_connection_call_sync(n->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                            "org.freedesktop.DBus", "NameHasOwner",
                                                            g_variant_new("(s)", NUTD_BUS_NAME), NULL, 0, 1000,
                                                            NULL, NULL);
        gboolean has = FALSE;

        if (r)
                g_variant_get(r, "(b)", &has);
        return has;
}

void nutd_run_start(NutdRun *n, const char *ups_conf, const char *upsd_users)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(GSubprocessLauncher) l = NULL;
        g_autofree char *upsd = NULL;
        gint64 end;

        n->tb = umockdev_testbed_new();
        g_assert_true(umockdev_testbed_add_from_file(n->tb, g_getenv("HUB_UMOCKDEV"), &e));
        g_assert_no_error(e);
        n->dir = g_dir_make_tmp("nutd-usb-XXXXXX", &e);
        g_assert_no_error(e);
        n->port = 20000 + g_random_int_range(0, 20000);
        write_file(n, "ups.conf", ups_conf);
        upsd = g_strdup_printf("LISTEN 127.0.0.1 %u\n", n->port);
        write_file(n, "upsd.conf", upsd);
        write_file(n, "upsd.users", upsd_users);
        n->bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &e);
        g_assert_no_error(e);
        /* After the testbed exists: the launcher copies the environment (UMOCKDEV_DIR) now */
        l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_subprocess_launcher_setenv(l, "NUTD_LOG_LEVEL", "debug", TRUE);
        n->nutd = g_subprocess_launcher_spawn(l, &e, g_getenv("NUTD"), "--config-dir", n->dir, NULL);
        g_assert_no_error(e);
        end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
        while (!bus_has_name(n)) {
                g_assert_cmpint(g_get_monotonic_time(), <, end);
                g_usleep(50 * 1000);
        }
}

void nutd_run_stop(NutdRun *n)
{
        g_autofree char *rm = g_strdup_printf("rm -rf %s", n->dir);

        g_subprocess_send_signal(n->nutd, SIGTERM);
        g_assert_true(g_subprocess_wait(n->nutd, NULL, NULL));
        /* nutd must not have crashed at any point */
        if (g_subprocess_get_if_signaled(n->nutd))
                g_test_message("nutd killed by signal %d", g_subprocess_get_term_sig(n->nutd));
        g_assert_true(g_subprocess_get_if_exited(n->nutd));
        g_assert_cmpint(g_subprocess_get_exit_status(n->nutd), ==, 0);
        g_clear_object(&n->nutd);
        g_clear_object(&n->bus);
        g_clear_object(&n->tb);
        g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
        g_clear_pointer(&n->dir, g_free);
}

/* As sd_bus_path_encode() does it */
char *nutd_object_path(const char *device)
{
        GString *s = g_string_new("/org/nutd/Power1/device/");

        for (const char *p = device; *p; p++) {
                if (g_ascii_isalnum(*p) && !(p == device && g_ascii_isdigit(*p)))
                        g_string_append_c(s, *p);
                else
                        g_string_append_printf(s, "_%02x", (unsigned char) *p);
        }
        return g_string_free(s, FALSE);
}

GVariant *nutd_call(NutdRun *n, const char *device, const char *method, GVariant *args, GError **error)
{
        g_autofree char *path = nutd_object_path(device);

        return g_dbus_connection_call_sync(n->bus, NUTD_BUS_NAME, path, NUTD_DEVICE_IFACE, method, args, NULL,
                                           G_DBUS_CALL_FLAGS_NONE, 20000, NULL, error);
}

GVariant *nutd_get_property(NutdRun *n, const char *device, const char *prop)
{
        g_autofree char *path = nutd_object_path(device);
        g_autoptr(GVariant) r = g_dbus_connection_call_sync(n->bus, NUTD_BUS_NAME, path,
                                                            "org.freedesktop.DBus.Properties", "Get",
                                                            g_variant_new("(ss)", NUTD_DEVICE_IFACE, prop), NULL,
                                                            G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
        GVariant *v;

        if (!r)
                return NULL;
        g_variant_get(r, "(v)", &v);
        return v;
}

char *nutd_get_var(NutdRun *n, const char *device, const char *var)
{
        g_autoptr(GVariant) r = nutd_call(n, device, "GetVariable", g_variant_new("(s)", var), NULL);
        char *s = NULL;

        if (r)
                g_variant_get(r, "(s)", &s);
        return s;
}

static char *get_connection(NutdRun *n, const char *device)
{
        g_autoptr(GVariant) v = nutd_get_property(n, device, "Connection");

        return v ? g_variant_dup_string(v, NULL) : NULL;
}

gboolean nutd_wait_connection(NutdRun *n, const char *device, const char *want, unsigned timeout_ms)
{
        gint64 end = g_get_monotonic_time() + timeout_ms * 1000;

        do {
                g_autofree char *c = get_connection(n, device);

                if (g_strcmp0(c, want) == 0)
                        return TRUE;
                g_usleep(20 * 1000);
        } while (g_get_monotonic_time() < end);
        return FALSE;
}

gboolean nutd_wait_var(NutdRun *n, const char *device, const char *var, const char *want, unsigned timeout_ms)
{
        gint64 end = g_get_monotonic_time() + timeout_ms * 1000;

        do {
                g_autofree char *v = nutd_get_var(n, device, var);

                if (g_strcmp0(v, want) == 0)
                        return TRUE;
                g_usleep(20 * 1000);
        } while (g_get_monotonic_time() < end);
        return FALSE;
}

GBytes *nutd_rdesc_add_items(GBytes *rdesc, const guint8 *items, gsize n)
{
        gsize size;
        const guint8 *b = g_bytes_get_data(rdesc, &size);
        GByteArray *a = g_byte_array_new();

        g_assert_cmpuint(b[size - 1], ==, 0xc0);
        g_byte_array_append(a, b, size - 1);
        g_byte_array_append(a, items, n);
        g_byte_array_append(a, b + size - 1, 1);
        return g_byte_array_free_to_bytes(a);
}

/* Every feature report of the descriptor present, all zero */
static void fill_zero_reports(FakeUps *u, GBytes *rdesc)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        gsize n;
        const guint8 *b = g_bytes_get_data(rdesc, &n);

        g_assert_cmpint(hid_descriptor_parse(b, n, HID_PARSE_BEST_EFFORT, &d), >=, 0);
        for (size_t i = 0; i < d->n_reports; i++) {
                guint8 buf[256] = { d->reports[i].id };

                if (d->reports[i].type == HID_REPORT_FEATURE)
                        fake_ups_set_feature(u, d->reports[i].id, buf, 1 + (d->reports[i].bits + 7) / 8);
        }
}

FakeUps *nutd_fake_apc_new(NutdRun *n, guint8 devnum, guint8 port, const char *serial, GBytes *rdesc,
                           const char *model)
{
        FakeUpsSpec spec = FAKE_UPS_SPEC_APC_BACK_UPS;
        g_autoptr(GError) e = NULL;
        FakeUps *u;

        spec.devnum = devnum;
        spec.port = port;
        spec.serial = serial;
        spec.report_descriptor = g_bytes_get_data(rdesc, &spec.report_descriptor_len);
        if (g_str_equal(model, APC_X750)) {
                spec.product_id = 0x0003;
                spec.product = "Smart-UPS X 750";
        }
        u = fake_ups_new(n->tb, &spec);
        if (g_str_equal(model, APC_CS500)) {
                g_autofree char *p = nutd_data_path("NUT_HID_DIR", APC_CS500 ".feature-reports.txt");

                g_assert_true(fake_ups_load_feature_reports(u, p, &e));
                g_assert_no_error(e);
        } else
                fill_zero_reports(u, rdesc);
        return u;
}

FakeUps *nutd_fake_apc_plug(NutdRun *n, guint8 devnum, guint8 port, const char *serial, GBytes *rdesc,
                            const char *model)
{
        g_autoptr(GError) e = NULL;
        FakeUps *u = nutd_fake_apc_new(n, devnum, port, serial, rdesc, model);

        g_assert_true(fake_ups_plug(u, &e));
        g_assert_no_error(e);
        return u;
}
