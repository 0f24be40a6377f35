/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NutConn: one client connection to a NUT server on sd-event. Non-blocking connect over the
 * addresses of a host (numeric, localhost, or a name looked up in a thread), a FIFO of
 * requests of which one at a time is on the wire, replies framed by the NUT tokenizer (LIST replies collected up to END LIST), one timer for
 * the connect, the TLS handshake and the request in flight.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/epoll.h>

#include "log.h"
#include "nut-client-internal.h"
#include "strv.h"

#define NUT_CONN_READ_SIZE 4096

static void conn_fail(NutConn *c, int r);
static int conn_attempt(NutConn *c);

/* Adds the addresses of a lookup's answer */
static void conn_add_addresses(NutConn *c, const struct addrinfo *ai)
{
        for (const struct addrinfo *a = ai; a && c->n_addrs < NUT_CONN_MAX_ADDRESSES; a = a->ai_next) {
                if (a->ai_addrlen > sizeof(struct sockaddr_storage))
                        continue;
                memcpy(&c->addrs[c->n_addrs], a->ai_addr, a->ai_addrlen);
                c->addr_lens[c->n_addrs++] = a->ai_addrlen;
        }
}

/* A numeric address (a lookup that cannot block) */
static int conn_add_numeric(NutConn *c, const char *host, uint16_t port)
{
        struct addrinfo hints = {
                .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
                .ai_socktype = SOCK_STREAM,
        };
        struct addrinfo *res = NULL;
        char service[8];
        int r;

        snprintf(service, sizeof(service), "%u", port);
        r = getaddrinfo(host, service, &hints, &res);
        if (r != 0)
                return r == EAI_MEMORY ? -ENOMEM : -EADDRNOTAVAIL;
        conn_add_addresses(c, res);
        freeaddrinfo(res);
        return c->n_addrs > 0 ? 0 : -EADDRNOTAVAIL;
}

/* A host name: labels of letters, digits, '-' (not first or last) and '_' (which /etc/hosts
 * names have), between dots */
static bool hostname_is_valid(const char *s)
{
        size_t label = 0, n = strlen(s);

        if (n == 0 || n > 253)
                return false;
        for (const char *p = s; *p; p++) {
                if (*p == '.') {
                        if (label == 0 || p[-1] == '-')
                                return false;
                        label = 0;
                } else if (isalnum((unsigned char) *p) || *p == '_' || (*p == '-' && label > 0)) {
                        if (++label > 63)
                                return false;
                } else
                        return false;
        }
        return s[n - 1] != '-';
}

/* Addresses now (numeric, localhost), or a name to look up at connect time */
static int conn_resolve(NutConn *c, const char *host, uint16_t port)
{
        int r;

        if (strcaseeq(host, "localhost")) {
                (void) conn_add_numeric(c, "127.0.0.1", port);
                (void) conn_add_numeric(c, "::1", port);
                return c->n_addrs > 0 ? 0 : -EADDRNOTAVAIL;
        }
        r = conn_add_numeric(c, host, port);
        if (r != -EADDRNOTAVAIL)
                return r;
        if (!hostname_is_valid(host))
                return -EADDRNOTAVAIL;
        c->by_name = true;
        return 0;
}

/**
 * nut_conn_new() - a connection object for a NUT server; nothing happens until nut_conn_connect()
 * @event: the loop the connection runs on
 * @host: a numeric IPv4 or IPv6 address (no brackets), "localhost" (tries 127.0.0.1, then ::1),
 *        or a host name, looked up (in a thread, see resolve.h) at each nut_conn_connect()
 * @port: TCP port, usually NUT_CONN_DEFAULT_PORT
 * @ret: the new connection, with one reference
 *
 * Return: 0, -EADDRNOTAVAIL for a host that is neither an address nor a valid name, -ENOMEM.
 */
