/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shutdown controller: upsmon's status tracking, notifications, critical-state rules and
 * shutdown sequence (NUT-REFERENCE §3.2–3.4, §3.6), driven by the daemon with "now".
 *
 * Each evaluation has three passes. (1) Per UPS, the input is compared with what the
 * controller remembers (contact, status flags, timers) and notifications come out, in
 * upsmon's order: COMMOK/COMMBAD, the NOT* of flags that went away, ONLINE/ONBATT,
 * LOWBATT, REPLBATT, the flags that appeared, FSD, NOCOMM. (2) Per UPS, a verdict: healthy,
 * pending (a grace timer runs: OBLBDURATION, a secondary's HOSTSYNC wait for the primary's
 * FSD, DEADTIME for a UPS last seen on battery, OFFDURATION, OVERDURATION) or critical.
 * (3) The host: a critical UPS with the healthy and pending power below MINSUPPLIES starts
 * the shutdown, which runs like upsmon's forceshutdown(): FSD on the UPSes we are primary
 * for, wait for their secondaries to log out or HOSTSYNC, SHUTDOWN, FINALDELAY, power off.
 * Every timer that can change an answer sets next_wakeup, so no polling is needed.
 */
#include "controller.h"
#include "strv.h"
#include "string-table.h"

#define MAX(a, b) ((a) > (b) ? (a) : (b))

typedef enum UpsFlag {
        UPS_OL = 1 << 0,
        UPS_OB = 1 << 1,
        UPS_LB = 1 << 2,
        UPS_RB = 1 << 3,
        UPS_CAL = 1 << 4,
        UPS_OFF = 1 << 5,
        UPS_BYPASS = 1 << 6,
        UPS_ECO = 1 << 7,
        UPS_ALARM = 1 << 8,
        UPS_OVER = 1 << 9,
        UPS_TRIM = 1 << 10,
        UPS_BOOST = 1 << 11,
        UPS_FSD = 1 << 12,
        UPS_OTHER = 1 << 13,    /* unclassified tokens present */
} UpsFlag;

/* ups.status tokens upsmon knows (case-insensitive); 0: known and ignored. */
static const struct {
        const char *token;
        UpsFlag flag;
} status_token_table[] = {
        { "OL", UPS_OL },         { "OB", UPS_OB },         { "LB", UPS_LB },     { "RB", UPS_RB },
        { "CAL", UPS_CAL },       { "OFF", UPS_OFF },       { "BYPASS", UPS_BYPASS }, { "ECO", UPS_ECO },
        { "ALARM", UPS_ALARM },   { "OVER", UPS_OVER },     { "TRIM", UPS_TRIM }, { "BOOST", UPS_BOOST },
        { "FSD", UPS_FSD },       { "HB", 0 },              { "CHRG", 0 },        { "DISCHRG", 0 },
};

/* Flags with a notification when they appear and another when they go away. */
static const struct {
        UpsFlag flag;
        NotifyType on, off;
} status_pair_table[] = {
        { UPS_CAL, NOTIFY_CAL, NOTIFY_NOTCAL },
        { UPS_OFF, NOTIFY_OFF, NOTIFY_NOTOFF },
        { UPS_BYPASS, NOTIFY_BYPASS, NOTIFY_NOTBYPASS },
        { UPS_ECO, NOTIFY_ECO, NOTIFY_NOTECO },
        { UPS_ALARM, NOTIFY_ALARM, NOTIFY_NOTALARM },
        { UPS_OVER, NOTIFY_OVER, NOTIFY_NOTOVER },
        { UPS_TRIM, NOTIFY_TRIM, NOTIFY_NOTTRIM },
        { UPS_BOOST, NOTIFY_BOOST, NOTIFY_NOTBOOST },
        { UPS_OTHER, NOTIFY_OTHER, NOTIFY_NOTOTHER },
};

