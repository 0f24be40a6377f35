/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsd.conf: the NUT server's listeners, limits, TLS and paths (NUT-REFERENCE §2.2).
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define UPSD_PORT_DEFAULT 3493

typedef struct NutListen {
        char *address;          /* as written; "*" is kept and expanded by the server */
        uint16_t port;
} NutListen;

typedef enum NutCertRequest {
        NUT_CERT_NO,
        NUT_CERT_REQUEST,
        NUT_CERT_REQUIRE,
        _NUT_CERT_REQUEST_MAX,
        _NUT_CERT_REQUEST_INVALID = -EINVAL,
} NutCertRequest;

typedef struct UpsdConfig {
        NutListen *listen;      /* empty: the server uses 127.0.0.1 and ::1, port 3493 */
        size_t n_listen;
        unsigned maxage;        /* MAXAGE, seconds, default 15 */
        unsigned maxconn;       /* MAXCONN, default 1024 (never from RLIMIT_NOFILE) */
        unsigned trackingdelay; /* TRACKINGDELAY, seconds, default 3600 */
        char *certfile;         /* CERTFILE: PEM certificate chain and key */
        char *certpath;         /* CERTPATH: CA file or directory for client certificates */
        NutCertRequest certrequest;     /* CERTREQUEST, default NO */
        bool disable_weak_ssl;
        bool allow_no_device;
        bool allow_not_all_listeners;
        char *statepath;
        char *datapath;
        char **warnings;        /* "file:line: ..." for lines ignored as upsd would; the daemon logs them */
} UpsdConfig;

void upsd_config_init(UpsdConfig *c);
void upsd_config_done(UpsdConfig *c);
int upsd_config_parse(UpsdConfig *c, const char *name, const char *text, size_t size, char **ret_error);
int upsd_config_load(UpsdConfig *c, const char *path, char **ret_error);

const char *nut_cert_request_to_string(NutCertRequest r);
NutCertRequest nut_cert_request_from_string(const char *s);
