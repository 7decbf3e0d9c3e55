/* The default walk's Python type, `Walker` (listed_walk.py): one per rule index, kept across
 * walks: a walk's start, its result, and the walker's life; see _fastsearch.c. */
#include "_fastsearch.h"

/* A leaf of the start: if a variable not seen yet, the next fresh value (`add_fresh`). */
static int note_variable(Walker *w, int32_t sym, int32_t id) {
    PyObject *key = PyList_GetItem(w->symbols, sym);
    if (!key || !PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) return -1;
    return PyTuple_GET_ITEM(key, 0) == w->var_kind ? add_fresh(&w->c, id) : 0;
}

/* Intern the start's prefix code, giving each node its Expr (read along: `expr.args`). */
int32_t intern_start(Walker *w, const int32_t *code, Py_ssize_t len, Py_ssize_t *at,
                     PyObject *expr) {
    if (*at + 2 > len) return FAILED;
    int32_t sym = code[(*at)++], arity = code[(*at)++], ids[MAXARITY];
    if (arity < 0 || arity > MAXARITY) return FAILED;
    PyObject *args = PyObject_GetAttr(expr, w->args_name);
    if (!args) return RAISED;
    int32_t id = PyTuple_Check(args) && PyTuple_GET_SIZE(args) == arity ? 0 : FAILED;
    for (int i = 0; id == 0 && i < arity; i++) {
        ids[i] = intern_start(w, code, len, at, PyTuple_GET_ITEM(args, i));
        if (ids[i] < 0) id = ids[i];
    }
    Py_DECREF(args);
    if (id < 0) return id;
    id = intern(&w->c, sym, arity, ids);
    if (id < 0 || cover_nodes(w)) return FAILED;
    if (!w->objs[id]) { Py_INCREF(expr); w->objs[id] = expr; }
    return arity == 0 && note_variable(w, sym, id) ? FAILED : id;
}

/* The start's node (its tree interned, its variables the fresh values); FAILED where the walk
 * cannot run here (before any draw), RAISED on a Python error. */
static int32_t begin(Walker *w, Py_buffer *code, PyObject *start) {
    Py_ssize_t at = 0;
    w->c.nfresh = 0;
    int32_t root = intern_start(w, code->buf, code->len / 4, &at, start);
    if (root == FAILED && PyErr_Occurred()) return RAISED;
    if (root < 0) return root;
    return at != code->len / 4 || w->c.nodes[root].size > MAXDEPTH ? FAILED : root;
}

/* Point the context at this walk's symbol table, validated where it grew. */
static int use_symbols(Walker *w, Py_buffer *symplans, Py_buffer *planlist) {
    Ctx *c = &w->c;
    const int32_t *sp = symplans->buf, *pl = planlist->buf;
    Py_ssize_t nsp = symplans->len / 4, npl = planlist->len / 4;
    if (nsp != w->checked[0] || npl != w->checked[1]) {
        for (Py_ssize_t k = 0; k + 1 < nsp; k += 2)
            if (sp[k] < 0 || sp[k + 1] < 0 || sp[k] + (Py_ssize_t)sp[k + 1] > npl) return -1;
        for (Py_ssize_t k = 0; k < npl; k++)
            if (pl[k] < 0 || pl[k] >= c->nplans) return -1;
        w->checked[0] = nsp; w->checked[1] = npl;
    }
    c->symplans = sp; c->nsyms = (int32_t)(nsp / 2); c->planlist = pl;
    return 0;
}

/* Up to `steps` steps from `root` (the walk's fresh values set): a list of Steps, NULL on an
 * error. */
static PyObject *walk_on(Walker *w, int32_t root, int steps, int32_t cap, PyObject *keep) {
    PyObject *list = PyList_New(0);
    Taken t;
    w->seen[root] = 1;
    for (int s = 0; list && s < steps; s++) {
        int32_t after = walk_step(w, root, keep, cap, &t);
        if (after == STUCK) break;
        PyObject *item = after >= 0 ? taken_step(w, root, &t, 0) : NULL;
        if (!item && after == FAILED)
            PyErr_SetString(PyExc_MemoryError, "the compiled walk could not allocate");
        if (!item || PyList_Append(list, item)) Py_CLEAR(list);
        Py_XDECREF(item);
        if (list) { w->seen[after] = 1; root = after; }
    }
    return list;
}

typedef struct {
    Py_buffer code, symplans, planlist;   /* code: the start's prefix code, or its shape's */
    PyObject *start, *rng, *keep;
    int steps, cap;
    double probability;
} WalkArgs;

/* The walk from a given start: a list of Steps, None where it cannot run, NULL on an error. */
static PyObject *walk_from(Walker *w, WalkArgs *a) {
    if (use_symbols(w, &a->symplans, &a->planlist)) Py_RETURN_NONE;
    int32_t root = begin(w, &a->code, a->start);
    if (root == RAISED) return NULL;
    if (root < 0 || a->cap > MAXDEPTH) Py_RETURN_NONE;
    w->bits = PyObject_GetAttrString(a->rng, "getrandbits");
    return w->bits ? walk_on(w, root, a->steps, a->cap, a->keep) : NULL;
}

