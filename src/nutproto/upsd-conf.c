/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsd.conf, read the way upsd reads it: case-sensitive keywords, "KEYWORD value" lines.
 * Bad values are errors; lines upsd ignores (unknown or obsolete keywords) become warnings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "conf-util.h"
#include "strv.h"
#include "tokenize.h"
#include "upsd-conf.h"

#define UPSD_CONF_MAX_SIZE (4U * 1024U * 1024U)
#define UPSD_LISTEN_MAX 64

#define add_warning(p, ...) conf_warning(&(p)->config->warnings, (p)->name, (p)->line, __VA_ARGS__)
static const char *const nut_cert_request_table[_NUT_CERT_REQUEST_MAX] = {
        [NUT_CERT_NO] = "NO",
        [NUT_CERT_REQUEST] = "REQUEST",
        [NUT_CERT_REQUIRE] = "REQUIRE",
};

/**
 * nut_cert_request_to_string() - the CERTREQUEST name of a policy
 *
 * Returns "NO", "REQUEST", "REQUIRE", or NULL for a value out of range.
 */
const char *nut_cert_request_to_string(NutCertRequest r)
{
        if (r < 0 || r >= _NUT_CERT_REQUEST_MAX)
                return NULL;
        return nut_cert_request_table[r];
}

/**
 * nut_cert_request_from_string() - parse a CERTREQUEST value
 * @s: "0", "1", "2" (upsd's numbers) or NO, REQUEST, REQUIRE in any case
 *
 * Returns the policy, or _NUT_CERT_REQUEST_INVALID.
 */
NutCertRequest nut_cert_request_from_string(const char *s)
{
        if (!s)
                return _NUT_CERT_REQUEST_INVALID;
        for (NutCertRequest r = 0; r < _NUT_CERT_REQUEST_MAX; r++)
                if (strcaseeq(s, nut_cert_request_table[r]) || (s[0] == '0' + (int) r && s[1] == 0))
                        return r;
        return _NUT_CERT_REQUEST_INVALID;
}

/**
 * upsd_config_init() - fill in upsd's defaults
 *
 * Listeners are left empty: the server then listens on 127.0.0.1 and ::1, port 3493.
 */
void upsd_config_init(UpsdConfig *c)
{
        *c = (UpsdConfig) {
                .maxage = 15,
                .maxconn = 1024,
                .trackingdelay = 3600,
                .certrequest = NUT_CERT_NO,
        };
}

/**
 * upsd_config_done() - free what @c owns and leave the defaults behind
 */
void upsd_config_done(UpsdConfig *c)
{
        for (size_t i = 0; i < c->n_listen; i++)
                free(c->listen[i].address);
        free(c->listen);
        free(c->certfile);
        free(c->certpath);
        free(c->statepath);
        free(c->datapath);
        strv_free(c->warnings);
        upsd_config_init(c);
}

typedef struct UpsdParse {
        UpsdConfig *config;
        const char *name;
        unsigned line;
} UpsdParse;

/* Digits only (no sign, no blanks), min..max. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
        unsigned long v = 0;

        if (!*s)
                return -EINVAL;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned long) (*s - '0');
                if (v > max)
                        return -ERANGE;
        }
        if (v < min)
                return -ERANGE;
        *ret = v;
        return 0;
}

typedef struct UpsdKeyword UpsdKeyword;
typedef int (*UpsdKeywordFn)(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error);

struct UpsdKeyword {
        const char *name;
        const char *usage;      /* the arguments, for messages */
        size_t min_args, max_args;
        UpsdKeywordFn parse;
        size_t offset;          /* of the UpsdConfig field the generic parsers write */
        unsigned long max;      /* for numbers */
        bool ignore_case;
};

static int parse_number(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        unsigned long v;

        if (parse_uint(args[0], 1, k->max, &v) < 0)
                return conf_error(ret_error, "%s wants a number from 1 to %lu, not \"%s\"", k->name, k->max,
                                 args[0]);
        *(unsigned *) ((uint8_t *) p->config + k->offset) = (unsigned) v;
        return 0;
}

