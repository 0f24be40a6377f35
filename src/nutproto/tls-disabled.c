/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * STARTTLS in a build without gnutls: nothing is supported, so the server answers
 * ERR FEATURE-NOT-SUPPORTED and a configured CERTFILE is reported as unusable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "tls.h"

int nut_tls_context_new(
                const char *certfile,
                const char *cafile_or_dir,
                int certrequest,
                bool disable_weak,
                NutTlsContext **ret,
                char **ret_error)
{
        if (ret_error)
                *ret_error = strdup("nutd was built without TLS support (gnutls)");
        return -EOPNOTSUPP;
}

NutTlsContext *nut_tls_context_free(NutTlsContext *c)
{
        return NULL;
}

bool nut_tls_supported(void)
{
        return false;
}

int nut_tls_new(NutTlsContext *c, int fd, NutTls **ret)
{
        return -EOPNOTSUPP;
}

int nut_tls_handshake(NutTls *t)
{
        return -EOPNOTSUPP;
}

bool nut_tls_want_write(NutTls *t)
{
        return false;
}

ssize_t nut_tls_read(NutTls *t, void *buf, size_t n)
{
        return -EOPNOTSUPP;
}

ssize_t nut_tls_write(NutTls *t, const void *buf, size_t n)
{
        return -EOPNOTSUPP;
}

size_t nut_tls_pending(NutTls *t)
{
        return 0;
}

void nut_tls_bye(NutTls *t)
{
}

NutTls *nut_tls_free(NutTls *t)
{
        return NULL;
}

char *nut_tls_peer_description(NutTls *t)
{
        return NULL;
}

const char *nut_tls_last_error(NutTls *t)
{
        return NULL;
}
