/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl commands NAME: the device's instant commands and what they do (ListCommands).
 */
#include <stdio.h>

#include "nutctl.h"
#include "nutd-bus.h"
#include "strv.h"
#include "table.h"

/* Reads a(ss) into a list of name, description, name, description, ... */
static int read_commands(sd_bus_message *m, char ***ret)
{
        _cleanup_strv_free_ char **l = NULL;
        const char *name, *desc;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(ss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(ss)", &name, &desc)) > 0)
                if (strv_extend(&l, name) < 0 || strv_extend(&l, desc) < 0)
                        return -ENOMEM;
        if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

static void commands_json(char **commands, JsonFormat format)
{
        JsonWriter w;

        json_init(&w, stdout, format);
        json_begin_array(&w);
        for (char **c = commands; c && c[0] && c[1]; c += 2) {
                json_begin_object(&w);
                json_key(&w, "name");
                json_string(&w, c[0]);
                json_key(&w, "description");
                json_string(&w, c[1]);
                json_end_object(&w);
        }
        json_end_array(&w);
        (void) json_finish(&w);
}

int verb_commands(sd_bus *bus, char **args, const NutctlArgs *a)
{
        static const char *const headers[] = { "COMMAND", "DESCRIPTION", NULL };
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **commands = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        int r;

        r = nutd_call_device(bus, args[0], "ListCommands", &error, &reply, NULL);
        if (r < 0)
                return nutd_error_report(&error, r, args[0], NULL);
        r = read_commands(reply, &commands);
        if (r < 0)
                return r;
        if (a->json != JSON_OFF) {
                commands_json(commands, a->json);
                return NUTCTL_EXIT_SUCCESS;
        }
        if (!commands) {
                if (a->legend)
                        printf("%s has no instant commands.\n", args[0]);
                return NUTCTL_EXIT_SUCCESS;
        }
        r = table_new(headers, NULL, &t);
        for (char **c = commands; r >= 0 && c[0] && c[1]; c += 2)
                if ((r = table_add(t, c[0], NULL)) >= 0)
                        r = table_add(t, c[1], NULL);
        if (r < 0)
                return r;
        return table_print(t, stdout, a->legend);
}
