/* The record line in C: `dataset.record_line`'s writer (an optional extension; `json.dumps(
 * record.to_json(), ensure_ascii=False)` stays the reference and the fallback).
 *
 * A record line holds about 170 strings; building its dict of dicts (`to_json`) and encoding
 * it (`json.dumps`) cost more than making its texts. `dumps(items, modes, specs)` writes the
 * JSON text of a record's fields (`TheoremRecord.typed_items`) straight from the typed rows:
 * `specs` maps each row class to its fields as `(key, mode)`, `modes` the record's own keys to
 * theirs (`record_line.py` derives both from the `FIELDS` tables, so the two cannot drift).
 * A mode is how the field's `Field.write` turns its value into JSON: PLAIN (as it is), ROW (a
 * typed row: `row_json`), ROWS (a sequence of them: `row_list`), LIST (`list`), or any other
 * writer, which is called and its result written as it is. Text is escaped as `json.dumps`
 * with `ensure_ascii=False` does (`"`, `\`, and the control characters below U+0020; every
 * other character, lone surrogates included, is kept), with its separators `, ` and `: `.
 * Whatever the reference would not write the same way (a float, a key that is not a string, a
 * value of a type it does not know, a row where its field expects none, nesting deeper than
 * MAX_DEPTH) makes `dumps` return None, and the caller writes the line with the reference.
 * This file walks the rows; _jsonline_text.c puts the text. */
#include "_jsonline.h"

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

enum { PLAIN, ROW, ROWS, LIST, PAIRS };
#define MAX_DEPTH 64
#define MAX_PAIRS 16 /* the longest substitution checked for repeated names here */

static int value(Out *out, PyObject *v, PyObject *mode);
static int plain(Out *out, PyObject *v);
static int typed(Out *out, PyObject *v);

/* `[a, b, ...]`, each item a typed row (`rows`) or a plain value. */
static int array(Out *out, PyObject *items, int rows) {
    if (ascii(out, "[", 1)) return FAILED;
    for (Py_ssize_t i = 0; i < Py_SIZE(items); i++) { /* (a writer may shorten a list) */
        PyObject *item = PySequence_Fast_GET_ITEM(items, i);
        Py_INCREF(item);
        int done = (i && ascii(out, ", ", 2)) ? FAILED : rows ? typed(out, item) : plain(out, item);
        Py_DECREF(item);
        if (done) return done;
    }
    return ascii(out, "]", 1);
}

/* A dict, its values plain, or (`modes` not NULL: the record's own fields) each in the mode
 * `modes` gives its key (PLAIN for a key it does not name). No code of the caller's runs
 * while a plain dict is read; a record's writers cannot reach the dict of its fields. */
static int object(Out *out, PyObject *dict, PyObject *modes) {
    if (ascii(out, "{", 1)) return FAILED;
    PyObject *k, *v;
    Py_ssize_t at = 0;
    int first = 1, done = WRITTEN;
    while (done == WRITTEN && PyDict_Next(dict, &at, &k, &v)) {
        Py_INCREF(k);
        Py_INCREF(v);
        done = key(out, k, first);
        PyObject *mode = done || !modes ? NULL : PyDict_GetItemWithError(modes, k);
        done = done ? done : (mode || !PyErr_Occurred()) ? value(out, v, mode) : FAILED;
        Py_DECREF(k);
        Py_DECREF(v);
        first = 0;
    }
    return done ? done : ascii(out, "}", 1);
}

/* `dict(pairs)` as JSON: (name, value) pairs whose names are distinct strs, else DECLINED. */
static int pairs(Out *out, PyObject *v) {
    Py_ssize_t n = PyTuple_Check(v) ? PyTuple_GET_SIZE(v) : MAX_PAIRS + 1;
    if (n > MAX_PAIRS) return DECLINED;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyTuple_GET_ITEM(v, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) return DECLINED;
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(pair, 0))) return DECLINED;
        for (Py_ssize_t j = 0; j < i; j++) {
            PyObject *a = PyTuple_GET_ITEM(pair, 0);
            PyObject *b = PyTuple_GET_ITEM(PyTuple_GET_ITEM(v, j), 0);
            if (a == b || !PyUnicode_Compare(a, b)) return DECLINED;
        }
    }
    if (ascii(out, "{", 1)) return FAILED;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyTuple_GET_ITEM(v, i);
        int done = key(out, PyTuple_GET_ITEM(pair, 0), i == 0);
        if (done || (done = plain(out, PyTuple_GET_ITEM(pair, 1)))) return done;
    }
    return ascii(out, "}", 1);
}

/* A typed row as its `to_json` writes it: its fields in table order, None values left out.
 * With a `layout` (a whole record), the keys written must be exactly those, in that order,
 * and `verified` (not None) stands for the record's own verdict. */
