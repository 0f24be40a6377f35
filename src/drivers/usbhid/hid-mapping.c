/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookups in the generated usbhid-ups tables (hid-mapping-table.c): a subdriver by name, the
 * entry of an exact VID:PID, the subdriver that knows a vendor.
 */
#include "hid-mapping.h"
#include "macro.h"

/**
 * hid_subdriver_find() - a subdriver by name
 * @name: "apc", "mge", ... or "generic", compared case-insensitively
 *
 * Returns the subdriver, or NULL if there is none of that name.
 */
const HidSubdriver *hid_subdriver_find(const char *name)
{
        if (!name)
                return NULL;
        for (size_t i = 0; hid_subdrivers[i]; i++)
                if (strcaseeq(hid_subdrivers[i]->name, name))
                        return hid_subdrivers[i];
        if (strcaseeq(hid_subdriver_generic.name, name))
                return &hid_subdriver_generic;
        return NULL;
}

/**
 * hid_usb_id_find() - the entry of an exact VID:PID
 * @vendor: the USB vendor ID
 * @product: the USB product ID
 *
 * Binary search of hid_usb_ids, which is sorted by vendor, then product.
 *
 * Returns the entry, or NULL if no subdriver lists the pair.
 */
const HidUsbId *hid_usb_id_find(uint16_t vendor, uint16_t product)
{
        uint32_t key = (uint32_t) vendor << 16 | product;
        size_t lo = 0, hi = hid_n_usb_ids;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const HidUsbId *id = &hid_usb_ids[mid];
                uint32_t k = (uint32_t) id->vendor << 16 | id->product;

                if (k == key)
                        return id;
                if (k < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

static bool subdriver_has_vendor(const HidSubdriver *s, uint16_t vendor)
{
        for (size_t i = 0; i < hid_n_usb_ids; i++)
                if (hid_usb_ids[i].vendor == vendor && hid_usb_ids[i].subdriver == s)
                        return true;
        return false;
}

/**
 * hid_subdriver_for_vendor() - the subdriver for a known vendor's unknown product
 * @vendor: the USB vendor ID
 *
 * What NUT does for a device whose VID but not PID is in a table, when the user gives the
 * "productid" option: the first subdriver in probe order that lists any product of the vendor.
 *
 * Returns the subdriver, or NULL if none lists the vendor.
 */
const HidSubdriver *hid_subdriver_for_vendor(uint16_t vendor)
{
        for (size_t i = 0; hid_subdrivers[i]; i++)
                if (subdriver_has_vendor(hid_subdrivers[i], vendor))
                        return hid_subdrivers[i];
        return NULL;
}
