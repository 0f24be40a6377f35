/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsmon.conf, read the way upsmon reads it: case-sensitive "KEYWORD args" lines. Bad values
 * are errors; lines upsmon skips (unknown keywords, unknown notify types) become warnings.
 */
#include <stdarg.h>
#include <stdio.h>

#include "conf-util.h"
#include "strv.h"
#include "tokenize.h"
#include "upsmon-conf.h"

#define UPSMON_CONF_MAX_SIZE (4U * 1024U * 1024U)
#define UPSMON_POWER_MAX 1000
#define UPSMON_SECONDS_MAX 31536000     /* a year */

#define add_warning(p, ...) conf_warning(&(p)->config->warnings, (p)->name, (p)->line, __VA_ARGS__)
static const char *const monitor_role_table[_MONITOR_ROLE_MAX] = {
        [MONITOR_PRIMARY] = "primary",
        [MONITOR_SECONDARY] = "secondary",
};

/* upsmon's pre-2.8 names, still accepted */
static const char *const monitor_role_alias_table[_MONITOR_ROLE_MAX] = {
        [MONITOR_PRIMARY] = "master",
        [MONITOR_SECONDARY] = "slave",
};

/**
 * monitor_role_to_string() - "primary" or "secondary"
 *
 * Returns NULL for a value out of range.
 */
const char *monitor_role_to_string(MonitorRole r)
{
        if (r < 0 || r >= _MONITOR_ROLE_MAX)
                return NULL;
        return monitor_role_table[r];
}

/**
 * monitor_role_from_string() - parse a MONITOR role
 * @s: primary, secondary, or the old master, slave; in any case, as upsmon
 *
 * Returns the role, or _MONITOR_ROLE_INVALID.
 */
MonitorRole monitor_role_from_string(const char *s)
{
        for (MonitorRole r = 0; s && r < _MONITOR_ROLE_MAX; r++)
                if (strcaseeq(s, monitor_role_table[r]) || strcaseeq(s, monitor_role_alias_table[r]))
                        return r;
        return _MONITOR_ROLE_INVALID;
}

static void monitor_done(UpsmonMonitor *m)
{
        free(m->system);
        free(m->ups);
        free(m->host);
        free(m->username);
        free(m->password);
}

/**
 * upsmon_config_init() - fill in upsmon's defaults
 *
 * No MONITOR lines: this is also the configuration of a host without upsmon.conf (DESIGN §2),
 * in which every local device has power value 1 and MINSUPPLIES is 1.
 */
void upsmon_config_init(UpsmonConfig *c)
{
        *c = (UpsmonConfig) {
                .minsupplies = 1,
                .pollfreq = 5,
                .pollfreqalert = 5,
                .hostsync = 15,
                .deadtime = 15,
                .finaldelay = 5,
                .rbwarntime = 43200,
                .nocommwarntime = 300,
                .offduration = 30,
                .overduration = -1,
                .oblbduration = 0,
                .alarmcritical = true,
                .shutdownexit = 0,
                .pollfail_log_throttle_max = -1,
        };
        for (NotifyType t = 0; t < _NOTIFY_TYPE_MAX; t++)
                c->notify_flags[t] = NOTIFY_FLAGS_DEFAULT;
}

/**
 * upsmon_config_done() - free what @c owns and leave the defaults behind
 */
void upsmon_config_done(UpsmonConfig *c)
{
        for (size_t i = 0; i < c->n_monitors; i++)
                monitor_done(&c->monitors[i]);
        free(c->monitors);
        for (size_t i = 0; i < c->n_certhosts; i++) {
                free(c->certhosts[i].host);
                free(c->certhosts[i].name);
        }
        free(c->certhosts);
        strv_free(c->notifycmd);
        strv_free(c->shutdowncmd);
        free(c->powerdownflag);
        free(c->run_as_user);
        for (NotifyType t = 0; t < _NOTIFY_TYPE_MAX; t++)
                free(c->notify_message[t]);
        free(c->certpath);
        free(c->certfile);
        free(c->certident_name);
        free(c->certident_password);
        strv_free(c->warnings);
        upsmon_config_init(c);
}

