/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device model: the variable store, one fan-out per commit, the summary, alarms,
 * stale detection, and driver operations with validation and timeouts.
 */
#include <glib.h>

#include "device.h"
#include "strv.h"

typedef struct Fixture {
        sd_event *event;
        Device *d;
        int changes;
        DeviceField last_fields;
        GPtrArray *last_vars;
        char **last_removed;
} Fixture;

static void on_changed(Device *d, const DeviceChange *c, void *userdata)
{
        Fixture *f = userdata;

        f->changes++;
        f->last_fields = c->fields;
        g_ptr_array_set_size(f->last_vars, 0);
        for (size_t i = 0; i < c->n_vars; i++)
                g_ptr_array_add(f->last_vars, g_strdup_printf("%s=%s", c->vars[i]->name, c->vars[i]->value));
        strv_free(f->last_removed);
        f->last_removed = strv_copy(c->removed);
}

static const DeviceHooks hooks = { .changed = on_changed };

static void setup(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(sd_event_new(&f->event), >=, 0);
        g_assert_cmpint(device_new("ups", f->event, &f->d), ==, 0);
        f->last_vars = g_ptr_array_new_with_free_func(g_free);
        device_set_hooks(f->d, &hooks, f);
}

static void teardown(Fixture *f, gconstpointer data)
{
        device_unref(f->d);
        sd_event_unref(f->event);
        g_ptr_array_unref(f->last_vars);
        strv_free(f->last_removed);
}

static void run_for(Fixture *f, uint64_t usec)
{
        uint64_t end = g_get_monotonic_time() + usec;

        while ((uint64_t) g_get_monotonic_time() < end)
                g_assert_cmpint(sd_event_run(f->event, 10000), >=, 0);
}

static void test_store(Fixture *f, gconstpointer data)
{
        VarStore *s = &f->d->vars;

        g_assert_cmpint(device_set_var(f->d, "ups.status", "OL"), ==, 1);
        g_assert_cmpint(device_set_var(f->d, "battery.charge", "100"), ==, 1);
        g_assert_cmpint(device_set_var(f->d, "Battery.Charge", "100"), ==, 0);   /* same name, same value */
        g_assert_cmpint(device_set_var(f->d, "battery.charge", "99"), ==, 1);
        g_assert_cmpint(device_set_var(f->d, "bad name", "1"), ==, -EINVAL);
        g_assert_cmpint(device_set_var(f->d, ".x", "1"), ==, -EINVAL);
        g_assert_cmpint(device_set_var(f->d, "ambient.1.temperature", "20"), ==, 1);
        g_assert_cmpstr(device_get_var(f->d, "BATTERY.CHARGE"), ==, "99");
        g_assert_null(device_get_var(f->d, "nope"));

        /* listed sorted, case-insensitively, as upsd lists them */
        g_assert_cmpuint(s->n_vars, ==, 3);
        g_assert_cmpstr(s->vars[0]->name, ==, "ambient.1.temperature");
        g_assert_cmpstr(s->vars[1]->name, ==, "battery.charge");
        g_assert_cmpstr(s->vars[2]->name, ==, "ups.status");

        g_assert_cmpint(device_remove_var(f->d, "ambient.1.temperature"), ==, 1);
        g_assert_cmpint(device_remove_var(f->d, "ambient.1.temperature"), ==, 0);
        g_assert_cmpuint(s->n_vars, ==, 2);
}

