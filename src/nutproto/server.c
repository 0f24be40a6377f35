/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT server: listeners (LISTEN lines, the defaults 127.0.0.1 and ::1, or sockets passed
 * by systemd), accepting within MAXCONN, the idle sweep, and the tracking table.
 *
 * The connections live in a private epoll set behind one sd-event source. sd-event runs one
 * handler per loop iteration and polls again before the next, so with a source per
 * connection N busy clients cost N polls of N ready fds per round; here one wake-up serves
 * every connection that is ready.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include "client.h"
#include "log.h"
#include "server.h"
#include "time-util.h"
#include "tls.h"

#define NUT_DEFAULT_PORT 3493
#define SWEEP_MAX_USEC (5 * USEC_PER_SEC)
#define SWEEP_MIN_USEC (250 * USEC_PER_MSEC)

static int on_sweep(sd_event_source *s, uint64_t usec, void *userdata);

static int on_connections(sd_event_source *es, int fd, uint32_t revents, void *userdata)
{
        NutServer *s = userdata;
        struct epoll_event ev[256];
        int n;

        n = epoll_wait(s->epoll_fd, ev, ELEMENTSOF(ev), 0);
        if (n < 0)
                return errno == EINTR ? 0 : log_error_errno(errno, "NUT server: epoll_wait failed: %m");
        for (int i = 0; i < n; i++)
                nut_client_handle_io(ev[i].data.ptr, ev[i].events);
        return 0;
}

int nut_server_new(sd_event *event, const NutServerHooks *hooks, void *userdata, NutServer **ret)
{
        NutServer *s = calloc(1, sizeof(NutServer));
        int r;

        if (!s)
                return -ENOMEM;
        s->event = sd_event_ref(event);
        s->hooks = hooks;
        s->userdata = userdata;
        s->maxconn = 1024;
        s->tracking_usec = 3600 * USEC_PER_SEC;
        s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (s->epoll_fd < 0) {
                r = -errno;
                nut_server_free(s);
                return r;
        }
        r = sd_event_add_io(event, &s->epoll_source, s->epoll_fd, EPOLLIN, on_connections, s);
        if (r < 0) {
                nut_server_free(s);
                return r;
        }
        s->sweep_usec = SWEEP_MAX_USEC;
        r = sd_event_add_time_relative(event, &s->sweep, CLOCK_MONOTONIC, s->sweep_usec, USEC_PER_SEC / 10,
                                       on_sweep, s);
        if (r < 0) {
                nut_server_free(s);
                return r;
        }
        (void) sd_event_source_set_enabled(s->sweep, SD_EVENT_ON);
        *ret = s;
        return 0;
}

NutServer *nut_server_free(NutServer *s)
{
        if (!s)
                return NULL;
        while (s->clients)
                nut_client_free(s->clients);
        for (size_t i = 0; i < s->n_listeners; i++)
                sd_event_source_disable_unref(s->listeners[i]);
        free(s->listeners);
        sd_event_source_disable_unref(s->sweep);
        sd_event_source_disable_unref(s->epoll_source);
        if (s->epoll_fd >= 0)
                close(s->epoll_fd);
        nut_tracking_done(&s->tracking);
        nut_users_free(s->users);
        nut_tls_context_free(s->tls);
        sd_event_unref(s->event);
        return mfree(s);
}

