/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Generates the test CA and certificates of test-certs.h with gnutls' X.509 API (ECDSA P-256, SHA-256,
 * valid from an hour ago for a year), so no certtool or openssl is needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "macro.h"
#include "test-certs.h"

#define CA_DN "CN=nutd test CA,O=nutd tests"

typedef enum CertKind {
        CERT_CA,
        CERT_SERVER,
        CERT_CLIENT,
} CertKind;

DEFINE_TRIVIAL_CLEANUP_FUNC(gnutls_x509_crt_t, gnutls_x509_crt_deinit);
DEFINE_TRIVIAL_CLEANUP_FUNC(gnutls_x509_privkey_t, gnutls_x509_privkey_deinit);
DEFINE_TRIVIAL_CLEANUP_FUNC(gnutls_pkcs12_t, gnutls_pkcs12_deinit);
DEFINE_TRIVIAL_CLEANUP_FUNC(gnutls_pkcs12_bag_t, gnutls_pkcs12_bag_deinit);

/* Evaluates a gnutls call; on failure says which one and returns -EIO from the calling function. */
#define CHECK(expr)                                                                     \
        do {                                                                            \
                int _r_ = (expr);                                                       \
                if (_r_ < 0) {                                                          \
                        fprintf(stderr, "%s: %s\n", #expr, gnutls_strerror(_r_));       \
                        return -EIO;                                                    \
                }                                                                       \
        } while (0)

static int make_key(gnutls_x509_privkey_t *ret)
{
        _cleanup_(gnutls_x509_privkey_deinitp) gnutls_x509_privkey_t key = NULL;

        CHECK(gnutls_x509_privkey_init(&key));
        CHECK(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                           GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
        *ret = TAKE_PTR(key);
        return 0;
}

static int set_extensions(gnutls_x509_crt_t crt, CertKind kind)
{
        static const uint8_t ip4[4] = { 127, 0, 0, 1 };
        static const uint8_t ip6[16] = { [15] = 1 };

        CHECK(gnutls_x509_crt_set_basic_constraints(crt, kind == CERT_CA, -1));
        switch (kind) {
        case CERT_CA:
                CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
                break;
        case CERT_SERVER:
                CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
                CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
                CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                           GNUTLS_FSAN_APPEND));
                CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof(ip4),
                                                           GNUTLS_FSAN_APPEND));
                CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof(ip6),
                                                           GNUTLS_FSAN_APPEND));
                break;
        case CERT_CLIENT:
                CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
                CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
                break;
        }
        return 0;
}

/* A certificate for key, signed by issuer/issuer_key, or self-signed when issuer is NULL. */
static int make_cert(
                gnutls_x509_privkey_t key,
                const char *dn,
                CertKind kind,
                gnutls_x509_crt_t issuer,
                gnutls_x509_privkey_t issuer_key,
                gnutls_x509_crt_t *ret)
{
        _cleanup_(gnutls_x509_crt_deinitp) gnutls_x509_crt_t crt = NULL;
        uint8_t serial[12], id[64];
        size_t id_size = sizeof(id);
        time_t now = time(NULL);
        const char *err = NULL;
        int r;

        CHECK(gnutls_x509_crt_init(&crt));
        CHECK(gnutls_x509_crt_set_version(crt, 3));
        CHECK(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)));
        serial[0] = (serial[0] & 0x7f) | 0x40;          /* positive, and no leading zero byte */
        CHECK(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)));
        r = gnutls_x509_crt_set_dn(crt, dn, &err);
        if (r < 0) {
                fprintf(stderr, "DN '%s' at '%s': %s\n", dn, strempty(err), gnutls_strerror(r));
                return -EINVAL;
        }
        CHECK(gnutls_x509_crt_set_activation_time(crt, now - 3600));
        CHECK(gnutls_x509_crt_set_expiration_time(crt, now + 365 * 24 * 3600));
        CHECK(gnutls_x509_crt_set_key(crt, key));
        r = set_extensions(crt, kind);
        if (r < 0)
                return r;

        CHECK(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &id_size));
        CHECK(gnutls_x509_crt_set_subject_key_id(crt, id, id_size));
        if (issuer) {
                id_size = sizeof(id);
                CHECK(gnutls_x509_crt_get_subject_key_id(issuer, id, &id_size, NULL));
                CHECK(gnutls_x509_crt_set_authority_key_id(crt, id, id_size));
        }
        CHECK(gnutls_x509_crt_sign2(crt, issuer ?: crt, issuer_key ?: key, GNUTLS_DIG_SHA256, 0));

        *ret = TAKE_PTR(crt);
        return 0;
}

