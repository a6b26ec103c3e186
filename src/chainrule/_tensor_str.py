"""How tensors print: PyTorch's formatter and print options, applied to the tensor's ndarray.

The rules are PyTorch's (torch/_tensor_str.py), so a tutorial's output reads the same in chainrule:

- One formatter per tensor decides from its (summarised) finite nonzero values: integer mode when all are whole
  numbers (floats print `1.`), scientific notation when max/min > 1000, max > 1e8 or min < 1e-4 (unless
  `sci_mode` forces it), and one common width; integers and bools print as Python prints them.
- Tensors with more than `threshold` elements are summarised: `edgeitems` rows/items at each end around `...`.
- Rows wrap at `linewidth`; suffixes `dtype=` (unless float32 / the default dtype, int64 or bool), `size=` (empty
  tensors not 1-d, and edgeitems=0), `grad_fn=<...>` or `requires_grad=True` follow, wrapping likewise.

`set_printoptions(precision, threshold, edgeitems, linewidth, profile, sci_mode)` sets them as PyTorch's does
(including its quirk that a call without `sci_mode` resets it to automatic).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math

import numpy as np

from .dtypes import default_np_dtype, from_numpy_dtype


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
) -> None:
    """Set how tensors print, as torch.set_printoptions.

    Args:
        precision: digits after the decimal point for floats (default 4).
        threshold: tensors with more elements than this are summarised with `...` (default 1000).
        edgeitems: items kept at each end of each summarised dimension (default 3).
        linewidth: characters per line before a row wraps (default 80).
        profile: "default", "short" (precision 2, edgeitems 2) or "full" (never summarise); the other
            arguments override it.
        sci_mode: True/False force or forbid scientific notation; None (the default, and what every call
            without it sets) chooses per tensor.

    Raises:
        ValueError: an unknown profile name.

    Examples:
        >>> import chainrule as cr
        >>> cr.set_printoptions(precision=2)
        >>> cr.tensor([1 / 3, 2 / 3])
        tensor([0.33, 0.67])
        >>> cr.set_printoptions(profile="default")
        >>> cr.tensor([1 / 3, 2 / 3])
        tensor([0.3333, 0.6667])
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(
                f"set_printoptions: unknown profile {profile!r}; use 'default', 'short' or 'full'"
            )
        for k, v in _PROFILES[profile].items():
            setattr(PRINT_OPTS, k, v)
    for k, v in (
        ("precision", precision),
        ("threshold", threshold),
        ("edgeitems", edgeitems),
        ("linewidth", linewidth),
    ):
        if v is not None:
            setattr(PRINT_OPTS, k, v)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as a dict that set_printoptions(**options) accepts.

    Examples:
        >>> import chainrule as cr
        >>> cr.get_printoptions()["precision"]
        4
    """
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (the arguments of set_printoptions).

    Examples:
        >>> import chainrule as cr
        >>> with cr.printoptions(precision=1):
        ...     print(cr.tensor([3.14159]))
        tensor([3.1])
        >>> cr.tensor([3.14159])
        tensor([3.1416])
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One width and notation for all elements of an array (floats: PyTorch's int/sci/fixed decision)."""

    def __init__(self, arr: np.ndarray):
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = arr.reshape(-1)
        if not self.floating:
            self.max_width = max([1] + [len(f"{v}") for v in flat.tolist()])
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        p = PRINT_OPTS.precision
        mag = np.abs(vals.astype(np.float64))
        lo, hi = float(mag.min()), float(mag.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        opt = PRINT_OPTS.sci_mode
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if opt is None else opt
        values = vals.tolist()
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in values)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in values)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in values)

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _value_str(val, f1: _Formatter, f2: _Formatter | None) -> str:
    if f2 is None:
        return f1.format(val)
    real = f1.format(val.real)
    imag = (f2.format(val.imag) + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag  # -0.0 and negatives carry their sign


def _vector_str(arr: np.ndarray, indent: int, summarize: bool, f1, f2) -> str:
    element_length = f1.max_width + 2 + (f2.max_width + 1 if f2 is not None else 0)
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        data = (
            [_value_str(v, f1, f2) for v in arr[:e].tolist()]
            + [" ..."]
            + [_value_str(v, f1, f2) for v in arr[-e:].tolist()]
        )
    else:
        data = [_value_str(v, f1, f2) for v in arr.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with_formatter(arr: np.ndarray, indent: int, summarize: bool, f1, f2) -> str:
    if arr.ndim == 0:
        return _value_str(arr.item(), f1, f2)
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, f1, f2)
    e, n = PRINT_OPTS.edgeitems, arr.shape[0]
    if summarize and n > 2 * e:
        rows = (
            [_str_with_formatter(arr[i], indent + 1, summarize, f1, f2) for i in range(e)]
            + ["..."]
            + [_str_with_formatter(arr[i], indent + 1, summarize, f1, f2) for i in range(n - e, n)]
        )
    else:
        rows = [_str_with_formatter(arr[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(arr: np.ndarray) -> np.ndarray:
    """The elements a summarised print shows (the formatter is fitted to these only, as PyTorch's)."""
    e = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        return np.concatenate((arr[:e], arr[-e:])) if arr.shape[0] > 2 * e else arr
    if not e:
        return np.empty((0,) * arr.ndim, arr.dtype)
    n = arr.shape[0]
    rows = [arr[i] for i in range(e)] + [arr[i] for i in range(n - e, n)] if n > 2 * e else list(arr)
    return np.stack([_summarized(r) for r in rows])


def array_str(arr: np.ndarray, indent: int) -> str:
    """The bracketed body of a tensor's print (no prefix or suffixes); `indent` is the column it starts at."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    if arr.dtype.kind == "c":
        shown = _summarized(arr) if summarize else arr
        return _str_with_formatter(arr, indent, summarize, _Formatter(shown.real), _Formatter(shown.imag))
    return _str_with_formatter(
        arr, indent, summarize, _Formatter(_summarized(arr) if summarize else arr), None
    )


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, tensor_contents: str | None = None) -> str:
    """`repr(t)` / `str(t)` / `print(t)`: `tensor([...], dtype=..., grad_fn=<...>)` as PyTorch prints it."""
    arr = t._data
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    d = arr.dtype
    default = default_np_dtype()
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append("size=" + str(tuple(arr.shape)))
        if d != default:
            suffixes.append("dtype=" + str(from_numpy_dtype(d)))
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(arr.shape)))
        default_complex = np.dtype(np.complex128 if default == np.float64 else np.complex64)
        if d not in (default, default_complex, np.int64, np.bool_):
            suffixes.append("dtype=" + str(from_numpy_dtype(d)))
        body = array_str(arr, indent)
    if tensor_contents is not None:
        body = tensor_contents
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(prefix + body, suffixes, indent)
    return "Parameter containing:\n" + text if getattr(t, "_param", False) else text
