/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make-test-certs DIR: writes a throwaway CA and certificates (see test-certs.h) for end-to-end tests:
 * ca.pem, server.pem (nutd's CERTFILE), client.pem, client.p12 (password "nutd-test", friendly name
 * "nutd-test-client": NUT's CERTIDENT after pk12util) and untrusted-client.pem.
 */
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "test-certs.h"

int main(int argc, char *argv[])
{
        _cleanup_(test_certs_done) TestCerts c = {};
        int r;

        if (argc != 2) {
                fprintf(stderr, "Usage: %s DIRECTORY\n", argv[0]);
                return 2;
        }

        r = test_certs_generate(&c);
        if (r < 0) {
                fprintf(stderr, "Cannot generate certificates: %s\n", strerror(-r));
                return 1;
        }
        r = test_certs_write(&c, argv[1]);
        if (r < 0) {
                fprintf(stderr, "Cannot write certificates to %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        return 0;
}
