/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Field values: the bits of a field in a report buffer <-> its logical value <-> its physical
 * value in the units NUT reports (volts, seconds, percent), by NUT's usbhid-ups rules.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hid-parser.h"

/* The units whose SI value NUT scales by 10^(UnitExponent - 7) instead of 10^UnitExponent */
#define HID_UNIT_VOLT 0x00f0d121U
#define HID_UNIT_WATT 0x0000d121U       /* also VA */

int hid_field_extract(const HidField *f, const uint8_t *report, size_t size, int64_t *ret);
int hid_field_insert(const HidField *f, uint8_t *report, size_t size, int64_t value);

double hid_field_to_physical(const HidField *f, int64_t logical);
int hid_field_from_physical(const HidField *f, double physical, int64_t *ret);

int hid_field_get_value(const HidField *f, const uint8_t *report, size_t size, double *ret);
int hid_field_set_value(const HidField *f, uint8_t *report, size_t size, double value);
