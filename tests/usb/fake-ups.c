/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake-ups: a USB HID UPS in a umockdev testbed (see fake-ups.h for the model).
 *
 * umockdev forwards every ioctl on the attached device node, from any process of the testbed, to
 * the "handle-ioctl" signal of our UMockdevIoctlBase, in umockdev's worker thread. Each open() of the
 * node is one UMockdevIoctlClient. URBs are resolved into local copies (UMockdevIoctlData) when they
 * are submitted; completing one means queueing it on its client's "done" list, from which REAPURB
 * hands it back (umockdev_ioctl_data_set_ptr() + complete() flush the URB and its buffer to the
 * client). Nothing has to wake the client: the node is a regular file, libusb's poll() always
 * returns and it reaps with REAPURBNDELAY until EAGAIN.
 */
#include "fake-ups.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usb/ch9.h>
#include <linux/usbdevice_fs.h>

#define USB_MAJOR_DEV 189
#define HOST_PCI "/devices/pci0000:00/0000:00:14.0"
#define INTR_EP 0x81
#define INTR_MAX_PACKET 8

/* string descriptor indices, as on APC units */
enum { STR_PRODUCT = 1, STR_SERIAL = 2, STR_MANUFACTURER = 3, N_STRINGS };

/* HID class requests */
enum { HID_GET_REPORT = 0x01, HID_GET_IDLE = 0x02, HID_GET_PROTOCOL = 0x03,
       HID_SET_REPORT = 0x09, HID_SET_IDLE = 0x0a, HID_SET_PROTOCOL = 0x0b };
enum { HID_REPORT_INPUT = 1, HID_REPORT_OUTPUT = 2, HID_REPORT_FEATURE = 3 };
enum { HID_DT_HID = 0x21, HID_DT_REPORT = 0x22 };

typedef struct {
        UMockdevIoctlClient *client;    /* ref */
        guint generation;               /* plug generation the node was opened in */
        gboolean claimed;
        GQueue done;                    /* UMockdevIoctlData* (URBs) waiting for REAPURB */
} Client;

typedef struct {
        UMockdevIoctlData *urb;         /* ref; the resolved struct usbdevfs_urb, buffer resolved */
        Client *client;
} Urb;

struct FakeUps {
        UMockdevTestbed *tb;            /* ref */
        UMockdevIoctlBase *handler;
        gboolean attached;
        gchar *syspath, *iface_syspath, *devnode;
        gchar *manufacturer, *product, *serial, *kernel_driver;
        FakeUpsSpec spec;               /* strings/rdesc point at our copies */
        GBytes *rdesc;
        GBytes *descriptors;            /* device + configuration descriptor */

        GMutex lock;                    /* everything below */
        GCond changed;
        gboolean plugged;
        guint generation;
        gboolean driver_bound;
        FakeUpsFault fault;
        GRand *rand;
        GHashTable *clients;            /* UMockdevIoctlClient* -> Client* */
        GQueue intr_pending;            /* Urb*: interrupt-IN URBs waiting for a report */
        GQueue held;                    /* Urb*: control URBs held by FAKE_UPS_HANG */
        GQueue intr_queued;             /* GBytes*: reports waiting for an interrupt-IN URB */
        GBytes *feature[256];
        GBytes *last_set[256];
        GPtrArray *set_log;             /* FakeUpsSetReport*: accepted SET_REPORTs, oldest first */
        FakeUpsStats stats;             /* counters only; the gauges are computed */
};

/* ---- descriptors ---- */

static void put16(guint8 *p, guint v)
{
        p[0] = v & 0xff;
        p[1] = (v >> 8) & 0xff;
}

