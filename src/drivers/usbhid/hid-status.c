/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The usbhid-ups status word (hid-status-rules.md §1-3): the tokens of the status lookups set and
 * clear bits, and the word becomes ups.status, ups.alarm, input.transfer.reason and the mode
 * buzzwords. Pure functions of the word, the options and battery.charge.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hid-status.h"
#include "macro.h"
#include "string-table.h"

_Static_assert(_HID_STATUS_MAX <= sizeof(HidStatusWord) * 8, "the status word has too few bits");

#define HAS(w, b) (((w) & HID_STATUS_BIT(HID_STATUS_##b)) != 0)

/* The tokens the lookup tables emit; position = bit number of §1 */
static const char *const hid_status_bit_table[_HID_STATUS_MAX] = {
        [HID_STATUS_ONLINE] = "online",
        [HID_STATUS_OFFLINE] = "offline",
        [HID_STATUS_DISCHRG] = "dischrg",
        [HID_STATUS_CHRG] = "chrg",
        [HID_STATUS_LOWBATT] = "lowbatt",
        [HID_STATUS_OVERLOAD] = "overload",
        [HID_STATUS_REPLACEBATT] = "replacebatt",
        [HID_STATUS_SHUTDOWNIMM] = "shutdownimm",
        [HID_STATUS_TRIM] = "trim",
        [HID_STATUS_BOOST] = "boost",
        [HID_STATUS_BYPASSAUTO] = "bypassauto",
        [HID_STATUS_BYPASSMAN] = "bypassman",
        [HID_STATUS_ECOMODE] = "ecomode",
        [HID_STATUS_ESSMODE] = "essmode",
        [HID_STATUS_OFF] = "off",
        [HID_STATUS_CAL] = "cal",
        [HID_STATUS_OVERHEAT] = "overheat",
        [HID_STATUS_COMMFAULT] = "commfault",
        [HID_STATUS_DEPLETED] = "depleted",
        [HID_STATUS_TIMELIMITEXP] = "timelimitexp",
        [HID_STATUS_FULLYCHARGED] = "fullycharged",
        [HID_STATUS_NOTFULLYCHARGED] = "notfullycharged",
        [HID_STATUS_AWAITINGPOWER] = "awaitingpower",
        [HID_STATUS_FANFAIL] = "fanfail",
        [HID_STATUS_NOBATTERY] = "nobattery",
        [HID_STATUS_BATTVOLTLO] = "battvoltlo",
        [HID_STATUS_BATTVOLTHI] = "battvolthi",
        [HID_STATUS_CHARGERFAIL] = "chargerfail",
        [HID_STATUS_VRANGE] = "vrange",
        [HID_STATUS_FRANGE] = "frange",
};
DEFINE_STRING_TABLE(hid_status_bit, HidStatusBit);

/* §3: the fixed alarm texts, in the order they are appended */
static const struct {
        HidStatusBit bit;
        const char *text;
} hid_status_alarm_table[] = {
        { HID_STATUS_REPLACEBATT, "Replace battery!" },
        { HID_STATUS_SHUTDOWNIMM, "Shutdown imminent!" },
        { HID_STATUS_FANFAIL, "Fan failure!" },
        { HID_STATUS_NOBATTERY, "No battery installed!" },
        { HID_STATUS_BATTVOLTLO, "Battery voltage too low!" },
        { HID_STATUS_BATTVOLTHI, "Battery voltage too high!" },
        { HID_STATUS_CHARGERFAIL, "Battery charger fail!" },
        { HID_STATUS_OVERHEAT, "Temperature too high!" },
        { HID_STATUS_COMMFAULT, "Internal UPS fault!" },
        { HID_STATUS_AWAITINGPOWER, "Awaiting power!" },
        { HID_STATUS_BYPASSAUTO, "Automatic bypass mode!" },
        { HID_STATUS_BYPASSMAN, "Manual bypass mode!" },
};

/* Words to be joined by single spaces. Every caller adds at most one word per status bit plus
 * one prefix, so the array cannot fill up. */
typedef struct WordList {
        const char *words[_HID_STATUS_MAX + 1];
        size_t n;
} WordList;

static void word_list_add(WordList *l, const char *word)
{
        if (l->n < ELEMENTSOF(l->words))
                l->words[l->n++] = word;
}

