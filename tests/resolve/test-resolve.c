/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host names that do not block the loop: resolve.c on its own (answers, unknown names, a
 * lookup cancelled while its thread runs) and NutConn connecting to a NUT server by name, each
 * connect looking the name up again. Run under with-hosts.sh, whose /etc/hosts has
 * nutd-test-peer (127.0.0.1) and nutd-test-peer6 (::1) and whose nsswitch.conf has files only.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "macro.h"
#include "nut-client.h"
#include "resolve.h"

typedef struct Answer {
        bool done;
        int r;
        char addr[INET6_ADDRSTRLEN];
        uint16_t port;
} Answer;

static void on_answer(int r, const struct addrinfo *ai, void *userdata)
{
        Answer *a = userdata;

        a->done = true;
        a->r = r;
        if (r < 0)
                return;
        g_assert_nonnull(ai);
        if (ai->ai_family == AF_INET) {
                const struct sockaddr_in *sa = (const struct sockaddr_in *) ai->ai_addr;

                inet_ntop(AF_INET, &sa->sin_addr, a->addr, sizeof(a->addr));
                a->port = ntohs(sa->sin_port);
        } else {
                const struct sockaddr_in6 *sa = (const struct sockaddr_in6 *) ai->ai_addr;

                inet_ntop(AF_INET6, &sa->sin6_addr, a->addr, sizeof(a->addr));
                a->port = ntohs(sa->sin6_port);
        }
}

static void run_until(sd_event *e, bool *flag)
{
        for (unsigned i = 0; i < 500 && !*flag; i++)
                (void) sd_event_run(e, 10 * 1000);
}

static void test_lookup(void)
{
        static const struct {
                const char *host;
                int r;
                const char *addr;
        } table[] = {
                { "nutd-test-peer", 0, "127.0.0.1" },
                { "NUTD-TEST-PEER", 0, "127.0.0.1" },
                { "nutd-test-peer6", 0, "::1" },
                { "no-such-host.invalid", -ENOENT, NULL },
                { "127.0.0.1", 0, "127.0.0.1" },
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;

        g_assert_cmpint(sd_event_new(&e), >=, 0);
        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                Answer a = {};
                Resolve *q = NULL;

                g_assert_cmpint(resolve_start(e, table[i].host, "3493", AF_UNSPEC, AI_NUMERICSERV, on_answer, &a, &q),
                                ==, 0);
                g_assert_false(a.done);         /* never from inside resolve_start() */
                run_until(e, &a.done);
                g_assert_true(a.done);
                g_assert_cmpint(a.r, ==, table[i].r);
                if (table[i].addr) {
                        g_assert_cmpstr(a.addr, ==, table[i].addr);
                        g_assert_cmpuint(a.port, ==, 3493);
                }
        }
}

/* Cancelled at once: no answer ever, and nothing left behind once the thread ends (ASan) */
static void test_cancel(void)
{
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        Answer a = {};

        g_assert_cmpint(sd_event_new(&e), >=, 0);
        for (unsigned i = 0; i < 20; i++) {
                Resolve *q = NULL;

                g_assert_cmpint(resolve_start(e, "nutd-test-peer", NULL, AF_INET, 0, on_answer, &a, &q), ==, 0);
                resolve_cancel(q);
        }
        for (unsigned i = 0; i < 20; i++)
                (void) sd_event_run(e, 10 * 1000);
        g_assert_false(a.done);
        g_usleep(200 * 1000);           /* let the threads drop their references */
}

typedef struct Conn {
        bool done;
        int r;
        unsigned accepted;
} Conn;

static void on_connect(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        Conn *x = userdata;

        x->done = true;
        x->r = r;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Conn *x = userdata;
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

        if (c >= 0) {
                x->accepted++;
                close(c);
        }
        return 0;
}

/* NutConn by name: connects to the address the name has; an unknown name fails the connect
 * from the loop with -ENXIO; names that are not names are refused at once */
static void test_conn_by_name(void)
{
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof(sa);
        sd_event_source *src = NULL;
        NutConn *c = NULL;
        Conn x = {};
        int fd;

        g_assert_cmpint(sd_event_new(&e), >=, 0);
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        g_assert_cmpint(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
        g_assert_cmpint(listen(fd, 4), ==, 0);
        g_assert_cmpint(getsockname(fd, (struct sockaddr *) &sa, &len), ==, 0);
        g_assert_cmpint(sd_event_add_io(e, &src, fd, EPOLLIN, on_accept, &x), >=, 0);

        g_autofree char *peer = g_strdup_printf("127.0.0.1:%u", ntohs(sa.sin_port));

        g_assert_cmpint(nut_conn_new(e, "nutd-test-peer", ntohs(sa.sin_port), &c), ==, 0);
        for (unsigned round = 0; round < 2; round++) {
                x.done = false;
                g_assert_cmpint(nut_conn_connect(c, on_connect, &x), ==, 0);
                g_assert_false(x.done);
                run_until(e, &x.done);
                g_assert_true(x.done);
                g_assert_cmpint(x.r, ==, 0);
                g_assert_cmpstr(nut_conn_peer(c), ==, peer);
                nut_conn_close(c, -ECANCELED);
        }
        c = nut_conn_unref(c);

        g_assert_cmpint(nut_conn_new(e, "no-such-host.invalid", 3493, &c), ==, 0);
        x.done = false;
        g_assert_cmpint(nut_conn_connect(c, on_connect, &x), ==, 0);
        run_until(e, &x.done);
        g_assert_true(x.done);
        g_assert_cmpint(x.r, ==, -ENXIO);
        /* freed while a lookup runs: the connect fails with -ECANCELED, the thread ends alone */
        x.done = false;
        g_assert_cmpint(nut_conn_connect(c, on_connect, &x), ==, 0);
        c = nut_conn_unref(c);
        g_assert_true(x.done);
        g_assert_cmpint(x.r, ==, -ECANCELED);

        for (const char *const *h = (const char *const[]) { "bad/name", "-lead.example", "a..b", "trail-.x", "sp ace",
                                                            "ups@host", "end-", NULL };
             *h; h++)
                g_assert_cmpint(nut_conn_new(e, *h, 3493, &c), ==, -EADDRNOTAVAIL);
        g_usleep(100 * 1000);
        sd_event_source_disable_unref(src);
        close(fd);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        if (!getenv("NUTD_HOSTS_NS")) {
                g_test_message("run under with-hosts.sh");
                return 77;
        }
        g_test_add_func("/resolve/lookup", test_lookup);
        g_test_add_func("/resolve/cancel", test_cancel);
        g_test_add_func("/resolve/nut-conn-by-name", test_conn_by_name);
        return g_test_run();
}
