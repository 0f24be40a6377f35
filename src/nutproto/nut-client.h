/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NutConn: the client side of the NUT network protocol, on sd-event and never blocking: connects to
 * upsd (or nutd), queues requests with one in flight at a time, parses the replies with the NUT
 * tokenizer. (NutClient, in client.h, is the server side of a connection.)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "nut-error.h"

#define NUT_CONN_DEFAULT_PORT 3493
#define NUT_CONN_DEFAULT_TIMEOUT_USEC (5 * USEC_PER_SEC)

typedef struct NutConn NutConn;
typedef struct NutClientTlsContext NutClientTlsContext;

typedef struct NutReply {
        char **words;           /* the reply line; for a LIST, the BEGIN LIST line */
        char ***items;          /* LIST: the word list of each line between BEGIN and END */
        size_t n_items;
        const char *error;      /* ERR replies: the code after "ERR" as sent (for logs) */
        NutError nut_error;     /* ERR replies: the code, or _NUT_ERR_INVALID if not one we know */
} NutReply;

/*
 * The result of one request, called exactly once (unless the request could not be queued): r = 0 and
 * the parsed reply; or r < 0 with reply->error set for an ERR reply (r from nut_conn_errno()); or r < 0
 * and reply NULL when the connection failed or was closed (-ETIMEDOUT, -ECONNRESET, -EPROTO, …,
 * -ECANCELED from nut_conn_close()). The reply is only valid during the call.
 */
typedef void (*NutConnReplyFn)(NutConn *c, int r, const NutReply *reply, void *userdata);
/* Completion of a tracked SET VAR / INSTCMD: 0 or a negative errno (same type as DeviceOpDone). */
typedef void (*NutConnDoneFn)(int r, void *userdata);
/* The connection ended by itself (not through nut_conn_close()), after the pending requests failed. */
typedef void (*NutConnClosedFn)(NutConn *c, int reason, void *userdata);

int nut_conn_new(sd_event *event, const char *host, uint16_t port, NutConn **ret);
NutConn *nut_conn_ref(NutConn *c);
NutConn *nut_conn_unref(NutConn *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(NutConn *, nut_conn_unref);

void nut_conn_set_closed_callback(NutConn *c, NutConnClosedFn fn, void *userdata);
void nut_conn_set_timeout(NutConn *c, uint64_t usec);
int nut_conn_connect(NutConn *c, NutConnReplyFn done, void *userdata);
void nut_conn_close(NutConn *c, int reason);
bool nut_conn_is_open(NutConn *c);
bool nut_conn_is_tls(NutConn *c);
const char *nut_conn_peer(NutConn *c);
const char *nut_conn_last_error(NutConn *c);

/* Any request: the words are quoted and escaped as needed. list: the reply is BEGIN LIST … END LIST. */
int nut_conn_send(NutConn *c, bool list, NutConnReplyFn fn, void *userdata, const char *const *words);

int nut_conn_username(NutConn *c, const char *user, NutConnReplyFn fn, void *userdata);
int nut_conn_password(NutConn *c, const char *password, NutConnReplyFn fn, void *userdata);
int nut_conn_login(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_logout(NutConn *c, NutConnReplyFn fn, void *userdata);
int nut_conn_fsd(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_list_var(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_list_rw(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_list_cmd(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_list_enum(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata);
int nut_conn_list_range(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata);
int nut_conn_get_type(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata);
int nut_conn_get_upsdesc(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_get_numlogins(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata);
int nut_conn_set_var(NutConn *c, const char *ups, const char *var, const char *value, NutConnReplyFn fn,
                     void *userdata);
int nut_conn_instcmd(NutConn *c, const char *ups, const char *cmd, const char *param, NutConnReplyFn fn,
                     void *userdata);
int nut_conn_set_tracking(NutConn *c, bool on, NutConnReplyFn fn, void *userdata);
int nut_conn_get_tracking(NutConn *c, const char *id, NutConnReplyFn fn, void *userdata);

/* SET VAR / INSTCMD to completion: with "OK TRACKING <id>" the result is polled with GET TRACKING. */
int nut_conn_set_var_done(NutConn *c, const char *ups, const char *var, const char *value,
                          NutConnDoneFn done, void *userdata);
int nut_conn_instcmd_done(NutConn *c, const char *ups, const char *cmd, const char *param,
                          NutConnDoneFn done, void *userdata);

/* STARTTLS, then the TLS handshake; fn gets 0 once the session is up, or the ERR / handshake failure. */
int nut_conn_starttls(NutConn *c, NutClientTlsContext *tls, NutConnReplyFn fn, void *userdata);

int nut_conn_errno(NutError e);