static GBytes *build_descriptors(const FakeUpsSpec *s)
{
        guint8 d[18 + 9 + 9 + 9 + 7], *p = d;

        p[0] = 18, p[1] = USB_DT_DEVICE, put16(p + 2, 0x0110);
        p[4] = 0, p[5] = 0, p[6] = 0, p[7] = 8;                        /* class per interface, EP0 8 */
        put16(p + 8, s->vendor_id), put16(p + 10, s->product_id), put16(p + 12, s->bcd_device);
        p[14] = s->manufacturer ? STR_MANUFACTURER : 0;
        p[15] = s->product ? STR_PRODUCT : 0;
        p[16] = s->serial ? STR_SERIAL : 0;
        p[17] = 1;
        p += 18;
        p[0] = 9, p[1] = USB_DT_CONFIG, put16(p + 2, sizeof d - 18);
        p[4] = 1, p[5] = 1, p[6] = 0, p[7] = 0xe0, p[8] = 0;          /* self-powered, remote wakeup */
        p += 9;
        p[0] = 9, p[1] = USB_DT_INTERFACE, p[2] = 0, p[3] = 0, p[4] = 1;
        p[5] = USB_CLASS_HID, p[6] = 0, p[7] = 0, p[8] = 0;
        p += 9;
        p[0] = 9, p[1] = HID_DT_HID, put16(p + 2, 0x0110), p[4] = 0x21, p[5] = 1;
        p[6] = HID_DT_REPORT, put16(p + 7, s->report_descriptor_len);
        p += 9;
        p[0] = 7, p[1] = USB_DT_ENDPOINT, p[2] = INTR_EP, p[3] = USB_ENDPOINT_XFER_INT;
        put16(p + 4, INTR_MAX_PACKET), p[6] = 10;
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
                put16(out + 2 + 2 * i, w[i]);
        return out[0];
}

/* ---- the sysfs/udev record ---- */

static gboolean valid_string(const char *s)
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

static gchar *build_record(FakeUps *u)
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

/* ---- state helpers (lock held) ---- */

static gboolean client_dead(FakeUps *u, Client *c)
{
        return !u->plugged || c->generation != u->generation;
}

static void urb_finish(Urb *x, int status, int actual_length)
{
        struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;

        urb->status = status;
        urb->actual_length = actual_length;
        g_queue_push_tail(&x->client->done, x->urb);    /* the queue takes the ref */
        g_free(x);
}

static void fill_interrupt(Urb *x, GBytes *report)
{
        struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;
        gsize n;
        const guint8 *d = g_bytes_get_data(report, &n);

        n = MIN(n, (gsize)urb->buffer_length);
        memcpy(urb->buffer, d, n);
        urb_finish(x, 0, n);
}

static void drop_client_urbs(GQueue *q, Client *c)
{
        for (GList *l = q->head, *next; l; l = next) {
                Urb *x = l->data;

                next = l->next;
                if (x->client == c) {
                        g_object_unref(x->urb);
                        g_free(x);
                        g_queue_delete_link(q, l);
                }
        }
}

static void client_free(gpointer data)
{
        Client *c = data;

        g_queue_clear_full(&c->done, g_object_unref);
        g_object_unref(c->client);
        g_free(c);
}

static Client *client_get(FakeUps *u, UMockdevIoctlClient *ic)
{
        Client *c = g_hash_table_lookup(u->clients, ic);

        if (!c) {
                c = g_new0(Client, 1);
                c->client = g_object_ref(ic);
                c->generation = u->generation;
                g_queue_init(&c->done);
                g_hash_table_insert(u->clients, ic, c);
        }
        return c;
}

static gboolean interface_claimed_by_other(FakeUps *u, Client *me)
{
        GHashTableIter it;
        gpointer v;

        g_hash_table_iter_init(&it, u->clients);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
                Client *c = v;

                if (c != me && c->claimed && !client_dead(u, c))
                        return TRUE;
        }
        return FALSE;
}

static void count_request(FakeUps *u, const guint8 *setup)
{
        guint8 type = setup[3], id = setup[2];

        u->stats.control_transfers++;
        if (setup[0] == 0xa1 && setup[1] == HID_GET_REPORT && type == HID_REPORT_FEATURE)
                u->stats.get_report[id]++;
        else if (setup[0] == 0x21 && setup[1] == HID_SET_REPORT && type == HID_REPORT_FEATURE)
                u->stats.set_report[id]++;
}

static void set_report_free(gpointer p)
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
static int control(FakeUps *u, const guint8 *setup, guint8 *data)
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

static void control_urb_complete(FakeUps *u, Urb *x)
{
        struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;
        guint8 *setup = urb->buffer;
        int r = control(u, setup, setup + 8);

        urb_finish(x, r < 0 ? r : 0, r < 0 ? 0 : r);
}

