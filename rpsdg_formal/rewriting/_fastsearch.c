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
 * (`neighbours`) and the default walk's matches grouped by rule direction (`groups`, `apply`).
 * Nothing here knows what a symbol means. Pure C99 + the CPython API.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
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

/* ---- one node's successors, for the walk that moves away (walk_away.py) ---- */

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

/* ---- the default walk: its candidates grouped, one candidate applied (listed_walk.py) ---- */

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
        for (int i = 0; i < pl->nslots; i++) bind[i] = -1;
        if (!match(c, pl->pattern, &at, id, bind)) continue;
        int32_t group = g->group[list[k]];
        if (group < 0 || group >= g->ngroups) return -1;
        if (g->slot[group] < 0) g->slot[group] = g->nslots++;
        if (push(&g->found, g->slot[group]) || push(&g->found, list[k] << 16 | here)) return -1;
    }
    for (int i = 0; i < c->nodes[id].arity; i++)
        if (group_matches(c, g, c->nodes[id].args[i], pos)) return -1;
    return 0;
}

/* One bytes object of int32 entries per group, groups in order of first appearance. */
static PyObject *grouped(Grouping *g) {
    PyObject *result = PyList_New(g->nslots);
    int32_t *counts = calloc((size_t)g->nslots + 1, sizeof(int32_t));
    int32_t *flat = malloc(sizeof(int32_t) * ((size_t)g->found.n / 2 + 1));
    if (!result || !counts || !flat) { Py_CLEAR(result); PyErr_NoMemory(); goto out; }
    for (int32_t k = 0; k < g->found.n; k += 2) counts[g->found.items[k] + 1]++;
    for (int32_t s = 0; s < g->nslots; s++) counts[s + 1] += counts[s];
    for (int32_t k = 0; k < g->found.n; k += 2) /* a stable counting sort by slot */
        flat[counts[g->found.items[k]]++] = g->found.items[k + 1];
    for (int32_t s = 0, begin = 0; s < g->nslots; begin = counts[s++]) {
        PyObject *b = PyBytes_FromStringAndSize((const char *)(flat + begin),
                                                4 * (Py_ssize_t)(counts[s] - begin));
        if (!b) { Py_CLEAR(result); goto out; }
        PyList_SET_ITEM(result, s, b);
    }
out:
    free(counts); free(flat);
    return result;
}

/* groups(plans, symplans, planlist, group_of_plan, expr, nofresh): what `walk._random_step`
 * groups from `steps.matches` on `expr` (left out, when nofresh, the plans that need fresh
 * values), as one bytes object of int32 (plan << 16 | position) entries per group; None where
 * this cannot run (a tree of more than MAXDEPTH nodes among them). */
static PyObject *py_groups(PyObject *self, PyObject *args) {
    Py_buffer plans, symplans, planlist, group, expr;
    int nofresh;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*p", &plans, &symplans, &planlist, &group, &expr,
                          &nofresh))
        return NULL;
    Ctx c; memset(&c, 0, sizeof c);
    Grouping g; memset(&g, 0, sizeof g);
    PyObject *result = NULL;
    Py_ssize_t at = 0;
    int32_t root = -1, pos = 0;
    g.group = group.buf; g.ngroups = (int32_t)(group.len / 4); g.nofresh = nofresh;
    g.slot = malloc(sizeof(int32_t) * ((size_t)g.ngroups + 1));
    if (g.slot && !setup_ctx(&c, &plans, &symplans, &planlist)) {
        for (int32_t k = 0; k < g.ngroups; k++) g.slot[k] = -1;
        root = intern_code(&c, expr.buf, expr.len / 4, &at);
    }
    if (root >= 0 && c.nplans < 32768 && c.nplans * (int64_t)4 <= group.len &&
        c.nodes[root].size <= MAXDEPTH && /* positions fit 16 bits; recursion stays shallow */
        !group_matches(&c, &g, root, &pos))
        result = grouped(&g);
    else { result = Py_None; Py_INCREF(result); }
    free(c.nodes); free(c.table); free(c.plans); free(g.slot); free(g.found.items);
    PyBuffer_Release(&plans); PyBuffer_Release(&symplans); PyBuffer_Release(&planlist);
    PyBuffer_Release(&group); PyBuffer_Release(&expr);
    return result;
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

/* The result of one entry of `groups` with `values` (symbol ids) for the plan's missing
 * variables: its id, or -1. */
static int32_t apply_entry(Ctx *c, int32_t root, int32_t entry, const int32_t *values,
                           Py_ssize_t nvalues) {
    Frame stack[MAXDEPTH];
    int depth;
    int32_t plan = entry >> 16, bind[MAXSLOTS], at = 0;
    int32_t sub = locate(c, root, entry & 0xFFFF, stack, &depth);
    if (sub < 0 || plan < 0 || plan >= c->nplans) return -1;
    const Plan *pl = &c->plans[plan];
    if (nvalues != pl->nmissing) return -1;
    for (int i = 0; i < pl->nslots; i++) bind[i] = -1;
    if (!match(c, pl->pattern, &at, sub, bind)) return -1;
    for (int i = 0; i < pl->nmissing; i++)
        if ((bind[pl->missing[i]] = intern(c, values[i], 0, NULL)) < 0) return -1;
    at = 0;
    int32_t made = build(c, pl->produced, &at, bind);
    return made < 0 ? -1 : replace_up(c, stack, depth, made);
}

/* apply(plans, symplans, planlist, expr, entry, values): (size, code of the result as bytes)
 * of the step an entry of `groups` makes with those values; None where it cannot. */
static PyObject *py_apply(PyObject *self, PyObject *args) {
    Py_buffer plans, symplans, planlist, expr, values;
    int entry;
    (void)self;
    if (!PyArg_ParseTuple(args, "y*y*y*y*iy*", &plans, &symplans, &planlist, &expr, &entry,
                          &values))
        return NULL;
    Ctx c; memset(&c, 0, sizeof c);
    Vec code; memset(&code, 0, sizeof code);
    PyObject *result = NULL;
    Py_ssize_t at = 0;
    int32_t root = -1, after = -1;
    if (!setup_ctx(&c, &plans, &symplans, &planlist))
        root = intern_code(&c, expr.buf, expr.len / 4, &at);
    if (root >= 0) after = apply_entry(&c, root, entry, values.buf, values.len / 4);
    if (after >= 0 && !encode(&c, after, &code))
        result = Py_BuildValue("(iy#)", c.nodes[after].size, (const char *)code.items,
                               (Py_ssize_t)code.n * 4);
    else { result = Py_None; Py_INCREF(result); }
    free(c.nodes); free(c.table); free(c.plans); free(code.items);
    PyBuffer_Release(&plans); PyBuffer_Release(&symplans); PyBuffer_Release(&planlist);
    PyBuffer_Release(&expr); PyBuffer_Release(&values);
    return result;
}

static PyMethodDef methods[] = {
    {"search", py_search, METH_VARARGS, "The certifying bidirectional search over int codes."},
    {"neighbours", py_neighbours, METH_VARARGS, "One tree's successors over int codes."},
    {"groups", py_groups, METH_VARARGS, "One tree's matches grouped as the default walk does."},
    {"apply", py_apply, METH_VARARGS, "One grouped match applied with its fresh values."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastsearch",
    "The certifying search's hot loop (see rewriting/fastsearch.py).", -1, methods,
};

PyMODINIT_FUNC PyInit__fastsearch(void) { return PyModule_Create(&module); }
