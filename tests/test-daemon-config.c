/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config: ups.conf (NUT-REFERENCE §2.1: globals, sections, key = value, flags) and nutd.conf
 * (DBUS, AUTODETECT, UPOWER, IDLE_TIMEOUT). Every error names file and line.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* not "config.h": that name is also the generated build configuration */
#include "daemon/config.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(UpsConfig, ups_config_free)

static UpsConfig *parse_ok(const char *text)
{
        UpsConfig *c = NULL;
        char *error = NULL;
        int r;

        r = ups_config_parse("/etc/nut", "ups.conf", text, strlen(text), &c, &error);
        if (r < 0)
                g_test_message("unexpected error: %s", error);
        g_assert_cmpint(r, ==, 0);
        g_assert_null(error);
        g_assert_nonnull(c);
        return c;
}

static const DeviceConfig *find_device(const UpsConfig *c, const char *name)
{
        for (size_t i = 0; i < c->n_devices; i++)
                if (g_str_equal(c->devices[i].name, name))
                        return &c->devices[i];
        g_assert_not_reached();
}

static void test_globals_and_sections(void)
{
        g_autoptr(UpsConfig) c = parse_ok("# ups.conf\n"
                                          "maxretry = 3\n"
                                          "nowait\n"
                                          "\n"
                                          "[su700]\n"
                                          "        driver = usbhid-ups\n"
                                          "        port = auto\n"
                                          "        desc = \"Server room UPS\"\n"
                                          "        vendorid=051d\n"
                                          "        productid =0002\n"
                                          "        serial= \"AS0 123\"\n"
                                          "        ignorelb\n"
                                          "[dummy]\n"
                                          "        driver = dummy-ups\n"
                                          "        port = evolution500.seq\n");
        const DeviceConfig *d;

        g_assert_cmpuint(c->n_globals, ==, 2);
        g_assert_cmpstr(c->globals[0].key, ==, "maxretry");
        g_assert_cmpstr(c->globals[0].value, ==, "3");
        g_assert_cmpstr(c->globals[1].key, ==, "nowait");
        g_assert_null(c->globals[1].value);
        g_assert_cmpstr(c->config_dir, ==, "/etc/nut");
        g_assert_cmpuint(c->n_devices, ==, 2);

        d = &c->devices[0];
        g_assert_cmpstr(d->name, ==, "su700");
        g_assert_cmpstr(d->driver, ==, "usbhid-ups");
        g_assert_cmpstr(d->port, ==, "auto");
        g_assert_cmpstr(d->desc, ==, "Server room UPS");
        g_assert_cmpstr(d->config_dir, ==, "/etc/nut");
        /* driver and desc have their own fields; port is also a parameter */
        g_assert_cmpuint(d->n_params, ==, 5);
        g_assert_cmpstr(d->params[0].key, ==, "port");
        g_assert_cmpstr(d->params[1].key, ==, "vendorid");
        g_assert_cmpstr(d->params[1].value, ==, "051d");
        g_assert_cmpstr(d->params[2].key, ==, "productid");
        g_assert_cmpstr(d->params[2].value, ==, "0002");
        g_assert_cmpstr(d->params[3].value, ==, "AS0 123");
        g_assert_cmpstr(d->params[4].key, ==, "ignorelb");
        g_assert_null(d->params[4].value);
        g_assert_cmpstr(device_config_get(d, "serial"), ==, "AS0 123");
        g_assert_cmpstr(device_config_get(d, "ignorelb"), ==, "");      /* a flag is set, to "" */
        g_assert_cmpstr(device_config_get(d, "maxretry"), ==, "3");     /* from the globals */
        g_assert_cmpstr(device_config_get(d, "nowait"), ==, "");
        g_assert_null(device_config_get(d, "pollinterval"));
        g_assert_null(device_config_get(d, "driver"));
        g_assert_true(d->globals == c->globals);
        g_assert_cmpuint(d->n_globals, ==, 2);

        d = &c->devices[1];
        g_assert_cmpstr(d->name, ==, "dummy");
        g_assert_cmpstr(d->driver, ==, "dummy-ups");
        g_assert_cmpstr(d->port, ==, "evolution500.seq");
        g_assert_null(d->desc);
}

