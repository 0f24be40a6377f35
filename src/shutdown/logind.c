/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shutdown controller's client of org.freedesktop.login1: a delay inhibitor for shutdown
 * and sleep, the PrepareForShutdown/PrepareForSleep signals, and the emergency power-off.
 *
 * Why a delay inhibitor. When the host goes down after a power failure, nutd orders the UPSes
 * to cut power after their delay (shutdown.return) and writes the kill-power flag (DESIGN §6).
 * Network-attached UPSes can only be told while the network is still up, that is before
 * systemd starts stopping units. A "delay" lock on "shutdown" makes logind emit
 * PrepareForShutdown(true) and then wait, for at most InhibitDelayMaxSec (5 s by default),
 * until the lock is released: the prepare_for_shutdown hook does that work and then calls
 * logind_release_inhibitor(). Watching the signal without a lock races with the shutdown
 * itself. A "block" lock would be wrong: nutd must never keep the host from going down.
 *
 * Why "sleep" too. Readings from before a suspend say nothing about the UPS after the resume:
 * it may be back on mains, or its battery may have drained meanwhile. The prepare_for_sleep
 * hook tells the controller to stop acting on old readings (start = true) and to wait for
 * fresh ones (start = false); the lock lets it do so before the system freezes. Without a
 * hook there is nothing to do, so the lock is released at once and sleep is not held up.
 *
 * The lock dance is the one logind documents: take; on PrepareFor*(true) do the work and
 * release; on PrepareFor*(false) (resumed, or shutdown cancelled) take it again. The retake is
 * done here: logind_take_inhibitor() records that the lock is wanted; a release while a
 * shutdown or sleep is being prepared keeps that wish, a release at any other time drops it.
 *
 * Why SKIP_INHIBITORS on the power-off. Since systemd v257 logind obeys block inhibitors even
 * for root, so any program holding one would veto the emergency shutdown and the battery
 * would run flat. PowerOffWithFlags(SD_LOGIND_SKIP_INHIBITORS) overrides them (root passes
 * the power-off-ignore-inhibit check through CAP_SYS_BOOT); delay inhibitors, ours included,
 * still get their InhibitDelayMaxSec. A logind without PowerOffWithFlags answers UnknownMethod,
 * one that predates the flag answers InvalidArgs ("Invalid flags parameter"): there
 * PowerOff(false) is sent instead, which those versions carry out for root regardless of
 * block inhibitors. Any other error is final and goes to the caller (who may run SHUTDOWNCMD).
 *
 * Without logind (containers, minimal systems) calls fail with ServiceUnknown: that is logged
 * once and nutd carries on without a lock. When org.freedesktop.login1 appears later
 * (NameOwnerChanged), a wanted lock that is not held is taken then; a lock that is held is
 * kept, as logind restores its inhibitors (/run/systemd/inhibit) when it restarts. Nothing
 * here waits: every call is asynchronous on the bus's event loop.
 */
#include <fcntl.h>

#include "log.h"
#include "logind.h"

#define LOGIND_DEST "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_IFACE "org.freedesktop.login1.Manager"

#define INHIBIT_WHAT "shutdown:sleep"
#define INHIBIT_WHY "Telling UPSes to cut power after shutdown; dropping UPS readings from before sleep"

#define LOGIND_OWNER_MATCH                                                                      \
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"             \
        "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" LOGIND_DEST "'"

enum {
        PREPARING_SHUTDOWN = 1 << 0,
        PREPARING_SLEEP = 1 << 1,
};

struct Logind {
        sd_bus *bus;
        LogindHooks hooks;
        void *userdata;

        sd_bus_slot *shutdown_match;
        sd_bus_slot *sleep_match;
        sd_bus_slot *owner_match;       /* NameOwnerChanged of org.freedesktop.login1 */

        sd_bus_slot *inhibit_call;      /* Inhibit() in flight */
        int inhibit_fd;                 /* the lock; logind drops it when this is closed */
        bool inhibitor_wanted;
        bool absent_logged;
        unsigned preparing;             /* PREPARING_*: between PrepareFor*(true) and (false) */

        sd_bus_slot *power_off_call;
        LogindDone power_off_done;
        void *power_off_userdata;
};

static bool error_is_absent(const sd_bus_error *e)
{
        return sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
               sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
}

static void inhibit_failed(Logind *l, const sd_bus_error *e)
{
        if (!error_is_absent(e))
                log_warning("logind refused a delay inhibitor, continuing without: %s",
                            e->message ?: e->name);
        else if (!l->absent_logged)
                log_notice("logind is not running, continuing without a shutdown and sleep inhibitor");
        l->absent_logged = l->absent_logged || error_is_absent(e);
}

