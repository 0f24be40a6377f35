/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dummy-ups: a simulated device replaying a NUT .dev or .seq file. The file is watched with
 * inotify, so an edit shows at once. Modes, as NUT picks them: "dummy-once" (a .dev file,
 * or mode=dummy-once) applies the file to the end and waits for it to change; "dummy-loop"
 * (anything else, or mode=dummy-loop) starts over one second after the end. TIMER pauses,
 * ALARM sets or clears alarms, CMD name (nutd's own) offers an instant command.
 */
#include <limits.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "dev-file.h"
#include "device.h"
#include "driver-table.h"
#include "log.h"
#include "nut-names.h"
#include "strv.h"
#include "tokenize.h"

#define DUMMY_MAX_FILE (16 * 1024 * 1024)
#define DUMMY_LOOP_PAUSE_USEC USEC_PER_SEC
#define DUMMY_DEBOUNCE_USEC (20 * USEC_PER_MSEC)
#define DUMMY_MAX_WARNINGS 5

typedef struct Dummy {
        Device *device;
        char *path;
        char *base;             /* file name the inotify watch filters on */
        bool loop;
        DevFile *file;
        size_t pos;             /* next entry to apply */
        sd_event_source *watch;
        sd_event_source *timer; /* TIMER pause, loop restart, or change debounce */
} Dummy;

static void dummy_free(Dummy *x)
{
        if (!x)
                return;
        sd_event_source_disable_unref(x->watch);
        sd_event_source_disable_unref(x->timer);
        dev_file_free(x->file);
        free(x->path);
        free(x->base);
        device_unref(x->device);
        free(x);
}

static int dummy_schedule(Dummy *x, uint64_t usec, sd_event_time_handler_t fn);

/* Loaded variables are writable, as NUT's dummy-ups makes them. */
static int dummy_set_var(Dummy *x, const char *name, const char *value)
{
        NutNameType t = nut_var_type(name);
        int r;

        r = device_set_var(x->device, name, value);
        if (r < 0)
                return r;
        return device_set_var_info(x->device, name, VAR_RW | (t == NUT_NAME_NUMBER ? VAR_NUMBER : VAR_STRING),
                                   t == NUT_NAME_NUMBER ? 0 : 32);
}

static int dummy_apply_entry(Dummy *x, const DevEntry *e)
{
        switch (e->type) {
        case DEV_ENTRY_VAR:
                if (startswith(e->name, "driver."))     /* the dumped device's driver, not ours */
                        return 0;
                return dummy_set_var(x, e->name, e->value);
        case DEV_ENTRY_ALARM:
                return e->value ? device_add_alarm(x->device, e->value) : device_clear_alarms(x->device);
        case DEV_ENTRY_CMD:
                return device_add_command(x->device, e->name);
        default:
                return 0;
        }
}

/* In once mode the file is the whole state: variables it no longer names go away. */
static int dummy_remove_absent(Dummy *x)
{
        VarStore *s = &x->device->vars;
        _cleanup_strv_free_ char **gone = NULL;

        for (size_t i = 0; i < s->n_vars; i++) {
                const char *n = s->vars[i]->name;
                bool found = startswith(n, "driver.") || (strcaseeq(n, "ups.alarm") && x->device->alarm_list);

                for (size_t j = 0; !found && j < x->file->n_entries; j++)
                        found = x->file->entries[j].type == DEV_ENTRY_VAR && strcaseeq(x->file->entries[j].name, n);
                if (!found && strv_extend(&gone, n) < 0)
                        return -ENOMEM;
        }
        STRV_FOREACH(n, gone)
                (void) device_remove_var(x->device, *n);

        gone = strv_free(gone);
        STRV_FOREACH(c, x->device->commands) {
                bool found = false;

                for (size_t j = 0; !found && j < x->file->n_entries; j++)
                        found = x->file->entries[j].type == DEV_ENTRY_CMD && strcaseeq(x->file->entries[j].name, *c);
                if (!found && strv_extend(&gone, *c) < 0)
                        return -ENOMEM;
        }
        STRV_FOREACH(c, gone)
                (void) device_remove_command(x->device, *c);
        return 0;
}

static int on_timer_done(sd_event_source *s, uint64_t usec, void *userdata);
static int on_loop_restart(sd_event_source *s, uint64_t usec, void *userdata);

/* Applies entries from x->pos up to a TIMER or the end, then commits once. */
static void dummy_run(Dummy *x)
{
        int r;

        while (x->pos < x->file->n_entries) {
                const DevEntry *e = &x->file->entries[x->pos++];

                if (e->type == DEV_ENTRY_TIMER) {
                        device_commit(x->device);
                        r = dummy_schedule(x, e->timer_usec, on_timer_done);
                        if (r < 0)
                                log_error_errno(r, "%s: cannot arm TIMER: %m", x->device->name);
                        return;
                }
                r = dummy_apply_entry(x, e);
                if (r < 0)
                        log_warning_errno(r, "%s:%u: cannot apply, ignoring: %m", x->path, e->line);
        }
        device_commit(x->device);
        if (x->loop) {
                r = dummy_schedule(x, DUMMY_LOOP_PAUSE_USEC, on_loop_restart);
                if (r < 0)
                        log_error_errno(r, "%s: cannot arm loop restart: %m", x->device->name);
        }
}

static void dummy_warn_bad(Dummy *x)
{
        size_t shown = 0;

        for (size_t i = 0; i < x->file->n_entries && shown < DUMMY_MAX_WARNINGS; i++) {
                const DevEntry *e = &x->file->entries[i];

                if (e->type != DEV_ENTRY_BAD)
                        continue;
                log_warning("%s:%u: %s, line ignored", x->path, e->line, e->error);
                shown++;
        }
        if (x->file->n_bad > shown)
                log_warning("%s: %zu more unreadable lines ignored", x->path, x->file->n_bad - shown);
}

/* (Re)reads the file and starts applying it from the top. */
static void dummy_load(Dummy *x)
{
        _cleanup_free_ char *text = NULL;
        DevFile *f = NULL;
        size_t size;
        int r;

        x->timer = sd_event_source_disable_unref(x->timer);
        r = read_file_bounded(x->path, DUMMY_MAX_FILE, &text, &size);
        if (r >= 0)
                r = dev_file_parse(text, size, &f);
        if (r < 0) {
                log_warning_errno(r, "%s: cannot read %s: %m", x->device->name, x->path);
                device_set_connection(x->device, DEVICE_DISCONNECTED);
                return;
        }
        dev_file_free(x->file);
        x->file = f;
        x->pos = 0;
        dummy_warn_bad(x);
        if (!x->loop && dummy_remove_absent(x) < 0)
                log_oom();
        dummy_run(x);
}

static int on_timer_done(sd_event_source *s, uint64_t usec, void *userdata)
{
        Dummy *x = userdata;

        dummy_run(x);
        return 0;
}

static int on_loop_restart(sd_event_source *s, uint64_t usec, void *userdata)
{
        Dummy *x = userdata;

        x->pos = 0;
        dummy_run(x);
        return 0;
}

static int on_changed(sd_event_source *s, uint64_t usec, void *userdata)
{
        dummy_load(userdata);
        return 0;
}

static int dummy_schedule(Dummy *x, uint64_t usec, sd_event_time_handler_t fn)
{
        x->timer = sd_event_source_disable_unref(x->timer);
        return sd_event_add_time_relative(x->device->event, &x->timer, CLOCK_MONOTONIC, usec, 0, fn, x);
}

static int on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata)
{
        Dummy *x = userdata;
        int r;

        if (ev->len == 0 || !streq(ev->name, x->base))
                return 0;
        /* Editors write in several steps: react once they are done. */
        r = dummy_schedule(x, DUMMY_DEBOUNCE_USEC, on_changed);
        if (r < 0)
                log_error_errno(r, "%s: cannot schedule reload: %m", x->device->name);
        return 0;
}

