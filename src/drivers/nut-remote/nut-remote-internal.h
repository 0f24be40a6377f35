/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote's insides: its settings from ups.conf, and the per-device state shared by the session
 * (nut-remote.c), the poll that mirrors the remote UPS (nut-remote-poll.c) and the settings parser
 * (nut-remote-config.c).
 */
#pragma once

#include <stdint.h>

#include "device.h"
#include "nut-client.h"
#include "nut-client-tls.h"

#define NUT_REMOTE_POLL_DEFAULT_USEC (2 * USEC_PER_SEC)
#define NUT_REMOTE_POLL_MAX_SEC 30UL
#define NUT_REMOTE_BACKOFF_MIN_USEC (1 * USEC_PER_SEC)
#define NUT_REMOTE_BACKOFF_MAX_USEC (30 * USEC_PER_SEC)
#define NUT_REMOTE_STALE_POLLS 3

typedef enum NutRemoteTls {
        NUT_REMOTE_TLS_NO,
        NUT_REMOTE_TLS_TRY,             /* STARTTLS if the server offers it, else plaintext */
        NUT_REMOTE_TLS_YES,             /* STARTTLS or no session at all */
        _NUT_REMOTE_TLS_MAX,
        _NUT_REMOTE_TLS_INVALID = -EINVAL,
} NutRemoteTls;

typedef struct NutRemoteConfig {
        char *ups;                      /* the UPS name on the remote server */
        char *host;                     /* numeric address or localhost, without brackets */
        uint16_t port;
        char *username, *password;
        bool login;
        uint64_t poll_usec;
        NutRemoteTls starttls;
        char *cafile, *certfile;
        bool certverify;
} NutRemoteConfig;

typedef struct NutRemote {
        Device *device;
        NutRemoteConfig config;
        bool own_description;           /* ups.conf has a desc: the remote's UPSDESC is not taken */
        NutClientTlsContext *tls;
        NutConn *conn;
        sd_event_source *timer;         /* the next poll, or the next connection attempt */
        uint64_t backoff_usec;
        bool ready;                     /* session set up: polls and operations go out */
        bool warned;                    /* the loss of the server has been logged */
        bool stopping;

        /* the poll cycle */
        bool polling;
        unsigned poll_pending;          /* its requests not answered yet */
        bool poll_failed;               /* no commit at its end */
        bool poll_again;                /* start the next one at once (an operation changed things) */
        char **typed;                   /* variables whose GET TYPE was asked on this connection */
        bool logged_in;                 /* LOGIN accepted: the server counts us */
        int numlogins;                  /* the server's NUMLOGINS at the last poll; -1: unknown */
} NutRemote;

void nut_remote_config_done(NutRemoteConfig *c);
int nut_remote_config_parse(const DeviceConfig *dc, NutRemoteConfig *ret, char **ret_error);
int nut_remote_parse_port(const char *port, char **ret_ups, char **ret_host, uint16_t *ret_port);
const char *nut_remote_tls_to_string(NutRemoteTls t);
NutRemoteTls nut_remote_tls_from_string(const char *s);

int nut_remote_poll_start(NutRemote *x);
void nut_remote_poll_reset(NutRemote *x);
void nut_remote_schedule_poll(NutRemote *x, uint64_t usec);
