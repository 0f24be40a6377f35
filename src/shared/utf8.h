/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UTF-8 checks: D-Bus strings must be valid UTF-8, device data often is not.
 */
#pragma once

#include <stdbool.h>

bool utf8_is_valid(const char *s);
char *utf8_sanitize(const char *s);
