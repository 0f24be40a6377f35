/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hot-plug: udev enumeration at start-up, then a udev monitor on the loop. A USB device is
 * given to the device whose ups.conf section (or earlier auto-detected section) matches it,
 * else, with AUTODETECT, to a new device of the first driver that claims it. Removal
 * detaches it: the device stays, "disconnected", until the same unit comes back.
 */
#pragma once

#include "macro.h"

typedef struct Manager Manager;
typedef struct Hotplug Hotplug;

int hotplug_new(Manager *m, Hotplug **ret);
Hotplug *hotplug_free(Hotplug *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(Hotplug *, hotplug_free);

/* Offers every present device again (start-up, and after a reload restarted drivers) */
int hotplug_enumerate(Hotplug *h);
