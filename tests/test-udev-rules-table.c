/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The udev rules against the driver table: every VID:PID a driver lists has exactly one rule,
 * in the exact form, and there is no other rule. `udevadm test` runs them in test-udev-rules.sh.
 */
#include <glib.h>
#include <stdio.h>
#include <unistd.h>

#include "driver.h"

#define RULE_FORMAT "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ATTR{idVendor}==\"%04x\", " \
        "ATTR{idProduct}==\"%04x\", GROUP=\"nut\", MODE=\"0660\", TAG+=\"systemd\", " \
        "ENV{SYSTEMD_WANTS}+=\"nutd.service\""

/* The rule lines of a rules file's text, in order */
static GPtrArray *rule_lines(const char *text)
{
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        GPtrArray *rules = g_ptr_array_new_with_free_func(g_free);

        for (char **l = lines; *l; l++)
                if (g_str_has_prefix(*l, "SUBSYSTEM=="))
                        g_ptr_array_add(rules, g_strdup(*l));
        return rules;
}

/* Asserts one rule per distinct id, in order, and nothing else, and the remove/label frame. */
static void assert_rules(const char *text, const UsbId *ids, size_t n)
{
        g_autoptr(GPtrArray) rules = rule_lines(text);
        g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash, g_direct_equal);
        guint k = 0;

        g_assert_true(strstr(text, "\nACTION==\"remove\", GOTO=\"nutd_end\"\n"));
        g_assert_true(g_str_has_suffix(text, "\nLABEL=\"nutd_end\"\n"));
        for (size_t i = 0; i < n; i++) {
                g_autofree char *want = g_strdup_printf(RULE_FORMAT, ids[i].vendor, ids[i].product);
                gpointer key = GUINT_TO_POINTER((guint) ids[i].vendor << 16 | ids[i].product);

                if (!g_hash_table_add(seen, key))
                        continue;
                g_assert_cmpuint(k, <, rules->len);
                g_assert_cmpstr(rules->pdata[k], ==, want);
                k++;
        }
        g_assert_cmpuint(k, ==, rules->len);
}

static void test_table(void)
{
        g_autofree char *text = NULL;
        g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(UsbId));
        g_autoptr(GError) error = NULL;
        const DriverOps *const *table;
        size_t n;

        g_assert_true(g_file_get_contents(g_getenv("RULES"), &text, NULL, &error));
        g_assert_no_error(error);
        table = driver_table_get(&n);
        for (size_t i = 0; i < n; i++)
                for (const UsbId *u = table[i]->usb_ids; u && (u->vendor || u->product); u++)
                        g_array_append_val(ids, *u);
        g_test_message("%u VID:PIDs in the driver table", ids->len);
        assert_rules(text, (const UsbId *) ids->data, ids->len);
}

static int run_generator(const char *ids_file, char **ret_out)
{
        const char *argv[] = { g_getenv("GEN_UDEV_RULES"), "--ids", ids_file, NULL };
        g_autoptr(GError) error = NULL;
        int status;

        g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                                   ret_out, NULL, &status, &error));
        g_assert_no_error(error);
        return status;
}

static void test_ids_file(void)
{
        static const UsbId want[] = { { 0x051d, 0x0002 }, { 0x0764, 0x0501 }, { 0x051d, 0x0002 } };
        g_autofree char *path = g_build_filename(g_getenv("DATA"), "ids", NULL);
        g_autofree char *out = NULL;

        g_assert_cmpint(run_generator(path, &out), ==, 0);
        assert_rules(out, want, G_N_ELEMENTS(want));
}

static void test_bad_ids_file(void)
{
        static const char *const bad[] = { "51d-2\n", "051d:0002 x\n", "0000:0001\n", "zzzz:0001\n" };

        for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *path = NULL, *out = NULL;
                g_autoptr(GError) error = NULL;
                int fd = g_file_open_tmp("ids-XXXXXX", &path, &error);

                g_assert_no_error(error);
                g_assert_true(g_file_set_contents(path, bad[i], -1, &error));
                close(fd);
                g_assert_cmpint(run_generator(path, &out), !=, 0);
                unlink(path);
        }
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/udev/rules/driver-table", test_table);
        g_test_add_func("/udev/rules/ids-file", test_ids_file);
        g_test_add_func("/udev/rules/bad-ids-file", test_bad_ids_file);
        return g_test_run();
}
