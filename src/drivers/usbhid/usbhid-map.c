/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resolution and publication of usbhid-ups mapping rows, by the rules of
 * hid-status-rules.md §4: rows in table order, rows whose path the descriptor lacks are
 * dropped, the first row of a variable that resolves and reads wins, ABSENT rows publish
 * their default, CMD rows advertise their command, BOOL rows feed the status word and
 * ups.alarm rows the alarm text.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hid-path.h"
#include "hid-value.h"
#include "strv.h"
#include "usbhid-map.h"

#define HID_MAP_VALUE_MAX 256

HidMap *hid_map_free(HidMap *m)
{
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_reports; i++)
                free(m->reports[i].data);
        free(m->reports);
        free(m->items);
        free(m->winner);
        strv_free(m->alarm_rows);
        return mfree(m);
}

/* Report (type, id) of the map, or NULL */
static HidMapReport *hid_map_find_report(const HidMap *m, HidReportType type, uint8_t id)
{
        for (size_t i = 0; i < m->n_reports; i++)
                if (m->reports[i].type == type && m->reports[i].id == id)
                        return &m->reports[i];
        return NULL;
}

/* The index of report (type, id) in the map, added if new; 'fallback_size' (0: none) is its
 * size when the descriptor does not declare it (a converter's raw read) */
static int hid_map_report_index(HidMap *m, HidReportType type, uint8_t id, size_t fallback_size, size_t *ret)
{
        const HidMapReport *found = hid_map_find_report(m, type, id);
        HidMapReport *a;
        int len;

        if (found) {
                *ret = (size_t) (found - m->reports);
                return 0;
        }
        len = hid_descriptor_report_length(m->desc, type, id);
        if (len < 0 && fallback_size == 0)
                return len;
        a = realloc(m->reports, (m->n_reports + 1) * sizeof(HidMapReport));
        if (!a)
                return -ENOMEM;
        m->reports = a;
        a[m->n_reports] = (HidMapReport) {
                .type = type,
                .id = id,
                .size = len < 0 ? fallback_size : (size_t) len,
                .only_static = true,
        };
        a[m->n_reports].data = calloc(1, a[m->n_reports].size);
        if (!a[m->n_reports].data)
                return -ENOMEM;
        *ret = m->n_reports++;
        return 0;
}

static int hid_map_field_report(HidMap *m, const HidField *f, size_t *ret)
{
        return hid_map_report_index(m, f->type, f->report_id, 0, ret);
}

static HidReportType hid_map_conv_type(uint8_t type)
{
        return type == HID_CONV_REPORT_INPUT ? HID_REPORT_INPUT :
               type == HID_CONV_REPORT_FEATURE ? HID_REPORT_FEATURE : _HID_REPORT_TYPE_INVALID;
}

/* The reports the row's converter reads raw become the row's too: polled as it is */
static int hid_map_add_raw(HidMap *m, HidMapItem *it)
{
        const HidConvReport *reads = it->to_nut ? it->to_nut->reads : NULL;
        int r;

        for (size_t k = 0; reads && reads[k].type != 0; k++) {
                HidReportType type = hid_map_conv_type(reads[k].type);

                if (type < 0 || it->n_raw >= HID_MAP_RAW_MAX)
                        return -EINVAL;
                r = hid_map_report_index(m, type, reads[k].id, reads[k].size, &it->raw[it->n_raw]);
                if (r < 0)
                        return r;
                it->n_raw++;
        }
        return 0;
}

static void hid_map_mark_polled(HidMapReport *rep, const HidMapping *row)
{
        rep->polled = true;
        rep->quick |= !!(row->flags & HID_MAP_QUICK_POLL);
        rep->only_static &= !!(row->flags & HID_MAP_STATIC);
}

/* The field a row reads: Feature first (what GET_REPORT polls), else Input, else Output */
static const HidField *hid_map_lookup_field(const HidMap *m, const HidPath *p, HidReportType *types, size_t n)
{
        for (size_t k = 0; k < n; k++) {
                int i = hid_descriptor_find_path(m->desc, p, types[k], 0);

                if (i >= 0)
                        return &m->desc->fields[i];
        }
        return NULL;
}

static size_t hid_map_group(HidMap *m, size_t upto, const HidMapping *row)
{
        if (row->kind != HID_MAP_VAR)
                return SIZE_MAX;
        for (size_t i = 0; i < upto; i++)
                if (m->items[i].mapping->kind == HID_MAP_VAR && strcaseeq(m->items[i].mapping->nut_name, row->nut_name))
                        return m->items[i].group;
        return m->n_groups++;
}

