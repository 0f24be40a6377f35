/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT server over socketpairs, for what the dummy driver cannot show: WAIT, DATA-STALE and
 * DRIVER-NOT-CONNECTED, enums and ranges, tracking results the driver reports late or as
 * failures, LIST CLIENT / NUMLOGINS, and a device that goes away under a logged-in client.
 */
#include <glib.h>
#include <sys/socket.h>

#include "client.h"
#include "server.h"

typedef struct Fixture {
        sd_event *event;
        NutServer *server;
        Device *ups;
        int peer;               /* our end of the client's socketpair */
        DeviceOpDone pending;   /* the fake driver's unanswered operation */
        void *pending_userdata;
} Fixture;

static Fixture *current;

static Device *find_device(void *userdata, const char *name)
{
        Fixture *f = userdata;

        return f->ups && strcaseeq(name, f->ups->name) ? f->ups : NULL;
}

static Device *const *list_devices(void *userdata, size_t *ret_n)
{
        Fixture *f = userdata;

        *ret_n = f->ups ? 1 : 0;
        return &f->ups;
}

static const NutServerHooks hooks = { .find_device = find_device, .list_devices = list_devices };

static int fake_start(Device *d, const DeviceConfig *c, void **ret)
{
        *ret = d;
        return 0;
}

/* "fail.*" fails at once; "later.*" completes when the test says; the rest succeeds. */
static int fake_op(void *state, const char *a, const char *b, DeviceOpDone done, void *userdata)
{
        if (g_str_has_prefix(a, "later.")) {
                current->pending = done;
                current->pending_userdata = userdata;
                return 0;
        }
        done(g_str_has_prefix(a, "fail.") ? -EIO : 0, userdata);
        return 0;
}

static int fake_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        return fake_op(state, cmd, param, done, userdata);
}

static void fake_stop(void *state)
{
        if (current->pending)
                current->pending(-ECANCELED, current->pending_userdata);
        current->pending = NULL;
}

static const DriverOps fake_driver = {
        .name = "fake", .start = fake_start, .setvar = fake_op, .instcmd = fake_instcmd, .stop = fake_stop,
};

static const char users[] = "[admin]\n password = pw\n actions = SET FSD\n instcmds = ALL\n"
                            "[mon]\n password = pw\n upsmon secondary\n";

static void setup(Fixture *f, gconstpointer data)
{
        g_autofree char *error = NULL;
        NutUsers *u = NULL;
        UpsdConfig conf;
        DeviceVar *v;

        current = f;
        g_assert_cmpint(sd_event_new(&f->event), >=, 0);
        g_assert_cmpint(nut_server_new(f->event, &hooks, f, &f->server), ==, 0);
        g_assert_cmpint(nut_users_parse("upsd.users", users, sizeof(users) - 1, &u, &error), ==, 0);
        upsd_config_init(&conf);
        nut_server_configure(f->server, &conf, u, 0);
        upsd_config_done(&conf);

        g_assert_cmpint(device_new("Ups", f->event, &f->ups), ==, 0);
        g_assert_cmpint(device_start_driver(f->ups, &fake_driver, NULL), ==, 0);
        device_set_var(f->ups, "input.transfer.low", "100");
        device_set_var_info(f->ups, "input.transfer.low", VAR_RW, 0);
        v = var_store_get(&f->ups->vars, "input.transfer.low");
        device_var_add_enum(v, "103");
        device_var_add_enum(v, "100");
        device_set_var(f->ups, "battery.charge.low", "20");
        device_set_var_info(f->ups, "battery.charge.low", VAR_RW, 0);
        v = var_store_get(&f->ups->vars, "battery.charge.low");
        device_var_add_range(v, 5, 50);
        device_var_add_range(v, 60, 70);
        device_set_var(f->ups, "later.var", "x");
        device_set_var_info(f->ups, "later.var", VAR_RW | VAR_STRING, 8);
        device_add_command(f->ups, "fail.cmd");
        device_add_command(f->ups, "later.cmd");
}

static void teardown(Fixture *f, gconstpointer data)
{
        nut_server_free(f->server);
        device_unref(f->ups);
        if (f->peer >= 0)
                close(f->peer);
        sd_event_unref(f->event);
}

static NutClient *connect_client(Fixture *f, int *ret_peer)
{
        int sv[2];
        NutClient *c;

        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), ==, 0);
        g_assert_cmpint(nut_client_new(f->server, sv[0], &c), ==, 0);
        g_strlcpy(c->address, "127.0.0.1", sizeof(c->address));
        g_assert_cmpint(nut_client_attach(c), ==, 0);
        *ret_peer = sv[1];
        return c;
}