static void test_commit_once(Fixture *f, gconstpointer data)
{
        device_set_var(f->d, "ups.status", "OL");
        device_set_var(f->d, "battery.charge", "100");
        device_set_var(f->d, "ups.load", "12.5");
        device_set_var(f->d, "old.var", "x");
        g_assert_cmpint(f->changes, ==, 0);             /* nothing is published before the commit */
        g_assert_cmpint(device_commit(f->d), ==, 1);
        g_assert_cmpint(f->changes, ==, 1);
        g_assert_cmpuint(f->last_vars->len, ==, 4);
        g_assert_true(f->last_fields & DEVICE_FIELD_STATUS);
        g_assert_true(f->last_fields & DEVICE_FIELD_CHARGE);
        g_assert_true(f->last_fields & DEVICE_FIELD_LOAD);
        g_assert_true(f->last_fields & DEVICE_FIELD_CONNECTION);
        g_assert_false(f->last_fields & DEVICE_FIELD_RUNTIME);
        g_assert_cmpstr(f->d->summary.connection, ==, "connected");
        g_assert_cmpfloat(f->d->summary.charge, ==, 100);
        g_assert_cmpfloat(f->d->summary.load, ==, 12.5);
        g_assert_cmpint(f->d->summary.runtime, ==, -1);

        /* the same values again: nothing to say */
        device_set_var(f->d, "battery.charge", "100");
        g_assert_cmpint(device_commit(f->d), ==, 0);
        g_assert_cmpint(f->changes, ==, 1);

        /* one change, one removal: one fan-out naming both */
        device_set_var(f->d, "battery.charge", "80");
        device_remove_var(f->d, "old.var");
        device_commit(f->d);
        g_assert_cmpint(f->changes, ==, 2);
        g_assert_cmpuint(f->last_vars->len, ==, 1);
        g_assert_cmpstr(f->last_vars->pdata[0], ==, "battery.charge=80");
        g_assert_cmpuint(strv_length(f->last_removed), ==, 1);
        g_assert_cmpstr(f->last_removed[0], ==, "old.var");
        g_assert_cmpint(f->last_fields & ~DEVICE_FIELD_LAST_UPDATE, ==, DEVICE_FIELD_CHARGE);
}

static void test_summary(Fixture *f, gconstpointer data)
{
        static const struct {
                const char *value;
                double want;
        } numbers[] = {
                { "100", 100 }, { "042.7", 42.7 }, { "", -1 }, { "n/a", -1 }, { "12abc", -1 }, { "-5", -1 },
                { "nan", -1 }, { "1e400", -1 }, { "50 ", 50 },
        };

        for (size_t i = 0; i < G_N_ELEMENTS(numbers); i++) {
                device_set_var(f->d, "battery.charge", numbers[i].value);
                device_commit(f->d);
                g_assert_cmpfloat(f->d->summary.charge, ==, numbers[i].want);
        }

        device_set_var(f->d, "ups.mfr", "UPS Maker");
        device_set_var(f->d, "ups.status", "OL  CHRG\tRB");
        device_commit(f->d);
        g_assert_cmpstr(f->d->summary.manufacturer, ==, "UPS Maker");
        g_assert_cmpuint(strv_length(f->d->summary.status), ==, 3);
        g_assert_cmpstr(f->d->summary.status[2], ==, "RB");
        g_assert_cmpstr(f->d->summary.type, ==, "ups");
        device_set_var(f->d, "device.mfr", "Device Maker");
        device_set_var(f->d, "device.type", "pdu");
        /* not UTF-8: read as Latin-1 so that D-Bus can carry it */
        device_set_var(f->d, "ups.model", "Caf\xe9 1000");
        device_commit(f->d);
        g_assert_cmpstr(f->d->summary.manufacturer, ==, "Device Maker");
        g_assert_cmpstr(f->d->summary.type, ==, "pdu");
        g_assert_cmpstr(f->d->summary.model, ==, "Caf\xc3\xa9 1000");
        g_assert_cmpstr(device_get_var(f->d, "ups.model"), ==, "Caf\xe9 1000");
}

