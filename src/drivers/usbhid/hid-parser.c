/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report descriptor parser: runs the HID item state machine (global state with its push/pop stack,
 * local usages, collections) and lays out one HidField per element of each Input/Output/Feature.
 */
#include <stdlib.h>

#include "hid-item.h"
#include "hid-parser.h"
#include "string-table.h"

/*
 * Design notes, where the HID spec, Linux and NUT's hidparser.c differ, NUT wins, because the HID
 * paths of the usbhid-ups mapping tables must resolve to the same fields:
 *
 *  - Every element of a Report Count is its own field (NUT's objects): element i takes the i-th
 *    usage, the last usage repeats when there are fewer; items without usage (padding) give
 *    fields with usage 0, so that each report is laid out completely.
 *  - A Usage of 1 or 2 bytes takes the Usage Page current when the Usage item is read; a 4-byte
 *    Usage carries its own page. Usage Minimum/Maximum expand into single usages (Linux).
 *  - A Logical Maximum read as signed that is below the current Logical Minimum is re-read as
 *    unsigned ("assumed"): firmware writes 0..65535 as 26 ff ff.
 *  - Unit Exponent is a 4-bit two's complement nibble in the spec; NUT takes the low byte as a
 *    signed char and, if it is above 7, sets its high nibble: 0x0e -> -2, 0x05 -> 5, 0xfe -> -2
 *    (already negative, kept). We do the same.
 *  - A collection of a vendor type (>= 0x80) adds the index node [type & 0x7f] to the path.
 *
 * Nothing here reads past the descriptor (hid_item_next() checks each item) or grows without a
 * bound (the HID_*_MAX limits); what is wrong is recorded in HidDescriptor.defects.
 */

typedef struct HidGlobals {
        uint16_t usage_page;
        int64_t logical_min, logical_max;
        int64_t physical_min, physical_max;
        bool have_physical_min, have_physical_max, logical_max_assumed;
        uint32_t unit;
        int8_t unit_exponent;
        uint32_t report_size, report_count;
        uint8_t report_id;
} HidGlobals;

typedef struct HidParser {
        HidDescriptor *d;
        size_t fields_allocated, collections_allocated;

        HidGlobals g;
        HidGlobals stack[HID_GLOBAL_STACK_MAX];
        unsigned stack_depth;

        uint32_t usages[HID_USAGES_MAX];
        unsigned n_usages;
        uint32_t usage_min, usage_max;
        bool have_usage_min, have_usage_max;
        unsigned delimiter_depth, delimiter_branch;

        int32_t open[HID_COLLECTION_DEPTH_MAX];
        unsigned depth, depth_overflow; /* collections open, and those opened past the limits */

        uint32_t main_items;
        uint32_t report_bits[_HID_REPORT_TYPE_MAX][256];
        bool report_seen[_HID_REPORT_TYPE_MAX][256];
} HidParser;

static const char *const hid_report_type_table[_HID_REPORT_TYPE_MAX] = {
        [HID_REPORT_INPUT] = "Input",
        [HID_REPORT_OUTPUT] = "Output",
        [HID_REPORT_FEATURE] = "Feature",
};
DEFINE_STRING_TABLE(hid_report_type, HidReportType);

static const char *const hid_defect_table[_HID_DEFECT_MAX] = {
        [HID_DEFECT_LONG_ITEM] = "long-item",
        [HID_DEFECT_RESERVED_ITEM] = "reserved-item",
        [HID_DEFECT_LOGICAL_MAX_UNSIGNED] = "logical-max-unsigned",
        [HID_DEFECT_LOGICAL_RANGE_INVERTED] = "logical-range-inverted",
        [HID_DEFECT_ZERO_SIZE] = "zero-size",
        [HID_DEFECT_MISSING_REPORT_ID] = "missing-report-id",
        [HID_DEFECT_PUSH_WITHOUT_POP] = "push-without-pop",
        [HID_DEFECT_TOO_MANY_USAGES] = "too-many-usages",
        [HID_DEFECT_BAD_USAGE_RANGE] = "bad-usage-range",
        [HID_DEFECT_BAD_DELIMITER] = "bad-delimiter",
        [HID_DEFECT_TRUNCATED] = "truncated",
        [HID_DEFECT_EMPTY] = "empty",
        [HID_DEFECT_POP_UNDERFLOW] = "pop-underflow",
        [HID_DEFECT_END_COLLECTION_UNBALANCED] = "end-collection-unbalanced",
        [HID_DEFECT_COLLECTION_UNCLOSED] = "collection-unclosed",
        [HID_DEFECT_BAD_REPORT_ID] = "bad-report-id",
        [HID_DEFECT_STACK_OVERFLOW] = "stack-overflow",
        [HID_DEFECT_COLLECTION_TOO_DEEP] = "collection-too-deep",
        [HID_DEFECT_TOO_MANY_COLLECTIONS] = "too-many-collections",
        [HID_DEFECT_TOO_MANY_FIELDS] = "too-many-fields",
        [HID_DEFECT_REPORT_TOO_LONG] = "report-too-long",
};
DEFINE_STRING_TABLE(hid_defect, HidDefect);

