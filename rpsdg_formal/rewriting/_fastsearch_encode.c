/* The compiled search's input, encoded here: `Expr` trees (terms/expr.py) read through their
 * slots into the prefix int32 codes `fastsearch._Encoding.tree` gives, one symbol id then the
 * arity per node in pre-order; see _fastsearch.c.
 *
 * The symbol table stays the encoding's Python dict ((kind, head, value) -> id): a symbol found
 * there is read here; a symbol not found is handed to the encoding's own `symbol` (the `miss`
 * argument), which numbers it and grows the plan lists exactly as the Python encoder does, in
 * the same pre-order, so every id is the one the Python encoder gives. In front of the dict, a
 * small table keyed by the three fields' identities (holding them, so no address is reused)
 * spares building and hashing a key tuple for the few symbols a walk's trees keep meeting. */
#include "_fastsearch.h"

#define KNOWN 1024 /* entries of the identity table (a power of two), emptied when half full */

typedef struct { PyObject *kind, *head, *value; int32_t id; } Known;

/* Encoder(expr_type, symbols): the type's slots, found once, and the symbol dict. */
typedef struct {
    PyObject_HEAD
    PyObject *type, *symbols;
    Py_ssize_t kind, head, value, args; /* the slots' offsets in an Expr */
    PyObject **stack; Py_ssize_t room;  /* the nodes still to code (new references) */
    Vec out;
    int busy;                           /* a `miss` must not call back into this encoder */
    Known *known; int32_t nknown;       /* (kind, head, value) by identity -> symbol id */
    Py_ssize_t seen;                    /* the dict's size when last read (it only grows) */
} Encoder;

/* The offset of object slot `name` of `type`, or -1 if it is not one. */
static Py_ssize_t slot_offset(PyObject *type, const char *name) {
    PyObject *d = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict, name);
    if (!d || !Py_IS_TYPE(d, &PyMemberDescr_Type)) return -1;
    PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
    return m->type == T_OBJECT_EX ? m->offset : -1;
}

/* The slot at `offset` of `node` (borrowed), with an error if it was never set. */
static PyObject *field(PyObject *node, Py_ssize_t offset) {
    PyObject *found = *(PyObject **)((char *)node + offset);
    if (!found) PyErr_SetString(PyExc_ValueError, "an Expr with a field not set was encoded");
    return found;
}

/* Where (kind, head, value) is, or would go, in the identity table. */
static Known *known_slot(Encoder *e, PyObject *kind, PyObject *head, PyObject *value) {
    uintptr_t h = (uintptr_t)kind * 31u ^ (uintptr_t)head * 2654435761u ^ (uintptr_t)value;
    h ^= h >> 16;
    for (Known *k = &e->known[h & (KNOWN - 1)];; k = &e->known[(++h) & (KNOWN - 1)])
        if (!k->kind || (k->kind == kind && k->head == head && k->value == value)) return k;
}

/* Empty the identity table (when half full, or when the dict is not the one it was read from). */
static void forget_known(Encoder *e) {
    for (int32_t i = 0; e->nknown && i < KNOWN; i++) {
        Known *k = &e->known[i];
        if (k->kind) { Py_DECREF(k->kind); Py_DECREF(k->head); Py_DECREF(k->value); }
        k->kind = NULL;
    }
    e->nknown = 0;
}

/* The symbol id of (kind, head, value) from the dict, else numbered by `miss(node)`. */
static int32_t symbol_lookup(Encoder *e, PyObject *node, PyObject *key, PyObject *miss) {
    PyObject *found = key ? PyDict_GetItemWithError(e->symbols, key) : NULL;
    Py_XINCREF(found);
    if (!found && key && !PyErr_Occurred()) found = PyObject_CallOneArg(miss, node);
    long id = found ? PyLong_AsLong(found) : -1;
    Py_XDECREF(found);
    if (found && (id < 0 || id > INT32_MAX) && !PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "a symbol id outside 0..2**31-1");
    return PyErr_Occurred() ? -1 : (int32_t)id;
}

/* The symbol id of `node` (an Expr): from the identity table, else the dict (then noted). */
static int32_t symbol_of(Encoder *e, PyObject *node, PyObject *miss) {
    PyObject *kind = field(node, e->kind), *head = kind ? field(node, e->head) : NULL;
    PyObject *value = head ? field(node, e->value) : NULL;
    if (!value) return -1;
    Known *k = known_slot(e, kind, head, value);
    if (k->kind) return k->id;
    PyObject *key = PyTuple_Pack(3, kind, head, value);
    int32_t id = symbol_lookup(e, node, key, miss);
    Py_XDECREF(key);
    if (id < 0) return -1;
    if (2 * (e->nknown + 1) > KNOWN) forget_known(e);
    k = known_slot(e, kind, head, value); /* `miss` ran Python code: look again */
    if (!k->kind) {
        Py_INCREF(kind); Py_INCREF(head); Py_INCREF(value);
        k->kind = kind; k->head = head; k->value = value; k->id = id;
        e->nknown++;
    }
    return id;
}

