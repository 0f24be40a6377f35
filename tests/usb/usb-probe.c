/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usb-probe: a tiny libusb-1.0 client for test-fake-ups, driven line by line on stdin. Every command
 * answers exactly one line on stdout ("ok ...", "error LIBUSB_ERROR_...", "status LIBUSB_TRANSFER_..."
 * or "timeout"); "list" and "udev" print item lines and then "end N". Hotplug callbacks print
 * "event ARRIVED|LEFT VVVV:PPPP BUS DEV" lines whenever libusb events are handled. Hex is lowercase,
 * without spaces.
 *
 *   usb-probe [--no-discovery]    (--no-discovery: LIBUSB_OPTION_NO_DEVICE_DISCOVERY, only "wrap")
 *
 *   list | udev | open SERIAL | wrap DEVNODE | info | close | claim | release | driver | detach
 *   string INDEX | config | rdesc | get ID LEN [TIMEOUT-MS] | set HEX [TIMEOUT-MS]
 *   intr-submit LEN | intr-wait MS | intr-cancel | pump MS | quit
 */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <libusb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static libusb_context *ctx;
static libusb_device_handle *handle;
static int wrapped_fd = -1;
static struct libusb_transfer *intr;
static bool intr_done;

static void print_hex(const unsigned char *b, int n)
{
        for (int i = 0; i < n; i++)
                printf("%02x", b[i]);
}

static int parse_hex(const char *s, unsigned char *out, int max)
{
        int n = 0;

        for (; s[0] && s[1] && n < max; s += 2) {
                unsigned v;

                if (sscanf(s, "%2x", &v) != 1)
                        return -1;
                out[n++] = v;
        }
        return s[0] ? -1 : n;
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void handle_events_ms(int ms)
{
        struct timeval tv = { 0, 10 * 1000 };

        for (long long end = now_ms() + ms; now_ms() < end;)
                libusb_handle_events_timeout_completed(ctx, &tv, NULL);
}

static int hotplug_cb(libusb_context *c, libusb_device *d, libusb_hotplug_event ev, void *data)
{
        struct libusb_device_descriptor dd;

        libusb_get_device_descriptor(d, &dd);
        printf("event %s %04x:%04x %d %d\n", ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED ? "ARRIVED" : "LEFT",
               dd.idVendor, dd.idProduct, libusb_get_bus_number(d), libusb_get_device_address(d));
        return 0;
}

static void cmd_list(void)
{
        libusb_device **list;
        ssize_t n = libusb_get_device_list(ctx, &list);

        for (ssize_t i = 0; i < n; i++) {
                struct libusb_device_descriptor dd;
                libusb_device_handle *h;
                unsigned char s[3][128] = { "", "", "" };

                libusb_get_device_descriptor(list[i], &dd);
                printf("dev %d %d %04x:%04x port=%d speed=%d", libusb_get_bus_number(list[i]),
                       libusb_get_device_address(list[i]), dd.idVendor, dd.idProduct,
                       libusb_get_port_number(list[i]), libusb_get_device_speed(list[i]));
                if (dd.bDeviceClass != LIBUSB_CLASS_HUB && libusb_open(list[i], &h) == 0) {
                        const uint8_t idx[3] = { dd.iManufacturer, dd.iProduct, dd.iSerialNumber };

                        for (int k = 0; k < 3; k++)
                                if (idx[k])
                                        libusb_get_string_descriptor_ascii(h, idx[k], s[k], sizeof s[k]);
                        libusb_close(h);
                        printf(" manufacturer=%s|product=%s|serial=%s", s[0], s[1], s[2]);
                }
                printf("\n");
        }
        if (n >= 0)
                libusb_free_device_list(list, 1);
        printf("end %zd\n", n);
}

static void cmd_udev(void)
{
        struct udev *udev = udev_new();
        struct udev_enumerate *e = udev_enumerate_new(udev);
        struct udev_list_entry *it;
        int n = 0;

        udev_enumerate_add_match_subsystem(e, "usb");
        udev_enumerate_add_match_property(e, "DEVTYPE", "usb_device");
        udev_enumerate_scan_devices(e);
        udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
                struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(it));
                const char *serial = udev_device_get_property_value(d, "ID_SERIAL_SHORT");

                printf("udev %s %s %s:%s busnum=%s devnum=%s serial=%s\n", udev_device_get_syspath(d),
                       udev_device_get_devnode(d), udev_device_get_sysattr_value(d, "idVendor"),
                       udev_device_get_sysattr_value(d, "idProduct"),
                       udev_device_get_sysattr_value(d, "busnum"),
                       udev_device_get_sysattr_value(d, "devnum"),
                       serial ? serial : "-");
                udev_device_unref(d);
                n++;
        }
        udev_enumerate_unref(e);
        udev_unref(udev);
        printf("end %d\n", n);
}

