/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The shutdown controller (NUT-REFERENCE §3): sequences of (time, per-UPS state) against the
 * expected notifications, state, FSD requests, power-off and next wakeup at every step. The
 * controller is a pure function of (inputs, config, now), so no event loop is involved.
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shutdown/controller.h"

#define MAX_UPS 3
#define MAX_STEPS 20

typedef enum Action {
        EVAL,
        SLEEP,          /* controller_sleep() */
        RESUME,         /* controller_resume() */
        FORCE,          /* controller_force_shutdown(), then evaluate */
} Action;

/*
 * A UPS at a step: NULL (not monitored any more), "wait" (no data yet), "lost" (no contact;
 * last data from its last step with a status), or a status "OB LB" (fresh, contact OK),
 * optionally "|alarm text" for ups.alarm, optionally prefixed by "@<s>:" for data that is
 * as old as <s>.
 */
typedef struct Step {
        unsigned t;                     /* seconds */
        const char *ups[MAX_UPS];
        const char *notify;             /* "TYPE:ups[detail]" or "TYPE", space-separated; NULL: none */
        const char *summary;            /* "<state> power=<n> [onbatt] [kill] [fsd=a,b] [run] wake=<s|->" */
        unsigned logins;                /* secondaries logged in to each primary UPS */
        Action action;
} Step;

typedef struct Scenario {
        const char *path;
        const char *conf;               /* upsmon.conf text; "" for none (every device: power 1, primary) */
        const char *names[MAX_UPS];     /* MONITOR systems (or auto-detected device names) */
        Step steps[MAX_STEPS];
} Scenario;

/* Power value and role of a UPS as the daemon would find them in the configuration. */
static void lookup_ups(const UpsmonConfig *c, const char *name, unsigned *ret_pv, MonitorRole *ret_role)
{
        if (upsmon_config_device_power(c, name, ret_pv, ret_role) >= 0)
                return;
        for (size_t i = 0; i < c->n_monitors; i++)
                if (g_str_equal(c->monitors[i].system, name)) {
                        *ret_pv = c->monitors[i].power_value;
                        *ret_role = c->monitors[i].role;
                        return;
                }
        g_assert_not_reached();
}

static char *format_notifications(const ControllerOutput *o)
{
        GString *s = g_string_new(NULL);

        for (size_t i = 0; i < o->n_notifications; i++) {
                const ControllerNotification *n = &o->notifications[i];

                g_string_append_printf(s, "%s%s", s->len ? " " : "", notify_type_to_string(n->type));
                if (n->ups)
                        g_string_append_printf(s, ":%s", n->ups);
                if (n->detail)
                        g_string_append_printf(s, "[%s]", n->detail);
        }
        return g_string_free(s, FALSE);
}

static char *format_summary(const ControllerOutput *o)
{
        GString *s = g_string_new(shutdown_state_to_string(o->state));

        g_string_append_printf(s, " power=%u", o->power_value);
        if (o->on_battery)
                g_string_append(s, " onbatt");
        if (o->killpower)
                g_string_append(s, " kill");
        if (o->set_fsd) {
                g_autofree char *j = g_strjoinv(",", o->set_fsd);
                g_string_append_printf(s, " fsd=%s", j);
        }
        if (o->run_shutdown)
                g_string_append(s, " run");
        if (o->next_wakeup == CONTROLLER_NEVER)
                g_string_append(s, " wake=-");
        else if (o->next_wakeup % G_USEC_PER_SEC == 0)
                g_string_append_printf(s, " wake=%" PRIu64, o->next_wakeup / G_USEC_PER_SEC);
        else
                g_string_append_printf(s, " wake=%" PRIu64 ".%06" PRIu64, o->next_wakeup / G_USEC_PER_SEC,
                                       o->next_wakeup % G_USEC_PER_SEC);
        return g_string_free(s, FALSE);
}

typedef struct Run {
        UpsmonConfig config;
        Controller *controller;
        uint64_t last_data[MAX_UPS];    /* µs of each UPS's last step with a status */
        char **status[MAX_UPS];
} Run;

/* Builds the input the daemon would pass for UPS i at this step; false when it is not monitored. */
static bool make_input(Run *run, const Scenario *sc, const Step *st, size_t i, uint64_t now, ControllerInput *in)
{
        const char *spec = st->ups[i], *bar;
        g_autofree char *status = NULL;

        if (!spec)
                return false;
        *in = (ControllerInput) { .name = sc->names[i], .n_secondaries = st->logins };
        lookup_ups(&run->config, sc->names[i], &in->power_value, &in->role);
        g_clear_pointer(&run->status[i], g_strfreev);
        if (g_str_equal(spec, "wait")) {
                in->contact = UPS_CONTACT_WAITING;
                return true;
        }
        if (g_str_equal(spec, "lost")) {
                in->contact = UPS_CONTACT_LOST;
                in->last_data_usec = run->last_data[i];
                return true;
        }
        in->contact = UPS_CONTACT_OK;
        in->last_data_usec = now;
        if (spec[0] == '@') {
                char *end;

                in->last_data_usec = g_ascii_strtoull(spec + 1, &end, 10) * G_USEC_PER_SEC;
                g_assert_cmpint(*end, ==, ':');
                spec = end + 1;
        } else
                run->last_data[i] = now;
        bar = strchr(spec, '|');
        status = g_strndup(spec, bar ? (size_t) (bar - spec) : strlen(spec));
        in->alarm = bar ? bar + 1 : NULL;
        run->status[i] = g_strsplit_set(status, " ", -1);
        /* "" gives { "" }: make it an empty list, as an absent ups.status */
        if (run->status[i][0] && !run->status[i][0][0])
                g_clear_pointer(&run->status[i][0], g_free);
        in->status = run->status[i];
        return true;
}