static void test_alarms(Fixture *f, gconstpointer data)
{
        device_set_var(f->d, "ups.status", "OB DISCHRG");
        g_assert_cmpint(device_add_alarm(f->d, "Replace battery!"), >=, 0);
        g_assert_cmpint(device_add_alarm(f->d, "Fan failure!"), >=, 0);
        device_commit(f->d);
        g_assert_cmpstr(device_get_var(f->d, "ups.status"), ==, "ALARM OB DISCHRG");
        g_assert_cmpstr(device_get_var(f->d, "ups.alarm"), ==, "Replace battery! Fan failure!");
        g_assert_cmpuint(strv_length(f->d->summary.alarms), ==, 2);

        g_assert_cmpint(device_clear_alarms(f->d), >=, 0);
        device_commit(f->d);
        g_assert_cmpstr(device_get_var(f->d, "ups.status"), ==, "OB DISCHRG");
        g_assert_null(device_get_var(f->d, "ups.alarm"));
        g_assert_cmpuint(strv_length(f->d->summary.alarms), ==, 0);

        /* ups.alarm set as a variable: one alarm text, status left as the device said */
        device_set_var(f->d, "ups.alarm", "Awaiting power!");
        device_commit(f->d);
        g_assert_cmpuint(strv_length(f->d->summary.alarms), ==, 1);
        g_assert_cmpstr(device_get_var(f->d, "ups.status"), ==, "OB DISCHRG");
}

static void test_stale(Fixture *f, gconstpointer data)
{
        g_assert_cmpint(device_set_stale_timeout(f->d, 50 * 1000), >=, 0);
        device_set_var(f->d, "ups.status", "OL");
        device_commit(f->d);
        g_assert_cmpint(f->d->connection, ==, DEVICE_CONNECTED);
        run_for(f, 20 * 1000);
        g_assert_cmpint(f->d->connection, ==, DEVICE_CONNECTED);
        run_for(f, 150 * 1000);
        g_assert_cmpint(f->d->connection, ==, DEVICE_STALE);
        g_assert_true(f->last_fields & DEVICE_FIELD_CONNECTION);
        g_assert_cmpstr(f->d->summary.connection, ==, "stale");

        /* fresh data, even unchanged, makes it connected again */
        device_commit(f->d);
        g_assert_cmpint(f->d->connection, ==, DEVICE_CONNECTED);
        g_assert_cmpstr(f->d->summary.connection, ==, "connected");

        device_set_connection(f->d, DEVICE_DISCONNECTED);
        g_assert_cmpstr(f->d->summary.connection, ==, "disconnected");
        run_for(f, 100 * 1000);
        g_assert_cmpint(f->d->connection, ==, DEVICE_DISCONNECTED);
}

/* A driver that keeps its operations pending until the test answers them. */
typedef struct FakeDriver {
        DeviceOpDone done;
        void *userdata;
        char *last;
} FakeDriver;

static FakeDriver fake;

static int fake_start(Device *d, const DeviceConfig *c, void **ret)
{
        *ret = &fake;
        return 0;
}

static int fake_setvar(void *state, const char *name, const char *value, DeviceOpDone done, void *userdata)
{
        FakeDriver *x = state;

        g_free(x->last);
        x->last = g_strdup_printf("%s=%s", name, value);
        x->done = done;
        x->userdata = userdata;
        return 0;
}

static int fake_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        return fake_setvar(state, cmd, param ?: "", done, userdata);
}

static void fake_stop(void *state)
{
        FakeDriver *x = state;

        if (x->done)
                x->done(-ECANCELED, x->userdata);
        x->done = NULL;
        g_clear_pointer(&x->last, g_free);
}

static const DriverOps fake_driver = {
        .name = "fake", .start = fake_start, .setvar = fake_setvar, .instcmd = fake_instcmd, .stop = fake_stop,
};

static void record_result(int r, void *userdata)
{
        int *p = userdata;

        g_assert_cmpint(*p, ==, 1);     /* called exactly once */
        *p = r;
}

