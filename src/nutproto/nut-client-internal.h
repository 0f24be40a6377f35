/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NutConn's insides, shared by nut-client.c (connection, framing, queue) and nut-client-requests.c
 * (the protocol's requests and tracked operations).
 */
#pragma once

#include <sys/socket.h>

#include "nut-client-tls.h"
#include "nut-client.h"
#include "resolve.h"
#include "tokenize.h"

#define NUT_CONN_MAX_ADDRESSES 4
#define NUT_CONN_MAX_LIST_ITEMS 8192    /* a LIST longer than this is a hostile server */
#define NUT_CONN_MAX_LINE (64 * 1024)   /* bytes without LF */

typedef enum NutConnState {
        NUT_CONN_IDLE,                  /* not connected (yet, or any more) */
        NUT_CONN_CONNECTING,
        NUT_CONN_OPEN,
        NUT_CONN_HANDSHAKE,             /* STARTTLS answered OK: TLS handshake running */
} NutConnState;

typedef struct NutRequest NutRequest;
struct NutRequest {
        NutRequest *next;
        char *line;                     /* with the LF */
        bool list;
        bool starttls;
        NutConnReplyFn fn;
        void *userdata;
        NutClientTlsContext *tls;       /* STARTTLS: the context the session is made from */
        bool begun;                     /* BEGIN LIST seen */
        char **words;                   /* the reply line, or the BEGIN LIST line */
        char ***items;
        size_t n_items, n_alloc;
};

typedef struct NutTrackedOp NutTrackedOp;

struct NutConn {
        unsigned n_ref;
        sd_event *event;
        char *host;                     /* as given, for TLS name checks and logs */
        char peer[64];                  /* "127.0.0.1:3493" of the current attempt */
        struct sockaddr_storage addrs[NUT_CONN_MAX_ADDRESSES];
        socklen_t addr_lens[NUT_CONN_MAX_ADDRESSES];
        size_t n_addrs, addr_index;
        uint16_t port;
        bool by_name;                   /* host is a name: looked up at each connect */
        Resolve *lookup;                /* that lookup, while it runs */
        uint64_t timeout_usec;

        NutConnState state;
        int fd;
        sd_event_source *io;
        sd_event_source *timer;         /* connect, handshake or request timeout */
        NutClientTls *tls;
        char *last_error;               /* why the last TLS handshake failed */

        NutTokenizer tok;
        size_t line_bytes;              /* bytes of the current line so far */
        char *out;
        size_t out_len, out_sent, out_alloc;
        bool sent;                      /* the head request is written out: its reply is awaited */

        NutRequest *head, *tail;
        NutTrackedOp *tracked;          /* tracked operations waiting for their result */

        NutConnReplyFn connect_fn;
        void *connect_userdata;
        NutConnClosedFn closed_fn;
        void *closed_userdata;
};

/* nut-client-requests.c: fail every tracked operation (the connection is going away). */
void nut_conn_tracked_cancel_all(NutConn *c, int r);
