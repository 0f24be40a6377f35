/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsd.conf (NUT-REFERENCE §2.2) and upsd.users (§2.3, with the permission checks of §1.3):
 * every keyword, defaults, exact "file:line:" errors and warnings, the NIT users.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "nutproto/upsd-conf.h"
#include "nutproto/users.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(NutUsers, nut_users_free)

/* upsd.conf: a result is summarized as the settings that differ from the defaults */

static char *upsd_summary(const UpsdConfig *c)
{
        GString *s = g_string_new(NULL);

#define ADD(...) (s->len > 0 ? g_string_append_c(s, ' ') : s, g_string_append_printf(s, __VA_ARGS__))
        for (size_t i = 0; i < c->n_listen; i++)
                ADD("LISTEN=%s:%u", c->listen[i].address, c->listen[i].port);
        if (c->maxage != 15)
                ADD("MAXAGE=%u", c->maxage);
        if (c->maxconn != 1024)
                ADD("MAXCONN=%u", c->maxconn);
        if (c->trackingdelay != 3600)
                ADD("TRACKINGDELAY=%u", c->trackingdelay);
        if (c->certfile)
                ADD("CERTFILE=%s", c->certfile);
        if (c->certpath)
                ADD("CERTPATH=%s", c->certpath);
        if (c->certrequest != NUT_CERT_NO)
                ADD("CERTREQUEST=%s", nut_cert_request_to_string(c->certrequest));
        if (c->disable_weak_ssl)
                ADD("DISABLE_WEAK_SSL");
        if (c->allow_no_device)
                ADD("ALLOW_NO_DEVICE");
        if (c->allow_not_all_listeners)
                ADD("ALLOW_NOT_ALL_LISTENERS");
        if (c->statepath)
                ADD("STATEPATH=%s", c->statepath);
        if (c->datapath)
                ADD("DATAPATH=%s", c->datapath);
#undef ADD
        return g_string_free(s, FALSE);
}

static char *join_warnings(char **w)
{
        return w ? g_strjoinv("\n", w) : g_strdup("");
}

static void test_upsd_defaults(void)
{
        UpsdConfig c;
        g_autofree char *summary = NULL;

        upsd_config_init(&c);
        g_assert_cmpuint(c.n_listen, ==, 0);
        g_assert_null(c.listen);
        g_assert_cmpuint(c.maxage, ==, 15);
        g_assert_cmpuint(c.maxconn, ==, 1024);
        g_assert_cmpuint(c.trackingdelay, ==, 3600);
        g_assert_null(c.certfile);
        g_assert_null(c.certpath);
        g_assert_cmpint(c.certrequest, ==, NUT_CERT_NO);
        g_assert_false(c.disable_weak_ssl);
        g_assert_false(c.allow_no_device);
        g_assert_false(c.allow_not_all_listeners);
        g_assert_null(c.statepath);
        g_assert_null(c.datapath);
        g_assert_null(c.warnings);
        summary = upsd_summary(&c);
        g_assert_cmpstr(summary, ==, "");
        upsd_config_done(&c);
        upsd_config_done(&c);   /* done leaves defaults behind, so twice is fine */
}

static void test_cert_request_table(void)
{
        static const struct {
                const char *s;
                NutCertRequest r;
        } cases[] = {
                { "NO", NUT_CERT_NO },           { "no", NUT_CERT_NO },
                { "0", NUT_CERT_NO },            { "REQUEST", NUT_CERT_REQUEST },
                { "Request", NUT_CERT_REQUEST }, { "1", NUT_CERT_REQUEST },
                { "REQUIRE", NUT_CERT_REQUIRE }, { "require", NUT_CERT_REQUIRE },
                { "2", NUT_CERT_REQUIRE },       { "3", _NUT_CERT_REQUEST_INVALID },
                { "00", _NUT_CERT_REQUEST_INVALID }, { "-1", _NUT_CERT_REQUEST_INVALID },
                { "", _NUT_CERT_REQUEST_INVALID },   { "yes", _NUT_CERT_REQUEST_INVALID },
                { "REQUIRED", _NUT_CERT_REQUEST_INVALID },
        };

        for (NutCertRequest r = 0; r < _NUT_CERT_REQUEST_MAX; r++) {
                g_assert_nonnull(nut_cert_request_to_string(r));
                g_assert_cmpint(nut_cert_request_from_string(nut_cert_request_to_string(r)), ==, r);
        }
        g_assert_cmpstr(nut_cert_request_to_string(NUT_CERT_REQUEST), ==, "REQUEST");
        g_assert_null(nut_cert_request_to_string(_NUT_CERT_REQUEST_MAX));
        g_assert_null(nut_cert_request_to_string(_NUT_CERT_REQUEST_INVALID));
        g_assert_cmpint(nut_cert_request_from_string(NULL), ==, _NUT_CERT_REQUEST_INVALID);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
                g_assert_cmpint(nut_cert_request_from_string(cases[i].s), ==, cases[i].r);
}

typedef struct ConfCase {
        const char *path;
        const char *text;
        const char *result;     /* summary (upsd.conf) or user list (upsd.users); NULL for an error */
        const char *warnings;   /* joined by "\n"; NULL for none */
        const char *error;      /* exact, for name "upsd.conf" / "upsd.users" */
} ConfCase;

#define W(n, s) "upsd.conf:" #n ": " s
#define UNKNOWN(n, k) W(n, "unknown keyword " k ", ignored")
#define OBSOLETE(n, k) W(n, k " is obsolete, ignored (restrict access with LISTEN or a firewall)")
#define CERTIDENT(n) W(n, "CERTIDENT ignored (it names a certificate in an NSS database; nutd reads the " \
                          "certificate and key from CERTFILE)")
#define BOOL_ERR(n, k, v) W(n, k " wants a boolean (true/yes/on/1, false/no/off/0), not \"" v "\"")

