/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd-killpower: a systemd-shutdown hook. At the very end of a power-off that nutd started
 * because the power ran out (it left $RUNTIME_DIRECTORY/killpower, /run/nutd/killpower), it
 * tells the locally attached devices of ups.conf to cut their output after their delay, so
 * that they restart the host when mains returns. Network devices were told earlier, while the
 * network was up. No daemon runs at this point: the drivers are linked in and run here.
 *   nutd-killpower poweroff|halt|reboot|kexec   (called by systemd-shutdown)
 *   nutd-killpower --config-dir DIR --flag FILE poweroff   (by hand, or in tests)
 */
#include <getopt.h>
#include <libudev.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "device.h"
#include "driver-table.h"
#include "strv.h"
#include "log.h"
#include "time-util.h"

#define KILLPOWER_CONNECT_USEC (5 * USEC_PER_SEC)
#define KILLPOWER_WAIT_USEC (15 * USEC_PER_SEC)

static bool all_connected(Device **devices, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (devices[i] && (devices[i]->connection == DEVICE_WAITING ||
                                   (devices[i]->driver->attach && devices[i]->connection != DEVICE_CONNECTED)))
                        return false;
        return true;
}

/* Runs the loop until cond() or the deadline; no sd_event_exit, so the loop can be reused. */
static void run_until(sd_event *e, uint64_t usec, bool (*cond)(void *), void *data)
{
        uint64_t end = now(CLOCK_MONOTONIC) + usec;

        while (!cond(data) && now(CLOCK_MONOTONIC) < end)
                (void) sd_event_run(e, 100 * USEC_PER_MSEC);
}

typedef struct Devices {
        Device **d;
        bool *attached;         /* a USB device was given to it */
        size_t n;
        unsigned left, failed;
} Devices;

/* One device's kill-power answer */
typedef struct KillRequest {
        Devices *x;
        const char *name;
} KillRequest;

static void on_done(int r, void *userdata)
{
        KillRequest *k = userdata;

        if (r < 0) {
                log_error_errno(r, "%s: kill-power failed: %m", k->name);
                k->x->failed++;
        } else
                log_notice("%s: kill-power acknowledged", k->name);
        k->x->left--;
}

static bool devices_ready(void *data)
{
        Devices *x = data;

        return all_connected(x->d, x->n);
}

static bool devices_done(void *data)
{
        return ((Devices *) data)->left == 0;
}

/* A device for a USB unit no section took, as nutd would have made it up; attached */
static int devices_add_detected(sd_event *e, UpsConfig *ups, Devices *x, struct udev_device *u)
{
        _cleanup_strv_free_ char **params = NULL;
        _cleanup_free_ char *name = NULL;
        const DriverOps *ops;
        Device **a;
        bool *b;
        int r;

        r = driver_claim_udev(u, &ops, &name, &params);
        if (r <= 0)
                return r;
        /* x->d[i] stays the device of ups->devices[i]: room first, then the section */
        a = realloc(x->d, (x->n + 1) * sizeof(Device *));
        if (!a)
                return -ENOMEM;
        x->d = a;
        b = realloc(x->attached, (x->n + 1) * sizeof(bool));
        if (!b)
                return -ENOMEM;
        x->attached = b;
        r = ups_config_add_detected(ups, name, ops->name, params);
        if (r < 0)
                return r;
        x->attached[x->n] = true;
        if (device_new(name, e, &x->d[x->n]) < 0 ||
            device_start_driver(x->d[x->n], ops, &ups->devices[ups->n_devices - 1]) < 0)
                x->d[x->n] = device_unref(x->d[x->n]);
        else
                (void) ops->attach(x->d[x->n]->driver_state, u);
        x->n++;
        return 0;
}

/* Gives each present USB device to the section that matches it, or, when nothing does and
 * auto-detection is on, to a new section of the driver that claims it (as nutd would have) */
static void attach_present(sd_event *e, UpsConfig *ups, Devices *x, bool autodetect)
{
        struct udev *udev = udev_new();
        struct udev_enumerate *en = udev ? udev_enumerate_new(udev) : NULL;
        struct udev_list_entry *it;

        if (!en || udev_enumerate_add_match_subsystem(en, "usb") < 0 ||
            udev_enumerate_add_match_property(en, "DEVTYPE", "usb_device") < 0 || udev_enumerate_scan_devices(en) < 0)
                goto done;
        udev_list_entry_foreach(it, udev_enumerate_get_list_entry(en)) {
                struct udev_device *u = udev_device_new_from_syspath(udev, udev_list_entry_get_name(it));
                bool taken = false;

                for (size_t i = 0; u && i < x->n && !taken; i++) {
                        Device *d = x->d[i];

                        if (d && d->driver->attach && d->driver->match_config &&
                            d->driver->match_config(&ups->devices[i], u) > 0 && !x->attached[i]) {
                                taken = x->attached[i] = true;
                                (void) d->driver->attach(d->driver_state, u);
                        }
                }
                if (u && autodetect && !taken)
                        (void) devices_add_detected(e, ups, x, u);
                udev_device_unref(u);
        }
done:
        udev_enumerate_unref(en);
        udev_unref(udev);
}

