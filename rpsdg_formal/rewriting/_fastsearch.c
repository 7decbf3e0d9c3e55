/* The certifying search's hot loop in C: the bidirectional bounded BFS of
 * rpsdg_formal/rewriting/certify.py, over hash-consed integer trees.
 *
 * Python (rewriting/fastsearch.py) encodes the rule directions once ("plans": both sides as
 * prefix int arrays with variable slots) and each theorem's two sides as prefix int arrays of
 * symbol ids; this file enumerates successors in exactly the order of `steps.successors`
 * (pre-order positions, plans in index order, fresh choices in itertools.product order), runs
 * the same level-by-level search with the same budget rule, and returns the bound's fields and,
 * where the two balls met, the two half paths as (plan, position, choice) triples that Python
 * replays into `Step`s. It also lists one tree's successors for the walk that moves away
 * (`neighbours`) and makes the default walk, whole (the `Walker` type, listed_walk.py).
 * Nothing here knows what a symbol means. Pure C99 + the CPython API.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXARITY 4
#define MAXSLOTS 16
#define MAXDEPTH 256

typedef struct { int32_t sym, arity, size, args[MAXARITY]; } Node;

typedef struct {
    const int32_t *pattern, *produced;   /* prefix codes: >= 0 sym then arity; < 0 slot -1-k */
    int32_t npattern, nproduced, least, nslots, nmissing, ndropped;
    int32_t missing[MAXSLOTS], dropped[MAXSLOTS];
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

static uint32_t node_hash(const Node *n) {
    uint32_t h = 2166136261u ^ (uint32_t)n->sym * 16777619u;
    h = (h ^ (uint32_t)n->arity) * 16777619u;
    for (int i = 0; i < n->arity; i++) h = (h ^ (uint32_t)n->args[i]) * 2654435761u;
    return h ^ (h >> 15);
}

static int grow_table(Ctx *c) {
    uint32_t size = (c->mask + 1) * 2;
    int32_t *t = calloc(size, sizeof(int32_t));
    if (!t) return -1;
    for (int32_t id = 0; id < c->count; id++) {
        uint32_t h = node_hash(&c->nodes[id]) & (size - 1);
        while (t[h]) h = (h + 1) & (size - 1);
        t[h] = id + 1;
    }
    free(c->table); c->table = t; c->mask = size - 1;
    return 0;
}

/* The id of the node (sym, args), made if new. -1 on failure. */
static int32_t intern(Ctx *c, int32_t sym, int32_t arity, const int32_t *args) {
    Node n; memset(&n, 0, sizeof n);
    n.sym = sym; n.arity = arity; n.size = 1;
    for (int i = 0; i < arity; i++) { n.args[i] = args[i]; n.size += c->nodes[args[i]].size; }
    uint32_t h = node_hash(&n) & c->mask;
    for (int32_t e; (e = c->table[h]); h = (h + 1) & c->mask) {
        Node *o = &c->nodes[e - 1];
        if (o->sym == sym && o->arity == arity && !memcmp(o->args, n.args, sizeof n.args))
            return e - 1;
    }
    if (c->count == c->cap) {
        Node *grown = realloc(c->nodes, sizeof(Node) * (size_t)c->cap * 2);
        if (!grown) { c->failed = 1; return -1; }
        c->nodes = grown; c->cap *= 2;
    }
    int32_t id = c->count++;
    c->nodes[id] = n;
    c->table[h] = id + 1;
    if ((uint32_t)c->count * 2 > c->mask && grow_table(c)) { c->failed = 1; return -1; }
    return id;
}

/* Intern a prefix code (symbols only); advances *at. */
static int32_t intern_code(Ctx *c, const int32_t *code, Py_ssize_t len, Py_ssize_t *at) {
    if (*at + 2 > len) { c->failed = 1; return -1; }
    int32_t sym = code[(*at)++], arity = code[(*at)++], args[MAXARITY];
    if (arity < 0 || arity > MAXARITY) { c->failed = 1; return -1; }
    for (int i = 0; i < arity; i++) {
        args[i] = intern_code(c, code, len, at);
        if (args[i] < 0) return -1;
    }
    return intern(c, sym, arity, args);
}

