/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the server and the client TLS sessions share: the socket transport under gnutls (never
 * SIGPIPE, errno kept), and gnutls error codes as negative errno.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "tls-gnutls-io.h"

/* sendmsg() with MSG_NOSIGNAL, so that a peer that went away never raises SIGPIPE. */
static ssize_t transport_push(gnutls_transport_ptr_t p, const giovec_t *iov, int iovcnt)
{
        TlsIo *io = p;
        struct msghdr mh = { .msg_iov = (struct iovec *) iov, .msg_iovlen = iovcnt };
        ssize_t k;

        k = sendmsg(io->fd, &mh, MSG_NOSIGNAL);
        if (k < 0) {
                io->transport_errno = errno;
                gnutls_transport_set_errno(io->session, errno);
        }
        return k;
}

static ssize_t transport_pull(gnutls_transport_ptr_t p, void *buf, size_t n)
{
        TlsIo *io = p;
        ssize_t k;

        k = recv(io->fd, buf, n, 0);
        if (k < 0) {
                io->transport_errno = errno;
                gnutls_transport_set_errno(io->session, errno);
        }
        return k;
}

/* Only reached when gnutls enforces a timeout, which nutd never configures; mirrors gnutls' own. */
static int transport_pull_timeout(gnutls_transport_ptr_t p, unsigned ms)
{
        TlsIo *io = p;
        struct pollfd pfd = { .fd = io->fd, .events = POLLIN };
        int r;

        r = poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int) ms);
        if (r < 0)
                gnutls_transport_set_errno(io->session, errno);
        return r;
}

/* Makes gnutls read and write fd through io (which must stay at the same address). */
void tls_io_attach(TlsIo *io, gnutls_session_t session, int fd)
{
        io->session = session;
        io->fd = fd;
        io->transport_errno = 0;
        gnutls_transport_set_ptr(session, io);
        gnutls_transport_set_vec_push_function(session, transport_push);
        gnutls_transport_set_pull_function(session, transport_pull);
        gnutls_transport_set_pull_timeout_function(session, transport_pull_timeout);
}

int tls_errno_from_gnutls(int r, int transport_errno)
{
        switch (r) {
        case GNUTLS_E_AGAIN:
        case GNUTLS_E_INTERRUPTED:
                return -EAGAIN;
        case GNUTLS_E_MEMORY_ERROR:
                return -ENOMEM;
        case GNUTLS_E_FILE_ERROR:
                return -ENOENT;
        case GNUTLS_E_PUSH_ERROR:
        case GNUTLS_E_PULL_ERROR:
                return transport_errno > 0 ? -transport_errno : -ECONNRESET;
        case GNUTLS_E_PREMATURE_TERMINATION:
        case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
                return -ECONNRESET;
        case GNUTLS_E_NO_CERTIFICATE_FOUND:
        case GNUTLS_E_CERTIFICATE_REQUIRED:
        case GNUTLS_E_CERTIFICATE_ERROR:
        case GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR:
                return -EACCES;
        case GNUTLS_E_FATAL_ALERT_RECEIVED:
                return -ECONNABORTED;
        default:
                return -EPROTO;
        }
}

/* Sets *ret_error (if given) to the text; returns r. */
int tls_set_error(char **ret_error, int r, const char *fmt, ...)
{
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

/**
 * tls_load_ca() - trust the CA certificates of a PEM file, or of every PEM file in a directory
 *
 * what prefixes the path in error texts (e.g. "CERTPATH "). Returns -EINVAL when nothing usable
 * is there.
 */
int tls_load_ca(gnutls_certificate_credentials_t cred, const char *path, const char *what, char **ret_error)
{
        struct stat st;
        int r;

        if (stat(path, &st) < 0) {
                r = -errno;
                return tls_set_error(ret_error, r, "Cannot access %s%s: %s", what, path, strerror(-r));
        }

        /* A directory is read whole (no c_rehash links needed); files that are not PEM are skipped. */
        if (S_ISDIR(st.st_mode))
                r = gnutls_certificate_set_x509_trust_dir(cred, path, GNUTLS_X509_FMT_PEM);
        else
                r = gnutls_certificate_set_x509_trust_file(cred, path, GNUTLS_X509_FMT_PEM);
        if (r < 0)
                return tls_set_error(ret_error, r == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EINVAL,
                                     "Cannot load CA certificates from %s%s: %s", what, path, gnutls_strerror(r));
        if (r == 0)
                return tls_set_error(ret_error, -EINVAL, "%s%s contains no CA certificate", what, path);
        return 0;
}
