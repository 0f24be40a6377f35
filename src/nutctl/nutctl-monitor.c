/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl monitor [NAME]: the current state of each device, then one line per change as
 * nutd announces it (PropertiesChanged, VariablesChanged, InterfacesAdded/Removed, nutd
 * starting and stopping). Signals only: nothing is polled.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "device-info.h"
#include "format.h"
#include "nutctl.h"
#include "nutd-bus.h"
#include "strv.h"
#include "terminal.h"
#include "time-util.h"

typedef struct Monitor {
        sd_event *event;
        const NutctlArgs *args;
        const char *device;     /* only this device, or NULL for all */
        char *device_path;
} Monitor;

/* Starts one JSON line: {"time": ..., "timestamp": µs, "event": ..., "device": ... */
static void event_json_begin(JsonWriter *w, const char *event, const char *device)
{
        uint64_t t = now(CLOCK_REALTIME);
        char buf[FORMAT_TIMESTAMP_MAX];

        json_init(w, stdout, JSON_SHORT);
        json_begin_object(w);
        json_key(w, "time");
        json_string(w, format_timestamp(buf, t, /* iso_utc= */ true));
        json_key(w, "timestamp");
        json_uint(w, t);
        json_key(w, "event");
        json_string(w, event);
        if (device) {
                json_key(w, "device");
                json_string(w, device);
        }
}

/* A reader that went away ends the monitor (SIGPIPE may be ignored). */
static void monitor_check_output(Monitor *m)
{
        if (ferror(stdout) && m->event)
                (void) sd_event_exit(m->event, -EPIPE);
}

static void event_json_end(Monitor *m, JsonWriter *w)
{
        json_end_object(w);
        (void) json_finish(w);
        monitor_check_output(m);
}

/* Starts one text line: "2024-05-01 12:00:01.234 ups1: " */
static void event_text_begin(const char *who)
{
        _cleanup_free_ char *safe = text_escape(who);
        char buf[FORMAT_TIMESTAMP_MAX];

        printf("%s%s%s %s: ", ansi(ANSI_GREY), format_timestamp(buf, now(CLOCK_REALTIME), false),
               ansi_normal(), strempty(safe));
}

static void event_text_end(Monitor *m)
{
        fputc('\n', stdout);
        fflush(stdout);
        monitor_check_output(m);
}

/* "online, charging; charge 100%; runtime 40 min; load 23%" */
static void print_device_state(const DeviceInfo *d)
{
        _cleanup_free_ char *state = device_state_text(d->connection, d->status), *safe = NULL;
        const char *color = severity_color(device_state_severity(d->connection, d->status));
        char charge[FORMAT_PERCENT_MAX], runtime[FORMAT_RUNTIME_MAX], load[FORMAT_PERCENT_MAX];

        safe = text_escape(strempty(state));
        printf("%s%s%s; charge %s; runtime %s; load %s", ansi(color), strempty(safe),
               color ? ansi_normal() : "", format_percent(charge, d->charge),
               format_runtime(runtime, d->runtime), format_percent(load, d->load));
}

static void show_device(Monitor *m, const char *event, const DeviceInfo *d)
{
        JsonWriter w;

        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, event, d->name);
                json_key(&w, "properties");
                json_begin_object(&w);
                device_info_json(d, &w);
                json_end_object(&w);
                event_json_end(m, &w);
                return;
        }
        event_text_begin(d->name);
        if (!streq(event, "state"))
                printf("%s, ", event);
        print_device_state(d);
        event_text_end(m);
}

/* Status and connection in the colour of how alarming they are. */
static const char *changed_field_color(const DeviceInfo *d, DeviceField f)
{
        if (f == DEVICE_STATUS)
                return severity_color(device_state_severity("connected", d->status));
        if (f == DEVICE_CONNECTION)
                return severity_color(device_state_severity(d->connection, NULL));
        return NULL;
}

