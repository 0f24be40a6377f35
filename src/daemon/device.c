/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device: variables, commands, alarms and connection state of one power device, and the
 * commit that publishes a consistent update to the consumers.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "config.h"
#include "device.h"
#include "log.h"
#include "string-table.h"
#include "strv.h"
#include "utf8.h"

static const char *const device_connection_table[_DEVICE_CONNECTION_MAX] = {
        [DEVICE_WAITING] = "waiting",
        [DEVICE_CONNECTED] = "connected",
        [DEVICE_STALE] = "stale",
        [DEVICE_DISCONNECTED] = "disconnected",
};

DEFINE_STRING_TABLE(device_connection, DeviceConnection);

static void summary_done(DeviceSummary *s)
{
        free(s->description);
        free(s->driver);
        strv_free(s->status);
        strv_free(s->alarms);
        free(s->manufacturer);
        free(s->model);
        free(s->serial);
        free(s->type);
        strv_free(s->commands);
        *s = (DeviceSummary) {};
}

/**
 * device_new() - a device named name, with no data, waiting for its driver
 */
int device_new(const char *name, sd_event *event, Device **ret)
{
        _cleanup_(device_unrefp) Device *d = NULL;

        d = calloc(1, sizeof(Device));
        if (!d)
                return -ENOMEM;
        d->n_ref = 1;
        d->connection = DEVICE_WAITING;
        d->op_timeout_usec = 15 * USEC_PER_SEC;
        d->summary = (DeviceSummary) { .charge = -1, .runtime = -1, .load = -1, .type = strdup("ups") };
        d->summary.connection = device_connection_to_string(d->connection);
        d->name = strdup(name);
        if (!d->name || !d->summary.type)
                return -ENOMEM;
        d->event = sd_event_ref(event);
        *ret = TAKE_PTR(d);
        return 0;
}

Device *device_ref(Device *d)
{
        if (d)
                d->n_ref++;
        return d;
}

static Device *device_free(Device *d)
{
        device_stop_driver(d);
        sd_event_source_disable_unref(d->stale_timer);
        var_store_done(&d->vars);
        strv_free(d->commands);
        strv_free(d->alarm_list);
        summary_done(&d->summary);
        sd_event_unref(d->event);
        free(d->name);
        return mfree(d);
}

Device *device_unref(Device *d)
{
        if (!d || --d->n_ref > 0)
                return NULL;
        return device_free(d);
}

void device_set_hooks(Device *d, const DeviceHooks *hooks, void *userdata)
{
        d->hooks = hooks;
        d->hooks_userdata = userdata;
}

static int set_summary_string(Device *d, char **field, const char *value)
{
        _cleanup_free_ char *s = value ? utf8_sanitize(value) : NULL;
        int r;

        if (value && !s)
                return -ENOMEM;
        r = free_and_strdup(field, s);
        if (r > 0)
                d->dirty = true;
        return r;
}

int device_set_description(Device *d, const char *desc)
{
        return set_summary_string(d, &d->summary.description, desc);
}

int device_set_driver_name(Device *d, const char *driver)
{
        return set_summary_string(d, &d->summary.driver, driver);
}

/**
 * device_set_var() - set a NUT variable; published at the next device_commit()
 *
 * Setting ups.alarm directly replaces the alarms given with device_add_alarm().
 * Returns 1 if changed, 0 if not, -EINVAL for an invalid name.
 */
int device_set_var(Device *d, const char *name, const char *value)
{
        if (strcaseeq(name, "ups.alarm"))
                d->alarm_list = strv_free(d->alarm_list);
        return var_store_set(&d->vars, name, value, NULL);
}

/* Sets flags and the maximum length of an existing variable. */
int device_set_var_info(Device *d, const char *name, VarFlags flags, size_t max_len)
{
        DeviceVar *v = var_store_get(&d->vars, name);

        if (!v)
                return -ENOENT;
        v->flags = flags;
        v->max_len = max_len;
        return 0;
}

int device_remove_var(Device *d, const char *name)
{
        if (strcaseeq(name, "ups.alarm"))
                d->alarm_list = strv_free(d->alarm_list);
        return var_store_remove(&d->vars, name);
}

const char *device_get_var(Device *d, const char *name)
{
        return var_store_value(&d->vars, name);
}

static int cmd_compare(const void *a, const void *b)
{
        return strcasecmp(*(char *const *) a, *(char *const *) b);
}

