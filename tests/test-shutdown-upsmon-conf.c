/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsmon.conf (NUT-REFERENCE §2.4) and the notify types (§3.2): every keyword, defaults, the
 * no-config default of DESIGN §2, exact "file:line:" errors and warnings, the string tables.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "shutdown/notify-type.h"
#include "shutdown/upsmon-conf.h"

/* A result is summarized as the settings that differ from the defaults, space-separated. */
static char *upsmon_summary(const UpsmonConfig *c)
{
        GString *s = g_string_new(NULL);

#define ADD(...) (s->len > 0 ? g_string_append_c(s, ' ') : s, g_string_append_printf(s, __VA_ARGS__))
#define ADD_UNSIGNED(field, key, def)                   \
        if (c->field != def)                            \
                ADD(key "=%u", c->field)
#define ADD_INT(field, key, def)                        \
        if (c->field != def)                            \
                ADD(key "=%d", c->field)
#define ADD_STRING(field, key)                          \
        if (c->field)                                   \
                ADD(key "=%s", c->field)
        for (size_t i = 0; i < c->n_monitors; i++) {
                const UpsmonMonitor *m = &c->monitors[i];

                ADD("MONITOR=%s[%s@%s:%u,%s,%u,%s,%s,%s]", m->system, m->ups, m->host ?: "-", m->port,
                    m->local ? "local" : "remote", m->power_value, m->username, m->password,
                    monitor_role_to_string(m->role));
        }
        ADD_UNSIGNED(minsupplies, "MINSUPPLIES", 1);
        ADD_UNSIGNED(pollfreq, "POLLFREQ", 5);
        ADD_UNSIGNED(pollfreqalert, "POLLFREQALERT", 5);
        ADD_UNSIGNED(hostsync, "HOSTSYNC", 15);
        ADD_UNSIGNED(deadtime, "DEADTIME", 15);
        ADD_UNSIGNED(finaldelay, "FINALDELAY", 5);
        ADD_UNSIGNED(rbwarntime, "RBWARNTIME", 43200);
        ADD_UNSIGNED(nocommwarntime, "NOCOMMWARNTIME", 300);
        ADD_INT(offduration, "OFFDURATION", 30);
        ADD_INT(overduration, "OVERDURATION", -1);
        ADD_INT(oblbduration, "OBLBDURATION", 0);
        if (!c->alarmcritical)
                ADD("ALARMCRITICAL=0");
        ADD_INT(shutdownexit, "SHUTDOWNEXIT", 0);
        ADD_INT(pollfail_log_throttle_max, "POLLFAIL_LOG_THROTTLE_MAX", -1);
        if (c->notifycmd) {
                g_autofree char *j = g_strjoinv("|", c->notifycmd);
                ADD("NOTIFYCMD=%s", j);
        }
        if (c->shutdowncmd) {
                g_autofree char *j = g_strjoinv("|", c->shutdowncmd);
                ADD("SHUTDOWNCMD=%s", j);
        }
        ADD_STRING(powerdownflag, "POWERDOWNFLAG");
        ADD_STRING(run_as_user, "RUN_AS_USER");
        for (NotifyType t = 0; t < _NOTIFY_TYPE_MAX; t++) {
                if (c->notify_message[t])
                        ADD("NOTIFYMSG[%s]=%s", notify_type_to_string(t), c->notify_message[t]);
                if (c->notify_flags[t] != NOTIFY_FLAGS_DEFAULT) {
                        GString *f = g_string_new(NULL);

                        for (unsigned b = 1; b <= NOTIFY_FLAG_EXEC; b <<= 1)
                                if (c->notify_flags[t] & b)
                                        g_string_append_printf(f, "%s%s", f->len ? "+" : "",
                                                               notify_flag_to_string(b));
                        ADD("NOTIFYFLAG[%s]=%s", notify_type_to_string(t), f->len ? f->str : "none");
                        g_string_free(f, TRUE);
                }
        }
        ADD_STRING(certpath, "CERTPATH");
        ADD_STRING(certfile, "CERTFILE");
        if (c->certident_name)
                ADD("CERTIDENT=%s/%s", c->certident_name, c->certident_password);
        for (size_t i = 0; i < c->n_certhosts; i++)
                ADD("CERTHOST=%s/%s/%d/%d", c->certhosts[i].host, c->certhosts[i].name, c->certhosts[i].verify,
                    c->certhosts[i].forcessl);
        if (c->certverify)
                ADD("CERTVERIFY");
        if (c->forcessl)
                ADD("FORCESSL");
#undef ADD
#undef ADD_UNSIGNED
#undef ADD_INT
#undef ADD_STRING
        return g_string_free(s, FALSE);
}

static char *join_warnings(char **w)
{
        return w ? g_strjoinv("\n", w) : g_strdup("");
}

static void test_defaults(void)
{
        UpsmonConfig c;
        g_autofree char *summary = NULL;

        upsmon_config_init(&c);
        g_assert_cmpuint(c.n_monitors, ==, 0);
        g_assert_true(upsmon_config_is_auto(&c));
        g_assert_cmpuint(c.minsupplies, ==, 1);
        g_assert_cmpuint(c.pollfreq, ==, 5);
        g_assert_cmpuint(c.pollfreqalert, ==, 5);
        g_assert_cmpuint(c.hostsync, ==, 15);
        g_assert_cmpuint(c.deadtime, ==, 15);
        g_assert_cmpuint(c.finaldelay, ==, 5);
        g_assert_cmpuint(c.rbwarntime, ==, 43200);
        g_assert_cmpuint(c.nocommwarntime, ==, 300);
        g_assert_cmpint(c.offduration, ==, 30);
        g_assert_cmpint(c.overduration, ==, -1);
        g_assert_cmpint(c.oblbduration, ==, 0);
        g_assert_true(c.alarmcritical);
        g_assert_cmpint(c.shutdownexit, ==, 0);
        g_assert_cmpint(c.pollfail_log_throttle_max, ==, -1);
        g_assert_null(c.notifycmd);
        g_assert_null(c.shutdowncmd);
        g_assert_null(c.powerdownflag);
        g_assert_null(c.run_as_user);
        g_assert_false(c.certverify);
        g_assert_false(c.forcessl);
        g_assert_null(c.warnings);
        for (NotifyType t = 0; t < _NOTIFY_TYPE_MAX; t++) {
                g_assert_null(c.notify_message[t]);
                g_assert_cmpint(upsmon_config_notify_flags(&c, t), ==, NOTIFY_FLAG_SYSLOG | NOTIFY_FLAG_WALL);
                g_assert_cmpstr(upsmon_config_notify_message(&c, t), ==, notify_type_default_message(t));
        }
        g_assert_null(upsmon_config_notify_message(&c, _NOTIFY_TYPE_MAX));
        g_assert_cmpint(upsmon_config_notify_flags(&c, _NOTIFY_TYPE_INVALID), ==, NOTIFY_FLAG_IGNORE);
        summary = upsmon_summary(&c);
        g_assert_cmpstr(summary, ==, "");
        upsmon_config_done(&c);
        upsmon_config_done(&c);         /* done leaves defaults behind, so twice is fine */
}

