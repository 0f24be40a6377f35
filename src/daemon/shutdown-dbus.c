/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * org.nutd.Power1.Shutdown on /org/nutd/Power1: the shutdown controller's state, the power
 * values, ForcedShutdown() (polkit org.nutd.power1.forced-shutdown) and the Event signal that
 * carries upsmon's notifications.
 */
#include "bus-error.h"
#include "log.h"
#include "manager.h"

#define SHUTDOWN_INTERFACE NUTD_BUS_NAME ".Shutdown"

static int property_get_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
        Manager *m = userdata;

        return sd_bus_message_append(reply, "s", shutdown_state_to_string(m->shutdown_state));
}

static int method_forced_shutdown(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        Manager *m = userdata;
        int r;

        r = polkit_verify_async(&m->polkit, msg, "org.nutd.power1.forced-shutdown", NULL, error);
        if (r <= 0)
                return r < 0 ? r : 1;
        log_notice("ForcedShutdown() by %s", strempty(sd_bus_message_get_sender(msg)));
        manager_shutdown_force(m);
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable shutdown_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PowerValue", "u", NULL, offsetof(Manager, power_value),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("MinSupplies", "u", NULL, offsetof(Manager, min_supplies),
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD("ForcedShutdown", "", "", method_forced_shutdown, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Event", SD_BUS_ARGS("s", type, "s", device, "s", message), 0),
        SD_BUS_VTABLE_END,
};

int shutdown_bus_register(Manager *m)
{
        return sd_bus_add_object_vtable(m->bus, NULL, NUTD_OBJECT_PATH, SHUTDOWN_INTERFACE, shutdown_vtable, m);
}

void shutdown_bus_emit_changed(Manager *m)
{
        if (m->bus)
                (void) sd_bus_emit_properties_changed(m->bus, NUTD_OBJECT_PATH, SHUTDOWN_INTERFACE, "State",
                                                      "PowerValue", "MinSupplies", NULL);
}

void shutdown_bus_emit_event(Manager *m, const char *type, const char *device, const char *message)
{
        if (m->bus)
                (void) sd_bus_emit_signal(m->bus, NUTD_OBJECT_PATH, SHUTDOWN_INTERFACE, "Event", "sss", type,
                                          device, message);
}
