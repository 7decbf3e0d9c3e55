/* The statement key's text in C: `terms.expr._renamed_repr`, `repr(expr)` with each variable
 * renamed `v0`, `v1`, ... by first occurrence, continuing the numbering in a shared dict.
 *
 * `statement_key` prints each side of a theorem this way (up to four prints a theorem), and in
 * Python that is one call per node plus a list and a join per operator. `install(Expr,
 * Kind.VAR, Kind.NUM)` finds Expr's slots once; `renamed_repr(expr, names)` then gives the very
 * string the Python function gives and leaves `names` as it leaves it (the same keys, the same
 * `var('vN')` strings, in the same order). The Python function stays, as the reference and for
 * a Python without this module. */
#include "_slots.h"

typedef struct {
    PyTypeObject *type;              /* Expr, a strong reference once installed */
    PyObject *var, *num;             /* Kind.VAR and Kind.NUM */
    Py_ssize_t kind, head, value, args; /* the slots' offsets */
    PyObject *app, *comma, *close, *numeral, *empty; /* "app(", ", ", ")", "num(", "" */
} Layout;

static Layout layout;

/* The object slot at `offset` of `node` (borrowed), with an error if it was never set. */
static PyObject *field(PyObject *node, Py_ssize_t offset) {
    PyObject *found = *(PyObject **)((char *)node + offset);
    if (!found) PyErr_SetString(PyExc_AttributeError, "an Expr field is not set");
    return found;
}

/* Append `text` (borrowed) to `parts`; -1 on an error. */
static int put(PyObject *parts, PyObject *text) {
    return text ? PyList_Append(parts, text) : -1;
}

/* Append a new reference `text` to `parts`, dropping it; -1 on an error. */
static int put_new(PyObject *parts, PyObject *text) {
    int failed = put(parts, text);
    Py_XDECREF(text);
    return failed;
}

/* A variable's name: the one `names` has for its head, else the next `var('vN')`, noted. */
static int put_variable(PyObject *parts, PyObject *head, PyObject *names) {
    PyObject *text = PyDict_GetItemWithError(names, head);
    if (text) return put(parts, text);
    if (PyErr_Occurred()) return -1;
    text = PyUnicode_FromFormat("var('v%zd')", PyDict_GET_SIZE(names));
    if (!text || PyDict_SetItem(names, head, text)) { Py_XDECREF(text); return -1; }
    return put_new(parts, text);
}

static int render(PyObject *parts, PyObject *node, PyObject *names);

/* "app(" repr(head) ", " then the arguments joined by ", " then ")". */
static int put_application(PyObject *parts, PyObject *node, PyObject *head, PyObject *names) {
    PyObject *args = field(node, layout.args);
    if (!args) return -1;
    if (!PyTuple_Check(args)) {
        PyErr_SetString(PyExc_TypeError, "an Expr's args are not a tuple");
        return -1;
    }
    if (put(parts, layout.app) || put_new(parts, PyObject_Repr(head)) || put(parts, layout.comma))
        return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); i++) {
        if (i && put(parts, layout.comma)) return -1;
        if (render(parts, PyTuple_GET_ITEM(args, i), names)) return -1;
    }
    return put(parts, layout.close);
}

/* The pieces of `_renamed_repr(node, names)`, appended to `parts`, in its order. */
static int render(PyObject *parts, PyObject *node, PyObject *names) {
    if (!PyObject_TypeCheck(node, layout.type)) {
        PyErr_SetString(PyExc_TypeError, "only Expr trees have a statement key");
        return -1;
    }
    PyObject *kind = field(node, layout.kind), *head = kind ? field(node, layout.head) : NULL;
    if (!head) return -1;
    if (kind == layout.var) return put_variable(parts, head, names);
    if (kind == layout.num) {
        PyObject *value = field(node, layout.value);
        return !value || put(parts, layout.numeral) || put_new(parts, PyObject_Str(value)) ||
               put(parts, layout.close) ? -1 : 0;
    }
    if (Py_EnterRecursiveCall(" while printing a statement key")) return -1;
    int failed = put_application(parts, node, head, names);
    Py_LeaveRecursiveCall();
    return failed;
}

/* renamed_repr(expr, names): `_renamed_repr(expr, names)`. */
static PyObject *renamed_repr(PyObject *module, PyObject *args) {
    PyObject *expr, *names;
    (void)module;
    if (!PyArg_ParseTuple(args, "OO!", &expr, &PyDict_Type, &names)) return NULL;
    if (!layout.type) {
        PyErr_SetString(PyExc_RuntimeError, "install(Expr, Kind.VAR, Kind.NUM) first");
        return NULL;
    }
    PyObject *parts = PyList_New(0);
    if (!parts) return NULL;
    PyObject *text = render(parts, expr, names) ? NULL : PyUnicode_Join(layout.empty, parts);
    Py_DECREF(parts);
    return text;
}

/* install(Expr, Kind.VAR, Kind.NUM): where the fields live, and the two leaf kinds. */
static PyObject *install(PyObject *module, PyObject *args) {
    PyObject *type, *var, *num;
    (void)module;
    if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &type, &var, &num)) return NULL;
    PyTypeObject *expr = (PyTypeObject *)type;
    Py_ssize_t at[EXPR_SLOTS];
    if (expr_slots(expr, at) < 0) return NULL;
    if (!layout.app) { /* the constant pieces, made once (kept for the process's life) */
        layout.app = PyUnicode_InternFromString("app(");
        layout.comma = PyUnicode_InternFromString(", ");
        layout.close = PyUnicode_InternFromString(")");
        layout.numeral = PyUnicode_InternFromString("num(");
        layout.empty = PyUnicode_InternFromString("");
    }
    if (!layout.app || !layout.comma || !layout.close || !layout.numeral || !layout.empty)
        return NULL;
    Py_INCREF(type); Py_INCREF(var); Py_INCREF(num);
    Py_XDECREF(layout.type); Py_XDECREF(layout.var); Py_XDECREF(layout.num); /* re-installed */
    layout.type = (PyTypeObject *)type; layout.var = var; layout.num = num;
    layout.kind = at[KIND_AT], layout.head = at[HEAD_AT];
    layout.value = at[VALUE_AT], layout.args = at[ARGS_AT];
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"install", install, METH_VARARGS, "Expr's slots and leaf kinds, once."},
    {"renamed_repr", renamed_repr, METH_VARARGS, "repr(expr), variables renamed in order."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_exprkey", NULL, -1, methods};

PyMODINIT_FUNC PyInit__exprkey(void) { return PyModule_Create(&module); }
