/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tokenize: the NUT "parseconf" rules of NUT-REFERENCE §1.1 in network mode (upsd limits,
 * ASCII only, silent cuts) and config mode (strict), nut_escape() and nut_conf_parse_buffer().
 */
#include <glib.h>
#include <string.h>

#include "tokenize.h"

typedef enum Mode {
        MODE_CONF,              /* as nut_conf_parse_buffer(): 512 words, 4096 bytes, strict */
        MODE_NET,               /* as upsd: 32 words, 512 bytes, silent cuts, ASCII only */
        MODE_SMALL,             /* 3 words of 4 bytes, silent cuts */
        MODE_SMALL_STRICT,      /* 3 words of 4 bytes, errors */
} Mode;

static void tokenizer_init_mode(NutTokenizer *t, Mode mode)
{
        switch (mode) {
        case MODE_CONF:
                nut_tokenizer_init(t, 512, 4096, true);
                break;
        case MODE_NET:
                nut_tokenizer_init(t, 32, 512, false);
                t->ascii_only = true;
                break;
        case MODE_SMALL:
        case MODE_SMALL_STRICT:
                nut_tokenizer_init(t, 3, 4, mode == MODE_SMALL_STRICT);
                break;
        }
}

static void append_line(GString *out, const NutTokenizer *t)
{
        if (out->len > 0)
                g_string_append_c(out, ' ');
        g_string_append_printf(out, "%u:", t->line_start);
        g_assert_nonnull(t->words);
        g_assert_null(t->words[t->n_words]);
        for (size_t i = 0; i < t->n_words; i++) {
                g_string_append_c(out, '[');
                for (const char *p = t->words[i]; *p; p++) {
                        unsigned char u = (unsigned char) *p;

                        if (u < 0x20 || u > 0x7e)
                                g_string_append_printf(out, "\\x%02x", u);
                        else
                                g_string_append_c(out, *p);
                }
                g_string_append_c(out, ']');
        }
}

static void append_result(GString *out, NutTokenizer *t, int r)
{
        if (r == 1)
                append_line(out, t);
        else if (r == -EBADMSG) {
                /* every error has a message, readable until the next line starts */
                g_assert_nonnull(t->error);
                g_assert_cmpstr(t->error, !=, "");
                g_test_message("line %u: %s", t->line_start, t->error);
                g_string_append_printf(out, "%s%u:!", out->len > 0 ? " " : "", t->line_start);
        } else
                g_assert_cmpint(r, ==, 0);
}

/*
 * Feeds input byte by byte, then finishes. Returns the lines as "LINE:[word][word]", an error
 * as "LINE:!", separated by one space; LINE is t.line_start.
 */
static char *tokenize(Mode mode, const char *input, size_t size)
{
        NutTokenizer t;
        GString *out = g_string_new(NULL);

        tokenizer_init_mode(&t, mode);
        for (size_t i = 0; i < size; i++)
                append_result(out, &t, nut_tokenizer_feed(&t, input[i]));
        append_result(out, &t, nut_tokenizer_finish(&t));
        nut_tokenizer_done(&t);
        return g_string_free(out, FALSE);
}

typedef struct TokCase {
        const char *path;
        Mode mode;
        const char *input;
        const char *expect;
} TokCase;

