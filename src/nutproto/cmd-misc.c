/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VER, NETVER/PROTVER, HELP and STARTTLS.
 */
#include "commands.h"
#include "tls.h"

static bool no_arguments(NutClient *c, size_t argc)
{
        if (argc == 1)
                return true;
        nut_client_send_error(c, NUT_ERR_INVALID_ARGUMENT);
        return false;
}

void nut_cmd_ver(NutClient *c, char **argv, size_t argc)
{
        if (no_arguments(c, argc))
                nut_client_send_str(c, NUT_SERVER_INFO "\n");
}

void nut_cmd_netver(NutClient *c, char **argv, size_t argc)
{
        if (no_arguments(c, argc))
                nut_client_send_str(c, NUT_PROTOCOL_VERSION "\n");
}

void nut_cmd_help(NutClient *c, char **argv, size_t argc)
{
        if (no_arguments(c, argc))
                nut_client_send_str(c, "Commands: HELP VER PROTVER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME "
                                       "PASSWORD STARTTLS\n");
}

void nut_cmd_starttls(NutClient *c, char **argv, size_t argc)
{
        /* upsd ignores arguments here */
        if (!nut_tls_supported())
                nut_client_send_error(c, NUT_ERR_FEATURE_NOT_SUPPORTED);
        else if (c->tls)
                nut_client_send_error(c, NUT_ERR_ALREADY_SSL_MODE);
        else if (!c->server->tls)
                nut_client_send_error(c, NUT_ERR_FEATURE_NOT_CONFIGURED);
        else {
                nut_client_send_str(c, "OK STARTTLS\n");
                c->starttls = true;     /* the handshake starts once this is sent */
        }
}