/* Changed properties for people: "status: on battery, discharging; charge: 95%" */
static void print_changed_fields(const DeviceInfo *d)
{
        bool first = true;

        for (DeviceField f = 0; f < _DEVICE_FIELD_MAX; f++) {
                _cleanup_free_ char *text = NULL, *safe = NULL;
                const char *label = device_field_to_string(f), *color = changed_field_color(d, f);

                if (!device_info_has(d, f) || f == DEVICE_NAME || f == DEVICE_LAST_UPDATE)
                        continue;
                text = device_info_field_text(d, f);
                safe = text ? text_escape(text) : NULL;
                if (!safe)
                        continue;
                /* "Charge" → "charge: 95%"; an empty value as "" so the line still says it changed */
                printf("%s%c%s: %s%s%s", first ? "" : "; ", tolower((unsigned char) label[0]), label + 1,
                       ansi(color), isempty(safe) ? "\"\"" : safe, color ? ansi_normal() : "");
                first = false;
        }
}

/* Whether a PropertiesChanged says something a person would want a line for. */
static bool has_visible_change(const DeviceInfo *d)
{
        return (d->fields & ~((1u << DEVICE_NAME) | (1u << DEVICE_LAST_UPDATE))) != 0;
}

static bool monitor_wants(const Monitor *m, const char *device)
{
        return !m->device || streq_ptr(m->device, device);
}

static void warn_bad_signal(sd_bus_message *msg, int r)
{
        fprintf(stderr, "nutctl: cannot read %s signal, ignoring: %s\n",
                strempty(sd_bus_message_get_member(msg)), strerror(-r));
}

/* Manager.OnBattery changed: "nutd: on battery: yes" */
static int show_manager_change(Monitor *m, sd_bus_message *msg)
{
        const char *name;
        int on_battery = -1, r;
        JsonWriter w;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = sd_bus_message_read_basic(msg, 's', &name);
                if (r >= 0 && streq(name, "OnBattery"))
                        r = sd_bus_message_read(msg, "v", "b", &on_battery);
                else if (r >= 0)
                        r = sd_bus_message_skip(msg, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        if (on_battery < 0)
                return 0;
        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, "manager", NULL);
                json_key(&w, "on_battery");
                json_bool(&w, on_battery);
                event_json_end(m, &w);
        } else {
                event_text_begin("nutd");
                printf("on battery: %s", on_battery ? "yes" : "no");
                event_text_end(m);
        }
        return 0;
}

static void show_properties_changed(Monitor *m, const char *device, const DeviceInfo *d, char **invalidated)
{
        JsonWriter w;

        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, "properties", device);
                json_key(&w, "changed");
                json_begin_object(&w);
                device_info_json(d, &w);
                json_end_object(&w);
                json_key(&w, "invalidated");
                json_strv(&w, invalidated);
                event_json_end(m, &w);
                return;
        }
        /* LastUpdate alone changes at every update of the driver: not worth a line */
        if (!has_visible_change(d))
                return;
        event_text_begin(device);
        print_changed_fields(d);
        event_text_end(m);
}

static int on_properties_changed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
        _cleanup_(device_info_freep) DeviceInfo *d = NULL;
        _cleanup_strv_free_ char **invalidated = NULL;
        _cleanup_free_ char *device = NULL;
        Monitor *m = userdata;
        const char *interface;
        int r;

        r = sd_bus_message_read_basic(msg, 's', &interface);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        if (streq(interface, NUTD_MANAGER_INTERFACE) &&
            streq_ptr(sd_bus_message_get_path(msg), NUTD_OBJECT_PATH))
                return m->device ? 0 : show_manager_change(m, msg);
        if (!streq(interface, NUTD_DEVICE_INTERFACE) ||
            nutd_device_name(sd_bus_message_get_path(msg), &device) <= 0 || !monitor_wants(m, device))
                return 0;
        d = device_info_new();
        if (!d)
                return -ENOMEM;
        r = device_info_read(msg, d);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &invalidated);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        show_properties_changed(m, device, d, invalidated);
        return 0;
}

/* A value as it can be read back from a line: quoted when empty or holding blanks or quotes. */
static char *quote_value(const char *v)
{
        _cleanup_free_ char *t = malloc(strlen(v) * 2 + 1), *e = NULL;
        char *q = t, *out;

        if (!t)
                return NULL;
        for (const char *p = v; *p; p++) {
                if (*p == '"' || *p == '\\')
                        *q++ = '\\';
                *q++ = *p;
        }
        *q = 0;
        e = text_escape(t);
        if (!e)
                return NULL;
        if (*v && !strpbrk(e, " \t\"\\") && streq(e, v))
                return TAKE_PTR(e);
        if (asprintf(&out, "\"%s\"", e) < 0)
                return NULL;
        return out;
}

