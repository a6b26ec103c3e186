"""What the differential suite does not count as a new bug, as data.

KNOWN: differences still to fix (issue 12's promotion, engine, pow, tril and erf classes landed and were deleted).
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

# Not issue 12's, found by this suite and too wide for a local fix (see docs/differential-testing.md):
ERROR_TYPES = "error types: IndexError/ValueError/TypeError where PyTorch raises RuntimeError"

EINSUM_SUMS = ("einsum's dtype rules: PyTorch first sums a label found in one operand only, with torch.sum "
               "(integers and bool to int64, floats at that operand's precision), then multiplies; chainrule "
               "keeps the inputs' dtype, refuses mixed dtypes summed over a shared label, and sums in the "
               "result's dtype")

KNOWN: list[tuple[str, str, str, set]] = [
    ('embedding*', '*', ERROR_TYPES, {'error-type'}),
    ('scaled_dot_product_attention*', 'int64 int32 bool',
     "integer and bool inputs: chainrule refuses them even when empty; PyTorch's kernels accept empty ones",
     {'raises'}),
    ('pad_replicate', '-', ERROR_TYPES, {'error-type'}),
    ('take_along_dim', '-', ERROR_TYPES, {'error-type'}),
    ('argmax_dim_keepdim', '-', ERROR_TYPES, {'error-type'}),
    ('gather', '*', ERROR_TYPES, {'error-type'}),
    ('gather_smaller_index', '*', ERROR_TYPES, {'error-type'}),
    ('index_select', '*', ERROR_TYPES, {'error-type'}),
    ('index_select_dim0', '*', ERROR_TYPES, {'error-type'}),
    ('narrow', '*', ERROR_TYPES, {'error-type'}),
    ('norm_inf', '-', ERROR_TYPES, {'error-type'}),
    ('pad_circular', '-', ERROR_TYPES, {'error-type'}),
    ('pad_reflect', '*', ERROR_TYPES, {'error-type'}),
    ('scatter_add', '*', ERROR_TYPES, {'error-type'}),
    ('scatter_add_dim0_larger_src', '*', ERROR_TYPES, {'error-type'}),
    ('take_along_dim_bcast', '*', ERROR_TYPES, {'error-type'}),
    ('take_along_dim_flat', '*', ERROR_TYPES, {'error-type'}),
    ('setitem_index_put', '*', ERROR_TYPES, {'error-type'}),
    ('einsum_three', 'float32+float64 int64+float32 int32+int64 bool+float32', EINSUM_SUMS, {'raises'}),
    ('einsum_sum_only_letter', 'int32 bool int32+int64 float32+float64', EINSUM_SUMS, {'dtype', 'raises', 'value'}),
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

def _edge(ex) -> bool:
    return ex.edge


def _false_exponent(ex) -> bool:
    return ex.scalars.get(1) == ("bool", False)


_MATMUL_DTYPES = r"same dtype|need one dtype|not implemented for 'Bool'"

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
    ("pow", "*|1=bool", "grad", r"^gradient 0: NaN at different places", _false_exponent,
     ("PyTorch's pow backward does not take its exponent-0 path for a Python False exponent: it gives "
      "0 * 0^-1 = NaN at a zero base; chainrule gives the derivative of x^0, 0")),
    ("pow", "float64+float32", "grad", r"^gradient 0: max excess", None,
     ("PyTorch's pow backward computes exponent - 1 in the float32 exponent's dtype; chainrule computes the "
      "float64 result's gradient in float64")),
    ("*matmul*", "*", "raises", _MATMUL_DTYPES, _empty,
     "PyTorch's matmul skips its kernel, and so its dtype check, when an operand has a 0-size dimension"),
    ("*mm*", "*", "raises", _MATMUL_DTYPES, _empty,
     "PyTorch's mm/addmm/baddbmm skip their kernel, and so its dtype check, when an operand has a 0-size dim"),
    ("*mv", "*", "raises", _MATMUL_DTYPES, _empty,
     "PyTorch's mv/addmv skip their kernel, and so its dtype check, when an operand has a 0-size dimension"),
    ("scatter_reduce*", "*", "grad-accepts", r"invalid gradient|must match the size", None,
     "PyTorch cannot differentiate scatter_reduce w.r.t. a src larger than index"),
    ("kron*", "*", "accepts", r"view size is not compatible", None,
     "PyTorch's kron reshapes with view(), which fails on some non-contiguous inputs; chainrule copies"),
    ("topk*", "*", "grad", r"^gradient 0", _edge,
     ("ties (edge values repeat): PyTorch's topk picks among tied elements by its partial sort; chainrule "
      "takes the first in order, so the gradient goes to another of the tied elements")),
    ("kthvalue*", "*", "grad", r"^gradient 0", _edge,
     ("ties (edge values repeat): PyTorch's kthvalue picks among tied elements by its quickselect; chainrule "
      "takes them in order, so the gradient goes to another of the tied elements")),
    ("median_dim", "*", "grad", r"^gradient 0", _edge,
     "ties (edge values repeat): PyTorch's median(dim) picks among tied elements by its quickselect"),
    ("*gamma", "*", "grad", r"infinities differ|NaN at different places", _edge,
     "at the poles (0, -1, -2 ...) chainrule's polygamma(1, x) is inf; PyTorch's gives a huge finite number"),
    ("polygamma", "*", "value", r"infinities differ|NaN at different places", None,
     "at the poles (0, -1, -2 ...) chainrule's polygamma(1, x) is inf; PyTorch's gives a huge finite number"),
    ("polygamma", "*", "value", r"max excess", None,
     "PyTorch's trigamma is accurate to ~1e-9 only (chainrule's to ~1e-15: tests/core/test_ops_breadth_torch.py)"),
    ("atan2*", "float*+float*", "grad", r"max excess", None,
     "PyTorch's atan2 backward squares the float32 operand in float32; chainrule computes in float64"),
    ("logaddexp*", "bool+*", "grad-accepts", r"with a bool tensor is not supported", None,
     "a PyTorch bug: logaddexp's backward subtracts its bool operand"),
    ("atan2*", "bool+*", "grad-accepts", r"on a bool tensor is not supported", None,
     "a PyTorch bug: atan2's backward negates its bool operand"),
    ("scatter", "*", "grad-accepts", r"invalid gradient", None,
     "PyTorch cannot differentiate scatter w.r.t. a src larger than index"),
    ("index_*", "*", "grad-accepts", r"self indexing axis dim should be positive|out of DATA bounds",
     _empty,
     "a PyTorch bug: index_add/index_copy's backward fails on empty tensors"),
    ("index_fill_tensor", "*", "accepts", r"setStorage", _empty,
     "PyTorch fails inside its storage code when filling an empty tensor through a 0-d value tensor"),
    ("einsum*", "*", "raises", _MATMUL_DTYPES, _empty,
     "PyTorch's einsum skips its matrix product, and so its dtype check, when an operand has a 0-size dimension"),
    ("einsum*", "*", "dtype", r"^output 0: ", _empty,
     ("PyTorch's einsum returns an empty result without promoting mixed dtypes (it keeps one operand's); "
      "chainrule gives the promoted dtype")),
    ("multilabel_margin_loss*", "*", "value", r"NaN at different places", _empty,
     ("PyTorch's multilabel_margin_loss returns uninitialised memory for an empty batch; chainrule gives the "
      "mean of no losses, nan (as torch.mean)")),
    ("cosine_embedding_loss*", "float64", "grad", r"max excess", None,
     ("edge values make the cosine's gradient ill-conditioned (|g| ~ 1e5 from near-zero vectors): the two "
      "libraries' summation orders differ by ~1e-9 relative there")),
]


# The nn ops of issue 13 (interpolate, 1-d and transposed convolutions, 1-d / adaptive-max pools, unpooling,
# group and instance norm, pixel and channel shuffles, distances): on inputs with a 0-size dimension PyTorch's
# kernels differ from op to op (some return an empty result, some raise, some fail inside with an IndexError);
# chainrule returns the empty result or raises its own error. Non-empty inputs agree.
_NN13 = ("interpolate*", "conv1d*", "conv_transpose*", "*pool1d*", "adaptive_max_pool*", "max_unpool*",
         "group_norm*", "instance_norm*", "pixel_*shuffle", "channel_shuffle", "cosine_similarity*",
         "pairwise_distance*", "pdist", "normalize*")
DIFFERS += [
    (op, "*", kind, r".", _empty,
     ("PyTorch's nn kernels treat inputs with a 0-size dimension inconsistently (empty result, an error, or an "
      "internal IndexError); chainrule returns the empty result or raises its own error"))
    for op in _NN13 for kind in ("accepts", "raises", "error-type", "shape", "grad-accepts", "grad-raises")
] + [
    ("conv_transpose*", "float32", "raises", r"Output size is too small", None,
     ("a 0-size output: PyTorch's float32 (oneDNN) path does not always raise where its other paths do; "
      "chainrule raises as PyTorch's float64 path")),
    ("avg_pool1d*", "int*", "raises", r"not implemented for", None,
     "PyTorch's avg_pool1d also averages integer tensors (truncating); chainrule's average pools take floats"),
    ("cosine_similarity*", "float*+float*", "value", r"max excess", None,
     ("PyTorch computes part of a mixed float32/float64 cosine_similarity at float32 precision; chainrule "
      "promotes both inputs to float64 first")),
] + [
    (op, "float32", kind, r"max excess", None,
     ("float32 rounding on nearly constant groups: chainrule's group/instance norm is mean, var and rsqrt in "
      "float32, PyTorch's a fused kernel; they agree in float64"))
    for op in ("group_norm*", "instance_norm*") for kind in ("value", "grad")
]


def tolerated(op: str, config: str, kind: str, message: str, ex) -> str | None:
    """The reason a difference is not a chainrule bug, or None."""
    for op_pat, cfg_pat, k, pattern, cond, reason in DIFFERS:
        if (k == kind and fnmatchcase(op, op_pat) and fnmatchcase(config, cfg_pat)
                and re.search(pattern, message) and (cond is None or cond(ex))):
            return reason
    return None
