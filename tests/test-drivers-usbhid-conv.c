/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups's conversion context (usbhid-conv.c) with a real HidMap and Device, no USB: the
 * converters that read raw reports, set or delete variables, write, or ask for the status word
 * get what they need; mge-hid's model family and name.
 */
#include <glib.h>

#include "usbhid/hid-convert-private.h"
#include "usbhid/usbhid-internal.h"

/* Short items of a report descriptor (HID 1.11 §6.2.2) */
#define PAGE(p) 0x05, (p)
#define VENDOR_PAGE 0x06, 0x00, 0xff
#define USAGE(u) 0x09, (u)
#define APPLICATION 0xa1, 0x01
#define PHYSICAL 0xa1, 0x00
#define LOGICAL 0xa1, 0x02
#define END 0xc0
#define REPORT_ID(id) 0x85, (id)
#define BYTE 0x75, 0x08, 0x95, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00
#define BIT 0x75, 0x01, 0x95, 0x01, 0x15, 0x00, 0x25, 0x01
#define FEATURE 0xb1, 0x02
#define PAD7 0x75, 0x07, 0x95, 0x01, 0xb1, 0x03

typedef struct Fixture {
        sd_event *event;
        HidDescriptor *desc;
        UsbHid x;
} Fixture;

static void fixture_open(Fixture *f, const uint8_t *rdesc, size_t size, const HidSubdriver *sub,
                         uint16_t vendor, const char *product)
{
        g_assert_cmpint(sd_event_new(&f->event), >=, 0);
        g_assert_cmpint(device_new("ups", f->event, &f->x.device), ==, 0);
        g_assert_cmpint(hid_descriptor_parse(rdesc, size, 0, &f->desc), >=, 0);
        f->x.subdriver = sub;
        f->x.product = product ? strdup(product) : NULL;
        g_assert_cmpint(hid_map_new(f->desc, sub, &f->x.map), ==, 0);
        g_assert_cmpint(usbhid_conv_setup(&f->x, vendor, 0xffff), ==, 0);
}

static void fixture_close(Fixture *f)
{
        hid_conv_state_free(f->x.conv.state);
        hid_map_free(f->x.map);
        hid_descriptor_free(f->desc);
        for (size_t i = 0; i < G_N_ELEMENTS(f->x.strings); i++)
                free(f->x.strings[i]);
        free(f->x.product);
        device_unref(f->x.device);
        sd_event_unref(f->event);
}

static void store(Fixture *f, HidReportType type, const uint8_t *data, size_t size)
{
        g_assert_cmpint(hid_map_store(f->x.map, type, data, size), ==, 0);
}

static void publish(Fixture *f, HidPublishFlags flags)
{
        g_assert_cmpint(hid_map_publish(f->x.map, f->x.device, &f->x.conv, flags), >=, 0);
}

static const HidMapReport *map_report(Fixture *f, HidReportType type, uint8_t id)
{
        for (size_t i = 0; i < f->x.map->n_reports; i++)
                if (f->x.map->reports[i].type == type && f->x.map->reports[i].id == id)
                        return &f->x.map->reports[i];
        return NULL;
}

/* powercom: battery.voltage is text in feature report 0xa4, which the descriptor lacks */
static void test_powercom_hack_voltage(void)
{
        static const uint8_t rdesc[] = {
                PAGE(0x84), USAGE(0x04), APPLICATION, USAGE(0x24), PHYSICAL, USAGE(0x02), LOGICAL,
                REPORT_ID(1), PAGE(0x85), USAGE(0xd0), BIT, FEATURE, PAD7, END, END, END,
        };
        static const uint8_t volts[] = { 0xa4, ' ', '1', '3', '.', '7', ' ', '2' };
        Fixture f = {};
        const HidMapReport *raw;
        uint8_t buf[8];

        fixture_open(&f, rdesc, sizeof rdesc, &hid_subdriver_powercom, 0x0d9f, "UPS");
        raw = map_report(&f, HID_REPORT_FEATURE, 0xa4);
        g_assert_nonnull(raw);
        g_assert_cmpuint(raw->size, ==, 8);
        g_assert_true(hid_map_report_wanted(raw, true, true));

        /* not read yet: no value, and the callback says "later" without any I/O */
        store(&f, HID_REPORT_FEATURE, (const uint8_t[]) { 1, 1 }, 2);
        publish(&f, HID_PUBLISH_FIRST | HID_PUBLISH_FULL);
        g_assert_null(device_get_var(f.x.device, "battery.voltage"));
        g_assert_cmpint(hid_map_get_report(f.x.map, HID_CONV_REPORT_FEATURE, 0xa4, buf, sizeof buf), ==,
                        -ENODATA);

        /* the poll read it: the value appears, even though the row's own report did not change */
        store(&f, HID_REPORT_FEATURE, volts, sizeof volts);
        publish(&f, HID_PUBLISH_FULL);
        g_assert_cmpstr(device_get_var(f.x.device, "battery.voltage"), ==, "13.7");
        g_assert_cmpint(hid_map_get_report(f.x.map, HID_CONV_REPORT_FEATURE, 0xa4, buf, sizeof buf), ==, 8);
        g_assert_cmpint(hid_map_get_report(f.x.map, HID_CONV_REPORT_INPUT, 0xa4, buf, sizeof buf), ==, -ENOENT);
        fixture_close(&f);
}

