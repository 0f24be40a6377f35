/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Claims decided by the USB strings (hid-claim.c, usb-ids.tsv claim_notes): the shared
 * 06da:ffff, vendor-wide AEG and KSTAR units, and the devices usbhid-ups leaves alone; the
 * device hooks that apply.
 */
#include <glib.h>

#include "usbhid/hid-mapping.h"

typedef struct ClaimCase {
        const char *name;
        uint16_t vendor, product;
        const char *manufacturer, *product_string;
        int result;
        const char *subdriver;
} ClaimCase;

static const ClaimCase cases[] = {
        { "06da-ffff/goldenmate-bms", 0x06da, 0xffff, "BMS", "LiFePO4 UPS", 1, "idowell" },
        { "06da-ffff/goldenmate-product", 0x06da, 0xffff, "GoldenMate", "Smart-Battery 1000", 1, "idowell" },
        { "06da-ffff/aeg", 0x06da, 0xffff, "AEG Power Solutions", "PROTECT NAS", 1, "mge" },
        { "06da-ffff/aeg-and-bms", 0x06da, 0xffff, "BMS", "AEG PROTECT B", 1, "mge" },
        { "06da-ffff/liebert", 0x06da, 0xffff, "Phoenixtec Power", "USB UPS", 1, "liebert" },
        { "06da-ffff/no-strings", 0x06da, 0xffff, NULL, NULL, 1, "liebert" },
        { "06da-ffff/case-matters", 0x06da, 0xffff, "bms", "smart-battery", 1, "liebert" },
        { "06da-other/aeg", 0x06da, 0x1234, NULL, "AEG PROTECT B", 1, "mge" },
        { "06da-other/unknown", 0x06da, 0x1234, "Phoenixtec", "UPS", 0, NULL },
        { "09d6/kstar", 0x09d6, 0x0042, "KSTAR", "UPS", 1, "mge" },
        { "09d6/table", 0x09d6, 0x0001, "Someone", "UPS", 1, "mge" },
        { "09d6/other", 0x09d6, 0x0042, "Someone", "UPS", 0, NULL },
        { "rejected/tripplite-serial", 0x09ae, 0x0001, "Tripp Lite", "UPS", -EPERM, NULL },
        { "rejected/powercom-serial", 0x0d9f, 0x0002, "POWERCOM", "UPS", -EPERM, NULL },
        { "rejected/belkin-hub", 0x050d, 0x0218, "Belkin", "Hub", -EPERM, NULL },
        { "table/apc", 0x051d, 0x0002, "American Power Conversion", "Back-UPS CS 500", 1, "apc" },
        { "table/idowell-075d", 0x075d, 0x0300, NULL, NULL, 1, "idowell" },
        { "unknown", 0x1234, 0x5678, "BMS", "AEG", 0, NULL },
};

static void test_claim(gconstpointer data)
{
        const ClaimCase *c = data;
        const HidSubdriver *sub = NULL;

        g_assert_cmpint(hid_usb_claim(c->vendor, c->product, c->manufacturer, c->product_string, &sub), ==,
                        c->result);
        if (c->result > 0)
                g_assert_cmpstr(sub->name, ==, c->subdriver);
        else
                g_assert_null(sub);
}

typedef struct HookCase {
        const char *name;
        uint16_t vendor, product;
        const HidSubdriver *subdriver;
        const char *product_string;
        uint32_t hooks;
} HookCase;

static const HookCase hook_cases[] = {
        { "apc/back-ups-cs", 0x051d, 0x0002, &hid_subdriver_apc, "Back-UPS CS 500 FW:808.q10", HID_HOOK_GENERAL_APC_CHECK },
        { "apc/back-ups-es-525", 0x051d, 0x0002, &hid_subdriver_apc, "Back-UPS ES 525", HID_HOOK_GENERAL_APC_CHECK },
        { "apc/back-ups-xs", 0x051d, 0x0002, &hid_subdriver_apc, "Back-UPS XS 1400U", 0 },
        { "apc/no-product", 0x051d, 0x0002, &hid_subdriver_apc, NULL, 0 },
        { "apc/0003", 0x051d, 0x0003, &hid_subdriver_apc, "Smart-UPS", HID_HOOK_DISABLE_INTERRUPT_PIPE },
        { "legrand/0032", 0x1cb0, 0x0032, &hid_subdriver_legrand, NULL, HID_HOOK_DISABLE_INTERRUPT_PIPE },
        { "cps/0501", 0x0764, 0x0501, &hid_subdriver_cps, NULL, HID_HOOK_CPS_BATTERY_SCALE },
        { "openups/d004", 0x04d8, 0xd004, &hid_subdriver_openups, NULL, HID_HOOK_GET_VOLTAGE_MULTIPLIER },
        { "tripplite/smart1500lcdt", 0x09ae, 0x3016, &hid_subdriver_tripplite, NULL, HID_HOOK_SMART1500LCDT_SCALE },
        { "tripplite/0dot1", 0x09ae, 0x1003, &hid_subdriver_tripplite, NULL, HID_HOOK_BATTERY_SCALE_0DOT1 },
        { "tripplite/1dot0", 0x09ae, 0x3008, &hid_subdriver_tripplite, NULL, HID_HOOK_BATTERY_SCALE_1DOT0 },
        { "tripplite/forced-other", 0x09ae, 0x3016, &hid_subdriver_mge, NULL, 0 },
};

static void test_hooks(gconstpointer data)
{
        const HookCase *c = data;
        const HidUsbId *id = hid_usb_id_find(c->vendor, c->product);

        g_assert_nonnull(id);
        g_assert_cmphex(hid_usb_hooks(id, c->subdriver, c->product_string), ==, c->hooks);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *path = g_strconcat("/drivers/usbhid/hid-claim/", cases[i].name, NULL);

                g_test_add_data_func(path, &cases[i], test_claim);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(hook_cases); i++) {
                g_autofree char *path = g_strconcat("/drivers/usbhid/hid-claim/hooks/", hook_cases[i].name, NULL);

                g_test_add_data_func(path, &hook_cases[i], test_hooks);
        }
        g_assert_cmphex(hid_usb_hooks(NULL, &hid_subdriver_apc, "Back-UPS CS"), ==, 0);
        return g_test_run();
}