static int on_inhibit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Logind *l = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int fd, r;

        l->inhibit_call = sd_bus_slot_unref(l->inhibit_call);
        if (e) {
                inhibit_failed(l, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "h", &fd);
        if (r >= 0) {
                fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);     /* the reply owns its fd */
                r = fd < 0 ? -errno : 0;
        }
        if (r < 0) {
                log_warning_errno(r, "Cannot keep logind's inhibitor, continuing without: %m");
                return 0;
        }
        l->inhibit_fd = fd;
        l->absent_logged = false;
        log_debug("logind: holding a delay inhibitor for %s", INHIBIT_WHAT);
        return 0;
}

static int inhibit_start(Logind *l)
{
        int r;

        if (l->inhibit_fd >= 0 || l->inhibit_call)
                return 0;
        r = sd_bus_call_method_async(l->bus, &l->inhibit_call, LOGIND_DEST, LOGIND_PATH, LOGIND_IFACE,
                                     "Inhibit", on_inhibit_reply, l, "ssss",
                                     INHIBIT_WHAT, "nutd", INHIBIT_WHY, "delay");
        if (r < 0)
                return log_warning_errno(r, "Cannot ask logind for a delay inhibitor: %m");
        return 0;
}

/**
 * logind_take_inhibitor() - hold a delay inhibitor for shutdown and sleep
 *
 * Sends Inhibit("shutdown:sleep", "nutd", …, "delay") and keeps the returned fd. Idempotent:
 * nothing is sent while the lock is held or asked for. The lock is taken again after each
 * PrepareFor*(false) and when logind (re)appears, until logind_release_inhibitor() is called
 * outside a shutdown or sleep preparation. Failures are logged, not returned; returns < 0 only
 * if the call could not be sent.
 */
int logind_take_inhibitor(Logind *l)
{
        l->inhibitor_wanted = true;
        return inhibit_start(l);
}

/**
 * logind_release_inhibitor() - close the inhibitor fd, or drop a pending Inhibit()
 *
 * Called from a PrepareFor*(true) hook once the work is done, this lets logind proceed and the
 * lock comes back on PrepareFor*(false). Called at any other time, the lock is no longer wanted.
 */
void logind_release_inhibitor(Logind *l)
{
        if (!l)
                return;
        if (!l->preparing)
                l->inhibitor_wanted = false;
        l->inhibit_call = sd_bus_slot_unref(l->inhibit_call);
        if (l->inhibit_fd >= 0) {
                log_debug("logind: releasing the delay inhibitor");
                close(l->inhibit_fd);
                l->inhibit_fd = -EBADF;
        }
}

/**
 * logind_has_inhibitor() - whether the inhibitor fd is held right now
 */
bool logind_has_inhibitor(Logind *l)
{
        return l && l->inhibit_fd >= 0;
}

static void logind_prepare(Logind *l, unsigned what, bool start)
{
        void (*hook)(Logind *, bool, void *) =
                what == PREPARING_SHUTDOWN ? l->hooks.prepare_for_shutdown : l->hooks.prepare_for_sleep;

        if (start)
                l->preparing |= what;
        else
                l->preparing &= ~what;

        if (hook)
                hook(l, start, l->userdata);
        else if (start)
                logind_release_inhibitor(l);    /* nothing to do: don't make logind wait */

        if (!start && !l->preparing && l->inhibitor_wanted)
                (void) inhibit_start(l);
}

static int on_prepare_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        Logind *l = userdata;
        bool is_sleep = sd_bus_message_is_signal(m, LOGIND_IFACE, "PrepareForSleep");
        int start, r;

        r = sd_bus_message_read(m, "b", &start);
        if (r < 0) {
                log_debug_errno(r, "logind: malformed %s signal, ignoring: %m",
                                sd_bus_message_get_member(m));
                return 0;
        }
        log_debug("logind: %s(%s)", sd_bus_message_get_member(m), start ? "true" : "false");
        logind_prepare(l, is_sleep ? PREPARING_SLEEP : PREPARING_SHUTDOWN, start);
        return 0;
}

static int on_logind_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        Logind *l = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 || isempty(new_owner))
                return 0;
        log_debug("logind: %s appeared on the bus", name);
        if (l->inhibitor_wanted && !l->preparing)
                (void) inhibit_start(l);
        return 0;
}

/* Without this, sd-bus would close the whole connection when AddMatch fails. */
static int on_match_installed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        const sd_bus_error *e = sd_bus_message_get_error(m);

        if (e)
                log_warning("Cannot watch logind, shutdown and sleep will come unannounced: %s",
                            e->message ?: e->name);
        return 0;
}

/**
 * logind_new() - a logind client on bus, which must be attached to an event loop
 *
 * Subscribes (asynchronously) to PrepareForShutdown and PrepareForSleep, which are passed to
 * hooks (may be NULL), and to logind's appearance on the bus. Hooks must not free the object.
 * No inhibitor is taken until logind_take_inhibitor().
 */
