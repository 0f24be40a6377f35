/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ups.conf (ups_config_parse) and nutd.conf (nutd_config_load, through a memfd) on arbitrary bytes:
 * no crash; a failure leaves the output alone and says "name:…"; a success is a usable config.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"

#define UPS_CONF_NAME "ups.conf"
#define CONFIG_DIR "/etc/nut"

static bool starts_with_name(const char *error, const char *name)
{
        size_t l = strlen(name);

        return error && strncmp(error, name, l) == 0 && error[l] == ':';
}

/*
 * A NULL message printed with "%s" as the problem of "name:line: problem". Messages that quote the
 * text end in '"' or ')', so this cannot come from a key that reads "(null)".
 */
static bool has_null_message(const char *error)
{
        size_t l = strlen(error);

        return l >= 8 && strcmp(error + l - 8, ": (null)") == 0;
}

static void check_device(const UpsConfig *c, size_t i)
{
        const DeviceConfig *d = &c->devices[i];
        _cleanup_free_ char *p = NULL;

        fuzz_assert(d->name && d->name[0] && d->driver && d->driver[0] && d->port);
        fuzz_assert(d->globals == c->globals && d->n_globals == c->n_globals);
        fuzz_assert(d->config_dir && strcmp(d->config_dir, CONFIG_DIR) == 0);
        for (size_t j = 0; j < i; j++)
                fuzz_assert(strcasecmp(c->devices[j].name, d->name) != 0);
        for (size_t j = 0; j < d->n_params; j++)
                fuzz_assert(d->params[j].key && device_config_get(d, d->params[j].key));
        fuzz_assert(device_config_equal(d, d));
        if (device_config_resolve_path(d, d->port, &p) == 0)
                fuzz_assert(p[0] == '/');
}

static void fuzz_ups_conf(const uint8_t *data, size_t size)
{
        UpsConfig *sentinel = (UpsConfig *) &sentinel, *c = sentinel;
        char *error = NULL;
        int r;

        r = ups_config_parse(CONFIG_DIR, UPS_CONF_NAME, (const char *) data, size, &c, &error);
        if (r == -ENOMEM) {
                free(error);
                return;
        }
        if (r < 0) {
                fuzz_assert(c == sentinel);
                fuzz_assert(starts_with_name(error, UPS_CONF_NAME));
                fuzz_assert(!has_null_message(error));
                free(error);
                return;
        }
        fuzz_assert(r == 0 && !error && c && c != sentinel);
        fuzz_assert(strcmp(c->config_dir, CONFIG_DIR) == 0);
        for (size_t i = 0; i < c->n_devices; i++)
                check_device(c, i);
        ups_config_free(c);
}

/* nutd.conf is only read from a path; a memfd gives one without touching the disk. */
static void fuzz_nutd_conf(const uint8_t *data, size_t size)
{
        static int fd = -1;
        static char path[64];
        NutdConfig c, defaults;
        char *error = NULL;
        int r;

        if (fd < 0) {
                fd = memfd_create("nutd.conf", MFD_CLOEXEC);
                fuzz_assert(fd >= 0);
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        }
        fuzz_assert(ftruncate(fd, 0) == 0);
        fuzz_assert(size == 0 || pwrite(fd, data, size, 0) == (ssize_t) size);

        nutd_config_init(&defaults);
        c = defaults;
        r = nutd_config_load(&c, path, &error);
        if (r == -ENOMEM) {
                free(error);
                return;
        }
        if (r < 0) {
                fuzz_assert(c.dbus == defaults.dbus && c.autodetect == defaults.autodetect);
                fuzz_assert(c.upower == defaults.upower);
                fuzz_assert(c.idle_timeout_usec == defaults.idle_timeout_usec);
                fuzz_assert(starts_with_name(error, path));
                fuzz_assert(!has_null_message(error));
                free(error);
                return;
        }
        fuzz_assert(r == 0 && !error);
        fuzz_assert(c.idle_timeout_usec <= UINT64_C(7) * 24 * 3600 * USEC_PER_SEC);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        /* ups.conf warns about extra words; that is expected here, not worth a line per input */
        log_set_max_level(LOG_ERR);
        fuzz_ups_conf(data, size);
        fuzz_nutd_conf(data, size);
        return 0;
}