int hid_map_new(const HidDescriptor *desc, const HidSubdriver *sub, HidMap **ret)
{
        _cleanup_(hid_map_freep) HidMap *m = calloc(1, sizeof(HidMap));
        HidReportType order[] = { HID_REPORT_FEATURE, HID_REPORT_INPUT, HID_REPORT_OUTPUT };
        HidReportType input[] = { HID_REPORT_INPUT };
        int r;

        if (!m)
                return -ENOMEM;
        m->desc = desc;
        m->subdriver = sub;
        m->items = calloc(sub->n_mappings ? sub->n_mappings : 1, sizeof(HidMapItem));
        if (!m->items)
                return -ENOMEM;
        for (size_t i = 0; i < sub->n_mappings; i++) {
                const HidMapping *row = &sub->mappings[i];
                HidMapItem *it = &m->items[m->n_items];
                HidPath path;

                *it = (HidMapItem) {};          /* a row skipped before may have left fields set */
                if (hid_path_from_string(sub->usages, row->hid_path, &path) < 0)
                        continue;
                it->field = hid_map_lookup_field(m, &path, order, ELEMENTSOF(order));
                if (!it->field)
                        continue;
                it->mapping = row;
                if (row->lookup && row->lookup->convert) {
                        it->to_nut = hid_converter_find(row->lookup->convert);
                        if (!it->to_nut || !it->to_nut->to_nut)
                                continue;       /* a conversion nutd does not have: row dropped */
                }
                if (row->lookup && row->lookup->reverse)
                        it->to_hid = hid_converter_find(row->lookup->reverse);
                r = hid_map_field_report(m, it->field, &it->report);
                if (r >= 0)
                        r = hid_map_add_raw(m, it);
                if (r < 0)
                        return r;
                if (it->field->type != HID_REPORT_INPUT) {
                        it->input = hid_map_lookup_field(m, &path, input, 1);
                        if (it->input) {
                                r = hid_map_field_report(m, it->input, &it->input_report);
                                if (r < 0)
                                        return r;
                        }
                }
                if (!(row->flags & HID_MAP_ABSENT) && row->kind != HID_MAP_CMD) {
                        hid_map_mark_polled(&m->reports[it->report], row);
                        for (size_t k = 0; k < it->n_raw; k++)
                                hid_map_mark_polled(&m->reports[it->raw[k]], row);
                }
                it->group = hid_map_group(m, m->n_items, row);
                m->n_items++;
        }
        m->winner = malloc((m->n_groups ? m->n_groups : 1) * sizeof(size_t));
        if (!m->winner)
                return -ENOMEM;
        for (size_t g = 0; g < m->n_groups; g++)
                m->winner[g] = SIZE_MAX;
        *ret = TAKE_PTR(m);
        return 0;
}

bool hid_map_report_wanted(const HidMapReport *r, bool full, bool first)
{
        if (!r->polled || r->type == HID_REPORT_OUTPUT)
                return false;
        if (r->only_static)
                return first;
        return full || r->quick;
}

/* A report's new bytes, as received */
void hid_map_report_set(HidMapReport *r, const uint8_t *data, size_t size)
{
        /* Short replies happen (firmware): what is missing reads as zero */
        memset(r->data, 0, r->size);
        memcpy(r->data, data, MIN(size, r->size));
        r->valid = r->fresh = true;
}

int hid_map_store(HidMap *m, HidReportType type, const uint8_t *data, size_t size)
{
        HidMapReport *r;

        if (size == 0)
                return -EBADMSG;
        r = hid_map_find_report(m, type, m->desc->uses_report_ids ? data[0] : 0);
        if (!r)
                return -ENOENT;
        hid_map_report_set(r, data, size);
        return 0;
}

