/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl status NAME: the device's properties, then all its NUT variables grouped by their
 * first component (battery, device, input, output, ups, ...).
 */
#include <stdio.h>

#include "device-info.h"
#include "format.h"
#include "nutctl.h"
#include "nutd-bus.h"
#include "strv.h"
#include "terminal.h"

#define LABEL_WIDTH 12

/* The summary lines, in this order; empty values are left out. */
static const DeviceField status_fields[] = {
        DEVICE_STATUS, DEVICE_CONNECTION, DEVICE_CHARGE, DEVICE_RUNTIME, DEVICE_LOAD, DEVICE_ALARMS,
        DEVICE_MANUFACTURER, DEVICE_MODEL, DEVICE_SERIAL, DEVICE_TYPE, DEVICE_DRIVER,
        DEVICE_LAST_UPDATE, DEVICE_COMMANDS,
};

static const char *field_label(DeviceField f)
{
        return f == DEVICE_LAST_UPDATE ? "Last update" : device_field_to_string(f);
}

static const char *field_color(const DeviceInfo *d, DeviceField f)
{
        if (f == DEVICE_STATUS)
                return severity_color(device_state_severity("connected", d->status));
        if (f == DEVICE_CONNECTION && !streq_ptr(d->connection, "connected"))
                return severity_color(device_state_severity(d->connection, NULL));
        if (f == DEVICE_ALARMS)
                return ANSI_YELLOW;
        return NULL;
}

static int print_summary(const DeviceInfo *d)
{
        _cleanup_free_ char *name = text_escape(d->name), *desc = text_escape(strempty(d->description));

        if (!name || !desc)
                return -ENOMEM;
        printf("%s%s%s%s%s\n", ansi(ANSI_BOLD), name, ansi_normal(), isempty(desc) ? "" : " - ", desc);
        for (size_t i = 0; i < ELEMENTSOF(status_fields); i++) {
                DeviceField f = status_fields[i];
                _cleanup_free_ char *text = NULL, *safe = NULL;
                const char *color;

                if (!device_info_has(d, f))
                        continue;
                text = device_info_field_text(d, f);
                safe = text ? text_escape(text) : NULL;
                if (!safe)
                        return -ENOMEM;
                if (isempty(safe) || streq(safe, "-"))
                        continue;
                color = field_color(d, f);
                printf("%*s: %s%s%s\n", LABEL_WIDTH, field_label(f), ansi(color), safe,
                       color ? ansi_normal() : "");
        }
        return 0;
}

static int pair_compare(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sorts a name, value, name, value, ... list by name. */
static void pairs_sort(char **pairs)
{
        qsort(pairs, strv_length(pairs) / 2, 2 * sizeof(char *), pair_compare);
}

static size_t group_length(const char *name)
{
        const char *dot = strchr(name, '.');

        return dot ? (size_t) (dot - name) : strlen(name);
}

static int print_variables(char **vars)
{
        size_t width = 0;
        const char *group = NULL;

        for (char **v = vars; v[0] && v[1]; v += 2)
                if (utf8_width(v[0]) > width)
                        width = utf8_width(v[0]);
        for (char **v = vars; v[0] && v[1]; v += 2) {
                _cleanup_free_ char *name = text_escape(v[0]), *value = text_escape(v[1]);
                size_t n = group_length(v[0]), pad;

                if (!name || !value)
                        return -ENOMEM;
                if (!group || group_length(group) != n || strncmp(group, v[0], n) != 0) {
                        printf("\n%s%.*s%s\n", ansi(ANSI_BOLD), (int) group_length(name), name,
                               ansi_normal());
                        group = v[0];
                }
                pad = width > utf8_width(name) ? width - utf8_width(name) : 0;
                printf("  %s%*s  %s\n", name, (int) pad, "", value);
        }
        return 0;
}

static void status_json(const DeviceInfo *d, char **vars, JsonFormat format)
{
        _cleanup_free_ char *state = device_state_text(d->connection, d->status);
        JsonWriter w;

        json_init(&w, stdout, format);
        json_begin_object(&w);
        device_info_json(d, &w);
        json_key(&w, "state");
        json_string(&w, state);
        json_key(&w, "variables");
        json_begin_object(&w);
        for (char **v = vars; v[0] && v[1]; v += 2) {
                json_key(&w, v[0]);
                json_string(&w, v[1]);
        }
        json_end_object(&w);
        json_end_object(&w);
        (void) json_finish(&w);
}

int verb_status(sd_bus *bus, char **args, const NutctlArgs *a)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(device_info_freep) DeviceInfo *d = NULL;
        _cleanup_strv_free_ char **vars = NULL;
        const char *name = args[0];
        int r;

        r = device_info_get(bus, name, &error, &d);
        if (r < 0)
                return nutd_error_report(&error, r, name, NULL);
        r = nutd_call_device(bus, name, "GetVariables", &error, &reply, NULL);
        if (r < 0)
                return nutd_error_report(&error, r, name, NULL);
        r = bus_read_string_pairs(reply, &vars);
        if (r < 0)
                return r;
        pairs_sort(vars);
        if (a->json != JSON_OFF) {
                status_json(d, vars, a->json);
                return NUTCTL_EXIT_SUCCESS;
        }
        r = print_summary(d);
        if (r < 0)
                return r;
        return print_variables(vars);
}
