/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The manager's side of the shutdown controller: it feeds the controller the state of every
 * monitored UPS (on each commit and on the controller's timer) and carries out what it
 * decides: notifications (journal, D-Bus Event, NOTIFYCMD), FSD on the UPSes we are primary
 * for, the kill-power flag, and the power-off through logind (or SHUTDOWNCMD).
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "manager.h"
#include "strv.h"
#include "time-util.h"

extern char **environ;

/* $RUNTIME_DIRECTORY (systemd's RuntimeDirectory=), else /run/nutd; the shutdown hook reads it */
static const char *runtime_dir(void)
{
        return getenv("RUNTIME_DIRECTORY") ?: "/run/nutd";
}

static UpsContact contact_of(const Device *d)
{
        if (!d)
                return UPS_CONTACT_LOST;
        switch (d->connection) {
        case DEVICE_WAITING:
                return UPS_CONTACT_WAITING;
        case DEVICE_CONNECTED:
                return UPS_CONTACT_OK;
        default:
                return UPS_CONTACT_LOST;
        }
}

/* The monotonic time of the device's last data, from its CLOCK_REALTIME LastUpdate. */
static uint64_t last_data_monotonic(const Device *d, uint64_t mono, uint64_t real)
{
        uint64_t age;

        if (!d || d->summary.last_update == 0)
                return 0;
        age = real > d->summary.last_update ? real - d->summary.last_update : 0;
        return mono > age ? mono - age : 0;
}

static Device *monitor_device(Manager *m, const UpsmonMonitor *mon)
{
        return manager_find_device(m, mon->local ? mon->ups : mon->system);
}

/*
 * Without upsmon.conf every local device powers this host (DESIGN.md §2), except simulated ones:
 * a dummy-ups device only shuts the host down when a MONITOR line says it powers it.
 */
static unsigned auto_power_value(const Device *d)
{
        const DriverOps *ops = d->driver ?: driver_find(strempty(d->summary.driver));

        return ops && ops->transport == DRIVER_SIMULATED ? 0 : 1;
}

/* One input per monitored UPS: every device without upsmon.conf, else the MONITOR lines. */
/* The other upsmon sessions of a UPS: on its server for a network one, else on ours */
static unsigned shutdown_count_secondaries(Manager *m, Device *d)
{
        int r;

        if (!d)
                return 0;
        if (d->driver && d->driver->count_logins) {
                r = d->driver->count_logins(d->driver_state);
                return r > 0 ? (unsigned) r : 0;
        }
        return m->nut ? nut_server_count_logins(m->nut, d) : 0;
}

static int shutdown_build_inputs(Manager *m, ControllerInput **ret, size_t *ret_n)
{
        size_t n = upsmon_config_is_auto(&m->upsmon) ? m->n_devices : m->upsmon.n_monitors;
        _cleanup_free_ ControllerInput *in = calloc(n + 1, sizeof(ControllerInput));
        uint64_t mono = now(CLOCK_MONOTONIC), real = now(CLOCK_REALTIME);

        if (!in)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const UpsmonMonitor *mon = upsmon_config_is_auto(&m->upsmon) ? NULL : &m->upsmon.monitors[i];
                Device *d = mon ? monitor_device(m, mon) : m->devices[i];

                in[i] = (ControllerInput) {
                        .name = mon ? mon->system : d->name,
                        .power_value = mon ? mon->power_value : auto_power_value(d),
                        .role = mon ? mon->role : MONITOR_PRIMARY,
                        .contact = contact_of(d),
                        .status = d ? d->summary.status : NULL,
                        .alarm = d ? device_get_var(d, "ups.alarm") : NULL,
                        .last_data_usec = last_data_monotonic(d, mono, real),
                        .n_secondaries = shutdown_count_secondaries(m, d),
                };
        }
        *ret = TAKE_PTR(in);
        *ret_n = n;
        return 0;
}

static int on_child_exit(sd_event_source *s, const siginfo_t *si, void *userdata)
{
        log_debug("%s exited with status %d", (const char *) userdata, si->si_status);
        sd_event_source_unref(s);
        return 0;
}

