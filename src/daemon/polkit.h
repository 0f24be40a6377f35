/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asynchronous polkit authorization of D-Bus method calls.
 */
#pragma once

#include <systemd/sd-bus.h>

typedef struct PolkitQuery PolkitQuery;

typedef struct PolkitRegistry {
        PolkitQuery *queries;
} PolkitRegistry;

void polkit_registry_done(PolkitRegistry *r);
int polkit_verify_async(PolkitRegistry *reg, sd_bus_message *msg, const char *action, char **details,
                        sd_bus_error *error);