static void run_step(Run *run, const Scenario *sc, const Step *st)
{
        uint64_t now = (uint64_t) st->t * G_USEC_PER_SEC;
        ControllerInput inputs[MAX_UPS];
        _cleanup_(controller_output_done) ControllerOutput out = {};
        g_autofree char *notify = NULL, *summary = NULL;
        size_t n = 0;
        int r;

        for (size_t i = 0; i < MAX_UPS && sc->names[i]; i++)
                if (make_input(run, sc, st, i, now, &inputs[n]))
                        n++;
        switch (st->action) {
        case SLEEP:
                r = controller_sleep(run->controller, now, &out);
                break;
        case RESUME:
                r = controller_resume(run->controller, now, &out);
                break;
        case FORCE:
                controller_force_shutdown(run->controller);
                /* fall through */
        default:
                r = controller_evaluate(run->controller, inputs, n, now, &out);
        }
        g_assert_cmpint(r, ==, 0);

        notify = format_notifications(&out);
        summary = format_summary(&out);
        g_test_message("t=%u: %s | %s", st->t, notify, summary);
        g_assert_cmpstr(notify, ==, st->notify ?: "");
        g_assert_cmpstr(summary, ==, st->summary);
        g_assert_cmpuint(out.min_supplies, ==, run->config.minsupplies);
        g_assert_cmpint(controller_get_state(run->controller), ==, out.state);
}

static void test_scenario(const void *data)
{
        const Scenario *sc = data;
        Run run = {};
        char *error = NULL;

        upsmon_config_init(&run.config);
        g_assert_cmpint(upsmon_config_parse(&run.config, "upsmon.conf", sc->conf, strlen(sc->conf), &error), ==,
                        0);
        g_assert_cmpint(controller_new(&run.config, &run.controller), ==, 0);
        for (size_t i = 0; i < MAX_STEPS && sc->steps[i].summary; i++)
                run_step(&run, sc, &sc->steps[i]);
        controller_free(run.controller);
        for (size_t i = 0; i < MAX_UPS; i++)
                g_strfreev(run.status[i]);
        upsmon_config_done(&run.config);
}

#define TWO_PRIMARIES "MONITOR a 1 u p primary\nMONITOR b 1 u p primary\n"

