/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bus connection and the org.nutd.Power1.Manager object at /org/nutd/Power1, which is
 * also the ObjectManager of all device objects.
 */
#include "bus-error.h"
#include "log.h"
#include "manager.h"

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_free_ char *problem = NULL;
        Manager *m = userdata;
        int r;

        r = polkit_verify_async(&m->polkit, msg, "org.nutd.power1.manage", NULL, error);
        if (r <= 0)
                return r < 0 ? r : 1;
        r = manager_reload(m, &problem);
        if (r < 0)
                return sd_bus_error_setf(error, NUTD_ERROR_PREFIX "CommandFailed", "%s",
                                         problem ?: strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("OnBattery", "b", NULL, offsetof(Manager, on_battery), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD("Reload", "", "", method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

void manager_bus_emit_on_battery(Manager *m)
{
        if (!m->bus)
                return;
        (void) sd_bus_emit_properties_changed(m->bus, NUTD_OBJECT_PATH, NUTD_BUS_NAME ".Manager", "OnBattery",
                                              NULL);
}

static int on_name_acquired(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Manager *m = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e) {
                log_error("Cannot own %s on the system bus: %s", NUTD_BUS_NAME, e->message ?: e->name);
                return sd_event_exit(m->event, -EACCES);
        }
        log_debug("Acquired %s", NUTD_BUS_NAME);
        return 0;
}

/**
 * manager_bus_setup() - connect to the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured),
 * publish the objects and ask for the name
 */
int manager_bus_setup(Manager *m)
{
        int r;

        r = sd_bus_open_system(&m->bus);
        if (r < 0)
                return log_error_errno(r, "Cannot connect to the system bus: %m");
        (void) sd_bus_set_description(m->bus, "nutd");
        r = sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Cannot attach the bus to the event loop: %m");
        r = sd_bus_add_object_manager(m->bus, NULL, NUTD_OBJECT_PATH);
        if (r < 0)
                return log_error_errno(r, "Cannot add the object manager: %m");
        r = sd_bus_add_object_vtable(m->bus, NULL, NUTD_OBJECT_PATH, NUTD_BUS_NAME ".Manager", manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Cannot publish the manager object: %m");
        r = device_bus_register(m);
        if (r < 0)
                return log_error_errno(r, "Cannot publish the device objects: %m");
        r = shutdown_bus_register(m);
        if (r < 0)
                return log_error_errno(r, "Cannot publish the shutdown interface: %m");
        r = sd_bus_request_name_async(m->bus, NULL, NUTD_BUS_NAME, 0, on_name_acquired, m);
        if (r < 0)
                return log_error_errno(r, "Cannot request %s: %m", NUTD_BUS_NAME);
        return 0;
}
