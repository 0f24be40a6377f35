/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HID paths as NUT names them ("UPS.PowerSummary.PresentStatus.ACPresent", "UPS.Flow.[4].
 * ConfigVoltage"): the usages of the collections around a field, then the field's own usage.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hid-parser.h"
#include "hid-usage.h"

/* A usage per collection, plus an index node for vendor-type collections, plus the field */
#define HID_PATH_MAX (2 * HID_COLLECTION_DEPTH_MAX + 1)

typedef struct HidPath {
        uint32_t nodes[HID_PATH_MAX];
        size_t n;
} HidPath;

void hid_field_get_path(const HidDescriptor *d, const HidField *f, HidPath *ret);
bool hid_path_equal(const HidPath *a, const HidPath *b);

int hid_path_from_string(const HidUsageTable *vendor, const char *s, HidPath *ret);
int hid_path_to_string(const HidUsageTable *vendor, const HidPath *p, char **ret);
int hid_field_path_to_string(const HidDescriptor *d, const HidField *f, const HidUsageTable *vendor, char **ret);

int hid_descriptor_find_path(const HidDescriptor *d, const HidPath *p, HidReportType type, size_t start);
int hid_descriptor_find(const HidDescriptor *d, const HidUsageTable *vendor, const char *path,
                        HidReportType type, const HidField **ret);