typedef struct UpsmonParse {
        UpsmonConfig *config;
        const char *name;
        unsigned line;
} UpsmonParse;

/* An optional '-', then digits only (no '+', no blanks), within -max..max. */
static int parse_int(const char *s, bool allow_negative, long max, long *ret)
{
        bool negative = allow_negative && *s == '-';
        long v = 0;

        s += negative;
        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                v = v * 10 + (*s - '0');
                if (v > max)
                        return -ERANGE;
        }
        *ret = negative ? -v : v;
        return 0;
}

typedef struct UpsmonKeyword UpsmonKeyword;
typedef int (*UpsmonKeywordFn)(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n,
                               char **ret_error);

struct UpsmonKeyword {
        const char *name;
        const char *usage;      /* the arguments, for messages */
        size_t min_args, max_args;
        UpsmonKeywordFn parse;
        size_t offset;          /* of the UpsmonConfig field the generic parsers write */
        long min, max;          /* for numbers */
        bool ignore_case;
};

#define FIELD(p, k, type) ((type *) ((uint8_t *) (p)->config + (k)->offset))

static int parse_number(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        long v;

        if (parse_int(args[0], k->min < 0, k->max, &v) < 0 || v < k->min)
                return conf_error(ret_error, "%s wants a number from %ld to %ld, not \"%s\"", k->name, k->min,
                                 k->max, args[0]);
        if (k->min < 0)
                *FIELD(p, k, int) = (int) v;
        else
                *FIELD(p, k, unsigned) = (unsigned) v;
        return 0;
}

static int parse_bool(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        int b = conf_parse_boolean(args[0]);

        if (b < 0)
                return conf_error(ret_error, "%s wants 0 or 1, not \"%s\"", k->name, args[0]);
        *FIELD(p, k, bool) = b;
        return 0;
}

/* SHUTDOWNEXIT takes a boolean (yes: exit at once, no: never) or seconds (< 0: never). */
static int parse_shutdownexit(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n,
                              char **ret_error)
{
        int b = conf_parse_boolean(args[0]);
        long v;

        if (b >= 0 && !streq(args[0], "0") && !streq(args[0], "1")) {
                p->config->shutdownexit = b ? 0 : -1;
                return 0;
        }
        if (parse_int(args[0], true, UPSMON_SECONDS_MAX, &v) < 0)
                return conf_error(ret_error, "SHUTDOWNEXIT wants yes, no or seconds, not \"%s\"", args[0]);
        p->config->shutdownexit = (int) v;
        return 0;
}

static int parse_path(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        if (args[0][0] != '/')
                return conf_error(ret_error, "%s wants an absolute path, not \"%s\"", k->name, args[0]);
        return free_and_strdup(FIELD(p, k, char *), args[0]) < 0 ? -ENOMEM : 0;
}

static int parse_string(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        if (isempty(args[0]))
                return conf_error(ret_error, "%s wants a value", k->name);
        return free_and_strdup(FIELD(p, k, char *), args[0]) < 0 ? -ENOMEM : 0;
}

static int parse_command(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        char ***field = FIELD(p, k, char **);
        char **copy;

        if (isempty(args[0]))
                return conf_error(ret_error, "%s wants a command", k->name);
        copy = strv_copy(args);
        if (!copy)
                return -ENOMEM;
        strv_free(*field);
        *field = copy;
        return 0;
}

/* upsmon skips lines naming a notify type it does not know. */
static int warn_notify_type(UpsmonParse *p, const UpsmonKeyword *k, const char *name)
{
        return add_warning(p, "unknown notify type %s, %s line ignored", name, k->name);
}

static int parse_notifymsg(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        NotifyType t = notify_type_from_string(args[0]);

        if (n > 2)
                return conf_error(ret_error, "NOTIFYMSG wants the message as one word: put it in quotes");
        if (t < 0)
                return warn_notify_type(p, k, args[0]);
        return free_and_strdup(&p->config->notify_message[t], args[1]) < 0 ? -ENOMEM : 0;
}

