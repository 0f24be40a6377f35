/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut-remote's ups.conf settings: port = ups@host[:port] (IPv6 in brackets), username, password,
 * login, pollinterval (seconds, at most 30), starttls, cafile, certfile, certverify.
 */
#include <stdarg.h>
#include <stdio.h>

#include "config.h"
#include "nut-remote-internal.h"
#include "string-table.h"

static const char *const nut_remote_tls_table[_NUT_REMOTE_TLS_MAX] = {
        [NUT_REMOTE_TLS_NO] = "no",
        [NUT_REMOTE_TLS_TRY] = "try",
        [NUT_REMOTE_TLS_YES] = "yes",
};

DEFINE_STRING_TABLE(nut_remote_tls, NutRemoteTls);

void nut_remote_config_done(NutRemoteConfig *c)
{
        free(c->ups);
        free(c->host);
        free(c->username);
        free(c->password);
        free(c->cafile);
        free(c->certfile);
        *c = (NutRemoteConfig) {};
}

static int set_error(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
static int set_error(char **ret_error, int r, const char *fmt, ...)
{
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

static int parse_port_number(const char *s, uint16_t *ret)
{
        char *end;
        unsigned long p;

        if (isempty(s) || !strchr("0123456789", s[0]))
                return -EINVAL;
        errno = 0;
        p = strtoul(s, &end, 10);
        if (errno || *end || p == 0 || p > 65535)
                return -EINVAL;
        *ret = (uint16_t) p;
        return 0;
}

/**
 * nut_remote_parse_port() - split "ups@host[:port]" as upsc does
 *
 * The host may be an IPv6 address in brackets ("ups@[::1]:3493"); an IPv6 address without brackets
 * (more than one ':') is taken whole, with the default port.
 *
 * Return: 0, or -EINVAL for a missing UPS name or host, a bad port or unbalanced brackets.
 */
int nut_remote_parse_port(const char *port, char **ret_ups, char **ret_host, uint16_t *ret_port)
{
        _cleanup_free_ char *ups = NULL, *host = NULL;
        const char *at, *h, *colon = NULL;
        uint16_t p = NUT_CONN_DEFAULT_PORT;
        size_t hlen;

        at = port ? strchr(port, '@') : NULL;
        if (!at || at == port || isempty(at + 1))
                return -EINVAL;
        h = at + 1;
        if (h[0] == '[') {
                const char *close = strchr(h, ']');

                if (!close || close == h + 1 || (close[1] && close[1] != ':'))
                        return -EINVAL;
                h++;
                hlen = close - h;
                colon = close[1] ? close + 1 : NULL;
        } else {
                colon = strchr(h, ':');
                if (colon && strchr(colon + 1, ':'))
                        colon = NULL;   /* bare IPv6 */
                hlen = colon ? (size_t) (colon - h) : strlen(h);
        }
        if (hlen == 0 || (colon && parse_port_number(colon + 1, &p) < 0))
                return -EINVAL;
        ups = strndup(port, at - port);
        host = strndup(h, hlen);
        if (!ups || !host)
                return -ENOMEM;
        *ret_ups = TAKE_PTR(ups);
        *ret_host = TAKE_PTR(host);
        *ret_port = p;
        return 0;
}

static int parse_yes_no(const char *v, bool def)
{
        static const char *const yes[] = { "yes", "true", "on", "1" };
        static const char *const no[] = { "no", "false", "off", "0" };

        if (!v)
                return def;
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcaseeq(v, yes[i]))
                        return 1;
                if (strcaseeq(v, no[i]))
                        return 0;
        }
        return -EINVAL;
}

static int parse_poll_interval(const char *v, uint64_t *ret)
{
        char *end;
        unsigned long s;

        if (!v) {
                *ret = NUT_REMOTE_POLL_DEFAULT_USEC;
                return 0;
        }
        errno = 0;
        s = strtoul(v, &end, 10);
        if (errno || end == v || *end || s == 0)
                return -EINVAL;
        /* upsd drops clients silent for 60 s: polling less often would reconnect every time. (A global
         * pollinterval meant for other drivers may well be longer.) */
        *ret = (s < NUT_REMOTE_POLL_MAX_SEC ? s : NUT_REMOTE_POLL_MAX_SEC) * USEC_PER_SEC;
        return 0;
}

static int dup_option(const DeviceConfig *dc, const char *key, char **ret)
{
        const char *v = device_config_get(dc, key);

        *ret = NULL;
        if (!v)
                return 0;
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

static int parse_options(const DeviceConfig *dc, NutRemoteConfig *c, char **ret_error)
{
        const char *v;
        int b;

        b = parse_yes_no(device_config_get(dc, "login"), false);
        if (b < 0)
                return set_error(ret_error, -EINVAL, "login must be yes or no");
        c->login = b;
        if (parse_poll_interval(device_config_get(dc, "pollinterval"), &c->poll_usec) < 0)
                return set_error(ret_error, -EINVAL, "pollinterval must be a number of seconds");
        v = device_config_get(dc, "starttls");
        c->starttls = v ? nut_remote_tls_from_string(v) : NUT_REMOTE_TLS_NO;
        if (c->starttls < 0)
                return set_error(ret_error, -EINVAL, "starttls must be yes, no or try");
        if (dup_option(dc, "username", &c->username) < 0 || dup_option(dc, "password", &c->password) < 0 ||
            dup_option(dc, "cafile", &c->cafile) < 0 || dup_option(dc, "certfile", &c->certfile) < 0)
                return -ENOMEM;
        b = parse_yes_no(device_config_get(dc, "certverify"), !isempty(c->cafile));
        if (b < 0)
                return set_error(ret_error, -EINVAL, "certverify must be yes or no");
        c->certverify = b;
        if ((c->login || c->password) && isempty(c->username))
                return set_error(ret_error, -EINVAL, "login and password need a username");
        return 0;
}

/**
 * nut_remote_config_parse() - nut-remote's settings from a ups.conf section
 * @dc: the section
 * @ret: the settings (free with nut_remote_config_done(); untouched on failure)
 * @ret_error: on -EINVAL, a malloc'ed message saying what is wrong (NULL on OOM)
 *
 * Return: 0, -EINVAL, or -ENOMEM.
 */
int nut_remote_config_parse(const DeviceConfig *dc, NutRemoteConfig *ret, char **ret_error)
{
        _cleanup_(nut_remote_config_done) NutRemoteConfig c = {};
        int r;

        r = nut_remote_parse_port(dc->port, &c.ups, &c.host, &c.port);
        if (r == -EINVAL)
                return set_error(ret_error, r, "port \"%s\" is not ups@host[:port]", strempty(dc->port));
        if (r < 0)
                return r;
        r = parse_options(dc, &c, ret_error);
        if (r < 0)
                return r;
        *ret = c;
        c = (NutRemoteConfig) {};
        return 0;
}
