/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hid-status: token sequences give the ups.status, ups.alarm, input.transfer.reason and buzzwords
 * of hid-status-rules.md §1-3; every token of $NUT_FACTS_DIR/hid-lookups.tsv is a status bit
 * (or a listed non-bit); short buffers fail cleanly.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "usbhid/hid-status.h"

#define B(x) HID_STATUS_BIT(HID_STATUS_##x)
#define CALIB HID_STATUS_ONLINEDISCHARGE_CALIBRATION
#define ONBATT HID_STATUS_ONLINEDISCHARGE_ONBATTERY

#define ALL_ALARMS                                                                              \
        "Replace battery! Shutdown imminent! Fan failure! No battery installed! "               \
        "Battery voltage too low! Battery voltage too high! Battery charger fail! "             \
        "Temperature too high! Internal UPS fault! Awaiting power! Automatic bypass mode! "     \
        "Manual bypass mode!"

static const char *facts_dir;

/* ---- helpers ---- */

/* Applies space-separated tokens to *w; each must be a status bit. */
static void apply_all(HidStatusWord *w, const char *tokens)
{
        g_auto(GStrv) v = g_strsplit(tokens, " ", -1);

        for (size_t i = 0; v[i]; i++) {
                if (!*v[i])
                        continue;
                if (hid_status_apply(w, v[i]) < 0)
                        g_error("token '%s' refused", v[i]);
        }
}

static gchar *format(HidStatusWord w, HidStatusOptions opts, const char *charge)
{
        char buf[256];
        int r = hid_status_format(w, opts, charge, buf, sizeof(buf));

        g_assert_cmpint(r, >=, 0);
        g_assert_cmpint(r, ==, strlen(buf));
        return g_strdup(buf);
}

static gchar *alarms(HidStatusWord w, const char *prefix)
{
        char buf[512];
        int r = hid_status_alarms(w, prefix, buf, sizeof(buf));

        g_assert_cmpint(r, >=, 0);
        g_assert_cmpint(r, ==, strlen(buf));
        return g_strdup(buf);
}

/* ---- bit names ---- */

/* §1: bit number = position in this list */
static const char *const section1_bits[] = {
        "online", "offline", "dischrg", "chrg", "lowbatt", "overload", "replacebatt", "shutdownimm",
        "trim", "boost", "bypassauto", "bypassman", "ecomode", "essmode", "off", "cal", "overheat",
        "commfault", "depleted", "timelimitexp", "fullycharged", "notfullycharged", "awaitingpower",
        "fanfail", "nobattery", "battvoltlo", "battvolthi", "chargerfail", "vrange", "frange",
};

static void test_bit_names(void)
{
        g_assert_cmpuint(G_N_ELEMENTS(section1_bits), ==, _HID_STATUS_MAX);
        for (int b = 0; b < _HID_STATUS_MAX; b++) {
                g_assert_cmpstr(hid_status_bit_to_string(b), ==, section1_bits[b]);
                g_assert_cmpint(hid_status_bit_from_string(section1_bits[b]), ==, b);
        }
        g_assert_cmpint(hid_status_bit_from_string("cal"), ==, 15);
        g_assert_cmpint(hid_status_bit_from_string("timelimitexp"), ==, 19);
        g_assert_cmpint(hid_status_bit_from_string("frange"), ==, 29);
        g_assert_null(hid_status_bit_to_string(_HID_STATUS_MAX));
        g_assert_null(hid_status_bit_to_string(_HID_STATUS_INVALID));
        g_assert_cmpint(hid_status_bit_from_string("normal"), ==, _HID_STATUS_INVALID);
        g_assert_cmpint(hid_status_bit_from_string("!online"), ==, _HID_STATUS_INVALID);
        g_assert_cmpint(hid_status_bit_from_string(NULL), ==, _HID_STATUS_INVALID);
}

/* ---- token sequences -> outputs ---- */

