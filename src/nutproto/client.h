/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NutClient: one connection to the NUT server: bounded input and output buffers, the
 * request tokenizer, login state, optional TLS.
 */
#pragma once

#include <netinet/in.h>
#include <systemd/sd-event.h>

#include "device.h"
#include "nut-error.h"
#include "server.h"
#include "tokenize.h"

#define NUT_CLIENT_IN_SIZE 4096
#define NUT_CLIENT_OUT_HIGH (256 * 1024)        /* stop reading requests above this much unsent output */
#define NUT_CLIENT_OUT_MAX (4 * 1024 * 1024)    /* a client that lets this much pile up is dropped */

typedef struct NutTls NutTls;

struct NutClient {
        NutServer *server;
        NutClient *prev, *next;
        int fd;
        uint32_t events;                /* what the server's epoll watches for; 0: not added yet */
        char address[INET6_ADDRSTRLEN];

        NutTokenizer tok;
        char in[NUT_CLIENT_IN_SIZE];
        size_t in_pos, in_len;          /* unprocessed input is in[in_pos..in_len) */

        char *out;                      /* replies not yet sent: out[out_sent..out_len) */
        size_t out_len, out_sent, out_alloc;
        bool out_failed;                /* out of memory while formatting: drop the client */

        char *username, *password;
        Device *login;                  /* the device LOGIN named */
        bool tracking;
        bool closing;                   /* LOGOUT: close once the output is sent */
        bool eof;                       /* the peer finished sending: close once all is answered */
        bool starttls;                  /* OK STARTTLS queued: handshake once it is sent */
        NutTls *tls;
        bool handshaking;
        uint64_t last_active;           /* CLOCK_MONOTONIC µs of the last request */
};

int nut_client_new(NutServer *s, int fd, NutClient **ret);
int nut_client_attach(NutClient *c);
void nut_client_handle_io(NutClient *c, uint32_t revents);
void nut_client_feed(NutClient *c, const char *data, size_t n);
NutClient *nut_client_free(NutClient *c);

void nut_client_send(NutClient *c, const char *s, size_t n);
void nut_client_send_str(NutClient *c, const char *s);
void nut_client_send_escaped(NutClient *c, const char *s);
void nut_client_sendf(NutClient *c, const char *fmt, ...) _printf_(2, 3);
void nut_client_send_error(NutClient *c, NutError e);
