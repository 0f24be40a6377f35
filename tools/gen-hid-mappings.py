#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Generates the usbhid-ups mapping tables of hid-mapping.h from the fact tables hid-mappings/*.tsv,
# hid-lookups.tsv, hid-subdrivers.tsv, usb-ids.tsv, hid-device-hooks.tsv and hid-usages.tsv, one
# file per object, in src/drivers/usbhid/:
#   hid-lookup-table.h          the lookup tables, declared
#   hid-mapping-table.c         the lookups of NUT's common code, the subdrivers in probe order and
#                               the USB IDs they claim
#   hid-mapping-table-<sub>.c   a subdriver: the lookups its NUT source defines, its mapping table
#   hid-mapping-table-generic.c the generic subdriver (see GENERIC_RULE)
# Standard library only. Run by hand, commit the output (the file names are printed):
#
#   tools/gen-hid-mappings.py [FACTS_DIR]
#
# FACTS_DIR defaults to ../shared/data/facts next to the source tree.

import os
import re
import sys

import facts_tsv
import textwrap

# Rows NUT compiles in a normal Linux build. HAVE_STRPTIME is defined by glibc, so the mge
# ups.date/ups.time rows and their RW lookups are built; the !HAVE_STRPTIME alternatives are not.
PRODUCTION_CONDITIONS = {'', 'defined HAVE_STRPTIME'}
KNOWN_CONDITIONS = PRODUCTION_CONDITIONS | {
    'WITH_UNMAPPED_DATA_POINTS', '0', 'defined DEBUG', '!(defined HAVE_STRPTIME)',
    'WITH_UNMAPPED_DATA_POINTS || (defined DEBUG)',
    'WITH_UNMAPPED_DATA_POINTS || (defined USBHID_UPS_TRIPPLITE_DEBUG)',
}
# usb-ids.tsv: the mge table is built unless in SHUT (serial) mode, which usbhid-ups is not.
USB_PRODUCTION_CONDITIONS = {'', '!((defined SHUT_MODE) && SHUT_MODE)'}
# hid-usages.tsv: as tools/gen-hid-usages.py
USAGE_PRODUCTION_CONDITIONS = {''}

FLAGS = {
    'RW': 'HID_MAP_RW', 'STRING': 'HID_MAP_STRING', 'NUMBER': 'HID_MAP_NUMBER',
    'STATIC': 'HID_MAP_STATIC', 'SEMI_STATIC': 'HID_MAP_SEMI_STATIC', 'QUICK_POLL': 'HID_MAP_QUICK_POLL',
    'ABSENT': 'HID_MAP_ABSENT', 'ENUM': 'HID_MAP_ENUM', 'PARAM_REQUIRED': 'HID_MAP_PARAM_REQUIRED',
    'CMD': None,        # the kind, not a flag
}
FIX_REPORT_DESC = {
    'fix_report_desc': 'HID_FIX_NONE', 'apc_fix_report_desc': 'HID_FIX_APC',
    'cps_fix_report_desc': 'HID_FIX_CPS', 'idowell_fix_report_desc': 'HID_FIX_IDOWELL',
}
KINDS = {'var': 'HID_MAP_VAR', 'status': 'HID_MAP_STATUS', 'alarm': 'HID_MAP_ALARM', 'cmd': 'HID_MAP_CMD'}
IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
HEX4 = re.compile(r'[0-9a-f]{4}')
SKIP_SUBDRIVERS = {'explore'}
GENERIC = 'generic'
USB_DRIVER = 'usbhid-ups'


def fail(msg):
    facts_tsv.fail('gen-hid-mappings', msg)


def read_tsv(path, columns):
    return facts_tsv.read_tsv('gen-hid-mappings', path, columns)


def production(rows, built=PRODUCTION_CONDITIONS, known=KNOWN_CONDITIONS):
    out = []
    for row in rows:
        cond = row['build_condition'].strip()
        if cond not in known:
            fail(f'{row["where"]}: unknown build_condition {cond!r}, decide whether it is built')
        if cond in built:
            out.append(row)
    return out


def c_string(s):
    if s is None or s == '':
        return 'NULL'
    out = s.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t').replace('\n', '\\n')
    out = out.replace('\r', '\\r')
    if any(ord(c) < 0x20 or ord(c) > 0x7e for c in out):
        fail(f'non-ASCII or control character in {s!r}')
    return f'"{out}"'


def comment_text(s):
    return s.replace('*/', '* /')


def header_names(path, pattern):
    with open(path, encoding='utf-8') as f:
        return set(re.findall(pattern, f.read()))


# ---- lookups ----