static const ConfCase upsd_cases[] = {
        { "/nutproto/conf/upsd/empty", "", "" },
        { "/nutproto/conf/upsd/comments", "# upsd.conf\n\n   # nothing\n", "" },
        /* LISTEN */
        { "/nutproto/conf/upsd/listen/address", "LISTEN 127.0.0.1\n", "LISTEN=127.0.0.1:3493" },
        { "/nutproto/conf/upsd/listen/port", "LISTEN 0.0.0.0 3494\n", "LISTEN=0.0.0.0:3494" },
        { "/nutproto/conf/upsd/listen/many",
          "LISTEN 127.0.0.1 3493\nLISTEN ::1\nLISTEN * 1\nLISTEN ups.example.org 65535\n",
          "LISTEN=127.0.0.1:3493 LISTEN=::1:3493 LISTEN=*:1 LISTEN=ups.example.org:65535" },
        { "/nutproto/conf/upsd/listen/same-address", "LISTEN ::1 3493\nLISTEN ::1 3494\n",
          "LISTEN=::1:3493 LISTEN=::1:3494" },
        { "/nutproto/conf/upsd/listen/quoted", "LISTEN \"::\" \"03493\"\n", "LISTEN=:::3493" },
        { "/nutproto/conf/upsd/listen/max",
          "LISTEN a\nLISTEN b\nLISTEN c\nLISTEN d\nLISTEN e\nLISTEN f\nLISTEN g\nLISTEN h\n",
          "LISTEN=a:3493 LISTEN=b:3493 LISTEN=c:3493 LISTEN=d:3493 "
          "LISTEN=e:3493 LISTEN=f:3493 LISTEN=g:3493 LISTEN=h:3493" },
        { "/nutproto/conf/upsd/listen/no-address", "LISTEN\n", NULL, NULL,
          W(1, "expected \"LISTEN address [port]\"") },
        { "/nutproto/conf/upsd/listen/three", "LISTEN a 1 2\n", NULL, NULL,
          W(1, "expected \"LISTEN address [port]\"") },
        { "/nutproto/conf/upsd/listen/empty", "LISTEN \"\"\n", NULL, NULL, W(1, "LISTEN wants an address") },
        { "/nutproto/conf/upsd/listen/port-0", "LISTEN a 0\n", NULL, NULL,
          W(1, "LISTEN wants a port from 1 to 65535, not \"0\"") },
        { "/nutproto/conf/upsd/listen/port-65536", "LISTEN a 65536\n", NULL, NULL,
          W(1, "LISTEN wants a port from 1 to 65535, not \"65536\"") },
        { "/nutproto/conf/upsd/listen/port-name", "LISTEN a nut\n", NULL, NULL,
          W(1, "LISTEN wants a port from 1 to 65535, not \"nut\"") },
        { "/nutproto/conf/upsd/listen/port-sign", "LISTEN a +3493\n", NULL, NULL,
          W(1, "LISTEN wants a port from 1 to 65535, not \"+3493\"") },
        { "/nutproto/conf/upsd/listen/port-huge", "LISTEN a 99999999999999999999999\n", NULL, NULL,
          W(1, "LISTEN wants a port from 1 to 65535, not \"99999999999999999999999\"") },
        { "/nutproto/conf/upsd/listen/twice", "LISTEN ::1\n\nLISTEN ::1 3493\n", NULL, NULL,
          W(3, "LISTEN ::1 3493 is given twice") },
        { "/nutproto/conf/upsd/listen/twice-case", "LISTEN Host 1\nLISTEN host 1\n", NULL, NULL,
          W(2, "LISTEN host 1 is given twice") },
        { "/nutproto/conf/upsd/listen/equals", "LISTEN = ::1\n", NULL, NULL,
          W(1, "upsd.conf takes no '=': expected \"LISTEN address [port]\"") },
        /* numbers */
        { "/nutproto/conf/upsd/maxage", "MAXAGE 30\n", "MAXAGE=30" },
        { "/nutproto/conf/upsd/maxage/min", "MAXAGE 1\n", "MAXAGE=1" },
        { "/nutproto/conf/upsd/maxage/max", "MAXAGE 86400\n", "MAXAGE=86400" },
        { "/nutproto/conf/upsd/maxage/zeros", "MAXAGE 0020\n", "MAXAGE=20" },
        { "/nutproto/conf/upsd/maxage/last-wins", "MAXAGE 20\nMAXAGE 25\n", "MAXAGE=25" },
        { "/nutproto/conf/upsd/maxage/zero", "MAXAGE 0\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"0\"") },
        { "/nutproto/conf/upsd/maxage/too-big", "MAXAGE 86401\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"86401\"") },
        { "/nutproto/conf/upsd/maxage/negative", "MAXAGE -5\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"-5\"") },
        { "/nutproto/conf/upsd/maxage/unit", "MAXAGE 15s\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"15s\"") },
        { "/nutproto/conf/upsd/maxage/fraction", "MAXAGE 1.5\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"1.5\"") },
        { "/nutproto/conf/upsd/maxage/blank", "MAXAGE \" 5\"\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \" 5\"") },
        { "/nutproto/conf/upsd/maxage/empty", "MAXAGE \"\"\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"\"") },
        { "/nutproto/conf/upsd/maxage/overflow", "MAXAGE 18446744073709551617\n", NULL, NULL,
          W(1, "MAXAGE wants a number from 1 to 86400, not \"18446744073709551617\"") },
        { "/nutproto/conf/upsd/maxage/no-value", "MAXAGE\n", NULL, NULL,
          W(1, "expected \"MAXAGE seconds\"") },
        { "/nutproto/conf/upsd/maxage/two-values", "MAXAGE 1 2\n", NULL, NULL,
          W(1, "expected \"MAXAGE seconds\"") },
        { "/nutproto/conf/upsd/maxage/equals", "MAXAGE = 5\n", NULL, NULL,
          W(1, "upsd.conf takes no '=': expected \"MAXAGE seconds\"") },
        { "/nutproto/conf/upsd/maxage/compressed", "MAXAGE=5\n", NULL, NULL,
          W(1, "upsd.conf takes no '=': expected \"MAXAGE seconds\"") },
        { "/nutproto/conf/upsd/maxconn", "MAXCONN 64\n", "MAXCONN=64" },
        { "/nutproto/conf/upsd/maxconn/min", "MAXCONN 1\n", "MAXCONN=1" },
        { "/nutproto/conf/upsd/maxconn/max", "MAXCONN 65536\n", "MAXCONN=65536" },
        { "/nutproto/conf/upsd/maxconn/too-big", "MAXCONN 65537\n", NULL, NULL,
          W(1, "MAXCONN wants a number from 1 to 65536, not \"65537\"") },
        { "/nutproto/conf/upsd/maxconn/zero", "MAXCONN 0\n", NULL, NULL,
          W(1, "MAXCONN wants a number from 1 to 65536, not \"0\"") },
        { "/nutproto/conf/upsd/trackingdelay", "TRACKINGDELAY 60\n", "TRACKINGDELAY=60" },
        { "/nutproto/conf/upsd/trackingdelay/max", "TRACKINGDELAY 604800\n", "TRACKINGDELAY=604800" },
        { "/nutproto/conf/upsd/trackingdelay/too-big", "TRACKINGDELAY 604801\n", NULL, NULL,
          W(1, "TRACKINGDELAY wants a number from 1 to 604800, not \"604801\"") },
        { "/nutproto/conf/upsd/trackingdelay/zero", "TRACKINGDELAY 0\n", NULL, NULL,
          W(1, "TRACKINGDELAY wants a number from 1 to 604800, not \"0\"") },
        /* booleans */
        { "/nutproto/conf/upsd/bool/true",
          "ALLOW_NO_DEVICE true\nALLOW_NOT_ALL_LISTENERS yes\nDISABLE_WEAK_SSL on\n",
          "DISABLE_WEAK_SSL ALLOW_NO_DEVICE ALLOW_NOT_ALL_LISTENERS" },
        { "/nutproto/conf/upsd/bool/one", "ALLOW_NO_DEVICE 1\n", "ALLOW_NO_DEVICE" },
        { "/nutproto/conf/upsd/bool/case",
          "ALLOW_NO_DEVICE TRUE\nALLOW_NOT_ALL_LISTENERS Yes\nDISABLE_WEAK_SSL ON\n",
          "DISABLE_WEAK_SSL ALLOW_NO_DEVICE ALLOW_NOT_ALL_LISTENERS" },
        { "/nutproto/conf/upsd/bool/false",
          "ALLOW_NO_DEVICE yes\nALLOW_NO_DEVICE false\nDISABLE_WEAK_SSL on\nDISABLE_WEAK_SSL no\n"
          "ALLOW_NOT_ALL_LISTENERS 1\nALLOW_NOT_ALL_LISTENERS off\n", "" },
        { "/nutproto/conf/upsd/bool/zero", "DISABLE_WEAK_SSL 1\nDISABLE_WEAK_SSL 0\n", "" },
        { "/nutproto/conf/upsd/bool/quoted", "DISABLE_WEAK_SSL \"yes\"\n", "DISABLE_WEAK_SSL" },
        { "/nutproto/conf/upsd/bool/maybe", "ALLOW_NO_DEVICE maybe\n", NULL, NULL,
          BOOL_ERR(1, "ALLOW_NO_DEVICE", "maybe") },
        { "/nutproto/conf/upsd/bool/two", "ALLOW_NOT_ALL_LISTENERS 2\n", NULL, NULL,
          BOOL_ERR(1, "ALLOW_NOT_ALL_LISTENERS", "2") },
        { "/nutproto/conf/upsd/bool/empty", "DISABLE_WEAK_SSL \"\"\n", NULL, NULL,
          BOOL_ERR(1, "DISABLE_WEAK_SSL", "") },
        { "/nutproto/conf/upsd/bool/no-value", "DISABLE_WEAK_SSL\n", NULL, NULL,
          W(1, "expected \"DISABLE_WEAK_SSL yes|no\"") },
        /* paths */
        { "/nutproto/conf/upsd/paths",
          "STATEPATH /run/nut\nDATAPATH /usr/share/nut\n"
          "CERTFILE /etc/nut/upsd.pem\nCERTPATH \"/etc/nut/ca dir\"\n",
          "CERTFILE=/etc/nut/upsd.pem CERTPATH=/etc/nut/ca dir STATEPATH=/run/nut DATAPATH=/usr/share/nut" },
        { "/nutproto/conf/upsd/paths/last-wins", "STATEPATH /a\nSTATEPATH /b\n", "STATEPATH=/b" },
        { "/nutproto/conf/upsd/paths/relative", "CERTFILE upsd.pem\n", NULL, NULL,
          W(1, "CERTFILE wants an absolute path, not \"upsd.pem\"") },
        { "/nutproto/conf/upsd/paths/empty", "STATEPATH \"\"\n", NULL, NULL,
          W(1, "STATEPATH wants an absolute path, not \"\"") },
        { "/nutproto/conf/upsd/paths/no-value", "DATAPATH\n", NULL, NULL,
          W(1, "expected \"DATAPATH /path\"") },
        { "/nutproto/conf/upsd/paths/two", "CERTPATH /a /b\n", NULL, NULL,
          W(1, "expected \"CERTPATH /path\"") },
        /* CERTREQUEST and CERTIDENT */
        { "/nutproto/conf/upsd/certrequest/0", "CERTREQUEST 2\nCERTREQUEST 0\n", "" },
        { "/nutproto/conf/upsd/certrequest/1", "CERTREQUEST 1\n", "CERTREQUEST=REQUEST" },
        { "/nutproto/conf/upsd/certrequest/2", "CERTREQUEST 2\n", "CERTREQUEST=REQUIRE" },
        { "/nutproto/conf/upsd/certrequest/names", "CERTREQUEST REQUIRE\nCERTREQUEST request\n",
          "CERTREQUEST=REQUEST" },
        { "/nutproto/conf/upsd/certrequest/no", "CERTREQUEST require\nCERTREQUEST No\n", "" },
        { "/nutproto/conf/upsd/certrequest/3", "CERTREQUEST 3\n", NULL, NULL,
          W(1, "CERTREQUEST wants NO, REQUEST or REQUIRE (or 0, 1, 2), not \"3\"") },
        { "/nutproto/conf/upsd/certrequest/yes", "CERTREQUEST yes\n", NULL, NULL,
          W(1, "CERTREQUEST wants NO, REQUEST or REQUIRE (or 0, 1, 2), not \"yes\"") },
        { "/nutproto/conf/upsd/certident", "CERTIDENT \"My nut server\" \"db pass\"\n", "", CERTIDENT(1) },
        { "/nutproto/conf/upsd/certident/one", "CERTIDENT name\n", NULL, NULL,
          W(1, "expected \"CERTIDENT name password\"") },
        { "/nutproto/conf/upsd/certident/three", "CERTIDENT a b c\n", NULL, NULL,
          W(1, "expected \"CERTIDENT name password\"") },
        /* accepted and ignored */
        { "/nutproto/conf/upsd/debug-min", "DEBUG_MIN 3\ndebug_min 2\nDebug_Min \"x\"\n", "" },
        { "/nutproto/conf/upsd/debug-min/no-value", "DEBUG_MIN\n", NULL, NULL,
          W(1, "expected \"DEBUG_MIN level\"") },
        { "/nutproto/conf/upsd/obsolete", "ACCEPT localhost\nREJECT all\nACL all 0.0.0.0/0\nACL = x\n", "",
          OBSOLETE(1, "ACCEPT") "\n" OBSOLETE(2, "REJECT") "\n" OBSOLETE(3, "ACL") "\n" OBSOLETE(4, "ACL") },
        { "/nutproto/conf/upsd/obsolete/no-value", "ACL\n", NULL, NULL,
          W(1, "expected \"ACL name address/mask\"") },
        /* upsd skips unknown keywords; so does nutd, but it says so */
        { "/nutproto/conf/upsd/unknown", "MAXAGE 20\nFOO bar\n# c\nBAR\nMAXCONN 10\n",
          "MAXAGE=20 MAXCONN=10",
          UNKNOWN(2, "FOO") "\n" UNKNOWN(4, "BAR") },
        { "/nutproto/conf/upsd/unknown/case", "maxage 20\nListen ::1\n", "",
          W(1, "unknown keyword maxage, ignored (keywords are case-sensitive: MAXAGE)") "\n"
          W(2, "unknown keyword Listen, ignored (keywords are case-sensitive: LISTEN)") },
        { "/nutproto/conf/upsd/unknown/then-error", "FOO\nMAXAGE x\n", NULL, NULL,
          W(2, "MAXAGE wants a number from 1 to 86400, not \"x\"") },
        /* syntax */
        { "/nutproto/conf/upsd/crlf", "LISTEN ::1 3493\r\nMAXAGE 5\r\n", "LISTEN=::1:3493 MAXAGE=5" },
        { "/nutproto/conf/upsd/continuation", "LISTEN \\\n ::1 \\\n 4000\nMAXAGE 5\n",
          "LISTEN=::1:4000 MAXAGE=5" },
        { "/nutproto/conf/upsd/tokenizer", "MAXAGE 5\nSTATEPATH \"/a#b\"\n", NULL, NULL,
          W(2, "unescaped '#' inside quotes") },
        { "/nutproto/conf/upsd/escaped-hash", "STATEPATH /a\\#b\n", "STATEPATH=/a#b" },
        { "/nutproto/conf/upsd/no-final-newline", "MAXAGE 5", "MAXAGE=5" },
        /* a complete file in the style of NUT's upsd.conf.sample */
        { "/nutproto/conf/upsd/sample",
          "# Network UPS Tools: example upsd configuration file\n"
          "# MAXAGE <seconds>\n"
          "MAXAGE 20\n"
          "# TRACKINGDELAY <seconds>\n"
          "TRACKINGDELAY 600\n"
          "ALLOW_NO_DEVICE true\n"
          "ALLOW_NOT_ALL_LISTENERS false\n"
          "STATEPATH /var/run/nut\n"
          "LISTEN 127.0.0.1 3493\n"
          "LISTEN ::1 3493\n"
          "MAXCONN 1024\n"
          "CERTFILE /usr/local/ups/etc/upsd.pem\n"
          "CERTPATH /usr/local/ups/etc/cert/upsd\n"
          "CERTIDENT \"my nut server\" \"MyPasSw0rD\"\n"
          "CERTREQUEST REQUIRE\n"
          "DISABLE_WEAK_SSL true\n"
          "DEBUG_MIN 2\n",
          "LISTEN=127.0.0.1:3493 LISTEN=::1:3493 MAXAGE=20 TRACKINGDELAY=600 "
          "CERTFILE=/usr/local/ups/etc/upsd.pem "
          "CERTPATH=/usr/local/ups/etc/cert/upsd CERTREQUEST=REQUIRE DISABLE_WEAK_SSL ALLOW_NO_DEVICE "
          "STATEPATH=/var/run/nut", CERTIDENT(14) },
};

