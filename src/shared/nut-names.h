/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Descriptions and value types of NUT's standard variable names and instant commands, for
 * GET DESC / GET CMDDESC and the D-Bus DescribeVariable / ListCommands methods.
 */
#pragma once

#include <errno.h>
#include <stddef.h>

typedef enum NutNameType {
        NUT_NAME_STRING,
        NUT_NAME_NUMBER,
        NUT_NAME_ENUM,          /* one of a documented set of words */
        NUT_NAME_UNKNOWN,       /* not a standard name */
        _NUT_NAME_TYPE_MAX,
        _NUT_NAME_TYPE_INVALID = -EINVAL,
} NutNameType;

/*
 * A table entry. For templated names the name is the template: "outlet.n.desc", where "n" and
 * "x" stand for a number and a last "xxx" for any rest, or "<DOMAIN>[.<CONTEXT>].current" for
 * the three-phase names. Descriptions are at most 255 printable ASCII characters without '"' or
 * '\', so they can be sent unescaped.
 */
typedef struct NutVarInfo {
        const char *name;       /* first member: the tables are searched by name */
        NutNameType type;
        const char *description;
} NutVarInfo;

typedef struct NutCmdInfo {
        const char *name;       /* first member, as above */
        const char *description;
} NutCmdInfo;

/* The phase contexts of three-phase names such as input.L1.current or output.L1-N.voltage */
typedef enum NutPhaseContextKind {
        NUT_PHASE_LINE = 1 << 0,                /* L1, L2, L3 */
        NUT_PHASE_NEUTRAL = 1 << 1,             /* N */
        NUT_PHASE_LINE_TO_NEUTRAL = 1 << 2,     /* L1-N, L2-N, L3-N */
        NUT_PHASE_LINE_TO_LINE = 1 << 3,        /* L1-L2, L2-L3, L3-L1 */
} NutPhaseContextKind;

typedef struct NutPhaseSpec {
        const char *spec;       /* first member: "current.maximum", what follows domain and context */
        unsigned contexts;      /* NutPhaseContextKind mask; 0 = no context allowed */
        NutVarInfo info;
} NutPhaseSpec;

/* The tables, generated into nut-names-table.c, each sorted by strcasecmp() of its first member */
extern const NutVarInfo nut_var_table[];
extern const size_t nut_var_table_size;
extern const NutVarInfo nut_var_template_table[];
extern const size_t nut_var_template_table_size;
extern const NutPhaseSpec nut_phase_spec_table[];
extern const size_t nut_phase_spec_table_size;
extern const NutCmdInfo nut_cmd_table[];
extern const size_t nut_cmd_table_size;
extern const NutCmdInfo nut_cmd_template_table[];
extern const size_t nut_cmd_template_table_size;

const NutVarInfo *nut_var_lookup(const char *name);
const char *nut_var_description(const char *name);
NutNameType nut_var_type(const char *name);
const char *nut_cmd_description(const char *name);

const char *nut_name_type_to_string(NutNameType t);
NutNameType nut_name_type_from_string(const char *s);
