/* What the files of the record line writer share (dataset/_jsonline*.c; see _jsonline.c): the
 * text being written and the functions that put text into it (_jsonline_text.c). Everything
 * declared here stays inside the extension (hidden visibility). */
#ifndef RPSDG_JSONLINE_H
#define RPSDG_JSONLINE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

enum { WRITTEN = 0, FAILED = -1, DECLINED = 1 }; /* DECLINED: no Python error set */

/* The text so far, `width` bytes a character: the kind of the widest string written (every
 * character of a string is kept or escaped to ASCII, and a str's kind is the narrowest that
 * holds its characters, so that is the line's kind); `level` that kind's widest character. */
typedef struct {
    char *data;
    Py_ssize_t size, bytes; /* characters written, bytes held */
    int width;
    Py_UCS4 level;
    PyObject *specs; /* row class -> ((key, mode), ...) */
    int depth, own;  /* own: a buffer of this call's (not the one kept between calls) */
    int split, gaps; /* split: cut the line at its NUL string (see `text_of`); gaps: their count */
    Py_ssize_t gap_at; /* where the NUL string was left out (-1: none) */
} Out;

/* ---- the text (_jsonline_text.c) ---- */
int ascii(Out *out, const char *text, Py_ssize_t n);
int string(Out *out, PyObject *s);
int integer(Out *out, PyObject *v);
int key(Out *out, PyObject *k, int first);
int begin(Out *out, PyObject *specs, int split);
PyObject *end(Out *out, int done);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