typedef enum UpsVerdict {
        UPS_HEALTHY,
        UPS_PENDING,
        UPS_CRITICAL,
} UpsVerdict;

/* What the controller remembers of a UPS between evaluations; times are monotonic µs. */
typedef struct UpsTrack {
        char *name;
        int commstate;          /* upsmon's: -1 never heard, 0 lost, 1 in contact */
        int linestate;          /* -1 unknown, 0 on battery, 1 on line: ONLINE only follows OB */
        unsigned flags;         /* UpsFlag of the last status read, plus LB synthesized after DEADTIME */
        char *alarm;            /* ups.alarm text while ALARM */
        char *other;            /* unclassified tokens, space-separated */
        bool stale;             /* the last status read is from before a resume: not acted on */
        bool seen;              /* named in the current evaluation */
        uint64_t last_good;     /* last good data */
        uint64_t lost_since;
        uint64_t last_nocomm;
        uint64_t last_rbwarn;
        uint64_t off_since;
        uint64_t over_since;
        uint64_t oblb_since;
} UpsTrack;

/* upsmon.conf, in µs; negative durations: never. */
typedef struct ControllerSettings {
        unsigned minsupplies;
        uint64_t hostsync;
        uint64_t deadtime;
        uint64_t finaldelay;
        uint64_t rbwarntime;
        uint64_t nocommwarntime;
        int64_t offduration;
        int64_t overduration;
        int64_t oblbduration;
        bool alarmcritical;
} ControllerSettings;

struct Controller {
        ControllerSettings settings;
        UpsTrack *tracks;
        size_t n_tracks;

        ShutdownState state;
        bool forced;            /* controller_force_shutdown() */
        bool killpower;
        bool hostsync_notified;
        bool shutdown_run;
        bool sleeping;
        uint64_t resume_usec;   /* data older than this is from before a sleep */
        uint64_t fsd_since;
        uint64_t shutdown_since;
        unsigned power_value;   /* of the last evaluation, also told while asleep */
        bool on_battery;
};

static const char *const shutdown_state_table[_SHUTDOWN_STATE_MAX] = {
        [SHUTDOWN_IDLE] = "idle",
        [SHUTDOWN_CRITICAL] = "critical",
        [SHUTDOWN_FSD] = "fsd",
        [SHUTDOWN_SHUTTING_DOWN] = "shutting-down",
};

DEFINE_STRING_TABLE(shutdown_state, ShutdownState);

static const char *const ups_contact_table[_UPS_CONTACT_MAX] = {
        [UPS_CONTACT_WAITING] = "waiting",
        [UPS_CONTACT_OK] = "ok",
        [UPS_CONTACT_LOST] = "lost",
};

DEFINE_STRING_TABLE(ups_contact, UpsContact);

/* Everything one evaluation produces, besides the controller's own state. */
typedef struct Eval {
        const ControllerSettings *s;
        uint64_t now;
        ControllerOutput out;
        int error;              /* first allocation failure */
} Eval;

static uint64_t seconds(int64_t s)
{
        return (uint64_t) s * USEC_PER_SEC;
}

static void wake_at(Eval *e, uint64_t t)
{
        /* a deadline in the past would have been acted on; never ask for a busy loop */
        if (t <= e->now)
                t = e->now + 1;
        if (t < e->out.next_wakeup)
                e->out.next_wakeup = t;
}

static bool elapsed(Eval *e, uint64_t since, uint64_t duration)
{
        if (e->now - since >= duration)
                return true;
        wake_at(e, since + duration);
        return false;
}

static void notify(Eval *e, NotifyType type, const char *ups, const char *detail)
{
        ControllerOutput *o = &e->out;
        ControllerNotification *a;
        char *u = NULL, *d = NULL;

        if (e->error < 0)
                return;
        a = realloc(o->notifications, (o->n_notifications + 1) * sizeof(ControllerNotification));
        if (a)
                o->notifications = a;
        if (ups)
                u = strdup(ups);
        if (detail)
                d = strdup(detail);
        if (!a || (ups && !u) || (detail && !d)) {
                free(u);
                free(d);
                e->error = -ENOMEM;
                return;
        }
        a[o->n_notifications++] = (ControllerNotification) { type, u, d };
}