def collect_lookups(rows):
    """Table name -> {'convert', 'reverse', 'entries', 'defined_in', 'where'} for production rows."""
    tables = {}
    for row in production(rows):
        name = row['table_name']
        if not IDENT.fullmatch(name):
            fail(f'{row["where"]}: bad lookup name {name!r}')
        t = tables.get(name)
        if t is None:
            # NUT: the first row's functions decide for the whole table
            t = tables[name] = {'convert': row['conversion_function'], 'reverse': row['reverse_function'],
                                'entries': [], 'defined_in': row['defined_in'], 'where': row['where']}
        elif t['defined_in'] != row['defined_in']:
            fail(f'{row["where"]}: {name} is also defined in {t["defined_in"]} ({t["where"]})')
        for col, key in (('conversion_function', 'convert'), ('reverse_function', 'reverse')):
            if row[col] and row[col] != t[key]:
                fail(f'{row["where"]}: {name} has {row[col]!r} after a first row with {t[key]!r}')
        if row['nut_string'] == '':
            # a function-only table: no value row (NUT stops a table at the first NULL string)
            if row['hid_value'] != '' or not (t['convert'] or t['reverse']):
                fail(f'{row["where"]}: row without a string in a table without a function')
            continue
        if not re.fullmatch(r'-?[0-9]+', row['hid_value']):
            fail(f'{row["where"]}: bad hid_value {row["hid_value"]!r}')
        t['entries'].append((int(row['hid_value']), row['nut_string']))
    for name, t in tables.items():
        for f in (t['convert'], t['reverse']):
            if f and not IDENT.fullmatch(f):
                fail(f'{t["where"]}: bad function name {f!r}')
    return tables


def lookup_symbol(name):
    return f'hid_lookup_table_{name}'


def emit_lookups(out, lookups, used):
    if not used:
        return
    out.append('/*')
    out.append(' * Lookup tables: when .convert is set, NUT\'s first row carried that function and it alone')
    out.append(' * decides hid->nut; the entries then serve only nut->hid (when .reverse is NULL) and the')
    out.append(' * ENUM list, and may start with a placeholder such as "dummy", as in NUT.')
    out.append(' */')
    for name in used:
        t = lookups[name]
        if t['entries']:
            out.append(f'static const HidLookupEntry {name}_entries[] = {{')
            for value, string in t['entries']:
                out.append(f'        {{ {value}, {c_string(string)} }},')
            out.append('};')
        out.append(f'const HidLookup {lookup_symbol(name)} = {{')
        out.append(f'        .name = {c_string(name)},')
        if t['convert']:
            out.append(f'        .convert = {c_string(t["convert"])},')
        if t['reverse']:
            out.append(f'        .reverse = {c_string(t["reverse"])},')
        if t['entries']:
            out.append(f'        .entries = {name}_entries,')
            out.append(f'        .n_entries = ELEMENTSOF({name}_entries),')
        out.append('};')
    out.append('')


# ---- mappings ----

def read_mapping(path, lookups):
    columns = ['nut_name', 'kind', 'hid_path', 'nut_flags', 'str_len', 'format_or_default', 'hu_flags',
               'lookup_table', 'build_condition']
    maps = []
    for row in production(read_tsv(path, columns)):
        where = row['where']
        words = row['nut_flags'].split() + row['hu_flags'].split()
        unknown = [w for w in words if w not in FLAGS]
        if unknown:
            fail(f'{where}: unknown flags {unknown}')
        kind = row['kind']
        if kind not in ('var', 'status', 'cmd'):
            fail(f'{where}: unknown kind {kind!r}')
        if (kind == 'cmd') != ('CMD' in words):
            fail(f'{where}: kind {kind} with flags {words}')
        if (kind == 'status') != (row['nut_name'] == 'BOOL'):
            fail(f'{where}: kind {kind} for {row["nut_name"]}')
        lookup = row['lookup_table'] or None
        if lookup and lookup not in lookups:
            fail(f'{where}: lookup {lookup} is not defined in a production build')
        if row['nut_name'] == 'ups.alarm':
            if not lookup:
                fail(f'{where}: ups.alarm without a lookup table')
            kind = 'alarm'
        if kind == 'status' and not lookup:
            fail(f'{where}: status row without a lookup table')
        if not row['hid_path'] or not re.fullmatch(r'[0-9]+', row['str_len']) or int(row['str_len']) > 65535:
            fail(f'{where}: bad hid_path or str_len')
        maps.append({
            'kind': kind,
            'nut_name': row['nut_name'] if kind in ('var', 'cmd') else None,
            'key_name': row['nut_name'],
            'hid_path': row['hid_path'],
            'flags': [FLAGS[w] for w in words if FLAGS[w]],
            'str_len': int(row['str_len']),
            'format': row['format_or_default'] or None,
            'lookup': lookup,
        })
    return maps