int nut_conn_new(sd_event *event, const char *host, uint16_t port, NutConn **ret)
{
        _cleanup_(nut_conn_unrefp) NutConn *c = NULL;
        int r;

        if (!event || isempty(host) || port == 0 || !ret)
                return -EINVAL;
        c = calloc(1, sizeof(NutConn));
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->fd = -EBADF;
        c->timeout_usec = NUT_CONN_DEFAULT_TIMEOUT_USEC;
        c->event = sd_event_ref(event);
        nut_tokenizer_init(&c->tok, 32, 512, false);
        c->tok.ascii_only = true;
        c->host = strdup(host);
        if (!c->host)
                return -ENOMEM;
        c->port = port;
        r = conn_resolve(c, host, port);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

NutConn *nut_conn_ref(NutConn *c)
{
        if (c)
                c->n_ref++;
        return c;
}

static void request_free(NutRequest *q)
{
        free(q->line);
        strv_free(q->words);
        for (size_t i = 0; i < q->n_items; i++)
                strv_free(q->items[i]);
        free(q->items);
        nut_client_tls_context_unref(q->tls);
        free(q);
}

/* Tear down the socket and complete everything pending with r. The state is IDLE before any callback
 * runs, so callbacks cannot queue requests onto a dead connection. */
static void conn_shutdown(NutConn *c, int r)
{
        NutRequest *q = c->head;
        NutConnReplyFn connect_fn = c->state == NUT_CONN_CONNECTING ? c->connect_fn : NULL;

        c->lookup = resolve_cancel(c->lookup);
        c->io = sd_event_source_disable_unref(c->io);
        c->timer = sd_event_source_disable_unref(c->timer);
        c->tls = nut_client_tls_free(c->tls);
        if (c->fd >= 0)
                close(c->fd);
        c->fd = -EBADF;
        c->state = NUT_CONN_IDLE;
        c->out_len = c->out_sent = 0;
        c->sent = false;
        c->line_bytes = 0;
        nut_tokenizer_reset(&c->tok);
        c->head = c->tail = NULL;
        c->connect_fn = NULL;

        nut_conn_ref(c);
        if (connect_fn)
                connect_fn(c, r, NULL, c->connect_userdata);
        while (q) {
                NutRequest *next = q->next;

                if (q->fn)
                        q->fn(c, r, NULL, q->userdata);
                request_free(q);
                q = next;
        }
        nut_conn_tracked_cancel_all(c, r);
        nut_conn_unref(c);
}

NutConn *nut_conn_unref(NutConn *c)
{
        if (!c || --c->n_ref > 0)
                return NULL;
        c->n_ref = 1;           /* callbacks run by the shutdown may take and drop references */
        c->closed_fn = NULL;
        conn_shutdown(c, -ECANCELED);
        nut_tokenizer_done(&c->tok);
        sd_event_unref(c->event);
        free(c->out);
        free(c->host);
        free(c->last_error);
        return mfree(c);
}

void nut_conn_set_closed_callback(NutConn *c, NutConnClosedFn fn, void *userdata)
{
        c->closed_fn = fn;
        c->closed_userdata = userdata;
}

/* For the connect, the TLS handshake and each request; 0 turns the timeouts off. */
void nut_conn_set_timeout(NutConn *c, uint64_t usec)
{
        c->timeout_usec = usec;
}

/**
 * nut_conn_close() - drop the connection; pending requests complete with @reason (the closed
 * callback is not called). The object can connect again.
 */
void nut_conn_close(NutConn *c, int reason)
{
        if (c)
                conn_shutdown(c, reason < 0 ? reason : -ECANCELED);
}

bool nut_conn_is_open(NutConn *c)
{
        return c && (c->state == NUT_CONN_OPEN || c->state == NUT_CONN_HANDSHAKE);
}

bool nut_conn_is_tls(NutConn *c)
{
        return c && c->tls && c->state == NUT_CONN_OPEN;
}

/* Why the last TLS handshake failed (gnutls' words), or NULL. */
const char *nut_conn_last_error(NutConn *c)
{
        return c->last_error;
}

/* "addr:port" of the current or last connection attempt. */
const char *nut_conn_peer(NutConn *c)
{
        return c->peer;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
        NutConn *c = userdata;

        if (c->state == NUT_CONN_CONNECTING && c->lookup) {
                log_debug("nut-client: looking up %s took too long", c->host);
                conn_shutdown(c, -ETIMEDOUT);
                return 0;
        }
        if (c->state == NUT_CONN_CONNECTING) {
                log_debug("nut-client: connect to %s timed out", c->peer);
                c->timer = sd_event_source_disable_unref(c->timer);
                c->io = sd_event_source_disable_unref(c->io);
                close(c->fd);
                c->fd = -EBADF;
                c->addr_index++;
                if (conn_attempt(c) < 0)
                        conn_shutdown(c, -ETIMEDOUT);
                return 0;
        }
        log_debug("nut-client: %s did not answer in time", c->peer);
        conn_fail(c, -ETIMEDOUT);
        return 0;
}

static int conn_arm_timer(NutConn *c)
{
        if (c->timeout_usec == 0)
                return 0;
        if (!c->timer)
                return sd_event_add_time_relative(c->event, &c->timer, CLOCK_MONOTONIC, c->timeout_usec,
                                                  USEC_PER_MSEC, on_timeout, c);
        (void) sd_event_source_set_time_relative(c->timer, c->timeout_usec);
        return sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

static void conn_disarm_timer(NutConn *c)
{
        (void) sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
}

/* What the socket must be watched for now. */
static void conn_update_events(NutConn *c)
{
        uint32_t events = EPOLLIN;

        if (!c->io)
                return;
        if (c->state == NUT_CONN_CONNECTING || c->out_sent < c->out_len ||
            (c->tls && nut_client_tls_want_write(c->tls)))
                events |= EPOLLOUT;
        (void) sd_event_source_set_io_events(c->io, events);
}

/* Puts the head request on the wire when nothing is in flight. */
static void conn_kick(NutConn *c)
{
        NutRequest *q = c->head;
        size_t n;

        if (c->state != NUT_CONN_OPEN || !q || c->sent)
                return;
        n = strlen(q->line);
        if (c->out_len + n > c->out_alloc) {
                char *p = realloc(c->out, c->out_len + n);

                if (!p)
                        return conn_fail(c, -ENOMEM);
                c->out = p;
                c->out_alloc = c->out_len + n;
        }
        memcpy(c->out + c->out_len, q->line, n);
        c->out_len += n;
        c->sent = true;
        if (conn_arm_timer(c) < 0)
                return conn_fail(c, -ENOMEM);
        conn_update_events(c);
}

static ssize_t conn_write(NutConn *c, const char *p, size_t n)
{
        ssize_t k;

        if (c->tls)
                return nut_client_tls_write(c->tls, p, n);
        k = send(c->fd, p, n, MSG_NOSIGNAL);
        return k < 0 ? (errno == EINTR ? -EAGAIN : -errno) : k;
}

static void conn_flush(NutConn *c)
{
        while (c->out_sent < c->out_len) {
                ssize_t k = conn_write(c, c->out + c->out_sent, c->out_len - c->out_sent);

                if (k == -EAGAIN)
                        break;
                if (k < 0)
                        return conn_fail(c, (int) k);
                c->out_sent += k;
        }
        if (c->out_sent == c->out_len)
                c->out_sent = c->out_len = 0;
        conn_update_events(c);
}

/* Hands the head request its result and moves on to the next one. */
static void conn_complete(NutConn *c, char **words, bool ok)
{
        NutRequest *q = c->head;
        NutReply reply = {
                .items = q->items,
                .n_items = q->n_items,
                .nut_error = _NUT_ERR_INVALID,
        };
        int r = 0;

        /* A copy: the callback may close the connection, which resets the tokenizer's words. */
        if (!q->words && !(q->words = strv_copy(words)))
                return conn_fail(c, -ENOMEM);
        c->head = q->next;
        if (!c->head)
                c->tail = NULL;
        c->sent = false;
        conn_disarm_timer(c);
        reply.words = q->words;
        if (!ok) {
                reply.error = q->words[1] ?: "";
                reply.nut_error = nut_error_from_string(reply.error);
                r = nut_conn_errno(reply.nut_error);
        }
        if (q->fn)
                q->fn(c, r, &reply, q->userdata);
        request_free(q);
        conn_kick(c);
}

static int request_add_item(NutRequest *q, char **words)
{
        char **copy;

        if (q->n_items >= NUT_CONN_MAX_LIST_ITEMS)
                return -E2BIG;
        if (q->n_items == q->n_alloc) {
                size_t n = q->n_alloc ? q->n_alloc * 2 : 32;
                char ***a = realloc(q->items, n * sizeof(char **));

                if (!a)
                        return -ENOMEM;
                q->items = a;
                q->n_alloc = n;
        }
        copy = strv_copy(words);
        if (!copy)
                return -ENOMEM;
        q->items[q->n_items++] = copy;
        return 0;
}

static void conn_start_tls(NutConn *c);

/* One reply line for the request in flight. Lines nobody asked for break the connection. */
static void conn_dispatch(NutConn *c, char **words, size_t n)
{
        NutRequest *q = c->head;
        bool err = n >= 1 && streq(words[0], "ERR");
        int r;

        if (n == 0)
                return;
        if (!q || !c->sent) {
                log_debug("nut-client: unsolicited line from %s: %s", c->peer, words[0]);
                return conn_fail(c, -EPROTO);
        }
        if (err)
                return conn_complete(c, words, false);
        if (!q->list) {
                if (q->starttls && streq(words[0], "OK"))
                        return conn_start_tls(c);
                return conn_complete(c, words, true);
        }
        if (!q->begun) {
                if (n < 2 || !streq(words[0], "BEGIN") || !streq(words[1], "LIST"))
                        return conn_fail(c, -EPROTO);
                q->begun = true;
                q->words = strv_copy(words);
                if (!q->words)
                        conn_fail(c, -ENOMEM);
                return;
        }
        if (n >= 2 && streq(words[0], "END") && streq(words[1], "LIST"))
                return conn_complete(c, words, true);
        r = request_add_item(q, words);
        if (r < 0)
                conn_fail(c, r == -E2BIG ? -EPROTO : r);
}

/* Feeds received bytes to the tokenizer; stops when the connection changes state under us. */
static void conn_feed(NutConn *c, const char *buf, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                int r;

                if (++c->line_bytes > NUT_CONN_MAX_LINE)
                        return conn_fail(c, -EPROTO);
                r = nut_tokenizer_feed(&c->tok, buf[i]);
                if (r == 0)
                        continue;
                if (r < 0)
                        return conn_fail(c, r == -ENOMEM ? r : -EPROTO);
                c->line_bytes = 0;
                conn_dispatch(c, c->tok.words, c->tok.n_words);
                if (c->state == NUT_CONN_HANDSHAKE && i + 1 < n)
                        /* Bytes after "OK STARTTLS", before the handshake: injected, never parse them. */
                        return conn_fail(c, -EPROTO);
                if (c->state != NUT_CONN_OPEN)
                        return;
        }
}

static void conn_read(NutConn *c)
{
        char buf[NUT_CONN_READ_SIZE];

        /* Until EAGAIN: a TLS session may hold decrypted bytes that the fd will never signal. */
        while (c->state == NUT_CONN_OPEN) {
                ssize_t k = c->tls ? nut_client_tls_read(c->tls, buf, sizeof(buf))
                                   : recv(c->fd, buf, sizeof(buf), 0);

                if (!c->tls && k < 0)
                        k = errno == EINTR || errno == EAGAIN ? -EAGAIN : -errno;
                if (k == -EAGAIN)
                        break;
                if (k == 0)
                        return conn_fail(c, -ECONNRESET);
                if (k < 0)
                        return conn_fail(c, (int) k);
                conn_feed(c, buf, (size_t) k);
        }
        conn_update_events(c);
}

static void conn_handshake(NutConn *c)
{
        _cleanup_free_ char *desc = NULL;
        int r;

        r = nut_client_tls_handshake(c->tls);
        if (r == -EAGAIN)
                return conn_update_events(c);
        if (r < 0) {
                free(c->last_error);
                c->last_error = strdup(strempty(nut_client_tls_last_error(c->tls)));
                log_debug("nut-client: TLS handshake with %s failed: %s", c->peer, strempty(c->last_error));
                return conn_fail(c, r);
        }
        desc = nut_client_tls_description(c->tls);
        log_debug("nut-client: %s: %s", c->peer, strempty(desc));
        c->state = NUT_CONN_OPEN;
        conn_complete(c, (char *[]) { (char *) "OK", (char *) "STARTTLS", NULL }, true);
        conn_update_events(c);
}

/* "OK STARTTLS" arrived: from now on the socket speaks TLS. */
static void conn_start_tls(NutConn *c)
{
        int r;

        r = nut_client_tls_new(c->head->tls, c->fd, c->host, &c->tls);
        if (r < 0)
                return conn_fail(c, r);
        c->state = NUT_CONN_HANDSHAKE;
        if (conn_arm_timer(c) < 0)
                return conn_fail(c, -ENOMEM);
        conn_handshake(c);
}

static void conn_connected(NutConn *c)
{
        NutConnReplyFn fn = c->connect_fn;
        int error = 0;
        socklen_t len = sizeof(error);

        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
                error = errno;
        if (error != 0) {
                log_debug("nut-client: cannot connect to %s: %s", c->peer, strerror(error));
                c->timer = sd_event_source_disable_unref(c->timer);
                c->io = sd_event_source_disable_unref(c->io);
                close(c->fd);
                c->fd = -EBADF;
                c->addr_index++;
                if (conn_attempt(c) < 0)
                        conn_shutdown(c, -error);
                return;
        }
        c->state = NUT_CONN_OPEN;
        c->connect_fn = NULL;
        conn_disarm_timer(c);
        conn_update_events(c);
        if (fn)
                fn(c, 0, NULL, c->connect_userdata);
        conn_kick(c);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        NutConn *c = nut_conn_ref(userdata);

        if (c->state == NUT_CONN_CONNECTING)
                conn_connected(c);
        else if (c->state == NUT_CONN_HANDSHAKE)
                conn_handshake(c);
        else {
                if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
                        conn_read(c);
                if (c->state == NUT_CONN_OPEN && (revents & EPOLLOUT))
                        conn_flush(c);
        }
        nut_conn_unref(c);
        return 0;
}

static void conn_format_peer(NutConn *c, const struct sockaddr_storage *sa)
{
        char addr[INET6_ADDRSTRLEN] = "?";
        unsigned port;

        if (sa->ss_family == AF_INET6) {
                const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) sa;

                inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
                port = ntohs(s6->sin6_port);
                snprintf(c->peer, sizeof(c->peer), "[%s]:%u", addr, port);
        } else {
                const struct sockaddr_in *s4 = (const struct sockaddr_in *) sa;

                inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
                port = ntohs(s4->sin_port);
                snprintf(c->peer, sizeof(c->peer), "%s:%u", addr, port);
        }
}