static void defect(HidParser *p, HidDefect d)
{
        p->d->defects |= HID_DEFECT(d);
}

/* Makes room for one more element; the limits keep n far from overflowing the size. */
static int grow(void **array, size_t *allocated, size_t n, size_t elem)
{
        size_t a;
        void *q;

        if (n < *allocated)
                return 0;
        a = *allocated ? *allocated * 2 : 16;
        q = reallocarray(*array, a, elem);
        if (!q)
                return -ENOMEM;
        *array = q;
        *allocated = a;
        return 0;
}

static void reset_locals(HidParser *p)
{
        p->n_usages = 0;
        p->have_usage_min = p->have_usage_max = false;
        p->delimiter_depth = p->delimiter_branch = 0;
}

/* NUT's reading of the Unit Exponent nibble, see the notes at the top. */
static int8_t unit_exponent_from_item(const HidItem *it)
{
        int8_t e = (int8_t) (uint8_t) it->udata;

        if (e > 7)
                e = (int8_t) ((uint8_t) e | 0xf0);
        return e;
}

static void parse_global(HidParser *p, const HidItem *it)
{
        HidGlobals *g = &p->g;

        switch (it->tag) {
        case HID_GLOBAL_USAGE_PAGE:
                g->usage_page = (uint16_t) it->udata;
                break;
        case HID_GLOBAL_LOGICAL_MIN:
                g->logical_min = it->sdata;
                break;
        case HID_GLOBAL_LOGICAL_MAX:
                g->logical_max = it->sdata;
                g->logical_max_assumed = g->logical_max < g->logical_min;
                if (g->logical_max_assumed) {
                        g->logical_max = it->udata;
                        defect(p, HID_DEFECT_LOGICAL_MAX_UNSIGNED);
                }
                break;
        case HID_GLOBAL_PHYSICAL_MIN:
                g->physical_min = it->sdata;
                g->have_physical_min = true;
                break;
        case HID_GLOBAL_PHYSICAL_MAX:
                g->physical_max = it->sdata;
                g->have_physical_max = true;
                break;
        case HID_GLOBAL_UNIT_EXPONENT:
                g->unit_exponent = unit_exponent_from_item(it);
                break;
        case HID_GLOBAL_UNIT:
                g->unit = it->udata;
                break;
        case HID_GLOBAL_REPORT_SIZE:
                g->report_size = it->udata;
                break;
        case HID_GLOBAL_REPORT_COUNT:
                g->report_count = it->udata;
                break;
        case HID_GLOBAL_REPORT_ID:
                if (it->udata == 0 || it->udata > UINT8_MAX) {
                        defect(p, HID_DEFECT_BAD_REPORT_ID);
                        break;
                }
                g->report_id = (uint8_t) it->udata;
                p->d->uses_report_ids = true;
                break;
        case HID_GLOBAL_PUSH:
                if (p->stack_depth >= HID_GLOBAL_STACK_MAX)
                        defect(p, HID_DEFECT_STACK_OVERFLOW);
                else
                        p->stack[p->stack_depth++] = *g;
                break;
        case HID_GLOBAL_POP:
                if (p->stack_depth == 0)
                        defect(p, HID_DEFECT_POP_UNDERFLOW);
                else
                        *g = p->stack[--p->stack_depth];
                break;
        default:
                defect(p, HID_DEFECT_RESERVED_ITEM);
        }
}

/* Inside delimiters only the first set of alternative usages counts (as in Linux). */
static bool usages_ignored(const HidParser *p)
{
        return p->delimiter_depth > 0 && p->delimiter_branch > 1;
}

static void add_usage(HidParser *p, uint32_t usage)
{
        if (usages_ignored(p))
                return;
        if (p->n_usages >= HID_USAGES_MAX) {
                defect(p, HID_DEFECT_TOO_MANY_USAGES);
                return;
        }
        p->usages[p->n_usages++] = usage;
}

