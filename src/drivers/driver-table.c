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

/**
 * driver_claim_udev() - the driver that takes a hot-plugged device no configured section took
 * @u: the udev device
 * @ret_ops: the driver
 * @ret_name: the device name it proposes (not made unique)
 * @ret_params: its match keys, as ups.conf key, value pairs
 *
 * Returns 1 and the three, 0 if no driver claims the device, or a negative errno.
 */
int driver_claim_udev(struct udev_device *u, const DriverOps **ret_ops, char **ret_name, char ***ret_params)
{
        for (size_t i = 0; i < ELEMENTSOF(driver_table); i++) {
                const DriverOps *ops = driver_table[i];
                int r;

                if (!ops->match_udev || !ops->describe_udev || !ops->attach || ops->match_udev(u) <= 0)
                        continue;
                r = ops->describe_udev(u, ret_name, ret_params);
                if (r < 0)
                        return r;
                *ret_ops = ops;
                return 1;
        }
        return 0;
}