typedef struct StatusCase {
        const char *name;
        const char *tokens;             /* applied in order to an empty word */
        HidStatusOptions opts;
        const char *charge;
        const char *status;
        const char *alarms;
        const char *reason;
        const char *buzzwords;
} StatusCase;

static const StatusCase status_cases[] = {
        { "empty", "", 0, NULL, "", "", NULL, NULL },
        /* §2 step 4: power source */
        { "online", "online", 0, NULL, "OL", "", NULL, NULL },
        { "offline", "offline", 0, NULL, "OB", "", NULL, NULL },
        { "online-dischrg", "online dischrg", 0, NULL, "OL DISCHRG", "", NULL, NULL },
        { "online-dischrg-calibration", "online dischrg", CALIB, NULL, "CAL DISCHRG", "", NULL, NULL },
        { "online-dischrg-onbattery", "online dischrg", ONBATT, NULL, "OB DISCHRG", "", NULL, NULL },
        /* calibration is looked at first */
        { "online-dischrg-both-options", "online dischrg", CALIB | ONBATT, NULL, "CAL DISCHRG", "", NULL,
          NULL },
        { "online-options-without-dischrg", "online", CALIB | ONBATT, NULL, "OL", "", NULL, NULL },
        { "dischrg-only", "dischrg", 0, NULL, "OB DISCHRG", "", NULL, NULL },
        { "offline-dischrg", "offline dischrg", 0, NULL, "OB DISCHRG", "", NULL, NULL },
        { "neither-online-nor-offline", "chrg notfullycharged", 0, NULL, "CHRG", "", NULL, NULL },
        /* §1 pairing */
        { "online-then-offline", "online offline", 0, NULL, "OB", "", NULL, NULL },
        { "offline-then-online", "offline online", 0, NULL, "OL", "", NULL, NULL },
        { "online-cleared", "online !online", 0, NULL, "", "", NULL, NULL },
        { "offline-cleared-not-online", "offline !offline", 0, NULL, "", "", NULL, NULL },
        /* §2 step 5 */
        { "depleted-suppresses-dischrg", "offline dischrg depleted", 0, NULL, "OB", "", NULL, NULL },
        { "depleted-dischrg-only-still-ob", "dischrg depleted", 0, NULL, "OB", "", NULL, NULL },
        { "depleted-alone", "online depleted", 0, NULL, "OL", "", NULL, NULL },
        { "depleted-cleared", "offline dischrg depleted !depleted", 0, NULL, "OB DISCHRG", "", NULL, NULL },
        /* §2 step 6 */
        { "chrg-notfullycharged-100", "online chrg notfullycharged", 0, "100", "OL CHRG", "", NULL, NULL },
        { "chrg-notfullycharged-null", "online chrg notfullycharged", 0, NULL, "OL CHRG", "", NULL, NULL },
        { "chrg-fullycharged-50", "online chrg fullycharged", 0, "50", "OL", "", NULL, NULL },
        { "chrg-full-then-notfull", "online chrg fullycharged notfullycharged", 0, "100", "OL CHRG", "",
          NULL, NULL },
        { "chrg-notfull-then-full", "online chrg notfullycharged fullycharged", 0, "50", "OL", "", NULL,
          NULL },
        { "chrg-notfull-cleared-unknown", "online chrg notfullycharged !notfullycharged", 0, "100", "OL",
          "", NULL, NULL },
        { "chrg-unknown-50", "online chrg", 0, "50", "OL CHRG", "", NULL, NULL },
        { "chrg-unknown-1", "online chrg", 0, "1", "OL CHRG", "", NULL, NULL },
        { "chrg-unknown-99", "online chrg", 0, "99", "OL CHRG", "", NULL, NULL },
        { "chrg-unknown-100", "online chrg", 0, "100", "OL", "", NULL, NULL },
        { "chrg-unknown-0", "online chrg", 0, "0", "OL", "", NULL, NULL },
        { "chrg-unknown-101", "online chrg", 0, "101", "OL", "", NULL, NULL },
        { "chrg-unknown-negative", "online chrg", 0, "-5", "OL", "", NULL, NULL },
        { "chrg-unknown-abc", "online chrg", 0, "abc", "OL", "", NULL, NULL },
        { "chrg-unknown-fraction", "online chrg", 0, "50.5", "OL", "", NULL, NULL },
        { "chrg-unknown-trailing", "online chrg", 0, "50%", "OL", "", NULL, NULL },
        { "chrg-unknown-empty", "online chrg", 0, "", "OL", "", NULL, NULL },
        { "chrg-unknown-null", "online chrg", 0, NULL, "OL", "", NULL, NULL },
        { "notfullycharged-without-chrg", "online notfullycharged", 0, "50", "OL", "", NULL, NULL },
        { "chrg-and-dischrg", "online chrg dischrg notfullycharged", 0, NULL, "OL DISCHRG CHRG", "", NULL,
          NULL },
        /* §2 step 7 */
        { "lb-from-lowbatt", "offline lowbatt", 0, NULL, "OB LB", "", NULL, NULL },
        { "lb-from-timelimitexp", "offline timelimitexp", 0, NULL, "OB LB", "", NULL, NULL },
        { "lb-from-shutdownimm", "offline shutdownimm", 0, NULL, "OB LB", "Shutdown imminent!", NULL, NULL },
        { "lb-once", "offline lowbatt timelimitexp shutdownimm", 0, NULL, "OB LB", "Shutdown imminent!",
          NULL, NULL },
        { "lb-cleared", "offline lowbatt !lowbatt", 0, NULL, "OB", "", NULL, NULL },
        /* §2 step 8 */
        { "overload", "online overload", 0, NULL, "OL OVER", "", NULL, NULL },
        /* §2 step 9 */
        { "rb-from-replacebatt", "online replacebatt", 0, NULL, "OL RB", "Replace battery!", NULL, NULL },
        { "rb-from-nobattery", "online nobattery", 0, NULL, "OL RB", "No battery installed!", NULL, NULL },
        { "rb-once", "online nobattery replacebatt", 0, NULL, "OL RB",
          "Replace battery! No battery installed!", NULL, NULL },
        { "nobattery-cleared", "online nobattery !nobattery", 0, NULL, "OL", "", NULL, NULL },
        /* §2 step 10 */
        { "trim", "online trim", 0, NULL, "OL TRIM", "", NULL, NULL },
        { "boost", "online boost", 0, NULL, "OL BOOST", "", NULL, NULL },
        { "boost-trim", "online boost trim", 0, NULL, "OL TRIM BOOST", "", NULL, NULL },
        /* §2 step 11 */
        { "bypassauto", "online bypassauto", 0, NULL, "OL BYPASS", "Automatic bypass mode!", NULL, NULL },
        { "bypassman", "online bypassman", 0, NULL, "OL BYPASS", "Manual bypass mode!", NULL, NULL },
        { "bypass-once", "online bypassman bypassauto", 0, NULL, "OL BYPASS",
          "Automatic bypass mode! Manual bypass mode!", NULL, NULL },
        /* §2 step 12: buzzwords, not in ups.status; nothing but '!' clears them */
        { "ecomode", "online ecomode", 0, NULL, "OL", "", NULL, "vendor:default:ECO" },
        { "essmode", "online essmode", 0, NULL, "OL", "", NULL, "vendor:default:ESS" },
        { "eco-and-ess", "online essmode ecomode", 0, NULL, "OL", "", NULL,
          "vendor:default:ECO vendor:default:ESS" },
        { "ecomode-cleared", "online ecomode !ecomode", 0, NULL, "OL", "", NULL, NULL },
        /* §2 step 13 */
        { "off", "online off", 0, NULL, "OL OFF", "", NULL, NULL },
        { "off-alone", "off", 0, NULL, "OFF", "", NULL, NULL },
        { "off-cleared", "online off !off", 0, NULL, "OL", "", NULL, NULL },
        /* §2 step 2: CAL first, once */
        { "cal", "cal", 0, NULL, "CAL", "", NULL, NULL },
        { "cal-online", "online cal", 0, NULL, "CAL OL", "", NULL, NULL },
        { "cal-offline", "offline cal", 0, NULL, "CAL OB", "", NULL, NULL },
        { "cal-online-dischrg-calibration", "online dischrg cal", CALIB, NULL, "CAL DISCHRG", "", NULL,
          NULL },
        { "cal-last-bit-first-token", "online off bypassman boost overload cal", 0, NULL,
          "CAL OL OVER BOOST BYPASS OFF", "Manual bypass mode!", NULL, NULL },
        /* §2 step 1 */
        { "vrange", "online vrange", 0, NULL, "OL", "", "input voltage out of range", NULL },
        { "frange", "online frange", 0, NULL, "OL", "", "input frequency out of range", NULL },
        { "vrange-before-frange", "frange vrange", 0, NULL, "", "", "input voltage out of range", NULL },
        { "vrange-cleared", "frange vrange !vrange", 0, NULL, "", "", "input frequency out of range", NULL },
        /* §3: bits that give alarms only */
        { "overheat", "online overheat", 0, NULL, "OL", "Temperature too high!", NULL, NULL },
        { "commfault", "online commfault", 0, NULL, "OL", "Internal UPS fault!", NULL, NULL },
        { "awaitingpower", "awaitingpower", 0, NULL, "", "Awaiting power!", NULL, NULL },
        { "fanfail", "online fanfail", 0, NULL, "OL", "Fan failure!", NULL, NULL },
        { "battvoltlo", "online battvoltlo", 0, NULL, "OL", "Battery voltage too low!", NULL, NULL },
        { "battvolthi", "online battvolthi", 0, NULL, "OL", "Battery voltage too high!", NULL, NULL },
        { "chargerfail", "online chargerfail", 0, NULL, "OL", "Battery charger fail!", NULL, NULL },
        /* §3 order is the table's, not the order the bits were set in */
        { "all-alarms-reverse", "bypassman bypassauto awaitingpower commfault overheat chargerfail "
          "battvolthi battvoltlo nobattery fanfail shutdownimm replacebatt", 0, NULL, "LB RB BYPASS",
          ALL_ALARMS, NULL, NULL },
        { "everything", "cal online dischrg chrg notfullycharged lowbatt overload replacebatt trim boost "
          "bypassauto ecomode off vrange", 0, "100", "CAL OL DISCHRG CHRG LB OVER RB TRIM BOOST BYPASS OFF",
          "Replace battery! Automatic bypass mode!", "input voltage out of range", "vendor:default:ECO" },
};

