/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which USB devices usbhid-ups takes, and what they are called.
 *
 * Claimed: a VID:PID of a subdriver's table, or any device whose HID report descriptor (as
 * the kernel's HID driver exposes it in sysfs, so nothing is opened to find out) has an
 * application collection on the Power Device (0x84) or Battery System (0x85) page.
 *
 * A ups.conf section matches a device when each of its USB keys present (vendorid,
 * productid, serial, vendor, product, bus, device, busport) matches as a case-insensitive
 * extended regular expression over the whole value, as NUT's drivers match them.
 *
 * Names of auto-detected devices, stable across replug and reboot: "<subdriver>-<serial>"
 * (e.g. "apc-3b1234x56789"), or "<subdriver>-usb-<port>" (e.g. "cps-usb-1-1.2") for units
 * without a serial number; characters other than letters, digits, '.', '_' and '-' become
 * '_'. The manager adds "-2", "-3"... if two units present at once would share a name.
 */
#include <fcntl.h>
#include <libudev.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "hid-usage.h"
#include "strv.h"
#include "usbhid-internal.h"

#define REPORT_DESCRIPTOR_MAX 8192

int usbhid_udev_get_address(struct udev_device *u, uint8_t *ret_bus, uint8_t *ret_address)
{
        const char *b = udev_device_get_sysattr_value(u, "busnum"), *a = udev_device_get_sysattr_value(u, "devnum");
        unsigned long bus, address;
        char *end;

        if (!b || !a)
                return -ENODEV;
        bus = strtoul(b, &end, 10);
        if (end == b || bus == 0 || bus > 255)
                return -EINVAL;
        address = strtoul(a, &end, 10);
        if (end == a || address == 0 || address > 255)
                return -EINVAL;
        *ret_bus = (uint8_t) bus;
        *ret_address = (uint8_t) address;
        return 0;
}

/* A sysfs attribute without the trailing blanks firmware pads strings with; NULL if empty */
char *usbhid_udev_attr(struct udev_device *u, const char *name)
{
        const char *v = udev_device_get_sysattr_value(u, name);
        size_t n;

        if (!v)
                return NULL;
        n = strlen(v);
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\n'))
                n--;
        return n > 0 ? strndup(v, n) : NULL;
}

static int udev_get_id(struct udev_device *u, const char *attr, uint16_t *ret)
{
        const char *v = udev_device_get_sysattr_value(u, attr);
        unsigned long n;
        char *end;

        if (!v)
                return -ENOENT;
        n = strtoul(v, &end, 16);
        if (end == v || n > 0xffff)
                return -EINVAL;
        *ret = (uint16_t) n;
        return 0;
}

static bool is_usb_device(struct udev_device *u)
{
        return streq_ptr(udev_device_get_subsystem(u), "usb") && streq_ptr(udev_device_get_devtype(u), "usb_device");
}

static bool descriptor_is_power_device(const uint8_t *data, size_t size)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;

        if (hid_descriptor_parse(data, size, HID_PARSE_BEST_EFFORT, &d) < 0)
                return false;
        for (size_t i = 0; i < d->n_collections; i++) {
                uint16_t page = HID_USAGE_PAGE(d->collections[i].usage);

                if (d->collections[i].type == 1 && (page == 0x84 || page == 0x85))
                        return true;
        }
        return false;
}

/* A HID child of the device (bound by the kernel's HID driver) with a power-device descriptor */
static bool has_power_device_interface(struct udev_device *u)
{
        struct udev_enumerate *e = udev_enumerate_new(udev_device_get_udev(u));
        struct udev_list_entry *it;
        bool found = false;

        if (!e)
                return false;
        if (udev_enumerate_add_match_parent(e, u) < 0 || udev_enumerate_add_match_subsystem(e, "hid") < 0 ||
            udev_enumerate_scan_devices(e) < 0) {
                udev_enumerate_unref(e);
                return false;
        }
        udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
                _cleanup_free_ char *path = NULL;
                uint8_t buf[REPORT_DESCRIPTOR_MAX];
                ssize_t n;
                int fd;

                if (asprintf(&path, "%s/report_descriptor", udev_list_entry_get_name(it)) < 0)
                        break;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
                if (fd < 0)
                        continue;
                n = read(fd, buf, sizeof buf);
                close(fd);
                if (n > 0 && descriptor_is_power_device(buf, (size_t) n)) {
                        found = true;
                        break;
                }
        }
        udev_enumerate_unref(e);
        return found;
}

/* The subdriver's claim, as hid_usb_claim() decides it from the sysfs strings */
static int udev_claim(struct udev_device *u, uint16_t vendor, uint16_t product, const HidSubdriver **ret)
{
        _cleanup_free_ char *manufacturer = usbhid_udev_attr(u, "manufacturer");
        _cleanup_free_ char *product_string = usbhid_udev_attr(u, "product");

        return hid_usb_claim(vendor, product, manufacturer, product_string, ret);
}

int usbhid_match_udev(struct udev_device *u)
{
        const HidSubdriver *sub;
        uint16_t vendor, product;
        int r;

        if (!is_usb_device(u))
                return 0;
        if (udev_get_id(u, "idVendor", &vendor) < 0 || udev_get_id(u, "idProduct", &product) < 0)
                return 0;
        r = udev_claim(u, vendor, product, &sub);
        if (r != 0)
                return r > 0;
        return has_power_device_interface(u) ? 1 : 0;
}

