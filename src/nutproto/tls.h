/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Server-side TLS for the NUT protocol's STARTTLS, on a connected non-blocking socket.
 * Implemented by tls-gnutls.c, or by tls-disabled.c when nutd is built without gnutls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * STARTTLS, and how the server drives this API (NUT-REFERENCE §1.3):
 *
 *   1. "STARTTLS" arrives as a plaintext command. Without TLS support (nut_tls_supported() is false)
 *      answer ERR FEATURE-NOT-SUPPORTED; with support but no NutTlsContext (no CERTFILE) answer
 *      ERR FEATURE-NOT-CONFIGURED; on a connection that is already TLS answer ERR ALREADY-SSL-MODE.
 *      Clients in "try" mode (upsc, upsmon) then carry on in plaintext.
 *   2. Drop whatever plaintext is buffered after the STARTTLS line. A real client sends nothing until it
 *      has read "OK STARTTLS", so such bytes can only be an injection meant to run inside the TLS
 *      session once it is up (the CVE-2011-0411 class of bugs); never parse them.
 *   3. Queue "OK STARTTLS\n" as plaintext, stop reading, and wait until the output buffer is empty.
 *      Only then call nut_tls_new(): TLS records must not follow a half-written plaintext reply.
 *   4. Call nut_tls_handshake() on every fd event until it returns 0. On -EAGAIN wait for EPOLLIN, or
 *      EPOLLOUT when nut_tls_want_write(). A silent peer stalls a non-blocking handshake forever, so the
 *      server bounds it with its own timer. On any other error close the socket: the peer is inside a
 *      TLS handshake and cannot read a plaintext ERR line, and NUT clients disconnect on failure anyway.
 *   5. From then on all I/O goes through nut_tls_read()/nut_tls_write(). A record holds up to 16 KB, so
 *      one read into a smaller buffer can leave decrypted bytes in the session that poll() will never
 *      report: never go back to the event loop waiting for EPOLLIN while nut_tls_pending() > 0 and input
 *      is wanted; read again (or arm a defer source) instead. Any -EAGAIN, even from a read, may need
 *      EPOLLOUT when nut_tls_want_write(), as TLS 1.3 can write while reading.
 *   6. Writes: keep the output buffer. After a short write or -EAGAIN, the next nut_tls_write() must
 *      start at the first unsent byte, with at least as many bytes as before (what a caller that
 *      advances its buffer by the return value does anyway). The buffer may move or grow.
 *   7. To close: nut_tls_bye(), nut_tls_free(), then close(fd). NutTls never closes the fd.
 */

typedef struct NutTlsContext NutTlsContext;
typedef struct NutTls NutTls;

/* Credentials from upsd.conf: certfile = CERTFILE (PEM chain + key), cafile_or_dir = CERTPATH (CA file or
 * directory of PEMs, NULL allowed when certrequest is 0), certrequest = CERTREQUEST 0 none, 1 request,
 * 2 require, disable_weak = DISABLE_WEAK_SSL (TLS >= 1.2). -EOPNOTSUPP without TLS; other negative errno
 * and a malloc'ed *ret_error naming the file on bad values or files. */
int nut_tls_context_new(
                const char *certfile,
                const char *cafile_or_dir,
                int certrequest,
                bool disable_weak,
                NutTlsContext **ret,
                char **ret_error);
/* Drops the owner's reference; sessions made from the context keep it alive until they are freed. */
NutTlsContext *nut_tls_context_free(NutTlsContext *c);
bool nut_tls_supported(void);                   /* false in tls-disabled.c */

/* Server session on a connected non-blocking fd, which it borrows and never closes. */
int nut_tls_new(NutTlsContext *c, int fd, NutTls **ret);
/* 0 done; -EAGAIN call again when the fd is readable (writable if nut_tls_want_write()); else failed:
 * -EACCES missing/untrusted client certificate, -ECONNRESET/-EPIPE peer gone, -ECONNABORTED peer alert,
 * -EPROTO anything else. */
int nut_tls_handshake(NutTls *t);
bool nut_tls_want_write(NutTls *t);             /* the last -EAGAIN waits for EPOLLOUT */
ssize_t nut_tls_read(NutTls *t, void *buf, size_t n);           /* >0 bytes, 0 EOF, -EAGAIN, <0 error */
/* Bytes written (may be partial), -EAGAIN, <0 error. The next call after a short write or -EAGAIN must
 * start with the unsent bytes (rule 6 above); -EINVAL if it passes fewer than gnutls already holds. */
ssize_t nut_tls_write(NutTls *t, const void *buf, size_t n);
size_t nut_tls_pending(NutTls *t);              /* decrypted bytes to read without waiting for the fd */
void nut_tls_bye(NutTls *t);                    /* best-effort, non-blocking close_notify */
NutTls *nut_tls_free(NutTls *t);

/* For logs: "TLS1.3 AES-256-GCM, client certificate CN=..." (free it; NULL before the handshake), and why
 * the handshake or session failed (owned by t; NULL if nothing failed). */
char *nut_tls_peer_description(NutTls *t);
const char *nut_tls_last_error(NutTls *t);

static inline void nut_tls_context_freep(NutTlsContext **c)
{
        if (*c)
                nut_tls_context_free(*c);
}

static inline void nut_tls_freep(NutTls **t)
{
        if (*t)
                nut_tls_free(*t);
}