static void show_variables_changed(Monitor *m, const char *device, char **changed, char **removed)
{
        JsonWriter w;

        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, "variables", device);
                json_key(&w, "changed");
                json_begin_object(&w);
                for (char **v = changed; v[0] && v[1]; v += 2) {
                        json_key(&w, v[0]);
                        json_string(&w, v[1]);
                }
                json_end_object(&w);
                json_key(&w, "removed");
                json_strv(&w, removed);
                event_json_end(m, &w);
                return;
        }
        event_text_begin(device);
        for (char **v = changed; v[0] && v[1]; v += 2) {
                _cleanup_free_ char *name = text_escape(v[0]), *value = quote_value(v[1]);

                printf("%s%s=%s", v == changed ? "" : " ", strempty(name), strempty(value));
        }
        STRV_FOREACH(v, removed) {
                _cleanup_free_ char *name = text_escape(*v);

                printf("%sremoved %s", v == removed && !changed[0] ? "" : "; ", strempty(name));
        }
        event_text_end(m);
}

static int on_variables_changed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
        _cleanup_strv_free_ char **changed = NULL, **removed = NULL;
        _cleanup_free_ char *device = NULL;
        Monitor *m = userdata;
        int r;

        if (nutd_device_name(sd_bus_message_get_path(msg), &device) <= 0 || !monitor_wants(m, device))
                return 0;
        r = bus_read_string_pairs(msg, &changed);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &removed);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        show_variables_changed(m, device, changed, removed);
        return 0;
}

static int on_interfaces_added(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
        _cleanup_(device_info_freep) DeviceInfo *d = NULL;
        Monitor *m = userdata;
        int r;

        r = device_info_read_object(msg, &d);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        if (d && monitor_wants(m, d->name))
                show_device(m, "added", d);
        return 0;
}

static int on_interfaces_removed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
        _cleanup_strv_free_ char **interfaces = NULL;
        _cleanup_free_ char *device = NULL;
        Monitor *m = userdata;
        const char *path;
        JsonWriter w;
        int r;

        r = sd_bus_message_read(msg, "o", &path);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &interfaces);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        if (!strv_contains(interfaces, NUTD_DEVICE_INTERFACE) || nutd_device_name(path, &device) <= 0 ||
            !monitor_wants(m, device))
                return 0;
        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, "removed", device);
                event_json_end(m, &w);
        } else {
                event_text_begin(device);
                printf("removed");
                event_text_end(m);
        }
        return 0;
}

/* The current state of the devices watched; exit status on failure. */
static int show_snapshot(Monitor *m, sd_bus *bus)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        DeviceInfo **devices = NULL;
        size_t n = 0;
        bool found = false;
        int r;

        r = device_info_list(bus, &error, &devices, &n);
        if (r < 0)
                return nutd_error_report(&error, r, NULL, NULL);
        for (size_t i = 0; i < n; i++)
                if (monitor_wants(m, devices[i]->name)) {
                        show_device(m, "state", devices[i]);
                        found = true;
                }
        device_info_free_many(devices, n);
        if (m->device && !found) {
                fprintf(stderr, "nutctl: %s: no such device\n", m->device);
                return NUTCTL_EXIT_NOT_FOUND;
        }
        return NUTCTL_EXIT_SUCCESS;
}

/*
 * nutd started or stopped. A starting nutd asks for its name before it publishes its devices,
 * and the bus handles a connection's messages in order, so their InterfacesAdded follow.
 */
static int on_name_owner_changed(sd_bus_message *msg, void *userdata, sd_bus_error *ret_error)
{
        Monitor *m = userdata;
        const char *name, *old, *new;
        bool running;
        JsonWriter w;
        int r;

        r = sd_bus_message_read(msg, "sss", &name, &old, &new);
        if (r < 0) {
                warn_bad_signal(msg, r);
                return 0;
        }
        running = !isempty(new);
        if (m->args->json != JSON_OFF) {
                event_json_begin(&w, "service", NULL);
                json_key(&w, "running");
                json_bool(&w, running);
                event_json_end(m, &w);
        } else {
                event_text_begin("nutd");
                printf("%s", running ? "started" : "stopped");
                event_text_end(m);
        }
        return 0;
}

