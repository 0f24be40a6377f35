/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT tokenizer. Rules (NUT-REFERENCE §1.1): LF ends a line, other whitespace separates
 * words, "..." groups a word, backslash takes the next byte literally, backslash-LF joins
 * lines, unquoted '#' starts a comment, '#' inside quotes is an error, unquoted '=' is a
 * word of its own.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "tokenize.h"

void nut_tokenizer_init(NutTokenizer *t, size_t max_words, size_t max_word_len, bool strict)
{
        *t = (NutTokenizer) {
                .max_words = max_words,
                .max_word_len = max_word_len,
                .strict = strict,
                .line = 1,
                .line_start = 1,
        };
}

static void clear_words(NutTokenizer *t)
{
        for (size_t i = 0; i < t->n_words; i++)
                t->words[i] = mfree(t->words[i]);
        t->n_words = 0;
        t->word_len = 0;
        t->in_word = false;
}

void nut_tokenizer_done(NutTokenizer *t)
{
        clear_words(t);
        free(t->words);
        free(t->word);
        t->words = NULL;
        t->word = NULL;
}

/* Forget the line being read (after an error the caller wants to resync at once). */
void nut_tokenizer_reset(NutTokenizer *t)
{
        clear_words(t);
        t->state = NUT_TOK_START;
        t->escape = false;
        t->error = NULL;
        t->line_start = t->line;
}

static int fail(NutTokenizer *t, const char *msg)
{
        clear_words(t);
        t->error = msg;
        t->state = NUT_TOK_ERROR;
        t->escape = false;
        return -EBADMSG;
}

static int add_byte(NutTokenizer *t, char c)
{
        unsigned char u = (unsigned char) c;

        if (t->ascii_only && (u < 0x20 || u > 0x7f))
                return 0;
        if (t->word_len >= t->max_word_len)
                return t->strict ? fail(t, "word too long") : 0;
        if (t->word_len + 1 >= t->word_alloc) {
                size_t n = t->word_alloc ? t->word_alloc * 2 : 64;
                char *w;

                if (n > t->max_word_len + 1)
                        n = t->max_word_len + 1;
                w = realloc(t->word, n);
                if (!w)
                        return -ENOMEM;
                t->word = w;
                t->word_alloc = n;
        }
        t->word[t->word_len++] = c;
        return 0;
}

static int end_word(NutTokenizer *t)
{
        char *w;

        if (!t->in_word)
                return 0;
        t->in_word = false;
        if (t->n_words >= t->max_words) {
                t->word_len = 0;
                return t->strict ? fail(t, "too many words on one line") : 0;
        }
        if (t->n_words + 2 > t->words_alloc) {
                size_t n = t->words_alloc ? t->words_alloc * 2 : 8;
                char **l = realloc(t->words, n * sizeof(char *));

                if (!l)
                        return -ENOMEM;
                t->words = l;
                t->words_alloc = n;
        }
        w = strndup(t->word ?: "", t->word_len);
        if (!w)
                return -ENOMEM;
        t->words[t->n_words++] = w;
        t->words[t->n_words] = NULL;
        t->word_len = 0;
        return 0;
}

static int start_word(NutTokenizer *t, NutTokenState s)
{
        t->in_word = true;
        t->word_len = 0;
        t->state = s;
        return 0;
}

static int end_line(NutTokenizer *t)
{
        int r;

        r = end_word(t);
        if (r == -ENOMEM)
                return r;
        /* An error (before, or just now from end_word()) voids the line; t->error stays for the caller. */
        if (t->state == NUT_TOK_ERROR) {
                clear_words(t);
                t->state = NUT_TOK_START;
                t->line_done = true;
                return r;
        }
        t->state = NUT_TOK_START;
        if (t->n_words == 0 && t->words_alloc == 0) {
                /* Make sure t->words is a valid empty list. */
                t->words = calloc(8, sizeof(char *));
                if (!t->words)
                        return -ENOMEM;
                t->words_alloc = 8;
        }
        t->words[t->n_words] = NULL;
        t->line_done = true;
        return 1;
}

/* Called at the first byte after a line was handed out: start a fresh one. */
static void next_line(NutTokenizer *t)
{
        clear_words(t);
        t->line_done = false;
        t->error = NULL;
        t->line_start = t->line;
}

static int feed_escaped(NutTokenizer *t, char c)
{
        t->escape = false;
        if (c == '\n')                  /* continuation: the LF disappears */
                return 0;
        if (t->state == NUT_TOK_START)
                start_word(t, NUT_TOK_WORD);
        return add_byte(t, c);
}

static int feed_start(NutTokenizer *t, char c)
{
        int r;

        if (c == '\n')
                return end_line(t);
        if (isspace((unsigned char) c))
                return 0;
        switch (c) {
        case '#':
                t->state = NUT_TOK_COMMENT;
                return 0;
        case '"':
                return start_word(t, NUT_TOK_QUOTED);
        case '\\':
                t->escape = true;
                return 0;
        case '=':
                start_word(t, NUT_TOK_START);
                r = add_byte(t, c);
                return r < 0 ? r : end_word(t);
        default:
                start_word(t, NUT_TOK_WORD);
                return add_byte(t, c);
        }
}