/* Starts each local device's driver, waits for data, and sends kill-power to all; -EIO if
 * any of them did not take it */
static int killpower_devices(UpsConfig *ups, bool autodetect)
{
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_free_ KillRequest *requests = NULL;
        Devices x = { .d = calloc(ups->n_devices + 1, sizeof(Device *)), .n = ups->n_devices,
                      .attached = calloc(ups->n_devices + 1, sizeof(bool)) };
        int r;

        if (!x.d || !x.attached || sd_event_new(&e) < 0) {
                free(x.d);
                free(x.attached);
                return log_oom();
        }
        for (size_t i = 0; i < ups->n_devices; i++) {
                const DeviceConfig *c = &ups->devices[i];
                const DriverOps *ops = driver_find(c->driver);

                /* network devices were told while the network was up */
                if (!ops || !ops->killpower || ops->transport == DRIVER_NETWORK)
                        continue;
                if (device_new(c->name, e, &x.d[i]) < 0 || device_start_driver(x.d[i], ops, c) < 0)
                        x.d[i] = device_unref(x.d[i]);
        }
        attach_present(e, ups, &x, autodetect);
        run_until(e, KILLPOWER_CONNECT_USEC, devices_ready, &x);
        requests = calloc(x.n + 1, sizeof(KillRequest));
        if (!requests) {
                (void) log_oom();
                x.failed++;
        }
        for (size_t i = 0; requests && i < x.n; i++) {
                if (!x.d[i])
                        continue;
                requests[i] = (KillRequest) { .x = &x, .name = x.d[i]->name };
                x.left++;
                r = device_killpower(x.d[i], on_done, &requests[i]);
                if (r < 0) {
                        x.left--;
                        x.failed++;
                        log_error_errno(r, "%s: cannot send kill-power: %m", x.d[i]->name);
                } else
                        log_notice("%s: kill-power sent", x.d[i]->name);
        }
        run_until(e, KILLPOWER_WAIT_USEC, devices_done, &x);
        if (x.left > 0)
                log_error("kill-power: %u devices did not answer in time", x.left);
        for (size_t i = 0; i < x.n; i++) {
                if (!x.d[i])
                        continue;
                device_stop_driver(x.d[i]);     /* the driver holds a reference on its device */
                device_unref(x.d[i]);
        }
        free(x.d);
        free(x.attached);
        return x.left > 0 || x.failed > 0 ? -EIO : 0;
}

int main(int argc, char *argv[])
{
        static const struct option options[] = {
                { "config-dir", required_argument, NULL, 'c' },
                { "flag", required_argument, NULL, 'f' },
                {}
        };
        _cleanup_(ups_config_freep) UpsConfig *ups = NULL;
        _cleanup_free_ char *flag = NULL, *error = NULL, *nutd_conf = NULL, *nutd_error = NULL;
        NutdConfig nutd;
        const char *dir = getenv("NUT_CONFPATH") ?: NUTD_CONFDIR, *verb;
        int c;

        log_open();
        while ((c = getopt_long(argc, argv, "c:f:", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        dir = optarg;
                        break;
                case 'f':
                        free(flag);
                        flag = strdup(optarg);
                        break;
                default:
                        return 2;
                }
        verb = optind < argc ? argv[optind] : "";
        if (!streq(verb, "poweroff") && !streq(verb, "halt"))
                return 0;       /* a reboot keeps the power on */
        if (!flag && asprintf(&flag, "%s/killpower", getenv("RUNTIME_DIRECTORY") ?: "/run/nutd") < 0)
                return 1;
        if (access(flag, F_OK) < 0)
                return 0;       /* not a power-failure shutdown */
        log_notice("nutd-killpower: power failure shutdown, telling the UPSes to cut power");
        if (ups_config_load(dir, &ups, &error) < 0) {
                log_error("%s", strempty(error));
                return 1;
        }
        nutd_config_init(&nutd);
        if (asprintf(&nutd_conf, "%s/nutd.conf", dir) >= 0 && nutd_config_load(&nutd, nutd_conf, &nutd_error) < 0)
                log_warning("%s: unreadable, auto-detecting USB devices anyway", nutd_conf);
        return killpower_devices(ups, nutd.autodetect) < 0 ? 1 : 0;
}
