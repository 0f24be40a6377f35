/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracking of SET and INSTCMD requests: an upper-case UUIDv4 per request and the result the
 * driver operation completed with, kept TRACKINGDELAY seconds.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

#define NUT_TRACKING_ID_LEN 36

typedef struct NutTrackingEntry NutTrackingEntry;

typedef struct NutTracking {
        NutTrackingEntry *head;
        size_t n_entries;
} NutTracking;

void nut_tracking_done(NutTracking *t);
int nut_tracking_start(NutTracking *t, const char *subject, bool track, uint64_t now, NutTrackingEntry **ret);
const char *nut_tracking_id(const NutTrackingEntry *e);
void nut_tracking_complete(int r, void *userdata);
const char *nut_tracking_status(const NutTracking *t, const char *id);
void nut_tracking_purge(NutTracking *t, uint64_t older_than);
