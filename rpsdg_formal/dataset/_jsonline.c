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
 * MAX_DEPTH) makes `dumps` return None, and the caller writes the line with the reference. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(__GNUC__)
#pragma GCC visibility push(hidden)
#endif

enum { PLAIN, ROW, ROWS, LIST };
enum { WRITTEN = 0, FAILED = -1, DECLINED = 1 }; /* DECLINED: no Python error set */
#define MAX_DEPTH 64
#define FIRST_CAPACITY 8192

typedef struct {
    Py_UCS4 *data;
    Py_ssize_t size, capacity;
    Py_UCS4 max;
    PyObject *specs; /* row class -> ((key, mode), ...) */
    int depth;
} Out;

static int value(Out *out, PyObject *v, PyObject *mode);
static int plain(Out *out, PyObject *v);
static int typed(Out *out, PyObject *v);

/* Room for `n` more characters. */
static int reserve(Out *out, Py_ssize_t n) {
    if (out->size + n <= out->capacity) return WRITTEN;
    Py_ssize_t capacity = out->capacity;
    while (capacity < out->size + n) capacity *= 2;
    Py_UCS4 *grown = PyMem_Realloc(out->data, (size_t)capacity * sizeof(Py_UCS4));
    if (!grown) {
        PyErr_NoMemory();
        return FAILED;
    }
    out->capacity = capacity;
    out->data = grown;
    return WRITTEN;
}

static int ascii(Out *out, const char *text, Py_ssize_t n) {
    if (reserve(out, n)) return FAILED;
    for (Py_ssize_t i = 0; i < n; i++) out->data[out->size++] = (Py_UCS4)text[i];
    return WRITTEN;
}

/* The escape of `c` (a quote, a backslash or a control character) at `at`, as
 * json.dumps(..., ensure_ascii=False) writes it; returns the end of what it wrote. */
static Py_UCS4 *escape(Py_UCS4 *at, Py_UCS4 c) {
    static const char hex[] = "0123456789abcdef";
    char short_form = c == '"' ? '"' : c == '\\' ? '\\' : c == '\b' ? 'b' : c == '\f' ? 'f'
                    : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
    *at++ = '\\';
    if (short_form) {
        *at++ = (Py_UCS4)short_form;
        return at;
    }
    at[0] = 'u', at[1] = '0', at[2] = '0', at[3] = (Py_UCS4)hex[c >> 4];
    at[4] = (Py_UCS4)hex[c & 15];
    return at + 5;
}

#define COPY(TYPE)                                                                           \
    do {                                                                                     \
        const TYPE *from = data;                                                             \
        for (Py_ssize_t i = 0; i < n; i++) {                                                 \
            Py_UCS4 c = from[i];                                                             \
            if (c >= 0x20 && c != '"' && c != '\\') {                                        \
                *at++ = c;                                                                   \
            } else {                                                                         \
                at = escape(at, c);                                                          \
            }                                                                                \
        }                                                                                    \
    } while (0)

/* A string in quotes (at most six characters written for each of its own). Every other
 * character is kept, so the line's widest kind is the widest of its strings' (a str's kind
 * is the narrowest that holds its characters). */
static int string(Out *out, PyObject *s) {
    if (PyUnicode_READY(s)) return FAILED;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (reserve(out, 6 * n + 2)) return FAILED;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_UCS4 *at = out->data + out->size, widest = PyUnicode_MAX_CHAR_VALUE(s);
    *at++ = '"';
    if (kind == PyUnicode_1BYTE_KIND) {
        COPY(Py_UCS1);
    } else if (kind == PyUnicode_2BYTE_KIND) {
        COPY(Py_UCS2);
    } else {
        COPY(Py_UCS4);
    }
    *at++ = '"';
    out->size = at - out->data;
    if (widest > out->max) out->max = widest;
    return WRITTEN;
}

/* An int as `int.__repr__` writes it (json.dumps's way, subclasses included). */
static int integer(Out *out, PyObject *v) {
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (n == -1 && PyErr_Occurred()) return FAILED;
    if (!overflow) {
        char digits[32];
        int length = snprintf(digits, sizeof digits, "%lld", n);
        return ascii(out, digits, length);
    }
    PyObject *text = PyLong_Type.tp_repr(v);
    const char *digits = text ? PyUnicode_AsUTF8(text) : NULL; /* ASCII digits and a sign */
    int done = digits ? ascii(out, digits, (Py_ssize_t)strlen(digits)) : FAILED;
    Py_XDECREF(text);
    return done;
}

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

