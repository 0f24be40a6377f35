/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT protocol's requests on a NutConn, ERR codes as errno, and SET VAR / INSTCMD followed to their
 * result: with tracking on, upsd answers "OK TRACKING <id>" and the driver's verdict is polled with
 * GET TRACKING.
 */
#include "nut-client-internal.h"

#define TRACKING_POLL_USEC (200 * USEC_PER_MSEC)
#define TRACKING_MAX_USEC (10 * USEC_PER_SEC)

struct NutTrackedOp {
        NutTrackedOp *prev, *next;
        NutConn *conn;                  /* not referenced: the connection cancels us before it goes */
        char *id;
        NutConnDoneFn done;
        void *userdata;
        sd_event_source *timer;
        uint64_t deadline;              /* CLOCK_MONOTONIC µs */
};

/**
 * nut_conn_errno() - the errno for a NUT error code: what nut-remote hands back to callers
 */
int nut_conn_errno(NutError e)
{
        switch (e) {
        case NUT_ERR_ACCESS_DENIED:
        case NUT_ERR_USERNAME_REQUIRED:
        case NUT_ERR_PASSWORD_REQUIRED:
                return -EACCES;
        case NUT_ERR_VAR_NOT_SUPPORTED:
                return -ENOENT;
        case NUT_ERR_CMD_NOT_SUPPORTED:
        case NUT_ERR_FEATURE_NOT_SUPPORTED:
        case NUT_ERR_FEATURE_NOT_CONFIGURED:
                return -EOPNOTSUPP;
        case NUT_ERR_READONLY:
                return -EROFS;
        case NUT_ERR_TOO_LONG:
                return -E2BIG;
        case NUT_ERR_INVALID_VALUE:
        case NUT_ERR_INVALID_ARGUMENT:
                return -EINVAL;
        case NUT_ERR_DATA_STALE:
                return -ESTALE;
        case NUT_ERR_DRIVER_NOT_CONNECTED:
                return -ENOTCONN;
        case NUT_ERR_UNKNOWN_UPS:
                return -ENODEV;
        case NUT_ERR_ALREADY_LOGGED_IN:
        case NUT_ERR_ALREADY_SSL_MODE:
                return -EALREADY;
        default:
                return -EIO;
        }
}

#define SEND(c, list, fn, userdata, ...) \
        nut_conn_send(c, list, fn, userdata, (const char *const[]) { __VA_ARGS__, NULL })

int nut_conn_username(NutConn *c, const char *user, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "USERNAME", user);
}

int nut_conn_password(NutConn *c, const char *password, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "PASSWORD", password);
}

/* LOGIN counts us in upsd's NUMLOGINS for the UPS (what upsmon does; a shutdown primary waits for us). */
int nut_conn_login(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "LOGIN", ups);
}

int nut_conn_logout(NutConn *c, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "LOGOUT");
}

/* Sets upsd's forced-shutdown latch; needs a user with "upsmon primary". */
int nut_conn_fsd(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "FSD", ups);
}

int nut_conn_list_var(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, true, fn, userdata, "LIST", "VAR", ups);
}

int nut_conn_list_rw(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, true, fn, userdata, "LIST", "RW", ups);
}

int nut_conn_list_cmd(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, true, fn, userdata, "LIST", "CMD", ups);
}

int nut_conn_list_enum(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, true, fn, userdata, "LIST", "ENUM", ups, var);
}

int nut_conn_list_range(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, true, fn, userdata, "LIST", "RANGE", ups, var);
}

int nut_conn_get_type(NutConn *c, const char *ups, const char *var, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "GET", "TYPE", ups, var);
}

int nut_conn_get_upsdesc(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "GET", "UPSDESC", ups);
}

int nut_conn_get_numlogins(NutConn *c, const char *ups, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "GET", "NUMLOGINS", ups);
}

int nut_conn_set_var(NutConn *c, const char *ups, const char *var, const char *value, NutConnReplyFn fn,
                     void *userdata)
{
        return SEND(c, false, fn, userdata, "SET", "VAR", ups, var, value);
}

/* upsd takes a parameter only when exactly one follows the command. */
int nut_conn_instcmd(NutConn *c, const char *ups, const char *cmd, const char *param, NutConnReplyFn fn,
                     void *userdata)
{
        if (param)
                return SEND(c, false, fn, userdata, "INSTCMD", ups, cmd, param);
        return SEND(c, false, fn, userdata, "INSTCMD", ups, cmd);
}

int nut_conn_set_tracking(NutConn *c, bool on, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "SET", "TRACKING", on ? "ON" : "OFF");
}

int nut_conn_get_tracking(NutConn *c, const char *id, NutConnReplyFn fn, void *userdata)
{
        return SEND(c, false, fn, userdata, "GET", "TRACKING", id);
}

static uint64_t now_usec(sd_event *e)
{
        uint64_t t = 0;

        (void) sd_event_now(e, CLOCK_MONOTONIC, &t);
        return t;
}

static void tracked_unlink(NutTrackedOp *op)
{
        if (op->prev)
                op->prev->next = op->next;
        else
                op->conn->tracked = op->next;
        if (op->next)
                op->next->prev = op->prev;
}

static void tracked_finish(NutTrackedOp *op, int r)
{
        tracked_unlink(op);
        sd_event_source_disable_unref(op->timer);
        op->done(r, op->userdata);
        free(op->id);
        free(op);
}