static const TokCase tok_cases[] = {
        /* words and whitespace */
        { "/shared/tokenize/words/simple", MODE_NET, "GET VAR su700 ups.status\n",
          "1:[GET][VAR][su700][ups.status]" },
        { "/shared/tokenize/words/whitespace", MODE_NET, "  a \t b\v\fc  \n", "1:[a][b][c]" },
        { "/shared/tokenize/words/lines", MODE_NET, "a\nb c\n", "1:[a] 2:[b][c]" },
        { "/shared/tokenize/words/crlf", MODE_NET, "a b\r\nc\r\n", "1:[a][b] 2:[c]" },
        { "/shared/tokenize/words/cr-separates", MODE_CONF, "a\rb\n", "1:[a][b]" },
        { "/shared/tokenize/words/empty-lines", MODE_NET, "\n  \t\n\r\na\n", "1: 2: 3: 4:[a]" },
        { "/shared/tokenize/words/comment-only-line", MODE_NET, "# nothing\n", "1:" },
        { "/shared/tokenize/words/8-bit-in-config", MODE_CONF, "caf\xc3\xa9 \x01\n",
          "1:[caf\\xc3\\xa9][\\x01]" },
        /* quotes */
        { "/shared/tokenize/quotes/spaces", MODE_NET, "SET VAR u x \"a  b\"\n", "1:[SET][VAR][u][x][a  b]" },
        { "/shared/tokenize/quotes/empty", MODE_NET, "\"\"\n", "1:[]" },
        { "/shared/tokenize/quotes/empty-between", MODE_NET, "a \"\" b\n", "1:[a][][b]" },
        { "/shared/tokenize/quotes/closing-ends-word", MODE_NET, "\"a\"b\n", "1:[a][b]" },
        { "/shared/tokenize/quotes/two-quoted", MODE_NET, "\"a\"\"b\"\n", "1:[a][b]" },
        /* an opening quote inside an unquoted word is an ordinary character (upsd does the same) */
        { "/shared/tokenize/quotes/inside-word", MODE_NET, "GET DESC ups a\"b\"\n", "1:[GET][DESC][ups][a\"b\"]" },
        { "/shared/tokenize/quotes/specials-inside", MODE_NET, "\"a=b 'c'\"\n", "1:[a=b 'c']" },
        { "/shared/tokenize/quotes/hash-error", MODE_NET, "x \"a#b\" y\nnext line\n", "1:! 2:[next][line]" },
        { "/shared/tokenize/quotes/hash-error-config", MODE_CONF, "\"#\"\nk = v\n", "1:! 2:[k][=][v]" },
        { "/shared/tokenize/quotes/unbalanced-at-lf", MODE_CONF, "a \"bc\nd\n", "1:! 2:[d]" },
        { "/shared/tokenize/quotes/unbalanced-at-eof", MODE_CONF, "a \"bc", "1:!" },
        { "/shared/tokenize/quotes/tab-kept-in-config", MODE_CONF, "\"a\tb\"\n", "1:[a\\x09b]" },
        /* backslash */
        { "/shared/tokenize/escape/space", MODE_NET, "embedded\\ space\n", "1:[embedded space]" },
        { "/shared/tokenize/escape/outside", MODE_NET, "a\\\"b \\#c \\\\ \\= \\x\n", "1:[a\"b][#c][\\][=][x]" },
        { "/shared/tokenize/escape/inside", MODE_NET, "\"a\\\"b\\\\c\\#d\\e\"\n", "1:[a\"b\\c#de]" },
        { "/shared/tokenize/escape/word-start", MODE_NET, "\\\"x\n", "1:[\"x]" },
        { "/shared/tokenize/escape/eq-in-word", MODE_NET, "a\\=b\n", "1:[a=b]" },
        /* backslash-LF continuation; t.line_start stays at the first line */
        { "/shared/tokenize/continuation/between-words", MODE_NET, "a \\\nb\nc\n", "1:[a][b] 3:[c]" },
        { "/shared/tokenize/continuation/in-word", MODE_NET, "a\\\nb\n", "1:[ab]" },
        { "/shared/tokenize/continuation/in-quotes", MODE_NET, "\"a \\\n b\"\n", "1:[a  b]" },
        { "/shared/tokenize/continuation/several", MODE_CONF, "x\na \\\n\\\n b\nc\n", "1:[x] 2:[a][b] 5:[c]" },
        { "/shared/tokenize/continuation/not-in-comment", MODE_NET, "a # c \\\nb\n", "1:[a] 2:[b]" },
        /* comments */
        { "/shared/tokenize/comment/after-words", MODE_NET, "a b # c d\n", "1:[a][b]" },
        { "/shared/tokenize/comment/ends-word", MODE_NET, "a#b\nc\n", "1:[a] 2:[c]" },
        { "/shared/tokenize/comment/quote-in-comment", MODE_CONF, "# \"unbalanced\nx\n", "1: 2:[x]" },
        /* '=' */
        { "/shared/tokenize/equals/no-blanks", MODE_CONF, "a=b\n", "1:[a][=][b]" },
        { "/shared/tokenize/equals/blank-before", MODE_CONF, "a =b\n", "1:[a][=][b]" },
        { "/shared/tokenize/equals/blank-after", MODE_CONF, "a= b\n", "1:[a][=][b]" },
        { "/shared/tokenize/equals/blanks", MODE_CONF, "a = b\n", "1:[a][=][b]" },
        { "/shared/tokenize/equals/double", MODE_CONF, "a==b\n", "1:[a][=][=][b]" },
        { "/shared/tokenize/equals/alone", MODE_CONF, "=\n", "1:[=]" },
        { "/shared/tokenize/equals/quoted", MODE_CONF, "a=\"b=c\"\n", "1:[a][=][b=c]" },
        /* network mode: silent limits and the ASCII filter */
        { "/shared/tokenize/net/ascii-only", MODE_NET, "a\x01" "b\x7f\xc3\xa9" "c\n", "1:[ab\\x7fc]" },
        { "/shared/tokenize/net/tab-dropped-in-quotes", MODE_NET, "\"a\tb\"\n", "1:[ab]" },
        { "/shared/tokenize/net/escaped-control-dropped", MODE_NET, "a\\\tb\n", "1:[ab]" },
        { "/shared/tokenize/net/tab-separates", MODE_NET, "a\tb\n", "1:[a][b]" },
        { "/shared/tokenize/limits/words-cut", MODE_SMALL, "a b c d e\nf\n", "1:[a][b][c] 2:[f]" },
        { "/shared/tokenize/limits/word-cut", MODE_SMALL, "abcdefg \"hijklmn\"\n", "1:[abcd][hijk]" },
        /* strict mode: the same lines are errors, and the next line still parses */
        { "/shared/tokenize/strict/too-many-words-at-lf", MODE_SMALL_STRICT, "a b c d\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/too-many-words-mid-line", MODE_SMALL_STRICT, "a b c d e\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/too-many-words-quoted", MODE_SMALL_STRICT, "a b c \"d\" e\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/too-many-words-equals", MODE_SMALL_STRICT, "a b c =\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/too-many-words-at-eof", MODE_SMALL_STRICT, "x\na b c d", "1:[x] 2:!" },
        { "/shared/tokenize/strict/word-too-long", MODE_SMALL_STRICT, "abcde\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/word-too-long-quoted", MODE_SMALL_STRICT, "\"abcde\"\nx\n", "1:! 2:[x]" },
        { "/shared/tokenize/strict/limits-reached", MODE_SMALL_STRICT, "abcd b c\n", "1:[abcd][b][c]" },
        { "/shared/tokenize/strict/error-skips-continuation", MODE_SMALL_STRICT, "\"#\" \\\nx\ny\n",
          "1:! 2:[x] 3:[y]" },
        /* nut_tokenizer_finish() */
        { "/shared/tokenize/finish/no-lf", MODE_NET, "a b", "1:[a][b]" },
        { "/shared/tokenize/finish/no-lf-second-line", MODE_NET, "a\nb \"c\"", "1:[a] 2:[b][c]" },
        { "/shared/tokenize/finish/trailing-blanks", MODE_NET, "a ", "1:[a]" },
        { "/shared/tokenize/finish/empty-quotes", MODE_NET, "\"\"", "1:[]" },
        { "/shared/tokenize/finish/nothing", MODE_NET, "", "" },
        { "/shared/tokenize/finish/after-lf", MODE_NET, "a\n", "1:[a]" },
        { "/shared/tokenize/finish/blanks-only", MODE_NET, "a\n  ", "1:[a]" },
};

