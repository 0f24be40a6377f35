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

/* HID report types for HidConvIo.get_report (HID 1.11 §7.2.1) */
enum {
        HID_CONV_REPORT_INPUT = 1,
        HID_CONV_REPORT_FEATURE = 3,
};

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

/* A report a converter reads raw through HidConvIo.get_report (HID_CONV_REPORT_*), so that the
 * driver polls it with the row; 'size' (ID byte included) is for devices whose descriptor does
 * not declare it. Lists end with a zero entry. */
typedef struct HidConvReport {
        uint8_t type, id, size;
} HidConvReport;

typedef struct HidConverter {
        const char *name;               /* the function name in hid-conversions.tsv */
        const HidConvReport *reads;     /* raw reports it reads, or NULL */
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

/*
 * Status converters (status_tokens column of hid-conversions.tsv) write the token for the status
 * word, e.g. "online" or "!dischrg", for hid_status_apply(). Should a converter set several bits
 * at once, its tokens are separated by single spaces and the driver applies each in turn; none
 * of the facts' functions does so today (eaton_abm_chrg_dischrg_fun emits "chrg" or "dischrg",
 * never both). ever_messages_fun/ever_alarms_fun write space-separated words, as a value.
 *
 * Outputs: buf is written only on success (> 0); a result that does not fit in 'size' bytes is
 * -ENOBUFS, never truncated. Non-finite inputs fail with -EINVAL (-ERANGE where a function only
 * scales and checks its result); values outside what a function can represent (a packed date
 * above 16 bits, a product that overflows) are -ERANGE. Converters whose output does not depend
 * on the value (EVER report readers, powercom_hack_voltage, eaton_compute_realpower_fun) ignore it.
 */

/*
 * Optional device access, for the few converters that do more than map a value: the EVER ones
 * and powercom_hack_voltage read raw reports, some mge ones set or delete other variables or
 * write to the device. Set it with hid_conv_state_set_io(); callbacks get
 * HidConvContext.userdata. Without a callback those converters return -EOPNOTSUPP (when they
 * cannot produce their value) or skip the side effect (when the value does not depend on it).
 */
typedef struct HidConvIo {
        /* GET_REPORT of report 'id' of 'type' into buf; buf[0] is the report ID. Bytes read or
         * negative errno. */
        int (*get_report)(void *userdata, uint8_t type, uint8_t id, uint8_t *buf, size_t size);
        /* Sets a NUT variable in the device store, or deletes it when value is NULL */
        int (*set_var)(void *userdata, const char *name, const char *value);
        /* Writes a NUT variable to the UPS, as SET VAR would */
        int (*write_var)(void *userdata, const char *name, const char *value);
        /* 1 if status-word bit 'token' ("off") is set, 0 if clear, negative if unknown. Without
         * it, converters look for the matching ups.status token (the previous poll's). */
        int (*get_status)(void *userdata, const char *token);
} HidConvIo;

typedef enum HidConvFlag {
        /* powercom: delays are sent as minutes / an index of discrete delays */
        HID_CONV_POWERCOM_DISCRETE_DELAY = 1 << 0,
        /* powercom: option powercom_sdcmd_byte_order_fallback (seconds in the high byte) */
        HID_CONV_POWERCOM_LEGACY_BYTE_ORDER = 1 << 1,
} HidConvFlag;

void hid_conv_state_set_io(void *state, const HidConvIo *io);
void hid_conv_state_set_flags(void *state, uint32_t flags);

/*
 * mge-hid: sets the model family that gates some values (hid-mge-models.tsv) from iProduct and
 * iModel (or, if iModel is empty, the ConfigApparentPower reading printed as an integer).
 * Returns 1 and *ret_name (the display name, NULL if the table has none) for a known model; 0
 * for an unknown one, which counts as line-interactive/online ("MGE_DEFAULT").
 */
int hid_conv_state_set_mge_model(void *state, const char *iproduct, const char *imodel,
                                 const char **ret_name);

/* mge-hid: the mode buzzword eaton_input_buzzwordmode_report chose ("vendor:mge-hid:ECO" or
 * "vendor:mge-hid:ESS"), for experimental.ups.mode.buzzwords; NULL for none */
const char *hid_conv_state_get_buzzword(const void *state);
