/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hot-plug through libudev: USB devices ("usb_device") and HID interfaces (whose kernel
 * driver binding exposes the report descriptor a standard UPS is recognised by) are
 * offered to the drivers. An attachment remembers the udev device, the Device and the
 * driver instance it went to, so a restarted driver is offered its device again.
 */
#include <libudev.h>
#include <stdlib.h>

#include "hotplug.h"
#include "log.h"
#include "manager.h"
#include "strv.h"

typedef struct Attachment {
        char *syspath;
        Device *device;
        void *driver_state;     /* the instance it was given to */
} Attachment;

struct Hotplug {
        Manager *manager;
        struct udev *udev;
        struct udev_monitor *monitor;
        sd_event_source *source;
        Attachment *attached;
        size_t n_attached;
};

static void attachment_done(Attachment *a)
{
        free(a->syspath);
        device_unref(a->device);
}

Hotplug *hotplug_free(Hotplug *h)
{
        if (!h)
                return NULL;
        for (size_t i = 0; i < h->n_attached; i++)
                attachment_done(&h->attached[i]);
        free(h->attached);
        sd_event_source_disable_unref(h->source);
        udev_monitor_unref(h->monitor);
        udev_unref(h->udev);
        return mfree(h);
}

static bool attachment_live(const Attachment *a)
{
        return a->device->driver && a->device->driver_state == a->driver_state;
}

/* Forgets attachments whose driver instance is gone (device dropped or restarted) */
static void hotplug_prune(Hotplug *h)
{
        size_t k = 0;

        for (size_t i = 0; i < h->n_attached; i++) {
                if (attachment_live(&h->attached[i]))
                        h->attached[k++] = h->attached[i];
                else
                        attachment_done(&h->attached[i]);
        }
        h->n_attached = k;
}

static Attachment *hotplug_find(Hotplug *h, const char *syspath, Device *d)
{
        for (size_t i = 0; i < h->n_attached; i++)
                if ((syspath && streq(h->attached[i].syspath, syspath)) || (d && h->attached[i].device == d))
                        return &h->attached[i];
        return NULL;
}

static int hotplug_attach(Hotplug *h, Device *d, struct udev_device *u)
{
        const char *syspath = udev_device_get_syspath(u);
        Attachment *a;
        int r;

        a = realloc(h->attached, (h->n_attached + 1) * sizeof(Attachment));
        if (!a)
                return -ENOMEM;
        h->attached = a;
        a = &a[h->n_attached];
        *a = (Attachment) { .syspath = strdup(syspath), .device = device_ref(d), .driver_state = d->driver_state };
        if (!a->syspath) {
                device_unref(d);
                return -ENOMEM;
        }
        h->n_attached++;
        log_info("%s: %s attached (%s)", d->name, syspath, d->driver->name);
        r = d->driver->attach(d->driver_state, u);
        if (r < 0)
                log_warning_errno(r, "%s: driver refused %s: %m", d->name, syspath);
        return 0;
}

/* A name no device has: the driver's, else with "-2", "-3"... */
static int hotplug_unique_name(Manager *m, const char *base, char **ret)
{
        char *n = strdup(base);

        for (unsigned i = 2; n && manager_find_device(m, n); i++) {
                free(n);
                if (asprintf(&n, "%s-%u", base, i) < 0)
                        n = NULL;
        }
        if (!n)
                return -ENOMEM;
        *ret = n;
        return 0;
}

static int hotplug_detect(Hotplug *h, struct udev_device *u)
{
        Manager *m = h->manager;
        _cleanup_strv_free_ char **params = NULL;
        _cleanup_free_ char *base = NULL, *name = NULL;
        const DriverOps *ops;
        Device *d;
        int r;

        r = driver_claim_udev(u, &ops, &base, &params);
        if (r <= 0)
                return r;
        r = hotplug_unique_name(m, base, &name);
        if (r < 0)
                return r;
        if (!streq(name, base)) {
                /* a second unit that looks like the first: tell them apart by port */
                if (strv_extend(&params, "busport") < 0 || strv_extend(&params, udev_device_get_sysname(u)) < 0)
                        return -ENOMEM;
        }
        r = manager_add_detected_device(m, name, ops->name, params, &d);
        if (r < 0)
                return r;
        log_info("%s: new %s device at %s", name, ops->name, udev_device_get_syspath(u));
        if (!d->driver)
                return 0;
        return hotplug_attach(h, d, u);
}

