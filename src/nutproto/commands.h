/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT protocol commands: the dispatch table and the handlers of each command group.
 */
#pragma once

#include <stddef.h>

#include "client.h"

typedef void (*NutCommandFn)(NutClient *c, char **argv, size_t argc);

typedef struct NutCommand {
        const char *name;
        bool needs_login;       /* USERNAME and PASSWORD must have been given */
        NutCommandFn fn;
} NutCommand;

void nut_command_dispatch(NutClient *c, char **argv, size_t argc);

/* shared by the handlers */
Device *nut_find_device(NutClient *c, const char *name);
bool nut_device_available(NutClient *c, Device *d);
const char *nut_var_value(Device *d, const char *name, char *buf, size_t size);
const NutUser *nut_client_user(NutClient *c);

/* cmd-misc.c */
void nut_cmd_ver(NutClient *c, char **argv, size_t argc);
void nut_cmd_netver(NutClient *c, char **argv, size_t argc);
void nut_cmd_help(NutClient *c, char **argv, size_t argc);
void nut_cmd_starttls(NutClient *c, char **argv, size_t argc);
/* cmd-get.c */
void nut_cmd_get(NutClient *c, char **argv, size_t argc);
/* cmd-list.c */
void nut_cmd_list(NutClient *c, char **argv, size_t argc);
/* cmd-set.c */
void nut_cmd_set(NutClient *c, char **argv, size_t argc);
void nut_cmd_instcmd(NutClient *c, char **argv, size_t argc);
/* cmd-login.c */
void nut_cmd_username(NutClient *c, char **argv, size_t argc);
void nut_cmd_password(NutClient *c, char **argv, size_t argc);
void nut_cmd_login(NutClient *c, char **argv, size_t argc);
void nut_cmd_logout(NutClient *c, char **argv, size_t argc);
void nut_cmd_primary(NutClient *c, char **argv, size_t argc);
void nut_cmd_fsd(NutClient *c, char **argv, size_t argc);

#define NUT_PROTOCOL_VERSION "1.3"
#define NUT_SERVER_VERSION "nutd " PACKAGE_VERSION
/* VER and server.info: upsd's wording (some clients look for it), then who really answers */
#define NUT_SERVER_INFO "Network UPS Tools upsd (" NUT_SERVER_VERSION ") - https://www.networkupstools.org/"
