/* The kernel certificate in C: `kernel.emit.certificate`'s statement, proof text and step
 * terms (an optional extension; the Python code in emit.py stays the reference and fallback).
 *
 * In Python a certificate costs a few calls per step around texts the printers already know
 * (the check of the chain, the rule instance, the congruence, the `have` line). `certify` does
 * that walk once, printing through the printers it is given (`SignatureTexts.kernel_argument`
 * and `kernel_context`, compiled or not, so every text comes from the same memos) and asking
 * `instantiates` whether a step fits. A step whose rule has side conditions or is numeral-only
 * (`evaluate:`) is rare: its proof term comes from the Python `step_proof` it is given, as do
 * the theorem's hypotheses (`emit.hypotheses`), in the order the reference computes them.
 * Anything but the exact `Expr`, `Step` and `Rule` types with `str` names, tuple paths of
 * ints and pair substitutions raises `Unsupported`, and the caller runs the reference. */
#include "_certificate.h"

PyObject *Unsupported, *var_kind, *ATTR[N_ATTRS];
PyTypeObject *expr_type, *step_type, *rule_type;
Py_ssize_t kind_at, head_at, args_at;

static const char *ATTR_NAMES[N_ATTRS] = {"rule", "reverse", "path", "substitution", "before",
                                          "after", "conditions", "evaluate", "lean_name", "lhs",
                                          "rhs", "name"};

enum { SPACE, EMPTY, OPEN, CLOSE, EQ, NE, ARROW, FORALL, TYPED, BINDERS_END, FUN, FUN_END,
       SYMM, CONGR, CONGR_BODY, ASSIGN, NEWLINE, N_TEXTS };
static const char *TEXT_VALUES[N_TEXTS] = {" ", "", "(", ")", "Eq ", "Ne ", " → ", "∀ (",
                                           " : ", "), ", "fun ", " =>", "Eq.symm (",
                                           "congrArg (fun (", ") => ", " := ", "\n  "};
static PyObject *TEXT[N_TEXTS];

/* `node` as `kernel_argument` prints it (a new reference; Unsupported unless a str). */
static PyObject *argument(Tools *tools, PyObject *node) {
    PyObject *text = NULL;
    if (Py_TYPE(node) == expr_type && AT(node, kind_at) == var_kind) /* its name, as printed */
        text = Py_XNewRef(AT(node, head_at));
    else if (Py_TYPE(node) == expr_type) /* what the printer would find in its memo first */
        text = Py_XNewRef(PyDict_GetItemWithError(tools->memo, node));
    if (!text && !PyErr_Occurred()) text = PyObject_CallOneArg(tools->argument, node);
    if (text && !PyUnicode_CheckExact(text)) Py_SETREF(text, unsupported());
    return text;
}

/* Append `word lhs rhs` (`Eq a b`, `Ne a b`) to `parts`. */
static int relation(Builder *parts, int word, Tools *tools, PyObject *lhs, PyObject *rhs) {
    return add(parts, TEXT[word]) || put(parts, argument(tools, lhs)) || add(parts, TEXT[SPACE]) ||
           put(parts, argument(tools, rhs));
}

/* Append ` `.join(words) to `parts` (Unsupported unless each is a str). */
static int words(Builder *parts, PyObject *const *items, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (!PyUnicode_CheckExact(items[i]) || (i && add(parts, TEXT[SPACE])) ||
            add(parts, items[i]))
            return PyErr_Occurred() ? -1 : (unsupported(), -1);
    return 0;
}

/* The statement: `∀ (binders : R), Ne … → … Eq start end`. */
static PyObject *statement(PyObject *binders, PyObject *assumed, PyObject *start,
                           PyObject *end, Tools *tools) {
    Builder parts;
    start_text(&parts);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(binders);
    int failed = count && (add(&parts, TEXT[FORALL]) ||
                           words(&parts, PySequence_Fast_ITEMS(binders), count) ||
                           add(&parts, TEXT[TYPED]) || add(&parts, tools->carrier) ||
                           add(&parts, TEXT[BINDERS_END]));
    for (Py_ssize_t i = 0; !failed && i < PyTuple_GET_SIZE(assumed); i++) {
        PyObject *h = PyTuple_GET_ITEM(assumed, i);
        failed = !PyTuple_CheckExact(h) || PyTuple_GET_SIZE(h) != 2;
        if (failed) unsupported();
        failed = failed ||
                 relation(&parts, NE, tools, PyTuple_GET_ITEM(h, 0), PyTuple_GET_ITEM(h, 1)) ||
                 add(&parts, TEXT[ARROW]);
    }
    failed = failed || relation(&parts, EQ, tools, start, end);
    PyObject *text = failed ? NULL : built(&parts);
    drop(&parts);
    return text;
}

