/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client-side STARTTLS with gnutls: trust (a CA file or directory, or the system store), an optional
 * client certificate, and non-blocking sessions that check the server's certificate names our host.
 */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "nut-client-tls.h"
#include "tls-gnutls-io.h"

#define WRITE_CHUNK_MAX ((size_t) 16384)
#define RETRY_MAX 16

struct NutClientTlsContext {
        unsigned n_ref;
        gnutls_certificate_credentials_t cred;
        bool verify;
};

struct NutClientTls {
        NutClientTlsContext *context;
        TlsIo io;               /* session, borrowed fd, transport errno */
        size_t write_queued;            /* plaintext size of a record gnutls holds after GNUTLS_E_AGAIN */
        bool handshake_done;
        char *last_error;
};

NutClientTlsContext *nut_client_tls_context_ref(NutClientTlsContext *c)
{
        if (c)
                c->n_ref++;
        return c;
}

NutClientTlsContext *nut_client_tls_context_unref(NutClientTlsContext *c)
{
        if (!c || --c->n_ref > 0)
                return NULL;
        if (c->cred)
                gnutls_certificate_free_credentials(c->cred);
        return mfree(c);
}

/**
 * nut_client_tls_context_new() - what client sessions trust and present
 * @cafile: PEM file, or directory of PEM files, with the CAs to trust; NULL: the system store (only
 *          loaded when @verify)
 * @certfile: PEM with a client certificate and its unencrypted key, or NULL
 * @verify: refuse servers whose certificate does not chain to a trusted CA or does not name the host;
 *          without it the session is encrypted but the server is not authenticated (NUT's CERTVERIFY 0)
 * @ret: the context, with one reference
 * @ret_error: on failure, a malloc'ed message naming the file at fault (NULL on OOM); may be NULL
 *
 * Reads the files now, once, not at each connection.
 *
 * Return: 0, -ENOMEM, -EINVAL for unusable files, or the errno of a file that cannot be read.
 */
int nut_client_tls_context_new(const char *cafile, const char *certfile, bool verify,
                               NutClientTlsContext **ret, char **ret_error)
{
        _cleanup_(nut_client_tls_context_unrefp) NutClientTlsContext *c = NULL;
        int r;

        c = calloc(1, sizeof(NutClientTlsContext));
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->verify = verify;
        r = gnutls_certificate_allocate_credentials(&c->cred);
        if (r < 0)
                return tls_set_error(ret_error, -ENOMEM, "Cannot allocate TLS credentials: %s",
                                 gnutls_strerror(r));
        if (!isempty(cafile)) {
                r = tls_load_ca(c->cred, cafile, "", ret_error);
                if (r < 0)
                        return r;
        } else if (verify) {
                r = gnutls_certificate_set_x509_system_trust(c->cred);
                if (r <= 0)
                        return tls_set_error(ret_error, -ENOENT, "No CA certificates in the system trust store");
        }
        if (!isempty(certfile)) {
                r = gnutls_certificate_set_x509_key_file2(c->cred, certfile, certfile, GNUTLS_X509_FMT_PEM,
                                                          /* pass= */ NULL, 0);
                if (r < 0)
                        return tls_set_error(ret_error, r == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EINVAL,
                                         "Cannot load certificate and key from %s: %s", certfile,
                                         gnutls_strerror(r));
        }
        *ret = TAKE_PTR(c);
        return 0;
}

bool nut_client_tls_supported(void)
{
        return true;
}

NutClientTls *nut_client_tls_free(NutClientTls *t)
{
        if (!t)
                return NULL;
        if (t->io.session)
                gnutls_deinit(t->io.session);
        nut_client_tls_context_unref(t->context);
        free(t->last_error);
        return mfree(t);
}

/* A host that is an IP address gets no SNI (RFC 6066 forbids it); the name check covers both. */
static bool host_is_address(const char *host)
{
        return strchr(host, ':') || strspn(host, "0123456789.") == strlen(host);
}

/**
 * nut_client_tls_new() - a client session on a connected non-blocking socket
 * @c: the context
 * @fd: the socket, borrowed: not closed by the session
 * @host: what the server certificate must name (DNS name or IP address) when the context verifies
 * @ret: the session; nothing is sent before nut_client_tls_handshake()
 *
 * Return: 0, -EINVAL, -ENOMEM, -EPROTO.
 */
