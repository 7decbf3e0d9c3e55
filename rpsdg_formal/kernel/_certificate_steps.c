/* Reading a certificate's steps and checking their chain (`emit.check_chain`), and the
 * theorem's variables (`records.binders_of`), for the compiled certificate (see
 * _certificate.c). */
#include "_certificate.h"

#define KNOWN 256 /* rules kept by address; a theory has a few dozen */
static Known known[KNOWN];

PyObject *unsupported(void) {
    PyErr_SetNone(Unsupported);
    return NULL;
}

/* 1 if `node` is a complete Expr with a str head, else 0 with Unsupported set. */
static int readable(PyObject *node) {
    if (Py_TYPE(node) == expr_type && AT(node, kind_at) && AT(node, head_at) &&
        PyUnicode_CheckExact(AT(node, head_at)) && AT(node, args_at) &&
        PyTuple_CheckExact(AT(node, args_at)))
        return 1;
    unsupported();
    return 0;
}

/* What the certificate reads of `rule` (a Rule, else Unsupported), read once per address. */
static Known *rule_of(PyObject *rule) {
    Known *k = &known[((uintptr_t)rule >> 4) % KNOWN], read = {NULL, NULL, NULL, NULL, 0, 0};
    if (k->rule == rule) return k;
    if (Py_TYPE(rule) != rule_type) return unsupported(), NULL;
    PyObject *conditions = PyObject_GetAttr(rule, ATTR[CONDITIONS]);
    PyObject *evaluate = PyObject_GetAttr(rule, ATTR[EVALUATE]);
    read.conditioned = conditions ? PyObject_IsTrue(conditions) : -1;
    read.rare = read.conditioned || (evaluate && evaluate != Py_None);
    if (evaluate && read.conditioned >= 0 && (read.lhs = PyObject_GetAttr(rule, ATTR[LHS])) &&
        (read.rhs = PyObject_GetAttr(rule, ATTR[RHS])))
        read.lean_name = PyObject_GetAttr(rule, ATTR[LEAN_NAME]);
    Py_XDECREF(conditions);
    Py_XDECREF(evaluate);
    if (!read.lean_name) {
        Py_XDECREF(read.lhs); Py_XDECREF(read.rhs);
        return NULL;
    }
    Py_XDECREF(k->rule); Py_XDECREF(k->lhs); Py_XDECREF(k->rhs); Py_XDECREF(k->lean_name);
    read.rule = Py_NewRef(rule);
    *k = read;
    return k;
}

/* Fill `link` from `step` (a Step of a Rule, a tuple path and substitution, else
 * Unsupported). */
int read_link(PyObject *step, Link *link) {
    link->step = Py_NewRef(step);
    if (Py_TYPE(step) != step_type) return unsupported(), -1;
    PyObject **fields[] = {NULL, NULL, &link->path, &link->substitution, &link->before,
                           &link->after};
    for (int k = PATH; k <= AFTER; k++)
        if (!(*fields[k] = PyObject_GetAttr(step, ATTR[k]))) return -1;
    PyObject *rule = PyObject_GetAttr(step, ATTR[RULE]);
    PyObject *reverse = rule ? PyObject_GetAttr(step, ATTR[REVERSE]) : NULL;
    link->reverse = reverse ? PyObject_IsTrue(reverse) : -1;
    Known *read = link->reverse < 0 ? NULL : rule_of(rule);
    Py_XDECREF(rule);
    Py_XDECREF(reverse);
    if (!read) return -1;
    link->rule = *read;
    if (!PyTuple_CheckExact(link->path) || !PyTuple_CheckExact(link->substitution))
        return unsupported(), -1;
    return 0;
}

void release(Link *link) {
    PyObject *held[] = {link->step, link->path, link->substitution, link->before, link->after};
    for (size_t k = 0; k < sizeof(held) / sizeof(held[0]); k++) Py_XDECREF(held[k]);
}

/* `step.binding()` in `mapping` (emptied first; one dict for a whole chain): the
 * substitution's pairs (Unsupported unless they are pairs). 0 or -1. */
static int binding(Link *link, PyObject *mapping) {
    PyObject *pairs = link->substitution;
    PyDict_Clear(mapping);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pairs); i++) {
        PyObject *pair = PyTuple_GET_ITEM(pairs, i);
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) return unsupported(), -1;
        if (PyDict_SetItem(mapping, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)) < 0)
            return -1;
    }
    return 0;
}

/* Walk down the path in both trees (all but the rewritten child the same objects): the
 * sub-trees at the path in `*before`, `*after`; 1, 0 if they differ elsewhere, or -1. */
