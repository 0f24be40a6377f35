/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading device properties. One table names each property, its D-Bus signature, its JSON
 * key and where it lands in DeviceInfo; properties nutctl does not know are skipped, so a
 * newer nutd with more properties still works with an older nutctl.
 */
#include <stddef.h>

#include "device-info.h"
#include "format.h"
#include "nutd-bus.h"
#include "string-table.h"
#include "strv.h"

typedef struct DeviceProperty {
        const char *json;
        const char *signature;
        size_t offset;
} DeviceProperty;

static const char *const device_field_table[_DEVICE_FIELD_MAX] = {
        [DEVICE_NAME] = "Name",
        [DEVICE_DESCRIPTION] = "Description",
        [DEVICE_DRIVER] = "Driver",
        [DEVICE_CONNECTION] = "Connection",
        [DEVICE_STATUS] = "Status",
        [DEVICE_ALARMS] = "Alarms",
        [DEVICE_CHARGE] = "Charge",
        [DEVICE_RUNTIME] = "Runtime",
        [DEVICE_LOAD] = "Load",
        [DEVICE_MANUFACTURER] = "Manufacturer",
        [DEVICE_MODEL] = "Model",
        [DEVICE_SERIAL] = "Serial",
        [DEVICE_TYPE] = "Type",
        [DEVICE_LAST_UPDATE] = "LastUpdate",
        [DEVICE_COMMANDS] = "Commands",
};

DEFINE_STRING_TABLE(device_field, DeviceField);

static const DeviceProperty device_property_table[_DEVICE_FIELD_MAX] = {
        [DEVICE_NAME] = { "name", "s", offsetof(DeviceInfo, name) },
        [DEVICE_DESCRIPTION] = { "description", "s", offsetof(DeviceInfo, description) },
        [DEVICE_DRIVER] = { "driver", "s", offsetof(DeviceInfo, driver) },
        [DEVICE_CONNECTION] = { "connection", "s", offsetof(DeviceInfo, connection) },
        [DEVICE_STATUS] = { "status", "as", offsetof(DeviceInfo, status) },
        [DEVICE_ALARMS] = { "alarms", "as", offsetof(DeviceInfo, alarms) },
        [DEVICE_CHARGE] = { "charge", "d", offsetof(DeviceInfo, charge) },
        [DEVICE_RUNTIME] = { "runtime", "x", offsetof(DeviceInfo, runtime) },
        [DEVICE_LOAD] = { "load", "d", offsetof(DeviceInfo, load) },
        [DEVICE_MANUFACTURER] = { "manufacturer", "s", offsetof(DeviceInfo, manufacturer) },
        [DEVICE_MODEL] = { "model", "s", offsetof(DeviceInfo, model) },
        [DEVICE_SERIAL] = { "serial", "s", offsetof(DeviceInfo, serial) },
        [DEVICE_TYPE] = { "type", "s", offsetof(DeviceInfo, type) },
        [DEVICE_LAST_UPDATE] = { "last_update", "t", offsetof(DeviceInfo, last_update) },
        [DEVICE_COMMANDS] = { "commands", "as", offsetof(DeviceInfo, commands) },
};

DeviceInfo *device_info_new(void)
{
        DeviceInfo *d = calloc(1, sizeof(DeviceInfo));

        if (!d)
                return NULL;
        d->charge = d->load = -1;
        d->runtime = -1;
        return d;
}

DeviceInfo *device_info_free(DeviceInfo *d)
{
        if (!d)
                return NULL;
        for (DeviceField f = 0; f < _DEVICE_FIELD_MAX; f++) {
                void *p = (char *) d + device_property_table[f].offset;

                if (streq(device_property_table[f].signature, "s"))
                        free(*(char **) p);
                else if (streq(device_property_table[f].signature, "as"))
                        strv_free(*(char ***) p);
        }
        return mfree(d);
}

void device_info_free_many(DeviceInfo **l, size_t n)
{
        for (size_t i = 0; i < n; i++)
                device_info_free(l[i]);
        free(l);
}

/* Reads the variant of one known property into its field. */
static int read_property(sd_bus_message *m, DeviceInfo *d, DeviceField f)
{
        const DeviceProperty *p = &device_property_table[f];
        void *field = (char *) d + p->offset;
        const char *s;
        int r;

        r = sd_bus_message_enter_container(m, 'v', p->signature);
        if (r < 0)
                return r;
        if (streq(p->signature, "as")) {
                char **l = NULL;

                r = sd_bus_message_read_strv(m, &l);
                if (r >= 0) {
                        strv_free(*(char ***) field);
                        *(char ***) field = l;
                }
        } else if (streq(p->signature, "s")) {
                r = sd_bus_message_read_basic(m, 's', &s);
                if (r >= 0)
                        r = free_and_strdup((char **) field, s);
        } else
                r = sd_bus_message_read_basic(m, p->signature[0], field);
        if (r < 0)
                return r;
        d->fields |= 1u << f;
        return sd_bus_message_exit_container(m);
}

/**
 * device_info_read() - read an a{sv} of device properties into d
 *
 * Known properties with the expected signature are stored and marked in d->fields; others
 * are skipped. Works for GetAll, GetManagedObjects and PropertiesChanged.
 */
