/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report-descriptor fix-ups per subdriver (hid-status-rules.md §7): firmware that declares
 * logical ranges its values do not respect, repaired in the parsed descriptor before the
 * mapping is resolved. Pure: no I/O.
 */
#pragma once

#include <stdint.h>

#include "hid-mapping.h"
#include "hid-parser.h"

/* Applies the fix-up 'fix' (the subdriver's) if it covers vendor:product; returns the number of
 * fields changed (0 when the rule does not apply or finds nothing to repair) */
int hid_fixup_apply(HidDescriptor *d, HidFixReportDesc fix, uint16_t vendor, uint16_t product);