/* Fill the nine places before the rule instance with `congrArg (fun (hole : R) => context) (`
 * and put `)` after it. */
static int congruence(Builder *parts, Link *link, Tools *tools) {
    PyObject *args[3] = {link->before, link->path, tools->hole};
    PyObject *context = PyObject_Vectorcall(tools->context, args, 3, NULL);
    if (context && !PyUnicode_CheckExact(context)) Py_SETREF(context, unsupported());
    if (!context) return -1;
    PyObject *before[9] = {TEXT[CONGR], tools->hole, TEXT[TYPED], tools->carrier,
                           TEXT[CONGR_BODY], context, TEXT[CLOSE], TEXT[SPACE], TEXT[OPEN]};
    for (int k = 0; k < 9; k++) parts->items[k] = before[k];
    parts->owned[5] = 1; /* the context */
    return add(parts, TEXT[CLOSE]);
}

/* A common step's proof: `name a b` (under `Eq.symm` in reverse), its arguments printed
 * first, then lifted by `congrArg` into its position (nine places kept for it). */
static PyObject *step_term(Link *link, Tools *tools) {
    Builder parts;
    start_text(&parts);
    PyObject *pairs = link->substitution;
    int lifted = PyTuple_GET_SIZE(link->path) > 0, failed = 0;
    for (int k = 0; lifted && k < 9; k++) add(&parts, NULL); /* within INLINE: no failure */
    failed = (link->reverse && add(&parts, TEXT[SYMM])) ||
             words(&parts, &link->rule.lean_name, 1);
    for (Py_ssize_t i = 0; !failed && i < PyTuple_GET_SIZE(pairs); i++)
        failed = add(&parts, TEXT[SPACE]) ||
                 put(&parts, argument(tools, PyTuple_GET_ITEM(PyTuple_GET_ITEM(pairs, i), 1)));
    failed = failed || (link->reverse && add(&parts, TEXT[CLOSE])) ||
             (lifted && congruence(&parts, link, tools));
    PyObject *term = failed ? NULL : built(&parts);
    drop(&parts);
    return term;
}

/* Step i's proof: the common one here, a rare one from Python's `step_proof`. */
static PyObject *proof_of(Link *link, Tools *tools, PyObject *assumed) {
    if (!link->rule.rare) return step_term(link, tools);
    PyObject *args[3] = {link->step, tools->theory, assumed};
    PyObject *term = PyObject_Vectorcall(tools->rare, args, 3, NULL);
    if (term && !PyUnicode_CheckExact(term)) Py_SETREF(term, unsupported());
    return term;
}

#define KEPT 64
static PyObject *HAVE[KEPT], *TRANS[KEPT]; /* `have sK` and `Eq.trans sK `, made once */

/* `format` % i (a new reference), kept in `kept` for small i. */
static PyObject *numbered(PyObject **kept, const char *format, Py_ssize_t i) {
    if (i >= KEPT) return PyUnicode_FromFormat(format, i);
    if (!kept[i]) kept[i] = PyUnicode_FromFormat(format, i);
    return Py_XNewRef(kept[i]);
}

/* Append `fun b1 b2 h1 h2 =>` and a new line where there are names. */
static int names(Builder *parts, PyObject *binders, Py_ssize_t hyps) {
    Py_ssize_t count = PySequence_Fast_GET_SIZE(binders);
    if (!count && !hyps) return 0;
    if (add(parts, TEXT[FUN]) || words(parts, PySequence_Fast_ITEMS(binders), count)) return -1;
    for (Py_ssize_t j = 1; j <= hyps; j++)
        if (((count || j > 1) && add(parts, TEXT[SPACE])) ||
            put(parts, PyUnicode_FromFormat("h%zd", j)))
            return -1;
    return add(parts, TEXT[FUN_END]) || add(parts, TEXT[NEWLINE]);
}