int device_info_read(sd_bus_message *m, DeviceInfo *d)
{
        const char *name, *contents;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                DeviceField f;

                r = sd_bus_message_read_basic(m, 's', &name);
                if (r < 0)
                        return r;
                f = device_field_from_string(name);
                if (f >= 0 && sd_bus_message_peek_type(m, NULL, &contents) >= 0 &&
                    streq(contents, device_property_table[f].signature))
                        r = read_property(m, d, f);
                else
                        r = sd_bus_message_skip(m, "v");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* The value of field f for people ("on battery, discharging", "95%", "38 min"); NULL: OOM. */
char *device_info_field_text(const DeviceInfo *d, DeviceField f)
{
        char buf[FORMAT_TIMESTAMP_MAX];

        switch (f) {
        case DEVICE_STATUS:
                return status_words(d->status);
        case DEVICE_ALARMS:
                return d->alarms ? strv_join(d->alarms, ", ") : strdup("");
        case DEVICE_COMMANDS:
                return d->commands ? strv_join(d->commands, ", ") : strdup("");
        case DEVICE_CHARGE:
                return strdup(format_percent(buf, d->charge));
        case DEVICE_LOAD:
                return strdup(format_percent(buf, d->load));
        case DEVICE_RUNTIME:
                return strdup(format_runtime(buf, d->runtime));
        case DEVICE_LAST_UPDATE:
                return strdup(format_timestamp(buf, d->last_update, /* iso_utc= */ false));
        default:
                if (f < 0 || f >= _DEVICE_FIELD_MAX || !streq(device_property_table[f].signature, "s"))
                        return NULL;
                return strdup(strempty(*(char **) ((const char *) d + device_property_table[f].offset)));
        }
}

/* Writes "key": value for each property read, into the object w has open; unknown is null. */
void device_info_json(const DeviceInfo *d, JsonWriter *w)
{
        for (DeviceField f = 0; f < _DEVICE_FIELD_MAX; f++) {
                const DeviceProperty *p = &device_property_table[f];
                const void *field = (const char *) d + p->offset;

                if (!device_info_has(d, f))
                        continue;
                json_key(w, p->json);
                if (streq(p->signature, "s"))
                        json_string(w, *(char *const *) field);
                else if (streq(p->signature, "as"))
                        json_strv(w, *(char **const *) field);
                else if (f == DEVICE_RUNTIME)
                        d->runtime < 0 ? json_null(w) : json_int(w, d->runtime);
                else if (f == DEVICE_LAST_UPDATE)
                        d->last_update == 0 ? json_null(w) : json_uint(w, d->last_update);
                else
                        *(const double *) field < 0 ? json_null(w) : json_double(w, *(const double *) field);
        }
}

/* Properties of one device (GetAll); *error says why not, e.g. UnknownObject. */
int device_info_get(sd_bus *bus, const char *name, sd_bus_error *error, DeviceInfo **ret)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(device_info_freep) DeviceInfo *d = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = nutd_device_path(name, &path);
        if (r < 0)
                return r;
        r = sd_bus_call_method(bus, NUTD_BUS_NAME, path, "org.freedesktop.DBus.Properties", "GetAll", error,
                               &reply, "s", NUTD_DEVICE_INTERFACE);
        if (r < 0)
                return r;
        d = device_info_new();
        if (!d)
                return -ENOMEM;
        r = device_info_read(reply, d);
        if (r < 0)
                return r;
        if (!d->name && !(d->name = strdup(name)))
                return -ENOMEM;
        *ret = TAKE_PTR(d);
        return 0;
}

/**
 * device_info_read_object() - read an object path and its interfaces with their properties
 *
 * That is one entry of GetManagedObjects, or the body of InterfacesAdded ("oa{sa{sv}}").
 * *ret is NULL when the object is not a device.
 */
int device_info_read_object(sd_bus_message *m, DeviceInfo **ret)
{
        _cleanup_(device_info_freep) DeviceInfo *d = NULL;
        const char *path, *interface;
        int r;

        r = sd_bus_message_read_basic(m, 'o', &path);
        if (r < 0 || (r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}")) < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
                r = sd_bus_message_read_basic(m, 's', &interface);
                if (r < 0)
                        return r;
                if (streq(interface, NUTD_DEVICE_INTERFACE) && !d) {
                        d = device_info_new();
                        if (!d)
                                return -ENOMEM;
                        r = device_info_read(m, d);
                } else
                        r = sd_bus_message_skip(m, "a{sv}");
                if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
                        return r;
        }
        if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
                return r;
        if (d && !d->name && nutd_device_name(path, &d->name) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(d);
        return 0;
}

static int device_info_compare(const void *a, const void *b)
{
        const DeviceInfo *x = *(DeviceInfo *const *) a, *y = *(DeviceInfo *const *) b;

        return strcmp(strempty(x->name), strempty(y->name));
}

/**
 * device_info_list() - every device, sorted by name, from one GetManagedObjects call
 */
int device_info_list(sd_bus *bus, sd_bus_error *error, DeviceInfo ***ret, size_t *ret_n)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        DeviceInfo **l = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_call_method(bus, NUTD_BUS_NAME, NUTD_OBJECT_PATH, "org.freedesktop.DBus.ObjectManager",
                               "GetManagedObjects", error, &reply, NULL);
        if (r < 0 || (r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}")) < 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}")) > 0) {
                DeviceInfo *d = NULL, **a = NULL;

                r = device_info_read_object(reply, &d);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r >= 0 && d && !(a = realloc(l, (n + 1) * sizeof(DeviceInfo *))))
                        r = -ENOMEM;
                if (r < 0) {
                        device_info_free(d);
                        break;
                }
                if (d) {
                        l = a;
                        l[n++] = d;
                }
        }
        if (r < 0) {
                device_info_free_many(l, n);
                return r;
        }
        if (n > 0)
                qsort(l, n, sizeof(DeviceInfo *), device_info_compare);
        *ret = l;
        *ret_n = n;
        return 0;
}