static void close_handle(void)
{
        if (intr) {
                /* a transfer still owned by libusb cannot be freed; leak it with the handle */
                if (intr_done)
                        libusb_free_transfer(intr);
                intr = NULL;
        }
        if (handle)
                libusb_close(handle);
        handle = NULL;
        if (wrapped_fd >= 0)
                close(wrapped_fd);
        wrapped_fd = -1;
}

static void cmd_open(const char *serial)
{
        libusb_device **list;
        ssize_t n = libusb_get_device_list(ctx, &list);
        int r = LIBUSB_ERROR_NOT_FOUND;

        close_handle();
        for (ssize_t i = 0; i < n && !handle; i++) {
                struct libusb_device_descriptor dd;
                libusb_device_handle *h;
                unsigned char s[128];

                libusb_get_device_descriptor(list[i], &dd);
                if (dd.bDeviceClass == LIBUSB_CLASS_HUB || !dd.iSerialNumber)
                        continue;
                if ((r = libusb_open(list[i], &h)) < 0)
                        continue;
                if (libusb_get_string_descriptor_ascii(h, dd.iSerialNumber, s, sizeof s) > 0 &&
                    strcmp((char *)s, serial) == 0)
                        handle = h;
                else
                        libusb_close(h);
                r = handle ? 0 : LIBUSB_ERROR_NOT_FOUND;
        }
        if (n >= 0)
                libusb_free_device_list(list, 1);
        if (handle)
                printf("ok %d %d\n", libusb_get_bus_number(libusb_get_device(handle)),
                       libusb_get_device_address(libusb_get_device(handle)));
        else
                printf("error %s\n", libusb_error_name(r));
}

static void cmd_wrap(const char *path)
{
        int r;

        close_handle();
        wrapped_fd = open(path, O_RDWR | O_CLOEXEC);
        if (wrapped_fd < 0) {
                printf("error open: %s\n", strerror(errno));
                return;
        }
        r = libusb_wrap_sys_device(ctx, (intptr_t)wrapped_fd, &handle);
        if (r < 0) {
                printf("error %s\n", libusb_error_name(r));
                handle = NULL;
                return;
        }
        printf("ok %d %d\n", libusb_get_bus_number(libusb_get_device(handle)),
               libusb_get_device_address(libusb_get_device(handle)));
}

static void cmd_info(void)
{
        libusb_device *d = libusb_get_device(handle);
        struct libusb_device_descriptor dd;

        libusb_get_device_descriptor(d, &dd);
        printf("ok bus=%d dev=%d id=%04x:%04x bcd=%04x speed=%d strings=%d,%d,%d\n",
               libusb_get_bus_number(d), libusb_get_device_address(d), dd.idVendor, dd.idProduct,
               dd.bcdDevice, libusb_get_device_speed(d), dd.iManufacturer, dd.iProduct, dd.iSerialNumber);
}

/* wDescriptorLength of the HID descriptor in interface 0 of the active configuration, or < 0 */
static int hid_report_length(char *why, size_t whylen)
{
        struct libusb_config_descriptor *cd;
        int r = libusb_get_active_config_descriptor(libusb_get_device(handle), &cd);

        if (r < 0) {
                snprintf(why, whylen, "%s", libusb_error_name(r));
                return r;
        }
        r = LIBUSB_ERROR_NOT_FOUND;
        snprintf(why, whylen, "no HID descriptor");
        if (cd->bNumInterfaces >= 1 && cd->interface[0].num_altsetting >= 1) {
                const struct libusb_interface_descriptor *id = &cd->interface[0].altsetting[0];

                if (id->extra_length >= 9 && id->extra[1] == 0x21)
                        r = id->extra[7] | id->extra[8] << 8;
        }
        libusb_free_config_descriptor(cd);
        return r;
}

