/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A main() for the fuzz harnesses when libFuzzer is not there (gcc, the normal test suite): runs
 * every file given on argv (directories one level deep), then deterministic mutations of each.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define MUTATIONS_DEFAULT 300U
#define SEED_MAX (1024 * 1024)
#define INPUT_MAX (4 * SEED_MAX)

typedef struct Seed {
        char *path;
        uint8_t *data;
        size_t size;
} Seed;

/* What is running now, for the crash report; written before every call, read in a signal handler. */
static struct {
        const char *path;
        unsigned mutation;      /* 0 = the seed itself */
        const uint8_t *data;
        size_t size;
} current;

/* Bytes and words that mean something to one of the parsers under test. */
static const uint8_t special_bytes[] = {
        0, '\n', '\r', '\t', ' ', '"', '\\', '#', '=', ':', '[', ']', '.', '-', '0', '9', 'e',
        0x7f, 0x80, 0xff,
};
static const char *const dictionary[] = {
        "TIMER ", "ALARM ", " #BAD", "\t#COMMENT", "\\\n", "\"\"", "\\\"", "[ups]\n", " = ",
        "driver = dummy\n", "port = x.dev\n", "ups.status: OL\n", "nan", "inf", "1e308", "-0", "0x1p3",
        "604800", "GET VAR ", "LIST VAR ups\n", "IDLE_TIMEOUT ", "DBUS yes\n", "\r\n",
};

static void write_str(const char *s)
{
        (void) !write(STDERR_FILENO, s, strlen(s));
}

/* Keep the input that crashed, so that it can become a corpus file or a bug report. */
static void save_current(void)
{
        char name[256], num[16];
        const char *base;
        int fd;

        if (!current.path)
                return;
        base = strrchr(current.path, '/');
        base = base ? base + 1 : current.path;
        snprintf(num, sizeof(num), "%u", current.mutation);
        snprintf(name, sizeof(name), "%s/crash-%s-m%s", getenv("FUZZ_CRASH_DIR") ?: ".", base, num);
        write_str("fuzz-replay: failed on ");
        write_str(current.path);
        write_str(", mutation ");
        write_str(num);
        write_str("; input saved as ");
        write_str(name);
        write_str("\n");
        fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        (void) !write(fd, current.data, current.size);
        close(fd);
}

static void on_signal(int sig)
{
        save_current();
        signal(sig, SIG_DFL);
        raise(sig);
}

/* ASan and UBSan exit without a signal; they offer this hook instead. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void install_crash_report(void)
{
        static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };

        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                signal(sigs[i], on_signal);
        if (__sanitizer_set_death_callback)
                __sanitizer_set_death_callback(save_current);
}

/* splitmix64: tiny, and the same sequence on every machine. */
static uint64_t rnd_next(uint64_t *s)
{
        uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

static size_t rnd_below(uint64_t *s, size_t n)
{
        return n > 0 ? (size_t) (rnd_next(s) % n) : 0;
}

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
        uint64_t h = UINT64_C(0xcbf29ce484222325);     /* FNV-1a */

        for (size_t i = 0; i < n; i++)
                h = (h ^ p[i]) * UINT64_C(0x100000001b3);
        return h;
}

/* Inserts n bytes at pos if they fit into INPUT_MAX. */
static void buf_insert(uint8_t *buf, size_t *size, size_t pos, const uint8_t *p, size_t n)
{
        if (*size + n > INPUT_MAX)
                return;
        memmove(buf + pos + n, buf + pos, *size - pos);
        memcpy(buf + pos, p, n);
        *size += n;
}

static void mutate_once(uint64_t *rs, uint8_t *buf, size_t *size, const Seed *seeds, size_t n_seeds)
{
        static uint8_t scratch[INPUT_MAX];
        size_t pos = rnd_below(rs, *size + 1), len;
        const Seed *other;
        const char *word;
        uint8_t b;

        switch (rnd_below(rs, 8)) {
        case 0:
                if (*size > 0)
                        buf[rnd_below(rs, *size)] ^= (uint8_t) (1U << rnd_below(rs, 8));
                break;
        case 1:
                if (*size > 0)
                        buf[rnd_below(rs, *size)] = special_bytes[rnd_below(rs, sizeof(special_bytes))];
                break;
        case 2:
                b = special_bytes[rnd_below(rs, sizeof(special_bytes))];
                buf_insert(buf, size, pos, &b, 1);
                break;
        case 3:
                len = rnd_below(rs, 16) + 1;
                if (pos + len > *size)
                        len = *size - pos;
                memmove(buf + pos, buf + pos + len, *size - pos - len);
                *size -= len;
                break;
        case 4:
                if (*size == 0)
                        break;
                len = rnd_below(rs, *size - pos + 1);
                memcpy(scratch, buf + pos, len);
                buf_insert(buf, size, rnd_below(rs, *size + 1), scratch, len);
                break;
        case 5:
                other = &seeds[rnd_below(rs, n_seeds)];
                if (other->size == 0)
                        break;
                len = rnd_below(rs, other->size) + 1;
                buf_insert(buf, size, pos, other->data + rnd_below(rs, other->size - len + 1), len);
                break;
        case 6:
                *size = pos;
                break;
        default:
                word = dictionary[rnd_below(rs, sizeof(dictionary) / sizeof(dictionary[0]))];
                buf_insert(buf, size, pos, (const uint8_t *) word, strlen(word));
                break;
        }
}

/* ASan is linked in: its heap redzones find reads past the end and report them better. */
void __asan_poison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));