/* DESIGN §2: without MONITOR lines every local device powers the host, MINSUPPLIES 1. */
static void test_auto(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig c;
        unsigned pv = 99;
        MonitorRole role = _MONITOR_ROLE_INVALID;
        char *error = NULL;
        const char *text = "NOTIFYCMD /usr/local/bin/notify\n";

        upsmon_config_init(&c);
        g_assert_cmpint(upsmon_config_device_power(&c, "anything", &pv, &role), ==, 0);
        g_assert_cmpuint(pv, ==, 1);
        g_assert_cmpint(role, ==, MONITOR_PRIMARY);
        g_assert_null(upsmon_config_find_local(&c, "anything"));

        /* a file without MONITOR keeps the default (upsmon would refuse to start) */
        g_assert_cmpint(upsmon_config_parse(&c, "upsmon.conf", text, strlen(text), &error), ==, 0);
        g_assert_true(upsmon_config_is_auto(&c));
        pv = 99;
        g_assert_cmpint(upsmon_config_device_power(&c, "usb-1", &pv, &role), ==, 0);
        g_assert_cmpuint(pv, ==, 1);
        g_assert_cmpint(role, ==, MONITOR_PRIMARY);
}

static void test_device_power(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig c;
        unsigned pv = 99;
        MonitorRole role = _MONITOR_ROLE_INVALID;
        char *error = NULL;
        const char *text = "MONITOR alpha 2 u p primary\n"
                           "MONITOR beta@localhost 0 u p secondary\n"
                           "MONITOR gamma@ups.example.org 1 u p slave\n"
                           "MINSUPPLIES 2\n";

        upsmon_config_init(&c);
        g_assert_cmpint(upsmon_config_parse(&c, "upsmon.conf", text, strlen(text), &error), ==, 0);
        g_assert_false(upsmon_config_is_auto(&c));
        g_assert_cmpint(upsmon_config_device_power(&c, "alpha", &pv, &role), ==, 0);
        g_assert_cmpuint(pv, ==, 2);
        g_assert_cmpint(role, ==, MONITOR_PRIMARY);
        g_assert_cmpint(upsmon_config_device_power(&c, "beta", &pv, &role), ==, 0);
        g_assert_cmpuint(pv, ==, 0);
        g_assert_cmpint(role, ==, MONITOR_SECONDARY);
        g_assert_true(upsmon_config_find_local(&c, "beta") == &c.monitors[1]);

        /* remote and unknown devices: not ours; outputs untouched */
        pv = 99;
        role = _MONITOR_ROLE_INVALID;
        g_assert_cmpint(upsmon_config_device_power(&c, "gamma", &pv, &role), ==, -ENOENT);
        g_assert_cmpint(upsmon_config_device_power(&c, "delta", &pv, &role), ==, -ENOENT);
        g_assert_cmpuint(pv, ==, 99);
        g_assert_cmpint(role, ==, _MONITOR_ROLE_INVALID);
}

static void test_role_table(void)
{
        static const struct {
                const char *s;
                MonitorRole r;
        } cases[] = {
                { "primary", MONITOR_PRIMARY },     { "PRIMARY", MONITOR_PRIMARY },
                { "master", MONITOR_PRIMARY },      { "Master", MONITOR_PRIMARY },
                { "secondary", MONITOR_SECONDARY }, { "Secondary", MONITOR_SECONDARY },
                { "slave", MONITOR_SECONDARY },     { "SLAVE", MONITOR_SECONDARY },
                { "", _MONITOR_ROLE_INVALID },      { "prim", _MONITOR_ROLE_INVALID },
                { "main", _MONITOR_ROLE_INVALID },
        };

        for (MonitorRole r = 0; r < _MONITOR_ROLE_MAX; r++) {
                g_assert_nonnull(monitor_role_to_string(r));
                g_assert_cmpint(monitor_role_from_string(monitor_role_to_string(r)), ==, r);
        }
        g_assert_cmpstr(monitor_role_to_string(MONITOR_SECONDARY), ==, "secondary");
        g_assert_null(monitor_role_to_string(_MONITOR_ROLE_MAX));
        g_assert_null(monitor_role_to_string(_MONITOR_ROLE_INVALID));
        g_assert_cmpint(monitor_role_from_string(NULL), ==, _MONITOR_ROLE_INVALID);
        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
                g_assert_cmpint(monitor_role_from_string(cases[i].s), ==, cases[i].r);
}