static int parse_notifyflag(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        _cleanup_free_ char *list = strdup(args[1]);
        NotifyType t = notify_type_from_string(args[0]);
        NotifyFlags flags = 0;
        char *state = NULL;
        int r;

        if (!list)
                return -ENOMEM;
        if (t < 0)
                return warn_notify_type(p, k, args[0]);
        for (char *w = strtok_r(list, "+", &state); w; w = strtok_r(NULL, "+", &state)) {
                NotifyFlags f = notify_flag_from_string(w);

                if (f >= 0) {
                        flags |= f;
                        continue;
                }
                r = add_warning(p, "unknown notify flag %s, ignored (SYSLOG, WALL, EXEC, IGNORE)", w);
                if (r < 0)
                        return r;
        }
        if ((flags & NOTIFY_FLAG_IGNORE) && flags != NOTIFY_FLAG_IGNORE) {
                flags = NOTIFY_FLAG_IGNORE;
                r = add_warning(p, "NOTIFYFLAG %s: IGNORE overrides the other flags", args[0]);
                if (r < 0)
                        return r;
        }
        p->config->notify_flags[t] = flags;
        return 0;
}

static int parse_certident(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        if (free_and_strdup(&p->config->certident_name, args[0]) < 0 ||
            free_and_strdup(&p->config->certident_password, args[1]) < 0)
                return -ENOMEM;
        return 0;
}

static int parse_certhost(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        UpsmonConfig *c = p->config;
        int verify = conf_parse_boolean(args[2]), forcessl = conf_parse_boolean(args[3]);
        UpsmonCertHost *a;
        char *host, *name;

        if (isempty(args[0]))
                return conf_error(ret_error, "CERTHOST wants a host");
        if (verify < 0 || forcessl < 0)
                return conf_error(ret_error, "CERTHOST wants 0 or 1 for certverify and forcessl, not \"%s\"",
                                 verify < 0 ? args[2] : args[3]);
        a = realloc(c->certhosts, (c->n_certhosts + 1) * sizeof(UpsmonCertHost));
        if (!a)
                return -ENOMEM;
        c->certhosts = a;
        host = strdup(args[0]);
        name = strdup(args[1]);
        if (!host || !name) {
                free(host);
                free(name);
                return -ENOMEM;
        }
        a[c->n_certhosts++] = (UpsmonCertHost) { host, name, verify, forcessl };
        return 0;
}

/* nutd has its own log level (--log-level), so upsmon's is accepted and dropped. */
static int parse_ignore(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        return 0;
}

static bool host_is_loopback(const char *host)
{
        return strcaseeq(host, "localhost") || streq(host, "127.0.0.1") || streq(host, "::1");
}

/* "[v6]", "[v6]:port", "host", "host:port"; an unbracketed IPv6 address has no port. */
static int split_host_port(const char *s, char **ret_host, uint16_t *ret_port, char **ret_error)
{
        const char *end = s + strlen(s), *port = NULL, *bracket;
        long v = UPSMON_PORT_DEFAULT;
        char *host;

        if (*s == '[') {
                bracket = strchr(s, ']');
                if (!bracket || (bracket[1] && bracket[1] != ':'))
                        return conf_error(ret_error, "MONITOR wants ups[@host[:port]], not \"%s\"", s);
                port = bracket[1] ? bracket + 2 : NULL;
                end = bracket;
                s++;
        } else if (strchr(s, ':') && strchr(s, ':') == strrchr(s, ':')) {
                port = strchr(s, ':') + 1;
                end = port - 1;
        }
        if (end == s)
                return conf_error(ret_error, "MONITOR wants a host after '@'");
        if (port && (parse_int(port, false, UINT16_MAX, &v) < 0 || v < 1))
                return conf_error(ret_error, "MONITOR wants a port from 1 to 65535, not \"%s\"", port);
        host = strndup(s, (size_t) (end - s));
        if (!host)
                return -ENOMEM;
        *ret_host = host;
        *ret_port = (uint16_t) v;
        return 0;
}