static int parse_bool(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        int b = conf_parse_boolean(args[0]);

        if (b < 0)
                return conf_error(ret_error, "%s wants a boolean (true/yes/on/1, false/no/off/0), not \"%s\"",
                                 k->name, args[0]);
        *(bool *) ((uint8_t *) p->config + k->offset) = b;
        return 0;
}

/* upsd would resolve a relative path against its working directory; nutd has none worth naming. */
static int parse_path(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        if (args[0][0] != '/')
                return conf_error(ret_error, "%s wants an absolute path, not \"%s\"", k->name, args[0]);
        return free_and_strdup((char **) ((uint8_t *) p->config + k->offset), args[0]) < 0 ? -ENOMEM : 0;
}

static int parse_certrequest(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        NutCertRequest r = nut_cert_request_from_string(args[0]);

        if (r < 0)
                return conf_error(ret_error, "CERTREQUEST wants NO, REQUEST or REQUIRE (or 0, 1, 2), "
                                 "not \"%s\"", args[0]);
        p->config->certrequest = r;
        return 0;
}

static int parse_listen(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        UpsdConfig *c = p->config;
        unsigned long port = UPSD_PORT_DEFAULT;
        NutListen *a;
        char *address;

        if (isempty(args[0]))
                return conf_error(ret_error, "LISTEN wants an address");
        if (n > 1 && parse_uint(args[1], 1, UINT16_MAX, &port) < 0)
                return conf_error(ret_error, "LISTEN wants a port from 1 to 65535, not \"%s\"", args[1]);
        for (size_t i = 0; i < c->n_listen; i++)
                if (strcaseeq(c->listen[i].address, args[0]) && c->listen[i].port == port)
                        return conf_error(ret_error, "LISTEN %s %lu is given twice", args[0], port);
        if (c->n_listen >= UPSD_LISTEN_MAX)
                return conf_error(ret_error, "too many LISTEN lines (at most %d)", UPSD_LISTEN_MAX);

        a = realloc(c->listen, (c->n_listen + 1) * sizeof(NutListen));
        if (!a)
                return -ENOMEM;
        c->listen = a;
        address = strdup(args[0]);
        if (!address)
                return -ENOMEM;
        a[c->n_listen++] = (NutListen) { .address = address, .port = (uint16_t) port };
        return 0;
}

/* NSS names a certificate and its database password; nutd's TLS reads CERTFILE (PEM) only. */
static int parse_certident(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        return add_warning(p, "CERTIDENT ignored (it names a certificate in an NSS database; nutd reads the "
                              "certificate and key from CERTFILE)");
}

static int parse_obsolete(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        return add_warning(p, "%s is obsolete, ignored (restrict access with LISTEN or a firewall)",
                           k->name);
}

/* nutd has its own log level (--log-level), so upsd's is accepted and dropped. */
static int parse_ignore(UpsdParse *p, const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        return 0;
}

#define NUMBER(k, usage, field, max) { k, usage, 1, 1, parse_number, offsetof(UpsdConfig, field), max }
#define BOOLEAN(k, field) { k, "yes|no", 1, 1, parse_bool, offsetof(UpsdConfig, field) }
#define PATH(k, field) { k, "/path", 1, 1, parse_path, offsetof(UpsdConfig, field) }

static const UpsdKeyword upsd_keyword_table[] = {
        { "LISTEN", "address [port]", 1, 2, parse_listen },
        NUMBER("MAXAGE", "seconds", maxage, 86400),
        NUMBER("MAXCONN", "connections", maxconn, 65536),
        NUMBER("TRACKINGDELAY", "seconds", trackingdelay, 604800),
        BOOLEAN("ALLOW_NO_DEVICE", allow_no_device),
        BOOLEAN("ALLOW_NOT_ALL_LISTENERS", allow_not_all_listeners),
        BOOLEAN("DISABLE_WEAK_SSL", disable_weak_ssl),
        PATH("STATEPATH", statepath),
        PATH("DATAPATH", datapath),
        PATH("CERTFILE", certfile),
        PATH("CERTPATH", certpath),
        { "CERTREQUEST", "NO|REQUEST|REQUIRE", 1, 1, parse_certrequest },
        { "CERTIDENT", "name password", 2, 2, parse_certident },
        { "DEBUG_MIN", "level", 1, 1, parse_ignore, .ignore_case = true },
        { "ACCEPT", "acl...", 1, SIZE_MAX, parse_obsolete },
        { "REJECT", "acl...", 1, SIZE_MAX, parse_obsolete },
        { "ACL", "name address/mask", 1, SIZE_MAX, parse_obsolete },
};