/* Runs argv (one word: through /bin/sh -c, as upsmon does) with env added; does not wait. */
static int shutdown_spawn(Manager *m, char **argv, const char *extra_arg, char **env, const char *what)
{
        _cleanup_strv_free_ char **args = NULL, **envp = strv_copy(environ);
        pid_t pid;
        int r;

        if (!envp)
                return -ENOMEM;
        STRV_FOREACH(e, env)
                if (strv_extend(&envp, *e) < 0)
                        return -ENOMEM;
        if (strv_length(argv) == 1) {
                _cleanup_free_ char *line = NULL;

                /* the message goes in as "$1" of the shell line, never into the line itself */
                if (extra_arg) {
                        if (asprintf(&line, "%s \"$1\"", argv[0]) < 0)
                                return -ENOMEM;
                } else if (!(line = strdup(argv[0])))
                        return -ENOMEM;
                args = strv_copy((char *[]) { (char *) "/bin/sh", (char *) "-c", line, (char *) what,
                                              (char *) extra_arg, NULL });
        } else {
                args = strv_copy(argv);
                if (args && extra_arg && strv_extend(&args, extra_arg) < 0)
                        return -ENOMEM;
        }
        if (!args)
                return -ENOMEM;
        /* the child must not inherit the signals the event loop blocks */
        posix_spawnattr_t attr;
        sigset_t none, all;
        sd_event_source *child = NULL;

        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_init(&attr);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        r = posix_spawnp(&pid, args[0], NULL, &attr, args, envp);
        posix_spawnattr_destroy(&attr);
        if (r != 0)
                return log_warning_errno(r, "Cannot run %s (%s): %m", what, args[0]);
        r = sd_event_add_child(m->event, &child, pid, WEXITED, on_child_exit, (void *) what);
        if (r < 0)
                log_debug_errno(r, "Cannot watch %s, ignoring: %m", what);
        return 0;
}

static void shutdown_notify(Manager *m, const ControllerNotification *n)
{
        NotifyFlags flags = m->upsmon.notify_flags[n->type];
        const char *type = notify_type_to_string(n->type);
        _cleanup_free_ char *msg = notify_format_message(upsmon_config_notify_message(&m->upsmon, n->type),
                                                         strempty(n->ups), n->detail);

        shutdown_bus_emit_event(m, type, strempty(n->ups), strempty(msg));
        if (flags & NOTIFY_FLAG_IGNORE)
                return;
        if (flags & NOTIFY_FLAG_SYSLOG)
                (void) sd_journal_send("MESSAGE=%s", strempty(msg), "PRIORITY=%d",
                                       n->type == NOTIFY_ONLINE || n->type == NOTIFY_COMMOK ? LOG_INFO : LOG_WARNING,
                                       "NUTD_EVENT=%s", type, "NUTD_DEVICE=%s", strempty(n->ups), NULL);
        log_notice("%s%s%s: %s", type, n->ups ? " " : "", strempty(n->ups), strempty(msg));
        if ((flags & NOTIFY_FLAG_EXEC) && m->upsmon.notifycmd) {
                _cleanup_free_ char *t = NULL, *u = NULL;

                if (asprintf(&t, "NOTIFYTYPE=%s", type) < 0 || asprintf(&u, "UPSNAME=%s", strempty(n->ups)) < 0)
                        return (void) log_oom();
                (void) shutdown_spawn(m, m->upsmon.notifycmd, msg, (char *[]) { t, u, NULL }, "NOTIFYCMD");
        }
}

static void on_power_off_done(int r, void *userdata)
{
        if (r < 0)
                log_error_errno(r, "logind refused to power off: %m");
        else
                log_notice("logind is powering the system off");
}

/* The shutdown itself: flags first, then logind (or SHUTDOWNCMD when configured). */
static void shutdown_run(Manager *m, bool killpower)
{
        int r;

        m->power_failure_shutdown = true;
        if (m->upsmon.powerdownflag) {
                _cleanup_close_ int fd = open(m->upsmon.powerdownflag, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

                if (fd < 0 || write(fd, "nutd: power down\n", 17) != 17)
                        log_error_errno(errno, "Cannot write POWERDOWNFLAG %s: %m", m->upsmon.powerdownflag);
        }
        if (killpower) {
                _cleanup_free_ char *flag = NULL;
                _cleanup_close_ int fd = -EBADF;

                (void) mkdir(runtime_dir(), 0755);
                if (asprintf(&flag, "%s/killpower", runtime_dir()) < 0)
                        return (void) log_oom();
                fd = open(flag, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd < 0)
                        log_warning_errno(errno, "Cannot write %s, ignoring: %m", flag);
        }
        log_notice("Power is running out: shutting the system down");
        if (m->upsmon.shutdowncmd) {
                (void) shutdown_spawn(m, m->upsmon.shutdowncmd, NULL, NULL, "SHUTDOWNCMD");
                return;
        }
        if (!m->logind) {
                log_error("No logind connection and no SHUTDOWNCMD: cannot shut down");
                return;
        }
        r = logind_power_off(m->logind, on_power_off_done, m);
        if (r < 0)
                log_error_errno(r, "Cannot ask logind to power off: %m");
}

static int on_shutdown_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
        manager_shutdown_evaluate(userdata);
        return 0;
}

