/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver interface: a const descriptor per driver, per-instance state, asynchronous
 * operations that report through a completion callback.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct udev_device;
typedef struct Device Device;
typedef struct DeviceConfig DeviceConfig;

/* Called exactly once per accepted operation: r = 0 on success, negative errno on failure. */
typedef void (*DeviceOpDone)(int r, void *userdata);

/* Where a driver's device is: it decides how the shutdown treats it. */
typedef enum DriverTransport {
        DRIVER_LOCAL,           /* attached to this host: cut its power at the very end */
        DRIVER_NETWORK,         /* reached over the network: told while the network is up */
        DRIVER_SIMULATED,       /* no hardware: powers this host only when upsmon.conf says so */
} DriverTransport;

/* A USB device a driver claims by its IDs; lists end with { 0, 0 } */
typedef struct UsbId {
        uint16_t vendor, product;
} UsbId;

typedef struct DriverOps {
        const char *name;               /* ups.conf "driver =" value */
        DriverTransport transport;
        const char *version;            /* published as driver.version.internal */

        /* The VID:PIDs the udev rules let the service open; NULL: none */
        const UsbId *usb_ids;

        /* > 0: this driver claims a hot-plugged device. NULL: never hot-plugged. */
        int (*match_udev)(struct udev_device *d);

        /* Hot-plug, for drivers of local devices: does this section (or the section
         * nutd made up for an auto-detected device) describe this udev device? > 0: yes */
        int (*match_config)(const DeviceConfig *c, struct udev_device *u);
        /* The device appeared (or was there at start-up) / went away */
        int (*attach)(void *state, struct udev_device *u);
        void (*detach)(void *state);
        /* The section nutd uses for an auto-detected device: match keys as ups.conf keys, and
         * the name it proposes (the manager makes it unique) */
        int (*describe_udev)(struct udev_device *u, char **ret_name, char ***ret_params);

        /* Sets up I/O on the device's event loop; the first data arrives later. */
        int (*start)(Device *d, const DeviceConfig *c, void **ret_state);

        /* Optional; -EOPNOTSUPP when NULL. Returning < 0 means done will not be called. */
        int (*instcmd)(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata);
        int (*setvar)(void *state, const char *name, const char *value, DeviceOpDone done, void *userdata);
        int (*killpower)(void *state, DeviceOpDone done, void *userdata);
        /* Forced shutdown latched on a device of another server (FSD there, as upsmon's primary) */
        int (*set_fsd)(void *state, DeviceOpDone done, void *userdata);
        /* The other upsmon sessions that server counts for the device (NUMLOGINS less ours);
         * -ENODATA when not known */
        int (*count_logins)(void *state);

        /* Releases everything; pending operations are completed with -ECANCELED first. */
        void (*stop)(void *state);
} DriverOps;

const DriverOps *driver_find(const char *name);
const DriverOps *const *driver_table_get(size_t *ret_n);
int driver_claim_udev(struct udev_device *u, const DriverOps **ret_ops, char **ret_name, char ***ret_params);