/* ever: work mode and the "off" bit come from input report 74, polled though no row reads it */
static void test_ever_workmode(void)
{
        static const uint8_t rdesc[] = {
                PAGE(0x84), USAGE(0x04), APPLICATION, PHYSICAL, VENDOR_PAGE, USAGE(0x90), PHYSICAL,
                REPORT_ID(0x10), USAGE(0x91), BYTE, FEATURE, USAGE(0x95), BYTE, FEATURE, END, END, END,
        };
        Fixture f = {};
        const HidMapReport *raw;

        fixture_open(&f, rdesc, sizeof rdesc, &hid_subdriver_ever, 0x2e51, "EVER UPS");
        raw = map_report(&f, HID_REPORT_INPUT, 74);
        g_assert_nonnull(raw);
        g_assert_true(raw->polled);
        g_assert_false(raw->only_static);

        store(&f, HID_REPORT_FEATURE, (const uint8_t[]) { 0x10, 0, 0 }, 3);
        publish(&f, HID_PUBLISH_FIRST | HID_PUBLISH_FULL);
        g_assert_null(device_get_var(f.x.device, "experimental.status.workmode"));

        store(&f, HID_REPORT_INPUT, (const uint8_t[]) { 74, 4 }, 2);
        publish(&f, HID_PUBLISH_FULL);
        g_assert_cmpstr(device_get_var(f.x.device, "experimental.status.workmode"), ==, "ONLINE");
        g_assert_null(strstr(device_get_var(f.x.device, "ups.status"), "OFF"));

        store(&f, HID_REPORT_INPUT, (const uint8_t[]) { 74, 2 }, 2);
        publish(&f, HID_PUBLISH_FULL);
        g_assert_cmpstr(device_get_var(f.x.device, "experimental.status.workmode"), ==, "STOP");
        g_assert_nonnull(strstr(device_get_var(f.x.device, "ups.status"), "OFF"));
        fixture_close(&f);
}

static int convert(Fixture *f, const char *name, double value, char *buf, size_t size)
{
        const HidConverter *c = hid_converter_find(name);

        g_assert_nonnull(c);
        return c->to_nut(&f->x.conv, value, buf, size);
}

/* mge: the status word, variable removal and writes go to the map, the store and SET */
static void test_mge_io(void)
{
        static const uint8_t rdesc[] = {
                PAGE(0x84), USAGE(0x04), APPLICATION, USAGE(0x24), PHYSICAL, USAGE(0x02), LOGICAL,
                REPORT_ID(1), PAGE(0x85), USAGE(0xd0), BIT, FEATURE, PAD7, END, END, END,
        };
        Fixture f = {};
        char buf[64];

        fixture_open(&f, rdesc, sizeof rdesc, &hid_subdriver_mge, 0x0463, "Ellipse ECO");
        /* get_status reads the word itself, not last poll's ups.status */
        g_assert_cmpint(convert(&f, "eaton_converter_online_fun", 1, buf, sizeof buf), >, 0);
        g_assert_cmpstr(buf, ==, "online");
        f.x.map->status = HID_STATUS_BIT(HID_STATUS_OFF);
        g_assert_cmpint(convert(&f, "eaton_converter_online_fun", 1, buf, sizeof buf), ==, 0);

        /* set_var(NULL) deletes: without ABM there is no charger status */
        g_assert_cmpint(device_set_var(f.x.device, "battery.charger.status", "charging"), >=, 0);
        g_assert_cmpint(convert(&f, "eaton_abm_enabled_fun", 0, buf, sizeof buf), >=, 0);
        g_assert_cmpint(convert(&f, "eaton_abm_status_fun", 1, buf, sizeof buf), ==, 0);
        g_assert_null(device_get_var(f.x.device, "battery.charger.status"));
        g_assert_cmpint(convert(&f, "eaton_abm_status_fun", 1, buf, sizeof buf), ==, 0);

        /* write_var goes through SET VAR, which refuses before the device is up (no transport) */
        g_assert_cmpint(convert(&f, "eaton_input_eco_mode_auto_on_off_fun", 0, buf, sizeof buf), ==, -ENOTCONN);
        fixture_close(&f);
}

/* ---- mge-hid model (item: UPS.PowerSummary.iModel, in report 0x20 that no row reads) ---- */

