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
#include "fake-ups-private.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/usb/ch9.h>
#include <linux/usbdevice_fs.h>

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
static void control_urb_complete(FakeUps *u, Urb *x)
{
        struct usbdevfs_urb *urb = (struct usbdevfs_urb *)x->urb->data;
        guint8 *setup = urb->buffer;
        int r = fake_ups_control(u, setup, setup + 8);

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
                fake_ups_count_request(u, setup);
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
        fake_ups_put16(setup + 2, ct->wValue), fake_ups_put16(setup + 4, ct->wIndex), fake_ups_put16(setup + 6, ct->wLength);
        fake_ups_count_request(u, setup);
        if (u->fault == FAKE_UPS_HANG)
                return ETIMEDOUT;
        r = fake_ups_control(u, setup, dd ? dd->data : empty);
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
        g_return_val_if_fail(fake_ups_valid_string(spec->manufacturer) && fake_ups_valid_string(spec->product) &&
                             fake_ups_valid_string(spec->serial), NULL);

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
        u->descriptors = fake_ups_build_descriptors(&u->spec);
        u->syspath = g_strdup_printf("/sys" HOST_PCI "/usb%u/%u-%u", spec->busnum, spec->busnum, spec->port);
        u->iface_syspath = g_strdup_printf("%s/%u-%u:1.0", u->syspath, spec->busnum, spec->port);
        u->devnode = g_strdup_printf("/dev/bus/usb/%03u/%03u", spec->busnum, spec->devnum);

        g_mutex_init(&u->lock);
        g_cond_init(&u->changed);
        u->rand = g_rand_new_with_seed(0x5eed);
        u->set_log = g_ptr_array_new_with_free_func(fake_ups_set_report_free);
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

        record = fake_ups_build_record(u);
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
        u->set_log = g_ptr_array_new_with_free_func(fake_ups_set_report_free);
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
