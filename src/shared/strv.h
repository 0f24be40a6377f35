/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NULL-terminated string lists.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define STRV_FOREACH(s, l) for (char **s = (l); s && *s; s++)

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l);
bool strv_contains(char *const *l, const char *s);
bool strv_equal(char *const *a, char *const *b);
int strv_extend(char ***l, const char *s);
int strv_consume(char ***l, char *s);
char **strv_copy(char *const *l);
char **strv_split_ws(const char *s);
char *strv_join(char *const *l, const char *sep);
