/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracking of SET and INSTCMD requests. Every forwarded request gets an entry that is the
 * context of its device operation; when the client asked for tracking it is also put in the
 * table under its id. An entry whose operation is still running when it leaves the table
 * (purge, shutdown) is freed by the operation's completion instead.
 */
#include <stdio.h>
#include <sys/random.h>

#include "log.h"
#include "tracking.h"

struct NutTrackingEntry {
        NutTracking *table;             /* NULL: not (or no longer) in a table */
        NutTrackingEntry *next;
        char id[NUT_TRACKING_ID_LEN + 1];
        char *subject;
        uint64_t created;
        int result;                     /* -EINPROGRESS while the operation runs */
};

static void entry_free(NutTrackingEntry *e)
{
        free(e->subject);
        free(e);
}

/* Takes e out of its table; frees it unless its operation still runs. */
static void entry_unlink(NutTrackingEntry *e)
{
        e->table = NULL;
        if (e->result != -EINPROGRESS)
                entry_free(e);
}

void nut_tracking_done(NutTracking *t)
{
        while (t->head) {
                NutTrackingEntry *e = t->head;

                t->head = e->next;
                entry_unlink(e);
        }
        t->n_entries = 0;
}

static void make_uuid4(char *buf)
{
        uint8_t b[16];

        if (getrandom(b, sizeof(b), GRND_NONBLOCK) != sizeof(b))
                for (size_t i = 0; i < sizeof(b); i++)
                        b[i] = (uint8_t) random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        snprintf(buf, NUT_TRACKING_ID_LEN + 1,
                 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", b[0], b[1], b[2], b[3],
                 b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/**
 * nut_tracking_start() - a context for one forwarded request
 *
 * With track, the entry is listed in t under a new id. Pass the entry as userdata with
 * nut_tracking_complete() as the operation's completion; if the operation could not be
 * started, call nut_tracking_complete() yourself with the error.
 */
int nut_tracking_start(NutTracking *t, const char *subject, bool track, uint64_t now, NutTrackingEntry **ret)
{
        NutTrackingEntry *e = calloc(1, sizeof(NutTrackingEntry));

        if (!e)
                return -ENOMEM;
        e->subject = strdup(subject);
        if (!e->subject) {
                free(e);
                return -ENOMEM;
        }
        e->result = -EINPROGRESS;
        e->created = now;
        make_uuid4(e->id);
        if (track) {
                e->table = t;
                e->next = t->head;
                t->head = e;
                t->n_entries++;
        }
        *ret = e;
        return 0;
}

const char *nut_tracking_id(const NutTrackingEntry *e)
{
        return e->id;
}

void nut_tracking_complete(int r, void *userdata)
{
        NutTrackingEntry *e = userdata;

        if (r < 0)
                log_debug("%s failed: %s", e->subject, strerror(-r));
        e->result = r;
        if (!e->table)
                entry_free(e);
}

/* The answer to "GET TRACKING <id>", as upsd words it. */
const char *nut_tracking_status(const NutTracking *t, const char *id)
{
        for (const NutTrackingEntry *e = t->head; e; e = e->next) {
                if (!strcaseeq(e->id, id))
                        continue;
                switch (e->result) {
                case -EINPROGRESS:
                        return "PENDING";
                case 0:
                        return "SUCCESS";
                case -EOPNOTSUPP:
                case -ENOENT:
                        return "ERR UNKNOWN";
                case -EINVAL:
                case -E2BIG:
                case -ERANGE:
                case -EROFS:
                        return "ERR INVALID-ARGUMENT";
                default:
                        return "ERR FAILED";
                }
        }
        return "ERR UNKNOWN";
}

void nut_tracking_purge(NutTracking *t, uint64_t older_than)
{
        NutTrackingEntry **p = &t->head;

        while (*p) {
                NutTrackingEntry *e = *p;

                if (e->created < older_than) {
                        *p = e->next;
                        t->n_entries--;
                        entry_unlink(e);
                } else
                        p = &e->next;
        }
}
