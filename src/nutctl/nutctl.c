/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nutctl: look at and control the power devices nutd publishes on the system bus. Parses
 * the command line and hands over to the verb; talks to nutd over D-Bus only.
 */
#include <getopt.h>
#include <stdio.h>

#include "nutctl.h"
#include "strv.h"

typedef struct Verb {
        const char *name;
        unsigned min_args;
        unsigned max_args;
        VerbFunction run;
        bool json;              /* --json applies */
} Verb;

static const Verb verb_table[] = {
        { "list", 0, 0, verb_list, true },
        { "status", 1, 1, verb_status, true },
        { "get", 2, 2, verb_get, true },
        { "commands", 1, 1, verb_commands, true },
        { "monitor", 0, 1, verb_monitor, true },
        { "set", 3, 3, verb_set, false },
        { "cmd", 2, 3, verb_cmd, false },
        { "reload", 0, 0, verb_reload, false },
};

static void help(void)
{
        printf("Usage: nutctl [OPTIONS] [COMMAND] ...\n\n"
               "Look at and control the UPSes and other power devices nutd monitors.\n\n"
               "Commands:\n"
               "  list                       one line per device (the default)\n"
               "  status NAME                a device's properties and all its variables\n"
               "  get NAME VARIABLE          one variable's value\n"
               "  set NAME VARIABLE VALUE    change a variable\n"
               "  commands NAME              the device's instant commands\n"
               "  cmd NAME COMMAND [PARAM]   run an instant command\n"
               "  monitor [NAME]             show changes as they happen\n"
               "  reload                     make nutd re-read its configuration\n\n"
               "Options:\n"
               "  --json[=short|pretty]      JSON output (list, status, get, commands, monitor)\n"
               "  --no-legend                no table headers\n"
               "  --no-ask-password          do not ask for a password (polkit) on the terminal\n"
               "  -h, --help                 show this help\n"
               "  --version                  show the version\n\n"
               "Exit status:\n"
               "  0 success, 1 other failure, 2 usage error, 3 no such device, variable or command,\n"
               "  4 access denied or authentication failed or needed, 5 nutd not running,\n"
               "  6 device not connected, data stale, or timeout.\n\n"
               "See nutctl(1).\n");
}

static int parse_json(const char *s, JsonFormat *ret)
{
        if (!s || streq(s, "short") || streq(s, "on"))
                *ret = JSON_SHORT;
        else if (streq(s, "pretty"))
                *ret = JSON_PRETTY;
        else if (streq(s, "off"))
                *ret = JSON_OFF;
        else
                return -EINVAL;
        return 0;
}

enum { ARG_JSON = 0x100, ARG_NO_LEGEND, ARG_NO_ASK_PASSWORD, ARG_VERSION };

/* Returns 0 to go on, or an exit status + 1 to stop (help, version, usage error). */
static int parse_argv(int argc, char *argv[], NutctlArgs *a)
{
        static const struct option options[] = {
                { "json", optional_argument, NULL, ARG_JSON },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_JSON:
                        if (parse_json(optarg, &a->json) < 0) {
                                fprintf(stderr, "nutctl: --json takes short, pretty or off, not \"%s\"\n",
                                        optarg);
                                return NUTCTL_EXIT_USAGE + 1;
                        }
                        break;
                case ARG_NO_LEGEND:
                        a->legend = false;
                        break;
                case ARG_NO_ASK_PASSWORD:
                        a->ask_password = false;
                        break;
                case 'h':
                        help();
                        return NUTCTL_EXIT_SUCCESS + 1;
                case ARG_VERSION:
                        printf("nutctl %s\n", PACKAGE_VERSION);
                        return NUTCTL_EXIT_SUCCESS + 1;
                default:
                        fprintf(stderr, "nutctl: unknown option %s; see nutctl --help\n", argv[optind - 1]);
                        return NUTCTL_EXIT_USAGE + 1;
                }
        return 0;
}

static const Verb *verb_find(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(verb_table); i++)
                if (streq(verb_table[i].name, name))
                        return &verb_table[i];
        return NULL;
}

int main(int argc, char *argv[])
{
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        NutctlArgs a = { .legend = true, .ask_password = true };
        const char *name;
        const Verb *v;
        unsigned n;
        int r;

        r = parse_argv(argc, argv, &a);
        if (r > 0)
                return r - 1;
        name = optind < argc ? argv[optind] : "list";
        v = verb_find(name);
        if (!v) {
                fprintf(stderr, "nutctl: unknown command \"%s\"; see nutctl --help\n", name);
                return NUTCTL_EXIT_USAGE;
        }
        n = optind < argc ? (unsigned) (argc - optind - 1) : 0;
        if (n < v->min_args || n > v->max_args) {
                fprintf(stderr, "nutctl: %s takes %s arguments; see nutctl --help\n", v->name,
                        n < v->min_args ? "more" : "fewer");
                return NUTCTL_EXIT_USAGE;
        }
        if (!v->json && a.json != JSON_OFF) {
                fprintf(stderr, "nutctl: --json does not apply to %s\n", v->name);
                return NUTCTL_EXIT_USAGE;
        }
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "nutctl: cannot connect to the system bus: %s\n", strerror(-r));
                return NUTCTL_EXIT_NOT_RUNNING;
        }
        r = v->run(bus, argv + optind + (optind < argc), &a);
        if (r < 0) {
                fprintf(stderr, "nutctl: %s\n", strerror(-r));
                return NUTCTL_EXIT_FAILURE;
        }
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "nutctl: cannot write the output\n");
                return NUTCTL_EXIT_FAILURE;
        }
        return r;
}
