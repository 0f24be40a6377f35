/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ever-hid conversions: version formats, and the values EVER keeps in vendor input reports
 * (network card addresses and counters, work mode, message and alarm words), which are read
 * raw through HidConvIo.get_report; the HID value of those rows is ignored.
 */
#include <stdio.h>

#include "hid-convert-private.h"

#define EVER_REPORT_MAX 64

#define EVER_INPUT(id) { HID_CONV_REPORT_INPUT, (id), EVER_REPORT_MAX }

/* The reports each converter reads (HidConverter.reads). The rows using ever_ip_address_fun /
 * ever_packets_fun come in this order in the table, and each call reads the next report of
 * its cycle (as NUT does). */
const HidConvReport hid_cv_ever_mac_reads[] = { EVER_INPUT(210), {} };
const HidConvReport hid_cv_ever_ip_reads[] = { EVER_INPUT(211), EVER_INPUT(230), EVER_INPUT(231),
                                               EVER_INPUT(232), {} };
const HidConvReport hid_cv_ever_packets_reads[] = { EVER_INPUT(215), EVER_INPUT(216), EVER_INPUT(217),
                                                    EVER_INPUT(218), {} };
const HidConvReport hid_cv_ever_workmode_reads[] = { EVER_INPUT(74), {} };
const HidConvReport hid_cv_ever_messages_reads[] = { EVER_INPUT(75), {} };
const HidConvReport hid_cv_ever_alarms_reads[] = { EVER_INPUT(76), {} };

typedef struct EverBit {
        uint16_t mask;
        const char *word;
} EverBit;

/* Bits 0x01/0x02 are not reported; the spellings are the ones EVER's driver publishes. */
static const EverBit ever_message_table[] = {
        { 0x0004, "BOOST" },
        { 0x0008, "BUCK" },
        { 0x0010, "BOOST_BLOCKED" },
        { 0x0020, "BUCK_BLOCKED" },
        { 0x0040, "CHARGING" },
        { 0x0080, "FAN_ON" },
        { 0x0100, "EPO_BLOCKED" },
        { 0x0200, "NEED_REPLACMENT" },
        { 0x0c00, "OVERHEAT" },
        { 0x1000, "WAITING_FOR_MIN_CHARGE" },
        { 0x2000, "MAINS_OUT_OF_RANGE" },
};

static const EverBit ever_alarm_table[] = {
        { 0x0001, "OVERLOAD" },
        { 0x0002, "SHORT-CIRCUIT" },
        { 0x000c, "OVERHEAT" },
        { 0x0010, "EPO" },
        { 0x0020, "INERNAL_ERROR" },
        { 0x0040, "REVERSE_POWER_SUPPLY" },
        { 0x0080, "NO_INETERNAL_COMM" },
        { 0x0100, "CRITICAL_BATT_VOLTAGE" },
};

/* Hardware revision "rev.<L>v<NN>": L '0' or 'A'..'Z' from the high byte */
HID_CV_TO_NUT(ever_format_hardware_fun)
{
        int64_t v;
        int hi, r;

        r = conv_int(value, 0, 0xffff, &v);
        if (r < 0)
                return r;
        hi = (int) (v >> 8);
        if (hi > 26)
                return -ERANGE;
        return conv_printf(buf, size, "rev.%cv%02d", hi == 0 ? '0' : 'A' + hi - 1, (int) (v & 0xff));
}

/* Firmware "v<A>.<B>b<NN>": A, B the two high nibbles as hex digits, NN the low byte */
HID_CV_TO_NUT(ever_format_version_fun)
{
        int64_t v;
        int r;

        r = conv_int(value, 0, 0xffff, &v);
        if (r < 0)
                return r;
        return conv_printf(buf, size, "v%X.%Xb%02d", (unsigned) (v >> 12) & 0xf, (unsigned) (v >> 8) & 0xf,
                           (int) (v & 0xff));
}

/* The report's data bytes (after the ID); 0 if there are none. */
static int ever_report(HidConvContext *c, uint8_t id, uint8_t *data, size_t size)
{
        int n = conv_get_report(c, HID_CONV_REPORT_INPUT, id, data, size);

        return n < 0 ? n : n <= 1 ? 0 : n - 1;
}

/* Bytes as hex joined by ':' (MAC) or as decimal joined by '.' (IPv4) */
static int ever_join(const uint8_t *data, int n, bool hex, char *buf, size_t size)
{
        char tmp[EVER_REPORT_MAX * 4 + 1];
        size_t len = 0;

        if (n <= 0)
                return 0;
        for (int i = 0; i < n && len + 5 <= sizeof(tmp); i++) {
                if (i > 0)
                        tmp[len++] = hex ? ':' : '.';
                len += (size_t) snprintf(tmp + len, sizeof(tmp) - len, hex ? "%02x" : "%u",
                                         (unsigned) data[i]);
        }
        return conv_string(buf, size, tmp);
}

