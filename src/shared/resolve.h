/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host name lookups that do not block the loop: getaddrinfo() runs in a thread of its own, and
 * its answer comes back through an eventfd watched by the sd_event loop. For the few lookups a
 * daemon makes (a remote NUT server's name, at each connect), a thread per lookup is simplest.
 */
#pragma once

#include <netdb.h>
#include <systemd/sd-event.h>

typedef struct Resolve Resolve;

/* From the loop, once: 0 and the addresses (valid during the call only), or a negative errno:
 * -ENOENT for a name that does not exist, -EAGAIN for a lookup that could not be made now */
typedef void (*ResolveDone)(int r, const struct addrinfo *ai, void *userdata);

/*
 * Starts looking up host:service for SOCK_STREAM (hints as getaddrinfo's, only family and
 * flags used). Returns 0 and the lookup; 'done' is never called before this returns.
 */
int resolve_start(sd_event *event, const char *host, const char *service, int family, int flags,
                  ResolveDone done, void *userdata, Resolve **ret);

/* Forgets a lookup: 'done' is not called any more. The thread finishes on its own. */
Resolve *resolve_cancel(Resolve *q);