static void ups_track_done(UpsTrack *t)
{
        free(t->name);
        free(t->alarm);
        free(t->other);
}

static void ups_track_reset_timers(UpsTrack *t)
{
        t->off_since = t->over_since = t->oblb_since = CONTROLLER_NEVER;
}

static void timer_follow(uint64_t *since, bool on, uint64_t now)
{
        if (!on)
                *since = CONTROLLER_NEVER;
        else if (*since == CONTROLLER_NEVER)
                *since = now;
}

/* Starts or stops the timers of the conditions that count after a while. */
static void ups_track_timers(UpsTrack *t, uint64_t now)
{
        timer_follow(&t->off_since, t->flags & UPS_OFF, now);
        timer_follow(&t->over_since, t->flags & UPS_OVER, now);
        timer_follow(&t->oblb_since, (t->flags & (UPS_OB | UPS_LB | UPS_CAL)) == (UPS_OB | UPS_LB), now);
}

static UpsTrack *controller_track(Controller *c, const char *name)
{
        UpsTrack *a;
        char *n;

        for (size_t i = 0; i < c->n_tracks; i++)
                if (streq(c->tracks[i].name, name))
                        return &c->tracks[i];
        a = realloc(c->tracks, (c->n_tracks + 1) * sizeof(UpsTrack));
        if (!a)
                return NULL;
        c->tracks = a;
        n = strdup(name);
        if (!n)
                return NULL;
        a[c->n_tracks] = (UpsTrack) {
                .name = n,
                .commstate = -1,
                .linestate = -1,
                .last_good = CONTROLLER_NEVER,
                .lost_since = CONTROLLER_NEVER,
                .last_nocomm = CONTROLLER_NEVER,
                .last_rbwarn = CONTROLLER_NEVER,
        };
        ups_track_reset_timers(&a[c->n_tracks]);
        return &a[c->n_tracks++];
}

/* UPSes no longer monitored (unplugged in auto mode, dropped by a reload) are forgotten. */
static void controller_drop_unseen(Controller *c)
{
        size_t j = 0;

        for (size_t i = 0; i < c->n_tracks; i++) {
                if (!c->tracks[i].seen) {
                        ups_track_done(&c->tracks[i]);
                        continue;
                }
                c->tracks[i].seen = false;
                c->tracks[j++] = c->tracks[i];
        }
        c->n_tracks = j;
}

/* The flags of a status; OL and OB stay as they were when neither is named (upsmon). */
static int parse_status(char *const *status, unsigned old, unsigned *ret_flags, char **ret_other)
{
        _cleanup_strv_free_ char **other = NULL;
        unsigned flags = old & (UPS_OL | UPS_OB);
        size_t i;

        STRV_FOREACH(s, (char **) status) {
                for (i = 0; i < ELEMENTSOF(status_token_table); i++)
                        if (strcaseeq(*s, status_token_table[i].token))
                                break;
                if (i == ELEMENTSOF(status_token_table)) {
                        if (strv_extend(&other, *s) < 0)
                                return -ENOMEM;
                        continue;
                }
                /* OL and OB exclude each other; the later token wins, as in upsmon */
                if (status_token_table[i].flag & (UPS_OL | UPS_OB))
                        flags &= ~(UPS_OL | UPS_OB);
                flags |= status_token_table[i].flag;
        }
        *ret_other = NULL;
        if (other) {
                *ret_other = strv_join(other, " ");
                if (!*ret_other)
                        return -ENOMEM;
                flags |= UPS_OTHER;
        }
        *ret_flags = flags;
        return 0;
}