static void client_address(const struct sockaddr_storage *sa, char *buf, size_t size)
{
        const void *a = sa->ss_family == AF_INET6 ? (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr
                                                  : (const void *) &((const struct sockaddr_in *) sa)->sin_addr;

        if (!inet_ntop(sa->ss_family, a, buf, (socklen_t) size))
                snprintf(buf, size, "?");
}

static void server_refuse(NutServer *s, int fd)
{
        uint64_t t = now(CLOCK_MONOTONIC);

        close(fd);
        s->refused++;
        if (t - s->last_refused_log > 60 * USEC_PER_SEC) {
                log_warning("NUT server: MAXCONN (%u) reached, refusing connections (%" PRIu64 " so far)",
                            s->maxconn, s->refused);
                s->last_refused_log = t;
        }
}

static void server_accept_one(NutServer *s, int fd, const struct sockaddr_storage *sa)
{
        NutClient *c;
        int one = 1;

        if (s->n_clients >= s->maxconn)
                return server_refuse(s, fd);
        (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (nut_client_new(s, fd, &c) < 0) {
                close(fd);
                return;
        }
        client_address(sa, c->address, sizeof(c->address));
        if (nut_client_attach(c) < 0)
                nut_client_free(c);
        else
                log_debug("NUT client %s connected (%zu)", c->address, s->n_clients);
}

static int on_listener(sd_event_source *es, int lfd, uint32_t revents, void *userdata)
{
        NutServer *s = userdata;

        /* a bounded batch, so a connection storm cannot starve the rest of the loop */
        for (int i = 0; i < 64; i++) {
                struct sockaddr_storage sa = {};
                socklen_t len = sizeof(sa);
                int fd = accept4(lfd, (struct sockaddr *) &sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

                if (fd < 0) {
                        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                                log_warning_errno(errno, "NUT server: accept failed: %m");
                        break;
                }
                server_accept_one(s, fd, &sa);
        }
        return 0;
}

static int server_add_listener_fd(NutServer *s, int fd)
{
        sd_event_source **a = realloc(s->listeners, (s->n_listeners + 1) * sizeof(sd_event_source *));
        int r;

        if (!a)
                return -ENOMEM;
        s->listeners = a;
        r = sd_event_add_io(s->event, &a[s->n_listeners], fd, EPOLLIN, on_listener, s);
        if (r < 0)
                return r;
        (void) sd_event_source_set_io_fd_own(a[s->n_listeners], true);
        s->n_listeners++;
        return 0;
}

static int server_bind(NutServer *s, const char *address, uint16_t port)
{
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
        struct addrinfo *res = NULL;
        char service[8];
        int r, n = 0;

        snprintf(service, sizeof(service), "%u", port);
        r = getaddrinfo(streq(address, "*") ? NULL : address, service, &hints, &res);
        if (r != 0)
                return log_error_errno(EADDRNOTAVAIL, "NUT server: LISTEN %s: %s", address, gai_strerror(r));
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                _cleanup_close_ int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                int one = 1;

                if (fd < 0)
                        continue;
                (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                if (ai->ai_family == AF_INET6)
                        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
                        r = -errno;
                        log_error_errno(r, "NUT server: cannot listen on %s port %u: %m", address, port);
                        continue;
                }
                r = server_add_listener_fd(s, fd);
                if (r < 0)
                        break;
                TAKE_FD(fd);
                n++;
        }
        freeaddrinfo(res);
        if (n > 0)
                log_info("NUT server listening on %s port %u", address, port);
        return n > 0 ? 0 : r < 0 ? r : -EADDRNOTAVAIL;
}

/**
 * nut_server_listen() - open the listeners
 *
 * Sockets passed by systemd win; else every LISTEN line; else 127.0.0.1 and ::1 on 3493.
 * Returns < 0 when none could be opened.
 */
int nut_server_listen(NutServer *s, const UpsdConfig *c)
{
        int n = sd_listen_fds(true), r, ok = 0;

        if (n > 0) {
                for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + n; fd++) {
                        if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0)
                                continue;
                        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                        if (server_add_listener_fd(s, fd) >= 0)
                                ok++;
                }
                log_info("NUT server: %d sockets from systemd", ok);
                return ok > 0 ? 0 : -EBADF;
        }
        if (c->n_listen == 0) {
                if (server_bind(s, "127.0.0.1", NUT_DEFAULT_PORT) >= 0)
                        ok++;
                if (server_bind(s, "::1", NUT_DEFAULT_PORT) >= 0)
                        ok++;
                return ok > 0 ? 0 : -EADDRNOTAVAIL;
        }
        for (size_t i = 0; i < c->n_listen; i++) {
                r = server_bind(s, c->listen[i].address, c->listen[i].port);
                if (r >= 0)
                        ok++;
        }
        return ok > 0 ? 0 : -EADDRNOTAVAIL;
}

/* Applies what can change on reload; takes ownership of users. */
void nut_server_configure(NutServer *s, const UpsdConfig *c, NutUsers *users, uint64_t idle_usec)
{
        s->maxconn = c->maxconn;
        s->tracking_usec = (uint64_t) c->trackingdelay * USEC_PER_SEC;
        s->idle_usec = idle_usec;
        /* an idle client goes at most a quarter of its timeout late */
        s->sweep_usec = idle_usec == 0 ? SWEEP_MAX_USEC : idle_usec / 4;
        if (s->sweep_usec > SWEEP_MAX_USEC)
                s->sweep_usec = SWEEP_MAX_USEC;
        if (s->sweep_usec < SWEEP_MIN_USEC)
                s->sweep_usec = SWEEP_MIN_USEC;
        (void) sd_event_source_set_time_relative(s->sweep, s->sweep_usec);
        nut_users_free(s->users);
        s->users = users;
}

/* (Re)loads the STARTTLS credentials; without CERTFILE, STARTTLS is not configured. */
int nut_server_set_tls(NutServer *s, const UpsdConfig *c, char **ret_error)
{
        NutTlsContext *t = NULL;
        int r;

        if (c->certfile) {
                r = nut_tls_context_new(c->certfile, c->certpath, (int) c->certrequest, c->disable_weak_ssl, &t,
                                        ret_error);
                if (r < 0)
                        return r;
        }
        nut_tls_context_free(s->tls);
        s->tls = t;
        return 0;
}

/* A device went away: clients logged into it are disconnected, as upsd does on reload. */
void nut_server_device_removed(NutServer *s, Device *d)
{
        NutClient *c = s->clients;

        while (c) {
                NutClient *next = c->next;

                if (c->login == d)
                        nut_client_free(c);
                c = next;
        }
}

unsigned nut_server_count_logins(NutServer *s, Device *d)
{
        unsigned n = 0;

        for (NutClient *c = s->clients; c; c = c->next)
                n += c->login == d;
        return n;
}

static int on_sweep(sd_event_source *es, uint64_t usec, void *userdata)
{
        NutServer *s = userdata;
        uint64_t t = now(CLOCK_MONOTONIC);
        NutClient *c = s->clients;

        while (c) {
                NutClient *next = c->next;

                if (s->idle_usec > 0 && t - c->last_active > s->idle_usec) {
                        log_debug("NUT client %s: idle, closing", c->address);
                        nut_client_free(c);
                }
                c = next;
        }
        if (t > s->tracking_usec)
                nut_tracking_purge(&s->tracking, t - s->tracking_usec);
        (void) sd_event_source_set_time_relative(es, s->sweep_usec);
        return sd_event_source_set_enabled(es, SD_EVENT_ON);
}