static const Scenario scenarios[] = {
        /* DESIGN §2: no upsmon.conf, one auto-detected UPS: OB+LB shuts the host down */
        { "/shutdown/controller/default/ob-lb", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB DISCHRG" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 120, { "OB DISCHRG LB" }, "LOWBATT:ups SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=ups wake=125" },
                /* the daemon latched FSD on the device */
                { 121, { "FSD OB DISCHRG LB" }, "FSD:ups", "shutting-down power=0 onbatt kill wake=125" },
                { 124, { "FSD OB DISCHRG LB" }, NULL, "shutting-down power=0 onbatt kill wake=125" },
                { 125, { "FSD OB DISCHRG LB" }, NULL, "shutting-down power=0 onbatt kill run wake=-" },
                /* once shutting down, never back; the power-off is asked for once */
                { 130, { "OL CHRG" }, "ONLINE:ups", "shutting-down power=1 kill wake=-" },
                { 140, { "OB LB" }, "ONBATT:ups LOWBATT:ups", "shutting-down power=0 onbatt kill wake=-" },
        } },
        /* every auto-detected device has power value 1, MINSUPPLIES 1: one of two is not enough */
        { "/shutdown/controller/default/two-devices", "", { "usb1", "usb2" }, {
                { 100, { "OL", "OL" }, NULL, "idle power=2 wake=-" },
                { 110, { "OB LB", "OL" }, "ONBATT:usb1 LOWBATT:usb1", "idle power=1 onbatt wake=-" },
                { 120, { "OB LB", "OB LB" }, "ONBATT:usb2 LOWBATT:usb2 SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=usb1,usb2 wake=125" },
        } },
        { "/shutdown/controller/default/unplugged-forgotten", "", { "usb1", "usb2" }, {
                { 100, { "OL", "OB" }, "ONBATT:usb2", "idle power=2 onbatt wake=-" },
                { 110, { "OL", NULL }, NULL, "idle power=1 wake=-" },
                /* back: a new device, whose first OL is no news */
                { 120, { "OL", "OL" }, NULL, "idle power=2 wake=-" },
        } },

        /* OB blips */
        { "/shutdown/controller/ob-blip", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB DISCHRG" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 113, { "OL CHRG" }, "ONLINE:ups", "idle power=1 wake=-" },
                { 114, { "OL" }, NULL, "idle power=1 wake=-" },
        } },
        { "/shutdown/controller/first-status-ob", "", { "ups" }, {
                { 100, { "wait" }, NULL, "idle power=1 wake=-" },
                { 101, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 102, { "OL" }, "ONLINE:ups", "idle power=1 wake=-" },
        } },
        { "/shutdown/controller/oblbduration/blip", "OBLBDURATION 10\n", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups", "critical power=1 onbatt wake=120" },
                { 115, { "OB" }, NULL, "idle power=1 onbatt wake=-" },
                { 116, { "OB LB" }, "LOWBATT:ups", "critical power=1 onbatt wake=126" },
                { 125, { "OB LB" }, NULL, "critical power=1 onbatt wake=126" },
                { 126, { "OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=131" },
        } },
        { "/shutdown/controller/oblbduration/negative", "OBLBDURATION -5\n", { "ups" }, {
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=ups wake=115" },
        } },

        /* DEADTIME: a UPS last seen on battery counts as OB+LB once unheard for DEADTIME */
        { "/shutdown/controller/deadtime/shutdown", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 112, { "lost" }, "COMMBAD:ups", "critical power=1 onbatt wake=125" },
                { 124, { "lost" }, NULL, "critical power=1 onbatt wake=125" },
                { 125, { "lost" }, "SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=130" },
                { 130, { "lost" }, NULL, "shutting-down power=0 onbatt kill run wake=412" },
        } },
        { "/shutdown/controller/deadtime/recover", "DEADTIME 30\n", { "ups" }, {
                { 100, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 101, { "lost" }, "COMMBAD:ups", "critical power=1 onbatt wake=130" },
                { 129, { "OB" }, "COMMOK:ups", "idle power=1 onbatt wake=-" },
                { 130, { "lost" }, "COMMBAD:ups", "critical power=1 onbatt wake=159" },
                { 140, { "OL" }, "COMMOK:ups ONLINE:ups", "idle power=1 wake=-" },
        } },
        { "/shutdown/controller/deadtime/secondary", "MONITOR ups@server 1 u p secondary\n",
          { "ups@server" }, {
                { 100, { "OB" }, "ONBATT:ups@server", "idle power=1 onbatt wake=-" },
                { 101, { "lost" }, "COMMBAD:ups@server", "critical power=1 onbatt wake=115" },
                /* dead: OB+LB, and a secondary gives the primary HOSTSYNC to set FSD */
                { 115, { "lost" }, NULL, "critical power=1 onbatt wake=130" },
                { 130, { "lost" }, "SHUTDOWN", "shutting-down power=0 onbatt wake=135" },
        } },
        /* a UPS last seen OL and then lost: no shutdown, NOCOMM after NOCOMMWARNTIME, repeated */
        { "/shutdown/controller/nocomm", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "lost" }, "COMMBAD:ups", "idle power=1 wake=410" },
                { 409, { "lost" }, NULL, "idle power=1 wake=410" },
                { 410, { "lost" }, "NOCOMM:ups", "idle power=1 wake=710" },
                { 500, { "lost" }, NULL, "idle power=1 wake=710" },
                { 712, { "lost" }, "NOCOMM:ups", "idle power=1 wake=1012" },
                { 720, { "OL" }, "COMMOK:ups", "idle power=1 wake=-" },
                { 730, { "lost" }, "COMMBAD:ups", "idle power=1 wake=1030" },
        } },
        { "/shutdown/controller/nocomm/never-heard", "NOCOMMWARNTIME 60\n", { "ups" }, {
                { 100, { "lost" }, "COMMBAD:ups", "idle power=1 wake=160" },
                { 160, { "lost" }, "NOCOMM:ups", "idle power=1 wake=220" },
                { 170, { "OL" }, "COMMOK:ups", "idle power=1 wake=-" },
        } },
        /* upsmon treats an empty ups.status like a dead UPS */
        { "/shutdown/controller/empty-status", "", { "ups" }, {
                { 100, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 101, { "" }, "COMMBAD:ups", "critical power=1 onbatt wake=115" },
                { 102, { "OB" }, "COMMOK:ups", "idle power=1 onbatt wake=-" },
        } },
        { "/shutdown/controller/waiting", "", { "ups" }, {
                { 100, { "wait" }, NULL, "idle power=1 wake=-" },
                { 200, { "wait" }, NULL, "idle power=1 wake=-" },
                { 201, { "OL" }, NULL, "idle power=1 wake=-" },
                /* a driver restarting: no verdict, the last status stays */
                { 202, { "wait" }, NULL, "idle power=1 wake=-" },
                { 203, { "OL" }, NULL, "idle power=1 wake=-" },
                /* but a lost UPS stays lost until it has data */
                { 210, { "lost" }, "COMMBAD:ups", "idle power=1 wake=510" },
                { 220, { "wait" }, NULL, "idle power=1 wake=510" },
                { 510, { "wait" }, "NOCOMM:ups", "idle power=1 wake=810" },
                { 520, { "OL" }, "COMMOK:ups", "idle power=1 wake=-" },
        } },

        /* MINSUPPLIES with two supplies of power value 1 */
        { "/shutdown/controller/minsupplies/1-of-2", TWO_PRIMARIES, { "a", "b" }, {
                { 100, { "OL", "OL" }, NULL, "idle power=2 wake=-" },
                { 110, { "OB LB", "OL" }, "ONBATT:a LOWBATT:a", "idle power=1 onbatt wake=-" },
                { 120, { "OL", "OL" }, "ONLINE:a", "idle power=2 wake=-" },
        } },
        { "/shutdown/controller/minsupplies/2-of-2", TWO_PRIMARIES "MINSUPPLIES 2\n", { "a", "b" }, {
                { 100, { "OL", "OL" }, NULL, "idle power=2 wake=-" },
                { 105, { "OB", "OL" }, "ONBATT:a", "idle power=2 onbatt wake=-" },
                { 110, { "OB LB", "OL" }, "LOWBATT:a SHUTDOWN",
                  "shutting-down power=1 onbatt kill fsd=a,b wake=115" },
        } },
        /* big-servers: alpha feeds 2 supplies, beta 1, MINSUPPLIES 2 */
        { "/shutdown/controller/minsupplies/power-values",
          "MONITOR alpha 2 u p primary\nMONITOR beta 1 u p primary\nMINSUPPLIES 2\n", { "alpha", "beta" }, {
                { 100, { "OL", "OB LB" }, "ONBATT:beta LOWBATT:beta", "idle power=2 onbatt wake=-" },
                { 110, { "OB LB", "OB LB" }, "ONBATT:alpha LOWBATT:alpha SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=alpha,beta wake=115" },
        } },
        { "/shutdown/controller/minsupplies/monitor-only",
          "MONITOR a 1 u p primary\nMONITOR far@box 0 u p secondary\n", { "a", "far@box" }, {
                { 100, { "OL", "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OL", "FSD OB LB" }, "ONBATT:far@box LOWBATT:far@box FSD:far@box",
                  "idle power=1 wake=-" },
        } },
        /* a pending supply with power value 0 does not make the host critical */
        { "/shutdown/controller/minsupplies/pending-monitor-only",
          "MONITOR a 1 u p primary\nMONITOR far@box 0 u p secondary\n", { "a", "far@box" }, {
                { 100, { "OL", "OB LB" }, "ONBATT:far@box LOWBATT:far@box", "idle power=1 wake=115" },
        } },

        /* a secondary: FSD from the primary; or the primary is silent for HOSTSYNC */
        { "/shutdown/controller/secondary/fsd", "MONITOR ups@server 1 u p secondary\n", { "ups@server" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB" }, "ONBATT:ups@server", "idle power=1 onbatt wake=-" },
                { 115, { "OB LB" }, "LOWBATT:ups@server", "critical power=1 onbatt wake=130" },
                { 117, { "FSD OB LB" }, "FSD:ups@server SHUTDOWN", "shutting-down power=0 onbatt wake=122" },
                { 122, { "FSD OB LB" }, NULL, "shutting-down power=0 onbatt run wake=-" },
        } },
        { "/shutdown/controller/secondary/fsd-while-on-line", "MONITOR ups@server 1 u p slave\n",
          { "ups@server" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                /* the primary shuts down for its own reasons: FSD alone is enough */
                { 110, { "FSD OL" }, "FSD:ups@server SHUTDOWN", "shutting-down power=0 wake=115" },
        } },
        { "/shutdown/controller/secondary/hostsync", "MONITOR ups@server 1 u p secondary\n",
          { "ups@server" }, {
                { 110, { "OB LB" }, "ONBATT:ups@server LOWBATT:ups@server", "critical power=1 onbatt wake=125" },
                { 124, { "OB LB" }, NULL, "critical power=1 onbatt wake=125" },
                { 125, { "OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt wake=130" },
        } },
        { "/shutdown/controller/secondary/blip", "MONITOR ups@server 1 u p secondary\n", { "ups@server" }, {
                { 110, { "OB LB" }, "ONBATT:ups@server LOWBATT:ups@server", "critical power=1 onbatt wake=125" },
                { 120, { "OB" }, NULL, "idle power=1 onbatt wake=-" },
                { 121, { "OL" }, "ONLINE:ups@server", "idle power=1 wake=-" },
        } },
        { "/shutdown/controller/secondary/oblbduration", "MONITOR ups@server 1 u p secondary\nOBLBDURATION 5\n",
          { "ups@server" }, {
                { 110, { "OB LB" }, "ONBATT:ups@server LOWBATT:ups@server", "critical power=1 onbatt wake=115" },
                { 115, { "OB LB" }, NULL, "critical power=1 onbatt wake=130" },
                { 130, { "OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt wake=135" },
        } },
        /* primary for a, secondary for b: b's FSD is enough only with MINSUPPLIES 2 */
        { "/shutdown/controller/secondary/mixed-1", "MONITOR a 1 u p primary\nMONITOR b@srv 1 u p secondary\n",
          { "a", "b@srv" }, {
                { 100, { "OL", "FSD OL" }, "FSD:b@srv", "idle power=1 wake=-" },
        } },
        { "/shutdown/controller/secondary/mixed-2",
          "MONITOR a 1 u p primary\nMONITOR b@srv 1 u p secondary\nMINSUPPLIES 2\n", { "a", "b@srv" }, {
                { 100, { "OL", "OL" }, NULL, "idle power=2 wake=-", 1 },
                { 110, { "OL", "FSD OL" }, "FSD:b@srv SHUTDOWN_HOSTSYNC", "fsd power=1 kill fsd=a wake=125", 1 },
                { 111, { "FSD OL", "FSD OL" }, "FSD:a", "fsd power=0 kill wake=125", 1 },
                { 112, { "FSD OL", "FSD OL" }, "SHUTDOWN", "shutting-down power=0 kill wake=117", 0 },
        } },

        /* the primary waits for its secondaries: HOSTSYNC timeout, or all of them gone */
        { "/shutdown/controller/hostsync/timeout", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-", 2 },
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN_HOSTSYNC",
                  "fsd power=0 onbatt kill fsd=ups wake=125", 2 },
                { 111, { "FSD OB LB" }, "FSD:ups", "fsd power=0 onbatt kill wake=125", 2 },
                { 115, { "FSD OB LB" }, NULL, "fsd power=0 onbatt kill wake=125", 1 },
                { 125, { "FSD OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt kill wake=130", 1 },
                { 130, { "FSD OB LB" }, NULL, "shutting-down power=0 onbatt kill run wake=-", 1 },
        } },
        { "/shutdown/controller/hostsync/secondaries-gone", "HOSTSYNC 60\n", { "ups" }, {
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN_HOSTSYNC",
                  "fsd power=0 onbatt kill fsd=ups wake=170", 3 },
                { 112, { "FSD OB LB" }, "FSD:ups", "fsd power=0 onbatt kill wake=170", 1 },
                { 113, { "FSD OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt kill wake=118", 0 },
                { 118, { "FSD OB LB" }, NULL, "shutting-down power=0 onbatt kill run wake=-", 0 },
        } },
        /* back on line while waiting: the decision stands */
        { "/shutdown/controller/hostsync/no-way-back", "", { "ups" }, {
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN_HOSTSYNC",
                  "fsd power=0 onbatt kill fsd=ups wake=125", 1 },
                { 111, { "OL" }, "ONLINE:ups", "fsd power=1 kill wake=125", 1 },
                { 125, { "OL" }, "SHUTDOWN", "shutting-down power=1 kill wake=130", 1 },
        } },

        /* FINALDELAY */
        { "/shutdown/controller/finaldelay/0", "FINALDELAY 0\n", { "ups" }, {
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=ups run wake=-" },
        } },
        { "/shutdown/controller/finaldelay/30", "FINALDELAY 30\n", { "ups" }, {
                { 110, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=ups wake=140" },
                { 139, { "FSD OB LB" }, "FSD:ups", "shutting-down power=0 onbatt kill wake=140" },
                { 141, { "FSD OB LB" }, NULL, "shutting-down power=0 onbatt kill run wake=-" },
                { 150, { "FSD OB LB" }, NULL, "shutting-down power=0 onbatt kill wake=-" },
        } },

        /* REPLBATT, repeated every RBWARNTIME while RB lasts */
        { "/shutdown/controller/replbatt", "RBWARNTIME 3600\n", { "ups" }, {
                { 100, { "OL RB" }, "REPLBATT:ups", "idle power=1 wake=3700" },
                { 200, { "OL RB" }, NULL, "idle power=1 wake=3700" },
                { 3700, { "OL RB" }, "REPLBATT:ups", "idle power=1 wake=7300" },
                { 3800, { "OL" }, NULL, "idle power=1 wake=-" },
                /* back within RBWARNTIME of the last warning: quiet */
                { 3900, { "OL RB" }, NULL, "idle power=1 wake=7300" },
                { 7300, { "OL RB" }, "REPLBATT:ups", "idle power=1 wake=10900" },
        } },
        { "/shutdown/controller/replbatt/default", "", { "ups" }, {
                { 100, { "OL RB" }, "REPLBATT:ups", "idle power=1 wake=43300" },
                { 43300, { "OL RB" }, "REPLBATT:ups", "idle power=1 wake=86500" },
        } },

        /* OFF: not fed once it lasts OFFDURATION */
        { "/shutdown/controller/off", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OFF" }, "OFF:ups", "critical power=1 wake=140" },
                { 120, { "OL" }, "NOTOFF:ups", "idle power=1 wake=-" },
                { 130, { "OFF" }, "OFF:ups", "critical power=1 wake=160" },
                { 160, { "OFF" }, "SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=165" },
        } },
        { "/shutdown/controller/off/never", "OFFDURATION -1\n", { "ups" }, {
                { 110, { "OFF" }, "OFF:ups", "idle power=1 wake=-" },
                { 1000, { "OFF" }, NULL, "idle power=1 wake=-" },
                /* and not with lost contact either */
                { 1001, { "lost" }, "COMMBAD:ups", "idle power=1 wake=1301" },
        } },
        { "/shutdown/controller/off/immediate", "OFFDURATION 0\n", { "ups" }, {
                { 110, { "OFF" }, "OFF:ups SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=115" },
        } },
        { "/shutdown/controller/off/lost", "", { "ups" }, {
                { 110, { "OFF" }, "OFF:ups", "critical power=1 wake=140" },
                { 111, { "lost" }, "COMMBAD:ups SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=116" },
        } },

        /* lost contact with a UPS that was on bypass, calibrating, alarmed or overloaded */
        { "/shutdown/controller/lost/bypass", "", { "ups" }, {
                { 100, { "OL BYPASS" }, "BYPASS:ups", "idle power=1 wake=-" },
                { 110, { "lost" }, "COMMBAD:ups SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=115" },
        } },
        { "/shutdown/controller/lost/cal", "", { "ups" }, {
                { 100, { "OL CAL" }, "CAL:ups", "idle power=1 wake=-" },
                { 110, { "lost" }, "COMMBAD:ups SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=115" },
        } },
        { "/shutdown/controller/lost/alarm", "", { "ups" }, {
                { 100, { "ALARM OL|Replace battery!" }, "ALARM:ups[Replace battery!]", "idle power=1 wake=-" },
                { 105, { "ALARM OL|Replace battery!" }, NULL, "idle power=1 wake=-" },
                { 110, { "lost" }, "COMMBAD:ups SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=115" },
        } },
        { "/shutdown/controller/lost/alarm-not-critical", "ALARMCRITICAL 0\n", { "ups" }, {
                { 100, { "ALARM OL|Fan failure!" }, "ALARM:ups[Fan failure!]", "idle power=1 wake=-" },
                { 110, { "lost" }, "COMMBAD:ups", "idle power=1 wake=410" },
        } },
        { "/shutdown/controller/lost/over", "OVERDURATION 10\n", { "ups" }, {
                { 100, { "OL OVER" }, "OVER:ups", "idle power=1 wake=-" },
                { 105, { "lost" }, "COMMBAD:ups", "critical power=1 wake=110" },
                { 110, { "lost" }, "SHUTDOWN", "shutting-down power=0 kill fsd=ups wake=115" },
        } },
        { "/shutdown/controller/lost/over-default", "", { "ups" }, {
                { 100, { "OL OVER" }, "OVER:ups", "idle power=1 wake=-" },
                { 105, { "lost" }, "COMMBAD:ups", "idle power=1 wake=405" },
                { 106, { "OL" }, "COMMOK:ups NOTOVER:ups", "idle power=1 wake=-" },
        } },

        /* the other status notifications */
        { "/shutdown/controller/status-changes", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OL TRIM" }, "TRIM:ups", "idle power=1 wake=-" },
                { 120, { "OL BOOST" }, "NOTTRIM:ups BOOST:ups", "idle power=1 wake=-" },
                { 130, { "OL ECO" }, "NOTBOOST:ups ECO:ups", "idle power=1 wake=-" },
                { 140, { "OL" }, "NOTECO:ups", "idle power=1 wake=-" },
                { 150, { "OL BYPASS" }, "BYPASS:ups", "idle power=1 wake=-" },
                { 155, { "OL" }, "NOTBYPASS:ups", "idle power=1 wake=-" },
                /* CAL: OB+LB during a calibration is not critical */
                { 160, { "OB LB CAL" }, "ONBATT:ups LOWBATT:ups CAL:ups", "idle power=1 onbatt wake=-" },
                { 170, { "OL CHRG HB" }, "NOTCAL:ups ONLINE:ups", "idle power=1 wake=-" },
                { 180, { "OL TEST WAIT" }, "OTHER:ups[TEST WAIT]", "idle power=1 wake=-" },
                { 190, { "WAIT OL TEST" }, "OTHER:ups[WAIT TEST]", "idle power=1 wake=-" },
                { 200, { "OL" }, "NOTOTHER:ups", "idle power=1 wake=-" },
                { 210, { "ALARM OL|Replace battery!" }, "ALARM:ups[Replace battery!]", "idle power=1 wake=-" },
                { 220, { "ALARM OL|Fan failure!" }, "ALARM:ups[Fan failure!]", "idle power=1 wake=-" },
                { 230, { "OL" }, "NOTALARM:ups", "idle power=1 wake=-" },
                { 240, { "OL OVER" }, "OVER:ups", "idle power=1 wake=-" },
                { 250, { "OL" }, "NOTOVER:ups", "idle power=1 wake=-" },
                /* several at once: the NOT* first, then upsmon's order */
                { 260, { "OB LB RB TRIM FSD X" }, "ONBATT:ups LOWBATT:ups REPLBATT:ups TRIM:ups OTHER:ups[X] FSD:ups "
                  "SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=265" },
                { 261, { "OL" }, "NOTTRIM:ups NOTOTHER:ups ONLINE:ups", "shutting-down power=1 kill wake=265" },
        } },
        /* tokens are case-insensitive; OL and OB exclude each other, the later wins (upsmon) */
        { "/shutdown/controller/status-tokens", "", { "ups" }, {
                { 100, { "ol" }, NULL, "idle power=1 wake=-" },
                { 110, { "OL OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 120, { "ob OL" }, "ONLINE:ups", "idle power=1 wake=-" },
                /* neither: the line state stays as it was */
                { 130, { "OFF" }, "OFF:ups", "critical power=1 wake=160" },
                { 131, { "CHRG" }, "NOTOFF:ups", "idle power=1 wake=-" },
                { 140, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 150, { "LB" }, "LOWBATT:ups SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=155" },
        } },

        /* forced shutdown (D-Bus ForcedShutdown, upsmon -c fsd) */
        { "/shutdown/controller/forced", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OL" }, "SHUTDOWN_HOSTSYNC", "fsd power=1 kill fsd=ups wake=125", 1, FORCE },
                { 111, { "FSD OL" }, "FSD:ups", "fsd power=0 kill wake=125", 1 },
                { 112, { "FSD OL" }, "SHUTDOWN", "shutting-down power=0 kill wake=117", 0 },
                { 113, { "FSD OL" }, NULL, "shutting-down power=0 kill wake=117", 0, FORCE },
        } },
        { "/shutdown/controller/forced/secondary-only", "MONITOR ups@srv 1 u p secondary\n", { "ups@srv" }, {
                { 110, { "OL" }, "SHUTDOWN", "shutting-down power=1 wake=115", 0, FORCE },
        } },

        /* sleep: nothing is done while asleep, and readings from before it are not acted on */
        { "/shutdown/controller/sleep", "", { "ups" }, {
                { 100, { "OL" }, NULL, "idle power=1 wake=-" },
                { 110, { "OB" }, "ONBATT:ups", "idle power=1 onbatt wake=-" },
                { 111, { "OB" }, "SUSPEND_STARTING", "idle power=1 onbatt wake=-", 0, SLEEP },
                { 112, { "lost" }, NULL, "idle power=1 onbatt wake=-" },
                { 200, { "lost" }, "SUSPEND_FINISHED", "idle power=1 onbatt wake=200.000001", 0, RESUME },
                /* the USB device is being reset: last seen OB before the sleep, no DEADTIME */
                { 201, { "lost" }, "COMMBAD:ups", "idle power=1 wake=501" },
                { 230, { "lost" }, NULL, "idle power=1 wake=501" },
                /* the driver's status is still the one from before the sleep */
                { 240, { "@110:OB" }, NULL, "idle power=1 wake=501" },
                { 250, { "OB" }, "COMMOK:ups", "idle power=1 onbatt wake=-" },
                /* from now on, fresh data counts again */
                { 251, { "lost" }, "COMMBAD:ups", "critical power=1 onbatt wake=265" },
                { 265, { "lost" }, "SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=270" },
        } },
        { "/shutdown/controller/sleep/timers-restart", "OBLBDURATION 20\n", { "ups" }, {
                { 100, { "OB LB" }, "ONBATT:ups LOWBATT:ups", "critical power=1 onbatt wake=120" },
                { 110, { "OB LB" }, "SUSPEND_STARTING", "critical power=1 onbatt wake=-", 0, SLEEP },
                { 500, { "OB LB" }, "SUSPEND_FINISHED", "critical power=1 onbatt wake=500.000001", 0, RESUME },
                /* OB+LB for 10 s before the sleep does not count: 20 s from the fresh reading */
                { 501, { "OB LB" }, NULL, "critical power=1 onbatt wake=521" },
                { 521, { "OB LB" }, "SHUTDOWN", "shutting-down power=0 onbatt kill fsd=ups wake=526" },
        } },
        { "/shutdown/controller/sleep/during-shutdown", "FINALDELAY 10\n", { "ups" }, {
                { 100, { "OB LB" }, "ONBATT:ups LOWBATT:ups SHUTDOWN",
                  "shutting-down power=0 onbatt kill fsd=ups wake=110" },
                { 105, { "OB LB" }, "SUSPEND_STARTING", "shutting-down power=0 onbatt kill wake=-", 0, SLEEP },
                { 106, { "OB LB" }, NULL, "shutting-down power=0 onbatt kill wake=-" },
                { 300, { "OB LB" }, "SUSPEND_FINISHED", "shutting-down power=0 onbatt kill wake=300.000001", 0,
                  RESUME },
                { 301, { "OB LB" }, NULL, "shutting-down power=0 onbatt kill run wake=-" },
        } },
};

