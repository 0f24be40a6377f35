/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls-gnutls: the server side of STARTTLS (tls.h) on one end of a socketpair, against a non-blocking gnutls
 * client on the other, both driven by one poll loop: handshakes, client certificates, the TLS version
 * floor, partial writes, decrypted data that poll() cannot see, end of file, bad files.
 */
#include <gnutls/gnutls.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <sys/socket.h>

#include "macro.h"
#include "test-certs.h"
#include "tls.h"

#define LOOP_MAX 100000         /* poll rounds before a test is declared stuck */
#define POLL_TIMEOUT_MS 5000

static TestCerts certs;
static char *cert_dir;          /* the files of test_certs_write() */

typedef struct ClientOptions {
        const char *priority;   /* NULL: "NORMAL" */
        const char *pem;        /* client certificate + key, or NULL for none */
} ClientOptions;

typedef struct Pair {
        int fd[2];              /* [0] the server's end, [1] the client's */
        NutTlsContext *context;
        NutTls *server;
        gnutls_certificate_credentials_t client_cred;
        gnutls_session_t client;
        int server_r;           /* nut_tls_handshake() result */
        int client_r;           /* gnutls_handshake() result */
} Pair;

static char *cert_path(const char *name)
{
        return g_build_filename(cert_dir, name, NULL);
}

static NutTlsContext *context_new_full(
                const char *certfile,
                const char *ca,
                int certrequest,
                bool disable_weak)
{
        NutTlsContext *c = NULL;
        char *error = NULL;
        int r;

        r = nut_tls_context_new(certfile, ca, certrequest, disable_weak, &c, &error);
        if (r < 0)
                g_error("nut_tls_context_new(%s, %s): %s: %s", certfile, ca, g_strerror(-r), error);
        g_assert_null(error);
        g_assert_nonnull(c);
        return c;
}

static NutTlsContext *context_new(int certrequest, bool disable_weak)
{
        g_autofree char *certfile = cert_path("server.pem"), *ca = cert_path("ca.pem");

        return context_new_full(certfile, certrequest > 0 ? ca : NULL, certrequest, disable_weak);
}

/* Takes ownership of context. Returns false when gnutls rejects the client's priority string. */
static bool pair_init(Pair *p, NutTlsContext *context, const ClientOptions *o)
{
        gnutls_datum_t ca = { (unsigned char *) certs.ca_pem, strlen(certs.ca_pem) };
        int r;

        *p = (Pair) { .context = context, .server_r = 1, .client_r = 1 };
        g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p->fd), ==, 0);
        g_assert_cmpint(nut_tls_new(context, p->fd[0], &p->server), ==, 0);

        g_assert_cmpint(gnutls_certificate_allocate_credentials(&p->client_cred), ==, 0);
        r = gnutls_certificate_set_x509_trust_mem(p->client_cred, &ca, GNUTLS_X509_FMT_PEM);
        g_assert_cmpint(r, ==, 1);
        if (o && o->pem) {
                gnutls_datum_t pem = { (unsigned char *) o->pem, strlen(o->pem) };

                g_assert_cmpint(gnutls_certificate_set_x509_key_mem2(p->client_cred, &pem, &pem,
                                                                     GNUTLS_X509_FMT_PEM, NULL, 0), >=, 0);
        }
        g_assert_cmpint(gnutls_init(&p->client, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL), ==, 0);
        r = gnutls_priority_set_direct(p->client, o && o->priority ? o->priority : "NORMAL", NULL);
        if (r < 0)
                return false;
        g_assert_cmpint(gnutls_credentials_set(p->client, GNUTLS_CRD_CERTIFICATE, p->client_cred), ==, 0);
        g_assert_cmpint(gnutls_server_name_set(p->client, GNUTLS_NAME_DNS, "localhost", 9), ==, 0);
        gnutls_session_set_verify_cert(p->client, "localhost", 0);
        gnutls_transport_set_int(p->client, p->fd[1]);
        return true;
}

