/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usbhid-ups writes: SET of a variable and instant commands become feature-report writes,
 * with NUT's fallbacks (hid-status-rules.md §5): load.on/off through their delayed forms,
 * shutdown.return and shutdown.stayoff as ups.start.auto + load.on.delay, 125 ms, then
 * load.off.delay; kill-power tries shutdown.return, shutdown.reboot, load.off.delay,
 * shutdown.stayoff. An operation is a list of steps run one after the other; every step's
 * value is checked before the first one is written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hid-value.h"
#include "log.h"
#include "time-util.h"
#include "usbhid-internal.h"

#define USBHID_OP_STEPS_MAX 4
#define USBHID_SEQUENCE_PAUSE_USEC (125 * USEC_PER_MSEC)

typedef struct UsbHidStep {
        const HidMapItem *item;
        double value;
        uint64_t pause_usec;            /* before this step */
} UsbHidStep;

struct UsbHidOp {
        UsbHidOp *next;
        UsbHid *x;
        DeviceOpDone done;
        void *userdata;
        UsbHidStep steps[USBHID_OP_STEPS_MAX];
        size_t n_steps, step;
        sd_event_source *pause;
        int64_t before;                 /* the written field's value before the write in flight */
        uint64_t send_by;               /* no step goes out after this: the client's answer
                                         * (device.c's operation timeout) must stay true */
};

static void usbhid_op_unlink(UsbHidOp *op)
{
        for (UsbHidOp **p = &op->x->ops; *p; p = &(*p)->next)
                if (*p == op) {
                        *p = op->next;
                        break;
                }
}

static void usbhid_op_finish(UsbHidOp *op, int r)
{
        UsbHid *x = op->x;

        usbhid_op_unlink(op);
        sd_event_source_disable_unref(op->pause);
        if (op->done)
                op->done(r, op->userdata);
        free(op);
        if (r >= 0 && x->map) {
                /* Read back what changed (the SEMI_STATIC values) with a full poll now */
                x->next_full = 0;
                usbhid_schedule_poll(x, 0);
        }
}

void usbhid_cancel_ops(UsbHid *x)
{
        while (x->ops)
                usbhid_op_finish(x->ops, x->transport ? -ECANCELED : -ENODEV);
}

static void usbhid_op_next(UsbHidOp *op);

static void usbhid_op_on_written(int r, const uint8_t *data, size_t size, void *userdata)
{
        UsbHidOp *op = userdata;
        UsbHid *x = op->x;
        const HidMapItem *it = op->steps[op->step].item;
        HidMapReport *rep = &x->map->reports[it->report];

        rep->writes_pending--;
        if (r < 0) {
                log_debug_errno(r, "%s: SET_REPORT failed: %m", x->device->name);
                /* The device did not take it: the field is back to what it was */
                (void) hid_field_insert(it->field, rep->data, rep->size, op->before);
                usbhid_op_finish(op, r == -EPIPE ? -EIO : r);
                return;
        }
        op->step++;
        usbhid_op_next(op);
}

static int usbhid_op_on_pause(sd_event_source *s, uint64_t usec, void *userdata)
{
        UsbHidOp *op = userdata;

        op->steps[op->step].pause_usec = 0;
        usbhid_op_next(op);
        return 0;
}

static void usbhid_op_next(UsbHidOp *op)
{
        UsbHid *x = op->x;
        UsbHidStep *s = &op->steps[op->step];
        _cleanup_free_ uint8_t *buf = NULL;
        HidMapReport *rep;
        size_t size;
        int r;

        if (op->step >= op->n_steps) {
                usbhid_op_finish(op, 0);
                return;
        }
        if (s->pause_usec > 0) {
                op->pause = sd_event_source_disable_unref(op->pause);
                /* 1 ms accuracy: 0 would mean sd-event's default, up to 250 ms late */
                r = sd_event_add_time_relative(x->device->event, &op->pause, CLOCK_MONOTONIC, s->pause_usec,
                                               USEC_PER_MSEC, usbhid_op_on_pause, op);
                if (r < 0)
                        usbhid_op_finish(op, r);
                return;
        }
        if (now(CLOCK_MONOTONIC) > op->send_by) {
                usbhid_op_finish(op, -ETIMEDOUT);
                return;
        }
        rep = &x->map->reports[s->item->report];
        r = hid_field_extract(s->item->field, rep->data, rep->size, &op->before);
        if (r >= 0)
                r = hid_map_prepare_write(x->map, s->item, s->value, &buf, &size);
        if (r >= 0) {
                /* The report's latest state from now on, so that a write into another field of
                 * it, queued behind this one, keeps this value; undone if the device refuses */
                memcpy(rep->data, buf, MIN(size, rep->size));
                r = hid_transport_set_report(x->transport, s->item->field->type, s->item->field->report_id, buf, size,
                                             op->send_by, usbhid_op_on_written, op);
                if (r < 0)
                        (void) hid_field_insert(s->item->field, rep->data, rep->size, op->before);
                else
                        rep->writes_pending++;
        }
        if (r < 0)
                usbhid_op_finish(op, r);
}

