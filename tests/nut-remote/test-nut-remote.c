/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote over a scripted fake server on a loopback socket. NutConn: LIST framing, quoting, one
 * request on the wire at a time, ERR codes as errno, tracked operations, timeouts, hostile servers
 * (unsolicited lines, endless lines, bytes injected after OK STARTTLS), closing from a callback. The
 * driver: types, enums and ranges, remote DATA-STALE, vanishing variables and commands; and its
 * "ups@host[:port]" parser.
 */
#include <glib.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "config.h"
#include "driver-table.h"
#include "nut-client-tls.h"
#include "nut-client.h"
#include "nut-remote-internal.h"
#include "strv.h"

/* One exchange: the request line the fake server must receive (without LF), and what it answers
 * (raw bytes; NULL: stay silent). */
typedef struct Step {
        const char *expect;
        const char *reply;
} Step;

typedef struct Fixture {
        sd_event *event;
        int listen_fd, fd;
        uint16_t port;
        sd_event_source *accept_source, *io;
        const Step *steps;
        size_t n_steps, step;
        GString *in;
        NutConn *conn;
        bool connected;
        int connect_r;
        int closed_r;
        unsigned closed_calls;
        GPtrArray *log;         /* "r=<n> <first words>" per reply callback, in order */
} Fixture;

static void fake_on_line(Fixture *f, const char *line)
{
        const Step *s;

        g_assert_cmpuint(f->step, <, f->n_steps);
        s = &f->steps[f->step++];
        g_assert_cmpstr(line, ==, s->expect);
        if (s->reply)
                g_assert_cmpint(send(f->fd, s->reply, strlen(s->reply), MSG_NOSIGNAL), ==, strlen(s->reply));
}

static int fake_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
        Fixture *f = userdata;
        char buf[4096], *nl;
        ssize_t k = recv(fd, buf, sizeof(buf), 0);

        if (k <= 0) {
                f->io = sd_event_source_disable_unref(f->io);
                return 0;
        }
        g_string_append_len(f->in, buf, k);
        while ((nl = strchr(f->in->str, '\n'))) {
                g_autofree char *line = g_strndup(f->in->str, nl - f->in->str);

                g_string_erase(f->in, 0, nl - f->in->str + 1);
                /* One request at a time: nothing follows a request before its answer. */
                if (f->step < f->n_steps && f->steps[f->step].reply)
                        g_assert_cmpuint(f->in->len, ==, 0);
                fake_on_line(f, line);
        }
        return 0;
}

static int fake_on_accept(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
        Fixture *f = userdata;

        f->fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        g_assert_cmpint(f->fd, >=, 0);
        g_assert_cmpint(sd_event_add_io(f->event, &f->io, f->fd, EPOLLIN, fake_on_io, f), >=, 0);
        f->accept_source = sd_event_source_disable_unref(f->accept_source);
        return 0;
}

static void on_closed(NutConn *c, int reason, void *userdata)
{
        Fixture *f = userdata;

        f->closed_r = reason;
        f->closed_calls++;
}

static void on_connected(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        Fixture *f = userdata;

        f->connected = r >= 0;
        f->connect_r = r;
}

