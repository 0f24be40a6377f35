/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ups.conf (devices) and nutd.conf (nutd's own settings), in NUT's syntax.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

typedef struct ConfPair {
        char *key;
        char *value;            /* NULL for a bare flag word */
} ConfPair;

typedef struct DeviceConfig {
        char *name;             /* section name */
        char *driver;
        char *port;
        char *desc;
        ConfPair *params;       /* every key of the section but driver and desc, in file order */
        size_t n_params;
        const ConfPair *globals;        /* ups.conf lines before the first section */
        size_t n_globals;
        const char *config_dir; /* relative paths are resolved against it */
} DeviceConfig;

typedef struct UpsConfig {
        ConfPair *globals;
        size_t n_globals;
        DeviceConfig *devices;
        size_t n_devices;
        char *config_dir;
} UpsConfig;

typedef struct NutdConfig {
        bool dbus;              /* DBUS: publish on the system bus */
        bool autodetect;        /* AUTODETECT: claim hot-plugged USB UPSes */
        bool upower;            /* UPOWER: UPower compatibility objects */
        uint64_t idle_timeout_usec;     /* IDLE_TIMEOUT: NUT clients silent for longer are dropped */
} NutdConfig;

void nutd_config_init(NutdConfig *c);
int nutd_config_load(NutdConfig *c, const char *path, char **ret_error);

UpsConfig *ups_config_free(UpsConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(UpsConfig *, ups_config_free);
int ups_config_load(const char *config_dir, UpsConfig **ret, char **ret_error);
int ups_config_parse(const char *config_dir, const char *name, const char *text, size_t size, UpsConfig **ret,
                     char **ret_error);

int ups_config_add_remote(UpsConfig *c, const char *system, const char *username, const char *password);
int ups_config_add_detected(UpsConfig *c, const char *name, const char *driver, char **params);
const char *device_config_get(const DeviceConfig *c, const char *key);
bool device_config_equal(const DeviceConfig *a, const DeviceConfig *b);
int device_config_resolve_path(const DeviceConfig *c, const char *path, char **ret);