/*
 * Without ASan, the input ends right before an inaccessible page instead, so that a read past its
 * end (the parser gets text + size, no NUL) faults in a plain build too.
 */
static uint8_t *input_new(const uint8_t *p, size_t n, void **ret_map, size_t *ret_map_size)
{
        size_t page = (size_t) sysconf(_SC_PAGESIZE), body = (n + page - 1) / page * page;
        uint8_t *map;

        if (__asan_poison_memory_region) {
                map = malloc(n ?: 1);
                *ret_map = map;
                *ret_map_size = 0;
                return map ? memcpy(map, p, n) : NULL;
        }
        map = mmap(NULL, body + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
                return NULL;
        if (mprotect(map + body, page, PROT_NONE) < 0) {
                munmap(map, body + page);
                return NULL;
        }
        *ret_map = map;
        *ret_map_size = body + page;
        return memcpy(map + body - n, p, n);
}

static void input_free(void *map, size_t map_size)
{
        if (map_size > 0)
                munmap(map, map_size);
        else
                free(map);
}

static void run_one(const char *path, unsigned mutation, const uint8_t *p, size_t n)
{
        size_t map_size;
        uint8_t *copy;
        void *map;

        copy = input_new(p, n, &map, &map_size);
        if (!copy) {
                fprintf(stderr, "fuzz-replay: out of memory\n");
                exit(EXIT_FAILURE);
        }
        current.path = path;
        current.mutation = mutation;
        current.data = copy;
        current.size = n;
        LLVMFuzzerTestOneInput(copy, n);
        current.path = NULL;
        input_free(map, map_size);
}

static int load_file(const char *path, Seed **seeds, size_t *n_seeds)
{
        uint8_t *data = malloc(SEED_MAX + 1);
        size_t size = 0;
        Seed *a;
        FILE *f;

        f = data ? fopen(path, "rbe") : NULL;
        if (!f) {
                free(data);
                fprintf(stderr, "fuzz-replay: %s: %m\n", path);
                return -1;
        }
        size = fread(data, 1, SEED_MAX + 1, f);
        fclose(f);
        if (size > SEED_MAX) {
                free(data);
                fprintf(stderr, "fuzz-replay: %s: larger than %d bytes\n", path, SEED_MAX);
                return -1;
        }
        a = realloc(*seeds, (*n_seeds + 1) * sizeof(Seed));
        if (!a) {
                free(data);
                return -1;
        }
        *seeds = a;
        a[(*n_seeds)++] = (Seed) { .path = strdup(path), .data = data, .size = size };
        return 0;
}

/* A file, or every regular non-hidden file of a directory in name order. */
static int load_arg(const char *arg, Seed **seeds, size_t *n_seeds)
{
        struct dirent **names;
        struct stat st;
        int n, r = 0;

        if (stat(arg, &st) < 0) {
                fprintf(stderr, "fuzz-replay: %s: %m\n", arg);
                return -1;
        }
        if (!S_ISDIR(st.st_mode))
                return load_file(arg, seeds, n_seeds);
        n = scandir(arg, &names, NULL, alphasort);
        if (n < 0) {
                fprintf(stderr, "fuzz-replay: %s: %m\n", arg);
                return -1;
        }
        for (int i = 0; i < n; i++) {
                char path[4096];

                snprintf(path, sizeof(path), "%s/%s", arg, names[i]->d_name);
                if (names[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode) && r == 0)
                        r = load_file(path, seeds, n_seeds);
                free(names[i]);
        }
        free(names);
        return r;
}

int main(int argc, char *argv[])
{
        const char *e = getenv("FUZZ_REPLAY_MUTATIONS");
        unsigned mutations = e ? (unsigned) strtoul(e, NULL, 10) : MUTATIONS_DEFAULT;
        uint8_t *buf = malloc(INPUT_MAX);
        Seed *seeds = NULL;
        size_t n_seeds = 0, n_runs = 0;

        if (argc < 2) {
                fprintf(stderr, "Usage: %s CORPUS-DIR|FILE...\n"
                        "Runs the harness on each file and on $FUZZ_REPLAY_MUTATIONS (default %u) "
                        "mutations of it.\n", argv[0], MUTATIONS_DEFAULT);
                return EXIT_FAILURE;
        }
        for (int i = 1; i < argc; i++)
                if (load_arg(argv[i], &seeds, &n_seeds) < 0)
                        return EXIT_FAILURE;
        if (n_seeds == 0 || !buf) {
                fprintf(stderr, "fuzz-replay: no input files\n");
                return EXIT_FAILURE;
        }
        install_crash_report();

        for (size_t i = 0; i < n_seeds; i++) {
                /* Seeded by the content, so a run does not depend on file names or order. */
                uint64_t rs = hash_bytes(seeds[i].data, seeds[i].size);

                run_one(seeds[i].path, 0, seeds[i].data, seeds[i].size);
                n_runs++;
                for (unsigned m = 1; m <= mutations; m++) {
                        size_t size = seeds[i].size;
                        unsigned k = 1 + (unsigned) rnd_below(&rs, 4);

                        memcpy(buf, seeds[i].data, size);
                        while (k-- > 0)
                                mutate_once(&rs, buf, &size, seeds, n_seeds);
                        run_one(seeds[i].path, m, buf, size);
                        n_runs++;
                }
        }
        printf("fuzz-replay: %zu files, %zu inputs, no failure\n", n_seeds, n_runs);

        for (size_t i = 0; i < n_seeds; i++) {
                free(seeds[i].path);
                free(seeds[i].data);
        }
        free(seeds);
        free(buf);
        return EXIT_SUCCESS;
}