static void test_notify_type_table(void)
{
        /* upsmon's numbers (clients/upsmon.h) */
        static const struct {
                const char *name;
                int id;
                unsigned n_args;
        } known[] = {
                { "ONLINE", 0, 1 },      { "ONBATT", 1, 1 },     { "LOWBATT", 2, 1 },
                { "FSD", 3, 1 },         { "COMMOK", 4, 1 },     { "COMMBAD", 5, 1 },
                { "SHUTDOWN", 6, 0 },    { "REPLBATT", 7, 1 },   { "NOCOMM", 8, 1 },
                { "NOPARENT", 9, 0 },    { "CAL", 10, 1 },       { "NOTCAL", 11, 1 },
                { "OFF", 12, 1 },        { "NOTOFF", 13, 1 },    { "BYPASS", 14, 1 },
                { "NOTBYPASS", 15, 1 },  { "ECO", 16, 1 },       { "NOTECO", 17, 1 },
                { "ALARM", 18, 2 },      { "NOTALARM", 19, 1 },  { "OVER", 20, 1 },
                { "NOTOVER", 21, 1 },    { "TRIM", 22, 1 },      { "NOTTRIM", 23, 1 },
                { "BOOST", 24, 1 },      { "NOTBOOST", 25, 1 },  { "SHUTDOWN_HOSTSYNC", 26, 0 },
                { "SUSPEND_TIMEJUMP_UNEXPECTED", 27, 0 },        { "OTHER", 28, 2 },
                { "NOTOTHER", 29, 1 },   { "SUSPEND_STARTING", 30, 0 },
                { "SUSPEND_FINISHED", 31, 0 },
        };

        g_assert_cmpint(G_N_ELEMENTS(known), ==, _NOTIFY_TYPE_MAX);
        for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
                NotifyType t = notify_type_from_string(known[i].name);
                const char *msg;
                unsigned n = 0;

                g_assert_cmpint(t, ==, known[i].id);
                g_assert_cmpstr(notify_type_to_string(t), ==, known[i].name);
                g_assert_cmpuint(notify_type_n_args(t), ==, known[i].n_args);
                /* every stock message fills exactly the arguments its type has */
                msg = notify_type_default_message(t);
                g_assert_nonnull(msg);
                for (const char *p = strchr(msg, '%'); p; p = strchr(p + 2, '%')) {
                        g_assert_cmpint(p[1], ==, 's');
                        n++;
                }
                g_assert_cmpuint(n, ==, known[i].n_args);
        }
        g_assert_cmpint(notify_type_from_string("online"), ==, _NOTIFY_TYPE_INVALID);
        g_assert_cmpint(notify_type_from_string("NOTHING"), ==, _NOTIFY_TYPE_INVALID);
        g_assert_cmpint(notify_type_from_string(""), ==, _NOTIFY_TYPE_INVALID);
        g_assert_cmpint(notify_type_from_string(NULL), ==, _NOTIFY_TYPE_INVALID);
        g_assert_null(notify_type_to_string(_NOTIFY_TYPE_MAX));
        g_assert_null(notify_type_to_string(_NOTIFY_TYPE_INVALID));
        g_assert_null(notify_type_default_message(_NOTIFY_TYPE_MAX));
        g_assert_cmpuint(notify_type_n_args(_NOTIFY_TYPE_INVALID), ==, 0);
        g_assert_cmpstr(notify_type_default_message(NOTIFY_ONBATT), ==, "UPS %s on battery");
        g_assert_cmpstr(notify_type_default_message(NOTIFY_SHUTDOWN), ==, "Auto logout and shutdown proceeding");
}

static void test_notify_flag_table(void)
{
        static const struct {
                const char *s;
                NotifyFlags f;
        } cases[] = {
                { "IGNORE", NOTIFY_FLAG_IGNORE }, { "SYSLOG", NOTIFY_FLAG_SYSLOG },
                { "WALL", NOTIFY_FLAG_WALL },     { "EXEC", NOTIFY_FLAG_EXEC },
                { "syslog", _NOTIFY_FLAG_INVALID }, { "MAIL", _NOTIFY_FLAG_INVALID },
                { "", _NOTIFY_FLAG_INVALID },       { "SYSLOG+WALL", _NOTIFY_FLAG_INVALID },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_assert_cmpint(notify_flag_from_string(cases[i].s), ==, cases[i].f);
                if (cases[i].f > 0)
                        g_assert_cmpstr(notify_flag_to_string(cases[i].f), ==, cases[i].s);
        }
        g_assert_cmpint(notify_flag_from_string(NULL), ==, _NOTIFY_FLAG_INVALID);
        g_assert_null(notify_flag_to_string(0));
        g_assert_null(notify_flag_to_string(NOTIFY_FLAGS_DEFAULT));
        g_assert_null(notify_flag_to_string(1 << 4));
        g_assert_null(notify_flag_to_string(_NOTIFY_FLAG_INVALID));
}

static void test_notify_format(void)
{
        static const struct {
                const char *format, *ups, *detail, *result;
        } cases[] = {
                { "UPS %s on battery", "ups1", NULL, "UPS ups1 on battery" },
                { "UPS %s: one or more active alarms: [%s]", "ups1", "Replace battery!",
                  "UPS ups1: one or more active alarms: [Replace battery!]" },
                { "Auto logout and shutdown proceeding", NULL, NULL, "Auto logout and shutdown proceeding" },
                { "%s %s %s", "a", "b", "a b %s" },
                { "%s", NULL, NULL, "" },
                { "100%% sure %s", "u", NULL, "100% sure u" },
                { "%d %n %x %", "u", NULL, "%d %n %x %" },
                { "%s=%s", "%s", "%%", "%s=%%" },      /* arguments are not formats */
                { "", "u", "d", "" },
                { NULL, "u", NULL, "" },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *s = notify_format_message(cases[i].format, cases[i].ups, cases[i].detail);

                g_assert_cmpstr(s, ==, cases[i].result);
        }
}

typedef struct ConfCase {
        const char *path;
        const char *text;
        const char *result;     /* summary; NULL for an error */
        const char *warnings;   /* joined by "\n"; NULL for none */
        const char *error;      /* exact, for name "upsmon.conf" */
} ConfCase;

