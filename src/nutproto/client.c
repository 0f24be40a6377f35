/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One NUT protocol connection. Requests are read into a fixed buffer and tokenized byte by
 * byte; the replies to everything read in one go are sent with one write, so a client gets
 * each answer whole and a pipelining client gets many in one segment. Memory is bounded:
 * when unsent output passes NUT_CLIENT_OUT_HIGH the connection stops reading requests
 * until the peer catches up, and the rest of the input waits in the buffer.
 *
 * STARTTLS: "OK STARTTLS" is sent in plain text; once it is out, the TLS handshake runs on
 * the same socket, driven by the same I/O callback, and from then on reads and writes go
 * through the TLS session. Input that arrived before the handshake is discarded (a client
 * must wait for the OK before it starts TLS).
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "client.h"
#include "commands.h"
#include "log.h"
#include "time-util.h"
#include "tls.h"

static int client_update_events(NutClient *c);

int nut_client_new(NutServer *s, int fd, NutClient **ret)
{
        NutClient *c = calloc(1, sizeof(NutClient));

        if (!c)
                return -ENOMEM;
        c->server = s;
        c->fd = fd;
        nut_tokenizer_init(&c->tok, 32, 512, false);
        c->tok.ascii_only = true;
        c->next = s->clients;
        if (s->clients)
                s->clients->prev = c;
        s->clients = c;
        s->n_clients++;
        *ret = c;
        return 0;
}

NutClient *nut_client_free(NutClient *c)
{
        if (!c)
                return NULL;
        if (c->server) {
                if (c->prev)
                        c->prev->next = c->next;
                else
                        c->server->clients = c->next;
                if (c->next)
                        c->next->prev = c->prev;
                c->server->n_clients--;
        }
        if (c->tls) {
                nut_tls_bye(c->tls);
                nut_tls_free(c->tls);
        }
        if (c->fd >= 0) {
                if (c->events && c->server)
                        (void) epoll_ctl(c->server->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
        }
        nut_tokenizer_done(&c->tok);
        device_unref(c->login);
        free(c->out);
        free(c->username);
        if (c->password)
                explicit_bzero(c->password, strlen(c->password));
        free(c->password);
        return mfree(c);
}

void nut_client_send(NutClient *c, const char *s, size_t n)
{
        if (c->out_failed)
                return;
        if (c->out_len + n > c->out_alloc) {
                size_t a = c->out_alloc ? c->out_alloc : 1024;
                char *p;

                while (a < c->out_len + n)
                        a *= 2;
                p = realloc(c->out, a);
                if (!p) {
                        c->out_failed = true;
                        return;
                }
                c->out = p;
                c->out_alloc = a;
        }
        memcpy(c->out + c->out_len, s, n);
        c->out_len += n;
}

void nut_client_send_str(NutClient *c, const char *s)
{
        nut_client_send(c, s, strlen(s));
}

/* Appends s with '"', '\\' and '#' escaped, as upsd does inside quoted values. */
void nut_client_send_escaped(NutClient *c, const char *s)
{
        const char *p = s;

        for (;; p++) {
                if (*p == '"' || *p == '\\' || *p == '#' || *p == 0) {
                        nut_client_send(c, s, p - s);
                        if (*p == 0)
                                return;
                        nut_client_send(c, "\\", 1);
                        s = p;
                }
        }
}

void nut_client_sendf(NutClient *c, const char *fmt, ...)
{
        char buf[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t) n < sizeof(buf)) {
                nut_client_send(c, buf, n);
                return;
        }
        /* long line: format again into the heap */
        _cleanup_free_ char *big = NULL;

        va_start(ap, fmt);
        n = vasprintf(&big, fmt, ap);
        va_end(ap);
        if (n < 0)
                c->out_failed = true;
        else
                nut_client_send(c, big, n);
}

void nut_client_send_error(NutClient *c, NutError e)
{
        nut_client_send_str(c, "ERR ");
        nut_client_send_str(c, nut_error_to_string(e));
        nut_client_send(c, "\n", 1);
}

static bool client_output_pending(NutClient *c)
{
        return c->out_sent < c->out_len;
}

static ssize_t client_raw_write(NutClient *c, const char *p, size_t n)
{
        ssize_t k;

        if (c->tls)
                return nut_tls_write(c->tls, p, n);
        k = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        return k < 0 ? -errno : k;
}

static ssize_t client_raw_read(NutClient *c, char *p, size_t n)
{
        ssize_t k;

        if (c->tls)
                return nut_tls_read(c->tls, p, n);
        k = recv(c->fd, p, n, MSG_DONTWAIT);
        return k < 0 ? -errno : k;
}

/* Sends what it can; returns < 0 when the connection is dead. */
static int client_flush(NutClient *c)
{
        while (client_output_pending(c)) {
                ssize_t k = client_raw_write(c, c->out + c->out_sent, c->out_len - c->out_sent);

                if (k == -EAGAIN || k == -EINTR)
                        break;
                if (k < 0)
                        return (int) k;
                c->out_sent += (size_t) k;
        }
        if (!client_output_pending(c)) {
                c->out_len = c->out_sent = 0;
                if (c->out_alloc > 64 * 1024) {     /* give back what a big LIST needed */
                        c->out = mfree(c->out);
                        c->out_alloc = 0;
                }
        } else if (c->out_len - c->out_sent > NUT_CLIENT_OUT_MAX)
                return -ENOBUFS;
        return 0;
}

static int client_start_tls(NutClient *c)
{
        int r;

        c->starttls = false;
        c->in_pos = c->in_len = 0;
        nut_tokenizer_reset(&c->tok);
        r = nut_tls_new(c->server->tls, c->fd, &c->tls);
        if (r < 0)
                return r;
        c->handshaking = true;
        return 0;
}

