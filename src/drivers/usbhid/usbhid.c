/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups: USB HID Power Devices. The instance exists as long as its ups.conf section (or
 * the auto-detected device); the USB device comes and goes with attach/detach from hot-plug.
 * On attach: open, read the report descriptor, pick the subdriver, resolve its mapping, read
 * every report once, then listen on the interrupt pipe (status changes at once) and poll:
 * the QUICK_POLL reports every pollinterval, all of them every pollfreq. Failures make the
 * device stale; repeated ones close it and reopen it with a growing delay.
 */
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>

#include "driver-table.h"
#include "hid-fixup.h"
#include "hid-usage.h"
#include "log.h"
#include "time-util.h"
#include "usbhid-internal.h"

#define USBHID_POLLINTERVAL_USEC (2 * USEC_PER_SEC)
#define USBHID_FAILED_CYCLES_MAX 3U
#define USBHID_REOPEN_MAX_S 30U

static void usbhid_close(UsbHid *x)
{
        usbhid_cancel_ops(x);
        hid_transport_close(x->transport);
        x->transport = NULL;
        x->map = hid_map_free(x->map);
        x->report_reqs = mfree(x->report_reqs);
        x->desc = hid_descriptor_free(x->desc);
        hid_conv_state_free(x->conv.state);
        x->conv = (HidConvContext) {};
        x->subdriver = NULL;
        x->pending = 0;
        x->in_cycle = x->first_done = false;
        for (size_t i = 0; i < ELEMENTSOF(x->strings); i++) {
                x->strings[i] = mfree(x->strings[i]);
                x->strings_wanted[i] = x->strings_failed[i] = false;
        }
}

static void usbhid_forget_device(UsbHid *x)
{
        usbhid_close(x);
        x->syspath = mfree(x->syspath);
        x->devnode = mfree(x->devnode);
        x->manufacturer = mfree(x->manufacturer);
        x->product = mfree(x->product);
        x->serial = mfree(x->serial);
}

static void usbhid_free(UsbHid *x)
{
        if (!x)
                return;
        usbhid_forget_device(x);
        sd_event_source_disable_unref(x->timer);
        usb_context_unref(x->usb);
        free(x->subdriver_name);
        free(x->ondelay);
        free(x->offdelay);
        free(x->lowbatt);
        device_unref(x->device);
        free(x);
}

static int usbhid_reopen(UsbHid *x);

static int usbhid_on_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void usbhid_schedule(UsbHid *x, uint64_t delay_usec)
{
        uint64_t when = now(CLOCK_MONOTONIC) + delay_usec;

        if (x->timer) {
                (void) sd_event_source_set_time(x->timer, when);
                (void) sd_event_source_set_enabled(x->timer, SD_EVENT_ONESHOT);
        } else if (sd_event_add_time(x->device->event, &x->timer, CLOCK_MONOTONIC, when, 0, usbhid_on_timer, x) < 0)
                log_error("%s: cannot arm the poll timer; the device will not be polled", x->device->name);
}

/* The next attempt to open the device: 1 s, then doubling up to USBHID_REOPEN_MAX_S */
static void usbhid_schedule_reopen(UsbHid *x)
{
        x->reopen_delay_s = MIN(MAX(x->reopen_delay_s * 2, 1U), USBHID_REOPEN_MAX_S);
        usbhid_schedule(x, x->reopen_delay_s * USEC_PER_SEC);
}

void usbhid_schedule_poll(UsbHid *x, uint64_t delay_usec)
{
        usbhid_schedule(x, delay_usec);
}

/* Something went wrong talking to the device: gone (wait for hot-plug), or close and retry */
void usbhid_io_failed(UsbHid *x, int r)
{
        if (!x->transport)
                return;
        if (r == -ENODEV) {
                log_debug("%s: the USB device went away", x->device->name);
                usbhid_close(x);
                device_set_connection(x->device, DEVICE_DISCONNECTED);
                /* udev's "remove" normally follows; if it does not, try again later */
                x->reopen_delay_s = 1;
                usbhid_schedule(x, USEC_PER_SEC);
                return;
        }
        log_debug_errno(r, "%s: USB I/O failed, reopening: %m", x->device->name);
        usbhid_close(x);
        device_set_connection(x->device, DEVICE_STALE);
        usbhid_schedule_reopen(x);
}

static void usbhid_finish_cycle(UsbHid *x);