#define OLD "MAXAGE 99\nLISTEN old\nOLD\n"

static void test_upsd(const void *data)
{
        const ConfCase *t = data;
        _cleanup_(upsd_config_done) UpsdConfig c;
        g_autofree char *summary = NULL, *warnings = NULL;
        char *error = NULL;
        int r;

        /* start from a loaded config: success replaces it, failure keeps it */
        upsd_config_init(&c);
        g_assert_cmpint(upsd_config_parse(&c, "old", OLD, strlen(OLD), &error), ==, 0);
        g_assert_cmpuint(g_strv_length(c.warnings), ==, 1);

        r = upsd_config_parse(&c, "upsd.conf", t->text, strlen(t->text), &error);
        summary = upsd_summary(&c);
        warnings = join_warnings(c.warnings);
        if (t->error) {
                g_assert_cmpint(r, <, 0);
                g_assert_cmpstr(error, ==, t->error);
                g_assert_cmpstr(summary, ==, "LISTEN=old:3493 MAXAGE=99");
                g_assert_cmpstr(warnings, ==, "old:3: unknown keyword OLD, ignored");
                free(error);
                return;
        }
        if (r < 0)
                g_test_message("unexpected error: %s", error);
        g_assert_cmpint(r, ==, 0);
        g_assert_null(error);
        g_assert_cmpstr(summary, ==, t->result);
        g_assert_cmpstr(warnings, ==, t->warnings ?: "");
}