/* ---- the ioctl handler (umockdev worker thread) ---- */

static UMockdevIoctlData *resolve(UMockdevIoctlData *d, gsize offset, gsize len)
{
        g_autoptr(GError) error = NULL;
        UMockdevIoctlData *r = umockdev_ioctl_data_resolve(d, offset, len, &error);

        if (!r)
                g_warning("fake-ups: cannot resolve ioctl data: %s", error->message);
        return r;
}

/* returns the errno to complete with, 0 on success */
static int submit_urb(FakeUps *u, Client *c, UMockdevIoctlData *arg)
{
        g_autoptr(UMockdevIoctlData) ud = resolve(arg, 0, sizeof(struct usbdevfs_urb));
        g_autoptr(UMockdevIoctlData) bd = NULL;
        struct usbdevfs_urb *urb;
        Urb *x;

        if (!ud)
                return EFAULT;
        urb = (struct usbdevfs_urb *)ud->data;
        if (urb->buffer_length < 0 || (urb->buffer_length > 0 && !urb->buffer))
                return EINVAL;
        if (urb->buffer_length > 0) {
                bd = resolve(ud, G_STRUCT_OFFSET(struct usbdevfs_urb, buffer), urb->buffer_length);
                if (!bd)
                        return EFAULT;
        }
        x = g_new0(Urb, 1);
        x->client = c;
        x->urb = g_object_ref(ud);                     /* keeps bd alive as its child */

        if (urb->type == USBDEVFS_URB_TYPE_CONTROL && urb->endpoint == 0) {
                const guint8 *setup = urb->buffer;

                if (urb->buffer_length < 8 || (setup[6] | setup[7] << 8) > urb->buffer_length - 8)
                        goto invalid;
                count_request(u, setup);
                if (u->fault == FAKE_UPS_HANG)
                        g_queue_push_tail(&u->held, x);
                else
                        control_urb_complete(u, x);
        } else if (urb->type == USBDEVFS_URB_TYPE_INTERRUPT && urb->endpoint == INTR_EP) {
                GBytes *report = g_queue_pop_head(&u->intr_queued);

                if (report) {
                        fill_interrupt(x, report);
                        u->stats.interrupt_reports_delivered++;
                        g_bytes_unref(report);
                } else {
                        g_queue_push_tail(&u->intr_pending, x);
                }
        } else if (urb->endpoint == 0 || urb->endpoint == INTR_EP) {
                goto invalid;                           /* wrong transfer type for the endpoint */
        } else {
                g_object_unref(x->urb);
                g_free(x);
                return ENOENT;                          /* no such endpoint */
        }
        return 0;
invalid:
        g_object_unref(x->urb);
        g_free(x);
        return EINVAL;
}

/* *reaped: the URB handed back, to be unreffed after the ioctl is completed (flushed) */
static int reap_urb(Client *c, UMockdevIoctlData *arg, gboolean dead, UMockdevIoctlData **reaped)
{
        g_autoptr(UMockdevIoctlData) ptr = NULL;

        if (g_queue_is_empty(&c->done))
                return dead ? ENODEV : EAGAIN;
        ptr = resolve(arg, 0, sizeof(gpointer));
        if (!ptr)
                return EFAULT;
        *reaped = g_queue_pop_head(&c->done);
        umockdev_ioctl_data_set_ptr(ptr, 0, *reaped);   /* *arg = the client's URB pointer */
        return 0;
}

static gboolean discard_from(GQueue *q, Client *c, gulong addr)
{
        for (GList *l = q->head; l; l = l->next) {
                Urb *x = l->data;

                if (x->client == c && x->urb->client_addr == addr) {
                        g_queue_delete_link(q, l);
                        urb_finish(x, -ENOENT, 0);
                        return TRUE;
                }
        }
        return FALSE;
}