static int add_match(sd_bus *bus, const char *member, const char *interface, const char *path_match,
                     sd_bus_message_handler_t handler, Monitor *m)
{
        _cleanup_free_ char *match = NULL;

        if (asprintf(&match, "type='signal',sender='%s',interface='%s',member='%s',%s", NUTD_BUS_NAME,
                     interface, member, path_match) < 0)
                return -ENOMEM;
        return sd_bus_add_match(bus, NULL, match, handler, m);
}

/* Subscribes before anything is read, so no change falls between the snapshot and the signals. */
static int monitor_subscribe(Monitor *m, sd_bus *bus)
{
        _cleanup_free_ char *device_match = NULL, *object_match = NULL;
        int r;

        if (m->device) {
                r = nutd_device_path(m->device, &m->device_path);
                if (r < 0)
                        return r;
        }
        if (asprintf(&device_match, m->device ? "path='%s'" : "path_namespace='%s'",
                     m->device ? m->device_path : NUTD_OBJECT_PATH) < 0 ||
            asprintf(&object_match, "path='%s'", NUTD_OBJECT_PATH) < 0)
                return -ENOMEM;
        if ((r = add_match(bus, "PropertiesChanged", "org.freedesktop.DBus.Properties", device_match,
                           on_properties_changed, m)) < 0 ||
            (r = add_match(bus, "VariablesChanged", NUTD_DEVICE_INTERFACE, device_match,
                           on_variables_changed, m)) < 0 ||
            (r = add_match(bus, "InterfacesAdded", "org.freedesktop.DBus.ObjectManager", object_match,
                           on_interfaces_added, m)) < 0 ||
            (r = add_match(bus, "InterfacesRemoved", "org.freedesktop.DBus.ObjectManager", object_match,
                           on_interfaces_removed, m)) < 0)
                return r;
        return sd_bus_add_match(bus, NULL,
                                "type='signal',sender='org.freedesktop.DBus',"
                                "interface='org.freedesktop.DBus',member='NameOwnerChanged',"
                                "arg0='" NUTD_BUS_NAME "'",
                                on_name_owner_changed, m);
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        return sd_event_exit(sd_event_source_get_event(s), NUTCTL_EXIT_SUCCESS);
}

/* The loop, with SIGINT and SIGTERM as the normal way out; the bus is attached by the caller. */
static int monitor_new_event(sd_event **ret)
{
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        sigset_t ss;
        int r;

        sigemptyset(&ss);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return -errno;
        r = sd_event_new(&event);
        if (r < 0 || (r = sd_event_add_signal(event, NULL, SIGINT, on_exit_signal, NULL)) < 0 ||
            (r = sd_event_add_signal(event, NULL, SIGTERM, on_exit_signal, NULL)) < 0)
                return r;
        *ret = TAKE_PTR(event);
        return 0;
}

static int monitor_run(Monitor *m, sd_bus *bus)
{
        int r;

        r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0 || (r = sd_bus_set_exit_on_disconnect(bus, true)) < 0)
                return r;
        r = sd_event_loop(m->event);
        (void) sd_bus_detach_event(bus);
        if (r == -EPIPE)
                return NUTCTL_EXIT_FAILURE;     /* main() says the output failed */
        if (r < 0)
                return r;
        if (r != NUTCTL_EXIT_SUCCESS) {
                fprintf(stderr, "nutctl: lost the connection to the system bus\n");
                return NUTCTL_EXIT_FAILURE;
        }
        return NUTCTL_EXIT_SUCCESS;
}

int verb_monitor(sd_bus *bus, char **args, const NutctlArgs *a)
{
        Monitor m = { .args = a, .device = args[0] };
        int r;

        r = monitor_new_event(&m.event);
        if (r >= 0)
                r = monitor_subscribe(&m, bus);
        if (r >= 0) {
                r = show_snapshot(&m, bus);
                if (r == NUTCTL_EXIT_SUCCESS)
                        r = monitor_run(&m, bus);
        }
        sd_event_unref(m.event);
        free(m.device_path);
        return r;
}
