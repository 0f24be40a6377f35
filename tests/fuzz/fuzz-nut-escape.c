/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nut_escape() round trip: a value upsd sends as "..." (nut_escape) must come back unchanged from the
 * tokenizer, in network mode (minus the bytes ASCII mode drops, cut at 512) and in config mode.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tokenize.h"

#define NET_MAX_WORD_LEN 512
#define CONF_MAX_WORD_LEN 4096

/* Tokenizes `prefix "escaped"` + LF; returns the last word of the only line, or NULL on an error. */
static char *tokenize_quoted(const char *prefix, const char *escaped, size_t max_word_len, bool network,
                             size_t *ret_n_words)
{
        _cleanup_(nut_tokenizer_done) NutTokenizer t;
        size_t n_lines = 0, n_words = 0;
        char *last = NULL;
        int r = 0;

        nut_tokenizer_init(&t, 32, max_word_len, /* strict= */ !network);
        t.ascii_only = network;
        for (const char *parts[] = { prefix, "\"", escaped, "\"\n", NULL }, **p = parts; *p && r >= 0; p++)
                for (const char *c = *p; *c && r >= 0; c++) {
                        r = nut_tokenizer_feed(&t, *c);
                        if (r == 1) {
                                n_lines++;
                                n_words = t.n_words;
                                free(last);
                                last = n_words > 0 ? strdup(t.words[n_words - 1]) : NULL;
                        }
                }
        fuzz_assert(r >= 0 || r == -EBADMSG);
        if (r < 0) {
                free(last);
                return NULL;
        }
        fuzz_assert(n_lines == 1);
        *ret_n_words = n_words;
        return last;
}

/* What network mode keeps of s: printable ASCII, at most 512 bytes. */
static char *network_view(const char *s)
{
        char *v = malloc(strlen(s) + 1), *p = v;

        fuzz_assert(v);
        for (; *s; s++)
                if ((unsigned char) *s >= 0x20 && (unsigned char) *s <= 0x7f && p - v < NET_MAX_WORD_LEN)
                        *p++ = *s;
        *p = 0;
        return v;
}

static void check_round_trip(const char *s)
{
        _cleanup_free_ char *escaped = nut_escape(s), *net = NULL, *conf = NULL, *want = NULL;
        bool has_lf = strchr(s, '\n');
        size_t n_escapes = 0, n_words = 0;

        fuzz_assert(escaped);
        for (const char *p = s; *p; p++)
                n_escapes += *p == '#' || *p == '\\' || *p == '"';
        fuzz_assert(strlen(escaped) == strlen(s) + n_escapes);

        /* nut_escape() leaves LF alone and a bare LF inside quotes is an error: no round trip then. */
        net = tokenize_quoted("VAR ups x ", escaped, NET_MAX_WORD_LEN, /* network= */ true, &n_words);
        if (has_lf)
                fuzz_assert(!net);
        else {
                want = network_view(s);
                fuzz_assert(net && n_words == 4);
                fuzz_assert(strcmp(net, want) == 0);
        }

        conf = tokenize_quoted("x = ", escaped, CONF_MAX_WORD_LEN, /* network= */ false, &n_words);
        if (has_lf || strlen(s) > CONF_MAX_WORD_LEN)
                fuzz_assert(!conf);
        else
                fuzz_assert(conf && n_words == 3 && strcmp(conf, s) == 0);
}

/* Every NUL-separated piece of the input is one value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        _cleanup_free_ char *s = malloc(size + 1);

        fuzz_assert(s);
        memcpy(s, data, size);
        s[size] = 0;
        for (size_t i = 0; i <= size; i += strlen(s + i) + 1)
                check_round_trip(s + i);
        return 0;
}
