/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report-descriptor fix-ups (hid-fixup.c, hid-status-rules.md §7): each rule on hand-built
 * descriptors that trigger it and that do not, on the wrong VID:PID, and on the real APC
 * Back-UPS CS 500 descriptor.
 */
#include <glib.h>

#include "usbhid/hid-fixup.h"

#define APC_CS_500 "apc-back-ups-cs-500_nut-2.8.0"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HidDescriptor, hid_descriptor_free)

#define PAGE(p) 0x05, (p)
#define USAGE(u) 0x09, (u)
#define APPLICATION 0xa1, 0x01
#define END 0xc0
#define REPORT_ID(id) 0x85, (id)
#define SIZE(n) 0x75, (n)
#define COUNT1 0x95, 0x01
#define MIN8(v) 0x15, (v)
#define MAX8(v) 0x25, (v)
#define MIN16(v) 0x16, ((v) & 0xff), ((v) >> 8)
#define MAX16(v) 0x26, ((v) & 0xff), ((v) >> 8)
#define FEATURE 0xb1, 0x02
#define INPUT 0x81, 0x02
#define UPS_BEGIN PAGE(0x84), USAGE(0x04), APPLICATION

typedef struct Expect {
        uint8_t report;
        uint32_t usage;
        int64_t min, max;
} Expect;

typedef struct FixupCase {
        const char *name;
        HidFixReportDesc fix;
        uint16_t vendor, product;
        const uint8_t *rdesc;
        size_t size;
        int changes;
        Expect expect[3];       /* ranges after the fix-up; report 0 ends the list */
} FixupCase;

#define RDESC(...) (const uint8_t[]) { __VA_ARGS__ }, sizeof((const uint8_t[]) { __VA_ARGS__ })

/* APC: HighVoltageTransfer (0x33) 0..280 against Voltage (0x31) 0..255, ConfigVoltage (0x30) 0..200 */
#define APC_RDESC(hvt_max) RDESC(UPS_BEGIN, SIZE(16), COUNT1, MIN8(0), \
        REPORT_ID(0x30), USAGE(0x40), MAX16(200), FEATURE, \
        REPORT_ID(0x31), USAGE(0x30), MAX16(255), FEATURE, \
        REPORT_ID(0x33), USAGE(0x54), MAX16(hvt_max), FEATURE, END)

/* CPS: HighVoltageTransfer (0x10), Output (0x12) and Input (0x0f) Voltage, ConfigActivePower (0x18) */
#define CPS_RDESC(out_min, out_max, power_max) RDESC(UPS_BEGIN, SIZE(16), COUNT1, \
        REPORT_ID(0x10), USAGE(0x54), MIN16(170), MAX16(300), FEATURE, \
        REPORT_ID(0x12), USAGE(0x30), MIN16(out_min), MAX16(out_max), FEATURE, \
        REPORT_ID(0x0f), USAGE(0x30), MIN16(170), MAX16(300), FEATURE, \
        REPORT_ID(0x18), USAGE(0x44), MIN16(0), MAX16(power_max), FEATURE, END)

/* CPS with maxima that only read right unsigned (0xc8 = 200, 0xf0 = 240: "assumed") */
#define CPS_ASSUMED_RDESC RDESC(UPS_BEGIN, COUNT1, MIN8(0), \
        REPORT_ID(0x12), USAGE(0x30), SIZE(16), MAX8(0xc8), FEATURE, \
        REPORT_ID(0x0f), USAGE(0x30), SIZE(8), MAX8(0xf0), FEATURE, END)

/* iDowell: RunTimeToEmpty and Voltage in input report 'id' with maxima below their minima */
#define IDOWELL_RDESC(id, max) RDESC(UPS_BEGIN, REPORT_ID(id), SIZE(32), COUNT1, \
        PAGE(0x85), USAGE(0x68), MIN8(100), 0x27, (max), 0, 0, 0, INPUT, \
        PAGE(0x84), USAGE(0x30), SIZE(16), MIN8(10), MAX8(max), INPUT, END)