def emit_mappings(out, name, maps):
    out.append(f'static const HidMapping {name}_mappings[] = {{')
    for m in maps:
        fields = []
        if m['nut_name']:
            fields.append(f'.nut_name = {c_string(m["nut_name"])}')
        fields.append(f'.kind = {KINDS[m["kind"]]}')
        fields.append(f'.hid_path = {c_string(m["hid_path"])}')
        if m['flags']:
            fields.append(f'.flags = {" | ".join(m["flags"])}')
        if m['str_len']:
            fields.append(f'.str_len = {m["str_len"]}')
        if m['format']:
            fields.append(f'.format_or_default = {c_string(m["format"])}')
        if m['lookup']:
            fields.append(f'.lookup = &{lookup_symbol(m["lookup"])}')
        out.append(f'        {{ {", ".join(fields)} }},')
    out.append('};')
    out.append('')


def first_names(usage_rows):
    """Usage table -> name -> usage, the first row of a name winning as in NUT."""
    tables = {}
    for row in production(usage_rows, USAGE_PRODUCTION_CONDITIONS, KNOWN_CONDITIONS):
        tables.setdefault(row['table'], {}).setdefault(row['name'], int(row['usage_hex'], 16))
    if GENERIC not in tables:
        fail('hid-usages.tsv: no generic table')
    return tables


def generic_rows(subs, mappings, lookups, names):
    """The rows any HID Power Device can use: see GENERIC_RULE."""
    generic = names[GENERIC]
    seen, out = set(), []
    for s in subs:
        own = names.get(s['subdriver'], {})
        for m in mappings[s['subdriver']]:
            # a name means the generic usage only if the subdriver's table does not redefine it
            parts = m['hid_path'].split('.')
            if not all(c in generic and own.get(c, generic[c]) == generic[c] for c in parts):
                continue
            if m['lookup'] and lookups[m['lookup']]['defined_in'] != 'common':
                continue
            # vendor scale fixes (belkin's frequency in 0.1 Hz) are not the standard's units
            if m['lookup'] and m['lookup'].startswith('divide_by_'):
                continue
            key = (m['kind'], m['key_name'], m['hid_path'], m['lookup'])
            if key not in seen:
                seen.add(key)
                out.append(m)
    return out


GENERIC_RULE = '''/*
 * hid_subdriver_generic, for a standard HID Power Device (usage pages 0x84/0x85) of a vendor no
 * subdriver knows: the union of the rows of all subdrivers, taken in probe order, whose every
 * path component is a name of the generic usage table (meaning the same usage in the
 * subdriver's own table, if it has one) and whose lookup table is absent or defined in NUT's
 * common code and is not a divide_by_* scale fix (a vendor's units, e.g. belkin's frequency
 * in 0.1 Hz, not the standard's); de-duplicated on (kind, NUT name, HID path, lookup), the first one seen kept in
 * its place. NUT itself has no such table (it needs a subdriver to claim the device).
 */'''


# ---- subdrivers ----

def number(row, col, default):
    v = row[col]
    if v == '':
        return default
    if not re.fullmatch(r'[0-9]+', v):
        fail(f'{row["where"]}: bad {col} {v!r}')
    return int(v)


def emit_subdriver(out, s, usage_tables):
    name = s['subdriver']
    fix = FIX_REPORT_DESC.get(s['fix_report_desc_function'])
    if fix is None:
        fail(f'{s["where"]}: unknown fix_report_desc_function {s["fix_report_desc_function"]!r}')
    usages = f'&hid_usage_table_{name}' if name in usage_tables else 'NULL'
    out.append(f'const HidSubdriver hid_subdriver_{name} = {{')
    out.append(f'        .name = {c_string(name)},')
    out.append(f'        .version = {c_string(s["version_string"])},')
    out.append(f'        .usages = {usages},')
    out.append(f'        .mappings = {name}_mappings,')
    out.append(f'        .n_mappings = ELEMENTSOF({name}_mappings),')
    out.append(f'        .fix_report_desc = {fix},')
    out.append(f'        .ondelay = {number(s, "default_ondelay_s", 0)},')
    out.append(f'        .offdelay = {number(s, "default_offdelay_s", 0)},')
    out.append(f'        .pollfreq = {number(s, "default_pollfreq_s", 30)},')
    out.append('};')
    out.append('')


# ---- USB IDs ----

