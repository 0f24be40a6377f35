/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * upsd.users: NUT protocol accounts and what each may do (NUT-REFERENCE §2.3).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef enum NutAction {
        NUT_ACTION_SET = 1 << 0,        /* SET VAR */
        NUT_ACTION_FSD = 1 << 1,        /* FSD */
        NUT_ACTION_LOGIN = 1 << 2,      /* LOGIN (upsmon) */
        NUT_ACTION_PRIMARY = 1 << 3,    /* PRIMARY / MASTER */
} NutAction;

typedef struct NutUser {
        char *name;
        char *password;         /* NULL: the user cannot log in */
        unsigned actions;       /* NutAction bits */
        char **instcmds;        /* as written; "ALL" grants every command */
} NutUser;

typedef struct NutUsers {
        NutUser *users;         /* file order, names unique */
        size_t n_users;
        char **warnings;        /* "file:line: ..." for lines ignored as upsd would; the daemon logs them */
} NutUsers;

NutUsers *nut_users_free(NutUsers *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(NutUsers *, nut_users_free);

int nut_users_load(const char *path, NutUsers **ret, char **ret_error);
int nut_users_parse(const char *name, const char *text, size_t size, NutUsers **ret, char **ret_error);

const NutUser *nut_users_find(const NutUsers *u, const char *name);
const NutUser *nut_users_authenticate(const NutUsers *u, const char *name, const char *password);
bool nut_user_has_action(const NutUser *u, NutAction a);
bool nut_user_may_instcmd(const NutUser *u, const char *cmd);
