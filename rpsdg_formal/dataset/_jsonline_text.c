/* The text of a record line (see _jsonline.c): a buffer of the line's kind, JSON strings
 * escaped as json.dumps(..., ensure_ascii=False) escapes them, ints as int.__repr__ writes
 * them, keys with their punctuation, and the buffer kept between calls. */
#include "_jsonline.h"

#include <stdint.h>

#define FIRST_BYTES 32768

/* Room for `n` more characters of `width` bytes. */
static int reserve(Out *out, Py_ssize_t n, int width) {
    Py_ssize_t need = (out->size + n) * width, bytes = out->bytes;
    if (need <= bytes) return WRITTEN;
    while (bytes < need) bytes *= 2;
    char *grown = PyMem_Realloc(out->data, (size_t)bytes);
    if (!grown) {
        PyErr_NoMemory();
        return FAILED;
    }
    out->data = grown, out->bytes = bytes;
    return WRITTEN;
}

#define WIDEN(FROM, TO)                                                                     \
    for (Py_ssize_t i = out->size - 1; i >= 0; i--) ((TO *)out->data)[i] = ((FROM *)out->data)[i]

/* The text so far rewritten `width` bytes a character (from the end, in place). */
static int widen(Out *out, int width) {
    if (reserve(out, 0, width)) return FAILED;
    if (out->width == 1 && width == 2) WIDEN(Py_UCS1, Py_UCS2);
    if (out->width == 1 && width == 4) WIDEN(Py_UCS1, Py_UCS4);
    if (out->width == 2 && width == 4) WIDEN(Py_UCS2, Py_UCS4);
    out->width = width;
    return WRITTEN;
}

#define PUT(TYPE)                                                                           \
    for (Py_ssize_t i = 0; i < n; i++) ((TYPE *)out->data)[out->size + i] = (TYPE)text[i]

/* ASCII text as it is (room already reserved). */
static void put(Out *out, const char *text, Py_ssize_t n) {
    if (out->width == 1) {
        memcpy(out->data + out->size, text, (size_t)n);
    } else if (out->width == 2) {
        PUT(Py_UCS2);
    } else {
        PUT(Py_UCS4);
    }
    out->size += n;
}

int ascii(Out *out, const char *text, Py_ssize_t n) {
    if (reserve(out, n, out->width)) return FAILED;
    put(out, text, n);
    return WRITTEN;
}

/* The escape of `c` (a quote, a backslash or a control character) into `at`, as
 * json.dumps(..., ensure_ascii=False) writes it; returns its length. */
static int escape(char *at, Py_UCS4 c) {
    static const char hex[] = "0123456789abcdef";
    char short_form = c == '"' ? '"' : c == '\\' ? '\\' : c == '\b' ? 'b' : c == '\f' ? 'f'
                    : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
    at[0] = '\\', at[1] = short_form;
    if (short_form) return 2;
    at[1] = 'u', at[2] = '0', at[3] = '0', at[4] = hex[c >> 4], at[5] = hex[c & 15];
    return 6;
}

/* Whether one of the 8 one-byte characters of `w` needs an escape (a quote, a backslash, a
 * control character): the exact tests for a zero byte and a byte below 0x20 of a word. */
static int special8(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ULL, highs = ones * 0x80;
    uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
    uint64_t found = ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
                     ((slash - ones) & ~slash);
    return (found & highs) != 0;
}

/* The characters of a string escaped (one-byte text 8 characters at a time where none of
 * them needs an escape), between quotes. */
#define COPY(FROM, TO)                                                                      \
    do {                                                                                    \
        const FROM *from = data;                                                            \
        TO *at = (TO *)out->data + out->size;                                               \
        *at++ = '"';                                                                        \
        for (Py_ssize_t i = 0; i < n;) {                                                    \
            uint64_t word;                                                                  \
            if (sizeof(FROM) == 1 && i + 8 <= n && (memcpy(&word, from + i, 8), 1) &&       \
                !special8(word)) {                                                          \
                for (int j = 0; j < 8; j++) at[j] = (TO)from[i + j];                        \
                at += 8, i += 8;                                                            \
                continue;                                                                   \
            }                                                                               \
            Py_UCS4 c = from[i++];                                                          \
            if (c >= 0x20 && c != '"' && c != '\\') {                                       \
                *at++ = (TO)c;                                                              \
            } else {                                                                        \
                char e[6];                                                                  \
                for (int j = 0, k = escape(e, c); j < k; j++) *at++ = (TO)e[j];             \
            }                                                                               \
        }                                                                                   \
        *at++ = '"';                                                                        \
        out->size = at - (TO *)out->data;                                                   \
    } while (0)

/* Whether a string is the cut of a split line (the one NUL character, `"\u0000"` in JSON);
 * counts it, and every string whose JSON holds that text too (one ending in a quote and a
 * NUL), so that a line is cut only where the text search of `judged._split` would cut it. */
static int gap(Out *out, int kind, const void *data, Py_ssize_t n) {
    int nul = n >= 1 && PyUnicode_READ(kind, data, n - 1) == 0;
    if (nul && n == 1) {
        out->gaps++;
        out->gap_at = out->size;
        return 1;
    }
    out->gaps += nul && n >= 2 && PyUnicode_READ(kind, data, n - 2) == '"';
    return 0;
}

