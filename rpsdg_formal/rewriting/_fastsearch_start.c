/* The default walk's start, drawn here (listed_walk.py `listed_draw`): the tree
 * `sample.random_expr` draws, from the same draws in the same order on the walk's own
 * generator, interned in the walker's node table as the walk's root; see _fastsearch.c.
 *
 * `random_expr` draws an operator count with `randint`, then descends: at each node a
 * `randrange` over the number of trees below (unary first, then the binary splits by the size
 * of the left argument), a `choice` of the label, the arguments left to right; at a leaf, a
 * `random()` against the numeral probability (only when there are numerals) and a `choice`
 * of a numeral or a variable. It draws again while the tree has no variable.
 */
#include "_fastsearch.h"

#define LIMIT ((Count)1 << 125) /* tree counts past this are left to Python */

/* The value of getrandbits(k) (k < 127) as a Count; -1 on a Python error. */
static Count bits_value(PyObject *r, int k) {
    if (k < 64) {
        long long v = PyLong_AsLongLong(r);
        return v == -1 && PyErr_Occurred() ? -1 : v;
    }
    unsigned long long low = PyLong_AsUnsignedLongLongMask(r);
    PyObject *shift = PyLong_FromLong(64), *top = shift ? PyNumber_Rshift(r, shift) : NULL;
    unsigned long long high = top ? PyLong_AsUnsignedLongLong(top) : (unsigned long long)-1;
    Py_XDECREF(shift); Py_XDECREF(top);
    return PyErr_Occurred() ? -1 : (Count)((unsigned __int128)high << 64 | low);
}

/* random.Random._randbelow_with_getrandbits(n), 0 < n <= LIMIT: the same calls to
 * getrandbits (randrange(n) and choice of n items make exactly these). */
Count draw_below(Walker *w, Count n) {
    int k = 0;
    while (k < 127 && (n >> k) != 0) k++; /* n.bit_length() */
    PyObject *bits = PyLong_FromLong(k);
    for (PyObject *r; bits && (r = PyObject_CallOneArg(w->bits, bits));) {
        Count v = bits_value(r, k);
        Py_DECREF(r);
        if (v < 0) break;
        if (v < n) { Py_DECREF(bits); return v; }
    }
    Py_XDECREF(bits);
    return RAISED;
}

/* A variable of the start: the next fresh value if not one already (the walk's fresh values
 * are the start's variables in order of first occurrence, as `variables` lists them). */
int add_fresh(Ctx *c, int32_t id) {
    for (int32_t i = 0; i < c->nfresh; i++)
        if (c->fresh[i] == id) return 0;
    if (c->nfresh == MAXSLOTS) return -1;
    c->fresh[c->nfresh++] = id;
    return 0;
}

/* a * b for 0 <= a, b <= LIMIT + 1, or LIMIT + 1 where that is past LIMIT. */
static Count capped(Count a, Count b) {
    Count product;
    return __builtin_mul_overflow(a, b, &product) || product > LIMIT ? LIMIT + 1 : product;
}

/* `count_trees(n, unary, binary)` for every n up to the shape's max_ops; -1 past LIMIT (or
 * where there is no tree: `randrange(0)` raises in Python). */
static int count_shapes(Shape *s) {
    Count u = s->n[UNARY], b = s->n[BINARY];
    s->count[0] = 1;
    for (int32_t n = 1; n <= s->max_ops; n++) {
        Count total = capped(u, s->count[n - 1]); /* a sum stays under 2**127: no overflow */
        for (int32_t left = 0; left < n && total <= LIMIT; left++)
            total += capped(capped(b, s->count[left]), s->count[n - 1 - left]);
        if (total > LIMIT || total <= 0) return -1;
        s->count[n] = total;
    }
    return 0;
}

/* The shape's code, from listed_walk.py: min_ops, max_ops, then the number of unary,
 * binary, variable and numeral labels, then their symbol ids in that order (repeats kept:
 * `choice` weighs them). -1 where the draw cannot run here (before any draw). */
