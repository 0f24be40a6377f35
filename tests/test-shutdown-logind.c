/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The logind client against python3-dbusmock's logind template on a private system bus
 * (with-system-bus.sh --mock logind), and against a bus without logind (no --mock).
 */
#include <glib.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>

#include "log.h"
#include "logind.h"

#define L1 "org.freedesktop.login1", "/org/freedesktop/login1"
#define MANAGER "org.freedesktop.login1.Manager"
#define MOCK "org.freedesktop.DBus.Mock"
#define TIMEOUT_USEC (10 * G_USEC_PER_SEC)
#define RAISE(error) "raise dbus.exceptions.DBusException('mocked', name='" error "')"

typedef struct Fixture {
        sd_event *event;
        sd_bus *bus;
        Logind *l;
        GString *hooks_seen;            /* "sleep(true)shutdown(false)…" */
        bool release_in_hook;
        int done_calls;
        int done_r;
        GPid mock_pid;                  /* a dbusmock started by the test itself */
} Fixture;

static bool logind_present;

/* Runs the loop until expr holds; fails after TIMEOUT_USEC. */
#define WAIT_FOR(f, expr)                                                                       \
        do {                                                                                    \
                int64_t _end = g_get_monotonic_time() + TIMEOUT_USEC;                           \
                while (!(expr)) {                                                               \
                        if (g_get_monotonic_time() > _end)                                      \
                                g_error("timed out waiting for %s", #expr);                     \
                        g_assert_cmpint(sd_event_run((f)->event, 10 * 1000), >=, 0);            \
                }                                                                               \
        } while (0)

static void run_for(Fixture *f, int64_t usec)
{
        int64_t end = g_get_monotonic_time() + usec;

        while (g_get_monotonic_time() < end)
                g_assert_cmpint(sd_event_run(f->event, 10 * 1000), >=, 0);
}

/* A synchronous call to logind (or its Mock interface); the caller unrefs the reply. */
static sd_bus_message *call(Fixture *f, const char *iface, const char *member, const char *types, ...)
{
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        va_list ap;

        va_start(ap, types);
        (void) sd_bus_call_methodv(f->bus, L1, iface, member, &error, &reply, types, ap);
        va_end(ap);
        g_assert_cmpstr(error.message, ==, NULL);
        return reply;
}

static void call_void(Fixture *f, const char *iface, const char *member, const char *types, ...)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        va_list ap;

        va_start(ap, types);
        (void) sd_bus_call_methodv(f->bus, L1, iface, member, &error, &reply, types, ap);
        va_end(ap);
        g_assert_cmpstr(error.message, ==, NULL);
}

/* Everything sent so far (AddMatch included) has been handled by the bus daemon. */
static void round_trip(Fixture *f)
{
        g_assert_cmpint(sd_bus_call_method(f->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "GetId", NULL, NULL, ""), >=, 0);
}

static void append_variant(sd_bus_message *m, GString *s)
{
        const char *contents, *str;
        uint64_t t;
        int b;

        g_assert_cmpint(sd_bus_message_peek_type(m, NULL, &contents), >, 0);
        g_assert_cmpint(sd_bus_message_enter_container(m, 'v', contents), >, 0);
        if (contents[0] == 't' && sd_bus_message_read(m, "t", &t) > 0)
                g_string_append_printf(s, "%" PRIu64, t);
        else if (contents[0] == 'b' && sd_bus_message_read(m, "b", &b) > 0)
                g_string_append(s, b ? "true" : "false");
        else if (contents[0] == 's' && sd_bus_message_read(m, "s", &str) > 0)
                g_string_append(s, str);
        else
                g_error("unexpected argument type %s", contents);
        g_assert_cmpint(sd_bus_message_exit_container(m), >, 0);
}

