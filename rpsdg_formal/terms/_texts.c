/* The printers' engine in C: `terms.texts.SignatureTexts`'s methods over the same tables and
 * the same memos (an optional extension; `SignatureTexts` stays the reference and fallback).
 *
 * A certificate, a record and its tactics print the same sub-trees in five syntaxes, and in
 * Python each node costs a few calls. `engine(...)` takes one signature's operator tables once
 * (built by `terms/texts_compiled.py`) and the memo dicts of a `SignatureTexts` (so both
 * implementations fill and empty the same dicts, at `texts.LIMIT` read at every insertion),
 * and reads `Expr`'s slots directly. Whatever it would not print exactly as the Python methods
 * do (a node outside the signature, an arity its fixity does not have, a name that is not a
 * `str`, a path outside the tree) raises `Unsupported` inside, and the call is made again by
 * the Python method of `reference`. Templates are filled from their pieces, or by `str.format`
 * itself when `texts_compiled.template_pieces` found more than plain `{N}` fields. */
#include "_texts.h"

PyObject *Unsupported, *LIMIT, *SPACE, *OPEN, *CLOSE, *COMMA, *EMPTY, *LEFT, *RIGHT;
PyObject *LEFT_WORD, *FORMAT;
static PyObject *NAMES[6];
enum { M_INFIX, M_LEAN_ARGUMENT, M_KERNEL, M_KERNEL_ARGUMENT, M_KERNEL_CONTEXT, M_TO_LATEX };

/* Read `texts.LIMIT` for this call (Unsupported where it is not an int). */
static int begin(Engine *e) {
    PyObject *limit = PyDict_GetItemWithError(e->globals, LIMIT);
    e->limit = limit ? PyLong_AsSsize_t(limit) : -1;
    if (e->limit != -1) return 0;
    PyErr_Clear();
    unsupported();
    return -1;
}

/* The engine's result, or where it raised Unsupported the reference's method on `args`. */
static PyObject *finish(Engine *e, PyObject *text, int method, PyObject *const *args,
                        Py_ssize_t n) {
    if (text || !PyErr_ExceptionMatches(Unsupported)) return text;
    PyErr_Clear();
    PyObject *call[4] = {e->reference, n > 0 ? args[0] : NULL, n > 1 ? args[1] : NULL,
                         n > 2 ? args[2] : NULL};
    return PyObject_VectorcallMethod(NAMES[method], call, (size_t)n + 1, NULL);
}

static int arity(Py_ssize_t n, Py_ssize_t want, const char *name) {
    if (n == want) return 0;
    PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name, want, n);
    return -1;
}

static PyObject *m_infix(Engine *e, PyObject *const *a, Py_ssize_t n) {
    int lean = arity(n, 2, "infix") ? -1 : PyObject_IsTrue(a[1]);
    if (lean < 0) return NULL;
    return finish(e, begin(e) ? NULL : infix(e, a[0], lean), M_INFIX, a, n);
}

static PyObject *m_lean_argument(Engine *e, PyObject *const *a, Py_ssize_t n) {
    if (arity(n, 1, "lean_argument")) return NULL;
    return finish(e, begin(e) ? NULL : lean_argument(e, a[0]), M_LEAN_ARGUMENT, a, n);
}

static PyObject *m_kernel(Engine *e, PyObject *const *a, Py_ssize_t n) {
    if (arity(n, 1, "kernel")) return NULL;
    return finish(e, begin(e) ? NULL : kernel(e, a[0]), M_KERNEL, a, n);
}

static PyObject *m_kernel_argument(Engine *e, PyObject *const *a, Py_ssize_t n) {
    if (arity(n, 1, "kernel_argument")) return NULL;
    return finish(e, begin(e) ? NULL : kernel_argument(e, a[0]), M_KERNEL_ARGUMENT, a, n);
}