/* Called by the connection as it shuts down: nothing can complete any more. */
void nut_conn_tracked_cancel_all(NutConn *c, int r)
{
        while (c->tracked)
                tracked_finish(c->tracked, r);
}

static int on_poll_timer(sd_event_source *s, uint64_t usec, void *userdata);

static void tracked_wait(NutTrackedOp *op)
{
        int r;

        if (now_usec(op->conn->event) >= op->deadline)
                return tracked_finish(op, -ETIMEDOUT);
        op->timer = sd_event_source_disable_unref(op->timer);
        r = sd_event_add_time_relative(op->conn->event, &op->timer, CLOCK_MONOTONIC, TRACKING_POLL_USEC,
                                       10 * USEC_PER_MSEC, on_poll_timer, op);
        if (r < 0)
                tracked_finish(op, r);
}

/* The driver's verdict as errno, so that a NUT server built on nutd's tracking gives the same words back:
 * UNKNOWN (the driver has no such command or variable), INVALID-ARGUMENT, FAILED. */
static int tracking_errno(const char *verdict)
{
        if (streq(verdict, "UNKNOWN"))
                return -EOPNOTSUPP;
        if (streq(verdict, "INVALID-ARGUMENT"))
                return -EINVAL;
        return -EIO;
}

/* GET TRACKING <id>: PENDING, SUCCESS, or ERR UNKNOWN / INVALID-ARGUMENT / FAILED. */
static void on_tracking_reply(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutTrackedOp *op = userdata;

        if (r < 0)
                return tracked_finish(op, reply ? tracking_errno(reply->error) : r);
        if (streq(reply->words[0], "PENDING"))
                return tracked_wait(op);
        tracked_finish(op, streq(reply->words[0], "SUCCESS") ? 0 : -EIO);
}

static int on_poll_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        NutTrackedOp *op = userdata;
        int r;

        op->timer = sd_event_source_disable_unref(op->timer);
        r = nut_conn_get_tracking(op->conn, op->id, on_tracking_reply, op);
        if (r < 0)
                tracked_finish(op, r);
        return 0;
}

/* "OK" (no tracking: all upsd can tell) or "OK TRACKING <id>" (poll for the driver's answer). */
static void on_op_reply(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutTrackedOp *op = userdata;

        if (r < 0)
                return tracked_finish(op, r);
        if (!streq(reply->words[0], "OK"))
                return tracked_finish(op, -EPROTO);
        if (!reply->words[1] || !streq(reply->words[1], "TRACKING") || isempty(reply->words[2]))
                return tracked_finish(op, 0);
        op->id = strdup(reply->words[2]);
        if (!op->id)
                return tracked_finish(op, -ENOMEM);
        tracked_wait(op);
}

static int tracked_new(NutConn *c, NutConnDoneFn done, void *userdata, NutTrackedOp **ret)
{
        NutTrackedOp *op;

        if (!done)
                return -EINVAL;
        op = calloc(1, sizeof(NutTrackedOp));
        if (!op)
                return -ENOMEM;
        *op = (NutTrackedOp) {
                .conn = c,
                .done = done,
                .userdata = userdata,
                .deadline = now_usec(c->event) + TRACKING_MAX_USEC,
                .next = c->tracked,
        };
        if (c->tracked)
                c->tracked->prev = op;
        c->tracked = op;
        *ret = op;
        return 0;
}

/* Undoes tracked_new() when the request could not even be queued (done is not called then). */
static int tracked_abandon(NutTrackedOp *op, int r)
{
        tracked_unlink(op);
        free(op);
        return r;
}

/**
 * nut_conn_set_var_done() - SET VAR, then wait for the driver's verdict when tracking is on
 * @done: called once: 0; the ERR reply as errno (nut_conn_errno()); the driver's verdict: -EOPNOTSUPP
 *        (ERR UNKNOWN), -EINVAL (ERR INVALID-ARGUMENT), -EIO (ERR FAILED); -ETIMEDOUT when no verdict
 *        came within 10 s; or the connection's failure
 *
 * Turn tracking on first (nut_conn_set_tracking()); without it upsd's "OK" only means "passed on to the
 * driver", and that is what @done reports.
 *
 * Return: 0, or a negative errno and @done is not called.
 */
int nut_conn_set_var_done(NutConn *c, const char *ups, const char *var, const char *value,
                          NutConnDoneFn done, void *userdata)
{
        NutTrackedOp *op;
        int r;

        r = tracked_new(c, done, userdata, &op);
        if (r < 0)
                return r;
        r = nut_conn_set_var(c, ups, var, value, on_op_reply, op);
        return r < 0 ? tracked_abandon(op, r) : 0;
}

/**
 * nut_conn_instcmd_done() - INSTCMD, then wait for the driver's verdict; as nut_conn_set_var_done()
 */
int nut_conn_instcmd_done(NutConn *c, const char *ups, const char *cmd, const char *param,
                          NutConnDoneFn done, void *userdata)
{
        NutTrackedOp *op;
        int r;

        r = tracked_new(c, done, userdata, &op);
        if (r < 0)
                return r;
        r = nut_conn_instcmd(c, ups, cmd, param, on_op_reply, op);
        return r < 0 ? tracked_abandon(op, r) : 0;
}