static int parse_system(const char *system, UpsmonMonitor *m, char **ret_error)
{
        const char *at = strchr(system, '@');
        int r;

        m->port = UPSMON_PORT_DEFAULT;
        if (at == system || isempty(system))
                return conf_error(ret_error, "MONITOR wants a UPS name, not \"%s\"", system);
        m->ups = at ? strndup(system, (size_t) (at - system)) : strdup(system);
        m->system = strdup(system);
        if (!m->ups || !m->system)
                return -ENOMEM;
        if (at) {
                r = split_host_port(at + 1, &m->host, &m->port, ret_error);
                if (r < 0)
                        return r;
        }
        m->local = !m->host || (host_is_loopback(m->host) && m->port == UPSMON_PORT_DEFAULT);
        return 0;
}

static bool monitor_same(const UpsmonMonitor *a, const UpsmonMonitor *b)
{
        if (!streq(a->ups, b->ups) || a->local != b->local)
                return false;
        return a->local || (strcaseeq(a->host, b->host) && a->port == b->port);
}

static int parse_monitor(UpsmonParse *p, const UpsmonKeyword *k, char **args, size_t n, char **ret_error)
{
        _cleanup_(monitor_done) UpsmonMonitor m = { .role = monitor_role_from_string(args[4]) };
        UpsmonConfig *c = p->config;
        UpsmonMonitor *a;
        long pv;
        int r;

        r = parse_system(args[0], &m, ret_error);
        if (r < 0)
                return r;
        if (parse_int(args[1], false, UPSMON_POWER_MAX, &pv) < 0)
                return conf_error(ret_error, "MONITOR wants a power value from 0 to %d, not \"%s\"",
                                 UPSMON_POWER_MAX, args[1]);
        if (m.role < 0)
                return conf_error(ret_error, "MONITOR wants primary or secondary (or master, slave), "
                                 "not \"%s\"", args[4]);
        for (size_t i = 0; i < c->n_monitors; i++)
                if (monitor_same(&c->monitors[i], &m))
                        return add_warning(p, "UPS %s is already monitored (as %s), line ignored", args[0],
                                           c->monitors[i].system);

        m.power_value = (unsigned) pv;
        m.username = strdup(args[2]);
        m.password = strdup(args[3]);
        if (!m.username || !m.password)
                return -ENOMEM;
        a = realloc(c->monitors, (c->n_monitors + 1) * sizeof(UpsmonMonitor));
        if (!a)
                return -ENOMEM;
        c->monitors = a;
        a[c->n_monitors++] = m;
        m = (UpsmonMonitor) {};
        return 0;
}

#define NUMBER(k, usage, field, min, max) \
        { k, usage, 1, 1, parse_number, offsetof(UpsmonConfig, field), min, max }
#define UNSIGNED(k, field, min, max) NUMBER(k, "seconds", field, min, max)
#define SIGNED(k, field) NUMBER(k, "seconds", field, -UPSMON_SECONDS_MAX, UPSMON_SECONDS_MAX)
#define BOOLEAN(k, field) { k, "0|1", 1, 1, parse_bool, offsetof(UpsmonConfig, field) }
#define PATH(k, field) { k, "/path", 1, 1, parse_path, offsetof(UpsmonConfig, field) }
#define COMMAND(k, field) \
        { k, "command [args...]", 1, SIZE_MAX, parse_command, offsetof(UpsmonConfig, field) }

