/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The error codes of the NUT network protocol (RFC 9271 §"Error responses").
 */
#pragma once

#include <errno.h>

typedef enum NutError {
        NUT_ERR_ACCESS_DENIED,
        NUT_ERR_UNKNOWN_UPS,
        NUT_ERR_VAR_NOT_SUPPORTED,
        NUT_ERR_CMD_NOT_SUPPORTED,
        NUT_ERR_INVALID_ARGUMENT,
        NUT_ERR_INSTCMD_FAILED,
        NUT_ERR_SET_FAILED,
        NUT_ERR_READONLY,
        NUT_ERR_TOO_LONG,
        NUT_ERR_FEATURE_NOT_SUPPORTED,
        NUT_ERR_FEATURE_NOT_CONFIGURED,
        NUT_ERR_ALREADY_SSL_MODE,
        NUT_ERR_DRIVER_NOT_CONNECTED,
        NUT_ERR_DATA_STALE,
        NUT_ERR_ALREADY_LOGGED_IN,
        NUT_ERR_ALREADY_SET_PASSWORD,
        NUT_ERR_ALREADY_SET_USERNAME,
        NUT_ERR_USERNAME_REQUIRED,
        NUT_ERR_PASSWORD_REQUIRED,
        NUT_ERR_UNKNOWN_COMMAND,
        NUT_ERR_INVALID_VALUE,
        _NUT_ERR_MAX,
        _NUT_ERR_INVALID = -EINVAL,
} NutError;

const char *nut_error_to_string(NutError e);
NutError nut_error_from_string(const char *s);
