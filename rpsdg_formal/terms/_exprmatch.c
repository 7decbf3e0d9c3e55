/* A compiled `terms.expr.instantiates`: is `substitute(pattern, mapping)` the tree `expr`?
 *
 * The emitter asks it twice for every step of every certificate (`kernel.emit.check_chain`),
 * and in Python each node of the pattern costs a call. `install(Expr, VAR, reference)` gives
 * the type whose slots `instantiates(pattern, mapping, expr)` reads and the Python function,
 * which stays the reference: this one answers exactly as it does, and for anything but `Expr`
 * nodes with `str` heads and a `dict` mapping hands the whole question to it (a pure function:
 * asking again changes nothing). */
#include "_slots.h"

static PyTypeObject *expr_type = NULL; /* set by install, a strong reference */
static PyObject *var_kind = NULL, *reference = NULL, *Unsupported = NULL;
static Py_ssize_t kind_at, head_at, args_at;

#define AT(node, at) (*(PyObject **)((char *)(node) + (at)))

/* 1 if `node` is a complete Expr with a str head, else 0 (Unsupported set). */
static int readable(PyObject *node) {
    if (Py_TYPE(node) == expr_type && AT(node, kind_at) && AT(node, head_at) &&
        PyUnicode_CheckExact(AT(node, head_at)) && AT(node, args_at) &&
        PyTuple_CheckExact(AT(node, args_at)))
        return 1;
    PyErr_SetNone(Unsupported);
    return 0;
}

/* 1, 0, or -1 with an exception: `instantiates` of terms/expr.py, rule for rule. */
static int fits(PyObject *pattern, PyObject *mapping, PyObject *expr) {
    if (!readable(pattern) || !readable(expr)) return -1;
    PyObject *head = AT(pattern, head_at), *args = AT(pattern, args_at);
    if (AT(pattern, kind_at) == var_kind) {
        PyObject *bound = PyDict_GetItemWithError(mapping, head);
        return bound ? bound == expr : PyErr_Occurred() ? -1 : pattern == expr;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    if (!n) return pattern == expr;
    PyObject *found = AT(expr, args_at);
    int differ = PyUnicode_Compare(AT(expr, head_at), head) != 0;
    if (differ || AT(expr, kind_at) != AT(pattern, kind_at) || PyTuple_GET_SIZE(found) != n)
        return PyErr_Occurred() ? -1 : 0;
    if (Py_EnterRecursiveCall(" while matching a pattern")) return -1;
    int result = 1;
    for (Py_ssize_t i = 0; result == 1 && i < n; i++)
        result = fits(PyTuple_GET_ITEM(args, i), mapping, PyTuple_GET_ITEM(found, i));
    Py_LeaveRecursiveCall();
    return result;
}

static PyObject *instantiates(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    if (n != 3) {
        PyErr_SetString(PyExc_TypeError, "instantiates(pattern, mapping, expr)");
        return NULL;
    }
    if (!reference) {
        PyErr_SetString(PyExc_RuntimeError, "install(Expr, Kind.VAR, reference) first");
        return NULL;
    }
    if (!PyDict_CheckExact(args[1])) return PyObject_Vectorcall(reference, args, 3, NULL);
    int result = fits(args[0], args[1], args[2]);
    if (result >= 0) return PyBool_FromLong(result);
    if (!PyErr_ExceptionMatches(Unsupported)) return NULL;
    PyErr_Clear();
    return PyObject_Vectorcall(reference, args, 3, NULL);
}

/* install(Expr, Kind.VAR, reference): the type `instantiates` reads, its variables' kind and
 * the Python function that answers what this one leaves. */
static PyObject *install(PyObject *module, PyObject *args) {
    PyObject *type, *var, *python;
    if (!PyArg_ParseTuple(args, "O!OO", &PyType_Type, &type, &var, &python)) return NULL;
    Py_ssize_t at[EXPR_SLOTS];
    if (expr_slots((PyTypeObject *)type, at) < 0) return NULL;
    Py_XSETREF(expr_type, (PyTypeObject *)Py_NewRef(type));
    Py_XSETREF(var_kind, Py_NewRef(var));
    Py_XSETREF(reference, Py_NewRef(python));
    kind_at = at[KIND_AT], head_at = at[HEAD_AT], args_at = at[ARGS_AT];
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"install", install, METH_VARARGS, "The Expr type, variable kind and reference of instantiates."},
    {"instantiates", (PyCFunction)(void (*)(void))instantiates, METH_FASTCALL,
     "terms.expr.instantiates(pattern, mapping, expr)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_exprmatch", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__exprmatch(void) {
    PyObject *m = PyModule_Create(&module);
    Unsupported = m ? PyErr_NewException("rpsdg_formal.terms._exprmatch.Unsupported", NULL, NULL)
                    : NULL;
    if (!Unsupported || PyModule_AddObjectRef(m, "Unsupported", Unsupported) < 0) {
        Py_XDECREF(m);
        return NULL;
    }
    return m;
}
