/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT variable store of one device: name → value plus NUT's metadata (flags, maximum
 * length, enumerations, ranges), kept sorted by case-insensitive name as upsd lists them,
 * with the changes since the last commit.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

typedef enum VarFlags {
        VAR_RW = 1 << 0,
        VAR_STRING = 1 << 1,
        VAR_NUMBER = 1 << 2,
} VarFlags;

typedef struct VarRange {
        long long min, max;
} VarRange;

typedef struct DeviceVar {
        char *name;
        char *value;
        VarFlags flags;
        size_t max_len;         /* STRING: longest accepted value; 0 = unspecified */
        char **enums;           /* values SET accepts; NULL = any */
        VarRange *ranges;       /* intervals SET accepts; none = any */
        size_t n_ranges;
        bool dirty;             /* value changed since the last commit */
} DeviceVar;

typedef struct VarStore {
        DeviceVar **vars;       /* sorted by strcasecmp(name) */
        size_t n_vars, n_alloc;
        char **removed;         /* names removed since the last commit */
        size_t n_dirty;
} VarStore;

void var_store_done(VarStore *s);
DeviceVar *var_store_get(const VarStore *s, const char *name);
const char *var_store_value(const VarStore *s, const char *name);
int var_store_set(VarStore *s, const char *name, const char *value, DeviceVar **ret);
int var_store_remove(VarStore *s, const char *name);
bool var_store_has_changes(const VarStore *s);
void var_store_clear_changes(VarStore *s);

int device_var_add_enum(DeviceVar *v, const char *value);
int device_var_add_range(DeviceVar *v, long long min, long long max);
int device_var_check_value(const DeviceVar *v, const char *value);
bool var_name_is_valid(const char *name);