static int sync_control(FakeUps *u, UMockdevIoctlData *arg, long *result)
{
        g_autoptr(UMockdevIoctlData) cd = resolve(arg, 0, sizeof(struct usbdevfs_ctrltransfer));
        g_autoptr(UMockdevIoctlData) dd = NULL;
        struct usbdevfs_ctrltransfer *ct;
        guint8 setup[8], empty[1];
        int r;

        if (!cd)
                return EFAULT;
        ct = (struct usbdevfs_ctrltransfer *)cd->data;
        if (ct->wLength > 0) {
                dd = resolve(cd, G_STRUCT_OFFSET(struct usbdevfs_ctrltransfer, data), ct->wLength);
                if (!dd)
                        return EFAULT;
        }
        setup[0] = ct->bRequestType, setup[1] = ct->bRequest;
        put16(setup + 2, ct->wValue), put16(setup + 4, ct->wIndex), put16(setup + 6, ct->wLength);
        count_request(u, setup);
        if (u->fault == FAKE_UPS_HANG)
                return ETIMEDOUT;
        r = control(u, setup, dd ? dd->data : empty);
        if (r < 0)
                return -r;
        *result = r;
        return 0;
}

static int handle(FakeUps *u, Client *c, gulong request, UMockdevIoctlData *arg, long *result,
                  UMockdevIoctlData **reaped)
{
        gboolean dead = client_dead(u, c);
        g_autoptr(UMockdevIoctlData) d = NULL;

        /* a vanished device still gives back its URBs */
        if (dead && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY)
                return ENODEV;

        switch (request) {
        case USBDEVFS_GET_CAPABILITIES:
                if (!(d = resolve(arg, 0, sizeof(guint32))))
                        return EFAULT;
                *(guint32 *)d->data = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                                      USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
                return 0;
        case USBDEVFS_CONNECTINFO: {
                struct usbdevfs_connectinfo *ci;

                if (!(d = resolve(arg, 0, sizeof *ci)))
                        return EFAULT;
                ci = (struct usbdevfs_connectinfo *)d->data;
                ci->devnum = u->spec.devnum;
                ci->slow = 0;
                return 0;
        }
        case USBDEVFS_GET_SPEED:
                *result = USB_SPEED_FULL;
                return 0;
        case USBDEVFS_GETDRIVER: {
                struct usbdevfs_getdriver *gd;

                if (!(d = resolve(arg, 0, sizeof *gd)))
                        return EFAULT;
                gd = (struct usbdevfs_getdriver *)d->data;
                if (gd->interface != 0 || !u->driver_bound)
                        return ENODATA;
                g_strlcpy(gd->driver, u->spec.kernel_driver, sizeof gd->driver);
                return 0;
        }
        case USBDEVFS_IOCTL: {
                struct usbdevfs_ioctl *io;

                if (!(d = resolve(arg, 0, sizeof *io)))
                        return EFAULT;
                io = (struct usbdevfs_ioctl *)d->data;
                if (io->ifno != 0)
                        return EINVAL;
                if (io->ioctl_code == USBDEVFS_DISCONNECT) {
                        if (!u->driver_bound)
                                return ENODATA;
                        u->driver_bound = FALSE;
                        return 0;
                }
                if (io->ioctl_code == USBDEVFS_CONNECT) {
                        u->driver_bound = u->spec.kernel_driver && !c->claimed;
                        return 0;
                }
                return ENOTTY;
        }
        case USBDEVFS_CLAIMINTERFACE:
        case USBDEVFS_DISCONNECT_CLAIM:
        case USBDEVFS_RELEASEINTERFACE: {
                guint ifno;

                if (!(d = resolve(arg, 0, sizeof(guint))))
                        return EFAULT;
                ifno = *(guint *)d->data;
                if (ifno != 0)
                        return ENOENT;
                if (request == USBDEVFS_RELEASEINTERFACE) {
                        if (!c->claimed)
                                return EINVAL;
                        c->claimed = FALSE;
                        return 0;
                }
                if (c->claimed)
                        return 0;
                if (interface_claimed_by_other(u, c))
                        return EBUSY;
                if (u->driver_bound) {
                        if (request == USBDEVFS_CLAIMINTERFACE)
                                return EBUSY;
                        u->driver_bound = FALSE;
                }
                c->claimed = TRUE;
                return 0;
        }
        case USBDEVFS_SETINTERFACE:
        case USBDEVFS_SETCONFIGURATION:
        case USBDEVFS_CLEAR_HALT:
        case USBDEVFS_RESETEP:
        case USBDEVFS_RESET:
                return 0;
        case USBDEVFS_CONTROL:
                return sync_control(u, arg, result);
        case USBDEVFS_SUBMITURB:
                return submit_urb(u, c, arg);
        case USBDEVFS_REAPURB:          /* never blocks here: libusb only uses REAPURBNDELAY */
        case USBDEVFS_REAPURBNDELAY:
                return reap_urb(c, arg, dead, reaped);
        case USBDEVFS_DISCARDURB: {
                gulong addr = 0;

                memcpy(&addr, arg->data, MIN(sizeof addr, (gsize)arg->data_len));
                if (discard_from(&u->intr_pending, c, addr) || discard_from(&u->held, c, addr)) {
                        u->stats.discarded_urbs++;
                        return 0;
                }
                return EINVAL;          /* already completed */
        }
        default:
                g_debug("fake-ups %s: unhandled ioctl 0x%lx", u->devnode, request);
                return ENOTTY;
        }
}

