/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote: a UPS served by another NUT server (upsd or nutd), mirrored into a local Device.
 * This file runs the session: connect, optional STARTTLS, USERNAME/PASSWORD, LOGIN (so the remote
 * primary counts us, as it counts upsmon), SET TRACKING ON, then polls; reconnects with backoff;
 * forwards SET VAR, INSTCMD and FSD.
 */
#include "config.h"
#include "driver-table.h"
#include "log.h"
#include "nut-remote-internal.h"
#include "nut-remote.h"
#include "strv.h"

static void remote_connect(NutRemote *x);

static void remote_free(NutRemote *x)
{
        if (!x)
                return;
        x->stopping = true;
        /* Pending operations complete with -ECANCELED now, while everything they touch still exists. */
        nut_conn_close(x->conn, -ECANCELED);
        nut_conn_unref(x->conn);
        sd_event_source_disable_unref(x->timer);
        nut_client_tls_context_unref(x->tls);
        strv_free(x->typed);
        nut_remote_config_done(&x->config);
        device_unref(x->device);
        free(x);
}

static int on_reconnect_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        remote_connect(userdata);
        return 0;
}

/* The server is gone (or never came): the device is disconnected until a new session is up. */
static void remote_lost(NutRemote *x, int r)
{
        int k;

        if (x->stopping)
                return;
        x->ready = false;
        x->logged_in = false;
        x->numlogins = -1;
        nut_remote_poll_reset(x);
        if (!x->warned)
                log_warning_errno(r, "%s: no connection to %s@%s (%s), retrying: %m", x->device->name,
                                  x->config.ups, x->config.host, nut_conn_peer(x->conn));
        else
                log_debug_errno(r, "%s: cannot reach %s: %m", x->device->name, nut_conn_peer(x->conn));
        x->warned = true;

        x->timer = sd_event_source_disable_unref(x->timer);
        k = sd_event_add_time_relative(x->device->event, &x->timer, CLOCK_MONOTONIC, x->backoff_usec,
                                       USEC_PER_MSEC * 10, on_reconnect_timer, x);
        if (k < 0)
                log_error_errno(k, "%s: cannot schedule a reconnection: %m", x->device->name);
        x->backoff_usec *= 2;
        if (x->backoff_usec > NUT_REMOTE_BACKOFF_MAX_USEC)
                x->backoff_usec = NUT_REMOTE_BACKOFF_MAX_USEC;
        device_set_connection(x->device, DEVICE_DISCONNECTED);         /* last: consumers run from here */
}

static void on_closed(NutConn *c, int reason, void *userdata)
{
        remote_lost(userdata, reason);
}

/* Gives up on this connection from inside the session set-up. */
static void remote_abort(NutRemote *x, int r)
{
        nut_conn_close(x->conn, r);
        remote_lost(x, r);
}

static void on_upsdesc(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (!reply)
                return;         /* the connection failed: on_closed() takes over */
        if (r >= 0 && !x->own_description && strv_length(reply->words) >= 3 &&
            !streq(reply->words[2], "Unavailable"))
                (void) device_set_description(x->device, reply->words[2]);
        /* The last step of the set-up: the session is ready. */
        x->ready = true;
        if (x->warned)
                log_info("%s: connected to %s@%s again", x->device->name, x->config.ups, nut_conn_peer(c));
        x->warned = false;
        r = nut_remote_poll_start(x);
        if (r < 0)
                remote_abort(x, r);
}

/* Without tracking, SET and INSTCMD complete when the server has accepted them. */
static void on_tracking(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (reply && r < 0)
                log_debug("%s: no command tracking on %s (%s): results are what the server accepted",
                          x->device->name, nut_conn_peer(c), reply->error);
}

static void on_login(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (reply && r < 0)
                log_warning("%s: LOGIN %s as %s refused: %s; monitoring without being counted",
                            x->device->name, x->config.ups, x->config.username, reply->error);
        x->logged_in = r >= 0;
}

static void on_auth(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (reply && r < 0)
                log_warning("%s: USERNAME/PASSWORD refused by %s: %s", x->device->name, nut_conn_peer(c),
                            reply->error);
}

