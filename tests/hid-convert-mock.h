/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake device behind HidConvContext, and assertions on converters by name.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "usbhid/hid-convert.h"

typedef struct Mock {
        HidConvContext ctx;
        GHashTable *vars;       /* NUT variables */
        GHashTable *strings;    /* USB string index -> text */
        GHashTable *reports;    /* report ID -> GBytes (including the ID byte) */
        GPtrArray *written;     /* "name=value" of write_var calls */
        int report_calls;
} Mock;

/* vars: "name=value;name=value" or NULL; the state has all HidConvIo callbacks */
Mock *mock_new(uint16_t vendor, uint16_t product, const char *vars);
void mock_free(Mock *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Mock, mock_free)

void mock_set(Mock *m, const char *name, const char *value);
void mock_report(Mock *m, uint8_t id, const uint8_t *data, size_t n);

/* The converter, or the test fails */
const HidConverter *find(const char *name);
int to_nut(Mock *m, const char *name, double value, char *out, size_t size);
int to_hid(Mock *m, const char *name, const char *value, double *ret);
/* expect NULL: no output (0) */
void assert_nut(Mock *m, const char *name, double value, const char *expect);
void assert_hid(Mock *m, const char *name, const char *value, double expect);
/* fails with err and leaves *ret alone */
void assert_hid_fails(Mock *m, const char *name, const char *value, int err);