int device_add_command(Device *d, const char *cmd)
{
        int r;

        if (!var_name_is_valid(cmd))
                return -EINVAL;
        if (device_has_command(d, cmd))
                return 0;
        r = strv_extend(&d->commands, cmd);
        if (r < 0)
                return r;
        qsort(d->commands, strv_length(d->commands), sizeof(char *), cmd_compare);
        d->dirty = true;
        return 1;
}

int device_remove_command(Device *d, const char *cmd)
{
        size_t j = 0;
        bool found = false;

        STRV_FOREACH(c, d->commands) {
                if (strcaseeq(*c, cmd)) {
                        free(*c);
                        found = true;
                } else
                        d->commands[j++] = *c;
        }
        if (d->commands)
                d->commands[j] = NULL;
        d->dirty = d->dirty || found;
        return found;
}

bool device_has_command(Device *d, const char *cmd)
{
        STRV_FOREACH(c, d->commands)
                if (strcaseeq(*c, cmd))
                        return true;
        return false;
}

/* Puts or removes the ALARM token at the front of ups.status, as NUT's driver core does. */
static int status_set_alarm_token(Device *d, bool on)
{
        _cleanup_strv_free_ char **t = strv_split_ws(strempty(device_get_var(d, "ups.status")));
        _cleanup_free_ char *s = NULL;
        size_t j = 0;

        if (!t)
                return -ENOMEM;
        if (on == strv_contains(t, "ALARM"))
                return 0;
        if (on) {
                _cleanup_free_ char *rest = strv_join(t, " ");

                if (!rest || asprintf(&s, "ALARM%s%s", t[0] ? " " : "", rest) < 0)
                        return -ENOMEM;
        } else {
                STRV_FOREACH(p, t) {
                        if (streq(*p, "ALARM"))
                                free(*p);
                        else
                                t[j++] = *p;
                }
                t[j] = NULL;
                s = strv_join(t, " ");
                if (!s)
                        return -ENOMEM;
        }
        return var_store_set(&d->vars, "ups.status", s, NULL);
}

/* Adds an alarm text: ups.alarm lists them all, ups.status gets ALARM. */
int device_add_alarm(Device *d, const char *text)
{
        _cleanup_free_ char *joined = NULL;
        int r;

        if (isempty(text))
                return -EINVAL;
        if (strv_contains(d->alarm_list, text))
                return 0;
        r = strv_extend(&d->alarm_list, text);
        if (r < 0)
                return r;
        joined = strv_join(d->alarm_list, " ");
        if (!joined)
                return -ENOMEM;
        r = var_store_set(&d->vars, "ups.alarm", joined, NULL);
        if (r < 0)
                return r;
        return status_set_alarm_token(d, true);
}

int device_clear_alarms(Device *d)
{
        int r;

        d->alarm_list = strv_free(d->alarm_list);
        r = var_store_remove(&d->vars, "ups.alarm");
        if (r < 0)
                return r;
        return status_set_alarm_token(d, false);
}

static double var_number(Device *d, const char *name)
{
        const char *s = device_get_var(d, name);
        char *end;
        double x;

        if (isempty(s))
                return -1;
        errno = 0;
        x = strtod(s, &end);
        while (*end == ' ')
                end++;
        if (errno || end == s || *end || !isfinite(x) || x < 0)
                return -1;
        return x;
}

static const char *first_var(Device *d, const char *a, const char *b)
{
        return device_get_var(d, a) ?: device_get_var(d, b);
}