/* Sends req on peer and returns everything answered until the loop is quiet. */
static char *ask_on(Fixture *f, int peer, const char *req)
{
        GString *out = g_string_new(NULL);
        char buf[4096];

        g_assert_cmpint(write(peer, req, strlen(req)), ==, (ssize_t) strlen(req));
        for (int idle = 0; idle < 3;) {
                ssize_t k;

                sd_event_run(f->event, 20 * 1000);
                k = read(peer, buf, sizeof(buf));
                if (k > 0) {
                        g_string_append_len(out, buf, k);
                        idle = 0;
                } else
                        idle++;
        }
        return g_string_free(out, FALSE);
}

static char *ask(Fixture *f, const char *req)
{
        if (f->peer <= 0)
                connect_client(f, &f->peer);
        return ask_on(f, f->peer, req);
}

#define ASSERT_ASK(f, req, want)                                \
        do {                                                    \
                g_autofree char *_got = ask(f, req);            \
                g_assert_cmpstr(_got, ==, want);                \
        } while (0)

static void test_connection_states(Fixture *f, gconstpointer data)
{
        /* started, no data yet: ups.status reads WAIT, as upsd answers before the first dump */
        ASSERT_ASK(f, "GET VAR ups ups.status\n", "VAR ups ups.status \"WAIT\"\n");
        device_set_var(f->ups, "ups.status", "OL");
        device_commit(f->ups);
        ASSERT_ASK(f, "GET VAR ups ups.status\n", "VAR ups ups.status \"OL\"\n");
        device_set_connection(f->ups, DEVICE_STALE);
        ASSERT_ASK(f, "GET VAR ups ups.status\nLIST VAR ups\nGET UPSDESC ups\n",
                   "ERR DATA-STALE\nERR DATA-STALE\nUPSDESC ups \"Unavailable\"\n");
        device_set_connection(f->ups, DEVICE_DISCONNECTED);
        ASSERT_ASK(f, "GET VAR ups ups.status\nLIST CMD ups\n", "ERR DRIVER-NOT-CONNECTED\nERR DRIVER-NOT-CONNECTED\n");
        device_commit(f->ups);
        ASSERT_ASK(f, "GET VAR ups server.version\n", "VAR ups server.version \"nutd " PACKAGE_VERSION "\"\n");
}

static void test_enum_range(Fixture *f, gconstpointer data)
{
        device_commit(f->ups);
        ASSERT_ASK(f, "GET TYPE ups input.transfer.low\nGET TYPE ups battery.charge.low\nGET TYPE ups later.var\n",
                   "TYPE ups input.transfer.low RW ENUM NUMBER\nTYPE ups battery.charge.low RW RANGE NUMBER\n"
                   "TYPE ups later.var RW STRING:8\n");
        ASSERT_ASK(f, "LIST ENUM ups input.transfer.low\n",
                   "BEGIN LIST ENUM ups input.transfer.low\nENUM ups input.transfer.low \"103\"\n"
                   "ENUM ups input.transfer.low \"100\"\nEND LIST ENUM ups input.transfer.low\n");
        ASSERT_ASK(f, "LIST RANGE ups battery.charge.low\n",
                   "BEGIN LIST RANGE ups battery.charge.low\nRANGE ups battery.charge.low \"5\" \"50\"\n"
                   "RANGE ups battery.charge.low \"60\" \"70\"\nEND LIST RANGE ups battery.charge.low\n");
        ASSERT_ASK(f, "USERNAME admin\nPASSWORD pw\nSET VAR ups input.transfer.low 101\nSET VAR ups input.transfer.low 103\n"
                      "SET VAR ups battery.charge.low 55\nSET VAR ups battery.charge.low 65\nSET VAR ups later.var 123456789\n",
                   "OK\nOK\nERR INVALID-VALUE\nOK\nERR INVALID-VALUE\nOK\nERR TOO-LONG\n");
}

