#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generates src/drivers/usbhid/hid-usage-table.c (HID usage names as NUT's usbhid-ups knows them:
# the generic table of libhid.c and one table per subdriver) from the fact table hid-usages.tsv.
# Standard library only. Run by hand, commit the output:
#
#   tools/gen-hid-usages.py [FACTS_DIR] > src/drivers/usbhid/hid-usage-table.c
#
# FACTS_DIR defaults to ../shared/data/facts next to the source tree.

import os
import re
import sys

# Rows NUT compiles in a normal build; any other build_condition is a developer-only row.
PRODUCTION_CONDITIONS = {''}
KNOWN_CONDITIONS = PRODUCTION_CONDITIONS | {'WITH_UNMAPPED_DATA_POINTS', '0', 'defined DEBUG'}

# Path components are split at '.'; names go into C strings unescaped.
NAME = re.compile(r'[A-Za-z][!#-\-/-\[\]-~]*')
TABLE = re.compile(r'[a-z][a-z0-9_]*')
USAGE = re.compile(r'[0-9a-f]{8}')
NAME_MAX = 47           # HID_USAGE_STRING_MAX - 1 in hid-usage.h
GENERIC = 'generic'


def fail(msg):
    sys.exit(f'gen-hid-usages: {msg}')


def unescape(field):
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', 'r': '\r'}.get(m.group(1), m.group(1)), field)


def read_tsv(path, columns):
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    header = lines[0].split('\t')
    missing = [c for c in columns if c not in header]
    if missing:
        fail(f'{path}: missing columns {missing}')
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split('\t')
        if len(fields) != len(header):
            fail(f'{path}:{number}: {len(fields)} fields, expected {len(header)}')
        row = dict(zip(header, map(unescape, fields)))
        row['where'] = f'{path}:{number}'
        rows.append(row)
    return rows


def collect(rows):
    """Table name -> entries in file order, each {'usage': int, 'name': str}."""
    tables = {}
    for row in rows:
        cond = row['build_condition'].strip()
        if cond not in KNOWN_CONDITIONS:
            fail(f'{row["where"]}: unknown build_condition {cond!r}, decide whether it is built')
        if cond not in PRODUCTION_CONDITIONS:
            continue
        if not TABLE.fullmatch(row['table']):
            fail(f'{row["where"]}: bad table name {row["table"]!r}')
        if not USAGE.fullmatch(row['usage_hex']):
            fail(f'{row["where"]}: bad usage {row["usage_hex"]!r}')
        if not NAME.fullmatch(row['name']) or len(row['name']) > NAME_MAX:
            fail(f'{row["where"]}: bad usage name {row["name"]!r}')
        tables.setdefault(row['table'], []).append({'usage': int(row['usage_hex'], 16), 'name': row['name']})
    if GENERIC not in tables:
        fail('no generic table')
    return tables


def first_only(entries, key):
    """NUT searches a table in order, so the first of several equal keys wins."""
    seen, out = set(), []
    for e in entries:
        if e[key] not in seen:
            seen.add(e[key])
            out.append(e)
    return out


def emit_table(out, table, entries):
    by_usage = sorted(first_only(entries, 'usage'), key=lambda e: e['usage'])
    index = {id(e): i for i, e in enumerate(by_usage)}
    by_name = sorted(first_only(entries, 'name'), key=lambda e: e['name'].encode())
    names = []
    for e in by_name:
        i = index.get(id(e))
        if i is None:
            # the by-name index points into the by-usage array, which keeps one name per usage
            fail(f'{table}: {e["name"]} shares usage {e["usage"]:08x} with an earlier name')
        names.append(i)

    out.append(f'static const HidUsageName {table}_entries[] = {{')
    for e in by_usage:
        out.append(f'        {{ 0x{e["usage"]:08x}, "{e["name"]}" }},')
    out.append('};')
    out.append(f'static const uint16_t {table}_by_name[] = {{')
    for i in range(0, len(names), 12):
        out.append('        ' + ' '.join(f'{n},' for n in names[i:i + 12]))
    out.append('};')
    out.append(f'const HidUsageTable hid_usage_table_{table} = {{')
    out.append(f'        .name = "{table}",')
    out.append(f'        .entries = {table}_entries,')
    out.append(f'        .n_entries = ELEMENTSOF({table}_entries),')
    out.append(f'        .by_name = {table}_by_name,')
    out.append(f'        .n_names = ELEMENTSOF({table}_by_name),')
    out.append('};')
    out.append('')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    facts = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'data', 'facts')
    rows = read_tsv(os.path.join(facts, 'hid-usages.tsv'), ['table', 'usage_hex', 'name', 'build_condition'])
    tables = collect(rows)
    order = [GENERIC] + sorted(t for t in tables if t != GENERIC)

    out = ['/* SPDX-License-Identifier: GPL-2.0-or-later */',
           '/*',
           ' * HID usage names as NUT\'s usbhid-ups knows them: the generic table and one per subdriver,',
           ' * each sorted by usage, with an index sorted by strcmp() of the name. Generated by',
           ' * tools/gen-hid-usages.py from hid-usages.tsv: do not edit, re-run the script.',
           ' */',
           '#include "hid-usage.h"',
           '#include "macro.h"',
           '']
    for t in order:
        emit_table(out, t, tables[t])
    out.append('const HidUsageTable *const hid_usage_tables[] = {')
    for t in order:
        out.append(f'        &hid_usage_table_{t},')
    out.append('        NULL,')
    out.append('};')
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