/* Match the pattern code at *at against node id; non-linear slots compare by id. */
static int match(Ctx *c, const int32_t *p, int32_t *at, int32_t id, int32_t *bind) {
    int32_t code = p[(*at)++];
    if (code < 0) {
        int32_t slot = -1 - code;
        if (bind[slot] < 0) { bind[slot] = id; return 1; }
        return bind[slot] == id;
    }
    int32_t arity = p[(*at)++];
    const Node *n = &c->nodes[id];
    if (n->sym != code || n->arity != arity) return 0;
    for (int i = 0; i < arity; i++)
        if (!match(c, p, at, n->args[i], bind)) return 0;
    return 1;
}

/* The size of the produced code with `bind` substituted. */
static int32_t produced_size(Ctx *c, const Plan *pl, const int32_t *bind) {
    int32_t size = 0;
    for (int32_t at = 0; at < pl->nproduced; at++) {
        int32_t code = pl->produced[at];
        if (code < 0) size += c->nodes[bind[-1 - code]].size;
        else { size += 1; at++; }
    }
    return size;
}

static int32_t build(Ctx *c, const int32_t *p, int32_t *at, const int32_t *bind) {
    int32_t code = p[(*at)++];
    if (code < 0) return bind[-1 - code];
    int32_t arity = p[(*at)++], args[MAXARITY];
    for (int i = 0; i < arity; i++) {
        args[i] = build(c, p, at, bind);
        if (args[i] < 0) return -1;
    }
    return intern(c, code, arity, args);
}

/* A successor found: (after, plan, position in pre-order, fresh choice); returns nonzero to stop. */
typedef int (*Visit)(void *state, int32_t after, int32_t plan, int32_t pos, int32_t choice);

typedef struct { int32_t node, child; } Frame;

/* Rebuild the ancestors on `stack` (depth entries) with `sub` in place of the current node. */
static int32_t replace_up(Ctx *c, const Frame *stack, int depth, int32_t sub) {
    for (int d = depth - 1; d >= 0; d--) {
        const Node *n = &c->nodes[stack[d].node];
        int32_t args[MAXARITY];
        memcpy(args, n->args, sizeof args);
        args[stack[d].child] = sub;
        sub = intern(c, n->sym, n->arity, args);
        if (sub < 0) return -1;
    }
    return sub;
}

static int try_plans(Ctx *c, int32_t root, const Frame *stack, int depth, int32_t sub,
                     int32_t pos, Visit visit, void *state) {
    int32_t sym = c->nodes[sub].sym;
    if (sym < 0 || sym >= c->nsyms) { c->failed = 1; return 1; }
    const int32_t *list = c->planlist + c->symplans[2 * sym];
    int32_t count = c->symplans[2 * sym + 1];
    int32_t space = c->max_size - c->nodes[root].size + c->nodes[sub].size;
    for (int32_t k = 0; k < count; k++) {
        const Plan *pl = &c->plans[list[k]];
        if (pl->least > space) continue;
        int32_t bind[MAXSLOTS], at = 0;
        for (int i = 0; i < pl->nslots; i++) bind[i] = -1;
        if (!match(c, pl->pattern, &at, sub, bind)) continue;
        int ok = 1;
        for (int i = 0; i < pl->ndropped && ok; i++) {
            int found = 0;
            for (int f = 0; f < c->nfresh; f++) found |= bind[pl->dropped[i]] == c->fresh[f];
            ok = found;
        }
        if (!ok) continue;
        int32_t total = 1;
        for (int i = 0; i < pl->nmissing; i++) total *= c->nfresh;
        for (int32_t choice = 0; choice < total; choice++) {
            for (int i = pl->nmissing - 1, rest = choice; i >= 0; i--) {
                bind[pl->missing[i]] = c->fresh[rest % c->nfresh];
                rest /= c->nfresh;
            }
            int32_t grown = produced_size(c, pl, bind);
            if (c->nodes[root].size - c->nodes[sub].size + grown > c->max_size) continue;
            at = 0;
            int32_t made = build(c, pl->produced, &at, bind);
            int32_t after = made < 0 ? -1 : replace_up(c, stack, depth, made);
            if (after < 0) return 1;
            if (after != root && visit(state, after, list[k], pos, choice)) return 1;
        }
    }
    return 0;
}