/* Append `Eq.trans s1 (Eq.trans s2 (… sN))`. */
static int chain(Builder *parts, Py_ssize_t n) {
    for (Py_ssize_t i = 1; i < n; i++)
        if (put(parts, numbered(TRANS, "Eq.trans s%zd ", i)) ||
            (i < n - 1 && add(parts, TEXT[OPEN])))
            return -1;
    if (put(parts, PyUnicode_FromFormat("s%zd", n))) return -1;
    for (Py_ssize_t i = 2; i < n; i++)
        if (add(parts, TEXT[CLOSE])) return -1;
    return 0;
}

/* The proof text: the names, one `have sK := term` per step (` : Eq a b` when `typed`), the
 * chain; lines joined by a new line and two spaces. */
static PyObject *proof(PyObject *binders, Py_ssize_t hyps, Link *links, PyObject *terms,
                       int typed, Tools *tools) {
    Py_ssize_t n = PyTuple_GET_SIZE(terms);
    Builder parts;
    start_text(&parts);
    int failed = names(&parts, binders, hyps);
    for (Py_ssize_t i = 0; !failed && i < n; i++)
        failed = put(&parts, numbered(HAVE, "have s%zd", i + 1)) ||
                 (typed && (add(&parts, TEXT[TYPED]) ||
                            relation(&parts, EQ, tools, links[i].before, links[i].after))) ||
                 add(&parts, TEXT[ASSIGN]) || add(&parts, PyTuple_GET_ITEM(terms, i)) ||
                 add(&parts, TEXT[NEWLINE]);
    failed = failed || chain(&parts, n);
    PyObject *text = failed ? NULL : built(&parts);
    drop(&parts);
    return text;
}

/* The theorem's hypotheses: `emit.hypotheses(steps, theory)` where a step has conditions,
 * else none (what it gives then). */
static PyObject *assumptions(PyObject *steps, Link *links, Py_ssize_t n, Tools *tools) {
    int conditioned = 0;
    for (Py_ssize_t i = 0; i < n; i++) conditioned |= links[i].rule.conditioned;
    if (!conditioned) return PyTuple_New(0);
    PyObject *args[2] = {steps, tools->theory};
    PyObject *assumed = PyObject_Vectorcall(tools->hypotheses, args, 2, NULL);
    if (assumed && !PyTuple_CheckExact(assumed)) Py_SETREF(assumed, unsupported());
    return assumed;
}

/* The statement, proof and step terms, once the steps are read and the chain checked. */
static PyObject *assemble(PyObject *start, PyObject *steps, PyObject *binders, int typed,
                          Link *links, Py_ssize_t n, Tools *tools) {
    PyObject *assumed = assumptions(steps, links, n, tools), *terms = NULL, *out = NULL;
    PyObject *said = assumed ? statement(binders, assumed, start, links[n - 1].after, tools)
                             : NULL;
    terms = said ? PyTuple_New(n) : NULL;
    for (Py_ssize_t i = 0; terms && i < n; i++) {
        PyObject *term = proof_of(&links[i], tools, assumed);
        if (!term) Py_CLEAR(terms);
        else PyTuple_SET_ITEM(terms, i, term);
    }
    PyObject *text = terms ? proof(binders, PyTuple_GET_SIZE(assumed), links, terms, typed,
                                   tools) : NULL;
    if (text) out = PyTuple_Pack(3, said, text, terms);
    Py_XDECREF(assumed); Py_XDECREF(said); Py_XDECREF(terms); Py_XDECREF(text);
    return out;
}