static gboolean on_handle_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *ic, gpointer user_data)
{
        FakeUps *u = user_data;
        g_autoptr(UMockdevIoctlData) reaped = NULL;
        long result = 0;
        int err;

        g_mutex_lock(&u->lock);
        err = handle(u, client_get(u, ic), umockdev_ioctl_client_get_request(ic),
                     umockdev_ioctl_client_get_arg(ic), &result, &reaped);
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
        /* outside the lock (umockdev may emit client-vanished from here); a reaped URB belongs to
         * nobody else any more, so it cannot change under the flush */
        umockdev_ioctl_client_complete(ic, err ? -1 : result, err);
        return TRUE;
}

static void on_client_connected(UMockdevIoctlBase *base, UMockdevIoctlClient *ic, gpointer user_data)
{
        FakeUps *u = user_data;

        g_mutex_lock(&u->lock);
        client_get(u, ic);
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
}

static void on_client_vanished(UMockdevIoctlBase *base, UMockdevIoctlClient *ic, gpointer user_data)
{
        FakeUps *u = user_data;
        Client *c;

        g_mutex_lock(&u->lock);
        c = g_hash_table_lookup(u->clients, ic);
        if (c) {
                drop_client_urbs(&u->intr_pending, c);
                drop_client_urbs(&u->held, c);
                g_hash_table_remove(u->clients, ic);
        }
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
}

/* ---- public API ---- */

FakeUps *fake_ups_new(UMockdevTestbed *tb, const FakeUpsSpec *spec)
{
        FakeUps *u;

        g_return_val_if_fail(UMOCKDEV_IS_TESTBED(tb), NULL);
        g_return_val_if_fail(spec != NULL, NULL);
        g_return_val_if_fail(spec->busnum >= 1, NULL);
        g_return_val_if_fail(spec->devnum >= 2 && spec->devnum <= 127, NULL);
        g_return_val_if_fail(spec->port >= 1, NULL);
        g_return_val_if_fail(spec->report_descriptor_len <= 0xffff, NULL);
        g_return_val_if_fail(spec->report_descriptor || spec->report_descriptor_len == 0, NULL);
        g_return_val_if_fail(valid_string(spec->manufacturer) && valid_string(spec->product) &&
                             valid_string(spec->serial), NULL);

        u = g_new0(FakeUps, 1);
        u->tb = g_object_ref(tb);
        u->spec = *spec;
        if (!u->spec.bcd_device)
                u->spec.bcd_device = 0x0106;
        u->spec.manufacturer = u->manufacturer = g_strdup(spec->manufacturer);
        u->spec.product = u->product = g_strdup(spec->product);
        u->spec.serial = u->serial = g_strdup(spec->serial);
        u->spec.kernel_driver = u->kernel_driver = g_strdup(spec->kernel_driver);
        u->rdesc = g_bytes_new(spec->report_descriptor, spec->report_descriptor_len);
        u->spec.report_descriptor = g_bytes_get_data(u->rdesc, NULL);
        u->descriptors = build_descriptors(&u->spec);
        u->syspath = g_strdup_printf("/sys" HOST_PCI "/usb%u/%u-%u", spec->busnum, spec->busnum, spec->port);
        u->iface_syspath = g_strdup_printf("%s/%u-%u:1.0", u->syspath, spec->busnum, spec->port);
        u->devnode = g_strdup_printf("/dev/bus/usb/%03u/%03u", spec->busnum, spec->devnum);

        g_mutex_init(&u->lock);
        g_cond_init(&u->changed);
        u->rand = g_rand_new_with_seed(0x5eed);
        u->set_log = g_ptr_array_new_with_free_func(set_report_free);
        u->clients = g_hash_table_new_full(NULL, NULL, NULL, client_free);
        g_queue_init(&u->intr_pending);
        g_queue_init(&u->held);
        g_queue_init(&u->intr_queued);

        u->handler = umockdev_ioctl_base_new();
        g_signal_connect(u->handler, "handle-ioctl", G_CALLBACK(on_handle_ioctl), u);
        g_signal_connect(u->handler, "client-connected", G_CALLBACK(on_client_connected), u);
        g_signal_connect(u->handler, "client-vanished", G_CALLBACK(on_client_vanished), u);
        return u;
}

