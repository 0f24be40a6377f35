/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one table of native drivers.
 */
#include "driver-table.h"
#include "macro.h"

static const DriverOps *const driver_table[] = {
        &dummy_driver,
        &nut_remote_driver,
#if ENABLE_USB
        &usbhid_driver,
#endif
};

const DriverOps *driver_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(driver_table); i++)
                if (streq(driver_table[i]->name, name))
                        return driver_table[i];
        return NULL;
}

const DriverOps *const *driver_table_get(size_t *ret_n)
{
        *ret_n = ELEMENTSOF(driver_table);
        return driver_table;
}
