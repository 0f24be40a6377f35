/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-ups: the emulated device itself (see fake-ups.h for the model): its USB descriptors,
 * its sysfs/udev record, and its answers to control requests, including the faults.
 */
#include <errno.h>
#include <string.h>
#include <linux/usb/ch9.h>

#include "fake-ups-private.h"

/* ---- descriptors ---- */

GBytes *fake_ups_build_descriptors(const FakeUpsSpec *s)
{
        guint8 d[18 + 9 + 9 + 9 + 7], *p = d;

        p[0] = 18, p[1] = USB_DT_DEVICE, fake_ups_put16(p + 2, 0x0110);
        p[4] = 0, p[5] = 0, p[6] = 0, p[7] = 8;                        /* class per interface, EP0 8 */
        fake_ups_put16(p + 8, s->vendor_id), fake_ups_put16(p + 10, s->product_id), fake_ups_put16(p + 12, s->bcd_device);
        p[14] = s->manufacturer ? STR_MANUFACTURER : 0;
        p[15] = s->product ? STR_PRODUCT : 0;
        p[16] = s->serial ? STR_SERIAL : 0;
        p[17] = 1;
        p += 18;
        p[0] = 9, p[1] = USB_DT_CONFIG, fake_ups_put16(p + 2, sizeof d - 18);
        p[4] = 1, p[5] = 1, p[6] = 0, p[7] = 0xe0, p[8] = 0;          /* self-powered, remote wakeup */
        p += 9;
        p[0] = 9, p[1] = USB_DT_INTERFACE, p[2] = 0, p[3] = 0, p[4] = 1;
        p[5] = USB_CLASS_HID, p[6] = 0, p[7] = 0, p[8] = 0;
        p += 9;
        p[0] = 9, p[1] = HID_DT_HID, fake_ups_put16(p + 2, 0x0110), p[4] = 0x21, p[5] = 1;
        p[6] = HID_DT_REPORT, fake_ups_put16(p + 7, s->report_descriptor_len);
        p += 9;
        p[0] = 7, p[1] = USB_DT_ENDPOINT, p[2] = INTR_EP, p[3] = USB_ENDPOINT_XFER_INT;
        fake_ups_put16(p + 4, INTR_MAX_PACKET), p[6] = 10;
        return g_bytes_new(d, sizeof d);
}

static const guint8 *config_descriptor(FakeUps *u, gsize *len)
{
        gsize n;
        const guint8 *d = g_bytes_get_data(u->descriptors, &n);

        *len = n - 18;
        return d + 18;
}

static const char *string_for(FakeUps *u, guint index)
{
        switch (index) {
        case STR_PRODUCT: return u->spec.product;
        case STR_SERIAL: return u->spec.serial;
        case STR_MANUFACTURER: return u->spec.manufacturer;
        }
        return NULL;
}

/* USB string descriptor (UTF-16LE) of s into out[255] */
static int string_descriptor(const char *s, guint8 *out)
{
        g_autofree gunichar2 *w = NULL;
        glong n = 0;

        w = g_utf8_to_utf16(s, -1, NULL, &n, NULL);
        if (!w)
                return -EPIPE;
        n = MIN(n, 126);
        out[0] = 2 + 2 * n;
        out[1] = USB_DT_STRING;
        for (glong i = 0; i < n; i++)
                fake_ups_put16(out + 2 + 2 * i, w[i]);
        return out[0];
}

/* ---- the sysfs/udev record ---- */

gboolean fake_ups_valid_string(const char *s)
{
        if (!s)
                return TRUE;
        if (!g_utf8_validate(s, -1, NULL) || g_utf8_strlen(s, -1) > 126)
                return FALSE;
        for (; *s; s++)
                if ((guchar)*s < 0x20 || *s == '\\' || *s == 0x7f)
                        return FALSE;
        return TRUE;
}

/* udev's ID_VENDOR/ID_MODEL/ID_SERIAL encoding: whitespace runs -> '_', other odd chars -> '_' */
static gchar *udev_id(const char *s)
{
        GString *r = g_string_new(NULL);
        g_autofree gchar *t = g_strstrip(g_strdup(s));

        for (const char *p = t; *p; p++) {
                if (g_ascii_isspace(*p)) {
                        if (r->len == 0 || r->str[r->len - 1] != '_')
                                g_string_append_c(r, '_');
                } else if (g_ascii_isalnum(*p) || strchr("#+-.:=@_", *p)) {
                        g_string_append_c(r, *p);
                } else {
                        g_string_append_c(r, '_');
                }
        }
        return g_string_free(r, FALSE);
}