/* The calls of method that the mock recorded, as "(arg,arg)(arg,arg)". */
static char *mock_calls(Fixture *f, const char *method, unsigned *ret_n)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        GString *s = g_string_new(NULL);
        unsigned n = 0;
        uint64_t when;

        reply = call(f, MOCK, "GetMethodCalls", "s", method);
        g_assert_cmpint(sd_bus_message_enter_container(reply, 'a', "(tav)"), >, 0);
        for (; sd_bus_message_enter_container(reply, 'r', "tav") > 0; n++) {
                g_assert_cmpint(sd_bus_message_read(reply, "t", &when), >, 0);
                g_assert_cmpint(sd_bus_message_enter_container(reply, 'a', "v"), >, 0);
                g_string_append_c(s, '(');
                for (int i = 0; !sd_bus_message_at_end(reply, false); i++) {
                        if (i > 0)
                                g_string_append_c(s, ',');
                        append_variant(reply, s);
                }
                g_string_append_c(s, ')');
                g_assert_cmpint(sd_bus_message_exit_container(reply), >, 0);
                g_assert_cmpint(sd_bus_message_exit_container(reply), >, 0);
        }
        if (ret_n)
                *ret_n = n;
        return g_string_free(s, false);
}

/* Whether the mock lists a nutd inhibitor; it drops one when it sees the fd's hang-up. */
static bool mock_lists_inhibitor(Fixture *f)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = call(f, MANAGER, "ListInhibitors", "");
        const char *what, *who, *why, *mode;
        uint32_t uid, pid;
        bool found = false;

        g_assert_cmpint(sd_bus_message_enter_container(reply, 'a', "(ssssuu)"), >, 0);
        while (sd_bus_message_read(reply, "(ssssuu)", &what, &who, &why, &mode, &uid, &pid) > 0) {
                if (!streq(who, "nutd"))
                        continue;
                g_assert_cmpstr(what, ==, "shutdown:sleep");
                g_assert_cmpstr(mode, ==, "delay");
                found = true;
        }
        return found;
}

static void emit(Fixture *f, const char *signal, bool start)
{
        call_void(f, MOCK, "EmitSignal", "sssav", MANAGER, signal, "b", 1, "b", (int) start);
}

static void on_prepare_for_shutdown(Logind *l, bool start, void *userdata)
{
        Fixture *f = userdata;

        g_string_append_printf(f->hooks_seen, "shutdown(%s)", start ? "true" : "false");
        if (start && f->release_in_hook)
                logind_release_inhibitor(l);
}

static void on_prepare_for_sleep(Logind *l, bool start, void *userdata)
{
        Fixture *f = userdata;

        g_string_append_printf(f->hooks_seen, "sleep(%s)", start ? "true" : "false");
        if (start && f->release_in_hook)
                logind_release_inhibitor(l);
}

static const LogindHooks hooks = {
        .prepare_for_shutdown = on_prepare_for_shutdown,
        .prepare_for_sleep = on_prepare_for_sleep,
};

static void on_done(int r, void *userdata)
{
        Fixture *f = userdata;

        f->done_calls++;
        f->done_r = r;
}

static void setup(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(sd_event_new(&f->event), >=, 0);
        g_assert_cmpint(sd_bus_open_system(&f->bus), >=, 0);
        g_assert_cmpint(sd_bus_attach_event(f->bus, f->event, 0), >=, 0);
        f->hooks_seen = g_string_new(NULL);
        if (logind_present) {
                /* the template's methods back, methods added by earlier tests gone */
                call_void(f, MOCK, "Reset", "");
                call_void(f, MOCK, "ClearCalls", "");
                WAIT_FOR(f, !mock_lists_inhibitor(f));
        }
        g_assert_cmpint(logind_new(f->bus, &hooks, f, &f->l), ==, 0);
        round_trip(f);
}

static void teardown(Fixture *f, gconstpointer data)
{
        logind_free(f->l);
        if (f->mock_pid > 0) {
                kill(f->mock_pid, SIGTERM);
                waitpid(f->mock_pid, NULL, 0);
                g_spawn_close_pid(f->mock_pid);
        }
        sd_bus_flush_close_unref(f->bus);
        sd_event_unref(f->event);
        g_string_free(f->hooks_seen, true);
}

