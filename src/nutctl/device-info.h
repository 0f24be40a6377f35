/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DeviceInfo: the properties of one org.nutd.Power1.Device as nutctl read them, whole (GetAll,
 * GetManagedObjects) or in part (PropertiesChanged), with their text and JSON forms.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "json.h"
#include "macro.h"

typedef enum DeviceField {
        DEVICE_NAME,
        DEVICE_DESCRIPTION,
        DEVICE_DRIVER,
        DEVICE_CONNECTION,
        DEVICE_STATUS,
        DEVICE_ALARMS,
        DEVICE_CHARGE,
        DEVICE_RUNTIME,
        DEVICE_LOAD,
        DEVICE_MANUFACTURER,
        DEVICE_MODEL,
        DEVICE_SERIAL,
        DEVICE_TYPE,
        DEVICE_LAST_UPDATE,
        DEVICE_COMMANDS,
        _DEVICE_FIELD_MAX,
        _DEVICE_FIELD_INVALID = -EINVAL,
} DeviceField;

typedef struct DeviceInfo {
        char *name;
        char *description;
        char *driver;
        char *connection;
        char **status;
        char **alarms;
        double charge;          /* -1: unknown */
        int64_t runtime;        /* -1: unknown */
        double load;            /* -1: unknown */
        char *manufacturer;
        char *model;
        char *serial;
        char *type;
        uint64_t last_update;   /* µs, CLOCK_REALTIME; 0: never */
        char **commands;
        unsigned fields;        /* (1 << DeviceField) for each property read */
} DeviceInfo;

const char *device_field_to_string(DeviceField f);
DeviceField device_field_from_string(const char *s);

DeviceInfo *device_info_new(void);
DeviceInfo *device_info_free(DeviceInfo *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(DeviceInfo *, device_info_free);
void device_info_free_many(DeviceInfo **l, size_t n);

static inline bool device_info_has(const DeviceInfo *d, DeviceField f)
{
        return d->fields & (1u << f);
}

int device_info_read(sd_bus_message *m, DeviceInfo *d);
int device_info_read_object(sd_bus_message *m, DeviceInfo **ret);
char *device_info_field_text(const DeviceInfo *d, DeviceField f);
void device_info_json(const DeviceInfo *d, JsonWriter *w);

int device_info_get(sd_bus *bus, const char *name, sd_bus_error *error, DeviceInfo **ret);
int device_info_list(sd_bus *bus, sd_bus_error *error, DeviceInfo ***ret, size_t *ret_n);