/* Everything after STARTTLS, queued at once: one request is in flight at a time, in this order. */
static void session_continue(NutRemote *x)
{
        NutConn *c = x->conn;
        const NutRemoteConfig *o = &x->config;
        int r = 0;

        if (o->username) {
                r = nut_conn_username(c, o->username, on_auth, x);
                if (r >= 0 && o->password)
                        r = nut_conn_password(c, o->password, on_auth, x);
                if (r >= 0 && o->login)
                        r = nut_conn_login(c, o->ups, on_login, x);
                if (r >= 0)
                        r = nut_conn_set_tracking(c, true, on_tracking, x);
        }
        if (r >= 0)
                r = nut_conn_get_upsdesc(c, o->ups, on_upsdesc, x);
        if (r < 0)
                remote_abort(x, r);
}

static void on_starttls(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (r >= 0) {
                log_debug("%s: TLS with %s", x->device->name, nut_conn_peer(c));
                return session_continue(x);
        }
        if (!reply) {           /* the handshake failed; the connection is closed */
                log_full_errno(x->warned ? LOG_DEBUG : LOG_WARNING, r, "%s: TLS with %s failed: %s",
                               x->device->name, nut_conn_peer(c), nut_conn_last_error(c) ?: strerror(-r));
                return;
        }
        if (x->config.starttls == NUT_REMOTE_TLS_TRY) {
                log_debug("%s: %s has no STARTTLS (%s), going on in plaintext", x->device->name,
                          nut_conn_peer(c), reply->error);
                return session_continue(x);
        }
        log_full_errno(x->warned ? LOG_DEBUG : LOG_WARNING, r, "%s: %s refused STARTTLS (%s)",
                       x->device->name, nut_conn_peer(c), reply->error);
        remote_abort(x, r);
}

static void on_connected(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (r < 0)
                return remote_lost(x, r);
        log_debug("%s: connected to %s", x->device->name, nut_conn_peer(c));
        if (x->tls)
                r = nut_conn_starttls(c, x->tls, on_starttls, x);
        else
                session_continue(x);
        if (r < 0)
                remote_abort(x, r);
}

static void remote_connect(NutRemote *x)
{
        int r;

        x->timer = sd_event_source_disable_unref(x->timer);
        r = nut_conn_connect(x->conn, on_connected, x);
        if (r < 0)
                remote_lost(x, r);
}

static int remote_setup_tls(NutRemote *x)
{
        _cleanup_free_ char *error = NULL;
        const NutRemoteConfig *o = &x->config;
        int r;

        if (o->starttls == NUT_REMOTE_TLS_NO)
                return 0;
        if (!nut_client_tls_supported() && o->starttls == NUT_REMOTE_TLS_TRY) {
                log_info("%s: nutd has no TLS support, starttls = try goes on in plaintext",
                         x->device->name);
                return 0;
        }
        r = nut_client_tls_context_new(o->cafile, o->certfile, o->certverify, &x->tls, &error);
        if (r < 0)
                return log_error_errno(r, "%s: TLS: %s", x->device->name, error ?: strerror(-r));
        if (!o->certverify)
                log_info("%s: STARTTLS without certificate verification (no cafile): encrypted, not "
                         "authenticated", x->device->name);
        return 0;
}

static int nut_remote_start(Device *d, const DeviceConfig *c, void **ret_state)
{
        _cleanup_free_ char *error = NULL;
        NutRemote *x;
        int r;

        x = calloc(1, sizeof(NutRemote));
        if (!x)
                return -ENOMEM;
        x->device = device_ref(d);
        x->backoff_usec = NUT_REMOTE_BACKOFF_MIN_USEC;
        x->numlogins = -1;
        x->own_description = !isempty(c->desc);
        /* The device core publishes every ups.conf key as driver.parameter.*: not this one. */
        (void) device_remove_var(d, "driver.parameter.password");

        r = nut_remote_config_parse(c, &x->config, &error);
        if (r < 0)
                log_error("%s: %s", d->name, error ?: "out of memory");
        if (r >= 0)
                r = remote_setup_tls(x);
        if (r >= 0) {
                r = nut_conn_new(d->event, x->config.host, x->config.port, &x->conn);
                if (r == -EADDRNOTAVAIL)
                        log_error("%s: host \"%s\" is neither an IPv4/IPv6 address nor a host name",
                                  d->name, x->config.host);
        }
        if (r < 0) {
                remote_free(x);
                return r;
        }
        nut_conn_set_closed_callback(x->conn, on_closed, x);
        (void) device_set_stale_timeout(d, NUT_REMOTE_STALE_POLLS * x->config.poll_usec);
        log_debug("%s: mirroring %s@%s port %u", d->name, x->config.ups, x->config.host, x->config.port);
        remote_connect(x);
        *ret_state = x;
        return 0;
}

