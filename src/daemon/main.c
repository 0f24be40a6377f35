/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutd: the power-device monitoring service. Parses the command line, then hands over to
 * the manager.
 */
#include <getopt.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "manager.h"

static void help(void)
{
        printf("Usage: nutd [OPTIONS]\n\n"
               "Monitor UPSes and other power devices; publish them on D-Bus (org.nutd.Power1).\n\n"
               "  -c, --config-dir=DIR   read ups.conf and nutd.conf from DIR\n"
               "                         (default: $NUT_CONFPATH, else %s)\n"
               "  -l, --log-level=LEVEL  err, warning, notice, info (default) or debug\n"
               "  -t, --check-config     read the configuration, report problems, and exit\n"
               "  -h, --help             show this help\n"
               "  -V, --version          show the version\n",
               NUTD_CONFDIR);
}

int main(int argc, char *argv[])
{
        static const struct option options[] = {
                { "config-dir", required_argument, NULL, 'c' },
                { "log-level", required_argument, NULL, 'l' },
                { "check-config", no_argument, NULL, 't' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {}
        };
        _cleanup_(manager_freep) Manager *m = NULL;
        const char *config_dir = getenv("NUT_CONFPATH") ?: NUTD_CONFDIR;
        bool check_only = false;
        int c, r;

        log_open();
        while ((c = getopt_long(argc, argv, "c:l:thV", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        config_dir = optarg;
                        break;
                case 'l':
                        r = log_level_from_string(optarg);
                        if (r < 0) {
                                log_error("Unknown log level \"%s\".", optarg);
                                return 2;
                        }
                        log_set_max_level(r);
                        break;
                case 't':
                        check_only = true;
                        break;
                case 'h':
                        help();
                        return 0;
                case 'V':
                        printf("nutd %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        return 2;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\"; see --help.", argv[optind]);
                return 2;
        }

        r = manager_new(config_dir, &m);
        if (r < 0)
                return log_error_errno(r, "Cannot set up: %m"), 1;
        r = manager_load_config(m);
        if (r < 0)
                return 1;
        if (check_only) {
                printf("%s: configuration is valid (%zu devices)\n", config_dir, m->ups->n_devices);
                return 0;
        }
        r = manager_start(m);
        if (r < 0)
                return 1;
        r = manager_run(m);
        (void) sd_notify(false, "STOPPING=1");
        return r < 0 ? 1 : 0;
}
