/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl's side of org.nutd.Power1: the connection, object paths, method calls, and what a
 * failed call means for the user (a message on stderr and an exit status).
 */
#pragma once

#include <systemd/sd-bus.h>

#include "macro.h"

#define NUTD_BUS_NAME "org.nutd.Power1"
#define NUTD_OBJECT_PATH "/org/nutd/Power1"
#define NUTD_DEVICE_PATH_PREFIX "/org/nutd/Power1/device"
#define NUTD_MANAGER_INTERFACE "org.nutd.Power1.Manager"
#define NUTD_DEVICE_INTERFACE "org.nutd.Power1.Device"

int nutd_device_path(const char *name, char **ret);
int nutd_device_name(const char *path, char **ret);

int nutd_call_device(sd_bus *bus, const char *device, const char *member, sd_bus_error *error,
                     sd_bus_message **reply, const char *types, ...);
int nutd_new_device_call(sd_bus *bus, const char *device, const char *member, sd_bus_message **ret);

int nutd_error_report(const sd_bus_error *error, int r, const char *prefix, const char *subject);
int nutd_error_to_status(const sd_bus_error *error, int r);

int bus_read_string_pairs(sd_bus_message *m, char ***ret);
