/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NutServer: the NUT network protocol server (TCP 3493). Pull-based: answers are formatted
 * straight from the device model, found through the hooks the owner gives.
 */
#pragma once

#include <systemd/sd-event.h>

#include "device.h"
#include "tracking.h"
#include "upsd-conf.h"
#include "users.h"

typedef struct NutClient NutClient;
typedef struct NutTlsContext NutTlsContext;

typedef struct NutServerHooks {
        Device *(*find_device)(void *userdata, const char *name);
        Device *const *(*list_devices)(void *userdata, size_t *ret_n);
} NutServerHooks;

typedef struct NutServer {
        sd_event *event;
        const NutServerHooks *hooks;
        void *userdata;

        unsigned maxconn;
        uint64_t idle_usec;             /* 0: never */
        uint64_t sweep_usec;            /* how often idle clients and old tracking entries are dropped */
        uint64_t tracking_usec;
        NutUsers *users;
        NutTlsContext *tls;             /* NULL: STARTTLS not configured */

        int epoll_fd;                   /* the connections, served in batches (see server.c) */
        sd_event_source *epoll_source;
        sd_event_source **listeners;
        size_t n_listeners;
        NutClient *clients;             /* newest first */
        size_t n_clients;
        uint64_t refused;               /* connections over MAXCONN since start */
        uint64_t last_refused_log;
        sd_event_source *sweep;
        NutTracking tracking;
} NutServer;

int nut_server_new(sd_event *event, const NutServerHooks *hooks, void *userdata, NutServer **ret);
NutServer *nut_server_free(NutServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(NutServer *, nut_server_free);

int nut_server_listen(NutServer *s, const UpsdConfig *c);
void nut_server_configure(NutServer *s, const UpsdConfig *c, NutUsers *users, uint64_t idle_usec);
int nut_server_set_tls(NutServer *s, const UpsdConfig *c, char **ret_error);
void nut_server_device_removed(NutServer *s, Device *d);
unsigned nut_server_count_logins(NutServer *s, Device *d);