static void test_state_tables(void)
{
        for (ShutdownState s = 0; s < _SHUTDOWN_STATE_MAX; s++) {
                g_assert_nonnull(shutdown_state_to_string(s));
                g_assert_cmpint(shutdown_state_from_string(shutdown_state_to_string(s)), ==, s);
        }
        g_assert_cmpstr(shutdown_state_to_string(SHUTDOWN_SHUTTING_DOWN), ==, "shutting-down");
        g_assert_cmpstr(shutdown_state_to_string(SHUTDOWN_FSD), ==, "fsd");
        g_assert_null(shutdown_state_to_string(_SHUTDOWN_STATE_MAX));
        g_assert_null(shutdown_state_to_string(_SHUTDOWN_STATE_INVALID));
        g_assert_cmpint(shutdown_state_from_string("IDLE"), ==, _SHUTDOWN_STATE_INVALID);
        g_assert_cmpint(shutdown_state_from_string(NULL), ==, _SHUTDOWN_STATE_INVALID);

        for (UpsContact c = 0; c < _UPS_CONTACT_MAX; c++) {
                g_assert_nonnull(ups_contact_to_string(c));
                g_assert_cmpint(ups_contact_from_string(ups_contact_to_string(c)), ==, c);
        }
        g_assert_cmpstr(ups_contact_to_string(UPS_CONTACT_LOST), ==, "lost");
        g_assert_null(ups_contact_to_string(_UPS_CONTACT_MAX));
        g_assert_cmpint(ups_contact_from_string("stale"), ==, _UPS_CONTACT_INVALID);
}