static void ups_notify_power(Eval *e, UpsTrack *t, unsigned old, unsigned now_flags)
{
        if ((now_flags & UPS_OL) && !(old & UPS_OL)) {
                /* the first OL after start is no news */
                if (t->linestate == 0)
                        notify(e, NOTIFY_ONLINE, t->name, NULL);
                t->linestate = 1;
        }
        if ((now_flags & UPS_OB) && !(old & UPS_OB)) {
                notify(e, NOTIFY_ONBATT, t->name, NULL);
                t->linestate = 0;
        }
        if ((now_flags & UPS_LB) && !(old & UPS_LB))
                notify(e, NOTIFY_LOWBATT, t->name, NULL);
        if (now_flags & UPS_RB) {
                /* repeated while RB lasts; RB gone and back within RBWARNTIME stays quiet */
                if (t->last_rbwarn == CONTROLLER_NEVER || elapsed(e, t->last_rbwarn, e->s->rbwarntime)) {
                        notify(e, NOTIFY_REPLBATT, t->name, NULL);
                        t->last_rbwarn = e->now;
                        wake_at(e, e->now + e->s->rbwarntime);
                }
        }
}

/* Applies a fresh status: notifications for what changed, then the flag timers. */
static void ups_apply_status(Eval *e, UpsTrack *t, const ControllerInput *in)
{
        _cleanup_free_ char *other = NULL;
        const char *alarm = strempty(in->alarm);
        unsigned old = t->flags, flags;
        bool alarm_changed, other_changed;

        if (parse_status(in->status, old, &flags, &other) < 0) {
                e->error = -ENOMEM;
                return;
        }
        alarm_changed = (flags & UPS_ALARM) && (old & UPS_ALARM) && !streq_ptr(t->alarm, alarm);
        other_changed = (flags & UPS_OTHER) && (old & UPS_OTHER) && !streq_ptr(t->other, other);

        for (size_t i = 0; i < ELEMENTSOF(status_pair_table); i++)
                if ((old & status_pair_table[i].flag) && !(flags & status_pair_table[i].flag))
                        notify(e, status_pair_table[i].off, t->name, NULL);
        ups_notify_power(e, t, old, flags);
        for (size_t i = 0; i < ELEMENTSOF(status_pair_table); i++) {
                UpsFlag f = status_pair_table[i].flag;
                bool appeared = (flags & f) && !(old & f);

                /* ALARM and OTHER are told again when their details change */
                if (appeared || (f == UPS_ALARM && alarm_changed) || (f == UPS_OTHER && other_changed))
                        notify(e, status_pair_table[i].on, t->name,
                               f == UPS_ALARM ? alarm : f == UPS_OTHER ? other : NULL);
        }
        /* FSD last: it overrides any OL */
        if ((flags & UPS_FSD) && !(old & UPS_FSD))
                notify(e, NOTIFY_FSD, t->name, NULL);

        if (free_and_strdup(&t->alarm, (flags & UPS_ALARM) ? alarm : NULL) < 0)
                e->error = -ENOMEM;
        free(t->other);
        t->other = TAKE_PTR(other);
        t->flags = flags;
        ups_track_timers(t, e->now);
}

static void ups_lost(Eval *e, UpsTrack *t)
{
        if (t->commstate != 0) {
                t->commstate = 0;
                t->lost_since = e->now;
                t->last_nocomm = CONTROLLER_NEVER;
                notify(e, NOTIFY_COMMBAD, t->name, NULL);
        }
        /* NOCOMM after NOCOMMWARNTIME without contact, and again every NOCOMMWARNTIME */
        if (elapsed(e, t->last_nocomm != CONTROLLER_NEVER ? t->last_nocomm : t->lost_since,
                    e->s->nocommwarntime)) {
                notify(e, NOTIFY_NOCOMM, t->name, NULL);
                t->last_nocomm = e->now;
                wake_at(e, e->now + e->s->nocommwarntime);
        }
}

