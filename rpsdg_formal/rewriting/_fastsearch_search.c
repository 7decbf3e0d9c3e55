/* The certifying search (certify.py's `certify`, level by level) and one tree's successors
 * for the walk that moves away; see _fastsearch.c. */
#include "_fastsearch.h"

/* ---- the bidirectional search (certify.py's `certify`, level by level) ---- */

/* Nodes a search has room for before its arrays grow: a default search interns about 1,300
 * (at most about 2,200 in 3,000 default field theorems); growing from 1,024 took a fifth of
 * its time (76 against 59 us per search). One tree's successors need far fewer. */
#define SEARCH_ROOM 4096
#define LISTING_ROOM 1024

typedef struct {
    int32_t *dist[2];  /* per node id, -1 unseen: [0] steps from the start, [1] from the end */
    int32_t *par[2];   /* per node id, 4 ints: parent, plan, position, choice */
    int32_t room, count[2];
} Balls;

static int cover(Balls *b, int32_t need) {
    if (need <= b->room) return 0;
    int32_t room = b->room;
    while (room < need) room *= 2;
    for (int s = 0; s < 2; s++) {
        int32_t *d = realloc(b->dist[s], sizeof(int32_t) * (size_t)room);
        if (!d) return -1;
        b->dist[s] = d;
        for (int32_t i = b->room; i < room; i++) d[i] = -1;
        int32_t *p = realloc(b->par[s], sizeof(int32_t) * 4 * (size_t)room);
        if (!p) return -1;
        b->par[s] = p;
    }
    b->room = room;
    return 0;
}

typedef struct {
    Ctx *c; Balls *b; int side; int32_t node, budget;
    Vec level;
    int32_t best, meet; int over;
} Expand;

static int visit_step(void *state, int32_t after, int32_t plan, int32_t pos, int32_t choice) {
    Expand *e = state;
    Balls *b = e->b;
    if (cover(b, e->c->count)) { e->c->failed = 1; return 1; }
    int32_t *mine = b->dist[e->side], *theirs = b->dist[1 - e->side];
    if (mine[after] < 0) {
        mine[after] = mine[e->node] + 1;
        int32_t *p = b->par[e->side] + 4 * (size_t)after;
        p[0] = e->node; p[1] = plan; p[2] = pos; p[3] = choice;
        if (push(&e->level, after)) { e->c->failed = 1; return 1; }
        if (++b->count[e->side] > e->budget) { e->over = 1; return 1; }
    }
    if (theirs[after] >= 0) {
        int32_t length = mine[after] + theirs[after];
        if (e->best < 0 || length < e->best) { e->best = length; e->meet = after; }
    }
    return 0;
}

/* The (plan, position, choice) triples from side's root to `node`, as a Python list. */
static PyObject *chain(Balls *b, int side, int32_t node) {
    PyObject *list = PyList_New(0);
    if (!list) return NULL;
    while (b->dist[side][node] > 0) {
        int32_t *p = b->par[side] + 4 * (size_t)node;
        PyObject *t = Py_BuildValue("(iii)", p[1], p[2], p[3]);
        if (!t || PyList_Append(list, t)) { Py_XDECREF(t); Py_DECREF(list); return NULL; }
        Py_DECREF(t);
        node = p[0];
    }
    if (PyList_Reverse(list)) { Py_DECREF(list); return NULL; }
    return list;
}

typedef struct { Ctx c; Balls b; Expand e; Vec frontier[2]; } Search;

static void release(Search *s) {
    free(s->c.nodes); free(s->c.table); free(s->c.plans);
    for (int i = 0; i < 2; i++) { free(s->b.dist[i]); free(s->b.par[i]); free(s->frontier[i].items); }
    free(s->e.level.items);
}

/* One whole level of one side; returns 0 completed, 1 cut short (budget) or failed. */
static int expand_level(Search *s, int side) {
    Expand *e = &s->e;
    e->side = side; e->level.n = 0; e->best = -1; e->over = 0;
    Vec *frontier = &s->frontier[side];
    for (int32_t i = 0; i < frontier->n; i++) {
        e->node = frontier->items[i];
        if (successors(&s->c, e->node, visit_step, e)) break;
    }
    if (e->over || s->c.failed) return 1;
    Vec done = *frontier;
    *frontier = e->level;
    e->level = done;
    return 0;
}