static void test_operations(Fixture *f, gconstpointer data)
{
        DeviceVar *v;
        int result;

        g_assert_cmpint(device_start_driver(f->d, &fake_driver, NULL), ==, 0);
        g_assert_cmpstr(device_get_var(f->d, "driver.name"), ==, "fake");
        device_set_var(f->d, "ups.delay.shutdown", "20");
        device_set_var(f->d, "ups.id", "a");
        device_set_var(f->d, "ups.beeper.status", "enabled");
        device_set_var(f->d, "ups.model", "X");
        device_set_var_info(f->d, "ups.delay.shutdown", VAR_RW | VAR_NUMBER, 0);
        device_set_var_info(f->d, "ups.id", VAR_RW | VAR_STRING, 4);
        device_set_var_info(f->d, "ups.beeper.status", VAR_RW | VAR_STRING, 0);
        v = var_store_get(&f->d->vars, "ups.beeper.status");
        device_var_add_enum(v, "enabled");
        device_var_add_enum(v, "disabled");
        v = var_store_get(&f->d->vars, "ups.delay.shutdown");
        device_var_add_range(v, 0, 600);
        device_add_command(f->d, "test.battery.start.quick");

        /* before data arrives the driver is not connected */
        g_assert_cmpint(device_setvar(f->d, "ups.id", "b", record_result, &result), ==, -ENOTCONN);
        device_commit(f->d);

        g_assert_cmpint(device_setvar(f->d, "no.such", "1", record_result, &result), ==, -ENOENT);
        g_assert_cmpint(device_setvar(f->d, "ups.model", "Y", record_result, &result), ==, -EROFS);
        g_assert_cmpint(device_setvar(f->d, "ups.id", "12345", record_result, &result), ==, -E2BIG);
        g_assert_cmpint(device_setvar(f->d, "ups.delay.shutdown", "soon", record_result, &result), ==, -EINVAL);
        g_assert_cmpint(device_setvar(f->d, "ups.delay.shutdown", "601", record_result, &result), ==, -EINVAL);
        g_assert_cmpint(device_setvar(f->d, "ups.beeper.status", "muted", record_result, &result), ==, -EINVAL);
        g_assert_cmpint(device_instcmd(f->d, "load.off", NULL, record_result, &result), ==, -EOPNOTSUPP);
        g_assert_null(fake.last);

        /* accepted: the answer is the driver's */
        result = 1;
        g_assert_cmpint(device_setvar(f->d, "UPS.DELAY.SHUTDOWN", "600", record_result, &result), ==, 0);
        g_assert_cmpstr(fake.last, ==, "ups.delay.shutdown=600");
        g_assert_cmpint(result, ==, 1);
        fake.done(-EIO, fake.userdata);
        fake.done = NULL;
        g_assert_cmpint(result, ==, -EIO);

        /* a driver that never answers: the caller hears -ETIMEDOUT, once */
        f->d->op_timeout_usec = 30 * 1000;
        result = 1;
        g_assert_cmpint(device_instcmd(f->d, "Test.Battery.Start.Quick", NULL, record_result, &result), ==, 0);
        run_for(f, 100 * 1000);
        g_assert_cmpint(result, ==, -ETIMEDOUT);
        /* the late answer is swallowed; stopping the driver releases it */

        /* stale data: operations refused */
        result = 1;
        device_set_connection(f->d, DEVICE_STALE);
        g_assert_cmpint(device_setvar(f->d, "ups.id", "b", record_result, &result), ==, -ESTALE);
        device_stop_driver(f->d);
        g_assert_cmpint(result, ==, 1);
}

static void test_connection_table(void)
{
        for (int i = 0; i < _DEVICE_CONNECTION_MAX; i++) {
                const char *s = device_connection_to_string(i);

                g_assert_nonnull(s);
                g_assert_cmpint(device_connection_from_string(s), ==, i);
        }
        g_assert_null(device_connection_to_string(_DEVICE_CONNECTION_MAX));
        g_assert_cmpint(device_connection_from_string("bogus"), ==, -EINVAL);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
#define T(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
        T("/daemon/device/store", test_store);
        T("/daemon/device/commit-once", test_commit_once);
        T("/daemon/device/summary", test_summary);
        T("/daemon/device/alarms", test_alarms);
        T("/daemon/device/stale", test_stale);
        T("/daemon/device/operations", test_operations);
        g_test_add_func("/daemon/device/connection-table", test_connection_table);
        return g_test_run();
}
