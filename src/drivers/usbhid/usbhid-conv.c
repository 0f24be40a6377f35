/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups: what the conversion functions see of the device (HidConvContext and HidConvIo),
 * none of it blocking: strings and reports come from what was already read, writes are queued
 * like SET VAR. Also mge-hid's model family and name, which those functions depend on.
 */
#include <stdio.h>

#include "log.h"
#include "usbhid-internal.h"

#define USB_VENDOR_DELL 0x047c

/* A USB string descriptor fetched earlier; one not fetched yet is asked for at the end of the
 * cycle (which publishes again once it is there), one that failed is not asked for again. */
const char *usbhid_get_string(void *userdata, uint8_t index)
{
        UsbHid *x = userdata;

        if (index == 0)
                return NULL;
        if (!x->strings[index] && !x->strings_failed[index])
                x->strings_wanted[index] = true;
        return x->strings[index];
}

static const char *usbhid_get_var(void *userdata, const char *name)
{
        UsbHid *x = userdata;

        return device_get_var(x->device, name);
}

/* The latest bytes of the report, as the poll left them: converters run while the readings are
 * published and cannot wait for the device. -EAGAIN until the first reading arrived. */
static int usbhid_io_get_report(void *userdata, uint8_t type, uint8_t id, uint8_t *buf, size_t size)
{
        UsbHid *x = userdata;
        int r;

        if (!x->map)
                return -ENOTCONN;
        r = hid_map_get_report(x->map, type, id, buf, size);
        return r == -ENODATA ? -EAGAIN : r;
}

static int usbhid_io_set_var(void *userdata, const char *name, const char *value)
{
        UsbHid *x = userdata;
        int r;

        if (value)
                return device_set_var(x->device, name, value);
        r = device_remove_var(x->device, name);
        return r == -ENOENT ? 0 : r;
}

static void usbhid_io_written(int r, void *userdata)
{
        if (r < 0)
                log_debug_errno(r, "usbhid-ups: a write asked for by a conversion failed: %m");
}

/* Queued as SET VAR would be; the result only goes to the debug log */
static int usbhid_io_write_var(void *userdata, const char *name, const char *value)
{
        return usbhid_setvar(userdata, name, value, usbhid_io_written, NULL);
}

static int usbhid_io_get_status(void *userdata, const char *token)
{
        UsbHid *x = userdata;

        return x->map ? hid_map_get_status(x->map, token) : -ENOTCONN;
}

static const HidConvIo usbhid_conv_io = {
        .get_report = usbhid_io_get_report,
        .set_var = usbhid_io_set_var,
        .write_var = usbhid_io_write_var,
        .get_status = usbhid_io_get_status,
};

/**
 * usbhid_conv_setup() - the conversion context of a freshly resolved map
 * @x: the instance, with its subdriver and map set
 * @vendor: the USB vendor ID
 * @product: the USB product ID
 *
 * Returns 0 or -ENOMEM.
 */
int usbhid_conv_setup(UsbHid *x, uint16_t vendor, uint16_t product)
{
        x->conv = (HidConvContext) {
                .vendor = vendor,
                .product = product,
                .iproduct = x->product,
                .get_string = usbhid_get_string,
                .get_var = usbhid_get_var,
                .userdata = x,
                .state = hid_conv_state_new(),
        };
        if (!x->conv.state)
                return -ENOMEM;
        hid_conv_state_set_io(x->conv.state, &usbhid_conv_io);
        x->model_known = x->subdriver != &hid_subdriver_mge;
        if (!x->model_known)
                (void) hid_map_want_path(x->map, "UPS.PowerSummary.iModel");
        return 0;
}

/* iModel's string; else the nominal apparent power as an integer; else "" (NULL: wait) */
static const char *usbhid_mge_imodel(UsbHid *x, char *buf, size_t size)
{
        const char *s;
        double v;

        if (hid_map_read_path(x->map, "UPS.PowerSummary.iModel", &v) >= 0 && v >= 1 && v <= 255) {
                s = usbhid_get_string(x, (uint8_t) v);
                if (s && *s)
                        return s;
                if (!s && !x->strings_failed[(uint8_t) v])
                        return NULL;
        }
        if (hid_map_read_path(x->map, "UPS.Flow.[4].ConfigApparentPower", &v) >= 0) {
                snprintf(buf, size, "%i", (int) v);
                return buf;
        }
        return "";
}

/**
 * usbhid_detect_model() - mge-hid: the model family and ups.model, once
 * @x: the instance, after a publication of the first reading
 *
 * From iProduct and UPS.PowerSummary.iModel (or the nominal power) through hid-mge-models.tsv:
 * the table's display name, else "<iProduct> <iModel>". Dell's iProduct is already the model.
 * Call it before the first full publication; it may ask for iModel's string first.
 *
 * Returns 1 when decided now, 0 if nothing (more) to do, -EAGAIN when the string is wanted.
 */
int usbhid_detect_model(UsbHid *x)
{
        const char *product = x->product ? x->product : "unknown", *imodel, *name = NULL;
        _cleanup_free_ char *model = NULL;
        char buf[32];

        if (x->model_known || !x->map)
                return 0;
        if (x->conv.vendor == USB_VENDOR_DELL) {
                x->model_known = true;
                return 0;
        }
        imodel = usbhid_mge_imodel(x, buf, sizeof buf);
        if (!imodel)
                return -EAGAIN;
        x->model_known = true;
        (void) hid_conv_state_set_mge_model(x->conv.state, product, imodel, &name);
        if (name)
                model = strdup(name);
        else if (asprintf(&model, "%s%s%s", product, *imodel ? " " : "", imodel) < 0)
                model = NULL;
        if (!model)
                return -ENOMEM;
        (void) device_set_var(x->device, "ups.model", model);
        return 1;
}