static void test_last_wins(void)
{
        g_autoptr(UpsConfig) c = parse_ok("pollinterval = 7\n"
                                          "pollinterval = 8\n"
                                          "[a]\n"
                                          "driver = x\n"
                                          "pollinterval = 2\n"
                                          "pollinterval = 5\n"
                                          "driver = y\n"
                                          "desc = one\n"
                                          "desc = two\n"
                                          "[b]\n"
                                          "driver = z\n");

        g_assert_cmpstr(device_config_get(find_device(c, "a"), "pollinterval"), ==, "5");
        g_assert_cmpstr(find_device(c, "a")->driver, ==, "y");
        g_assert_cmpstr(find_device(c, "a")->desc, ==, "two");
        /* a section without the key falls back to the (last) global one */
        g_assert_cmpstr(device_config_get(find_device(c, "b"), "pollinterval"), ==, "8");
}

static void test_empty(void)
{
        g_autoptr(UpsConfig) c = parse_ok("# nothing\n\n");

        g_assert_cmpuint(c->n_devices, ==, 0);
        g_assert_cmpuint(c->n_globals, ==, 0);
}

/* A section without port gets "auto" (NUT requires it; usbhid-ups and dummy name their own). */
static void test_default_port(void)
{
        g_autoptr(UpsConfig) c = parse_ok("[a]\ndriver = usbhid-ups\n");

        g_assert_cmpstr(c->devices[0].port, ==, "auto");
}

static void test_valid_names(void)
{
        g_autofree char *name64 = g_strnfill(64, 'n');
        g_autofree char *text = g_strdup_printf("[a.b_c-d:e+f@g]\ndriver = x\n[%s]\ndriver = x\n[UPS2]\ndriver = x\n",
                                                name64);
        g_autoptr(UpsConfig) c = parse_ok(text);

        g_assert_cmpuint(c->n_devices, ==, 3);
        g_assert_cmpstr(c->devices[0].name, ==, "a.b_c-d:e+f@g");
        g_assert_cmpstr(c->devices[1].name, ==, name64);
        g_assert_cmpstr(c->devices[2].name, ==, "UPS2");
}

typedef struct ErrorCase {
        const char *path;
        const char *text;
        const char *error;      /* exact message */
} ErrorCase;

static const ErrorCase ups_error_cases[] = {
        { "/daemon/config/ups/error/duplicate", "[ups]\ndriver = x\n\n[ups]\ndriver = y\n",
          "ups.conf:4: device [ups] is defined twice" },
        { "/daemon/config/ups/error/duplicate-case", "[Ups]\ndriver = x\n[uPS]\ndriver = y\n",
          "ups.conf:3: device [uPS] is defined twice" },
        { "/daemon/config/ups/error/no-driver", "[a]\ndriver = x\n[b]\nport = /dev/ttyS0\n",
          "ups.conf: device [b] has no \"driver\"" },
        { "/daemon/config/ups/error/empty-driver", "[a]\ndriver =\n", "ups.conf:2: \"driver\" needs a value" },
        { "/daemon/config/ups/error/flag-driver", "[a]\nport = x\ndriver\n", "ups.conf:3: \"driver\" needs a value" },
        { "/daemon/config/ups/error/empty-name", "[]\n",
          "ups.conf:1: invalid device name \"\" (letters, digits, \"._-:+@\")" },
        { "/daemon/config/ups/error/default", "x = 1\n[default]\n",
          "ups.conf:2: invalid device name \"default\" (letters, digits, \"._-:+@\")" },
        { "/daemon/config/ups/error/slash", "[a/b]\n",
          "ups.conf:1: invalid device name \"a/b\" (letters, digits, \"._-:+@\")" },
        { "/daemon/config/ups/error/non-ascii", "[caf\xc3\xa9]\n",
          "ups.conf:1: invalid device name \"caf\xc3\xa9\" (letters, digits, \"._-:+@\")" },
        { "/daemon/config/ups/error/too-long",
          "[nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn]\n",
          "ups.conf:1: invalid device name \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\" "
          "(letters, digits, \"._-:+@\")" },
        { "/daemon/config/ups/error/space-in-name", "[a b]\n", "ups.conf:1: malformed section header \"[a\"" },
        { "/daemon/config/ups/error/open-bracket", "\n[\n", "ups.conf:2: malformed section header \"[\"" },
        { "/daemon/config/ups/error/unclosed", "[ups\ndriver = x\n", "ups.conf:1: malformed section header \"[ups\"" },
        { "/daemon/config/ups/error/trailing-word", "[ups] x\n", "ups.conf:1: malformed section header \"[ups]\"" },
        { "/daemon/config/ups/error/missing-key", "= x\n", "ups.conf:1: missing key before '='" },
        { "/daemon/config/ups/error/two-words", "[a]\ndriver x\n", "ups.conf:2: expected \"driver = value\"" },
        { "/daemon/config/ups/error/tokenizer", "[a]\ndesc = \"a#b\"\n", "ups.conf:2: unescaped '#' inside quotes" },
        { "/daemon/config/ups/error/continued-line", "[a]\ndriver = x\ndesc \\\n= \\\n\"a#b\"\n",
          "ups.conf:3: unescaped '#' inside quotes" },
};

