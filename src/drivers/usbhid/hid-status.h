/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The usbhid-ups status word: tokens from the mapping tables' status lookups set and clear
 * bits; the word becomes ups.status tokens, ups.alarm texts and input.transfer.reason by
 * the rules of ../shared/data/facts/hid-status-rules.md §1-3. Pure: no I/O, no clock.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum HidStatusBit {
        HID_STATUS_ONLINE,
        HID_STATUS_OFFLINE,
        HID_STATUS_DISCHRG,
        HID_STATUS_CHRG,
        HID_STATUS_LOWBATT,
        HID_STATUS_OVERLOAD,
        HID_STATUS_REPLACEBATT,
        HID_STATUS_SHUTDOWNIMM,
        HID_STATUS_TRIM,
        HID_STATUS_BOOST,
        HID_STATUS_BYPASSAUTO,
        HID_STATUS_BYPASSMAN,
        HID_STATUS_ECOMODE,
        HID_STATUS_ESSMODE,
        HID_STATUS_OFF,
        HID_STATUS_CAL,
        HID_STATUS_OVERHEAT,
        HID_STATUS_COMMFAULT,
        HID_STATUS_DEPLETED,
        HID_STATUS_TIMELIMITEXP,
        HID_STATUS_FULLYCHARGED,
        HID_STATUS_NOTFULLYCHARGED,
        HID_STATUS_AWAITINGPOWER,
        HID_STATUS_FANFAIL,
        HID_STATUS_NOBATTERY,
        HID_STATUS_BATTVOLTLO,
        HID_STATUS_BATTVOLTHI,
        HID_STATUS_CHARGERFAIL,
        HID_STATUS_VRANGE,
        HID_STATUS_FRANGE,
        _HID_STATUS_MAX,
        _HID_STATUS_INVALID = -EINVAL,  /* what hid_status_bit_from_string() returns for a non-bit */
} HidStatusBit;

typedef uint32_t HidStatusWord;

/* The mask of one bit in a HidStatusWord (for callers and tests that build or test a word) */
#define HID_STATUS_BIT(b) (UINT32_C(1) << (b))

/* usbhid-ups options that change the translation */
typedef enum HidStatusOptions {
        HID_STATUS_ONLINEDISCHARGE_CALIBRATION = 1 << 0,
        HID_STATUS_ONLINEDISCHARGE_ONBATTERY = 1 << 1,
} HidStatusOptions;

/* Applies one token ("online", "!dischrg", ...) with the pairing rules. Returns 1 if the word
 * changed, 0 if not, -EINVAL for a token that is not a status bit (ignored, word unchanged). */
int hid_status_apply(HidStatusWord *w, const char *token);

/*
 * The ups.status tokens for the word, space-separated, in NUT's order (§2 steps 2-13, without
 * the common layer's ALARM/CHRG/DISCHRG trend post-processing). 'charge' is battery.charge or
 * NULL. Writes at most 'size' bytes including the NUL; returns the length or -ENOBUFS.
 */
int hid_status_format(HidStatusWord w, HidStatusOptions opts, const char *charge, char *buf, size_t size);

/* The fixed alarm texts of §3 for the word, in order, space-separated, appended after
 * 'prefix' (the texts of ups.alarm rows, may be NULL or empty). Returns length or -ENOBUFS. */
int hid_status_alarms(HidStatusWord w, const char *prefix, char *buf, size_t size);

/* input.transfer.reason for the word, or NULL when the variable should not exist */
const char *hid_status_transfer_reason(HidStatusWord w);

/* experimental.ups.mode.buzzwords for the word, or NULL */
const char *hid_status_buzzwords(HidStatusWord w);

const char *hid_status_bit_to_string(HidStatusBit b);
HidStatusBit hid_status_bit_from_string(const char *s);
