/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsd.users, read the way upsd reads it: [name] sections with password, actions, instcmds
 * and upsmon fields. Lines upsd skips become warnings; lines it would misread are errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "conf-util.h"
#include "strv.h"
#include "tokenize.h"
#include "users.h"

#define USERS_MAX_SIZE (4U * 1024U * 1024U)

#define add_warning_at(p, l, ...) conf_warning(&(p)->users->warnings, (p)->name, l, __VA_ARGS__)
typedef struct UsersParse {
        NutUsers *users;
        const char *name;
        unsigned line;
        bool in_section;        /* a section header was seen, maybe an ignored duplicate */
        NutUser *current;       /* NULL in an ignored duplicate section */
        unsigned section_line;
} UsersParse;

static void nut_user_done(NutUser *u)
{
        free(u->name);
        if (u->password)
                explicit_bzero(u->password, strlen(u->password));
        free(u->password);
        strv_free(u->instcmds);
}

/**
 * nut_users_free() - free a user list (NULL is fine); passwords are wiped first
 *
 * Returns NULL.
 */
NutUsers *nut_users_free(NutUsers *u)
{
        if (!u)
                return NULL;
        for (size_t i = 0; i < u->n_users; i++)
                nut_user_done(&u->users[i]);
        free(u->users);
        strv_free(u->warnings);
        return mfree(u);
}

#define add_warning(p, ...) add_warning_at(p, (p)->line, __VA_ARGS__)

/*
 * The NUT protocol tokenizer drops bytes outside 0x20..0x7e from what clients send (as upsd
 * does with its files too), so a name or password must lose them here as well to match.
 */
static char *strndup_ascii(const char *s, size_t n, bool *ret_dropped)
{
        char *d = malloc(n + 1), *t = d;

        if (!d)
                return NULL;
        *ret_dropped = false;
        for (size_t i = 0; i < n && s[i]; i++)
                if ((unsigned char) s[i] >= 0x20 && (unsigned char) s[i] <= 0x7e)
                        *t++ = s[i];
                else
                        *ret_dropped = true;
        *t = 0;
        return d;
}

/* A section ends: a user nobody can log in as is worth a word. */
static int users_close_section(UsersParse *p)
{
        if (!p->current || !isempty(p->current->password))
                return 0;
        return add_warning_at(p, p->section_line, "user [%s] has no password and cannot log in",
                              p->current->name);
}

static int users_parse_section(UsersParse *p, char **w, size_t n, char **ret_error)
{
        size_t l = strlen(w[0]);
        _cleanup_free_ char *name = NULL;
        NutUsers *u = p->users;
        NutUser *a;
        bool dropped;
        int r;

        if (n != 1 || l < 2 || w[0][l - 1] != ']')
                return conf_error(ret_error, "malformed section header \"%s\"", w[0]);
        name = strndup_ascii(w[0] + 1, l - 2, &dropped);
        if (!name)
                return -ENOMEM;
        if (isempty(name))
                return conf_error(ret_error, "empty user name");
        r = users_close_section(p);
        if (r < 0)
                return r;
        p->in_section = true;
        p->section_line = p->line;
        p->current = NULL;
        if (dropped && (r = add_warning(p, "control and non-ASCII characters dropped from user name [%s], "
                                           "as the NUT protocol drops them", name)) < 0)
                return r;
        if (nut_users_find(u, name))
                /* upsd warns too, and only ever finds the first one */
                return add_warning(p, "user [%s] is defined twice, this section is ignored", name);

        a = realloc(u->users, (u->n_users + 1) * sizeof(NutUser));
        if (!a)
                return -ENOMEM;
        u->users = a;
        p->current = &a[u->n_users++];
        *p->current = (NutUser) { .name = TAKE_PTR(name) };
        return 0;
}

static int field_password(UsersParse *p, char **v, size_t n, char **ret_error)
{
        NutUser *u = p->current;
        bool dropped;

        if (n != 1)
                return conf_error(ret_error,
                                 "password wants one value, not %zu (quote a password with spaces)", n);
        if (u->password)
                return add_warning(p, "second password for [%s] ignored (the first one counts)", u->name);
        u->password = strndup_ascii(v[0], strlen(v[0]), &dropped);
        if (!u->password)
                return -ENOMEM;
        if (dropped)
                return add_warning(p, "control and non-ASCII characters dropped from the password of [%s], "
                                      "as the NUT protocol drops them", u->name);
        return 0;
}

