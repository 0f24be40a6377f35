/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging to stderr. Under systemd (JOURNAL_STREAM matches stderr) each line gets a "<N>"
 * priority prefix that journald understands; on a terminal it is plain text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool prefix_level;

void log_set_max_level(int level)
{
        max_level = level;
}

int log_get_max_level(void)
{
        return max_level;
}

static const char *const level_table[] = {
        [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",   [LOG_ERR] = "err",
        [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

/* Accepts a name ("debug", "warning", "error") or a number 0–7. */
int log_level_from_string(const char *s)
{
        if (!s)
                return -EINVAL;
        if (strcaseeq(s, "error"))
                return LOG_ERR;
        for (size_t i = 0; i < ELEMENTSOF(level_table); i++)
                if (strcaseeq(s, level_table[i]))
                        return (int) i;
        if (s[0] >= '0' && s[0] <= '7' && s[1] == 0)
                return s[0] - '0';
        return -EINVAL;
}

/* Picks up NUTD_LOG_LEVEL and whether stderr is connected to the journal. */
void log_open(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        struct stat st;
        int l;

        l = log_level_from_string(getenv("NUTD_LOG_LEVEL"));
        if (l >= 0)
                max_level = l;

        if (e && fstat(STDERR_FILENO, &st) >= 0) {
                unsigned long long dev, ino;

                if (sscanf(e, "%llu:%llu", &dev, &ino) == 2 && dev == st.st_dev && ino == st.st_ino)
                        prefix_level = true;
        }
}

int log_internal(int level, int error, const char *fmt, ...)
{
        int saved = errno;
        char buf[2048];
        va_list ap;

        errno = abs(error);
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);

        if (prefix_level)
                fprintf(stderr, "<%d>%s\n", level, buf);
        else
                fprintf(stderr, "%s\n", buf);

        errno = saved;
        return -abs(error);
}
