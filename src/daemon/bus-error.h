/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The org.nutd.Power1.Error.* names and the errno each one stands for.
 */
#pragma once

#include <systemd/sd-bus.h>

#define NUTD_ERROR_PREFIX "org.nutd.Power1.Error."

int bus_error_set_from_errno(sd_bus_error *e, int r, const char *subject);
