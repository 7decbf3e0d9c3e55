/* Kernel syntax (`SignatureTexts.kernel`, `kernel_argument`, `kernel_context`) in the
 * printers' engine (see _texts.c). */
#include "_texts.h"

/* `name a b`, each argument as `kernel_argument` prints it. */
static PyObject *kernel_app(Engine *e, PyObject *node) {
    Op *op = op_of(e, node);
    PyObject *args = SLOT(e, node, args_at), *got[MAX_ARGS], *parts[2 * MAX_ARGS + 1];
    Py_ssize_t n = PyTuple_GET_SIZE(args), i;
    if (!op) return NULL;
    if (n > MAX_ARGS) return unsupported();
    if (Py_EnterRecursiveCall(" while printing a tree")) return NULL;
    parts[0] = op->lean_name;
    for (i = 0; i < n; i++) {
        got[i] = parts[2 * i + 2] = kernel_argument(e, PyTuple_GET_ITEM(args, i));
        parts[2 * i + 1] = SPACE;
        if (!got[i]) break;
    }
    Py_LeaveRecursiveCall();
    PyObject *text = i == n ? concat(parts, (int)(2 * n + 1)) : NULL;
    release(got, i < n ? i : n);
    return text;
}

/* `SignatureTexts.kernel`: kernel prefix syntax, `add (mul a b) (neg c)`. */
PyObject *kernel(Engine *e, PyObject *node) {
    int kind = kind_of(e, node);
    if (kind < 0) return NULL;
    if (kind == VAR) return leaf(e, node, kind);
    PyObject *text = PyDict_GetItemWithError(e->kernel, node);
    if (text || PyErr_Occurred()) return Py_XNewRef(text);
    if (kind == NUM) text = PyObject_CallOneArg(e->numeral, SLOT(e, node, value_at));
    else text = kernel_app(e, node);
    return remember(e, e->kernel, node, text);
}

/* True if `node` prints in kernel syntax as one token (`texts.is_atomic`); -1 on error. */
static int atomic(Engine *e, PyObject *node, int kind) {
    if (kind == APP) return PyTuple_GET_SIZE(SLOT(e, node, args_at)) == 0;
    if (kind == VAR) return 1;
    PyObject *value = SLOT(e, node, value_at);
    if (!PyLong_Check(value)) {
        unsupported();
        return -1;
    }
    int overflow;
    long small = PyLong_AsLongAndOverflow(value, &overflow);
    if (small == -1 && PyErr_Occurred()) return -1;
    return overflow < 0 || (!overflow && small < 2);
}

/* `SignatureTexts.kernel_argument`: parenthesised unless it is one token. */
PyObject *kernel_argument(Engine *e, PyObject *node) {
    int kind = kind_of(e, node);
    if (kind < 0) return NULL;
    if (kind == VAR) return leaf(e, node, kind);
    PyObject *text = PyDict_GetItemWithError(e->argument, node);
    if (text || PyErr_Occurred()) return Py_XNewRef(text);
    int one = atomic(e, node, kind);
    text = one < 0 ? NULL : wrap(kernel(e, node), !one, OPEN, CLOSE);
    return remember(e, e->argument, node, text);
}

/* The pieces of one node of a context: its Lean name and the arguments before the hole's
 * side (`before`) or after it, each with its space, appended to `parts`. */
static int context_side(Engine *e, PyObject *parent, Py_ssize_t index, int before,
                        PyObject *parts) {
    PyObject *args = SLOT(e, parent, args_at);
    Op *op = before ? op_of(e, parent) : NULL;
    if (before && (!op || PyList_Append(parts, op->lean_name) || PyList_Append(parts, SPACE)))
        return -1;
    Py_ssize_t from = before ? 0 : index + 1, to = before ? index : PyTuple_GET_SIZE(args);
    for (Py_ssize_t k = from; k < to; k++) {
        PyObject *text = kernel_argument(e, PyTuple_GET_ITEM(args, k));
        int failed = !text || (!before && PyList_Append(parts, SPACE)) ||
                     PyList_Append(parts, text) || (before && PyList_Append(parts, SPACE));
        Py_XDECREF(text);
        if (failed) return -1;
    }
    return 0;
}

/* `SignatureTexts.kernel_context`: the kernel text of `node` with the sub-tree at `path`
 * replaced by `hole`, written outside in: each node's name and arguments before the path,
 * an opening parenthesis, ..., the hole, ..., a closing one and the arguments after. */
PyObject *context(Engine *e, PyObject *node, PyObject *path, PyObject *hole) {
    if (!PyTuple_CheckExact(path) || !PyUnicode_CheckExact(hole)) return unsupported();
    Py_ssize_t n = PyTuple_GET_SIZE(path), d;
    PyObject **along = PyMem_Malloc(sizeof(PyObject *) * (n + 1)), *parts = PyList_New(0);
    Py_ssize_t *at = PyMem_Malloc(sizeof(Py_ssize_t) * (n + 1));
    int failed = !along || !at || !parts;
    for (d = 0; !failed && d < n; d++) {
        at[d] = PyLong_AsSsize_t(PyTuple_GET_ITEM(path, d));
        failed = kind_of(e, node) < 0 || PyErr_Occurred() || at[d] < 0 ||
                 at[d] >= PyTuple_GET_SIZE(SLOT(e, node, args_at));
        if (failed && !PyErr_Occurred()) unsupported();
        along[d] = node;
        node = failed ? node : PyTuple_GET_ITEM(SLOT(e, node, args_at), at[d]);
    }
    for (d = 0; !failed && d < n; d++)
        failed = context_side(e, along[d], at[d], 1, parts) ||
                 (d < n - 1 && PyList_Append(parts, OPEN));
    failed = failed || PyList_Append(parts, hole);
    for (d = n - 1; !failed && d >= 0; d--)
        failed = (d < n - 1 && PyList_Append(parts, CLOSE)) ||
                 context_side(e, along[d], at[d], 0, parts);
    PyObject *text = failed ? NULL : PyUnicode_Join(EMPTY, parts);
    PyMem_Free(along); PyMem_Free(at); Py_XDECREF(parts);
    return text;
}
