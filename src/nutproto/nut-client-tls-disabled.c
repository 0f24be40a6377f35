/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client-side STARTTLS when nutd is built without gnutls: every entry point says "not supported".
 */
#include "nut-client-tls.h"

int nut_client_tls_context_new(const char *cafile, const char *certfile, bool verify,
                               NutClientTlsContext **ret, char **ret_error)
{
        if (ret_error)
                *ret_error = strdup("nutd was built without TLS support (gnutls)");
        return -EOPNOTSUPP;
}

NutClientTlsContext *nut_client_tls_context_ref(NutClientTlsContext *c)
{
        return c;
}

NutClientTlsContext *nut_client_tls_context_unref(NutClientTlsContext *c)
{
        return NULL;
}

bool nut_client_tls_supported(void)
{
        return false;
}

int nut_client_tls_new(NutClientTlsContext *c, int fd, const char *host, NutClientTls **ret)
{
        return -EOPNOTSUPP;
}

int nut_client_tls_handshake(NutClientTls *t)
{
        return -EOPNOTSUPP;
}

bool nut_client_tls_want_write(NutClientTls *t)
{
        return false;
}

ssize_t nut_client_tls_read(NutClientTls *t, void *buf, size_t n)
{
        return -EOPNOTSUPP;
}

ssize_t nut_client_tls_write(NutClientTls *t, const void *buf, size_t n)
{
        return -EOPNOTSUPP;
}

const char *nut_client_tls_last_error(NutClientTls *t)
{
        return NULL;
}

char *nut_client_tls_description(NutClientTls *t)
{
        return NULL;
}

NutClientTls *nut_client_tls_free(NutClientTls *t)
{
        return NULL;
}