static void test_inhibitor(Fixture *f, gconstpointer data)
{
        g_autofree char *inhibits = NULL;
        unsigned n;

        g_assert_false(logind_has_inhibitor(f->l));
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);    /* in flight: not sent again */
        WAIT_FOR(f, logind_has_inhibitor(f->l));
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);    /* held: not sent again */
        g_assert_true(mock_lists_inhibitor(f));

        inhibits = mock_calls(f, "Inhibit", &n);
        g_assert_cmpuint(n, ==, 1);
        g_assert_true(g_str_has_prefix(inhibits, "(shutdown:sleep,nutd,"));
        g_assert_true(g_str_has_suffix(inhibits, ",delay)"));

        /* closing our fd closes the last write end: the mock sees the hang-up */
        logind_release_inhibitor(f->l);
        g_assert_false(logind_has_inhibitor(f->l));
        WAIT_FOR(f, !mock_lists_inhibitor(f));

        /* released outside a prepare phase: not taken again on PrepareFor*(false) */
        emit(f, "PrepareForSleep", true);
        emit(f, "PrepareForSleep", false);
        WAIT_FOR(f, streq(f->hooks_seen->str, "sleep(true)sleep(false)"));
        run_for(f, 200 * 1000);
        g_assert_false(logind_has_inhibitor(f->l));
        g_free(mock_calls(f, "Inhibit", &n));
        g_assert_cmpuint(n, ==, 1);
}

static void test_release_pending(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        logind_release_inhibitor(f->l);                 /* drops the call; the reply's fd is closed */
        run_for(f, 300 * 1000);
        g_assert_false(logind_has_inhibitor(f->l));
        WAIT_FOR(f, !mock_lists_inhibitor(f));
}

static void test_signals(Fixture *f, gconstpointer data)
{
        unsigned n;

        f->release_in_hook = true;
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        WAIT_FOR(f, logind_has_inhibitor(f->l));

        emit(f, "PrepareForSleep", true);
        WAIT_FOR(f, streq(f->hooks_seen->str, "sleep(true)"));
        g_assert_false(logind_has_inhibitor(f->l));
        WAIT_FOR(f, !mock_lists_inhibitor(f));
        emit(f, "PrepareForSleep", false);
        WAIT_FOR(f, logind_has_inhibitor(f->l));        /* taken again after the resume */
        g_assert_cmpstr(f->hooks_seen->str, ==, "sleep(true)sleep(false)");

        emit(f, "PrepareForShutdown", true);
        WAIT_FOR(f, !logind_has_inhibitor(f->l));
        g_assert_cmpstr(f->hooks_seen->str, ==, "sleep(true)sleep(false)shutdown(true)");
        emit(f, "PrepareForShutdown", false);             /* cancelled */
        WAIT_FOR(f, logind_has_inhibitor(f->l));
        g_assert_cmpstr(f->hooks_seen->str, ==, "sleep(true)sleep(false)shutdown(true)shutdown(false)");
        g_assert_true(mock_lists_inhibitor(f));

        g_free(mock_calls(f, "Inhibit", &n));
        g_assert_cmpuint(n, ==, 3);
}

/* The hook keeps the lock until its work is done; logind waits meanwhile. */
static void test_signals_hook_holds(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        WAIT_FOR(f, logind_has_inhibitor(f->l));
        emit(f, "PrepareForShutdown", true);
        WAIT_FOR(f, streq(f->hooks_seen->str, "shutdown(true)"));
        g_assert_true(logind_has_inhibitor(f->l));
        logind_release_inhibitor(f->l);                 /* the work is done */
        WAIT_FOR(f, !mock_lists_inhibitor(f));
        emit(f, "PrepareForShutdown", false);
        WAIT_FOR(f, logind_has_inhibitor(f->l));
}

static void test_signals_no_hooks(Fixture *f, gconstpointer data)
{
        f->l = logind_free(f->l);
        g_assert_cmpint(logind_new(f->bus, /* hooks= */ NULL, NULL, &f->l), ==, 0);
        round_trip(f);
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        WAIT_FOR(f, logind_has_inhibitor(f->l));

        emit(f, "PrepareForSleep", true);               /* nothing to do: released at once */
        WAIT_FOR(f, !logind_has_inhibitor(f->l));
        emit(f, "PrepareForSleep", false);
        WAIT_FOR(f, logind_has_inhibitor(f->l));
        emit(f, "PrepareForShutdown", true);
        WAIT_FOR(f, !logind_has_inhibitor(f->l));
        WAIT_FOR(f, !mock_lists_inhibitor(f));
}

