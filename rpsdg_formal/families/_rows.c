/* A proof's record rows in C: `families.records._rows` without a Python call per step (an
 * optional extension; the Python function stays the reference and the fallback).
 *
 * `rows(steps, terms, text, row_class)` makes, for each step, the row `_rows` makes: the
 * states printed by `text(tree, True)` (the state before taken from the step before when it
 * is the same tree), the rule's name, the direction, the path, the substitution printed by
 * `text(value, False)`, and the step's proof term. Each row is made as its frozen dataclass's
 * generated `__init__` makes it, `object.__new__(row_class)` and then `object.__setattr__` of
 * each name of `FIELDS` (this module's tuple: the names of those seven values, in that order),
 * which `records.py` only asks of a row class whose `__init__` is exactly the one
 * `dataclasses` generates for `FIELDS` (`terms.extension.stores_only`). A step whose
 * substitution is not a tuple of pairs makes `rows` return None, and the caller makes the
 * rows in Python; whatever `text` raises is raised. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *BEFORE, *AFTER, *RULE, *NAME, *DIRECTION, *PATH, *SUBSTITUTION, *EMPTY;
static PyObject *FIELDS; /* the row's field names, in the order `step_row` makes the values */

/* `text(tree, lean)`. */
static PyObject *print(PyObject *text, PyObject *tree, int lean) {
    PyObject *args[2] = {tree, lean ? Py_True : Py_False};
    return PyObject_Vectorcall(text, args, 2, NULL);
}

/* The substitution with each value printed; Py_None where it is not a tuple of pairs. */
static PyObject *substitution(PyObject *pairs, PyObject *text) {
    if (!PyTuple_Check(pairs)) return Py_NewRef(Py_None);
    Py_ssize_t n = PyTuple_GET_SIZE(pairs);
    PyObject *out = PyTuple_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++) {
        PyObject *pair = PyTuple_GET_ITEM(pairs, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            Py_DECREF(out);
            return Py_NewRef(Py_None);
        }
        PyObject *value = print(text, PyTuple_GET_ITEM(pair, 1), 0);
        PyObject *printed = value ? PyTuple_Pack(2, PyTuple_GET_ITEM(pair, 0), value) : NULL;
        Py_XDECREF(value);
        if (!printed) Py_CLEAR(out);
        else PyTuple_SET_ITEM(out, i, printed);
    }
    return out;
}

/* A row of `cls` holding `values` (steals them), made as its dataclass `__init__` makes it. */
static PyObject *make_row(PyTypeObject *cls, PyObject **values) {
    PyObject *row = PyBaseObject_Type.tp_new(cls, EMPTY, NULL);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(FIELDS); i++) {
        if (row && PyObject_GenericSetAttr(row, PyTuple_GET_ITEM(FIELDS, i), values[i])) {
            Py_CLEAR(row);
        }
        Py_XDECREF(values[i]);
    }
    return row;
}

/* The attribute `name` of `obj` (a new reference), or NULL. */
static PyObject *get(PyObject *obj, PyObject *name) {
    return obj ? PyObject_GetAttr(obj, name) : NULL;
}

/* One step's row (`*last`, `*last_text`: the previous step's state after and its text,
 * replaced by this step's); Py_None where the step is not one `rows` makes. */