static void setup(Fixture *f, gconstpointer data)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);

        *f = (Fixture) { .fd = -1, .in = g_string_new(NULL), .log = g_ptr_array_new_with_free_func(g_free) };
        g_assert_cmpint(sd_event_new(&f->event), >=, 0);
        f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        g_assert_cmpint(bind(f->listen_fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
        g_assert_cmpint(listen(f->listen_fd, 4), ==, 0);
        g_assert_cmpint(getsockname(f->listen_fd, (struct sockaddr *) &sa, &len), ==, 0);
        f->port = ntohs(sa.sin_port);
        g_assert_cmpint(sd_event_add_io(f->event, &f->accept_source, f->listen_fd, EPOLLIN, fake_on_accept, f),
                        >=, 0);
        g_assert_cmpint(nut_conn_new(f->event, "127.0.0.1", f->port, &f->conn), ==, 0);
        nut_conn_set_closed_callback(f->conn, on_closed, f);
}

static void teardown(Fixture *f, gconstpointer data)
{
        f->conn = nut_conn_unref(f->conn);
        sd_event_source_disable_unref(f->accept_source);
        sd_event_source_disable_unref(f->io);
        if (f->fd >= 0)
                close(f->fd);
        close(f->listen_fd);
        g_string_free(f->in, TRUE);
        g_ptr_array_unref(f->log);
        sd_event_unref(f->event);
}

/* Runs the loop until the log has n entries (or 5 s pass). */
static void run_until_log(Fixture *f, unsigned n)
{
        for (unsigned i = 0; i < 500 && f->log->len < n; i++)
                sd_event_run(f->event, 10 * 1000);
        g_assert_cmpuint(f->log->len, ==, n);
}

static void connect_with(Fixture *f, const Step *steps, size_t n)
{
        f->steps = steps;
        f->n_steps = n;
        g_assert_cmpint(nut_conn_connect(f->conn, on_connected, f), ==, 0);
        for (unsigned i = 0; i < 500 && !f->connected; i++)
                sd_event_run(f->event, 10 * 1000);
        g_assert_true(f->connected);
}

static void on_reply(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        Fixture *f = userdata;
        g_autofree char *words = reply ? g_strjoinv("|", reply->words) : g_strdup("(none)");
        GString *s = g_string_new(NULL);

        g_string_printf(s, "r=%d %s", r, words);
        if (reply && reply->error)
                g_string_append_printf(s, " error=%s", reply->error);
        for (size_t i = 0; reply && i < reply->n_items; i++) {
                g_autofree char *item = g_strjoinv("|", reply->items[i]);

                g_string_append_printf(s, " [%s]", item);
        }
        g_ptr_array_add(f->log, g_string_free(s, FALSE));
}

static const char *log_at(Fixture *f, unsigned i)
{
        return g_ptr_array_index(f->log, i);
}

static void test_list(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "LIST VAR ups", "BEGIN LIST VAR ups\nVAR ups ups.status \"OL\"\r\n"
                                  "VAR ups ups.id \"a \\\"b\\\" \\\\c \\#d\"\nEND LIST VAR ups\n" },
                { "LIST ENUM ups x", "BEGIN LIST ENUM ups x\nEND LIST ENUM ups x\n" },
                { "GET TYPE ups ups.id", "TYPE ups ups.id RW STRING:16\n" },
        };

        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_list_var(f->conn, "ups", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_list_enum(f->conn, "ups", "x", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_get_type(f->conn, "ups", "ups.id", on_reply, f), ==, 0);
        run_until_log(f, 3);
        g_assert_cmpstr(log_at(f, 0), ==, "r=0 BEGIN|LIST|VAR|ups [VAR|ups|ups.status|OL] "
                                          "[VAR|ups|ups.id|a \"b\" \\c #d]");
        g_assert_cmpstr(log_at(f, 1), ==, "r=0 BEGIN|LIST|ENUM|ups|x");
        g_assert_cmpstr(log_at(f, 2), ==, "r=0 TYPE|ups|ups.id|RW|STRING:16");
        g_assert_cmpuint(f->step, ==, 3);
        g_assert_cmpuint(f->closed_calls, ==, 0);
}

