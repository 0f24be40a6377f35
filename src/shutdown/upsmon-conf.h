/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsmon.conf: which UPSes power this host and how the shutdown controller behaves
 * (NUT-REFERENCE §2.4). Without MONITOR lines every local device powers the host (DESIGN §2).
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "notify-type.h"

#define UPSMON_PORT_DEFAULT 3493

typedef enum MonitorRole {
        MONITOR_PRIMARY,        /* "primary" ("master"): sets FSD, waits for secondaries */
        MONITOR_SECONDARY,      /* "secondary" ("slave"): shuts down when the primary says so */
        _MONITOR_ROLE_MAX,
        _MONITOR_ROLE_INVALID = -EINVAL,
} MonitorRole;

typedef struct UpsmonMonitor {
        char *system;           /* as written: ups[@host[:port]] */
        char *ups;              /* the UPS name on its server */
        char *host;             /* NULL when no @host was given */
        uint16_t port;
        bool local;             /* a device of this nutd: no @host, or a loopback host on port 3493 */
        unsigned power_value;   /* 0: monitor only */
        char *username;         /* for the remote NUT client's USERNAME/PASSWORD */
        char *password;
        MonitorRole role;
} UpsmonMonitor;

typedef struct UpsmonCertHost {
        char *host;             /* CERTHOST host[:port] */
        char *name;             /* expected certificate name */
        bool verify;
        bool forcessl;
} UpsmonCertHost;

typedef struct UpsmonConfig {
        UpsmonMonitor *monitors;        /* none: every local device, power value 1, primary */
        size_t n_monitors;
        unsigned minsupplies;           /* MINSUPPLIES, default 1 */

        /* seconds */
        unsigned pollfreq;              /* POLLFREQ, default 5 */
        unsigned pollfreqalert;         /* POLLFREQALERT, default 5 */
        unsigned hostsync;              /* HOSTSYNC, default 15 */
        unsigned deadtime;              /* DEADTIME, default 15 */
        unsigned finaldelay;            /* FINALDELAY, default 5 */
        unsigned rbwarntime;            /* RBWARNTIME, default 43200 */
        unsigned nocommwarntime;        /* NOCOMMWARNTIME, default 300 */
        int offduration;                /* OFFDURATION, default 30; < 0: never */
        int overduration;               /* OVERDURATION, default -1 (never) */
        int oblbduration;               /* OBLBDURATION, default 0 (at once) */
        bool alarmcritical;             /* ALARMCRITICAL, default true */
        int shutdownexit;               /* SHUTDOWNEXIT seconds, default 0; < 0: never (kept, unused) */
        int pollfail_log_throttle_max;  /* POLLFAIL_LOG_THROTTLE_MAX, default -1 */

        /* One word: a shell command line, as upsmon runs it; several words: an argv. */
        char **notifycmd;               /* NOTIFYCMD; the message is appended as the last argument */
        char **shutdowncmd;             /* SHUTDOWNCMD; NULL: power off through logind */
        char *powerdownflag;            /* POWERDOWNFLAG file, written before the shutdown */
        char *run_as_user;              /* RUN_AS_USER (kept; systemd's User= decides) */

        char *notify_message[_NOTIFY_TYPE_MAX];         /* NOTIFYMSG; NULL: the stock text */
        NotifyFlags notify_flags[_NOTIFY_TYPE_MAX];     /* NOTIFYFLAG, default SYSLOG+WALL */

        /* TLS settings of the remote NUT client */
        char *certpath;
        char *certfile;
        char *certident_name;
        char *certident_password;
        UpsmonCertHost *certhosts;
        size_t n_certhosts;
        bool certverify;
        bool forcessl;

        char **warnings;        /* "file:line: ..." for lines upsmon would skip; the daemon logs them */
} UpsmonConfig;

void upsmon_config_init(UpsmonConfig *c);
void upsmon_config_done(UpsmonConfig *c);
int upsmon_config_parse(UpsmonConfig *c, const char *name, const char *text, size_t size, char **ret_error);
int upsmon_config_load(UpsmonConfig *c, const char *path, char **ret_error);

bool upsmon_config_is_auto(const UpsmonConfig *c);
int upsmon_config_device_power(const UpsmonConfig *c, const char *device, unsigned *ret_power_value,
                               MonitorRole *ret_role);
const UpsmonMonitor *upsmon_config_find_local(const UpsmonConfig *c, const char *device);
const char *upsmon_config_notify_message(const UpsmonConfig *c, NotifyType t);
NotifyFlags upsmon_config_notify_flags(const UpsmonConfig *c, NotifyType t);

const char *monitor_role_to_string(MonitorRole r);
MonitorRole monitor_role_from_string(const char *s);