typedef struct ActionName {
        const char *name;
        unsigned actions;
} ActionName;

static const ActionName action_table[] = {
        { "SET", NUT_ACTION_SET },
        { "FSD", NUT_ACTION_FSD },
        { "LOGIN", NUT_ACTION_LOGIN },
        { "PRIMARY", NUT_ACTION_PRIMARY },
        { "MASTER", NUT_ACTION_PRIMARY },
};

/* What upsd's "upsmon" field grants (server/user.c: parse_upsmon). */
static const ActionName upsmon_table[] = {
        { "primary", NUT_ACTION_LOGIN | NUT_ACTION_PRIMARY | NUT_ACTION_FSD },
        { "master", NUT_ACTION_LOGIN | NUT_ACTION_PRIMARY | NUT_ACTION_FSD },
        { "secondary", NUT_ACTION_LOGIN },
        { "slave", NUT_ACTION_LOGIN },
};

/* upsd keeps unknown names in the list, where they never match: warn instead. */
static int add_actions(UsersParse *p, const ActionName *table, size_t n_table, const char *what,
                       const char *expected, char **v, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                size_t j;
                int r;

                for (j = 0; j < n_table; j++)
                        if (strcaseeq(v[i], table[j].name))
                                break;
                if (j < n_table)
                        p->current->actions |= table[j].actions;
                else if ((r = add_warning(p, "unknown %s %s for [%s] ignored (%s)", what, v[i],
                                          p->current->name, expected)) < 0)
                        return r;
        }
        return 0;
}

static int field_actions(UsersParse *p, char **v, size_t n, char **ret_error)
{
        return add_actions(p, action_table, ELEMENTSOF(action_table), "action", "SET, FSD", v, n);
}

static int field_upsmon(UsersParse *p, char **v, size_t n, char **ret_error)
{
        return add_actions(p, upsmon_table, ELEMENTSOF(upsmon_table), "upsmon role", "primary, secondary",
                           v, n);
}