/* Pass 1: contact and status changes of one UPS, and the notifications they give. */
static void ups_update(Controller *c, Eval *e, UpsTrack *t, const ControllerInput *in)
{
        UpsContact contact = in->contact;

        /* upsmon treats an empty status like a dead UPS */
        if (contact == UPS_CONTACT_OK && strv_length(in->status) == 0)
                contact = UPS_CONTACT_LOST;
        /* data read before the last sleep is not acted on: wait for fresh data */
        if (contact == UPS_CONTACT_OK && in->last_data_usec > 0 && in->last_data_usec < c->resume_usec)
                contact = UPS_CONTACT_WAITING;

        switch (contact) {
        case UPS_CONTACT_OK:
                /* only 0 -> 1: the first contact is no news */
                if (t->commstate == 0)
                        notify(e, NOTIFY_COMMOK, t->name, NULL);
                t->commstate = 1;
                ups_apply_status(e, t, in);
                t->last_good = in->last_data_usec > 0 ? in->last_data_usec : e->now;
                t->stale = false;
                break;
        case UPS_CONTACT_LOST:
                /* (an empty status is no good data) */
                if (in->contact == UPS_CONTACT_LOST && in->last_data_usec > 0 && !t->stale &&
                    (t->last_good == CONTROLLER_NEVER || in->last_data_usec > t->last_good))
                        t->last_good = in->last_data_usec;
                ups_lost(e, t);
                break;
        default:
                /* no data yet: no news, but a UPS we had lost is still lost */
                if (t->commstate == 0)
                        ups_lost(e, t);
                break;
        }
}

/* The lost-contact rules (§3.3 rule 2), and DEADTIME turning a UPS last seen OB into OB+LB. */
static UpsVerdict ups_verdict_lost(Eval *e, UpsTrack *t)
{
        const ControllerSettings *s = e->s;
        UpsVerdict v = UPS_HEALTHY;

        if ((t->flags & UPS_OB) && !(t->flags & UPS_LB)) {
                if (t->last_good == CONTROLLER_NEVER || !elapsed(e, t->last_good, s->deadtime))
                        v = UPS_PENDING;
                else {
                        t->flags |= UPS_LB;     /* stays until a fresh status says otherwise */
                        ups_track_timers(t, e->now);
                }
        }
        if (t->flags & (UPS_CAL | UPS_BYPASS))
                return UPS_CRITICAL;
        if ((t->flags & UPS_OFF) && s->offduration >= 0)
                return UPS_CRITICAL;
        if ((t->flags & UPS_ALARM) && s->alarmcritical)
                return UPS_CRITICAL;
        if ((t->flags & UPS_OVER) && s->overduration >= 0)
                return elapsed(e, t->over_since, (uint64_t) s->overduration) ? UPS_CRITICAL : UPS_PENDING;
        return v;
}

/* OB+LB (and not CAL): after OBLBDURATION; a secondary also gives its primary HOSTSYNC to set FSD. */
static UpsVerdict ups_verdict_oblb(Eval *e, UpsTrack *t, MonitorRole role)
{
        const ControllerSettings *s = e->s;
        uint64_t delay = s->oblbduration > 0 ? (uint64_t) s->oblbduration : 0;

        if (!elapsed(e, t->oblb_since, delay))
                return UPS_PENDING;
        if (role == MONITOR_PRIMARY)
                return UPS_CRITICAL;
        return elapsed(e, t->oblb_since, delay + s->hostsync) ? UPS_CRITICAL : UPS_PENDING;
}

