/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The model reports failures as negative errno; this maps them to the D-Bus errors of the
 * API (DESIGN.md §4). Anything else becomes CommandFailed with the errno's text.
 */
#include <stdio.h>

#include "bus-error.h"
#include "macro.h"

static const struct {
        int errnum;
        const char *name;
        const char *what;
} bus_error_table[] = {
        { ENODEV, NUTD_ERROR_PREFIX "UnknownDevice", "no such device" },
        { ENOENT, NUTD_ERROR_PREFIX "UnknownVariable", "no such variable" },
        { EOPNOTSUPP, NUTD_ERROR_PREFIX "UnknownCommand", "not supported by this device" },
        { EROFS, NUTD_ERROR_PREFIX "ReadOnly", "read-only" },
        { EINVAL, NUTD_ERROR_PREFIX "InvalidValue", "value not accepted" },
        { E2BIG, NUTD_ERROR_PREFIX "TooLong", "value too long" },
        { ENOTCONN, NUTD_ERROR_PREFIX "DriverNotConnected", "the driver is not connected to the device" },
        { ESTALE, NUTD_ERROR_PREFIX "DataStale", "the device's data is stale" },
        { ETIMEDOUT, NUTD_ERROR_PREFIX "Timeout", "the device did not answer in time" },
        { EACCES, SD_BUS_ERROR_ACCESS_DENIED, "access denied" },
        { EPERM, SD_BUS_ERROR_ACCESS_DENIED, "access denied" },
};

/* Sets e from r (negative errno) about subject (a device, variable or command name); returns r. */
int bus_error_set_from_errno(sd_bus_error *e, int r, const char *subject)
{
        for (size_t i = 0; i < ELEMENTSOF(bus_error_table); i++)
                if (bus_error_table[i].errnum == -r)
                        return sd_bus_error_setf(e, bus_error_table[i].name, "%s: %s", strempty(subject),
                                                 bus_error_table[i].what);
        if (r == -ENOMEM)
                return sd_bus_error_set_errno(e, r);
        return sd_bus_error_setf(e, NUTD_ERROR_PREFIX "CommandFailed", "%s: %s", strempty(subject), strerror(-r));
}
