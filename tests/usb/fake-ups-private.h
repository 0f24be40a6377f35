/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-ups' insides, shared by fake-ups.c (the usbdevfs ioctl plumbing: clients, URBs, the
 * public API) and fake-ups-device.c (what the emulated device is and answers: descriptors,
 * its sysfs/udev record, control requests).
 */
#pragma once

#include "fake-ups.h"

#define USB_MAJOR_DEV 189
#define HOST_PCI "/devices/pci0000:00/0000:00:14.0"
#define INTR_EP 0x81
#define INTR_MAX_PACKET 8

/* string descriptor indices, as on APC units */
enum { STR_PRODUCT = 1, STR_SERIAL = 2, STR_MANUFACTURER = 3, N_STRINGS };

/* HID class requests */
enum { HID_GET_REPORT = 0x01, HID_GET_IDLE = 0x02, HID_GET_PROTOCOL = 0x03,
       HID_SET_REPORT = 0x09, HID_SET_IDLE = 0x0a, HID_SET_PROTOCOL = 0x0b };
enum { HID_REPORT_INPUT = 1, HID_REPORT_OUTPUT = 2, HID_REPORT_FEATURE = 3 };
enum { HID_DT_HID = 0x21, HID_DT_REPORT = 0x22 };

struct FakeUps {
        UMockdevTestbed *tb;            /* ref */
        UMockdevIoctlBase *handler;
        gboolean attached;
        gchar *syspath, *iface_syspath, *devnode;
        gchar *manufacturer, *product, *serial, *kernel_driver;
        FakeUpsSpec spec;               /* strings/rdesc point at our copies */
        GBytes *rdesc;
        GBytes *descriptors;            /* device + configuration descriptor */

        GMutex lock;                    /* everything below */
        GCond changed;
        gboolean plugged;
        guint generation;
        gboolean driver_bound;
        FakeUpsFault fault;
        GRand *rand;
        GHashTable *clients;            /* UMockdevIoctlClient* -> Client* */
        GQueue intr_pending;            /* Urb*: interrupt-IN URBs waiting for a report */
        GQueue held;                    /* Urb*: control URBs held by FAKE_UPS_HANG */
        GQueue intr_queued;             /* GBytes*: reports waiting for an interrupt-IN URB */
        GBytes *feature[256];
        GBytes *last_set[256];
        GPtrArray *set_log;             /* FakeUpsSetReport*: accepted SET_REPORTs, oldest first */
        FakeUpsStats stats;             /* counters only; the gauges are computed */
};

static inline void fake_ups_put16(guint8 *p, guint v)
{
        p[0] = v & 0xff;
        p[1] = (v >> 8) & 0xff;
}

/* fake-ups-device.c; those taking a FakeUps run with its lock held */
GBytes *fake_ups_build_descriptors(const FakeUpsSpec *s);
gboolean fake_ups_valid_string(const char *s);
gchar *fake_ups_build_record(FakeUps *u);
void fake_ups_count_request(FakeUps *u, const guint8 *setup);
void fake_ups_set_report_free(gpointer p);
int fake_ups_control(FakeUps *u, const guint8 *setup, guint8 *data);