static void urb_free(gpointer data)
{
        Urb *x = data;

        g_object_unref(x->urb);
        g_free(x);
}

void fake_ups_free(FakeUps *u)
{
        if (!u)
                return;
        if (fake_ups_is_plugged(u))
                fake_ups_unplug(u);
        g_signal_handlers_disconnect_by_data(u->handler, u);
        if (u->attached)
                umockdev_testbed_detach_ioctl(u->tb, u->devnode, NULL);
        g_object_unref(u->handler);

        g_queue_clear_full(&u->intr_pending, urb_free);
        g_queue_clear_full(&u->held, urb_free);
        g_queue_clear_full(&u->intr_queued, (GDestroyNotify)g_bytes_unref);
        g_hash_table_destroy(u->clients);
        for (guint i = 0; i < 256; i++) {
                g_clear_pointer(&u->feature[i], g_bytes_unref);
                g_clear_pointer(&u->last_set[i], g_bytes_unref);
        }
        g_ptr_array_unref(u->set_log);
        g_rand_free(u->rand);
        g_cond_clear(&u->changed);
        g_mutex_clear(&u->lock);
        g_bytes_unref(u->rdesc);
        g_bytes_unref(u->descriptors);
        g_free(u->syspath);
        g_free(u->iface_syspath);
        g_free(u->devnode);
        g_free(u->manufacturer);
        g_free(u->product);
        g_free(u->serial);
        g_free(u->kernel_driver);
        g_object_unref(u->tb);
        g_free(u);
}

const char *fake_ups_get_syspath(FakeUps *u)
{
        return u->syspath;
}

const char *fake_ups_get_devnode(FakeUps *u)
{
        return u->devnode;
}

GBytes *fake_ups_get_descriptors(FakeUps *u)
{
        return g_bytes_ref(u->descriptors);
}

gboolean fake_ups_plug(FakeUps *u, GError **error)
{
        g_autofree gchar *record = NULL;

        g_return_val_if_fail(!fake_ups_is_plugged(u), FALSE);
        /* the handler must be in place before the node appears and "add" goes out */
        if (!u->attached) {
                if (!umockdev_testbed_attach_ioctl(u->tb, u->devnode, u->handler, error))
                        return FALSE;
                u->attached = TRUE;
        }
        g_mutex_lock(&u->lock);
        u->plugged = TRUE;
        u->generation++;
        u->driver_bound = u->spec.kernel_driver != NULL;
        g_mutex_unlock(&u->lock);

        record = build_record(u);
        if (!umockdev_testbed_add_from_string(u->tb, record, error)) {
                g_mutex_lock(&u->lock);
                u->plugged = FALSE;
                g_mutex_unlock(&u->lock);
                return FALSE;
        }
        g_mutex_lock(&u->lock);
        u->stats.plug_count++;
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
        return TRUE;
}

