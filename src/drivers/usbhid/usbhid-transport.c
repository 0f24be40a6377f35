/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * USB HID transport on libusb's asynchronous API. Control requests wait in a FIFO and go
 * out one at a time (UPS firmware does not like overlapping requests); libusb enforces each
 * one's timeout and cancels it. Closing cancels what is in flight; the transport frees
 * itself when libusb has handed back its last transfer.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "time-util.h"
#include "usbhid-transport.h"

#define HID_REQ_GET_REPORT 0x01
#define HID_REQ_SET_REPORT 0x09
#define HID_DT_HID 0x21
#define HID_DT_REPORT 0x22
#define USB_CONTROL_MAX 4096U
#define USB_INTERRUPT_MAX 64U

typedef struct HidRequest {
        struct HidRequest *next;
        uint8_t setup[LIBUSB_CONTROL_SETUP_SIZE];
        uint8_t *out;                   /* data stage of an OUT request */
        bool string;                    /* decode a string descriptor */
        HidTransportDone done;
        void *userdata;
        uint64_t send_by_usec;          /* CLOCK_MONOTONIC: fails if it is not out by then */
} HidRequest;

struct HidTransport {
        UsbContext *context;
        int fd;                         /* the usbfs node, wrapped by libusb */
        libusb_device_handle *handle;
        sd_event_source *free_later;
        HidTransportInfo info;
        unsigned timeout_ms;
        bool claimed;
        bool closed;

        HidRequest *queue, **queue_tail;
        struct libusb_transfer *control;        /* in flight: queue's head */
        struct libusb_transfer *interrupt;
        HidTransportDone on_interrupt;
        void *interrupt_userdata;
};

static HidRequest *hid_request_free(HidRequest *q)
{
        if (q)
                free(q->out);
        return mfree(q);
}

static void hid_transport_free(HidTransport *t)
{
        while (t->queue) {
                HidRequest *q = t->queue;

                t->queue = q->next;
                hid_request_free(q);
        }
        if (t->handle) {
                if (t->claimed)
                        (void) libusb_release_interface(t->handle, t->info.interface);
                libusb_close(t->handle);
        }
        if (t->fd >= 0)
                close(t->fd);
        sd_event_source_disable_unref(t->free_later);
        usb_context_unref(t->context);
        free(t);
}

static int hid_transport_on_free_later(sd_event_source *s, void *userdata)
{
        hid_transport_free(userdata);
        return 0;
}

/* Frees a closed transport once libusb has handed back every transfer. Not from inside a
 * libusb callback (libusb_close() would wait for the lock libusb holds there): from the loop. */
static void hid_transport_maybe_free(HidTransport *t)
{
        if (!t->closed || t->control || t->interrupt || t->free_later)
                return;
        if (sd_event_add_defer(usb_context_get_event(t->context), &t->free_later, hid_transport_on_free_later, t) < 0)
                log_error("usbhid: cannot schedule freeing a closed USB handle, leaking it");
}

void hid_transport_close(HidTransport *t)
{
        if (!t)
                return;
        t->closed = true;
        if (t->control)
                (void) libusb_cancel_transfer(t->control);
        if (t->interrupt)
                (void) libusb_cancel_transfer(t->interrupt);
        hid_transport_maybe_free(t);
}

const HidTransportInfo *hid_transport_get_info(HidTransport *t)
{
        return &t->info;
}

void hid_transport_set_timeout(HidTransport *t, unsigned timeout_ms)
{
        t->timeout_ms = timeout_ms;
}

static int transfer_status_to_errno(enum libusb_transfer_status s)
{
        switch (s) {
        case LIBUSB_TRANSFER_COMPLETED:
                return 0;
        case LIBUSB_TRANSFER_TIMED_OUT:
                return -ETIMEDOUT;
        case LIBUSB_TRANSFER_CANCELLED:
                return -ECANCELED;
        case LIBUSB_TRANSFER_STALL:
                return -EPIPE;
        case LIBUSB_TRANSFER_NO_DEVICE:
                return -ENODEV;
        case LIBUSB_TRANSFER_OVERFLOW:
                return -EOVERFLOW;
        default:
                return -EIO;
        }
}

