/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A subdriver's mapping resolved against one device's report descriptor: which rows exist,
 * which report each reads, the latest bytes of every report, and the publication of those
 * bytes into the device model (variables, status word, alarms, commands). No USB I/O here,
 * so the whole path from report bytes to NUT variables is testable without a device.
 */
#pragma once

#include <stdbool.h>

#include "device.h"
#include "hid-convert.h"
#include "hid-mapping.h"
#include "hid-parser.h"
#include "hid-status.h"

typedef struct HidMapReport {
        HidReportType type;
        uint8_t id;
        size_t size;            /* bytes on the wire, with the report ID byte when id != 0 */
        uint8_t *data;          /* latest bytes, 'size' long */
        bool valid;             /* data came from the device at least once */
        bool fresh;             /* new data not yet published */
        bool quick;             /* holds a QUICK_POLL row */
        bool only_static;       /* holds only STATIC rows: read once */
        bool polled;            /* holds a row that is read (not only ABSENT/CMD) */
        unsigned writes_pending;        /* SET_REPORTs queued or in flight: data holds what they
                                         * write, a GET answer read before them must not undo it */
} HidMapReport;

/* Raw reports a row's converter reads (HidConverter.reads) at most */
#define HID_MAP_RAW_MAX 4

typedef struct HidMapItem {
        const HidMapping *mapping;
        const HidField *field;          /* the field read and written (Feature preferred) */
        const HidField *input;          /* the Input field of the same path, if another */
        size_t report, input_report;    /* indexes into HidMap.reports; input_report valid if input */
        const HidConverter *to_nut, *to_hid;
        size_t group;                   /* rows of the same NUT variable share it */
        size_t raw[HID_MAP_RAW_MAX];    /* indexes into HidMap.reports of the converter's raw reads */
        size_t n_raw;
} HidMapItem;

typedef struct HidMap {
        const HidDescriptor *desc;
        const HidSubdriver *subdriver;
        HidMapItem *items;
        size_t n_items;
        HidMapReport *reports;
        size_t n_reports;
        size_t *winner;                 /* per group: the item that won, or SIZE_MAX */
        size_t n_groups;
        HidStatusWord status;
        HidStatusOptions status_options;
        char **alarm_rows;              /* ups.alarm rows' texts of the last full publication */
} HidMap;

int hid_map_new(const HidDescriptor *desc, const HidSubdriver *sub, HidMap **ret);
HidMap *hid_map_free(HidMap *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(HidMap *, hid_map_free);

/* Stores a report as received (GET_REPORT reply or interrupt); -ENOENT if no row reads it */
int hid_map_store(HidMap *m, HidReportType type, const uint8_t *data, size_t size);
/* The same into a report already known (the answer to a GET_REPORT of it) */
void hid_map_report_set(HidMapReport *r, const uint8_t *data, size_t size);

typedef enum HidPublishFlags {
        HID_PUBLISH_FULL = 1 << 0,      /* a full poll: alarms are rebuilt */
        HID_PUBLISH_FIRST = 1 << 1,     /* the first publication: ABSENT defaults, commands */
} HidPublishFlags;

/* Writes every fresh report's rows into the device (no commit); returns the number of
 * variables set */
int hid_map_publish(HidMap *m, Device *d, HidConvContext *ctx, HidPublishFlags flags);

/* For HidConvIo.get_report: the latest bytes of report 'id' of 'type' (HID_CONV_REPORT_*) into
 * buf, without I/O. Bytes copied, -ENOENT if the map does not hold the report, -ENODATA if it
 * has not been read yet. */
int hid_map_get_report(const HidMap *m, uint8_t type, uint8_t id, uint8_t *buf, size_t size);
/* For HidConvIo.get_status: 1 if status-word bit 'token' ("off") is set, 0 if not, -EINVAL */
int hid_map_get_status(const HidMap *m, const char *token);

/* Makes the report of a HID path no row reads part of the map (read once, or as a row that
 * shares it); -ENOENT if the descriptor lacks the path */
int hid_map_want_path(HidMap *m, const char *path);
/* The latest physical value of a HID path whose report the map holds; -ENODATA if not read */
int hid_map_read_path(HidMap *m, const char *path, double *ret);

/* The row SET writes for a variable, or NULL */
const HidMapItem *hid_map_find_var(HidMap *m, const char *name);
/* The first resolved CMD row of that name, or NULL */
const HidMapItem *hid_map_find_cmd(HidMap *m, const char *name);
/* A NUT value -> the physical value to write, through the row's lookup or converter */
int hid_map_encode(const HidMapItem *it, HidConvContext *ctx, const char *value, double *ret);
/* The report bytes to send for writing 'value' into the row's field: the latest bytes of its
 * report with the field changed (the caller frees them) */
int hid_map_prepare_write(HidMap *m, const HidMapItem *it, double value, uint8_t **ret, size_t *ret_size);

/* Report indexes to read: full poll, or only the quick ones; 'first' includes static ones */
bool hid_map_report_wanted(const HidMapReport *r, bool full, bool first);