static gchar *hex(const guint8 *d, gsize n)
{
        GString *s = g_string_sized_new(2 * n + 1);

        for (gsize i = 0; i < n; i++)
                g_string_append_printf(s, "%02X", d[i]);
        return g_string_free(s, FALSE);
}

gchar *fake_ups_build_record(FakeUps *u)
{
        const FakeUpsSpec *s = &u->spec;
        GString *r = g_string_new(NULL);
        gsize dlen;
        const guint8 *d = g_bytes_get_data(u->descriptors, &dlen);
        g_autofree gchar *dhex = hex(d, dlen);
        g_autofree gchar *product = g_strdup_printf("%x/%x/%x", s->vendor_id, s->product_id, s->bcd_device);
        g_autofree gchar *modalias = g_strdup_printf("usb:v%04Xp%04Xd%04Xdc00dsc00dp00ic03isc00ip00in00",
                                                     s->vendor_id, s->product_id, s->bcd_device);
        g_autofree gchar *id_vendor = udev_id(s->manufacturer ? s->manufacturer : "");
        g_autofree gchar *id_model = udev_id(s->product ? s->product : "");
        g_autofree gchar *id_serial_short = s->serial ? udev_id(s->serial) : NULL;
        guint minor = (s->busnum - 1) * 128 + (s->devnum - 1);

        /* the device (emits "add" first), then its interface */
        g_string_append_printf(r, "P: %s\n", u->syspath + strlen("/sys"));
        g_string_append_printf(r, "N: bus/usb/%03u/%03u=%s\n", s->busnum, s->devnum, dhex);
        g_string_append_printf(r, "E: DEVNAME=%s\n", u->devnode);
        g_string_append(r, "E: DEVTYPE=usb_device\nE: DRIVER=usb\n");
        g_string_append_printf(r, "E: PRODUCT=%s\nE: TYPE=0/0/0\n", product);
        g_string_append_printf(r, "E: BUSNUM=%03u\nE: DEVNUM=%03u\n", s->busnum, s->devnum);
        g_string_append_printf(r, "E: MAJOR=%u\nE: MINOR=%u\n", USB_MAJOR_DEV, minor);
        g_string_append(r, "E: SUBSYSTEM=usb\nE: ID_BUS=usb\n");
        g_string_append_printf(r, "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\nE: ID_REVISION=%04x\n",
                               s->vendor_id, s->product_id, s->bcd_device);
        if (s->manufacturer)
                g_string_append_printf(r, "E: ID_VENDOR=%s\n", id_vendor);
        if (s->product)
                g_string_append_printf(r, "E: ID_MODEL=%s\n", id_model);
        if (s->serial)
                g_string_append_printf(r, "E: ID_SERIAL=%s_%s_%s\nE: ID_SERIAL_SHORT=%s\n",
                                       id_vendor, id_model, id_serial_short, id_serial_short);
        else
                g_string_append_printf(r, "E: ID_SERIAL=%s_%s\n", id_vendor, id_model);
        g_string_append(r, "E: ID_USB_INTERFACES=:030000:\n");
        g_string_append(r, "A: authorized=1\nA: avoid_reset_quirk=0\nA: bConfigurationValue=1\n"
                           "A: bDeviceClass=00\nA: bDeviceProtocol=00\nA: bDeviceSubClass=00\n"
                           "A: bMaxPacketSize0=8\nA: bMaxPower=0mA\nA: bNumConfigurations=1\n"
                           "A: bNumInterfaces= 1\nA: bmAttributes=e0\nA: maxchild=0\n"
                           "A: removable=removable\nA: speed=12\nA: version= 1.10\n");
        g_string_append_printf(r, "A: bcdDevice=%04x\nA: busnum=%u\nA: devnum=%u\nA: devpath=%u\n",
                               s->bcd_device, s->busnum, s->devnum, s->port);
        g_string_append_printf(r, "A: dev=%u:%u\nA: idVendor=%04x\nA: idProduct=%04x\n",
                               USB_MAJOR_DEV, minor, s->vendor_id, s->product_id);
        if (s->manufacturer)
                g_string_append_printf(r, "A: manufacturer=%s\n", s->manufacturer);
        if (s->product)
                g_string_append_printf(r, "A: product=%s\n", s->product);
        if (s->serial)
                g_string_append_printf(r, "A: serial=%s\n", s->serial);
        g_string_append_printf(r, "H: descriptors=%s\n", dhex);
        g_string_append(r, "L: driver=../../../../../bus/usb/drivers/usb\n\n");

        g_string_append_printf(r, "P: %s\n", u->iface_syspath + strlen("/sys"));
        g_string_append(r, "E: DEVTYPE=usb_interface\n");
        if (u->spec.kernel_driver)
                g_string_append_printf(r, "E: DRIVER=%s\n", u->spec.kernel_driver);
        g_string_append_printf(r, "E: PRODUCT=%s\nE: TYPE=0/0/0\nE: INTERFACE=3/0/0\nE: MODALIAS=%s\n",
                               product, modalias);
        g_string_append(r, "E: SUBSYSTEM=usb\n");
        g_string_append(r, "A: authorized=1\nA: bAlternateSetting= 0\nA: bInterfaceClass=03\n"
                           "A: bInterfaceNumber=00\nA: bInterfaceProtocol=00\nA: bInterfaceSubClass=00\n"
                           "A: bNumEndpoints=01\nA: supports_autosuspend=1\n");
        g_string_append_printf(r, "A: modalias=%s\n\n", modalias);
        return g_string_free(r, FALSE);
}