/* Whether `keep(expr)` is true: 1 or 0, -1 on an error. */
static int keeps(PyObject *keep, PyObject *expr) {
    PyObject *verdict = PyObject_CallOneArg(keep, expr);
    int ok = verdict ? PyObject_IsTrue(verdict) : -1;
    Py_XDECREF(verdict);
    return ok;
}

/* A start drawn from its shape and the walk from it: (start, list of Steps), the list empty
 * where `keep` refuses the start; None where it cannot run (before any draw); NULL on an error. */
static PyObject *draw_from(Walker *w, WalkArgs *a) {
    Shape s;
    if (use_symbols(w, &a->symplans, &a->planlist) || a->cap > MAXDEPTH ||
        parse_shape(w, &s, a->code.buf, a->code.len / 8))
        Py_RETURN_NONE;
    s.probability = a->probability;
    w->bits = PyObject_GetAttrString(a->rng, "getrandbits");
    w->unit = w->bits ? PyObject_GetAttrString(a->rng, "random") : NULL;
    int32_t root = w->unit ? draw_start(w, &s) : RAISED;
    if (root == FAILED || (root >= 0 && cover_nodes(w)))
        PyErr_SetString(PyExc_MemoryError, "the compiled walk could not allocate");
    PyObject *start = root >= 0 && !PyErr_Occurred() ? make_expr(w, root) : NULL;
    int ok = !start ? -1 : a->keep == Py_None ? 1 : keeps(a->keep, start);
    PyObject *steps = ok < 0 ? NULL : ok ? walk_on(w, root, a->steps, a->cap, a->keep)
                                         : PyList_New(0);
    PyObject *pair = steps ? PyTuple_Pack(2, start, steps) : NULL;
    Py_XDECREF(steps);
    return pair;
}

/* `body` on the walker, refused if it runs already; the walker emptied after. */
static PyObject *guarded(Walker *w, WalkArgs *a, PyObject *(*body)(Walker *, WalkArgs *)) {
    PyObject *result = NULL;
    if (w->busy)
        PyErr_SetString(PyExc_RuntimeError, "the compiled walk was re-entered from its filter");
    else {
        w->busy = 1;
        result = body(w, a);
        forget(w);
        Py_CLEAR(w->bits); Py_CLEAR(w->unit);
        w->busy = 0;
    }
    PyBuffer_Release(&a->code);
    PyBuffer_Release(&a->symplans); PyBuffer_Release(&a->planlist);
    return result;
}

/* walk(code, start, symplans, planlist, steps, cap, rng, keep): the default walk from `start`
 * (its prefix code and its Expr), as `walk.random_walk` draws it from `rng`
 * (a random.Random: its getrandbits is called as its randrange and choice call it): a list of
 * Steps; None where it cannot run (nothing drawn then). */
static PyObject *walker_walk(Walker *w, PyObject *args) {
    WalkArgs a;
    if (!PyArg_ParseTuple(args, "y*Oy*y*iiOO", &a.code, &a.start, &a.symplans, &a.planlist,
                          &a.steps, &a.cap, &a.rng, &a.keep))
        return NULL;
    return guarded(w, &a, walk_from);
}

/* draw(shape, probability, symplans, planlist, steps, cap, rng, keep): one try of
 * `walk.draw_walk`: a start drawn as `sample.random_expr` draws it (`shape` an int64 code, see
 * `parse_shape`; `probability` its numeral probability), kept if `keep` keeps it, and the
 * default walk from it: (start, Steps); None where it cannot run (nothing drawn then). */
static PyObject *walker_draw(Walker *w, PyObject *args) {
    WalkArgs a;
    if (!PyArg_ParseTuple(args, "y*dy*y*iiOO", &a.code, &a.probability, &a.symplans,
                          &a.planlist, &a.steps, &a.cap, &a.rng, &a.keep))
        return NULL;
    return guarded(w, &a, draw_from);
}

/* The C side of a Walker: its own copy of the plans and groups, a node table, the buffers. */
static int walker_setup(Walker *w, Py_buffer *plans, Py_buffer *group) {
    Ctx *c = &w->c;
    w->code = malloc((size_t)plans->len + 4);
    c->cap = 1024; c->nodes = malloc(sizeof(Node) * (size_t)c->cap);
    c->mask = 2047; c->table = calloc(c->mask + 1, sizeof(int32_t));
    if (!w->code || !c->nodes || !c->table) return -1;
    memcpy(w->code, plans->buf, (size_t)plans->len);
    if (parse_plans(c, w->code, plans->len / 4) || c->nplans >= 32768 ||
        group->len / 4 < c->nplans) /* entries keep the plan in 15 bits */
        return -1;
    w->g.ngroups = (int32_t)(group->len / 4);
    w->group = malloc((size_t)group->len + 4);
    w->g.slot = malloc(sizeof(int32_t) * ((size_t)w->g.ngroups + 1));
    w->keys = malloc(sizeof(int32_t) * ((size_t)w->g.ngroups + 1));
    w->counts = malloc(sizeof(int32_t) * ((size_t)w->g.ngroups + 2));
    if (!w->group || !w->g.slot || !w->keys || !w->counts) return -1;
    memcpy(w->group, group->buf, (size_t)group->len);
    w->g.group = w->group;
    return 0;
}