static void test_status_case(const void *data)
{
        const StatusCase *c = data;
        HidStatusWord w = 0;
        g_autofree gchar *status = NULL, *alarm = NULL;

        apply_all(&w, c->tokens);
        status = format(w, c->opts, c->charge);
        alarm = alarms(w, NULL);
        g_assert_cmpstr(status, ==, c->status);
        g_assert_cmpstr(alarm, ==, c->alarms);
        g_assert_cmpstr(hid_status_transfer_reason(w), ==, c->reason);
        g_assert_cmpstr(hid_status_buzzwords(w), ==, c->buzzwords);
}

/* A word with both online and offline cannot come from hid_status_apply(), but the rules still
 * give an answer: step 3 says OB, step 4 OL. */
static void test_raw_online_offline(void)
{
        g_autofree gchar *s = format(B(ONLINE) | B(OFFLINE), 0, NULL);

        g_assert_cmpstr(s, ==, "OB OL");
}

static void test_alarm_prefix(void)
{
        g_autofree gchar *a = alarms(B(REPLACEBATT) | B(FANFAIL), "Low input! Foo");
        g_autofree gchar *b = alarms(B(REPLACEBATT), "");
        g_autofree gchar *c = alarms(0, "Low input!");
        g_autofree gchar *d = alarms(0, "");

        g_assert_cmpstr(a, ==, "Low input! Foo Replace battery! Fan failure!");
        g_assert_cmpstr(b, ==, "Replace battery!");
        g_assert_cmpstr(c, ==, "Low input!");
        g_assert_cmpstr(d, ==, "");
}

