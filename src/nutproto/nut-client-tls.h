/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client-side TLS for NutConn's STARTTLS, on a connected non-blocking socket. Implemented by
 * nut-client-tls-gnutls.c, or by nut-client-tls-disabled.c when nutd is built without gnutls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "macro.h"

typedef struct NutClientTlsContext NutClientTlsContext;
typedef struct NutClientTls NutClientTls;

/* cafile: PEM file or directory of the CAs that sign the server certificate; NULL with verify means the
 * system trust store. verify: check the chain and that the certificate names the host we connect to.
 * certfile: optional PEM with our client certificate and its unencrypted key. -EOPNOTSUPP without TLS. */
int nut_client_tls_context_new(const char *cafile, const char *certfile, bool verify,
                               NutClientTlsContext **ret, char **ret_error);
NutClientTlsContext *nut_client_tls_context_ref(NutClientTlsContext *c);
NutClientTlsContext *nut_client_tls_context_unref(NutClientTlsContext *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(NutClientTlsContext *, nut_client_tls_context_unref);
bool nut_client_tls_supported(void);

/* A session on fd (borrowed, never closed); host is the name or address the certificate must show. */
int nut_client_tls_new(NutClientTlsContext *c, int fd, const char *host, NutClientTls **ret);
/* 0 done; -EAGAIN call again when the fd is readable (writable if want_write); -EACCES certificate
 * rejected; other negative errno: failed. */
int nut_client_tls_handshake(NutClientTls *t);
bool nut_client_tls_want_write(NutClientTls *t);
ssize_t nut_client_tls_read(NutClientTls *t, void *buf, size_t n);     /* >0, 0 EOF, -EAGAIN, <0 */
/* Bytes written, -EAGAIN or <0. After -EAGAIN, call again starting at the same byte with at least as
 * many bytes. */
ssize_t nut_client_tls_write(NutClientTls *t, const void *buf, size_t n);
const char *nut_client_tls_last_error(NutClientTls *t);
char *nut_client_tls_description(NutClientTls *t);
NutClientTls *nut_client_tls_free(NutClientTls *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(NutClientTls *, nut_client_tls_free);