static void nut_remote_stop(void *state)
{
        remote_free(state);
}

/* An operation handed to the server: the caller's completion, and a poll to show its effect soon. */
typedef struct RemoteOp {
        NutRemote *remote;
        DeviceOpDone done;
        void *userdata;
} RemoteOp;

static void remote_op_done(int r, void *userdata)
{
        RemoteOp *op = userdata;
        NutRemote *x = op->remote;

        if (r >= 0 && !x->stopping)
                nut_remote_schedule_poll(x, 0);
        op->done(r, op->userdata);
        free(op);
}

static void on_fsd_reply(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        remote_op_done(r, userdata);
}

static int remote_op_new(NutRemote *x, DeviceOpDone done, void *userdata, RemoteOp **ret)
{
        RemoteOp *op;

        if (!x->ready)
                return -ENOTCONN;
        op = calloc(1, sizeof(RemoteOp));
        if (!op)
                return -ENOMEM;
        *op = (RemoteOp) { .remote = x, .done = done, .userdata = userdata };
        *ret = op;
        return 0;
}

/* SET VAR <ups> <var> "<value>"; with tracking, done hears the remote driver's verdict. */
static int nut_remote_setvar(void *state, const char *name, const char *value, DeviceOpDone done,
                             void *userdata)
{
        NutRemote *x = state;
        RemoteOp *op;
        int r;

        r = remote_op_new(x, done, userdata, &op);
        if (r < 0)
                return r;
        r = nut_conn_set_var_done(x->conn, x->config.ups, name, value, remote_op_done, op);
        if (r < 0)
                free(op);
        return r;
}

static int nut_remote_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done,
                              void *userdata)
{
        NutRemote *x = state;
        RemoteOp *op;
        int r;

        r = remote_op_new(x, done, userdata, &op);
        if (r < 0)
                return r;
        r = nut_conn_instcmd_done(x->conn, x->config.ups, cmd, param, remote_op_done, op);
        if (r < 0)
                free(op);
        return r;
}

/**
 * nut_remote_set_fsd() - latch forced shutdown on the remote server ("FSD <ups>")
 * @state: the driver state of a device whose driver is nut_remote_driver (d->driver_state)
 * @done: called once with 0 ("OK FSD-SET"), or -EACCES (the user is not an upsmon primary there),
 *        -ENOTCONN, or the connection's failure
 * @userdata: for @done
 *
 * Goes over the session that logged in, with the configured username; the remote's ups.status then
 * starts with FSD, which the next poll (started at once) mirrors.
 *
 * Return: 0, or -ENOTCONN (no session now), -ENOMEM; @done is not called then.
 */
int nut_remote_set_fsd(void *state, DeviceOpDone done, void *userdata)
{
        NutRemote *x = state;
        RemoteOp *op;
        int r;

        r = remote_op_new(x, done, userdata, &op);
        if (r < 0)
                return r;
        r = nut_conn_fsd(x->conn, x->config.ups, on_fsd_reply, op);
        if (r < 0)
                free(op);
        return r;
}

const DriverOps nut_remote_driver = {
        .name = "nut-remote",
        .transport = DRIVER_NETWORK,
        .version = "0.1",
        .start = nut_remote_start,
        .setvar = nut_remote_setvar,
        .set_fsd = nut_remote_set_fsd,
        .count_logins = nut_remote_count_logins,
        .instcmd = nut_remote_instcmd,
        .stop = nut_remote_stop,
};