/* "certificate PEM" + "PKCS#8 key PEM" (key omitted when NULL), as one malloc'ed string. */
static int export_pem(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, char **ret)
{
        gnutls_datum_t c = {}, k = {};
        char *s;
        int r;

        CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &c));
        r = key ? gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, /* password= */ NULL,
                                                    GNUTLS_PKCS_PLAIN, &k)
                : 0;
        if (r >= 0)
                r = asprintf(&s, "%.*s%.*s", (int) c.size, (char *) c.data, (int) k.size,
                             k.data ? (char *) k.data : "");
        gnutls_free(c.data);
        gnutls_free(k.data);
        if (r < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* Cert and key in one PKCS#12 file under a friendly name, for NSS's pk12util (NUT's CERTIDENT). */
static int export_p12(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *name, TestCerts *c)
{
        _cleanup_(gnutls_pkcs12_bag_deinitp) gnutls_pkcs12_bag_t cert_bag = NULL, key_bag = NULL;
        _cleanup_(gnutls_pkcs12_deinitp) gnutls_pkcs12_t p12 = NULL;
        gnutls_datum_t der = {}, key_id;
        uint8_t id[64];
        size_t id_size = sizeof(id);
        int i;

        /* The same local key id on both bags is what ties the key to its certificate. */
        CHECK(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &id_size));
        key_id = (gnutls_datum_t) { id, (unsigned) id_size };

        CHECK(gnutls_pkcs12_bag_init(&cert_bag));
        CHECK(i = gnutls_pkcs12_bag_set_crt(cert_bag, crt));
        CHECK(gnutls_pkcs12_bag_set_friendly_name(cert_bag, i, name));
        CHECK(gnutls_pkcs12_bag_set_key_id(cert_bag, i, &key_id));
        CHECK(gnutls_pkcs12_bag_encrypt(cert_bag, TEST_CERTS_P12_PASSWORD, GNUTLS_PKCS_PBES2_AES_256));

        CHECK(gnutls_pkcs12_bag_init(&key_bag));
        CHECK(i = gnutls_pkcs12_bag_set_privkey(key_bag, key, TEST_CERTS_P12_PASSWORD,
                                                GNUTLS_PKCS_PBES2_AES_256));
        CHECK(gnutls_pkcs12_bag_set_friendly_name(key_bag, i, name));
        CHECK(gnutls_pkcs12_bag_set_key_id(key_bag, i, &key_id));

        CHECK(gnutls_pkcs12_init(&p12));
        CHECK(gnutls_pkcs12_set_bag(p12, cert_bag));
        CHECK(gnutls_pkcs12_set_bag(p12, key_bag));
        CHECK(gnutls_pkcs12_generate_mac2(p12, GNUTLS_MAC_SHA256, TEST_CERTS_P12_PASSWORD));
        CHECK(gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, &der));

        c->client_p12 = malloc(der.size);
        if (c->client_p12) {
                memcpy(c->client_p12, der.data, der.size);
                c->client_p12_size = der.size;
        }
        gnutls_free(der.data);
        return c->client_p12 ? 0 : -ENOMEM;
}

