/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * STARTTLS with gnutls: server credentials from upsd.conf's CERTFILE/CERTPATH/CERTREQUEST/
 * DISABLE_WEAK_SSL, and non-blocking server sessions on the client's socket. See tls.h for the protocol.
 */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macro.h"
#include "tls-gnutls-io.h"
#include "tls.h"

/* TLS 1.2 is the floor with DISABLE_WEAK_SSL, as in upsd; otherwise whatever gnutls' NORMAL allows. */
#define PRIORITY_DEFAULT "NORMAL"
#define PRIORITY_NO_WEAK "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* Largest plaintext handed to one gnutls_record_send(): one full TLS record. */
#define WRITE_CHUNK_MAX ((size_t) 16384)

/* Warning alerts and EINTR are retried in place, but a peer must not keep us in a loop. */
#define RETRY_MAX 16

struct NutTlsContext {
        unsigned n_ref;         /* the owner's reference plus one per session */
        gnutls_certificate_credentials_t cred;
        gnutls_priority_t priority;
        gnutls_certificate_request_t request;
};

struct NutTls {
        NutTlsContext *context;
        TlsIo io;               /* session, borrowed fd, transport errno */
        size_t write_queued;    /* plaintext size of a record gnutls holds after GNUTLS_E_AGAIN, else 0 */
        bool handshake_done;
        char *last_error;
};

/* Remembers a fatal session error for nut_tls_last_error() and maps it to an errno. */
static int session_error(NutTls *t, int r)
{
        const char *alert = NULL;

        if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
                alert = gnutls_alert_get_name(gnutls_alert_get(t->io.session));
        /* The verify callback already left a more precise message. */
        if (!(t->last_error && (r == GNUTLS_E_CERTIFICATE_ERROR ||
                                r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR))) {
                free(t->last_error);
                if (asprintf(&t->last_error, "%s%s%s", gnutls_strerror(r), alert ? ": " : "",
                             strempty(alert)) < 0)
                        t->last_error = NULL;
        }
        return tls_errno_from_gnutls(r, t->io.transport_errno);
}

/*
 * Client certificates: gnutls itself fails CERTREQUEST 2 when none is sent. A certificate that is sent
 * must chain to CERTPATH and be meant for TLS clients, under CERTREQUEST 1 too (OpenSSL's
 * SSL_VERIFY_PEER, which upsd uses).
 */
static int verify_client_certificate(gnutls_session_t session)
{
        NutTls *t = gnutls_session_get_ptr(session);
        gnutls_typed_vdata_st purpose = {
                .type = GNUTLS_DT_KEY_PURPOSE_OID,
                .data = (unsigned char *) GNUTLS_KP_TLS_WWW_CLIENT,
        };
        gnutls_datum_t text = {};
        unsigned n = 0, status = 0;
        int r;

        if (!gnutls_certificate_get_peers(session, &n) || n == 0)
                return t->context->request == GNUTLS_CERT_REQUIRE ? -1 : 0;

        r = gnutls_certificate_verify_peers(session, &purpose, 1, &status);
        if (r < 0) {
                free(t->last_error);
                if (asprintf(&t->last_error, "Cannot verify client certificate: %s", gnutls_strerror(r)) < 0)
                        t->last_error = NULL;
                return -1;
        }
        if (status == 0)
                return 0;

        free(t->last_error);
        t->last_error = NULL;
        if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) >= 0) {
                size_t len = strlen((char *) text.data);

                while (len > 0 && text.data[len - 1] == ' ')    /* gnutls ends each sentence with one */
                        len--;
                if (asprintf(&t->last_error, "Client certificate rejected: %.*s", (int) len,
                             (char *) text.data) < 0)
                        t->last_error = NULL;
                gnutls_free(text.data);
        }
        return -1;
}

