/* The default walk's Python trees: each new node built as `Expr.__new__` (terms/expr.py)
 * builds it, without running it; see _fastsearch.c. */
#include "_fastsearch.h"

/* A node Python has never seen, as `Expr.__new__` fills it in: its fields, its size and depth,
 * and its hash, hash((kind._value_, head, value, the children's hashes)). A new reference. */
static PyObject *fresh_node(Walker *w, PyObject *kind, PyObject *head, PyObject *value,
                            PyObject *args) {
    ExprPool *p = &w->pool;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    long size = 1, depth = 0;
    PyObject *hashes = PyTuple_New(n);
    for (Py_ssize_t i = 0; hashes && i < n; i++) {
        char *arg = (char *)PyTuple_GET_ITEM(args, i);
        PyObject *s = PyMember_GetOne(arg, p->size), *d = PyMember_GetOne(arg, p->depth);
        PyObject *h = s && d ? PyMember_GetOne(arg, p->hash) : NULL;
        long ds = d ? PyLong_AsLong(d) : -1;
        size += s ? PyLong_AsLong(s) : 0;
        depth = ds > depth ? ds : depth;
        Py_XDECREF(s); Py_XDECREF(d);
        if (!h || PyErr_Occurred()) { Py_XDECREF(h); Py_CLEAR(hashes); }
        else PyTuple_SET_ITEM(hashes, i, h);
    }
    PyObject *name = hashes ? PyObject_GetAttr(kind, p->value_name) : NULL;
    PyObject *form = name ? PyTuple_Pack(4, name, head, value, hashes) : NULL;
    Py_hash_t hash = form ? PyObject_Hash(form) : -1;
    Py_XDECREF(name); Py_XDECREF(form); Py_XDECREF(hashes);
    PyTypeObject *type = (PyTypeObject *)w->make;
    PyObject *node = hash == -1 && PyErr_Occurred() ? NULL : type->tp_alloc(type, 0);
    PyObject *fields[3] = {PyLong_FromLong(size), PyLong_FromLong(depth + 1),
                           PyLong_FromSsize_t(hash)};
    int failed = !node || !fields[0] || !fields[1] || !fields[2] ||
                 PyMember_SetOne((char *)node, p->kind, kind) ||
                 PyMember_SetOne((char *)node, p->head, head) ||
                 PyMember_SetOne((char *)node, p->value, value) ||
                 PyMember_SetOne((char *)node, p->args, args) ||
                 PyMember_SetOne((char *)node, p->size, fields[0]) ||
                 PyMember_SetOne((char *)node, p->depth, fields[1]) ||
                 PyMember_SetOne((char *)node, p->hash, fields[2]);
    for (int i = 0; i < 3; i++) Py_XDECREF(fields[i]);
    if (failed) Py_CLEAR(node);
    return node;
}

/* The pool's look-up and entry with the key's hash computed once: hashing a key hashes its
 * args, each through `Expr.__hash__`, a Python function. The known-hash calls are declared in
 * CPython's own headers (cpython/dictobject.h) up to 3.12; after, the plain calls. */
#if PY_VERSION_HEX < 0x030D0000
#define LOOKUP(d, k, h) _PyDict_GetItem_KnownHash(d, k, h)
#define STORE(d, k, v, h) _PyDict_SetItem_KnownHash(d, k, v, h)
#else
#define LOOKUP(d, k, h) PyDict_GetItemWithError(d, k)
#define STORE(d, k, v, h) PyDict_SetItem(d, k, v)
#endif

/* The node (kind, head, value, args) as `Expr(kind, head, value, args)` gives it: the pooled
 * one while it lives, else a fresh one entered in the pool. A new reference. */
static PyObject *pooled(Walker *w, PyObject *kind, PyObject *head, PyObject *value,
                        PyObject *args) {
    ExprPool *p = &w->pool;
    PyObject *key = PyTuple_Pack(4, kind, head, value, args);
    Py_hash_t hash = key ? PyObject_Hash(key) : -1;
    PyObject *ref = hash != -1 ? LOOKUP(p->dict, key, hash) : NULL;
    PyObject *found = ref ? PyWeakref_GetObject(ref) : NULL;
    if (found && found != Py_None) { Py_INCREF(found); Py_DECREF(key); return found; }
    if (!key || PyErr_Occurred()) { Py_XDECREF(key); return NULL; }
    PyObject *node = fresh_node(w, kind, head, value, args);
    PyObject *made = node ? PyObject_CallFunctionObjArgs(p->ref_type, node, p->forget, NULL)
                          : NULL;
    if (!made || PyMember_SetOne((char *)made, p->key, key) || STORE(p->dict, key, made, hash))
        Py_CLEAR(node);
    Py_XDECREF(made); Py_DECREF(key);
    return node;
}

