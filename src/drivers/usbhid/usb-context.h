/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One libusb context per event loop, shared by every USB driver instance on it: libusb's
 * file descriptors become sd-event IO sources and its events are handled without blocking.
 */
#pragma once

#include <libusb.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct UsbContext UsbContext;

/* A reference to the context of this event loop, created on first use */
int usb_context_acquire(sd_event *event, UsbContext **ret);
UsbContext *usb_context_ref(UsbContext *c);
UsbContext *usb_context_unref(UsbContext *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(UsbContext *, usb_context_unref);

libusb_context *usb_context_get(UsbContext *c);

sd_event *usb_context_get_event(UsbContext *c);

/* libusb error -> negative errno */
int usb_error_to_errno(int libusb_error);
