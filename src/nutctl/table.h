/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aligned text tables: a header, then cells filled row by row, each with an optional colour.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "macro.h"

typedef struct Table Table;

int table_new(const char *const *headers, const bool *align_right, Table **ret);
Table *table_free(Table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free);

int table_add(Table *t, const char *text, const char *color);
size_t table_rows(const Table *t);
int table_print(const Table *t, FILE *f, bool header);
