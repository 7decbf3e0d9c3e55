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
    Py_ssize_t n = PyTuple_GET_SIZE(args), i;
    PyObject *got[MAX_ARGS], *parts[2 * MAX_ARGS + 2], *out;
    int applied = lean && !op->lean_template; /* `F a b`: each argument as lean_argument */
    if (n > MAX_ARGS) return unsupported();
    for (i = 0; i < n; i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        got[i] = applied ? lean_argument(e, arg) : infix(e, arg, lean);
        if (!got[i]) {
            release(got, i);
            return NULL;
        }
    }
    if (lean && !applied) out = fill(op->lean, op->lean_pieces, got, n);
    else {
        int k = 0;
        parts[k++] = lean ? op->lean : op->symbol;
        if (!lean) parts[k++] = OPEN;
        for (i = 0; i < n; i++) {
            if (lean || i) parts[k++] = lean ? SPACE : COMMA;
            parts[k++] = got[i];
        }
        if (!lean) parts[k++] = CLOSE;
        out = concat(parts, k);
    }
    release(got, n);
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
    PyObject *args = SLOT(e, node, args_at), *texts[MAX_ARGS], *out = NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(args), i, k;
    if (!op) return NULL;
    if (n > MAX_ARGS) return unsupported();
    for (i = 0; i < n; i++)
        if (!(texts[i] = latex(e, PyTuple_GET_ITEM(args, i)))) break;
    for (k = 0; i == n && !op->braced && k < n; k++) {
        int wrapped = latex_wrapped(e, op, PyTuple_GET_ITEM(args, k), k, texts[k]);
        if (wrapped > 0) texts[k] = wrap(texts[k], 1, LEFT, RIGHT);
        if (wrapped < 0 || !texts[k]) break;
    }
    if (i == n && (op->braced || k == n)) out = fill(op->latex, op->latex_pieces, texts, n);
    release(texts, i);
    return out;
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