static int strv_sanitized(char **l, char ***ret)
{
        _cleanup_strv_free_ char **c = calloc(strv_length(l) + 1, sizeof(char *));

        if (!c)
                return -ENOMEM;
        for (size_t i = 0; l && l[i]; i++)
                if (!(c[i] = utf8_sanitize(l[i])))
                        return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

/* Recomputes the summary from the variables; returns the fields that changed. */
static int device_update_summary(Device *d, DeviceField *ret)
{
        DeviceSummary *s = &d->summary;
        _cleanup_strv_free_ char **tokens = NULL, **status = NULL, **alarms = NULL, **commands = NULL;
        const char *alarm = device_get_var(d, "ups.alarm");
        DeviceField f = 0;
        double x;
        int r;

        tokens = strv_split_ws(strempty(device_get_var(d, "ups.status")));
        if (!tokens)
                return -ENOMEM;
        if (d->fsd) {
                char **t = realloc(tokens, (strv_length(tokens) + 2) * sizeof(char *));

                if (!t)
                        return -ENOMEM;
                tokens = t;
                memmove(tokens + 1, tokens, (strv_length(tokens) + 1) * sizeof(char *));
                if (!(tokens[0] = strdup("FSD")))
                        return -ENOMEM;
        }
        if (d->alarm_list)
                r = strv_sanitized(d->alarm_list, &alarms);
        else
                r = strv_sanitized(isempty(alarm) ? NULL : (char *[]) { (char *) alarm, NULL }, &alarms);
        if (r < 0)
                return r;
        r = strv_sanitized(tokens, &status);
        if (r < 0 || (r = strv_sanitized(d->commands, &commands)) < 0)
                return r;

#define UPDATE_STRV(field, bit)                                 \
        if (!strv_equal(s->field, field)) {                     \
                strv_free(s->field);                            \
                s->field = TAKE_PTR(field);                     \
                f |= bit;                                       \
        }
        UPDATE_STRV(status, DEVICE_FIELD_STATUS);
        UPDATE_STRV(alarms, DEVICE_FIELD_ALARMS);
        UPDATE_STRV(commands, DEVICE_FIELD_COMMANDS);
#undef UPDATE_STRV

#define UPDATE_STRING(field, value, bit)                                \
        if ((r = set_summary_string(d, &s->field, value)) < 0)          \
                return r;                                               \
        else if (r > 0)                                                 \
                f |= bit;
        UPDATE_STRING(manufacturer, first_var(d, "device.mfr", "ups.mfr"), DEVICE_FIELD_MANUFACTURER);
        UPDATE_STRING(model, first_var(d, "device.model", "ups.model"), DEVICE_FIELD_MODEL);
        UPDATE_STRING(serial, first_var(d, "device.serial", "ups.serial"), DEVICE_FIELD_SERIAL);
        UPDATE_STRING(type, device_get_var(d, "device.type") ?: "ups", DEVICE_FIELD_TYPE);
#undef UPDATE_STRING

        x = var_number(d, "battery.charge");
        if (x != s->charge)
                s->charge = x, f |= DEVICE_FIELD_CHARGE;
        x = var_number(d, "battery.runtime");
        if ((int64_t) x != s->runtime)
                s->runtime = (int64_t) x, f |= DEVICE_FIELD_RUNTIME;
        x = var_number(d, "ups.load");
        if (x != s->load)
                s->load = x, f |= DEVICE_FIELD_LOAD;
        if (s->connection != device_connection_to_string(d->connection)) {
                s->connection = device_connection_to_string(d->connection);
                f |= DEVICE_FIELD_CONNECTION;
        }
        *ret = f;
        return 0;
}

/* Computes what changed since the last publication and tells the consumers, once. */
static int device_publish(Device *d)
{
        _cleanup_free_ DeviceVar **vars = NULL;
        DeviceChange change = {};
        DeviceField fields = 0;
        uint64_t now;
        int r;

        r = device_update_summary(d, &fields);
        if (r < 0)
                return r;
        if (d->dirty)
                fields |= DEVICE_FIELD_DESCRIPTION | DEVICE_FIELD_DRIVER;
        if (sd_event_now(d->event, CLOCK_REALTIME, &now) >= 0)
                d->summary.last_update = now;
        if (fields == 0 && !var_store_has_changes(&d->vars))
                return 0;
        fields |= DEVICE_FIELD_LAST_UPDATE;

        vars = calloc(d->vars.n_dirty + 1, sizeof(DeviceVar *));
        if (!vars)
                return -ENOMEM;
        for (size_t i = 0; i < d->vars.n_vars; i++)
                if (d->vars.vars[i]->dirty)
                        vars[change.n_vars++] = d->vars.vars[i];
        change.vars = vars;
        change.removed = d->vars.removed;
        change.fields = fields;

        device_ref(d);
        if (d->hooks && d->hooks->changed)
                d->hooks->changed(d, &change, d->hooks_userdata);
        var_store_clear_changes(&d->vars);
        d->dirty = false;
        device_unref(d);
        return 1;
}

static int on_stale(sd_event_source *s, uint64_t usec, void *userdata)
{
        Device *d = userdata;

        if (d->connection == DEVICE_CONNECTED) {
                log_warning("%s: no data for %" PRIu64 " s, data is stale", d->name, d->stale_usec / USEC_PER_SEC);
                device_set_connection(d, DEVICE_STALE);
        }
        return 0;
}

static int device_arm_stale_timer(Device *d)
{
        if (d->stale_usec == 0)
                return sd_event_source_set_enabled(d->stale_timer, SD_EVENT_OFF), 0;
        if (!d->stale_timer)
                return sd_event_add_time_relative(d->event, &d->stale_timer, CLOCK_MONOTONIC, d->stale_usec,
                                                  USEC_PER_SEC / 10, on_stale, d);
        (void) sd_event_source_set_time_relative(d->stale_timer, d->stale_usec);
        return sd_event_source_set_enabled(d->stale_timer, SD_EVENT_ONESHOT);
}

/* Data older than usec makes the device stale; 0 turns the check off. */
int device_set_stale_timeout(Device *d, uint64_t usec)
{
        d->stale_usec = usec;
        return device_arm_stale_timer(d);
}

/**
 * device_set_connection() - change the connection state and publish it at once
 */
void device_set_connection(Device *d, DeviceConnection c)
{
        if (d->connection == c)
                return;
        log_debug("%s: connection %s -> %s", d->name, device_connection_to_string(d->connection),
                  device_connection_to_string(c));
        d->connection = c;
        (void) device_publish(d);
}

/**
 * device_commit() - the driver delivered fresh data: publish every change since the last
 * commit in one go
 *
 * A waiting or stale device becomes connected. Returns 1 if anything was published.
 */
int device_commit(Device *d)
{
        if (d->connection != DEVICE_CONNECTED) {
                log_debug("%s: connection %s -> connected", d->name, device_connection_to_string(d->connection));
                d->connection = DEVICE_CONNECTED;
        }
        (void) device_arm_stale_timer(d);
        return device_publish(d);
}

/* Secrets in ups.conf (passwords, SNMP communities) are never published as variables. */
static bool config_key_is_secret(const char *key)
{
        return strcasestr(key, "password") || strcasestr(key, "passphrase") || strcasestr(key, "secret") ||
               strcaseeq(key, "community");
}

static int publish_driver_vars(Device *d, const DriverOps *ops, const DeviceConfig *c)
{
        int r = 0;

        if (device_set_var(d, "driver.name", ops->name) < 0 ||
            device_set_var(d, "driver.version", PACKAGE_VERSION) < 0 ||
            device_set_var(d, "driver.version.internal", ops->version ?: PACKAGE_VERSION) < 0)
                return -ENOMEM;
        for (size_t i = 0; c && i < c->n_params && r >= 0; i++) {
                _cleanup_free_ char *n = NULL;
                const ConfPair *p = &c->params[i];

                if (config_key_is_secret(p->key))
                        continue;
                if (asprintf(&n, "driver.%s.%s", p->value ? "parameter" : "flag", p->key) < 0)
                        return -ENOMEM;
                r = device_set_var(d, n, p->value ?: "enabled");
                if (r == -EINVAL)       /* a key that is no valid variable name is not published */
                        r = 0;
        }
        return r;
}

/**
 * device_start_driver() - bind a driver instance to the device and start it
 */
int device_start_driver(Device *d, const DriverOps *ops, const DeviceConfig *c)
{
        void *state = NULL;
        int r;

        device_stop_driver(d);
        r = device_set_driver_name(d, ops->name);
        if (r < 0)
                return r;
        r = publish_driver_vars(d, ops, c);
        if (r < 0)
                return r;
        d->connection = DEVICE_WAITING;
        r = ops->start(d, c, &state);
        if (r < 0) {
                device_set_connection(d, DEVICE_DISCONNECTED);
                return r;
        }
        d->driver = ops;
        d->driver_state = state;
        return 0;
}

void device_stop_driver(Device *d)
{
        if (!d->driver)
                return;
        d->driver->stop(d->driver_state);
        d->driver = NULL;
        d->driver_state = NULL;
}

/* An operation handed to a driver: the caller hears back once, from the driver or the timeout. */
typedef struct DeviceOp {
        Device *device;
        DeviceOpDone done;
        void *userdata;
        sd_event_source *timeout;
        bool answered;
        bool driver_done;
} DeviceOp;

static void device_op_free(DeviceOp *op)
{
        sd_event_source_disable_unref(op->timeout);
        device_unref(op->device);
        free(op);
}

static void device_op_answer(DeviceOp *op, int r)
{
        if (op->answered)
                return;
        op->answered = true;
        op->done(r, op->userdata);
}

static void on_driver_done(int r, void *userdata)
{
        DeviceOp *op = userdata;

        device_op_answer(op, r);
        device_op_free(op);
}

static int on_op_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
        DeviceOp *op = userdata;

        log_warning("%s: driver did not complete an operation in time", op->device->name);
        device_op_answer(op, -ETIMEDOUT);
        return 0;
}

