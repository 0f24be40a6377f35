/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutload: closed-loop load generator for NUT protocol servers (RFC 9271). One thread, epoll,
 * N non-blocking TCP connections, each with exactly one request in flight; reports requests/s
 * and latency percentiles. A benchmark tool, not part of the daemon or the test suite.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "macro.h"

#define CONN_BUF 8192           /* longest reply line we accept, plus room for reads */
#define MAX_EVENTS 256
#define CONNECT_TIMEOUT_NS (10 * NSEC_PER_SEC)
#define NSEC_PER_SEC 1000000000ULL

typedef enum ReplyState {
        REPLY_FIRST,            /* waiting for the first line of a reply */
        REPLY_LIST,             /* inside BEGIN LIST ... END LIST */
} ReplyState;

typedef struct Conn {
        int fd;
        bool connected;
        size_t sent;            /* bytes of the current request written */
        uint64_t t_send;
        ReplyState state;
        bool err;               /* the reply is an ERR */
        size_t lines, bytes;    /* of the current reply */
        size_t len;             /* bytes buffered in buf (an incomplete line) */
        char buf[CONN_BUF];
} Conn;

typedef struct Options {
        const char *host, *port, *request;
        unsigned conns;
        double duration, warmup;
        bool json;
} Options;

typedef struct Load {
        Options opt;
        char *req;              /* request plus "\n" */
        size_t req_len;
        int epfd;
        Conn *conns;
        unsigned active;
        uint64_t t_measure, t_end;
        uint64_t *lat;          /* latencies (ns) of replies completed in the measured window */
        size_t n_lat, cap_lat;
        uint64_t replies, reply_lines, reply_bytes, errors;     /* measured window */
        uint64_t conn_errors;                                   /* whole run */
        double cpu_pct;         /* nutload's own CPU time over the run, % of one core */
        char first_error[256];
} Load;

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * NSEC_PER_SEC + (uint64_t) ts.tv_nsec;
}

/* The first error of any kind is kept for the report and printed at once. */
static void load_note_error(Load *l, const char *msg)
{
        if (l->first_error[0])
                return;
        snprintf(l->first_error, sizeof(l->first_error), "%s", msg);
        fprintf(stderr, "nutload: first error (later ones are only counted): %s\n", msg);
}

static void conn_close(Load *l, Conn *c)
{
        if (c->fd < 0)
                return;
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -EBADF;
        l->active--;
}

/* A connection-level failure (err: an errno, or 0): the connection is dropped, not replaced. */
static void conn_fail(Load *l, Conn *c, const char *what, int err)
{
        char msg[160];

        if (err)
                snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
        else
                snprintf(msg, sizeof(msg), "%s", what);
        l->conn_errors++;
        load_note_error(l, msg);
        conn_close(l, c);
}

static int conn_set_events(Load *l, Conn *c, uint32_t events)
{
        struct epoll_event ev = { .events = events, .data.ptr = c };

        return epoll_ctl(l->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? -errno : 0;
}

/* Writes what is left of the request; waits for EPOLLOUT only when the socket is full. */
static void conn_write(Load *l, Conn *c)
{
        while (c->sent < l->req_len) {
                ssize_t n = write(c->fd, l->req + c->sent, l->req_len - c->sent);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        if (conn_set_events(l, c, EPOLLIN | EPOLLOUT) < 0)
                                conn_fail(l, c, "epoll", errno);
                        return;
                }
                if (n < 0)
                        return conn_fail(l, c, "write", errno);
                c->sent += (size_t) n;
        }
}

static void conn_send(Load *l, Conn *c)
{
        c->sent = 0;
        c->state = REPLY_FIRST;
        c->lines = c->bytes = 0;
        c->err = false;
        c->t_send = now_ns();
        conn_write(l, c);
}

static int load_record(Load *l, uint64_t latency)
{
        if (l->n_lat == l->cap_lat) {
                size_t cap = l->cap_lat ? l->cap_lat * 2 : 65536;
                uint64_t *a = realloc(l->lat, cap * sizeof(uint64_t));

                if (!a)
                        return -ENOMEM;
                l->lat = a;
                l->cap_lat = cap;
        }
        l->lat[l->n_lat++] = latency;
        return 0;
}

/* A whole reply has arrived: account for it and, while the run lasts, send the next request. */
static void conn_reply_done(Load *l, Conn *c)
{
        uint64_t t = now_ns();

        /* Throughput counts the replies completed in the window; latency only the requests also
         * sent in it, so a request stuck in connection set-up or warm-up does not skew it. */
        if (t >= l->t_measure && t < l->t_end) {
                if (c->t_send >= l->t_measure && load_record(l, t - c->t_send) < 0) {
                        fprintf(stderr, "nutload: out of memory\n");
                        exit(EXIT_FAILURE);
                }
                l->replies++;
                l->errors += c->err;
                l->reply_lines += c->lines;
                l->reply_bytes += c->bytes;
        }
        if (c->len > 0)
                return conn_fail(l, c, "data after the end of a reply", 0);
        if (t < l->t_end)
                conn_send(l, c);
}