static const UpsdKeyword *upsd_keyword_find(const char *name, bool ignore_case)
{
        for (size_t i = 0; i < ELEMENTSOF(upsd_keyword_table); i++) {
                const UpsdKeyword *k = &upsd_keyword_table[i];

                if ((ignore_case || k->ignore_case) ? strcaseeq(k->name, name) : streq(k->name, name))
                        return k;
        }
        return NULL;
}

static int check_arity(const UpsdKeyword *k, char **args, size_t n, char **ret_error)
{
        /* "KEY = value" would hand upsd the value "=" */
        if (k->max_args != SIZE_MAX && n > 0 && streq(args[0], "="))
                return conf_error(ret_error, "upsd.conf takes no '=': expected \"%s %s\"", k->name, k->usage);
        if (n < k->min_args || n > k->max_args)
                return conf_error(ret_error, "expected \"%s %s\"", k->name, k->usage);
        return 0;
}

static int upsd_parse_line(unsigned line, char **w, size_t n, void *userdata, char **ret_error)
{
        UpsdParse *p = userdata;
        const UpsdKeyword *k;
        int r;

        p->line = line;
        k = upsd_keyword_find(w[0], /* ignore_case= */ false);
        if (!k) {
                /* upsd logs and skips these; keep the hint for a keyword in the wrong case */
                k = upsd_keyword_find(w[0], /* ignore_case= */ true);
                if (k)
                        return add_warning(p,
                                           "unknown keyword %s, ignored (keywords are case-sensitive: %s)",
                                           w[0], k->name);
                return add_warning(p, "unknown keyword %s, ignored", w[0]);
        }
        r = check_arity(k, w + 1, n - 1, ret_error);
        if (r < 0)
                return r;
        return k->parse(p, k, w + 1, n - 1, ret_error);
}

/**
 * upsd_config_parse() - parse the text of an upsd.conf
 * @c: initialized; replaced (old contents freed) only on success
 * @name: file name for messages
 *
 * Settings not in the text get their defaults. Ignored lines are listed in c->warnings.
 * On failure *ret_error says "name:line: problem" and @c is unchanged.
 */
int upsd_config_parse(UpsdConfig *c, const char *name, const char *text, size_t size, char **ret_error)
{
        _cleanup_(upsd_config_done) UpsdConfig n;
        UpsdParse p = { .config = &n, .name = name };
        int r;

        upsd_config_init(&n);
        r = nut_conf_parse_buffer(name, text, size, upsd_parse_line, &p, ret_error);
        if (r < 0)
                return r;
        upsd_config_done(c);
        *c = n;
        upsd_config_init(&n);
        return 0;
}

/**
 * upsd_config_load() - read an upsd.conf
 * @c: initialized; replaced only on success
 *
 * A missing file is an empty one: all defaults, returns 0.
 * On failure *ret_error says "path:line: problem" (or "path: problem") and @c is unchanged.
 */
int upsd_config_load(UpsdConfig *c, const char *path, char **ret_error)
{
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = read_file_bounded(path, UPSD_CONF_MAX_SIZE, &text, &size);
        if (r == -ENOENT)
                return upsd_config_parse(c, path, "", 0, ret_error);
        if (r < 0) {
                conf_error(ret_error, "%s: %s", path, strerror(-r));
                return r;
        }
        return upsd_config_parse(c, path, text, size, ret_error);
}
