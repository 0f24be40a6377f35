/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lookup of NUT's standard names in the generated tables of nut-names-table.c: an exact bsearch()
 * first, then the templates ("outlet.n.desc"), then the three-phase grammar. No allocation.
 */
#include <assert.h>

#include "macro.h"
#include "nut-names.h"

/*
 * Three-phase names are DOMAIN[.CONTEXT].SPEC (NUT's nut-names.txt); the SPECs and which
 * contexts each takes are in nut_phase_spec_table.
 */
static const char *const phase_domain_table[] = {
        "input", "input.bypass", "input.servicebypass",
        "output", "output.bypass", "output.inverter", "output.servicebypass",
};

static const struct {
        const char *name;
        NutPhaseContextKind kind;
} phase_context_table[] = {
        { "L1", NUT_PHASE_LINE },
        { "L2", NUT_PHASE_LINE },
        { "L3", NUT_PHASE_LINE },
        { "N", NUT_PHASE_NEUTRAL },
        { "L1-N", NUT_PHASE_LINE_TO_NEUTRAL },
        { "L2-N", NUT_PHASE_LINE_TO_NEUTRAL },
        { "L3-N", NUT_PHASE_LINE_TO_NEUTRAL },
        { "L1-L2", NUT_PHASE_LINE_TO_LINE },
        { "L2-L3", NUT_PHASE_LINE_TO_LINE },
        { "L3-L1", NUT_PHASE_LINE_TO_LINE },
};

static const char *const nut_name_type_table[_NUT_NAME_TYPE_MAX] = {
        [NUT_NAME_STRING] = "string",
        [NUT_NAME_NUMBER] = "number",
        [NUT_NAME_ENUM] = "enum",
        [NUT_NAME_UNKNOWN] = "unknown",
};

/* Every table entry starts with its name, so one comparison serves all tables. */
static int name_compare(const void *key, const void *entry)
{
        return strcasecmp(key, *(const char *const *) entry);
}

/* Does the template match the name? Its components "n" and "x" match a decimal number, a last
 * "xxx" any non-empty rest; other components compare case-insensitively. */
static bool template_match(const char *template, const char *name)
{
        for (;;) {
                size_t lt = strcspn(template, "."), ln = strcspn(name, ".");

                if (streq(template, "xxx"))
                        return *name != '\0';
                if (lt == 1 && strchr("nx", *template)) {
                        if (ln == 0 || strspn(name, "0123456789") != ln)
                                return false;
                } else if (lt != ln || strncasecmp(template, name, lt) != 0)
                        return false;

                template += lt;
                name += ln;
                if (*template == '\0' || *name == '\0')
                        return *template == *name;
                template++;
                name++;
        }
}

static const void *template_find(const void *table, size_t n, size_t size, const char *name)
{
        for (size_t i = 0; i < n; i++) {
                const void *entry = (const char *) table + i * size;

                if (template_match(*(const char *const *) entry, name))
                        return entry;
        }
        return NULL;
}

/* Returns what follows "prefix." in s, case-insensitively, or NULL. */
static const char *skip_component(const char *s, const char *prefix)
{
        size_t l = strlen(prefix);

        if (strncasecmp(s, prefix, l) != 0 || s[l] != '.')
                return NULL;
        return s + l + 1;
}

/* kind 0: no context given */
static const NutVarInfo *phase_spec_find(const char *spec, NutPhaseContextKind kind)
{
        const NutPhaseSpec *s;

        s = bsearch(spec, nut_phase_spec_table, nut_phase_spec_table_size, sizeof(NutPhaseSpec),
                    name_compare);
        if (!s || (kind != 0 && !(s->contexts & kind)))
                return NULL;
        return &s->info;
}

static const NutVarInfo *phase_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(phase_domain_table); i++) {
                const NutVarInfo *info;
                const char *rest;

                rest = skip_component(name, phase_domain_table[i]);
                if (!rest)
                        continue;
                info = phase_spec_find(rest, 0);
                if (info)
                        return info;
                for (size_t j = 0; j < ELEMENTSOF(phase_context_table); j++) {
                        const char *spec = skip_component(rest, phase_context_table[j].name);

                        info = spec ? phase_spec_find(spec, phase_context_table[j].kind) : NULL;
                        if (info)
                                return info;
                }
        }
        return NULL;
}

/**
 * nut_var_lookup() - find the table entry of a NUT variable name
 *
 * Case-insensitive. Indexed names match their template ("outlet.3.desc" gives the entry of
 * "outlet.n.desc", "ambient.1.contacts.2.status" that of "ambient.n.contacts.x.status") and
 * phase-qualified names their three-phase component ("input.L1-N.voltage" gives
 * "<DOMAIN>[.<CONTEXT>].voltage"). Number templates themselves, such as "outlet.n.desc", are
 * not names. Returns NULL for names that are not standard.
 */
const NutVarInfo *nut_var_lookup(const char *name)
{
        const NutVarInfo *v;

        assert(name);

        v = bsearch(name, nut_var_table, nut_var_table_size, sizeof(NutVarInfo), name_compare);
        if (v)
                return v;
        v = template_find(nut_var_template_table, nut_var_template_table_size, sizeof(NutVarInfo), name);
        if (v)
                return v;
        return phase_find(name);
}

/**
 * nut_var_description() - describe a NUT variable, as GET DESC does
 *
 * Returns a sentence such as "State of charge" for battery.charge, or NULL when the name is not
 * standard. Matching as for nut_var_lookup().
 */
const char *nut_var_description(const char *name)
{
        const NutVarInfo *v = nut_var_lookup(name);

        return v ? v->description : NULL;
}

/**
 * nut_var_type() - the kind of value a standard NUT variable holds
 *
 * Returns NUT_NAME_UNKNOWN when the name is not standard. Matching as for nut_var_lookup().
 */
NutNameType nut_var_type(const char *name)
{
        const NutVarInfo *v = nut_var_lookup(name);

        return v ? v->type : NUT_NAME_UNKNOWN;
}

/**
 * nut_cmd_description() - describe a NUT instant command, as GET CMDDESC does
 *
 * Case-insensitive; indexed commands match their template ("outlet.2.load.off" that of
 * "outlet.n.load.off"). Returns NULL when the command is not standard.
 */
const char *nut_cmd_description(const char *name)
{
        const NutCmdInfo *c;

        assert(name);

        c = bsearch(name, nut_cmd_table, nut_cmd_table_size, sizeof(NutCmdInfo), name_compare);
        if (!c)
                c = template_find(nut_cmd_template_table, nut_cmd_template_table_size, sizeof(NutCmdInfo),
                                  name);
        return c ? c->description : NULL;
}

/**
 * nut_name_type_to_string() - "string", "number", "enum" or "unknown"; NULL if out of range
 */
const char *nut_name_type_to_string(NutNameType t)
{
        if (t < 0 || t >= _NUT_NAME_TYPE_MAX)
                return NULL;
        return nut_name_type_table[t];
}

/**
 * nut_name_type_from_string() - the inverse of nut_name_type_to_string(); -EINVAL if unknown
 */
NutNameType nut_name_type_from_string(const char *s)
{
        if (!s)
                return _NUT_NAME_TYPE_INVALID;
        for (size_t i = 0; i < ELEMENTSOF(nut_name_type_table); i++)
                if (streq(nut_name_type_table[i], s))
                        return (NutNameType) i;
        return _NUT_NAME_TYPE_INVALID;
}