static void power_off_and_wait(Fixture *f)
{
        g_assert_cmpint(logind_power_off(f->l, on_done, f), ==, 0);
        WAIT_FOR(f, f->done_calls > 0);
        run_for(f, 100 * 1000);
        g_assert_cmpint(f->done_calls, ==, 1);
}

/* Whatever this dbusmock version offers: PowerOffWithFlags(16), or the fallback. */
static void test_power_off_template(Fixture *f, gconstpointer data)
{
        g_autofree char *flags = NULL, *power_off = NULL;

        power_off_and_wait(f);
        g_assert_cmpint(f->done_r, ==, 0);
        flags = mock_calls(f, "PowerOffWithFlags", NULL);
        power_off = mock_calls(f, "PowerOff", NULL);
        if (isempty(flags)) {
                g_test_message("this logind template has no PowerOffWithFlags: PowerOff(false) was used");
                g_assert_cmpstr(power_off, ==, "(false)");
        } else {
                g_test_message("this logind template has PowerOffWithFlags");
                g_assert_cmpstr(flags, ==, "(16)");
                g_assert_cmpstr(power_off, ==, "");
        }
}

typedef struct PowerOffCase {
        const char *flags_code;         /* body of PowerOffWithFlags(t); NULL: as in the template */
        const char *power_off_code;     /* body of PowerOff(b); NULL: as in the template */
        int r;
        const char *flags_calls;
        const char *power_off_calls;
} PowerOffCase;

static const PowerOffCase power_off_flags = {
        .flags_code = "", .r = 0, .flags_calls = "(16)", .power_off_calls = "",
};
static const PowerOffCase power_off_unknown_method = {
        .flags_code = RAISE("org.freedesktop.DBus.Error.UnknownMethod"),
        .r = 0, .flags_calls = "(16)", .power_off_calls = "(false)",
};
static const PowerOffCase power_off_invalid_args = {
        .flags_code = RAISE("org.freedesktop.DBus.Error.InvalidArgs"),
        .r = 0, .flags_calls = "(16)", .power_off_calls = "(false)",
};
static const PowerOffCase power_off_denied = {       /* no fallback on other errors */
        .flags_code = RAISE("org.freedesktop.DBus.Error.AccessDenied"),
        .r = -EACCES, .flags_calls = "(16)", .power_off_calls = "",
};
static const PowerOffCase power_off_fallback_denied = {
        .flags_code = RAISE("org.freedesktop.DBus.Error.UnknownMethod"),
        .power_off_code = RAISE("org.freedesktop.DBus.Error.AccessDenied"),
        .r = -EACCES, .flags_calls = "(16)", .power_off_calls = "(false)",
};

static void test_power_off(Fixture *f, gconstpointer data)
{
        const PowerOffCase *c = data;
        g_autofree char *flags = NULL, *power_off = NULL;

        if (c->flags_code)
                call_void(f, MOCK, "AddMethod", "sssss", MANAGER, "PowerOffWithFlags", "t", "",
                          c->flags_code);
        if (c->power_off_code)
                call_void(f, MOCK, "AddMethod", "sssss", MANAGER, "PowerOff", "b", "", c->power_off_code);
        power_off_and_wait(f);
        g_assert_cmpint(f->done_r, ==, c->r);
        flags = mock_calls(f, "PowerOffWithFlags", NULL);
        power_off = mock_calls(f, "PowerOff", NULL);
        g_assert_cmpstr(flags, ==, c->flags_calls);
        g_assert_cmpstr(power_off, ==, c->power_off_calls);
}

static void test_power_off_busy(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(logind_power_off(f->l, on_done, f), ==, 0);
        g_assert_cmpint(logind_power_off(f->l, on_done, f), ==, -EBUSY);
        WAIT_FOR(f, f->done_calls > 0);
        g_assert_cmpint(f->done_r, ==, 0);
        run_for(f, 100 * 1000);
        g_assert_cmpint(f->done_calls, ==, 1);

        /* freed with a power-off in flight: the answer is dropped, done is not called */
        g_assert_cmpint(logind_power_off(f->l, on_done, f), ==, 0);
        f->l = logind_free(f->l);
        run_for(f, 300 * 1000);
        g_assert_cmpint(f->done_calls, ==, 1);
}

