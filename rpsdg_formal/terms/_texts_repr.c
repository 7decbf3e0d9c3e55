/* The statement key's printer (`terms.expr._renamed_repr`) in the printers' engine (see
 * _texts.c): `repr` of a tree with each variable renamed `v0`, `v1`, ... by first occurrence,
 * continuing the numbering already in `names`. Python's function is the reference; for
 * anything but a complete `Expr` with `str` names and `int` values this one raises
 * `Unsupported`, and `statement_key` prints the whole statement again in Python. */
#include "_texts.h"

static PyTypeObject *expr_type = NULL;        /* set once by `install_repr` */
static PyObject *kinds[3] = {NULL, NULL, NULL};
static Py_ssize_t kind_at, head_at, value_at, args_at;

#define AT(node, at) (*(PyObject **)((char *)(node) + (at)))

/* A variable's printed name: the one in `names`, or the next `var('vN')`, remembered. */
static PyObject *renamed_var(PyObject *head, PyObject *names) {
    PyObject *text = PyDict_GetItemWithError(names, head);
    if (text || PyErr_Occurred()) return Py_XNewRef(text);
    text = PyUnicode_FromFormat("var('v%zd')", PyDict_GET_SIZE(names));
    if (text && PyDict_SetItem(names, head, text) < 0) Py_CLEAR(text);
    return text;
}

static PyObject *renamed(PyObject *node, PyObject *names);

/* `app('head', a, b)`: the children printed in order, so variables are numbered in pre-order. */
static PyObject *renamed_app(PyObject *node, PyObject *names) {
    PyObject *args = AT(node, args_at), *got[MAX_ARGS], *parts[2 * MAX_ARGS + 3];
    Py_ssize_t n = PyTuple_GET_SIZE(args), i;
    if (n > MAX_ARGS) return unsupported();
    PyObject *head = PyObject_Repr(AT(node, head_at));
    if (!head) return NULL;
    parts[0] = APP_OPEN;
    parts[1] = head;
    for (i = 0; i < n; i++) {
        parts[2 * i + 2] = COMMA;
        got[i] = parts[2 * i + 3] = renamed(PyTuple_GET_ITEM(args, i), names);
        if (!got[i]) break;
    }
    PyObject *text = NULL;
    if (i == n) {
        int k = (int)(2 * n + 2);
        if (!n) parts[k++] = COMMA;
        parts[k++] = CLOSE;
        text = concat(parts, k);
    }
    release(got, i);
    Py_DECREF(head);
    return text;
}

static PyObject *renamed(PyObject *node, PyObject *names) {
    if (Py_TYPE(node) != expr_type || !AT(node, head_at) || !AT(node, args_at) ||
        !PyTuple_CheckExact(AT(node, args_at)) || !PyLong_CheckExact(AT(node, value_at)))
        return unsupported();
    PyObject *kind = AT(node, kind_at);
    if (kind == kinds[VAR])
        return PyUnicode_CheckExact(AT(node, head_at)) ? renamed_var(AT(node, head_at), names)
                                                       : unsupported();
    if (kind == kinds[NUM]) return PyUnicode_FromFormat("num(%S)", AT(node, value_at));
    if (Py_EnterRecursiveCall(" while printing a statement")) return NULL;
    PyObject *text = renamed_app(node, names);
    Py_LeaveRecursiveCall();
    return text;
}

/* renamed_repr(node, names): `_renamed_repr` (after install_repr). */
PyObject *renamed_repr(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    if (n != 2 || !PyDict_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "renamed_repr(node, names: dict)");
        return NULL;
    }
    return expr_type ? renamed(args[0], args[1]) : unsupported();
}

/* install_repr(Expr, (VAR, NUM, APP)): the type whose slots `renamed_repr` reads. */
PyObject *install_repr(PyObject *module, PyObject *args) {
    PyObject *type, *var, *num, *app;
    if (!PyArg_ParseTuple(args, "O!(OOO)", &PyType_Type, &type, &var, &num, &app)) return NULL;
    Py_ssize_t at[4];
    const char *names[4] = {"kind", "head", "value", "args"};
    for (int i = 0; i < 4; i++)
        if ((at[i] = slot_at((PyTypeObject *)type, names[i])) < 0) return NULL;
    PyObject *given[4] = {type, var, num, app};
    PyObject **held[4] = {(PyObject **)&expr_type, &kinds[VAR], &kinds[NUM], &kinds[APP]};
    for (int i = 0; i < 4; i++) Py_XSETREF(*held[i], Py_NewRef(given[i]));
    kind_at = at[0], head_at = at[1], value_at = at[2], args_at = at[3];
    Py_RETURN_NONE;
}