static void test_ups_error(const void *data)
{
        const ErrorCase *e = data;
        UpsConfig *c = NULL;
        char *error = NULL;
        int r;

        r = ups_config_parse("/etc/nut", "ups.conf", e->text, strlen(e->text), &c, &error);
        g_assert_cmpint(r, <, 0);
        g_assert_null(c);
        g_assert_cmpstr(error, ==, e->error);
        free(error);
}

static void test_resolve_path(void)
{
        g_autoptr(UpsConfig) c = parse_ok("[a]\ndriver = dummy-ups\nport = x.dev\n");
        const DeviceConfig *d = &c->devices[0];
        DeviceConfig none = { .name = (char *) "n" };
        char *p = NULL;

        g_assert_cmpint(device_config_resolve_path(d, d->port, &p), ==, 0);
        g_assert_cmpstr(p, ==, "/etc/nut/x.dev");
        free(p);
        g_assert_cmpint(device_config_resolve_path(d, "sub/y.seq", &p), ==, 0);
        g_assert_cmpstr(p, ==, "/etc/nut/sub/y.seq");
        free(p);
        g_assert_cmpint(device_config_resolve_path(d, "/var/lib/z.dev", &p), ==, 0);
        g_assert_cmpstr(p, ==, "/var/lib/z.dev");
        free(p);
        /* no config dir: relative to the working directory */
        g_assert_cmpint(device_config_resolve_path(&none, "x.dev", &p), ==, 0);
        g_assert_cmpstr(p, ==, "./x.dev");
        free(p);
}

typedef struct EqualCase {
        const char *path;
        const char *a, *b;
        bool equal;
} EqualCase;

#define BASE "g = 1\n[u]\ndriver = d\nport = p\ndesc = x\nk = v\nflag\n"

static const EqualCase equal_cases[] = {
        { "/daemon/config/ups/equal/same", BASE, BASE, true },
        { "/daemon/config/ups/equal/layout", BASE, "g=1\n# c\n[u]\ndriver=d\nport=\"p\"\ndesc=x\nk=v\nflag\n", true },
        { "/daemon/config/ups/equal/other-section", BASE, BASE "[w]\ndriver = e\n", true },
        { "/daemon/config/ups/equal/driver", BASE, BASE "driver = e\n", false },
        { "/daemon/config/ups/equal/port", BASE, BASE "port = q\n", false },
        { "/daemon/config/ups/equal/desc", BASE, BASE "desc = y\n", false },
        { "/daemon/config/ups/equal/no-desc", BASE, "g = 1\n[u]\ndriver = d\nport = p\nk = v\nflag\n", false },
        { "/daemon/config/ups/equal/param-value", BASE, BASE "k = w\n", false },
        { "/daemon/config/ups/equal/param-added", BASE, BASE "k2 = v\n", false },
        { "/daemon/config/ups/equal/flag-vs-empty", BASE, "g = 1\n[u]\ndriver = d\nport = p\ndesc = x\nk = v\nflag =\n",
          false },
        { "/daemon/config/ups/equal/param-order", BASE, "g = 1\n[u]\ndriver = d\nport = p\ndesc = x\nflag\nk = v\n",
          false },
        { "/daemon/config/ups/equal/global-value", BASE, "g = 2\n[u]\ndriver = d\nport = p\ndesc = x\nk = v\nflag\n",
          false },
        { "/daemon/config/ups/equal/global-added", BASE, "h\n" BASE, false },
};