static int usbhid_op_start(UsbHid *x, const UsbHidStep *steps, size_t n, DeviceOpDone done, void *userdata)
{
        UsbHidOp *op;

        if (n == 0 || n > USBHID_OP_STEPS_MAX)
                return -EINVAL;
        op = calloc(1, sizeof(UsbHidOp));
        if (!op)
                return -ENOMEM;
        op->x = x;
        op->done = done;
        op->userdata = userdata;
        memcpy(op->steps, steps, n * sizeof(UsbHidStep));
        op->n_steps = n;
        /* a write that went out by then is answered within the transfer timeout, before the
         * operation times out for the client */
        op->send_by = now(CLOCK_MONOTONIC) + x->device->op_timeout_usec - HID_TRANSPORT_TIMEOUT_MS * USEC_PER_MSEC -
                      USEC_PER_SEC;
        op->next = x->ops;
        x->ops = op;
        usbhid_op_next(op);
        return 0;
}

static int usbhid_ready(UsbHid *x)
{
        return x->transport && x->map && x->first_done ? 0 : -ENOTCONN;
}

/* -EINVAL unless physical value v lies in the logical range of the row's field */
static int usbhid_check_range(const HidMapItem *it, double v)
{
        const HidField *f = it->field;
        int64_t logical;

        if (hid_field_from_physical(f, v, &logical) < 0)
                return -EINVAL;
        if (f->logical_min <= f->logical_max && (logical < f->logical_min || logical > f->logical_max))
                return -EINVAL;
        return 0;
}

/*
 * The step writing 'value' (a NUT value) through a command or variable row. The value must fit
 * the field's bits, and with 'in_range' its logical range too (variables; commands keep NUT's
 * behaviour, which writes a row's default even where the range is narrower). Checked here, so
 * that a refused value writes nothing and a sequence is never left half-written.
 */
static int usbhid_step(UsbHid *x, const HidMapItem *it, const char *value, bool in_range, uint64_t pause,
                       UsbHidStep *ret)
{
        _cleanup_free_ uint8_t *buf = NULL;
        size_t size;
        double v;
        int r;

        r = hid_map_encode(it, &x->conv, value, &v);
        if (r < 0)
                return r;
        if (in_range) {
                r = usbhid_check_range(it, v);
                if (r < 0)
                        return r;
        }
        r = hid_map_prepare_write(x->map, it, v, &buf, &size);
        if (r == -ERANGE)
                return -EINVAL;
        if (r < 0)
                return r;
        *ret = (UsbHidStep) { .item = it, .value = v, .pause_usec = pause };
        return 0;
}

int usbhid_setvar(void *state, const char *name, const char *value, DeviceOpDone done, void *userdata)
{
        UsbHid *x = state;
        const HidMapItem *it;
        UsbHidStep step;
        int r;

        r = usbhid_ready(x);
        if (r < 0)
                return r;
        it = hid_map_find_var(x->map, name);
        if (!it)
                return device_get_var(x->device, name) ? -EROFS : -ENOENT;
        if (!(it->mapping->flags & HID_MAP_RW))
                return -EROFS;
        r = usbhid_step(x, it, value, true, 0, &step);
        if (r < 0)
                return r;
        if (it->mapping->flags & HID_MAP_ABSENT) {
                /* A value nutd keeps for the device (the delays): stored, not written, but it
                 * must be one the field takes, as commands will write it there */
                r = device_set_var(x->device, name, value);
                if (r < 0)
                        return r;
                (void) device_commit(x->device);
                if (done)
                        done(0, userdata);
                return 0;
        }
        return usbhid_op_start(x, &step, 1, done, userdata);
}

/* A command row's value: the parameter, else the row's default */
static int usbhid_cmd_step(UsbHid *x, const char *cmd, const char *param, uint64_t pause, UsbHidStep *ret)
{
        const HidMapItem *it = hid_map_find_cmd(x->map, cmd);
        const char *value = param && *param ? param : it ? it->mapping->format_or_default : NULL;

        if (!it)
                return -EOPNOTSUPP;
        if (!value)
                return -EINVAL;         /* PARAM_REQUIRED without a parameter */
        return usbhid_step(x, it, value, false, pause, ret);
}

/* shutdown.return / shutdown.stayoff from their parts */
static int usbhid_shutdown_sequence(UsbHid *x, bool stay_off, UsbHidStep *steps, size_t *n)
{
        const char *on = stay_off ? "-1" : device_get_var(x->device, "ups.delay.start");
        const char *off = device_get_var(x->device, "ups.delay.shutdown");
        const HidMapItem *autostart = hid_map_find_var(x->map, "ups.start.auto");
        int r;

        *n = 0;
        if (!hid_map_find_cmd(x->map, "load.on.delay") || !hid_map_find_cmd(x->map, "load.off.delay"))
                return -EOPNOTSUPP;
        if (autostart && !(autostart->mapping->flags & HID_MAP_ABSENT)) {
                r = usbhid_step(x, autostart, stay_off ? "no" : "yes", false, 0, &steps[(*n)++]);
                if (r < 0)
                        return r;
        }
        r = usbhid_cmd_step(x, "load.on.delay", on, 0, &steps[(*n)++]);
        if (r < 0)
                return r;
        return usbhid_cmd_step(x, "load.off.delay", off, USBHID_SEQUENCE_PAUSE_USEC, &steps[(*n)++]);
}