static uint32_t usage_from_item(const HidParser *p, const HidItem *it)
{
        if (it->size == 4)
                return it->udata;
        return (uint32_t) p->g.usage_page << 16 | (it->udata & 0xffff);
}

/* Called when both ends of a Usage Minimum/Maximum pair are known, in either order. The loop
 * runs at most HID_USAGES_MAX times, whatever the range. */
static void add_usage_range(HidParser *p)
{
        p->have_usage_min = p->have_usage_max = false;
        if (p->usage_min > p->usage_max) {
                defect(p, HID_DEFECT_BAD_USAGE_RANGE);
                return;
        }
        if (usages_ignored(p))
                return;
        for (uint32_t u = p->usage_min;; u++) {
                if (p->n_usages >= HID_USAGES_MAX) {
                        defect(p, HID_DEFECT_TOO_MANY_USAGES);
                        return;
                }
                p->usages[p->n_usages++] = u;
                if (u == p->usage_max)
                        return;
        }
}

static void parse_delimiter(HidParser *p, const HidItem *it)
{
        if (it->udata == 1) {
                if (p->delimiter_depth > 0) {
                        defect(p, HID_DEFECT_BAD_DELIMITER);
                        return;
                }
                p->delimiter_depth = 1;
                p->delimiter_branch++;
        } else if (it->udata == 0 && p->delimiter_depth > 0)
                p->delimiter_depth = 0;
        else
                defect(p, HID_DEFECT_BAD_DELIMITER);
}

static void parse_local(HidParser *p, const HidItem *it)
{
        switch (it->tag) {
        case HID_LOCAL_USAGE:
                add_usage(p, usage_from_item(p, it));
                break;
        case HID_LOCAL_USAGE_MIN:
                p->usage_min = usage_from_item(p, it);
                p->have_usage_min = true;
                if (p->have_usage_max)
                        add_usage_range(p);
                break;
        case HID_LOCAL_USAGE_MAX:
                p->usage_max = usage_from_item(p, it);
                p->have_usage_max = true;
                if (p->have_usage_min)
                        add_usage_range(p);
                break;
        case HID_LOCAL_DELIMITER:
                parse_delimiter(p, it);
                break;
        default:
                /* designators and strings (tags 3..9) say nothing about the data layout */
                if (it->tag > HID_LOCAL_DELIMITER)
                        defect(p, HID_DEFECT_RESERVED_ITEM);
        }
}

static int32_t current_collection(const HidParser *p)
{
        return p->depth > 0 ? p->open[p->depth - 1] : -1;
}

static int open_collection(HidParser *p, const HidItem *it)
{
        HidDescriptor *d = p->d;

        if (p->depth_overflow > 0 || p->depth >= HID_COLLECTION_DEPTH_MAX) {
                defect(p, HID_DEFECT_COLLECTION_TOO_DEEP);
                p->depth_overflow++;
                return 0;
        }
        if (d->n_collections >= HID_COLLECTIONS_MAX) {
                defect(p, HID_DEFECT_TOO_MANY_COLLECTIONS);
                p->depth_overflow++;
                return 0;
        }
        if (grow((void **) &d->collections, &p->collections_allocated, d->n_collections,
                 sizeof(HidCollection)) < 0)
                return -ENOMEM;

        d->collections[d->n_collections] = (HidCollection) {
                .usage = p->n_usages > 0 ? p->usages[0] : 0,
                .type = (uint8_t) it->udata,
                .depth = (uint16_t) p->depth,
                .parent = current_collection(p),
        };
        p->open[p->depth++] = (int32_t) d->n_collections++;
        return 0;
}

static void close_collection(HidParser *p)
{
        if (p->depth_overflow > 0)
                p->depth_overflow--;
        else if (p->depth > 0)
                p->depth--;
        else
                defect(p, HID_DEFECT_END_COLLECTION_UNBALANCED);
}

static int append_field(HidParser *p, HidReportType type, uint32_t index, uint16_t flags, uint32_t bit_offset)
{
        const HidGlobals *g = &p->g;
        HidDescriptor *d = p->d;

        if (grow((void **) &d->fields, &p->fields_allocated, d->n_fields, sizeof(HidField)) < 0)
                return -ENOMEM;

        d->fields[d->n_fields++] = (HidField) {
                .type = type,
                .report_id = g->report_id,
                .bit_offset = bit_offset,
                .bit_size = g->report_size,
                .count_index = index,
                .main_item = p->main_items,
                .flags = flags,
                .usage = p->n_usages == 0 ? 0 : p->usages[index < p->n_usages ? index : p->n_usages - 1],
                .logical_min = g->logical_min,
                .logical_max = g->logical_max,
                .physical_min = g->physical_min,
                .physical_max = g->physical_max,
                .unit = g->unit,
                .unit_exponent = g->unit_exponent,
                .have_physical_min = g->have_physical_min,
                .have_physical_max = g->have_physical_max,
                .logical_max_assumed = g->logical_max_assumed,
                .collection = current_collection(p),
        };
        return 0;
}