static void pair_done(Pair *p)
{
        nut_tls_free(p->server);
        nut_tls_context_free(p->context);
        if (p->client)
                gnutls_deinit(p->client);
        if (p->client_cred)
                gnutls_certificate_free_credentials(p->client_cred);
        for (size_t i = 0; i < 2; i++)
                if (p->fd[i] >= 0)
                        close(p->fd[i]);
}

/* Sleeps until one end can go on; a test that makes no progress for 5 s fails here. */
static void pair_wait(Pair *p, short server_events, short client_events)
{
        struct pollfd pfd[2] = {
                { .fd = p->fd[0], .events = server_events },
                { .fd = p->fd[1], .events = client_events },
        };

        g_assert_cmpint(poll(pfd, 2, POLL_TIMEOUT_MS), >, 0);
}

static short server_events(Pair *p)
{
        return nut_tls_want_write(p->server) ? POLLOUT : POLLIN;
}

static short client_events(Pair *p)
{
        return gnutls_record_get_direction(p->client) == 1 ? POLLOUT : POLLIN;
}

/* Runs both handshakes to their end. The side that fails shuts its socket, as the server would. */
static void pair_handshake(Pair *p)
{
        bool server_busy = true, client_busy = true;

        for (unsigned i = 0; server_busy || client_busy; i++) {
                g_assert_cmpuint(i, <, LOOP_MAX);
                if (server_busy) {
                        p->server_r = nut_tls_handshake(p->server);
                        server_busy = p->server_r == -EAGAIN;
                        if (p->server_r < 0 && !server_busy)
                                shutdown(p->fd[0], SHUT_RDWR);
                }
                if (client_busy) {
                        p->client_r = gnutls_handshake(p->client);
                        client_busy = p->client_r == GNUTLS_E_AGAIN || p->client_r == GNUTLS_E_INTERRUPTED;
                        if (p->client_r < 0 && !client_busy)
                                shutdown(p->fd[1], SHUT_RDWR);
                }
                if (server_busy || client_busy)
                        pair_wait(p, server_busy ? server_events(p) : 0, client_busy ? client_events(p) : 0);
        }
}

static void pair_connect(Pair *p, NutTlsContext *context, const ClientOptions *o)
{
        g_assert_true(pair_init(p, context, o));
        pair_handshake(p);
        if (p->server_r < 0)
                g_error("server handshake: %s (%s)", g_strerror(-p->server_r),
                        nut_tls_last_error(p->server));
        g_assert_cmpint(p->client_r, ==, 0);
}

/* Reads what the client can get without waiting. */
static void client_drain(Pair *p, GByteArray *got)
{
        uint8_t buf[4096];

        for (;;) {
                ssize_t k = gnutls_record_recv(p->client, buf, sizeof(buf));

                if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
                        return;
                g_assert_cmpint(k, >, 0);
                g_byte_array_append(got, buf, (guint) k);
        }
}

/*
 * Sends data server → client with nut_tls_write() as the NUT server would, while the client reads.
 * The first off bytes were already written. move_buffer: after a short write or -EAGAIN pass a fresh copy
 * of the rest, to check that the buffer may move. Returns how many writes were short or -EAGAIN.
 */
static unsigned send_to_client(Pair *p, const uint8_t *data, size_t n, size_t off, bool move_buffer)
{
        g_autoptr(GByteArray) got = g_byte_array_new();
        unsigned blocked = off > 0;

        for (unsigned i = 0; got->len < n; i++) {
                g_assert_cmpuint(i, <, LOOP_MAX);
                if (off < n) {
                        g_autofree uint8_t *copy = NULL;
                        ssize_t k;

                        if (move_buffer && blocked > 0)
                                copy = g_memdup2(data + off, n - off);
                        k = nut_tls_write(p->server, copy ?: data + off, n - off);
                        g_assert_true(k > 0 || k == -EAGAIN);
                        if (k == -EAGAIN || (size_t) k < n - off)
                                blocked++;
                        if (k > 0)
                                off += (size_t) k;
                }
                client_drain(p, got);
                if (got->len < n)
                        pair_wait(p, off < n ? POLLOUT : 0, POLLIN);
        }
        g_assert_cmpmem(got->data, got->len, data, n);
        return blocked;
}

