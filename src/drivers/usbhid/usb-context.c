/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libusb on sd-event. libusb tells us which fds to watch (pollfd notifiers); when one is
 * ready we let it handle events with a zero timeout, which completes transfers and runs
 * their callbacks on the loop. On Linux libusb keeps its transfer timeouts on a timerfd
 * among those fds; where it does not, the next timeout is armed as an sd-event timer.
 *
 * Device discovery is off: devices are opened from the node udev names, so libusb starts no
 * thread of its own.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/time.h>

#include "log.h"
#include "usb-context.h"

#define USB_CONTEXT_MAX_FDS 256
#define USB_CONTEXT_UNPOLLABLE_USEC (2 * USEC_PER_MSEC)

typedef struct UsbFd {
        int fd;
        sd_event_source *source;
} UsbFd;

struct UsbContext {
        unsigned n_ref;
        sd_event *event;
        libusb_context *ctx;
        UsbFd *fds;
        size_t n_fds;
        sd_event_source *timer;         /* only when libusb has no timerfd */
};

/* The one context per loop; nutd runs one loop, the kill-power program another of its own */
static UsbContext *usb_context_current;

int usb_error_to_errno(int e)
{
        switch (e) {
        case LIBUSB_SUCCESS:
                return 0;
        case LIBUSB_ERROR_IO:
                return -EIO;
        case LIBUSB_ERROR_INVALID_PARAM:
                return -EINVAL;
        case LIBUSB_ERROR_ACCESS:
                return -EACCES;
        case LIBUSB_ERROR_NO_DEVICE:
                return -ENODEV;
        case LIBUSB_ERROR_NOT_FOUND:
                return -ENOENT;
        case LIBUSB_ERROR_BUSY:
                return -EBUSY;
        case LIBUSB_ERROR_TIMEOUT:
                return -ETIMEDOUT;
        case LIBUSB_ERROR_OVERFLOW:
                return -EOVERFLOW;
        case LIBUSB_ERROR_PIPE:
                return -EPIPE;
        case LIBUSB_ERROR_INTERRUPTED:
                return -EINTR;
        case LIBUSB_ERROR_NO_MEM:
                return -ENOMEM;
        case LIBUSB_ERROR_NOT_SUPPORTED:
                return -EOPNOTSUPP;
        default:
                return -EIO;
        }
}

static void usb_context_rearm_timer(UsbContext *c);

static void usb_context_dispatch(UsbContext *c)
{
        struct timeval zero = { 0, 0 };
        int r;

        r = libusb_handle_events_timeout_completed(c->ctx, &zero, NULL);
        if (r < 0)
                log_debug("libusb: handling events failed: %s", libusb_error_name(r));
        usb_context_rearm_timer(c);
}

static int usb_context_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        usb_context_dispatch(userdata);
        return 0;
}

static int usb_context_on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        usb_context_dispatch(userdata);
        return 0;
}

static void usb_context_rearm_timer(UsbContext *c)
{
        struct timeval tv;
        uint64_t now;

        if (libusb_pollfds_handle_timeouts(c->ctx))
                return;
        if (libusb_get_next_timeout(c->ctx, &tv) <= 0) {
                (void) sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
                return;
        }
        if (sd_event_now(c->event, CLOCK_MONOTONIC, &now) < 0)
                return;
        now += (uint64_t) tv.tv_sec * USEC_PER_SEC + (uint64_t) tv.tv_usec;
        if (c->timer) {
                (void) sd_event_source_set_time(c->timer, now);
                (void) sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
        } else if (sd_event_add_time(c->event, &c->timer, CLOCK_MONOTONIC, now, 0, usb_context_on_timer, c) < 0)
                log_warning("libusb: cannot arm the timeout timer; transfers may wait for the next event");
}

static uint32_t poll_to_epoll(short events)
{
        return (events & POLLIN ? EPOLLIN : 0) | (events & POLLOUT ? EPOLLOUT : 0);
}

static int usb_context_on_unpollable(sd_event_source *s, uint64_t usec, void *userdata)
{
        (void) sd_event_source_set_time_relative(s, USB_CONTEXT_UNPOLLABLE_USEC);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ON);
        usb_context_dispatch(userdata);
        return 0;
}

