/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nut-remote driver in-process, on Devices, against the reference upsd (run under
 * tests/nut/with-nut.sh, which exports NUT_PORT): what the shutdown controller will use,
 * nut_remote_set_fsd(), as a primary and as a secondary; SET/INSTCMD refusals as errno;
 * LOGIN counted by upsd; stop() completing a pending operation with -ECANCELED.
 */
#include <glib.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include "config.h"
#include "device.h"
#include "driver-table.h"
#include "nut-remote.h"

typedef struct Remote {
        Device *device;
        DeviceConfig config;
        ConfPair params[5];
} Remote;

static sd_event *event;
static Remote primary, secondary;
static uint16_t nut_port;

static int done_r;
static bool done_called;

static void on_done(int r, void *userdata)
{
        done_r = r;
        done_called = true;
}

/* Runs the loop until cond() holds or 10 s pass. */
static bool run_until(bool (*cond)(void))
{
        for (unsigned i = 0; i < 1000 && !cond(); i++)
                sd_event_run(event, 10 * 1000);
        return cond();
}

static bool op_done(void)
{
        return done_called;
}

static int run_op(int (*start)(void))
{
        done_called = false;
        done_r = start();
        if (done_r < 0)
                return done_r;
        g_assert_true(run_until(op_done));
        return done_r;
}

/* One request to upsd over a plain socket: the first line of the answer. */
static char *upsd_query(const char *request)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(nut_port),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        char buf[512] = "";
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ssize_t k;

        g_assert_cmpint(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
        g_assert_cmpint(send(fd, request, strlen(request), 0), ==, strlen(request));
        k = recv(fd, buf, sizeof(buf) - 1, 0);
        close(fd);
        if (k > 0)
                buf[strcspn(buf, "\n")] = 0;
        return g_strdup(buf);
}

static void remote_start(Remote *x, const char *name, const char *user, const char *password)
{
        g_autofree char *port = g_strdup_printf("dummy@127.0.0.1:%u", nut_port);

        x->params[0] = (ConfPair) { (char *) "username", (char *) user };
        x->params[1] = (ConfPair) { (char *) "password", (char *) password };
        x->params[2] = (ConfPair) { (char *) "login", (char *) "yes" };
        x->params[3] = (ConfPair) { (char *) "pollinterval", (char *) "1" };
        x->config = (DeviceConfig) {
                .name = (char *) name,
                .driver = (char *) "nut-remote",
                .port = g_strdup(port),
                .params = x->params,
                .n_params = 4,
                .config_dir = "/",
        };
        g_assert_cmpint(device_new(name, event, &x->device), ==, 0);
        g_assert_cmpint(device_start_driver(x->device, driver_find("nut-remote"), &x->config), ==, 0);
}

static bool both_connected(void)
{
        return primary.device->connection == DEVICE_CONNECTED &&
               secondary.device->connection == DEVICE_CONNECTED;
}

static void test_connect(void)
{
        g_autofree char *n = NULL;

        remote_start(&primary, "primary", "dummy-admin", "P@ssW0rdAdm");
        remote_start(&secondary, "secondary", "dummy-user", "P@ssW0rd");
        g_assert_true(run_until(both_connected));
        g_assert_cmpstr(device_get_var(primary.device, "ups.status"), ==, "OL");
        g_assert_cmpstr(device_get_var(primary.device, "driver.name"), ==, "dummy-ups");
        g_assert_true(device_has_command(primary.device, "load.off"));
        g_assert_null(device_get_var(primary.device, "driver.parameter.password"));
        n = upsd_query("GET NUMLOGINS dummy\n");
        g_assert_cmpstr(n, ==, "NUMLOGINS dummy 2");
}

static int fsd_secondary(void)
{
        return nut_remote_set_fsd(secondary.device->driver_state, on_done, NULL);
}

static int fsd_primary(void)
{
        return nut_remote_set_fsd(primary.device->driver_state, on_done, NULL);
}

static bool fsd_mirrored(void)
{
        return streq_ptr(device_get_var(primary.device, "ups.status"), "FSD OL") &&
               streq_ptr(device_get_var(secondary.device, "ups.status"), "FSD OL");
}

static void test_fsd(void)
{
        g_autofree char *s = NULL;

        g_assert_cmpint(run_op(fsd_secondary), ==, -EACCES);   /* upsmon secondary may not */
        s = upsd_query("GET VAR dummy ups.status\n");
        g_assert_cmpstr(s, ==, "VAR dummy ups.status \"OL\"");
        g_assert_cmpint(run_op(fsd_primary), ==, 0);
        g_free(s);
        s = upsd_query("GET VAR dummy ups.status\n");
        g_assert_cmpstr(s, ==, "VAR dummy ups.status \"FSD OL\"");
        g_assert_true(run_until(fsd_mirrored));
        g_assert_cmpint(primary.device->connection, ==, DEVICE_CONNECTED);
}

static int setvar_primary(void)
{
        return device_setvar(primary.device, "ups.id", "nope", on_done, NULL);
}

static int instcmd_primary(void)
{
        return device_instcmd(primary.device, "load.off", NULL, on_done, NULL);
}

/* upsd refuses: dummy-admin has no SET action nor instcmds. */
static void test_refused(void)
{
        g_assert_cmpint(run_op(setvar_primary), ==, -EACCES);
        g_assert_cmpint(run_op(instcmd_primary), ==, -EACCES);
        g_assert_cmpint(device_setvar(primary.device, "no.such.var", "1", on_done, NULL), ==, -ENOENT);
        g_assert_cmpint(device_setvar(primary.device, "ups.id", "far-too-long-for-16", on_done, NULL), ==, -E2BIG);
}

static bool no_logins(void)
{
        g_autofree char *n = upsd_query("GET NUMLOGINS dummy\n");

        return streq(n, "NUMLOGINS dummy 0");
}

static void test_stop(void)
{
        done_called = false;
        g_assert_cmpint(device_setvar(secondary.device, "ups.id", "x", on_done, NULL), ==, 0);
        device_stop_driver(secondary.device);
        g_assert_true(done_called);
        g_assert_cmpint(done_r, ==, -ECANCELED);
        device_stop_driver(primary.device);
        g_assert_true(run_until(no_logins));
        primary.device = device_unref(primary.device);
        secondary.device = device_unref(secondary.device);
        g_free(primary.config.port);
        g_free(secondary.config.port);
}

int main(int argc, char *argv[])
{
        const char *p = getenv("NUT_PORT");
        int r;

        g_test_init(&argc, &argv, NULL);
        if (!p) {
                g_print("1..0 # SKIP run under tests/nut/with-nut.sh (NUT_PORT unset)\n");
                return 77;
        }
        nut_port = (uint16_t) atoi(p);
        g_assert_cmpint(sd_event_new(&event), >=, 0);
        g_test_add_func("/drivers/nut-remote/upsd/connect-and-login", test_connect);
        g_test_add_func("/drivers/nut-remote/upsd/fsd", test_fsd);
        g_test_add_func("/drivers/nut-remote/upsd/refused", test_refused);
        g_test_add_func("/drivers/nut-remote/upsd/stop", test_stop);
        r = g_test_run();
        sd_event_unref(event);
        return r;
}