/*
 * One reply line (without "\n"). A reply is one line, unless it starts with "BEGIN LIST", in
 * which case it runs to the line starting with "END LIST". "ERR ..." is a complete reply.
 * Returns true when the reply is complete.
 */
static bool conn_line(Load *l, Conn *c, const char *line, size_t len)
{
        c->lines++;
        c->bytes += len + 1;
        if (c->state == REPLY_LIST)
                return len >= 8 && memcmp(line, "END LIST", 8) == 0;
        if (len >= 10 && memcmp(line, "BEGIN LIST", 10) == 0) {
                c->state = REPLY_LIST;
                return false;
        }
        if (len >= 4 && memcmp(line, "ERR ", 4) == 0) {
                char msg[128];

                snprintf(msg, sizeof(msg), "server replied \"%.*s\"", (int) (len > 100 ? 100 : len), line);
                c->err = true;
                load_note_error(l, msg);
        }
        return true;
}

/* Consumes complete lines from c->buf; keeps an incomplete last line. */
static void conn_parse(Load *l, Conn *c)
{
        size_t off = 0;

        for (;;) {
                char *nl = memchr(c->buf + off, '\n', c->len - off);
                size_t len;

                if (!nl)
                        break;
                len = (size_t) (nl - (c->buf + off));
                if (conn_line(l, c, c->buf + off, len > 0 && nl[-1] == '\r' ? len - 1 : len)) {
                        c->len -= off + len + 1;
                        memmove(c->buf, nl + 1, c->len);
                        return conn_reply_done(l, c);
                }
                off += len + 1;
        }
        c->len -= off;
        memmove(c->buf, c->buf + off, c->len);
        if (c->len == sizeof(c->buf))
                conn_fail(l, c, "reply line longer than the buffer", 0);
}

static void conn_read(Load *l, Conn *c)
{
        ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);

        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (n < 0)
                return conn_fail(l, c, "read", errno);
        if (n == 0)
                return conn_fail(l, c, "server closed the connection", 0);
        if (c->sent < l->req_len)
                return conn_fail(l, c, "reply before the request was sent", 0);
        c->len += (size_t) n;
        conn_parse(l, c);
}

static void conn_event(Load *l, Conn *c, uint32_t events)
{
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                conn_read(l, c);
        if (c->fd >= 0 && (events & EPOLLOUT) && c->sent < l->req_len) {
                conn_write(l, c);
                if (c->fd >= 0 && c->sent == l->req_len && conn_set_events(l, c, EPOLLIN) < 0)
                        conn_fail(l, c, "epoll", errno);
        }
}

/* Starts a non-blocking connect; completion is seen as EPOLLOUT in load_connect_all(). */
static int conn_open(Load *l, Conn *c, const struct addrinfo *ai)
{
        struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
        _cleanup_close_ int fd = -EBADF;
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
                return -errno;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
                return -errno;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
                return -errno;
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
                return -errno;
        c->fd = TAKE_FD(fd);
        l->active++;
        return 0;
}

static int conn_connected(Load *l, Conn *c)
{
        int err = 0;
        socklen_t len = sizeof(err);

        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                return -errno;
        if (err)
                return -err;
        c->connected = true;
        return conn_set_events(l, c, EPOLLIN);
}

/* Opens every connection before the clock starts, so set-up cost is not measured. */
static int load_connect_all(Load *l, const struct addrinfo *ai)
{
        uint64_t deadline = now_ns() + CONNECT_TIMEOUT_NS;
        unsigned done = 0;
        int r;

        for (unsigned i = 0; i < l->opt.conns; i++) {
                r = conn_open(l, &l->conns[i], ai);
                if (r < 0)
                        return r;
        }
        while (done < l->opt.conns) {
                struct epoll_event evs[MAX_EVENTS];
                uint64_t t = now_ns();
                int n;

                if (t >= deadline)
                        return -ETIMEDOUT;
                n = epoll_wait(l->epfd, evs, MAX_EVENTS, (int) ((deadline - t) / 1000000) + 1);
                if (n < 0 && errno != EINTR)
                        return -errno;
                for (int i = 0; i < n; i++) {
                        Conn *c = evs[i].data.ptr;

                        if (c->connected)
                                continue;
                        r = conn_connected(l, c);
                        if (r < 0)
                                return r;
                        done++;
                }
        }
        return 0;
}

