/* Nodes, strings and memos for the printers' engine (see _texts.c). */
#include "_texts.h"

PyObject *unsupported(void) {
    PyErr_SetNone(Unsupported);
    return NULL;
}

/* VAR, NUM or APP of `node`, or -1 (Unsupported) for anything but a complete Expr. */
int kind_of(Engine *e, PyObject *node) {
    if (Py_TYPE(node) != e->expr_type || !SLOT(e, node, head_at) || !SLOT(e, node, value_at) ||
        !SLOT(e, node, args_at) || !PyTuple_CheckExact(SLOT(e, node, args_at))) {
        unsupported();
        return -1;
    }
    PyObject *kind = SLOT(e, node, kind_at);
    for (int k = VAR; k <= APP; k++)
        if (kind == e->kinds[k]) return k;
    unsupported();
    return -1;
}

/* The operator of an application, or NULL (Unsupported) for a head outside the signature;
 * the last `SEEN` heads looked up are matched by address first. */
Op *op_of(Engine *e, PyObject *node) {
    PyObject *head = SLOT(e, node, head_at);
    for (int i = 0; i < SEEN; i++)
        if (e->seen_head[i] == head) return e->seen_op[i];
    PyObject *at = PyDict_GetItemWithError(e->index, head);
    if (!at) {
        if (!PyErr_Occurred()) unsupported();
        return NULL;
    }
    Op *op = &e->ops[PyLong_AsSsize_t(at)];
    int slot = e->seen_next;
    e->seen_next = (slot + 1) % SEEN;
    Py_XSETREF(e->seen_head[slot], Py_NewRef(head));
    e->seen_op[slot] = op;
    return op;
}

/* The precedence of `node` as a child, or -1 with an exception set. */
long below(Engine *e, PyObject *node, int kind) {
    if (kind != APP) return e->atom;
    Op *op = op_of(e, node);
    return op ? op->precedence : -1;
}

/* The `n` exact strings of `parts` one after another (a new reference; NULL on error). */
PyObject *concat(PyObject **parts, int n) {
    Py_ssize_t length = 0, at = 0;
    Py_UCS4 widest = 127;
    for (int i = 0; i < n; i++) {
        if (!parts[i] && !PyErr_Occurred()) PyErr_SetString(PyExc_SystemError, "no text");
        if (!parts[i]) return NULL;
        if (!PyUnicode_CheckExact(parts[i])) return unsupported();
        length += PyUnicode_GET_LENGTH(parts[i]);
        Py_UCS4 w = PyUnicode_MAX_CHAR_VALUE(parts[i]);
        widest = w > widest ? w : widest;
    }
    PyObject *out = PyUnicode_New(length, widest);
    for (int i = 0; out && i < n; i++) {
        Py_ssize_t size = PyUnicode_GET_LENGTH(parts[i]);
        if (PyUnicode_CopyCharacters(out, at, parts[i], 0, size) < 0) Py_CLEAR(out);
        at += size;
    }
    return out;
}

/* `text` in parentheses, or itself: steals `text`. */
PyObject *wrap(PyObject *text, int wrapped, PyObject *open, PyObject *close) {
    if (!text || !wrapped) return text;
    PyObject *parts[3] = {open, text, close};
    PyObject *out = concat(parts, 3);
    Py_DECREF(text);
    return out;
}

/* Keep `text` as `node`'s in `memo`, emptying it first at `texts.LIMIT`: steals `text`. */
PyObject *remember(Engine *e, PyObject *memo, PyObject *node, PyObject *text) {
    if (!text) return NULL;
    if (PyDict_GET_SIZE(memo) >= e->limit) PyDict_Clear(memo);
    if (PyDict_SetItem(memo, node, text) < 0) Py_CLEAR(text);
    return text;
}

/* Let go of the `n` texts of `texts`. */
void release(PyObject **texts, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) Py_XDECREF(texts[i]);
}

/* `template.format(*texts)` of the `n` texts: from its pieces (literal, index, literal, ...,
 * literal) when it has them, through `str.format` itself otherwise. */
PyObject *fill(PyObject *template, PyObject *pieces, PyObject **texts, Py_ssize_t n) {
    PyObject *parts[MAX_PIECES];
    Py_ssize_t count = pieces == Py_None ? 0 : PyTuple_GET_SIZE(pieces);
    int usable = pieces != Py_None;
    for (Py_ssize_t i = 0; usable && i < count; i++) {
        PyObject *piece = PyTuple_GET_ITEM(pieces, i);
        Py_ssize_t at = i % 2 ? PyLong_AsSsize_t(piece) : 0;
        usable = at < n;
        if (usable) parts[i] = i % 2 ? texts[at] : piece;
    }
    if (usable) return concat(parts, (int)count);
    PyObject *format = PyObject_GetAttr(template, FORMAT), *args = PyTuple_New(n), *out = NULL;
    for (Py_ssize_t i = 0; args && i < n; i++) PyTuple_SET_ITEM(args, i, Py_NewRef(texts[i]));
    if (format && args) out = PyObject_Call(format, args, NULL);
    Py_XDECREF(format); Py_XDECREF(args);
    return out;
}

/* A variable's name (a `str`, else Unsupported) or a numeral's digits. */
PyObject *leaf(Engine *e, PyObject *node, int kind) {
    PyObject *head = SLOT(e, node, head_at);
    if (kind != VAR) return PyObject_Str(SLOT(e, node, value_at));
    return PyUnicode_CheckExact(head) ? Py_NewRef(head) : unsupported();
}