static void test_quoting(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "SET VAR ups ups.id \"two words \\\"q\\\" \\# \\\\ =\"", "OK\n" },
                { "SET VAR ups ups.id \"\"", "OK\n" },
                { "INSTCMD ups load.off 10", "OK\n" },
                { "INSTCMD ups beeper.off", "OK\n" },
        };
        const char *value = "two words \"q\" # \\ =";

        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_set_var(f->conn, "ups", "ups.id", value, on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_set_var(f->conn, "ups", "ups.id", "", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_set_var(f->conn, "ups", "ups.id", "line\nbreak", on_reply, f), ==, -EINVAL);
        g_assert_cmpint(nut_conn_instcmd(f->conn, "ups", "load.off", "10", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_instcmd(f->conn, "ups", "beeper.off", NULL, on_reply, f), ==, 0);
        run_until_log(f, 4);
        g_assert_cmpuint(f->step, ==, 4);
}

static void test_errors(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "GET TYPE ups nope", "ERR VAR-NOT-SUPPORTED\n" },
                { "LIST VAR ups", "ERR DATA-STALE\n" },
                { "LOGIN ups", "ERR SOMETHING-NEW\n" },
        };
        static const struct {
                NutError e;
                int r;
        } table[] = {
                { NUT_ERR_ACCESS_DENIED, -EACCES },      { NUT_ERR_VAR_NOT_SUPPORTED, -ENOENT },
                { NUT_ERR_CMD_NOT_SUPPORTED, -EOPNOTSUPP }, { NUT_ERR_READONLY, -EROFS },
                { NUT_ERR_TOO_LONG, -E2BIG },            { NUT_ERR_INVALID_VALUE, -EINVAL },
                { NUT_ERR_DATA_STALE, -ESTALE },         { NUT_ERR_DRIVER_NOT_CONNECTED, -ENOTCONN },
                { NUT_ERR_SET_FAILED, -EIO },            { NUT_ERR_INSTCMD_FAILED, -EIO },
                { _NUT_ERR_INVALID, -EIO },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                g_assert_cmpint(nut_conn_errno(table[i].e), ==, table[i].r);
        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_get_type(f->conn, "ups", "nope", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_list_var(f->conn, "ups", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_login(f->conn, "ups", on_reply, f), ==, 0);
        run_until_log(f, 3);
        g_assert_cmpstr(log_at(f, 0), ==, "r=-2 ERR|VAR-NOT-SUPPORTED error=VAR-NOT-SUPPORTED");
        g_assert_cmpstr(log_at(f, 1), ==, "r=-116 ERR|DATA-STALE error=DATA-STALE");
        g_assert_cmpstr(log_at(f, 2), ==, "r=-5 ERR|SOMETHING-NEW error=SOMETHING-NEW");
        g_assert_true(nut_conn_is_open(f->conn));
}

static void on_done(int r, void *userdata)
{
        Fixture *f = userdata;

        g_ptr_array_add(f->log, g_strdup_printf("done=%d", r));
}

static void test_tracking(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "SET TRACKING ON", "OK\n" },
                { "SET VAR ups ups.id x", "OK TRACKING 1111\n" },
                { "GET TRACKING 1111", "PENDING\n" },          /* polled every 200 ms */
                { "GET TRACKING 1111", "SUCCESS\n" },
                { "INSTCMD ups load.off", "OK TRACKING 2222\n" },
                { "GET TRACKING 2222", "ERR FAILED\n" },
                { "INSTCMD ups nope", "OK TRACKING 3333\n" },
                { "GET TRACKING 3333", "ERR UNKNOWN\n" },
                { "SET VAR ups ups.id y", "OK\n" },
                { "SET VAR ups ups.id z", "ERR ACCESS-DENIED\n" },
        };

        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_set_tracking(f->conn, true, on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_set_var_done(f->conn, "ups", "ups.id", "x", on_done, f), ==, 0);
        run_until_log(f, 2);
        g_assert_cmpint(nut_conn_instcmd_done(f->conn, "ups", "load.off", NULL, on_done, f), ==, 0);
        run_until_log(f, 3);
        g_assert_cmpint(nut_conn_instcmd_done(f->conn, "ups", "nope", NULL, on_done, f), ==, 0);
        run_until_log(f, 4);
        g_assert_cmpint(nut_conn_set_var_done(f->conn, "ups", "ups.id", "y", on_done, f), ==, 0);
        g_assert_cmpint(nut_conn_set_var_done(f->conn, "ups", "ups.id", "z", on_done, f), ==, 0);
        run_until_log(f, 6);
        g_assert_cmpstr(log_at(f, 0), ==, "r=0 OK");
        g_assert_cmpstr(log_at(f, 1), ==, "done=0");          /* PENDING, then SUCCESS */
        g_assert_cmpstr(log_at(f, 2), ==, "done=-5");         /* FAILED */
        g_assert_cmpstr(log_at(f, 3), ==, "done=-95");        /* UNKNOWN */
        g_assert_cmpstr(log_at(f, 4), ==, "done=0");          /* plain OK: nothing to track */
        g_assert_cmpstr(log_at(f, 5), ==, "done=-13");        /* ACCESS-DENIED */
        g_assert_cmpuint(f->step, ==, ELEMENTSOF(steps));
}

