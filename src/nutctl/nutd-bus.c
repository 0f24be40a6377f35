/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Calls to nutd and what their failures mean. Each D-Bus error of the API (DESIGN.md §4)
 * and each error the bus itself answers with has one line in nutd_error_table: the exit
 * status scripts rely on and the words for stderr ("nutctl: ups1: no such variable x.y").
 */
#include <stdarg.h>
#include <stdio.h>

#include "nutctl.h"
#include "nutd-bus.h"
#include "strv.h"

#define NUTD_ERROR "org.nutd.Power1.Error."

typedef enum ErrorForm {
        FORM_WHAT,              /* "nutctl: PREFIX: what" */
        FORM_WHAT_SUBJECT,      /* "nutctl: PREFIX: what SUBJECT" */
        FORM_MESSAGE,           /* "nutctl: PREFIX: MESSAGE" (the daemon's words) */
        FORM_GLOBAL,            /* "nutctl: what" (not about one device) */
} ErrorForm;

static const struct {
        const char *name;       /* a name ending in '.' stands for the whole family */
        int status;
        ErrorForm form;
        const char *what;
} nutd_error_table[] = {
        { NUTD_ERROR "UnknownDevice", NUTCTL_EXIT_NOT_FOUND, FORM_WHAT, "no such device" },
        { SD_BUS_ERROR_UNKNOWN_OBJECT, NUTCTL_EXIT_NOT_FOUND, FORM_WHAT, "no such device" },
        { NUTD_ERROR "UnknownVariable", NUTCTL_EXIT_NOT_FOUND, FORM_WHAT_SUBJECT, "no such variable" },
        { NUTD_ERROR "UnknownCommand", NUTCTL_EXIT_NOT_FOUND, FORM_WHAT_SUBJECT, "no such command" },
        { NUTD_ERROR "ReadOnly", NUTCTL_EXIT_FAILURE, FORM_WHAT_SUBJECT, "read-only variable" },
        { NUTD_ERROR "InvalidValue", NUTCTL_EXIT_FAILURE, FORM_WHAT_SUBJECT, "value not accepted for" },
        { NUTD_ERROR "TooLong", NUTCTL_EXIT_FAILURE, FORM_WHAT_SUBJECT, "value too long for" },
        { NUTD_ERROR "DriverNotConnected", NUTCTL_EXIT_UNAVAILABLE, FORM_WHAT,
          "the driver is not connected to the device" },
        { NUTD_ERROR "DataStale", NUTCTL_EXIT_UNAVAILABLE, FORM_WHAT, "the device's data is stale" },
        { NUTD_ERROR "Timeout", NUTCTL_EXIT_UNAVAILABLE, FORM_WHAT, "the device did not answer in time" },
        { NUTD_ERROR "CommandFailed", NUTCTL_EXIT_FAILURE, FORM_MESSAGE, NULL },
        { SD_BUS_ERROR_ACCESS_DENIED, NUTCTL_EXIT_ACCESS, FORM_WHAT, "access denied" },
        { SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED, NUTCTL_EXIT_ACCESS, FORM_WHAT,
          "authentication required, and no polkit agent could ask (try on a terminal, or as root)" },
        { SD_BUS_ERROR_AUTH_FAILED, NUTCTL_EXIT_ACCESS, FORM_WHAT, "authentication failed" },
        { SD_BUS_ERROR_SERVICE_UNKNOWN, NUTCTL_EXIT_NOT_RUNNING, FORM_GLOBAL,
          "nutd is not running (" NUTD_BUS_NAME " has no owner)" },
        { SD_BUS_ERROR_NAME_HAS_NO_OWNER, NUTCTL_EXIT_NOT_RUNNING, FORM_GLOBAL,
          "nutd is not running (" NUTD_BUS_NAME " has no owner)" },
        { "org.freedesktop.DBus.Error.Spawn.", NUTCTL_EXIT_NOT_RUNNING, FORM_GLOBAL,
          "nutd is not running and could not be started" },
        { SD_BUS_ERROR_NO_REPLY, NUTCTL_EXIT_UNAVAILABLE, FORM_GLOBAL, "nutd did not answer in time" },
        { SD_BUS_ERROR_TIMEOUT, NUTCTL_EXIT_UNAVAILABLE, FORM_GLOBAL, "nutd did not answer in time" },
        { "org.freedesktop.DBus.Error.TimedOut", NUTCTL_EXIT_UNAVAILABLE, FORM_GLOBAL,
          "nutd did not answer in time" },
};