/* The node table and the plans (parsed from `code`), without the balls. */
static int setup_ctx(Ctx *c, const int32_t *code, Py_ssize_t len, int32_t room) {
    c->cap = room; c->nodes = malloc(sizeof(Node) * (size_t)c->cap);
    c->mask = 2 * (uint32_t)room - 1; c->table = calloc(c->mask + 1, sizeof(int32_t));
    return !c->nodes || !c->table || parse_plans(c, code, len) ? -1 : 0;
}

/* The balls and the node table allocated, empty, and the plans parsed from `code`. */
static int allocate(Search *s, const int32_t *code, Py_ssize_t len, int32_t room) {
    s->b.room = room;
    for (int i = 0; i < 2; i++) {
        s->b.dist[i] = malloc(sizeof(int32_t) * (size_t)room);
        s->b.par[i] = malloc(sizeof(int32_t) * 4 * (size_t)room);
        if (s->b.dist[i]) for (int j = 0; j < room; j++) s->b.dist[i][j] = -1;
    }
    if (!s->b.dist[0] || !s->b.dist[1] || !s->b.par[0] || !s->b.par[1]) return -1;
    return setup_ctx(&s->c, code, len, room);
}

/* An allocated search set for this call: its symbol table, cap, budget and fresh values. */
static int prepare(Search *s, Py_buffer *symplans, Py_buffer *planlist, Py_buffer *fresh,
                   int32_t cap, int32_t budget) {
    Ctx *c = &s->c;
    c->symplans = symplans->buf; c->nsyms = (int32_t)(symplans->len / 8);
    c->planlist = planlist->buf;
    c->max_size = cap;
    s->e.c = c; s->e.b = &s->b; s->e.budget = budget;
    const int32_t *f = fresh->buf;
    c->nfresh = (int32_t)(fresh->len / 4);
    if (c->nfresh > MAXSLOTS) return -1;
    for (int i = 0; i < c->nfresh; i++) {
        c->fresh[i] = intern(c, f[i], 0, NULL);
        if (c->fresh[i] < 0) return -1;
    }
    return 0;
}

static int setup(Search *s, Py_buffer *plans, Py_buffer *symplans, Py_buffer *planlist,
                 Py_buffer *fresh, int32_t cap, int32_t budget, int32_t room) {
    if (allocate(s, plans->buf, plans->len / 4, room)) return -1;
    return prepare(s, symplans, planlist, fresh, cap, budget);
}

/* One search's arrays, kept for the next with the plans' code they were parsed from
 * (allocating, clearing and parsing them anew was about 3 us of a default search's 75): a
 * search takes them unless one already has them (re-entered from a finaliser). */
static struct { Search s; int32_t *code; Py_ssize_t len; int32_t used; int busy; } kept;

/* The last search's nodes out of `kept.s`'s balls and node table; a table grown past the
 * usual size by a large search is made anew at that size (clearing it whole would cost every
 * later search as much). 0, or -1 where it cannot be allocated. */
static int empty(Search *s) {
    int32_t used = kept.used < s->b.room ? kept.used : s->b.room;
    uint32_t usual = 2 * (uint32_t)SEARCH_ROOM;
    for (int i = 0; i < 2; i++) memset(s->b.dist[i], 0xff, sizeof(int32_t) * (size_t)used);
    if (s->c.mask + 1 > usual) {
        free(s->c.table);
        s->c.table = calloc(usual, sizeof(int32_t));
        s->c.mask = usual - 1;
        if (!s->c.table) { release(s); memset(s, 0, sizeof *s); return -1; }
    } else {
        memset(s->c.table, 0, sizeof(int32_t) * ((size_t)s->c.mask + 1));
    }
    s->c.count = 0; s->c.failed = 0; s->b.count[0] = s->b.count[1] = 0;
    s->frontier[0].n = s->frontier[1].n = 0; s->e.level.n = 0;
    return 0;
}

/* `kept.s` emptied of the last search's nodes and set for this call, its plans parsed again
 * only if they changed; NULL where it is in use or cannot be allocated. */
