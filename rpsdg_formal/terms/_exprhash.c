/* A compiled hash for `terms.expr.Expr`: its cached `_hash` slot read in C.
 *
 * Expr nodes are dictionary keys everywhere (pools, graphs, memos, the kernel's term cache),
 * and a class's Python `__hash__` costs a Python call on every lookup. `install(Expr, "_hash")`
 * points the type's hash slot at `slot_hash` below, which returns the very value
 * `Expr.__hash__` returns (the slot holds `hash(...)` of a tuple: a Py_hash_t, never -1). The
 * Python method stays, as the reference and for a Python without this module. */
#include "_slots.h"

static PyTypeObject *hashed_type = NULL; /* the one type installed, a strong reference */
static Py_ssize_t hash_offset = -1;       /* where its `_hash` slot lives in an instance */

static Py_hash_t slot_hash(PyObject *self) {
    PyObject *value = *(PyObject **)((char *)self + hash_offset);
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_hash");
        return -1;
    }
    Py_hash_t hash = PyLong_AsSsize_t(value);
    if (hash == -1 && !PyErr_Occurred()) hash = -2; /* as Python maps a -1 from __hash__ */
    return hash;
}

/* install(type, name): hash instances of `type` by their object slot `name` (an int). */
static PyObject *install(PyObject *module, PyObject *args) {
    PyObject *type;
    const char *name;
    if (!PyArg_ParseTuple(args, "O!s", &PyType_Type, &type, &name)) return NULL;
    Py_ssize_t offset = slot_at((PyTypeObject *)type, name);
    if (offset < 0) return NULL;
    if (hashed_type && (hashed_type != (PyTypeObject *)type || hash_offset != offset)) {
        PyErr_SetString(PyExc_RuntimeError, "another type is installed already");
        return NULL;
    }
    Py_INCREF(type);
    Py_XDECREF(hashed_type);
    hashed_type = (PyTypeObject *)type;
    hash_offset = offset;
    hashed_type->tp_hash = slot_hash;
    PyType_Modified(hashed_type);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"install", install, METH_VARARGS, "Hash instances of a type by one of its int slots."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_exprhash", NULL, -1, methods};

PyMODINIT_FUNC PyInit__exprhash(void) { return PyModule_Create(&module); }
