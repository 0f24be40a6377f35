/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NUT tokenizer ("parseconf" rules): one state machine for config files, .seq/.dev
 * directives and network request lines. Fed byte by byte, so it works on streams.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef enum NutTokenState {
        NUT_TOK_START,          /* between words */
        NUT_TOK_WORD,           /* inside an unquoted word */
        NUT_TOK_QUOTED,         /* inside "..." */
        NUT_TOK_COMMENT,        /* after an unquoted '#', until LF */
        NUT_TOK_ERROR,          /* after a parse error, until LF */
} NutTokenState;

typedef struct NutTokenizer {
        /* settings */
        size_t max_words;       /* words per line */
        size_t max_word_len;    /* bytes per word */
        bool strict;            /* exceeding a limit is an error (config) rather than a silent cut (upsd) */
        bool ascii_only;        /* drop bytes < 0x20 and > 0x7f added to words, as upsd does */

        /* state */
        NutTokenState state;
        bool escape;            /* previous byte was an unconsumed backslash */
        bool in_word;           /* a word (maybe empty, from "") is being collected */
        bool line_done;         /* the last feed() handed out a line */
        unsigned line;          /* 1-based number of the line being read */
        unsigned line_start;    /* line number where the current logical line began */
        char *word;
        size_t word_len, word_alloc;
        char **words;           /* NULL-terminated, valid after feed() returned 1 */
        size_t n_words, words_alloc;
        const char *error;      /* static message after feed() returned -EBADMSG */
} NutTokenizer;

void nut_tokenizer_init(NutTokenizer *t, size_t max_words, size_t max_word_len, bool strict);
void nut_tokenizer_done(NutTokenizer *t);
void nut_tokenizer_reset(NutTokenizer *t);
int nut_tokenizer_feed(NutTokenizer *t, char c);
int nut_tokenizer_finish(NutTokenizer *t);

/* Escape '#', '\\' and '"' with a backslash, as upsd does for values it sends. */
char *nut_escape(const char *s);

/* Config files: called once per non-empty line. Set *ret_error (allocated) to report a problem. */
typedef int (*NutConfLineFn)(unsigned line, char **words, size_t n_words, void *userdata, char **ret_error);

int nut_conf_parse_buffer(const char *name, const char *buf, size_t size, NutConfLineFn fn, void *userdata,
                          char **ret_error);
int nut_conf_parse_file(const char *path, NutConfLineFn fn, void *userdata, char **ret_error);
int read_file_bounded(const char *path, size_t max, char **ret, size_t *ret_size);