static void test_timeout(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "GET UPSDESC ups", NULL },
                { "GET UPSDESC ups2", NULL },   /* never sent: the first one times out */
        };
        uint64_t t0, t1;

        nut_conn_set_timeout(f->conn, 200 * USEC_PER_MSEC);
        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups2", on_reply, f), ==, 0);
        sd_event_now(f->event, CLOCK_MONOTONIC, &t0);
        run_until_log(f, 2);
        sd_event_now(f->event, CLOCK_MONOTONIC, &t1);
        g_assert_cmpuint(t1 - t0, >=, 150 * USEC_PER_MSEC);
        g_assert_cmpstr(log_at(f, 0), ==, "r=-110 (none)");
        g_assert_cmpstr(log_at(f, 1), ==, "r=-110 (none)");
        g_assert_cmpuint(f->closed_calls, ==, 1);
        g_assert_cmpint(f->closed_r, ==, -ETIMEDOUT);
        g_assert_false(nut_conn_is_open(f->conn));
        g_assert_cmpuint(f->step, ==, 1);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", on_reply, f), ==, -ENOTCONN);
}

/* Hostile or broken servers: each breaks the connection with -EPROTO, never the process. */
typedef struct Hostile {
        const char *reply;
        const char *first_log;  /* what the LIST VAR gets */
} Hostile;

static void test_hostile(Fixture *f, gconstpointer data)
{
        const Hostile *h = data;
        Step steps[] = { { "LIST VAR ups", h->reply } };

        connect_with(f, steps, 1);
        g_assert_cmpint(nut_conn_list_var(f->conn, "ups", on_reply, f), ==, 0);
        run_until_log(f, 1);
        for (unsigned i = 0; i < 100 && f->closed_calls == 0; i++)
                sd_event_run(f->event, 10 * 1000);
        g_assert_cmpstr(log_at(f, 0), ==, h->first_log);
        g_assert_cmpuint(f->closed_calls, ==, 1);
        g_assert_cmpint(f->closed_r, ==, -EPROTO);
}

static void test_eof(Fixture *f, gconstpointer data)
{
        static const Step steps[] = { { "GET UPSDESC ups", NULL } };

        connect_with(f, steps, 1);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", on_reply, f), ==, 0);
        while (f->step < 1)
                sd_event_run(f->event, 10 * 1000);
        shutdown(f->fd, SHUT_RDWR);
        run_until_log(f, 1);
        g_assert_cmpstr(log_at(f, 0), ==, "r=-104 (none)");
        g_assert_cmpint(f->closed_r, ==, -ECONNRESET);
}

static void close_in_callback(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        on_reply(c, r, reply, userdata);
        nut_conn_close(c, -ECANCELED);
}

static void test_close_in_callback(Fixture *f, gconstpointer data)
{
        static const Step steps[] = { { "GET UPSDESC ups", "UPSDESC ups \"x\"\n" } };

        connect_with(f, steps, 1);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", close_in_callback, f), ==, 0);
        g_assert_cmpint(nut_conn_set_var_done(f->conn, "ups", "a", "b", on_done, f), ==, 0);
        g_assert_cmpint(nut_conn_logout(f->conn, on_reply, f), ==, 0);
        run_until_log(f, 3);
        g_assert_cmpstr(log_at(f, 0), ==, "r=0 UPSDESC|ups|x");
        g_assert_cmpstr(log_at(f, 1), ==, "done=-125");
        g_assert_cmpstr(log_at(f, 2), ==, "r=-125 (none)");
        g_assert_cmpuint(f->closed_calls, ==, 0);       /* closed by its owner: no closed callback */
        /* and it connects again */
        f->connected = false;
        f->accept_source = NULL;
        g_assert_cmpint(sd_event_add_io(f->event, &f->accept_source, f->listen_fd, EPOLLIN, fake_on_accept, f),
                        >=, 0);
        f->io = sd_event_source_disable_unref(f->io);
        close(f->fd);
        f->fd = -1;
        connect_with(f, NULL, 0);
}

static void test_starttls_refused(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "STARTTLS", "ERR FEATURE-NOT-CONFIGURED\n" },
                { "GET UPSDESC ups", "UPSDESC ups \"plain\"\n" },
        };
        _cleanup_(nut_client_tls_context_unrefp) NutClientTlsContext *tls = NULL;

        if (!nut_client_tls_supported())
                return g_test_skip("built without TLS");
        g_assert_cmpint(nut_client_tls_context_new(NULL, NULL, false, &tls, NULL), ==, 0);
        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_starttls(f->conn, tls, on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", on_reply, f), ==, 0);
        run_until_log(f, 2);
        g_assert_cmpstr(log_at(f, 0), ==,
                        "r=-95 ERR|FEATURE-NOT-CONFIGURED error=FEATURE-NOT-CONFIGURED");
        g_assert_cmpstr(log_at(f, 1), ==, "r=0 UPSDESC|ups|plain");
        g_assert_false(nut_conn_is_tls(f->conn));
}