/* A string descriptor (UTF-16LE) as UTF-8, with anything beyond Latin-1 as '?' */
static size_t string_descriptor_decode(const uint8_t *d, size_t n, char *buf, size_t size)
{
        size_t k = 0;

        if (n < 2 || d[1] != LIBUSB_DT_STRING)
                return 0;
        n = MIN(n, (size_t) d[0]);
        for (size_t i = 2; i + 1 < n && k + 3 < size; i += 2) {
                unsigned c = d[i] | d[i + 1] << 8;

                if (c == 0)
                        break;
                if (c < 0x80)
                        buf[k++] = (char) c;
                else if (c < 0x100) {
                        buf[k++] = (char) (0xc0 | c >> 6);
                        buf[k++] = (char) (0x80 | (c & 0x3f));
                } else
                        buf[k++] = '?';
        }
        buf[k] = 0;
        return k;
}

static void hid_transport_kick(HidTransport *t);

static void hid_transport_on_control(struct libusb_transfer *x)
{
        HidTransport *t = x->user_data;
        HidRequest *q = t->queue;
        const uint8_t *data = libusb_control_transfer_get_data(x);
        int r = transfer_status_to_errno(x->status);
        char s[256 * 3 / 2 + 4];

        t->control = NULL;
        t->queue = q->next;
        if (!t->queue)
                t->queue_tail = &t->queue;
        if (!t->closed) {
                if (r >= 0 && q->string) {
                        size_t n = string_descriptor_decode(data, (size_t) x->actual_length, s, sizeof s);

                        q->done((int) n, (const uint8_t *) s, n, q->userdata);
                } else
                        q->done(r < 0 ? r : x->actual_length, data, r < 0 ? 0 : (size_t) x->actual_length,
                                q->userdata);
        }
        hid_request_free(q);
        free(x->buffer);
        libusb_free_transfer(x);
        if (t->closed)
                hid_transport_maybe_free(t);
        else
                hid_transport_kick(t);
}

/* Sends a request; on success it is the transfer in flight */
static int hid_transport_submit(HidTransport *t, HidRequest *q)
{
        uint16_t length = q->setup[6] | q->setup[7] << 8;
        struct libusb_transfer *x = libusb_alloc_transfer(0);
        uint8_t *buf = malloc(LIBUSB_CONTROL_SETUP_SIZE + length);
        int r;

        if (!x || !buf) {
                libusb_free_transfer(x);
                free(buf);
                return -ENOMEM;
        }
        memcpy(buf, q->setup, LIBUSB_CONTROL_SETUP_SIZE);
        if (q->out)
                memcpy(buf + LIBUSB_CONTROL_SETUP_SIZE, q->out, length);
        libusb_fill_control_transfer(x, t->handle, buf, hid_transport_on_control, t, t->timeout_ms);
        r = usb_error_to_errno(libusb_submit_transfer(x));
        if (r < 0) {
                free(buf);
                libusb_free_transfer(x);
                return r;
        }
        t->control = x;
        return 0;
}

/* After a transfer ended (from its callback): submits the next request; one that cannot go out
 * fails at once, and so does one that waited too long behind others (its caller has given up:
 * a write must not reach the device after the client was told it timed out) */
static void hid_transport_kick(HidTransport *t)
{
        while (t->queue && !t->control && !t->closed) {
                HidRequest *q = t->queue;
                int r = now(CLOCK_MONOTONIC) > q->send_by_usec ? -ETIMEDOUT : hid_transport_submit(t, q);

                if (r >= 0)
                        return;
                t->queue = q->next;
                if (!t->queue)
                        t->queue_tail = &t->queue;
                q->done(r, NULL, 0, q->userdata);
                hid_request_free(q);
        }
}

/* send_by_usec: the request fails if it is not out by then (0: HID_TRANSPORT_QUEUE_WAIT_USEC
 * from now) */
