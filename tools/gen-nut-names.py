#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generates src/shared/nut-names-table.c (NUT's standard variable and instant command names with
# descriptions) from the fact tables nut-names.tsv and nut-commands.tsv. Run by hand, commit the output:
#
#   tools/gen-nut-names.py [FACTS_DIR] > src/shared/nut-names-table.c
#
# FACTS_DIR defaults to ../shared/data/facts next to the source tree, which distribution builds lack.

import os
import re
import sys

import facts_tsv

TYPES = {'string': 'NUT_NAME_STRING', 'number': 'NUT_NAME_NUMBER', 'enum': 'NUT_NAME_ENUM'}

# Placeholder components of templated names: a decimal number, or (last component only) any rest.
NUMBER_PLACEHOLDERS = {'n', 'x'}
REST_PLACEHOLDER = 'xxx'

# Three-phase components are written <DOMAIN>[.<CONTEXT>].spec, or <DOMAIN>.spec when the spec
# takes no phase context. Which contexts a spec takes (facts/README.md): voltages are measured
# line-to-line or line-to-neutral, currents per line or on the neutral, everything else per line.
PHASE_WITH_CONTEXT = '<DOMAIN>[.<CONTEXT>].'
PHASE_AGGREGATE = '<DOMAIN>.'

# Notes about the naming scheme that the fact tables add to some descriptions; not for users.
META_NOTE = re.compile(r'\s*\((?:three-phase naming component|aggregate only[^)]*)\)|;\s*see [\w.-]+\.tsv')

MAX_DESCRIPTION = 255
NAME_CHARS = re.compile(r'[A-Za-z0-9_-]+')
COLUMNS = 109


def fail(msg):
    facts_tsv.fail('gen-nut-names', msg)


def read_tsv(path, columns):
    return facts_tsv.read_tsv('gen-nut-names', path, columns)


def description(row, column):
    text = META_NOTE.sub('', row[column]).strip()
    if not text:
        fail(f'{row["where"]}: empty description')
    if len(text) > MAX_DESCRIPTION or not all(' ' <= c <= '~' and c not in '"\\' for c in text):
        fail(f'{row["where"]}: description too long or with characters needing escapes: {text!r}')
    return text[0].upper() + text[1:]


def check_components(row, components, templated):
    placeholders = 0
    for i, c in enumerate(components):
        if c in NUMBER_PLACEHOLDERS or (c == REST_PLACEHOLDER and i == len(components) - 1):
            placeholders += 1
        elif not NAME_CHARS.fullmatch(c) or c.isdigit():
            fail(f'{row["where"]}: bad name component {c!r}')
    if (placeholders > 0) != templated:
        fail(f'{row["where"]}: templated flag does not match the placeholders')


def phase_contexts(spec):
    if spec.startswith('voltage'):
        return 'NUT_PHASE_LINE_TO_LINE | NUT_PHASE_LINE_TO_NEUTRAL'
    if spec.startswith('current'):
        return 'NUT_PHASE_LINE | NUT_PHASE_NEUTRAL'
    return 'NUT_PHASE_LINE'


def split_variables(rows):
    literal, template, phase = [], [], []
    for row in rows:
        name, templated = row['name'], row['templated'] == 'yes'
        if row['type'] not in TYPES:
            fail(f'{row["where"]}: unknown type {row["type"]!r}')
        entry = {'name': name, 'type': TYPES[row['type']], 'description': description(row, 'description')}
        for prefix, contexts in ((PHASE_WITH_CONTEXT, None), (PHASE_AGGREGATE, '0')):
            if name.startswith(prefix):
                if not templated:
                    fail(f'{row["where"]}: three-phase component not marked templated')
                spec = name[len(prefix):]
                check_components(row, spec.split('.'), templated=False)
                entry['spec'] = spec
                entry['contexts'] = contexts or phase_contexts(spec)
                phase.append(entry)
                break
        else:
            check_components(row, name.split('.'), templated)
            (template if templated else literal).append(entry)
    return literal, template, phase