/* Plaintext after "OK STARTTLS", in the same segment: would run inside TLS if it were parsed later. */
static void test_starttls_injection(Fixture *f, gconstpointer data)
{
        static const Step steps[] = { { "STARTTLS", "OK STARTTLS\nUPSDESC ups \"injected\"\n" } };
        _cleanup_(nut_client_tls_context_unrefp) NutClientTlsContext *tls = NULL;

        if (!nut_client_tls_supported())
                return g_test_skip("built without TLS");
        g_assert_cmpint(nut_client_tls_context_new(NULL, NULL, false, &tls, NULL), ==, 0);
        connect_with(f, steps, ELEMENTSOF(steps));
        g_assert_cmpint(nut_conn_starttls(f->conn, tls, on_reply, f), ==, 0);
        g_assert_cmpint(nut_conn_get_upsdesc(f->conn, "ups", on_reply, f), ==, 0);
        run_until_log(f, 2);
        g_assert_cmpstr(log_at(f, 0), ==, "r=-71 (none)");
        g_assert_cmpstr(log_at(f, 1), ==, "r=-71 (none)");
        g_assert_cmpuint(f->step, ==, 1);
}

static void test_refused(Fixture *f, gconstpointer data)
{
        close(f->listen_fd);    /* nobody listens on the port any more */
        f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        f->accept_source = sd_event_source_disable_unref(f->accept_source);
        f->connect_r = 1;
        g_assert_cmpint(nut_conn_connect(f->conn, on_connected, f), ==, 0);
        for (unsigned i = 0; i < 500 && f->connect_r == 1; i++)
                sd_event_run(f->event, 10 * 1000);
        g_assert_cmpint(f->connect_r, ==, -ECONNREFUSED);
        g_assert_cmpuint(f->closed_calls, ==, 0);
}

static void test_hosts(void)
{
        static const struct {
                const char *host;
                int r;
        } table[] = {
                { "127.0.0.1", 0 }, { "::1", 0 }, { "localhost", 0 }, { "LocalHost", 0 }, { "10.1.2.3", 0 },
                { "fe80::1%lo", 0 }, { "ups.example.com", 0 /* looked up at connect */ },
                { "[::1]", -EADDRNOTAVAIL }, { "ups_1.example.com", 0 }, { "ups/1.example.com", -EADDRNOTAVAIL },
                { "", -EINVAL },
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;

        g_assert_cmpint(sd_event_new(&e), >=, 0);
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                NutConn *c = NULL;

                g_assert_cmpint(nut_conn_new(e, table[i].host, 3493, &c), ==, table[i].r);
                nut_conn_unref(c);
        }
}

