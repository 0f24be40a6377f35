/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The org.nutd.Power1.Device objects: a fallback vtable under /org/nutd/Power1/device,
 * found by name, properties read from the device summary by offset, and the signals that
 * carry a commit (one PropertiesChanged, one VariablesChanged).
 */
#include <fnmatch.h>

#include "bus-error.h"
#include "log.h"
#include "manager.h"
#include "nut-names.h"
#include "strv.h"
#include "utf8.h"

#define DEVICE_INTERFACE NUTD_BUS_NAME ".Device"

int device_bus_path(const Device *d, char **ret)
{
        return sd_bus_path_encode(NUTD_DEVICE_PATH_PREFIX, d->name, ret);
}

static int device_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                              void **found, sd_bus_error *error)
{
        _cleanup_free_ char *name = NULL;
        Manager *m = userdata;
        Device *d;
        int r;

        r = sd_bus_path_decode(path, NUTD_DEVICE_PATH_PREFIX, &name);
        if (r <= 0)
                return r;
        d = manager_find_device(m, name);
        if (!d || !streq(d->name, name))        /* paths are exact, lookups by NUT name are not */
                return 0;
        *found = d;
        return 1;
}

static int device_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                                  sd_bus_error *error)
{
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        Manager *m = userdata;

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_devices; i++) {
                char *p;
                int r = device_bus_path(m->devices[i], &p);

                if (r < 0 || (r = strv_consume(&l, p)) < 0)
                        return r;
        }
        *nodes = TAKE_PTR(l);
        return 1;
}

/* Appends s as a D-Bus string, which must be UTF-8: other bytes are read as Latin-1. */
static int append_text(sd_bus_message *m, const char *s)
{
        _cleanup_free_ char *t = NULL;

        if (utf8_is_valid(s))
                return sd_bus_message_append_basic(m, 's', s);
        t = utf8_sanitize(s);
        if (!t)
                return -ENOMEM;
        return sd_bus_message_append_basic(m, 's', t);
}

static int append_var_entry(sd_bus_message *m, const DeviceVar *v)
{
        int r;

        r = sd_bus_message_open_container(m, 'e', "ss");
        if (r < 0 || (r = append_text(m, v->name)) < 0 || (r = append_text(m, v->value)) < 0)
                return r;
        return sd_bus_message_close_container(m);
}

