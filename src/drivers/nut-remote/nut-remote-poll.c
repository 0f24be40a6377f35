/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote's poll: LIST VAR and LIST CMD each interval, GET TYPE (then LIST ENUM / LIST RANGE)
 * once per variable and connection, and one device_commit() when every answer of the cycle is in.
 * Variables the server no longer lists are removed; server.* (the server's own) are not mirrored.
 */
#include <stdlib.h>
#include <limits.h>
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "log.h"
#include "nut-remote-internal.h"
#include "nut-remote.h"
#include "strv.h"

static void poll_request_done(NutRemote *x);

/* Counts a request of the cycle; r < 0: it could not even be queued. */
static void poll_sent(NutRemote *x, int r)
{
        if (r >= 0)
                x->poll_pending++;
        else
                x->poll_failed = true;
}

static int on_poll_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        NutRemote *x = userdata;
        int r;

        x->timer = sd_event_source_disable_unref(x->timer);
        r = nut_remote_poll_start(x);
        if (r < 0)
                log_warning_errno(r, "%s: cannot poll: %m", x->device->name);
        return 0;
}

/* The next cycle in usec, or (usec 0 while one runs) right after the current one. */
void nut_remote_schedule_poll(NutRemote *x, uint64_t usec)
{
        int r;

        if (!x->ready)
                return;
        if (x->polling) {
                x->poll_again = x->poll_again || usec == 0;
                return;
        }
        x->timer = sd_event_source_disable_unref(x->timer);
        r = sd_event_add_time_relative(x->device->event, &x->timer, CLOCK_MONOTONIC, usec,
                                       USEC_PER_MSEC * 10, on_poll_timer, x);
        if (r < 0)
                log_error_errno(r, "%s: cannot schedule the next poll: %m", x->device->name);
}

/* Forget the cycle and what was learned on the connection (it is gone). */
void nut_remote_poll_reset(NutRemote *x)
{
        x->polling = false;
        x->poll_pending = 0;
        x->poll_again = false;
        x->typed = strv_free(x->typed);
        x->timer = sd_event_source_disable_unref(x->timer);
}

static void poll_finish(NutRemote *x)
{
        bool again = x->poll_again;

        x->polling = false;
        x->poll_again = false;
        if (!x->ready || x->stopping || !nut_conn_is_open(x->conn))
                return;         /* remote_lost() takes over */
        nut_remote_schedule_poll(x, again ? 0 : x->config.poll_usec);
        if (x->poll_failed)
                return;
        x->backoff_usec = NUT_REMOTE_BACKOFF_MIN_USEC;
        device_commit(x->device);       /* last: consumers run from here */
}

static void poll_request_done(NutRemote *x)
{
        if (x->poll_pending > 0 && --x->poll_pending == 0)
                poll_finish(x);
}

/* The remote server answered for its driver: mirror what it says about the data. */
static void remote_refused(NutRemote *x, const NutReply *reply)
{
        Device *d = x->device;

        x->poll_failed = true;
        if (reply->nut_error == NUT_ERR_DATA_STALE) {
                if (d->connection == DEVICE_CONNECTED)
                        log_info("%s: the remote server reports stale data", d->name);
                device_set_connection(d, DEVICE_STALE);
                return;
        }
        if (d->connection != DEVICE_DISCONNECTED)
                log_warning("%s: %s@%s answers %s", d->name, x->config.ups, nut_conn_peer(x->conn),
                            reply->error);
        device_set_connection(d, DEVICE_DISCONNECTED);
}

static bool is_number(const char *s)
{
        char *end;

        if (isempty(s))
                return false;
        errno = 0;
        (void) strtod(s, &end);
        return errno == 0 && *end == 0;
}

static void on_list_enum(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;
        DeviceVar *v;

        if (r >= 0 && strv_length(reply->words) >= 5 &&
            (v = var_store_get(&x->device->vars, reply->words[4])))
                for (size_t i = 0; i < reply->n_items; i++) {
                        char **w = reply->items[i];

                        if (strv_length(w) >= 4 && device_var_add_enum(v, w[3]) < 0)
                                break;
                }
        poll_request_done(x);
}

static void on_list_range(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;
        DeviceVar *v;

        if (r >= 0 && strv_length(reply->words) >= 5 &&
            (v = var_store_get(&x->device->vars, reply->words[4])))
                for (size_t i = 0; i < reply->n_items; i++) {
                        char **w = reply->items[i];
                        long long min, max;

                        if (strv_length(w) >= 5 && sscanf(w[3], "%lld", &min) == 1 &&
                            sscanf(w[4], "%lld", &max) == 1)
                                (void) device_var_add_range(v, min, max);
                }
        poll_request_done(x);
}

/* "TYPE <ups> <var> [RW] [ENUM] [RANGE] STRING:<n>|NUMBER". upsd says NUMBER for anything not STRING,
 * including variables its driver never typed, and never checks numbers itself: so NUMBER is only
 * enforced here when the value is a number now. */