int parse_shape(Walker *w, Shape *s, const int64_t *code, Py_ssize_t len) {
    if (len < 6) return -1;
    s->min_ops = (int32_t)code[0]; s->max_ops = (int32_t)code[1];
    if (code[0] < 0 || code[1] < code[0] || 2 * code[1] + 1 > MAXDEPTH) return -1;
    Py_ssize_t at = 6, nsyms = PyList_GET_SIZE(w->symbols);
    for (int kind = 0; kind < 4; kind++) {
        if (code[2 + kind] < 0 || code[2 + kind] > len - at) return -1;
        s->n[kind] = (int32_t)code[2 + kind];
        s->labels[kind] = code + at;
        for (int32_t i = 0; i < s->n[kind]; i++, at++)
            if (code[at] < 0 || code[at] >= w->c.nsyms || code[at] >= nsyms) return -1;
    }
    if (at != len || s->n[VARIABLE] < 1 || s->n[VARIABLE] > MAXSLOTS) return -1;
    return count_shapes(s);
}

/* `sample._leaf`: a numeral with the shape's probability (where it has numerals), else a
 * variable (noted as a fresh value). */
static int32_t draw_leaf(Walker *w, const Shape *s) {
    int kind = VARIABLE;
    if (s->n[NUMERAL] > 0) {
        PyObject *r = PyObject_CallNoArgs(w->unit);
        double u = r ? PyFloat_AsDouble(r) : -1.0;
        Py_XDECREF(r);
        if (u == -1.0 && PyErr_Occurred()) return RAISED;
        if (u < s->probability) kind = NUMERAL;
    }
    Count i = draw_below(w, s->n[kind]);
    if (i < 0) return RAISED;
    int32_t id = intern(&w->c, (int32_t)s->labels[kind][i], 0, NULL);
    if (id < 0 || (kind == VARIABLE && add_fresh(&w->c, id))) return FAILED;
    return id;
}

/* The node (labels[kind] drawn by `choice`) over `arity` arguments of n0 and n1 operators. */
static int32_t draw_node(Walker *w, const Shape *s, int kind, int32_t n0, int32_t n1);

/* `sample._tree(n, shape, rng)`: its node id, or a negative code. */
static int32_t draw_tree(Walker *w, const Shape *s, int32_t n) {
    if (n == 0) return draw_leaf(w, s);
    Count pick = draw_below(w, s->count[n]);
    if (pick < 0) return RAISED;
    Count weight = s->n[UNARY] * s->count[n - 1];
    if (pick < weight) return draw_node(w, s, UNARY, n - 1, -1);
    pick -= weight;
    for (int32_t left = 0; left < n; left++) {
        weight = s->n[BINARY] * s->count[left] * s->count[n - 1 - left];
        if (pick < weight) return draw_node(w, s, BINARY, left, n - 1 - left);
        pick -= weight;
    }
    return FAILED; /* unreachable: the weights sum to the count */
}

static int32_t draw_node(Walker *w, const Shape *s, int kind, int32_t n0, int32_t n1) {
    Count i = draw_below(w, s->n[kind]);
    if (i < 0) return RAISED;
    int32_t args[2], arity = n1 < 0 ? 1 : 2;
    for (int k = 0; k < arity; k++) {
        args[k] = draw_tree(w, s, k ? n1 : n0);
        if (args[k] < 0) return args[k];
    }
    int32_t id = intern(&w->c, (int32_t)s->labels[kind][i], arity, args);
    return id < 0 ? FAILED : id;
}

/* `sample.random_expr(shape, rng)`: the start's node id (its variables the walk's fresh
 * values), or a negative code. */
int32_t draw_start(Walker *w, const Shape *s) {
    w->c.nfresh = 0;
    for (;;) {
        Count n = draw_below(w, (Count)s->max_ops - s->min_ops + 1);
        if (n < 0) return RAISED;
        int32_t root = draw_tree(w, s, s->min_ops + (int32_t)n);
        if (root < 0 || w->c.nfresh > 0) return root;
    }
}
