/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What nutctl writes to a terminal: colours (only on a terminal, never with NO_COLOR), the
 * visible width of a UTF-8 string, and text made safe to show.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define ANSI_NORMAL "\033[0m"
#define ANSI_BOLD "\033[0;1m"
#define ANSI_GREEN "\033[0;32m"
#define ANSI_YELLOW "\033[0;33m"
#define ANSI_RED "\033[0;1;31m"
#define ANSI_GREY "\033[0;2m"

bool colors_enabled(void);
const char *ansi(const char *color);
const char *ansi_normal(void);

size_t utf8_width(const char *s);
char *text_escape(const char *s);