/* Lays out the Report Count elements of one Input/Output/Feature item within the limits. */
static int add_fields(HidParser *p, HidReportType type, uint16_t flags)
{
        const uint64_t bits_max = (uint64_t) HID_REPORT_BYTES_MAX * 8;
        const HidGlobals *g = &p->g;
        uint32_t *bits = &p->report_bits[type][g->report_id];
        uint64_t end;
        uint32_t i;
        int r;

        p->report_seen[type][g->report_id] = true;
        p->main_items++;
        if (g->report_size == 0 || g->report_count == 0) {
                defect(p, HID_DEFECT_ZERO_SIZE);
                return 0;
        }
        if (g->logical_max < g->logical_min)
                defect(p, HID_DEFECT_LOGICAL_RANGE_INVERTED);

        for (i = 0; i < g->report_count && p->d->n_fields < HID_FIELDS_MAX; i++) {
                if (*bits + (uint64_t) g->report_size > bits_max)
                        break;
                r = append_field(p, type, i, flags, *bits);
                if (r < 0)
                        return r;
                *bits += g->report_size;
        }
        if (i == g->report_count)
                return 0;

        /* Out of fields: the rest still takes its room in the report, as far as that goes. */
        if (p->d->n_fields >= HID_FIELDS_MAX)
                defect(p, HID_DEFECT_TOO_MANY_FIELDS);
        end = *bits + (uint64_t) (g->report_count - i) * g->report_size;
        if (end > bits_max) {
                defect(p, HID_DEFECT_REPORT_TOO_LONG);
                end = bits_max;
        }
        *bits = (uint32_t) end;
        return 0;
}

static int parse_main(HidParser *p, const HidItem *it)
{
        int r = 0;

        switch (it->tag) {
        case HID_MAIN_INPUT:
                r = add_fields(p, HID_REPORT_INPUT, (uint16_t) (it->udata & 0x1ff));
                break;
        case HID_MAIN_OUTPUT:
                r = add_fields(p, HID_REPORT_OUTPUT, (uint16_t) (it->udata & 0x1ff));
                break;
        case HID_MAIN_FEATURE:
                r = add_fields(p, HID_REPORT_FEATURE, (uint16_t) (it->udata & 0x1ff));
                break;
        case HID_MAIN_COLLECTION:
                r = open_collection(p, it);
                break;
        case HID_MAIN_END_COLLECTION:
                close_collection(p);
                break;
        default:
                defect(p, HID_DEFECT_RESERVED_ITEM);
        }
        reset_locals(p);
        return r;
}

static int parse_item(HidParser *p, const HidItem *it)
{
        switch (it->type) {
        case HID_ITEM_MAIN:
                return parse_main(p, it);
        case HID_ITEM_GLOBAL:
                parse_global(p, it);
                return 0;
        case HID_ITEM_LOCAL:
                parse_local(p, it);
                return 0;
        case HID_ITEM_LONG:
                defect(p, HID_DEFECT_LONG_ITEM);
                return 0;
        default:
                defect(p, HID_DEFECT_RESERVED_ITEM);
                return 0;
        }
}

/* The per-report sizes, sorted by type and id, and what can only be judged at the end. */
static int parser_finish(HidParser *p)
{
        HidDescriptor *d = p->d;
        size_t n = 0;

        if (d->n_items == 0)
                defect(p, HID_DEFECT_EMPTY);
        if (p->depth > 0 || p->depth_overflow > 0)
                defect(p, HID_DEFECT_COLLECTION_UNCLOSED);
        if (p->stack_depth > 0)
                defect(p, HID_DEFECT_PUSH_WITHOUT_POP);

        for (int t = 0; t < _HID_REPORT_TYPE_MAX; t++)
                for (unsigned id = 0; id <= UINT8_MAX; id++)
                        n += p->report_seen[t][id];
        if (n == 0)
                return 0;
        d->reports = calloc(n, sizeof(HidReport));
        if (!d->reports)
                return -ENOMEM;
        for (int t = 0; t < _HID_REPORT_TYPE_MAX; t++)
                for (unsigned id = 0; id <= UINT8_MAX; id++) {
                        if (!p->report_seen[t][id])
                                continue;
                        if (id == 0 && d->uses_report_ids)
                                defect(p, HID_DEFECT_MISSING_REPORT_ID);
                        d->reports[d->n_reports++] = (HidReport) {
                                .type = (HidReportType) t, .id = (uint8_t) id, .bits = p->report_bits[t][id],
                        };
                }
        return 0;
}