static PyObject *m_kernel_context(Engine *e, PyObject *const *a, Py_ssize_t n) {
    if (arity(n, 3, "kernel_context")) return NULL;
    return finish(e, begin(e) ? NULL : context(e, a[0], a[1], a[2]), M_KERNEL_CONTEXT, a, n);
}

static PyObject *m_to_latex(Engine *e, PyObject *const *a, Py_ssize_t n) {
    if (arity(n, 1, "to_latex")) return NULL;
    return finish(e, begin(e) ? NULL : latex(e, a[0]), M_TO_LATEX, a, n);
}

/* Pieces as `template_pieces` makes them: None, or (str, index >= 0, ..., str), short. */
static int valid_pieces(PyObject *pieces) {
    if (pieces == Py_None) return 1;
    Py_ssize_t n = PyTuple_Check(pieces) ? PyTuple_GET_SIZE(pieces) : 0;
    if (n % 2 == 0 || n > MAX_PIECES) return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *piece = PyTuple_GET_ITEM(pieces, i);
        if (i % 2 == 0 && !PyUnicode_CheckExact(piece)) return 0;
        if (i % 2 && (!PyLong_CheckExact(piece) || PyLong_AsSsize_t(piece) < 0)) return 0;
    }
    return !PyErr_Occurred();
}

/* Fill `e->ops` and `e->index` from the op tuples of `e->table` (texts_compiled.py). */
static int read_table(Engine *e) {
    Py_ssize_t n = PyTuple_GET_SIZE(e->table);
    e->ops = PyMem_Calloc(n ? n : 1, sizeof(Op));
    e->index = PyDict_New();
    if (!e->ops || !e->index) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Op *op = &e->ops[i];
        PyObject *name, *at;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(e->table, i), "UilppUUpOUUO;an operator", &name,
                              &op->fixity, &op->precedence, &op->is_prefix, &op->braced,
                              &op->symbol, &op->lean, &op->lean_template, &op->lean_pieces,
                              &op->lean_name, &op->latex, &op->latex_pieces))
            return -1;
        if (op->fixity < INFIX || op->fixity > CONSTANT || !valid_pieces(op->lean_pieces) ||
            !valid_pieces(op->latex_pieces)) {
            PyErr_Format(PyExc_ValueError, "operator %R: a fixity or pieces out of range", name);
            return -1;
        }
        at = PyLong_FromSsize_t(i);
        if (!at || PyDict_SetItem(e->index, name, at) < 0) {
            Py_XDECREF(at);
            return -1;
        }
        Py_DECREF(at);
    }
    return 0;
}

static void engine_dealloc(Engine *e) {
    PyMem_Free(e->ops);
    PyObject **held[] = {&e->table, &e->index, &e->human, &e->lean, &e->kernel, &e->argument,
                         &e->latex, &e->kinds[0], &e->kinds[1], &e->kinds[2], &e->numeral,
                         &e->globals, &e->reference, (PyObject **)&e->expr_type};
    for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++) Py_CLEAR(*held[i]);
    for (int i = 0; i < SEEN; i++) Py_CLEAR(e->seen_head[i]);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

#define METHOD(name, doc) {#name, (PyCFunction)(void (*)(void))m_##name, METH_FASTCALL, doc}
static PyMethodDef engine_methods[] = {
    METHOD(infix, "SignatureTexts.infix(node, lean)"),
    METHOD(lean_argument, "SignatureTexts.lean_argument(node)"),
    METHOD(kernel, "SignatureTexts.kernel(node)"),
    METHOD(kernel_argument, "SignatureTexts.kernel_argument(node)"),
    METHOD(kernel_context, "SignatureTexts.kernel_context(node, path, hole)"),
    METHOD(to_latex, "SignatureTexts.to_latex(node)"),
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "rpsdg_formal.terms._texts.Engine",
    .tp_basicsize = sizeof(Engine),
    .tp_dealloc = (destructor)engine_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One signature's printers (made by engine()).",
    .tp_methods = engine_methods,
};