int nut_client_tls_new(NutClientTlsContext *c, int fd, const char *host, NutClientTls **ret)
{
        _cleanup_(nut_client_tls_freep) NutClientTls *t = NULL;
        int r;

        if (!c || fd < 0 || isempty(host) || !ret)
                return -EINVAL;
        t = calloc(1, sizeof(NutClientTls));
        if (!t)
                return -ENOMEM;
        t->io.fd = fd;
        t->context = nut_client_tls_context_ref(c);
        r = gnutls_init(&t->io.session, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
        if (r >= 0)
                r = gnutls_set_default_priority(t->io.session);
        if (r >= 0)
                r = gnutls_credentials_set(t->io.session, GNUTLS_CRD_CERTIFICATE, c->cred);
        if (r >= 0 && !host_is_address(host))
                r = gnutls_server_name_set(t->io.session, GNUTLS_NAME_DNS, host, strlen(host));
        if (r < 0)
                return tls_errno_from_gnutls(r, 0);
        if (c->verify)
                gnutls_session_set_verify_cert(t->io.session, host, 0);
        tls_io_attach(&t->io, t->io.session, t->io.fd);
        *ret = TAKE_PTR(t);
        return 0;
}

static int session_error(NutClientTls *t, int r)
{
        gnutls_datum_t text = {};

        free(t->last_error);
        t->last_error = NULL;
        if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
            gnutls_certificate_verification_status_print(gnutls_session_get_verify_cert_status(t->io.session),
                                                         GNUTLS_CRT_X509, &text, 0) >= 0) {
                if (asprintf(&t->last_error, "Server certificate rejected: %s", (char *) text.data) < 0)
                        t->last_error = NULL;
                gnutls_free(text.data);
        } else if (asprintf(&t->last_error, "%s%s%s", gnutls_strerror(r),
                            r == GNUTLS_E_FATAL_ALERT_RECEIVED ? ": " : "",
                            r == GNUTLS_E_FATAL_ALERT_RECEIVED ?
                                    gnutls_alert_get_name(gnutls_alert_get(t->io.session)) : "") < 0)
                t->last_error = NULL;
        return tls_errno_from_gnutls(r, t->io.transport_errno);
}

int nut_client_tls_handshake(NutClientTls *t)
{
        int r = GNUTLS_E_INTERNAL_ERROR;

        if (t->handshake_done)
                return 0;
        for (unsigned i = 0; i < RETRY_MAX; i++) {
                r = gnutls_handshake(t->io.session);
                if (r == GNUTLS_E_SUCCESS) {
                        t->handshake_done = true;
                        return 0;
                }
                if (r == GNUTLS_E_AGAIN)
                        return -EAGAIN;
                if (r != GNUTLS_E_INTERRUPTED && r != GNUTLS_E_WARNING_ALERT_RECEIVED)
                        break;
        }
        return session_error(t, r);
}

bool nut_client_tls_want_write(NutClientTls *t)
{
        return t && gnutls_record_get_direction(t->io.session) == 1;
}

/* A server that closes without close_notify is end of file: NUT lines have nothing to truncate. */
ssize_t nut_client_tls_read(NutClientTls *t, void *buf, size_t n)
{
        for (unsigned i = 0; i < RETRY_MAX; i++) {
                ssize_t k = gnutls_record_recv(t->io.session, buf, n);

                if (k >= 0)
                        return k;
                if (k == GNUTLS_E_AGAIN)
                        return -EAGAIN;
                if (k == GNUTLS_E_PREMATURE_TERMINATION)
                        return 0;
                if (k != GNUTLS_E_INTERRUPTED && k != GNUTLS_E_WARNING_ALERT_RECEIVED)
                        return session_error(t, (int) k);
        }
        return -EAGAIN;
}

/* After GNUTLS_E_AGAIN gnutls holds an encrypted record and wants the same plaintext once more. */
ssize_t nut_client_tls_write(NutClientTls *t, const void *buf, size_t n)
{
        size_t done = 0;

        if (n < t->write_queued)
                return -EINVAL;
        while (done < n) {
                size_t chunk = t->write_queued > 0 ? t->write_queued : n - done;
                ssize_t k;

                if (chunk > WRITE_CHUNK_MAX)
                        chunk = WRITE_CHUNK_MAX;
                k = gnutls_record_send(t->io.session, (const uint8_t *) buf + done, chunk);
                if (k == GNUTLS_E_INTERRUPTED)
                        continue;
                if (k == GNUTLS_E_AGAIN) {
                        t->write_queued = chunk;
                        break;
                }
                t->write_queued = 0;
                if (k < 0)
                        return done > 0 ? (ssize_t) done : session_error(t, (int) k);
                done += (size_t) k;
        }
        return done > 0 || n == 0 ? (ssize_t) done : -EAGAIN;
}

const char *nut_client_tls_last_error(NutClientTls *t)
{
        return t ? t->last_error : NULL;
}

/* "(TLS1.3)-(ECDHE-X25519)-…" for logs; free it. */
char *nut_client_tls_description(NutClientTls *t)
{
        char *d, *s;

        if (!t || !t->handshake_done)
                return NULL;
        d = gnutls_session_get_desc(t->io.session);
        s = d ? strdup(d) : NULL;
        gnutls_free(d);
        return s;
}