/* ---- the word persists; return values ---- */

static const struct {
        const char *token;
        int ret;
        const char *status;
} persist_steps[] = {
        { "online", 1, "OL" },
        { "online", 0, "OL" },
        { "dischrg", 1, "OL DISCHRG" },
        { "lowbatt", 1, "OL DISCHRG LB" },
        { "offline", 1, "OB DISCHRG LB" },
        { "!dischrg", 1, "OB LB" },
        { "!dischrg", 0, "OB LB" },
        { "normal", -EINVAL, "OB LB" },
        { "bogus", -EINVAL, "OB LB" },
        { "chrg", 1, "OB LB" },
        { "notfullycharged", 1, "OB CHRG LB" },
        { "fullycharged", 1, "OB LB" },
        { "fullycharged", 0, "OB LB" },
        { "!lowbatt", 1, "OB" },
        { "online", 1, "OL" },
        { "!offline", 0, "OL" },
        { "!online", 1, "" },
        { "!online", 0, "" },
};

static void test_persist(void)
{
        HidStatusWord w = 0;

        for (size_t i = 0; i < G_N_ELEMENTS(persist_steps); i++) {
                g_autofree gchar *s = NULL;

                g_test_message("step %zu: %s", i, persist_steps[i].token);
                g_assert_cmpint(hid_status_apply(&w, persist_steps[i].token), ==, persist_steps[i].ret);
                s = format(w, 0, "100");
                g_assert_cmpstr(s, ==, persist_steps[i].status);
        }
}