static void test_bad_inputs(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig config;
        _cleanup_(controller_freep) Controller *c = NULL;
        ControllerOutput out = { .state = 42 };
        char *ol[] = { (char *) "OL", NULL };
        ControllerInput in[2] = {
                { .name = "a", .power_value = 1, .contact = UPS_CONTACT_OK, .status = ol },
                { .name = "a", .power_value = 1, .contact = UPS_CONTACT_OK, .status = ol },
        };

        upsmon_config_init(&config);
        g_assert_cmpint(controller_new(&config, &c), ==, 0);
        g_assert_cmpint(controller_evaluate(c, in, 2, 1, &out), ==, -EINVAL);
        in[1].name = NULL;
        g_assert_cmpint(controller_evaluate(c, in, 2, 1, &out), ==, -EINVAL);
        in[1].name = "b";
        in[1].contact = _UPS_CONTACT_MAX;
        g_assert_cmpint(controller_evaluate(c, in, 2, 1, &out), ==, -EINVAL);
        in[1].contact = UPS_CONTACT_OK;
        in[1].role = _MONITOR_ROLE_INVALID;
        g_assert_cmpint(controller_evaluate(c, in, 2, 1, &out), ==, -EINVAL);
        g_assert_cmpint(out.state, ==, 42);     /* not written on failure */

        in[1].role = MONITOR_PRIMARY;
        g_assert_cmpint(controller_evaluate(c, in, 2, 1, &out), ==, 0);
        g_assert_cmpint(out.state, ==, SHUTDOWN_IDLE);
        g_assert_cmpuint(out.power_value, ==, 2);
        controller_output_done(&out);
        controller_output_done(&out);
        g_assert_cmpuint(out.next_wakeup, ==, CONTROLLER_NEVER);
        g_assert_null(controller_free(NULL));
}