static void test_tokenize(const void *data)
{
        const TokCase *c = data;
        g_autofree char *got = tokenize(c->mode, c->input, strlen(c->input));
        g_autofree char *again = tokenize(c->mode, c->input, strlen(c->input));

        g_assert_cmpstr(got, ==, c->expect);
        /* a byte feeder keeps no state between tokenizers: a second run is identical */
        g_assert_cmpstr(again, ==, got);
}

/* upsd: at most 32 words per line, the rest dropped without an error */
static void test_net_word_limit(void)
{
        g_autoptr(GString) in = g_string_new(NULL), expect = g_string_new("1:");
        g_autofree char *got = NULL;

        for (unsigned i = 0; i < 40; i++) {
                g_string_append_printf(in, "w%u ", i);
                if (i < 32)
                        g_string_append_printf(expect, "[w%u]", i);
        }
        g_string_append(in, "\nnext\n");
        g_string_append(expect, " 2:[next]");
        got = tokenize(MODE_NET, in->str, in->len);
        g_assert_cmpstr(got, ==, expect->str);
}

/* upsd: at most 512 bytes per word, the rest dropped without an error */
static void test_net_word_length(void)
{
        g_autofree char *long_word = g_strnfill(600, 'x'), *cut = g_strnfill(512, 'x');
        g_autofree char *in = g_strdup_printf("a %s \"%s\" b\n", long_word, long_word);
        g_autofree char *expect = g_strdup_printf("1:[a][%s][%s][b]", cut, cut);
        g_autofree char *got = tokenize(MODE_NET, in, strlen(in));

        g_assert_cmpstr(got, ==, expect);
}

