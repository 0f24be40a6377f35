/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NULL-terminated string lists.
 */
#include <ctype.h>

#include "strv.h"

char **strv_free(char **l)
{
        STRV_FOREACH(s, l)
                free(*s);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l)
{
        size_t n = 0;

        while (l && l[n])
                n++;
        return n;
}

bool strv_contains(char *const *l, const char *s)
{
        for (size_t i = 0; l && l[i]; i++)
                if (streq(l[i], s))
                        return true;
        return false;
}

bool strv_equal(char *const *a, char *const *b)
{
        size_t i;

        for (i = 0; a && a[i] && b && b[i]; i++)
                if (!streq(a[i], b[i]))
                        return false;
        return (!a || !a[i]) && (!b || !b[i]);
}

/* Appends s, taking ownership of it (freed on failure). */
int strv_consume(char ***l, char *s)
{
        size_t n = strv_length(*l);
        char **t;

        if (!s)
                return -ENOMEM;
        t = realloc(*l, sizeof(char *) * (n + 2));
        if (!t) {
                free(s);
                return -ENOMEM;
        }
        t[n] = s;
        t[n + 1] = NULL;
        *l = t;
        return 0;
}

int strv_extend(char ***l, const char *s)
{
        return strv_consume(l, strdup(s));
}

char **strv_copy(char *const *l)
{
        _cleanup_strv_free_ char **c = calloc(strv_length(l) + 1, sizeof(char *));

        if (!c)
                return NULL;
        for (size_t i = 0; l && l[i]; i++) {
                c[i] = strdup(l[i]);
                if (!c[i])
                        return NULL;
        }
        return TAKE_PTR(c);
}

/* Splits at runs of ASCII whitespace; an empty or blank string gives an empty list. */
char **strv_split_ws(const char *s)
{
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        if (!l)
                return NULL;
        while (s && *s) {
                size_t n;

                while (*s && isspace((unsigned char) *s))
                        s++;
                for (n = 0; s[n] && !isspace((unsigned char) s[n]); n++)
                        ;
                if (n == 0)
                        break;
                if (strv_consume(&l, strndup(s, n)) < 0)
                        return NULL;
                s += n;
        }
        return TAKE_PTR(l);
}

char *strv_join(char *const *l, const char *sep)
{
        size_t len = 1, ls = strlen(sep);
        char *r, *p;

        for (size_t i = 0; l && l[i]; i++)
                len += strlen(l[i]) + (i > 0 ? ls : 0);
        r = p = malloc(len);
        if (!r)
                return NULL;
        *p = 0;
        for (size_t i = 0; l && l[i]; i++) {
                if (i > 0)
                        p = stpcpy(p, sep);
                p = stpcpy(p, l[i]);
        }
        return r;
}
