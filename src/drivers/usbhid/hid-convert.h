/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups conversion functions (hid-conversions.tsv): HID value -> NUT string and back,
 * by name, each written from the behaviour the facts describe. Some need the device: USB
 * string descriptors, other variables, the VID:PID, or state kept between readings (CPS
 * scaling, Eaton ABM); that is HidConvContext.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct HidConvContext {
        uint16_t vendor, product;
        const char *iproduct;                   /* USB iProduct string, may be NULL */
        /* A USB string descriptor already fetched by the driver, or NULL */
        const char *(*get_string)(void *userdata, uint8_t index);
        /* The current value of another NUT variable of the device, or NULL */
        const char *(*get_var)(void *userdata, const char *name);
        void *userdata;
        void *state;                            /* per-device converter state, see below */
} HidConvContext;

typedef struct HidConverter {
        const char *name;               /* the function name in hid-conversions.tsv */
        /* hid -> nut: > 0 length written to buf (NUL-terminated), 0 no output (nothing is
         * done for this reading), < 0 negative errno */
        int (*to_nut)(HidConvContext *c, double value, char *buf, size_t size);
        /* nut -> hid: 0 and *ret set, or negative errno (-EINVAL for values it refuses) */
        int (*to_hid)(HidConvContext *c, const char *value, double *ret);
} HidConverter;

/* NULL for a name no converter implements */
const HidConverter *hid_converter_find(const char *name);

/* Per-device state for the stateful converters; free with hid_conv_state_free() */
void *hid_conv_state_new(void);
void hid_conv_state_free(void *state);