/* A string in quotes (at most six characters written for each of its own). */
int string(Out *out, PyObject *s) {
#if PY_VERSION_HEX < 0x030C0000 /* (a str made by the old wide-char API may not be ready) */
    if (PyUnicode_READY(s)) return FAILED;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (out->split && gap(out, kind, data, n)) return WRITTEN; /* left out: the cut */
    if (kind > out->width && widen(out, kind)) return FAILED;
    if (PyUnicode_MAX_CHAR_VALUE(s) > out->level) out->level = PyUnicode_MAX_CHAR_VALUE(s);
    if (reserve(out, 6 * n + 2, out->width)) return FAILED;
    switch (out->width * 4 + kind) {
    case 4 + 1: COPY(Py_UCS1, Py_UCS1); break;
    case 8 + 1: COPY(Py_UCS1, Py_UCS2); break;
    case 8 + 2: COPY(Py_UCS2, Py_UCS2); break;
    case 16 + 1: COPY(Py_UCS1, Py_UCS4); break;
    case 16 + 2: COPY(Py_UCS2, Py_UCS4); break;
    default: COPY(Py_UCS4, Py_UCS4); break;
    }
    return WRITTEN;
}

/* An int as `int.__repr__` writes it (json.dumps's way, subclasses included). */
int integer(Out *out, PyObject *v) {
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (n == -1 && PyErr_Occurred()) return FAILED;
    if (overflow) {
        PyObject *text = PyLong_Type.tp_repr(v);
        const char *digits = text ? PyUnicode_AsUTF8(text) : NULL; /* ASCII: digits, a sign */
        int done = digits ? ascii(out, digits, (Py_ssize_t)strlen(digits)) : FAILED;
        Py_XDECREF(text);
        return done;
    }
    char digits[24];
    int at = (int)sizeof digits;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do {
        digits[--at] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0) digits[--at] = '-';
    return ascii(out, digits + at, (Py_ssize_t)sizeof digits - at);
}

/* `"key": ` (DECLINED where the key is not exactly a str: json.dumps would convert another
 * key, and a str subclass could run code while its dict is read). A short ASCII key that
 * needs no escape (every key of the tables) is put with its punctuation in one piece. */
int key(Out *out, PyObject *k, int first) {
    if (!PyUnicode_CheckExact(k)) return DECLINED;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(k)) return FAILED;
#endif
    const char *text = PyUnicode_IS_ASCII(k) ? (const char *)PyUnicode_DATA(k) : NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(k);
    char piece[64] = ", \"";
    for (Py_ssize_t i = 0; text && i < n; i++) {
        if (n > 58 || text[i] < 0x20 || text[i] == '"' || text[i] == '\\') text = NULL;
    }
    if (!text) {
        if ((!first && ascii(out, ", ", 2)) || string(out, k)) return FAILED;
        return ascii(out, ": ", 2);
    }
    memcpy(piece + 3, text, (size_t)n);
    memcpy(piece + 3 + n, "\": ", 3);
    return ascii(out, piece + (first ? 2 : 0), n + (first ? 4 : 6));
}

/* One buffer kept between calls (its pages stay mapped); a call made while it is in use (by
 * a field's writer that writes a line itself) gets its own. */
static char *kept;
static Py_ssize_t kept_bytes;
static int kept_in_use;

int begin(Out *out, PyObject *specs, int split) {
    int own = kept_in_use || !kept;
    *out = (Out){own ? PyMem_Malloc(FIRST_BYTES) : kept, 0, own ? FIRST_BYTES : kept_bytes,
                 1, 127, specs, 0, own, split, 0, -1};
    if (!out->data) {
        PyErr_NoMemory();
        return FAILED;
    }
    kept_in_use += !own;
    return WRITTEN;
}

/* The text written as a str; split, the texts before and after its one NUL string (None
 * where there is not exactly one such string), each of the narrowest kind that holds it. */
static PyObject *text_of(Out *out) {
    if (!out->split) {
        PyObject *text = PyUnicode_New(out->size, out->level);
        if (text) memcpy(PyUnicode_DATA(text), out->data, (size_t)(out->size * out->width));
        return text;
    }
    if (out->gaps != 1 || out->gap_at < 0) Py_RETURN_NONE; /* (the one is not a NUL string) */
    int kind = out->width == 1 ? PyUnicode_1BYTE_KIND
             : out->width == 2 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND;
    PyObject *head = PyUnicode_FromKindAndData(kind, out->data, out->gap_at);
    PyObject *tail = head ? PyUnicode_FromKindAndData(kind, out->data + out->gap_at * out->width,
                                                      out->size - out->gap_at)
                          : NULL;
    PyObject *both = tail ? PyTuple_Pack(2, head, tail) : NULL;
    Py_XDECREF(head);
    Py_XDECREF(tail);
    return both;
}

/* The text written (see `text_of`; None where DECLINED), the buffer kept or freed. */
PyObject *end(Out *out, int done) {
    PyObject *text = done == WRITTEN ? text_of(out) : NULL;
    if (!out->own) { /* the kept buffer, maybe moved as it grew */
        kept = out->data, kept_bytes = out->bytes, kept_in_use--;
    } else if (kept) {
        PyMem_Free(out->data);
    } else { /* the first buffer made */
        kept = out->data, kept_bytes = out->bytes;
    }
    if (done == DECLINED) Py_RETURN_NONE;
    return text;
}