/* `"key": ` (DECLINED where the key is not exactly a str: json.dumps would convert another
 * key, and a str subclass could run code while its dict is read). */
static int key(Out *out, PyObject *k, int first) {
    if (!PyUnicode_CheckExact(k)) return DECLINED;
    if (!first && ascii(out, ", ", 2)) return FAILED;
    if (string(out, k)) return FAILED;
    return ascii(out, ": ", 2);
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

/* A typed row as its `to_json` writes it: its fields in table order, None values left out. */
static int row(Out *out, PyObject *v, PyObject *fields) {
    if (ascii(out, "{", 1)) return FAILED;
    int first = 1, done = WRITTEN;
    for (Py_ssize_t i = 0; done == WRITTEN && i < PyTuple_GET_SIZE(fields); i++) {
        PyObject *pair = PyTuple_GET_ITEM(fields, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) return DECLINED;
        PyObject *name = PyTuple_GET_ITEM(pair, 0), *mode = PyTuple_GET_ITEM(pair, 1);
        PyObject *field = PyUnicode_CheckExact(name) ? PyObject_GetAttr(v, name) : NULL;
        if (!field) return PyErr_Occurred() ? FAILED : DECLINED;
        if (field != Py_None) {
            done = key(out, name, first);
            done = done ? done : value(out, field, mode);
            first = 0;
        }
        Py_DECREF(field);
    }
    return done ? done : ascii(out, "}", 1);
}

/* A typed row of a class `specs` knows (DECLINED for anything else). */
static int typed(Out *out, PyObject *v) {
    PyObject *fields = PyDict_GetItemWithError(out->specs, (PyObject *)Py_TYPE(v));
    if (!fields) return PyErr_Occurred() ? FAILED : DECLINED;
    if (!PyTuple_Check(fields)) return DECLINED;
    if (++out->depth > MAX_DEPTH) return DECLINED;
    Py_INCREF(fields); /* (the specs dict could change while a writer runs) */
    int done = row(out, v, fields);
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

/* The written text as a str of the narrowest kind that holds it. */
static PyObject *text_of(Out *out) {
    PyObject *text = PyUnicode_New(out->size, out->max);
    if (!text) return NULL;
    int kind = PyUnicode_KIND(text);
    void *data = PyUnicode_DATA(text);
    if (kind == PyUnicode_1BYTE_KIND) {
        for (Py_ssize_t i = 0; i < out->size; i++) ((Py_UCS1 *)data)[i] = (Py_UCS1)out->data[i];
    } else if (kind == PyUnicode_2BYTE_KIND) {
        for (Py_ssize_t i = 0; i < out->size; i++) ((Py_UCS2 *)data)[i] = (Py_UCS2)out->data[i];
    } else {
        memcpy(data, out->data, (size_t)out->size * sizeof(Py_UCS4));
    }
    return text;
}

/* One buffer kept between calls (its pages stay mapped); a call made while it is in use (by
 * a field's writer that writes a line itself) gets its own. */
static Py_UCS4 *kept;
static Py_ssize_t kept_capacity;
static int kept_in_use;

static PyObject *dumps(PyObject *module, PyObject *const *args, Py_ssize_t n) {
    (void)module;
    if (n != 3 || !PyDict_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "dumps(items: dict, modes: dict, specs: dict)");
        return NULL;
    }
    int own = kept_in_use || !kept;
    Out out = {own ? PyMem_Malloc(FIRST_CAPACITY * sizeof(Py_UCS4)) : kept, 0,
               own ? FIRST_CAPACITY : kept_capacity, 127, args[2], 0};
    if (!out.data) return PyErr_NoMemory();
    kept_in_use += !own;
    int done = object(&out, args[0], args[1]);
    PyObject *text = done == WRITTEN ? text_of(&out) : NULL;
    if (own && kept) {
        PyMem_Free(out.data);
    } else { /* the first buffer made, or the kept one, maybe grown */
        kept = out.data, kept_capacity = out.capacity, kept_in_use -= !own;
    }
    if (done == DECLINED) Py_RETURN_NONE;
    return text;
}

static PyMethodDef METHODS[] = {
    {"dumps", (PyCFunction)(void (*)(void))dumps, METH_FASTCALL,
     "dumps(items, modes, specs): the JSON text of a record's typed fields, as json.dumps with "
     "ensure_ascii=False writes their JSON, or None where it would not write it the same way."},
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
                   PyModule_AddIntConstant(module, "LIST", LIST))) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