static UpsVerdict ups_verdict_flags(Eval *e, UpsTrack *t, MonitorRole role)
{
        UpsVerdict v = UPS_HEALTHY;

        if (t->commstate == 0)
                v = ups_verdict_lost(e, t);
        if (v == UPS_CRITICAL || (t->flags & UPS_FSD))
                return UPS_CRITICAL;
        if ((t->flags & UPS_OFF) && e->s->offduration >= 0) {
                if (elapsed(e, t->off_since, (uint64_t) e->s->offduration))
                        return UPS_CRITICAL;
                v = UPS_PENDING;
        }
        if ((t->flags & UPS_OB) && (t->flags & UPS_LB) && !(t->flags & UPS_CAL))
                return MAX(v, ups_verdict_oblb(e, t, role));
        return v;
}

/* Pass 2: is_ups_critical(), with "pending" for the answers a running timer may still change. */
static UpsVerdict ups_verdict(Eval *e, UpsTrack *t, const ControllerInput *in)
{
        uint64_t wakeup = e->out.next_wakeup;
        UpsVerdict v;

        /* never heard, or only before a sleep: assumed fine */
        if (t->commstate < 0 || t->stale)
                return UPS_HEALTHY;
        v = ups_verdict_flags(e, t, in->role);
        /* only new data makes a critical UPS healthy again: its timers need no wakeup */
        if (v == UPS_CRITICAL)
                e->out.next_wakeup = wakeup;
        return v;
}

static void controller_enter_shutting_down(Controller *c, Eval *e)
{
        c->state = SHUTDOWN_SHUTTING_DOWN;
        c->shutdown_since = e->now;
        notify(e, NOTIFY_SHUTDOWN, NULL, NULL);
}

/* forceshutdown(): FSD on every UPS we are primary for; without any, straight to SHUTDOWN. */
static void controller_start_shutdown(Controller *c, Eval *e, const ControllerInput *inputs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (inputs[i].role == MONITOR_PRIMARY && strv_extend(&e->out.set_fsd, inputs[i].name) < 0)
                        e->error = -ENOMEM;
        c->forced = false;
        c->killpower = !!e->out.set_fsd;
        if (!c->killpower) {
                controller_enter_shutting_down(c, e);
                return;
        }
        c->state = SHUTDOWN_FSD;
        c->fsd_since = e->now;
}

/* sync_secondaries(): until no secondary is logged in to our primary UPSes, or HOSTSYNC. */
static void controller_sync_secondaries(Controller *c, Eval *e, const ControllerInput *inputs, size_t n)
{
        unsigned logins = 0;

        for (size_t i = 0; i < n; i++)
                if (inputs[i].role == MONITOR_PRIMARY)
                        logins = MAX(logins, inputs[i].n_secondaries);
        if (logins == 0 || elapsed(e, c->fsd_since, e->s->hostsync)) {
                controller_enter_shutting_down(c, e);
                return;
        }
        if (!c->hostsync_notified) {
                c->hostsync_notified = true;
                notify(e, NOTIFY_SHUTDOWN_HOSTSYNC, NULL, NULL);
        }
}

/* Pass 3: the host's state. */
static void controller_step(Controller *c, Eval *e, const ControllerInput *inputs, size_t n,
                            bool any_critical, bool any_pending, unsigned healthy)
{
        unsigned min = e->s->minsupplies;

        if (c->state == SHUTDOWN_IDLE || c->state == SHUTDOWN_CRITICAL) {
                if (c->forced || (any_critical && c->power_value < min))
                        controller_start_shutdown(c, e, inputs, n);
                else
                        c->state = any_pending && healthy < min ? SHUTDOWN_CRITICAL : SHUTDOWN_IDLE;
        }
        if (c->state == SHUTDOWN_FSD)
                controller_sync_secondaries(c, e, inputs, n);
        if (c->state == SHUTDOWN_SHUTTING_DOWN && !c->shutdown_run &&
            elapsed(e, c->shutdown_since, e->s->finaldelay)) {
                c->shutdown_run = true;
                e->out.run_shutdown = true;
        }
}

static void eval_done(Eval *e)
{
        controller_output_done(&e->out);
}

