/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device: the single copy of one power device's state. Drivers write into it and call
 * device_commit() once per update; the commit reaches the consumers once, through the hook
 * the manager installs. The model knows nothing of D-Bus or TCP.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

#include "device-vars.h"
#include "driver.h"
#include "macro.h"

typedef enum DeviceConnection {
        DEVICE_WAITING,         /* driver started, no data yet */
        DEVICE_CONNECTED,
        DEVICE_STALE,           /* no fresh data within the stale timeout */
        DEVICE_DISCONNECTED,
        _DEVICE_CONNECTION_MAX,
        _DEVICE_CONNECTION_INVALID = -EINVAL,
} DeviceConnection;

/* What consumers see besides the raw variables; recomputed on every commit. */
typedef struct DeviceSummary {
        const char *connection;
        char *description;
        char *driver;
        char **status;
        char **alarms;
        double charge;          /* -1: unknown */
        int64_t runtime;        /* -1: unknown */
        double load;            /* -1: unknown */
        char *manufacturer;
        char *model;
        char *serial;
        char *type;
        uint64_t last_update;   /* CLOCK_REALTIME µs of the last commit */
        char **commands;
} DeviceSummary;

/* Bit per DeviceSummary field, to say what a commit changed. */
typedef enum DeviceField {
        DEVICE_FIELD_CONNECTION = 1 << 0,
        DEVICE_FIELD_DESCRIPTION = 1 << 1,
        DEVICE_FIELD_DRIVER = 1 << 2,
        DEVICE_FIELD_STATUS = 1 << 3,
        DEVICE_FIELD_ALARMS = 1 << 4,
        DEVICE_FIELD_CHARGE = 1 << 5,
        DEVICE_FIELD_RUNTIME = 1 << 6,
        DEVICE_FIELD_LOAD = 1 << 7,
        DEVICE_FIELD_MANUFACTURER = 1 << 8,
        DEVICE_FIELD_MODEL = 1 << 9,
        DEVICE_FIELD_SERIAL = 1 << 10,
        DEVICE_FIELD_TYPE = 1 << 11,
        DEVICE_FIELD_LAST_UPDATE = 1 << 12,
        DEVICE_FIELD_COMMANDS = 1 << 13,
        _DEVICE_FIELD_ALL = (1 << 14) - 1,
} DeviceField;

typedef struct DeviceChange {
        DeviceVar **vars;       /* variables whose value changed */
        size_t n_vars;
        char **removed;         /* variables that disappeared */
        DeviceField fields;     /* summary fields that changed */
} DeviceChange;

typedef struct DeviceHooks {
        void (*changed)(Device *d, const DeviceChange *change, void *userdata);
} DeviceHooks;

struct Device {
        unsigned n_ref;
        char *name;
        sd_event *event;

        VarStore vars;
        char **commands;        /* sorted */
        char **alarm_list;      /* from device_add_alarm(); ups.alarm is their join */
        DeviceConnection connection;
        bool fsd;               /* forced shutdown latched (NUT FSD): "FSD" leads ups.status for clients */
        bool dirty;             /* something besides variables changed since the last commit */

        uint64_t stale_usec;    /* 0: never stale */
        sd_event_source *stale_timer;
        uint64_t op_timeout_usec;

        DeviceSummary summary;

        const DeviceHooks *hooks;
        void *hooks_userdata;

        const DriverOps *driver;
        void *driver_state;

        void *bus_data;         /* owned by the D-Bus binding */
};

int device_new(const char *name, sd_event *event, Device **ret);
Device *device_ref(Device *d);
Device *device_unref(Device *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Device *, device_unref);

void device_set_hooks(Device *d, const DeviceHooks *hooks, void *userdata);
int device_set_description(Device *d, const char *desc);
int device_set_driver_name(Device *d, const char *driver);

int device_set_var(Device *d, const char *name, const char *value);
int device_set_var_info(Device *d, const char *name, VarFlags flags, size_t max_len);
int device_remove_var(Device *d, const char *name);
const char *device_get_var(Device *d, const char *name);
int device_add_command(Device *d, const char *cmd);
int device_remove_command(Device *d, const char *cmd);
bool device_has_command(Device *d, const char *cmd);
int device_add_alarm(Device *d, const char *text);
int device_clear_alarms(Device *d);
void device_set_connection(Device *d, DeviceConnection c);
void device_set_fsd(Device *d);
int device_forward_fsd(Device *d);
int device_set_stale_timeout(Device *d, uint64_t usec);
int device_commit(Device *d);

int device_start_driver(Device *d, const DriverOps *ops, const DeviceConfig *c);
void device_stop_driver(Device *d);
int device_setvar(Device *d, const char *name, const char *value, DeviceOpDone done, void *userdata);
int device_instcmd(Device *d, const char *cmd, const char *param, DeviceOpDone done, void *userdata);
int device_killpower(Device *d, DeviceOpDone done, void *userdata);
int device_check_readable(Device *d);

const char *device_connection_to_string(DeviceConnection c);
DeviceConnection device_connection_from_string(const char *s);