def collect_usb_ids(rows, subnames, hooks, hook_consts):
    """(ids, comment lines): exact usbhid-ups VID:PIDs, first row of a pair kept."""
    ids, notes, first = [], [], {}
    for row in production([r for r in rows if r['driver'] == USB_DRIVER], USB_PRODUCTION_CONDITIONS,
                          USB_PRODUCTION_CONDITIONS):
        where, sub = row['where'], row['subdriver']
        if sub not in subnames:
            fail(f'{where}: unknown subdriver {sub!r}')
        if not HEX4.fullmatch(row['vendor_id']):
            fail(f'{where}: bad vendor id {row["vendor_id"]!r}')
        pair = f'{row["vendor_id"]}:{row["product_id"]}'
        if row['product_id'] == '*':
            notes.append(f'{pair} {sub}: {row["claim_notes"]}')
            continue
        if not HEX4.fullmatch(row['product_id']):
            fail(f'{where}: bad product id {row["product_id"]!r}')
        if row['claim_notes'].startswith('REJECTED'):
            notes.append(f'{pair} {sub}: {row["claim_notes"]}')
            continue
        if pair in first:
            kept = first[pair]
            if kept['sub'] not in kept['noted']:
                kept['noted'].add(kept['sub'])
                notes.append(f'{pair} {kept["sub"]}: kept, the first of several rows; {kept["claim_notes"]}')
            notes.append(f'{pair} {sub}: dropped, repeats the pair; {row["claim_notes"]}')
            continue
        first[pair] = {'sub': sub, 'claim_notes': row['claim_notes'], 'noted': set()}
        bits = []
        for h in row['device_hook'].split():
            if h not in hooks:
                fail(f'{where}: unknown device hook {h!r}')
            if sub not in hooks[h]:
                fail(f'{where}: hook {h} is not one of {sub}\'s (hid-device-hooks.tsv)')
            const = 'HID_HOOK_' + h.upper()
            if const not in hook_consts:
                fail(f'{where}: hid-mapping.h has no {const}')
            bits.append(const)
        ids.append((int(row['vendor_id'], 16), int(row['product_id'], 16), sub, bits))
    ids.sort(key=lambda i: (i[0], i[1]))
    return ids, notes