/* config mode: the same limits (512 words, 4096 bytes) are errors */
static void test_conf_limits(void)
{
        g_autoptr(GString) many = g_string_new(NULL);
        g_autofree char *word = g_strnfill(4096, 'y'), *too_long = g_strnfill(4097, 'y');
        g_autofree char *in = NULL, *got = NULL, *expect = NULL;

        for (unsigned i = 0; i < 513; i++)
                g_string_append(many, "w ");
        in = g_strdup_printf("%s\n%s\n%s\nok\n", word, too_long, many->str);
        expect = g_strdup_printf("1:[%s] 2:! 3:! 4:[ok]", word);
        got = tokenize(MODE_CONF, in, strlen(in));
        /* not g_assert_cmpstr(): it would print 8 KiB */
        if (!g_str_equal(got, expect)) {
                g_test_message("got ...%s", got + 4096);
                g_test_fail();
        }
}

/* Words are valid until the next call; t.error names the problem of the failing byte. */
static void test_error_message(void)
{
        NutTokenizer t;
        const char *in = "a \"b#c\" d\n";
        int r = 0;
        size_t i;

        nut_tokenizer_init(&t, 32, 512, false);
        for (i = 0; in[i]; i++) {
                r = nut_tokenizer_feed(&t, in[i]);
                if (r != 0)
                        break;
        }
        g_assert_cmpint(r, ==, -EBADMSG);
        g_assert_cmpuint(i, ==, 4);
        g_assert_cmpstr(t.error, ==, "unescaped '#' inside quotes");
        /* the rest of the line is skipped; its LF ends an empty (not returned) line */
        for (i++; in[i]; i++)
                g_assert_cmpint(nut_tokenizer_feed(&t, in[i]), ==, 0);
        g_assert_cmpint(nut_tokenizer_feed(&t, 'x'), ==, 0);
        g_assert_cmpint(nut_tokenizer_feed(&t, '\n'), ==, 1);
        g_assert_cmpuint(t.n_words, ==, 1);
        g_assert_cmpstr(t.words[0], ==, "x");
        g_assert_cmpuint(t.line_start, ==, 2);
        g_assert_null(t.error);
        nut_tokenizer_done(&t);
}

/* reset() drops a half-read line */
static void test_reset(void)
{
        NutTokenizer t;
        const char *in = "a \"b c";

        nut_tokenizer_init(&t, 32, 512, false);
        for (size_t i = 0; in[i]; i++)
                g_assert_cmpint(nut_tokenizer_feed(&t, in[i]), ==, 0);
        nut_tokenizer_reset(&t);
        g_assert_cmpint(nut_tokenizer_feed(&t, 'z'), ==, 0);
        g_assert_cmpint(nut_tokenizer_feed(&t, '\n'), ==, 1);
        g_assert_cmpuint(t.n_words, ==, 1);
        g_assert_cmpstr(t.words[0], ==, "z");
        nut_tokenizer_done(&t);
}