/* A key and a certificate of the given kind, exported as cert + key PEM, and as PKCS#12 if c is given. */
static int make_leaf(
                const char *cn,
                CertKind kind,
                gnutls_x509_crt_t issuer,
                gnutls_x509_privkey_t issuer_key,
                char **ret_pem,
                TestCerts *c)
{
        _cleanup_(gnutls_x509_privkey_deinitp) gnutls_x509_privkey_t key = NULL;
        _cleanup_(gnutls_x509_crt_deinitp) gnutls_x509_crt_t crt = NULL;
        _cleanup_free_ char *dn = NULL;
        int r;

        if (asprintf(&dn, "CN=%s,O=nutd tests", cn) < 0)
                return -ENOMEM;
        r = make_key(&key);
        if (r < 0)
                return r;
        r = make_cert(key, dn, kind, issuer, issuer_key, &crt);
        if (r < 0)
                return r;
        if (c) {
                r = export_p12(crt, key, cn, c);
                if (r < 0)
                        return r;
        }
        return export_pem(crt, key, ret_pem);
}

void test_certs_done(TestCerts *c)
{
        if (!c)
                return;
        c->ca_pem = mfree(c->ca_pem);
        c->server_pem = mfree(c->server_pem);
        c->client_pem = mfree(c->client_pem);
        c->untrusted_client_pem = mfree(c->untrusted_client_pem);
        c->client_p12 = mfree(c->client_p12);
        c->client_p12_size = 0;
}

int test_certs_generate(TestCerts *ret)
{
        _cleanup_(gnutls_x509_privkey_deinitp) gnutls_x509_privkey_t ca_key = NULL, impostor_key = NULL;
        _cleanup_(gnutls_x509_crt_deinitp) gnutls_x509_crt_t ca = NULL, impostor = NULL;
        _cleanup_(test_certs_done) TestCerts c = {};
        int r;

        r = make_key(&ca_key);
        if (r < 0)
                return r;
        r = make_cert(ca_key, CA_DN, CERT_CA, NULL, NULL, &ca);
        if (r < 0)
                return r;
        r = export_pem(ca, NULL, &c.ca_pem);
        if (r < 0)
                return r;
        r = make_leaf("localhost", CERT_SERVER, ca, ca_key, &c.server_pem, NULL);
        if (r < 0)
                return r;
        r = make_leaf(TEST_CERTS_CLIENT_NAME, CERT_CLIENT, ca, ca_key, &c.client_pem, &c);
        if (r < 0)
                return r;
        /* An impostor CA with the same name: TLS clients pick a certificate by its issuer's name, so
         * this one is sent, and only the signature check can reject it. */
        r = make_key(&impostor_key);
        if (r < 0)
                return r;
        r = make_cert(impostor_key, CA_DN, CERT_CA, NULL, NULL, &impostor);
        if (r < 0)
                return r;
        r = make_leaf("nutd-untrusted-client", CERT_CLIENT, impostor, impostor_key, &c.untrusted_client_pem,
                      NULL);
        if (r < 0)
                return r;

        *ret = c;
        c = (TestCerts) {};
        return 0;
}

static int write_file(const char *dir, const char *name, const void *data, size_t n, mode_t mode)
{
        const uint8_t *contents = data;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        while (n > 0) {
                ssize_t k = write(fd, contents, n);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                contents += k;
                n -= (size_t) k;
        }
        return 0;
}

int test_certs_write(const TestCerts *c, const char *dir)
{
        const struct {
                const char *name;
                const void *data;
                size_t size;
                mode_t mode;
        } files[] = {
                { "ca.pem", c->ca_pem, strlen(c->ca_pem), 0644 },
                { "server.pem", c->server_pem, strlen(c->server_pem), 0600 },
                { "client.pem", c->client_pem, strlen(c->client_pem), 0600 },
                { "client.p12", c->client_p12, c->client_p12_size, 0600 },
                { "untrusted-client.pem", c->untrusted_client_pem, strlen(c->untrusted_client_pem), 0600 },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                r = write_file(dir, files[i].name, files[i].data, files[i].size, files[i].mode);
                if (r < 0)
                        return r;
        }
        return 0;
}
