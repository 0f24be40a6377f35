/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd under test, for the usb suite: a umockdev testbed, a configuration directory, the
 * daemon as a child on the private system bus (with-system-bus.sh), D-Bus helpers to call
 * its Device objects, and fake APC UPSes (fake-ups.h) built from the real descriptors.
 */
#pragma once

#include <gio/gio.h>
#include <umockdev.h>

#include "fake-ups.h"

#define NUTD_BUS_NAME "org.nutd.Power1"
#define NUTD_DEVICE_IFACE "org.nutd.Power1.Device"
#define NUTD_ERROR_PREFIX "org.nutd.Power1.Error."
#define APC_CS500 "apc-back-ups-cs-500_nut-2.8.0"
#define APC_X750 "apc-smart-ups-x-750_lsusb"

typedef struct NutdRun {
        UMockdevTestbed *tb;
        GDBusConnection *bus;
        GSubprocess *nutd;
        char *dir;              /* --config-dir */
        unsigned port;          /* NUT protocol, on 127.0.0.1 */
} NutdRun;

/* g_test_init(); FALSE (exit with 77) outside with-system-bus.sh or without NUTD */
gboolean nutd_run_test_init(int *argc, char ***argv);

/* $env/name */
char *nutd_data_path(const char *env, const char *name);
GBytes *nutd_read_file(const char *env, const char *name);

/* Testbed with the root hub, ups.conf and upsd.users as given (upsd.conf: LISTEN on a
 * random port), nutd started and on the bus */
void nutd_run_start(NutdRun *n, const char *ups_conf, const char *upsd_users);
/* SIGTERM; asserts nutd exits with 0 (it never crashed) */
void nutd_run_stop(NutdRun *n);

char *nutd_object_path(const char *device);
GVariant *nutd_call(NutdRun *n, const char *device, const char *method, GVariant *args, GError **error);
GVariant *nutd_get_property(NutdRun *n, const char *device, const char *prop);
char *nutd_get_var(NutdRun *n, const char *device, const char *var);
gboolean nutd_wait_connection(NutdRun *n, const char *device, const char *want, unsigned timeout_ms);
gboolean nutd_wait_var(NutdRun *n, const char *device, const char *var, const char *want, unsigned timeout_ms);

/* A report descriptor with more items added before its last End Collection (the top
 * collection's), for fields a real descriptor lacks */
GBytes *nutd_rdesc_add_items(GBytes *rdesc, const guint8 *items, gsize n);

/* A fake APC unit of that model (APC_CS500: its recorded feature reports; APC_X750: every
 * feature report present, all zero), not plugged in yet */
FakeUps *nutd_fake_apc_new(NutdRun *n, guint8 devnum, guint8 port, const char *serial, GBytes *rdesc,
                           const char *model);
/* The same, plugged in */
FakeUps *nutd_fake_apc_plug(NutdRun *n, guint8 devnum, guint8 port, const char *serial, GBytes *rdesc,
                            const char *model);