static void usbhid_on_string(int r, const uint8_t *data, size_t size, void *userdata)
{
        UsbHidReq *q = userdata;
        UsbHid *x = q->x;

        x->pending--;
        if (r >= 0 && !x->strings[q->index])
                x->strings[q->index] = strndup((const char *) data, size);
        else if (r < 0)
                x->strings_failed[q->index] = true;
        if (x->pending == 0)
                usbhid_finish_cycle(x);
}

/* Fetches the strings the last publication asked for; true if any went out */
static bool usbhid_fetch_strings(UsbHid *x)
{
        bool any = false;

        for (unsigned i = 1; i < ELEMENTSOF(x->strings); i++) {
                if (!x->strings_wanted[i])
                        continue;
                x->strings_wanted[i] = false;
                x->string_reqs[i] = (UsbHidReq) { x, i };
                if (hid_transport_get_string(x->transport, (uint8_t) i, usbhid_on_string, &x->string_reqs[i]) >= 0) {
                        x->pending++;
                        any = true;
                } else
                        x->strings_failed[i] = true;    /* not asked for again */
        }
        return any;
}

static void usbhid_set_identity(UsbHid *x)
{
        char id[8];

        (void) device_set_var(x->device, "device.type", "ups");
        (void) device_set_var(x->device, "driver.version.data", x->subdriver->version);
        snprintf(id, sizeof id, "%04x", hid_transport_get_info(x->transport)->vendor);
        (void) device_set_var(x->device, "ups.vendorid", id);
        snprintf(id, sizeof id, "%04x", hid_transport_get_info(x->transport)->product);
        (void) device_set_var(x->device, "ups.productid", id);
        /* The USB strings, unless the mapping gave better ones */
        if (x->manufacturer && !device_get_var(x->device, "ups.mfr"))
                (void) device_set_var(x->device, "ups.mfr", x->manufacturer);
        if (x->product && !device_get_var(x->device, "ups.model"))
                (void) device_set_var(x->device, "ups.model", x->product);
        if (x->serial && !device_get_var(x->device, "ups.serial"))
                (void) device_set_var(x->device, "ups.serial", x->serial);
        (void) device_set_var(x->device, "device.mfr", device_get_var(x->device, "ups.mfr"));
        (void) device_set_var(x->device, "device.model", device_get_var(x->device, "ups.model"));
        (void) device_set_var(x->device, "device.serial", device_get_var(x->device, "ups.serial"));
}

/* User options applied after the first reading, where the variable exists (NUT's order) */
static void usbhid_apply_options(UsbHid *x)
{
        static const struct {
                size_t offset;
                const char *var;
        } opts[] = {
                { offsetof(UsbHid, lowbatt), "battery.charge.low" },
                { offsetof(UsbHid, ondelay), "ups.delay.start" },
                { offsetof(UsbHid, offdelay), "ups.delay.shutdown" },
        };

        for (size_t i = 0; i < ELEMENTSOF(opts); i++) {
                const char *v = *(char **) ((uint8_t *) x + opts[i].offset);

                if (v && device_get_var(x->device, opts[i].var))
                        (void) usbhid_setvar(x, opts[i].var, v, NULL, NULL);
        }
}

static void usbhid_publish(UsbHid *x, HidPublishFlags flags)
{
        int r;

        r = hid_map_publish(x->map, x->device, &x->conv, flags);
        if (r < 0)
                log_warning_errno(r, "%s: cannot publish the readings, ignoring: %m", x->device->name);
}