/* Every successor of `root` within the size cap, in `steps.successors` order. */
static int successors(Ctx *c, int32_t root, Visit visit, void *state) {
    Frame stack[MAXDEPTH];
    int32_t pos = 0;
    /* iterative pre-order: the stack holds the path to the current node */
    int depth = 0;
    int32_t sub = root;
    for (;;) {
        if (try_plans(c, root, stack, depth, sub, pos++, visit, state)) return 1;
        if (c->nodes[sub].arity > 0) {
            if (depth == MAXDEPTH) { c->failed = 1; return 1; }
            stack[depth].node = sub; stack[depth].child = 0; depth++;
            sub = c->nodes[sub].args[0];
            continue;
        }
        for (;;) { /* climb to the next sibling */
            if (depth == 0) return 0;
            Frame *f = &stack[depth - 1];
            if (f->child + 1 < c->nodes[f->node].arity) {
                f->child++;
                sub = c->nodes[f->node].args[f->child];
                break;
            }
            depth--;
        }
    }
}

/* ---- the bidirectional search (certify.py's `certify`, level by level) ---- */

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

typedef struct { int32_t *items, n, room; } Vec;

static int push(Vec *v, int32_t x) {
    if (v->n == v->room) {
        int32_t room = v->room ? v->room * 2 : 64;
        int32_t *grown = realloc(v->items, sizeof(int32_t) * (size_t)room);
        if (!grown) return -1;
        v->items = grown; v->room = room;
    }
    v->items[v->n++] = x;
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

static int parse_plans(Ctx *c, const int32_t *code, Py_ssize_t len) {
    Py_ssize_t at = 0;
    if (len < 1) return -1;
    c->nplans = code[at++];
    c->plans = calloc((size_t)(c->nplans > 0 ? c->nplans : 1), sizeof(Plan));
    if (!c->plans) return -1;
    for (int32_t k = 0; k < c->nplans; k++) {
        Plan *pl = &c->plans[k];
        if (at + 6 > len) return -1;
        pl->npattern = code[at++]; pl->nproduced = code[at++]; pl->least = code[at++];
        pl->nslots = code[at++]; pl->nmissing = code[at++];
        if (pl->nslots > MAXSLOTS || pl->nmissing > MAXSLOTS || at + pl->nmissing >= len)
            return -1;
        for (int i = 0; i < pl->nmissing; i++) pl->missing[i] = code[at++];
        pl->ndropped = code[at++];
        if (pl->ndropped > MAXSLOTS || at + pl->ndropped > len) return -1;
        for (int i = 0; i < pl->ndropped; i++) pl->dropped[i] = code[at++];
        pl->pattern = code + at; at += pl->npattern;
        pl->produced = code + at; at += pl->nproduced;
        if (at > len) return -1;
    }
    return 0;
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

/* The node table and the plans, without the balls (all a walk needs). */
static int setup_ctx(Ctx *c, Py_buffer *plans, Py_buffer *symplans, Py_buffer *planlist) {
    c->cap = 1024; c->nodes = malloc(sizeof(Node) * (size_t)c->cap);
    c->mask = 2047; c->table = calloc(c->mask + 1, sizeof(int32_t));
    if (!c->nodes || !c->table || parse_plans(c, plans->buf, plans->len / 4)) return -1;
    c->symplans = symplans->buf; c->nsyms = (int32_t)(symplans->len / 8);
    c->planlist = planlist->buf;
    return 0;
}

static int setup(Search *s, Py_buffer *plans, Py_buffer *symplans, Py_buffer *planlist,
                 Py_buffer *fresh, int32_t cap, int32_t budget) {
    Ctx *c = &s->c;
    s->b.room = 1024;
    for (int i = 0; i < 2; i++) {
        s->b.dist[i] = malloc(sizeof(int32_t) * 1024);
        s->b.par[i] = malloc(sizeof(int32_t) * 4 * 1024);
        if (s->b.dist[i]) for (int j = 0; j < 1024; j++) s->b.dist[i][j] = -1;
    }
    if (!s->b.dist[0] || !s->b.dist[1] || !s->b.par[0] || !s->b.par[1]) return -1;
    if (setup_ctx(c, plans, symplans, planlist)) return -1;
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

/* search(plans, symplans, planlist, start, end, fresh, via, cap, upto, max_depth, budget):
 * (value, exact, forward, backward, nodes, start-to-meet, end-to-meet, (start links, end
 * links)), or None where this search cannot run (then the caller uses the Python one). Buffers
 * are native int32 arrays; `via` is the walk's nodes, one prefix code after another. */
static PyObject *py_search(PyObject *self, PyObject *args) {
    Py_buffer plans, symplans, planlist, start, end, fresh, via;
    int cap, upto, max_depth, budget;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*iiii", &plans, &symplans, &planlist, &start, &end,
                          &fresh, &via, &cap, &upto, &max_depth, &budget))
        return NULL;
    Search s; memset(&s, 0, sizeof s);
    PyObject *result = NULL;
    int32_t radius[2] = {0, 0}, roots[2];
    if (setup(&s, &plans, &symplans, &planlist, &fresh, cap, budget)) goto unable;
    for (int side = 0; side < 2; side++) {
        Py_buffer *code = side ? &end : &start;
        Py_ssize_t at = 0;
        roots[side] = intern_code(&s.c, code->buf, code->len / 4, &at);
        if (roots[side] < 0 || cover(&s.b, s.c.count) || push(&s.frontier[side], roots[side]))
            goto unable;
        s.b.dist[side][roots[side]] = 0;
        s.b.count[side] = 1;
    }
    while (radius[0] + radius[1] + 1 < upto && radius[0] + radius[1] < max_depth) {
        int side = s.frontier[0].n <= s.frontier[1].n ? 0 : 1;
        if (expand_level(&s, side)) {
            if (s.c.failed) goto unable;
            break;
        }
        radius[side]++;
        if (s.e.best >= 0) { result = outcome(&s, s.e.best, 1, radius, &via); goto done; }
        if (s.frontier[side].n == 0) break;
    }
    result = outcome(&s, radius[0] + radius[1] + 1, 0, radius, &via);
    goto done;
unable:
    result = Py_None; Py_INCREF(result);
done:
    release(&s);
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
static PyObject *py_neighbours(PyObject *self, PyObject *args) {
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
    if (!setup(&s, &plans, &symplans, &planlist, &fresh, cap, 0))
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

/* ---- the default walk, whole, with its draws made here (listed_walk.py) ---- */

typedef struct {
    const int32_t *group; int32_t ngroups; /* per plan, its group (rule and direction) */
    int32_t *slot;                         /* per group, its rank of first appearance or -1 */
    int32_t nslots; int nofresh; Vec found; /* found: (slot, plan << 16 | position) pairs */
} Grouping;

/* Every match at `id` and below, in `steps.matches` order (pre-order, plans in list order). */
static int group_matches(Ctx *c, Grouping *g, int32_t id, int32_t *pos) {
    int32_t sym = c->nodes[id].sym, here = (*pos)++;
    if (sym < 0 || sym >= c->nsyms) return -1;
    const int32_t *list = c->planlist + c->symplans[2 * sym];
    for (int32_t k = 0, count = c->symplans[2 * sym + 1]; k < count; k++) {
        const Plan *pl = &c->plans[list[k]];
        int32_t bind[MAXSLOTS], at = 0;
        if (g->nofresh && pl->nmissing > 0) continue;
        if (pl->npattern > 1) { /* (a bare variable matches every node) */
            for (int i = 0; i < pl->nslots; i++) bind[i] = -1;
            if (!match(c, pl->pattern, &at, id, bind)) continue;
        }
        int32_t group = g->group[list[k]];
        if (group < 0 || group >= g->ngroups) return -1;
        if (g->slot[group] < 0) g->slot[group] = g->nslots++;
        if (push(&g->found, g->slot[group]) || push(&g->found, list[k] << 16 | here)) return -1;
    }
    for (int i = 0; i < c->nodes[id].arity; i++)
        if (group_matches(c, g, c->nodes[id].args[i], pos)) return -1;
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

/* Expr's slots and interning pool (terms/expr.py), to build nodes as `Expr.__new__` builds
 * them without running it: the pool maps (kind, head, value, args) to a weak reference (a
 * `_PoolRef` carrying that key, whose callback `_forget` drops the entry). */
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
    PyObject *symbols, *make, *args_name; /* per symbol (kind, head, value); Expr; "args" */
    PyObject *info, *step;        /* per plan (rule, reverse, variables); Step */
    PyObject *var_kind;           /* the kind of a variable (the walk's fresh values) */
    ExprPool pool;                /* where `on`, nodes are built here, else by calling make */
    PyObject *bits;               /* the walk's rng.getrandbits, while it runs */
    Py_ssize_t checked[2];        /* symplans and planlist lengths last validated */
    int busy;
} Walker;

enum { STUCK = -1, FAILED = -2, RAISED = -3, SKIP = -4 }; /* no step, C failure, Python error */

typedef struct { int32_t plan, after, bind[MAXSLOTS]; int depth; Frame stack[MAXDEPTH]; } Taken;

/* Room for every node id in `objs` and `seen`. */
static int cover_nodes(Walker *w) {
    int32_t room = w->nroom ? w->nroom : 1024;
    if (w->c.count <= w->nroom) return 0;
    while (room < w->c.count) room *= 2;
    PyObject **objs = realloc(w->objs, sizeof(PyObject *) * (size_t)room);
    if (objs) w->objs = objs;
    uint8_t *seen = objs ? realloc(w->seen, (size_t)room) : NULL;
    if (!seen) return -1;
    w->seen = seen;
    memset(objs + w->nroom, 0, sizeof(PyObject *) * (size_t)(room - w->nroom));
    memset(seen + w->nroom, 0, (size_t)(room - w->nroom));
    w->nroom = room;
    return 0;
}

/* Empty the node table (and drop the Exprs it held) for the next walk. */
static void forget(Walker *w) {
    for (int32_t i = 0; i < w->c.count && i < w->nroom; i++) {
        Py_CLEAR(w->objs[i]);
        w->seen[i] = 0;
    }
    w->c.count = 0;
    memset(w->c.table, 0, sizeof(int32_t) * ((size_t)w->c.mask + 1));
}

/* random.Random._randbelow_with_getrandbits(n), n > 0: the same calls to getrandbits. */
static int32_t randbelow(Walker *w, int32_t n) {
    int k = 0;
    while (k < 31 && (n >> k) != 0) k++; /* n.bit_length() */
    PyObject *bits = PyLong_FromLong(k);
    for (PyObject *r; bits && (r = PyObject_CallOneArg(w->bits, bits));) {
        long v = PyLong_AsLong(r);
        Py_DECREF(r);
        if (v == -1 && PyErr_Occurred()) break;
        if (v < n) { Py_DECREF(bits); return (int32_t)v; }
    }
    Py_XDECREF(bits);
    return RAISED;
}

/* A node Python has never seen, as `Expr.__new__` fills it in: its fields, its size and depth,
 * and its hash, hash((kind._value_, head, value, the children's hashes)). A new reference. */
static PyObject *fresh_node(Walker *w, PyObject *kind, PyObject *head, PyObject *value,
                            PyObject *args) {
    ExprPool *p = &w->pool;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    long size = 1, depth = 0;
    PyObject *hashes = PyTuple_New(n);
    for (Py_ssize_t i = 0; hashes && i < n; i++) {
        char *arg = (char *)PyTuple_GET_ITEM(args, i);
        PyObject *s = PyMember_GetOne(arg, p->size), *d = PyMember_GetOne(arg, p->depth);
        PyObject *h = s && d ? PyMember_GetOne(arg, p->hash) : NULL;
        long ds = d ? PyLong_AsLong(d) : -1;
        size += s ? PyLong_AsLong(s) : 0;
        depth = ds > depth ? ds : depth;
        Py_XDECREF(s); Py_XDECREF(d);
        if (!h || PyErr_Occurred()) { Py_XDECREF(h); Py_CLEAR(hashes); }
        else PyTuple_SET_ITEM(hashes, i, h);
    }
    PyObject *name = hashes ? PyObject_GetAttr(kind, p->value_name) : NULL;
    PyObject *form = name ? PyTuple_Pack(4, name, head, value, hashes) : NULL;
    Py_hash_t hash = form ? PyObject_Hash(form) : -1;
    Py_XDECREF(name); Py_XDECREF(form); Py_XDECREF(hashes);
    PyTypeObject *type = (PyTypeObject *)w->make;
    PyObject *node = hash == -1 && PyErr_Occurred() ? NULL : type->tp_alloc(type, 0);
    PyObject *fields[3] = {PyLong_FromLong(size), PyLong_FromLong(depth + 1),
                           PyLong_FromSsize_t(hash)};
    int failed = !node || !fields[0] || !fields[1] || !fields[2] ||
                 PyMember_SetOne((char *)node, p->kind, kind) ||
                 PyMember_SetOne((char *)node, p->head, head) ||
                 PyMember_SetOne((char *)node, p->value, value) ||
                 PyMember_SetOne((char *)node, p->args, args) ||
                 PyMember_SetOne((char *)node, p->size, fields[0]) ||
                 PyMember_SetOne((char *)node, p->depth, fields[1]) ||
                 PyMember_SetOne((char *)node, p->hash, fields[2]);
    for (int i = 0; i < 3; i++) Py_XDECREF(fields[i]);
    if (failed) Py_CLEAR(node);
    return node;
}

/* The node (kind, head, value, args) as `Expr(kind, head, value, args)` gives it: the pooled
 * one while it lives, else a fresh one entered in the pool. A new reference. */
static PyObject *pooled(Walker *w, PyObject *kind, PyObject *head, PyObject *value,
                        PyObject *args) {
    ExprPool *p = &w->pool;
    PyObject *key = PyTuple_Pack(4, kind, head, value, args);
    PyObject *ref = key ? PyDict_GetItemWithError(p->dict, key) : NULL;
    PyObject *found = ref ? PyWeakref_GetObject(ref) : NULL;
    if (found && found != Py_None) { Py_INCREF(found); Py_DECREF(key); return found; }
    if (!key || PyErr_Occurred()) { Py_XDECREF(key); return NULL; }
    PyObject *node = fresh_node(w, kind, head, value, args);
    PyObject *made = node ? PyObject_CallFunctionObjArgs(p->ref_type, node, p->forget, NULL)
                          : NULL;
    if (!made || PyMember_SetOne((char *)made, p->key, key) || PyDict_SetItem(p->dict, key, made))
        Py_CLEAR(node);
    Py_XDECREF(made); Py_DECREF(key);
    return node;
}

/* The Expr of node `id` (a borrowed reference), built bottom-up where not known yet: the one
 * node of that tree, as Expr(kind, head, value, args) gives it. */
static PyObject *make_expr(Walker *w, int32_t id) {
    if (w->objs[id]) return w->objs[id];
    const Node *n = &w->c.nodes[id];
    PyObject *key = PyList_GetItem(w->symbols, n->sym);
    if (!key) return NULL;
    if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) {
        PyErr_SetString(PyExc_SystemError, "a symbol of the compiled walk is not a triple");
        return NULL;
    }
    PyObject *args = PyTuple_New(n->arity);
    for (int i = 0; args && i < n->arity; i++) {
        PyObject *arg = make_expr(w, n->args[i]);
        if (!arg) Py_CLEAR(args);
        else { Py_INCREF(arg); PyTuple_SET_ITEM(args, i, arg); }
    }
    if (!args) return NULL;
    PyObject *kind = PyTuple_GET_ITEM(key, 0), *head = PyTuple_GET_ITEM(key, 1);
    PyObject *value = PyTuple_GET_ITEM(key, 2), *call[4] = {kind, head, value, args};
    PyObject *made = w->pool.on ? pooled(w, kind, head, value, args)
                                : PyObject_Vectorcall(w->make, call, 4, NULL);
    Py_DECREF(args);
    w->objs[id] = made;
    return made;
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
    if (group_matches(&w->c, g, root, &pos) || cover_entries(w, g->found.n / 2)) return FAILED;
    memset(w->counts, 0, sizeof(int32_t) * ((size_t)g->nslots + 1));
    for (int32_t k = 0; k < g->found.n; k += 2) w->counts[g->found.items[k] + 1]++;
    for (int32_t s = 0; s < g->nslots; s++) w->counts[s + 1] += w->counts[s];
    for (int32_t k = 0; k < g->found.n; k += 2) /* a stable counting sort by slot */
        w->flat[w->counts[g->found.items[k]]++] = g->found.items[k + 1];
    return g->nslots;
}

/* The tree `entry` makes from `root` with `values` (node ids) for its plan's missing
 * variables: its id (the path and the bindings in `t`), or -1. */
static int32_t apply_entry(Ctx *c, int32_t root, int32_t entry, const int32_t *values,
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
        int32_t r = randbelow(w, c->nfresh);
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
static int32_t walk_step(Walker *w, int32_t root, PyObject *keep, int32_t cap, Taken *t) {
    int32_t nkeys = list_groups(w, root);
    if (nkeys < 0) return FAILED;
    for (int32_t k = 0; k < nkeys; k++) w->keys[k] = k;
    while (nkeys > 0) {
        int32_t i = randbelow(w, nkeys);
        if (i < 0) return RAISED;
        int32_t slot = w->keys[i];
        nkeys--;
        memmove(w->keys + i, w->keys + i + 1, sizeof(int32_t) * (size_t)(nkeys - i));
        int32_t begin = slot ? w->counts[slot - 1] : 0, n = w->counts[slot] - begin;
        memcpy(w->cands, w->flat + begin, sizeof(int32_t) * (size_t)n);
        while (n > 0) {
            int32_t j = randbelow(w, n), entry;
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

/* The step taken from `root`, as `Step(rule, reverse, path, substitution, before, after)`. */
static PyObject *taken_step(Walker *w, int32_t root, const Taken *t) {
    PyObject *info = PyTuple_GET_ITEM(w->info, t->plan); /* (rule, reverse, variables) */
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
        PyObject *call[6] = {PyTuple_GET_ITEM(info, 0), PyTuple_GET_ITEM(info, 1), path, pairs,
                             before, after};
        step = PyObject_Vectorcall(w->step, call, 6, NULL);
    }
    Py_XDECREF(path); Py_XDECREF(pairs);
    return step;
}

/* A leaf of the start: if a variable not seen yet, the next fresh value (the walk's fresh
 * values are the start's variables in order of first occurrence, as `variables` lists them). */
static int note_variable(Walker *w, int32_t sym, int32_t id) {
    Ctx *c = &w->c;
    PyObject *key = PyList_GetItem(w->symbols, sym);
    if (!key || !PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) return -1;
    if (PyTuple_GET_ITEM(key, 0) != w->var_kind) return 0;
    for (int32_t i = 0; i < c->nfresh; i++)
        if (c->fresh[i] == id) return 0;
    if (c->nfresh == MAXSLOTS) return -1;
    c->fresh[c->nfresh++] = id;
    return 0;
}

/* Intern the start's prefix code, giving each node its Expr (read along: `expr.args`). */
static int32_t intern_start(Walker *w, const int32_t *code, Py_ssize_t len, Py_ssize_t *at,
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

typedef struct {
    Py_buffer code, symplans, planlist;
    PyObject *start, *rng, *keep;
    int steps, cap;
} WalkArgs;

/* The walk itself: a list of Steps, None where it cannot run, NULL on an error. */
static PyObject *walk_from(Walker *w, WalkArgs *a) {
    if (use_symbols(w, &a->symplans, &a->planlist)) Py_RETURN_NONE;
    int32_t root = begin(w, &a->code, a->start);
    if (root == RAISED) return NULL;
    if (root < 0 || a->cap > MAXDEPTH) Py_RETURN_NONE;
    w->bits = PyObject_GetAttrString(a->rng, "getrandbits");
    PyObject *list = w->bits ? PyList_New(0) : NULL;
    Taken t;
    w->seen[root] = 1;
    for (int s = 0; list && s < a->steps; s++) {
        int32_t after = walk_step(w, root, a->keep, a->cap, &t);
        if (after == STUCK) break;
        PyObject *item = after >= 0 ? taken_step(w, root, &t) : NULL;
        if (!item && after == FAILED)
            PyErr_SetString(PyExc_MemoryError, "the compiled walk could not allocate");
        if (!item || PyList_Append(list, item)) Py_CLEAR(list);
        Py_XDECREF(item);
        if (list) { w->seen[after] = 1; root = after; }
    }
    return list;
}

/* walk(code, start, symplans, planlist, steps, cap, rng, keep): the default walk from `start`
 * (its prefix code and its Expr), as `walk.random_walk` draws it from `rng`
 * (a random.Random: its getrandbits is called as its randrange and choice call it): a list of
 * (plan, path, values of the rule's variables, result) per step; None where it cannot run
 * (nothing drawn then). */
static PyObject *walker_walk(Walker *w, PyObject *args) {
    WalkArgs a;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*Oy*y*iiOO", &a.code, &a.start, &a.symplans, &a.planlist,
                          &a.steps, &a.cap, &a.rng, &a.keep))
        return NULL;
    if (w->busy)
        PyErr_SetString(PyExc_RuntimeError, "the compiled walk was re-entered from its filter");
    else {
        w->busy = 1;
        result = walk_from(w, &a);
        forget(w);
        Py_CLEAR(w->bits);
        w->busy = 0;
    }
    PyBuffer_Release(&a.code);
    PyBuffer_Release(&a.symplans); PyBuffer_Release(&a.planlist);
    return result;
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
    Py_XDECREF(w->symbols); Py_XDECREF(w->make); Py_XDECREF(w->args_name);
    Py_XDECREF(w->info); Py_XDECREF(w->step); Py_XDECREF(w->var_kind);
    Py_XDECREF(w->pool.dict); Py_XDECREF(w->pool.ref_type); Py_XDECREF(w->pool.forget);
    Py_XDECREF(w->pool.value_name);
    Py_TYPE(w)->tp_free((PyObject *)w);
}

/* The member (slot) `name` of `type`, or NULL if it is not an object slot. */
static PyMemberDef *slot_of(PyObject *type, const char *name) {
    PyObject *d = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict, name);
    if (!d || !Py_IS_TYPE(d, &PyMemberDescr_Type)) return NULL;
    PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
    return m->type == T_OBJECT_EX ? m : NULL;
}

/* Build nodes here when `spec` is Expr's (pool, reference type, callback); None: call make. */
static int pool_setup(Walker *w, PyObject *spec) {
    ExprPool *p = &w->pool;
    if (spec == Py_None) return 0;
    if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 3 || !PyType_Check(w->make) ||
        !PyDict_Check(PyTuple_GET_ITEM(spec, 0)) || !PyType_Check(PyTuple_GET_ITEM(spec, 1)))
        return -1;
    p->dict = PyTuple_GET_ITEM(spec, 0); Py_INCREF(p->dict);
    p->ref_type = PyTuple_GET_ITEM(spec, 1); Py_INCREF(p->ref_type);
    p->forget = PyTuple_GET_ITEM(spec, 2); Py_INCREF(p->forget);
    p->value_name = PyUnicode_InternFromString("_value_");
    p->kind = slot_of(w->make, "kind"); p->head = slot_of(w->make, "head");
    p->value = slot_of(w->make, "value"); p->args = slot_of(w->make, "args");
    p->size = slot_of(w->make, "size"); p->depth = slot_of(w->make, "depth");
    p->hash = slot_of(w->make, "_hash"); p->key = slot_of(p->ref_type, "key");
    p->on = p->value_name && p->kind && p->head && p->value && p->args && p->size && p->depth &&
            p->hash && p->key;
    return p->on ? 0 : -1;
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

/* Walker(plans, group_of_plan, symbols, make, info, step, var_kind, pool): `symbols` is the
 * list, kept in step by its owner, of every symbol's (kind, head, value); `make` builds a node
 * from those and its args (Expr); `info` has every plan's (rule, reverse, variables); `step`
 * builds a Step; a symbol of kind `var_kind` is a variable; `pool` is None or Expr's (pool,
 * reference type, callback), to build nodes here as Expr.__new__ does. */
static PyObject *walker_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    Py_buffer plans, group;
    PyObject *symbols, *make, *info, *step, *var_kind, *pool;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "y*y*O!OO!OOO", &plans, &group, &PyList_Type, &symbols, &make,
                          &PyTuple_Type, &info, &step, &var_kind, &pool))
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
            pool_setup(w, pool)) {
            Py_CLEAR(w);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "malformed walk plans");
        }
    }
    PyBuffer_Release(&plans); PyBuffer_Release(&group);
    return (PyObject *)w;
}

static PyMethodDef walker_methods[] = {
    {"walk", (PyCFunction)walker_walk, METH_VARARGS, "One default walk, its draws made here."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject WalkerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rpsdg_formal.rewriting._fastsearch.Walker",
    .tp_basicsize = sizeof(Walker),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One rule index's default walk, kept across walks (see listed_walk.py).",
    .tp_new = walker_new,
    .tp_dealloc = (destructor)walker_dealloc,
    .tp_methods = walker_methods,
};

static PyMethodDef methods[] = {
    {"search", py_search, METH_VARARGS, "The certifying bidirectional search over int codes."},
    {"neighbours", py_neighbours, METH_VARARGS, "One tree's successors over int codes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastsearch",
    "The certifying search's hot loop (see rewriting/fastsearch.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__fastsearch(void) {
    if (PyType_Ready(&WalkerType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    Py_INCREF(&WalkerType);
    if (m && PyModule_AddObject(m, "Walker", (PyObject *)&WalkerType) < 0) {
        Py_DECREF(&WalkerType);
        Py_CLEAR(m);
    }
    return m;
}
