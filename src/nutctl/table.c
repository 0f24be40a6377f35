/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tables for list and commands: columns as wide as their widest cell, two blanks between
 * them, no trailing blanks. Cells are escaped for the terminal when added; colours are
 * applied around the padding-free text so alignment does not count escape sequences.
 */
#include "table.h"
#include "terminal.h"

typedef struct TableCell {
        char *text;
        const char *color;
} TableCell;

struct Table {
        size_t n_columns;
        const char *const *headers;
        const bool *align_right;        /* NULL: all left */
        TableCell *cells;
        size_t n_cells;
};

/**
 * table_new() - a table with the given column headers (NULL-terminated, kept by reference)
 * @align_right: per column, whether its cells are right-aligned; NULL for none
 */
int table_new(const char *const *headers, const bool *align_right, Table **ret)
{
        Table *t = calloc(1, sizeof(Table));

        if (!t)
                return -ENOMEM;
        while (headers[t->n_columns])
                t->n_columns++;
        t->headers = headers;
        t->align_right = align_right;
        *ret = t;
        return 0;
}

Table *table_free(Table *t)
{
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i].text);
        free(t->cells);
        return mfree(t);
}

/* Appends a cell; rows fill from left to right. color may be NULL. */
int table_add(Table *t, const char *text, const char *color)
{
        TableCell *c = realloc(t->cells, (t->n_cells + 1) * sizeof(TableCell));
        char *s;

        if (!c)
                return -ENOMEM;
        t->cells = c;
        s = text_escape(strempty(text));
        if (!s)
                return -ENOMEM;
        t->cells[t->n_cells++] = (TableCell) { s, color };
        return 0;
}

size_t table_rows(const Table *t)
{
        return t->n_cells / t->n_columns;
}

static void print_cell(const Table *t, FILE *f, size_t col, const char *text, const char *color,
                       size_t width)
{
        bool right = t->align_right && t->align_right[col];
        bool last = col + 1 == t->n_columns;
        size_t pad = width - utf8_width(text);

        if (right)
                fprintf(f, "%*s", (int) pad, "");
        fprintf(f, "%s%s%s", ansi(color), text, color ? ansi_normal() : "");
        if (!right && !last)
                fprintf(f, "%*s", (int) pad, "");
        fputs(last ? "\n" : "  ", f);
}

int table_print(const Table *t, FILE *f, bool header)
{
        _cleanup_free_ size_t *widths = calloc(t->n_columns, sizeof(size_t));

        if (!widths)
                return -ENOMEM;
        for (size_t c = 0; c < t->n_columns; c++)
                widths[c] = header ? utf8_width(t->headers[c]) : 0;
        for (size_t i = 0; i < t->n_cells; i++) {
                size_t w = utf8_width(t->cells[i].text);

                if (w > widths[i % t->n_columns])
                        widths[i % t->n_columns] = w;
        }
        if (header)
                for (size_t c = 0; c < t->n_columns; c++)
                        print_cell(t, f, c, t->headers[c], ANSI_BOLD, widths[c]);
        for (size_t i = 0; i + t->n_columns <= t->n_cells; i += t->n_columns)
                for (size_t c = 0; c < t->n_columns; c++)
                        print_cell(t, f, c, t->cells[i + c].text, t->cells[i + c].color, widths[c]);
        return 0;
}