static NutTlsContext *context_unref(NutTlsContext *c)
{
        if (!c || --c->n_ref > 0)
                return NULL;

        if (c->priority)
                gnutls_priority_deinit(c->priority);
        if (c->cred)
                gnutls_certificate_free_credentials(c->cred);
        return mfree(c);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(NutTlsContext *, context_unref);

static int context_load_certfile(NutTlsContext *c, const char *certfile, char **ret_error)
{
        int r;

        if (isempty(certfile))
                return tls_set_error(ret_error, -EINVAL, "CERTFILE is not set");
        if (access(certfile, R_OK) < 0) {
                r = -errno;
                return tls_set_error(ret_error, r, "Cannot read CERTFILE %s: %s", certfile, strerror(-r));
        }

        /* One PEM holds the chain and the key, as upsd's CERTFILE: gnutls picks the blocks it needs. */
        r = gnutls_certificate_set_x509_key_file2(c->cred, certfile, certfile, GNUTLS_X509_FMT_PEM,
                                                  /* pass= */ NULL, 0);
        if (r < 0)
                return tls_set_error(ret_error, r == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EINVAL,
                                 "Cannot load certificate and key from CERTFILE %s: %s", certfile,
                                 gnutls_strerror(r));
        return 0;
}

/**
 * nut_tls_context_new() - server credentials from upsd.conf values
 * @certfile: PEM with the certificate chain and the private key (upsd's CERTFILE); the key must not be
 *            encrypted
 * @cafile_or_dir: CA certificate(s) for client certificates (CERTPATH): a PEM file, or a directory whose
 *                 PEM files are all loaded; may be NULL when @certrequest is 0
 * @certrequest: CERTREQUEST: 0 none, 1 request (a certificate sent must be valid), 2 require
 * @disable_weak: DISABLE_WEAK_SSL: TLS 1.2 and 1.3 only, else whatever gnutls' "NORMAL" allows
 * @ret: the new context
 * @ret_error: on failure, a malloc'ed message naming the file at fault (NULL on OOM); may be NULL
 *
 * The context is shared by every session made from it: nut_tls_context_free() drops the owner's
 * reference, and sessions still open keep it alive, so a reload may replace it at any time.
 *
 * Return: 0, or a negative errno: -EINVAL for bad values or unusable files, or the errno of a file that
 * cannot be read.
 */
int nut_tls_context_new(
                const char *certfile,
                const char *cafile_or_dir,
                int certrequest,
                bool disable_weak,
                NutTlsContext **ret,
                char **ret_error)
{
        static const gnutls_certificate_request_t requests[] = {
                GNUTLS_CERT_IGNORE, GNUTLS_CERT_REQUEST, GNUTLS_CERT_REQUIRE,
        };
        _cleanup_(context_unrefp) NutTlsContext *c = NULL;
        const char *err_pos = NULL;
        int r;

        if (!ret)
                return -EINVAL;
        if (certrequest < 0 || certrequest >= (int) ELEMENTSOF(requests))
                return tls_set_error(ret_error, -EINVAL, "CERTREQUEST must be 0, 1 or 2, not %d", certrequest);
        if (certrequest > 0 && isempty(cafile_or_dir))
                return tls_set_error(ret_error, -EINVAL,
                                 "CERTREQUEST %d needs CERTPATH, the CA of client certificates",
                                 certrequest);

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->request = requests[certrequest];

        r = gnutls_certificate_allocate_credentials(&c->cred);
        if (r < 0)
                return tls_set_error(ret_error, -ENOMEM, "Cannot allocate TLS credentials: %s",
                                 gnutls_strerror(r));

        r = context_load_certfile(c, certfile, ret_error);
        if (r < 0)
                return r;
        if (!isempty(cafile_or_dir)) {
                r = tls_load_ca(c->cred, cafile_or_dir, "CERTPATH ", ret_error);
                if (r < 0)
                        return r;
        }
        gnutls_certificate_set_verify_function(c->cred, verify_client_certificate);
        /* For TLS 1.2 DHE with clients that predate RFC 7919's negotiated groups. */
        (void) gnutls_certificate_set_known_dh_params(c->cred, GNUTLS_SEC_PARAM_MEDIUM);

        r = gnutls_priority_init(&c->priority, disable_weak ? PRIORITY_NO_WEAK : PRIORITY_DEFAULT, &err_pos);
        if (r < 0)
                return tls_set_error(ret_error, -EINVAL, "Bad TLS priority string at '%s': %s",
                                 strempty(err_pos), gnutls_strerror(r));

        *ret = TAKE_PTR(c);
        return 0;
}

/**
 * nut_tls_context_free() - drop the owner's reference to a context
 * @c: the context, or NULL
 *
 * Sessions made from @c keep it until they are freed.
 *
 * Return: NULL.
 */
NutTlsContext *nut_tls_context_free(NutTlsContext *c)
{
        return context_unref(c);
}

/**
 * nut_tls_supported() - whether this build can do STARTTLS
 *
 * Return: true.
 */
bool nut_tls_supported(void)
{
        return true;
}

/**
 * nut_tls_free() - free a session; does not close its fd
 * @t: the session, or NULL
 *
 * Return: NULL.
 */
NutTls *nut_tls_free(NutTls *t)
{
        if (!t)
                return NULL;

        if (t->io.session)
                gnutls_deinit(t->io.session);
        context_unref(t->context);
        free(t->last_error);
        return mfree(t);
}

/**
 * nut_tls_new() - a server session on a connected socket
 * @c: credentials and settings
 * @fd: the client's socket, non-blocking; borrowed: it must outlive the session and is not closed by it
 * @ret: the new session
 *
 * Nothing is sent or received until nut_tls_handshake().
 *
 * Return: 0, -EINVAL, -ENOMEM or -EPROTO.
 */
int nut_tls_new(NutTlsContext *c, int fd, NutTls **ret)
{
        _cleanup_(nut_tls_freep) NutTls *t = NULL;
        int r;

        if (!c || fd < 0 || !ret)
                return -EINVAL;

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->io.fd = fd;
        t->context = c;
        c->n_ref++;

        r = gnutls_init(&t->io.session, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
        if (r < 0)
                return tls_errno_from_gnutls(r, 0);
        r = gnutls_priority_set(t->io.session, c->priority);
        if (r < 0)
                return tls_errno_from_gnutls(r, 0);
        r = gnutls_credentials_set(t->io.session, GNUTLS_CRD_CERTIFICATE, c->cred);
        if (r < 0)
                return tls_errno_from_gnutls(r, 0);
        gnutls_certificate_server_set_request(t->io.session, c->request);
        gnutls_session_set_ptr(t->io.session, t);

        tls_io_attach(&t->io, t->io.session, t->io.fd);

        *ret = TAKE_PTR(t);
        return 0;
}

/**
 * nut_tls_handshake() - advance the server handshake
 * @t: the session
 *
 * Return: 0 once the handshake is complete; -EAGAIN to be called again when the fd is readable, or
 * writable if nut_tls_want_write(); else the handshake failed and the connection must be closed:
 * -EACCES for a missing or untrusted client certificate, -ECONNRESET/-EPIPE when the peer went away,
 * -ECONNABORTED when it sent a fatal alert, -EPROTO for anything else. nut_tls_last_error() says why.
 */
int nut_tls_handshake(NutTls *t)
{
        int r;

        if (!t)
                return -EINVAL;
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
                if (r == GNUTLS_E_INTERRUPTED || r == GNUTLS_E_WARNING_ALERT_RECEIVED)
                        continue;
                break;
        }

        /* Tell the client why (e.g. certificate_required), best-effort: the connection is closed next. */
        (void) gnutls_alert_send_appropriate(t->io.session, r);
        return session_error(t, r);
}

/**
 * nut_tls_want_write() - whether the last -EAGAIN waits for the fd to become writable
 * @t: the session
 *
 * Return: true after a handshake, read or write step that stopped on a full socket buffer.
 */
bool nut_tls_want_write(NutTls *t)
{
        return t && gnutls_record_get_direction(t->io.session) == 1;
}

/**
 * nut_tls_read() - read decrypted data
 * @t: the session, after a complete handshake
 * @buf: where to put the data
 * @n: size of @buf, > 0
 *
 * A peer that closes the connection without a TLS close_notify alert is reported as end of file, not as
 * an error: the NUT protocol is made of lines and has nothing a truncation could forge.
 *
 * Return: the number of bytes read, 0 at end of file, -EAGAIN (see nut_tls_want_write()), or a negative
 * errno after which the connection must be closed.
 */
ssize_t nut_tls_read(NutTls *t, void *buf, size_t n)
{
        ssize_t k;

        if (!t || !buf || n == 0 || !t->handshake_done)
                return -EINVAL;

        for (unsigned i = 0; i < RETRY_MAX; i++) {
                k = gnutls_record_recv(t->io.session, buf, n);
                if (k >= 0)
                        return k;
                if (k == GNUTLS_E_AGAIN)
                        return -EAGAIN;
                if (k == GNUTLS_E_PREMATURE_TERMINATION)
                        return 0;
                if (k == GNUTLS_E_INTERRUPTED || k == GNUTLS_E_WARNING_ALERT_RECEIVED)
                        continue;
                /* Including GNUTLS_E_REHANDSHAKE: NUT clients never renegotiate, so it is refused. */
                return session_error(t, k);
        }
        return -EAGAIN;
}

/**
 * nut_tls_write() - encrypt and send data
 * @t: the session, after a complete handshake
 * @buf: the data
 * @n: its size
 *
 * As many whole records as the socket takes are sent. When the socket fills up in the middle of a
 * record, gnutls keeps that record, already encrypted, and must be given the same data again: so the
 * next call after a short write or -EAGAIN must pass the unsent rest of the data, starting at the first
 * byte not counted as written, and at least as many bytes as before (-EINVAL otherwise). The buffer may
 * have moved in between; only the bytes must be the same.
 *
 * Return: bytes written (> 0, maybe fewer than @n), -EAGAIN when none could be (wait for EPOLLOUT), or a
 * negative errno after which the connection must be closed.
 */
ssize_t nut_tls_write(NutTls *t, const void *buf, size_t n)
{
        size_t done = 0;
        ssize_t k;

        if (!t || (!buf && n > 0) || !t->handshake_done)
                return -EINVAL;
        if (n < t->write_queued)
                return -EINVAL;

        while (done < n) {
                size_t chunk = t->write_queued > 0 ? t->write_queued : n - done;

                if (chunk > WRITE_CHUNK_MAX)
                        chunk = WRITE_CHUNK_MAX;

                k = gnutls_record_send(t->io.session, (const uint8_t *) buf + done, chunk);
                if (k == GNUTLS_E_INTERRUPTED)
                        continue;
                if (k == GNUTLS_E_AGAIN) {
                        t->write_queued = chunk;
                        break;
                }
                if (k < 0) {
                        t->write_queued = 0;
                        if (done > 0)
                                break;  /* report the bytes that went out; the next call fails */
                        return session_error(t, k);
                }
                /* gnutls may send less than a chunk when the peer limited the record size. */
                t->write_queued = 0;
                done += (size_t) k;
        }

        return done > 0 || n == 0 ? (ssize_t) done : -EAGAIN;
}

/**
 * nut_tls_pending() - decrypted bytes waiting in the session
 * @t: the session
 *
 * Return: the number of bytes nut_tls_read() returns at once, without the fd becoming readable.
 */
size_t nut_tls_pending(NutTls *t)
{
        return t && t->handshake_done ? gnutls_record_check_pending(t->io.session) : 0;
}

/**
 * nut_tls_bye() - send close_notify, best-effort and without waiting for the peer's
 * @t: the session, or NULL
 */
void nut_tls_bye(NutTls *t)
{
        if (t && t->handshake_done)
                (void) gnutls_bye(t->io.session, GNUTLS_SHUT_WR);
}

/* The client certificate's CN, in printable ASCII: it goes to logs. */
static char *peer_common_name(NutTls *t)
{
        const gnutls_datum_t *certs;
        gnutls_x509_crt_t crt = NULL;
        char cn[256];
        size_t size = sizeof(cn);
        unsigned n = 0;
        int r;

        certs = gnutls_certificate_get_peers(t->io.session, &n);
        if (!certs || n == 0)
                return NULL;
        if (gnutls_x509_crt_init(&crt) < 0)
                return NULL;
        r = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER);
        if (r >= 0)
                r = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, /* raw= */ 0,
                                                  cn, &size);
        gnutls_x509_crt_deinit(crt);
        if (r < 0)
                return strdup("");

        for (char *p = cn; *p; p++)
                if (*p < 0x20 || *p > 0x7e)
                        *p = '?';
        return strdup(cn);
}

/**
 * nut_tls_peer_description() - what was negotiated, for logs
 * @t: the session
 *
 * Return: e.g. "TLS1.3 AES-256-GCM, client certificate CN=ups-monitor", to be freed; NULL before the
 * handshake is complete or on OOM.
 */
char *nut_tls_peer_description(NutTls *t)
{
        _cleanup_free_ char *cn = NULL;
        char *s;

        if (!t || !t->handshake_done)
                return NULL;

        cn = peer_common_name(t);
        if (asprintf(&s, "%s %s, %s%s",
                     strempty(gnutls_protocol_get_name(gnutls_protocol_get_version(t->io.session))),
                     strempty(gnutls_cipher_get_name(gnutls_cipher_get(t->io.session))),
                     !cn ? "no client certificate" : isempty(cn) ? "client certificate without CN"
                                                                 : "client certificate CN=",
                     strempty(cn)) < 0)
                return NULL;
        return s;
}

/**
 * nut_tls_last_error() - why the handshake or the session failed, for logs
 * @t: the session
 *
 * Return: a message owned by @t, or NULL when nothing failed.
 */
const char *nut_tls_last_error(NutTls *t)
{
        return t ? t->last_error : NULL;
}