static int nutd_error_find(const sd_bus_error *error)
{
        if (!sd_bus_error_is_set(error))
                return -ENOENT;
        for (size_t i = 0; i < ELEMENTSOF(nutd_error_table); i++) {
                const char *n = nutd_error_table[i].name;

                if (endswith(n, ".") ? !!startswith(error->name, n) : streq(error->name, n))
                        return (int) i;
        }
        return -ENOENT;
}

/* The exit status for a failed call: error if set, else the errno r (< 0). */
int nutd_error_to_status(const sd_bus_error *error, int r)
{
        int i = nutd_error_find(error);

        if (i >= 0)
                return nutd_error_table[i].status;
        if (!sd_bus_error_is_set(error) && r == -ETIMEDOUT)
                return NUTCTL_EXIT_UNAVAILABLE;
        return NUTCTL_EXIT_FAILURE;
}

/**
 * nutd_error_report() - say on stderr why a call failed; returns the exit status
 * @prefix: what the message is about, usually the device name; may be NULL
 * @subject: the variable or command named in the call; may be NULL
 */
int nutd_error_report(const sd_bus_error *error, int r, const char *prefix, const char *subject)
{
        int i = nutd_error_find(error);
        const char *msg = sd_bus_error_is_set(error) ? error->message ?: error->name : strerror(-r);

        fputs("nutctl: ", stderr);
        if (prefix && (i < 0 || nutd_error_table[i].form != FORM_GLOBAL))
                fprintf(stderr, "%s: ", prefix);
        if (i < 0 || nutd_error_table[i].form == FORM_MESSAGE)
                fprintf(stderr, "%s\n", msg);
        else if (nutd_error_table[i].form == FORM_WHAT_SUBJECT && subject)
                fprintf(stderr, "%s %s\n", nutd_error_table[i].what, subject);
        else
                fprintf(stderr, "%s\n", nutd_error_table[i].what);
        return nutd_error_to_status(error, r);
}

int nutd_device_path(const char *name, char **ret)
{
        return sd_bus_path_encode(NUTD_DEVICE_PATH_PREFIX, name, ret);
}

/* The device name of an object path; 0 (and *ret untouched) if it is not a device's path. */
int nutd_device_name(const char *path, char **ret)
{
        return sd_bus_path_decode(path, NUTD_DEVICE_PATH_PREFIX, ret);
}

/* Calls member of org.nutd.Power1.Device on the device's object. */
int nutd_call_device(sd_bus *bus, const char *device, const char *member, sd_bus_error *error,
                     sd_bus_message **reply, const char *types, ...)
{
        _cleanup_free_ char *path = NULL;
        va_list ap;
        int r;

        r = nutd_device_path(device, &path);
        if (r < 0)
                return r;
        va_start(ap, types);
        r = sd_bus_call_methodv(bus, NUTD_BUS_NAME, path, NUTD_DEVICE_INTERFACE, member, error, reply, types,
                                ap);
        va_end(ap);
        return r;
}

/* A method call to the device, for callers that set message flags before sending it. */
int nutd_new_device_call(sd_bus *bus, const char *device, const char *member, sd_bus_message **ret)
{
        _cleanup_free_ char *path = NULL;
        int r;

        r = nutd_device_path(device, &path);
        if (r < 0)
                return r;
        return sd_bus_message_new_method_call(bus, ret, NUTD_BUS_NAME, path, NUTD_DEVICE_INTERFACE, member);
}

/* Reads an a{ss} into a list of name, value, name, value, ... */
int bus_read_string_pairs(sd_bus_message *m, char ***ret)
{
        _cleanup_strv_free_ char **l = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                if (strv_extend(&l, k) < 0 || strv_extend(&l, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        if (!l && !(l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}
