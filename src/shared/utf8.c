/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UTF-8 checks. Text that is not valid UTF-8 is taken as Latin-1 byte by byte, which is
 * what old UPS firmware and NUT dumps of it most often are.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Length of the valid UTF-8 sequence at s, or 0 (overlongs, surrogates, > U+10FFFF refused). */
static size_t utf8_seq_len(const unsigned char *s)
{
        uint32_t c;
        size_t n;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                n = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                n = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                n = 4, c = s[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return n;
}

bool utf8_is_valid(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                size_t n = utf8_seq_len(p);

                if (n == 0)
                        return false;
                p += n;
        }
        return true;
}

/* A copy of s that is valid UTF-8: valid sequences kept, other bytes read as Latin-1. */
char *utf8_sanitize(const char *s)
{
        const unsigned char *p = (const unsigned char *) s;
        char *r, *q;

        r = q = malloc(strlen(s) * 2 + 1);
        if (!r)
                return NULL;
        while (*p) {
                size_t n = utf8_seq_len(p);

                if (n > 0) {
                        memcpy(q, p, n);
                        q += n;
                        p += n;
                        continue;
                }
                *q++ = (char) (0xc0 | (*p >> 6));
                *q++ = (char) (0x80 | (*p & 0x3f));
                p++;
        }
        *q = 0;
        return r;
}
