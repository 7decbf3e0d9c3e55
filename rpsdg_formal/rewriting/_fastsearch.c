/* The C core of the certifying search and of the walks, over hash-consed integer trees: the
 * certifying search's hot loop (the bidirectional bounded BFS of rewriting/certify.py), the
 * successor listing of the walk that moves away, and the default walk, whole.
 *
 * Python (rewriting/fastsearch.py) encodes the rule directions once ("plans": both sides as
 * prefix int arrays with variable slots) and each theorem's two sides as prefix int arrays of
 * symbol ids. The files (one shared header, _fastsearch.h):
 * - this one: the integer trees (interning, matching, building, and successors in exactly the
 *   order of `steps.successors`: pre-order positions, plans in index order, fresh choices in
 *   itertools.product order) and the module;
 * - _fastsearch_search.c: the same level-by-level search as certify.py with the same budget
 *   rule, returning the bound's fields and, where the two balls met, the two half paths as
 *   (plan, position, choice) triples, its arrays kept for the next search; and one tree's
 *   successors for the walk that moves away (`neighbours`, away.py);
 * - _fastsearch_draws.c, _fastsearch_exprs.c, _fastsearch_walker.c: the default walk, whole,
 *   its draws made on the walk's own generator, its steps built as Python objects (the
 *   `Walker` type, listed_walk.py); _fastsearch_start.c: the default walk's start, drawn
 *   as `sample.random_expr` draws it, in the same call as the walk;
 * - _fastsearch_encode.c: `Expr` trees read into the prefix codes the above take (the
 *   `Encoder` type, fastsearch.py's `_Encoding`);
 * - _fastsearch_replay.c: the search's triples built into `Step`s by the walker
 *   (`Walker.replay`, fastsearch.py's `_Ends`; `_chain` is its Python reference).
 * Nothing here knows what a symbol means. Pure C99 + the CPython API.
 */
#include "_fastsearch.h"

static uint32_t hash_of(int32_t sym, int32_t arity, const int32_t *args) {
    uint32_t h = 2166136261u ^ (uint32_t)sym * 16777619u;
    h = (h ^ (uint32_t)arity) * 16777619u;
    for (int i = 0; i < arity; i++) h = (h ^ (uint32_t)args[i]) * 2654435761u;
    return h ^ (h >> 15);
}

static uint32_t node_hash(const Node *n) { return hash_of(n->sym, n->arity, n->args); }

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
int32_t intern(Ctx *c, int32_t sym, int32_t arity, const int32_t *args) {
    uint32_t h = hash_of(sym, arity, args) & c->mask;
    for (int32_t e; (e = c->table[h]); h = (h + 1) & c->mask) { /* found: nothing to build */
        const Node *o = &c->nodes[e - 1];
        int i = 0;
        if (o->sym != sym || o->arity != arity) continue;
        while (i < arity && o->args[i] == args[i]) i++;
        if (i == arity) return e - 1;
    }
    if (c->count == c->cap) {
        Node *grown = realloc(c->nodes, sizeof(Node) * (size_t)c->cap * 2);
        if (!grown) { c->failed = 1; return -1; }
        c->nodes = grown; c->cap *= 2;
    }
    int32_t id = c->count++, size = 1;
    Node *n = &c->nodes[id]; /* (filled in place: a Node built aside and copied in stalled) */
    for (int i = 0; i < MAXARITY; i++) {
        n->args[i] = i < arity ? args[i] : 0;
        size += i < arity ? c->nodes[args[i]].size : 0;
    }
    n->sym = sym; n->arity = arity; n->size = size;
    c->table[h] = id + 1;
    if ((uint32_t)c->count * 2 > c->mask && grow_table(c)) { c->failed = 1; return -1; }
    return id;
}

/* Intern a prefix code (symbols only); advances *at. */
int32_t intern_code(Ctx *c, const int32_t *code, Py_ssize_t len, Py_ssize_t *at) {
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
int match(Ctx *c, const int32_t *p, int32_t *at, int32_t id, int32_t *bind) {
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

int32_t build(Ctx *c, const int32_t *p, int32_t *at, const int32_t *bind) {
    int32_t code = p[(*at)++];
    if (code < 0) return bind[-1 - code];
    int32_t arity = p[(*at)++], args[MAXARITY];
    for (int i = 0; i < arity; i++) {
        args[i] = build(c, p, at, bind);
        if (args[i] < 0) return -1;
    }
    return intern(c, code, arity, args);
}

/* Rebuild the ancestors on `stack` (depth entries) with `sub` in place of the current node. */
int32_t replace_up(Ctx *c, const Frame *stack, int depth, int32_t sub) {
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
        if (pl->least > space || !may_match(c, pl, sub)) continue;
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
int successors(Ctx *c, int32_t root, Visit visit, void *state) {
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

/* `v` grown to twice its room (64 at first): 0, or -1 where it cannot be allocated. */
int grow(Vec *v) {
    int32_t room = v->room ? v->room * 2 : 64;
    int32_t *grown = realloc(v->items, sizeof(int32_t) * (size_t)room);
    if (!grown) return -1;
    v->items = grown; v->room = room;
    return 0;
}

/* The end of the prefix code's tree at `at` (at most `end`), or -1 past `end`. */
static int32_t skip_tree(const int32_t *p, int32_t at, int32_t end) {
    if (at >= end) return -1;
    if (p[at] < 0) return at + 1;
    if (at + 1 >= end) return -1;
    int32_t arity = p[at + 1];
    at += 2;
    for (int32_t i = 0; i < arity && at >= 0; i++) at = skip_tree(p, at, end);
    return at;
}

/* A plan's `arity` and `need` (`may_match`) read from its pattern; -1 where malformed. */
static int plan_needs(Plan *pl) {
    const int32_t *p = pl->pattern;
    pl->arity = -1;
    if (pl->npattern < 1) return -1;
    if (p[0] < 0) return 0;
    if (pl->npattern < 2) return -1;
    pl->arity = p[1] < 0 || p[1] > MAXARITY ? MAXARITY + 1 : p[1]; /* (no node has such) */
    if (pl->arity > MAXARITY) return 0;
    for (int32_t i = 0, at = 2; i < pl->arity; i++) {
        if (at >= pl->npattern) return -1;
        pl->need[i] = p[at] < 0 ? -1 : p[at];
        at = skip_tree(p, at, pl->npattern);
        if (at < 0) return -1;
    }
    return 0;
}

int parse_plans(Ctx *c, const int32_t *code, Py_ssize_t len) {
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
        if (at > len || plan_needs(pl)) return -1;
    }
    return 0;
}

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
    if (PyType_Ready(&WalkerType) < 0 || PyType_Ready(&EncoderType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m && (PyModule_AddObjectRef(m, "Walker", (PyObject *)&WalkerType) < 0 ||
              PyModule_AddObjectRef(m, "Encoder", (PyObject *)&EncoderType) < 0))
        Py_CLEAR(m);
    return m;
}
