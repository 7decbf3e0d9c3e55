/* The default walk's listing and draws (listed_walk.py): every match grouped by rule and
 * direction, each draw made as `walk._random_step` makes it, the drawn step applied, the step
 * taken built; see _fastsearch.c. */
#include "_fastsearch.h"

/* The (group, plan) of each plan whose pattern matches node `id` (in list order, none that
 * needs a fresh value where there is none), and the matches in its whole tree, noted once
 * per node while a walk runs (a step changes one path of the tree: the other nodes'
 * matches are the last step's); 0, or -1 on a failure. */
static int note_matches(Walker *w, int32_t id) {
    Ctx *c = &w->c;
    const Node *n = &c->nodes[id];
    if (w->msub[id] >= 0) return 0;
    if (n->sym < 0 || n->sym >= c->nsyms) return -1;
    const int32_t *list = c->planlist + c->symplans[2 * n->sym];
    int32_t first = w->memo.n, total = 0;
    for (int32_t k = 0, count = c->symplans[2 * n->sym + 1]; k < count; k++) {
        const Plan *pl = &c->plans[list[k]];
        int32_t bind[MAXSLOTS], at = 0;
        if (w->g.nofresh && pl->nmissing > 0) continue; /* (the same all the walk) */
        if (pl->npattern > 1) { /* (a bare variable matches every node) */
            if (!may_match(c, pl, id)) continue;
            for (int i = 0; i < pl->nslots; i++) bind[i] = -1;
            if (!match(c, pl->pattern, &at, id, bind)) continue;
        }
        int32_t group = w->g.group[list[k]];
        if (group < 0 || group >= w->g.ngroups) return -1;
        if (push(&w->memo, group) || push(&w->memo, list[k])) return -1;
    }
    w->mfirst[id] = first; w->mown[id] = total = (w->memo.n - first) / 2;
    for (int i = 0; i < n->arity; i++) {
        if (note_matches(w, n->args[i])) return -1;
        total += w->msub[n->args[i]];
    }
    w->msub[id] = total;
    return 0;
}

/* Every match at `id` and below, in `steps.matches` order (pre-order, plans in list order);
 * the matches noted (`note_matches`) before. */
static int group_matches(Walker *w, int32_t id, int32_t *pos) {
    Ctx *c = &w->c;
    Grouping *g = &w->g;
    int32_t here = *pos;
    if (w->msub[id] == 0) { *pos += c->nodes[id].size; return 0; }
    (*pos)++;
    while (g->found.room < g->found.n + 2 * w->mown[id])
        if (grow(&g->found)) return -1;
    int32_t *out = g->found.items + g->found.n;
    const int32_t *memo = w->memo.items + w->mfirst[id];
    for (int32_t k = 0; k < w->mown[id]; k++) {
        int32_t group = memo[2 * k];
        if (g->slot[group] < 0) g->slot[group] = g->nslots++;
        *out++ = g->slot[group];
        *out++ = memo[2 * k + 1] << 16 | here;
    }
    g->found.n = (int32_t)(out - g->found.items);
    for (int i = 0; i < c->nodes[id].arity; i++)
        if (group_matches(w, c->nodes[id].args[i], pos)) return -1;
    return 0;
}

/* The node at pre-order `pos` of `root`, with the path to it on `stack`; -1 if none. */
static int32_t locate(Ctx *c, int32_t root, int32_t pos, Frame *stack, int *depth) {
    int32_t id = root;
    *depth = 0;
    if (pos < 0 || pos >= c->nodes[root].size) return -1;
    while (pos-- > 0) {
        const Node *n = &c->nodes[id];
        int i = 0;
        while (pos >= c->nodes[n->args[i]].size) pos -= c->nodes[n->args[i++]].size;
        if (*depth == MAXDEPTH) return -1;
        stack[*depth].node = id; stack[*depth].child = i; (*depth)++;
        id = n->args[i];
    }
    return id;
}

/* Room for every node id in `objs` and `seen`. */
int cover_nodes(Walker *w) {
    int32_t room = w->nroom ? w->nroom : 1024;
    if (w->c.count <= w->nroom) return 0;
    while (room < w->c.count) room *= 2;
    PyObject **objs = realloc(w->objs, sizeof(PyObject *) * (size_t)room);
    if (objs) w->objs = objs;
    uint8_t *seen = objs ? realloc(w->seen, (size_t)room) : NULL;
    if (!seen) return -1;
    w->seen = seen;
    int32_t **memo[3] = {&w->mfirst, &w->mown, &w->msub};
    for (int k = 0; k < 3; k++) {
        int32_t *grown = realloc(*memo[k], sizeof(int32_t) * (size_t)room);
        if (!grown) return -1;
        *memo[k] = grown;
    }
    memset(objs + w->nroom, 0, sizeof(PyObject *) * (size_t)(room - w->nroom));
    memset(seen + w->nroom, 0, (size_t)(room - w->nroom));
    memset(w->msub + w->nroom, 0xff, sizeof(int32_t) * (size_t)(room - w->nroom));
    w->nroom = room;
    return 0;
}