typedef struct EscapeCase {
        const char *in, *out;
} EscapeCase;

static const EscapeCase escape_cases[] = {
        { "", "" },
        { "OL CHRG", "OL CHRG" },
        { "a#b", "a\\#b" },
        { "C:\\ups", "C:\\\\ups" },
        { "\"q\"", "\\\"q\\\"" },
        { "#\\\"", "\\#\\\\\\\"" },
        { "a=b 'c' $d", "a=b 'c' $d" },
        { "caf\xc3\xa9", "caf\xc3\xa9" },
};

/* Escaped and quoted, every value reads back as itself (bytes the ASCII filter keeps). */
static void test_escape(void)
{
        for (size_t i = 0; i < G_N_ELEMENTS(escape_cases); i++) {
                const EscapeCase *c = &escape_cases[i];
                g_autofree char *e = nut_escape(c->in);
                g_autofree char *line = NULL, *got = NULL, *expect = NULL;

                g_assert_cmpstr(e, ==, c->out);
                if (strchr(c->in, '\xc3'))
                        continue;
                line = g_strdup_printf("\"%s\"\n", e);
                got = tokenize(MODE_NET, line, strlen(line));
                expect = g_strdup_printf("1:[%s]", c->in);
                g_assert_cmpstr(got, ==, expect);
        }
}

/* nut_conf_parse_buffer() */

typedef struct Collect {
        GString *lines;
        unsigned fail_line;     /* the callback fails on this line */
        const char *fail_msg;   /* with this message, or none */
} Collect;

static int collect_line(unsigned line, char **words, size_t n_words, void *userdata, char **ret_error)
{
        Collect *c = userdata;
        g_autofree char *joined = g_strjoinv("|", words);

        g_assert_cmpuint(n_words, >, 0);
        g_assert_cmpuint(g_strv_length(words), ==, n_words);
        if (line == c->fail_line) {
                if (c->fail_msg)
                        *ret_error = strdup(c->fail_msg);
                return -EINVAL;
        }
        g_string_append_printf(c->lines, "%u:%s;", line, joined);
        return 0;
}

typedef struct ConfCase {
        const char *path;
        const char *text;
        size_t size;            /* 0: strlen(text) */
        unsigned fail_line;
        const char *fail_msg;
        int ret;
        const char *lines;      /* callback calls before the end or the error */
        const char *error;
} ConfCase;

static const ConfCase conf_cases[] = {
        { "/shared/tokenize/conf/lines", "# c\n\na = b\n  \nflag\n\"x y\" z", 0, 0, NULL,
          0, "3:a|=|b;5:flag;6:x y|z;", NULL },
        { "/shared/tokenize/conf/continuation-line", "a \\\n= b\nc\n", 0, 0, NULL, 0, "1:a|=|b;3:c;", NULL },
        { "/shared/tokenize/conf/crlf", "a = b\r\nc\r\n", 0, 0, NULL, 0, "1:a|=|b;2:c;", NULL },
        { "/shared/tokenize/conf/empty", "", 0, 0, NULL, 0, "", NULL },
        { "/shared/tokenize/conf/hash-in-quotes", "a\nb = \"x#y\"\nc\n", 0, 0, NULL,
          -EBADMSG, "1:a;", "test.conf:2: unescaped '#' inside quotes" },
        { "/shared/tokenize/conf/unbalanced-quote", "a\nb = \"x\nc\n", 0, 0, NULL,
          -EBADMSG, "1:a;", "test.conf:2: unbalanced quotes" },
        { "/shared/tokenize/conf/unbalanced-quote-eof", "a\nb = \"x", 0, 0, NULL,
          -EBADMSG, "1:a;", "test.conf:2: unbalanced quotes at end of file" },
        { "/shared/tokenize/conf/last-line-without-lf", "a\nb", 0, 0, NULL, 0, "1:a;2:b;", NULL },
        { "/shared/tokenize/conf/nul-byte", "a\nb\0c\nd\n", 8, 0, NULL,
          -EBADMSG, "1:a;", "test.conf:2: NUL byte: not a text file" },
        { "/shared/tokenize/conf/callback-error", "a\n\nb c\nd\n", 0, 3, "bad b",
          -EINVAL, "1:a;", "test.conf:3: bad b" },
        { "/shared/tokenize/conf/callback-error-continued", "a\nb \\\nc\nd\n", 0, 2, "bad b",
          -EINVAL, "1:a;", "test.conf:2: bad b" },
        { "/shared/tokenize/conf/callback-error-no-message", "a\nb\n", 0, 2, NULL,
          -EINVAL, "1:a;", "test.conf:2: Invalid argument" },
        { "/shared/tokenize/conf/callback-error-last-line", "a\nb", 0, 2, "no",
          -EINVAL, "1:a;", "test.conf:2: no" },
};

