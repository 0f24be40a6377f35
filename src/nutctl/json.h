/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming JSON writer: containers, keys and values in the order they are written,
 * commas and (in pretty mode) indentation placed by the writer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum JsonFormat {
        JSON_OFF,
        JSON_SHORT,             /* one line */
        JSON_PRETTY,            /* indented, for people */
} JsonFormat;

typedef struct JsonWriter {
        FILE *f;
        bool pretty;
        unsigned depth;
        bool need_comma;        /* the current container already holds a value */
        bool after_key;         /* a key was written, its value comes next */
} JsonWriter;

void json_init(JsonWriter *w, FILE *f, JsonFormat format);
int json_finish(JsonWriter *w);

void json_begin_object(JsonWriter *w);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w);
void json_end_array(JsonWriter *w);
void json_key(JsonWriter *w, const char *key);

void json_string(JsonWriter *w, const char *s);
void json_double(JsonWriter *w, double d);
void json_int(JsonWriter *w, int64_t i);
void json_uint(JsonWriter *w, uint64_t u);
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
void json_strv(JsonWriter *w, char *const *l);

void json_escape(FILE *f, const char *s);
