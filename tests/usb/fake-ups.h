/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-ups: a USB HID UPS living in a umockdev testbed. It answers the usbdevfs ioctls libusb issues
 * (URBs, claim, reap, discard, ...) for /dev/bus/usb/BBB/DDD from any process of the testbed, so a
 * libusb program - nutd's usbhid driver - sees a real-looking device: sysfs record and `descriptors`,
 * udev properties, string descriptors, the HID report descriptor, GET/SET_REPORT(Feature) and
 * interrupt-IN reports, hotplug add/remove, and faults.
 *
 * The test process must run under `umockdev-wrapper` (LD_PRELOAD=libumockdev-preload.so.0; in ASan
 * builds also ASAN_OPTIONS=verify_asan_link_order=0). Children inherit UMOCKDEV_DIR and LD_PRELOAD,
 * so the daemon under test simply runs as a child:
 *
 *     g_autoptr(UMockdevTestbed) tb = umockdev_testbed_new();
 *     umockdev_testbed_add_from_file(tb, "tests/usb/data/hub.umockdev", &error);  // bus 1 root hub
 *     FakeUpsSpec spec = FAKE_UPS_SPEC_APC_BACK_UPS;   // 051d:0002, bus 1 dev 2 port 1
 *     spec.serial = "FAKE0001";
 *     spec.report_descriptor = rdesc; spec.report_descriptor_len = rdesc_len;
 *     FakeUps *ups = fake_ups_new(tb, &spec);
 *     fake_ups_load_feature_reports(ups, ".../apc-back-ups-cs-500_nut-2.8.0.feature-reports.txt", &error);
 *     fake_ups_plug(ups, &error);             // ioctl handler attached, then sysfs + /dev node, "add"
 *     ... spawn nutd (g_subprocess_new / g_spawn_*), it finds the UPS via udev/libusb ...
 *     fake_ups_wait_stats(ups, pred, data, 5000);   // e.g. until the driver has an interrupt URB queued
 *     fake_ups_set_feature(ups, 0x0c, (const guint8[]){ 0x0c, 0x1e, 0, 0, 0x14, 0x0a }, 6);   // 30 %
 *     fake_ups_push_interrupt(ups, (const guint8[]){ 0x13, 0x00 }, 2);  // an input report changed
 *     fake_ups_set_fault(ups, FAKE_UPS_HANG);  ...  fake_ups_set_fault(ups, FAKE_UPS_OK);
 *     fake_ups_unplug(ups);                   // URBs die (-ESHUTDOWN), "remove", node gone
 *     fake_ups_plug(ups, &error);             // same unit comes back (new "add")
 *     ... stop nutd ...
 *     fake_ups_free(ups);
 *
 * Several units may share a testbed (different devnum/port; add root hubs for other buses with
 * fake_ups_add_root_hub()). Only one process per testbed reliably receives uevents (umockdev
 * limitation; every libusb_init() with device discovery opens such a monitor): do not run a second
 * libusb/udev-monitoring process beside the daemon while it waits for hotplug events.
 *
 * Threads: the ioctl handler runs in umockdev's worker thread; every function here may be called
 * from any thread (state is behind a mutex). The FakeUps must outlive the testbed's use of it: call
 * fake_ups_free() before the last unref of the testbed.
 *
 * Device model (what the handler emulates; anything else stalls or fails like a real device would):
 *  - one configuration, interface 0 = HID (class 3), interrupt IN endpoint 0x81 (wMaxPacketSize 8),
 *    no OUT endpoint; full speed, bcdUSB 1.10; strings: iProduct 1, iSerialNumber 2,
 *    iManufacturer 3 (as APC does), index 0 = language list (0x0409); a NULL string has index 0.
 *  - control: standard GET_DESCRIPTOR (device, config, string), GET_STATUS, GET/SET_CONFIGURATION,
 *    interface GET_DESCRIPTOR (HID 0x21, report 0x22), HID GET_REPORT/SET_REPORT (Feature type
 *    only; Input/Output types stall), SET_IDLE, GET_IDLE, GET/SET_PROTOCOL. Anything else stalls.
 *  - report bytes always start with the report id (the fixture does not model report id 0).
 *  - GET_REPORT(Feature, id): the stored bytes, truncated to wLength; unknown id: stall (-EPIPE).
 *  - SET_REPORT(Feature, id): recorded (counter, last bytes, and a log with arrival times) and
 *    stored, so it reads back; unknown id: stall (counted, not logged).
 *  - after unplug the open file descriptors are dead: in-flight URBs complete with -ESHUTDOWN
 *    (libusb: LIBUSB_TRANSFER_NO_DEVICE), reaping returns them, then every ioctl fails with ENODEV
 *    (LIBUSB_ERROR_NO_DEVICE). A re-plugged unit needs a new open(); old fds stay dead.
 *  - the emulated node is a regular file: poll() is always ready, libusb busy-loops while waiting.
 */
#pragma once

#include <glib.h>
#include <umockdev.h>

G_BEGIN_DECLS

typedef struct FakeUps FakeUps;

typedef struct {
        guint8 busnum;                  /* 1..255; a root hub usb<busnum> must exist in the testbed */
        guint8 devnum;                  /* 2..127, unique per bus */
        guint8 port;                    /* root hub port: .../usb<bus>/<bus>-<port>, devpath "<port>" */
        guint16 vendor_id, product_id;
        guint16 bcd_device;             /* 0 = 0x0106 */
        const char *manufacturer;       /* NULL = no string descriptor */
        const char *product;
        const char *serial;
        const guint8 *report_descriptor;        /* copied; its length goes into the HID descriptor */
        gsize report_descriptor_len;
        const char *kernel_driver;      /* NULL = no driver bound; e.g. "usbhid": USBDEVFS_GETDRIVER
                                         * reports it and claiming fails with EBUSY until detached */
} FakeUpsSpec;

