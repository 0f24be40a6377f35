/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every config parser here shares: error texts, "file:line:" warnings, booleans.
 */
#include <stdarg.h>
#include <stdio.h>

#include "conf-util.h"
#include "strv.h"

/* Sets *ret_error to the formatted text (NULL when out of memory); returns -EINVAL. */
int conf_error(char **ret_error, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EINVAL;
}

/* Appends "file:line: text" to *warnings, for lines ignored the way NUT ignores them. */
int conf_warning(char ***warnings, const char *file, unsigned line, const char *fmt, ...)
{
        _cleanup_free_ char *msg = NULL;
        char *s;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0 || asprintf(&s, "%s:%u: %s", file, line, msg) < 0)
                return -ENOMEM;
        return strv_consume(warnings, s);
}

/* yes/true/on/1 → 1, no/false/off/0 → 0 (any case), else -EINVAL. */
int conf_parse_boolean(const char *v)
{
        static const char *const yes[] = { "true", "yes", "on", "1" };
        static const char *const no[] = { "false", "no", "off", "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcaseeq(v, yes[i]))
                        return 1;
                if (strcaseeq(v, no[i]))
                        return 0;
        }
        return -EINVAL;
}
