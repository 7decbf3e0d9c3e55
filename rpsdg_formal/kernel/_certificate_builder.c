/* Putting a text together from pieces for the compiled certificate (see _certificate.c). */
#include "_certificate.h"

void start_text(Builder *b) {
    b->items = b->inline_items;
    b->owned = b->inline_owned;
    b->n = 0;
    b->cap = INLINE;
}

/* Room for one more piece; -1 (MemoryError) if there is none. */
static int room(Builder *b) {
    if (b->n < b->cap) return 0;
    Py_ssize_t cap = 2 * b->cap;
    PyObject **items = PyMem_Malloc(cap * sizeof(PyObject *));
    char *owned = PyMem_Malloc(cap);
    if (!items || !owned) {
        PyMem_Free(items); PyMem_Free(owned);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(items, b->items, b->n * sizeof(PyObject *));
    memcpy(owned, b->owned, b->n);
    if (b->items != b->inline_items) PyMem_Free(b->items), PyMem_Free(b->owned);
    b->items = items, b->owned = owned, b->cap = cap;
    return 0;
}

/* Append `item` (borrowed; a NULL placeholder to be filled before `built`). */
int add(Builder *b, PyObject *item) {
    if (room(b)) return -1;
    b->items[b->n] = item;
    b->owned[b->n++] = 0;
    return 0;
}

/* Append `item`, stealing it; -1 if it is NULL (an error set) or there is no room. */
int put(Builder *b, PyObject *item) {
    if (!item || room(b)) return Py_XDECREF(item), -1;
    b->items[b->n] = item;
    b->owned[b->n++] = 1;
    return 0;
}

/* The pieces one after another, a new `str` (or NULL with an error set). */
PyObject *built(Builder *b) {
    Py_ssize_t length = 0, at = 0;
    Py_UCS4 widest = 127;
    for (Py_ssize_t i = 0; i < b->n; i++) {
        PyObject *piece = b->items[i];
        if (!piece || !PyUnicode_CheckExact(piece) || PyUnicode_READY(piece) < 0)
            return PyErr_Occurred() ? NULL : unsupported();
        length += PyUnicode_GET_LENGTH(piece);
        Py_UCS4 wide = PyUnicode_MAX_CHAR_VALUE(piece);
        widest = wide > widest ? wide : widest;
    }
    PyObject *out = PyUnicode_New(length, widest);
    int kind = out ? PyUnicode_KIND(out) : 0;
    for (Py_ssize_t i = 0; out && i < b->n; i++) {
        PyObject *piece = b->items[i];
        Py_ssize_t size = PyUnicode_GET_LENGTH(piece);
        if (PyUnicode_KIND(piece) == kind)
            memcpy((char *)PyUnicode_DATA(out) + at * kind, PyUnicode_DATA(piece), size * kind);
        else if (PyUnicode_CopyCharacters(out, at, piece, 0, size) < 0)
            Py_CLEAR(out);
        at += size;
    }
    return out;
}

/* Let go of the owned pieces and any memory taken. */
void drop(Builder *b) {
    for (Py_ssize_t i = 0; i < b->n; i++)
        if (b->owned[i]) Py_DECREF(b->items[i]);
    if (b->items != b->inline_items) PyMem_Free(b->items), PyMem_Free(b->owned);
    start_text(b);
}