void fake_ups_unplug(FakeUps *u)
{
        Urb *x;

        g_return_if_fail(fake_ups_is_plugged(u));
        /* like the kernel: the device is gone for the open fds first, its URBs die, then the uevent */
        g_mutex_lock(&u->lock);
        u->plugged = FALSE;
        while ((x = g_queue_pop_head(&u->intr_pending)))
                urb_finish(x, -ESHUTDOWN, 0);
        while ((x = g_queue_pop_head(&u->held)))
                urb_finish(x, -ESHUTDOWN, 0);
        g_queue_clear_full(&u->intr_queued, (GDestroyNotify)g_bytes_unref);
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);

        umockdev_testbed_uevent(u->tb, u->iface_syspath, "remove");
        umockdev_testbed_uevent(u->tb, u->syspath, "remove");
        umockdev_testbed_remove_device(u->tb, u->iface_syspath);
        umockdev_testbed_remove_device(u->tb, u->syspath);
}

gboolean fake_ups_is_plugged(FakeUps *u)
{
        gboolean r;

        g_mutex_lock(&u->lock);
        r = u->plugged;
        g_mutex_unlock(&u->lock);
        return r;
}

static gboolean parse_hex_bytes(char **tokens, GByteArray *out)
{
        for (; *tokens; tokens++) {
                const char *t = *tokens;
                int hi, lo;

                if (strlen(t) != 2 || (hi = g_ascii_xdigit_value(t[0])) < 0 ||
                    (lo = g_ascii_xdigit_value(t[1])) < 0)
                        return FALSE;
                g_byte_array_append(out, (guint8[]){ hi << 4 | lo }, 1);
        }
        return TRUE;
}

gboolean fake_ups_load_feature_reports(FakeUps *u, const char *path, GError **error)
{
        g_autofree gchar *text = NULL;
        g_auto(GStrv) lines = NULL;
        GBytes *parsed[256] = { NULL };
        gboolean from_buf[256] = { FALSE };
        gboolean ok = TRUE;

        if (!g_file_get_contents(path, &text, NULL, error))
                return FALSE;
        lines = g_strsplit(text, "\n", -1);
        for (guint i = 0; lines[i] && ok; i++) {
                g_auto(GStrv) tok = NULL;
                g_autoptr(GByteArray) bytes = g_byte_array_new();
                gchar *line = g_strstrip(lines[i]), *end;
                guint64 id;

                if (!*line || *line == '#')
                        continue;
                tok = g_strsplit_set(line, " \t", -1);
                /* drop empty tokens from runs of blanks */
                for (guint r = 0, w = 0;; r++) {
                        if (tok[r] && !*tok[r]) {
                                g_free(tok[r]);
                                continue;
                        }
                        tok[w++] = tok[r];
                        if (!tok[r])
                                break;
                }
                id = g_ascii_strtoull(tok[0], &end, 0);
                if (*end || end == tok[0] || id > 255 || !tok[1] || !tok[2] ||
                    !parse_hex_bytes(tok + 2, bytes) || bytes->data[0] != id) {
                        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                                    "%s:%u: expected 'REPORT-ID HOW HEX-BYTES' with the id first",
                                    path, i + 1);
                        ok = FALSE;
                        break;
                }
                /* "buf" is a driver's cached copy: only used if the device's own reply is missing */
                if (g_str_equal(tok[1], "buf") && parsed[id] && !from_buf[id])
                        continue;
                if (parsed[id])
                        g_bytes_unref(parsed[id]);
                parsed[id] = g_byte_array_free_to_bytes(g_steal_pointer(&bytes));
                from_buf[id] = g_str_equal(tok[1], "buf");
        }
        g_mutex_lock(&u->lock);
        for (guint id = 0; id < 256; id++) {
                if (!parsed[id])
                        continue;
                if (ok) {
                        g_clear_pointer(&u->feature[id], g_bytes_unref);
                        u->feature[id] = parsed[id];
                } else {
                        g_bytes_unref(parsed[id]);
                }
        }
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
        return ok;
}

void fake_ups_set_feature(FakeUps *u, guint8 id, const guint8 *bytes, gsize n)
{
        g_return_if_fail(n == 0 || (bytes && bytes[0] == id));
        g_mutex_lock(&u->lock);
        g_clear_pointer(&u->feature[id], g_bytes_unref);
        if (n > 0)
                u->feature[id] = g_bytes_new(bytes, n);
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
}