static void test_set_clear_each_bit(void)
{
        for (int b = 0; b < _HID_STATUS_MAX; b++) {
                g_autofree gchar *clear = g_strconcat("!", hid_status_bit_to_string(b), NULL);
                HidStatusWord w = 0;

                g_assert_cmpint(hid_status_apply(&w, hid_status_bit_to_string(b)), ==, 1);
                g_assert_cmphex(w, ==, HID_STATUS_BIT(b));
                g_assert_cmpint(hid_status_apply(&w, clear), ==, 1);
                g_assert_cmphex(w, ==, 0);

                /* a clear touches only its own bit, also for the paired ones */
                w = HID_STATUS_BIT(_HID_STATUS_MAX) - 1;
                g_assert_cmpint(hid_status_apply(&w, clear), ==, 1);
                g_assert_cmphex(w, ==, (HID_STATUS_BIT(_HID_STATUS_MAX) - 1) & ~HID_STATUS_BIT(b));
        }
}

/* ---- unknown tokens ---- */

static const char *const bad_tokens[] = {
        "", "!", "!!online", "ONLINE", "Online", " online", "online ", "OL", "ol", "onlinex", "on",
        "normal", "!normal", "yes", "no", "chrg, dischrg", "online/!online", "dummy",
};

static void test_unknown_tokens(void)
{
        const HidStatusWord words[] = { 0, B(ONLINE) | B(CHRG), HID_STATUS_BIT(_HID_STATUS_MAX) - 1 };

        for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
                for (size_t j = 0; j < G_N_ELEMENTS(bad_tokens); j++) {
                        HidStatusWord w = words[i];

                        g_assert_cmpint(hid_status_apply(&w, bad_tokens[j]), ==, -EINVAL);
                        g_assert_cmphex(w, ==, words[i]);
                }
                HidStatusWord w = words[i];

                g_assert_cmpint(hid_status_apply(&w, NULL), ==, -EINVAL);
                g_assert_cmphex(w, ==, words[i]);
        }
        g_assert_cmpint(hid_status_apply(NULL, "online"), ==, -EINVAL);
}

