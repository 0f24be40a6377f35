/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-synth: report descriptor bytes for a list of fields, see hid-synth.h. Fields are written in
 * report order; the collections of consecutive fields are shared as far as their paths agree, and
 * every global item is written only when its value changes.
 */
#include <stdlib.h>

#include "hid-synth.h"
#include "usbhid/hid-item.h"

#define SYNTH_PAD_FLAGS 0x03            /* Constant, Variable */
#define SYNTH_FIELD_FLAGS 0x02          /* Data, Variable, Absolute */
#define SYNTH_APPLICATION 0x01
#define SYNTH_PHYSICAL 0x00
#define SYNTH_INDEXED 0x80              /* vendor collection types: NUT's [n] path node */
#define SYNTH_ERROR g_quark_from_static_string("hid-synth")

typedef struct SynthCollection {
        guint32 usage;
        guint8 type;
} SynthCollection;

typedef struct Synth {
        GByteArray *out;
        SynthCollection open[HID_COLLECTION_DEPTH_MAX];
        gsize depth;
        /* the global state written so far; have_* false until first written */
        guint16 page;
        gint64 logical_min, logical_max;
        guint32 unit, size, count;
        gint8 exponent;
        guint8 report_id;
        gboolean have_page, have_logical, have_unit, have_size, have_count, have_exponent;
        guint32 bits[_HID_REPORT_TYPE_MAX][256];
} Synth;

static gboolean is_index(guint32 node)
{
        return HID_USAGE_PAGE(node) == HID_USAGE_PAGE_INDEX;
}

/* A short item with 0, 1, 2 or 4 data bytes, little-endian */
static void item(Synth *s, guint8 type, guint8 tag, guint32 data, guint bytes)
{
        guint8 code = bytes == 4 ? 3 : (guint8) bytes;

        g_byte_array_append(s->out, &(guint8) { (guint8) (tag << 4 | type << 2 | code) }, 1);
        for (guint i = 0; i < bytes; i++)
                g_byte_array_append(s->out, &(guint8) { (guint8) (data >> (8 * i)) }, 1);
}

static void item_unsigned(Synth *s, guint8 type, guint8 tag, guint32 v)
{
        item(s, type, tag, v, v <= G_MAXUINT8 ? 1 : v <= G_MAXUINT16 ? 2 : 4);
}

/* The fewest bytes whose sign extension gives v back */
static void item_signed(Synth *s, guint8 type, guint8 tag, gint64 v)
{
        g_assert_true(v >= G_MININT32 && v <= G_MAXINT32);
        item(s, type, tag, (guint32) v, v >= G_MININT8 && v <= G_MAXINT8 ? 1 : v >= G_MININT16 && v <= G_MAXINT16 ? 2 : 4);
}

/* Usage Page when it changes, then a 2-byte Usage on that page */
static void usage(Synth *s, guint32 u)
{
        if (!s->have_page || s->page != HID_USAGE_PAGE(u)) {
                item_unsigned(s, HID_ITEM_GLOBAL, HID_GLOBAL_USAGE_PAGE, HID_USAGE_PAGE(u));
                s->page = HID_USAGE_PAGE(u);
                s->have_page = TRUE;
        }
        item(s, HID_ITEM_LOCAL, HID_LOCAL_USAGE, HID_USAGE_ID(u), 2);
}

/* The collections a path asks for, outermost first; the number of them */
static gsize path_collections(const HidPath *p, SynthCollection *ret)
{
        gsize n = 0;

        for (gsize i = 0; i + 1 < p->n; i++) {
                if (is_index(p->nodes[i])) {
                        ret[n - 1].type = (guint8) (SYNTH_INDEXED | HID_USAGE_ID(p->nodes[i]));
                        continue;
                }
                ret[n] = (SynthCollection) { p->nodes[i], n == 0 ? SYNTH_APPLICATION : SYNTH_PHYSICAL };
                n++;
        }
        return n;
}

gboolean hid_synth_path_ok(const HidPath *p)
{
        gsize collections = 0;

        /* The last node is the field's usage, whatever its page: powercom's PCMDelayBefore*
         * are usages of page 0x00ff, the page NUT also writes collection indexes with. */
        if (p->n == 0)
                return FALSE;
        for (gsize i = 0; i + 1 < p->n; i++) {
                if (!is_index(p->nodes[i])) {
                        collections++;
                        continue;
                }
                /* an index follows a collection usage, and fits the 7 bits of the type */
                if (i == 0 || is_index(p->nodes[i - 1]) || HID_USAGE_ID(p->nodes[i]) >= SYNTH_INDEXED)
                        return FALSE;
        }
        return collections <= HID_COLLECTION_DEPTH_MAX;
}

/* Closes what the field's path does not share with the open collections, opens the rest */
static void enter(Synth *s, const HidPath *p)
{
        SynthCollection want[HID_PATH_MAX];
        gsize n = path_collections(p, want), same = 0;

        while (same < n && same < s->depth && s->open[same].usage == want[same].usage &&
               s->open[same].type == want[same].type)
                same++;
        for (; s->depth > same; s->depth--)
                item(s, HID_ITEM_MAIN, HID_MAIN_END_COLLECTION, 0, 0);
        for (; s->depth < n; s->depth++) {
                usage(s, want[s->depth].usage);
                item(s, HID_ITEM_MAIN, HID_MAIN_COLLECTION, want[s->depth].type, 1);
                s->open[s->depth] = want[s->depth];
        }
}