GBytes *fake_ups_get_feature(FakeUps *u, guint8 id)
{
        GBytes *b;

        g_mutex_lock(&u->lock);
        b = u->feature[id] ? g_bytes_ref(u->feature[id]) : NULL;
        g_mutex_unlock(&u->lock);
        return b;
}

GBytes *fake_ups_get_last_set_report(FakeUps *u, guint8 id)
{
        GBytes *b;

        g_mutex_lock(&u->lock);
        b = u->last_set[id] ? g_bytes_ref(u->last_set[id]) : NULL;
        g_mutex_unlock(&u->lock);
        return b;
}

GPtrArray *fake_ups_take_set_reports(FakeUps *u)
{
        GPtrArray *a;

        g_mutex_lock(&u->lock);
        a = g_steal_pointer(&u->set_log);
        u->set_log = g_ptr_array_new_with_free_func(set_report_free);
        g_mutex_unlock(&u->lock);
        return a;
}

void fake_ups_push_interrupt(FakeUps *u, const guint8 *bytes, gsize n)
{
        g_autoptr(GBytes) report = g_bytes_new(bytes, n);
        Urb *x;

        g_return_if_fail(n > 0);
        g_mutex_lock(&u->lock);
        if (!u->plugged) {
                g_mutex_unlock(&u->lock);
                g_debug("fake-ups %s: interrupt report pushed while unplugged, dropped", u->devnode);
                return;
        }
        x = g_queue_pop_head(&u->intr_pending);
        if (x) {
                fill_interrupt(x, report);
                u->stats.interrupt_reports_delivered++;
        } else {
                g_queue_push_tail(&u->intr_queued, g_steal_pointer(&report));
        }
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
}

void fake_ups_set_fault(FakeUps *u, FakeUpsFault fault)
{
        Urb *x;

        g_mutex_lock(&u->lock);
        u->fault = fault;
        if (fault != FAKE_UPS_HANG) {
                /* a held URB is answered late, under the new mode */
                while ((x = g_queue_pop_head(&u->held)))
                        control_urb_complete(u, x);
        }
        g_cond_broadcast(&u->changed);
        g_mutex_unlock(&u->lock);
}

void fake_ups_set_garbage_seed(FakeUps *u, guint32 seed)
{
        g_mutex_lock(&u->lock);
        g_rand_set_seed(u->rand, seed);
        g_mutex_unlock(&u->lock);
}

static void stats_locked(FakeUps *u, FakeUpsStats *s)
{
        *s = u->stats;
        s->interrupt_urbs_pending = g_queue_get_length(&u->intr_pending);
        s->interrupt_reports_queued = g_queue_get_length(&u->intr_queued);
        s->control_urbs_held = g_queue_get_length(&u->held);
        s->open_clients = g_hash_table_size(u->clients);
}

void fake_ups_get_stats(FakeUps *u, FakeUpsStats *stats)
{
        g_mutex_lock(&u->lock);
        stats_locked(u, stats);
        g_mutex_unlock(&u->lock);
}

guint fake_ups_get_report_count(FakeUps *u, guint8 id)
{
        guint n;

        g_mutex_lock(&u->lock);
        n = u->stats.get_report[id];
        g_mutex_unlock(&u->lock);
        return n;
}

guint fake_ups_set_report_count(FakeUps *u, guint8 id)
{
        guint n;

        g_mutex_lock(&u->lock);
        n = u->stats.set_report[id];
        g_mutex_unlock(&u->lock);
        return n;
}

gboolean fake_ups_wait_stats(FakeUps *u, FakeUpsStatsPredicate pred, gpointer user_data, guint timeout_ms)
{
        gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
        FakeUpsStats *s = g_new(FakeUpsStats, 1);
        gboolean ok;

        g_mutex_lock(&u->lock);
        for (;;) {
                stats_locked(u, s);
                ok = pred(s, user_data);
                if (ok || !g_cond_wait_until(&u->changed, &u->lock, end))
                        break;
        }
        if (!ok) {
                stats_locked(u, s);
                ok = pred(s, user_data);
        }
        g_mutex_unlock(&u->lock);
        g_free(s);
        return ok;
}