/* ups.status tokens are a set: a token emitted by two steps appears once, at its first place */
static void word_list_add_once(WordList *l, const char *word)
{
        for (size_t i = 0; i < l->n; i++)
                if (strcmp(l->words[i], word) == 0)
                        return;
        word_list_add(l, word);
}

/* Measures first and writes only if everything fits, so a short buffer is left untouched. */
static int word_list_join(const WordList *l, char *buf, size_t size)
{
        size_t len = 0;
        char *p = buf;

        for (size_t i = 0; i < l->n; i++)
                len += (i > 0) + strlen(l->words[i]);
        if (len >= size || len > INT_MAX)
                return -ENOBUFS;

        for (size_t i = 0; i < l->n; i++) {
                size_t k = strlen(l->words[i]);

                if (i > 0)
                        *p++ = ' ';
                memcpy(p, l->words[i], k);
                p += k;
        }
        *p = '\0';
        return (int) len;
}

/* online/offline and fullycharged/notfullycharged exclude each other (§1 pairing rules) */
static HidStatusBit hid_status_bit_pair(HidStatusBit b)
{
        switch (b) {
        case HID_STATUS_ONLINE:
                return HID_STATUS_OFFLINE;
        case HID_STATUS_OFFLINE:
                return HID_STATUS_ONLINE;
        case HID_STATUS_FULLYCHARGED:
                return HID_STATUS_NOTFULLYCHARGED;
        case HID_STATUS_NOTFULLYCHARGED:
                return HID_STATUS_FULLYCHARGED;
        default:
                return _HID_STATUS_INVALID;
        }
}

/**
 * hid_status_apply() - apply one status token to the word
 * @w: the status word; it persists between polls, nothing here resets it
 * @token: a bit name of §1 ("online") to set the bit, or the name after '!' ("!online") to
 *         clear it. Names are matched exactly (case-sensitive, no blanks), as the tables emit them.
 *
 * Setting online clears offline and the reverse; setting fullycharged clears notfullycharged
 * and the reverse. Clearing a bit ("!online") touches only that bit. Inverted tables (off_info,
 * nobattery_info) are handled by their lookup rows, which emit "!off" etc. themselves.
 *
 * Returns 1 if the word changed, 0 if not, -EINVAL for a token that is not a status bit (such
 * as eco_mode_info's "normal"); the word is then unchanged.
 */
int hid_status_apply(HidStatusWord *w, const char *token)
{
        HidStatusWord old, new;
        HidStatusBit b, pair;
        bool clear;

        if (!w || !token)
                return -EINVAL;
        clear = token[0] == '!';
        b = hid_status_bit_from_string(token + clear);
        if (b < 0)
                return -EINVAL;

        old = *w;
        if (clear)
                new = old & ~HID_STATUS_BIT(b);
        else {
                new = old | HID_STATUS_BIT(b);
                pair = hid_status_bit_pair(b);
                if (pair >= 0)
                        new &= ~HID_STATUS_BIT(pair);
        }
        *w = new;
        return new != old;
}

/*
 * §2 step 4, the power source. With online and dischrg both set NUT also logs a throttled
 * warning (onlinedischarge_log_throttle_*); that needs a clock and belongs to the driver.
 */
static const char *power_token(HidStatusWord w, HidStatusOptions opts)
{
        if (!HAS(w, ONLINE))
                return HAS(w, OFFLINE) || HAS(w, DISCHRG) ? "OB" : NULL;
        if (!HAS(w, DISCHRG))
                return "OL";
        if (opts & HID_STATUS_ONLINEDISCHARGE_CALIBRATION)
                return "CAL";
        if (opts & HID_STATUS_ONLINEDISCHARGE_ONBATTERY)
                return "OB";
        return "OL";
}

/* battery.charge as a whole decimal integer strictly between 0 and 100 ("50.5", "abc": no) */
static bool charge_partial(const char *charge)
{
        char *end;
        long v;

        if (!charge || !*charge)
                return false;
        v = strtol(charge, &end, 10);
        return *end == '\0' && v > 0 && v < 100;
}

/* §2 step 6. If both fullycharged and notfullycharged were set, notfullycharged wins. */
static bool chrg_shown(HidStatusWord w, const char *charge)
{
        if (!HAS(w, CHRG))
                return false;
        if (HAS(w, NOTFULLYCHARGED))
                return true;
        if (HAS(w, FULLYCHARGED))
                return false;
        return charge_partial(charge);
}