/* Starts a non-blocking connect to the next address; -errno once every address failed at once. */
static int conn_attempt(NutConn *c)
{
        int r = -EADDRNOTAVAIL;

        for (; c->addr_index < c->n_addrs; c->addr_index++) {
                const struct sockaddr_storage *sa = &c->addrs[c->addr_index];
                _cleanup_close_ int fd = -EBADF;

                conn_format_peer(c, sa);
                fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                        r = -errno;
                        continue;
                }
                if (connect(fd, (const struct sockaddr *) sa, c->addr_lens[c->addr_index]) < 0 &&
                    errno != EINPROGRESS) {
                        r = -errno;
                        log_debug_errno(r, "nut-client: cannot connect to %s: %m", c->peer);
                        continue;
                }
                /* Even an immediate success is reported through EPOLLOUT, so the caller hears of it
                 * from the loop, never from inside nut_conn_connect(). */
                r = sd_event_add_io(c->event, &c->io, fd, EPOLLOUT, on_io, c);
                if (r < 0)
                        return r;
                c->fd = TAKE_FD(fd);
                r = conn_arm_timer(c);
                if (r < 0) {
                        c->io = sd_event_source_disable_unref(c->io);
                        close(TAKE_FD(c->fd));
                        return r;
                }
                return 0;
        }
        return r;
}