static PyObject *step_row(PyObject *step, PyObject *term, PyObject *text, PyTypeObject *cls,
                          PyObject **last, PyObject **last_text) {
    PyObject *values[7] = {NULL}, *row = NULL;
    PyObject *before = get(step, BEFORE), *after = get(before ? step : NULL, AFTER);
    PyObject *rule = get(after ? step : NULL, RULE);
    if (rule) { /* printed in `_rows`'s order: before, after, substitution; none after an error */
        values[0] = before == *last ? Py_NewRef(*last_text) : print(text, before, 1);
        values[5] = values[0] ? print(text, after, 1) : NULL;
        PyObject *pairs = get(values[5] ? step : NULL, SUBSTITUTION);
        values[4] = pairs ? substitution(pairs, text) : NULL;
        Py_XDECREF(pairs);
        int more = values[4] && values[4] != Py_None;
        values[1] = get(more ? rule : NULL, NAME);
        values[2] = get(values[1] ? step : NULL, DIRECTION);
        values[3] = get(values[2] ? step : NULL, PATH);
        values[6] = values[3] ? Py_NewRef(term) : NULL;
    }
    int made = 1;
    for (int i = 0; i < 7; i++) made = made && values[i];
    if (values[4] == Py_None) { /* not a step made here: None, no error */
        row = Py_NewRef(Py_None);
        for (int i = 0; i < 7; i++) Py_XDECREF(values[i]);
    } else if (made) {
        Py_XSETREF(*last, Py_NewRef(after));
        Py_XSETREF(*last_text, Py_NewRef(values[5]));
        row = make_row(cls, values); /* (takes the values) */
    } else {
        for (int i = 0; i < 7; i++) Py_XDECREF(values[i]);
    }
    Py_XDECREF(before), Py_XDECREF(after), Py_XDECREF(rule);
    return row;
}

static int arguments(PyObject *const *args, Py_ssize_t n) {
    if (n == 4 && PyTuple_Check(args[0]) && PyTuple_Check(args[1]) && PyType_Check(args[3]) &&
        PyTuple_GET_SIZE(args[0]) == PyTuple_GET_SIZE(args[1]))
        return 0;
    PyErr_SetString(PyExc_TypeError,
                    "rows(steps: tuple, terms: tuple of as many, text, row_class: type)");
    return -1;
}

static PyObject *rows(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    (void)module;
    if (arguments(args, n)) return NULL;
    Py_ssize_t count = PyTuple_GET_SIZE(args[0]);
    PyObject *out = PyTuple_New(count), *last = NULL, *last_text = NULL;
    for (Py_ssize_t i = 0; out && i < count; i++) {
        PyObject *row = step_row(PyTuple_GET_ITEM(args[0], i), PyTuple_GET_ITEM(args[1], i),
                                 args[2], (PyTypeObject *)args[3], &last, &last_text);
        if (!row || row == Py_None) {
            Py_CLEAR(out);
            out = row; /* NULL (an error) or None (not a step made here) */
            break;
        }
        PyTuple_SET_ITEM(out, i, row);
    }
    Py_XDECREF(last);
    Py_XDECREF(last_text);
    return out;
}

static PyMethodDef METHODS[] = {
    {"rows", (PyCFunction)(void (*)(void))rows, METH_FASTCALL,
     "rows(steps, terms, text, row_class): the record rows of consecutive steps, as "
     "families.records._rows makes them (each field of FIELDS set in order), or None where "
     "it would not make them the same way."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_rows", "A proof's record rows (see families/records.py).", -1,
    METHODS, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__rows(void) {
    const char *names[] = {"before", "after", "rule", "name", "direction", "path",
                           "substitution"};
    PyObject **slots[] = {&BEFORE, &AFTER, &RULE, &NAME, &DIRECTION, &PATH, &SUBSTITUTION};
    for (int i = 0; i < 7; i++) {
        if (!*slots[i] && !(*slots[i] = PyUnicode_InternFromString(names[i]))) return NULL;
    }
    if (!EMPTY && !(EMPTY = PyTuple_New(0))) return NULL;
    /* the names of the values `step_row` makes, in its order (`values[0]` to `values[6]`) */
    const char *fields[] = {"state_before", "rule", "direction", "position", "substitution",
                            "state_after", "lean"};
    if (!FIELDS && !(FIELDS = PyTuple_New(7))) return NULL;
    for (int i = 0; i < 7; i++) {
        if (PyTuple_GET_ITEM(FIELDS, i)) continue;
        PyObject *name = PyUnicode_InternFromString(fields[i]);
        if (!name) return NULL;
        PyTuple_SET_ITEM(FIELDS, i, name);
    }
    PyObject *module = PyModule_Create(&MODULE);
    if (module && PyModule_AddObjectRef(module, "FIELDS", FIELDS) < 0) Py_CLEAR(module);
    return module;
}