static double cpu_seconds(void)
{
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) < 0)
                return 0;
        return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void load_run(Load *l)
{
        uint64_t t0 = now_ns();
        double cpu0 = cpu_seconds();

        l->t_measure = t0 + (uint64_t) (l->opt.warmup * NSEC_PER_SEC);
        l->t_end = l->t_measure + (uint64_t) (l->opt.duration * NSEC_PER_SEC);
        for (unsigned i = 0; i < l->opt.conns; i++)
                conn_send(l, &l->conns[i]);
        while (l->active > 0) {
                struct epoll_event evs[MAX_EVENTS];
                uint64_t t = now_ns();
                int n;

                if (t >= l->t_end)
                        break;
                n = epoll_wait(l->epfd, evs, MAX_EVENTS, (int) ((l->t_end - t) / 1000000) + 1);
                if (n < 0 && errno != EINTR) {
                        fprintf(stderr, "nutload: epoll_wait: %m\n");
                        exit(EXIT_FAILURE);
                }
                for (int i = 0; i < n; i++) {
                        Conn *c = evs[i].data.ptr;

                        if (c->fd >= 0)
                                conn_event(l, c, evs[i].events);
                }
        }
        /* Near 100 % means the numbers are bounded by this client, not by the server. */
        l->cpu_pct = 100.0 * (cpu_seconds() - cpu0) / ((double) (now_ns() - t0) / 1e9);
}

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

        return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted latencies, in ms. */
static double percentile_ms(const Load *l, double p)
{
        size_t rank;

        if (l->n_lat == 0)
                return NAN;
        rank = (size_t) ceil(p / 100.0 * (double) l->n_lat);
        return (double) l->lat[rank > 0 ? rank - 1 : 0] / 1e6;
}

static void json_string(FILE *f, const char *s)
{
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        fprintf(f, "\\%c", *s);
                else if ((unsigned char) *s < 0x20)
                        fprintf(f, "\\u%04x", (unsigned) *s);
                else
                        fputc(*s, f);
        }
        fputc('"', f);
}

/* JSON has no NaN: a run without replies reports null. */
static void json_ms(FILE *f, const char *key, double v)
{
        if (isnan(v))
                fprintf(f, ",\"%s\":null", key);
        else
                fprintf(f, ",\"%s\":%.3f", key, v);
}

static void load_report_json(const Load *l, double rps, double mean)
{
        double per = l->replies ? (double) l->replies : 1.0;

        fputs("{\"request\":", stdout);
        json_string(stdout, l->opt.request);
        printf(",\"connections\":%u,\"connections_alive\":%u,\"duration_s\":%.3f,\"warmup_s\":%.3f",
               l->opt.conns, l->active, l->opt.duration, l->opt.warmup);
        printf(",\"requests\":%" PRIu64 ",\"rps\":%.1f", l->replies, rps);
        json_ms(stdout, "mean_ms", mean);
        json_ms(stdout, "p50_ms", percentile_ms(l, 50));
        json_ms(stdout, "p99_ms", percentile_ms(l, 99));
        json_ms(stdout, "max_ms", percentile_ms(l, 100));
        printf(",\"errors\":%" PRIu64 ",\"conn_errors\":%" PRIu64 ",\"client_cpu_pct\":%.0f",
               l->errors, l->conn_errors, l->cpu_pct);
        printf(",\"reply_lines\":%.2f,\"reply_bytes\":%.1f,\"first_error\":",
               (double) l->reply_lines / per, (double) l->reply_bytes / per);
        if (l->first_error[0])
                json_string(stdout, l->first_error);
        else
                fputs("null", stdout);
        puts("}");
}

static void load_report(Load *l)
{
        double rps = (double) l->replies / l->opt.duration, mean = NAN, per;
        uint64_t sum = 0;

        qsort(l->lat, l->n_lat, sizeof(uint64_t), cmp_u64);
        for (size_t i = 0; i < l->n_lat; i++)
                sum += l->lat[i];
        if (l->n_lat > 0)
                mean = (double) sum / (double) l->n_lat / 1e6;
        if (l->opt.json)
                return load_report_json(l, rps, mean);

        per = l->replies ? (double) l->replies : 1.0;
        printf("request      %s\n", l->opt.request);
        printf("connections  %u (%u still open at the end)\n", l->opt.conns, l->active);
        printf("duration     %.3f s measured after %.3f s warm-up\n", l->opt.duration, l->opt.warmup);
        printf("requests     %" PRIu64 " (%.1f req/s)\n", l->replies, rps);
        printf("latency      p50 %.3f ms, p99 %.3f ms, max %.3f ms, mean %.3f ms\n",
               percentile_ms(l, 50), percentile_ms(l, 99), percentile_ms(l, 100), mean);
        printf("reply        %.2f lines, %.1f bytes on average\n",
               (double) l->reply_lines / per, (double) l->reply_bytes / per);
        printf("client CPU   %.0f %% of one core\n", l->cpu_pct);
        printf("errors       %" PRIu64 " ERR replies, %" PRIu64 " connection errors%s%s\n",
               l->errors, l->conn_errors, l->first_error[0] ? "; first: " : "", l->first_error);
}