static int hid_transport_enqueue(HidTransport *t, uint8_t request_type, uint8_t request, uint16_t value,
                                 uint16_t index, const uint8_t *out, size_t size, bool string,
                                 uint64_t send_by_usec, HidTransportDone done, void *userdata)
{
        HidRequest *q;

        if (t->closed)
                return -ESHUTDOWN;
        if (size > USB_CONTROL_MAX)
                return -E2BIG;
        q = calloc(1, sizeof(HidRequest));
        if (!q)
                return -ENOMEM;
        libusb_fill_control_setup(q->setup, request_type, request, value, index, (uint16_t) size);
        if (out) {
                q->out = malloc(size ? size : 1);
                if (!q->out) {
                        free(q);
                        return -ENOMEM;
                }
                memcpy(q->out, out, size);
        }
        q->string = string;
        q->done = done;
        q->userdata = userdata;
        q->send_by_usec = send_by_usec > 0 ? send_by_usec : now(CLOCK_MONOTONIC) + HID_TRANSPORT_QUEUE_WAIT_USEC;
        /* An idle transport sends it now, and a failure is returned here: 'done' is never
         * called before this returns (the caller may not be ready for it yet) */
        if (!t->queue) {
                int r = hid_transport_submit(t, q);

                if (r < 0) {
                        hid_request_free(q);
                        return r;
                }
        }
        *t->queue_tail = q;
        t->queue_tail = &q->next;
        return 0;
}

int hid_transport_get_report_descriptor(HidTransport *t, HidTransportDone done, void *userdata)
{
        return hid_transport_enqueue(t, LIBUSB_ENDPOINT_IN | LIBUSB_RECIPIENT_INTERFACE, LIBUSB_REQUEST_GET_DESCRIPTOR,
                                     HID_DT_REPORT << 8, t->info.interface, NULL,
                                     t->info.report_descriptor_length ? t->info.report_descriptor_length : USB_CONTROL_MAX,
                                     false, 0, done, userdata);
}

static uint8_t report_type_value(HidReportType type)
{
        return type == HID_REPORT_INPUT ? 1 : type == HID_REPORT_OUTPUT ? 2 : 3;
}

int hid_transport_get_report(HidTransport *t, HidReportType type, uint8_t id, size_t size, HidTransportDone done,
                             void *userdata)
{
        return hid_transport_enqueue(t, LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
                                     HID_REQ_GET_REPORT, report_type_value(type) << 8 | id, t->info.interface, NULL,
                                     size, false, 0, done, userdata);
}

int hid_transport_set_report(HidTransport *t, HidReportType type, uint8_t id, const uint8_t *data, size_t size,
                             uint64_t send_by_usec, HidTransportDone done, void *userdata)
{
        return hid_transport_enqueue(t, LIBUSB_ENDPOINT_OUT | LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE,
                                     HID_REQ_SET_REPORT, report_type_value(type) << 8 | id, t->info.interface, data,
                                     size, false, send_by_usec, done, userdata);
}

int hid_transport_get_string(HidTransport *t, uint8_t index, HidTransportDone done, void *userdata)
{
        /* Language 0x0409 (US English), as every UPS offers */
        return hid_transport_enqueue(t, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR, LIBUSB_DT_STRING << 8 | index,
                                     0x0409, NULL, 255, true, 0, done, userdata);
}

static void hid_transport_on_interrupt(struct libusb_transfer *x)
{
        HidTransport *t = x->user_data;
        int r = transfer_status_to_errno(x->status);

        if (!t->closed) {
                if (r == -ETIMEDOUT)    /* no report within the timeout: simply ask again */
                        r = 0, x->actual_length = 0;
                if (r >= 0 && x->actual_length > 0)
                        t->on_interrupt(x->actual_length, x->buffer, (size_t) x->actual_length, t->interrupt_userdata);
                if (r >= 0 && !t->closed) {
                        r = usb_error_to_errno(libusb_submit_transfer(x));
                        if (r >= 0)
                                return;
                }
                if (!t->closed)
                        t->on_interrupt(r, NULL, 0, t->interrupt_userdata);
        }
        t->interrupt = NULL;
        free(x->buffer);
        libusb_free_transfer(x);
        hid_transport_maybe_free(t);
}

