/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl list: one line per device (name, what it is doing, charge, runtime, load), from
 * one GetManagedObjects call.
 */
#include <stdio.h>

#include "device-info.h"
#include "format.h"
#include "nutctl.h"
#include "nutd-bus.h"
#include "table.h"

static void list_json(DeviceInfo **devices, size_t n, JsonFormat format)
{
        JsonWriter w;

        json_init(&w, stdout, format);
        json_begin_array(&w);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *state = device_state_text(devices[i]->connection, devices[i]->status);

                json_begin_object(&w);
                device_info_json(devices[i], &w);
                json_key(&w, "state");
                json_string(&w, state);
                json_end_object(&w);
        }
        json_end_array(&w);
        (void) json_finish(&w);
}

static int list_add_row(Table *t, const DeviceInfo *d)
{
        _cleanup_free_ char *state = device_state_text(d->connection, d->status);
        char charge[FORMAT_PERCENT_MAX], runtime[FORMAT_RUNTIME_MAX], load[FORMAT_PERCENT_MAX];
        int r;

        if (!state)
                return -ENOMEM;
        if ((r = table_add(t, d->name, NULL)) < 0 ||
            (r = table_add(t, state, severity_color(device_state_severity(d->connection, d->status)))) < 0 ||
            (r = table_add(t, format_percent(charge, d->charge), NULL)) < 0 ||
            (r = table_add(t, format_runtime(runtime, d->runtime), NULL)) < 0 ||
            (r = table_add(t, format_percent(load, d->load), NULL)) < 0)
                return r;
        return 0;
}

int verb_list(sd_bus *bus, char **args, const NutctlArgs *a)
{
        static const char *const headers[] = { "NAME", "STATUS", "CHARGE", "RUNTIME", "LOAD", NULL };
        static const bool align_right[] = { false, false, true, true, true };
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(table_freep) Table *t = NULL;
        DeviceInfo **devices = NULL;
        size_t n = 0;
        int r;

        r = device_info_list(bus, &error, &devices, &n);
        if (r < 0)
                return nutd_error_report(&error, r, NULL, NULL);
        if (a->json != JSON_OFF) {
                list_json(devices, n, a->json);
                device_info_free_many(devices, n);
                return NUTCTL_EXIT_SUCCESS;
        }
        r = table_new(headers, align_right, &t);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = list_add_row(t, devices[i]);
        device_info_free_many(devices, n);
        if (r < 0)
                return r;
        if (n == 0 && a->legend)
                printf("No devices.\n");
        else
                r = table_print(t, stdout, a->legend);
        return r;
}