#define W(n, s) "upsmon.conf:" #n ": " s
#define UNKNOWN(n, k) W(n, "unknown keyword " k ", ignored")
#define NUM_ERR(n, k, min, max, v) W(n, k " wants a number from " #min " to " #max ", not \"" v "\"")
#define SEC_ERR(n, k, v) NUM_ERR(n, k, -31536000, 31536000, v)
#define MON(sys, ups, host, port, where, pv, role) \
        "MONITOR=" sys "[" ups "@" host ":" #port "," where "," #pv ",mon,secret," role "]"
#define USAGE(n) W(n, "expected \"MONITOR ups[@host[:port]] powervalue username password primary|secondary\"")

static const ConfCase upsmon_cases[] = {
        { "/shutdown/upsmon-conf/empty", "", "" },
        { "/shutdown/upsmon-conf/comments", "# upsmon.conf\n\n   # nothing\n", "" },
        /* MONITOR */
        { "/shutdown/upsmon-conf/monitor/local", "MONITOR myups 1 mon secret primary\n",
          MON("myups", "myups", "-", 3493, "local", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/remote", "MONITOR myups@bigserver 1 mon secret secondary\n",
          MON("myups@bigserver", "myups", "bigserver", 3493, "remote", 1, "secondary") },
        { "/shutdown/upsmon-conf/monitor/port", "MONITOR fenton@bigbox:5678 1 mon secret primary\n",
          MON("fenton@bigbox:5678", "fenton", "bigbox", 5678, "remote", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/localhost", "MONITOR su700@localhost 1 mon secret master\n",
          MON("su700@localhost", "su700", "localhost", 3493, "local", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/loopback",
          "MONITOR a@127.0.0.1 1 mon secret slave\nMONITOR b@[::1]:3493 1 mon secret primary\n"
          "MONITOR c@LocalHost:3493 1 mon secret primary\n",
          MON("a@127.0.0.1", "a", "127.0.0.1", 3493, "local", 1, "secondary") " "
          MON("b@[::1]:3493", "b", "::1", 3493, "local", 1, "primary") " "
          MON("c@LocalHost:3493", "c", "LocalHost", 3493, "local", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/localhost-other-port", "MONITOR ups@localhost:3494 1 mon secret primary\n",
          MON("ups@localhost:3494", "ups", "localhost", 3494, "remote", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/ipv6",
          "MONITOR a@[fe80::1]:4000 1 mon secret primary\nMONITOR b@fe80::2 1 mon secret primary\n"
          "MONITOR c@[2001:db8::1] 1 mon secret primary\n",
          MON("a@[fe80::1]:4000", "a", "fe80::1", 4000, "remote", 1, "primary") " "
          MON("b@fe80::2", "b", "fe80::2", 3493, "remote", 1, "primary") " "
          MON("c@[2001:db8::1]", "c", "2001:db8::1", 3493, "remote", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/power-values",
          "MONITOR alpha 2 mon secret primary\nMONITOR beta 1 mon secret primary\n"
          "MONITOR far@box 0 mon secret secondary\nMINSUPPLIES 2\n",
          MON("alpha", "alpha", "-", 3493, "local", 2, "primary") " "
          MON("beta", "beta", "-", 3493, "local", 1, "primary") " "
          MON("far@box", "far", "box", 3493, "remote", 0, "secondary") " MINSUPPLIES=2" },
        { "/shutdown/upsmon-conf/monitor/roles-case",
          "MONITOR a 1 mon secret PRIMARY\nMONITOR b 1 mon secret Slave\n",
          MON("a", "a", "-", 3493, "local", 1, "primary") " "
          MON("b", "b", "-", 3493, "local", 1, "secondary") },
        { "/shutdown/upsmon-conf/monitor/quoted",
          "MONITOR \"ups\" \"1\" \"mon\" \"secret\" \"primary\"\n",
          MON("ups", "ups", "-", 3493, "local", 1, "primary") },
        { "/shutdown/upsmon-conf/monitor/password-spaces", "MONITOR ups 1 mon \"a b\\#c\\\"d\" primary\n",
          "MONITOR=ups[ups@-:3493,local,1,mon,a b#c\"d,primary]" },
        { "/shutdown/upsmon-conf/monitor/duplicate",
          "MONITOR ups 1 mon secret primary\nMONITOR ups@localhost 2 mon secret secondary\n"
          "MONITOR ups@other 1 mon secret secondary\nMONITOR ups@OTHER:3493 1 mon secret secondary\n",
          MON("ups", "ups", "-", 3493, "local", 1, "primary") " "
          MON("ups@other", "ups", "other", 3493, "remote", 1, "secondary"),
          W(2, "UPS ups@localhost is already monitored (as ups), line ignored") "\n"
          W(4, "UPS ups@OTHER:3493 is already monitored (as ups@other), line ignored") },
        { "/shutdown/upsmon-conf/monitor/no-username", "MONITOR ups 1 secret primary\n", NULL, NULL, USAGE(1) },
        { "/shutdown/upsmon-conf/monitor/too-many", "MONITOR ups 1 mon secret primary extra\n", NULL, NULL,
          USAGE(1) },
        { "/shutdown/upsmon-conf/monitor/bare", "\nMONITOR\n", NULL, NULL, USAGE(2) },
        { "/shutdown/upsmon-conf/monitor/equals", "MONITOR = ups 1 mon secret\n", NULL, NULL,
          W(1, "upsmon.conf takes no '=': expected \"MONITOR ups[@host[:port]] powervalue username password "
               "primary|secondary\"") },
        { "/shutdown/upsmon-conf/monitor/role", "MONITOR ups 1 mon secret main\n", NULL, NULL,
          W(1, "MONITOR wants primary or secondary (or master, slave), not \"main\"") },
        { "/shutdown/upsmon-conf/monitor/power-negative", "MONITOR ups -1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a power value from 0 to 1000, not \"-1\"") },
        { "/shutdown/upsmon-conf/monitor/power-word", "MONITOR ups one mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a power value from 0 to 1000, not \"one\"") },
        { "/shutdown/upsmon-conf/monitor/power-big", "MONITOR ups 1001 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a power value from 0 to 1000, not \"1001\"") },
        { "/shutdown/upsmon-conf/monitor/no-name", "MONITOR @host 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a UPS name, not \"@host\"") },
        { "/shutdown/upsmon-conf/monitor/empty-name", "MONITOR \"\" 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a UPS name, not \"\"") },
        { "/shutdown/upsmon-conf/monitor/no-host", "MONITOR ups@ 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a host after '@'") },
        { "/shutdown/upsmon-conf/monitor/empty-host", "MONITOR ups@:3493 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a host after '@'") },
        { "/shutdown/upsmon-conf/monitor/port-0", "MONITOR ups@h:0 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a port from 1 to 65535, not \"0\"") },
        { "/shutdown/upsmon-conf/monitor/port-big", "MONITOR ups@h:65536 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a port from 1 to 65535, not \"65536\"") },
        { "/shutdown/upsmon-conf/monitor/port-empty", "MONITOR ups@h: 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants a port from 1 to 65535, not \"\"") },
        { "/shutdown/upsmon-conf/monitor/bracket", "MONITOR ups@[::1 1 mon secret primary\n", NULL, NULL,
          W(1, "MONITOR wants ups[@host[:port]], not \"[::1\"") },
        { "/shutdown/upsmon-conf/monitor/bracket-trailing", "MONITOR ups@[::1]x 1 mon secret primary\n", NULL,
          NULL, W(1, "MONITOR wants ups[@host[:port]], not \"[::1]x\"") },
        { "/shutdown/upsmon-conf/monitor/insufficient", "MONITOR a 1 mon secret primary\nMINSUPPLIES 2\n", NULL,
          NULL, "upsmon.conf: insufficient power configured: the MONITOR lines give a power value of 1, "
                "MINSUPPLIES is 2" },
        { "/shutdown/upsmon-conf/monitor/only-monitoring", "MONITOR a 0 mon secret secondary\n", NULL, NULL,
          "upsmon.conf: insufficient power configured: the MONITOR lines give a power value of 0, "
          "MINSUPPLIES is 1" },
        { "/shutdown/upsmon-conf/monitor/minsupplies-0", "MONITOR a 0 mon secret secondary\nMINSUPPLIES 0\n",
          MON("a", "a", "-", 3493, "local", 0, "secondary") " MINSUPPLIES=0" },
        /* numbers */
        { "/shutdown/upsmon-conf/numbers",
          "POLLFREQ 10\nPOLLFREQALERT 2\nHOSTSYNC 30\nDEADTIME 45\nFINALDELAY 0\nRBWARNTIME 3600\n"
          "NOCOMMWARNTIME 60\nOFFDURATION -1\nOVERDURATION 10\nOBLBDURATION 5\nMINSUPPLIES 3\n",
          "MINSUPPLIES=3 POLLFREQ=10 POLLFREQALERT=2 HOSTSYNC=30 DEADTIME=45 FINALDELAY=0 RBWARNTIME=3600 "
          "NOCOMMWARNTIME=60 OFFDURATION=-1 OVERDURATION=10 OBLBDURATION=5" },
        { "/shutdown/upsmon-conf/numbers/zero", "HOSTSYNC 0\nDEADTIME 0\nOFFDURATION 0\nOVERDURATION 0\n",
          "HOSTSYNC=0 DEADTIME=0 OFFDURATION=0 OVERDURATION=0" },
        { "/shutdown/upsmon-conf/numbers/last-wins", "FINALDELAY 1\nFINALDELAY 2\n", "FINALDELAY=2" },
        { "/shutdown/upsmon-conf/numbers/leading-zeros", "DEADTIME 0030\n", "DEADTIME=30" },
        { "/shutdown/upsmon-conf/numbers/pollfreq-0", "POLLFREQ 0\n", NULL, NULL,
          NUM_ERR(1, "POLLFREQ", 1, 86400, "0") },
        { "/shutdown/upsmon-conf/numbers/pollfreqalert-big", "POLLFREQALERT 86401\n", NULL, NULL,
          NUM_ERR(1, "POLLFREQALERT", 1, 86400, "86401") },
        { "/shutdown/upsmon-conf/numbers/nocommwarntime-0", "NOCOMMWARNTIME 0\n", NULL, NULL,
          NUM_ERR(1, "NOCOMMWARNTIME", 1, 31536000, "0") },
        { "/shutdown/upsmon-conf/numbers/rbwarntime-0", "RBWARNTIME 0\n", NULL, NULL,
          NUM_ERR(1, "RBWARNTIME", 1, 31536000, "0") },
        { "/shutdown/upsmon-conf/numbers/deadtime-negative", "DEADTIME -1\n", NULL, NULL,
          NUM_ERR(1, "DEADTIME", 0, 31536000, "-1") },
        { "/shutdown/upsmon-conf/numbers/hostsync-unit", "HOSTSYNC 15s\n", NULL, NULL,
          NUM_ERR(1, "HOSTSYNC", 0, 31536000, "15s") },
        { "/shutdown/upsmon-conf/numbers/finaldelay-plus", "FINALDELAY +5\n", NULL, NULL,
          NUM_ERR(1, "FINALDELAY", 0, 31536000, "+5") },
        { "/shutdown/upsmon-conf/numbers/finaldelay-overflow", "FINALDELAY 99999999999999999999\n", NULL, NULL,
          NUM_ERR(1, "FINALDELAY", 0, 31536000, "99999999999999999999") },
        { "/shutdown/upsmon-conf/numbers/minsupplies-big", "MINSUPPLIES 1001\n", NULL, NULL,
          NUM_ERR(1, "MINSUPPLIES", 0, 1000, "1001") },
        { "/shutdown/upsmon-conf/numbers/minsupplies-word", "MINSUPPLIES one\n", NULL, NULL,
          NUM_ERR(1, "MINSUPPLIES", 0, 1000, "one") },
        { "/shutdown/upsmon-conf/numbers/offduration-dash", "OFFDURATION -\n", NULL, NULL,
          SEC_ERR(1, "OFFDURATION", "-") },
        { "/shutdown/upsmon-conf/numbers/oblbduration-big", "OBLBDURATION -31536001\n", NULL, NULL,
          SEC_ERR(1, "OBLBDURATION", "-31536001") },
        { "/shutdown/upsmon-conf/numbers/no-value", "DEADTIME\n", NULL, NULL, W(1, "expected \"DEADTIME seconds\"") },
        { "/shutdown/upsmon-conf/numbers/two-values", "DEADTIME 1 2\n", NULL, NULL,
          W(1, "expected \"DEADTIME seconds\"") },
        { "/shutdown/upsmon-conf/numbers/equals", "DEADTIME = 5\n", NULL, NULL,
          W(1, "upsmon.conf takes no '=': expected \"DEADTIME seconds\"") },
        { "/shutdown/upsmon-conf/pollfail", "POLLFAIL_LOG_THROTTLE_MAX 10\n", "POLLFAIL_LOG_THROTTLE_MAX=10" },
        { "/shutdown/upsmon-conf/pollfail/minus-2", "POLLFAIL_LOG_THROTTLE_MAX -2\n", NULL, NULL,
          NUM_ERR(1, "POLLFAIL_LOG_THROTTLE_MAX", -1, 2147483647, "-2") },
        /* booleans */
        { "/shutdown/upsmon-conf/alarmcritical", "ALARMCRITICAL 0\n", "ALARMCRITICAL=0" },
        { "/shutdown/upsmon-conf/alarmcritical/yes", "ALARMCRITICAL 0\nALARMCRITICAL yes\n", "" },
        { "/shutdown/upsmon-conf/alarmcritical/bad", "ALARMCRITICAL 2\n", NULL, NULL,
          W(1, "ALARMCRITICAL wants 0 or 1, not \"2\"") },
        { "/shutdown/upsmon-conf/shutdownexit/seconds", "SHUTDOWNEXIT 30\n", "SHUTDOWNEXIT=30" },
        { "/shutdown/upsmon-conf/shutdownexit/1", "SHUTDOWNEXIT 1\n", "SHUTDOWNEXIT=1" },
        { "/shutdown/upsmon-conf/shutdownexit/never", "SHUTDOWNEXIT -5\n", "SHUTDOWNEXIT=-5" },
        { "/shutdown/upsmon-conf/shutdownexit/no", "SHUTDOWNEXIT no\n", "SHUTDOWNEXIT=-1" },
        { "/shutdown/upsmon-conf/shutdownexit/yes", "SHUTDOWNEXIT 30\nSHUTDOWNEXIT yes\n", "" },
        { "/shutdown/upsmon-conf/shutdownexit/bad", "SHUTDOWNEXIT later\n", NULL, NULL,
          W(1, "SHUTDOWNEXIT wants yes, no or seconds, not \"later\"") },
        /* commands and paths */
        { "/shutdown/upsmon-conf/commands",
          "SHUTDOWNCMD \"/sbin/shutdown -h +0\"\nNOTIFYCMD /usr/sbin/upssched\n",
          "NOTIFYCMD=/usr/sbin/upssched SHUTDOWNCMD=/sbin/shutdown -h +0" },
        { "/shutdown/upsmon-conf/commands/words", "SHUTDOWNCMD /sbin/shutdown -h now\nNOTIFYCMD a \"b c\"\n",
          "NOTIFYCMD=a|b c SHUTDOWNCMD=/sbin/shutdown|-h|now" },
        { "/shutdown/upsmon-conf/commands/last-wins", "NOTIFYCMD a b\nNOTIFYCMD c\n", "NOTIFYCMD=c" },
        { "/shutdown/upsmon-conf/commands/empty", "SHUTDOWNCMD \"\"\n", NULL, NULL,
          W(1, "SHUTDOWNCMD wants a command") },
        { "/shutdown/upsmon-conf/commands/none", "NOTIFYCMD\n", NULL, NULL,
          W(1, "expected \"NOTIFYCMD command [args...]\"") },
        { "/shutdown/upsmon-conf/paths",
          "POWERDOWNFLAG /etc/killpower\nRUN_AS_USER nut\nCERTPATH /etc/nut/cert\nCERTFILE /etc/nut/c.pem\n",
          "POWERDOWNFLAG=/etc/killpower RUN_AS_USER=nut CERTPATH=/etc/nut/cert CERTFILE=/etc/nut/c.pem" },
        { "/shutdown/upsmon-conf/paths/relative", "POWERDOWNFLAG killpower\n", NULL, NULL,
          W(1, "POWERDOWNFLAG wants an absolute path, not \"killpower\"") },
        { "/shutdown/upsmon-conf/run-as-user/empty", "RUN_AS_USER \"\"\n", NULL, NULL,
          W(1, "RUN_AS_USER wants a value") },
        /* NOTIFYMSG and NOTIFYFLAG */
        { "/shutdown/upsmon-conf/notifymsg",
          "NOTIFYMSG ONLINE \"UPS %s is getting line power\"\nNOTIFYMSG ONBATT \"Someone pulled the plug on %s\"\n",
          "NOTIFYMSG[ONLINE]=UPS %s is getting line power NOTIFYMSG[ONBATT]=Someone pulled the plug on %s" },
        { "/shutdown/upsmon-conf/notifymsg/new-types", "NOTIFYMSG OTHER \"%s: [%s]\"\nNOTIFYMSG SUSPEND_STARTING zz\n",
          "NOTIFYMSG[OTHER]=%s: [%s] NOTIFYMSG[SUSPEND_STARTING]=zz" },
        { "/shutdown/upsmon-conf/notifymsg/unknown-type", "NOTIFYMSG ONFIRE \"%s burns\"\nNOTIFYMSG online x\n",
          "",
          W(1, "unknown notify type ONFIRE, NOTIFYMSG line ignored") "\n"
          W(2, "unknown notify type online, NOTIFYMSG line ignored") },
        { "/shutdown/upsmon-conf/notifymsg/unquoted", "NOTIFYMSG ONLINE UPS %s is back\n", NULL, NULL,
          W(1, "NOTIFYMSG wants the message as one word: put it in quotes") },
        { "/shutdown/upsmon-conf/notifymsg/no-text", "NOTIFYMSG ONLINE\n", NULL, NULL,
          W(1, "expected \"NOTIFYMSG TYPE message\"") },
        { "/shutdown/upsmon-conf/notifyflag",
          "NOTIFYFLAG ONLINE SYSLOG\nNOTIFYFLAG ONBATT SYSLOG+WALL+EXEC\nNOTIFYFLAG LOWBATT EXEC\n"
          "NOTIFYFLAG REPLBATT IGNORE\nNOTIFYFLAG NOCOMM SYSLOG+WALL\n",
          "NOTIFYFLAG[ONLINE]=SYSLOG NOTIFYFLAG[ONBATT]=SYSLOG+WALL+EXEC NOTIFYFLAG[LOWBATT]=EXEC "
          "NOTIFYFLAG[REPLBATT]=IGNORE" },
        { "/shutdown/upsmon-conf/notifyflag/ignore-and-more", "NOTIFYFLAG FSD IGNORE+SYSLOG\n",
          "NOTIFYFLAG[FSD]=IGNORE", W(1, "NOTIFYFLAG FSD: IGNORE overrides the other flags") },
        { "/shutdown/upsmon-conf/notifyflag/unknown-flag", "NOTIFYFLAG CAL SYSLOG+MAIL++exec\n",
          "NOTIFYFLAG[CAL]=SYSLOG",
          W(1, "unknown notify flag MAIL, ignored (SYSLOG, WALL, EXEC, IGNORE)") "\n"
          W(1, "unknown notify flag exec, ignored (SYSLOG, WALL, EXEC, IGNORE)") },
        { "/shutdown/upsmon-conf/notifyflag/nothing-known", "NOTIFYFLAG OFF MAIL\n", "NOTIFYFLAG[OFF]=none",
          W(1, "unknown notify flag MAIL, ignored (SYSLOG, WALL, EXEC, IGNORE)") },
        { "/shutdown/upsmon-conf/notifyflag/unknown-type", "NOTIFYFLAG BLACKOUT SYSLOG\n", "",
          W(1, "unknown notify type BLACKOUT, NOTIFYFLAG line ignored") },
        { "/shutdown/upsmon-conf/notifyflag/one-arg", "NOTIFYFLAG ONLINE\n", NULL, NULL,
          W(1, "expected \"NOTIFYFLAG TYPE SYSLOG[+WALL][+EXEC]|IGNORE\"") },
        /* TLS client settings */
        { "/shutdown/upsmon-conf/tls",
          "CERTIDENT \"my client\" \"db pass\"\nCERTHOST ups.example.org:3493 \"My nut server\" 1 0\n"
          "CERTHOST other \"x\" 0 1\nCERTVERIFY 1\nFORCESSL 1\n",
          "CERTIDENT=my client/db pass CERTHOST=ups.example.org:3493/My nut server/1/0 CERTHOST=other/x/0/1 "
          "CERTVERIFY FORCESSL" },
        { "/shutdown/upsmon-conf/tls/off", "CERTVERIFY 1\nCERTVERIFY 0\nFORCESSL 0\n", "" },
        { "/shutdown/upsmon-conf/tls/certhost-bad", "CERTHOST h n 2 0\n", NULL, NULL,
          W(1, "CERTHOST wants 0 or 1 for certverify and forcessl, not \"2\"") },
        { "/shutdown/upsmon-conf/tls/certhost-short", "CERTHOST h n 1\n", NULL, NULL,
          W(1, "expected \"CERTHOST host name certverify forcessl\"") },
        { "/shutdown/upsmon-conf/tls/forcessl-bad", "FORCESSL maybe\n", NULL, NULL,
          W(1, "FORCESSL wants 0 or 1, not \"maybe\"") },
        /* accepted and ignored */
        { "/shutdown/upsmon-conf/debug-min", "DEBUG_MIN 3\ndebug_min 2\n", "" },
        /* upsmon skips unknown keywords; so does nutd, but it says so */
        { "/shutdown/upsmon-conf/unknown", "DEADTIME 20\nFOO bar\n# c\nBAR\nFINALDELAY 1\n",
          "DEADTIME=20 FINALDELAY=1", UNKNOWN(2, "FOO") "\n" UNKNOWN(4, "BAR") },
        { "/shutdown/upsmon-conf/unknown/case", "deadtime 20\nMonitor ups 1 a b primary\n", "",
          W(1, "unknown keyword deadtime, ignored (keywords are case-sensitive: DEADTIME)") "\n"
          W(2, "unknown keyword Monitor, ignored (keywords are case-sensitive: MONITOR)") },
        { "/shutdown/upsmon-conf/unknown/then-error", "FOO\nHOSTSYNC x\n", NULL, NULL,
          NUM_ERR(2, "HOSTSYNC", 0, 31536000, "x") },
        /* syntax */
        { "/shutdown/upsmon-conf/crlf", "DEADTIME 5\r\nFINALDELAY 0\r\n", "DEADTIME=5 FINALDELAY=0" },
        { "/shutdown/upsmon-conf/continuation", "MONITOR ups \\\n 1 mon \\\n secret primary\n",
          MON("ups", "ups", "-", 3493, "local", 1, "primary") },
        { "/shutdown/upsmon-conf/tokenizer", "DEADTIME 5\nSHUTDOWNCMD \"/bin/x #1\"\n", NULL, NULL,
          W(2, "unescaped '#' inside quotes") },
        { "/shutdown/upsmon-conf/no-final-newline", "DEADTIME 5", "DEADTIME=5" },
        /* the sample file as Debian ships it, with a MONITOR line */
        { "/shutdown/upsmon-conf/sample",
          "# Network UPS Tools: example upsmon configuration\n"
          "MONITOR myups@localhost 1 upsmon pass master\n"
          "MINSUPPLIES 1\n"
          "SHUTDOWNCMD \"/sbin/shutdown -h +0\"\n"
          "POLLFREQ 5\n"
          "POLLFREQALERT 5\n"
          "HOSTSYNC 15\n"
          "DEADTIME 15\n"
          "POWERDOWNFLAG /etc/killpower\n"
          "RBWARNTIME 43200\n"
          "NOCOMMWARNTIME 300\n"
          "FINALDELAY 5\n",
          "MONITOR=myups@localhost[myups@localhost:3493,local,1,upsmon,pass,primary] "
          "SHUTDOWNCMD=/sbin/shutdown -h +0 POWERDOWNFLAG=/etc/killpower" },
};