static bool regex_match_whole(const char *pattern, const char *value)
{
        _cleanup_free_ char *anchored = NULL;
        regex_t re;
        bool ok;

        if (asprintf(&anchored, "^(%s)$", pattern) < 0)
                return false;
        if (regcomp(&re, anchored, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
                return false;
        ok = regexec(&re, value ? value : "", 0, NULL, 0) == 0;
        regfree(&re);
        return ok;
}

static char *udev_value(struct udev_device *u, const char *key)
{
        const char *attr = streq(key, "vendorid") ? "idVendor" :
                           streq(key, "productid") ? "idProduct" :
                           streq(key, "serial") ? "serial" :
                           streq(key, "vendor") ? "manufacturer" :
                           streq(key, "product") ? "product" : NULL;
        const char *v;
        char buf[16];

        if (attr) {
                v = udev_device_get_sysattr_value(u, attr);
                return strdup(v ? v : "");
        }
        if (streq(key, "bus") || streq(key, "device")) {
                uint8_t bus, address;

                if (usbhid_udev_get_address(u, &bus, &address) < 0)
                        return strdup("");
                snprintf(buf, sizeof buf, "%03u", streq(key, "bus") ? bus : address);
                return strdup(buf);
        }
        /* busport: the port path, as the kernel names the device ("1-1.2") */
        v = udev_device_get_sysname(u);
        return strdup(v ? v : "");
}

int usbhid_match_config(const DeviceConfig *c, struct udev_device *u)
{
        static const char *const keys[] = { "vendorid", "productid", "serial", "vendor", "product", "bus", "device",
                                            "busport" };
        bool any_id = false;
        uint16_t vendor, product;

        if (!is_usb_device(u))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                const char *pattern = device_config_get(c, keys[i]);
                _cleanup_free_ char *value = NULL;

                if (!pattern)
                        continue;
                any_id |= streq(keys[i], "vendorid") || streq(keys[i], "productid");
                value = udev_value(u, keys[i]);
                if (!value)
                        return -ENOMEM;
                if (!regex_match_whole(pattern, value))
                        return 0;
        }
        /* Without IDs in the section, only devices usbhid-ups would claim anyway; with them,
         * also the unknown products of a known vendor, as NUT's productid option does */
        if (any_id)
                return udev_get_id(u, "idVendor", &vendor) >= 0 && udev_get_id(u, "idProduct", &product) >= 0;
        return usbhid_match_udev(u);
}

static char *sanitize_name(const char *s)
{
        char *n = strdup(s);

        for (char *p = n; p && *p; p++) {
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char) (*p - 'A' + 'a');
                else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
                        *p = '_';
        }
        return n;
}

/* The value as a regular expression matching exactly itself */
static char *regex_escape(const char *s)
{
        char *e = malloc(strlen(s) * 2 + 1), *p = e;

        if (!e)
                return NULL;
        for (; *s; s++) {
                if (strchr("\\^$.|?*+()[]{}", *s))
                        *p++ = '\\';
                *p++ = *s;
        }
        *p = 0;
        return e;
}

int usbhid_describe_udev(struct udev_device *u, char **ret_name, char ***ret_params)
{
        _cleanup_strv_free_ char **params = NULL;
        _cleanup_free_ char *serial = NULL, *raw = NULL, *name = NULL, *pattern = NULL;
        const char *prefix = "ups", *v;
        const HidSubdriver *sub = NULL;
        uint16_t vendor, product;
        char buf[8];

        if (udev_get_id(u, "idVendor", &vendor) < 0 || udev_get_id(u, "idProduct", &product) < 0)
                return -ENODEV;
        if (udev_claim(u, vendor, product, &sub) <= 0)
                sub = hid_subdriver_for_vendor(vendor);
        if (sub)
                prefix = sub->name;
        serial = usbhid_udev_attr(u, "serial");
        snprintf(buf, sizeof buf, "%04x", vendor);
        if (strv_extend(&params, "vendorid") < 0 || strv_extend(&params, buf) < 0)
                return -ENOMEM;
        snprintf(buf, sizeof buf, "%04x", product);
        if (strv_extend(&params, "productid") < 0 || strv_extend(&params, buf) < 0)
                return -ENOMEM;
        if (serial && *serial) {
                if (asprintf(&raw, "%s-%s", prefix, serial) < 0)
                        return -ENOMEM;
                pattern = regex_escape(serial);
                if (!pattern || strv_extend(&params, "serial") < 0 || strv_extend(&params, pattern) < 0)
                        return -ENOMEM;
        } else {
                v = udev_device_get_sysname(u);
                if (asprintf(&raw, "%s-usb-%s", prefix, strempty(v)) < 0)
                        return -ENOMEM;
                pattern = regex_escape(strempty(v));
                if (!pattern || strv_extend(&params, "busport") < 0 || strv_extend(&params, pattern) < 0)
                        return -ENOMEM;
        }
        name = sanitize_name(raw);
        if (!name)
                return -ENOMEM;
        *ret_name = TAKE_PTR(name);
        *ret_params = TAKE_PTR(params);
        return 0;
}