static const uint8_t mge_rdesc[] = {
        PAGE(0x84), USAGE(0x04), APPLICATION, USAGE(0x24), PHYSICAL,
        REPORT_ID(0x20), 0x06, 0xff, 0xff, USAGE(0xf0), BYTE, FEATURE,          /* ffff00f0 iModel */
        END, END,
};

typedef struct ModelCase {
        const char *product;
        uint16_t vendor;
        const char *imodel;     /* string index 5's text; NULL: fetching it failed */
        const char *model;      /* ups.model; NULL: not set */
        unsigned type;
} ModelCase;

static const ModelCase model_cases[] = {
        { "ELLIPSE", 0x0463, "500", "ellipse 500", MGE_TYPE_OFFLINE },
        { "Ellipse ECO", 0x0463, "650", "Ellipse ECO 650", MGE_TYPE_PEGASUS },
        { "Evolution", 0x0463, "S 2500", "Evolution S 2500", 0x308 },
        { "Evolution", 0x0463, "3000XL", "Pulsar Evolution 3000 XL", MGE_TYPE_DEFAULT },
        { "Mystery", 0x0463, "9000", "Mystery 9000", MGE_TYPE_DEFAULT },
        { "Ellipse ECO", 0x0463, NULL, "Ellipse ECO", MGE_TYPE_DEFAULT },
        { "Dell UPS Tower 500W", 0x047c, "500", NULL, MGE_TYPE_DEFAULT },
};

static void test_mge_model(gconstpointer data)
{
        const ModelCase *c = data;
        Fixture f = {};
        const HidMapReport *rep;

        fixture_open(&f, mge_rdesc, sizeof mge_rdesc, &hid_subdriver_mge, c->vendor, c->product);
        rep = map_report(&f, HID_REPORT_FEATURE, 0x20);
        g_assert_nonnull(rep);
        g_assert_true(hid_map_report_wanted(rep, true, true));

        /* before the report is read there is nothing to go on: ConfigApparentPower is absent too */
        store(&f, HID_REPORT_FEATURE, (const uint8_t[]) { 0x20, 5 }, 2);
        if (c->vendor == 0x047c) {
                g_assert_cmpint(usbhid_detect_model(&f.x), ==, 0);
        } else {
                g_assert_cmpint(usbhid_detect_model(&f.x), ==, -EAGAIN);
                g_assert_true(f.x.strings_wanted[5]);
                if (c->imodel)
                        f.x.strings[5] = strdup(c->imodel);
                else
                        f.x.strings_failed[5] = true;
                g_assert_cmpint(usbhid_detect_model(&f.x), ==, 1);
        }
        g_assert_cmpint(usbhid_detect_model(&f.x), ==, 0);
        g_assert_cmpstr(device_get_var(f.x.device, "ups.model"), ==, c->model);
        g_assert_cmphex(((HidConvState *) f.x.conv.state)->mge_type, ==, c->type);
        fixture_close(&f);
}

/* Without iModel in the descriptor: the nominal apparent power stands in for it */
static void test_mge_model_power(void)
{
        /* Flow in a collection of vendor type 0x84, which NUT names UPS.Flow.[4] */
        static const uint8_t rdesc[] = {
                PAGE(0x84), USAGE(0x04), APPLICATION, USAGE(0x1e), 0xa1, 0x84,
                REPORT_ID(0x30), USAGE(0x43), 0x75, 0x10, 0x95, 0x01, 0x15, 0x00, 0x27,
                0xff, 0xff, 0x00, 0x00, FEATURE, END, END,                      /* ConfigApparentPower */
        };
        Fixture f = {};

        fixture_open(&f, rdesc, sizeof rdesc, &hid_subdriver_mge, 0x0463, "Ellipse ECO");
        g_assert_nonnull(map_report(&f, HID_REPORT_FEATURE, 0x30));     /* ups.power.nominal reads it */
        store(&f, HID_REPORT_FEATURE, (const uint8_t[]) { 0x30, 0x20, 0x03 }, 3);      /* 800 */
        g_assert_cmpint(usbhid_detect_model(&f.x), ==, 1);
        g_assert_cmpstr(device_get_var(f.x.device, "ups.model"), ==, "Ellipse ECO 800");
        g_assert_cmphex(((HidConvState *) f.x.conv.state)->mge_type, ==, MGE_TYPE_PEGASUS);
        fixture_close(&f);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/drivers/usbhid/conv/powercom-hack-voltage", test_powercom_hack_voltage);
        g_test_add_func("/drivers/usbhid/conv/ever-workmode", test_ever_workmode);
        g_test_add_func("/drivers/usbhid/conv/mge-io", test_mge_io);
        for (size_t i = 0; i < G_N_ELEMENTS(model_cases); i++) {
                g_autofree char *path = g_strdup_printf("/drivers/usbhid/conv/mge-model/%zu", i);

                g_test_add_data_func(path, &model_cases[i], test_mge_model);
        }
        g_test_add_func("/drivers/usbhid/conv/mge-model-power", test_mge_model_power);
        return g_test_run();
}
