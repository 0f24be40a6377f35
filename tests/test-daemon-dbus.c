/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd on a private system bus that uses the project's real bus policy: objects,
 * properties, methods, signals, reload, bad input, and how fast a .dev edit shows.
 * Run under with-system-bus.sh; NUTD names the daemon binary.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#define BUS_NAME "org.nutd.Power1"
#define DEV_IFACE "org.nutd.Power1.Device"

typedef struct Fixture {
        char *dir;
        GSubprocess *nutd;
        GDBusConnection *bus;
} Fixture;

static const char ups1_dev[] =
        "# a .dev file as upsc writes it\n"
        "battery.charge: 100\n"
        "battery.runtime: 1800\n"
        "device.mfr: Lab\n"
        "device.model: Dummy 1500\n"
        "device.serial: LAB-1\n"
        "device.type: ups\n"
        "ups.mfr: Lab\n"
        "ups.model: Dummy 1500\n"
        "ups.load: 15\n"
        "ups.delay.shutdown: 30\n"
        "ups.status: OL\n"
        "input.voltage: 230.0\n"
        "ups.id: a \"quoted\" # value = with\\backslash  and  spaces\n";

static const char ups_conf[] =
        "[ups1]\n"
        "  driver = dummy-ups\n"
        "  port = ups1.dev\n"
        "  desc = \"Lab UPS one\"\n"
        "[seq]\n"
        "  driver = dummy-ups\n"
        "  port = timed.seq\n"
        "[missing]\n"
        "  driver = dummy-ups\n"
        "  port = later.dev\n"
        "[garbage]\n"
        "  driver = dummy-ups\n"
        "  port = garbage.dev\n"
        "[nodriver]\n"
        "  driver = blazer_ser\n"
        "  port = /dev/ttyS0\n";

static char *path_in(Fixture *f, const char *name)
{
        return g_build_filename(f->dir, name, NULL);
}

static void write_file(Fixture *f, const char *name, const char *text, gssize len)
{
        g_autofree char *p = path_in(f, name), *tmp = g_strconcat(p, ".tmp", NULL);
        g_autoptr(GError) e = NULL;

        /* Write and rename, as editors do: the daemon must see the new content whole. */
        g_assert_true(g_file_set_contents(tmp, text, len, &e));
        g_assert_cmpint(g_rename(tmp, p), ==, 0);
}

static GVariant *call(Fixture *f, const char *path, const char *iface, const char *method, GVariant *args,
                      const char *reply_type, GError **error)
{
        return g_dbus_connection_call_sync(f->bus, BUS_NAME, path, iface, method, args,
                                           reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
                                           G_DBUS_CALL_FLAGS_NONE, 5000, NULL, error);
}

static GVariant *get_prop(Fixture *f, const char *dev, const char *prop)
{
        g_autofree char *path = g_strconcat("/org/nutd/Power1/device/", dev, NULL);
        g_autoptr(GError) e = NULL;
        GVariant *v, *r;

        r = call(f, path, "org.freedesktop.DBus.Properties", "Get", g_variant_new("(ss)", DEV_IFACE, prop),
                 "(v)", &e);
        g_assert_no_error(e);
        g_variant_get(r, "(v)", &v);
        g_variant_unref(r);
        return v;
}

static char *get_prop_string(Fixture *f, const char *dev, const char *prop)
{
        g_autoptr(GVariant) v = get_prop(f, dev, prop);

        return g_variant_dup_string(v, NULL);
}

static gboolean name_has_owner(GDBusConnection *bus)
{
        g_autoptr(GVariant) r = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                            "org.freedesktop.DBus", "NameHasOwner",
                                                            g_variant_new("(s)", BUS_NAME), G_VARIANT_TYPE("(b)"),
                                                            G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
        gboolean b = FALSE;

        if (r)
                g_variant_get(r, "(b)", &b);
        return b;
}

/* Spins the main context until cond(data) or timeout_ms; returns whether cond held. */
static gboolean wait_for(gboolean (*cond)(gpointer), gpointer data, int timeout_ms)
{
        gint64 end = g_get_monotonic_time() + timeout_ms * 1000;

        while (!cond(data)) {
                if (g_get_monotonic_time() > end)
                        return FALSE;
                g_main_context_iteration(NULL, FALSE);
                g_usleep(2000);
        }
        return TRUE;
}