static void cmd_config(void)
{
        struct libusb_config_descriptor *cd;
        int r = libusb_get_active_config_descriptor(libusb_get_device(handle), &cd);
        char why[64];

        if (r < 0) {
                printf("error %s\n", libusb_error_name(r));
                return;
        }
        const struct libusb_interface_descriptor *id = &cd->interface[0].altsetting[0];
        printf("ok interfaces=%d class=%d endpoints=%d ep=0x%02x type=%d maxp=%d interval=%d hidlen=%d\n",
               cd->bNumInterfaces, id->bInterfaceClass, id->bNumEndpoints, id->endpoint[0].bEndpointAddress,
               id->endpoint[0].bmAttributes & 3, id->endpoint[0].wMaxPacketSize, id->endpoint[0].bInterval,
               hid_report_length(why, sizeof why));
        libusb_free_config_descriptor(cd);
}

static void cmd_rdesc(void)
{
        char why[64];
        int len = hid_report_length(why, sizeof why), r;
        unsigned char *buf;

        if (len < 0) {
                printf("error %s\n", why);
                return;
        }
        buf = malloc(len + 1);
        r = libusb_control_transfer(handle, LIBUSB_ENDPOINT_IN | LIBUSB_RECIPIENT_INTERFACE,
                                    LIBUSB_REQUEST_GET_DESCRIPTOR, 0x2200, 0, buf, len, 1000);
        if (r < 0) {
                printf("error %s\n", libusb_error_name(r));
        } else {
                printf("ok %d ", r);
                print_hex(buf, r);
                printf("\n");
        }
        free(buf);
}

static void cmd_get(int id, int len, int timeout)
{
        unsigned char buf[256];
        int r = libusb_control_transfer(handle, 0xa1, 0x01, 0x0300 | id, 0, buf, len, timeout);

        if (r < 0) {
                printf("error %s\n", libusb_error_name(r));
                return;
        }
        printf("ok ");
        print_hex(buf, r);
        printf("\n");
}

static void cmd_set(const char *hex, int timeout)
{
        unsigned char buf[256];
        int n = parse_hex(hex, buf, sizeof buf), r;

        if (n < 1) {
                printf("error bad hex\n");
                return;
        }
        r = libusb_control_transfer(handle, 0x21, 0x09, 0x0300 | buf[0], 0, buf, n, timeout);
        if (r < 0)
                printf("error %s\n", libusb_error_name(r));
        else
                printf("ok %d\n", r);
}

static void LIBUSB_CALL intr_cb(struct libusb_transfer *t)
{
        intr_done = true;
}

static void cmd_intr_submit(int len)
{
        int r;

        if (intr && !intr_done) {
                printf("error busy\n");
                return;
        }
        if (intr)
                libusb_free_transfer(intr);
        intr = libusb_alloc_transfer(0);
        libusb_fill_interrupt_transfer(intr, handle, 0x81, malloc(len), len, intr_cb, NULL, 0);
        intr->flags = LIBUSB_TRANSFER_FREE_BUFFER;
        intr_done = false;
        r = libusb_submit_transfer(intr);
        if (r < 0) {
                libusb_free_transfer(intr);
                intr = NULL;
                printf("error %s\n", libusb_error_name(r));
                return;
        }
        printf("ok\n");
}

static const char *transfer_status_name(enum libusb_transfer_status s)
{
        switch (s) {
        case LIBUSB_TRANSFER_COMPLETED: return "COMPLETED";
        case LIBUSB_TRANSFER_ERROR: return "ERROR";
        case LIBUSB_TRANSFER_TIMED_OUT: return "TIMED_OUT";
        case LIBUSB_TRANSFER_CANCELLED: return "CANCELLED";
        case LIBUSB_TRANSFER_STALL: return "STALL";
        case LIBUSB_TRANSFER_NO_DEVICE: return "NO_DEVICE";
        case LIBUSB_TRANSFER_OVERFLOW: return "OVERFLOW";
        }
        return "?";
}

static void cmd_intr_wait(int ms)
{
        struct timeval tv = { 0, 10 * 1000 };

        if (!intr) {
                printf("error none\n");
                return;
        }
        for (long long end = now_ms() + ms; !intr_done && now_ms() < end;)
                libusb_handle_events_timeout_completed(ctx, &tv, NULL);
        if (!intr_done) {
                printf("timeout\n");
                return;
        }
        if (intr->status == LIBUSB_TRANSFER_COMPLETED) {
                printf("ok ");
                print_hex(intr->buffer, intr->actual_length);
                printf("\n");
        } else {
                printf("status %s\n", transfer_status_name(intr->status));
        }
        libusb_free_transfer(intr);
        intr = NULL;
}

