/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which subdriver claims a USB device when the VID:PID alone does not say: the string
 * conditions of NUT's claim functions (usb-ids.tsv, claim-logic rows and claim_notes), as data;
 * and which device hooks then apply.
 */
#include <string.h>

#include "hid-mapping.h"
#include "macro.h"

#define ANY_PRODUCT (-1)

typedef struct HidClaimRule {
        uint16_t vendor;
        int32_t product;                /* ANY_PRODUCT for the whole vendor */
        /* Substrings of iManufacturer / iProduct, either of which makes the rule match; both
         * NULL: it always matches */
        const char *manufacturer, *product_string;
        const HidSubdriver *subdriver;  /* NULL: usbhid-ups leaves the device alone */
} HidClaimRule;

/* In probe order: mge comes before idowell, idowell before liebert */
static const HidClaimRule claim_rules[] = {
        /* AEG PROTECT B / NAS: any Phoenixtec product with "AEG" in a string is mge-hid's */
        { 0x06da, ANY_PRODUCT, "AEG", "AEG", &hid_subdriver_mge },
        /* GoldenMate LiFePO4; every other 06da:ffff is left to liebert-hid */
        { 0x06da, 0xffff, "BMS", "Smart-Battery", &hid_subdriver_idowell },
        { 0x06da, 0xffff, NULL, NULL, &hid_subdriver_liebert },
        /* KSTAR-made units */
        { 0x09d6, ANY_PRODUCT, "KSTAR", NULL, &hid_subdriver_mge },
        /* serial-over-USB Tripp Lite, old PowerCOM protocol, a Belkin hub: other drivers' */
        { 0x09ae, 0x0001, NULL, NULL, NULL },
        { 0x0d9f, 0x0002, NULL, NULL, NULL },
        { 0x050d, 0x0218, NULL, NULL, NULL },
};

static bool contains(const char *s, const char *needle)
{
        return s && needle && strstr(s, needle);
}

static bool claim_rule_matches(const HidClaimRule *c, uint16_t vendor, uint16_t product, const char *manufacturer,
                               const char *product_string)
{
        if (c->vendor != vendor || (c->product != ANY_PRODUCT && c->product != product))
                return false;
        if (!c->manufacturer && !c->product_string)
                return true;
        return contains(manufacturer, c->manufacturer) || contains(product_string, c->product_string);
}

/**
 * hid_usb_claim() - the subdriver that claims a device, strings considered
 * @vendor: the USB vendor ID
 * @product: the USB product ID
 * @manufacturer: iManufacturer, may be NULL
 * @product_string: iProduct, may be NULL
 * @ret: the subdriver, set when 1 is returned
 *
 * The string rules of NUT's claim functions first, then the exact VID:PID of the tables.
 *
 * Returns 1 when a subdriver claims it, 0 when none does (a known vendor's subdriver may still
 * take it with the "productid" option), -EPERM when usbhid-ups must leave it to another driver.
 */
int hid_usb_claim(uint16_t vendor, uint16_t product, const char *manufacturer, const char *product_string,
                  const HidSubdriver **ret)
{
        const HidUsbId *id;

        for (size_t i = 0; i < ELEMENTSOF(claim_rules); i++) {
                const HidClaimRule *c = &claim_rules[i];

                if (!claim_rule_matches(c, vendor, product, manufacturer, product_string))
                        continue;
                if (!c->subdriver)
                        return -EPERM;
                *ret = c->subdriver;
                return 1;
        }
        id = hid_usb_id_find(vendor, product);
        if (!id)
                return 0;
        *ret = id->subdriver;
        return 1;
}

/* general_apc_check: only these APC units need their reports read at the largest size */
static const char *const apc_max_report_products[] = { "Back-UPS ES 525", "Back-UPS CS" };

static bool has_prefix(const char *s, const char *prefix)
{
        return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/**
 * hid_usb_hooks() - the device hooks that apply (hid-device-hooks.tsv)
 * @id: the exact VID:PID entry, or NULL
 * @sub: the subdriver chosen for the device
 * @product_string: iProduct, may be NULL
 *
 * A table entry's hooks run when its subdriver is the one chosen, as NUT runs them from that
 * subdriver's claim; general_apc_check only holds for the iProducts it checks for.
 *
 * Returns the HidDeviceHook mask.
 */
uint32_t hid_usb_hooks(const HidUsbId *id, const HidSubdriver *sub, const char *product_string)
{
        uint32_t hooks = id && id->subdriver == sub ? id->hooks : 0;
        bool apc_check = false;

        for (size_t i = 0; i < ELEMENTSOF(apc_max_report_products); i++)
                apc_check |= has_prefix(product_string, apc_max_report_products[i]);
        if (!apc_check)
                hooks &= ~(uint32_t) HID_HOOK_GENERAL_APC_CHECK;
        return hooks;
}
