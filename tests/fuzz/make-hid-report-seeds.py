#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seed corpus of fuzz-hid-report (input layout: see fuzz-hid-report.c).

The seeds are two real APC descriptors from ../shared/data/hid: the Back-UPS CS 500 with the
Feature replies NUT logged for it plus its Input reports (values of its paths.tsv), and the
Smart-UPS X 750 (no replies known: every report filled with a made-up value), each through a
few subdrivers.

    tests/fuzz/make-hid-report-seeds.py [HID_DATA_DIR]   (run from the source root)

The synth-<subdriver>.bin seeds (a descriptor with every path of that subdriver's rows, and
its reports) come from the hid-synth unit test instead:

    HID_SYNTH_SEED_DIR=$PWD/tests/fuzz/corpus/hid-report meson test -C build 'drivers hid-synth'
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus', 'hid-report')
HID = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', '..', '..', 'shared', 'data', 'hid')

# positions in hid_subdrivers[] (hid-mapping-table.c); one past the end is the generic one
SUBDRIVERS = {'mge': 0, 'apc': 1, 'cps': 4, 'ever': 7, 'tripplite': 15, 'generic': 16}

FEATURE, INPUT, PUBLISH, FULL = 1, 0, 2, 4
WITH_IO = 1


def seed(sub, rdesc, records, options=WITH_IO):
    out = bytes([SUBDRIVERS[sub], options]) + len(rdesc).to_bytes(2, 'little') + rdesc
    for kind, data in records:
        out += bytes([kind, len(data)]) + data
    return out


def cs500():
    name = 'apc-back-ups-cs-500_nut-2.8.0'
    rdesc = open(os.path.join(HID, name + '.rdesc.bin'), 'rb').read()
    records = []
    for line in open(os.path.join(HID, name + '.feature-reports.txt')):
        if line.startswith('#') or not line.strip():
            continue
        _, _, hexbytes = line.rstrip('\n').split('\t')
        records.append((FEATURE, bytes.fromhex(hexbytes)))
    records[-1] = (FEATURE | PUBLISH | FULL, records[-1][1])
    # Input reports with the paths.tsv values: on line, charging, then on battery
    records += [(INPUT | PUBLISH, bytes([0x13, 0x01])), (INPUT | PUBLISH, bytes([0x14, 0x00, 0x00])),
                (INPUT | PUBLISH, bytes.fromhex('0c640000140a')), (INPUT | PUBLISH | FULL, bytes([0x13, 0x00]))]
    return rdesc, records


def smart_ups_x_750():
    name = 'apc-smart-ups-x-750_lsusb'
    rdesc = open(os.path.join(HID, name + '.rdesc.bin'), 'rb').read()
    sizes = json.load(open(os.path.join(HID, name + '.meta.json')))['report_bytes_from_descriptor']
    records = []
    for key, size in sorted(sizes.items()):
        kind, rid = key.split(':')
        if kind == 'output' or size > 8:
            continue
        rid = int(rid, 16)
        data = bytes([rid]) + bytes((0x2a + rid + i) & 0xff for i in range(size - 1))
        records.append((FEATURE if kind == 'feature' else INPUT, data))
    records[-1] = (records[-1][0] | PUBLISH | FULL, records[-1][1])
    return rdesc, records


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    rdesc, records = cs500()
    for sub in ('apc', 'mge', 'cps', 'generic'):
        seeds['apc-back-ups-cs-500-%s.bin' % sub] = seed(sub, rdesc, records)
    seeds['apc-back-ups-cs-500-ever-no-io.bin'] = seed('ever', rdesc, records, options=0)
    rdesc, records = smart_ups_x_750()
    for sub in ('apc', 'tripplite', 'generic'):
        seeds['apc-smart-ups-x-750-%s.bin' % sub] = seed(sub, rdesc, records)
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
        print('%s: %d bytes' % (name, len(data)))


if __name__ == '__main__':
    main()
