/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Binary search in arrays of pointers to objects kept sorted by a case-insensitive name,
 * which is how NUT looks names up (devices, variables).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

/* Index of name in items (each item has a "char *" at name_offset), or where it would go. */
static inline size_t sorted_find(void *const *items, size_t n, size_t name_offset, const char *name, bool *found)
{
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcasecmp(name, *(char *const *) ((const char *) items[mid] + name_offset));

                if (c == 0) {
                        *found = true;
                        return mid;
                }
                if (c < 0)
                        hi = mid;
                else
                        lo = mid + 1;
        }
        *found = false;
        return lo;
}