static int feed_word(NutTokenizer *t, char c)
{
        int r;

        if (c == '\\') {
                t->escape = true;
                return 0;
        }
        /* a quote inside an unquoted word is an ordinary character, as in NUT */
        if (!isspace((unsigned char) c) && c != '#' && c != '=')
                return add_byte(t, c);

        r = end_word(t);
        if (r < 0) {
                /* strict limit: the state is NUT_TOK_ERROR now; an LF still ends the line */
                if (r == -EBADMSG && c == '\n')
                        end_line(t);
                return r;
        }
        t->state = NUT_TOK_START;
        if (c == '#')
                t->state = NUT_TOK_COMMENT;
        else if (c == '=')
                return feed_start(t, c);
        else if (c == '\n')
                return end_line(t);
        return 0;
}

static int feed_quoted(NutTokenizer *t, char c)
{
        int r;

        switch (c) {
        case '\\':
                t->escape = true;
                return 0;
        case '"':
                t->state = NUT_TOK_START;
                return end_word(t);
        case '#':
                return fail(t, "unescaped '#' inside quotes");
        case '\n':
                r = fail(t, "unbalanced quotes");
                end_line(t);
                return r;
        default:
                return add_byte(t, c);
        }
}

/**
 * nut_tokenizer_feed() - feed one byte
 *
 * Returns 1 when a line is complete (t->words, t->n_words, valid until the next call; the
 * line may have no words), 0 when more input is needed, -EBADMSG on a parse error (t->error
 * says which; the rest of the line is skipped), -ENOMEM.
 */
int nut_tokenizer_feed(NutTokenizer *t, char c)
{
        if (t->line_done)
                next_line(t);
        if (c == '\n')
                t->line++;

        switch (t->state) {
        case NUT_TOK_ERROR:
        case NUT_TOK_COMMENT:
                return c == '\n' ? end_line(t) : 0;
        default:
                break;
        }
        if (t->escape)
                return feed_escaped(t, c);
        if (t->state == NUT_TOK_QUOTED)
                return feed_quoted(t, c);
        if (t->state == NUT_TOK_WORD)
                return feed_word(t, c);
        return feed_start(t, c);
}

/* End of input: completes a last line without LF. Returns like nut_tokenizer_feed(). */
int nut_tokenizer_finish(NutTokenizer *t)
{
        if (t->line_done)
                next_line(t);
        if (t->state == NUT_TOK_QUOTED)
                return fail(t, "unbalanced quotes at end of file");
        t->escape = false;
        if (t->state == NUT_TOK_START && !t->in_word && t->n_words == 0)
                return 0;
        return end_line(t);
}

char *nut_escape(const char *s)
{
        size_t n = 0;
        char *r, *p;

        for (const char *q = s; *q; q++)
                n += (*q == '#' || *q == '\\' || *q == '"') ? 2 : 1;
        r = p = malloc(n + 1);
        if (!r)
                return NULL;
        for (; *s; s++) {
                if (*s == '#' || *s == '\\' || *s == '"')
                        *p++ = '\\';
                *p++ = *s;
        }
        *p = 0;
        return r;
}

/* Reads a whole regular file of at most max bytes; NUL-terminated. */
int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_size)
{
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t size = 0, alloc;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t) st.st_size > max)
                return -EFBIG;
        alloc = (size_t) st.st_size + 1;
        buf = malloc(alloc);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                if (size + 1 >= alloc) {
                        char *b;

                        if (alloc > max)
                                return -EFBIG;
                        alloc = alloc * 2 > max + 1 ? max + 1 : alloc * 2;
                        b = realloc(buf, alloc);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                }
                k = read(fd, buf + size, alloc - size - 1);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        buf[size] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = size;
        return 0;
}

static char *format_error(const char *name, unsigned line, const char *msg)
{
        char *s = NULL;

        if (asprintf(&s, "%s:%u: %s", name, line, msg) < 0)
                return NULL;
        return s;
}

/**
 * nut_conf_parse_buffer() - tokenize a config text and call fn for every line with words
 *
 * Stops at the first problem: a tokenizer error, or fn returning < 0. *ret_error then says
 * "name:line: problem". A NUL byte in the text is an error (binary file).
 */
int nut_conf_parse_buffer(const char *name, const char *buf, size_t size, NutConfLineFn fn, void *userdata,
                          char **ret_error)
{
        _cleanup_(nut_tokenizer_done) NutTokenizer t;
        int r = 0;

        nut_tokenizer_init(&t, 512, 4096, true);
        for (size_t i = 0; i <= size; i++) {
                _cleanup_free_ char *msg = NULL;

                if (i < size && buf[i] == 0) {
                        *ret_error = format_error(name, t.line, "NUL byte: not a text file");
                        return -EBADMSG;
                }
                r = i < size ? nut_tokenizer_feed(&t, buf[i]) : nut_tokenizer_finish(&t);
                if (r == -EBADMSG) {
                        *ret_error = format_error(name, t.line_start, t.error);
                        return r;
                }
                if (r < 0)
                        return r;
                if (r == 0 || t.n_words == 0)
                        continue;
                r = fn(t.line_start, t.words, t.n_words, userdata, &msg);
                if (r < 0) {
                        *ret_error = format_error(name, t.line_start, msg ?: strerror(-r));
                        return r;
                }
        }
        return 0;
}

int nut_conf_parse_file(const char *path, NutConfLineFn fn, void *userdata, char **ret_error)
{
        _cleanup_free_ char *buf = NULL;
        size_t size;
        int r;

        r = read_file_bounded(path, 4 * 1024 * 1024, &buf, &size);
        if (r < 0) {
                if (asprintf(ret_error, "%s: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        return nut_conf_parse_buffer(path, buf, size, fn, userdata, ret_error);
}