static const UpsmonKeyword upsmon_keyword_table[] = {
        { "MONITOR", "ups[@host[:port]] powervalue username password primary|secondary", 5, 5,
          parse_monitor },
        NUMBER("MINSUPPLIES", "number", minsupplies, 0, UPSMON_POWER_MAX),
        UNSIGNED("POLLFREQ", pollfreq, 1, 86400),
        UNSIGNED("POLLFREQALERT", pollfreqalert, 1, 86400),
        UNSIGNED("HOSTSYNC", hostsync, 0, UPSMON_SECONDS_MAX),
        UNSIGNED("DEADTIME", deadtime, 0, UPSMON_SECONDS_MAX),
        UNSIGNED("FINALDELAY", finaldelay, 0, UPSMON_SECONDS_MAX),
        UNSIGNED("RBWARNTIME", rbwarntime, 1, UPSMON_SECONDS_MAX),
        UNSIGNED("NOCOMMWARNTIME", nocommwarntime, 1, UPSMON_SECONDS_MAX),
        SIGNED("OFFDURATION", offduration),
        SIGNED("OVERDURATION", overduration),
        SIGNED("OBLBDURATION", oblbduration),
        BOOLEAN("ALARMCRITICAL", alarmcritical),
        { "SHUTDOWNEXIT", "yes|no|seconds", 1, 1, parse_shutdownexit },
        NUMBER("POLLFAIL_LOG_THROTTLE_MAX", "number", pollfail_log_throttle_max, -1, INT32_MAX),
        COMMAND("NOTIFYCMD", notifycmd),
        COMMAND("SHUTDOWNCMD", shutdowncmd),
        { "NOTIFYMSG", "TYPE message", 2, SIZE_MAX, parse_notifymsg },
        { "NOTIFYFLAG", "TYPE SYSLOG[+WALL][+EXEC]|IGNORE", 2, 2, parse_notifyflag },
        PATH("POWERDOWNFLAG", powerdownflag),
        { "RUN_AS_USER", "user", 1, 1, parse_string, offsetof(UpsmonConfig, run_as_user) },
        PATH("CERTPATH", certpath),
        PATH("CERTFILE", certfile),
        { "CERTIDENT", "name password", 2, 2, parse_certident },
        { "CERTHOST", "host name certverify forcessl", 4, 4, parse_certhost },
        BOOLEAN("CERTVERIFY", certverify),
        BOOLEAN("FORCESSL", forcessl),
        { "DEBUG_MIN", "level", 1, 1, parse_ignore, .ignore_case = true },
};

static const UpsmonKeyword *upsmon_keyword_find(const char *name, bool ignore_case)
{
        for (size_t i = 0; i < ELEMENTSOF(upsmon_keyword_table); i++) {
                const UpsmonKeyword *k = &upsmon_keyword_table[i];

                if ((ignore_case || k->ignore_case) ? strcaseeq(k->name, name) : streq(k->name, name))
                        return k;
        }
        return NULL;
}

static int upsmon_parse_line(unsigned line, char **w, size_t n, void *userdata, char **ret_error)
{
        UpsmonParse *p = userdata;
        const UpsmonKeyword *k;

        p->line = line;
        k = upsmon_keyword_find(w[0], /* ignore_case= */ false);
        if (!k) {
                /* upsmon logs and skips these; keep the hint for a keyword in the wrong case */
                k = upsmon_keyword_find(w[0], /* ignore_case= */ true);
                if (k)
                        return add_warning(p,
                                           "unknown keyword %s, ignored (keywords are case-sensitive: %s)",
                                           w[0], k->name);
                return add_warning(p, "unknown keyword %s, ignored", w[0]);
        }
        /* "KEY = value" would hand upsmon the value "=" */
        if (n > 1 && streq(w[1], "="))
                return conf_error(ret_error, "upsmon.conf takes no '=': expected \"%s %s\"", k->name,
                                 k->usage);
        if (n - 1 < k->min_args || n - 1 > k->max_args)
                return conf_error(ret_error, "expected \"%s %s\"", k->name, k->usage);
        return k->parse(p, k, w + 1, n - 1, ret_error);
}

/* upsmon refuses to start when its MONITOR lines cannot reach MINSUPPLIES. */
static int check_power(const UpsmonConfig *c, const char *name, char **ret_error)
{
        unsigned total = 0;

        if (upsmon_config_is_auto(c))
                return 0;
        for (size_t i = 0; i < c->n_monitors; i++)
                total += c->monitors[i].power_value;
        if (total < c->minsupplies)
                return conf_error(ret_error,
                                 "%s: insufficient power configured: the MONITOR lines give a power value "
                                 "of %u, MINSUPPLIES is %u", name, total, c->minsupplies);
        return 0;
}

/**
 * upsmon_config_parse() - parse the text of an upsmon.conf
 * @c: initialized; replaced (old contents freed) only on success
 * @name: file name for messages
 *
 * Settings not in the text get their defaults. Ignored lines are listed in c->warnings.
 * On failure *ret_error says "name:line: problem" (or "name: problem" for the file as a
 * whole) and @c is unchanged.
 */
