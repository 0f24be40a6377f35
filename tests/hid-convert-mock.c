/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake device behind HidConvContext for the hid-convert tests: NUT variables, USB strings and
 * raw reports in hash tables, and a log of what the converters wrote to the "UPS".
 */
#include <errno.h>
#include <string.h>

#include "hid-convert-mock.h"

static const char *mock_get_var(void *userdata, const char *name)
{
        Mock *m = userdata;

        return g_hash_table_lookup(m->vars, name);
}

static const char *mock_get_string(void *userdata, uint8_t index)
{
        Mock *m = userdata;

        return g_hash_table_lookup(m->strings, GUINT_TO_POINTER(index));
}

static int mock_get_report(void *userdata, uint8_t type, uint8_t id, uint8_t *buf, size_t size)
{
        Mock *m = userdata;
        GBytes *b = g_hash_table_lookup(m->reports, GUINT_TO_POINTER(id));
        gsize n;
        const uint8_t *d;

        (void) type;
        m->report_calls++;
        if (!b)
                return -EIO;
        d = g_bytes_get_data(b, &n);
        n = MIN(n, size);
        memcpy(buf, d, n);
        return (int) n;
}

static int mock_set_var(void *userdata, const char *name, const char *value)
{
        Mock *m = userdata;

        if (value)
                g_hash_table_insert(m->vars, g_strdup(name), g_strdup(value));
        else
                g_hash_table_remove(m->vars, name);
        return 0;
}

static int mock_write_var(void *userdata, const char *name, const char *value)
{
        Mock *m = userdata;

        g_ptr_array_add(m->written, g_strdup_printf("%s=%s", name, value));
        return mock_set_var(userdata, name, value);
}

void mock_set(Mock *m, const char *name, const char *value)
{
        mock_set_var(m, name, value);
}

/* vars: "name=value;name=value" or NULL */
Mock *mock_new(uint16_t vendor, uint16_t product, const char *vars)
{
        static const HidConvIo io = {
                .get_report = mock_get_report,
                .set_var = mock_set_var,
                .write_var = mock_write_var,
        };
        Mock *m = g_new0(Mock, 1);

        m->vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        m->strings = g_hash_table_new_full(NULL, NULL, NULL, g_free);
        m->reports = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
        m->written = g_ptr_array_new_with_free_func(g_free);
        m->ctx = (HidConvContext) {
                .vendor = vendor, .product = product,
                .get_string = mock_get_string, .get_var = mock_get_var,
                .userdata = m, .state = hid_conv_state_new(),
        };
        g_assert_nonnull(m->ctx.state);
        hid_conv_state_set_io(m->ctx.state, &io);
        if (vars) {
                g_auto(GStrv) kv = g_strsplit(vars, ";", -1);

                for (char **p = kv; *p; p++) {
                        g_auto(GStrv) pair = g_strsplit(*p, "=", 2);

                        g_assert_nonnull(pair[1]);
                        mock_set(m, pair[0], pair[1]);
                }
        }
        return m;
}

void mock_free(Mock *m)
{
        hid_conv_state_free(m->ctx.state);
        g_hash_table_unref(m->vars);
        g_hash_table_unref(m->strings);
        g_hash_table_unref(m->reports);
        g_ptr_array_unref(m->written);
        g_free(m);
}

void mock_report(Mock *m, uint8_t id, const uint8_t *data, size_t n)
{
        g_hash_table_insert(m->reports, GUINT_TO_POINTER(id), g_bytes_new(data, n));
}

const HidConverter *find(const char *name)
{
        const HidConverter *cv = hid_converter_find(name);

        if (!cv)
                g_error("converter %s not found", name);
        return cv;
}

/* to_nut into a buffer; returns r and leaves the text in out */
int to_nut(Mock *m, const char *name, double value, char *out, size_t size)
{
        const HidConverter *cv = find(name);

        g_assert_nonnull(cv->to_nut);
        return cv->to_nut(&m->ctx, value, out, size);
}

void assert_nut(Mock *m, const char *name, double value, const char *expect)
{
        char out[256];
        int r = to_nut(m, name, value, out, sizeof(out));

        if (!expect) {
                g_assert_cmpint(r, ==, 0);
                return;
        }
        if (r <= 0)
                g_error("%s(%.17g): %d, expected \"%s\"", name, value, r, expect);
        g_assert_cmpstr(out, ==, expect);
        g_assert_cmpint(r, ==, (int) strlen(expect));
}

int to_hid(Mock *m, const char *name, const char *value, double *ret)
{
        const HidConverter *cv = find(name);

        g_assert_nonnull(cv->to_hid);
        return cv->to_hid(&m->ctx, value, ret);
}

void assert_hid(Mock *m, const char *name, const char *value, double expect)
{
        double v = -12345;
        int r = to_hid(m, name, value, &v);

        if (r < 0)
                g_error("%s(\"%s\"): %d, expected %.17g", name, value, r, expect);
        g_assert_cmpfloat(v, ==, expect);
}

void assert_hid_fails(Mock *m, const char *name, const char *value, int err)
{
        double v = -12345;

        g_assert_cmpint(to_hid(m, name, value, &v), ==, err);
        g_assert_cmpfloat(v, ==, -12345); /* never written on failure */
}