static void test_equal(const void *data)
{
        const EqualCase *e = data;
        g_autoptr(UpsConfig) a = parse_ok(e->a), b = parse_ok(e->b);
        const DeviceConfig *da = find_device(a, "u"), *db = find_device(b, "u");

        g_assert_true(device_config_equal(da, da));
        g_assert_cmpint(device_config_equal(da, db), ==, e->equal);
        g_assert_cmpint(device_config_equal(db, da), ==, e->equal);
}

/* ups_config_load(): DIR/ups.conf, none at all is an empty configuration */
static void test_ups_load(void)
{
        g_autofree char *dir = g_dir_make_tmp("test-config-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "ups.conf", NULL);
        g_autofree char *prefix = g_strdup_printf("%s:2: ", path);
        UpsConfig *c = NULL;
        char *error = NULL;

        g_assert_nonnull(dir);
        g_assert_cmpint(ups_config_load(dir, &c, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(c->n_devices, ==, 0);
        c = ups_config_free(c);

        g_assert_true(g_file_set_contents(path, "[a]\ndriver = dummy-ups\nport = a.dev\n", -1, NULL));
        g_assert_cmpint(ups_config_load(dir, &c, &error), ==, 0);
        g_assert_cmpuint(c->n_devices, ==, 1);
        g_assert_cmpstr(c->config_dir, ==, dir);
        c = ups_config_free(c);

        g_assert_true(g_file_set_contents(path, "[a]\n[a]\n", -1, NULL));
        g_assert_cmpint(ups_config_load(dir, &c, &error), <, 0);
        g_assert_null(c);
        g_assert_true(g_str_has_prefix(error, prefix));
        free(error);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* nutd.conf */

typedef struct NutdCase {
        const char *path;
        const char *text;
        bool dbus, autodetect, upower;
        uint64_t idle_sec;
        const char *error;      /* after "PATH:" */
} NutdCase;

static const NutdCase nutd_cases[] = {
        { "/daemon/config/nutd/empty", "", true, true, false, 300, NULL },
        { "/daemon/config/nutd/comments", "# nutd.conf\n\n  # more\n", true, true, false, 300, NULL },
        { "/daemon/config/nutd/no", "DBUS no\nAUTODETECT no\nUPOWER no\n", false, false, false, 300, NULL },
        { "/daemon/config/nutd/yes", "DBUS yes\nAUTODETECT yes\nUPOWER yes\n", true, true, true, 300, NULL },
        { "/daemon/config/nutd/on-off", "DBUS = off\nAUTODETECT=off\nUPOWER =on\n", false, false, true, 300, NULL },
        { "/daemon/config/nutd/true-false", "DBUS false\nUPOWER true\n", false, true, true, 300, NULL },
        { "/daemon/config/nutd/digits", "DBUS 0\nUPOWER 1\n", false, true, true, 300, NULL },
        { "/daemon/config/nutd/case", "dbus No\nUpower YES\n", false, true, true, 300, NULL },
        { "/daemon/config/nutd/quoted", "DBUS \"no\"\n", false, true, false, 300, NULL },
        { "/daemon/config/nutd/last-wins", "DBUS no\nDBUS yes\n", true, true, false, 300, NULL },
        { "/daemon/config/nutd/crlf", "UPOWER yes\r\nIDLE_TIMEOUT 5\r\n", true, true, true, 5, NULL },
        { "/daemon/config/nutd/idle", "IDLE_TIMEOUT 60\n", true, true, false, 60, NULL },
        { "/daemon/config/nutd/idle-zero", "IDLE_TIMEOUT = 0\n", true, true, false, 0, NULL },
        { "/daemon/config/nutd/idle-week", "IDLE_TIMEOUT 604800\n", true, true, false, 604800, NULL },
        { "/daemon/config/nutd/idle-too-big", "\nIDLE_TIMEOUT 604801\n", true, true, false, 300,
          ":2: IDLE_TIMEOUT wants seconds (0 to 604800), not \"604801\"" },
        { "/daemon/config/nutd/idle-negative", "IDLE_TIMEOUT -1\n", true, true, false, 300,
          ":1: IDLE_TIMEOUT wants seconds (0 to 604800), not \"-1\"" },
        { "/daemon/config/nutd/idle-unit", "IDLE_TIMEOUT 5m\n", true, true, false, 300,
          ":1: IDLE_TIMEOUT wants seconds (0 to 604800), not \"5m\"" },
        { "/daemon/config/nutd/idle-empty", "IDLE_TIMEOUT \"\"\n", true, true, false, 300,
          ":1: IDLE_TIMEOUT wants seconds (0 to 604800), not \"\"" },
        { "/daemon/config/nutd/unknown", "DBUS no\n# c\nFOO yes\n", true, true, false, 300,
          ":3: unknown setting \"FOO\"" },
        { "/daemon/config/nutd/bad-boolean", "UPOWER yes\nDBUS maybe\n", true, true, false, 300,
          ":2: DBUS wants yes or no, not \"maybe\"" },
        { "/daemon/config/nutd/no-value", "DBUS\n", true, true, false, 300, ":1: expected \"KEY value\"" },
        { "/daemon/config/nutd/equals-no-value", "DBUS =\n", true, true, false, 300, ":1: expected \"KEY value\"" },
        { "/daemon/config/nutd/too-many", "DBUS = no yes\n", true, true, false, 300, ":1: expected \"KEY value\"" },
        { "/daemon/config/nutd/tokenizer", "DBUS no\nUPOWER \"y#\"\n", true, true, false, 300,
          ":2: unescaped '#' inside quotes" },
};

static void test_nutd(const void *data)
{
        const NutdCase *t = data;
        g_autofree char *dir = g_dir_make_tmp("test-config-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "nutd.conf", NULL);
        NutdConfig c;
        char *error = NULL;
        int r;

        g_assert_true(g_file_set_contents(path, t->text, -1, NULL));
        nutd_config_init(&c);
        r = nutd_config_load(&c, path, &error);
        if (t->error) {
                g_autofree char *expect = g_strconcat(path, t->error, NULL);

                g_assert_cmpint(r, <, 0);
                g_assert_cmpstr(error, ==, expect);
        } else {
                g_assert_cmpint(r, ==, 0);
                g_assert_null(error);
        }
        /* on error nothing changes, even settings of earlier lines */
        g_assert_cmpint(c.dbus, ==, t->dbus);
        g_assert_cmpint(c.autodetect, ==, t->autodetect);
        g_assert_cmpint(c.upower, ==, t->upower);
        g_assert_cmpuint(c.idle_timeout_usec, ==, t->idle_sec * USEC_PER_SEC);
        free(error);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void test_nutd_missing(void)
{
        g_autofree char *dir = g_dir_make_tmp("test-config-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "nutd.conf", NULL);
        NutdConfig c, defaults;
        char *error = NULL;

        nutd_config_init(&defaults);
        g_assert_true(defaults.dbus);
        g_assert_true(defaults.autodetect);
        g_assert_false(defaults.upower);
        g_assert_cmpuint(defaults.idle_timeout_usec, ==, 300 * USEC_PER_SEC);

        nutd_config_init(&c);
        c.upower = true;        /* a missing file changes nothing */
        g_assert_cmpint(nutd_config_load(&c, path, &error), ==, 0);
        g_assert_null(error);
        g_assert_true(c.upower);
        g_assert_true(c.dbus);

        /* a directory is not a missing file */
        g_assert_cmpint(nutd_config_load(&c, dir, &error), <, 0);
        g_assert_nonnull(error);
        g_assert_true(g_str_has_prefix(error, dir));
        free(error);

        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/daemon/config/ups/sections", test_globals_and_sections);
        g_test_add_func("/daemon/config/ups/last-wins", test_last_wins);
        g_test_add_func("/daemon/config/ups/empty", test_empty);
        g_test_add_func("/daemon/config/ups/default-port", test_default_port);
        g_test_add_func("/daemon/config/ups/valid-names", test_valid_names);
        for (size_t i = 0; i < G_N_ELEMENTS(ups_error_cases); i++)
                g_test_add_data_func(ups_error_cases[i].path, &ups_error_cases[i], test_ups_error);
        g_test_add_func("/daemon/config/ups/resolve-path", test_resolve_path);
        for (size_t i = 0; i < G_N_ELEMENTS(equal_cases); i++)
                g_test_add_data_func(equal_cases[i].path, &equal_cases[i], test_equal);
        g_test_add_func("/daemon/config/ups/load", test_ups_load);
        for (size_t i = 0; i < G_N_ELEMENTS(nutd_cases); i++)
                g_test_add_data_func(nutd_cases[i].path, &nutd_cases[i], test_nutd);
        g_test_add_func("/daemon/config/nutd/missing", test_nutd_missing);

        return g_test_run();
}
