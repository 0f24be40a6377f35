/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups driver instance state, shared by its files: usbhid.c (life cycle, polling,
 * interrupts), usbhid-match.c (which udev devices it takes, and their names),
 * usbhid-cmd.c (SET and instant commands).
 */
#pragma once

#include <systemd/sd-event.h>

#include "config.h"
#include "device.h"
#include "hid-convert.h"
#include "hid-mapping.h"
#include "usbhid-map.h"
#include "usbhid-transport.h"

typedef struct UsbHidOp UsbHidOp;
typedef struct UsbHid UsbHid;

/* What a transfer's callback needs to know besides the instance: no allocation per request */
typedef struct UsbHidReq {
        UsbHid *x;
        unsigned index;         /* string index, or report index in the map */
} UsbHidReq;

struct UsbHid {
        Device *device;
        UsbContext *usb;

        /* options (ups.conf) */
        char *subdriver_name;
        uint64_t pollfreq_usec, pollinterval_usec;
        bool pollonly;
        bool disable_fix_report_desc;
        HidStatusOptions status_options;
        char *ondelay, *offdelay, *lowbatt;

        /* the attached device; cleared on detach */
        char *syspath;
        char *devnode;
        char *manufacturer, *product, *serial;
        HidTransport *transport;
        HidDescriptor *desc;
        const HidSubdriver *subdriver;
        uint32_t hooks;
        HidMap *map;
        HidConvContext conv;
        char *strings[256];             /* USB string descriptors fetched so far */
        bool strings_wanted[256];
        bool strings_failed[256];       /* not asked for again */
        bool model_known;               /* mge-hid: model family decided */

        /* polling */
        sd_event_source *timer;         /* next poll, or the next reopen attempt */
        uint64_t next_full;
        unsigned pending;               /* GET_REPORTs of the current cycle still out */
        unsigned cycle_ok, cycle_failed;
        bool cycle_full, first_done, in_cycle;
        unsigned failed_cycles;
        unsigned reopen_delay_s;

        UsbHidReq string_reqs[256];
        UsbHidReq *report_reqs;         /* one per report of the map */

        UsbHidOp *ops;                  /* SET / instant commands in progress */
};

/* usbhid.c */
void usbhid_schedule_poll(UsbHid *x, uint64_t delay_usec);
void usbhid_io_failed(UsbHid *x, int r);

/* usbhid-cmd.c */
int usbhid_setvar(void *state, const char *name, const char *value, DeviceOpDone done, void *userdata);
int usbhid_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata);
int usbhid_killpower(void *state, DeviceOpDone done, void *userdata);
void usbhid_cancel_ops(UsbHid *x);
void usbhid_add_fallback_commands(UsbHid *x);

/* usbhid-conv.c */
int usbhid_conv_setup(UsbHid *x, uint16_t vendor, uint16_t product);
const char *usbhid_get_string(void *userdata, uint8_t index);
int usbhid_detect_model(UsbHid *x);

/* usbhid-match.c */
int usbhid_match_udev(struct udev_device *u);
int usbhid_match_config(const DeviceConfig *c, struct udev_device *u);
int usbhid_describe_udev(struct udev_device *u, char **ret_name, char ***ret_params);
char *usbhid_udev_attr(struct udev_device *u, const char *name);
int usbhid_udev_get_address(struct udev_device *u, uint8_t *ret_bus, uint8_t *ret_address);