static int row(Out *out, PyObject *v, PyObject *fields, PyObject *layout, PyObject *verified) {
    Py_ssize_t written = 0;
    if (!PyTuple_Check(fields) || ascii(out, "{", 1)) return PyErr_Occurred() ? FAILED : DECLINED;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        PyObject *pair = PyTuple_GET_ITEM(fields, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) return DECLINED;
        PyObject *name = PyTuple_GET_ITEM(pair, 0), *mode = PyTuple_GET_ITEM(pair, 1);
        if (!PyUnicode_CheckExact(name)) return DECLINED;
        int replaced = verified && verified != Py_None &&
                       !PyUnicode_CompareWithASCIIString(name, "verified");
        PyObject *field = replaced ? Py_NewRef(verified) : PyObject_GetAttr(v, name);
        if (!field) return FAILED;
        int done = WRITTEN;
        if (field != Py_None && layout) {
            PyObject *want = written < PyTuple_GET_SIZE(layout)
                                 ? PyTuple_GET_ITEM(layout, written) : NULL;
            done = want && (want == name || !PyUnicode_Compare(want, name)) ? WRITTEN : DECLINED;
            done = PyErr_Occurred() ? FAILED : done;
        }
        if (field != Py_None && done == WRITTEN) {
            done = key(out, name, written++ == 0);
            done = done ? done : value(out, field, mode);
        }
        Py_DECREF(field);
        if (done) return done;
    }
    if (layout && written != PyTuple_GET_SIZE(layout)) return DECLINED;
    return ascii(out, "}", 1);
}

/* A typed row of a class `specs` knows (DECLINED for anything else). */
static int typed(Out *out, PyObject *v) {
    PyObject *fields = PyDict_GetItemWithError(out->specs, (PyObject *)Py_TYPE(v));
    if (!fields) return PyErr_Occurred() ? FAILED : DECLINED;
    if (++out->depth > MAX_DEPTH) return DECLINED;
    Py_INCREF(fields); /* (the specs dict could change while a writer runs) */
    int done = row(out, v, fields, NULL, NULL);
    Py_DECREF(fields);
    out->depth--;
    return done;
}

/* A value json.dumps writes without help: string, constant, int, list or tuple, dict. */
static int plain(Out *out, PyObject *v) {
    if (PyUnicode_Check(v)) return string(out, v);
    if (v == Py_None) return ascii(out, "null", 4);
    if (v == Py_True) return ascii(out, "true", 4);
    if (v == Py_False) return ascii(out, "false", 5);
    if (PyLong_Check(v)) return integer(out, v);
    int list = PyList_Check(v) || PyTuple_Check(v), dict = PyDict_CheckExact(v);
    if (!list && !dict) return DECLINED; /* a float, a typed row, a dict subclass, ... */
    if (++out->depth > MAX_DEPTH) return DECLINED;
    int done = list ? array(out, v, 0) : object(out, v, NULL);
    out->depth--;
    return done;
}

/* `v` written in `mode` (NULL: PLAIN); a mode that is not a code is the field's writer. */
static int value(Out *out, PyObject *v, PyObject *mode) {
    long code = !mode ? PLAIN : PyLong_CheckExact(mode) ? PyLong_AsLong(mode) : -1;
    if (code == -1 && PyErr_Occurred()) return FAILED;
    int sequence = PyList_Check(v) || PyTuple_Check(v);
    if (code == PLAIN) return plain(out, v);
    if (code == ROW) return typed(out, v);
    if (code == PAIRS) return pairs(out, v);
    if (code == ROWS || code == LIST) {
        if (!sequence || ++out->depth > MAX_DEPTH) return DECLINED;
        int done = array(out, v, code == ROWS);
        out->depth--;
        return done;
    }
    if (code != -1 || !PyCallable_Check(mode)) return DECLINED;
    PyObject *written = PyObject_CallOneArg(mode, v);
    int done = written ? plain(out, written) : FAILED;
    Py_XDECREF(written);
    return done;
}

static PyObject *dumps(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    (void)module;
    Out out;
    if (n != 3 || !PyDict_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "dumps(items: dict, modes: dict, specs: dict)");
        return NULL;
    }
    if (begin(&out, args[2], 0)) return NULL;
    return end(&out, object(&out, args[0], args[1]));
}

static PyObject *record(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    (void)module;
    Out out;
    if (n != 6 || !PyTuple_Check(args[2]) || !PyTuple_Check(args[3]) || !PyDict_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "record(record, verified, fields: tuple, layout: "
                                         "tuple, specs: dict, split: bool)");
        return NULL;
    }
    int split = PyObject_IsTrue(args[5]);
    if (split < 0 || begin(&out, args[4], split)) return NULL;
    return end(&out, row(&out, args[0], args[2], args[3], args[1]));
}

static PyMethodDef METHODS[] = {
    {"dumps", (PyCFunction)(void (*)(void))dumps, METH_FASTCALL,
     "dumps(items, modes, specs): the JSON text of a record's typed fields, as json.dumps with "
     "ensure_ascii=False writes their JSON, or None where it would not write it the same way."},
    {"record", (PyCFunction)(void (*)(void))record, METH_FASTCALL,
     "record(record, verified, fields, layout, specs, split): the same for a record without "
     "details whose fields come in `layout` order (None otherwise), `verified` (if not None) "
     "standing for its own verdict; `split`: the texts before and after its one NUL string."},
    {NULL, NULL, 0, NULL},
};
static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_jsonline", "The record line writer (see dataset/record_line.py).",
    -1, METHODS, NULL, NULL, NULL, NULL,
};

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

PyMODINIT_FUNC PyInit__jsonline(void) {
    PyObject *module = PyModule_Create(&MODULE);
    if (module && (PyModule_AddIntConstant(module, "PLAIN", PLAIN) ||
                   PyModule_AddIntConstant(module, "ROW", ROW) ||
                   PyModule_AddIntConstant(module, "ROWS", ROWS) ||
                   PyModule_AddIntConstant(module, "LIST", LIST) ||
                   PyModule_AddIntConstant(module, "PAIRS", PAIRS))) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
