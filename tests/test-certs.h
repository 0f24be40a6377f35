/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throwaway X.509 material for TLS tests, made with gnutls at run time: a CA, a server certificate for
 * localhost/127.0.0.1/::1, a client certificate from the same CA, and an untrusted client certificate.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TEST_CERTS_CLIENT_NAME "nutd-test-client"    /* the client's CN and PKCS#12 friendly name */
#define TEST_CERTS_P12_PASSWORD "nutd-test"

typedef struct TestCerts {
        char *ca_pem;                   /* the CA certificate (CERTPATH, and the clients' trust) */
        char *server_pem;               /* server certificate + unencrypted key (CERTFILE) */
        char *client_pem;               /* client certificate (CN=nutd-test-client) + key, CA-signed */
        char *untrusted_client_pem;     /* client certificate + key from an impostor CA with the CA's name */
        uint8_t *client_p12;            /* client_pem as PKCS#12 (DER), for NSS's pk12util */
        size_t client_p12_size;
} TestCerts;

/* PEM strings are NUL-terminated. Returns 0 or a negative errno (the gnutls error goes to stderr). */
int test_certs_generate(TestCerts *ret);
void test_certs_done(TestCerts *c);

/* Writes ca.pem (0644), server.pem, client.pem, client.p12 and untrusted-client.pem (0600: they hold
 * keys) into an existing directory. Returns 0 or a negative errno. */
int test_certs_write(const TestCerts *c, const char *dir);