static int device_op_new(Device *d, DeviceOpDone done, void *userdata, DeviceOp **ret)
{
        DeviceOp *op = calloc(1, sizeof(DeviceOp));
        int r;

        if (!op)
                return -ENOMEM;
        *op = (DeviceOp) { .device = device_ref(d), .done = done, .userdata = userdata };
        r = sd_event_add_time_relative(d->event, &op->timeout, CLOCK_MONOTONIC, d->op_timeout_usec, 0,
                                       on_op_timeout, op);
        if (r < 0) {
                device_op_free(op);
                return r;
        }
        *ret = op;
        return 0;
}

/* -ENOTCONN: no driver connected to the device; -ESTALE: its data is stale. */
int device_check_readable(Device *d)
{
        if (!d->driver || d->connection == DEVICE_DISCONNECTED || d->connection == DEVICE_WAITING)
                return -ENOTCONN;
        if (d->connection == DEVICE_STALE)
                return -ESTALE;
        return 0;
}

/**
 * device_setvar() - write a variable through the driver
 *
 * Synchronous errors (done is not called): -ENOTCONN, -ESTALE, -ENOENT (no such variable),
 * -EROFS (read-only), -E2BIG, -EINVAL (value refused), -EOPNOTSUPP (driver cannot write).
 * Otherwise done(r) is called once: when the driver finished, or with -ETIMEDOUT.
 */
