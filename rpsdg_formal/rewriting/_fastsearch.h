/* What the files of the C core share (rewriting/_fastsearch*.c; see _fastsearch.c): the
 * limits, the integer trees and rule directions ("plans"), the default walk's Walker, and the
 * functions one file defines for another. Everything declared here stays inside the extension
 * (hidden visibility: no other loaded library can interpose a name such as `match`).
 */
#ifndef RPSDG_FASTSEARCH_H
#define RPSDG_FASTSEARCH_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

#define MAXARITY 4
#define MAXSLOTS 16
#define MAXDEPTH 256

typedef struct { int32_t sym, arity, size, args[MAXARITY], pad; } Node; /* (32 bytes: aligned) */

typedef struct {
    const int32_t *pattern, *produced;   /* prefix codes: >= 0 sym then arity; < 0 slot -1-k */
    int32_t npattern, nproduced, least, nslots, nmissing, ndropped;
    int32_t missing[MAXSLOTS], dropped[MAXSLOTS];
    int32_t arity, need[MAXARITY]; /* the pattern's root arity (-1 a bare variable) and each
                                    * argument's symbol (-1 a variable): `may_match` */
} Plan;

typedef struct {
    Node *nodes; int32_t count, cap;
    int32_t *table; uint32_t mask;       /* open addressing: node id + 1, 0 empty */
    Plan *plans; int32_t nplans;
    const int32_t *symplans; int32_t nsyms; /* per sym: offset into plan list, count */
    const int32_t *planlist;
    int32_t fresh[MAXSLOTS]; int32_t nfresh;
    int32_t max_size;
    int failed;                          /* out of memory or arity too large */
} Ctx;

/* A successor found: (after, plan, position in pre-order, fresh choice); returns nonzero to stop. */
typedef int (*Visit)(void *state, int32_t after, int32_t plan, int32_t pos, int32_t choice);

typedef struct { int32_t node, child; } Frame;

typedef struct { int32_t *items, n, room; } Vec;

/* ---- the integer trees (_fastsearch.c) ---- */

int32_t intern(Ctx *c, int32_t sym, int32_t arity, const int32_t *args);
int32_t intern_code(Ctx *c, const int32_t *code, Py_ssize_t len, Py_ssize_t *at);
int match(Ctx *c, const int32_t *p, int32_t *at, int32_t id, int32_t *bind);

/* Whether `pl`'s pattern may match node `id`: its root's arity and arguments' symbols agree
 * (a check before `match`, which most plans listed for a symbol fail). */
static inline int may_match(const Ctx *c, const Plan *pl, int32_t id) {
    const Node *n = &c->nodes[id];
    if (pl->arity < 0) return 1;
    if (n->arity != pl->arity) return 0;
    for (int i = 0; i < n->arity; i++)
        if (pl->need[i] >= 0 && c->nodes[n->args[i]].sym != pl->need[i]) return 0;
    return 1;
}
int32_t build(Ctx *c, const int32_t *p, int32_t *at, const int32_t *bind);
int32_t replace_up(Ctx *c, const Frame *stack, int depth, int32_t sub);
int successors(Ctx *c, int32_t root, Visit visit, void *state);
int grow(Vec *v);

/* `x` appended to `v` (inline: the walk's listing and the search push in their hot loops). */
static inline int push(Vec *v, int32_t x) {
    if (v->n == v->room && grow(v)) return -1;
    v->items[v->n++] = x;
    return 0;
}
int parse_plans(Ctx *c, const int32_t *code, Py_ssize_t len);

/* ---- the certifying search and one tree's successors (_fastsearch_search.c) ---- */

PyObject *py_search(PyObject *self, PyObject *args);
PyObject *py_neighbours(PyObject *self, PyObject *args);

/* ---- the default walk (_fastsearch_draws.c, _fastsearch_exprs.c, _fastsearch_walker.c) ---- */

typedef struct {
    const int32_t *group; int32_t ngroups; /* per plan, its group (rule and direction) */
    int32_t *slot;                         /* per group, its rank of first appearance or -1 */
    int32_t nslots; int nofresh; Vec found; /* found: (slot, plan << 16 | position) pairs */
} Grouping;