static void test_upsd_too_many_listen(void)
{
        g_autoptr(GString) text = g_string_new(NULL);
        _cleanup_(upsd_config_done) UpsdConfig c;
        char *error = NULL;

        upsd_config_init(&c);
        for (unsigned i = 1; i <= 64; i++)
                g_string_append_printf(text, "LISTEN ::1 %u\n", i);
        g_assert_cmpint(upsd_config_parse(&c, "upsd.conf", text->str, text->len, &error), ==, 0);
        g_assert_cmpuint(c.n_listen, ==, 64);
        g_assert_cmpuint(c.listen[63].port, ==, 64);

        g_string_append(text, "LISTEN ::1 65\n");
        g_assert_cmpint(upsd_config_parse(&c, "upsd.conf", text->str, text->len, &error), ==, -EINVAL);
        g_assert_cmpstr(error, ==, "upsd.conf:65: too many LISTEN lines (at most 64)");
        g_assert_cmpuint(c.n_listen, ==, 64);
        free(error);
}

static void test_upsd_load(void)
{
        g_autofree char *dir = g_dir_make_tmp("test-nutproto-conf-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "upsd.conf", NULL);
        g_autofree char *expect_error =
                g_strdup_printf("%s:3: MAXCONN wants a number from 1 to 65536, not \"0\"", path);
        g_autofree char *expect_warning = g_strdup_printf("%s:2: unknown keyword FOO, ignored", path);
        g_autofree char *expect_dir = g_strdup_printf("%s: %s", dir, g_strerror(EISDIR));
        _cleanup_(upsd_config_done) UpsdConfig c;
        char *error = NULL;

        g_assert_nonnull(dir);
        upsd_config_init(&c);

        /* missing: all defaults */
        c.maxage = 42;
        g_assert_cmpint(upsd_config_load(&c, path, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(c.maxage, ==, 15);
        g_assert_null(c.warnings);

        g_assert_true(g_file_set_contents(path, "LISTEN * 3493\nFOO\nMAXAGE 5\n", -1, NULL));
        g_assert_cmpint(upsd_config_load(&c, path, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(c.n_listen, ==, 1);
        g_assert_cmpstr(c.listen[0].address, ==, "*");
        g_assert_cmpuint(c.listen[0].port, ==, 3493);
        g_assert_cmpuint(c.maxage, ==, 5);
        g_assert_cmpuint(g_strv_length(c.warnings), ==, 1);
        g_assert_cmpstr(c.warnings[0], ==, expect_warning);

        /* an error names the full path and keeps what was loaded */
        g_assert_true(g_file_set_contents(path, "MAXAGE 7\n\nMAXCONN 0\n", -1, NULL));
        g_assert_cmpint(upsd_config_load(&c, path, &error), ==, -EINVAL);
        g_assert_cmpstr(error, ==, expect_error);
        g_assert_cmpuint(c.maxage, ==, 5);
        g_assert_cmpuint(c.n_listen, ==, 1);
        g_clear_pointer(&error, free);

        /* a directory is not a missing file */
        g_assert_cmpint(upsd_config_load(&c, dir, &error), ==, -EISDIR);
        g_assert_cmpstr(error, ==, expect_dir);
        g_assert_cmpuint(c.maxage, ==, 5);
        g_clear_pointer(&error, free);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* upsd.users: a result is one line per user, "[name] password actions instcmds" */

static char *user_summary(const NutUser *u)
{
        static const char *const names[] = { "SET", "FSD", "LOGIN", "PRIMARY" };
        g_autoptr(GString) actions = g_string_new(NULL);
        g_autofree char *cmds = u->instcmds ? g_strjoinv(",", u->instcmds) : g_strdup("-");

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
                if (u->actions & (1u << i))
                        g_string_append_printf(actions, "%s%s", actions->len > 0 ? "," : "", names[i]);
        return g_strdup_printf("[%s] %s %s %s", u->name, u->password ?: "(none)",
                               actions->len > 0 ? actions->str : "-", cmds);
}

static char *users_summary(const NutUsers *u)
{
        g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

        for (size_t i = 0; i < u->n_users; i++)
                g_ptr_array_add(lines, user_summary(&u->users[i]));
        g_ptr_array_add(lines, NULL);
        return g_strjoinv("\n", (char **) lines->pdata);
}

#define UW(n, s) "upsd.users:" #n ": " s
#define NO_PASSWORD(n, u) UW(n, "user [" u "] has no password and cannot log in")

/* The users of NUT's integration test (tests/NIT/nit.sh; NUT-REFERENCE §12), plus a reader. */
#define NIT_USERS                                                      \
        "[admin]\n"                                                    \
        "\tpassword = mypass\n"                                        \
        "\tactions = SET\n"                                            \
        "\tinstcmds = ALL\n"                                           \
        "\n"                                                           \
        "[tester]\n"                                                   \
        "\tpassword = \"pass words\"\n"                                \
        "\tinstcmds = test.battery.start\n"                            \
        "\tinstcmds = test.battery.stop\n"                             \
        "\n"                                                           \
        "[dummy-admin-m]\n"                                            \
        "\tpassword = \"P@ssW0rdAdm\"\n"                               \
        "\tupsmon master\n"                                            \
        "\n"                                                           \
        "[dummy-admin]\n"                                              \
        "\tpassword = \"P@ssW0rdAdm\"\n"                               \
        "\tupsmon primary\n"                                           \
        "\n"                                                           \
        "[dummy-user-s]\n"                                             \
        "\tpassword = \"P@ssW0rd\"\n"                                  \
        "\tupsmon slave\n"                                             \
        "\n"                                                           \
        "[dummy-user]\n"                                               \
        "\tpassword = \"P@ssW0rd\"\n"                                  \
        "\tupsmon secondary\n"                                         \
        "\n"                                                           \
        "[reader]\n"                                                   \
        "\tpassword = public\n"

static const ConfCase users_cases[] = {
        { "/nutproto/conf/users/empty", "", "" },
        { "/nutproto/conf/users/comments", "# upsd.users\n\n", "" },
        { "/nutproto/conf/users/nit", NIT_USERS,
          "[admin] mypass SET ALL\n"
          "[tester] pass words - test.battery.start,test.battery.stop\n"
          "[dummy-admin-m] P@ssW0rdAdm FSD,LOGIN,PRIMARY -\n"
          "[dummy-admin] P@ssW0rdAdm FSD,LOGIN,PRIMARY -\n"
          "[dummy-user-s] P@ssW0rd LOGIN -\n"
          "[dummy-user] P@ssW0rd LOGIN -\n"
          "[reader] public - -" },
        /* forms */
        { "/nutproto/conf/users/compressed",
          "[a]\npassword=x\nactions=SET\ninstcmds=load.off\nupsmon=secondary\n",
          "[a] x SET,LOGIN load.off" },
        { "/nutproto/conf/users/half-compressed", "[a]\npassword =x\nactions= FSD\n", "[a] x FSD -" },
        { "/nutproto/conf/users/upsmon-equals", "[a]\npassword = x\nupsmon = primary\n",
          "[a] x FSD,LOGIN,PRIMARY -" },
        { "/nutproto/conf/users/field-case",
          "[a]\nPASSWORD = x\nActions = set\nINSTCMDS = a\nUpsMon Slave\n",
          "[a] x SET,LOGIN a" },
        { "/nutproto/conf/users/crlf", "[a]\r\npassword = x\r\nactions = SET\r\n", "[a] x SET -" },
        { "/nutproto/conf/users/indent", "  [a]  \n\t\tpassword\t=\tx\n", "[a] x - -" },
        /* passwords */
        { "/nutproto/conf/users/password/quoted", "[a]\npassword = \"p a\\\"ss\\#w\\\\rd=\"\n",
          "[a] p a\"ss#w\\rd= - -" },
        { "/nutproto/conf/users/password/single-quotes", "[a]\npassword = 'x y'\n", NULL, NULL,
          UW(2, "password wants one value, not 2 (quote a password with spaces)") },
        { "/nutproto/conf/users/password/single-quoted", "[a]\npassword = 'xy'\n", "[a] 'xy' - -" },
        { "/nutproto/conf/users/password/escaped", "[a]\npassword = p\\#ss\\ word\n", "[a] p#ss word - -" },
        { "/nutproto/conf/users/password/comment", "[a]\npassword = secret # not part of it\n",
          "[a] secret - -" },
        { "/nutproto/conf/users/password/special", "[a]\npassword = !$%&'()*+,-./:;<>?@[]^_`{|}~\n",
          "[a] !$%&'()*+,-./:;<>?@[]^_`{|}~ - -" },
        { "/nutproto/conf/users/password/first-wins", "[a]\npassword = one\npassword = two\n", "[a] one - -",
          UW(3, "second password for [a] ignored (the first one counts)") },
        { "/nutproto/conf/users/password/non-ascii", "[a]\npassword = \"p\xc3\xa4s\ts\"\n", "[a] pss - -",
          UW(2, "control and non-ASCII characters dropped from the password of [a], "
                "as the NUT protocol drops them") },
        { "/nutproto/conf/users/password/two-words", "[a]\npassword = my secret\n", NULL, NULL,
          UW(2, "password wants one value, not 2 (quote a password with spaces)") },
        { "/nutproto/conf/users/password/none", "[a]\nactions = SET\n\n[b]\npassword = x\n[c]\n",
          "[a] (none) SET -\n[b] x - -\n[c] (none) - -",
          NO_PASSWORD(1, "a") "\n" NO_PASSWORD(6, "c") },
        { "/nutproto/conf/users/password/empty", "[a]\npassword = \"\"\n", "[a]  - -", NO_PASSWORD(1, "a") },
        { "/nutproto/conf/users/password/no-equals", "[a]\npassword secret\n", "[a] (none) - -",
          UW(2, "expected \"password = value\", line ignored") "\n" NO_PASSWORD(1, "a") },
        { "/nutproto/conf/users/password/no-value", "[a]\npassword =\n", "[a] (none) - -",
          UW(2, "password without a value, line ignored") "\n" NO_PASSWORD(1, "a") },
        /* actions */
        { "/nutproto/conf/users/actions/multi", "[a]\npassword = x\nactions = SET FSD\n",
          "[a] x SET,FSD -" },
        { "/nutproto/conf/users/actions/repeat",
          "[a]\npassword = x\nactions = fsd\nactions = Set\nactions = SET\n",
          "[a] x SET,FSD -" },
        { "/nutproto/conf/users/actions/internal",
          "[a]\npassword = x\nactions = login\n[b]\npassword = y\nactions = MASTER\n"
          "[c]\npassword = z\nactions = primary\n", "[a] x LOGIN -\n[b] y PRIMARY -\n[c] z PRIMARY -" },
        { "/nutproto/conf/users/actions/unknown", "[a]\npassword = x\nactions = SET ALL shutdown\n",
          "[a] x SET -",
          UW(3, "unknown action ALL for [a] ignored (SET, FSD)") "\n"
          UW(3, "unknown action shutdown for [a] ignored (SET, FSD)") },
        { "/nutproto/conf/users/actions/no-equals", "[a]\npassword = x\nactions SET\n", "[a] x - -",
          UW(3, "expected \"actions = value\", line ignored") },
        /* instcmds */
        { "/nutproto/conf/users/instcmds/multi",
          "[a]\npassword = x\ninstcmds = load.off load.on\ninstcmds = beeper.toggle\n",
          "[a] x - load.off,load.on,beeper.toggle" },
        { "/nutproto/conf/users/instcmds/dedup",
          "[a]\npassword = x\ninstcmds = load.off LOAD.OFF\ninstcmds = load.off\n",
          "[a] x - load.off" },
        { "/nutproto/conf/users/instcmds/all", "[a]\npassword = x\ninstcmds = all\n", "[a] x - all" },
        { "/nutproto/conf/users/instcmds/empty", "[a]\npassword = x\ninstcmds = \"\"\n", "[a] x - -" },
        /* upsmon */
        { "/nutproto/conf/users/upsmon/roles",
          "[p]\npassword = x\nupsmon primary\n[m]\npassword = x\nupsmon MASTER\n"
          "[s]\npassword = x\nupsmon Secondary\n[l]\npassword = x\nupsmon slave\n",
          "[p] x FSD,LOGIN,PRIMARY -\n[m] x FSD,LOGIN,PRIMARY -\n[s] x LOGIN -\n[l] x LOGIN -" },
        { "/nutproto/conf/users/upsmon/plus-actions", "[a]\npassword = x\nupsmon secondary\nactions = SET\n",
          "[a] x SET,LOGIN -" },
        { "/nutproto/conf/users/upsmon/unknown", "[a]\npassword = x\nupsmon main\n", "[a] x - -",
          UW(3, "unknown upsmon role main for [a] ignored (primary, secondary)") },
        { "/nutproto/conf/users/upsmon/no-value", "[a]\npassword = x\nupsmon\n", "[a] x - -",
          UW(3, "upsmon without a value, line ignored") },
        /* names */
        { "/nutproto/conf/users/name/case", "[Admin]\npassword = A\n[admin]\npassword = a\n",
          "[Admin] A - -\n[admin] a - -" },
        { "/nutproto/conf/users/name/chars", "[monuser@host.example-1]\npassword = x\n",
          "[monuser@host.example-1] x - -" },
        { "/nutproto/conf/users/name/non-ascii", "[j\xc3\xb6rg]\npassword = x\n", "[jrg] x - -",
          UW(1, "control and non-ASCII characters dropped from user name [jrg], "
                "as the NUT protocol drops them") },
        { "/nutproto/conf/users/name/twice",
          "[a]\npassword = one\nactions = SET\n[b]\npassword = b\n[a]\npassword = two\n"
          "instcmds = ALL\nupsmon primary\n", "[a] one SET -\n[b] b - -",
          UW(6, "user [a] is defined twice, this section is ignored") },
        /* upsd ignores these lines */
        { "/nutproto/conf/users/allowfrom", "[a]\npassword = x\nallowfrom = localhost\n", "[a] x - -",
          UW(3, "allowfrom is obsolete, ignored (restrict access with LISTEN or a firewall)") },
        { "/nutproto/conf/users/unknown", "[a]\npassword = x\nfoo = bar\nbaz\n", "[a] x - -",
          UW(3, "unknown field foo, ignored") "\n" UW(4, "unknown field baz, ignored") },
        { "/nutproto/conf/users/old-format", "user admin password x\n[a]\npassword = x\nUSER a\n",
          "[a] x - -",
          UW(1, "old-style \"user\" line ignored (use [name] sections)") "\n"
          UW(4, "old-style \"user\" line ignored (use [name] sections)") },
        /* errors */
        { "/nutproto/conf/users/error/outside", "# users\npassword = x\n[a]\n", NULL, NULL,
          UW(2, "\"password\" outside a [user] section") },
        { "/nutproto/conf/users/error/outside-upsmon", "upsmon primary\n", NULL, NULL,
          UW(1, "\"upsmon\" outside a [user] section") },
        { "/nutproto/conf/users/error/outside-unknown", "foo = bar\n", NULL, NULL,
          UW(1, "\"foo\" outside a [user] section") },
        { "/nutproto/conf/users/error/space-in-name", "[a]\npassword = x\n[b c]\nactions = SET\n", NULL,
          NULL,
          UW(3, "malformed section header \"[b\"") },
        { "/nutproto/conf/users/error/unclosed", "[a\n", NULL, NULL,
          UW(1, "malformed section header \"[a\"") },
        { "/nutproto/conf/users/error/bracket", "[\n", NULL, NULL, UW(1, "malformed section header \"[\"") },
        { "/nutproto/conf/users/error/trailing", "[a] x\n", NULL, NULL,
          UW(1, "malformed section header \"[a]\"") },
        { "/nutproto/conf/users/error/empty-name", "[]\n", NULL, NULL, UW(1, "empty user name") },
        { "/nutproto/conf/users/error/control-name", "[\x01\x02]\n", NULL, NULL, UW(1, "empty user name") },
        { "/nutproto/conf/users/error/tokenizer", "[a]\npassword = \"x#y\"\n", NULL, NULL,
          UW(2, "unescaped '#' inside quotes") },
};

static void test_users(const void *data)
{
        const ConfCase *t = data;
        g_autoptr(NutUsers) u = NULL;
        g_autofree char *summary = NULL, *warnings = NULL;
        char *error = NULL;
        int r;

        r = nut_users_parse("upsd.users", t->text, strlen(t->text), &u, &error);
        if (t->error) {
                g_assert_cmpint(r, <, 0);
                g_assert_null(u);
                g_assert_cmpstr(error, ==, t->error);
                free(error);
                return;
        }
        if (r < 0)
                g_test_message("unexpected error: %s", error);
        g_assert_cmpint(r, ==, 0);
        g_assert_null(error);
        summary = users_summary(u);
        warnings = join_warnings(u->warnings);
        g_assert_cmpstr(summary, ==, t->result);
        g_assert_cmpstr(warnings, ==, t->warnings ?: "");
}

static void test_users_nul(void)
{
        static const char text[] = "[a]\npassword = x\0y\n";
        NutUsers *u = NULL;
        char *error = NULL;

        g_assert_cmpint(nut_users_parse("upsd.users", text, sizeof(text) - 1, &u, &error), ==, -EBADMSG);
        g_assert_null(u);
        g_assert_cmpstr(error, ==, "upsd.users:2: NUL byte: not a text file");
        free(error);
}

static NutUsers *nit_users(void)
{
        NutUsers *u = NULL;
        char *error = NULL;

        g_assert_cmpint(nut_users_parse("upsd.users", NIT_USERS, strlen(NIT_USERS), &u, &error), ==, 0);
        g_assert_null(u->warnings);
        return u;
}

typedef struct AuthCase {
        const char *name, *password;
        bool ok;
} AuthCase;

static void test_users_authenticate(void)
{
        static const AuthCase cases[] = {
                { "admin", "mypass", true },
                { "admin", "mypas", false },            /* prefix */
                { "admin", "mypassx", false },          /* longer */
                { "admin", "MYPASS", false },           /* case */
                { "admin", "", false },
                { "admin", NULL, false },
                { "Admin", "mypass", false },           /* names are case-sensitive */
                { "tester", "pass words", true },
                { "dummy-admin", "P@ssW0rdAdm", true },
                { "dummy-admin", "\"P@ssW0rdAdm\"", false },   /* quotes belong to the tokenizer */
                { "dummy-admin-m", "P@ssW0rdAdm", true },
                { "dummy-user", "P@ssW0rd", true },
                { "dummy-user", "wrong", false },
                { "dummy-user", "P@ssW0rdAdm", false },         /* another user's password */
                { "dummy-user-s", "P@ssW0rd", true },
                { "reader", "public", true },
                { "nobody", "public", false },
                { "", "", false },
                { NULL, "mypass", false },
        };
        g_autoptr(NutUsers) u = nit_users();

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                const NutUser *user = nut_users_authenticate(u, cases[i].name, cases[i].password);

                g_test_message("%s / %s", cases[i].name, cases[i].password);
                g_assert_cmpint(user != NULL, ==, cases[i].ok);
                if (user)
                        g_assert_true(user == nut_users_find(u, cases[i].name));
        }
        g_assert_null(nut_users_authenticate(NULL, "admin", "mypass"));
}

/* No password, or an empty one, never authenticates, whatever is sent. */
static void test_users_no_password(void)
{
        static const char text[] = "[none]\nactions = SET\n[empty]\npassword = \"\"\ninstcmds = ALL\n";
        g_autoptr(NutUsers) u = NULL;
        char *error = NULL;

        g_assert_cmpint(nut_users_parse("upsd.users", text, strlen(text), &u, &error), ==, 0);
        g_assert_nonnull(nut_users_find(u, "none"));
        g_assert_nonnull(nut_users_find(u, "empty"));
        g_assert_null(nut_users_authenticate(u, "none", ""));
        g_assert_null(nut_users_authenticate(u, "none", "x"));
        g_assert_null(nut_users_authenticate(u, "empty", ""));
        g_assert_null(nut_users_authenticate(u, "empty", "x"));
}

typedef struct PermCase {
        const char *user;
        unsigned actions;       /* exactly these NutAction bits */
        const char *allowed;    /* instcmds allowed, space-separated */
        const char *denied;
} PermCase;

static void test_users_permissions(void)
{
        static const PermCase cases[] = {
                /* SET VAR and every INSTCMD; no LOGIN, so not upsmon */
                { "admin", NUT_ACTION_SET,
                  "load.off LOAD.OFF test.panel.start shutdown.return driver.killpower", "" },
                { "tester", 0, "test.battery.start TEST.BATTERY.STOP Test.Battery.Start",
                  "test.battery.start.deep load.off test.battery all ALL" },
                { "dummy-admin", NUT_ACTION_LOGIN | NUT_ACTION_PRIMARY | NUT_ACTION_FSD, "", "load.off" },
                { "dummy-admin-m", NUT_ACTION_LOGIN | NUT_ACTION_PRIMARY | NUT_ACTION_FSD, "", "load.off" },
                { "dummy-user", NUT_ACTION_LOGIN, "", "load.off" },
                { "dummy-user-s", NUT_ACTION_LOGIN, "", "load.off" },
                { "reader", 0, "", "load.off test.battery.start" },
        };
        static const NutAction all[] = {
                NUT_ACTION_SET, NUT_ACTION_FSD, NUT_ACTION_LOGIN, NUT_ACTION_PRIMARY,
        };
        g_autoptr(NutUsers) u = nit_users();

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                const NutUser *user = nut_users_find(u, cases[i].user);
                g_auto(GStrv) allowed = g_strsplit(cases[i].allowed, " ", -1);
                g_auto(GStrv) denied = g_strsplit(cases[i].denied, " ", -1);

                g_test_message("%s", cases[i].user);
                g_assert_nonnull(user);
                g_assert_cmpuint(user->actions, ==, cases[i].actions);
                for (size_t j = 0; j < G_N_ELEMENTS(all); j++)
                        g_assert_cmpint(nut_user_has_action(user, all[j]), ==,
                                        !!(cases[i].actions & all[j]));
                for (char **c = allowed; *c; c++)
                        if (**c)
                                g_assert_true(nut_user_may_instcmd(user, *c));
                for (char **c = denied; *c; c++)
                        if (**c)
                                g_assert_false(nut_user_may_instcmd(user, *c));
                g_assert_false(nut_user_may_instcmd(user, ""));
                g_assert_false(nut_user_may_instcmd(user, NULL));
        }

        /* several bits at once: all of them are needed */
        g_assert_true(nut_user_has_action(nut_users_find(u, "dummy-admin"),
                                          NUT_ACTION_LOGIN | NUT_ACTION_FSD));
        g_assert_false(nut_user_has_action(nut_users_find(u, "dummy-user"),
                                           NUT_ACTION_LOGIN | NUT_ACTION_FSD));
        g_assert_false(nut_user_has_action(nut_users_find(u, "admin"), 0));
        g_assert_false(nut_user_has_action(NULL, NUT_ACTION_LOGIN));
        g_assert_false(nut_user_may_instcmd(NULL, "load.off"));
        g_assert_null(nut_users_find(u, "ADMIN"));
        g_assert_null(nut_users_find(NULL, "admin"));
}

static void test_users_load(void)
{
        g_autofree char *dir = g_dir_make_tmp("test-nutproto-conf-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "upsd.users", NULL);
        g_autofree char *expect_error = g_strdup_printf("%s:2: \"password\" outside a [user] section", path);
        g_autofree char *expect_warning = g_strdup_printf("%s:3: unknown field foo, ignored", path);
        g_autofree char *expect_readable =
                g_strdup_printf("%s: readable by every local user, but holds passwords (chmod o-r)", path);
        g_autofree char *expect_dir = g_strdup_printf("%s: %s", dir, g_strerror(EISDIR));
        NutUsers *u = NULL;
        char *error = NULL;

        g_assert_nonnull(dir);

        /* missing: nobody */
        g_assert_cmpint(nut_users_load(path, &u, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(u->n_users, ==, 0);
        g_assert_null(u->warnings);
        u = nut_users_free(u);

        g_assert_true(g_file_set_contents(path, "[a]\npassword = x\nfoo = 1\n", -1, NULL));
        g_assert_cmpint(g_chmod(path, 0640), ==, 0);
        g_assert_cmpint(nut_users_load(path, &u, &error), ==, 0);
        g_assert_null(error);
        g_assert_nonnull(nut_users_authenticate(u, "a", "x"));
        g_assert_cmpuint(g_strv_length(u->warnings), ==, 1);
        g_assert_cmpstr(u->warnings[0], ==, expect_warning);
        u = nut_users_free(u);

        /* a file others may read is loaded, with a warning */
        g_assert_cmpint(g_chmod(path, 0644), ==, 0);
        g_assert_cmpint(nut_users_load(path, &u, &error), ==, 0);
        g_assert_cmpuint(g_strv_length(u->warnings), ==, 2);
        g_assert_cmpstr(u->warnings[1], ==, expect_readable);
        u = nut_users_free(u);

        g_assert_true(g_file_set_contents(path, "# users\npassword = x\n", -1, NULL));
        g_assert_cmpint(nut_users_load(path, &u, &error), ==, -EINVAL);
        g_assert_null(u);
        g_assert_cmpstr(error, ==, expect_error);
        g_clear_pointer(&error, free);

        g_assert_cmpint(nut_users_load(dir, &u, &error), ==, -EISDIR);
        g_assert_null(u);
        g_assert_cmpstr(error, ==, expect_dir);
        g_clear_pointer(&error, free);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/nutproto/conf/upsd/defaults", test_upsd_defaults);
        g_test_add_func("/nutproto/conf/cert-request/table", test_cert_request_table);
        for (size_t i = 0; i < G_N_ELEMENTS(upsd_cases); i++)
                g_test_add_data_func(upsd_cases[i].path, &upsd_cases[i], test_upsd);
        g_test_add_func("/nutproto/conf/upsd/listen/too-many", test_upsd_too_many_listen);
        g_test_add_func("/nutproto/conf/upsd/load", test_upsd_load);

        for (size_t i = 0; i < G_N_ELEMENTS(users_cases); i++)
                g_test_add_data_func(users_cases[i].path, &users_cases[i], test_users);
        g_test_add_func("/nutproto/conf/users/error/nul", test_users_nul);
        g_test_add_func("/nutproto/conf/users/authenticate", test_users_authenticate);
        g_test_add_func("/nutproto/conf/users/no-password", test_users_no_password);
        g_test_add_func("/nutproto/conf/users/permissions", test_users_permissions);
        g_test_add_func("/nutproto/conf/users/load", test_users_load);

        return g_test_run();
}