static void shutdown_arm_timer(Manager *m, uint64_t next)
{
        int r;

        /* while waiting for secondaries to log out, look again every second */
        if (controller_get_state(m->controller) == SHUTDOWN_FSD && next > now(CLOCK_MONOTONIC) + USEC_PER_SEC)
                next = now(CLOCK_MONOTONIC) + USEC_PER_SEC;
        if (next == CONTROLLER_NEVER) {
                (void) sd_event_source_set_enabled(m->shutdown_timer, SD_EVENT_OFF);
                return;
        }
        if (!m->shutdown_timer) {
                r = sd_event_add_time(m->event, &m->shutdown_timer, CLOCK_MONOTONIC, next, 10 * USEC_PER_MSEC,
                                      on_shutdown_timer, m);
                if (r < 0)
                        log_error_errno(r, "Cannot arm the shutdown timer: %m");
                return;
        }
        (void) sd_event_source_set_time(m->shutdown_timer, next);
        (void) sd_event_source_set_enabled(m->shutdown_timer, SD_EVENT_ONESHOT);
}

static void shutdown_apply(Manager *m, ControllerOutput *out)
{
        int r;

        bool changed = out->state != m->shutdown_state || out->power_value != m->power_value ||
                       out->min_supplies != m->min_supplies;

        for (size_t i = 0; i < out->n_notifications; i++)
                shutdown_notify(m, &out->notifications[i]);
        STRV_FOREACH(name, out->set_fsd) {
                Device *d = manager_find_device(m, *name);

                if (d) {
                        device_set_fsd(d);
                        r = device_forward_fsd(d);
                        if (r < 0 && r != -EOPNOTSUPP)
                                log_error_errno(r, "%s: cannot send FSD to its server: %m", d->name);
                        if (!strv_contains(m->fsd_set, d->name) && strv_extend(&m->fsd_set, d->name) < 0)
                                (void) log_oom();
                } else
                        log_warning("Cannot set FSD on %s: not a device of this nutd", *name);
        }
        m->shutdown_state = out->state;
        m->power_value = out->power_value;
        m->min_supplies = out->min_supplies;
        if (changed)
                shutdown_bus_emit_changed(m);
        if (out->run_shutdown)
                shutdown_run(m, out->killpower);
        /* FSD just set: look again at once, so that it is seen (and notified) like any status */
        shutdown_arm_timer(m, strv_length(out->set_fsd) > 0 ? now(CLOCK_MONOTONIC) : out->next_wakeup);
}

/**
 * manager_shutdown_evaluate() - run the controller on the current state of the devices
 */
void manager_shutdown_evaluate(Manager *m)
{
        _cleanup_free_ ControllerInput *in = NULL;
        ControllerOutput out = {};
        size_t n;
        int r;

        if (!m->controller || m->in_shutdown_evaluate)
                return;
        r = shutdown_build_inputs(m, &in, &n);
        if (r >= 0)
                r = controller_evaluate(m->controller, in, n, now(CLOCK_MONOTONIC), &out);
        if (r < 0) {
                log_error_errno(r, "Shutdown controller failed: %m");
                return;
        }
        m->in_shutdown_evaluate = true;        /* FSD commits re-enter through the device hook */
        shutdown_apply(m, &out);
        m->in_shutdown_evaluate = false;
        controller_output_done(&out);
}

/* ForcedShutdown() on D-Bus: as if every UPS were critical. */
void manager_shutdown_force(Manager *m)
{
        log_notice("Forced shutdown requested");
        controller_force_shutdown(m->controller);
        manager_shutdown_evaluate(m);
}

