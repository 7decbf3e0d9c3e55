/* Human, standard Lean and LaTeX syntax (`SignatureTexts.infix`, `lean_argument`,
 * `to_latex`) in the printers' engine (see _texts.c). */
#include "_texts.h"

/* `lean_argument`: an application with arguments is parenthesised. */
PyObject *lean_argument(Engine *e, PyObject *node) {
    int kind = kind_of(e, node);
    PyObject *text = kind < 0 ? NULL : infix(e, node, 1);
    return wrap(text, kind == APP && PyTuple_GET_SIZE(SLOT(e, node, args_at)), OPEN, CLOSE);
}

/* `f(a, b)` in human syntax; `F a b` or a filled template in Lean syntax. */
static PyObject *call(Engine *e, Op *op, PyObject *args, int lean) {
    Py_ssize_t n = PyTuple_GET_SIZE(args), shift = lean && !op->lean_template;
    PyObject *texts = PyTuple_New(n + shift), *out = NULL;
    if (texts && shift) PyTuple_SET_ITEM(texts, 0, Py_NewRef(op->lean));
    for (Py_ssize_t i = 0; texts && i < n; i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        PyObject *text = lean && shift ? lean_argument(e, arg) : infix(e, arg, lean);
        if (!text) Py_CLEAR(texts);
        else PyTuple_SET_ITEM(texts, i + shift, text);
    }
    if (!texts) return NULL;
    if (lean && op->lean_template) return fill(op->lean, op->lean_pieces, texts);
    if (lean) out = PyUnicode_Join(SPACE, texts);
    else {
        PyObject *inner = PyUnicode_Join(COMMA, texts);
        PyObject *parts[4] = {op->symbol, OPEN, inner, CLOSE};
        out = inner ? concat(parts, 4) : NULL;
        Py_XDECREF(inner);
    }
    Py_DECREF(texts);
    return out;
}

/* `left op right`, each side parenthesised where precedence asks. */
static PyObject *binary(Engine *e, Op *op, PyObject *args, PyObject *symbol, int lean) {
    PyObject *left = PyTuple_GET_ITEM(args, 0), *right = PyTuple_GET_ITEM(args, 1);
    int left_kind = kind_of(e, left), right_kind = left_kind < 0 ? -1 : kind_of(e, right);
    PyObject *lt = right_kind < 0 ? NULL : infix(e, left, lean);
    PyObject *rt = lt ? infix(e, right, lean) : NULL;
    long lp = rt ? below(e, left, left_kind) : -1;
    Op *rop = lp >= 0 && right_kind == APP ? op_of(e, right) : NULL;
    if (lp < 0 || (right_kind == APP && !rop)) {
        Py_XDECREF(lt); Py_XDECREF(rt);
        return NULL;
    }
    lt = wrap(lt, lp < op->precedence, OPEN, CLOSE);
    int wrapped = rop ? rop->precedence <= op->precedence && !rop->is_prefix
                      : e->atom <= op->precedence;
    rt = wrap(rt, wrapped, OPEN, CLOSE);
    PyObject *parts[5] = {lt, SPACE, symbol, SPACE, rt};
    PyObject *out = lt && rt ? concat(parts, 5) : NULL;
    Py_XDECREF(lt); Py_XDECREF(rt);
    return out;
}

/* `-a` or `a⁻¹`: the argument parenthesised where precedence (or Lean's reading) asks. */
static PyObject *unary(Engine *e, Op *op, PyObject *arg, PyObject *symbol, int lean) {
    int kind = kind_of(e, arg);
    PyObject *text = kind < 0 ? NULL : infix(e, arg, lean);
    Op *aop = text && kind == APP ? op_of(e, arg) : NULL;
    if (!text || (kind == APP && !aop)) {
        Py_XDECREF(text);
        return NULL;
    }
    long under = aop ? aop->precedence : e->atom;
    int wrapped;
    if (op->fixity == PREFIX)
        wrapped = aop ? aop->is_prefix || under < op->precedence : e->atom < op->precedence;
    else
        wrapped = under <= op->precedence ||
                  (lean && under == e->atom && aop && PyTuple_GET_SIZE(SLOT(e, arg, args_at)));
    text = wrap(text, wrapped, OPEN, CLOSE);
    PyObject *parts[2] = {op->fixity == PREFIX ? symbol : text, op->fixity == PREFIX ? text : symbol};
    PyObject *out = text ? concat(parts, 2) : NULL;
    Py_XDECREF(text);
    return out;
}