static void help(void)
{
        printf("Usage: nutload [-h HOST] -p PORT [-c CONNS] [-d SECONDS] [-w SECONDS] [-j] -r REQUEST\n"
               "Closed-loop NUT protocol load: CONNS connections, each sending REQUEST, waiting for\n"
               "the whole reply (one line, or BEGIN LIST ... END LIST) and sending it again.\n\n"
               "  -h HOST     server address (default 127.0.0.1)\n"
               "  -p PORT     server port (default 3493)\n"
               "  -c CONNS    concurrent connections (default 1)\n"
               "  -d SECONDS  measured duration (default 5)\n"
               "  -w SECONDS  warm-up before measuring (default 1)\n"
               "  -r REQUEST  request line without newline, e.g. 'GET VAR dummy ups.status'\n"
               "  -j          print one JSON line instead of text\n"
               "  -H          this help\n");
}

static int parse_seconds(const char *s, double *ret)
{
        char *end;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || *end || !(v >= 0 && v <= 86400))
                return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_conns(const char *s, unsigned *ret)
{
        unsigned long v;
        char *end;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || end == s || *end || v < 1 || v > 100000)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

static int parse_options(int argc, char **argv, Options *o)
{
        int ch, r = 0;

        *o = (Options) { .host = "127.0.0.1", .port = "3493", .conns = 1, .duration = 5, .warmup = 1 };
        while (r >= 0 && (ch = getopt(argc, argv, "h:p:c:d:w:r:jH")) >= 0)
                switch (ch) {
                case 'h':
                        o->host = optarg;
                        break;
                case 'p':
                        o->port = optarg;
                        break;
                case 'c':
                        r = parse_conns(optarg, &o->conns);
                        break;
                case 'd':
                        r = parse_seconds(optarg, &o->duration);
                        if (r >= 0 && o->duration == 0)
                                r = -EINVAL;
                        break;
                case 'w':
                        r = parse_seconds(optarg, &o->warmup);
                        break;
                case 'r':
                        o->request = optarg;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'H':
                        help();
                        exit(EXIT_SUCCESS);
                default:
                        r = -EINVAL;
                }
        if (r < 0 || optind != argc || isempty(o->request) || strpbrk(o->request, "\r\n"))
                return -EINVAL;
        return 0;
}

/* Each connection needs one descriptor; raise the soft limit up to the hard one if needed. */
static void raise_fd_limit(unsigned conns)
{
        struct rlimit rl;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= (rlim_t) conns + 16)
                return;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (rlim_t) conns + 16 ?
                (rlim_t) conns + 16 : rl.rlim_max;
        (void) setrlimit(RLIMIT_NOFILE, &rl);
}

static int load_init(Load *l, const Options *o)
{
        *l = (Load) { .opt = *o, .epfd = -EBADF };
        if (asprintf(&l->req, "%s\n", o->request) < 0)
                return -ENOMEM;
        l->req_len = strlen(l->req);
        l->conns = calloc(o->conns, sizeof(Conn));
        if (!l->conns)
                return -ENOMEM;
        for (unsigned i = 0; i < o->conns; i++)
                l->conns[i].fd = -EBADF;
        l->epfd = epoll_create1(EPOLL_CLOEXEC);
        return l->epfd < 0 ? -errno : 0;
}

static void load_done(Load *l)
{
        if (l->conns)
                for (unsigned i = 0; i < l->opt.conns; i++)
                        conn_close(l, &l->conns[i]);
        if (l->epfd >= 0)
                close(l->epfd);
        free(l->conns);
        free(l->req);
        free(l->lat);
}

int main(int argc, char **argv)
{
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
        _cleanup_(load_done) Load l = { .epfd = -EBADF };
        Options o;
        int r;

        if (parse_options(argc, argv, &o) < 0) {
                fprintf(stderr, "nutload: bad arguments (see nutload -H)\n");
                return EXIT_FAILURE;
        }
        r = getaddrinfo(o.host, o.port, &hints, &ai);
        if (r != 0) {
                fprintf(stderr, "nutload: %s:%s: %s\n", o.host, o.port, gai_strerror(r));
                return EXIT_FAILURE;
        }
        raise_fd_limit(o.conns);
        r = load_init(&l, &o);
        if (r >= 0)
                r = load_connect_all(&l, ai);
        freeaddrinfo(ai);
        if (r < 0) {
                fprintf(stderr, "nutload: connecting to %s:%s: %s\n", o.host, o.port, strerror(-r));
                return EXIT_FAILURE;
        }
        load_run(&l);
        load_report(&l);
        return l.active == 0 ? 2 : EXIT_SUCCESS;
}