/**
 * hid_status_format() - the ups.status tokens of the word
 * @w: the status word
 * @opts: onlinedischarge_calibration / onlinedischarge_onbattery
 * @charge: battery.charge, or NULL when the device does not serve it
 * @buf: where the space-separated tokens go
 * @size: size of @buf including the NUL
 *
 * Follows §2 steps 2-13 (step 1 is hid_status_transfer_reason(), step 12
 * hid_status_buzzwords()). Not done here: the lbrb_log_delay_sec delay of LB and RB (needs a
 * clock; LB and RB are reported at once), ignorelb, and the common layer's ALARM and charge-trend
 * CHRG/DISCHRG, which belong to the device state layer.
 *
 * Returns the length written (0 for an empty status), or -ENOBUFS if @size is too small, in which
 * case @buf is not touched.
 */
int hid_status_format(HidStatusWord w, HidStatusOptions opts, const char *charge, char *buf, size_t size)
{
        WordList l = {};
        const char *power = power_token(w, opts);

        if (HAS(w, CAL))
                word_list_add_once(&l, "CAL");
        if (HAS(w, OFFLINE))
                word_list_add_once(&l, "OB");
        if (power)
                word_list_add_once(&l, power);
        if (HAS(w, DISCHRG) && !HAS(w, DEPLETED))
                word_list_add_once(&l, "DISCHRG");
        if (chrg_shown(w, charge))
                word_list_add_once(&l, "CHRG");
        if (HAS(w, LOWBATT) || HAS(w, TIMELIMITEXP) || HAS(w, SHUTDOWNIMM))
                word_list_add_once(&l, "LB");
        if (HAS(w, OVERLOAD))
                word_list_add_once(&l, "OVER");
        if (HAS(w, REPLACEBATT) || HAS(w, NOBATTERY))
                word_list_add_once(&l, "RB");
        if (HAS(w, TRIM))
                word_list_add_once(&l, "TRIM");
        if (HAS(w, BOOST))
                word_list_add_once(&l, "BOOST");
        if (HAS(w, BYPASSAUTO) || HAS(w, BYPASSMAN))
                word_list_add_once(&l, "BYPASS");
        if (HAS(w, OFF))
                word_list_add_once(&l, "OFF");
        return word_list_join(&l, buf, size);
}

/**
 * hid_status_alarms() - the ups.alarm text of the word
 * @w: the status word
 * @prefix: the texts the ups.alarm rows produced in this full poll, or NULL / ""
 * @buf: where the text goes
 * @size: size of @buf including the NUL
 *
 * @prefix, then the fixed texts of §3 in table order, joined by single spaces. An empty result
 * means ups.alarm is to be removed.
 *
 * Returns the length written, or -ENOBUFS if @size is too small (@buf is then not touched).
 */
int hid_status_alarms(HidStatusWord w, const char *prefix, char *buf, size_t size)
{
        WordList l = {};

        if (prefix && *prefix)
                word_list_add(&l, prefix);
        for (size_t i = 0; i < ELEMENTSOF(hid_status_alarm_table); i++)
                if (w & HID_STATUS_BIT(hid_status_alarm_table[i].bit))
                        word_list_add(&l, hid_status_alarm_table[i].text);
        return word_list_join(&l, buf, size);
}

/**
 * hid_status_transfer_reason() - input.transfer.reason of the word (§2 step 1)
 * @w: the status word
 *
 * Returns the reason (vrange before frange), or NULL when the variable is to be removed.
 */
const char *hid_status_transfer_reason(HidStatusWord w)
{
        if (HAS(w, VRANGE))
                return "input voltage out of range";
        if (HAS(w, FRANGE))
                return "input frequency out of range";
        return NULL;
}

/**
 * hid_status_buzzwords() - experimental.ups.mode.buzzwords of the word (§2 step 12)
 * @w: the status word
 *
 * Nothing clears ecomode or essmode but "!ecomode"/"!essmode" (eco_mode_info's "normal" is not a
 * bit), so both can be set; then both buzzwords are listed.
 *
 * Returns the space-separated buzzwords, or NULL when there are none.
 */
const char *hid_status_buzzwords(HidStatusWord w)
{
        if (HAS(w, ECOMODE) && HAS(w, ESSMODE))
                return "vendor:default:ECO vendor:default:ESS";
        if (HAS(w, ECOMODE))
                return "vendor:default:ECO";
        if (HAS(w, ESSMODE))
                return "vendor:default:ESS";
        return NULL;
}
