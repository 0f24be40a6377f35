/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enum <-> string tables: DEFINE_STRING_TABLE(name, Type) defines name_to_string() and
 * name_from_string() over a static const char *const name_table[].
 */
#pragma once

#include <errno.h>
#include <string.h>

#define DEFINE_STRING_TABLE(name, type)                                         \
        const char *name##_to_string(type i)                                    \
        {                                                                       \
                if ((int) i < 0 || (size_t) i >= sizeof(name##_table) / sizeof(name##_table[0])) \
                        return NULL;                                            \
                return name##_table[i];                                         \
        }                                                                       \
        type name##_from_string(const char *s)                                  \
        {                                                                       \
                if (!s)                                                         \
                        return (type) -EINVAL;                                  \
                for (size_t i = 0; i < sizeof(name##_table) / sizeof(name##_table[0]); i++) \
                        if (name##_table[i] && strcmp(name##_table[i], s) == 0) \
                                return (type) i;                                \
                return (type) -EINVAL;                                          \
        }
