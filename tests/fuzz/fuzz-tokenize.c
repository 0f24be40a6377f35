/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT tokenizer on arbitrary bytes, as upsd reads requests (32 words of 512 bytes, silent cuts,
 * ASCII only) and as nut_conf_parse_buffer() reads config files; checks what every line promises.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tokenize.h"

#define NET_MAX_WORDS 32
#define NET_MAX_WORD_LEN 512
#define CONF_MAX_WORDS 512      /* what nut_conf_parse_buffer() sets */
#define CONF_MAX_WORD_LEN 4096
#define CONF_NAME "fuzz.conf"

static unsigned count_lines(const uint8_t *data, size_t size)
{
        unsigned n = 1;

        for (size_t i = 0; i < size; i++)
                n += data[i] == '\n';
        return n;
}

static void check_words(char **words, size_t n_words, size_t max_words, size_t max_len, bool ascii)
{
        fuzz_assert(words);
        fuzz_assert(n_words <= max_words);
        fuzz_assert(!words[n_words]);
        for (size_t i = 0; i < n_words; i++) {
                size_t l = strlen(words[i]);

                fuzz_assert(l <= max_len);
                fuzz_assert(!memchr(words[i], '\n', l));
                for (size_t j = 0; ascii && j < l; j++)
                        fuzz_assert((unsigned char) words[i][j] >= 0x20 && (unsigned char) words[i][j] <= 0x7f);
        }
}

/* Network mode, byte by byte, going on after errors as a NUT session does. */
static void fuzz_network(const uint8_t *data, size_t size)
{
        _cleanup_(nut_tokenizer_done) NutTokenizer t;
        unsigned last_line = 0;

        nut_tokenizer_init(&t, NET_MAX_WORDS, NET_MAX_WORD_LEN, /* strict= */ false);
        t.ascii_only = true;
        for (size_t i = 0; i <= size; i++) {
                int r = i < size ? nut_tokenizer_feed(&t, (char) data[i]) : nut_tokenizer_finish(&t);

                if (r == -ENOMEM)
                        return;
                fuzz_assert(r == 0 || r == 1 || r == -EBADMSG);
                fuzz_assert(t.line_start <= t.line);
                if (r == -EBADMSG)
                        fuzz_assert(t.error);   /* the header promises a message */
                if (r != 1)
                        continue;
                check_words(t.words, t.n_words, NET_MAX_WORDS, NET_MAX_WORD_LEN, /* ascii= */ true);
                fuzz_assert(t.line_start >= last_line);
                last_line = t.line_start;
        }
        fuzz_assert(t.line == count_lines(data, size));
}

typedef struct ConfState {
        unsigned last_line, max_line;
        size_t n_calls;
} ConfState;

static int conf_line(unsigned line, char **words, size_t n_words, void *userdata, char **ret_error)
{
        ConfState *s = userdata;

        fuzz_assert(n_words > 0);
        check_words(words, n_words, CONF_MAX_WORDS, CONF_MAX_WORD_LEN, /* ascii= */ false);
        fuzz_assert(line >= 1 && line <= s->max_line);
        fuzz_assert(line > s->last_line);       /* one call per logical line */
        s->last_line = line;
        s->n_calls++;
        /* Also take the path where the callback rejects a line. */
        if (strcmp(words[0], "FAIL") == 0) {
                *ret_error = strdup("rejected by the callback");
                return -EINVAL;
        }
        return 0;
}

static void fuzz_conf(const uint8_t *data, size_t size)
{
        ConfState s = { .max_line = count_lines(data, size) };
        char *error = NULL;
        int r;

        r = nut_conf_parse_buffer(CONF_NAME, (const char *) data, size, conf_line, &s, &error);
        if (r == -ENOMEM) {
                free(error);
                return;
        }
        if (r >= 0) {
                fuzz_assert(r == 0);
                fuzz_assert(!error);
                return;
        }
        fuzz_assert(error);
        fuzz_assert(strncmp(error, CONF_NAME ":", strlen(CONF_NAME ":")) == 0);
        fuzz_assert(!strstr(error, "(null)"));  /* printf of a NULL message */
        free(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        fuzz_network(data, size);
        fuzz_conf(data, size);
        return 0;
}
