/* The certifying search's reported steps built as `Step`s (fastsearch.py `_chain`): the search
 * gives each way it found as (plan, position, choice) triples; here each triple is applied to
 * the integer tree as the walk applies a drawn match (`apply_entry`), and the Step is made as
 * the walk makes the steps it takes (`taken_step`), read backwards where asked. The Python
 * `fastsearch._replay` is the reference (tests/rewriting/test_replay.py); see _fastsearch.c. */
#include "_fastsearch.h"

/* The fresh values' node ids in their order (`fresh` their Exprs, `code` their symbols), in
 * place of the root's own variables the interning noted; 0, or FAILED / RAISED. */
static int32_t set_fresh(Walker *w, const int32_t *code, Py_ssize_t n, PyObject *fresh) {
    if (PyTuple_GET_SIZE(fresh) != n || n > MAXSLOTS) return FAILED;
    w->c.nfresh = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        int32_t leaf[2] = {code[k], 0};
        Py_ssize_t at = 0;
        int32_t id = intern_start(w, leaf, 2, &at, PyTuple_GET_ITEM(fresh, k));
        if (id < 0) return id;
        if (w->c.nfresh != k + 1) return FAILED; /* not a new variable: no fresh value */
    }
    return 0;
}

/* The node one triple makes from `node` (its step in `t`), or FAILED where it does not apply. */
static int32_t apply_triple(Walker *w, int32_t node, PyObject *triple, Taken *t) {
    Ctx *c = &w->c;
    int plan, pos, choice;
    if (!PyTuple_Check(triple) || !PyArg_ParseTuple(triple, "iii", &plan, &pos, &choice))
        return RAISED;
    if (plan < 0 || plan >= c->nplans || pos < 0 || pos > 0xFFFF || choice < 0) return FAILED;
    const Plan *pl = &c->plans[plan];
    int32_t values[MAXSLOTS], rest = choice;
    for (int i = pl->nmissing - 1; i >= 0; i--) { /* itertools.product order */
        if (c->nfresh == 0) return FAILED;
        values[i] = c->fresh[rest % c->nfresh];
        rest /= c->nfresh;
    }
    if (rest != 0) return FAILED; /* past the last choice */
    t->plan = plan;
    t->after = apply_entry(c, node, plan << 16 | pos, values, t);
    return t->after < 0 || cover_nodes(w) ? FAILED : t->after;
}

/* Each triple's Step from `root` on, in a tuple: in order, or (`backwards`) each read
 * backwards and last first; None where a triple does not apply, NULL on an error. */
static PyObject *replayed(Walker *w, int32_t root, PyObject *triples, int backwards) {
    Py_ssize_t n = PyList_GET_SIZE(triples);
    PyObject *steps = PyTuple_New(n);
    Taken t;
    for (Py_ssize_t k = 0; steps && k < n; k++) {
        int32_t after = apply_triple(w, root, PyList_GET_ITEM(triples, k), &t);
        if (after == FAILED) { Py_DECREF(steps); Py_RETURN_NONE; }
        PyObject *step = after >= 0 ? taken_step(w, root, &t, backwards) : NULL;
        if (!step) Py_CLEAR(steps);
        else PyTuple_SET_ITEM(steps, backwards ? n - 1 - k : k, step);
        root = after;
    }
    return steps;
}

/* replay(code, root, fresh_code, fresh, triples, backwards): the Steps `triples` (a list of
 * (plan, position, choice), as the search reports them) make from `root` (its prefix code and
 * its Expr), a missing variable's values drawn from `fresh` (Exprs of variables; their
 * symbols in `fresh_code`): a tuple, last first and each read backwards where `backwards`;
 * None where this cannot replay them (the caller replays them in Python), as while the walker
 * walks. */
PyObject *walker_replay(Walker *w, PyObject *args) {
    Py_buffer code, fresh_code;
    PyObject *root, *fresh, *triples, *result = NULL;
    int backwards;
    if (!PyArg_ParseTuple(args, "y*Oy*O!O!p", &code, &root, &fresh_code, &PyTuple_Type, &fresh,
                          &PyList_Type, &triples, &backwards))
        return NULL;
    if (w->busy) { /* (asked from a walk's filter: the Python replay answers) */
        result = Py_NewRef(Py_None);
    } else {
        w->busy = 1;
        Py_ssize_t at = 0;
        int32_t node = intern_start(w, code.buf, code.len / 4, &at, root);
        if (node >= 0 && at != code.len / 4) node = FAILED;
        if (node >= 0) {
            int32_t ok = set_fresh(w, fresh_code.buf, fresh_code.len / 4, fresh);
            node = ok < 0 ? ok : node;
        }
        if (node == RAISED || PyErr_Occurred()) result = NULL;
        else if (node < 0) result = Py_NewRef(Py_None);
        else result = replayed(w, node, triples, backwards);
        forget(w);
        w->busy = 0;
    }
    PyBuffer_Release(&code); PyBuffer_Release(&fresh_code);
    return result;
}