int usbhid_instcmd(void *state, const char *cmd, const char *param, DeviceOpDone done, void *userdata)
{
        UsbHid *x = state;
        UsbHidStep steps[USBHID_OP_STEPS_MAX];
        size_t n = 1;
        int r;

        r = usbhid_ready(x);
        if (r < 0)
                return r;
        if (strcaseeq(cmd, "beeper.off"))
                cmd = "beeper.disable";
        else if (strcaseeq(cmd, "beeper.on"))
                cmd = "beeper.enable";

        r = usbhid_cmd_step(x, cmd, param, 0, &steps[0]);
        if (r == -EOPNOTSUPP) {
                if (strcaseeq(cmd, "load.on"))
                        r = usbhid_cmd_step(x, "load.on.delay", "0", 0, &steps[0]);
                else if (strcaseeq(cmd, "load.off"))
                        r = usbhid_cmd_step(x, "load.off.delay", "0", 0, &steps[0]);
                else if (strcaseeq(cmd, "shutdown.return"))
                        r = usbhid_shutdown_sequence(x, false, steps, &n);
                else if (strcaseeq(cmd, "shutdown.stayoff"))
                        r = usbhid_shutdown_sequence(x, true, steps, &n);
        }
        if (r < 0)
                return r;
        return usbhid_op_start(x, steps, n, done, userdata);
}

/* Kill-power: NUT's order of commands, the next one after any failure of the previous (as
 * NUT stops at the first one handled), whether it failed at once (a delay that does not fit
 * the field) or when the device refused it; not on a device that is not there */
static const char *const killpower_order[] = { "shutdown.return", "shutdown.reboot", "load.off.delay",
                                               "shutdown.stayoff" };

typedef struct KillPower {
        UsbHid *x;
        size_t next;                    /* into killpower_order */
        int error;                      /* the first failure */
        DeviceOpDone done;
        void *userdata;
} KillPower;

static void usbhid_killpower_done(int r, void *userdata);

/* Starts the next command of the order that can start; < 0 when none is left */
static int usbhid_killpower_next(KillPower *k)
{
        UsbHid *x = k->x;
        int r = -EOPNOTSUPP;

        while (k->next < ELEMENTSOF(killpower_order)) {
                const char *cmd = killpower_order[k->next++];

                r = usbhid_instcmd(x, cmd, NULL, usbhid_killpower_done, k);
                if (r >= 0) {
                        log_info("%s: kill-power with %s", x->device->name, cmd);
                        return r;
                }
                if (r != -EOPNOTSUPP) {
                        log_debug_errno(r, "%s: kill-power with %s failed: %m", x->device->name, cmd);
                        if (k->error == 0)
                                k->error = r;
                }
                if (r == -ENOTCONN || r == -ENODEV)
                        break;
        }
        return k->error < 0 ? k->error : r;
}

static void usbhid_killpower_done(int r, void *userdata)
{
        KillPower *k = userdata;

        if (r < 0) {
                log_warning_errno(r, "%s: kill-power command failed: %m", k->x->device->name);
                if (k->error == 0)
                        k->error = r;
                if (r != -ENODEV && r != -ECANCELED && usbhid_killpower_next(k) >= 0)
                        return;         /* the next one is on its way */
        }
        k->done(r < 0 ? k->error : r, k->userdata);
        free(k);
}

int usbhid_killpower(void *state, DeviceOpDone done, void *userdata)
{
        KillPower *k = calloc(1, sizeof(KillPower));
        int r;

        if (!k)
                return -ENOMEM;
        *k = (KillPower) { .x = state, .done = done, .userdata = userdata };
        r = usbhid_killpower_next(k);
        if (r < 0)
                free(k);
        return r;
}

void usbhid_add_fallback_commands(UsbHid *x)
{
        bool on = hid_map_find_cmd(x->map, "load.on.delay"), off = hid_map_find_cmd(x->map, "load.off.delay");

        if (on)
                (void) device_add_command(x->device, "load.on");
        if (off)
                (void) device_add_command(x->device, "load.off");
        if (on && off) {
                (void) device_add_command(x->device, "shutdown.return");
                (void) device_add_command(x->device, "shutdown.stayoff");
        }
        if (hid_map_find_cmd(x->map, "beeper.disable"))
                (void) device_add_command(x->device, "beeper.off");
        if (hid_map_find_cmd(x->map, "beeper.enable"))
                (void) device_add_command(x->device, "beeper.on");
}
