/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A USB HID device opened through libusb, all I/O asynchronous: a queue of control
 * transfers (report descriptor, GET/SET_REPORT, strings) one at a time, each with a timeout,
 * and a standing interrupt-IN transfer. The kernel's HID driver is detached on open and
 * reattached when the interface is released.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hid-parser.h"
#include "usb-context.h"

typedef struct HidTransport HidTransport;

/* r = bytes received (>= 0) or a negative errno; data is valid only during the call */
typedef void (*HidTransportDone)(int r, const uint8_t *data, size_t size, void *userdata);

typedef struct HidTransportInfo {
        uint16_t vendor, product, bcd_device;
        uint8_t interface;
        uint8_t in_endpoint;            /* 0: none */
        uint16_t in_max_packet;
        uint16_t report_descriptor_length;
} HidTransportInfo;

#define HID_TRANSPORT_TIMEOUT_MS 5000U
/* A request still queued after this long fails with -ETIMEDOUT instead of going out: with a
 * transfer's own 5 s that stays inside the 15 s a device operation has (device.c) */
#define HID_TRANSPORT_QUEUE_WAIT_USEC (8 * 1000000ULL)

/* Opens the usbfs node (/dev/bus/usb/BBB/DDD) and claims its HID interface */
int hid_transport_open(UsbContext *c, const char *devnode, HidTransport **ret);
/* Cancels everything; no callback is called after this. Memory goes once libusb lets go. */
void hid_transport_close(HidTransport *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(HidTransport *, hid_transport_close);

const HidTransportInfo *hid_transport_get_info(HidTransport *t);
void hid_transport_set_timeout(HidTransport *t, unsigned timeout_ms);

int hid_transport_get_report_descriptor(HidTransport *t, HidTransportDone done, void *userdata);
/* size counts the report ID byte when id != 0 */
int hid_transport_get_report(HidTransport *t, HidReportType type, uint8_t id, size_t size, HidTransportDone done,
                             void *userdata);
/* send_by_usec: CLOCK_MONOTONIC time by which it must be out, else it fails with -ETIMEDOUT;
 * 0: HID_TRANSPORT_QUEUE_WAIT_USEC from now */
int hid_transport_set_report(HidTransport *t, HidReportType type, uint8_t id, const uint8_t *data, size_t size,
                             uint64_t send_by_usec, HidTransportDone done, void *userdata);
/* The string as UTF-8 (ASCII and Latin-1 as-is, others as '?') */
int hid_transport_get_string(HidTransport *t, uint8_t index, HidTransportDone done, void *userdata);

/* Reads interrupt-IN reports until closed or an error; each report or error goes to 'on_report' */
int hid_transport_start_interrupt(HidTransport *t, HidTransportDone on_report, void *userdata);