static int on_start(sd_event_source *s, uint64_t usec, void *userdata)
{
        dummy_load(userdata);
        return 0;
}

static int dummy_pick_mode(const DeviceConfig *c, const char *port, bool *ret_loop)
{
        const char *mode = device_config_get(c, "mode");

        if (strchr(port, '@'))
                return -EOPNOTSUPP;     /* repeater mode: the nut-remote driver's job */
        if (!mode || streq(mode, ""))
                *ret_loop = !endswith(port, ".dev");
        else if (streq(mode, "dummy-once"))
                *ret_loop = false;
        else if (streq(mode, "dummy-loop") || streq(mode, "dummy"))
                *ret_loop = true;
        else
                return -EINVAL;
        return 0;
}

static int dummy_start(Device *d, const DeviceConfig *c, void **ret_state)
{
        Dummy *x;
        _cleanup_free_ char *dir = NULL;
        char *slash;
        int r;

        x = calloc(1, sizeof(Dummy));
        if (!x)
                return -ENOMEM;
        x->device = device_ref(d);
        r = dummy_pick_mode(c, c->port, &x->loop);
        if (r == -EOPNOTSUPP)
                log_error("%s: port \"%s\": repeater mode is served by driver nut-remote", d->name, c->port);
        else if (r < 0)
                log_error("%s: mode must be dummy-once or dummy-loop", d->name);
        if (r >= 0)
                r = device_config_resolve_path(c, c->port, &x->path);
        if (r < 0) {
                dummy_free(x);
                return r;
        }
        dir = strdup(x->path);
        if (!dir) {
                dummy_free(x);
                return -ENOMEM;
        }
        slash = strrchr(dir, '/');
        *slash = 0;
        x->base = strdup(slash + 1);
        if (!x->base)
                r = -ENOMEM;
        if (r >= 0)
                r = sd_event_add_inotify(d->event, &x->watch, *dir ? dir : "/",
                                         IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                                                 IN_ATTRIB | IN_ONLYDIR,
                                         on_inotify, x);
        if (r < 0)
                log_warning_errno(r, "%s: cannot watch %s, file changes will not be seen: %m", d->name, dir);
        r = dummy_schedule(x, 0, on_start);
        if (r < 0) {
                dummy_free(x);
                return r;
        }
        log_debug("%s: replaying %s (%s)", d->name, x->path, x->loop ? "dummy-loop" : "dummy-once");
        *ret_state = x;
        return 0;
}

