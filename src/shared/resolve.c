/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A lookup is shared by the loop and its thread, each holding a reference: the thread drops
 * its own after it has stored the answer and signalled the eventfd, the loop after 'done' or a
 * cancel. Whoever drops the last one frees it, so a cancelled lookup whose thread is still in
 * getaddrinfo() costs nothing but that thread's time.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "macro.h"
#include "resolve.h"

struct Resolve {
        atomic_uint n_ref;
        int efd;
        char *host, *service;
        struct addrinfo hints;

        /* written by the thread before it signals efd, read by the loop after */
        int gai_error;
        int saved_errno;
        struct addrinfo *result;

        /* the loop's side */
        sd_event_source *source;
        ResolveDone done;
        void *userdata;
};

static void resolve_unref(Resolve *q)
{
        if (!q || atomic_fetch_sub(&q->n_ref, 1) > 1)
                return;
        sd_event_source_disable_unref(q->source);
        if (q->result)
                freeaddrinfo(q->result);
        if (q->efd >= 0)
                close(q->efd);
        free(q->host);
        free(q->service);
        free(q);
}

static void *resolve_thread(void *userdata)
{
        Resolve *q = userdata;

        q->gai_error = getaddrinfo(q->host, q->service, &q->hints, &q->result);
        q->saved_errno = errno;
        (void) eventfd_write(q->efd, 1);
        resolve_unref(q);
        return NULL;
}

static int gai_error_to_errno(int e, int saved_errno)
{
        switch (e) {
        case 0:
                return 0;
        case EAI_NONAME:
#ifdef EAI_NODATA
        case EAI_NODATA:
#endif
        case EAI_ADDRFAMILY:
                return -ENOENT;
        case EAI_AGAIN:
                return -EAGAIN;
        case EAI_MEMORY:
                return -ENOMEM;
        case EAI_SYSTEM:
                return saved_errno > 0 ? -saved_errno : -EIO;
        default:
                return -EINVAL;
        }
}

static int on_answer(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
        Resolve *q = userdata;
        ResolveDone done = q->done;
        int r = gai_error_to_errno(q->gai_error, q->saved_errno);

        q->source = sd_event_source_disable_unref(q->source);
        q->done = NULL;
        if (done)
                done(r, r < 0 ? NULL : q->result, q->userdata);
        resolve_unref(q);
        return 0;
}

int resolve_start(sd_event *event, const char *host, const char *service, int family, int flags,
                  ResolveDone done, void *userdata, Resolve **ret)
{
        Resolve *q;
        pthread_attr_t attr;
        pthread_t thread;
        sigset_t all, saved;
        int r;

        if (!event || !host || !done || !ret)
                return -EINVAL;
        q = calloc(1, sizeof(Resolve));
        if (!q)
                return -ENOMEM;
        atomic_init(&q->n_ref, 1);
        q->hints = (struct addrinfo) { .ai_family = family, .ai_flags = flags, .ai_socktype = SOCK_STREAM };
        q->done = done;
        q->userdata = userdata;
        q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (q->efd < 0) {
                r = -errno;
                goto fail;
        }
        q->host = strdup(host);
        q->service = service ? strdup(service) : NULL;
        if (!q->host || (service && !q->service)) {
                r = -ENOMEM;
                goto fail;
        }
        r = sd_event_add_io(event, &q->source, q->efd, EPOLLIN, on_answer, q);
        if (r < 0)
                goto fail;
        r = -pthread_attr_init(&attr);
        if (r < 0)
                goto fail;
        (void) pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        atomic_fetch_add(&q->n_ref, 1);         /* the thread's */
        /* signals stay with the loop's thread, whatever the caller's mask */
        (void) sigfillset(&all);
        (void) pthread_sigmask(SIG_SETMASK, &all, &saved);
        r = -pthread_create(&thread, &attr, resolve_thread, q);
        (void) pthread_sigmask(SIG_SETMASK, &saved, NULL);
        (void) pthread_attr_destroy(&attr);
        if (r < 0) {
                atomic_fetch_sub(&q->n_ref, 1);
                goto fail;
        }
        *ret = q;
        return 0;
fail:
        resolve_unref(q);
        return r;
}

Resolve *resolve_cancel(Resolve *q)
{
        if (q) {
                q->done = NULL;
                q->source = sd_event_source_disable_unref(q->source);
                resolve_unref(q);
        }
        return NULL;
}
