"""What the differential suite does not count as a new bug, as data.

KNOWN: differences that issue 12 is fixing on other branches. Delete a class's entries when its fix lands.
  Each entry is (op pattern, config patterns, class, kinds): fnmatch patterns over the registry op name and
  the dtype configuration id (see diff_rules.configs; several patterns separated by spaces), generated from a
  survey of the CI profile's (derandomized) examples and checked by hand. A test that matches an entry is
  The config pattern "-" lists a difference only the long run met (it marks no CI test). A matching test is
  xfail(strict=True, raises=KnownBug): all its examples run, an example with a difference of another kind
  fails it at once, and at the end it must have met a listed difference; when the fix lands it XPASSes, which
  fails the run, and the entry is deleted.

DIFFERS: differences that are not chainrule bugs. Each names the op and config patterns, the kind of
  difference, a regular expression its message must match, an optional condition on the example, and why.
  Documented for users in docs/differential-testing.md.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

# ---- issue 12, fixed on other branches ---------------------------------------------------------------------
PROMOTION = "type promotion (a)"
POW_EDGE = "pow's edge-case gradients (a)"
REDUCE_DTYPE = "sum of int32/bool is int64 (a)"
TRI_BOOL = "tril/triu of bool (a)"
ENGINE_0D = "engine: 0-d results hold NumPy scalars (c)"
ERF_0D = "erf/rsqrt on 0-d tensors (c)"
# Not issue 12's, found by this suite and too wide for a local fix (see docs/differential-testing.md):
ERROR_TYPES = "error types: IndexError/ValueError/TypeError where PyTorch raises RuntimeError"

KNOWN: list[tuple[str, str, str, set]] = [
    # PROMOTION
    ("add_bcast",
     ("bool|0=float bool|0=np.float64 bool|1=float bool|1=np.float64 float32+float64 "
      "float32+int64 float32|0=0d.float64 float32|0=0d.int64 float32|0=np.float64 "
      "float32|0=np.int64 float32|1=0d.float64 float32|1=0d.int64 float32|1=np.float64 "
      "float32|1=np.int64 float64+float32 int32+int64 int64+float32 int64|0=0d.float32 "
      "int64|0=float int64|0=np.float32 int64|0=np.float64 int64|1=0d.float32 "
      "int64|1=float int64|1=np.float32 int64|1=np.float64"),
     PROMOTION, {"dtype"}),
    ("clamp", "bool int32 int64", PROMOTION, {"dtype"}),
    ("clamp_min", "bool int32 int64", PROMOTION, {"dtype"}),
    ("cos", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("div_bcast",
     ("bool|0=float bool|0=np.float64 bool|1=float bool|1=np.float64 float32+float64 "
      "float32+int64 float32|0=0d.float64 float32|0=0d.int64 float32|0=np.float64 "
      "float32|0=np.int64 float32|1=0d.float64 float32|1=0d.int64 float32|1=np.float64 "
      "float32|1=np.int64 float64+float32 int64+float32 int64|0=0d.float32 "
      "int64|0=float int64|0=np.float32 int64|0=np.float64 int64|1=0d.float32 "
      "int64|1=float int64|1=np.float32 int64|1=np.float64"),
     PROMOTION, {"dtype"}),
    ("einsum_batched", "float32+int64 float64+float32 int64+bool int64+float32", PROMOTION, {"dtype"}),
    ("einsum_ellipsis", "float32+int64 float64+float32 int64+bool int64+float32", PROMOTION, {"dtype"}),
    ("einsum_implicit", "float32+float64 float32+int64 int32+int64 int64+float32", PROMOTION, {"dtype"}),
    ("einsum_matmul", "float32+int64 float64+float32 int64+bool int64+float32", PROMOTION, {"dtype"}),
    ("einsum_outer_list", "float32+int64 int64+float32", PROMOTION, {"dtype"}),
    ("einsum_repeated_mixed", "float32+int64 int64+float32", PROMOTION, {"dtype"}),
    ("einsum_sum_only_letter", "float32+int64 int64+float32", PROMOTION, {"dtype"}),
    ("einsum_three", "float64+float32 int64+bool int64+float32", PROMOTION, {"dtype"}),
    ("exp", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("hardtanh", "int32 int64", PROMOTION, {"dtype", "value"}),
    ("log", "bool int32 int64", PROMOTION, {"dtype"}),
    ("matmul_batched_bcast", "float64+float32 int64+bool int64+float32", PROMOTION, {"dtype"}),
    ("max_binary",
     ("float32+float64 float32+int64 float64+float32 int32+int64 int64+float32"),
     PROMOTION, {"dtype"}),
    ("maximum_bcast",
     ("float32+float64 float32+int64 float32|1=0d.float64 float32|1=0d.int64 "
      "float64+float32 int32+int64 int64+float32 int64|1=0d.float32"),
     PROMOTION, {"dtype"}),
    ("minimum",
     ("float32+float64 float32+int64 float64+float32 int32+int64 int64+float32"),
     PROMOTION, {"dtype"}),
    ("mul_bcast",
     ("bool|0=float bool|0=np.float64 bool|1=float bool|1=np.float64 float32+float64 "
      "float32+int64 float32|0=0d.float64 float32|0=0d.int64 float32|0=np.float64 "
      "float32|0=np.int64 float32|1=0d.float64 float32|1=0d.int64 float32|1=np.float64 "
      "float32|1=np.int64 float64+float32 int32+int64 int64+float32 int64|0=0d.float32 "
      "int64|0=float int64|0=np.float32 int64|0=np.float64 int64|1=0d.float32 "
      "int64|1=float int64|1=np.float32 int64|1=np.float64"),
     PROMOTION, {"dtype"}),
    ("outer", "float32+int64 int64+float32", PROMOTION, {"dtype"}),
    ("pow",
     ("bool|0=float bool|0=np.float64 bool|1=bool bool|1=float bool|1=np.float64 "
      "float32+float64 float32+int64 float32|0=0d.float64 float32|0=0d.int64 "
      "float32|0=np.float64 float32|0=np.int64 float32|1=0d.float64 float32|1=0d.int64 "
      "float32|1=np.float64 float32|1=np.int64 float64+float32 int32+int64 "
      "int64+float32 int64|0=0d.float32 int64|0=float int64|0=np.float32 "
      "int64|0=np.float64 int64|1=0d.float32 int64|1=float int64|1=np.float32 "
      "int64|1=np.float64"),
     PROMOTION, {"dtype", "grad"}),
    ("relu6", "bool int32 int64", PROMOTION, {"dtype"}),
    ("rpow", "bool int32 int64", PROMOTION, {"dtype"}),
    ("rsub_scalar", "int32 int64", PROMOTION, {"dtype"}),
    ("self_cat", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("self_einsum", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("sigmoid", "bool int32 int64", PROMOTION, {"dtype"}),
    ("sin", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("sqrt", "bool int32 int64", PROMOTION, {"dtype"}),
    ("square", "bool", PROMOTION, {"dtype"}),
    ("sub_bcast",
     ("float32+float64 float32+int64 float32|0=0d.float64 float32|0=0d.int64 "
      "float32|0=np.float64 float32|0=np.int64 float32|1=0d.float64 float32|1=0d.int64 "
      "float32|1=np.float64 float32|1=np.int64 float64+float32 int32+int64 "
      "int64+float32 int64|0=0d.float32 int64|0=float int64|0=np.float32 "
      "int64|0=np.float64 int64|1=0d.float32 int64|1=float int64|1=np.float32 "
      "int64|1=np.float64"),
     PROMOTION, {"dtype"}),
    ("tanh", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("unbind_part_used", "bool int32 int64", PROMOTION, {"dtype", "value"}),
    ("where",
     ("bool|0=float bool|0=np.float64 bool|1=float bool|1=np.float64 float32+int64 "
      "float32|0=0d.float64 float32|0=0d.int64 float32|0=np.float64 float32|0=np.int64 "
      "float32|1=0d.float64 float32|1=0d.int64 float32|1=np.float64 float32|1=np.int64 "
      "int64+float32 int64|0=0d.float32 int64|0=float int64|0=np.float32 "
      "int64|0=np.float64 int64|1=0d.float32 int64|1=float int64|1=np.float32 "
      "int64|1=np.float64"),
     PROMOTION, {"dtype"}),
    # REDUCE_DTYPE
    ("einsum_sum_only_letter", "bool int32", REDUCE_DTYPE, {"dtype", "value"}),
    ("einsum_trace", "bool int32", REDUCE_DTYPE, {"dtype", "value"}),
    # TRI_BOOL
    ("tril", "bool", TRI_BOOL, {"dtype"}),
    ("triu_batched", "bool", TRI_BOOL, {"dtype"}),
    # POW_EDGE
    ("pow", "bool+float32", POW_EDGE, {"grad"}),
    ("self_pow", "float32 float64", POW_EDGE, {"grad"}),  # x ** x at x = 0: NaN, PyTorch 0
    ("pow", "float32|1=int float32|1=float float32|1=np.float32 float32|1=0d.float32", POW_EDGE, {"grad"}),
    ("pow", "bool|1=int", PROMOTION, {"dtype"}),
    # ENGINE_0D
    ("abs", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("add_bcast", "*", ENGINE_0D, {"0d-scalar"}),
    ("amax_all_dims", "*", ENGINE_0D, {"0d-scalar"}),
    ("ceil", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("clamp", "*", ENGINE_0D, {"0d-scalar"}),
    ("clamp_min", "*", ENGINE_0D, {"0d-scalar"}),
    ("cos", "*", ENGINE_0D, {"0d-scalar"}),
    ("div_bcast", "*", ENGINE_0D, {"0d-scalar"}),
    ("einsum_sum_only_letter", "*", ENGINE_0D, {"0d-scalar"}),
    ("einsum_trace", "*", ENGINE_0D, {"0d-scalar"}),
    ("exp", "*", ENGINE_0D, {"0d-scalar"}),
    ("exp2", "*", ENGINE_0D, {"0d-scalar"}),
    ("expm1", "*", ENGINE_0D, {"0d-scalar"}),
    ("floor", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("frac", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("gelu_tanh", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("hardtanh", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("leaky_relu", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("log", "*", ENGINE_0D, {"0d-scalar"}),
    ("log10", "*", ENGINE_0D, {"0d-scalar"}),
    ("log1p", "*", ENGINE_0D, {"0d-scalar"}),
    ("log2", "*", ENGINE_0D, {"0d-scalar"}),
    ("matmul_dot", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("max_binary", "*", ENGINE_0D, {"0d-scalar"}),
    ("max_full", "*", ENGINE_0D, {"0d-scalar"}),
    ("maximum_bcast",
     ("bool bool+float32 bool|1=0d.float32 bool|1=0d.float64 bool|1=0d.int64 float32 "
      "float32+float64 float32+int64 float32|1=0d.float32 float32|1=0d.float64 "
      "float32|1=0d.int64 float64 float64+float32 int32 int32+int64 int64 int64+bool "
      "int64+float32 int64|1=0d.float32 int64|1=0d.float64 int64|1=0d.int64"),
     ENGINE_0D, {"0d-scalar"}),
    ("min_full", "*", ENGINE_0D, {"0d-scalar"}),
    ("minimum", "*", ENGINE_0D, {"0d-scalar"}),
    ("mul_bcast", "*", ENGINE_0D, {"0d-scalar"}),
    ("neg", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("norm_2", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("norm_3", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("pow",
     ("bool+float32 bool|0=0d.float32 bool|0=0d.float64 bool|0=0d.int64 bool|0=float "
      "bool|0=int bool|0=np.float32 bool|0=np.float64 bool|0=np.int64 "
      "bool|1=0d.float32 bool|1=0d.float64 bool|1=0d.int64 bool|1=bool bool|1=float "
      "bool|1=int bool|1=np.float32 bool|1=np.float64 bool|1=np.int64 float32 "
      "float32+float64 float32+int64 float32|0=0d.float32 float32|0=0d.float64 "
      "float32|0=0d.int64 float32|0=bool float32|0=float float32|0=int "
      "float32|0=np.float32 float32|0=np.float64 float32|0=np.int64 "
      "float32|1=0d.float32 float32|1=0d.float64 float32|1=0d.int64 float32|1=bool "
      "float32|1=float float32|1=int float32|1=np.float32 float32|1=np.float64 "
      "float32|1=np.int64 float64 float64+float32 int32 int32+int64 int64 int64+bool "
      "int64+float32 int64|0=0d.float32 int64|0=0d.float64 int64|0=0d.int64 "
      "int64|0=bool int64|0=float int64|0=int int64|0=np.float32 int64|0=np.float64 "
      "int64|0=np.int64 int64|1=0d.float32 int64|1=0d.float64 int64|1=0d.int64 "
      "int64|1=bool int64|1=float int64|1=int int64|1=np.float32 int64|1=np.float64 "
      "int64|1=np.int64"),
     ENGINE_0D, {"0d-scalar"}),
    ("pow_scalar", "*", ENGINE_0D, {"0d-scalar"}),
    ("prod_all", "*", ENGINE_0D, {"0d-scalar"}),
    ("reciprocal", "*", ENGINE_0D, {"0d-scalar"}),
    ("relu", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("relu6", "*", ENGINE_0D, {"0d-scalar"}),
    ("round", "*", ENGINE_0D, {"0d-scalar"}),
    ("round_decimals", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("rpow", "*", ENGINE_0D, {"0d-scalar"}),
    ("rsub_scalar", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("self_div", "*", ENGINE_0D, {"0d-scalar"}),
    ("self_mul", "*", ENGINE_0D, {"0d-scalar"}),
    ("self_pow", "float32 float64 int32 int64", ENGINE_0D, {"0d-scalar"}),
    ("sigmoid", "*", ENGINE_0D, {"0d-scalar"}),
    ("sign", "*", ENGINE_0D, {"0d-scalar"}),
    ("silu", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("sin", "*", ENGINE_0D, {"0d-scalar"}),
    ("sqrt", "*", ENGINE_0D, {"0d-scalar"}),
    ("square", "*", ENGINE_0D, {"0d-scalar"}),
    ("std_all", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    ("sub_bcast",
     ("float32 float32+float64 float32+int64 float32|0=0d.float32 float32|0=0d.float64 "
      "float32|0=0d.int64 float32|0=float float32|0=int float32|0=np.float32 "
      "float32|0=np.float64 float32|0=np.int64 float32|1=0d.float32 "
      "float32|1=0d.float64 float32|1=0d.int64 float32|1=float float32|1=int "
      "float32|1=np.float32 float32|1=np.float64 float32|1=np.int64 float64 "
      "float64+float32 int32 int32+int64 int64 int64+float32 int64|0=0d.float32 "
      "int64|0=0d.float64 int64|0=0d.int64 int64|0=float int64|0=int "
      "int64|0=np.float32 int64|0=np.float64 int64|0=np.int64 int64|1=0d.float32 "
      "int64|1=0d.float64 int64|1=0d.int64 int64|1=float int64|1=int "
      "int64|1=np.float32 int64|1=np.float64 int64|1=np.int64"),
     ENGINE_0D, {"0d-scalar"}),
    ("sum_all", "*", ENGINE_0D, {"0d-scalar"}),
    ("tanh", "*", ENGINE_0D, {"0d-scalar"}),
    ("trunc", "*", ENGINE_0D, {"0d-scalar"}),
    ("var_all", "float32 float64", ENGINE_0D, {"0d-scalar"}),
    # ERF_0D
    ("erf", "*", ERF_0D, {"raises"}),
    ("erf_wide", "*", ERF_0D, {"raises"}),
    ("gelu", "*", ERF_0D, {"error-type", "raises"}),
    ("gelu_wide", "*", ERF_0D, {"error-type", "raises"}),
    ("rsqrt", "*", ERF_0D, {"raises"}),
    # ERROR_TYPES
    ("pad_replicate", "-", ERROR_TYPES, {"error-type"}),
    ("take_along_dim", "-", ERROR_TYPES, {"error-type"}),
    ("argmax", "bool", ERROR_TYPES, {"error-type"}),
    ("argmax_dim_keepdim", "-", ERROR_TYPES, {"error-type"}),
    ("argmin_dim", "bool", ERROR_TYPES, {"error-type"}),
    ("gather", "*", ERROR_TYPES, {"error-type"}),
    ("gather_smaller_index", "*", ERROR_TYPES, {"error-type"}),
    ("index_select", "*", ERROR_TYPES, {"error-type"}),
    ("index_select_dim0", "*", ERROR_TYPES, {"error-type"}),
    ("narrow", "*", ERROR_TYPES, {"error-type"}),
    ("neg", "bool", ERROR_TYPES, {"error-type"}),
    ("norm_inf", "-", ERROR_TYPES, {"error-type"}),
    ("pad_circular", "-", ERROR_TYPES, {"error-type"}),
    ("pad_reflect", "*", ERROR_TYPES, {"error-type"}),
    ("scatter_add", "*", ERROR_TYPES, {"error-type"}),
    ("scatter_add_dim0_larger_src", "*", ERROR_TYPES, {"error-type"}),
    ("softmin", "bool", ERROR_TYPES, {"error-type"}),
    ("sub_bcast", "bool bool|0=bool bool|1=bool", ERROR_TYPES, {"error-type"}),
    ("take_along_dim_bcast", "*", ERROR_TYPES, {"error-type"}),
    ("take_along_dim_flat", "*", ERROR_TYPES, {"error-type"}),
]


def known_for(op: str, config: str | None = None) -> list[tuple[str, set]]:
    """(class, kinds) of every entry matching this test (config None: any config of the op)."""
    return [(cls, kinds) for op_pat, cfg_pats, cls, kinds in KNOWN
            if fnmatchcase(op, op_pat)
            and (config is None or any(fnmatchcase(config, p) for p in cfg_pats.split()))]


# ---- not chainrule bugs ------------------------------------------------------------------------------------
def _empty(ex) -> bool:
    return any(0 in s for s in ex.shapes)


_NO_KERNEL = (r"not implemented for '(Bool|Int|Long)'|does not support bool input"
              r"|Bool(ean)? inputs not supported|with a bool tensor is not supported|expected scalar type"
              r"|same dtype|Autograd not support dtype"
              r"|Expected self.dtype to be equal to src.dtype")

DIFFERS: list[tuple[str, str, str, str, object, str]] = [
    ("*", "*", "accepts", _NO_KERNEL, None,
     "PyTorch has no kernel for this dtype or mix of dtypes; chainrule runs NumPy's loop"),
    ("*", "*", "error-type", r"chainrule raises RuntimeError: .* -- torch raises NotImplementedError", None,
     "an unsupported dtype: chainrule raises RuntimeError, PyTorch its subclass NotImplementedError"),
    ("maximum_bcast", "*|1=*", "accepts", r"must be Tensor, not", None,
     "chainrule's maximum/minimum also take a Python or NumPy scalar; torch.maximum takes tensors only"),
    ("take_along_dim*", "*", "raises", r"out of bounds", None,
     ("PyTorch 2.13's take_along_dim does not check its indices on the CPU (it reads outside the tensor); "
      "chainrule raises IndexError")),
    ("take_along_dim_flat", "*", "accepts", r"view size is not compatible", None,
     "PyTorch's take_along_dim without dim flattens with view(), which fails on non-contiguous input"),
    ("getitem_*", "*", "raises", r"out of bounds", _empty,
     "PyTorch does not check index tensors against an empty tensor; chainrule raises IndexError"),
    ("*softm*", "*", "raises", r"expected a floating point tensor", _empty,
     "PyTorch skips softmax's dtype check on empty tensors"),
    ("pad_circular", "*", "accepts", r"wrapping around more than once", None,
     "chainrule's circular padding wraps any number of times (NumPy's wrap mode)"),
    ("pad_re*", "*", "accepts", r"non-zero dimen", _empty,
     "chainrule pads tensors with empty dimensions (the result is empty too); PyTorch refuses"),
    ("scatter_add*", "*", "grad-accepts", r"invalid gradient", None,
     "PyTorch cannot differentiate scatter_add w.r.t. a src larger than index"),
    ("pow", "*|0=bool", "grad-accepts", r"INTERNAL ASSERT", None,
     "a PyTorch bug: pow's backward with a Python bool base"),
]


def tolerated(op: str, config: str, kind: str, message: str, ex) -> str | None:
    """The reason a difference is not a chainrule bug, or None."""
    for op_pat, cfg_pat, k, pattern, cond, reason in DIFFERS:
        if (k == kind and fnmatchcase(op, op_pat) and fnmatchcase(config, cfg_pat)
                and re.search(pattern, message) and (cond is None or cond(ex))):
            return reason
    return None
