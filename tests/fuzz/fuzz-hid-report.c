/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Report decoding: a descriptor and a stream of reports through a subdriver's mapping (HidMap)
 * into a Device, then the write path (find, encode, prepare) of every writable variable and
 * command, as usbhid.c and usbhid-cmd.c drive them. Input layout (tests/fuzz/make-hid-report-seeds.sh):
 *
 *   u8 subdriver     index into hid_subdrivers[], one past the end is the generic subdriver
 *   u8 options       bit 0: hand the converters report access (HidConvIo); bits 1-2: the
 *                    HidStatusOptions; bits 3-7: 0 an APC Back-UPS, else the VID:PID of
 *                    that entry of hid_usb_ids[] (for the converters that depend on it)
 *   u16le n          then n bytes of report descriptor (fewer if the input ends)
 *   records          u8 kind (bit 0 Feature, else Input; bit 1 publish after it; bit 2 a full
 *                    publication), u8 length, then that many report bytes
 */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "fuzz.h"
#include "log.h"
#include "usbhid/hid-convert.h"
#include "usbhid/hid-mapping.h"
#include "usbhid/usbhid-map.h"

#define HEADER_SIZE 4
#define VALUE_MAX 64
#define STATUS_OPTIONS (HID_STATUS_ONLINEDISCHARGE_CALIBRATION | HID_STATUS_ONLINEDISCHARGE_ONBATTERY)

typedef struct Harness {
        HidMap *map;
        Device *device;
        HidConvContext ctx;
} Harness;

static const HidSubdriver *pick_subdriver(uint8_t b)
{
        size_t n = 0;

        while (hid_subdrivers[n])
                n++;
        b %= n + 1;
        return b < n ? hid_subdrivers[b] : &hid_subdriver_generic;
}

static void pick_usb_id(uint8_t options, HidConvContext *ctx)
{
        const HidUsbId *id;

        ctx->vendor = 0x051d, ctx->product = 0x0002;
        if (options >> 3 == 0)
                return;
        id = &hid_usb_ids[(size_t) ((options >> 3) - 1) % hid_n_usb_ids];
        ctx->vendor = id->vendor, ctx->product = id->product;
}

static const char *get_var(void *userdata, const char *name)
{
        Harness *h = userdata;

        return device_get_var(h->device, name);
}

static const char *get_string(void *userdata, uint8_t index)
{
        return index % 3 == 0 ? NULL : index % 3 == 1 ? "Back-UPS CS 500 FW:808.q8.I USB FW:q8" : "";
}

/* GET_REPORT answered from the latest stored bytes, as a device would from its state */
static int get_report(void *userdata, uint8_t type, uint8_t id, uint8_t *buf, size_t size)
{
        Harness *h = userdata;
        HidReportType t = type == HID_CONV_REPORT_FEATURE ? HID_REPORT_FEATURE : HID_REPORT_INPUT;

        for (size_t i = 0; i < h->map->n_reports; i++) {
                const HidMapReport *r = &h->map->reports[i];

                if (r->type != t || r->id != id || !r->valid)
                        continue;
                memcpy(buf, r->data, MIN(size, r->size));
                return (int) MIN(size, r->size);
        }
        return -EPIPE;
}

static int set_var(void *userdata, const char *name, const char *value)
{
        Harness *h = userdata;

        return value ? device_set_var(h->device, name, value) : device_remove_var(h->device, name);
}

static int write_var(void *userdata, const char *name, const char *value)
{
        return 0;
}

static const HidConvIo conv_io = { .get_report = get_report, .set_var = set_var, .write_var = write_var };

/* What SET VAR and INSTCMD would send: the row's value encoded into its report, bytes dropped */
static void try_write(Harness *h, const HidMapItem *it, const char *value)
{
        _cleanup_free_ uint8_t *buf = NULL;
        size_t size = 0;
        double v;

        if (!it || !value)
                return;
        if (hid_map_encode(it, &h->ctx, value, &v) < 0)
                return;
        if (hid_map_prepare_write(h->map, it, v, &buf, &size) == 0)
                fuzz_assert(buf && size == h->map->reports[it->report].size);
}

