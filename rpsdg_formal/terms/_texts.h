/* What the files of the printers' engine share (terms/_texts*.c; see _texts.c): the operator
 * table, the engine, the constant strings and the functions one file defines for another.
 * Everything declared here stays inside the extension (hidden visibility). */
#ifndef RPSDG_TEXTS_H
#define RPSDG_TEXTS_H

#include "_slots.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

enum { INFIX, PREFIX, POSTFIX, FUNCTION, CONSTANT }; /* the codes texts_compiled.py gives */
enum { VAR, NUM, APP };
#define MAX_PIECES 31 /* the longest template the engine fills itself (texts_compiled.py) */
#define MAX_ARGS 8    /* the most arguments of a node the engine prints itself */
#define SEEN 16       /* heads whose operator the engine remembers by address */

/* One operator, as `SignatureTexts`'s tables have it (its strings borrowed from the table). */
typedef struct {
    int fixity, is_prefix, braced, lean_template;
    long precedence; /* as a child: ATOM for calls and constants */
    PyObject *symbol, *lean, *lean_pieces, *lean_name, *latex, *latex_pieces;
} Op;

typedef struct {
    PyObject_HEAD
    Op *ops;
    PyObject *table, *index;                            /* op tuples; head -> position */
    PyObject *human, *lean, *kernel, *argument, *latex; /* the memos, Python dicts */
    PyObject *kinds[3], *numeral, *globals, *reference;
    PyTypeObject *expr_type;
    Py_ssize_t kind_at, head_at, value_at, args_at;     /* Expr's slots */
    long atom;
    Py_ssize_t limit;                                   /* texts.LIMIT, read at each call */
    PyObject *seen_head[SEEN];                          /* strong references */
    Op *seen_op[SEEN];
    int seen_next;
} Engine;

/* interned strings; `Unsupported`: what the engine raises for the Python method to print */
extern PyObject *Unsupported, *LIMIT, *SPACE, *OPEN, *CLOSE, *COMMA, *EMPTY, *LEFT, *RIGHT;
extern PyObject *LEFT_WORD, *FORMAT;

#define SLOT(e, node, at) (*(PyObject **)((char *)(node) + (e)->at))

/* ---- nodes, strings and memos (_texts_base.c) ---- */
PyObject *unsupported(void);
int kind_of(Engine *e, PyObject *node);
Op *op_of(Engine *e, PyObject *node);
long below(Engine *e, PyObject *node, int kind);
PyObject *concat(PyObject **parts, int n);
PyObject *wrap(PyObject *text, int wrapped, PyObject *open, PyObject *close);
PyObject *remember(Engine *e, PyObject *memo, PyObject *node, PyObject *text);
PyObject *fill(PyObject *template, PyObject *pieces, PyObject **texts, Py_ssize_t n);
void release(PyObject **texts, Py_ssize_t n);
PyObject *leaf(Engine *e, PyObject *node, int kind);

/* ---- human, standard Lean and LaTeX syntax (_texts_infix.c) ---- */
PyObject *infix(Engine *e, PyObject *node, int lean);
PyObject *lean_argument(Engine *e, PyObject *node);
PyObject *latex(Engine *e, PyObject *node);

/* ---- kernel syntax (_texts_kernel.c) ---- */
PyObject *kernel(Engine *e, PyObject *node);
PyObject *kernel_argument(Engine *e, PyObject *node);
PyObject *context(Engine *e, PyObject *node, PyObject *path, PyObject *hole);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
