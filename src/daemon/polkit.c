/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asynchronous polkit checks, in the manner of systemd's bus-polkit.c (described in
 * PLATFORM.md §2.5, written anew here).
 *
 * A method handler that changes something calls polkit_verify_async() first:
 *   1. Callers with effective uid 0 (as the bus says, not read from /proc) are allowed.
 *   2. If a finished query for this very message is in the registry, its answer is returned
 *      and the query dropped: the handler is being re-run after polkit answered.
 *   3. Otherwise CheckAuthorization is sent asynchronously for the subject
 *      ("system-bus-name", {name: sender}), with AllowUserInteraction when the caller set the
 *      message's allow-interactive-authorization flag; the function returns 0 and the handler
 *      must return 1 at once, having changed nothing.
 *   4. When polkit answers, the original message is put back into the bus's read queue, so
 *      the handler runs again from the start and reaches step 2.
 * Denied, errors, and polkit not running all mean "no" (AccessDenied); a challenge that could
 * not be shown is InteractiveAuthorizationRequired. A caller that leaves the bus while the
 * query runs (watched with a NameOwnerChanged match) gets no re-run: nothing is done on
 * behalf of a client that is gone.
 */
#include <stdio.h>

#include "log.h"
#include "macro.h"
#include "polkit.h"
#include "strv.h"

struct PolkitQuery {
        PolkitRegistry *registry;
        PolkitQuery *next;
        sd_bus_message *msg;            /* the method call being authorized */
        char *action;
        char **details;
        sd_bus_slot *call;              /* the CheckAuthorization call */
        sd_bus_slot *watch;             /* NameOwnerChanged of the caller */
        bool done;
        bool caller_gone;
        int result;                     /* 1 allowed, < 0 refused (error says why) */
        sd_bus_error error;
};

static void polkit_query_free(PolkitQuery *q)
{
        PolkitQuery **p;

        for (p = &q->registry->queries; *p; p = &(*p)->next)
                if (*p == q) {
                        *p = q->next;
                        break;
                }
        sd_bus_slot_unref(q->call);
        sd_bus_slot_unref(q->watch);
        sd_bus_message_unref(q->msg);
        sd_bus_error_free(&q->error);
        free(q->action);
        strv_free(q->details);
        free(q);
}

void polkit_registry_done(PolkitRegistry *r)
{
        while (r->queries)
                polkit_query_free(r->queries);
}

static int polkit_result_from_reply(PolkitQuery *q, sd_bus_message *reply)
{
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int authorized, challenge, r;

        if (e) {
                /* polkit not running, or failing: no */
                log_notice("polkit check for %s failed, denying: %s", q->action, e->message ?: e->name);
                return sd_bus_error_setf(&q->error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "Authorization service unavailable: %s", e->name);
        }
        r = sd_bus_message_enter_container(reply, 'r', "bba{ss}");
        if (r >= 0)
                r = sd_bus_message_read(reply, "bb", &authorized, &challenge);
        if (r < 0)
                return sd_bus_error_setf(&q->error, SD_BUS_ERROR_ACCESS_DENIED, "Bad answer from polkit");
        if (authorized)
                return 1;
        if (challenge)
                return sd_bus_error_setf(&q->error, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED,
                                         "Authentication is required for %s", q->action);
        return sd_bus_error_setf(&q->error, SD_BUS_ERROR_ACCESS_DENIED, "Not authorized: %s", q->action);
}

static int on_check_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        PolkitQuery *q = userdata;
        int r;

        q->call = sd_bus_slot_unref(q->call);
        q->result = polkit_result_from_reply(q, reply);
        q->done = true;
        if (q->caller_gone) {
                log_debug("polkit: caller %s left before the answer, dropping %s",
                          strempty(sd_bus_message_get_sender(q->msg)), q->action);
                polkit_query_free(q);
                return 0;
        }
        r = sd_bus_enqueue_for_read(sd_bus_message_get_bus(q->msg), q->msg);
        if (r < 0) {
                log_warning_errno(r, "polkit: cannot re-dispatch the call, dropping it: %m");
                polkit_query_free(q);
        }
        return 0;
}