/* "%.1f", "%.0f", "%d", "%s", ...: the one printf conversion the tables use, done safely */
static int hid_map_format_number(const char *format, double v, char *buf, size_t size)
{
        const char *p = format ? strchr(format, '%') : NULL;
        int prec = -1, n;

        if (!isfinite(v))
                return -ERANGE;
        if (!p)
                return snprintf(buf, size, "%g", v);
        p++;
        if (*p == '.') {
                prec = (int) strtol(p + 1, (char **) &p, 10);
                if (prec < 0 || prec > 9)
                        prec = 1;
        }
        switch (*p) {
        case 'f':
                n = snprintf(buf, size, "%.*f", prec < 0 ? 6 : prec, v);
                break;
        case 'd':
        case 'i':
        case 'l':
                n = snprintf(buf, size, "%lld", (long long) v);
                break;
        case 'x':
                n = snprintf(buf, size, "%llx", (long long) v);
                break;
        default:        /* "%s" rows without a table: NUT prints the number as it is */
                n = snprintf(buf, size, "%g", v);
        }
        return n < 0 || (size_t) n >= size ? -ENOBUFS : n;
}

static const char *hid_lookup_forward(const HidLookup *l, double v)
{
        for (size_t i = 0; i < l->n_entries; i++)
                if (l->entries[i].hid_value == (int64_t) v)
                        return l->entries[i].nut_string;
        return NULL;
}

/* The row's string for physical value v: > 0 written, 0 nothing to do for this value */
static int hid_map_item_format(const HidMapItem *it, HidConvContext *ctx, double v, char *buf, size_t size)
{
        const HidLookup *l = it->mapping->lookup;
        const char *s;

        if (it->to_nut)
                return it->to_nut->to_nut(ctx, v, buf, size);
        if (!l)
                return hid_map_format_number(it->mapping->format_or_default, v, buf, size);
        s = hid_lookup_forward(l, v);
        if (!s)
                return 0;
        if (strlen(s) >= size)
                return -ENOBUFS;
        strcpy(buf, s);
        return (int) strlen(s);
}

static int hid_map_item_value(HidMap *m, const HidMapItem *it, double *ret)
{
        const HidField *f = it->field;
        const HidMapReport *r = &m->reports[it->report];

        if (it->input && m->reports[it->input_report].fresh) {
                f = it->input;
                r = &m->reports[it->input_report];
        }
        if (!r->valid)
                return -ENODATA;
        return hid_field_get_value(f, r->data, r->size, ret);
}

static bool hid_map_item_fresh(HidMap *m, const HidMapItem *it)
{
        if (m->reports[it->report].fresh || (it->input && m->reports[it->input_report].fresh))
                return true;
        for (size_t k = 0; k < it->n_raw; k++)
                if (m->reports[it->raw[k]].fresh)
                        return true;
        return false;
}

static int hid_map_publish_var(HidMap *m, size_t i, Device *d, HidConvContext *ctx, HidPublishFlags flags)
{
        const HidMapItem *it = &m->items[i];
        const HidMapping *row = it->mapping;
        size_t w = m->winner[it->group];
        char buf[HID_MAP_VALUE_MAX];
        const char *value;
        double v;
        int r;

        if (w != SIZE_MAX && w != i)
                return 0;       /* an earlier row of this variable won */
        if (row->flags & HID_MAP_ABSENT) {
                if (!(flags & HID_PUBLISH_FIRST) || w != SIZE_MAX)
                        return 0;
                value = row->format_or_default ? row->format_or_default : "";
        } else {
                if (!hid_map_item_fresh(m, it))
                        return 0;
                if (hid_map_item_value(m, it, &v) < 0)
                        return 0;
                r = hid_map_item_format(it, ctx, v, buf, sizeof buf);
                if (r <= 0)
                        return 0;
                value = buf;
        }
        r = device_set_var(d, row->nut_name, value);
        if (r < 0)
                return r;
        if (w == SIZE_MAX) {
                m->winner[it->group] = i;
                if (row->flags & HID_MAP_RW) {
                        VarFlags vf = VAR_RW | (row->flags & HID_MAP_STRING ? VAR_STRING : VAR_NUMBER);

                        r = device_set_var_info(d, row->nut_name, vf, row->flags & HID_MAP_STRING ? row->str_len : 0);
                        if (r < 0)
                                return r;
                }
        }
        return 1;
}

/* A status row's tokens ("online", "!dischrg"; converters may give several) into the word */
static void hid_map_apply_tokens(HidMap *m, const char *tokens)
{
        _cleanup_strv_free_ char **t = strv_split_ws(tokens);

        STRV_FOREACH(p, t)
                (void) hid_status_apply(&m->status, *p);
}

/* The alarms of the last full publication: the ups.alarm rows' texts, then the status
 * word's fixed texts (each ends with '!', which is where they are split apart) */