#define OLD "MONITOR old 1 u p primary\nDEADTIME 99\nOLD\n"

static void test_upsmon(const void *data)
{
        const ConfCase *t = data;
        _cleanup_(upsmon_config_done) UpsmonConfig c;
        g_autofree char *summary = NULL, *warnings = NULL;
        char *error = NULL;
        int r;

        /* start from a loaded config: success replaces it, failure keeps it */
        upsmon_config_init(&c);
        g_assert_cmpint(upsmon_config_parse(&c, "old", OLD, strlen(OLD), &error), ==, 0);
        g_assert_cmpuint(g_strv_length(c.warnings), ==, 1);

        r = upsmon_config_parse(&c, "upsmon.conf", t->text, strlen(t->text), &error);
        summary = upsmon_summary(&c);
        warnings = join_warnings(c.warnings);
        if (t->error) {
                g_assert_cmpint(r, <, 0);
                g_assert_cmpstr(error, ==, t->error);
                g_assert_cmpstr(summary, ==, "MONITOR=old[old@-:3493,local,1,u,p,primary] DEADTIME=99");
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

static void test_nul(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig c;
        static const char text[] = "DEADTIME 5\nFINAL\0DELAY 1\n";
        char *error = NULL;

        upsmon_config_init(&c);
        g_assert_cmpint(upsmon_config_parse(&c, "upsmon.conf", text, sizeof(text) - 1, &error), <, 0);
        g_assert_cmpstr(error, ==, "upsmon.conf:2: NUL byte: not a text file");
        g_assert_cmpuint(c.deadtime, ==, 15);
        free(error);
}

static void test_load(void)
{
        g_autofree char *dir = g_dir_make_tmp("test-shutdown-upsmon-conf-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "upsmon.conf", NULL);
        g_autofree char *expect_error =
                g_strdup_printf("%s:3: MONITOR wants primary or secondary (or master, slave), not \"x\"", path);
        g_autofree char *expect_warning = g_strdup_printf("%s:2: unknown keyword FOO, ignored", path);
        g_autofree char *expect_power = g_strdup_printf(
                "%s: insufficient power configured: the MONITOR lines give a power value of 1, MINSUPPLIES is 3",
                path);
        g_autofree char *expect_dir = g_strdup_printf("%s: %s", dir, g_strerror(EISDIR));
        _cleanup_(upsmon_config_done) UpsmonConfig c;
        char *error = NULL;

        g_assert_nonnull(dir);
        upsmon_config_init(&c);

        /* missing: the no-config default */
        c.deadtime = 42;
        g_assert_cmpint(upsmon_config_load(&c, path, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(c.deadtime, ==, 15);
        g_assert_true(upsmon_config_is_auto(&c));
        g_assert_null(c.warnings);

        g_assert_true(g_file_set_contents(path, "MONITOR ups 1 u p primary\nFOO\nDEADTIME 5\n", -1, NULL));
        g_assert_cmpint(upsmon_config_load(&c, path, &error), ==, 0);
        g_assert_null(error);
        g_assert_cmpuint(c.n_monitors, ==, 1);
        g_assert_cmpstr(c.monitors[0].ups, ==, "ups");
        g_assert_cmpuint(c.deadtime, ==, 5);
        g_assert_cmpuint(g_strv_length(c.warnings), ==, 1);
        g_assert_cmpstr(c.warnings[0], ==, expect_warning);

        /* an error names the full path and keeps what was loaded */
        g_assert_true(g_file_set_contents(path, "DEADTIME 7\n\nMONITOR a 1 u p x\n", -1, NULL));
        g_assert_cmpint(upsmon_config_load(&c, path, &error), ==, -EINVAL);
        g_assert_cmpstr(error, ==, expect_error);
        g_assert_cmpuint(c.deadtime, ==, 5);
        g_assert_cmpuint(c.n_monitors, ==, 1);
        g_clear_pointer(&error, free);

        g_assert_true(g_file_set_contents(path, "MONITOR a 1 u p primary\nMINSUPPLIES 3\n", -1, NULL));
        g_assert_cmpint(upsmon_config_load(&c, path, &error), ==, -EINVAL);
        g_assert_cmpstr(error, ==, expect_power);
        g_clear_pointer(&error, free);

        /* a directory is not a missing file */
        g_assert_cmpint(upsmon_config_load(&c, dir, &error), ==, -EISDIR);
        g_assert_cmpstr(error, ==, expect_dir);
        g_assert_cmpuint(c.deadtime, ==, 5);
        g_clear_pointer(&error, free);

        g_assert_cmpint(g_unlink(path), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/shutdown/upsmon-conf/defaults", test_defaults);
        g_test_add_func("/shutdown/upsmon-conf/auto", test_auto);
        g_test_add_func("/shutdown/upsmon-conf/device-power", test_device_power);
        g_test_add_func("/shutdown/upsmon-conf/role/table", test_role_table);
        g_test_add_func("/shutdown/notify-type/table", test_notify_type_table);
        g_test_add_func("/shutdown/notify-type/flags", test_notify_flag_table);
        g_test_add_func("/shutdown/notify-type/format", test_notify_format);
        for (size_t i = 0; i < G_N_ELEMENTS(upsmon_cases); i++)
                g_test_add_data_func(upsmon_cases[i].path, &upsmon_cases[i], test_upsmon);
        g_test_add_func("/shutdown/upsmon-conf/error/nul", test_nul);
        g_test_add_func("/shutdown/upsmon-conf/load", test_load);

        return g_test_run();
}