static void usbhid_finish_cycle(UsbHid *x)
{
        HidPublishFlags flags = (x->cycle_full ? HID_PUBLISH_FULL : 0) | (x->first_done ? 0 : HID_PUBLISH_FIRST);

        if (x->cycle_ok == 0 && x->cycle_failed > 0) {
                x->in_cycle = false;
                if (++x->failed_cycles >= USBHID_FAILED_CYCLES_MAX) {
                        usbhid_io_failed(x, -EIO);
                        return;
                }
                device_set_connection(x->device, DEVICE_STALE);
                usbhid_schedule(x, x->pollinterval_usec);
                return;
        }
        usbhid_publish(x, flags);
        if (!x->first_done)
                (void) usbhid_detect_model(x);  /* before the full publication it gates */
        if (usbhid_fetch_strings(x))
                return;         /* published again when the strings are there */
        x->in_cycle = false;
        x->failed_cycles = 0;
        x->reopen_delay_s = 0;
        if (!x->first_done) {
                x->first_done = true;
                /* Strings arrived after the first publication: publish every report again */
                for (size_t i = 0; i < x->map->n_reports; i++)
                        x->map->reports[i].fresh = x->map->reports[i].valid;
                usbhid_publish(x, HID_PUBLISH_FULL);
                usbhid_set_identity(x);
                usbhid_apply_options(x);
                usbhid_add_fallback_commands(x);
                log_info("%s: %s %s (%04x:%04x, %s), %zu mapped items", x->device->name,
                         strempty(x->manufacturer), strempty(x->product), x->conv.vendor, x->conv.product,
                         x->subdriver->name, x->map->n_items);
        }
        device_set_connection(x->device, DEVICE_CONNECTED);
        (void) device_commit(x->device);
        usbhid_schedule(x, x->pollinterval_usec);
}

static void usbhid_on_report(int r, const uint8_t *data, size_t size, void *userdata)
{
        UsbHidReq *q = userdata;
        UsbHid *x = q->x;
        HidMapReport *rep = &x->map->reports[q->index];

        x->pending--;
        if (r == -ENODEV) {
                usbhid_io_failed(x, r);
                return;
        }
        if (r > 0 && rep->writes_pending > 0)
                x->cycle_ok++;          /* older than the writes queued after it: keep their bytes */
        else if (r > 0 && (rep->id == 0 || data[0] == rep->id)) {
                hid_map_report_set(rep, data, size);
                x->cycle_ok++;
        } else if (r == -EPIPE || r == 0)
                x->cycle_failed++;      /* refused: fine for one report, not for all of them */
        else {
                log_debug("%s: reading report %u failed: %s", x->device->name, rep->id, r < 0 ? strerror(-r) : "bad id");
                x->cycle_failed++;
        }
        if (x->pending == 0)
                usbhid_finish_cycle(x);
}

static size_t usbhid_largest_report(const HidDescriptor *d)
{
        size_t m = 0;

        for (size_t i = 0; i < d->n_reports; i++) {
                int n = hid_descriptor_report_length(d, d->reports[i].type, d->reports[i].id);

                if (n > 0)
                        m = MAX(m, (size_t) n);
        }
        return m;
}

static void usbhid_start_cycle(UsbHid *x)
{
        size_t min_size;
        uint64_t t = now(CLOCK_MONOTONIC);
        bool first = !x->first_done;

        if (x->in_cycle || !x->transport || !x->map)
                return;         /* busy, or the report descriptor is still on its way */
        x->cycle_full = first || t >= x->next_full;
        if (x->cycle_full)
                x->next_full = t + x->pollfreq_usec;
        x->in_cycle = true;
        x->cycle_ok = x->cycle_failed = 0;
        /* Back-UPS ES 525 / CS answer only requests the size of their largest report */
        min_size = x->hooks & HID_HOOK_GENERAL_APC_CHECK ? usbhid_largest_report(x->desc) : 0;
        /* Requests complete from the loop only (a transfer that cannot go out is an error
         * returned here, see hid_transport_enqueue()), so nothing is freed under this loop */
        for (size_t i = 0; i < x->map->n_reports; i++) {
                HidMapReport *rep = &x->map->reports[i];
                int r;

                if (!hid_map_report_wanted(rep, x->cycle_full, first))
                        continue;
                r = hid_transport_get_report(x->transport, rep->type, rep->id, MAX(rep->size, min_size),
                                             usbhid_on_report, &x->report_reqs[i]);
                if (r < 0)
                        x->cycle_failed++;
                else
                        x->pending++;
        }
        if (x->pending == 0)
                usbhid_finish_cycle(x);
}

static void usbhid_on_interrupt(int r, const uint8_t *data, size_t size, void *userdata)
{
        UsbHid *x = userdata;

        if (r < 0) {
                if (r == -ENODEV)
                        usbhid_io_failed(x, r);
                else
                        log_debug_errno(r, "%s: interrupt pipe failed, polling only: %m", x->device->name);
                return;
        }
        if (hid_map_store(x->map, HID_REPORT_INPUT, data, size) < 0)
                return;
        if (!x->first_done)
                return;         /* the first full reading publishes it */
        usbhid_publish(x, 0);
        device_set_connection(x->device, DEVICE_CONNECTED);
        (void) device_commit(x->device);
}

