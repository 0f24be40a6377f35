/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Manager: the event loop, the bus connection, the configuration and the devices. Every
 * device commit reaches manager_device_changed(), the one fan-out point.
 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "controller.h"
#include "device.h"
#include "hotplug.h"
#include "logind.h"
#include "polkit.h"
#include "server.h"
#include "upsd-conf.h"
#include "upsmon-conf.h"
#include "users.h"

#define NUTD_BUS_NAME "org.nutd.Power1"
#define NUTD_OBJECT_PATH "/org/nutd/Power1"
#define NUTD_DEVICE_PATH_PREFIX "/org/nutd/Power1/device"

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        PolkitRegistry polkit;
        char *config_dir;
        NutdConfig nutd;
        UpsConfig *ups;
        UpsdConfig upsd;
        NutUsers *users;                /* until handed to the NUT server */
        NutServer *nut;

        UpsmonConfig upsmon;
        Controller *controller;
        Logind *logind;
        sd_event_source *shutdown_timer;
        sd_event_source *release_timer;  /* PrepareForShutdown: the latest the inhibitor goes */
        unsigned release_pending;        /* shutdown.return commands not answered yet */
        unsigned release_round;          /* which PrepareForShutdown they belong to */
        ShutdownState shutdown_state;
        unsigned power_value, min_supplies;
        bool power_failure_shutdown;    /* we started the shutdown (what PrepareForShutdown acts on) */
        char **fsd_set;                 /* the UPSes we set FSD on as their primary: only these are
                                         * told to cut power (a secondary never cuts a shared UPS) */
        bool in_shutdown_evaluate;

        Hotplug *hotplug;
        UpsConfig *detected;    /* the sections made up for auto-detected devices */

        Device **devices;       /* sorted by strcasecmp(name) */
        size_t n_devices;

        bool on_battery;
        char *status_text;      /* last STATUS= sent to systemd */
} Manager;

int manager_new(const char *config_dir, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

int manager_load_config(Manager *m);
int manager_start(Manager *m);
int manager_run(Manager *m);
int manager_reload(Manager *m, char **ret_error);

Device *manager_find_device(Manager *m, const char *name);
const DeviceConfig *manager_find_config(Manager *m, const char *name);
int manager_add_detected_device(Manager *m, const char *name, const char *driver, char **params, Device **ret);
void manager_device_changed(Device *d, const DeviceChange *change, void *userdata);

/* manager-dbus.c */
int manager_bus_setup(Manager *m);
void manager_bus_emit_on_battery(Manager *m);

/* manager-shutdown.c, shutdown-dbus.c */
int manager_shutdown_start(Manager *m);
void manager_shutdown_evaluate(Manager *m);
void manager_shutdown_force(Manager *m);
int shutdown_bus_register(Manager *m);
void shutdown_bus_emit_changed(Manager *m);
void shutdown_bus_emit_event(Manager *m, const char *type, const char *device, const char *message);

/* device-dbus.c */
int device_bus_register(Manager *m);
int device_bus_path(const Device *d, char **ret);
void device_bus_emit_changed(Manager *m, Device *d, const DeviceChange *change);
void device_bus_attach(Manager *m, Device *d);
void device_bus_emit_removed(Manager *m, Device *d);