static int hotplug_add(Hotplug *h, struct udev_device *u)
{
        Manager *m = h->manager;

        if (hotplug_find(h, udev_device_get_syspath(u), NULL))
                return 0;
        for (size_t i = 0; i < m->n_devices; i++) {
                Device *d = m->devices[i];
                const DeviceConfig *c;

                if (!d->driver || !d->driver->attach || !d->driver->match_config)
                        continue;
                if (hotplug_find(h, NULL, d))
                        continue;
                c = manager_find_config(m, d->name);
                if (c && d->driver->match_config(c, u) > 0)
                        return hotplug_attach(h, d, u);
        }
        if (!m->nutd.autodetect)
                return 0;
        return hotplug_detect(h, u);
}

static void hotplug_remove(Hotplug *h, const char *syspath)
{
        Attachment *a = hotplug_find(h, syspath, NULL);

        if (!a)
                return;
        if (attachment_live(a)) {
                log_info("%s: %s removed", a->device->name, syspath);
                a->device->driver->detach(a->driver_state);
        }
        attachment_done(a);
        *a = h->attached[--h->n_attached];
}

/* The USB device a udev event is about: itself, or the one a HID interface belongs to */
static struct udev_device *hotplug_usb_device(struct udev_device *u)
{
        if (streq_ptr(udev_device_get_subsystem(u), "usb") && streq_ptr(udev_device_get_devtype(u), "usb_device"))
                return u;
        return udev_device_get_parent_with_subsystem_devtype(u, "usb", "usb_device");
}

static void hotplug_handle(Hotplug *h, struct udev_device *u, const char *action)
{
        struct udev_device *usb = hotplug_usb_device(u);
        int r;

        log_debug("udev: %s %s", action, udev_device_get_syspath(u));
        if (!usb)
                return;
        hotplug_prune(h);
        if (streq(action, "remove")) {
                if (usb == u)
                        hotplug_remove(h, udev_device_get_syspath(u));
                return;
        }
        if (!streq(action, "add") && !streq(action, "bind") && !streq(action, "change"))
                return;
        r = hotplug_add(h, usb);
        if (r < 0)
                log_warning_errno(r, "%s: cannot take the device, ignoring: %m", udev_device_get_syspath(usb));
}

static int hotplug_on_event(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Hotplug *h = userdata;
        struct udev_device *u;

        while ((u = udev_monitor_receive_device(h->monitor))) {
                const char *action = udev_device_get_action(u);

                if (action)
                        hotplug_handle(h, u, action);
                udev_device_unref(u);
        }
        return 0;
}

int hotplug_enumerate(Hotplug *h)
{
        struct udev_enumerate *e = udev_enumerate_new(h->udev);
        struct udev_list_entry *it;
        int r;

        if (!e)
                return -ENOMEM;
        hotplug_prune(h);
        r = udev_enumerate_add_match_subsystem(e, "usb");
        if (r >= 0)
                r = udev_enumerate_add_match_property(e, "DEVTYPE", "usb_device");
        if (r >= 0)
                r = udev_enumerate_scan_devices(e);
        if (r < 0) {
                udev_enumerate_unref(e);
                return r;
        }
        udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
                struct udev_device *u = udev_device_new_from_syspath(h->udev, udev_list_entry_get_name(it));

                if (!u)
                        continue;
                r = hotplug_add(h, u);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot take the device, ignoring: %m", udev_device_get_syspath(u));
                udev_device_unref(u);
        }
        udev_enumerate_unref(e);
        return 0;
}

int hotplug_new(Manager *m, Hotplug **ret)
{
        _cleanup_(hotplug_freep) Hotplug *h = calloc(1, sizeof(Hotplug));
        int r;

        if (!h)
                return -ENOMEM;
        h->manager = m;
        h->udev = udev_new();
        if (!h->udev)
                return -ENOMEM;
        h->monitor = udev_monitor_new_from_netlink(h->udev, "udev");
        if (!h->monitor)
                return -ENOMEM;
        r = udev_monitor_filter_add_match_subsystem_devtype(h->monitor, "usb", "usb_device");
        if (r >= 0)
                r = udev_monitor_filter_add_match_subsystem_devtype(h->monitor, "hid", NULL);
        if (r >= 0)
                r = udev_monitor_enable_receiving(h->monitor);
        if (r >= 0)
                r = sd_event_add_io(m->event, &h->source, udev_monitor_get_fd(h->monitor), EPOLLIN, hotplug_on_event, h);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(h);
        return 0;
}