gboolean fake_ups_add_root_hub(UMockdevTestbed *tb, guint8 busnum, GError **error)
{
        static const guint8 desc[] = {
                0x12, 0x01, 0x00, 0x02, 0x09, 0x00, 0x01, 0x40, 0x6b, 0x1d, 0x02, 0x00, 0x06, 0x06,
                0x03, 0x02, 0x01, 0x01, 0x09, 0x02, 0x19, 0x00, 0x01, 0x01, 0x00, 0xe0, 0x00, 0x09,
                0x04, 0x00, 0x00, 0x01, 0x09, 0x00, 0x00, 0x00, 0x07, 0x05, 0x81, 0x03, 0x04, 0x00,
                0x0c,
        };
        g_autofree gchar *sys = umockdev_testbed_get_sys_dir(tb);
        g_autofree gchar *pci = g_strconcat(sys, HOST_PCI, NULL);
        g_autofree gchar *dhex = hex(desc, sizeof desc);
        g_autoptr(GString) r = g_string_new(NULL);

        g_return_val_if_fail(busnum >= 1, FALSE);
        g_string_append_printf(r, "P: " HOST_PCI "/usb%u\n", busnum);
        g_string_append_printf(r, "N: bus/usb/%03u/001\nE: DEVNAME=/dev/bus/usb/%03u/001\n", busnum, busnum);
        g_string_append(r, "E: DEVTYPE=usb_device\nE: DRIVER=usb\nE: PRODUCT=1d6b/2/606\nE: TYPE=9/0/1\n");
        g_string_append_printf(r, "E: BUSNUM=%03u\nE: DEVNUM=001\nE: MAJOR=%u\nE: MINOR=%u\n", busnum,
                               USB_MAJOR_DEV, (busnum - 1) * 128);
        g_string_append(r, "E: SUBSYSTEM=usb\nA: bDeviceClass=09\nA: bConfigurationValue=1\n");
        g_string_append_printf(r, "A: busnum=%u\nA: devnum=1\n", busnum);
        g_string_append(r, "A: idProduct=0002\nA: idVendor=1d6b\nA: speed=480\n");
        g_string_append_printf(r, "H: descriptors=%s\n", dhex);
        g_string_append(r, "L: driver=../../../../bus/usb/drivers/usb\n\n");
        if (!g_file_test(pci, G_FILE_TEST_IS_DIR))
                g_string_append(r, "P: " HOST_PCI "\nE: DRIVER=xhci_hcd\nE: PCI_CLASS=C0330\n"
                                   "E: PCI_ID=8086:A36D\nE: SUBSYSTEM=pci\n"
                                   "L: driver=../../../bus/pci/drivers/xhci_hcd\n\n");
        return umockdev_testbed_add_from_string(tb, r->str, error);
}

void fake_ups_count_request(FakeUps *u, const guint8 *setup)
{
        guint8 type = setup[3], id = setup[2];

        u->stats.control_transfers++;
        if (setup[0] == 0xa1 && setup[1] == HID_GET_REPORT && type == HID_REPORT_FEATURE)
                u->stats.get_report[id]++;
        else if (setup[0] == 0x21 && setup[1] == HID_SET_REPORT && type == HID_REPORT_FEATURE)
                u->stats.set_report[id]++;
}

void fake_ups_set_report_free(gpointer p)
{
        FakeUpsSetReport *s = p;

        g_bytes_unref(s->bytes);
        g_free(s);
}

