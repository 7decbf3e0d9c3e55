"""Run the real `lean` command line from libleanshared.so (no compiler needed).

Usage: python -I -S _shim.py LIB ARGS...  Runs as its own process: Lean calls exit() and keeps
global state, so it must never be loaded into the caller's interpreter.
"""

import ctypes
import os
import sys


def main() -> None:
    lib = ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL)
    args = [b"lean", *(a.encode() for a in sys.argv[2:])]
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    lib.lean_main.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    lib.lean_main.restype = ctypes.c_int
    rc = lib.lean_main(len(args), argv)
    sys.stdout.flush()
    ctypes.CDLL(None).fflush(None)
    os._exit(rc)


main()