typedef struct PropWait {
        Fixture *f;
        const char *dev, *prop, *want;
} PropWait;

static gboolean prop_is(gpointer p)
{
        PropWait *w = p;
        g_autofree char *v = get_prop_string(w->f, w->dev, w->prop);

        return g_strcmp0(v, w->want) == 0;
}

static void wait_prop(Fixture *f, const char *dev, const char *prop, const char *want)
{
        PropWait w = { f, dev, prop, want };

        if (!wait_for(prop_is, &w, 5000)) {
                g_autofree char *v = get_prop_string(f, dev, prop);
                g_error("%s.%s is \"%s\", expected \"%s\"", dev, prop, v, want);
        }
}

/* A failed assertion must not leave the daemon running. */
static void die_with_parent(gpointer data)
{
        prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void fixture_setup(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(GSubprocessLauncher) launcher = NULL;
        GString *garbage = g_string_new("battery.charge: 42\n");
        int i;

        f->dir = g_dir_make_tmp("nutd-dbus-XXXXXX", &e);
        g_assert_no_error(e);
        write_file(f, "ups.conf", ups_conf, -1);
        write_file(f, "ups1.dev", ups1_dev, -1);
        write_file(f, "timed.seq", "ups.status: OL\nTIMER 0.3\nups.status: OB DISCHRG\nTIMER 0.3\n", -1);
        /* binary junk, a huge line, a NUL byte, then one good line */
        for (i = 0; i < 4096; i++)
                g_string_append_c(garbage, (char) (i * 7 + 1));
        g_string_append_c(garbage, '\n');
        for (i = 0; i < 200000; i++)
                g_string_append_c(garbage, 'x');
        g_string_append(garbage, "\nups.status: OL\n");
        g_string_append_len(garbage, "bad\0line\n", 9);
        g_string_append(garbage, "ups.mfr: Still Here\n");
        write_file(f, "garbage.dev", garbage->str, garbage->len);
        g_string_free(garbage, TRUE);

        f->bus = g_bus_get_sync(G_BUS_TYPE_SYSTEM, NULL, &e);
        g_assert_no_error(e);
        launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
        g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
        f->nutd = g_subprocess_launcher_spawn(launcher, &e, g_getenv("NUTD"), "--config-dir", f->dir, NULL);
        g_assert_no_error(e);
        for (i = 0; i < 200 && !name_has_owner(f->bus); i++)
                g_usleep(25000);
        g_assert_true(name_has_owner(f->bus));
        wait_prop(f, "ups1", "Connection", "connected");
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) e = NULL;

        g_subprocess_send_signal(f->nutd, SIGTERM);
        g_assert_true(g_subprocess_wait(f->nutd, NULL, &e));
        g_assert_no_error(e);
        /* a clean stop on SIGTERM */
        g_assert_true(g_subprocess_get_if_exited(f->nutd));
        g_assert_cmpint(g_subprocess_get_exit_status(f->nutd), ==, 0);
        g_object_unref(f->nutd);
        g_object_unref(f->bus);
        g_autofree char *rm = g_strdup_printf("rm -rf %s", f->dir);

        g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
        g_free(f->dir);
}

static void test_objects(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) r = NULL, ver = NULL;
        g_autoptr(GVariantIter) it = NULL;
        const char *path;
        GVariant *ifaces;
        int n = 0, with_device = 0;

        r = call(f, "/org/nutd/Power1", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
                 "(a{oa{sa{sv}}})", &e);
        g_assert_no_error(e);
        g_variant_get(r, "(a{oa{sa{sv}}})", &it);
        while (g_variant_iter_next(it, "{&o@a{sa{sv}}}", &path, &ifaces)) {
                g_autoptr(GVariant) props = g_variant_lookup_value(ifaces, DEV_IFACE, NULL);

                n++;
                with_device += props != NULL;
                g_variant_unref(ifaces);
        }
        g_assert_cmpint(n, ==, 5);
        g_assert_cmpint(with_device, ==, 5);

        ver = call(f, "/org/nutd/Power1", "org.freedesktop.DBus.Properties", "Get",
                   g_variant_new("(ss)", "org.nutd.Power1.Manager", "Version"), "(v)", &e);
        g_assert_no_error(e);
}