static int usbhid_on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        UsbHid *x = userdata;

        if (!x->transport) {
                if (x->syspath)
                        (void) usbhid_reopen(x);
                return 0;
        }
        usbhid_start_cycle(x);
        return 0;
}

/* The forced subdriver, else the one whose claim takes the device (strings included), else a
 * subdriver of the vendor; the VID:PID's hooks when that entry's subdriver is the one chosen */
static int usbhid_pick_subdriver(UsbHid *x)
{
        const HidTransportInfo *info = hid_transport_get_info(x->transport);
        const HidUsbId *id = hid_usb_id_find(info->vendor, info->product);
        int r;

        if (x->subdriver_name) {
                x->subdriver = hid_subdriver_find(x->subdriver_name);
                if (!x->subdriver)
                        return log_error_errno(-EINVAL, "%s: no subdriver \"%s\"", x->device->name, x->subdriver_name);
        } else {
                r = hid_usb_claim(info->vendor, info->product, x->manufacturer, x->product, &x->subdriver);
                if (r < 0)
                        return log_error_errno(r, "%s: %04x:%04x is not a usbhid-ups device", x->device->name,
                                               info->vendor, info->product);
                if (r == 0)
                        x->subdriver = hid_subdriver_for_vendor(info->vendor);
        }
        if (!x->subdriver)
                x->subdriver = &hid_subdriver_generic;
        x->hooks = hid_usb_hooks(id, x->subdriver, x->product);
        return 0;
}

static void usbhid_on_descriptor(int r, const uint8_t *data, size_t size, void *userdata)
{
        UsbHid *x = userdata;
        const HidTransportInfo *info = hid_transport_get_info(x->transport);

        if (r < 0) {
                usbhid_io_failed(x, r);
                return;
        }
        r = hid_descriptor_parse(data, size, HID_PARSE_BEST_EFFORT, &x->desc);
        if (r >= 0)
                r = usbhid_pick_subdriver(x);
        if (r >= 0 && !x->disable_fix_report_desc &&
            hid_fixup_apply(x->desc, x->subdriver->fix_report_desc, info->vendor, info->product) > 0)
                log_debug("%s: report descriptor repaired (%s)", x->device->name, x->subdriver->name);
        if (r >= 0)
                r = hid_map_new(x->desc, x->subdriver, &x->map);
        if (r >= 0 && x->map->n_items == 0)
                r = -ENOMSG;
        if (r >= 0)
                r = usbhid_conv_setup(x, info->vendor, info->product);
        if (r >= 0) {
                x->report_reqs = calloc(x->map->n_reports ? x->map->n_reports : 1, sizeof(UsbHidReq));
                if (!x->report_reqs)
                        r = -ENOMEM;
        }
        if (r < 0) {
                log_error_errno(r, "%s: unusable report descriptor (%zu bytes): %m", x->device->name, size);
                usbhid_io_failed(x, r);
                return;
        }
        for (size_t i = 0; i < x->map->n_reports; i++)
                x->report_reqs[i] = (UsbHidReq) { x, (unsigned) i };
        x->map->status_options = x->status_options;

        if (!x->pollonly && !(x->hooks & HID_HOOK_DISABLE_INTERRUPT_PIPE)) {
                r = hid_transport_start_interrupt(x->transport, usbhid_on_interrupt, x);
                if (r < 0 && r != -EOPNOTSUPP)
                        log_debug_errno(r, "%s: no interrupt pipe, polling only: %m", x->device->name);
        }
        usbhid_start_cycle(x);
}

static int usbhid_reopen(UsbHid *x)
{
        int r;

        usbhid_close(x);
        if (!x->usb) {
                r = usb_context_acquire(x->device->event, &x->usb);
                if (r < 0)
                        return log_error_errno(r, "%s: cannot initialise libusb: %m", x->device->name);
        }
        r = hid_transport_open(x->usb, x->devnode, &x->transport);
        if (r >= 0)
                r = hid_transport_get_report_descriptor(x->transport, usbhid_on_descriptor, x);
        if (r < 0) {
                log_warning_errno(r, "%s: cannot open %s, retrying: %m", x->device->name, x->devnode);
                hid_transport_close(x->transport);
                x->transport = NULL;
                usbhid_schedule_reopen(x);
                device_set_connection(x->device, DEVICE_STALE);
                return r;
        }
        return 0;
}