static void on_prepare_for_sleep(Logind *l, bool start, void *userdata)
{
        Manager *m = userdata;
        ControllerOutput out = {};
        int r;

        r = start ? controller_sleep(m->controller, now(CLOCK_MONOTONIC), &out)
                  : controller_resume(m->controller, now(CLOCK_MONOTONIC), &out);
        if (r >= 0)
                shutdown_apply(m, &out);
        controller_output_done(&out);
        if (!start)
                manager_shutdown_evaluate(m);
}

/* logind waits for our delay inhibitor at most InhibitDelayMaxSec (5 s by default) */
#define SHUTDOWN_RELEASE_USEC (4 * USEC_PER_SEC)

static void shutdown_release(Manager *m)
{
        m->release_timer = sd_event_source_disable_unref(m->release_timer);
        m->release_pending = 0;
        logind_release_inhibitor(m->logind);
}

static int on_release_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
        Manager *m = userdata;

        log_warning("%u network UPSes did not confirm shutdown.return in time", m->release_pending);
        shutdown_release(m);
        return 0;
}

typedef struct ReturnRequest {
        Manager *m;
        unsigned round;                 /* an answer to an earlier PrepareForShutdown counts for nothing */
        char name[];
} ReturnRequest;

static void on_return_done(int r, void *userdata)
{
        ReturnRequest *q = userdata;
        Manager *m = q->m;

        if (r < 0)
                log_error_errno(r, "%s: shutdown.return failed: %m", q->name);
        else
                log_notice("%s: shutdown.return accepted", q->name);
        if (q->round == m->release_round && m->release_pending > 0 && --m->release_pending == 0)
                shutdown_release(m);
        free(q);
}

/* Tells one network UPS to cut power after its delay and come back with the mains */
static int shutdown_return(Manager *m, Device *d)
{
        ReturnRequest *q = malloc(sizeof(ReturnRequest) + strlen(d->name) + 1);
        int r;

        if (!q)
                return log_oom();
        q->m = m;
        q->round = m->release_round;
        strcpy(q->name, d->name);
        log_notice("%s: shutdown.return before the network goes", d->name);
        m->release_pending++;           /* before: a driver may answer at once */
        r = device_instcmd(d, "shutdown.return", NULL, on_return_done, q);
        if (r < 0) {
                m->release_pending--;
                free(q);
                return log_error_errno(r, "%s: cannot send shutdown.return: %m", d->name);
        }
        return 0;
}

/*
 * The system is going down. After a power-failure shutdown, the network UPSes this host is the
 * primary of (it set their FSD) are told now, while the network is up, to cut power after
 * their delay; locally attached ones are left to the kill-power hook at the very end. A
 * secondary tells no UPS anything: its primary does that. The delay inhibitor goes when they
 * have answered, or after SHUTDOWN_RELEASE_USEC.
 */
static void on_prepare_for_shutdown(Logind *l, bool start, void *userdata)
{
        Manager *m = userdata;

        if (!start)
                return;
        m->release_timer = sd_event_source_disable_unref(m->release_timer);
        m->release_round++;
        m->release_pending = 1;         /* this loop's own: nothing is released while it runs */
        if (m->power_failure_shutdown)
                for (size_t i = 0; i < m->n_devices; i++) {
                        Device *d = m->devices[i];

                        if (!d->driver || d->driver->transport != DRIVER_NETWORK ||
                            !d->fsd || !strv_contains(m->fsd_set, d->name) ||
                            !device_has_command(d, "shutdown.return"))
                                continue;
                        (void) shutdown_return(m, d);
                }
        if (--m->release_pending == 0 ||
            sd_event_add_time_relative(m->event, &m->release_timer, CLOCK_MONOTONIC, SHUTDOWN_RELEASE_USEC,
                                       USEC_PER_MSEC, on_release_timeout, m) < 0)
                shutdown_release(m);
}

static const LogindHooks manager_logind_hooks = {
        .prepare_for_shutdown = on_prepare_for_shutdown,
        .prepare_for_sleep = on_prepare_for_sleep,
};

/* Sets up the controller (and logind when there is a bus). */
int manager_shutdown_start(Manager *m)
{
        int r;

        r = controller_new(&m->upsmon, &m->controller);
        if (r < 0)
                return log_error_errno(r, "Cannot create the shutdown controller: %m");
        if (!m->bus)
                return 0;
        r = logind_new(m->bus, &manager_logind_hooks, m, &m->logind);
        if (r < 0)
                return log_warning_errno(r, "No logind, shutdown needs SHUTDOWNCMD: %m"), 0;
        (void) logind_take_inhibitor(m->logind);
        return 0;
}
