/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The native drivers' descriptors.
 */
#pragma once

#include "driver.h"

extern const DriverOps dummy_driver;
extern const DriverOps nut_remote_driver;
extern const DriverOps usbhid_driver;