/* ---- every token the lookup tables emit ---- */

/*
 * Words in the status_bit_token column that are not status bits; hid_status_apply() must refuse
 * them (NUT ignores them too). Each must still occur in the file, so the list stays current.
 */
static const struct {
        const char *token;
        const char *reason;
} non_bits[] = {
        { "normal", "eco_mode_info 0: §1 says 'normal' is not a status bit" },
        { "yes", "yes_no_info (status+value) on powervar BOOL rows: a value word, not a status bit" },
        { "no", "yes_no_info (status+value) on powervar BOOL rows: a value word, not a status bit" },
};

static int column_index(char **header, const char *name)
{
        for (int i = 0; header[i]; i++)
                if (g_str_equal(header[i], name))
                        return i;
        g_error("column %s missing", name);
}

/* One status_bit_token cell: "x", "!x", "x/!x" (a function returning either) or "x, y" (both) */
static void check_token_cell(const char *cell, guint *seen_bits, bool *seen_non_bits, guint *n)
{
        g_auto(GStrv) tokens = g_strsplit_set(cell, "/,", -1);

        for (size_t i = 0; tokens[i]; i++) {
                const char *t = g_strstrip(tokens[i]);
                HidStatusWord w = 0;
                size_t k;

                if (!*t)
                        continue;
                for (k = 0; k < G_N_ELEMENTS(non_bits); k++)
                        if (g_str_equal(t, non_bits[k].token))
                                break;
                if (k < G_N_ELEMENTS(non_bits)) {
                        g_assert_cmpint(hid_status_apply(&w, t), ==, -EINVAL);
                        seen_non_bits[k] = true;
                        continue;
                }
                if (hid_status_apply(&w, t) < 0)
                        g_error("hid-lookups.tsv token '%s' refused", t);
                if (t[0] != '!')
                        *seen_bits |= w;
                (*n)++;
        }
}

static void test_lookup_tokens(void)
{
        g_autofree gchar *path = NULL, *text = NULL;
        g_auto(GStrv) lines = NULL, header = NULL;
        bool seen_non_bits[G_N_ELEMENTS(non_bits)] = {};
        guint seen_bits = 0, n = 0;
        int col;

        if (!facts_dir) {
                g_test_skip("NUT_FACTS_DIR not set");
                return;
        }
        path = g_build_filename(facts_dir, "hid-lookups.tsv", NULL);
        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        lines = g_strsplit(text, "\n", -1);
        header = g_strsplit(lines[0], "\t", -1);
        col = column_index(header, "status_bit_token");

        for (size_t i = 1; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);

                if (g_strv_length(f) > (guint) col && *f[col])
                        check_token_cell(f[col], &seen_bits, seen_non_bits, &n);
        }
        g_test_message("%u status tokens checked", n);
        g_assert_cmpuint(n, >, 50);
        for (size_t k = 0; k < G_N_ELEMENTS(non_bits); k++)
                if (!seen_non_bits[k])
                        g_error("non-bit '%s' (%s) no longer in hid-lookups.tsv", non_bits[k].token,
                                non_bits[k].reason);
        /* and the other way round: the tables set every bit of §1 */
        g_assert_cmphex(seen_bits, ==, HID_STATUS_BIT(_HID_STATUS_MAX) - 1);
}

/* ---- short buffers ---- */

typedef int (*FormatFunc)(const void *data, char *buf, size_t size);

typedef struct BufCase {
        const char *name;
        HidStatusWord w;
        const char *prefix;
        FormatFunc func;
        const char *expect;
} BufCase;

static int buf_status(const void *data, char *buf, size_t size)
{
        const BufCase *c = data;

        return hid_status_format(c->w, 0, "50", buf, size);
}

