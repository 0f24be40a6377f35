/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Terminal output: colour when stdout is a terminal (NO_COLOR and TERM=dumb turn it off),
 * and escaping of control characters, which device data must not send to a terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "macro.h"
#include "terminal.h"

/**
 * colors_enabled() - whether stdout gets ANSI colours
 *
 * Decided once: stdout is a terminal, NO_COLOR is unset or empty (no-color.org), and TERM
 * is not "dumb".
 */
bool colors_enabled(void)
{
        static int cached = -1;

        if (cached < 0)
                cached = isatty(STDOUT_FILENO) && isempty(getenv("NO_COLOR")) &&
                         !streq_ptr(getenv("TERM"), "dumb");
        return cached;
}

/* The escape sequence for color, or "" when colours are off. */
const char *ansi(const char *color)
{
        return colors_enabled() && color ? color : "";
}

const char *ansi_normal(void)
{
        return colors_enabled() ? ANSI_NORMAL : "";
}

/* Columns taken by s: one per code point (no wide-character tables; names are ASCII). */
size_t utf8_width(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char) *s & 0xc0) != 0x80)
                        n++;
        return n;
}

static bool is_c1_control(const unsigned char *p)
{
        /* U+0080..U+009F in UTF-8; some terminals act on them like ESC sequences */
        return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

/**
 * text_escape() - a copy of s that is safe to print on a terminal
 *
 * C0 and C1 control characters and DEL become \n, \t, \\xNN or \\u00NN; everything else,
 * UTF-8 included, is kept. Returns NULL when out of memory.
 */
char *text_escape(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;
        char *buf, *q;

        buf = malloc(strlen(s) * 6 + 1);
        if (!buf)
                return NULL;
        for (q = buf; *p; p++) {
                if (*p == '\n')
                        q += sprintf(q, "\\n");
                else if (*p == '\t')
                        q += sprintf(q, "\\t");
                else if (*p < 0x20 || *p == 0x7f)
                        q += sprintf(q, "\\x%02x", *p);
                else if (is_c1_control(p)) {
                        q += sprintf(q, "\\u%04x", p[1]);
                        p++;
                } else
                        *q++ = (char) *p;
        }
        *q = 0;
        return buf;
}