HID_CV_TO_NUT(ever_mac_address_fun)
{
        uint8_t r[EVER_REPORT_MAX];
        int n = ever_report(c, hid_cv_ever_mac_reads[0].id, r, sizeof(r));

        return n < 0 ? n : ever_join(r + 1, n, true, buf, size);
}

HID_CV_TO_NUT(ever_ip_address_fun)
{
        HidConvState *s = conv_state(c);
        uint8_t r[EVER_REPORT_MAX];
        int n;

        if (!s)
                return -EOPNOTSUPP;
        n = ever_report(c, hid_cv_ever_ip_reads[s->ever_ip_next].id, r, sizeof(r));
        s->ever_ip_next = (s->ever_ip_next + 1) % (ELEMENTSOF(hid_cv_ever_ip_reads) - 1);
        return n < 0 ? n : ever_join(r + 1, n, false, buf, size);
}

/* A little-endian 32-bit counter in data bytes 1..4; nothing if the report is shorter. */
HID_CV_TO_NUT(ever_packets_fun)
{
        HidConvState *s = conv_state(c);
        uint8_t r[EVER_REPORT_MAX];
        int n;

        if (!s)
                return -EOPNOTSUPP;
        n = ever_report(c, hid_cv_ever_packets_reads[s->ever_packets_next].id, r, sizeof(r));
        s->ever_packets_next = (s->ever_packets_next + 1) % (ELEMENTSOF(hid_cv_ever_packets_reads) - 1);
        if (n < 4)
                return n < 0 ? n : 0;
        return conv_printf(buf, size, "%u",
                           (unsigned) r[1] | (unsigned) r[2] << 8 | (unsigned) r[3] << 16 |
                                   (unsigned) r[4] << 24);
}

/* Byte 1 of the work-mode report */
static int ever_workmode(HidConvContext *c, uint8_t *ret)
{
        uint8_t r[EVER_REPORT_MAX];
        int n = ever_report(c, hid_cv_ever_workmode_reads[0].id, r, sizeof(r));

        if (n < 1)
                return n < 0 ? n : -ENODATA;
        *ret = r[1];
        return 0;
}

HID_CV_TO_NUT(ever_workmode_fun)
{
        uint8_t m;
        int r;

        r = ever_workmode(c, &m);
        if (r < 0)
                return r == -ENODATA ? 0 : r;
        return conv_string(buf, size, m == 2 ? "STOP" : m == 4 ? "ONLINE" : m == 8 ? "ONBATTERY" :
                                      m == 16 ? "WATCH" : m == 32 ? "WAITING" : m == 64 ? "EMERGENCY" :
                                      "UNKNOWN");
}

/* Online (4) or on battery (8) means the output is on */
HID_CV_TO_NUT(ever_on_off_fun)
{
        uint8_t m;
        int r;

        r = ever_workmode(c, &m);
        if (r < 0)
                return r == -ENODATA ? 0 : r;
        return conv_token(buf, size, m != 4 && m != 8, "off");
}

/* The words of the set bits of a 16-bit word in report 'id', space-separated. */
static int ever_bits(HidConvContext *c, uint8_t id, const EverBit *table, size_t n_table, char *buf,
                     size_t size)
{
        uint8_t r[EVER_REPORT_MAX];
        char tmp[256] = "";
        size_t len = 0;
        uint16_t w;
        int n = ever_report(c, id, r, sizeof(r));

        if (n < 2)
                return n < 0 ? n : 0;
        w = (uint16_t) (r[1] | r[2] << 8);
        /* the longest word list (all bits set) is well below sizeof(tmp) */
        for (size_t i = 0; i < n_table && len < sizeof(tmp); i++)
                if (w & table[i].mask)
                        len += (size_t) snprintf(tmp + len, sizeof(tmp) - len, "%s%s", len ? " " : "",
                                                 table[i].word);
        return conv_string(buf, size, tmp);
}

HID_CV_TO_NUT(ever_messages_fun)
{
        return ever_bits(c, hid_cv_ever_messages_reads[0].id, ever_message_table, ELEMENTSOF(ever_message_table), buf,
                         size);
}

HID_CV_TO_NUT(ever_alarms_fun)
{
        return ever_bits(c, hid_cv_ever_alarms_reads[0].id, ever_alarm_table, ELEMENTSOF(ever_alarm_table), buf, size);
}