static void test_properties(Fixture *f, gconstpointer data)
{
        g_autoptr(GVariant) status = get_prop(f, "ups1", "Status");
        g_autoptr(GVariant) charge = get_prop(f, "ups1", "Charge");
        g_autoptr(GVariant) runtime = get_prop(f, "ups1", "Runtime");
        g_autoptr(GVariant) load = get_prop(f, "ups1", "Load");
        g_autofree const char **st = g_variant_get_strv(status, NULL);
        g_autofree char *desc = get_prop_string(f, "ups1", "Description");
        g_autofree char *mfr = get_prop_string(f, "ups1", "Manufacturer");
        g_autofree char *model = get_prop_string(f, "ups1", "Model");
        g_autofree char *serial = get_prop_string(f, "ups1", "Serial");
        g_autofree char *type = get_prop_string(f, "ups1", "Type");
        g_autofree char *driver = get_prop_string(f, "ups1", "Driver");
        g_autofree char *name = get_prop_string(f, "ups1", "Name");

        g_assert_cmpuint(g_strv_length((char **) st), ==, 1);
        g_assert_cmpstr(st[0], ==, "OL");
        g_assert_cmpfloat(g_variant_get_double(charge), ==, 100);
        g_assert_cmpint(g_variant_get_int64(runtime), ==, 1800);
        g_assert_cmpfloat(g_variant_get_double(load), ==, 15);
        g_assert_cmpstr(desc, ==, "Lab UPS one");
        g_assert_cmpstr(mfr, ==, "Lab");
        g_assert_cmpstr(model, ==, "Dummy 1500");
        g_assert_cmpstr(serial, ==, "LAB-1");
        g_assert_cmpstr(type, ==, "ups");
        g_assert_cmpstr(driver, ==, "dummy-ups");
        g_assert_cmpstr(name, ==, "ups1");
}

static void assert_dbus_error(GError *e, const char *name)
{
        g_autofree char *remote = NULL;

        g_assert_nonnull(e);
        remote = g_dbus_error_get_remote_error(e);
        g_assert_cmpstr(remote, ==, name);
}