/* Empty the node table (and drop the Exprs it held) for the next walk. */
void forget(Walker *w) {
    for (int32_t i = 0; i < w->c.count && i < w->nroom; i++) {
        Py_CLEAR(w->objs[i]);
        w->seen[i] = 0;
        w->msub[i] = -1;
    }
    w->c.count = 0; w->memo.n = 0;
    memset(w->c.table, 0, sizeof(int32_t) * ((size_t)w->c.mask + 1));
}

/* Room for `n` listed entries. */
static int cover_entries(Walker *w, int32_t n) {
    if (n <= w->room) return 0;
    int32_t room = w->room ? w->room : 256;
    while (room < n) room *= 2;
    int32_t *flat = realloc(w->flat, sizeof(int32_t) * (size_t)room);
    if (flat) w->flat = flat;
    int32_t *cands = flat ? realloc(w->cands, sizeof(int32_t) * (size_t)room) : NULL;
    if (!cands) return -1;
    w->cands = cands; w->room = room;
    return 0;
}

/* The matches at `root` grouped as `walk._random_step` groups them: `flat` holds the entries
 * group after group (groups in order of first appearance), `counts[s]` the end of group s.
 * Returns the number of groups, or FAILED. */
static int32_t list_groups(Walker *w, int32_t root) {
    Grouping *g = &w->g;
    int32_t pos = 0;
    g->nofresh = w->c.nfresh == 0; g->nslots = 0; g->found.n = 0;
    for (int32_t k = 0; k < g->ngroups; k++) g->slot[k] = -1;
    if (note_matches(w, root) || group_matches(w, root, &pos) ||
        cover_entries(w, g->found.n / 2))
        return FAILED;
    memset(w->counts, 0, sizeof(int32_t) * ((size_t)g->nslots + 1));
    for (int32_t k = 0; k < g->found.n; k += 2) w->counts[g->found.items[k] + 1]++;
    for (int32_t s = 0; s < g->nslots; s++) w->counts[s + 1] += w->counts[s];
    for (int32_t k = 0; k < g->found.n; k += 2) /* a stable counting sort by slot */
        w->flat[w->counts[g->found.items[k]]++] = g->found.items[k + 1];
    return g->nslots;
}

/* The tree `entry` makes from `root` with `values` (node ids) for its plan's missing
 * variables: its id (the path and the bindings in `t`), or -1. */
int32_t apply_entry(Ctx *c, int32_t root, int32_t entry, const int32_t *values,
                           Taken *t) {
    int32_t at = 0, sub = locate(c, root, entry & 0xFFFF, t->stack, &t->depth);
    const Plan *pl = &c->plans[entry >> 16];
    if (sub < 0) return -1;
    for (int i = 0; i < pl->nslots; i++) t->bind[i] = -1;
    if (!match(c, pl->pattern, &at, sub, t->bind)) return -1;
    for (int i = 0; i < pl->nmissing; i++) t->bind[pl->missing[i]] = values[i];
    at = 0;
    int32_t made = build(c, pl->produced, &at, t->bind);
    return made < 0 ? -1 : replace_up(c, t->stack, t->depth, made);
}

/* As the inner loop of `walk._random_step` for one drawn entry: draw its fresh values, apply
 * it, and say whether the walk may go there (size cap, not visited, `keep`). */
static int32_t try_entry(Walker *w, int32_t root, int32_t entry, PyObject *keep, int32_t cap,
                         Taken *t) {
    Ctx *c = &w->c;
    int32_t values[MAXSLOTS];
    t->plan = entry >> 16;
    for (int i = 0; i < c->plans[t->plan].nmissing; i++) {
        int32_t r = (int32_t)draw_below(w, c->nfresh);
        if (r < 0) return RAISED;
        values[i] = c->fresh[r];
    }
    int32_t after = apply_entry(c, root, entry, values, t);
    if (after < 0 || cover_nodes(w)) return FAILED;
    if (c->nodes[after].size > cap || w->seen[after]) return SKIP;
    if (keep != Py_None) {
        PyObject *expr = make_expr(w, after);
        PyObject *verdict = expr ? PyObject_CallOneArg(keep, expr) : NULL;
        int ok = verdict ? PyObject_IsTrue(verdict) : -1;
        Py_XDECREF(verdict);
        if (ok < 0) return RAISED;
        if (!ok) return SKIP;
    }
    return t->after = after;
}