static PyObject *infix_app(Engine *e, PyObject *node, int lean) {
    Op *op = op_of(e, node);
    if (!op) return NULL;
    PyObject *args = SLOT(e, node, args_at), *symbol = lean ? op->lean : op->symbol;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    switch (op->fixity) {
    case INFIX: return n == 2 ? binary(e, op, args, symbol, lean) : unsupported();
    case PREFIX:
    case POSTFIX:
        return n == 1 ? unary(e, op, PyTuple_GET_ITEM(args, 0), symbol, lean) : unsupported();
    case CONSTANT: return Py_NewRef(symbol);
    default: return call(e, op, args, lean);
    }
}

/* `SignatureTexts.infix`: human syntax, or standard Lean syntax with `lean`. */
PyObject *infix(Engine *e, PyObject *node, int lean) {
    PyObject *memo = lean ? e->lean : e->human, *text = PyDict_GetItemWithError(memo, node);
    if (text || PyErr_Occurred()) return Py_XNewRef(text);
    int kind = kind_of(e, node);
    if (kind < 0) return NULL;
    if (kind != APP) return remember(e, memo, node, leaf(e, node, kind));
    if (Py_EnterRecursiveCall(" while printing a tree")) return NULL;
    text = infix_app(e, node, lean);
    Py_LeaveRecursiveCall();
    return remember(e, memo, node, text);
}


/* Whether a LaTeX argument is wrapped in `\left( ... \right)`: `_latex_app`'s rule. */
static int latex_wrapped(Engine *e, Op *op, PyObject *arg, Py_ssize_t number, PyObject *text) {
    int kind = kind_of(e, arg);
    Op *aop = kind == APP ? op_of(e, arg) : NULL;
    if (kind < 0 || (kind == APP && !aop)) return -1;
    long under = aop ? aop->precedence : e->atom;
    if (under < op->precedence || (op->fixity == PREFIX && aop && aop->is_prefix) ||
        (op->fixity == POSTFIX && under == op->precedence))
        return 1;
    if (op->fixity != INFIX || number != 1 || under != op->precedence) return 0;
    if (!PyUnicode_CheckExact(text)) {
        unsupported();
        return -1;
    }
    Py_ssize_t starts = PyUnicode_Tailmatch(text, LEFT_WORD, 0, PY_SSIZE_T_MAX, -1);
    return starts < 0 ? -1 : !starts;
}

static PyObject *latex_app(Engine *e, PyObject *node) {
    Op *op = op_of(e, node);
    PyObject *args = op ? SLOT(e, node, args_at) : NULL;
    Py_ssize_t n = args ? PyTuple_GET_SIZE(args) : 0;
    PyObject *texts = args ? PyTuple_New(n) : NULL;
    for (Py_ssize_t i = 0; texts && i < n; i++) {
        PyObject *text = latex(e, PyTuple_GET_ITEM(args, i));
        if (!text) Py_CLEAR(texts);
        else PyTuple_SET_ITEM(texts, i, text);
    }
    for (Py_ssize_t i = 0; texts && !op->braced && i < n; i++) {
        PyObject *text = PyTuple_GET_ITEM(texts, i);
        int wrapped = latex_wrapped(e, op, PyTuple_GET_ITEM(args, i), i, text);
        if (wrapped > 0) {
            text = wrap(Py_NewRef(text), 1, LEFT, RIGHT);
            if (text) {
                Py_DECREF(PyTuple_GET_ITEM(texts, i));
                PyTuple_SET_ITEM(texts, i, text);
            }
        }
        if (wrapped < 0 || !text) Py_CLEAR(texts);
    }
    return texts ? fill(op->latex, op->latex_pieces, texts) : NULL;
}

/* `SignatureTexts.to_latex`: from each operator's template. */
PyObject *latex(Engine *e, PyObject *node) {
    PyObject *text = PyDict_GetItemWithError(e->latex, node);
    if (text || PyErr_Occurred()) return Py_XNewRef(text);
    int kind = kind_of(e, node);
    if (kind < 0) return NULL;
    if (kind != APP) return remember(e, e->latex, node, leaf(e, node, kind));
    if (Py_EnterRecursiveCall(" while printing a tree")) return NULL;
    text = latex_app(e, node);
    Py_LeaveRecursiveCall();
    return remember(e, e->latex, node, text);
}