int logind_new(sd_bus *bus, const LogindHooks *hooks, void *userdata, Logind **ret)
{
        _cleanup_(logind_freep) Logind *l = NULL;
        int r;

        l = calloc(1, sizeof(Logind));
        if (!l)
                return log_oom();
        *l = (Logind) {
                .bus = sd_bus_ref(bus),
                .hooks = hooks ? *hooks : (LogindHooks) {},
                .userdata = userdata,
                .inhibit_fd = -EBADF,
        };

        r = sd_bus_match_signal_async(bus, &l->shutdown_match, LOGIND_DEST, LOGIND_PATH, LOGIND_IFACE,
                                      "PrepareForShutdown", on_prepare_signal, on_match_installed, l);
        if (r >= 0)
                r = sd_bus_match_signal_async(bus, &l->sleep_match, LOGIND_DEST, LOGIND_PATH, LOGIND_IFACE,
                                              "PrepareForSleep", on_prepare_signal, on_match_installed, l);
        if (r >= 0)
                r = sd_bus_add_match_async(bus, &l->owner_match, LOGIND_OWNER_MATCH, on_logind_owner_changed,
                                           on_match_installed, l);
        if (r < 0)
                return log_error_errno(r, "Cannot subscribe to logind signals: %m");

        *ret = TAKE_PTR(l);
        return 0;
}

/**
 * logind_free() - unsubscribe, release the inhibitor, and forget a pending power-off
 *
 * The done callback of a power-off still in flight is not called.
 */
Logind *logind_free(Logind *l)
{
        if (!l)
                return NULL;
        sd_bus_slot_unref(l->shutdown_match);
        sd_bus_slot_unref(l->sleep_match);
        sd_bus_slot_unref(l->owner_match);
        sd_bus_slot_unref(l->inhibit_call);
        sd_bus_slot_unref(l->power_off_call);
        if (l->inhibit_fd >= 0)
                close(l->inhibit_fd);
        sd_bus_unref(l->bus);
        return mfree(l);
}

/* Last thing a reply handler does: done may free l. */
static void power_off_finish(Logind *l, int r)
{
        LogindDone done = l->power_off_done;
        void *userdata = l->power_off_userdata;

        l->power_off_call = sd_bus_slot_unref(l->power_off_call);
        l->power_off_done = NULL;
        l->power_off_userdata = NULL;
        if (done)
                done(r, userdata);
}

static int on_power_off_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r = 0;

        if (e)
                r = log_error_errno(sd_bus_error_get_errno(e), "logind did not power off: %s",
                                    e->message ?: e->name);
        else
                log_notice("logind accepted the power-off");
        power_off_finish(userdata, r);
        return 0;
}

static int on_power_off_with_flags_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        Logind *l = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (!e || !(sd_bus_error_has_name(e, SD_BUS_ERROR_UNKNOWN_METHOD) ||
                    sd_bus_error_has_name(e, SD_BUS_ERROR_INVALID_ARGS)))
                return on_power_off_reply(reply, userdata, ret_error);

        log_info("logind does not support PowerOffWithFlags(skip-inhibitors) (%s), using PowerOff()",
                 e->name);
        l->power_off_call = sd_bus_slot_unref(l->power_off_call);
        r = sd_bus_call_method_async(l->bus, &l->power_off_call, LOGIND_DEST, LOGIND_PATH, LOGIND_IFACE,
                                     "PowerOff", on_power_off_reply, l, "b", /* interactive= */ 0);
        if (r < 0)
                power_off_finish(l, log_error_errno(r, "Cannot ask logind to power off: %m"));
        return 0;
}

/**
 * logind_power_off() - ask logind to power off now, overriding block inhibitors
 *
 * Sends PowerOffWithFlags(SD_LOGIND_SKIP_INHIBITORS), or PowerOff(false) where logind answers
 * UnknownMethod or InvalidArgs. done (may be NULL) gets 0 when logind accepted, or a negative
 * errno (-EHOSTUNREACH when logind is not running, -EACCES when refused). Returns -EBUSY while a
 * power-off is in flight, other < 0 if nothing could be sent (done is then not called).
 */
int logind_power_off(Logind *l, LogindDone done, void *userdata)
{
        int r;

        if (l->power_off_call)
                return -EBUSY;
        r = sd_bus_call_method_async(l->bus, &l->power_off_call, LOGIND_DEST, LOGIND_PATH, LOGIND_IFACE,
                                     "PowerOffWithFlags", on_power_off_with_flags_reply, l, "t",
                                     (uint64_t) LOGIND_SKIP_INHIBITORS);
        if (r < 0)
                return log_error_errno(r, "Cannot ask logind to power off: %m");
        l->power_off_done = done;
        l->power_off_userdata = userdata;
        log_notice("Asking logind to power off, overriding block inhibitors");
        return 0;
}
