/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ups.conf and nutd.conf. Both use the NUT tokenizer; every error names file, line and
 * problem. A missing file is not an error: no file is required.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "conf-util.h"
#include "config.h"
#include "log.h"
#include "tokenize.h"

static void conf_pairs_free(ConfPair *p, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(p[i].key);
                free(p[i].value);
        }
        free(p);
}

static void device_config_done(DeviceConfig *c)
{
        free(c->name);
        free(c->driver);
        free(c->port);
        free(c->desc);
        conf_pairs_free(c->params, c->n_params);
}

UpsConfig *ups_config_free(UpsConfig *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_devices; i++)
                device_config_done(&c->devices[i]);
        free(c->devices);
        conf_pairs_free(c->globals, c->n_globals);
        free(c->config_dir);
        return mfree(c);
}

static int pairs_add(ConfPair **p, size_t *n, const char *key, const char *value)
{
        ConfPair *a = realloc(*p, (*n + 1) * sizeof(ConfPair));
        char *k, *v = NULL;

        if (!a)
                return -ENOMEM;
        *p = a;
        k = strdup(key);
        if (value)
                v = strdup(value);
        if (!k || (value && !v)) {
                free(k);
                free(v);
                return -ENOMEM;
        }
        a[(*n)++] = (ConfPair) { k, v };
        return 0;
}

static const char *pairs_get(const ConfPair *p, size_t n, const char *key)
{
        /* The last assignment wins, as in NUT. */
        for (size_t i = n; i > 0; i--)
                if (streq(p[i - 1].key, key))
                        return p[i - 1].value ?: "";
        return NULL;
}

/* A device name must be usable in NUT requests, D-Bus paths and file names. */
static bool device_name_is_valid(const char *s)
{
        if (isempty(s) || strlen(s) > 64 || streq(s, "default"))
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && !strchr("._-:+@", *s))
                        return false;
        return true;
}

typedef struct UpsParse {
        UpsConfig *config;
        const char *name;
} UpsParse;

static int ups_parse_section(UpsConfig *c, const char *word, char **ret_error)
{
        _cleanup_free_ char *name = strndup(word + 1, strlen(word) - 2);
        DeviceConfig *a;

        if (!name)
                return -ENOMEM;
        if (!device_name_is_valid(name))
                return conf_error(ret_error, "invalid device name \"%s\" (letters, digits, \"._-:+@\")", name);
        for (size_t i = 0; i < c->n_devices; i++)
                if (strcaseeq(c->devices[i].name, name))
                        return conf_error(ret_error, "device [%s] is defined twice", name);
        a = realloc(c->devices, (c->n_devices + 1) * sizeof(DeviceConfig));
        if (!a)
                return -ENOMEM;
        c->devices = a;
        a[c->n_devices++] = (DeviceConfig) { .name = TAKE_PTR(name), .config_dir = c->config_dir };
        return 0;
}

static int ups_parse_line(unsigned line, char **w, size_t n, void *userdata, char **ret_error)
{
        UpsParse *p = userdata;
        UpsConfig *c = p->config;
        DeviceConfig *d = c->n_devices > 0 ? &c->devices[c->n_devices - 1] : NULL;
        const char *key = w[0], *value = NULL;

        if (n == 1 && key[0] == '[' && strlen(key) >= 2 && key[strlen(key) - 1] == ']')
                return ups_parse_section(c, key, ret_error);
        if (key[0] == '[')
                return conf_error(ret_error, "malformed section header \"%s\"", key);
        if (streq(key, "="))
                return conf_error(ret_error, "missing key before '='");
        if (n >= 2 && !streq(w[1], "="))
                return conf_error(ret_error, "expected \"%s = value\"", key);
        if (n >= 2)
                value = n >= 3 ? w[2] : "";
        if (n > 3)
                log_warning("%s:%u: words after the value of \"%s\" ignored (quote a value with spaces)",
                            p->name, line, key);

        if (!d)
                return pairs_add(&c->globals, &c->n_globals, key, value);
        if (streq(key, "driver") || streq(key, "desc") || streq(key, "port")) {
                char **f = streq(key, "driver") ? &d->driver : streq(key, "desc") ? &d->desc : &d->port;

                if (!value || isempty(value))
                        return conf_error(ret_error, "\"%s\" needs a value", key);
                if (free_and_strdup(f, value) < 0)
                        return -ENOMEM;
                if (!streq(key, "port"))
                        return 0;
        }
        return pairs_add(&d->params, &d->n_params, key, value);
}

