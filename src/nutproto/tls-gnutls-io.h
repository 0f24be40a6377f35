/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the server and the client TLS sessions share: the socket transport under gnutls (never
 * SIGPIPE, errno kept), and gnutls error codes as negative errno.
 */
#pragma once

#include <gnutls/gnutls.h>

#include "macro.h"

typedef struct TlsIo {
        gnutls_session_t session;
        int fd;                 /* borrowed, never closed here */
        int transport_errno;    /* errno of the last failed send()/recv() */
} TlsIo;

void tls_io_attach(TlsIo *io, gnutls_session_t session, int fd);
int tls_errno_from_gnutls(int r, int transport_errno);
int tls_load_ca(gnutls_certificate_credentials_t cred, const char *path, const char *what, char **ret_error);
int tls_set_error(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