static void test_methods(Fixture *f, gconstpointer data)
{
        const char *path = "/org/nutd/Power1/device/ups1";
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) vars = NULL, one = NULL, desc = NULL, cmds = NULL, inner = NULL;
        const char *value, *type, *text;
        gboolean rw;
        guint32 maxlen;

        vars = call(f, path, DEV_IFACE, "GetVariables", NULL, "(a{ss})", &e);
        g_assert_no_error(e);
        inner = g_variant_get_child_value(vars, 0);
        g_assert_true(g_variant_lookup(inner, "ups.id", "&s", &value));
        g_assert_cmpstr(value, ==, "a \"quoted\" # value = with\\backslash  and  spaces");
        g_assert_true(g_variant_lookup(inner, "driver.name", "&s", &value));
        g_assert_cmpstr(value, ==, "dummy-ups");
        g_assert_true(g_variant_lookup(inner, "driver.parameter.port", "&s", &value));
        g_assert_cmpstr(value, ==, "ups1.dev");
        /* 13 variables from the file + driver.name/version/version.internal/parameter.port */
        g_assert_cmpuint(g_variant_n_children(inner), ==, 13 + 4);

        one = call(f, path, DEV_IFACE, "GetVariable", g_variant_new("(s)", "BATTERY.Charge"), "(s)", &e);
        g_assert_no_error(e);
        g_variant_get(one, "(&s)", &value);
        g_assert_cmpstr(value, ==, "100");

        g_assert_null(call(f, path, DEV_IFACE, "GetVariable", g_variant_new("(s)", "no.such"), "(s)", &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.UnknownVariable");
        g_clear_error(&e);

        desc = call(f, path, DEV_IFACE, "DescribeVariable", g_variant_new("(s)", "battery.charge"),
                    "(sbuasa(xx)s)", &e);
        g_assert_no_error(e);
        g_variant_get(desc, "(&sbu^a&s@a(xx)&s)", &type, &rw, &maxlen, NULL, NULL, &text);
        g_assert_cmpstr(type, ==, "NUMBER");
        g_assert_true(rw);
        g_assert_cmpstr(text, !=, "");
        g_clear_pointer(&desc, g_variant_unref);
        desc = call(f, path, DEV_IFACE, "DescribeVariable", g_variant_new("(s)", "ups.mfr"), "(sbuasa(xx)s)", &e);
        g_assert_no_error(e);
        g_variant_get(desc, "(&sbu^a&s@a(xx)&s)", &type, &rw, &maxlen, NULL, NULL, &text);
        g_assert_cmpstr(type, ==, "STRING");
        g_assert_cmpuint(maxlen, ==, 32);

        cmds = call(f, path, DEV_IFACE, "ListCommands", NULL, "(a(ss))", &e);
        g_assert_no_error(e);
        g_assert_null(call(f, path, DEV_IFACE, "InstantCommand", g_variant_new("(ss)", "load.off", ""), NULL, &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.UnknownCommand");
        g_clear_error(&e);

        /* SetVariable, as root: validated by the model, then done by the driver */
        g_assert_null(call(f, path, DEV_IFACE, "SetVariable", g_variant_new("(ss)", "no.such", "1"), NULL, &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.UnknownVariable");
        g_clear_error(&e);
        g_assert_null(call(f, path, DEV_IFACE, "SetVariable",
                           g_variant_new("(ss)", "ups.mfr", "0123456789012345678901234567890123"), NULL, &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.TooLong");
        g_clear_error(&e);
        g_assert_null(call(f, path, DEV_IFACE, "SetVariable", g_variant_new("(ss)", "battery.charge", "lots"),
                           NULL, &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.InvalidValue");
        g_clear_error(&e);
        g_clear_pointer(&one, g_variant_unref);
        one = call(f, path, DEV_IFACE, "SetVariable", g_variant_new("(ss)", "ups.delay.shutdown", "40"), NULL, &e);
        g_assert_no_error(e);
        g_clear_pointer(&one, g_variant_unref);
        one = call(f, path, DEV_IFACE, "GetVariable", g_variant_new("(s)", "ups.delay.shutdown"), "(s)", &e);
        g_assert_no_error(e);
        g_variant_get(one, "(&s)", &value);
        g_assert_cmpstr(value, ==, "40");

        g_assert_null(call(f, "/org/nutd/Power1/device/nosuch", DEV_IFACE, "GetVariables", NULL, NULL, &e));
        g_assert_nonnull(e);
}

typedef struct Signals {
        int props, vars;
        gint64 first_props_us;
        GVariant *last_props;   /* changed properties a{sv} */
        GVariant *last_vars;    /* (a{ss}as) */
} Signals;

static void on_signal(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer userdata)
{
        Signals *s = userdata;

        if (g_str_equal(member, "PropertiesChanged")) {
                if (s->props++ == 0)
                        s->first_props_us = g_get_monotonic_time();
                g_clear_pointer(&s->last_props, g_variant_unref);
                s->last_props = g_variant_get_child_value(params, 1);
        } else if (g_str_equal(member, "VariablesChanged")) {
                s->vars++;
                g_clear_pointer(&s->last_vars, g_variant_unref);
                s->last_vars = g_variant_ref(params);
        }
}

/* s with the first old replaced by new; frees s */
static char *replace(char *s, const char *old, const char *new)
{
        g_auto(GStrv) parts = g_strsplit(s, old, 2);

        g_free(s);
        return g_strjoinv(new, parts);
}

static gboolean got_props(gpointer p)
{
        return ((Signals *) p)->props > 0;
}

static void test_dev_edit(Fixture *f, gconstpointer data)
{
        Signals s = {};
        guint id;
        gint64 t0;
        g_autofree char *edited = NULL;
        g_autoptr(GVariant) changed = NULL, removed = NULL;
        const char *v;
        double charge;

        id = g_dbus_connection_signal_subscribe(f->bus, BUS_NAME, NULL, NULL, "/org/nutd/Power1/device/ups1",
                                                NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal, &s, NULL);
        /* a round trip, so the match rule is in place before the edit */
        g_free(get_prop_string(f, "ups1", "Name"));

        edited = replace(g_strdup(ups1_dev), "ups.status: OL\n", "ups.status: OB DISCHRG\n");
        edited = replace(edited, "battery.charge: 100\n", "battery.charge: 57\n");
        edited = replace(edited, "input.voltage: 230.0\n", "");
        t0 = g_get_monotonic_time();
        write_file(f, "ups1.dev", edited, -1);
        g_assert_true(wait_for(got_props, &s, 1000));
        g_test_message(".dev edit to PropertiesChanged: %.1f ms", (s.first_props_us - t0) / 1000.0);
        g_assert_cmpint(s.first_props_us - t0, <, 500 * 1000);

        /* let anything else arrive: one commit is exactly one signal of each kind */
        g_usleep(300 * 1000);
        while (g_main_context_iteration(NULL, FALSE))
                ;
        g_assert_cmpint(s.props, ==, 1);
        g_assert_cmpint(s.vars, ==, 1);
        g_assert_true(g_variant_lookup(s.last_props, "Status", "^a&s", NULL));
        g_assert_true(g_variant_lookup(s.last_props, "Charge", "d", &charge));
        g_assert_cmpfloat(charge, ==, 57);
        g_assert_false(g_variant_lookup(s.last_props, "Model", "&s", &v));
        changed = g_variant_get_child_value(s.last_vars, 0);
        removed = g_variant_get_child_value(s.last_vars, 1);
        g_assert_cmpuint(g_variant_n_children(changed), ==, 2);
        g_assert_true(g_variant_lookup(changed, "ups.status", "&s", &v));
        g_assert_cmpstr(v, ==, "OB DISCHRG");
        g_assert_cmpuint(g_variant_n_children(removed), ==, 1);

        g_dbus_connection_signal_unsubscribe(f->bus, id);
        g_clear_pointer(&s.last_props, g_variant_unref);
        g_clear_pointer(&s.last_vars, g_variant_unref);
}

static void test_seq(Fixture *f, gconstpointer data)
{
        /* the loop: OL, 0.3 s, OB DISCHRG, 0.3 s, again */
        wait_prop(f, "seq", "Connection", "connected");
        for (int i = 0; i < 2; i++) {
                g_autoptr(GVariant) a = NULL;
                gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
                gboolean ob = FALSE, ol = FALSE;

                while ((!ob || !ol) && g_get_monotonic_time() < end) {
                        g_autoptr(GVariant) st = get_prop(f, "seq", "Status");
                        g_autofree const char **l = g_variant_get_strv(st, NULL);

                        ob |= l[0] && g_str_equal(l[0], "OB");
                        ol |= l[0] && g_str_equal(l[0], "OL");
                        g_usleep(20000);
                }
                g_assert_true(ob && ol);
        }
}

static void test_bad_input(Fixture *f, gconstpointer data)
{
        g_autofree char *gc = NULL, *gm = NULL;

        /* a missing file: disconnected, and connected once it appears */
        wait_prop(f, "missing", "Connection", "disconnected");
        write_file(f, "later.dev", "ups.status: OL\n", -1);
        wait_prop(f, "missing", "Connection", "connected");

        /* garbage: the readable lines are there */
        wait_prop(f, "garbage", "Connection", "connected");
        gm = get_prop_string(f, "garbage", "Manufacturer");
        g_assert_cmpstr(gm, ==, "Still Here");

        /* a driver nutd does not have */
        wait_prop(f, "nodriver", "Connection", "disconnected");
        gc = get_prop_string(f, "nodriver", "Driver");
        g_assert_cmpstr(gc, ==, "blazer_ser");

        /* the file vanishes: disconnected; the others do not care */
        g_autofree char *p = path_in(f, "later.dev");
        g_assert_cmpint(g_unlink(p), ==, 0);
        wait_prop(f, "missing", "Connection", "disconnected");
        wait_prop(f, "ups1", "Connection", "connected");
}

typedef struct ObjSignals {
        int added, removed;
        char *last_path;
} ObjSignals;

static void on_object_signal(GDBusConnection *c, const char *sender, const char *path, const char *iface,
                             const char *member, GVariant *params, gpointer userdata)
{
        ObjSignals *s = userdata;

        g_free(s->last_path);
        g_variant_get_child(params, 0, "o", &s->last_path);
        if (g_str_equal(member, "InterfacesAdded"))
                s->added++;
        else
                s->removed++;
}

static gboolean got_added(gpointer p)
{
        return ((ObjSignals *) p)->added > 0;
}

static gboolean got_removed(gpointer p)
{
        return ((ObjSignals *) p)->removed > 0;
}

static void test_reload(Fixture *f, gconstpointer data)
{
        g_autoptr(GError) e = NULL;
        g_autofree char *conf = g_strconcat(ups_conf, "[extra]\n driver = dummy-ups\n port = ups1.dev\n", NULL);
        ObjSignals s = {};
        guint id;

        id = g_dbus_connection_signal_subscribe(f->bus, BUS_NAME, "org.freedesktop.DBus.ObjectManager", NULL,
                                                "/org/nutd/Power1", NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                on_object_signal, &s, NULL);
        g_free(get_prop_string(f, "ups1", "Name"));

        /* SIGHUP: a new section appears */
        write_file(f, "ups.conf", conf, -1);
        g_subprocess_send_signal(f->nutd, SIGHUP);
        g_assert_true(wait_for(got_added, &s, 3000));
        g_assert_cmpstr(s.last_path, ==, "/org/nutd/Power1/device/extra");
        wait_prop(f, "extra", "Connection", "connected");

        /* a broken file: Reload() fails naming file and line, nothing changes */
        write_file(f, "ups.conf", "[extra]\n driver = dummy-ups\n port \"x\n", -1);
        g_assert_null(call(f, "/org/nutd/Power1", "org.nutd.Power1.Manager", "Reload", NULL, NULL, &e));
        assert_dbus_error(e, "org.nutd.Power1.Error.CommandFailed");
        g_assert_nonnull(strstr(e->message, "ups.conf:3: "));
        g_clear_error(&e);
        g_assert_cmpint(s.removed, ==, 0);
        wait_prop(f, "ups1", "Connection", "connected");

        /* Reload(): the section goes away again */
        write_file(f, "ups.conf", ups_conf, -1);
        g_variant_unref(call(f, "/org/nutd/Power1", "org.nutd.Power1.Manager", "Reload", NULL, "()", &e));
        g_assert_no_error(e);
        g_assert_true(wait_for(got_removed, &s, 3000));
        g_assert_cmpstr(s.last_path, ==, "/org/nutd/Power1/device/extra");

        g_dbus_connection_signal_unsubscribe(f->bus, id);
        g_free(s.last_path);
}

/* The interface as introspected equals the documented XML in dbus/ (names, types, directions). */
static void assert_same_interface(GDBusInterfaceInfo *a, GDBusInterfaceInfo *b)
{
        guint i, j;

        for (i = 0; a->properties && a->properties[i]; i++) {
                GDBusPropertyInfo *p = g_dbus_interface_info_lookup_property(b, a->properties[i]->name);

                g_assert_nonnull(p);
                g_assert_cmpstr(p->signature, ==, a->properties[i]->signature);
                g_assert_cmpint(p->flags, ==, a->properties[i]->flags);
        }
        for (i = 0; a->methods && a->methods[i]; i++) {
                GDBusMethodInfo *m = g_dbus_interface_info_lookup_method(b, a->methods[i]->name);

                g_assert_nonnull(m);
                for (j = 0; a->methods[i]->in_args && a->methods[i]->in_args[j]; j++) {
                        g_assert_nonnull(m->in_args[j]);
                        g_assert_cmpstr(m->in_args[j]->signature, ==, a->methods[i]->in_args[j]->signature);
                        g_assert_cmpstr(m->in_args[j]->name, ==, a->methods[i]->in_args[j]->name);
                }
                g_assert_null(m->in_args ? m->in_args[j] : NULL);
                for (j = 0; a->methods[i]->out_args && a->methods[i]->out_args[j]; j++) {
                        g_assert_nonnull(m->out_args[j]);
                        g_assert_cmpstr(m->out_args[j]->signature, ==, a->methods[i]->out_args[j]->signature);
                        g_assert_cmpstr(m->out_args[j]->name, ==, a->methods[i]->out_args[j]->name);
                }
                g_assert_null(m->out_args ? m->out_args[j] : NULL);
                g_assert_cmpstr(g_dbus_annotation_info_lookup(m->annotations, "org.freedesktop.systemd1.Privileged"),
                                ==, g_dbus_annotation_info_lookup(a->methods[i]->annotations,
                                                                  "org.freedesktop.systemd1.Privileged"));
        }
        for (i = 0; a->signals && a->signals[i]; i++) {
                GDBusSignalInfo *s = g_dbus_interface_info_lookup_signal(b, a->signals[i]->name);

                g_assert_nonnull(s);
                for (j = 0; a->signals[i]->args && a->signals[i]->args[j]; j++)
                        g_assert_cmpstr(s->args[j]->signature, ==, a->signals[i]->args[j]->signature);
        }
}

static void check_introspection(Fixture *f, const char *path, const char *iface, const char *xml_file)
{
        g_autoptr(GError) e = NULL;
        g_autoptr(GVariant) r = NULL;
        g_autoptr(GDBusNodeInfo) live = NULL, doc = NULL;
        g_autofree char *xml = NULL, *file = g_build_filename(g_getenv("NUTD_DBUS_DIR"), xml_file, NULL);
        GDBusInterfaceInfo *a, *b;
        const char *text;

        r = call(f, path, "org.freedesktop.DBus.Introspectable", "Introspect", NULL, "(s)", &e);
        g_assert_no_error(e);
        g_variant_get(r, "(&s)", &text);
        live = g_dbus_node_info_new_for_xml(text, &e);
        g_assert_no_error(e);
        g_assert_true(g_file_get_contents(file, &xml, NULL, &e));
        doc = g_dbus_node_info_new_for_xml(xml, &e);
        g_assert_no_error(e);
        a = g_dbus_node_info_lookup_interface(live, iface);
        b = g_dbus_node_info_lookup_interface(doc, iface);
        g_assert_nonnull(a);
        g_assert_nonnull(b);
        assert_same_interface(a, b);
        assert_same_interface(b, a);
}

static void test_introspection(Fixture *f, gconstpointer data)
{
        check_introspection(f, "/org/nutd/Power1/device/ups1", DEV_IFACE, "org.nutd.Power1.Device.xml");
        check_introspection(f, "/org/nutd/Power1", "org.nutd.Power1.Manager", "org.nutd.Power1.Manager.xml");
        check_introspection(f, "/org/nutd/Power1", "org.nutd.Power1.Shutdown", "org.nutd.Power1.Shutdown.xml");
}

/* Runs a shell command as user nobody; returns whether it exited 0. */
static gboolean run_as_nobody(const char *cmd, char **out, char **err)
{
        g_autofree char *full = g_strconcat("setpriv --reuid=65534 --regid=65534 --clear-groups ", cmd, NULL);
        int status;

        g_assert_true(g_spawn_command_line_sync(full, out, err, &status, NULL));
        return g_spawn_check_wait_status(status, NULL);
}

/* The bus policy: anyone may read; writing is for root (polkit comes with the admin issue). */
static void test_policy(Fixture *f, gconstpointer data)
{
        const char *path = " /org/nutd/Power1/device/ups1 " DEV_IFACE;
        g_autofree char *cmd = NULL;
        char *out = NULL, *err = NULL;

        cmd = g_strconcat("busctl --system get-property " BUS_NAME, path, " Model", NULL);
        g_assert_true(run_as_nobody(cmd, &out, &err));
        g_assert_cmpstr(out, ==, "s \"Dummy 1500\"\n");
        g_free(out), g_free(err), g_free(cmd);

        cmd = g_strconcat("busctl --system call " BUS_NAME, path, " GetVariable s ups.load", NULL);
        g_assert_true(run_as_nobody(cmd, &out, &err));
        g_assert_cmpstr(out, ==, "s \"15\"\n");
        g_free(out), g_free(err), g_free(cmd);

        cmd = g_strconcat("busctl --system call " BUS_NAME, path, " SetVariable ss ups.load 1", NULL);
        g_assert_false(run_as_nobody(cmd, &out, &err));
        g_assert_nonnull(strstr(err, "ccess denied"));
        g_free(out), g_free(err), g_free(cmd);
        cmd = NULL;

        /* nobody cannot own the name */
        g_assert_false(run_as_nobody("/usr/bin/python3 -c \"import dbus; "
                                     "print(dbus.SystemBus().request_name('" BUS_NAME "'))\"", &out, &err));
        g_assert_nonnull(strstr(err, "AccessDenied"));
        g_free(out), g_free(err);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        if (!g_getenv("DBUS_SYSTEM_BUS_ADDRESS") || !g_getenv("NUTD")) {
                g_test_message("needs the private bus fixture (with-system-bus.sh) and NUTD");
                return 77;
        }
#define T(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
        T("/daemon/dbus/objects", test_objects);
        T("/daemon/dbus/properties", test_properties);
        T("/daemon/dbus/methods", test_methods);
        T("/daemon/dbus/dev-edit", test_dev_edit);
        T("/daemon/dbus/seq-loop", test_seq);
        T("/daemon/dbus/bad-input", test_bad_input);
        T("/daemon/dbus/reload", test_reload);
        T("/daemon/dbus/introspection", test_introspection);
        T("/daemon/dbus/policy", test_policy);
        return g_test_run();
}