static void test_parse_port(void)
{
        static const struct {
                const char *port, *ups, *host;
                uint16_t p;
        } table[] = {
                { "ups@127.0.0.1", "ups", "127.0.0.1", 3493 },
                { "ups@127.0.0.1:1234", "ups", "127.0.0.1", 1234 },
                { "su700@localhost:3493", "su700", "localhost", 3493 },
                { "ups@[::1]:3494", "ups", "::1", 3494 },
                { "ups@[::1]", "ups", "::1", 3493 },
                { "ups@fe80::1", "ups", "fe80::1", 3493 },
                { "ups", NULL, NULL, 0 },
                { "@host", NULL, NULL, 0 },
                { "ups@", NULL, NULL, 0 },
                { "ups@host:", NULL, NULL, 0 },
                { "ups@host:0", NULL, NULL, 0 },
                { "ups@host:65536", NULL, NULL, 0 },
                { "ups@host:12x", NULL, NULL, 0 },
                { "ups@[::1", NULL, NULL, 0 },
                { "ups@[]:1", NULL, NULL, 0 },
                { "ups@[::1]x", NULL, NULL, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                _cleanup_free_ char *ups = NULL, *host = NULL;
                uint16_t p = 0;
                int r = nut_remote_parse_port(table[i].port, &ups, &host, &p);

                g_assert_cmpint(r, ==, table[i].ups ? 0 : -EINVAL);
                g_assert_cmpstr(ups, ==, table[i].ups);
                g_assert_cmpstr(host, ==, table[i].host);
                g_assert_cmpuint(p, ==, table[i].p);
        }
}

static bool run_until_step(Fixture *f, size_t step, Device *d, DeviceConnection c)
{
        for (unsigned i = 0; i < 500 && (f->step < step || d->connection != c); i++)
                sd_event_run(f->event, 10 * 1000);
        return f->step == step && d->connection == c;
}

static void test_driver_mirror(Fixture *f, gconstpointer data)
{
        static const Step steps[] = {
                { "GET UPSDESC ups", "UPSDESC ups \"Far away\"\n" },
                /* 1: the first poll */
                { "LIST VAR ups", "BEGIN LIST VAR ups\n"
                                  "VAR ups input.transfer.low \"100\"\nVAR ups server.info \"x\"\n"
                                  "VAR ups ups.delay \"15\"\nVAR ups ups.status \"FSD OB\"\n"
                                  "VAR ups ups.text \"abc\"\nVAR ups bad/name \"1\"\nEND LIST VAR ups\n" },
                { "LIST CMD ups", "BEGIN LIST CMD ups\nCMD ups load.off\nEND LIST CMD ups\n" },
                { "GET TYPE ups input.transfer.low", "TYPE ups input.transfer.low RW ENUM NUMBER\n" },
                { "GET TYPE ups ups.delay", "TYPE ups ups.delay RW RANGE NUMBER\n" },
                { "GET TYPE ups ups.status", "TYPE ups ups.status STRING:32\n" },
                { "GET TYPE ups ups.text", "TYPE ups ups.text RW NUMBER\n" },
                { "LIST ENUM ups input.transfer.low", "BEGIN LIST ENUM ups input.transfer.low\n"
                  "ENUM ups input.transfer.low \"100\"\nENUM ups input.transfer.low \"103\"\n"
                  "END LIST ENUM ups input.transfer.low\n" },
                { "LIST RANGE ups ups.delay", "BEGIN LIST RANGE ups ups.delay\nRANGE ups ups.delay \"10\" \"20\"\n"
                  "RANGE ups ups.delay \"30\" \"40\"\nEND LIST RANGE ups ups.delay\n" },
                /* 9: the remote's data goes stale */
                { "LIST VAR ups", "ERR DATA-STALE\n" },
                { "LIST CMD ups", "ERR DATA-STALE\n" },
                /* 11: back, without ups.text and the command */
                { "LIST VAR ups", "BEGIN LIST VAR ups\n"
                                  "VAR ups input.transfer.low \"100\"\nVAR ups ups.delay \"15\"\n"
                                  "VAR ups ups.status \"OL\"\nEND LIST VAR ups\n" },
                { "LIST CMD ups", "BEGIN LIST CMD ups\nEND LIST CMD ups\n" },
                /* 13: a SET, and the poll it triggers at once */
                { "SET VAR ups input.transfer.low 103", "OK\n" },
                { "LIST VAR ups", "ERR DRIVER-NOT-CONNECTED\n" },
                { "LIST CMD ups", "ERR DRIVER-NOT-CONNECTED\n" },
        };
        g_autofree char *port = g_strdup_printf("ups@127.0.0.1:%u", f->port);
        ConfPair params[] = { { (char *) "pollinterval", (char *) "1" } };
        DeviceConfig c = { .name = (char *) "r", .driver = (char *) "nut-remote", .port = port,
                           .params = params, .n_params = 1, .config_dir = "/" };
        _cleanup_(device_unrefp) Device *d = NULL;
        DeviceVar *v;

        f->steps = steps;
        f->n_steps = ELEMENTSOF(steps);
        g_assert_cmpint(device_new("r", f->event, &d), ==, 0);
        g_assert_cmpint(device_start_driver(d, driver_find("nut-remote"), &c), ==, 0);
        g_assert_true(run_until_step(f, 9, d, DEVICE_CONNECTED));

        g_assert_cmpstr(d->summary.description, ==, "Far away");
        g_assert_null(device_get_var(d, "server.info"));
        g_assert_cmpstr(device_get_var(d, "ups.status"), ==, "FSD OB");         /* upsd's latch, as is */
        g_assert_true(device_has_command(d, "load.off"));
        v = var_store_get(&d->vars, "input.transfer.low");
        g_assert_cmpint(v->flags, ==, VAR_RW | VAR_NUMBER);
        g_assert_cmpuint(strv_length(v->enums), ==, 2);
        g_assert_cmpstr(v->enums[1], ==, "103");
        v = var_store_get(&d->vars, "ups.delay");
        g_assert_cmpuint(v->n_ranges, ==, 2);
        g_assert_cmpint(v->ranges[1].min, ==, 30);
        g_assert_cmpint(v->ranges[1].max, ==, 40);
        v = var_store_get(&d->vars, "ups.status");
        g_assert_cmpint(v->flags, ==, VAR_STRING);
        g_assert_cmpuint(v->max_len, ==, 32);
        v = var_store_get(&d->vars, "ups.text");
        g_assert_cmpint(v->flags, ==, VAR_RW);          /* "NUMBER" with a value that is none */
        g_assert_cmpint(device_setvar(d, "input.transfer.low", "101", on_done, f), ==, -EINVAL);
        g_assert_cmpint(device_setvar(d, "ups.delay", "25", on_done, f), ==, -EINVAL);
        g_assert_cmpint(device_setvar(d, "ups.status", "OL", on_done, f), ==, -EROFS);

        g_assert_true(run_until_step(f, 11, d, DEVICE_STALE));
        g_assert_true(run_until_step(f, 13, d, DEVICE_CONNECTED));
        g_assert_null(device_get_var(d, "ups.text"));
        g_assert_false(device_has_command(d, "load.off"));
        g_assert_cmpint(var_store_get(&d->vars, "input.transfer.low")->flags, ==, VAR_RW | VAR_NUMBER);

        g_assert_cmpint(device_setvar(d, "input.transfer.low", "103", on_done, f), ==, 0);
        g_assert_true(run_until_step(f, 16, d, DEVICE_DISCONNECTED));
        g_assert_cmpuint(f->log->len, ==, 1);
        g_assert_cmpstr(log_at(f, 0), ==, "done=0");
        g_assert_cmpint(device_setvar(d, "input.transfer.low", "103", on_done, f), ==, -ENOTCONN);
        device_stop_driver(d);
}

int main(int argc, char *argv[])
{
        g_autofree char *endless = g_strnfill(70 * 1024, 'x');
        const Hostile hostile[] = {
                { "BEGIN LIST VAR ups\nEND LIST VAR ups\nOK\n", "r=0 BEGIN|LIST|VAR|ups" },
                { "VAR ups a \"b\"\n", "r=-71 (none)" },
                { "BEGIN LIST VAR ups\nVAR ups a \"#\"\n", "r=-71 (none)" },
                { endless, "r=-71 (none)" },
        };

        g_test_init(&argc, &argv, NULL);
#define T(path, fn, data) g_test_add(path, Fixture, data, setup, fn, teardown)
        T("/nutproto/nut-client/list", test_list, NULL);
        T("/nutproto/nut-client/quoting", test_quoting, NULL);
        T("/nutproto/nut-client/errors", test_errors, NULL);
        T("/nutproto/nut-client/tracking", test_tracking, NULL);
        T("/nutproto/nut-client/timeout", test_timeout, NULL);
        T("/nutproto/nut-client/hostile/unsolicited", test_hostile, &hostile[0]);
        T("/nutproto/nut-client/hostile/no-begin", test_hostile, &hostile[1]);
        T("/nutproto/nut-client/hostile/hash-in-quotes", test_hostile, &hostile[2]);
        T("/nutproto/nut-client/hostile/endless-line", test_hostile, &hostile[3]);
        T("/nutproto/nut-client/eof", test_eof, NULL);
        T("/nutproto/nut-client/close-in-callback", test_close_in_callback, NULL);
        T("/nutproto/nut-client/starttls/refused", test_starttls_refused, NULL);
        T("/nutproto/nut-client/starttls/injection", test_starttls_injection, NULL);
        T("/nutproto/nut-client/refused", test_refused, NULL);
#undef T
        g_test_add_func("/nutproto/nut-client/hosts", test_hosts);
        g_test_add("/drivers/nut-remote/mirror", Fixture, NULL, setup, test_driver_mirror, teardown);
        g_test_add_func("/drivers/nut-remote/parse-port", test_parse_port);
        return g_test_run();
}