static int hid_map_publish_alarms(HidMap *m, Device *d)
{
        char fixed[1024];
        int r;

        r = hid_status_alarms(m->status, NULL, fixed, sizeof fixed);
        if (r < 0)
                return r;
        r = device_clear_alarms(d);
        if (r < 0)
                return r;
        STRV_FOREACH(p, m->alarm_rows) {
                r = device_add_alarm(d, *p);
                if (r < 0)
                        return r;
        }
        for (char *p = fixed; *p;) {
                char *end = strstr(p, "! ");

                if (end)
                        end[1] = 0;
                r = device_add_alarm(d, p);
                if (r < 0)
                        return r;
                if (!end)
                        break;
                p = end + 2;
        }
        return 0;
}

static int hid_map_publish_status(HidMap *m, Device *d, HidConvContext *ctx, HidPublishFlags flags)
{
        _cleanup_strv_free_ char **alarms = NULL;
        char buf[HID_MAP_VALUE_MAX], status[256];
        const char *reason, *charge;
        bool any = false;
        int r;

        for (size_t i = 0; i < m->n_items; i++) {
                const HidMapItem *it = &m->items[i];
                double v;

                if (it->mapping->kind != HID_MAP_STATUS && it->mapping->kind != HID_MAP_ALARM)
                        continue;
                if (it->mapping->kind == HID_MAP_ALARM && !(flags & HID_PUBLISH_FULL))
                        continue;
                if (!hid_map_item_fresh(m, it) || hid_map_item_value(m, it, &v) < 0)
                        continue;
                if (hid_map_item_format(it, ctx, v, buf, sizeof buf) <= 0)
                        continue;
                any = true;
                if (it->mapping->kind == HID_MAP_STATUS)
                        hid_map_apply_tokens(m, buf);
                else if (!strv_contains(alarms, buf)) {
                        r = strv_extend(&alarms, buf);
                        if (r < 0)
                                return r;
                }
        }
        if (!any && !(flags & HID_PUBLISH_FULL))
                return 0;

        charge = device_get_var(d, "battery.charge");
        r = hid_status_format(m->status, m->status_options, charge, status, sizeof status);
        if (r < 0)
                return r;
        r = device_set_var(d, "ups.status", status);
        if (r < 0)
                return r;
        reason = hid_status_transfer_reason(m->status);
        r = reason ? device_set_var(d, "input.transfer.reason", reason) : device_remove_var(d, "input.transfer.reason");
        if (r < 0 && r != -ENOENT)
                return r;
        if (flags & HID_PUBLISH_FULL) {
                strv_free(m->alarm_rows);
                m->alarm_rows = TAKE_PTR(alarms);
                return hid_map_publish_alarms(m, d);
        }
        return 0;
}

int hid_map_publish(HidMap *m, Device *d, HidConvContext *ctx, HidPublishFlags flags)
{
        int n = 0, r;

        for (size_t i = 0; i < m->n_items; i++) {
                const HidMapItem *it = &m->items[i];

                if (it->mapping->kind == HID_MAP_VAR) {
                        r = hid_map_publish_var(m, i, d, ctx, flags);
                        if (r < 0)
                                return r;
                        n += r;
                } else if (it->mapping->kind == HID_MAP_CMD && (flags & HID_PUBLISH_FIRST)) {
                        r = device_add_command(d, it->mapping->nut_name);
                        if (r < 0)
                                return r;
                }
        }
        r = hid_map_publish_status(m, d, ctx, flags);
        if (r < 0)
                return r;
        for (size_t i = 0; i < m->n_reports; i++)
                m->reports[i].fresh = false;
        return n;
}

/**
 * hid_map_get_report() - the latest bytes of a report, for a converter that reads it raw
 * @m: the map
 * @type: HID_CONV_REPORT_INPUT or HID_CONV_REPORT_FEATURE
 * @id: the report ID
 * @buf: where the bytes go, the report ID byte first
 * @size: room in buf
 *
 * Answers from what the poll (or the interrupt pipe) stored last: converters run while the
 * readings are published, where waiting for the device is not an option. hid_map_new() made
 * the reports of HidConverter.reads part of the map, so they are polled with their row.
 *
 * Returns the number of bytes copied, -ENOENT for a report the map does not hold, -ENODATA for
 * one not read yet, -EINVAL for another type.
 */