static int usbhid_attach(void *state, struct udev_device *u)
{
        UsbHid *x = state;

        usbhid_forget_device(x);
        if (!udev_device_get_devnode(u))
                return -ENODEV;
        x->syspath = strdup(udev_device_get_syspath(u));
        x->devnode = strdup(udev_device_get_devnode(u));
        if (!x->syspath || !x->devnode)
                return -ENOMEM;
        x->manufacturer = usbhid_udev_attr(u, "manufacturer");
        x->product = usbhid_udev_attr(u, "product");
        x->serial = usbhid_udev_attr(u, "serial");
        x->reopen_delay_s = 0;
        device_set_connection(x->device, DEVICE_WAITING);
        (void) usbhid_reopen(x);
        return 0;
}

static void usbhid_detach(void *state)
{
        UsbHid *x = state;

        usbhid_forget_device(x);
        (void) sd_event_source_set_enabled(x->timer, SD_EVENT_OFF);
        device_set_connection(x->device, DEVICE_DISCONNECTED);
}

static int parse_seconds(const DeviceConfig *c, const char *key, uint64_t def, uint64_t *ret)
{
        const char *v = device_config_get(c, key);
        char *end;
        unsigned long n;

        if (!v) {
                *ret = def;
                return 0;
        }
        errno = 0;
        n = strtoul(v, &end, 10);
        if (errno != 0 || end == v || *end || n == 0 || n > 86400)
                return log_error_errno(-EINVAL, "%s: %s = \"%s\" is not a number of seconds", c->name, key, v);
        *ret = n * USEC_PER_SEC;
        return 0;
}

static int strdup_option(const DeviceConfig *c, const char *key, char **ret)
{
        const char *v = device_config_get(c, key);

        if (!v)
                return 0;
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

static bool config_has(const DeviceConfig *c, const char *key)
{
        for (size_t i = 0; i < c->n_params; i++)
                if (strcaseeq(c->params[i].key, key))
                        return true;
        return false;
}

static int usbhid_start(Device *d, const DeviceConfig *c, void **ret_state)
{
        UsbHid *x = calloc(1, sizeof(UsbHid));
        int r;

        if (!x)
                return -ENOMEM;
        x->device = device_ref(d);
        r = parse_seconds(c, "pollfreq", 30 * USEC_PER_SEC, &x->pollfreq_usec);
        if (r >= 0)
                r = parse_seconds(c, "pollinterval", USBHID_POLLINTERVAL_USEC, &x->pollinterval_usec);
        if (r >= 0)
                r = strdup_option(c, "subdriver", &x->subdriver_name);
        if (r >= 0)
                r = strdup_option(c, "ondelay", &x->ondelay);
        if (r >= 0)
                r = strdup_option(c, "offdelay", &x->offdelay);
        if (r >= 0)
                r = strdup_option(c, "lowbatt", &x->lowbatt);
        if (r < 0) {
                usbhid_free(x);
                return r;
        }
        x->pollonly = config_has(c, "pollonly");
        x->disable_fix_report_desc = config_has(c, "disable_fix_report_desc");
        if (config_has(c, "onlinedischarge_calibration"))
                x->status_options |= HID_STATUS_ONLINEDISCHARGE_CALIBRATION;
        if (config_has(c, "onlinedischarge_onbattery") || config_has(c, "onlinedischarge"))
                x->status_options |= HID_STATUS_ONLINEDISCHARGE_ONBATTERY;
        /* Not plugged in until hot-plug says so */
        device_set_connection(d, DEVICE_DISCONNECTED);
        *ret_state = x;
        return 0;
}

static void usbhid_stop(void *state)
{
        usbhid_free(state);
}

const DriverOps usbhid_driver = {
        .name = "usbhid-ups",
        .transport = DRIVER_LOCAL,
        .version = "0.1",
        .usb_ids = hid_usb_id_list,
        .match_udev = usbhid_match_udev,
        .match_config = usbhid_match_config,
        .describe_udev = usbhid_describe_udev,
        .attach = usbhid_attach,
        .detach = usbhid_detach,
        .start = usbhid_start,
        .instcmd = usbhid_instcmd,
        .setvar = usbhid_setvar,
        .killpower = usbhid_killpower,
        .stop = usbhid_stop,
};