static void walker_dealloc(Walker *w) {
    forget(w);
    free(w->c.nodes); free(w->c.table); free(w->c.plans); free(w->code); free(w->group);
    free(w->g.slot); free(w->g.found.items); free(w->counts); free(w->keys);
    free(w->flat); free(w->cands); free(w->objs); free(w->seen);
    free(w->mfirst); free(w->mown); free(w->msub); free(w->memo.items);
    Py_XDECREF(w->symbols); Py_XDECREF(w->make); Py_XDECREF(w->args_name);
    Py_XDECREF(w->info); Py_XDECREF(w->step); Py_XDECREF(w->var_kind);
    Py_XDECREF(w->fields); Py_XDECREF(w->no_args);
    Py_XDECREF(w->pool.dict); Py_XDECREF(w->pool.ref_type); Py_XDECREF(w->pool.forget);
    Py_XDECREF(w->pool.value_name);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

/* Every plan's (rule, reverse, variables), checked once. */
static int check_info(Walker *w) {
    if (PyTuple_GET_SIZE(w->info) != w->c.nplans) return -1;
    for (int32_t k = 0; k < w->c.nplans; k++) {
        PyObject *item = PyTuple_GET_ITEM(w->info, k);
        if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 3 ||
            !PyTuple_Check(PyTuple_GET_ITEM(item, 2)))
            return -1;
    }
    return 0;
}

/* Store a Step's fields here when `fields` names its 6 fields (None: call Step). */
static int fields_setup(Walker *w, PyObject *fields) {
    w->no_args = PyTuple_New(0);
    if (!w->no_args) return -1;
    if (fields == Py_None) return 0;
    if (!PyType_Check(w->step) || !((PyTypeObject *)w->step)->tp_new ||
        !PyTuple_Check(fields) || PyTuple_GET_SIZE(fields) != 6)
        return -1;
    for (int k = 0; k < 6; k++)
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(fields, k))) return -1;
    w->fields = fields; Py_INCREF(fields);
    return 0;
}

/* Walker(plans, group_of_plan, symbols, make, info, step, var_kind, pool[, fields]): `symbols`
 * is the list, kept in step by its owner, of every symbol's (kind, head, value); `make` builds
 * a node from those and its args (Expr); `info` has every plan's (rule, reverse, variables);
 * `step` builds a Step (its fields stored here when `fields` names them); a symbol of kind
 * `var_kind` is a variable; `pool` is None or Expr's (pool, reference type), to
 * build nodes here as Expr.__new__ does. */
static PyObject *walker_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    Py_buffer plans, group;
    PyObject *symbols, *make, *info, *step, *var_kind, *pool, *fields = Py_None;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "y*y*O!OO!OOO|O", &plans, &group, &PyList_Type, &symbols,
                          &make, &PyTuple_Type, &info, &step, &var_kind, &pool, &fields))
        return NULL;
    Walker *w = (Walker *)type->tp_alloc(type, 0);
    if (w) {
        w->symbols = symbols; Py_INCREF(symbols);
        w->make = make; Py_INCREF(make);
        w->info = info; Py_INCREF(info);
        w->step = step; Py_INCREF(step);
        w->var_kind = var_kind; Py_INCREF(var_kind);
        w->args_name = PyUnicode_InternFromString("args");
        if (!w->args_name || walker_setup(w, &plans, &group) || check_info(w) ||
            pool_setup(w, pool) || fields_setup(w, fields)) {
            Py_CLEAR(w);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "malformed walk plans");
        }
    }
    PyBuffer_Release(&plans); PyBuffer_Release(&group);
    return (PyObject *)w;
}

static PyMethodDef walker_methods[] = {
    {"walk", (PyCFunction)walker_walk, METH_VARARGS, "One default walk, its draws made here."},
    {"draw", (PyCFunction)walker_draw, METH_VARARGS, "A start drawn here and its walk."},
    {"replay", (PyCFunction)walker_replay, METH_VARARGS, "Steps the search reported, built."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject WalkerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rpsdg_formal.rewriting._fastsearch.Walker",
    .tp_basicsize = sizeof(Walker),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One rule index's default walk, kept across walks (see listed_walk.py).",
    .tp_new = walker_new,
    .tp_dealloc = (destructor)walker_dealloc,
    .tp_methods = walker_methods,
};