static void test_tracking(Fixture *f, gconstpointer data)
{
        g_autofree char *r1 = NULL, *r2 = NULL, *q = NULL, *a = NULL;
        char id1[37], id2[37];

        device_commit(f->ups);
        r1 = ask(f, "USERNAME admin\nPASSWORD pw\nSET TRACKING ON\nINSTCMD ups fail.cmd\n");
        g_assert_true(g_str_has_prefix(r1, "OK\nOK\nOK\nOK TRACKING "));
        g_strlcpy(id1, r1 + strlen("OK\nOK\nOK\nOK TRACKING "), sizeof(id1));
        r2 = ask(f, "INSTCMD ups later.cmd 5\n");
        g_assert_true(g_str_has_prefix(r2, "OK TRACKING "));
        g_strlcpy(id2, r2 + strlen("OK TRACKING "), sizeof(id2));
        g_assert_cmpstr(id1, !=, id2);

        q = g_strdup_printf("GET TRACKING %s\nGET TRACKING %s\nGET TRACKING 00000000-0000-4000-8000-000000000000\n",
                            id1, id2);
        a = ask(f, q);
        g_assert_cmpstr(a, ==, "ERR FAILED\nPENDING\nERR UNKNOWN\n");
        g_free(a);
        /* the driver answers later: the result shows up (ids are case-insensitive) */
        g_assert_nonnull(f->pending);
        f->pending(0, f->pending_userdata);
        f->pending = NULL;
        g_free(q);
        g_autofree char *lower = g_ascii_strdown(id2, -1);
        q = g_strdup_printf("GET TRACKING %s\n", lower);
        a = ask(f, q);
        g_assert_cmpstr(a, ==, "SUCCESS\n");
        g_free(a);
        a = ask(f, "SET TRACKING OFF\nGET TRACKING\n");
        g_assert_cmpstr(a, ==, "OK\nOFF\n");
}

static void test_logins(Fixture *f, gconstpointer data)
{
        int other;
        g_autofree char *a = NULL;

        device_commit(f->ups);
        ASSERT_ASK(f, "USERNAME mon\nPASSWORD pw\nLOGIN UPS\nFSD ups\n", "OK\nOK\nOK\nERR ACCESS-DENIED\n");
        connect_client(f, &other);
        a = ask_on(f, other, "GET NUMLOGINS ups\nLIST CLIENT ups\n");
        g_assert_cmpstr(a, ==, "NUMLOGINS ups 1\nBEGIN LIST CLIENT ups\nCLIENT Ups 127.0.0.1\nEND LIST CLIENT ups\n");
        g_free(a);
        /* FSD from an admin shows on every connection, on D-Bus's status too */
        a = ask_on(f, other, "USERNAME admin\nPASSWORD pw\nFSD ups\nGET VAR ups ups.status\n");
        g_assert_cmpstr(a, ==, "OK\nOK\nOK FSD-SET\nVAR ups ups.status \"FSD\"\n");
        g_assert_cmpstr(f->ups->summary.status[0], ==, "FSD");
        g_free(a);
        /* the device goes away: its logged-in client is dropped, the other stays */
        nut_server_device_removed(f->server, f->ups);
        g_assert_cmpuint(f->server->n_clients, ==, 1);
        a = ask_on(f, other, "VER\n");
        g_assert_true(g_str_has_prefix(a, "Network UPS Tools upsd (nutd "));
        close(other);
}

/* A client that never reads: its input waits, memory stays bounded, others are served. */
static void test_backpressure(Fixture *f, gconstpointer data)
{
        g_autofree char *req = NULL;
        GString *many = g_string_new(NULL);
        int quiet, sent = 0, other;
        NutClient *c;

        device_commit(f->ups);
        c = connect_client(f, &quiet);
        for (int i = 0; i < 2000; i++)
                g_string_append(many, "LIST VAR ups\n");
        for (int i = 0; i < 200; i++) {
                ssize_t k = write(quiet, many->str, many->len);

                if (k > 0)
                        sent += k;
                sd_event_run(f->event, 1000);
        }
        g_assert_cmpint(sent, >, 0);
        g_assert_cmpuint(c->out_len - c->out_sent, <, NUT_CLIENT_OUT_HIGH + 64 * 1024);
        connect_client(f, &other);
        req = ask_on(f, other, "GET VAR ups later.var\n");
        g_assert_cmpstr(req, ==, "VAR ups later.var \"x\"\n");
        close(other);
        close(quiet);
        g_string_free(many, TRUE);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
#define T(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
        T("/nutproto/server/connection-states", test_connection_states);
        T("/nutproto/server/enum-range", test_enum_range);
        T("/nutproto/server/tracking", test_tracking);
        T("/nutproto/server/logins", test_logins);
        T("/nutproto/server/backpressure", test_backpressure);
        return g_test_run();
}