static void test_absent(Fixture *f, gconstpointer data)
{
        if (g_test_subprocess()) {
                g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
                run_for(f, 200 * 1000);
                g_assert_false(logind_has_inhibitor(f->l));
                logind_release_inhibitor(f->l);
                g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
                run_for(f, 200 * 1000);
                g_assert_false(logind_has_inhibitor(f->l));

                power_off_and_wait(f);
                g_assert_cmpint(f->done_r, ==, -EHOSTUNREACH);
                return;
        }
        g_test_trap_subprocess(NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
        g_test_trap_assert_passed();
        /* logged once however often it is tried; the failed power-off is an error */
        g_test_trap_assert_stderr("*logind is not running*logind did not power off*");
        g_test_trap_assert_stderr_unmatched("*logind is not running*logind is not running*");
}

static bool dbusmock_usable(void)
{
        int status;

        if (geteuid() != 0)     /* the test bus lets only root own org.freedesktop.login1 */
                return false;
        if (!g_spawn_command_line_sync("/usr/bin/python3 -c 'import dbusmock'", NULL, NULL, &status, NULL))
                return false;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* logind starts after nutd: the wanted lock is taken when the name appears. */
static void test_absent_then_started(Fixture *f, gconstpointer data)
{
        const char *argv[] = { "/usr/bin/python3", "-m", "dbusmock", "--system", "--template", "logind",
                               NULL };
        g_autoptr(GError) error = NULL;

        if (!dbusmock_usable()) {
                g_test_skip("needs root and python3-dbusmock");
                return;
        }
        g_assert_cmpint(logind_take_inhibitor(f->l), ==, 0);
        run_for(f, 200 * 1000);
        g_assert_false(logind_has_inhibitor(f->l));

        g_assert_true(g_spawn_async(NULL, (char **) argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                    &f->mock_pid, &error));
        g_assert_no_error(error);
        WAIT_FOR(f, logind_has_inhibitor(f->l));
        g_assert_true(mock_lists_inhibitor(f));

        power_off_and_wait(f);
        g_assert_cmpint(f->done_r, ==, 0);
}

static bool bus_has_logind(void)
{
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int has = 0;

        g_assert_cmpint(sd_bus_open_system(&bus), >=, 0);
        g_assert_cmpint(sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner", NULL, &reply,
                                           "s", "org.freedesktop.login1"), >=, 0);
        g_assert_cmpint(sd_bus_message_read(reply, "b", &has), >, 0);
        return has;
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        if (!g_getenv("DBUS_SYSTEM_BUS_ADDRESS")) {
                g_test_message("needs the private bus fixture (with-system-bus.sh [--mock logind])");
                return 77;
        }
        if (g_test_verbose())
                log_set_max_level(LOG_DEBUG);

        /* with --mock logind the mock cases run, without it the logind-absent ones */
        logind_present = bus_has_logind();
#define T(path, data, fn) g_test_add(path, Fixture, data, setup, fn, teardown)
        if (logind_present) {
                T("/shutdown/logind/inhibitor", NULL, test_inhibitor);
                T("/shutdown/logind/inhibitor/release-pending", NULL, test_release_pending);
                T("/shutdown/logind/signals", NULL, test_signals);
                T("/shutdown/logind/signals/hook-holds-lock", NULL, test_signals_hook_holds);
                T("/shutdown/logind/signals/no-hooks", NULL, test_signals_no_hooks);
                T("/shutdown/logind/power-off/template", NULL, test_power_off_template);
                T("/shutdown/logind/power-off/with-flags", &power_off_flags, test_power_off);
                T("/shutdown/logind/power-off/unknown-method", &power_off_unknown_method, test_power_off);
                T("/shutdown/logind/power-off/invalid-args", &power_off_invalid_args, test_power_off);
                T("/shutdown/logind/power-off/denied", &power_off_denied, test_power_off);
                T("/shutdown/logind/power-off/fallback-denied", &power_off_fallback_denied, test_power_off);
                T("/shutdown/logind/power-off/busy", NULL, test_power_off_busy);
        } else {
                T("/shutdown/logind/absent/fails-logged-once", NULL, test_absent);
                T("/shutdown/logind/absent/then-started", NULL, test_absent_then_started);
        }
        return g_test_run();
}
