/* Where an `Expr` field lives: the one lookup every compiled part of terms/ shares.
 *
 * `Expr` (expr.py) keeps its fields in `__slots__`; C code that reads them directly needs the
 * offset of each slot in an instance, which the slot's member descriptor holds. */
#ifndef RPSDG_TERMS_SLOTS_H
#define RPSDG_TERMS_SLOTS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* The offset of object slot `name` in instances of `type`, or -1 with a TypeError set. */
static inline Py_ssize_t slot_at(PyTypeObject *type, const char *name) {
    PyObject *d = PyDict_GetItemString(type->tp_dict, name);
    if (d && Py_IS_TYPE(d, &PyMemberDescr_Type) &&
        ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX)
        return ((PyMemberDescrObject *)d)->d_member->offset;
    PyErr_Format(PyExc_TypeError, "%s is not an object slot of %s", name, type->tp_name);
    return -1;
}

enum { KIND_AT, HEAD_AT, VALUE_AT, ARGS_AT, EXPR_SLOTS };

/* The offsets of `Expr`'s fields in `at`, indexed KIND_AT … ARGS_AT: 0, or -1 with a TypeError
 * set (at the first that is not an object slot of `type`). */
static inline int expr_slots(PyTypeObject *type, Py_ssize_t at[EXPR_SLOTS]) {
    static const char *const names[EXPR_SLOTS] = {"kind", "head", "value", "args"};
    for (int k = 0; k < EXPR_SLOTS; k++)
        if ((at[k] = slot_at(type, names[k])) < 0) return -1;
    return 0;
}

#endif