/* Room for `need` more nodes on the stack. */
static int stack_room(Encoder *e, Py_ssize_t used, Py_ssize_t need) {
    if (used + need <= e->room) return 0;
    Py_ssize_t room = e->room ? e->room : 64;
    while (room < used + need) room *= 2;
    PyObject **grown = realloc(e->stack, sizeof(PyObject *) * (size_t)room);
    if (!grown) { PyErr_NoMemory(); return -1; }
    e->stack = grown; e->room = room;
    return 0;
}

/* The next node's code appended to e->out, its children pushed; -1 on an error. */
static int encode_node(Encoder *e, PyObject *node, Py_ssize_t *used, PyObject *miss) {
    if (!PyObject_TypeCheck(node, (PyTypeObject *)e->type)) {
        PyErr_SetString(PyExc_TypeError, "only Expr trees can be encoded");
        return -1;
    }
    PyObject *args = field(node, e->args);
    if (args && !PyTuple_Check(args))
        PyErr_SetString(PyExc_TypeError, "an Expr's args are not a tuple");
    if (!args || !PyTuple_Check(args)) return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    int32_t sym = symbol_of(e, node, miss);
    if (sym < 0) return -1;
    if (n > INT32_MAX || push(&e->out, sym) || push(&e->out, (int32_t)n)) {
        PyErr_NoMemory();
        return -1;
    }
    if (stack_room(e, *used, n)) return -1;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        Py_INCREF(arg);
        e->stack[(*used)++] = arg;
    }
    return 0;
}

/* Append the prefix code of `tree` to e->out: each node's symbol then its arity, pre-order.
 * The stack holds its own references: a `miss` runs Python code. */
static int encode_tree(Encoder *e, PyObject *tree, PyObject *miss) {
    Py_ssize_t used = 0;
    if (stack_room(e, 0, 1)) return -1;
    Py_INCREF(tree);
    e->stack[used++] = tree;
    int failed = 0;
    while (used && !failed) {
        PyObject *node = e->stack[--used];
        failed = encode_node(e, node, &used, miss);
        Py_DECREF(node);
    }
    while (used) Py_DECREF(e->stack[--used]);
    return failed;
}

/* codes(trees, miss): the prefix codes of `trees` (a sequence of Exprs), one after another, as
 * the bytes of a native int32 array; `miss(node)` numbers a symbol the dict does not have. */
static PyObject *encoder_codes(Encoder *e, PyObject *args) {
    PyObject *trees, *miss;
    if (!PyArg_ParseTuple(args, "OO", &trees, &miss)) return NULL;
    if (e->busy) {
        PyErr_SetString(PyExc_RuntimeError, "the encoder was re-entered from a symbol miss");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(trees, "codes() takes a sequence of Expr trees");
    if (!seq) return NULL;
    e->out.n = 0;
    e->busy = 1;
    if (PyDict_GET_SIZE(e->symbols) < e->seen) forget_known(e); /* emptied: ids may differ */
    e->seen = PyDict_GET_SIZE(e->symbols);
    int failed = 0;
    for (Py_ssize_t i = 0; !failed && i < PySequence_Fast_GET_SIZE(seq); i++)
        failed = encode_tree(e, PySequence_Fast_GET_ITEM(seq, i), miss);
    Py_DECREF(seq);
    e->seen = PyDict_GET_SIZE(e->symbols);
    e->busy = 0;
    if (failed) return NULL;
    return PyBytes_FromStringAndSize(e->out.items ? (const char *)e->out.items : "",
                                     (Py_ssize_t)e->out.n * 4);
}

static PyObject *encoder_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *expr_type, *symbols;
    (void)kwds;
    if (!PyArg_ParseTuple(args, "O!O!", &PyType_Type, &expr_type, &PyDict_Type, &symbols))
        return NULL;
    Py_ssize_t kind = slot_offset(expr_type, "kind"), head = slot_offset(expr_type, "head");
    Py_ssize_t value = slot_offset(expr_type, "value"), arg = slot_offset(expr_type, "args");
    if (kind < 0 || head < 0 || value < 0 || arg < 0) {
        PyErr_SetString(PyExc_TypeError, "the tree type has no kind, head, value, args slots");
        return NULL;
    }
    Encoder *e = (Encoder *)type->tp_alloc(type, 0);
    if (!e) return NULL;
    e->known = calloc(KNOWN, sizeof(Known));
    if (!e->known) { Py_DECREF(e); return PyErr_NoMemory(); }
    e->type = expr_type; Py_INCREF(expr_type);
    e->symbols = symbols; Py_INCREF(symbols);
    e->kind = kind; e->head = head; e->value = value; e->args = arg;
    return (PyObject *)e;
}

static void encoder_dealloc(Encoder *e) {
    if (e->known) forget_known(e);
    free(e->known); free(e->stack); free(e->out.items);
    Py_XDECREF(e->type); Py_XDECREF(e->symbols);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

static PyMethodDef encoder_methods[] = {
    {"codes", (PyCFunction)encoder_codes, METH_VARARGS, "Trees' prefix codes, as int32 bytes."},
    {NULL, NULL, 0, NULL},
};

PyTypeObject EncoderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "rpsdg_formal.rewriting._fastsearch.Encoder",
    .tp_basicsize = sizeof(Encoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One rule index's tree encoder (see rewriting/fastsearch.py).",
    .tp_new = encoder_new,
    .tp_dealloc = (destructor)encoder_dealloc,
    .tp_methods = encoder_methods,
};