/* `walk._random_step` from `root`: a group, then its entries, drawn as it draws them. */
int32_t walk_step(Walker *w, int32_t root, PyObject *keep, int32_t cap, Taken *t) {
    int32_t nkeys = list_groups(w, root);
    if (nkeys < 0) return FAILED;
    for (int32_t k = 0; k < nkeys; k++) w->keys[k] = k;
    while (nkeys > 0) {
        int32_t i = (int32_t)draw_below(w, nkeys);
        if (i < 0) return RAISED;
        int32_t slot = w->keys[i];
        nkeys--;
        memmove(w->keys + i, w->keys + i + 1, sizeof(int32_t) * (size_t)(nkeys - i));
        int32_t begin = slot ? w->counts[slot - 1] : 0, n = w->counts[slot] - begin;
        memcpy(w->cands, w->flat + begin, sizeof(int32_t) * (size_t)n);
        while (n > 0) {
            int32_t j = (int32_t)draw_below(w, n), entry;
            if (j < 0) return RAISED;
            entry = w->cands[j];
            n--;
            memmove(w->cands + j, w->cands + j + 1, sizeof(int32_t) * (size_t)(n - j));
            int32_t found = try_entry(w, root, entry, keep, cap, t);
            if (found != SKIP) return found;
        }
    }
    return STUCK;
}

/* The (name, value) pairs of every rule variable of the step in `t`, in the rule's order. */
static PyObject *substitution(Walker *w, const Taken *t, PyObject *names) {
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    PyObject *pairs = n == w->c.plans[t->plan].nslots ? PyTuple_New(n) : NULL;
    if (!pairs && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "a plan's variables are not its slots");
    for (Py_ssize_t k = 0; pairs && k < n; k++) {
        PyObject *value = t->bind[k] >= 0 ? make_expr(w, t->bind[k]) : NULL;
        PyObject *pair = value ? PyTuple_Pack(2, PyTuple_GET_ITEM(names, k), value) : NULL;
        if (!pair && !PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "a rule variable of a walk step is unbound");
        if (!pair) Py_CLEAR(pairs);
        else PyTuple_SET_ITEM(pairs, k, pair);
    }
    return pairs;
}

/* `Step(*values)` where its dataclass `__init__` only stores the fields (`fields` set): made
 * as `object.__new__` makes it, each field stored as `object.__setattr__` stores it, in
 * order (what that `__init__` does, without running its Python frame). */
static PyObject *new_step(Walker *w, PyObject *const *values) {
    if (!w->fields) return PyObject_Vectorcall(w->step, values, 6, NULL);
    PyTypeObject *type = (PyTypeObject *)w->step;
    PyObject *step = type->tp_new(type, w->no_args, NULL);
    for (int k = 0; step && k < 6; k++)
        if (PyObject_GenericSetAttr(step, PyTuple_GET_ITEM(w->fields, k), values[k]))
            Py_CLEAR(step);
    return step;
}

/* The step taken from `root`, as `Step(rule, reverse, path, substitution, before, after)`;
 * with `flip`, that step read backwards (`steps.reverse_step` of it). */
PyObject *taken_step(Walker *w, int32_t root, const Taken *t, int flip) {
    PyObject *info = PyTuple_GET_ITEM(w->info, t->plan); /* (rule, reverse, variables) */
    PyObject *reverse = PyTuple_GET_ITEM(info, 1);
    if (flip) reverse = reverse == Py_True ? Py_False : reverse == Py_False ? Py_True : NULL;
    if (!reverse) {
        PyErr_SetString(PyExc_SystemError, "a plan's direction is not a bool");
        return NULL;
    }
    PyObject *path = PyTuple_New(t->depth);
    for (int d = 0; path && d < t->depth; d++) {
        PyObject *child = PyLong_FromLong(t->stack[d].child);
        if (!child) Py_CLEAR(path);
        else PyTuple_SET_ITEM(path, d, child);
    }
    PyObject *pairs = path ? substitution(w, t, PyTuple_GET_ITEM(info, 2)) : NULL;
    PyObject *before = pairs ? make_expr(w, root) : NULL;
    PyObject *after = before ? make_expr(w, t->after) : NULL;
    PyObject *step = NULL;
    if (after) {
        PyObject *call[6] = {PyTuple_GET_ITEM(info, 0), reverse, path, pairs,
                             flip ? after : before, flip ? before : after};
        step = new_step(w, call);
    }
    Py_XDECREF(path); Py_XDECREF(pairs);
    return step;
}