/* certify(start, steps, binders, typed, tools) -> (statement, proof, terms). */
static PyObject *certify(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    Tools t;
    if (nargs != 5 || !PyTuple_CheckExact(args[4]) || PyTuple_GET_SIZE(args[4]) != 9) {
        PyErr_SetString(PyExc_TypeError, "certify(start, steps, binders, typed, tools)");
        return NULL;
    }
    if (!step_type) return PyErr_SetString(PyExc_RuntimeError, "install first"), NULL;
    PyObject **slot[] = {&t.argument, &t.memo, &t.context, &t.instantiates, &t.carrier, &t.hole,
                         &t.theory, &t.hypotheses, &t.rare};
    for (int k = 0; k < 9; k++) *slot[k] = PyTuple_GET_ITEM(args[4], k);
    if (!PyUnicode_CheckExact(t.carrier) || !PyUnicode_CheckExact(t.hole) ||
        !PyDict_CheckExact(t.memo))
        return unsupported();
    int typed = args[3] == Py_True ? 1 : args[3] == Py_False ? 0 : -1;
    if (typed < 0 || !(PyList_CheckExact(args[1]) || PyTuple_CheckExact(args[1])) ||
        !(PyList_CheckExact(args[2]) || PyTuple_CheckExact(args[2])))
        return unsupported(); /* what the reference may read otherwise, it reads */
    PyObject *steps = PySequence_Fast(args[1], "steps");
    PyObject *binders = steps ? PySequence_Fast(args[2], "binders") : NULL, *out = NULL;
    Py_ssize_t n = steps ? PySequence_Fast_GET_SIZE(steps) : 0, read = 0;
    Link *links = binders && n ? PyMem_Calloc(n, sizeof(Link)) : NULL;
    if (binders && !n) unsupported();
    else if (binders && !links) PyErr_NoMemory();
    for (; links && read < n; read++)
        if (read_link(PySequence_Fast_GET_ITEM(steps, read), &links[read]) < 0) break;
    if (links && read == n && check_chain(args[0], links, n, &t) == 0)
        out = assemble(args[0], args[1], binders, typed, links, n, &t);
    for (Py_ssize_t i = 0; links && i < n && i <= read; i++) release(&links[i]);
    PyMem_Free(links);
    Py_XDECREF(steps); Py_XDECREF(binders);
    return out;
}

/* binders(start, end): `families.records.binders_of`, the variables of `start`, then the new
 * ones of `end`, by first occurrence. */
static PyObject *binders(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) return PyErr_SetString(PyExc_TypeError, "binders(start, end)"), NULL;
    if (!var_kind) return PyErr_SetString(PyExc_RuntimeError, "install first"), NULL;
    return variables_of(args[0], args[1]);
}

/* install(Expr, Step, Rule, Kind.VAR): the exact types `certify` reads, variables' kind. */
static PyObject *install(PyObject *module, PyObject *args) {
    PyObject *types[3], *var;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyType_Type, &types[0], &PyType_Type, &types[1],
                          &PyType_Type, &types[2], &var))
        return NULL;
    Py_ssize_t at[EXPR_SLOTS];
    if (expr_slots((PyTypeObject *)types[0], at) < 0) return NULL;
    Py_XSETREF(expr_type, (PyTypeObject *)Py_NewRef(types[0]));
    Py_XSETREF(step_type, (PyTypeObject *)Py_NewRef(types[1]));
    Py_XSETREF(rule_type, (PyTypeObject *)Py_NewRef(types[2]));
    Py_XSETREF(var_kind, Py_NewRef(var));
    kind_at = at[KIND_AT], head_at = at[HEAD_AT], args_at = at[ARGS_AT];
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"install", install, METH_VARARGS, "The Expr, Step and Rule types, and Kind.VAR."},
    {"binders", (PyCFunction)(void (*)(void))binders, METH_FASTCALL,
     "binders(start, end) -> the theorem's variables, by first occurrence."},
    {"certify", (PyCFunction)(void (*)(void))certify, METH_FASTCALL,
     "certify(start, steps, binders, typed, tools) -> (statement, proof, terms)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_certificate", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__certificate(void) {
    for (int k = 0; k < N_ATTRS; k++)
        if (!(ATTR[k] = PyUnicode_InternFromString(ATTR_NAMES[k]))) return NULL;
    for (int k = 0; k < N_TEXTS; k++)
        if (!(TEXT[k] = PyUnicode_InternFromString(TEXT_VALUES[k]))) return NULL;
    PyObject *m = PyModule_Create(&module);
    Unsupported = m ? PyErr_NewException("rpsdg_formal.kernel._certificate.Unsupported", NULL,
                                         NULL)
                    : NULL;
    if (!Unsupported || PyModule_AddObjectRef(m, "Unsupported", Unsupported) < 0) {
        Py_XDECREF(m);
        return NULL;
    }
    return m;
}
