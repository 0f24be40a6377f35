/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Manager: loads the configuration, creates a Device per ups.conf section and starts its
 * driver, reloads on SIGHUP, and fans each commit out to the bus binding.
 */
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "manager.h"
#include "sorted.h"
#include "strv.h"

static const DeviceHooks manager_device_hooks = {
        .changed = manager_device_changed,
};

int manager_new(const char *config_dir, Manager **ret)
{
        _cleanup_(manager_freep) Manager *m = calloc(1, sizeof(Manager));
        int r;

        if (!m)
                return -ENOMEM;
        m->config_dir = strdup(config_dir);
        if (!m->config_dir)
                return -ENOMEM;
        nutd_config_init(&m->nutd);
        m->detected = calloc(1, sizeof(UpsConfig));
        if (!m->detected)
                return -ENOMEM;
        r = sd_event_default(&m->event);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static void manager_drop_device(Manager *m, size_t i)
{
        Device *d = m->devices[i];

        device_bus_emit_removed(m, d);          /* while the object can still be found */
        if (m->nut)
                nut_server_device_removed(m->nut, d);
        memmove(m->devices + i, m->devices + i + 1, (m->n_devices - i - 1) * sizeof(Device *));
        m->n_devices--;
        device_set_hooks(d, NULL, NULL);
        device_stop_driver(d);
        device_unref(d);
}

Manager *manager_free(Manager *m)
{
        if (!m)
                return NULL;
        m->hotplug = hotplug_free(m->hotplug);
        while (m->n_devices > 0)
                manager_drop_device(m, m->n_devices - 1);
        ups_config_free(m->detected);
        free(m->devices);
        nut_server_free(m->nut);
        nut_users_free(m->users);
        sd_event_source_disable_unref(m->shutdown_timer);
        sd_event_source_disable_unref(m->release_timer);
        logind_free(m->logind);
        controller_free(m->controller);
        upsmon_config_done(&m->upsmon);
        strv_free(m->fsd_set);
        upsd_config_done(&m->upsd);
        ups_config_free(m->ups);
        polkit_registry_done(&m->polkit);
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        free(m->config_dir);
        free(m->status_text);
        return mfree(m);
}

static size_t manager_device_index(Manager *m, const char *name, bool *found)
{
        return sorted_find((void *const *) m->devices, m->n_devices, offsetof(Device, name), name, found);
}

/* Devices are found by name case-insensitively, as upsd does. */
Device *manager_find_device(Manager *m, const char *name)
{
        bool found;
        size_t i = manager_device_index(m, name, &found);

        return found ? m->devices[i] : NULL;
}

static void manager_update_status(Manager *m)
{
        _cleanup_free_ char *s = NULL;
        size_t connected = 0, on_battery = 0;

        for (size_t i = 0; i < m->n_devices; i++) {
                Device *d = m->devices[i];

                connected += d->connection == DEVICE_CONNECTED;
                on_battery += strv_contains(d->summary.status, "OB");
        }
        if (asprintf(&s, "%zu devices, %zu connected, %zu on battery", m->n_devices, connected, on_battery) < 0)
                return;
        if (streq_ptr(s, m->status_text))
                return;
        (void) sd_notifyf(false, "STATUS=%s", s);
        free(m->status_text);
        m->status_text = TAKE_PTR(s);
}

static void manager_update_on_battery(Manager *m)
{
        bool ob = false;

        for (size_t i = 0; i < m->n_devices && !ob; i++)
                ob = m->devices[i]->connection != DEVICE_DISCONNECTED &&
                     strv_contains(m->devices[i]->summary.status, "OB");
        if (ob == m->on_battery)
                return;
        m->on_battery = ob;
        manager_bus_emit_on_battery(m);
}

/**
 * manager_device_changed() - the fan-out of a device commit: bus signals, then the
 * manager-wide state derived from all devices
 */
void manager_device_changed(Device *d, const DeviceChange *change, void *userdata)
{
        Manager *m = userdata;

        device_bus_emit_changed(m, d, change);
        if (change->fields & (DEVICE_FIELD_STATUS | DEVICE_FIELD_CONNECTION)) {
                manager_update_on_battery(m);
                manager_update_status(m);
        }
        if (change->fields & (DEVICE_FIELD_STATUS | DEVICE_FIELD_CONNECTION | DEVICE_FIELD_ALARMS))
                manager_shutdown_evaluate(m);
}

static int manager_add_device(Manager *m, const DeviceConfig *c)
{
        _cleanup_(device_unrefp) Device *d = NULL;
        const DriverOps *ops;
        Device **a;
        bool found;
        size_t i;
        int r;

        i = manager_device_index(m, c->name, &found);
        if (found)
                return -EEXIST;
        r = device_new(c->name, m->event, &d);
        if (r < 0)
                return r;
        if (device_set_description(d, c->desc) < 0 || device_set_driver_name(d, c->driver) < 0)
                return -ENOMEM;
        a = realloc(m->devices, (m->n_devices + 1) * sizeof(Device *));
        if (!a)
                return -ENOMEM;
        m->devices = a;
        memmove(a + i + 1, a + i, (m->n_devices - i) * sizeof(Device *));
        a[i] = device_ref(d);
        m->n_devices++;
        device_set_hooks(d, &manager_device_hooks, m);
        device_bus_attach(m, d);

        ops = driver_find(c->driver);
        if (!ops) {
                log_error("%s: driver \"%s\" is not available in nutd", c->name, c->driver);
                device_set_connection(d, DEVICE_DISCONNECTED);
                return 0;
        }
        r = device_start_driver(d, ops, c);
        if (r < 0)
                log_error_errno(r, "%s: cannot start driver %s: %m", c->name, c->driver);
        return 0;
}

static const DeviceConfig *ups_config_find(const UpsConfig *c, const char *name)
{
        for (size_t i = 0; c && i < c->n_devices; i++)
                if (strcaseeq(c->devices[i].name, name))
                        return &c->devices[i];
        return NULL;
}

const DeviceConfig *manager_find_config(Manager *m, const char *name)
{
        const DeviceConfig *c = ups_config_find(m->ups, name);

        return c ? c : ups_config_find(m->detected, name);
}

int manager_add_detected_device(Manager *m, const char *name, const char *driver, char **params, Device **ret)
{
        int r;

        r = ups_config_add_detected(m->detected, name, driver, params);
        if (r < 0)
                return r;
        r = manager_add_device(m, &m->detected->devices[m->detected->n_devices - 1]);
        if (r < 0)
                return r;
        manager_update_status(m);
        *ret = manager_find_device(m, name);
        return *ret ? 0 : -ENOENT;
}

/* Makes the device set match the new configuration: gone sections go, changed ones restart.
 * Auto-detected devices stay. */
static void manager_apply_config(Manager *m, UpsConfig *old)
{
        for (size_t i = m->n_devices; i > 0; i--) {
                const char *name = m->devices[i - 1]->name;
                const DeviceConfig *n = ups_config_find(m->ups, name), *o = ups_config_find(old, name);

                if (!n && !o && ups_config_find(m->detected, name))
                        continue;
                if (!n || !o || !device_config_equal(n, o))
                        manager_drop_device(m, i - 1);
        }
        for (size_t i = 0; i < m->ups->n_devices; i++) {
                const DeviceConfig *c = &m->ups->devices[i];
                int r;

                if (manager_find_device(m, c->name))
                        continue;
                r = manager_add_device(m, c);
                if (r < 0)
                        log_error_errno(r, "%s: cannot add device: %m", c->name);
        }
        manager_update_on_battery(m);
        manager_update_status(m);
}

typedef struct ConfigSet {
        NutdConfig nutd;
        UpsConfig *ups;
        UpsdConfig upsd;
        NutUsers *users;
        UpsmonConfig upsmon;
} ConfigSet;

static void config_set_done(ConfigSet *c)
{
        ups_config_free(c->ups);
        upsd_config_done(&c->upsd);
        nut_users_free(c->users);
        upsmon_config_done(&c->upsmon);
}

static void log_warnings(char **warnings)
{
        STRV_FOREACH(w, warnings)
                log_warning("%s", *w);
}

/* Reads every configuration file into c; on failure *ret_error says which line of which file. */
static int manager_read_config(Manager *m, ConfigSet *c, char **ret_error)
{
        _cleanup_free_ char *nutd = NULL, *upsd = NULL, *users = NULL, *upsmon = NULL;
        int r;

        *c = (ConfigSet) {};
        nutd_config_init(&c->nutd);
        upsd_config_init(&c->upsd);
        upsmon_config_init(&c->upsmon);
        if (asprintf(&nutd, "%s/nutd.conf", m->config_dir) < 0 ||
            asprintf(&upsd, "%s/upsd.conf", m->config_dir) < 0 ||
            asprintf(&users, "%s/upsd.users", m->config_dir) < 0 ||
            asprintf(&upsmon, "%s/upsmon.conf", m->config_dir) < 0)
                return -ENOMEM;
        if ((r = nutd_config_load(&c->nutd, nutd, ret_error)) < 0 ||
            (r = ups_config_load(m->config_dir, &c->ups, ret_error)) < 0 ||
            (r = upsd_config_load(&c->upsd, upsd, ret_error)) < 0 ||
            (r = nut_users_load(users, &c->users, ret_error)) < 0 ||
            (r = upsmon_config_load(&c->upsmon, upsmon, ret_error)) < 0) {
                config_set_done(c);
                return r;
        }
        log_warnings(c->upsd.warnings);
        log_warnings(c->users->warnings);
        log_warnings(c->upsmon.warnings);
        for (size_t i = 0; i < c->upsmon.n_monitors; i++) {
                const UpsmonMonitor *mon = &c->upsmon.monitors[i];

                if (mon->local)
                        continue;
                r = ups_config_add_remote(c->ups, mon->system, mon->username, mon->password);
                if (r < 0) {
                        config_set_done(c);
                        return r;
                }
        }
        return 0;
}

int manager_load_config(Manager *m)
{
        _cleanup_free_ char *error = NULL;
        ConfigSet c;
        int r;

        r = manager_read_config(m, &c, &error);
        if (r < 0)
                return log_error_errno(r, "%s", error ?: "Cannot read the configuration: %m");
        m->nutd = c.nutd;
        m->ups = c.ups;
        m->upsd = c.upsd;
        m->users = c.users;
        m->upsmon = c.upsmon;
        return 0;
}

/**
 * manager_reload() - re-read the configuration; a bad file leaves the running one in place
 */
int manager_reload(Manager *m, char **ret_error)
{
        _cleanup_(ups_config_freep) UpsConfig *old = NULL;
        ConfigSet c;
        int r;

        (void) sd_notify(false, "RELOADING=1");
        r = manager_read_config(m, &c, ret_error);
        if (r >= 0 && m->nut)
                r = nut_server_set_tls(m->nut, &c.upsd, ret_error);
        if (r < 0) {
                log_error_errno(r, "Reload failed, keeping the running configuration: %s",
                                *ret_error ?: strerror(-r));
                if (r != -ENOMEM && !*ret_error)
                        *ret_error = strdup(strerror(-r));
                config_set_done(&c);
                (void) sd_notify(false, "READY=1");
                return r;
        }
        if (c.nutd.dbus != m->nutd.dbus)
                log_warning("DBUS changed in nutd.conf: takes effect at the next start");
        c.nutd.dbus = m->nutd.dbus;
        m->nutd = c.nutd;
        upsd_config_done(&m->upsd);
        m->upsd = c.upsd;
        upsmon_config_done(&m->upsmon);
        m->upsmon = c.upsmon;
        if (m->controller)
                controller_set_config(m->controller, &m->upsmon);
        if (m->nut)
                nut_server_configure(m->nut, &m->upsd, TAKE_PTR(c.users), m->nutd.idle_timeout_usec);
        else {
                nut_users_free(m->users);
                m->users = TAKE_PTR(c.users);
        }
        old = m->ups;
        m->ups = c.ups;
        manager_apply_config(m, old);
        if (m->hotplug)
                (void) hotplug_enumerate(m->hotplug);
        log_info("Configuration reloaded: %zu devices", m->n_devices);
        (void) sd_notify(false, "READY=1");
        return 0;
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        _cleanup_free_ char *error = NULL;

        (void) manager_reload(userdata, &error);
        return 0;
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        Manager *m = userdata;

        log_info("Received SIG%s, stopping.", sigabbrev_np(si->ssi_signo) ?: "?");
        (void) sd_notify(false, "STOPPING=1");
        return sd_event_exit(m->event, 0);
}

static Device *nut_find_device_hook(void *userdata, const char *name)
{
        return manager_find_device(userdata, name);
}

static Device *const *nut_list_devices_hook(void *userdata, size_t *ret_n)
{
        Manager *m = userdata;

        *ret_n = m->n_devices;
        return m->devices;
}

static const NutServerHooks manager_nut_hooks = {
        .find_device = nut_find_device_hook,
        .list_devices = nut_list_devices_hook,
};

/* The NUT server: bad TLS settings stop the start (as upsd), a port in use does not. */
static int manager_start_nut_server(Manager *m)
{
        _cleanup_free_ char *error = NULL;
        int r;

        r = nut_server_new(m->event, &manager_nut_hooks, m, &m->nut);
        if (r < 0)
                return log_error_errno(r, "Cannot create the NUT server: %m");
        nut_server_configure(m->nut, &m->upsd, TAKE_PTR(m->users), m->nutd.idle_timeout_usec);
        r = nut_server_set_tls(m->nut, &m->upsd, &error);
        if (r < 0)
                return log_error_errno(r, "STARTTLS: %s", error ?: strerror(-r));
        r = nut_server_listen(m->nut, &m->upsd);
        if (r < 0)
                log_error_errno(r, "The NUT server has no listener; NUT clients cannot connect: %m");
        return 0;
}

/**
 * manager_start() - signals, watchdog, bus, then the devices; READY=1 once all is set up
 */
int manager_start(Manager *m)
{
        sigset_t ss;
        int r;

        sigemptyset(&ss);
        sigaddset(&ss, SIGTERM);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGHUP);
        sigaddset(&ss, SIGCHLD);        /* children (NOTIFYCMD, SHUTDOWNCMD) are reaped by the loop */
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return log_error_errno(errno, "Cannot block signals: %m");
        if ((r = sd_event_add_signal(m->event, NULL, SIGTERM, on_exit_signal, m)) < 0 ||
            (r = sd_event_add_signal(m->event, NULL, SIGINT, on_exit_signal, m)) < 0 ||
            (r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m)) < 0)
                return log_error_errno(r, "Cannot watch signals: %m");
        r = sd_event_set_watchdog(m->event, true);
        if (r < 0)
                log_warning_errno(r, "Cannot enable the watchdog, ignoring: %m");

        if (m->nutd.dbus) {
                r = manager_bus_setup(m);
                if (r < 0)
                        return r;
        }
        r = manager_start_nut_server(m);
        if (r < 0)
                return r;
        r = manager_shutdown_start(m);
        if (r < 0)
                return r;
        manager_apply_config(m, NULL);
        r = hotplug_new(m, &m->hotplug);
        if (r < 0)
                log_warning_errno(r, "Cannot follow udev, USB devices will not be found: %m");
        else
                (void) hotplug_enumerate(m->hotplug);
        log_info("nutd %s running: %zu devices from %s", PACKAGE_VERSION, m->n_devices, m->config_dir);
        (void) sd_notify(false, "READY=1");
        return 0;
}

int manager_run(Manager *m)
{
        int r = sd_event_loop(m->event);

        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}