static int field_instcmds(UsersParse *p, char **v, size_t n, char **ret_error)
{
        for (size_t i = 0; i < n; i++) {
                bool seen = isempty(v[i]);

                STRV_FOREACH(c, p->current->instcmds)
                        seen = seen || strcaseeq(*c, v[i]);
                if (!seen && strv_extend(&p->current->instcmds, v[i]) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int field_allowfrom(UsersParse *p, char **v, size_t n, char **ret_error)
{
        return add_warning(p, "allowfrom is obsolete, ignored (restrict access with LISTEN or a firewall)");
}

static const struct {
        const char *name;
        int (*parse)(UsersParse *p, char **values, size_t n_values, char **ret_error);
} field_table[] = {
        { "password", field_password },
        { "actions", field_actions },
        { "instcmds", field_instcmds },
        { "upsmon", field_upsmon },
        { "allowfrom", field_allowfrom },
};

static int users_parse_field(UsersParse *p, char **w, size_t n, char **ret_error)
{
        bool assign = n >= 2 && streq(w[1], "=");
        size_t i;

        for (i = 0; i < ELEMENTSOF(field_table); i++)
                if (strcaseeq(w[0], field_table[i].name))
                        break;
        if (i == ELEMENTSOF(field_table))
                return add_warning(p, "unknown field %s, ignored", w[0]);
        /* "upsmon primary" is the documented form; everything else is "field = value..." */
        if (!assign && !strcaseeq(w[0], "upsmon"))
                return add_warning(p, "expected \"%s = value\", line ignored", w[0]);
        if (n <= (assign ? 2u : 1u))
                return add_warning(p, "%s without a value, line ignored", w[0]);
        return field_table[i].parse(p, w + (assign ? 2 : 1), n - (assign ? 2 : 1), ret_error);
}

static int users_parse_line(unsigned line, char **w, size_t n, void *userdata, char **ret_error)
{
        UsersParse *p = userdata;

        p->line = line;
        if (w[0][0] == '[')
                return users_parse_section(p, w, n, ret_error);
        if (strcaseeq(w[0], "user"))
                return add_warning(p, "old-style \"user\" line ignored (use [name] sections)");
        /* upsd skips these; here they would belong to nobody, which is never what was meant */
        if (!p->in_section)
                return conf_error(ret_error, "\"%s\" outside a [user] section", w[0]);
        if (!p->current)
                return 0;
        return users_parse_field(p, w, n, ret_error);
}

/**
 * nut_users_parse() - parse the text of an upsd.users
 * @name: file name for messages
 *
 * Field names, actions, roles and commands are case-insensitive; user names are not.
 * On failure *ret_error says "name:line: problem" and *ret is untouched.
 */
int nut_users_parse(const char *name, const char *text, size_t size, NutUsers **ret, char **ret_error)
{
        _cleanup_(nut_users_freep) NutUsers *u = calloc(1, sizeof(NutUsers));
        UsersParse p = { .users = u, .name = name };
        int r;

        if (!u)
                return -ENOMEM;
        r = nut_conf_parse_buffer(name, text, size, users_parse_line, &p, ret_error);
        if (r < 0)
                return r;
        r = users_close_section(&p);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(u);
        return 0;
}

/**
 * nut_users_load() - read an upsd.users
 *
 * A missing file gives no users (nobody can log in; reading needs no account).
 * A file others can read gets a warning: it holds passwords.
 */
int nut_users_load(const char *path, NutUsers **ret, char **ret_error)
{
        _cleanup_(nut_users_freep) NutUsers *u = NULL;
        _cleanup_free_ char *text = NULL;
        struct stat st;
        size_t size = 0;
        int r;

        r = read_file_bounded(path, USERS_MAX_SIZE, &text, &size);
        if (r == -ENOENT)
                return nut_users_parse(path, "", 0, ret, ret_error);
        if (r < 0) {
                conf_error(ret_error, "%s: %s", path, strerror(-r));
                return r;
        }
        r = nut_users_parse(path, text, size, &u, ret_error);
        explicit_bzero(text, size);
        if (r < 0)
                return r;
        if (stat(path, &st) >= 0 && (st.st_mode & S_IROTH)) {
                char *s;

                if (asprintf(&s, "%s: readable by every local user, but holds passwords (chmod o-r)",
                             path) < 0 || strv_consume(&u->warnings, s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(u);
        return 0;
}

/**
 * nut_users_find() - look a user up by exact (case-sensitive) name, as upsd does
 *
 * Returns the user or NULL. No password check: see nut_users_authenticate().
 */
const NutUser *nut_users_find(const NutUsers *u, const char *name)
{
        for (size_t i = 0; u && name && i < u->n_users; i++)
                if (streq(u->users[i].name, name))
                        return &u->users[i];
        return NULL;
}

/* Time depends on the length of the guess only, not on where it differs from the secret. */
static bool secret_equal(const char *secret, const char *guess)
{
        size_t ls = strlen(secret), lg = strlen(guess);
        volatile unsigned char d = ls != lg;

        for (size_t i = 0; i < lg; i++)
                d |= (unsigned char) guess[i] ^ (unsigned char) secret[i % ls];
        return d == 0;
}

/**
 * nut_users_authenticate() - check a USERNAME/PASSWORD pair
 *
 * Returns the user, or NULL for an unknown user, a user without (or with an empty) password,
 * or a wrong password. The password compare runs in constant time.
 */
const NutUser *nut_users_authenticate(const NutUsers *u, const char *name, const char *password)
{
        const NutUser *user = nut_users_find(u, name);

        if (!user || isempty(user->password) || !password)
                return NULL;
        return secret_equal(user->password, password) ? user : NULL;
}

/**
 * nut_user_has_action() - may @u do @a?
 * @u: an authenticated user, or NULL (never allowed)
 * @a: one or more NutAction bits; all are needed ("upsmon primary" gives LOGIN, PRIMARY and FSD)
 */
bool nut_user_has_action(const NutUser *u, NutAction a)
{
        return u && a != 0 && (u->actions & (unsigned) a) == (unsigned) a;
}

/**
 * nut_user_may_instcmd() - may @u run the instant command @cmd?
 * @u: an authenticated user, or NULL (never allowed)
 *
 * True if an instcmds entry equals @cmd or "ALL", ignoring case (as upsd).
 */
bool nut_user_may_instcmd(const NutUser *u, const char *cmd)
{
        if (!u || isempty(cmd))
                return false;
        STRV_FOREACH(i, u->instcmds)
                if (strcaseeq(*i, cmd) || strcaseeq(*i, "ALL"))
                        return true;
        return false;
}