int device_setvar(Device *d, const char *name, const char *value, DeviceOpDone done, void *userdata)
{
        DeviceOp *op;
        DeviceVar *v;
        int r;

        v = var_store_get(&d->vars, name);
        if (!v)
                return -ENOENT;
        r = device_var_check_value(v, value);
        if (r < 0)
                return r;
        r = device_check_readable(d);
        if (r < 0)
                return r;
        if (!d->driver->setvar)
                return -EOPNOTSUPP;
        r = device_op_new(d, done, userdata, &op);
        if (r < 0)
                return r;
        r = d->driver->setvar(d->driver_state, v->name, value, on_driver_done, op);
        if (r < 0)
                device_op_free(op);
        return r;
}

/**
 * device_instcmd() - run an instant command through the driver; errors as device_setvar(),
 * with -EOPNOTSUPP for a command the device does not have
 */
int device_instcmd(Device *d, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        DeviceOp *op;
        int r;

        if (!device_has_command(d, cmd))
                return -EOPNOTSUPP;
        r = device_check_readable(d);
        if (r < 0)
                return r;
        if (!d->driver->instcmd)
                return -EOPNOTSUPP;
        r = device_op_new(d, done, userdata, &op);
        if (r < 0)
                return r;
        r = d->driver->instcmd(d->driver_state, cmd, param, on_driver_done, op);
        if (r < 0)
                device_op_free(op);
        return r;
}

/**
 * device_killpower() - tell the device to cut its output (after its own delay) and come back
 * when power returns; errors as device_instcmd(), -EOPNOTSUPP when the driver cannot
 */
int device_killpower(Device *d, DeviceOpDone done, void *userdata)
{
        DeviceOp *op;
        int r;

        if (!d->driver)
                return -ENOTCONN;
        if (!d->driver->killpower)
                return -EOPNOTSUPP;
        r = device_op_new(d, done, userdata, &op);
        if (r < 0)
                return r;
        r = d->driver->killpower(d->driver_state, on_driver_done, op);
        if (r < 0)
                device_op_free(op);
        return r;
}

/**
 * device_set_fsd() - latch forced shutdown: published at once, cleared only when the device goes
 */
void device_set_fsd(Device *d)
{
        if (d->fsd)
                return;
        d->fsd = true;
        (void) device_publish(d);
}

static void on_fsd_forwarded(int r, void *userdata)
{
        Device *d = userdata;

        if (r < 0)
                log_error_errno(r, "%s: its server did not take FSD: %m", d->name);
        else
                log_notice("%s: FSD set on its server", d->name);
        device_unref(d);
}

/**
 * device_forward_fsd() - a device of another server: set FSD there too, as upsmon's primary
 * does (its other clients must see it). For the shutdown controller only: a NUT client's FSD
 * on nutd stays on nutd, as upsd keeps it.
 *
 * Returns 0 (the answer is logged), -EOPNOTSUPP for a device of no other server, or an error.
 */
int device_forward_fsd(Device *d)
{
        DeviceOp *op;
        int r;

        if (!d->driver || !d->driver->set_fsd)
                return -EOPNOTSUPP;
        r = device_op_new(d, on_fsd_forwarded, d, &op);
        if (r < 0)
                return r;
        device_ref(d);          /* until on_fsd_forwarded() */
        r = d->driver->set_fsd(d->driver_state, on_driver_done, op);
        if (r < 0) {
                device_op_free(op);
                device_unref(d);
        }
        return r;
}
