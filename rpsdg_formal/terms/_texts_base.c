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

/* The operator of an application, or NULL (Unsupported) for a head outside the signature. */
Op *op_of(Engine *e, PyObject *node) {
    PyObject *at = PyDict_GetItemWithError(e->index, SLOT(e, node, head_at));
    if (!at) {
        if (!PyErr_Occurred()) unsupported();
        return NULL;
    }
    return &e->ops[PyLong_AsSsize_t(at)];
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
    PyObject *limit = text ? PyDict_GetItemWithError(e->globals, LIMIT) : NULL;
    Py_ssize_t bound = limit ? PyLong_AsSsize_t(limit) : -1;
    if (text && !limit && !PyErr_Occurred()) PyErr_SetString(PyExc_NameError, "LIMIT");
    if (bound == -1 && PyErr_Occurred()) {
        Py_XDECREF(text);
        return NULL;
    }
    if (PyDict_GET_SIZE(memo) >= bound) PyDict_Clear(memo);
    if (PyDict_SetItem(memo, node, text) < 0) Py_CLEAR(text);
    return text;
}

/* `template.format(*texts)`: from its pieces (literal, index, literal, ..., literal) when it
 * has them, through `str.format` itself otherwise. Steals `texts` (a tuple). */
PyObject *fill(PyObject *template, PyObject *pieces, PyObject *texts) {
    if (!texts) return NULL;
    PyObject *parts[MAX_PIECES], *out = NULL;
    Py_ssize_t n = pieces == Py_None ? 0 : PyTuple_GET_SIZE(pieces);
    int usable = pieces != Py_None;
    for (Py_ssize_t i = 0; usable && i < n; i++) {
        PyObject *piece = PyTuple_GET_ITEM(pieces, i);
        Py_ssize_t at = i % 2 ? PyLong_AsSsize_t(piece) : 0;
        usable = at < PyTuple_GET_SIZE(texts);
        parts[i] = i % 2 ? PyTuple_GET_ITEM(texts, at < 0 ? 0 : at) : piece;
    }
    if (usable) out = concat(parts, (int)n);
    else {
        PyObject *format = PyObject_GetAttr(template, FORMAT);
        out = format ? PyObject_Call(format, texts, NULL) : NULL;
        Py_XDECREF(format);
    }
    Py_DECREF(texts);
    return out;
}

/* A variable's name (a `str`, else Unsupported) or a numeral's digits. */
PyObject *leaf(Engine *e, PyObject *node, int kind) {
    PyObject *head = SLOT(e, node, head_at);
    if (kind != VAR) return PyObject_Str(SLOT(e, node, value_at));
    return PyUnicode_CheckExact(head) ? Py_NewRef(head) : unsupported();
}