static int client_handshake(NutClient *c)
{
        int r = nut_tls_handshake(c->tls);

        if (r == -EAGAIN)
                return 0;
        if (r < 0)
                return log_debug_errno(r, "NUT client %s: TLS handshake failed: %m", c->address);
        c->handshaking = false;
        if (log_get_max_level() >= LOG_DEBUG) {
                _cleanup_free_ char *d = nut_tls_peer_description(c->tls);

                log_debug("NUT client %s: %s", c->address, strempty(d));
        }
        return 0;
}

/* Runs the complete requests in the input buffer, as long as the output is not backed up. */
static void client_process_input(NutClient *c)
{
        while (c->in_pos < c->in_len && !c->closing && !c->starttls &&
               c->out_len - c->out_sent < NUT_CLIENT_OUT_HIGH) {
                int r = nut_tokenizer_feed(&c->tok, c->in[c->in_pos++]);

                if (r == 0)
                        continue;
                c->last_active = now(CLOCK_MONOTONIC);
                if (r == -EBADMSG) {
                        /* upsd stays silent here; one answer per request keeps clients in step */
                        nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
                        continue;
                }
                if (r < 0) {
                        c->out_failed = true;
                        return;
                }
                nut_command_dispatch(c, c->tok.words, c->tok.n_words);
        }
        if (c->in_pos == c->in_len)
                c->in_pos = c->in_len = 0;
}

static int client_read(NutClient *c)
{
        ssize_t k;

        if (c->in_pos < c->in_len || c->eof)
                return 0;               /* still working through the last read */
        k = client_raw_read(c, c->in, sizeof(c->in));
        if (k == -EAGAIN || k == -EINTR)
                return 0;
        if (k == 0) {
                c->eof = true;          /* answer what came before, then close */
                return 0;
        }
        if (k < 0)
                return (int) k;
        c->in_pos = 0;
        c->in_len = (size_t) k;
        return 0;
}

/* One pass of work on the connection; returns < 0 when it must be closed. */
static int client_run(NutClient *c, uint32_t revents)
{
        int r;

        if (c->handshaking) {
                r = client_handshake(c);
                if (r < 0 || c->handshaking)
                        return r;
        }
        if ((revents & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) || (c->tls && nut_tls_pending(c->tls) > 0)) {
                r = client_read(c);
                if (r < 0)
                        return r;
        }
        client_process_input(c);
        if (c->out_failed)
                return -ENOMEM;
        r = client_flush(c);
        if (r < 0)
                return r;
        if (!client_output_pending(c)) {
                if (c->closing || (c->eof && c->in_pos == c->in_len))
                        return -ECONNRESET;
                if (c->starttls) {
                        r = client_start_tls(c);
                        if (r < 0)
                                return r;
                        return client_handshake(c);
                }
                /* the backlog is gone: requests that waited in the buffer can run now */
                if (c->in_pos < c->in_len)
                        return client_run(c, 0);
        }
        /* TLS may hold decrypted requests the socket will not signal again: read them now */
        if (c->tls && nut_tls_pending(c->tls) > 0 && c->in_pos == c->in_len &&
            c->out_len - c->out_sent < NUT_CLIENT_OUT_HIGH && !c->closing)
                return client_run(c, 0);
        return 0;
}

/* Called by the server for each connection its epoll found ready. */
void nut_client_handle_io(NutClient *c, uint32_t revents)
{
        int r;

        r = client_run(c, revents);
        if (r >= 0)
                r = client_update_events(c);
        if (r < 0) {
                log_debug_errno(r, "NUT client %s: closing: %m", c->address);
                nut_client_free(c);
        }
}

/* Read while there is room for replies; write while replies wait. */
static int client_update_events(NutClient *c)
{
        uint32_t ev = 0;

        if (c->handshaking)
                ev = nut_tls_want_write(c->tls) ? EPOLLOUT : EPOLLIN;
        else {
                if (client_output_pending(c))
                        ev |= EPOLLOUT;
                if (!c->closing && !c->eof && c->out_len - c->out_sent < NUT_CLIENT_OUT_HIGH &&
                    c->in_pos == c->in_len)
                        ev |= EPOLLIN;
                if (c->tls && nut_tls_want_write(c->tls))
                        ev |= EPOLLOUT;         /* a TLS read can need a write first */
        }
        if ((ev | EPOLLRDHUP) == c->events)
                return 0;
        if (epoll_ctl(c->server->epoll_fd, c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd,
                      &(struct epoll_event) { .events = ev | EPOLLRDHUP, .data.ptr = c }) < 0)
                return -errno;
        c->events = ev | EPOLLRDHUP;
        return 0;
}

/**
 * nut_client_feed() - run the requests in data as if they had been read from the connection
 *
 * The replies are dropped as they are produced. For tests and fuzzing: the connection needs
 * no socket.
 */
void nut_client_feed(NutClient *c, const char *data, size_t n)
{
        while (n > 0 && !c->closing && !c->starttls) {
                size_t k = sizeof(c->in) - c->in_len;

                if (k > n)
                        k = n;
                memcpy(c->in + c->in_len, data, k);
                c->in_len += k;
                data += k;
                n -= k;
                while (c->in_pos < c->in_len && !c->closing && !c->starttls && !c->out_failed) {
                        client_process_input(c);
                        c->out_len = c->out_sent = 0;
                }
                c->in_pos = c->in_len = 0;
        }
}

/* Puts the connection on the event loop. */
int nut_client_attach(NutClient *c)
{
        c->last_active = now(CLOCK_MONOTONIC);
        return client_update_events(c);
}