/* A reload changes the timers of what is running, and a shutdown in progress goes on. */
static void test_reload(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig config;
        _cleanup_(controller_freep) Controller *c = NULL;
        _cleanup_(controller_output_done) ControllerOutput out = {};
        char *ob[] = { (char *) "OB", NULL };
        ControllerInput in = { .name = "ups", .power_value = 1, .contact = UPS_CONTACT_OK, .status = ob };
        const char *text = "DEADTIME 60\nMINSUPPLIES 0\n";
        char *error = NULL;

        upsmon_config_init(&config);
        g_assert_cmpint(controller_new(&config, &c), ==, 0);
        g_assert_cmpint(controller_evaluate(c, &in, 1, 100 * G_USEC_PER_SEC, &out), ==, 0);
        controller_output_done(&out);
        in.contact = UPS_CONTACT_LOST;
        g_assert_cmpint(controller_evaluate(c, &in, 1, 101 * G_USEC_PER_SEC, &out), ==, 0);
        g_assert_cmpint(out.state, ==, SHUTDOWN_CRITICAL);
        g_assert_cmpuint(out.next_wakeup, ==, 115 * G_USEC_PER_SEC);
        controller_output_done(&out);

        g_assert_cmpint(upsmon_config_parse(&config, "upsmon.conf", text, strlen(text), &error), ==, 0);
        controller_set_config(c, &config);
        g_assert_cmpint(controller_evaluate(c, &in, 1, 102 * G_USEC_PER_SEC, &out), ==, 0);
        g_assert_cmpint(out.state, ==, SHUTDOWN_IDLE);          /* MINSUPPLIES 0: nothing is needed */
        g_assert_cmpuint(out.min_supplies, ==, 0);
        g_assert_cmpuint(out.next_wakeup, ==, 160 * G_USEC_PER_SEC);
        controller_output_done(&out);

        controller_force_shutdown(c);
        g_assert_cmpint(controller_evaluate(c, &in, 1, 103 * G_USEC_PER_SEC, &out), ==, 0);
        g_assert_cmpint(out.state, ==, SHUTDOWN_SHUTTING_DOWN);
        controller_output_done(&out);
        upsmon_config_done(&config);
        controller_set_config(c, &config);
        g_assert_cmpint(controller_evaluate(c, &in, 1, 104 * G_USEC_PER_SEC, &out), ==, 0);
        g_assert_cmpint(out.state, ==, SHUTDOWN_SHUTTING_DOWN);
        g_assert_cmpuint(out.next_wakeup, ==, 108 * G_USEC_PER_SEC);
}

