/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JSON emitter behind --json. Strings are escaped as RFC 8259 asks (quote, backslash,
 * control characters); D-Bus strings are valid UTF-8, but a byte that does not start a
 * valid sequence would still come out as U+FFFD rather than as broken JSON.
 */
#include <inttypes.h>
#include <math.h>

#include "json.h"
#include "macro.h"

void json_init(JsonWriter *w, FILE *f, JsonFormat format)
{
        *w = (JsonWriter) { .f = f, .pretty = format == JSON_PRETTY };
}

/* Ends the document with a newline and flushes (monitor output is read line by line). */
int json_finish(JsonWriter *w)
{
        fputc('\n', w->f);
        if (fflush(w->f) != 0 || ferror(w->f))
                return -EIO;
        return 0;
}

static void json_newline(JsonWriter *w)
{
        if (!w->pretty)
                return;
        fputc('\n', w->f);
        for (unsigned i = 0; i < w->depth; i++)
                fputs("  ", w->f);
}

/* Whatever must come before a value or a key: a comma, and a new line when pretty. */
static void json_separate(JsonWriter *w)
{
        if (w->after_key) {
                w->after_key = false;
                return;
        }
        if (w->need_comma)
                fputc(',', w->f);
        if (w->depth > 0)
                json_newline(w);
}

static void json_begin(JsonWriter *w, char c)
{
        json_separate(w);
        fputc(c, w->f);
        w->depth++;
        w->need_comma = false;
}

static void json_end(JsonWriter *w, char c)
{
        bool empty = !w->need_comma;

        w->depth--;
        if (!empty)
                json_newline(w);
        fputc(c, w->f);
        w->need_comma = true;
}

void json_begin_object(JsonWriter *w)
{
        json_begin(w, '{');
}

void json_end_object(JsonWriter *w)
{
        json_end(w, '}');
}

void json_begin_array(JsonWriter *w)
{
        json_begin(w, '[');
}

void json_end_array(JsonWriter *w)
{
        json_end(w, ']');
}

void json_key(JsonWriter *w, const char *key)
{
        json_separate(w);
        json_escape(w->f, key);
        fputs(w->pretty ? ": " : ":", w->f);
        w->after_key = true;
        w->need_comma = true;
}

/* Length of the valid UTF-8 sequence at p, or 0 if there is none. */
static size_t utf8_sequence_length(const unsigned char *p)
{
        size_t n;
        uint32_t c;

        if (p[0] < 0x80)
                return 1;
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                n = 2, c = p[0] & 0x1f;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                n = 3, c = p[0] & 0x0f;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                n = 4, c = p[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (p[i] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return n;
}

/* Writes s as a JSON string literal. */
void json_escape(FILE *f, const char *s)
{
        const unsigned char *p = (const unsigned char *) s;

        fputc('"', f);
        while (*p) {
                size_t n = utf8_sequence_length(p);

                if (n == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                if (n > 1) {
                        fwrite(p, 1, n, f);
                        p += n;
                        continue;
                }
                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        break;
                case '\\':
                        fputs("\\\\", f);
                        break;
                case '\b':
                        fputs("\\b", f);
                        break;
                case '\f':
                        fputs("\\f", f);
                        break;
                case '\n':
                        fputs("\\n", f);
                        break;
                case '\r':
                        fputs("\\r", f);
                        break;
                case '\t':
                        fputs("\\t", f);
                        break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
                p++;
        }
        fputc('"', f);
}

void json_string(JsonWriter *w, const char *s)
{
        json_separate(w);
        if (s)
                json_escape(w->f, s);
        else
                fputs("null", w->f);
        w->need_comma = true;
}

/* JSON has no NaN or infinity: those are null. Integral values print without a fraction. */
void json_double(JsonWriter *w, double d)
{
        json_separate(w);
        if (!isfinite(d))
                fputs("null", w->f);
        else
                fprintf(w->f, "%.15g", d);
        w->need_comma = true;
}

void json_int(JsonWriter *w, int64_t i)
{
        json_separate(w);
        fprintf(w->f, "%" PRIi64, i);
        w->need_comma = true;
}

void json_uint(JsonWriter *w, uint64_t u)
{
        json_separate(w);
        fprintf(w->f, "%" PRIu64, u);
        w->need_comma = true;
}

void json_bool(JsonWriter *w, bool b)
{
        json_separate(w);
        fputs(b ? "true" : "false", w->f);
        w->need_comma = true;
}

void json_null(JsonWriter *w)
{
        json_separate(w);
        fputs("null", w->f);
        w->need_comma = true;
}

void json_strv(JsonWriter *w, char *const *l)
{
        json_begin_array(w);
        for (char *const *s = l; s && *s; s++)
                json_string(w, *s);
        json_end_array(w);
}