static void set_size(Synth *s, guint32 size, guint32 count)
{
        if (!s->have_size || s->size != size)
                item_unsigned(s, HID_ITEM_GLOBAL, HID_GLOBAL_REPORT_SIZE, size);
        if (!s->have_count || s->count != count)
                item_unsigned(s, HID_ITEM_GLOBAL, HID_GLOBAL_REPORT_COUNT, count);
        s->size = size, s->count = count;
        s->have_size = s->have_count = TRUE;
}

static void set_globals(Synth *s, const HidSynthField *f)
{
        if (f->report_id != s->report_id)
                item_unsigned(s, HID_ITEM_GLOBAL, HID_GLOBAL_REPORT_ID, f->report_id);
        s->report_id = f->report_id;
        if (!s->have_logical || s->logical_min != f->logical_min || s->logical_max != f->logical_max) {
                item_signed(s, HID_ITEM_GLOBAL, HID_GLOBAL_LOGICAL_MIN, f->logical_min);
                item_signed(s, HID_ITEM_GLOBAL, HID_GLOBAL_LOGICAL_MAX, f->logical_max);
                s->logical_min = f->logical_min, s->logical_max = f->logical_max;
                s->have_logical = TRUE;
        }
        if (!s->have_unit || s->unit != f->unit)
                item_unsigned(s, HID_ITEM_GLOBAL, HID_GLOBAL_UNIT, f->unit);
        s->unit = f->unit, s->have_unit = TRUE;
        /* the spec's 4-bit two's complement nibble */
        if (!s->have_exponent || s->exponent != f->unit_exponent)
                item(s, HID_ITEM_GLOBAL, HID_GLOBAL_UNIT_EXPONENT, (guint8) f->unit_exponent & 0x0f, 1);
        s->exponent = f->unit_exponent, s->have_exponent = TRUE;
}

static guint8 main_tag(HidReportType type)
{
        return type == HID_REPORT_INPUT ? HID_MAIN_INPUT : type == HID_REPORT_OUTPUT ? HID_MAIN_OUTPUT : HID_MAIN_FEATURE;
}

static gboolean write_field(Synth *s, const HidSynthField *f, GError **error)
{
        guint32 *bits = &s->bits[f->type][f->report_id];

        if (!hid_synth_path_ok(&f->path) || f->bit_size == 0 || f->unit_exponent < -8 || f->unit_exponent > 7) {
                g_set_error(error, SYNTH_ERROR, 0, "field cannot be written");
                return FALSE;
        }
        if (f->bit_offset < *bits) {
                g_set_error(error, SYNTH_ERROR, 0,
                            "field at bit %u of report %u overlaps the one before", f->bit_offset, f->report_id);
                return FALSE;
        }
        enter(s, &f->path);
        set_globals(s, f);
        if (f->bit_offset > *bits) {
                set_size(s, f->bit_offset - *bits, 1);
                item(s, HID_ITEM_MAIN, main_tag(f->type), SYNTH_PAD_FLAGS, 1);
        }
        set_size(s, f->bit_size, 1);
        usage(s, f->path.nodes[f->path.n - 1]);
        item(s, HID_ITEM_MAIN, main_tag(f->type), SYNTH_FIELD_FLAGS, 1);
        *bits = f->bit_offset + f->bit_size;
        return TRUE;
}

static int field_order(const void *a, const void *b)
{
        const HidSynthField *x = *(const HidSynthField *const *) a, *y = *(const HidSynthField *const *) b;

        if (x->type != y->type)
                return x->type < y->type ? -1 : 1;
        if (x->report_id != y->report_id)
                return x->report_id < y->report_id ? -1 : 1;
        if (x->bit_offset != y->bit_offset)
                return x->bit_offset < y->bit_offset ? -1 : 1;
        return x < y ? -1 : x > y;      /* stable: input order */
}

/**
 * hid_synth_descriptor() - a report descriptor laying out the fields
 * @fields: the fields
 * @n: how many
 * @error: why not
 *
 * Returns the bytes, or NULL if two fields of a report overlap or a path cannot be written.
 */
GBytes *hid_synth_descriptor(const HidSynthField *fields, gsize n, GError **error)
{
        g_autofree const HidSynthField **order = g_new(const HidSynthField *, n ? n : 1);
        g_autofree Synth *s = g_new0(Synth, 1);

        for (gsize i = 0; i < n; i++)
                order[i] = &fields[i];
        qsort(order, n, sizeof(*order), field_order);
        s->out = g_byte_array_new();
        for (gsize i = 0; i < n; i++)
                if (!write_field(s, order[i], error)) {
                        g_byte_array_unref(s->out);
                        return NULL;
                }
        enter(s, &(HidPath) { .nodes = { 0 }, .n = 1 });        /* closes them all */
        return g_byte_array_free_to_bytes(s->out);
}

gsize hid_synth_report_size(const HidSynthField *fields, gsize n, HidReportType type, guint8 id)
{
        guint64 bits = 0;

        for (gsize i = 0; i < n; i++)
                if (fields[i].type == type && fields[i].report_id == id)
                        bits = MAX(bits, (guint64) fields[i].bit_offset + fields[i].bit_size);
        return (gsize) ((bits + 7) / 8) + (id != 0);
}

void hid_synth_put(const HidSynthField *f, guint8 *report, gsize size, gint64 value)
{
        gsize start = (f->report_id != 0 ? 8 : 0) + f->bit_offset;

        g_assert_cmpuint((start + f->bit_size + 7) / 8, <=, size);
        for (guint32 i = 0; i < f->bit_size; i++) {
                gsize bit = start + i;
                guint8 b = i < 64 ? (guint8) (((guint64) value >> i) & 1) : (value < 0);

                report[bit / 8] = (guint8) ((report[bit / 8] & ~(1u << (bit % 8))) | b << (bit % 8));
        }
        if (f->report_id != 0)
                report[0] = f->report_id;
}