/* engine(table, memos, kinds, Expr, numeral, globals, reference, atom): see texts_compiled. */
static PyObject *make_engine(PyObject *module, PyObject *args) {
    PyObject *table, *memos, *kinds, *type, *numeral, *globals, *reference;
    long atom;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OO!Ol", &PyTuple_Type, &table, &PyTuple_Type, &memos,
                          &PyTuple_Type, &kinds, &PyType_Type, &type, &numeral, &PyDict_Type,
                          &globals, &reference, &atom))
        return NULL;
    PyObject *dicts[5];
    if (!PyArg_ParseTuple(memos, "O!O!O!O!O!;five memos", &PyDict_Type, &dicts[0], &PyDict_Type,
                          &dicts[1], &PyDict_Type, &dicts[2], &PyDict_Type, &dicts[3],
                          &PyDict_Type, &dicts[4]))
        return NULL;
    Engine *e = PyObject_New(Engine, &EngineType);
    if (!e) return NULL;
    e->ops = NULL;
    e->index = NULL;
    e->seen_next = 0;
    for (int i = 0; i < SEEN; i++) e->seen_head[i] = NULL;
    PyObject **held[] = {&e->table, &e->human, &e->lean, &e->kernel, &e->argument, &e->latex,
                         &e->numeral, &e->globals, &e->reference, (PyObject **)&e->expr_type};
    PyObject *given[] = {table, dicts[0], dicts[1], dicts[2], dicts[3], dicts[4],
                         numeral, globals, reference, type};
    for (int i = 0; i < 10; i++) *held[i] = Py_NewRef(given[i]);
    PyObject *kind[3] = {NULL, NULL, NULL};
    int read = PyArg_ParseTuple(kinds, "OOO;three kinds", &kind[0], &kind[1], &kind[2]);
    for (int k = 0; k < 3; k++) e->kinds[k] = read ? Py_NewRef(kind[k]) : NULL;
    if (!read) return Py_DECREF(e), NULL;
    e->atom = atom;
    Py_ssize_t at[EXPR_SLOTS];
    if (expr_slots(e->expr_type, at) < 0) return Py_DECREF(e), NULL;
    e->kind_at = at[KIND_AT], e->head_at = at[HEAD_AT];
    e->value_at = at[VALUE_AT], e->args_at = at[ARGS_AT];
    if (read_table(e) < 0) return Py_DECREF(e), NULL;
    return (PyObject *)e;
}

static PyMethodDef methods[] = {
    {"engine", make_engine, METH_VARARGS, "One signature's printers over its tables and memos."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_texts", NULL, -1, methods, NULL, NULL, NULL, NULL};

static int intern(PyObject **slot, const char *text) {
    *slot = PyUnicode_InternFromString(text);
    return *slot ? 0 : -1;
}

PyMODINIT_FUNC PyInit__texts(void) {
    const char *names[6] = {"infix", "lean_argument", "kernel", "kernel_argument",
                            "kernel_context", "to_latex"};
    for (int i = 0; i < 6; i++)
        if (intern(&NAMES[i], names[i])) return NULL;
    if (intern(&LIMIT, "LIMIT") || intern(&SPACE, " ") || intern(&OPEN, "(") ||
        intern(&CLOSE, ")") || intern(&COMMA, ", ") || intern(&EMPTY, "") ||
        intern(&LEFT, "\\left(") || intern(&RIGHT, "\\right)") ||
        intern(&LEFT_WORD, "\\left") || intern(&FORMAT, "format") ||
        PyType_Ready(&EngineType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    Unsupported = m ? PyErr_NewException("rpsdg_formal.terms._texts.Unsupported", NULL, NULL)
                    : NULL;
    if (!Unsupported || PyModule_AddObjectRef(m, "Unsupported", Unsupported) < 0 ||
        PyModule_AddObjectRef(m, "Engine", (PyObject *)&EngineType) < 0) {
        Py_XDECREF(m);
        return NULL;
    }
    return m;
}
