/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table-driven cases of test-drivers-hid-convert.c: HID value -> NUT text and NUT text ->
 * HID value, each worked out by hand from the behaviour column of hid-conversions.tsv.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct NutCase {
        const char *fn;
        double value;
        const char *expect;     /* NULL: expect 'ret' */
        int ret;                /* 0 (no output) or -errno, when expect is NULL */
        uint16_t vendor, product;
        const char *vars;
        uint8_t string_index;   /* with string_text: a USB string the device has */
        const char *string_text;
} NutCase;

typedef struct HidCase {
        const char *fn;
        const char *value;
        double expect;
        int ret;                /* 0, or the -errno expected */
        const char *vars;
        uint32_t flags;         /* HidConvFlag */
} HidCase;

extern const NutCase nut_cases[];
extern const size_t n_nut_cases;
extern const HidCase hid_cases[];
extern const size_t n_hid_cases;