int hid_transport_start_interrupt(HidTransport *t, HidTransportDone on_report, void *userdata)
{
        struct libusb_transfer *x;
        size_t size = t->info.in_max_packet ? MIN(t->info.in_max_packet, USB_INTERRUPT_MAX) : 8;
        uint8_t *buf;
        int r;

        if (t->closed)
                return -ESHUTDOWN;
        if (!t->info.in_endpoint)
                return -EOPNOTSUPP;
        if (t->interrupt)
                return -EBUSY;
        x = libusb_alloc_transfer(0);
        buf = malloc(size);
        if (!x || !buf) {
                libusb_free_transfer(x);
                free(buf);
                return -ENOMEM;
        }
        /* A long timeout only so that a dead pipe is noticed; expiry just re-submits */
        libusb_fill_interrupt_transfer(x, t->handle, t->info.in_endpoint, buf, (int) size, hid_transport_on_interrupt,
                                       t, 60000);
        r = usb_error_to_errno(libusb_submit_transfer(x));
        if (r < 0) {
                free(buf);
                libusb_free_transfer(x);
                return r;
        }
        t->interrupt = x;
        t->on_interrupt = on_report;
        t->interrupt_userdata = userdata;
        return 0;
}

/* The HID interface of the active configuration: its number, interrupt-IN endpoint and the
 * length of its report descriptor from the HID class descriptor */
static int hid_transport_read_config(HidTransport *t, libusb_device *dev)
{
        struct libusb_config_descriptor *cfg = NULL;
        int r;

        r = libusb_get_active_config_descriptor(dev, &cfg);
        if (r < 0)
                r = libusb_get_config_descriptor(dev, 0, &cfg);
        if (r < 0)
                return usb_error_to_errno(r);
        r = -ENODEV;
        for (unsigned i = 0; i < cfg->bNumInterfaces && r < 0; i++) {
                const struct libusb_interface_descriptor *a;

                if (cfg->interface[i].num_altsetting < 1)
                        continue;
                a = &cfg->interface[i].altsetting[0];
                if (a->bInterfaceClass != LIBUSB_CLASS_HID)
                        continue;
                t->info.interface = a->bInterfaceNumber;
                for (unsigned e = 0; e < a->bNumEndpoints; e++) {
                        const struct libusb_endpoint_descriptor *ep = &a->endpoint[e];

                        if ((ep->bEndpointAddress & LIBUSB_ENDPOINT_IN) &&
                            (ep->bmAttributes & 3) == LIBUSB_TRANSFER_TYPE_INTERRUPT) {
                                t->info.in_endpoint = ep->bEndpointAddress;
                                t->info.in_max_packet = ep->wMaxPacketSize;
                                break;
                        }
                }
                for (int k = 0; k + 9 <= a->extra_length; k += a->extra[k]) {
                        if (a->extra[k] < 2)
                                break;
                        if (a->extra[k + 1] == HID_DT_HID && a->extra[k + 6] == HID_DT_REPORT) {
                                t->info.report_descriptor_length = a->extra[k + 7] | a->extra[k + 8] << 8;
                                break;
                        }
                }
                r = 0;
        }
        libusb_free_config_descriptor(cfg);
        return r;
}

int hid_transport_open(UsbContext *c, const char *devnode, HidTransport **ret)
{
        struct libusb_device_descriptor dd;
        HidTransport *t;
        int r;

        t = calloc(1, sizeof(HidTransport));
        if (!t)
                return -ENOMEM;
        t->context = usb_context_ref(c);
        t->queue_tail = &t->queue;
        t->timeout_ms = HID_TRANSPORT_TIMEOUT_MS;
        t->fd = open(devnode, O_RDWR | O_CLOEXEC | O_NONBLOCK);
        r = t->fd < 0 ? -errno : 0;
        if (r >= 0)
                /* libusb reads the descriptors from the node and asks the device for its
                 * configuration (one short control request, bounded by libusb's 1 s timeout) */
                r = usb_error_to_errno(libusb_wrap_sys_device(usb_context_get(c), (intptr_t) t->fd, &t->handle));
        if (r >= 0)
                r = usb_error_to_errno(libusb_get_device_descriptor(libusb_get_device(t->handle), &dd));
        if (r >= 0) {
                t->info.vendor = dd.idVendor;
                t->info.product = dd.idProduct;
                t->info.bcd_device = dd.bcdDevice;
                r = hid_transport_read_config(t, libusb_get_device(t->handle));
        }
        if (r >= 0) {
                (void) libusb_set_auto_detach_kernel_driver(t->handle, 1);
                r = usb_error_to_errno(libusb_claim_interface(t->handle, t->info.interface));
                t->claimed = r >= 0;
        }
        if (r < 0) {
                hid_transport_free(t);
                return r;
        }
        *ret = t;
        return 0;
}