static Eval eval_new(Controller *c, uint64_t now)
{
        return (Eval) {
                .s = &c->settings,
                .now = now,
                .out = { .next_wakeup = CONTROLLER_NEVER },
        };
}

/* Hands the evaluation's output over, with the controller's state filled in. */
static int eval_finish(Controller *c, Eval *e, ControllerOutput *ret)
{
        if (e->error < 0)
                return e->error;
        e->out.state = c->state;
        e->out.killpower = c->killpower;
        e->out.power_value = c->power_value;
        e->out.on_battery = c->on_battery;
        e->out.min_supplies = c->settings.minsupplies;
        *ret = e->out;
        e->out = (ControllerOutput) {};
        return 0;
}

static int check_inputs(const ControllerInput *inputs, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                if (!inputs[i].name || inputs[i].role < 0 || inputs[i].role >= _MONITOR_ROLE_MAX ||
                    inputs[i].contact < 0 || inputs[i].contact >= _UPS_CONTACT_MAX)
                        return -EINVAL;
                for (size_t j = 0; j < i; j++)
                        if (streq(inputs[i].name, inputs[j].name))
                                return -EINVAL;
        }
        return 0;
}

/**
 * controller_evaluate() - run upsmon's policy over the current state of the monitored UPSes
 * @c: the controller
 * @inputs: every monitored UPS (MONITOR lines, or every local device without them); a UPS
 *          missing here is forgotten
 * @n: number of inputs
 * @now: monotonic µs (CLOCK_MONOTONIC, as sd-event's timers)
 * @ret: filled on success; free with controller_output_done()
 *
 * Call on every device commit, when the number of logged-in secondaries changes during the
 * FSD state, and at @ret->next_wakeup. Nothing is done while asleep (controller_sleep()).
 * Returns 0, -EINVAL for bad inputs (NULL or repeated name, role or contact out of range),
 * or -ENOMEM (then the notifications of this evaluation are lost, and its decisions may
 * have been taken).
 */
int controller_evaluate(Controller *c, const ControllerInput *inputs, size_t n, uint64_t now,
                        ControllerOutput *ret)
{
        _cleanup_(eval_done) Eval e = eval_new(c, now);
        bool any_critical = false, any_pending = false;
        unsigned healthy = 0;
        int r;

        r = check_inputs(inputs, n);
        if (r < 0)
                return r;
        if (c->sleeping)
                return eval_finish(c, &e, ret);

        for (size_t i = 0; i < n; i++) {
                UpsTrack *t = controller_track(c, inputs[i].name);

                if (!t)
                        return -ENOMEM;
                t->seen = true;
        }
        controller_drop_unseen(c);

        for (size_t i = 0; i < n; i++)
                ups_update(c, &e, controller_track(c, inputs[i].name), &inputs[i]);
        c->power_value = 0;
        c->on_battery = false;
        for (size_t i = 0; i < n; i++) {
                const ControllerInput *in = &inputs[i];
                UpsTrack *t = controller_track(c, in->name);
                UpsVerdict v = ups_verdict(&e, t, in);

                /* a UPS that powers nothing here (power value 0) is watched, never a reason to go */
                any_critical = any_critical || (v == UPS_CRITICAL && in->power_value > 0);
                any_pending = any_pending || (v == UPS_PENDING && in->power_value > 0);
                healthy += v == UPS_HEALTHY ? in->power_value : 0;
                c->power_value += v != UPS_CRITICAL ? in->power_value : 0;
                if (in->power_value > 0 && t->commstate >= 0 && !t->stale && (t->flags & UPS_OB))
                        c->on_battery = true;
        }
        controller_step(c, &e, inputs, n, any_critical, any_pending, healthy);
        return eval_finish(c, &e, ret);
}

/**
 * controller_force_shutdown() - start the shutdown at the next evaluation
 *
 * As "upsmon -c fsd": FSD on every UPS we are primary for, then the usual sequence.
 * Nothing changes once the shutdown has started.
 */