/**
 * hid_descriptor_free() - free a parsed descriptor
 * @d: the descriptor, or NULL
 *
 * Returns NULL.
 */
HidDescriptor *hid_descriptor_free(HidDescriptor *d)
{
        if (!d)
                return NULL;
        free(d->fields);
        free(d->collections);
        free(d->reports);
        return mfree(d);
}

/**
 * hid_descriptor_parse() - parse a HID report descriptor into fields
 * @data: the descriptor bytes, as in sysfs report_descriptor or GET_DESCRIPTOR(Report)
 * @size: their number
 * @flags: HID_PARSE_BEST_EFFORT to get the fields of a malformed descriptor too
 * @ret: the parsed descriptor, to free with hid_descriptor_free()
 *
 * Firmware bugs that NUT tolerates (HID_DEFECTS_TOLERATED) are repaired or ignored and only
 * recorded in (*ret)->defects. Parsing goes on past malformed parts where that is meaningful and
 * stops at a truncated item.
 *
 * Returns 0 on success; -EBADMSG if the descriptor is malformed (HID_DEFECTS_MALFORMED), -E2BIG if
 * it exceeds the HID_*_MAX bounds (HID_DEFECTS_LIMITS), both only without HID_PARSE_BEST_EFFORT,
 * which returns 1 in these cases, with what could be parsed; -ENOMEM.
 */
int hid_descriptor_parse(const uint8_t *data, size_t size, HidParseFlags flags, HidDescriptor **ret)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *d = NULL;
        _cleanup_free_ HidParser *p = NULL;
        size_t pos = 0;
        HidItem it;
        int r;

        if (!data && size > 0)
                return -EINVAL;
        d = calloc(1, sizeof(HidDescriptor));
        p = calloc(1, sizeof(HidParser));
        if (!d || !p)
                return -ENOMEM;
        p->d = d;

        while ((r = hid_item_next(data, size, &pos, &it)) > 0) {
                d->n_items++;
                r = parse_item(p, &it);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                defect(p, HID_DEFECT_TRUNCATED);
        r = parser_finish(p);
        if (r < 0)
                return r;

        r = 0;
        if (d->defects & (HID_DEFECTS_MALFORMED | HID_DEFECTS_LIMITS)) {
                if (!(flags & HID_PARSE_BEST_EFFORT))
                        return d->defects & HID_DEFECTS_MALFORMED ? -EBADMSG : -E2BIG;
                r = 1;
        }
        *ret = TAKE_PTR(d);
        return r;
}

static int report_compare(const void *a, const void *b)
{
        const HidReport *x = a, *y = b;

        if (x->type != y->type)
                return x->type < y->type ? -1 : 1;
        return x->id < y->id ? -1 : x->id > y->id;
}

/**
 * hid_descriptor_get_report() - find a report
 * @d: the descriptor
 * @type: its type
 * @id: its report ID (0 for unnumbered reports)
 *
 * Returns the report, or NULL if the descriptor declares no field in it.
 */
const HidReport *hid_descriptor_get_report(const HidDescriptor *d, HidReportType type, uint8_t id)
{
        const HidReport key = { .type = type, .id = id };

        if (d->n_reports == 0)
                return NULL;
        return bsearch(&key, d->reports, d->n_reports, sizeof(HidReport), report_compare);
}

/**
 * hid_descriptor_report_length() - the byte length of a report on the wire
 * @d: the descriptor
 * @type: the report type
 * @id: the report ID
 *
 * The data bits rounded up to bytes, plus the report ID byte for numbered reports: the size of a
 * GET_REPORT/SET_REPORT buffer or of an interrupt transfer of this report.
 *
 * Returns the length, or -ENOENT if the report does not exist.
 */
int hid_descriptor_report_length(const HidDescriptor *d, HidReportType type, uint8_t id)
{
        const HidReport *r = hid_descriptor_get_report(d, type, id);

        if (!r)
                return -ENOENT;
        return (int) ((r->bits + 7) / 8 + (id != 0));
}
