/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT variable store of one device. Lookups are case-insensitive, as upsd's are; the
 * array stays sorted, so a lookup is a binary search and listing needs no sort.
 */
#include <ctype.h>
#include <stdlib.h>

#include "device-vars.h"
#include "sorted.h"
#include "strv.h"

static DeviceVar *device_var_free(DeviceVar *v)
{
        if (!v)
                return NULL;
        free(v->name);
        free(v->value);
        strv_free(v->enums);
        free(v->ranges);
        return mfree(v);
}

void var_store_done(VarStore *s)
{
        for (size_t i = 0; i < s->n_vars; i++)
                device_var_free(s->vars[i]);
        free(s->vars);
        strv_free(s->removed);
        *s = (VarStore) {};
}

static size_t var_store_find(const VarStore *s, const char *name, bool *found)
{
        return sorted_find((void *const *) s->vars, s->n_vars, offsetof(DeviceVar, name), name, found);
}

DeviceVar *var_store_get(const VarStore *s, const char *name)
{
        bool found;
        size_t i = var_store_find(s, name, &found);

        return found ? s->vars[i] : NULL;
}

const char *var_store_value(const VarStore *s, const char *name)
{
        DeviceVar *v = var_store_get(s, name);

        return v ? v->value : NULL;
}

/* A NUT variable name: letters, digits, '.', '-', '_'; not empty, not starting with '.'. */
bool var_name_is_valid(const char *name)
{
        if (isempty(name) || name[0] == '.' || strlen(name) > 255)
                return false;
        for (const char *p = name; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("._-", *p))
                        return false;
        return true;
}

static void mark_dirty(VarStore *s, DeviceVar *v)
{
        if (!v->dirty) {
                v->dirty = true;
                s->n_dirty++;
        }
}

static void unremove(VarStore *s, const char *name)
{
        size_t j = 0;

        STRV_FOREACH(p, s->removed) {
                if (strcaseeq(*p, name))
                        free(*p);
                else
                        s->removed[j++] = *p;
        }
        if (s->removed)
                s->removed[j] = NULL;
}

/**
 * var_store_set() - set a variable, creating it if needed
 *
 * Returns 1 if the value changed (or the variable is new), 0 if it was the same,
 * -EINVAL for an invalid name, -ENOMEM. *ret (optional) points at the variable.
 */
int var_store_set(VarStore *s, const char *name, const char *value, DeviceVar **ret)
{
        _cleanup_free_ char *n = NULL, *val = NULL;
        DeviceVar *v;
        bool found;
        size_t i;
        int r;

        if (!var_name_is_valid(name))
                return -EINVAL;
        i = var_store_find(s, name, &found);
        if (found) {
                v = s->vars[i];
                r = free_and_strdup(&v->value, value);
                if (r > 0)
                        mark_dirty(s, v);
                if (r >= 0 && ret)
                        *ret = v;
                return r;
        }

        if (s->n_vars == s->n_alloc) {
                size_t na = s->n_alloc ? s->n_alloc * 2 : 32;
                DeviceVar **a = realloc(s->vars, na * sizeof(DeviceVar *));

                if (!a)
                        return -ENOMEM;
                s->vars = a;
                s->n_alloc = na;
        }
        n = strdup(name);
        val = strdup(value);
        v = calloc(1, sizeof(DeviceVar));
        if (!n || !val || !v) {
                free(v);
                return -ENOMEM;
        }
        v->name = TAKE_PTR(n);
        v->value = TAKE_PTR(val);
        memmove(s->vars + i + 1, s->vars + i, (s->n_vars - i) * sizeof(DeviceVar *));
        s->vars[i] = v;
        s->n_vars++;
        mark_dirty(s, v);
        unremove(s, name);
        if (ret)
                *ret = v;
        return 1;
}

/* Returns 1 if it existed, 0 if not. */
int var_store_remove(VarStore *s, const char *name)
{
        bool found;
        size_t i = var_store_find(s, name, &found);
        DeviceVar *v;
        int r;

        if (!found)
                return 0;
        v = s->vars[i];
        r = strv_extend(&s->removed, v->name);
        if (r < 0)
                return r;
        if (v->dirty)
                s->n_dirty--;
        memmove(s->vars + i, s->vars + i + 1, (s->n_vars - i - 1) * sizeof(DeviceVar *));
        s->n_vars--;
        device_var_free(v);
        return 1;
}

bool var_store_has_changes(const VarStore *s)
{
        return s->n_dirty > 0 || !isempty(s->removed ? s->removed[0] : NULL);
}

void var_store_clear_changes(VarStore *s)
{
        for (size_t i = 0; i < s->n_vars; i++)
                s->vars[i]->dirty = false;
        s->n_dirty = 0;
        s->removed = strv_free(s->removed);
}

int device_var_add_enum(DeviceVar *v, const char *value)
{
        if (strv_contains(v->enums, value))
                return 0;
        return strv_extend(&v->enums, value);
}

int device_var_add_range(DeviceVar *v, long long min, long long max)
{
        VarRange *r;

        if (min > max)
                return -EINVAL;
        r = realloc(v->ranges, (v->n_ranges + 1) * sizeof(VarRange));
        if (!r)
                return -ENOMEM;
        v->ranges = r;
        v->ranges[v->n_ranges++] = (VarRange) { min, max };
        return 0;
}

static int parse_number(const char *s, long double *ret)
{
        char *end;

        errno = 0;
        *ret = strtold(s, &end);
        if (errno != 0 || end == s || *end != 0)
                return -EINVAL;
        return 0;
}

/**
 * device_var_check_value() - can value be written into v?
 *
 * -EROFS: not writable; -E2BIG: longer than the maximum; -EINVAL: not a number for a
 * NUMBER, not one of the enumerated values, outside every range.
 */
int device_var_check_value(const DeviceVar *v, const char *value)
{
        long double x;
        bool in_range = v->n_ranges == 0;

        if (!(v->flags & VAR_RW))
                return -EROFS;
        if ((v->flags & VAR_STRING) && v->max_len > 0 && strlen(value) > v->max_len)
                return -E2BIG;
        if (v->enums && !strv_contains(v->enums, value))
                return -EINVAL;
        if ((v->flags & VAR_NUMBER) || v->n_ranges > 0) {
                if (parse_number(value, &x) < 0)
                        return -EINVAL;
                for (size_t i = 0; i < v->n_ranges; i++)
                        if (x >= v->ranges[i].min && x <= v->ranges[i].max)
                                in_range = true;
        }
        return in_range ? 0 : -EINVAL;
}