/* The Expr of node `id` (a borrowed reference), built bottom-up where not known yet: the one
 * node of that tree, as Expr(kind, head, value, args) gives it. */
PyObject *make_expr(Walker *w, int32_t id) {
    if (w->objs[id]) return w->objs[id];
    const Node *n = &w->c.nodes[id];
    PyObject *key = PyList_GetItem(w->symbols, n->sym);
    if (!key) return NULL;
    if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 3) {
        PyErr_SetString(PyExc_SystemError, "a symbol of the compiled walk is not a triple");
        return NULL;
    }
    PyObject *args = PyTuple_New(n->arity);
    for (int i = 0; args && i < n->arity; i++) {
        PyObject *arg = make_expr(w, n->args[i]);
        if (!arg) Py_CLEAR(args);
        else { Py_INCREF(arg); PyTuple_SET_ITEM(args, i, arg); }
    }
    if (!args) return NULL;
    PyObject *kind = PyTuple_GET_ITEM(key, 0), *head = PyTuple_GET_ITEM(key, 1);
    PyObject *value = PyTuple_GET_ITEM(key, 2), *call[4] = {kind, head, value, args};
    PyObject *made = w->pool.on ? pooled(w, kind, head, value, args)
                                : PyObject_Vectorcall(w->make, call, 4, NULL);
    Py_DECREF(args);
    w->objs[id] = made;
    return made;
}

#if PY_VERSION_HEX < 0x030D0000
#define DROP(d, k, h) _PyDict_DelItem_KnownHash(d, k, h)
#else
#define DROP(d, k, h) PyDict_DelItem(d, k)
#endif

static PyObject *KEY_NAME; /* "key", interned once */

/* `expr._forget(ref)` for the nodes made here (the callback of their pool references; `pool`
 * is Expr's pool): a dead node's entry dropped if it is still that node's, its key hashed
 * once instead of twice and no Python frame run. */
static PyObject *forget_ref(PyObject *pool, PyObject *ref) {
    PyObject *key = PyObject_GetAttr(ref, KEY_NAME);
    Py_hash_t hash = key ? PyObject_Hash(key) : -1;
    PyObject *found = hash != -1 ? LOOKUP(pool, key, hash) : NULL;
    int failed = PyErr_Occurred() || (found == ref && DROP(pool, key, hash));
    Py_XDECREF(key);
    if (failed) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef forget_def = {"forget_ref", forget_ref, METH_O, "expr._forget, in C."};

/* The member (slot) `name` of `type`, or NULL if it is not an object slot. */
static PyMemberDef *slot_of(PyObject *type, const char *name) {
    PyObject *d = PyDict_GetItemString(((PyTypeObject *)type)->tp_dict, name);
    if (!d || !Py_IS_TYPE(d, &PyMemberDescr_Type)) return NULL;
    PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
    return m->type == T_OBJECT_EX ? m : NULL;
}

/* Build nodes here when `spec` is Expr's (pool, reference type); None: call make. Their
 * references' callback is `forget_ref`, `expr._forget` in C. */
int pool_setup(Walker *w, PyObject *spec) {
    ExprPool *p = &w->pool;
    if (spec == Py_None) return 0;
    if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 2 || !PyType_Check(w->make) ||
        !PyDict_Check(PyTuple_GET_ITEM(spec, 0)) || !PyType_Check(PyTuple_GET_ITEM(spec, 1)))
        return -1;
    if (!KEY_NAME && !(KEY_NAME = PyUnicode_InternFromString("key"))) return -1;
    p->dict = PyTuple_GET_ITEM(spec, 0); Py_INCREF(p->dict);
    p->ref_type = PyTuple_GET_ITEM(spec, 1); Py_INCREF(p->ref_type);
    p->forget = PyCFunction_New(&forget_def, p->dict);
    p->value_name = PyUnicode_InternFromString("_value_");
    p->kind = slot_of(w->make, "kind"); p->head = slot_of(w->make, "head");
    p->value = slot_of(w->make, "value"); p->args = slot_of(w->make, "args");
    p->size = slot_of(w->make, "size"); p->depth = slot_of(w->make, "depth");
    p->hash = slot_of(w->make, "_hash"); p->key = slot_of(p->ref_type, "key");
    p->on = p->forget && p->value_name && p->kind && p->head && p->value && p->args && p->size &&
            p->depth && p->hash && p->key;
    return p->on ? 0 : -1;
}