def emit_usb_ids(out, ids, notes):
    out.append('/*')
    out.append(' * Not in hid_usb_ids: usbhid-ups rows of usb-ids.tsv that NUT claims by logic (PID "*"),')
    out.append(' * that its claim functions always reject, or that repeat a VID:PID:')
    for n in notes:
        out += textwrap.wrap(comment_text(n), width=96,
                           initial_indent=' *   ', subsequent_indent=' *       ')
    out.append(' */')
    out.append('const HidUsbId hid_usb_ids[] = {')
    out.append('        /* vendor, product, subdriver, hooks */')
    for v, p, sub, bits in ids:
        out.append(f'        {{ 0x{v:04x}, 0x{p:04x}, &hid_subdriver_{sub}, {" | ".join(bits) or "0"} }},')
    out.append('};')
    out.append('const size_t hid_n_usb_ids = ELEMENTSOF(hid_usb_ids);')
    out.append('')
    out.append('const UsbId hid_usb_id_list[] = {')
    for v, p, _, _ in ids:
        out.append(f'        {{ 0x{v:04x}, 0x{p:04x} }},')
    out.append('        { 0, 0 },')
    out.append('};')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    facts = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'data', 'facts')
    src = os.path.join(here, '..', 'src', 'drivers', 'usbhid')
    usage_tables = header_names(os.path.join(src, 'hid-usage.h'),
                                r'extern const HidUsageTable hid_usage_table_(\w+);')
    mapping_h = os.path.join(src, 'hid-mapping.h')
    declarations = header_names(mapping_h, r'extern const HidSubdriver ([^;]*);')
    declared = {re.sub(r'^hid_subdriver_', '', d.strip()) for decl in declarations for d in decl.split(',')}
    hook_consts = header_names(mapping_h, r'\b(HID_HOOK_\w+) =')

    subs = [s for s in read_tsv(os.path.join(facts, 'hid-subdrivers.tsv'),
                                ['probe_order', 'subdriver', 'version_string', 'fix_report_desc_function',
                                 'default_ondelay_s', 'default_offdelay_s', 'default_pollfreq_s'])
            if s['subdriver'] not in SKIP_SUBDRIVERS]
    subs.sort(key=lambda s: int(s['probe_order']))
    subnames = [s['subdriver'] for s in subs]
    for n in subnames + [GENERIC]:
        if not IDENT.fullmatch(n) or n not in declared:
            fail(f'hid-mapping.h does not declare hid_subdriver_{n}')

    lookups = collect_lookups(read_tsv(os.path.join(facts, 'hid-lookups.tsv'),
                                       ['table_name', 'hid_value', 'nut_string', 'conversion_function',
                                        'reverse_function', 'defined_in', 'build_condition']))
    mappings = {n: read_mapping(os.path.join(facts, 'hid-mappings', f'{n}.tsv'), lookups) for n in subnames}
    names = first_names(read_tsv(os.path.join(facts, 'hid-usages.tsv'), ['table', 'usage_hex', 'name',
                                                                          'build_condition']))
    generic = generic_rows(subs, mappings, lookups, names)
    hooks = {r['hook']: {s.strip() for s in r['subdriver'].split(',')}
             for r in read_tsv(os.path.join(facts, 'hid-device-hooks.tsv'), ['hook', 'subdriver'])}
    usb_rows = read_tsv(os.path.join(facts, 'usb-ids.tsv'),
                        ['vendor_id', 'product_id', 'driver', 'subdriver', 'device_hook', 'claim_notes',
                         'build_condition'])
    ids, notes = collect_usb_ids(usb_rows, subnames, hooks, hook_consts)

    # in hid-lookups.tsv order
    referenced = {m['lookup'] for n in subnames for m in mappings[n] if m['lookup']}
    used = [name for name in lookups if name in referenced]

    by_file = {}
    for name in used:
        by_file.setdefault(lookups[name]['defined_in'], []).append(name)
    unknown = set(by_file) - set(subnames) - {'common'}
    if unknown:
        fail(f'hid-lookups.tsv: lookups defined in {sorted(unknown)}, not a subdriver or common')

    header = ['#pragma once', '', '#include "hid-mapping.h"', '']
    header += [f'extern const HidLookup {lookup_symbol(name)};' for name in used]
    write(src, 'hid-lookup-table.h', 'the lookup tables of the mapping rows, declared', header)

    out = ['#include "hid-lookup-table.h"', '#include "macro.h"', '']
    emit_lookups(out, lookups, by_file.get('common', []))
    out.append('const HidSubdriver *const hid_subdrivers[] = {')
    for n in subnames:
        out.append(f'        &hid_subdriver_{n},')
    out.append('        NULL,')
    out.append('};')
    out.append('')
    emit_usb_ids(out, ids, notes)
    write(src, 'hid-mapping-table.c', "the lookups of NUT's common code, the subdrivers in probe order and "
          'their USB IDs', out)

    for s in subs:
        name = s['subdriver']
        out = ['#include "hid-lookup-table.h"', '#include "macro.h"', '']
        emit_lookups(out, lookups, by_file.get(name, []))
        emit_mappings(out, name, mappings[name])
        emit_subdriver(out, s, usage_tables)
        write(src, f'hid-mapping-table-{name}.c', f'subdriver {name}: the lookups its NUT source defines and '
              "its mapping rows in NUT's order (those of a normal Linux build)", out)

    out = ['#include "hid-lookup-table.h"', '#include "macro.h"', '', GENERIC_RULE]
    emit_mappings(out, GENERIC, generic)
    emit_subdriver(out, {'subdriver': GENERIC, 'version_string': 'generic HID 1.0', 'where': 'generic',
                         'fix_report_desc_function': 'fix_report_desc', 'default_ondelay_s': '30',
                         'default_offdelay_s': '20', 'default_pollfreq_s': '30'}, set())
    write(src, 'hid-mapping-table-generic.c', 'the generic subdriver, for standard HID Power Devices', out)


def write(directory, name, what, lines):
    """One generated file: the licence, what it holds, where it comes from, then the lines."""
    wrapped = textwrap.wrap(f'usbhid-ups mapping tables (hid-mapping.h): {what}. Generated by '
                            'tools/gen-hid-mappings.py from the facts (hid-mappings/<sub>.tsv, hid-lookups.tsv, '
                            'hid-subdrivers.tsv, usb-ids.tsv, hid-device-hooks.tsv, hid-usages.tsv): do not edit, '
                            're-run the script.', 95, break_on_hyphens=False)
    text = ['/* SPDX-License-Identifier: GPL-2.0-or-later */', '/*'] + [f' * {w}' for w in wrapped] + [' */']
    while lines and lines[-1] == '':
        lines = lines[:-1]
    with open(os.path.join(directory, name), 'w', encoding='utf-8') as f:
        f.write('\n'.join(text + lines) + '\n')
    print(os.path.join('src', 'drivers', 'usbhid', name))

if __name__ == '__main__':
    main()