/* Reads what the server can get without waiting, nut_tls_pending() included. Returns false at EOF. */
static bool server_drain(Pair *p, GByteArray *got, size_t read_size)
{
        g_autofree uint8_t *buf = g_malloc(read_size);

        for (;;) {
                ssize_t k = nut_tls_read(p->server, buf, read_size);

                if (k == -EAGAIN)
                        return true;
                if (k == 0)
                        return false;
                g_assert_cmpint(k, >, 0);
                g_byte_array_append(got, buf, (guint) k);
        }
}

/* Sends data client → server, which reads read_size bytes at a time. */
static void send_to_server(Pair *p, const uint8_t *data, size_t n, size_t read_size)
{
        g_autoptr(GByteArray) got = g_byte_array_new();
        size_t off = 0;

        for (unsigned i = 0; got->len < n; i++) {
                g_assert_cmpuint(i, <, LOOP_MAX);
                if (off < n) {
                        /* Unchanged off after GNUTLS_E_AGAIN: the same arguments, as gnutls requires. */
                        ssize_t k = gnutls_record_send(p->client, data + off, MIN(n - off, (size_t) 16384));

                        g_assert_true(k > 0 || k == GNUTLS_E_AGAIN);
                        if (k > 0)
                                off += (size_t) k;
                }
                g_assert_true(server_drain(p, got, read_size));
                if (got->len < n)
                        pair_wait(p, server_events(p), off < n ? POLLOUT : 0);
        }
        g_assert_cmpmem(got->data, got->len, data, n);
}

static void test_handshake(void)
{
        static const char request[] = "LIST UPS\n", reply[] = "BEGIN LIST UPS\nEND LIST UPS\n";
        g_autofree char *desc = NULL;
        Pair p;

        pair_connect(&p, context_new(0, false), NULL);
        g_assert_null(nut_tls_last_error(p.server));
        /* Already done: a second call is harmless. */
        g_assert_cmpint(nut_tls_handshake(p.server), ==, 0);

        desc = nut_tls_peer_description(p.server);
        g_test_message("negotiated: %s", desc);
        g_assert_nonnull(desc);
        g_assert_true(g_str_has_prefix(desc, "TLS1."));
        g_assert_nonnull(strstr(desc, ", no client certificate"));

        send_to_server(&p, (const uint8_t *) request, strlen(request), 512);
        send_to_client(&p, (const uint8_t *) reply, strlen(reply), 0, false);
        g_assert_cmpint(nut_tls_write(p.server, "", 0), ==, 0);
        pair_done(&p);
}