static int buf_alarms(const void *data, char *buf, size_t size)
{
        const BufCase *c = data;

        return hid_status_alarms(c->w, c->prefix, buf, size);
}

static const BufCase buf_cases[] = {
        { "status-empty", 0, NULL, buf_status, "" },
        { "status-one", B(ONLINE), NULL, buf_status, "OL" },
        { "status-all", HID_STATUS_BIT(_HID_STATUS_MAX) - 1 - B(FULLYCHARGED), NULL, buf_status,
          "CAL OB OL CHRG LB OVER RB TRIM BOOST BYPASS OFF" },
        { "alarms-empty", 0, NULL, buf_alarms, "" },
        { "alarms-prefix-only", 0, "Prefix!", buf_alarms, "Prefix!" },
        { "alarms-all", HID_STATUS_BIT(_HID_STATUS_MAX) - 1, "Prefix!", buf_alarms, "Prefix! " ALL_ALARMS },
};

#define GUARD 16

/*
 * Every size from 0 to the needed one: too small gives -ENOBUFS and leaves the buffer as it was;
 * a heap buffer of exactly 'size' bytes lets ASan see any overflow, the guard bytes of a second
 * buffer catch it without ASan.
 */
static void test_buffers(const void *data)
{
        const BufCase *c = data;
        size_t need = strlen(c->expect) + 1;

        for (size_t size = 0; size <= need; size++) {
                g_autofree char *exact = size ? g_malloc(size) : NULL;
                g_autofree char *guarded = g_malloc(size + GUARD);
                g_autofree char *pattern = g_malloc(size + GUARD);
                int r;

                memset(pattern, 0xa5, size + GUARD);
                if (exact)
                        memset(exact, 0xa5, size);
                memset(guarded, 0xa5, size + GUARD);

                r = c->func(c, exact, size);
                g_assert_cmpint(r, ==, c->func(c, guarded, size));
                g_assert_cmpmem(guarded + size, GUARD, pattern + size, GUARD);
                if (size < need) {
                        g_assert_cmpint(r, ==, -ENOBUFS);
                        if (exact)
                                g_assert_cmpmem(exact, size, pattern, size);
                        g_assert_cmpmem(guarded, size, pattern, size);
                } else {
                        g_assert_cmpint(r, ==, need - 1);
                        g_assert_cmpstr(exact, ==, c->expect);
                        g_assert_cmpstr(guarded, ==, c->expect);
                }
        }
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        facts_dir = g_getenv("NUT_FACTS_DIR");

        g_test_add_func("/drivers/usbhid/hid-status/bit-names", test_bit_names);
        for (size_t i = 0; i < G_N_ELEMENTS(status_cases); i++) {
                g_autofree gchar *p = g_strconcat("/drivers/usbhid/hid-status/translate/",
                                                  status_cases[i].name, NULL);

                g_test_add_data_func(p, &status_cases[i], test_status_case);
        }
        g_test_add_func("/drivers/usbhid/hid-status/translate/raw-online-offline", test_raw_online_offline);
        g_test_add_func("/drivers/usbhid/hid-status/alarms/prefix", test_alarm_prefix);
        g_test_add_func("/drivers/usbhid/hid-status/apply/persist", test_persist);
        g_test_add_func("/drivers/usbhid/hid-status/apply/set-clear-each-bit", test_set_clear_each_bit);
        g_test_add_func("/drivers/usbhid/hid-status/apply/unknown", test_unknown_tokens);
        g_test_add_func("/drivers/usbhid/hid-status/apply/lookup-tokens", test_lookup_tokens);
        for (size_t i = 0; i < G_N_ELEMENTS(buf_cases); i++) {
                g_autofree gchar *p = g_strconcat("/drivers/usbhid/hid-status/buffers/", buf_cases[i].name,
                                                  NULL);

                g_test_add_data_func(p, &buf_cases[i], test_buffers);
        }
        return g_test_run();
}