static int method_get_variables(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Device *d = userdata;
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0 || (r = sd_bus_message_open_container(reply, 'a', "{ss}")) < 0)
                return r;
        for (size_t i = 0; i < d->vars.n_vars; i++) {
                r = append_var_entry(reply, d->vars.vars[i]);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_variable(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Device *d = userdata;
        const char *name, *value;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        value = device_get_var(d, name);
        if (!value)
                return bus_error_set_from_errno(error, -ENOENT, name);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0 || (r = append_text(reply, value)) < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int append_var_ranges(sd_bus_message *m, const DeviceVar *v)
{
        int r;

        r = sd_bus_message_open_container(m, 'a', "(xx)");
        for (size_t i = 0; r >= 0 && i < v->n_ranges; i++)
                r = sd_bus_message_append(m, "(xx)", (int64_t) v->ranges[i].min, (int64_t) v->ranges[i].max);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* DescribeVariable(s) → (s type, b writable, u max_length, as enum, a(xx) ranges, s description) */
static int method_describe_variable(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Device *d = userdata;
        const char *name;
        DeviceVar *v;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        v = var_store_get(&d->vars, name);
        if (!v)
                return bus_error_set_from_errno(error, -ENOENT, name);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "sbu", v->flags & VAR_NUMBER ? "NUMBER" : "STRING",
                                  (int) !!(v->flags & VAR_RW), (uint32_t) v->max_len);
        if (r < 0 || (r = sd_bus_message_append_strv(reply, v->enums)) < 0 ||
            (r = append_var_ranges(reply, v)) < 0 ||
            (r = sd_bus_message_append(reply, "s", nut_var_description(v->name) ?: "")) < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_list_commands(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Device *d = userdata;
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r < 0 || (r = sd_bus_message_open_container(reply, 'a', "(ss)")) < 0)
                return r;
        STRV_FOREACH(c, d->commands) {
                r = sd_bus_message_append(reply, "(ss)", *c, nut_cmd_description(*c) ?: "");
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Completion of SetVariable/InstantCommand: the reply is sent when the driver is done. */
typedef struct PendingCall {
        sd_bus_message *msg;
        char *subject;
} PendingCall;

static void pending_call_free(PendingCall *p)
{
        sd_bus_message_unref(p->msg);
        free(p->subject);
        free(p);
}

static void on_operation_done(int r, void *userdata)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        PendingCall *p = userdata;

        if (r < 0) {
                bus_error_set_from_errno(&error, r, p->subject);
                (void) sd_bus_reply_method_error(p->msg, &error);
        } else
                (void) sd_bus_reply_method_return(p->msg, NULL);
        pending_call_free(p);
}

static int pending_call_new(sd_bus_message *msg, const char *subject, PendingCall **ret)
{
        PendingCall *p = calloc(1, sizeof(PendingCall));

        if (!p)
                return -ENOMEM;
        p->subject = strdup(subject);
        if (!p->subject) {
                free(p);
                return -ENOMEM;
        }
        p->msg = sd_bus_message_ref(msg);
        *ret = p;
        return 0;
}

/* Commands that cut the power to the load need their own, stricter, polkit action. */
static bool command_cuts_power(const char *cmd)
{
        static const char *const patterns[] = {
                "load.off*", "shutdown.*", "outlet.*.load.off", "outlet.*.shutdown.*", "driver.killpower",
        };

        for (size_t i = 0; i < ELEMENTSOF(patterns); i++)
                if (fnmatch(patterns[i], cmd, FNM_CASEFOLD) == 0)
                        return true;
        return false;
}

static const char *operation_action(bool command, const char *subject)
{
        if (!command)
                return "org.nutd.power1.set-variable";
        return command_cuts_power(subject) ? "org.nutd.power1.instant-command-power"
                                            : "org.nutd.power1.instant-command";
}

/*
 * SetVariable(ss) and InstantCommand(ss): authorized by polkit (this handler then runs a
 * second time, see polkit.c), and the reply waits for the driver.
 */
static int method_device_operation(sd_bus_message *msg, Device *d, bool command, sd_bus_error *error)
{
        Manager *m = d->bus_data;
        const char *subject, *arg;
        PendingCall *p;
        int r;

        r = sd_bus_message_read(msg, "ss", &subject, &arg);
        if (r < 0)
                return r;
        const char *details[] = { "device", d->name, command ? "command" : "variable", subject,
                                  command ? "parameter" : "value", arg, NULL };

        r = polkit_verify_async(&m->polkit, msg, operation_action(command, subject), (char **) details, error);
        if (r <= 0)
                return r < 0 ? r : 1;
        log_info("%s: %s %s%s%s by %s", d->name, command ? "InstantCommand" : "SetVariable", subject,
                 isempty(arg) ? "" : " ", arg, strempty(sd_bus_message_get_sender(msg)));
        r = pending_call_new(msg, subject, &p);
        if (r < 0)
                return r;
        if (command)
                r = device_instcmd(d, subject, isempty(arg) ? NULL : arg, on_operation_done, p);
        else
                r = device_setvar(d, subject, arg, on_operation_done, p);
        if (r < 0) {
                pending_call_free(p);
                return bus_error_set_from_errno(error, r, subject);
        }
        return 1;
}

static int method_set_variable(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return method_device_operation(msg, userdata, false, error);
}

static int method_instant_command(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return method_device_operation(msg, userdata, true, error);
}

#define P(name, sig, field) \
        SD_BUS_PROPERTY(name, sig, NULL, offsetof(Device, field), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

static const sd_bus_vtable device_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", NULL, offsetof(Device, name), SD_BUS_VTABLE_PROPERTY_CONST),
        P("Description", "s", summary.description),
        P("Driver", "s", summary.driver),
        P("Connection", "s", summary.connection),
        P("Status", "as", summary.status),
        P("Alarms", "as", summary.alarms),
        P("Charge", "d", summary.charge),
        P("Runtime", "x", summary.runtime),
        P("Load", "d", summary.load),
        P("Manufacturer", "s", summary.manufacturer),
        P("Model", "s", summary.model),
        P("Serial", "s", summary.serial),
        P("Type", "s", summary.type),
        P("LastUpdate", "t", summary.last_update),
        P("Commands", "as", summary.commands),
        SD_BUS_METHOD_WITH_ARGS("GetVariables", SD_BUS_NO_ARGS, SD_BUS_RESULT("a{ss}", variables),
                                method_get_variables, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetVariable", SD_BUS_ARGS("s", name), SD_BUS_RESULT("s", value),
                                method_get_variable, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetVariable", SD_BUS_ARGS("s", name, "s", value), SD_BUS_NO_RESULT,
                                method_set_variable, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("InstantCommand", SD_BUS_ARGS("s", command, "s", parameter), SD_BUS_NO_RESULT,
                                method_instant_command, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("DescribeVariable", SD_BUS_ARGS("s", name),
                                SD_BUS_RESULT("s", type, "b", writable, "u", max_length, "as", enum_values,
                                              "a(xx)", ranges, "s", description),
                                method_describe_variable, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListCommands", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ss)", commands),
                                method_list_commands, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("VariablesChanged", SD_BUS_ARGS("a{ss}", changed, "as", removed), 0),
        SD_BUS_VTABLE_END,
};

#undef P

int device_bus_register(Manager *m)
{
        int r;

        r = sd_bus_add_fallback_vtable(m->bus, NULL, NUTD_DEVICE_PATH_PREFIX, DEVICE_INTERFACE, device_vtable,
                                       device_object_find, m);
        if (r < 0)
                return r;
        return sd_bus_add_node_enumerator(m->bus, NULL, NUTD_DEVICE_PATH_PREFIX, device_node_enumerator, m);
}

static const struct {
        DeviceField field;
        const char *property;
} field_property_table[] = {
        { DEVICE_FIELD_DESCRIPTION, "Description" },
        { DEVICE_FIELD_DRIVER, "Driver" },
        { DEVICE_FIELD_CONNECTION, "Connection" },
        { DEVICE_FIELD_STATUS, "Status" },
        { DEVICE_FIELD_ALARMS, "Alarms" },
        { DEVICE_FIELD_CHARGE, "Charge" },
        { DEVICE_FIELD_RUNTIME, "Runtime" },
        { DEVICE_FIELD_LOAD, "Load" },
        { DEVICE_FIELD_MANUFACTURER, "Manufacturer" },
        { DEVICE_FIELD_MODEL, "Model" },
        { DEVICE_FIELD_SERIAL, "Serial" },
        { DEVICE_FIELD_TYPE, "Type" },
        { DEVICE_FIELD_LAST_UPDATE, "LastUpdate" },
        { DEVICE_FIELD_COMMANDS, "Commands" },
};

static int emit_variables_changed(Manager *m, const char *path, const DeviceChange *c)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *s = NULL;
        int r;

        r = sd_bus_message_new_signal(m->bus, &s, path, DEVICE_INTERFACE, "VariablesChanged");
        if (r < 0 || (r = sd_bus_message_open_container(s, 'a', "{ss}")) < 0)
                return r;
        for (size_t i = 0; i < c->n_vars; i++)
                if ((r = append_var_entry(s, c->vars[i])) < 0)
                        return r;
        r = sd_bus_message_close_container(s);
        if (r < 0 || (r = sd_bus_message_append_strv(s, c->removed)) < 0)
                return r;
        return sd_bus_send(m->bus, s, NULL);
}

/**
 * device_bus_emit_changed() - one VariablesChanged and one PropertiesChanged for a commit
 */
void device_bus_emit_changed(Manager *m, Device *d, const DeviceChange *c)
{
        _cleanup_free_ char *path = NULL;
        const char *props[ELEMENTSOF(field_property_table) + 1];
        size_t n = 0;
        int r;

        if (!m->bus || device_bus_path(d, &path) < 0)
                return;
        if (c->n_vars > 0 || strv_length(c->removed) > 0) {
                r = emit_variables_changed(m, path, c);
                if (r < 0)
                        log_warning_errno(r, "%s: cannot send VariablesChanged, ignoring: %m", d->name);
        }
        for (size_t i = 0; i < ELEMENTSOF(field_property_table); i++)
                if (c->fields & field_property_table[i].field)
                        props[n++] = field_property_table[i].property;
        props[n] = NULL;
        if (n == 0)
                return;
        r = sd_bus_emit_properties_changed_strv(m->bus, path, DEVICE_INTERFACE, (char **) props);
        if (r < 0)
                log_warning_errno(r, "%s: cannot send PropertiesChanged, ignoring: %m", d->name);
}

/* The device's object appears: handlers find the manager through d->bus_data. */
void device_bus_attach(Manager *m, Device *d)
{
        _cleanup_free_ char *path = NULL;

        d->bus_data = m;
        if (m->bus && device_bus_path(d, &path) >= 0)
                (void) sd_bus_emit_object_added(m->bus, path);
}

void device_bus_emit_removed(Manager *m, Device *d)
{
        _cleanup_free_ char *path = NULL;

        if (m->bus && device_bus_path(d, &path) >= 0)
                (void) sd_bus_emit_object_removed(m->bus, path);
}
