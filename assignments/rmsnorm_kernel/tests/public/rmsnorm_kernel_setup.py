"""Prepares Triton's interpreter for rmsnorm_kernel (``[worker] setup`` runs this file in the
sandboxed worker before your module is imported; ``ulp check`` does the same).

The contract limits every tile of your kernels to at most MAX_TILE = 1024 elements, so that a
row longer than that must be walked block by block, as on a GPU (where one block spanning a row
of a million values would not even compile). A compiled kernel cannot be watched from Python, but
under ``TRITON_INTERPRET=1`` every ``tl.arange``, ``tl.zeros``/``tl.full``, ``tl.load`` and
``tl.store`` goes through the interpreter's builder: this file makes those raise
``TileTooLarge`` (a RuntimeError) for a tile of more than 1024 elements. On a GPU it does nothing.

It also runs torch on one thread: the interpreter's arrays are tiny, and on a busy machine extra
threads only slow each operation down.
"""

import os

MAX_TILE = 1024


class TileTooLarge(RuntimeError):
    pass


def _install():
    if os.environ.get("TRITON_INTERPRET", "0") in ("", "0"):
        return
    try:
        from triton.runtime import interpreter
    except Exception:  # noqa: BLE001 - no interpreter: nothing to watch
        return
    builder = getattr(interpreter, "InterpreterBuilder", None)
    if builder is None:
        return

    def check(what, size):
        if size > MAX_TILE:
            raise TileTooLarge(
                f"a tile of {size} elements ({what}): rmsnorm_kernel allows at most {MAX_TILE} "
                f"elements per tile (BLOCK <= {MAX_TILE}); walk longer rows block by block")

    def watch(name, what, size_of):
        original = getattr(builder, name, None)
        if original is None:
            return

        def wrapper(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            check(what, size_of(args, result))
            return result

        setattr(builder, name, wrapper)

    def result_size(args, result):
        return int(getattr(getattr(result, "data", None), "size", 0) or 0)

    def first_arg_size(args, result):
        return int(getattr(getattr(args[0], "data", None), "size", 0) or 0) if args else 0

    watch("create_make_range", "tl.arange", result_size)
    watch("create_splat", "tl.zeros / tl.full / a broadcast scalar", result_size)
    watch("create_broadcast", "a broadcast", result_size)
    watch("create_masked_load", "tl.load", result_size)
    watch("create_masked_store", "tl.store", first_arg_size)


_install()

try:
    import torch

    torch.set_num_threads(1)
except Exception:  # noqa: BLE001
    pass