static void log_set_report(FakeUps *u, guint8 id, GBytes *bytes)
{
        FakeUpsSetReport *s = g_new(FakeUpsSetReport, 1);

        *s = (FakeUpsSetReport){ .time = g_get_monotonic_time(), .id = id, .bytes = g_bytes_ref(bytes) };
        g_ptr_array_add(u->set_log, s);
}

/*
 * Answers one control transfer. setup: the 8 setup bytes; data: wLength bytes (IN: to fill, OUT: the
 * payload). Returns the number of data bytes transferred, or -errno as URB status (-EPIPE = stall).
 */
int fake_ups_control(FakeUps *u, const guint8 *setup, guint8 *data)
{
        guint8 bm = setup[0], req = setup[1];
        guint value = setup[2] | setup[3] << 8, index = setup[4] | setup[5] << 8;
        guint length = setup[6] | setup[7] << 8;
        guint8 type = value >> 8, id = value & 0xff;
        guint8 tmp[256];
        const guint8 *answer = NULL;
        gsize n = 0;

        if (u->fault == FAKE_UPS_STALL)
                return -EPIPE;

        switch (bm << 8 | req) {
        case 0x8000 | USB_REQ_GET_STATUS:
                tmp[0] = 1, tmp[1] = 0;                 /* self-powered */
                answer = tmp, n = 2;
                break;
        case 0x8100 | USB_REQ_GET_STATUS:
        case 0x8200 | USB_REQ_GET_STATUS:
                tmp[0] = tmp[1] = 0;
                answer = tmp, n = 2;
                break;
        case 0x8000 | USB_REQ_GET_CONFIGURATION:
                tmp[0] = 1;
                answer = tmp, n = 1;
                break;
        case 0x0000 | USB_REQ_SET_CONFIGURATION:
                return value <= 1 ? 0 : -EPIPE;
        case 0x8000 | USB_REQ_GET_DESCRIPTOR:
                if (type == USB_DT_DEVICE) {
                        answer = g_bytes_get_data(u->descriptors, NULL), n = 18;
                } else if (type == USB_DT_CONFIG && id == 0) {
                        answer = config_descriptor(u, &n);
                } else if (type == USB_DT_STRING && id == 0) {
                        tmp[0] = 4, tmp[1] = USB_DT_STRING, tmp[2] = 0x09, tmp[3] = 0x04;
                        answer = tmp, n = 4;
                } else if (type == USB_DT_STRING && string_for(u, id)) {
                        answer = tmp, n = string_descriptor(string_for(u, id), tmp);
                } else {
                        return -EPIPE;
                }
                break;
        case 0x8100 | USB_REQ_GET_DESCRIPTOR:
                if (index != 0)
                        return -EPIPE;
                if (type == HID_DT_REPORT) {
                        answer = g_bytes_get_data(u->rdesc, &n);
                } else if (type == HID_DT_HID) {
                        answer = config_descriptor(u, &n) + 18, n = 9;
                } else {
                        return -EPIPE;
                }
                break;
        case 0xa100 | HID_GET_REPORT: {
                if (type != HID_REPORT_FEATURE || !u->feature[id])
                        return -EPIPE;
                answer = g_bytes_get_data(u->feature[id], &n);
                if (u->fault == FAKE_UPS_SHORT_REPORTS && n > 1) {
                        n--;
                } else if (u->fault == FAKE_UPS_GARBAGE) {
                        for (gsize i = 0; i < n && i < sizeof tmp; i++)
                                tmp[i] = g_rand_int_range(u->rand, 0, 256);
                        answer = tmp, n = MIN(n, sizeof tmp);
                }
                break;
        }
        case 0x2100 | HID_SET_REPORT:
                if (type != HID_REPORT_FEATURE || !u->feature[id] || length == 0 || data[0] != id)
                        return -EPIPE;
                g_clear_pointer(&u->last_set[id], g_bytes_unref);
                u->last_set[id] = g_bytes_new(data, length);
                g_bytes_unref(u->feature[id]);
                u->feature[id] = g_bytes_ref(u->last_set[id]);
                log_set_report(u, id, u->last_set[id]);
                return length;
        case 0xa100 | HID_GET_IDLE:
        case 0xa100 | HID_GET_PROTOCOL:
                tmp[0] = (req == HID_GET_PROTOCOL);     /* report protocol */
                answer = tmp, n = 1;
                break;
        case 0x2100 | HID_SET_IDLE:
        case 0x2100 | HID_SET_PROTOCOL:
                return 0;
        default:
                return -EPIPE;
        }
        n = MIN(n, length);
        if (n > 0)
                memcpy(data, answer, n);
        return n;
}