static void try_writes(Harness *h, const uint8_t *data, size_t size)
{
        char junk[VALUE_MAX];
        size_t n = MIN(size, sizeof(junk) - 1);

        memcpy(junk, data, n);
        junk[n] = '\0';
        for (size_t i = 0; i < h->map->n_items; i++) {
                const HidMapping *row = h->map->items[i].mapping;

                if (row->kind == HID_MAP_CMD) {
                        const HidMapItem *it = hid_map_find_cmd(h->map, row->nut_name);

                        fuzz_assert(it);
                        try_write(h, it, row->format_or_default);
                        try_write(h, it, junk);
                } else if (row->kind == HID_MAP_VAR && (row->flags & HID_MAP_RW)) {
                        const HidMapItem *it = hid_map_find_var(h->map, row->nut_name);

                        if (!it)
                                continue;
                        try_write(h, it, device_get_var(h->device, row->nut_name));
                        try_write(h, it, junk);
                }
        }
}

static void run(Harness *h, const uint8_t *data, size_t size)
{
        const uint8_t *last = NULL;
        size_t last_size = 0;
        HidPublishFlags first = HID_PUBLISH_FIRST | HID_PUBLISH_FULL;

        while (size >= 2) {
                uint8_t kind = data[0];
                size_t n = MIN((size_t) data[1], size - 2);
                HidReportType type = kind & 1 ? HID_REPORT_FEATURE : HID_REPORT_INPUT;
                int r;

                r = hid_map_store(h->map, type, data + 2, n);
                fuzz_assert(r == 0 || r == -ENOENT || (r == -EBADMSG && n == 0));
                if (kind & 2) {
                        r = hid_map_publish(h->map, h->device, &h->ctx, first | (kind & 4 ? HID_PUBLISH_FULL : 0));
                        fuzz_assert(r >= 0 || r == -ENOMEM);
                        first = 0;
                }
                last = data + 2, last_size = n;
                data += 2 + n, size -= 2 + n;
        }
        fuzz_assert(hid_map_publish(h->map, h->device, &h->ctx, first | HID_PUBLISH_FULL) >= 0);
        if (last)
                try_writes(h, last, last_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_(hid_descriptor_freep) HidDescriptor *desc = NULL;
        _cleanup_(hid_map_freep) HidMap *map = NULL;
        _cleanup_(device_unrefp) Device *device = NULL;
        const HidSubdriver *sub;
        Harness h;
        size_t n;
        int r;

        if (size < HEADER_SIZE)
                return 0;
        log_set_max_level(LOG_ERR);
        sub = pick_subdriver(data[0]);
        n = MIN((size_t) (data[2] | data[3] << 8), size - HEADER_SIZE);
        r = hid_descriptor_parse(data + HEADER_SIZE, n, HID_PARSE_BEST_EFFORT, &desc);
        if (r == -ENOMEM)
                return 0;
        fuzz_assert(r >= 0 && desc);
        r = hid_map_new(desc, sub, &map);
        if (r == -ENOMEM)
                return 0;
        fuzz_assert(r == 0 && map);
        fuzz_assert(device_new("ups", /* event= */ NULL, &device) == 0);

        h = (Harness) { .map = map, .device = device };
        h.ctx = (HidConvContext) {
                .iproduct = "Back-UPS CS 500",
                .get_string = get_string, .get_var = get_var, .userdata = &h,
                .state = hid_conv_state_new(),
        };
        if (!h.ctx.state)
                return 0;
        pick_usb_id(data[1], &h.ctx);
        if (data[1] & 1)
                hid_conv_state_set_io(h.ctx.state, &conv_io);
        map->status_options = (data[1] >> 1) & STATUS_OPTIONS;
        run(&h, data + HEADER_SIZE + n, size - HEADER_SIZE - n);
        hid_conv_state_free(h.ctx.state);
        return 0;
}
