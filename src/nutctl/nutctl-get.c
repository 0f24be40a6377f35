/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl get NAME VARIABLE: one variable's value, as it is (escaped only on a terminal). Like
 * upsd's GET VAR, it gives no value of a device that is not connected or whose data is stale.
 */
#include <stdio.h>
#include <unistd.h>

#include "nutctl.h"
#include "nutd-bus.h"
#include "terminal.h"

static void get_json(const char *device, const char *variable, const char *value, JsonFormat format)
{
        JsonWriter w;

        json_init(&w, stdout, format);
        json_begin_object(&w);
        json_key(&w, "device");
        json_string(&w, device);
        json_key(&w, "name");
        json_string(&w, variable);
        json_key(&w, "value");
        json_string(&w, value);
        json_end_object(&w);
        (void) json_finish(&w);
}

/* A value a script might act on must be current: exit status 6 otherwise (after upsd). */
static int check_connected(sd_bus *bus, const char *device)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL, *connection = NULL;
        int r;

        r = nutd_device_path(device, &path);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, NUTD_BUS_NAME, path, NUTD_DEVICE_INTERFACE, "Connection", &error,
                                       &connection);
        if (r < 0)
                return nutd_error_report(&error, r, device, NULL);
        if (streq(connection, "connected"))
                return NUTCTL_EXIT_SUCCESS;
        if (streq(connection, "stale"))
                fprintf(stderr, "nutctl: %s: the device's data is stale\n", device);
        else if (streq(connection, "waiting"))
                fprintf(stderr, "nutctl: %s: no data from the device yet\n", device);
        else
                fprintf(stderr, "nutctl: %s: the driver is not connected to the device (%s)\n", device,
                        connection);
        return NUTCTL_EXIT_UNAVAILABLE;
}

int verb_get(sd_bus *bus, char **args, const NutctlArgs *a)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *safe = NULL;
        const char *value;
        int r;

        r = check_connected(bus, args[0]);
        if (r != NUTCTL_EXIT_SUCCESS)
                return r;
        r = nutd_call_device(bus, args[0], "GetVariable", &error, &reply, "s", args[1]);
        if (r < 0)
                return nutd_error_report(&error, r, args[0], args[1]);
        r = sd_bus_message_read_basic(reply, 's', &value);
        if (r < 0)
                return r;
        if (a->json != JSON_OFF) {
                get_json(args[0], args[1], value, a->json);
                return NUTCTL_EXIT_SUCCESS;
        }
        /* scripts get the bytes nutd sent; a terminal gets no control characters */
        if (isatty(STDOUT_FILENO)) {
                safe = text_escape(value);
                if (!safe)
                        return -ENOMEM;
        }
        printf("%s\n", safe ?: value);
        return NUTCTL_EXIT_SUCCESS;
}