/* An APC Back-UPS CS 500 look-alike at bus 1, dev 2, port 1; serial and report descriptor to be set */
#define FAKE_UPS_SPEC_APC_BACK_UPS                                                              \
        ((FakeUpsSpec){ .busnum = 1, .devnum = 2, .port = 1,                                    \
                        .vendor_id = 0x051d, .product_id = 0x0002, .bcd_device = 0x0106,        \
                        .manufacturer = "American Power Conversion",                            \
                        .product = "Back-UPS CS 500 FW:808.q10 .I USB FW:q1",                   \
                        .serial = "FAKE00000001" })

typedef enum {
        FAKE_UPS_OK,
        FAKE_UPS_SHORT_REPORTS, /* GET_REPORT answers one byte less than stored (at least the id byte) */
        FAKE_UPS_STALL,         /* every control transfer stalls (-EPIPE) */
        FAKE_UPS_HANG,          /* control URBs are accepted and never completed: the client must time out
                                 * and DISCARDURB them (status -ENOENT). When the fault is cleared, held
                                 * URBs are answered. A synchronous USBDEVFS_CONTROL fails with ETIMEDOUT. */
        FAKE_UPS_GARBAGE,       /* GET_REPORT answers random bytes (stored length, id byte random too) */
} FakeUpsFault;

typedef struct {
        guint get_report[256];          /* GET_REPORT(Feature) requests per report id (incl. failed) */
        guint set_report[256];          /* SET_REPORT(Feature) requests per report id (incl. failed) */
        guint control_transfers;        /* all control transfers (URBs and USBDEVFS_CONTROL) */
        guint interrupt_urbs_pending;   /* interrupt-IN URBs submitted and waiting for a report */
        guint interrupt_reports_queued; /* pushed reports waiting for an interrupt-IN URB */
        guint interrupt_reports_delivered;
        guint control_urbs_held;        /* control URBs held by FAKE_UPS_HANG */
        guint discarded_urbs;           /* successful USBDEVFS_DISCARDURB */
        guint open_clients;             /* open file descriptors on the node (all generations) */
        guint plug_count;               /* how often fake_ups_plug() succeeded */
} FakeUpsStats;

/* Adds the PCI host controller (if missing) and root hub usb<busnum> to the testbed. Only needed for
 * buses other than the one in tests/usb/data/hub.umockdev (bus 1). */
gboolean fake_ups_add_root_hub(UMockdevTestbed *tb, guint8 busnum, GError **error);

FakeUps *fake_ups_new(UMockdevTestbed *tb, const FakeUpsSpec *spec);
void fake_ups_free(FakeUps *ups);               /* unplugs if plugged, detaches the handler */

const char *fake_ups_get_syspath(FakeUps *ups);  /* /sys/devices/pci0000:00/0000:00:14.0/usb1/1-1 */
const char *fake_ups_get_devnode(FakeUps *ups);  /* /dev/bus/usb/001/002 */
GBytes *fake_ups_get_descriptors(FakeUps *ups);  /* device + config descriptor (sysfs "descriptors") */

gboolean fake_ups_plug(FakeUps *ups, GError **error);
void fake_ups_unplug(FakeUps *ups);
gboolean fake_ups_is_plugged(FakeUps *ups);

/* Feature report state. Bytes start with the report id. */
gboolean fake_ups_load_feature_reports(FakeUps *ups, const char *path, GError **error);
void fake_ups_set_feature(FakeUps *ups, guint8 id, const guint8 *bytes, gsize n);  /* n == 0: forget id */
GBytes *fake_ups_get_feature(FakeUps *ups, guint8 id);          /* NULL if unknown; unref */
GBytes *fake_ups_get_last_set_report(FakeUps *ups, guint8 id);  /* NULL if none yet; unref */

/* One SET_REPORT(Feature) the device accepted */
typedef struct {
        gint64 time;            /* g_get_monotonic_time() when it arrived */
        guint8 id;
        GBytes *bytes;          /* as sent, starting with the report id */
} FakeUpsSetReport;

/* The accepted SET_REPORTs since the previous call (or since fake_ups_new()), oldest first, as
 * FakeUpsSetReport elements; the log starts empty again. Free with g_ptr_array_unref(). */
GPtrArray *fake_ups_take_set_reports(FakeUps *ups);

/* Completes the oldest pending interrupt-IN URB (of any open fd) with these bytes, or queues them for
 * the next one. Dropped while unplugged; unplugging drops the queue. */
void fake_ups_push_interrupt(FakeUps *ups, const guint8 *bytes, gsize n);

void fake_ups_set_fault(FakeUps *ups, FakeUpsFault fault);
void fake_ups_set_garbage_seed(FakeUps *ups, guint32 seed);

void fake_ups_get_stats(FakeUps *ups, FakeUpsStats *stats);
guint fake_ups_get_report_count(FakeUps *ups, guint8 id);
guint fake_ups_set_report_count(FakeUps *ups, guint8 id);

/* Waits until pred(stats, user_data) is true (checked on every state change) or timeout_ms passes;
 * returns pred's last answer. pred runs with the fixture locked: it must not call fake_ups_*(). */
typedef gboolean (*FakeUpsStatsPredicate)(const FakeUpsStats *stats, gpointer user_data);
gboolean fake_ups_wait_stats(FakeUps *ups, FakeUpsStatsPredicate pred, gpointer user_data, guint timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakeUps, fake_ups_free)

G_END_DECLS
