/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every config parser here shares: error texts, "file:line:" warnings, booleans.
 */
#pragma once

#include "macro.h"

int conf_error(char **ret_error, const char *fmt, ...) _printf_(2, 3);
int conf_warning(char ***warnings, const char *file, unsigned line, const char *fmt, ...) _printf_(4, 5);
int conf_parse_boolean(const char *v);