void controller_force_shutdown(Controller *c)
{
        if (c->state == SHUTDOWN_IDLE || c->state == SHUTDOWN_CRITICAL)
                c->forced = true;
}

/**
 * controller_sleep() - the host is about to sleep (logind PrepareForSleep(true))
 *
 * Gives SUSPEND_STARTING. Until controller_resume(), evaluations do nothing.
 */
int controller_sleep(Controller *c, uint64_t now, ControllerOutput *ret)
{
        _cleanup_(eval_done) Eval e = eval_new(c, now);

        notify(&e, NOTIFY_SUSPEND_STARTING, NULL, NULL);
        c->sleeping = true;
        return eval_finish(c, &e, ret);
}

/**
 * controller_resume() - the host woke up (logind PrepareForSleep(false))
 *
 * Gives SUSPEND_FINISHED. What was read before the sleep is no longer acted on: each UPS
 * counts as healthy until it has data newer than @now (its timers restart then), and an
 * input whose last_data_usec is older than @now counts as still waiting. Evaluate next.
 */
int controller_resume(Controller *c, uint64_t now, ControllerOutput *ret)
{
        _cleanup_(eval_done) Eval e = eval_new(c, now);

        notify(&e, NOTIFY_SUSPEND_FINISHED, NULL, NULL);
        c->sleeping = false;
        c->resume_usec = now;
        for (size_t i = 0; i < c->n_tracks; i++) {
                c->tracks[i].stale = true;
                ups_track_reset_timers(&c->tracks[i]);
        }
        wake_at(&e, now);
        return eval_finish(c, &e, ret);
}

/**
 * controller_get_state() - idle, critical, fsd or shutting-down
 */
ShutdownState controller_get_state(const Controller *c)
{
        return c->state;
}

static int64_t duration(int seconds_or_negative)
{
        return seconds_or_negative < 0 ? -1 : (int64_t) seconds(seconds_or_negative);
}

/**
 * controller_set_config() - take the settings of an upsmon.conf (at start and on reload)
 *
 * The controller copies what it needs; a shutdown in progress goes on.
 */
void controller_set_config(Controller *c, const UpsmonConfig *config)
{
        c->settings = (ControllerSettings) {
                .minsupplies = config->minsupplies,
                .hostsync = seconds(config->hostsync),
                .deadtime = seconds(config->deadtime),
                .finaldelay = seconds(config->finaldelay),
                .rbwarntime = seconds(config->rbwarntime),
                .nocommwarntime = seconds(config->nocommwarntime),
                .offduration = duration(config->offduration),
                .overduration = duration(config->overduration),
                .oblbduration = duration(config->oblbduration),
                .alarmcritical = config->alarmcritical,
        };
}

/**
 * controller_new() - a controller in state idle, knowing no UPS yet
 */
int controller_new(const UpsmonConfig *config, Controller **ret)
{
        Controller *c = calloc(1, sizeof(Controller));

        if (!c)
                return -ENOMEM;
        controller_set_config(c, config);
        *ret = c;
        return 0;
}

/**
 * controller_free() - free a controller; NULL is fine
 *
 * Returns NULL.
 */
Controller *controller_free(Controller *c)
{
        if (!c)
                return NULL;
        for (size_t i = 0; i < c->n_tracks; i++)
                ups_track_done(&c->tracks[i]);
        free(c->tracks);
        return mfree(c);
}

/**
 * controller_output_done() - free what an output owns and zero it
 */
void controller_output_done(ControllerOutput *o)
{
        for (size_t i = 0; i < o->n_notifications; i++) {
                free(o->notifications[i].ups);
                free(o->notifications[i].detail);
        }
        free(o->notifications);
        strv_free(o->set_fsd);
        *o = (ControllerOutput) { .next_wakeup = CONTROLLER_NEVER };
}