int hid_map_get_report(const HidMap *m, uint8_t type, uint8_t id, uint8_t *buf, size_t size)
{
        HidReportType t = hid_map_conv_type(type);
        const HidMapReport *r;
        size_t n;

        if (t < 0)
                return -EINVAL;
        r = hid_map_find_report(m, t, id);
        if (!r)
                return -ENOENT;
        if (!r->valid)
                return -ENODATA;
        n = MIN(size, r->size);
        memcpy(buf, r->data, n);
        return (int) n;
}

/* The field of a path as rows resolve it: Feature, else Input */
static const HidField *hid_map_path_field(const HidMap *m, const char *path)
{
        HidReportType order[] = { HID_REPORT_FEATURE, HID_REPORT_INPUT };
        HidPath p;

        if (hid_path_from_string(m->subdriver->usages, path, &p) < 0)
                return NULL;
        return hid_map_lookup_field(m, &p, order, ELEMENTSOF(order));
}

/**
 * hid_map_want_path() - have the report of a path no row reads polled
 * @m: the map
 * @path: a HID path, in the subdriver's usage names
 *
 * For values the driver needs besides the rows (mge-hid's UPS.PowerSummary.iModel). A report
 * no row reads is read once, with the first full poll.
 *
 * Returns 0, -ENOENT if the descriptor lacks the path, or -ENOMEM.
 */
int hid_map_want_path(HidMap *m, const char *path)
{
        const HidField *f = hid_map_path_field(m, path);
        size_t i;
        int r;

        if (!f)
                return -ENOENT;
        r = hid_map_field_report(m, f, &i);
        if (r < 0)
                return r;
        m->reports[i].polled = true;
        return 0;
}

int hid_map_read_path(HidMap *m, const char *path, double *ret)
{
        const HidField *f = hid_map_path_field(m, path);
        const HidMapReport *r = f ? hid_map_find_report(m, f->type, f->report_id) : NULL;

        if (!r)
                return -ENOENT;
        return r->valid ? hid_field_get_value(f, r->data, r->size, ret) : -ENODATA;
}

/* The status word as the rows applied so far have left it (this publication's, then the last) */
int hid_map_get_status(const HidMap *m, const char *token)
{
        HidStatusBit b = hid_status_bit_from_string(token);

        if (b < 0)
                return -EINVAL;
        return !!(m->status & HID_STATUS_BIT(b));
}

const HidMapItem *hid_map_find_var(HidMap *m, const char *name)
{
        for (size_t i = 0; i < m->n_items; i++) {
                const HidMapItem *it = &m->items[i];

                if (it->mapping->kind == HID_MAP_VAR && strcaseeq(it->mapping->nut_name, name) &&
                    m->winner[it->group] == i)
                        return it;
        }
        return NULL;
}

const HidMapItem *hid_map_find_cmd(HidMap *m, const char *name)
{
        for (size_t i = 0; i < m->n_items; i++)
                if (m->items[i].mapping->kind == HID_MAP_CMD && strcaseeq(m->items[i].mapping->nut_name, name))
                        return &m->items[i];
        return NULL;
}

int hid_map_encode(const HidMapItem *it, HidConvContext *ctx, const char *value, double *ret)
{
        const HidLookup *l = it->mapping->lookup;
        char *end;
        double v;

        if (it->to_hid && it->to_hid->to_hid)
                return it->to_hid->to_hid(ctx, value, ret);
        if (l && l->n_entries > 0 && !l->convert) {
                for (size_t i = 0; i < l->n_entries; i++)
                        if (streq(l->entries[i].nut_string, value)) {
                                *ret = (double) l->entries[i].hid_value;
                                return 0;
                        }
                return -EINVAL;
        }
        if (l && l->convert)
                return -EOPNOTSUPP;     /* converted one way only */
        errno = 0;
        v = strtod(value, &end);
        if (errno != 0 || end == value || *end != 0 || !isfinite(v))
                return -EINVAL;
        *ret = v;
        return 0;
}

int hid_map_prepare_write(HidMap *m, const HidMapItem *it, double value, uint8_t **ret, size_t *ret_size)
{
        const HidMapReport *r = &m->reports[it->report];
        _cleanup_free_ uint8_t *buf = NULL;
        int k;

        buf = malloc(r->size);
        if (!buf)
                return -ENOMEM;
        memcpy(buf, r->data, r->size);
        k = hid_field_set_value(it->field, buf, r->size, value);
        if (k < 0)
                return k;
        *ret_size = r->size;
        *ret = TAKE_PTR(buf);
        return 0;
}