int upsmon_config_parse(UpsmonConfig *c, const char *name, const char *text, size_t size, char **ret_error)
{
        _cleanup_(upsmon_config_done) UpsmonConfig n;
        UpsmonParse p = { .config = &n, .name = name };
        int r;

        upsmon_config_init(&n);
        r = nut_conf_parse_buffer(name, text, size, upsmon_parse_line, &p, ret_error);
        if (r < 0)
                return r;
        r = check_power(&n, name, ret_error);
        if (r < 0)
                return r;
        upsmon_config_done(c);
        *c = n;
        upsmon_config_init(&n);
        return 0;
}

/**
 * upsmon_config_load() - read an upsmon.conf
 * @c: initialized; replaced only on success
 *
 * A missing file is an empty one: the DESIGN §2 default, returns 0.
 * On failure *ret_error says "path:line: problem" (or "path: problem") and @c is unchanged.
 */
int upsmon_config_load(UpsmonConfig *c, const char *path, char **ret_error)
{
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = read_file_bounded(path, UPSMON_CONF_MAX_SIZE, &text, &size);
        if (r == -ENOENT)
                return upsmon_config_parse(c, path, "", 0, ret_error);
        if (r < 0) {
                conf_error(ret_error, "%s: %s", path, strerror(-r));
                return r;
        }
        return upsmon_config_parse(c, path, text, size, ret_error);
}

/**
 * upsmon_config_is_auto() - whether @c has no MONITOR lines
 *
 * Then every local device powers this host with power value 1, as primary (DESIGN §2).
 * upsmon refuses to start without MONITOR; nutd uses the rest of such a file (NOTIFYCMD…).
 */
bool upsmon_config_is_auto(const UpsmonConfig *c)
{
        return c->n_monitors == 0;
}

/**
 * upsmon_config_find_local() - the MONITOR line of a local device
 *
 * Returns NULL if none names @device (by its name on this nutd).
 */
const UpsmonMonitor *upsmon_config_find_local(const UpsmonConfig *c, const char *device)
{
        for (size_t i = 0; i < c->n_monitors; i++)
                if (c->monitors[i].local && streq(c->monitors[i].ups, device))
                        return &c->monitors[i];
        return NULL;
}

/**
 * upsmon_config_device_power() - what a local device means for the shutdown controller
 * @device: the device name
 * @ret_power_value: its power value
 * @ret_role: primary or secondary
 *
 * Without MONITOR lines every local device has power value 1 and is primary.
 * Returns 0, or -ENOENT when MONITOR lines exist and none names @device (not monitored).
 */
int upsmon_config_device_power(const UpsmonConfig *c, const char *device, unsigned *ret_power_value,
                               MonitorRole *ret_role)
{
        const UpsmonMonitor *m;

        if (upsmon_config_is_auto(c)) {
                *ret_power_value = 1;
                *ret_role = MONITOR_PRIMARY;
                return 0;
        }
        m = upsmon_config_find_local(c, device);
        if (!m)
                return -ENOENT;
        *ret_power_value = m->power_value;
        *ret_role = m->role;
        return 0;
}

/**
 * upsmon_config_notify_message() - the NOTIFYMSG text of a type, or the stock one
 */
const char *upsmon_config_notify_message(const UpsmonConfig *c, NotifyType t)
{
        if (t < 0 || t >= _NOTIFY_TYPE_MAX)
                return NULL;
        return c->notify_message[t] ?: notify_type_default_message(t);
}

/**
 * upsmon_config_notify_flags() - the NOTIFYFLAG bits of a type
 *
 * NOTIFY_FLAG_IGNORE comes alone; 0 (only unknown flags given) also means "do nothing".
 */
NotifyFlags upsmon_config_notify_flags(const UpsmonConfig *c, NotifyType t)
{
        if (t < 0 || t >= _NOTIFY_TYPE_MAX)
                return NOTIFY_FLAG_IGNORE;
        return c->notify_flags[t];
}