static void apply_type(NutRemote *x, DeviceVar *v, char **w)
{
        VarFlags flags = 0;
        size_t max_len = 0;
        bool has_enum = false, has_range = false;

        for (size_t i = 3; w[i]; i++) {
                const char *n = startswith(w[i], "STRING:");

                if (streq(w[i], "RW"))
                        flags |= VAR_RW;
                else if (streq(w[i], "ENUM"))
                        has_enum = true;
                else if (streq(w[i], "RANGE"))
                        has_range = true;
                else if (streq(w[i], "NUMBER") && is_number(v->value))
                        flags |= VAR_NUMBER;
                else if (n) {
                        flags |= VAR_STRING;
                        max_len = strtoul(n, NULL, 10);
                }
        }
        log_debug("%s: %s is%s%s%s%s%s", x->device->name, v->name, flags & VAR_RW ? " RW" : "",
                  flags & VAR_STRING ? " STRING" : "", flags & VAR_NUMBER ? " NUMBER" : "",
                  has_enum ? " ENUM" : "", has_range ? " RANGE" : "");
        v->flags = flags;
        v->max_len = max_len;
        v->enums = strv_free(v->enums);
        v->ranges = mfree(v->ranges);
        v->n_ranges = 0;
        if (has_enum)
                poll_sent(x, nut_conn_list_enum(x->conn, x->config.ups, v->name, on_list_enum, x));
        if (has_range)
                poll_sent(x, nut_conn_list_range(x->conn, x->config.ups, v->name, on_list_range, x));
}

/* Forget that the type was asked, so that the next poll asks again. */
static void untype(NutRemote *x, const char *name)
{
        size_t j = 0;

        STRV_FOREACH(t, x->typed)
                if (strcaseeq(*t, name))
                        free(*t);
                else
                        x->typed[j++] = *t;
        if (x->typed)
                x->typed[j] = NULL;
}

/* A GET TYPE in flight. A variable new to the device waits for its type here, so that NUT clients (who
 * read the device between commits) never see it untyped. */
typedef struct TypeRequest {
        NutRemote *remote;
        char *name;
        char *value;            /* a new variable's value; NULL: the device has it already */
} TypeRequest;

static void type_request_free(TypeRequest *q)
{
        free(q->name);
        free(q->value);
        free(q);
}

DEFINE_TRIVIAL_CLEANUP_FUNC(TypeRequest *, type_request_free);

static void on_get_type(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        _cleanup_(type_request_freep) TypeRequest *q = userdata;
        NutRemote *x = q->remote;
        DeviceVar *v;

        if (!reply || r == -ENOENT) {           /* the connection failed, or the variable went */
                untype(x, q->name);
                return poll_request_done(x);
        }
        if (q->value && device_set_var(x->device, q->name, q->value) < 0)
                log_oom();
        v = var_store_get(&x->device->vars, q->name);
        if (r >= 0 && v && strv_length(reply->words) >= 4 && streq(reply->words[0], "TYPE"))
                apply_type(x, v, reply->words);
        else {
                /* e.g. DATA-STALE in between: ask again next time */
                log_debug("%s: GET TYPE %s: %s", x->device->name, q->name, strempty(reply->error));
                untype(x, q->name);
        }
        poll_request_done(x);
}

static int get_type(NutRemote *x, const char *name, const char *value)
{
        _cleanup_(type_request_freep) TypeRequest *q = NULL;
        int r;

        q = calloc(1, sizeof(TypeRequest));
        if (!q)
                return -ENOMEM;
        q->remote = x;
        q->name = strdup(name);
        q->value = value ? strdup(value) : NULL;
        if (!q->name || (value && !q->value))
                return -ENOMEM;
        r = strv_extend(&x->typed, name);
        if (r < 0)
                return r;
        r = nut_conn_get_type(x->conn, x->config.ups, name, on_get_type, q);
        poll_sent(x, r);
        if (r >= 0)
                TAKE_PTR(q);
        return 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcasecmp(*(const char *const *) a, *(const char *const *) b);
}

/* The names of a LIST reply's items (word idx of each), sorted for bsearch. */
static int item_names(const NutReply *reply, size_t idx, const char ***ret)
{
        const char **names = calloc(reply->n_items + 1, sizeof(char *));
        size_t n = 0;

        if (!names)
                return -ENOMEM;
        for (size_t i = 0; i < reply->n_items; i++)
                if (strv_length(reply->items[i]) > idx)
                        names[n++] = reply->items[i][idx];
        qsort(names, n, sizeof(char *), cmp_names);
        *ret = names;
        return (int) n;
}

static bool names_contain(const char **names, size_t n, const char *name)
{
        return bsearch(&name, names, n, sizeof(char *), cmp_names);
}

static bool is_server_var(const char *name)
{
        return strncasecmp(name, "server.", 7) == 0;
}

