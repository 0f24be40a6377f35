/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-synth: writes the bytes of a HID report descriptor that lays out given fields (path, report
 * type and ID, bit offset and size, logical range, unit and exponent), and the report buffers
 * that carry given values in them. Written from the HID 1.11 item encoding, independently of
 * the parser it tests.
 */
#pragma once

#include <glib.h>

#include "usbhid/hid-parser.h"
#include "usbhid/hid-path.h"

typedef struct HidSynthField {
        HidPath path;           /* collection usages, [n] after a vendor-type one, then the field's usage */
        HidReportType type;
        guint8 report_id;       /* 0 for all fields, or none: a descriptor numbers all reports or none */
        guint32 bit_offset;     /* from the first data byte */
        guint32 bit_size;
        gint64 logical_min, logical_max;
        guint32 unit;
        gint8 unit_exponent;    /* -8..7 */
} HidSynthField;

/* Can a path be written as collections and a field (an [n] only right after a collection)? */
gboolean hid_synth_path_ok(const HidPath *p);

/* The descriptor, or NULL with *error set for fields that overlap or paths that cannot be written.
 * Fields need not be in order; each report is padded with constant bits up to each offset. */
GBytes *hid_synth_descriptor(const HidSynthField *fields, gsize n, GError **error);

/* Bytes of report (type, id) on the wire: the ID byte when numbered, then its data bits */
gsize hid_synth_report_size(const HidSynthField *fields, gsize n, HidReportType type, guint8 id);

/* Writes the low bit_size bits of value (two's complement) at the field's place; byte 0 of a
 * numbered report is its ID */
void hid_synth_put(const HidSynthField *f, guint8 *report, gsize size, gint64 value);