static Search *take(Py_buffer *plans, Py_buffer *symplans, Py_buffer *planlist,
                    Py_buffer *fresh, int32_t cap, int32_t budget) {
    Search *s = &kept.s;
    Py_ssize_t len = plans->len / 4;
    if (kept.busy) return NULL;
    if (!s->c.nodes || kept.len != len || memcmp(kept.code, plans->buf, (size_t)len * 4)) {
        release(s); free(kept.code);
        memset(&kept, 0, sizeof kept);
        kept.code = malloc((size_t)len * 4 + 4);
        if (!kept.code) return NULL;
        memcpy(kept.code, plans->buf, (size_t)len * 4);
        kept.len = len;
        if (allocate(s, kept.code, len, SEARCH_ROOM)) {
            release(s);
            memset(s, 0, sizeof *s);
            return NULL;
        }
    } else if (empty(s)) {
        return NULL;
    }
    if (prepare(s, symplans, planlist, fresh, cap, budget)) return NULL;
    kept.busy = 1;
    return s;
}

/* Per side, (index, chain from that side's root) of every `via` node the side reached. */
static PyObject *links(Search *s, const int32_t *code, Py_ssize_t len) {
    PyObject *both = PyTuple_New(2);
    for (int side = 0; both && side < 2; side++) {
        PyObject *list = PyList_New(0);
        if (!list) { Py_CLEAR(both); break; }
        PyTuple_SET_ITEM(both, side, list);
        Py_ssize_t at = 0;
        for (int32_t k = 0; at < len; k++) {
            int32_t node = intern_code(&s->c, code, len, &at);
            if (node < 0 || cover(&s->b, s->c.count)) { Py_CLEAR(both); break; }
            if (s->b.dist[side][node] <= 0) continue;
            PyObject *steps = chain(&s->b, side, node);
            PyObject *item = steps ? Py_BuildValue("(iN)", k, steps) : NULL;
            if (!item || PyList_Append(list, item)) { Py_XDECREF(item); Py_CLEAR(both); break; }
            Py_DECREF(item);
        }
    }
    return both;
}

static PyObject *outcome(Search *s, int32_t value, int exact, int32_t *radius, Py_buffer *via) {
    int32_t nodes = s->b.count[0] + s->b.count[1];
    PyObject *ahead = Py_None, *behind = Py_None;
    Py_INCREF(ahead); Py_INCREF(behind);
    if (exact) {
        Py_DECREF(ahead); Py_DECREF(behind);
        ahead = chain(&s->b, 0, s->e.meet);
        behind = ahead ? chain(&s->b, 1, s->e.meet) : NULL;
    }
    PyObject *walk = behind ? links(s, via->buf, via->len / 4) : NULL;
    PyObject *result = walk ? Py_BuildValue("(iOiiiOON)", value, exact ? Py_True : Py_False,
                                            radius[0], radius[1], nodes, ahead, behind, walk)
                            : NULL;
    Py_XDECREF(ahead); Py_XDECREF(behind);
    return result;
}

/* The search on a prepared `s` from the roots `start` and `end`: its outcome, or NULL where it
 * cannot run here (or on a Python error). */
static PyObject *run(Search *s, Py_buffer *start, Py_buffer *end, Py_buffer *via, int upto,
                     int max_depth) {
    int32_t radius[2] = {0, 0};
    for (int side = 0; side < 2; side++) {
        Py_buffer *code = side ? end : start;
        Py_ssize_t at = 0;
        int32_t root = intern_code(&s->c, code->buf, code->len / 4, &at);
        if (root < 0 || cover(&s->b, s->c.count) || push(&s->frontier[side], root)) return NULL;
        s->b.dist[side][root] = 0;
        s->b.count[side] = 1;
    }
    while (radius[0] + radius[1] + 1 < upto && radius[0] + radius[1] < max_depth) {
        int side = s->frontier[0].n <= s->frontier[1].n ? 0 : 1;
        if (expand_level(s, side)) {
            if (s->c.failed) return NULL;
            break;
        }
        radius[side]++;
        if (s->e.best >= 0) return outcome(s, s->e.best, 1, radius, via);
        if (s->frontier[side].n == 0) break;
    }
    return outcome(s, radius[0] + radius[1] + 1, 0, radius, via);
}