static void on_lookup(int r, const struct addrinfo *ai, void *userdata)
{
        NutConn *c = userdata;

        c->lookup = NULL;
        if (r >= 0) {
                c->n_addrs = c->addr_index = 0;
                conn_add_addresses(c, ai);
                r = conn_attempt(c);
        } else
                log_debug_errno(r, "nut-client: cannot look up %s: %m", c->host);
        if (r < 0)
                conn_shutdown(c, r == -ENOENT ? -ENXIO : r);       /* "No such device or address" */
}

/* Looks the name up again (its addresses may have changed since the last connect), within a
 * connect timeout of its own; each address then gets one too */
static int conn_lookup(NutConn *c)
{
        char service[8];
        int r;

        snprintf(service, sizeof(service), "%u", c->port);
        snprintf(c->peer, sizeof(c->peer), "%.50s:%u", c->host, c->port);
        r = resolve_start(c->event, c->host, service, AF_UNSPEC, AI_NUMERICSERV, on_lookup, c,
                          &c->lookup);
        if (r < 0)
                return r;
        r = conn_arm_timer(c);
        if (r < 0)
                c->lookup = resolve_cancel(c->lookup);
        return r;
}

/**
 * nut_conn_connect() - connect, without blocking
 * @c: an idle connection
 * @done: called once from the loop: 0 when connected, or a negative errno when every address failed or
 *        timed out; not called when nut_conn_connect() itself fails
 * @userdata: for @done
 *
 * Requests may be queued at once; they go out when the connection is up, or fail with it.
 *
 * Return: 0, -EBUSY if not idle, or the errno of the last address when none could even be tried.
 */