static int descend(Link *link, PyObject **before, PyObject **after) {
    for (Py_ssize_t d = 0; d < PyTuple_GET_SIZE(link->path); d++) {
        PyObject *step = PyTuple_GET_ITEM(link->path, d);
        if (!readable(*before) || !readable(*after) || !PyLong_CheckExact(step)) return -1;
        PyObject *here = AT(*before, args_at), *there = AT(*after, args_at);
        Py_ssize_t arity = PyTuple_GET_SIZE(here), index = PyLong_AsSsize_t(step);
        if (index == -1 && PyErr_Occurred()) return PyErr_Clear(), 0; /* out of range */
        int differ = PyUnicode_Compare(AT(*after, head_at), AT(*before, head_at));
        if (differ == -1 && PyErr_Occurred()) return -1;
        if (differ || AT(*after, kind_at) != AT(*before, kind_at) ||
            PyTuple_GET_SIZE(there) != arity || index < 0 || index >= arity)
            return 0;
        for (Py_ssize_t k = 0; k < arity; k++)
            if (k != index && PyTuple_GET_ITEM(here, k) != PyTuple_GET_ITEM(there, k)) return 0;
        *before = PyTuple_GET_ITEM(here, index);
        *after = PyTuple_GET_ITEM(there, index);
    }
    return 1;
}

/* `emit._fits`: the path's surroundings unchanged, and the rule's two sides, instantiated,
 * the sub-trees there (`instantiates`, asked with the step's binding in `mapping`). 1, 0 or
 * -1. */
static int fits(Link *link, Tools *tools, PyObject *mapping) {
    PyObject *before = link->before, *after = link->after;
    int result = descend(link, &before, &after);
    if (result == 1 && binding(link, mapping) < 0) result = -1;
    PyObject *pattern = link->reverse ? link->rule.rhs : link->rule.lhs;
    PyObject *produced = link->reverse ? link->rule.lhs : link->rule.rhs;
    for (int k = 0; result == 1 && k < 2; k++) {
        PyObject *args[3] = {k ? produced : pattern, mapping, k ? after : before};
        PyObject *answer = PyObject_Vectorcall(tools->instantiates, args, 3, NULL);
        result = answer ? PyObject_IsTrue(answer) : -1;
        Py_XDECREF(answer);
    }
    return result;
}

/* ValueError, as `emit.check_chain` words it, for step `number`. */
static int misfit(Py_ssize_t number, PyObject *step) {
    PyObject *rule = PyObject_GetAttr(step, ATTR[RULE]);
    PyObject *name = rule ? PyObject_GetAttr(rule, ATTR[NAME]) : NULL;
    PyObject *text = name ? PyObject_Format(name, NULL) : NULL;
    if (text)
        PyErr_Format(PyExc_ValueError, "step %zd (%U) does not fit its recorded states", number,
                     text);
    Py_XDECREF(rule); Py_XDECREF(name); Py_XDECREF(text);
    return -1;
}

/* `emit.check_chain`: ValueError at the first step that does not start where the previous
 * one ended or does not fit. */
int check_chain(PyObject *start, Link *links, Py_ssize_t n, Tools *tools) {
    PyObject *current = start, *mapping = PyDict_New();
    int failed = !mapping;
    for (Py_ssize_t i = 0; !failed && i < n; i++) {
        int fit = links[i].before == current ? fits(&links[i], tools, mapping) : 0;
        failed = fit < 0 || (!fit && misfit(i + 1, links[i].step));
        current = links[i].after;
    }
    Py_XDECREF(mapping);
    return failed ? -1 : 0;
}

#define VISITED 256 /* sub-trees remembered by address; a theorem's have a few dozen nodes */
typedef struct {
    PyObject *at[VISITED];
    int count;
} Visited;

/* 1 if `node` was met before (it is remembered), else 0 (and remembered while there is room). */
static int met(Visited *v, PyObject *node) {
    size_t k = ((uintptr_t)node >> 4) % VISITED;
    for (; v->at[k]; k = (k + 1) % VISITED)
        if (v->at[k] == node) return 1;
    if (4 * (v->count + 1) <= 3 * VISITED) v->at[k] = node, v->count++;
    return 0;
}

/* Add the variable names of `node` to `seen` in pre-order (`expr.variables`); a sub-tree met
 * before (the end shares most of the start's) adds nothing new and is passed by. */
static int collect(PyObject *node, PyObject *seen, Visited *visited) {
    if (!readable(node)) return -1;
    if (AT(node, kind_at) == var_kind) return PyDict_SetItem(seen, AT(node, head_at), Py_None);
    PyObject *args = AT(node, args_at);
    if (!PyTuple_GET_SIZE(args) || met(visited, node)) return 0;
    if (Py_EnterRecursiveCall(" while collecting variables")) return -1;
    int failed = 0;
    for (Py_ssize_t i = 0; !failed && i < PyTuple_GET_SIZE(args); i++)
        failed = collect(PyTuple_GET_ITEM(args, i), seen, visited);
    Py_LeaveRecursiveCall();
    return failed;
}

/* `records.binders_of`: the variables of `start`, then the new ones of `end`, by first
 * occurrence (a tuple). */
PyObject *variables_of(PyObject *start, PyObject *end) {
    Visited visited = {{NULL}, 0};
    PyObject *seen = PyDict_New(), *names = NULL;
    if (seen && !collect(start, seen, &visited) && !collect(end, seen, &visited)) {
        PyObject *keys = PyDict_Keys(seen);
        names = keys ? PyList_AsTuple(keys) : NULL;
        Py_XDECREF(keys);
    }
    Py_XDECREF(seen);
    return names;
}
