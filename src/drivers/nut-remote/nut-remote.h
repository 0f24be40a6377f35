/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote's operations for the shutdown controller (also in its DriverOps): setting the
 * forced-shutdown latch on the server a remote UPS comes from, and counting the other upsmon
 * sessions there (as upsmon does as primary).
 */
#pragma once

#include "driver.h"

/* state: d->driver_state of a device whose d->driver == &nut_remote_driver. */
int nut_remote_set_fsd(void *state, DeviceOpDone done, void *userdata);
int nut_remote_count_logins(void *state);