/* Variables the server no longer lists go; so does what we knew of their type. */
static int remove_absent_vars(NutRemote *x, const char **names, size_t n)
{
        _cleanup_strv_free_ char **gone = NULL;
        VarStore *s = &x->device->vars;

        for (size_t i = 0; i < s->n_vars; i++)
                if (!names_contain(names, n, s->vars[i]->name) && strv_extend(&gone, s->vars[i]->name) < 0)
                        return -ENOMEM;
        STRV_FOREACH(g, gone) {
                log_debug("%s: %s is gone", x->device->name, *g);
                (void) device_remove_var(x->device, *g);
                untype(x, *g);
        }
        return 0;
}

static int mirror_vars(NutRemote *x, const NutReply *reply)
{
        _cleanup_free_ const char **names = NULL;
        int n, r;

        for (size_t i = 0; i < reply->n_items; i++) {
                char **w = reply->items[i];

                if (strv_length(w) < 4 || !streq(w[0], "VAR") || is_server_var(w[2]) ||
                    !var_name_is_valid(w[2]))
                        continue;
                if (strv_contains(x->typed, w[2]))
                        r = device_set_var(x->device, w[2], w[3]);
                else if (device_get_var(x->device, w[2]))
                        r = device_set_var(x->device, w[2], w[3]) < 0 ? -ENOMEM : get_type(x, w[2], NULL);
                else
                        r = get_type(x, w[2], w[3]);
                if (r < 0)
                        return r;
        }
        n = item_names(reply, 2, &names);
        if (n < 0)
                return n;
        return remove_absent_vars(x, names, (size_t) n);
}

static void on_list_var(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (!reply)
                x->poll_failed = true;  /* the connection failed; on_closed() takes over */
        else if (r < 0)
                remote_refused(x, reply);
        else {
                r = mirror_vars(x, reply);
                if (r < 0) {
                        log_warning_errno(r, "%s: cannot mirror the variables: %m", x->device->name);
                        x->poll_failed = true;
                }
        }
        poll_request_done(x);
}

static void mirror_commands(NutRemote *x, const NutReply *reply)
{
        _cleanup_free_ const char **names = NULL;
        _cleanup_strv_free_ char **gone = NULL;
        int n;

        for (size_t i = 0; i < reply->n_items; i++)
                if (strv_length(reply->items[i]) >= 3)
                        (void) device_add_command(x->device, reply->items[i][2]);
        n = item_names(reply, 2, &names);
        if (n < 0)
                return;
        STRV_FOREACH(cmd, x->device->commands)
                if (!names_contain(names, (size_t) n, *cmd) && strv_extend(&gone, *cmd) < 0)
                        return;
        STRV_FOREACH(g, gone)
                (void) device_remove_command(x->device, *g);
}

static void on_list_cmd(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;

        if (r >= 0)
                mirror_commands(x, reply);
        poll_request_done(x);
}

static void on_numlogins(NutConn *c, int r, const NutReply *reply, void *userdata)
{
        NutRemote *x = userdata;
        char *end = NULL;
        unsigned long n = 0;

        /* "NUMLOGINS <ups> <n>" */
        if (r >= 0 && strv_length(reply->words) == 3 && isdigit((unsigned char) reply->words[2][0])) {
                errno = 0;
                n = strtoul(reply->words[2], &end, 10);
        }
        x->numlogins = end && *end == 0 && errno == 0 && n <= INT_MAX ? (int) n : -1;
        poll_request_done(x);
}

/**
 * nut_remote_count_logins() - the other sessions the server counts for this UPS (its NUMLOGINS
 * less ours), as seen at the last poll; -ENODATA when not known (no counted session)
 */
int nut_remote_count_logins(void *state)
{
        NutRemote *x = state;

        if (!x->ready || !x->logged_in || x->numlogins < 0)
                return -ENODATA;
        return x->numlogins > 0 ? x->numlogins - 1 : 0;
}

/**
 * nut_remote_poll_start() - start a poll cycle now, unless one runs or the session is not ready
 *
 * Return: 0, or the errno of a request that could not be queued.
 */
int nut_remote_poll_start(NutRemote *x)
{
        int r;

        if (!x->ready || x->polling)
                return 0;
        x->timer = sd_event_source_disable_unref(x->timer);
        x->polling = true;
        x->poll_failed = false;
        x->poll_again = false;
        x->poll_pending = 0;
        /* LIST VAR's answer queues the GET TYPEs it needs before it is counted done, so the cycle ends
         * with the last answer of all, whichever that is. */
        r = nut_conn_list_var(x->conn, x->config.ups, on_list_var, x);
        if (r >= 0) {
                x->poll_pending++;
                r = nut_conn_list_cmd(x->conn, x->config.ups, on_list_cmd, x);
                if (r >= 0)
                        x->poll_pending++;
        }
        /* a counted session (an upsmon's): who else is, for a primary's shutdown */
        if (r >= 0 && x->logged_in) {
                r = nut_conn_get_numlogins(x->conn, x->config.ups, on_numlogins, x);
                if (r >= 0)
                        x->poll_pending++;
        }
        if (r < 0 && x->poll_pending == 0)
                x->polling = false;
        return r;
}