/**
 * ups_config_parse() - parse the text of an ups.conf
 *
 * On failure *ret_error says "name:line: problem".
 */
int ups_config_parse(const char *config_dir, const char *name, const char *text, size_t size, UpsConfig **ret,
                     char **ret_error)
{
        _cleanup_(ups_config_freep) UpsConfig *c = calloc(1, sizeof(UpsConfig));
        UpsParse p = { .config = c, .name = name };
        int r;

        if (!c)
                return -ENOMEM;
        c->config_dir = strdup(config_dir);
        if (!c->config_dir)
                return -ENOMEM;
        r = nut_conf_parse_buffer(name, text, size, ups_parse_line, &p, ret_error);
        if (r < 0)
                return r;
        for (size_t i = 0; i < c->n_devices; i++) {
                DeviceConfig *d = &c->devices[i];

                if (!d->driver)
                        return conf_error(ret_error, "%s: device [%s] has no \"driver\"", name, d->name);
                if (!d->port && !(d->port = strdup("auto")))
                        return -ENOMEM;
                d->globals = c->globals;
                d->n_globals = c->n_globals;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

/* Loads config_dir/ups.conf; a missing file gives an empty configuration. */
int ups_config_load(const char *config_dir, UpsConfig **ret, char **ret_error)
{
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t size = 0;
        int r;

        if (asprintf(&path, "%s/ups.conf", config_dir) < 0)
                return -ENOMEM;
        r = read_file_bounded(path, 16 * 1024 * 1024, &text, &size);
        if (r == -ENOENT)
                return ups_config_parse(config_dir, path, "", 0, ret, ret_error);
        if (r < 0) {
                conf_error(ret_error, "%s: %s", path, strerror(-r));
                return r;
        }
        return ups_config_parse(config_dir, path, text, size, ret, ret_error);
}

/* A section key, else the global one of the same name, else NULL. */
const char *device_config_get(const DeviceConfig *c, const char *key)
{
        return pairs_get(c->params, c->n_params, key) ?: pairs_get(c->globals, c->n_globals, key);
}

bool device_config_equal(const DeviceConfig *a, const DeviceConfig *b)
{
        if (!streq(a->name, b->name) || !streq(a->driver, b->driver) || !streq_ptr(a->port, b->port) ||
            !streq_ptr(a->desc, b->desc) || a->n_params != b->n_params || a->n_globals != b->n_globals)
                return false;
        for (size_t i = 0; i < a->n_params; i++)
                if (!streq(a->params[i].key, b->params[i].key) ||
                    !streq_ptr(a->params[i].value, b->params[i].value))
                        return false;
        for (size_t i = 0; i < a->n_globals; i++)
                if (!streq(a->globals[i].key, b->globals[i].key) ||
                    !streq_ptr(a->globals[i].value, b->globals[i].value))
                        return false;
        return true;
}

int device_config_resolve_path(const DeviceConfig *c, const char *path, char **ret)
{
        char *p;

        if (path[0] == '/')
                p = strdup(path);
        else if (asprintf(&p, "%s/%s", c->config_dir ?: ".", path) < 0)
                p = NULL;
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}

void nutd_config_init(NutdConfig *c)
{
        *c = (NutdConfig) {
                .dbus = true,
                .autodetect = true,
                .upower = false,
                .idle_timeout_usec = 300 * USEC_PER_SEC,
        };
}

static int nutd_parse_line(unsigned line, char **w, size_t n, void *userdata, char **ret_error)
{
        NutdConfig *c = userdata;
        const char *key = w[0], *value;
        int b;

        if (n == 3 && streq(w[1], "="))
                value = w[2];
        else if (n == 2 && !streq(w[1], "="))
                value = w[1];
        else
                return conf_error(ret_error, "expected \"KEY value\"");

        if (strcaseeq(key, "IDLE_TIMEOUT")) {
                char *end;
                unsigned long long s;

                errno = 0;
                s = strtoull(value, &end, 10);
                if (errno || *end || end == value || value[0] == '-' || s > 7 * 24 * 3600)
                        return conf_error(ret_error, "IDLE_TIMEOUT wants seconds (0 to 604800), not \"%s\"", value);
                c->idle_timeout_usec = s * USEC_PER_SEC;
                return 0;
        }

        b = conf_parse_boolean(value);
        if (strcaseeq(key, "DBUS") || strcaseeq(key, "AUTODETECT") || strcaseeq(key, "UPOWER")) {
                if (b < 0)
                        return conf_error(ret_error, "%s wants yes or no, not \"%s\"", key, value);
                if (strcaseeq(key, "DBUS"))
                        c->dbus = b;
                else if (strcaseeq(key, "AUTODETECT"))
                        c->autodetect = b;
                else
                        c->upower = b;
                return 0;
        }
        return conf_error(ret_error, "unknown setting \"%s\"", key);
}

/* Loads path into c (already initialized with defaults); a missing file changes nothing. */
int nutd_config_load(NutdConfig *c, const char *path, char **ret_error)
{
        NutdConfig n = *c;
        int r;

        r = nut_conf_parse_file(path, nutd_parse_line, &n, ret_error);
        if (r == -ENOENT && access(path, F_OK) < 0) {
                free(*ret_error);
                *ret_error = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        *c = n;
        return 0;
}

/**
 * ups_config_add_remote() - a device section for a UPS of another NUT server
 *
 * upsmon.conf's "MONITOR ups@host[:port] ..." lines become nut-remote devices named like the
 * line, logged in with its user (as upsmon does), unless ups.conf already has that name.
 */
int ups_config_add_remote(UpsConfig *c, const char *system, const char *username, const char *password)
{
        DeviceConfig *d, *a;

        for (size_t i = 0; i < c->n_devices; i++)
                if (strcaseeq(c->devices[i].name, system))
                        return 0;
        a = realloc(c->devices, (c->n_devices + 1) * sizeof(DeviceConfig));
        if (!a)
                return -ENOMEM;
        c->devices = a;
        d = &a[c->n_devices];
        *d = (DeviceConfig) { .config_dir = c->config_dir, .globals = c->globals, .n_globals = c->n_globals };
        if (!(d->name = strdup(system)) || !(d->driver = strdup("nut-remote")) || !(d->port = strdup(system)) ||
            pairs_add(&d->params, &d->n_params, "port", system) < 0 ||
            (username && pairs_add(&d->params, &d->n_params, "username", username) < 0) ||
            (password && pairs_add(&d->params, &d->n_params, "password", password) < 0) ||
            pairs_add(&d->params, &d->n_params, "login", "yes") < 0) {
                device_config_done(d);
                return -ENOMEM;
        }
        c->n_devices++;
        return 1;
}

/**
 * ups_config_add_detected() - the section nutd makes up for an auto-detected device
 *
 * @params: key, value, key, value... (the driver's match keys for this unit)
 */
int ups_config_add_detected(UpsConfig *c, const char *name, const char *driver, char **params)
{
        DeviceConfig *d, *a;

        a = realloc(c->devices, (c->n_devices + 1) * sizeof(DeviceConfig));
        if (!a)
                return -ENOMEM;
        c->devices = a;
        d = &a[c->n_devices];
        *d = (DeviceConfig) { .config_dir = c->config_dir, .globals = c->globals, .n_globals = c->n_globals };
        if (!(d->name = strdup(name)) || !(d->driver = strdup(driver)) || !(d->port = strdup("auto")) ||
            pairs_add(&d->params, &d->n_params, "port", "auto") < 0) {
                device_config_done(d);
                return -ENOMEM;
        }
        for (char **p = params; p && p[0] && p[1]; p += 2)
                if (pairs_add(&d->params, &d->n_params, p[0], p[1]) < 0) {
                        device_config_done(d);
                        return -ENOMEM;
                }
        c->n_devices++;
        return 0;
}