static void test_conf_parse(const void *data)
{
        const ConfCase *c = data;
        g_autoptr(GString) lines = g_string_new(NULL);
        Collect col = { .lines = lines, .fail_line = c->fail_line, .fail_msg = c->fail_msg };
        char *error = NULL;
        int r;

        r = nut_conf_parse_buffer("test.conf", c->text, c->size ?: strlen(c->text), collect_line, &col, &error);
        g_assert_cmpint(r, ==, c->ret);
        g_assert_cmpstr(lines->str, ==, c->lines);
        g_assert_cmpstr(error, ==, c->error);
        free(error);
}

/* Config files are strict: the 513th word and the 4097th byte of a word are errors. */
static void test_conf_parse_limits(void)
{
        g_autoptr(GString) text = g_string_new("ok\n");
        g_autoptr(GString) lines = g_string_new(NULL);
        Collect col = { .lines = lines };
        char *error = NULL;
        int r;

        for (unsigned i = 0; i < 513; i++)
                g_string_append(text, "w ");
        g_string_append(text, "\nnever\n");
        r = nut_conf_parse_buffer("big.conf", text->str, text->len, collect_line, &col, &error);
        g_assert_cmpint(r, ==, -EBADMSG);
        g_assert_cmpstr(error, ==, "big.conf:2: too many words on one line");
        g_assert_cmpstr(lines->str, ==, "1:ok;");
        free(error);

        /* the same on a last line without LF */
        g_string_truncate(lines, 0);
        g_string_truncate(text, text->len - strlen("\nnever\n"));
        r = nut_conf_parse_buffer("big.conf", text->str, text->len, collect_line, &col, &error);
        g_assert_cmpint(r, ==, -EBADMSG);
        g_assert_cmpstr(error, ==, "big.conf:2: too many words on one line");
        g_assert_cmpstr(lines->str, ==, "1:ok;");
        free(error);
}

int main(int argc, char *argv[])
{
        g_test_init(&argc, &argv, NULL);

        for (size_t i = 0; i < G_N_ELEMENTS(tok_cases); i++)
                g_test_add_data_func(tok_cases[i].path, &tok_cases[i], test_tokenize);
        g_test_add_func("/shared/tokenize/net/word-limit", test_net_word_limit);
        g_test_add_func("/shared/tokenize/net/word-length", test_net_word_length);
        g_test_add_func("/shared/tokenize/strict/config-limits", test_conf_limits);
        g_test_add_func("/shared/tokenize/error-message", test_error_message);
        g_test_add_func("/shared/tokenize/reset", test_reset);
        g_test_add_func("/shared/tokenize/escape", test_escape);
        for (size_t i = 0; i < G_N_ELEMENTS(conf_cases); i++)
                g_test_add_data_func(conf_cases[i].path, &conf_cases[i], test_conf_parse);
        g_test_add_func("/shared/tokenize/conf/limits", test_conf_parse_limits);

        return g_test_run();
}
