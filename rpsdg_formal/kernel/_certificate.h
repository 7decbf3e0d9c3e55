/* What the files of the compiled certificate share (kernel/_certificate*.c; see
 * _certificate.c): the types it reads, the interned names and texts, a step as it reads it,
 * and the functions one file defines for the other. Hidden outside the extension. */
#ifndef RPSDG_CERTIFICATE_H
#define RPSDG_CERTIFICATE_H

#include "../terms/_slots.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

extern PyObject *Unsupported, *var_kind;
extern PyTypeObject *expr_type, *step_type, *rule_type; /* set by install */
extern Py_ssize_t kind_at, head_at, args_at;            /* Expr's slots */

#define AT(node, at) (*(PyObject **)((char *)(node) + (at)))

enum { RULE, REVERSE, PATH, SUBSTITUTION, BEFORE, AFTER, CONDITIONS, EVALUATE, LEAN_NAME, LHS,
       RHS, NAME, N_ATTRS };
extern PyObject *ATTR[N_ATTRS]; /* the attribute names, interned */

/* What `emit.certificate` gives: the printers (`kernel_argument` with its memo, where a text
 * is found without a call), `instantiates`, the carrier and the hole's name, the theory, and
 * the Python functions for the rare steps. */
typedef struct {
    PyObject *argument, *memo, *context, *instantiates, *carrier, *hole, *theory, *hypotheses,
        *rare;
} Tools;

/* What a certificate reads of a rule, kept by address (rules are frozen; held strongly). */
typedef struct {
    PyObject *rule, *lhs, *rhs, *lean_name;
    int conditioned, rare;
} Known;

/* One step's fields (new references) and its rule's. */
typedef struct {
    PyObject *step, *path, *substitution, *before, *after;
    Known rule; /* a copy: its references borrowed from the rule, which the step holds */
    int reverse;
} Link;

/* A text being put together from pieces (exact `str`s, each borrowed or owned), joined once
 * at the end: cheaper than a list and `str.join` for the few dozen pieces of a certificate. */
#define INLINE 128
typedef struct {
    PyObject **items, *inline_items[INLINE];
    char *owned, inline_owned[INLINE];
    Py_ssize_t n, cap;
} Builder;

/* ---- putting texts together (_certificate_builder.c) ---- */
void start_text(Builder *b);
int add(Builder *b, PyObject *item);
int put(Builder *b, PyObject *item);
PyObject *built(Builder *b);
void drop(Builder *b);

/* ---- reading and checking steps (_certificate_steps.c) ---- */
PyObject *unsupported(void);
int read_link(PyObject *step, Link *link);
void release(Link *link);
int check_chain(PyObject *start, Link *links, Py_ssize_t n, Tools *tools);
PyObject *variables_of(PyObject *start, PyObject *end);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
