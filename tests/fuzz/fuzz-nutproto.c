/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: NUT request lines through the tokenizer and the command dispatch, on a server
 * with one device (variables, enums, ranges, commands) and upsd.users users. Every byte
 * sequence must be answered without crashing, leaking or touching freed memory.
 */
#include "client.h"
#include "fuzz.h"
#include "log.h"
#include "users.h"

static Device *device;

static Device *find_device(void *userdata, const char *name)
{
        return strcaseeq(name, "ups") ? device : NULL;
}

static Device *const *list_devices(void *userdata, size_t *ret_n)
{
        *ret_n = 1;
        return &device;
}

static const NutServerHooks hooks = { .find_device = find_device, .list_devices = list_devices };

/* A driver that completes every operation at once. */
static int fake_start(Device *d, const DeviceConfig *c, void **ret)
{
        *ret = d;
        return 0;
}

static int fake_op(void *state, const char *a, const char *b, DeviceOpDone done, void *userdata)
{
        done(strcaseeq(a, "fail.cmd") ? -EIO : 0, userdata);
        return 0;
}

static int fake_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        return fake_op(state, cmd, param, done, userdata);
}

static void fake_stop(void *state)
{
}

static const DriverOps fake_driver = {
        .name = "fake", .start = fake_start, .setvar = fake_op, .instcmd = fake_instcmd, .stop = fake_stop,
};

static const char users_text[] = "[admin]\n password = pw\n actions = SET FSD\n instcmds = ALL\n"
                                 "[mon]\n password = pw\n upsmon primary\n";

static void make_device(sd_event *e)
{
        DeviceVar *v;

        fuzz_assert(device_new("ups", e, &device) == 0);
        fuzz_assert(device_start_driver(device, &fake_driver, NULL) == 0);
        device_set_var(device, "ups.status", "OL");
        device_set_var(device, "ups.id", "a\"b\\c#d");
        device_set_var(device, "input.transfer.low", "100");
        device_set_var(device, "battery.charge", "100");
        device_set_var_info(device, "ups.id", VAR_RW | VAR_STRING, 8);
        device_set_var_info(device, "input.transfer.low", VAR_RW, 0);
        device_set_var_info(device, "battery.charge", VAR_RW | VAR_NUMBER, 0);
        v = var_store_get(&device->vars, "input.transfer.low");
        device_var_add_enum(v, "100");
        device_var_add_enum(v, "103");
        v = var_store_get(&device->vars, "battery.charge");
        device_var_add_range(v, 0, 100);
        device_add_command(device, "test.battery.start");
        device_add_command(device, "fail.cmd");
        device_commit(device);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char login[] = "USERNAME admin\nPASSWORD pw\nSET TRACKING ON\n";
        sd_event *e = NULL;
        NutServer *s = NULL;
        NutUsers *users = NULL;
        NutClient *c = NULL;
        char *error = NULL;
        UpsdConfig conf;

        log_set_max_level(LOG_ERR);
        fuzz_assert(sd_event_new(&e) >= 0);
        make_device(e);
        fuzz_assert(nut_server_new(e, &hooks, NULL, &s) == 0);
        fuzz_assert(nut_users_parse("upsd.users", users_text, sizeof(users_text) - 1, &users, &error) == 0);
        upsd_config_init(&conf);
        nut_server_configure(s, &conf, users, 0);
        fuzz_assert(nut_client_new(s, -1, &c) == 0);
        /* half the inputs run logged in, so the admin commands are reached too */
        if (size > 0 && (data[0] & 1))
                nut_client_feed(c, login, sizeof(login) - 1);
        nut_client_feed(c, (const char *) data, size);

        nut_server_free(s);             /* closes the client */
        device_unref(device);
        upsd_config_done(&conf);
        sd_event_unref(e);
        free(error);
        return 0;
}
