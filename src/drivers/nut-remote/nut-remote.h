/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What nut-remote offers beyond DriverOps, for the shutdown controller: setting the forced-shutdown
 * latch on the server a remote UPS comes from (as upsmon does as primary).
 */
#pragma once

#include "driver.h"

/* state: d->driver_state of a device whose d->driver == &nut_remote_driver. */
int nut_remote_set_fsd(void *state, DeviceOpDone done, void *userdata);