/* search(plans, symplans, planlist, start, end, fresh, via, cap, upto, max_depth, budget):
 * (value, exact, forward, backward, nodes, start-to-meet, end-to-meet, (start links, end
 * links)), or None where this search cannot run (then the caller uses the Python one). Buffers
 * are native int32 arrays; `via` is the walk's nodes, one prefix code after another. */
PyObject *py_search(PyObject *self, PyObject *args) {
    Py_buffer plans, symplans, planlist, start, end, fresh, via;
    int cap, upto, max_depth, budget;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*iiii", &plans, &symplans, &planlist, &start, &end,
                          &fresh, &via, &cap, &upto, &max_depth, &budget))
        return NULL;
    Search own, *s = take(&plans, &symplans, &planlist, &fresh, cap, budget);
    PyObject *result = NULL;
    memset(&own, 0, sizeof own);
    if (!s && kept.busy &&
        !setup(&own, &plans, &symplans, &planlist, &fresh, cap, budget, SEARCH_ROOM))
        s = &own; /* (the kept arrays are in use: this search's own) */
    if (s) result = run(s, &start, &end, &via, upto, max_depth);
    if (!result && !PyErr_Occurred()) { result = Py_None; Py_INCREF(result); }
    if (s == &kept.s) { kept.used = s->c.count; kept.busy = 0; }
    else release(&own);
    PyBuffer_Release(&plans); PyBuffer_Release(&symplans); PyBuffer_Release(&planlist);
    PyBuffer_Release(&start); PyBuffer_Release(&end); PyBuffer_Release(&fresh); PyBuffer_Release(&via);
    return result;
}

/* ---- one node's successors, for the walk that moves away (away.py) ---- */

typedef struct { Vec found; int failed; } Listing;

static int list_step(void *state, int32_t after, int32_t plan, int32_t pos, int32_t choice) {
    Listing *l = state;
    if (push(&l->found, after) || push(&l->found, plan) || push(&l->found, pos) ||
        push(&l->found, choice)) { l->failed = 1; return 1; }
    return 0;
}

/* The prefix code of node `id` appended to `out` (its identity across calls). */
static int encode(Ctx *c, int32_t id, Vec *out) {
    const Node *n = &c->nodes[id];
    if (push(out, n->sym) || push(out, n->arity)) return -1;
    for (int i = 0; i < n->arity; i++)
        if (encode(c, c->nodes[id].args[i], out)) return -1;
    return 0;
}

/* neighbours(plans, symplans, planlist, expr, fresh, cap): [(plan, position, choice, code of
 * the result as bytes)] for every step `steps.successors(symmetric=True)` makes, in its order;
 * None where this cannot run. */
PyObject *py_neighbours(PyObject *self, PyObject *args) {
    Py_buffer plans, symplans, planlist, expr, fresh;
    int cap;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*i", &plans, &symplans, &planlist, &expr, &fresh, &cap))
        return NULL;
    Search s; memset(&s, 0, sizeof s);
    Listing l; memset(&l, 0, sizeof l);
    Vec code; memset(&code, 0, sizeof code);
    PyObject *result = NULL;
    Py_ssize_t at = 0;
    int32_t root = -1;
    if (!setup(&s, &plans, &symplans, &planlist, &fresh, cap, 0, LISTING_ROOM))
        root = intern_code(&s.c, expr.buf, expr.len / 4, &at);
    if (root < 0 || successors(&s.c, root, list_step, &l) || s.c.failed || l.failed) {
        result = Py_None; Py_INCREF(result);
        goto done;
    }
    result = PyList_New(l.found.n / 4);
    for (int32_t k = 0; result && k < l.found.n / 4; k++) {
        int32_t *f = l.found.items + 4 * k;
        code.n = 0;
        if (encode(&s.c, f[0], &code)) { Py_CLEAR(result); PyErr_NoMemory(); break; }
        PyObject *item = Py_BuildValue("(iiiy#)", f[1], f[2], f[3], (const char *)code.items,
                                       (Py_ssize_t)code.n * 4);
        if (!item) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, k, item);
    }
done:
    release(&s);
    free(l.found.items); free(code.items);
    PyBuffer_Release(&plans); PyBuffer_Release(&symplans); PyBuffer_Release(&planlist);
    PyBuffer_Release(&expr); PyBuffer_Release(&fresh);
    return result;
}