def split_commands(rows):
    literal, template = [], []
    for row in rows:
        name = row['command']
        components = name.split('.')
        templated = any(c in NUMBER_PLACEHOLDERS or c == REST_PLACEHOLDER for c in components)
        check_components(row, components, templated)
        entry = {'name': name, 'description': description(row, 'description')}
        (template if templated else literal).append(entry)
    return literal, template


def sort_by(entries, key):
    entries.sort(key=lambda e: e[key].lower())
    for a, b in zip(entries, entries[1:]):
        if a[key].lower() == b[key].lower():
            fail(f'duplicate name {b[key]!r}')
    return entries


def c_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def c_wrapped(s, indent):
    """A C string literal, split into adjacent literals so that no line passes COLUMNS."""
    width = COLUMNS - indent - len('"" },')
    chunks, chunk = [], ''
    for word in re.findall(r'\S+\s*', s):
        if chunk and len(chunk) + len(word.rstrip()) > width:
            chunks.append(chunk)
            chunk = ''
        chunk += word
    chunks.append(chunk)
    return ('\n' + ' ' * indent).join(c_string(c) for c in chunks)


def var_fields(e):
    return (('name', c_string(e['name'])), ('type', e['type']))


def cmd_fields(e):
    return (('name', c_string(e['name'])),)


def emit_table(out, ctype, name, entries, fields):
    out.append(f'const {ctype} {name}[] = {{')
    for e in entries:
        head = ', '.join(f'.{f} = {v}' for f, v in fields(e))
        prefix = ' ' * 10 + '.description = '
        out.append(f'        {{ {head},')
        out.append(prefix + c_wrapped(e['description'], len(prefix)) + ' },')
    out.append('};')
    out.append(f'const size_t {name}_size = ELEMENTSOF({name});')
    out.append('')


def emit_phase_table(out, entries):
    name = 'nut_phase_spec_table'
    out.append(f'const NutPhaseSpec {name}[] = {{')
    for e in entries:
        prefix = ' ' * 20 + '.description = '
        out.append(f'        {{ .spec = {c_string(e["spec"])}, .contexts = {e["contexts"]},')
        out.append(f'          .info = {{ .name = {c_string(e["name"])}, .type = {e["type"]},')
        out.append(prefix + c_wrapped(e['description'], len(prefix)) + ' } },')
    out.append('};')
    out.append(f'const size_t {name}_size = ELEMENTSOF({name});')
    out.append('')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    facts = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'data', 'facts')
    var_rows = read_tsv(os.path.join(facts, 'nut-names.tsv'), ['name', 'type', 'description', 'templated'])
    cmd_rows = read_tsv(os.path.join(facts, 'nut-commands.tsv'), ['command', 'description'])

    var_literal, var_template, var_phase = split_variables(var_rows)
    cmd_literal, cmd_template = split_commands(cmd_rows)

    out = ['/* SPDX-License-Identifier: GPL-2.0-or-later */',
           '/*',
           ' * NUT\'s standard variable and instant command names with descriptions, sorted for',
           ' * bsearch() with strcasecmp(). Generated by tools/gen-nut-names.py from nut-names.tsv and',
           ' * nut-commands.tsv: do not edit, re-run the script.',
           ' */',
           '#include "macro.h"',
           '#include "nut-names.h"',
           '']
    emit_table(out, 'NutVarInfo', 'nut_var_table', sort_by(var_literal, 'name'), var_fields)
    emit_table(out, 'NutVarInfo', 'nut_var_template_table', sort_by(var_template, 'name'), var_fields)
    emit_phase_table(out, sort_by(var_phase, 'spec'))
    emit_table(out, 'NutCmdInfo', 'nut_cmd_table', sort_by(cmd_literal, 'name'), cmd_fields)
    emit_table(out, 'NutCmdInfo', 'nut_cmd_template_table', sort_by(cmd_template, 'name'), cmd_fields)
    sys.stdout.write('\n'.join(out[:-1]) + '\n')


if __name__ == '__main__':
    main()