/* The daemon's call pattern: build a message from each notification with the configured text. */
static void test_messages(void)
{
        _cleanup_(upsmon_config_done) UpsmonConfig config;
        _cleanup_(controller_freep) Controller *c = NULL;
        _cleanup_(controller_output_done) ControllerOutput out = {};
        char *status[] = { (char *) "OB", (char *) "ALARM", NULL };
        ControllerInput in = { .name = "ups", .power_value = 1, .contact = UPS_CONTACT_OK, .status = status,
                               .alarm = "Replace battery!" };
        const char *text = "NOTIFYMSG ONBATT \"Someone pulled the plug on %s\"\n";
        char *error = NULL;
        g_autofree char *m0 = NULL, *m1 = NULL;

        upsmon_config_init(&config);
        g_assert_cmpint(upsmon_config_parse(&config, "upsmon.conf", text, strlen(text), &error), ==, 0);
        g_assert_cmpint(controller_new(&config, &c), ==, 0);
        g_assert_cmpint(controller_evaluate(c, &in, 1, 1, &out), ==, 0);
        g_assert_cmpuint(out.n_notifications, ==, 2);
        m0 = notify_format_message(upsmon_config_notify_message(&config, out.notifications[0].type),
                                   out.notifications[0].ups, out.notifications[0].detail);
        m1 = notify_format_message(upsmon_config_notify_message(&config, out.notifications[1].type),
                                   out.notifications[1].ups, out.notifications[1].detail);
        g_assert_cmpstr(m0, ==, "Someone pulled the plug on ups");
        g_assert_cmpstr(m1, ==, "UPS ups: one or more active alarms: [Replace battery!]");
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        g_test_add_func("/shutdown/controller/tables", test_state_tables);
        g_test_add_func("/shutdown/controller/bad-inputs", test_bad_inputs);
        g_test_add_func("/shutdown/controller/reload", test_reload);
        g_test_add_func("/shutdown/controller/messages", test_messages);
        for (size_t i = 0; i < G_N_ELEMENTS(scenarios); i++)
                g_test_add_data_func(scenarios[i].path, &scenarios[i], test_scenario);

        return g_test_run();
}