/* SET as NUT's dummy-ups does it: the new value is taken as if the device had reported it. */
static int dummy_setvar(void *state, const char *name, const char *value, DeviceOpDone done, void *userdata)
{
        Dummy *x = state;
        int r;

        r = device_set_var(x->device, name, value);
        if (r < 0)
                return r;
        device_commit(x->device);
        done(0, userdata);
        return 0;
}

/* Instant commands (from CMD lines) do nothing to a simulated device but say they ran. */
static int dummy_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        Dummy *x = state;

        log_info("%s: instant command %s%s%s", x->device->name, cmd, param ? " " : "", strempty(param));
        done(0, userdata);
        return 0;
}

/* Kill-power on a simulated device: said, and the output goes off. */
static int dummy_killpower(void *state, DeviceOpDone done, void *userdata)
{
        Dummy *x = state;

        log_notice("%s: kill-power: the simulated UPS switches its output off", x->device->name);
        (void) device_set_var(x->device, "ups.status", "OFF");
        device_commit(x->device);
        done(0, userdata);
        return 0;
}

static void dummy_stop(void *state)
{
        dummy_free(state);
}

const DriverOps dummy_driver = {
        .name = "dummy-ups",
        .transport = DRIVER_SIMULATED,
        .version = "0.1",
        .start = dummy_start,
        .setvar = dummy_setvar,
        .instcmd = dummy_instcmd,
        .killpower = dummy_killpower,
        .stop = dummy_stop,
};
