/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers of the conversion functions: bounded output that never truncates, checked
 * double -> integer conversion, strict parsing, and NULL-safe access to the device context.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "hid-convert-private.h"

HidConvState *conv_state(HidConvContext *c)
{
        return c ? c->state : NULL;
}

const char *conv_get_var(HidConvContext *c, const char *name)
{
        if (!c || !c->get_var)
                return NULL;
        return c->get_var(c->userdata, name);
}

/* The variable as a number; -ENODATA if it is unset or not a number. */
int conv_get_double(HidConvContext *c, const char *name, double *ret)
{
        const char *s = conv_get_var(c, name);

        if (!s || conv_parse_double(s, ret) < 0)
                return -ENODATA;
        return 0;
}

int conv_set_var(HidConvContext *c, const char *name, const char *value)
{
        HidConvState *s = conv_state(c);

        if (!s || !s->io.set_var)
                return -EOPNOTSUPP;
        return s->io.set_var(c->userdata, name, value);
}

int conv_write_var(HidConvContext *c, const char *name, const char *value)
{
        HidConvState *s = conv_state(c);

        if (!s || !s->io.write_var)
                return -EOPNOTSUPP;
        return s->io.write_var(c->userdata, name, value);
}

int conv_get_report(HidConvContext *c, uint8_t type, uint8_t id, uint8_t *buf, size_t size)
{
        HidConvState *s = conv_state(c);
        int r;

        if (!s || !s->io.get_report)
                return -EOPNOTSUPP;
        r = s->io.get_report(c->userdata, type, id, buf, size);
        if (r > (int) size)
                return -EIO;
        return r;
}

/*
 * A status-word bit: from the driver if it can tell, else from the ups.status of the previous
 * poll (only "off" -> "OFF" is needed today). 1 set, 0 clear, negative unknown.
 */
int conv_status_bit(HidConvContext *c, const char *token)
{
        HidConvState *s = conv_state(c);
        const char *status;
        char upper[16];
        size_t n = strlen(token);

        if (s && s->io.get_status)
                return s->io.get_status(c->userdata, token);
        status = conv_get_var(c, "ups.status");
        if (!status || n >= sizeof(upper))
                return -ENODATA;
        for (size_t i = 0; i <= n; i++)
                upper[i] = (char) (token[i] >= 'a' && token[i] <= 'z' ? token[i] - 'a' + 'A' : token[i]);
        for (const char *p = status; (p = strstr(p, upper)); p += n)
                if ((p == status || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
                        return 1;
        return 0;
}

/* printf into buf, all or nothing: -ENOBUFS if it does not fit (buf is left alone then). */
int conv_printf(char *buf, size_t size, const char *fmt, ...)
{
        char tmp[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        if ((size_t) n >= sizeof(tmp) || (size_t) n >= size)
                return -ENOBUFS;
        memcpy(buf, tmp, (size_t) n + 1);
        return n;
}

int conv_string(char *buf, size_t size, const char *s)
{
        size_t n = strlen(s);

        if (n >= size)
                return -ENOBUFS;
        if (n > INT32_MAX)
                return -ERANGE;
        memcpy(buf, s, n + 1);
        return (int) n;
}

/* v with a fixed number of decimals; -EINVAL for NaN, -ERANGE for an infinite result. */
int conv_fixed(char *buf, size_t size, double v, int decimals)
{
        if (isnan(v))
                return -EINVAL;
        if (!isfinite(v))
                return -ERANGE;
        return conv_printf(buf, size, "%.*f", decimals, v);
}

/* "token" or "!token" */
int conv_token(char *buf, size_t size, bool set, const char *token)
{
        return conv_printf(buf, size, "%s%s", set ? "" : "!", token);
}

/* "token" for a non-zero value, "!token" for zero */
int conv_nonzero_token(double value, const char *token, char *buf, size_t size)
{
        if (!isfinite(value))
                return -EINVAL;
        return conv_token(buf, size, value != 0, token);
}

/*
 * The value truncated to an integer, as usbhid-ups does before lookups. -EINVAL for NaN/inf,
 * -ERANGE outside [min, max].
 */
int conv_int(double v, int64_t min, int64_t max, int64_t *ret)
{
        double t;
        int64_t i;

        if (!isfinite(v))
                return -EINVAL;
        t = trunc(v);
        /* within +-9.2e18 the cast is defined; then compare exactly as integers */
        if (t < -9.2e18 || t > 9.2e18)
                return -ERANGE;
        i = (int64_t) t;
        if (i < min || i > max)
                return -ERANGE;
        *ret = i;
        return 0;
}

/* The value's bits as an unsigned word (HID values are at most 32 bits; negative ones wrap). */
int conv_word(double v, uint32_t *ret)
{
        int64_t i;
        int r;

        r = conv_int(v, INT32_MIN, UINT32_MAX, &i);
        if (r < 0)
                return r;
        *ret = (uint32_t) i;
        return 0;
}

/* A whole string as a finite number (leading/trailing blanks allowed). */
int conv_parse_double(const char *s, double *ret)
{
        char *end;
        double v;

        if (!s)
                return -EINVAL;
        /* plain decimal only: strtod would also take hex, "inf" and "nan" */
        if (s[strspn(s, " \t+-.0123456789eE")] != '\0')
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (end == s || errno != 0 || !isfinite(v))
                return -EINVAL;
        while (*end == ' ' || *end == '\t')
                end++;
        if (*end != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

/* 'n' decimal digits at *p (at least min of them, at most max), advancing *p. */
static int parse_digits(const char **p, int min, int max, int *ret)
{
        int v = 0, n = 0;

        while (n < max && (*p)[n] >= '0' && (*p)[n] <= '9') {
                v = v * 10 + ((*p)[n] - '0');
                n++;
        }
        if (n < min || ((*p)[n] >= '0' && (*p)[n] <= '9'))
                return -EINVAL;
        *p += n;
        *ret = v;
        return 0;
}

/* Three numbers separated by 'sep': 4-digit first field when 'long_first', else 1-2 digits. */
static int parse_triple(const char *s, char sep, bool long_first, int *a, int *b, int *c)
{
        const char *p = s;
        int x, y, z;

        if (!s)
                return -EINVAL;
        if (parse_digits(&p, long_first ? 4 : 1, long_first ? 4 : 2, &x) < 0 || *p++ != sep)
                return -EINVAL;
        if (parse_digits(&p, 1, 2, &y) < 0 || *p++ != sep)
                return -EINVAL;
        if (parse_digits(&p, 1, 2, &z) < 0 || *p != '\0')
                return -EINVAL;
        *a = x;
        *b = y;
        *c = z;
        return 0;
}

/* "YYYY/MM/DD" (month and day may have one digit); only the syntax is checked. */
int conv_parse_ymd(const char *s, int *ret_y, int *ret_m, int *ret_d)
{
        return parse_triple(s, '/', true, ret_y, ret_m, ret_d);
}

/* "HH:MM:SS", each field checked against its range. */
int conv_parse_hms(const char *s, int *ret_h, int *ret_m, int *ret_s)
{
        int h, m, sec;

        if (parse_triple(s, ':', false, &h, &m, &sec) < 0 || h > 23 || m > 59 || sec > 60)
                return -EINVAL;
        *ret_h = h;
        *ret_m = m;
        *ret_s = sec;
        return 0;
}