static int on_caller_gone(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
        PolkitQuery *q = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) >= 0 && isempty(new)) {
                q->caller_gone = true;
                if (q->done)
                        polkit_query_free(q);   /* answered, waiting in the read queue: forget it */
        }
        return 0;
}

static int append_details(sd_bus_message *m, char **details)
{
        int r = sd_bus_message_open_container(m, 'a', "{ss}");

        for (char **d = details; r >= 0 && d && d[0] && d[1]; d += 2)
                r = sd_bus_message_append(m, "{ss}", d[0], d[1]);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

static int polkit_query_start(PolkitRegistry *reg, sd_bus_message *msg, const char *action, char **details)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        sd_bus *bus = sd_bus_message_get_bus(msg);
        const char *sender = sd_bus_message_get_sender(msg);
        _cleanup_free_ char *match = NULL;
        PolkitQuery *q;
        int r;

        if (!sender)
                return -EBADMSG;
        q = calloc(1, sizeof(PolkitQuery));
        if (!q)
                return -ENOMEM;
        *q = (PolkitQuery) { .registry = reg, .next = reg->queries, .msg = sd_bus_message_ref(msg),
                             .error = SD_BUS_ERROR_NULL };
        reg->queries = q;
        q->action = strdup(action);
        q->details = strv_copy(details);
        if (!q->action || (details && !q->details) ||
            asprintf(&match, "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                             "member='NameOwnerChanged',arg0='%s'", sender) < 0)
                r = -ENOMEM;
        else
                r = sd_bus_add_match_async(bus, &q->watch, match, on_caller_gone, NULL, q);
        if (r >= 0)
                r = sd_bus_message_new_method_call(bus, &call, "org.freedesktop.PolicyKit1",
                                                   "/org/freedesktop/PolicyKit1/Authority",
                                                   "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        if (r >= 0)
                r = sd_bus_message_append(call, "(sa{sv})s", "system-bus-name", 1, "name", "s", sender, action);
        if (r >= 0)
                r = append_details(call, details);
        if (r >= 0)
                r = sd_bus_message_append(call, "us", (uint32_t) sd_bus_message_get_allow_interactive_authorization(msg),
                                          "");
        if (r >= 0)
                r = sd_bus_call_async(bus, &q->call, call, on_check_reply, q, 120 * USEC_PER_SEC);
        if (r < 0)
                polkit_query_free(q);
        return r;
}

/* Effective uid 0, as the bus daemon reports it (never augmented from /proc). */
static bool sender_is_root(sd_bus_message *msg)
{
        _cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
        uid_t uid;

        if (sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID, &creds) < 0)
                return false;
        if (sd_bus_creds_get_augmented_mask(creds) & SD_BUS_CREDS_EUID)
                return false;
        return sd_bus_creds_get_euid(creds, &uid) >= 0 && uid == 0;
}

/**
 * polkit_verify_async() - may the caller of msg do action?
 *
 * details: NULL or a strv of key, value pairs passed to polkit. Returns 1 when allowed,
 * 0 when a query was started (the handler must return 1 and change nothing; it runs again
 * when polkit answers), < 0 with error set when refused.
 */
int polkit_verify_async(PolkitRegistry *reg, sd_bus_message *msg, const char *action, char **details,
                        sd_bus_error *error)
{
        int r;

        if (sender_is_root(msg))
                return 1;
        for (PolkitQuery *q = reg->queries; q; q = q->next) {
                if (q->msg != msg)
                        continue;
                if (!q->done)
                        return 0;
                if (!streq(q->action, action) || !strv_equal(q->details, details))
                        r = sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED, "Request changed during authorization");
                else if (q->result > 0)
                        r = 1;
                else
                        r = sd_bus_error_copy(error, &q->error);
                polkit_query_free(q);
                return r;
        }
        r = polkit_query_start(reg, msg, action, details);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Cannot ask polkit: %m");
        return 0;
}