static const FixupCase cases[] = {
        { "apc/triggers", HID_FIX_APC, 0x051d, 0x0002, APC_RDESC(280), 2,
          { { 0x31, 0x840030, 0, 560 }, { 0x30, 0x840040, 0, 255 } } },
        { "apc/below-limits", HID_FIX_APC, 0x051d, 0x0002, APC_RDESC(199), 0,
          { { 0x31, 0x840030, 0, 255 }, { 0x30, 0x840040, 0, 200 } } },
        { "apc/between", HID_FIX_APC, 0x051d, 0x0002, APC_RDESC(250), 1,
          { { 0x31, 0x840030, 0, 255 }, { 0x30, 0x840040, 0, 255 } } },
        { "apc/other-pid", HID_FIX_APC, 0x051d, 0x0003, APC_RDESC(280), 0,
          { { 0x31, 0x840030, 0, 255 }, { 0x30, 0x840040, 0, 200 } } },
        { "apc/other-subdriver", HID_FIX_NONE, 0x051d, 0x0002, APC_RDESC(280), 0,
          { { 0x31, 0x840030, 0, 255 } } },
        { "cps/transfer-limits", HID_FIX_CPS, 0x0764, 0x0501, CPS_RDESC(170, 300, 4000), 2,
          { { 0x12, 0x840030, 0, 511 }, { 0x0f, 0x840030, 0, 511 }, { 0x18, 0x840044, 0, 4000 } } },
        { "cps/right-limits", HID_FIX_CPS, 0x0764, 0x0601, CPS_RDESC(0, 1023, 2048), 0,
          { { 0x12, 0x840030, 0, 1023 }, { 0x0f, 0x840030, 170, 300 }, { 0x18, 0x840044, 0, 2048 } } },
        { "cps/clipped-power", HID_FIX_CPS, 0x0764, 0x0601, CPS_RDESC(0, 1023, 1000), 1,
          { { 0x18, 0x840044, 0, 2048 } } },
        { "cps/assumed", HID_FIX_CPS, 0x0764, 0x0501, CPS_ASSUMED_RDESC, 3,
          { { 0x12, 0x840030, 0, 511 }, { 0x0f, 0x840030, 0, 255 } } },
        { "cps/other-pid", HID_FIX_CPS, 0x0764, 0x0005, CPS_RDESC(170, 300, 1000), 0,
          { { 0x12, 0x840030, 170, 300 }, { 0x18, 0x840044, 0, 1000 } } },
        { "idowell/goldenmate", HID_FIX_IDOWELL, 0x06da, 0xffff, IDOWELL_RDESC(0x02, 0), 2,
          { { 0x02, 0x850068, 100, 0x75ffffff }, { 0x02, 0x840030, 10, 65535 } } },
        { "idowell/075d", HID_FIX_IDOWELL, 0x075d, 0x0300, IDOWELL_RDESC(0x02, 0), 2,
          { { 0x02, 0x840030, 10, 65535 } } },
        { "idowell/other-report", HID_FIX_IDOWELL, 0x06da, 0xffff, IDOWELL_RDESC(0x03, 0), 0,
          { { 0x03, 0x840030, 10, 0 } } },
        { "idowell/sane", HID_FIX_IDOWELL, 0x06da, 0xffff, IDOWELL_RDESC(0x02, 120), 0,
          { { 0x02, 0x840030, 10, 120 } } },
        { "idowell/liebert", HID_FIX_NONE, 0x06da, 0xffff, IDOWELL_RDESC(0x02, 0), 0,
          { { 0x02, 0x840030, 10, 0 } } },
};

static const HidField *field(const HidDescriptor *d, uint8_t report, uint32_t usage)
{
        for (size_t i = 0; i < d->n_fields; i++)
                if (d->fields[i].report_id == report && d->fields[i].usage == usage)
                        return &d->fields[i];
        return NULL;
}

static void test_case(gconstpointer data)
{
        const FixupCase *c = data;
        g_autoptr(HidDescriptor) d = NULL;

        g_assert_cmpint(hid_descriptor_parse(c->rdesc, c->size, HID_PARSE_BEST_EFFORT, &d), >=, 0);
        g_assert_cmpint(hid_fixup_apply(d, c->fix, c->vendor, c->product), ==, c->changes);
        for (size_t i = 0; i < G_N_ELEMENTS(c->expect) && c->expect[i].report; i++) {
                const Expect *e = &c->expect[i];
                const HidField *f = field(d, e->report, e->usage);

                g_assert_nonnull(f);
                g_assert_cmpint(f->logical_min, ==, e->min);
                g_assert_cmpint(f->logical_max, ==, e->max);
        }
}

/* The real Back-UPS CS 500 (051d:0002) has no HighVoltageTransfer in report 0x33: as in NUT,
 * the APC rule finds nothing to repair and the descriptor stays as parsed */
static void test_apc_cs_500(void)
{
        const char *dir = g_getenv("NUT_HID_DIR");
        g_autofree gchar *path = NULL, *data = NULL;
        g_autoptr(HidDescriptor) d = NULL, ref = NULL;
        gsize size;

        if (!dir) {
                g_test_skip("no HID data: set $NUT_HID_DIR");
                return;
        }
        path = g_build_filename(dir, APC_CS_500 ".rdesc.bin", NULL);
        g_assert_true(g_file_get_contents(path, &data, &size, NULL));
        g_assert_cmpint(hid_descriptor_parse((const uint8_t *) data, size, 0, &d), ==, 0);
        g_assert_cmpint(hid_descriptor_parse((const uint8_t *) data, size, 0, &ref), ==, 0);
        g_assert_null(field(d, 0x33, 0x840054));
        g_assert_cmpint(hid_fixup_apply(d, hid_subdriver_apc.fix_report_desc, 0x051d, 0x0002), ==, 0);
        g_assert_cmpuint(d->n_fields, ==, ref->n_fields);
        for (size_t i = 0; i < d->n_fields; i++) {
                g_assert_cmpint(d->fields[i].logical_min, ==, ref->fields[i].logical_min);
                g_assert_cmpint(d->fields[i].logical_max, ==, ref->fields[i].logical_max);
                g_assert_cmpint(d->fields[i].logical_max_assumed, ==, ref->fields[i].logical_max_assumed);
        }
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *path = g_strconcat("/drivers/usbhid/hid-fixup/", cases[i].name, NULL);

                g_test_add_data_func(path, &cases[i], test_case);
        }
        g_test_add_func("/drivers/usbhid/hid-fixup/apc-cs-500", test_apc_cs_500);
        return g_test_run();
}