/* Expr's slots and interning pool (terms/expr.py), to build nodes as `Expr.__new__` builds
 * them without running it: the pool maps (kind, head, value, args) to a weak reference (a
 * `_PoolRef` carrying that key, whose callback, `_forget` or here its C twin, drops the
 * entry). */
typedef struct {
    int on;
    PyObject *dict, *ref_type, *forget, *value_name;
    PyMemberDef *kind, *head, *value, *args, *size, *depth, *hash, *key;
} ExprPool;

/* One rule index's default walk, kept alive across walks (listed_walk.py makes one per index):
 * the plans are parsed once; the node table is emptied after each walk, and while a walk runs
 * each node carries its Expr (once built or given) and whether the walk has visited it. */
typedef struct {
    PyObject_HEAD
    Ctx c;
    int32_t *code, *group;        /* the plans' code (c.plans point into it); group per plan */
    Grouping g;
    int32_t *counts, *keys;       /* per group: the end of its entries in `flat`; draw order */
    int32_t *flat, *cands, room;  /* the listing's entries, group after group; one group's */
    PyObject **objs; uint8_t *seen; int32_t nroom; /* per node id */
    int32_t *mfirst, *mown, *msub; /* per node id: its matching plans in `memo` (first, count),
                                    * the matches in its whole tree (-1 not known yet) */
    Vec memo;                     /* the plans whose pattern matched, node after node */
    PyObject *symbols, *make, *args_name; /* per symbol (kind, head, value); Expr; "args" */
    PyObject *info, *step;        /* per plan (rule, reverse, variables); Step */
    PyObject *fields, *no_args;   /* Step's 6 field names, to store them here; or NULL; () */
    PyObject *var_kind;           /* the kind of a variable (the walk's fresh values) */
    ExprPool pool;                /* where `on`, nodes are built here, else by calling make */
    PyObject *bits, *unit;        /* the walk's rng.getrandbits and rng.random, while it runs */
    Py_ssize_t checked[2];        /* symplans and planlist lengths last validated */
    int busy;
} Walker;

enum { STUCK = -1, FAILED = -2, RAISED = -3, SKIP = -4 }; /* no step, C failure, Python error */

typedef struct { int32_t plan, after, bind[MAXSLOTS]; int depth; Frame stack[MAXDEPTH]; } Taken;

int cover_nodes(Walker *w);
void forget(Walker *w);
int32_t intern_start(Walker *w, const int32_t *code, Py_ssize_t len, Py_ssize_t *at,
                     PyObject *expr);
int32_t walk_step(Walker *w, int32_t root, PyObject *keep, int32_t cap, Taken *t);
int32_t apply_entry(Ctx *c, int32_t root, int32_t entry, const int32_t *values, Taken *t);
PyObject *taken_step(Walker *w, int32_t root, const Taken *t, int flip);
PyObject *make_expr(Walker *w, int32_t id);
int pool_setup(Walker *w, PyObject *spec);
extern PyTypeObject WalkerType;

/* ---- the search's reported steps built as Steps (_fastsearch_replay.c) ---- */

PyObject *walker_replay(Walker *w, PyObject *args);

/* ---- the default walk's start (_fastsearch_start.c) ---- */

enum { UNARY, BINARY, VARIABLE, NUMERAL }; /* the kinds of label of a start's shape */

typedef __int128 Count; /* a number of trees (up to 2**126), or a draw below one */

/* `sample.ExprShape` as symbol ids, with its tree counts (`sample.count_trees`). */
typedef struct {
    int32_t min_ops, max_ops, n[4];          /* n: how many labels of each kind */
    const int64_t *labels[4];                /* their symbol ids, in the shape's order */
    double probability;                      /* of a numeral leaf */
    Count count[MAXDEPTH / 2 + 1];           /* trees of n operators, n <= max_ops */
} Shape;

Count draw_below(Walker *w, Count n);
int add_fresh(Ctx *c, int32_t id);
int parse_shape(Walker *w, Shape *s, const int64_t *code, Py_ssize_t len);
int32_t draw_start(Walker *w, const Shape *s);

/* ---- trees' prefix codes, read from Expr objects (_fastsearch_encode.c) ---- */

extern PyTypeObject EncoderType;

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

#endif
