# SPDX-License-Identifier: GPL-2.0-or-later
"""Reading the fact tables of ../shared/data/facts (TSV with a header line, backslash escapes)
for the table generators tools/gen-*.py."""

import re
import sys


def fail(prog, msg):
    sys.exit(f'{prog}: {msg}')


def unescape(field):
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', 'r': '\r'}.get(m.group(1), m.group(1)), field)


def read_tsv(prog, path, columns):
    """Rows as dicts by header name, each with 'where' = 'path:line'; exits if a column is
    missing or a line has another number of fields."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    header = lines[0].split('\t')
    missing = [c for c in columns if c not in header]
    if missing:
        fail(prog, f'{path}: missing columns {missing}')
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split('\t')
        if len(fields) != len(header):
            fail(prog, f'{path}:{number}: {len(fields)} fields, expected {len(header)}')
        row = dict(zip(header, map(unescape, fields)))
        row['where'] = f'{path}:{number}'
        rows.append(row)
    return rows