static void run(char *line)
{
        char *argv[4] = { NULL };
        int argc = 0;

        for (char *tok = strtok(line, " \t\n"); tok && argc < 4; tok = strtok(NULL, " \t\n"))
                argv[argc++] = tok;
        if (argc == 0)
                return;
        if (!strcmp(argv[0], "list")) {
                cmd_list();
        } else if (!strcmp(argv[0], "udev")) {
                cmd_udev();
        } else if (!strcmp(argv[0], "open") && argc == 2) {
                cmd_open(argv[1]);
        } else if (!strcmp(argv[0], "wrap") && argc == 2) {
                cmd_wrap(argv[1]);
        } else if (!strcmp(argv[0], "pump") && argc == 2) {
                handle_events_ms(atoi(argv[1]));
                printf("ok\n");
        } else if (!handle) {
                printf("error no handle\n");
        } else if (!strcmp(argv[0], "close")) {
                close_handle();
                printf("ok\n");
        } else if (!strcmp(argv[0], "info")) {
                cmd_info();
        } else if (!strcmp(argv[0], "claim") || !strcmp(argv[0], "release") || !strcmp(argv[0], "detach")) {
                int r = argv[0][0] == 'c' ? libusb_claim_interface(handle, 0) :
                        argv[0][0] == 'r' ? libusb_release_interface(handle, 0) :
                                            libusb_detach_kernel_driver(handle, 0);
                if (r < 0)
                        printf("error %s\n", libusb_error_name(r));
                else
                        printf("ok\n");
        } else if (!strcmp(argv[0], "driver")) {
                int r = libusb_kernel_driver_active(handle, 0);
                if (r < 0)
                        printf("error %s\n", libusb_error_name(r));
                else
                        printf("ok %d\n", r);
        } else if (!strcmp(argv[0], "string") && argc == 2) {
                unsigned char s[256];
                int r = libusb_get_string_descriptor_ascii(handle, atoi(argv[1]), s, sizeof s);
                if (r < 0)
                        printf("error %s\n", libusb_error_name(r));
                else
                        printf("ok %s\n", s);
        } else if (!strcmp(argv[0], "config")) {
                cmd_config();
        } else if (!strcmp(argv[0], "rdesc")) {
                cmd_rdesc();
        } else if (!strcmp(argv[0], "get") && argc >= 3) {
                cmd_get(strtol(argv[1], NULL, 0), atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 1000);
        } else if (!strcmp(argv[0], "set") && argc >= 2) {
                cmd_set(argv[1], argc > 2 ? atoi(argv[2]) : 1000);
        } else if (!strcmp(argv[0], "intr-submit") && argc == 2) {
                cmd_intr_submit(atoi(argv[1]));
        } else if (!strcmp(argv[0], "intr-wait") && argc == 2) {
                cmd_intr_wait(atoi(argv[1]));
        } else if (!strcmp(argv[0], "intr-cancel")) {
                int r = intr ? libusb_cancel_transfer(intr) : LIBUSB_ERROR_NOT_FOUND;
                if (r < 0)
                        printf("error %s\n", libusb_error_name(r));
                else
                        cmd_intr_wait(1000);
        } else {
                printf("error unknown command\n");
        }
}

int main(int argc, char **argv)
{
        bool discovery = !(argc > 1 && !strcmp(argv[1], "--no-discovery"));
        libusb_hotplug_callback_handle hh;
        char line[1024];
        int r;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (!discovery)
                libusb_set_option(NULL, LIBUSB_OPTION_NO_DEVICE_DISCOVERY);
        r = libusb_init(&ctx);
        if (r < 0) {
                printf("error libusb_init %s\n", libusb_error_name(r));
                return 1;
        }
        if (discovery && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG))
                libusb_hotplug_register_callback(ctx,
                                                 LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                                         LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
                                                 0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
                                                 LIBUSB_HOTPLUG_MATCH_ANY, hotplug_cb, NULL, &hh);
        printf("ready %s\n", discovery ? "discovery" : "no-discovery");
        while (fgets(line, sizeof line, stdin)) {
                if (!strncmp(line, "quit", 4))
                        break;
                run(line);
        }
        close_handle();
        libusb_exit(ctx);
        return 0;
}