static int usb_context_watch(UsbContext *c, int fd, short events)
{
        UsbFd *a;
        int r;

        for (size_t i = 0; i < c->n_fds; i++)
                if (c->fds[i].fd == fd)
                        return sd_event_source_get_io_fd(c->fds[i].source) >= 0 ?
                               sd_event_source_set_io_events(c->fds[i].source, poll_to_epoll(events)) : 0;
        if (c->n_fds >= USB_CONTEXT_MAX_FDS)
                return -EMFILE;
        a = realloc(c->fds, (c->n_fds + 1) * sizeof(UsbFd));
        if (!a)
                return -ENOMEM;
        c->fds = a;
        a[c->n_fds].fd = fd;
        r = sd_event_add_io(c->event, &a[c->n_fds].source, fd, poll_to_epoll(events), usb_context_on_io, c);
        if (r == -EPERM) {
                /* Not pollable (a regular file standing in for a device node, as under
                 * umockdev): poll() would always say ready, so look at it every few ms */
                r = sd_event_add_time_relative(c->event, &a[c->n_fds].source, CLOCK_MONOTONIC,
                                               USB_CONTEXT_UNPOLLABLE_USEC, 1, usb_context_on_unpollable, c);
        }
        if (r < 0)
                return r;
        c->n_fds++;
        return 0;
}

static void usb_context_fd_added(int fd, short events, void *userdata)
{
        int r = usb_context_watch(userdata, fd, events);

        if (r < 0)
                log_error_errno(r, "libusb: cannot watch fd %d, its device will not be served: %m", fd);
}

static void usb_context_fd_removed(int fd, void *userdata)
{
        UsbContext *c = userdata;

        for (size_t i = 0; i < c->n_fds; i++)
                if (c->fds[i].fd == fd) {
                        sd_event_source_disable_unref(c->fds[i].source);
                        c->fds[i] = c->fds[--c->n_fds];
                        return;
                }
}

static UsbContext *usb_context_free(UsbContext *c)
{
        if (!c)
                return NULL;
        if (c->ctx) {
                libusb_set_pollfd_notifiers(c->ctx, NULL, NULL, NULL);
                libusb_exit(c->ctx);
        }
        for (size_t i = 0; i < c->n_fds; i++)
                sd_event_source_disable_unref(c->fds[i].source);
        free(c->fds);
        sd_event_source_disable_unref(c->timer);
        sd_event_unref(c->event);
        if (usb_context_current == c)
                usb_context_current = NULL;
        return mfree(c);
}

UsbContext *usb_context_ref(UsbContext *c)
{
        if (c)
                c->n_ref++;
        return c;
}

UsbContext *usb_context_unref(UsbContext *c)
{
        if (!c || --c->n_ref > 0)
                return NULL;
        return usb_context_free(c);
}

int usb_context_acquire(sd_event *event, UsbContext **ret)
{
        _cleanup_(usb_context_unrefp) UsbContext *c = NULL;
        const struct libusb_pollfd **fds;
        int r;

        if (usb_context_current && usb_context_current->event == event) {
                usb_context_current->n_ref++;
                *ret = usb_context_current;
                return 0;
        }
        c = calloc(1, sizeof(UsbContext));
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->event = sd_event_ref(event);
        /* nutd follows udev itself and opens the nodes it is given: no discovery (and no
         * libusb thread listening to udev beside ours) */
        (void) libusb_set_option(NULL, LIBUSB_OPTION_NO_DEVICE_DISCOVERY);
        r = libusb_init(&c->ctx);
        if (r < 0) {
                c->ctx = NULL;
                return usb_error_to_errno(r);
        }
        libusb_set_pollfd_notifiers(c->ctx, usb_context_fd_added, usb_context_fd_removed, c);
        fds = libusb_get_pollfds(c->ctx);
        if (!fds)
                return -ENOMEM;
        for (size_t i = 0; fds[i]; i++)
                usb_context_fd_added(fds[i]->fd, fds[i]->events, c);
        libusb_free_pollfds(fds);
        if (!usb_context_current)
                usb_context_current = c;
        *ret = TAKE_PTR(c);
        return 0;
}

libusb_context *usb_context_get(UsbContext *c)
{
        return c->ctx;
}

sd_event *usb_context_get_event(UsbContext *c)
{
        return c->event;
}