int nut_conn_connect(NutConn *c, NutConnReplyFn done, void *userdata)
{
        int r;

        if (c->state != NUT_CONN_IDLE)
                return -EBUSY;
        c->addr_index = 0;
        c->last_error = mfree(c->last_error);
        c->state = NUT_CONN_CONNECTING;
        c->connect_fn = done;
        c->connect_userdata = userdata;
        r = c->by_name ? conn_lookup(c) : conn_attempt(c);
        if (r < 0) {
                c->state = NUT_CONN_IDLE;
                c->connect_fn = NULL;
        }
        return r;
}

/* The connection broke: everything pending fails with r, then the owner hears of it. */
static void conn_fail(NutConn *c, int r)
{
        bool was_up = c->state == NUT_CONN_OPEN || c->state == NUT_CONN_HANDSHAKE;

        if (c->state == NUT_CONN_IDLE)
                return;
        nut_conn_ref(c);
        conn_shutdown(c, r);
        if (was_up && c->closed_fn)
                c->closed_fn(c, r, c->closed_userdata);
        nut_conn_unref(c);
}

/* A word as the tokenizer will read it back: bare when possible, else quoted with \ " # escaped. */
static int append_word(char **line, const char *w)
{
        _cleanup_free_ char *esc = NULL, *n = NULL;
        bool quote = isempty(w) || strpbrk(w, " \"\\#=\t");

        for (const char *p = w; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return -EINVAL; /* LF would end the request early, and upsd drops the rest */
        if (quote && !(esc = nut_escape(w)))
                return -ENOMEM;
        if (asprintf(&n, "%s%s%s%s%s", strempty(*line), *line ? " " : "", quote ? "\"" : "", quote ? esc : w,
                     quote ? "\"" : "") < 0)
                return -ENOMEM;
        free(*line);
        *line = TAKE_PTR(n);
        return 0;
}

static int request_new(const char *const *words, bool list, NutRequest **ret)
{
        _cleanup_free_ char *line = NULL;
        NutRequest *q;
        int r;

        if (!words || !words[0])
                return -EINVAL;
        for (size_t i = 0; words[i]; i++) {
                r = append_word(&line, words[i]);
                if (r < 0)
                        return r;
        }
        q = calloc(1, sizeof(NutRequest));
        if (!q)
                return -ENOMEM;
        if (asprintf(&q->line, "%s\n", line) < 0) {
                free(q);
                return -ENOMEM;
        }
        q->list = list;
        *ret = q;
        return 0;
}

static int conn_enqueue(NutConn *c, NutRequest *q)
{
        if (c->state == NUT_CONN_IDLE) {
                request_free(q);
                return -ENOTCONN;
        }
        if (c->tail)
                c->tail->next = q;
        else
                c->head = q;
        c->tail = q;
        conn_kick(c);
        return 0;
}

/**
 * nut_conn_send() - queue a request
 * @c: a connection that is connecting or open
 * @list: the reply is a BEGIN LIST … END LIST block (LIST requests)
 * @fn: gets the result, once, from the loop; may be NULL
 * @userdata: for @fn
 * @words: the request, e.g. { "GET", "VAR", "ups", "battery.charge", NULL }; quoted and escaped here
 *
 * Return: 0, or -ENOTCONN (idle connection), -EINVAL (control characters in a word), -ENOMEM; @fn is
 * not called then.
 */
int nut_conn_send(NutConn *c, bool list, NutConnReplyFn fn, void *userdata, const char *const *words)
{
        NutRequest *q;
        int r;

        if (c->state == NUT_CONN_IDLE)
                return -ENOTCONN;
        r = request_new(words, list, &q);
        if (r < 0)
                return r;
        q->fn = fn;
        q->userdata = userdata;
        return conn_enqueue(c, q);
}

/**
 * nut_conn_starttls() - upgrade the connection to TLS
 * @c: an open (or connecting) plaintext connection
 * @tls: credentials and verification settings (referenced until the request completes)
 * @fn: 0 once the handshake is done; an ERR reply (e.g. FEATURE-NOT-CONFIGURED: the connection stays
 *      usable in plaintext, for "try" modes); or, with reply NULL, a failed handshake, after which the
 *      connection is closed
 * @userdata: for @fn
 *
 * Requests queued behind it go out encrypted. Bytes the server sends after "OK STARTTLS" and before
 * the handshake are an injection attempt and break the connection.
 */
int nut_conn_starttls(NutConn *c, NutClientTlsContext *tls, NutConnReplyFn fn, void *userdata)
{
        NutRequest *q;
        int r;

        if (!tls)
                return -EINVAL;
        if (c->state == NUT_CONN_IDLE)
                return -ENOTCONN;
        if (c->tls)
                return -EALREADY;
        r = request_new((const char *const[]) { "STARTTLS", NULL }, false, &q);
        if (r < 0)
                return r;
        q->starttls = true;
        q->tls = nut_client_tls_context_ref(tls);
        q->fn = fn;
        q->userdata = userdata;
        return conn_enqueue(c, q);
}