static void test_large_write(gconstpointer move_buffer)
{
        const size_t n = 100 * 1024;
        g_autofree uint8_t *data = g_malloc(n);
        int small = 4096;
        unsigned blocked;
        ssize_t k;
        Pair p;

        for (size_t i = 0; i < n; i++)
                data[i] = (uint8_t) (i * 7 + i / 251);

        pair_connect(&p, context_new(0, false), NULL);
        g_assert_cmpint(setsockopt(p.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), ==, 0);
        g_assert_cmpint(setsockopt(p.fd[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), ==, 0);

        /* Fill the socket until gnutls holds a record: a shorter retry is refused, then go on. */
        for (size_t off = 0;; off += (size_t) k) {
                k = nut_tls_write(p.server, data + off, n - off);
                g_assert_true(k > 0 || k == -EAGAIN);
                if (k > 0 && (size_t) k == n - off)
                        g_assert_not_reached();         /* 100 KB never fit a 4 KB socket */
                if (k == -EAGAIN || (size_t) k < n - off) {
                        if (k > 0)
                                off += (size_t) k;
                        g_assert_cmpint(nut_tls_write(p.server, data + off, 1), ==, -EINVAL);
                        g_assert_true(nut_tls_want_write(p.server));
                        send_to_client(&p, data, n, off, GPOINTER_TO_INT(move_buffer));
                        break;
                }
        }

        blocked = send_to_client(&p, data, n, 0, GPOINTER_TO_INT(move_buffer));
        g_test_message("server -> client: %u short or blocked writes", blocked);
        g_assert_cmpuint(blocked, >, 0);
        send_to_server(&p, data, n, 1000);
        pair_done(&p);
}

static void test_pending(void)
{
        static const char lines[] = "LINE1\nLINE2\n";
        struct pollfd pfd;
        char buf[64];
        ssize_t k;
        Pair p;

        pair_connect(&p, context_new(0, false), NULL);
        g_assert_cmpuint(nut_tls_pending(p.server), ==, 0);
        g_assert_cmpint(gnutls_record_send(p.client, lines, strlen(lines)), ==, (ssize_t) strlen(lines));

        pair_wait(&p, POLLIN, 0);
        k = nut_tls_read(p.server, buf, 4);
        g_assert_cmpint(k, ==, 4);
        g_assert_cmpmem(buf, 4, "LINE", 4);

        /* The rest of the record is decrypted in memory: poll() says nothing, pending() does. */
        g_assert_cmpuint(nut_tls_pending(p.server), ==, strlen(lines) - 4);
        pfd = (struct pollfd) { .fd = p.fd[0], .events = POLLIN };
        g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
        k = nut_tls_read(p.server, buf, sizeof(buf));
        g_assert_cmpint(k, ==, (ssize_t) strlen(lines) - 4);
        g_assert_cmpmem(buf, (size_t) k, lines + 4, strlen(lines) - 4);
        g_assert_cmpuint(nut_tls_pending(p.server), ==, 0);
        g_assert_cmpint(nut_tls_read(p.server, buf, sizeof(buf)), ==, -EAGAIN);
        pair_done(&p);
}

static void test_eof(void)
{
        g_autoptr(GByteArray) got = g_byte_array_new();
        Pair p;
        int r;

        /* close_notify from the client, then our own best-effort one. */
        pair_connect(&p, context_new(0, false), NULL);
        do
                r = gnutls_bye(p.client, GNUTLS_SHUT_WR);
        while (r == GNUTLS_E_AGAIN);
        g_assert_cmpint(r, ==, 0);
        pair_wait(&p, POLLIN, 0);
        g_assert_false(server_drain(&p, got, 64));
        nut_tls_bye(p.server);
        pair_done(&p);

        /* The client just goes away: still a plain end of file, and writing fails without SIGPIPE. */
        pair_connect(&p, context_new(0, false), NULL);
        close(p.fd[1]);
        p.fd[1] = -EBADF;
        g_assert_cmpint(nut_tls_write(p.server, "x", 1), ==, -EPIPE);
        g_assert_false(server_drain(&p, got, 64));
        nut_tls_bye(p.server);
        g_assert_cmpuint(got->len, ==, 0);
        pair_done(&p);
}

typedef struct CertCase {
        int certrequest;
        const char *client;     /* "trusted", "untrusted" or NULL for no certificate */
        const char *priority;   /* the client's, NULL for "NORMAL" (TLS 1.3) */
        int server_r;
        const char *description; /* expected in nut_tls_peer_description() or nut_tls_last_error() */
} CertCase;

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"

static const CertCase cert_cases[] = {
        { 0, "trusted", NULL, 0, "no client certificate" },     /* not asked for, not sent */
        { 1, NULL, NULL, 0, "no client certificate" },
        { 1, "trusted", NULL, 0, "client certificate CN=nutd-test-client" },
        { 1, "untrusted", NULL, -EACCES, "NOT trusted" },
        { 2, NULL, NULL, -EACCES, NULL },
        { 2, "trusted", NULL, 0, "client certificate CN=nutd-test-client" },
        { 2, "untrusted", NULL, -EACCES, "NOT trusted" },
        /* TLS 1.2 checks the certificate at another point of the handshake. */
        { 2, NULL, TLS12, -EACCES, NULL },
        { 2, "trusted", TLS12, 0, "TLS1.2 " },
        { 2, "untrusted", TLS12, -EACCES, "NOT trusted" },
};

static void test_client_cert(gconstpointer data)
{
        const CertCase *c = data;
        ClientOptions o = {
                .pem = !c->client ? NULL
                     : streq(c->client, "trusted") ? certs.client_pem : certs.untrusted_client_pem,
                .priority = c->priority,
        };
        g_autofree char *desc = NULL;
        Pair p;

        g_assert_true(pair_init(&p, context_new(c->certrequest, false), &o));
        pair_handshake(&p);
        g_test_message("server %d (%s), client %d (%s)", p.server_r, nut_tls_last_error(p.server),
                       p.client_r, gnutls_strerror(p.client_r));
        g_assert_cmpint(p.server_r, ==, c->server_r);
        if (c->server_r == 0) {
                g_assert_cmpint(p.client_r, ==, 0);
                desc = nut_tls_peer_description(p.server);
                g_assert_nonnull(strstr(desc, c->description));
        } else {
                g_assert_nonnull(nut_tls_last_error(p.server));
                if (c->description)
                        g_assert_nonnull(strstr(nut_tls_last_error(p.server), c->description));
                g_assert_null(nut_tls_peer_description(p.server));
        }
        pair_done(&p);
}

static void test_ca_dir(void)
{
        g_autofree char *dir = g_build_filename(cert_dir, "ca.d", NULL);
        g_autofree char *ca = g_build_filename(dir, "nutd-test-ca.pem", NULL);
        g_autofree char *junk = g_build_filename(dir, "README", NULL);
        g_autofree char *certfile = cert_path("server.pem");
        ClientOptions o = { .pem = certs.client_pem };
        Pair p;

        g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
        g_assert_true(g_file_set_contents(ca, certs.ca_pem, -1, NULL));
        g_assert_true(g_file_set_contents(junk, "not a certificate\n", -1, NULL));

        pair_connect(&p, context_new_full(certfile, dir, 2, false), &o);
        pair_done(&p);

        g_assert_cmpint(g_remove(ca), ==, 0);
        g_assert_cmpint(g_remove(junk), ==, 0);
        g_assert_cmpint(g_rmdir(dir), ==, 0);
}

/* CERTFILE with the key before the certificate, as some tools write it. */
static void test_key_first(void)
{
        const char *key = strstr(certs.server_pem, "-----BEGIN PRIVATE KEY-----");
        g_autofree char *path = cert_path("key-first.pem");
        g_autofree char *pem = NULL;
        Pair p;

        g_assert_nonnull(key);
        pem = g_strdup_printf("%s%.*s", key, (int) (key - certs.server_pem), certs.server_pem);
        g_assert_true(g_file_set_contents(path, pem, -1, NULL));
        pair_connect(&p, context_new_full(path, NULL, 0, false), NULL);
        pair_done(&p);
        g_assert_cmpint(g_remove(path), ==, 0);
}

static void test_disable_weak(void)
{
        ClientOptions tls11 = { .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.1" };
        ClientOptions tls12 = { .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2" };
        g_autofree char *desc = NULL;
        Pair p;

        /* TLS 1.2 is the floor, and it is accepted. */
        pair_connect(&p, context_new(0, true), &tls12);
        desc = nut_tls_peer_description(p.server);
        g_assert_true(g_str_has_prefix(desc, "TLS1.2 "));
        pair_done(&p);

        if (!pair_init(&p, context_new(0, true), &tls11)) {
                pair_done(&p);
                g_test_skip("this gnutls cannot limit a client to TLS 1.1");
                return;
        }
        pair_handshake(&p);
        g_test_message("DISABLE_WEAK_SSL vs. a TLS 1.1 client: %s", nut_tls_last_error(p.server));
        g_assert_cmpint(p.server_r, <, 0);
        g_assert_cmpint(p.server_r, !=, -EAGAIN);
        g_assert_cmpint(p.client_r, <, 0);
        pair_done(&p);

        /* Without it, whatever gnutls' NORMAL allows: say what that is. */
        g_assert_true(pair_init(&p, context_new(0, false), &tls11));
        pair_handshake(&p);
        if (p.server_r == 0) {
                g_clear_pointer(&desc, g_free);
                desc = nut_tls_peer_description(p.server);
                g_test_message("without DISABLE_WEAK_SSL: %s", desc);
                g_assert_true(g_str_has_prefix(desc, "TLS1.1 "));
        } else
                g_test_message("gnutls' NORMAL refuses TLS 1.1 on its own here: %s",
                               nut_tls_last_error(p.server));
        pair_done(&p);
}

/* The context is dropped by its owner (a reload) while a session still uses it. */
static void test_context_outlives(void)
{
        Pair p;

        g_assert_true(pair_init(&p, context_new(2, false), &(ClientOptions) { .pem = certs.client_pem }));
        p.context = nut_tls_context_free(p.context);
        pair_handshake(&p);
        g_assert_cmpint(p.server_r, ==, 0);
        send_to_server(&p, (const uint8_t *) "VER\n", 4, 64);
        pair_done(&p);
}

/* A client that does not speak TLS after all: the handshake fails at once, it does not wait. */
static void test_plaintext_client(void)
{
        static const char garbage[] = "LIST UPS\nLIST UPS\nLIST UPS\n";
        Pair p;
        int r;

        g_assert_true(pair_init(&p, context_new(0, false), NULL));
        g_assert_cmpint(write(p.fd[1], garbage, strlen(garbage)), ==, (ssize_t) strlen(garbage));
        shutdown(p.fd[1], SHUT_WR);
        for (unsigned i = 0; (r = nut_tls_handshake(p.server)) == -EAGAIN; i++) {
                g_assert_cmpuint(i, <, 10);
                pair_wait(&p, POLLIN, 0);
        }
        g_test_message("plaintext client: %s (%s)", g_strerror(-r), nut_tls_last_error(p.server));
        g_assert_cmpint(r, <, 0);
        g_assert_nonnull(nut_tls_last_error(p.server));
        pair_done(&p);
}

typedef struct BadCase {
        const char *certfile;   /* relative to cert_dir, NULL for none; "/..." absolute */
        const char *ca;
        int certrequest;
        int r;
        const char *error;      /* a part of the message; "%s" stands for the file at fault */
} BadCase;

static const BadCase bad_cases[] = {
        { "/nonexistent/nutd/server.pem", NULL, 0, -ENOENT, "CERTFILE /nonexistent/nutd/server.pem" },
        { "garbage.pem", NULL, 0, -EINVAL, "CERTFILE %s" },
        { "ca.pem", NULL, 0, -EINVAL, "CERTFILE %s" },            /* a certificate without its key */
        { NULL, NULL, 0, -EINVAL, "CERTFILE is not set" },
        { "server.pem", "/nonexistent/nutd/ca", 1, -ENOENT, "CERTPATH /nonexistent/nutd/ca" },
        { "server.pem", "garbage.pem", 1, -EINVAL, "CERTPATH %s" },
        { "server.pem", NULL, 2, -EINVAL, "needs CERTPATH" },
        { "server.pem", NULL, 3, -EINVAL, "CERTREQUEST" },
        { "server.pem", NULL, -1, -EINVAL, "CERTREQUEST" },
};

static char *bad_path(const char *name)
{
        if (!name)
                return NULL;
        return name[0] == '/' ? g_strdup(name) : cert_path(name);
}

static void test_bad_files(void)
{
        g_autofree char *garbage = cert_path("garbage.pem");

        g_assert_true(g_file_set_contents(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 !\n", -1, NULL));
        for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
                const BadCase *b = &bad_cases[i];
                g_autofree char *certfile = bad_path(b->certfile), *ca = bad_path(b->ca);
                g_autofree char *expected = NULL, *error = NULL;
                NutTlsContext *c = (NutTlsContext *) &i;        /* must stay untouched */
                int r;

                r = nut_tls_context_new(certfile, ca, b->certrequest, false, &c, &error);
                g_test_message("%s, %s, %d: %d %s", certfile, ca, b->certrequest, r, error);
                g_assert_cmpint(r, ==, b->r);
                g_assert_true(c == (NutTlsContext *) &i);
                g_assert_nonnull(error);
                expected = g_strdup_printf(b->error, b->ca ? ca : certfile);
                g_assert_nonnull(strstr(error, expected));
        }
        g_assert_cmpint(g_remove(garbage), ==, 0);

        /* The message is optional. */
        g_assert_cmpint(nut_tls_context_new("/nonexistent", NULL, 0, false, &(NutTlsContext *) { NULL },
                                            /* ret_error= */ NULL), ==, -ENOENT);
}

static void test_null(void)
{
        g_assert_true(nut_tls_supported());
        g_assert_null(nut_tls_free(NULL));
        g_assert_null(nut_tls_context_free(NULL));
        nut_tls_bye(NULL);
        g_assert_false(nut_tls_want_write(NULL));
        g_assert_cmpuint(nut_tls_pending(NULL), ==, 0);
        g_assert_null(nut_tls_peer_description(NULL));
        g_assert_null(nut_tls_last_error(NULL));
        g_assert_cmpint(nut_tls_handshake(NULL), ==, -EINVAL);
}

static void remove_cert_dir(void)
{
        static const char *const names[] = {
                "ca.pem", "server.pem", "client.pem", "client.p12", "untrusted-client.pem",
        };

        for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
                g_autofree char *path = cert_path(names[i]);

                (void) g_remove(path);
        }
        (void) g_rmdir(cert_dir);
}

int main(int argc, char *argv[])
{
        int r;

        g_test_init(&argc, &argv, NULL);

        r = test_certs_generate(&certs);
        if (r < 0)
                g_error("Cannot generate test certificates: %s", g_strerror(-r));
        cert_dir = g_dir_make_tmp("nutd-test-tls-XXXXXX", NULL);
        g_assert_nonnull(cert_dir);
        r = test_certs_write(&certs, cert_dir);
        if (r < 0)
                g_error("Cannot write test certificates: %s", g_strerror(-r));

        g_test_add_func("/nutproto/tls/null", test_null);
        g_test_add_func("/nutproto/tls/handshake", test_handshake);
        g_test_add_data_func("/nutproto/tls/large-write", GINT_TO_POINTER(false), test_large_write);
        g_test_add_data_func("/nutproto/tls/large-write-moved-buffer", GINT_TO_POINTER(true),
                             test_large_write);
        g_test_add_func("/nutproto/tls/pending", test_pending);
        g_test_add_func("/nutproto/tls/eof", test_eof);
        for (size_t i = 0; i < G_N_ELEMENTS(cert_cases); i++) {
                g_autofree char *path = g_strdup_printf("/nutproto/tls/client-cert/certrequest-%d/%s%s",
                                                        cert_cases[i].certrequest,
                                                        cert_cases[i].client ?: "none",
                                                        cert_cases[i].priority ? "-tls12" : "");

                g_test_add_data_func(path, &cert_cases[i], test_client_cert);
        }
        g_test_add_func("/nutproto/tls/ca-dir", test_ca_dir);
        g_test_add_func("/nutproto/tls/key-first", test_key_first);
        g_test_add_func("/nutproto/tls/disable-weak", test_disable_weak);
        g_test_add_func("/nutproto/tls/context-outlives-owner", test_context_outlives);
        g_test_add_func("/nutproto/tls/plaintext-client", test_plaintext_client);
        g_test_add_func("/nutproto/tls/bad-files", test_bad_files);

        r = g_test_run();
        remove_cert_dir();
        g_free(cert_dir);
        test_certs_done(&certs);
        return r;
}
