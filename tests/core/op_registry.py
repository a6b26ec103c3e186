"""One registry line per op drives its tests: the cases declared with the ops (chainrule/ops/_declare.py), and
below, the cases of ops not yet declared and of combinations (views, in-place edits, second order).

The float64 gradchecks (plain, non-contiguous inputs, a diamond, an input used twice, second order), the
float32 check, and the comparison with PyTorch (forward value and dtype, every gradient).

A case's `fn(m, *inputs)` runs unchanged on chainrule and on torch: `m` is a namespace that reads names from
`chainrule` or `torch`, `m.F` from `chainrule.ops` or `torch.nn.functional`, and `m.idx(array)` makes an index
tensor. Inputs are float tensors made from NumPy by `kinds` (one per input, or one for all; see
`chainrule.ops._declare.make_input`).
"""

from __future__ import annotations

from dataclasses import dataclass

from chainrule.ops._declare import Lib, all_cases, make_input, make_inputs  # noqa: F401  (re-exported)


@dataclass
class Case:
    name: str
    fn: object
    shapes: tuple
    kinds: object = "normal"
    grad: bool = True  # differentiable at all (False: integer/bool outputs, only values are compared)
    gradgrad: bool = True  # second derivatives checked
    torch: bool = True  # compared with PyTorch
    rtol32: float = 1e-5


def C(name, fn, *shapes, **kw) -> Case:
    return Case(name, fn, shapes, **kw)


def _written(m, x, v, edit):
    """y = x * 1 edited in place by edit(y, v): gradients reach x through CopySlices, v through the op."""
    y = x * 1
    edit(y, v)
    return y


def _edits(y, v):
    y[0].mul_(v)
    y[:, 1].add_(v[1:3].sum())
    y.t()[2].zero_()
    y[1:].exp_()


IDX_REP = [[0, 2, 2], [1, 1, 0], [3, 0, 3]]  # gather / scatter_add index, with repeats: (3, 4) input, dim 1

OPS = [
    # ---- arithmetic, with broadcasting --------------------------------------------------------------------
    C("add_bcast", lambda m, x, y: x + y, (3, 1, 4), (2, 4)),
    C("sub_bcast", lambda m, x, y: x - y, (2, 4), (3, 1, 1)),
    C("mul_bcast", lambda m, x, y: x * y, (3, 1, 4), (2, 1)),
    C("div_bcast", lambda m, x, y: x / y, (3, 4), (4,), kinds=("normal", "pos")),
    C("pow", lambda m, x, y: x**y, (3, 4), (3, 4), kinds=("pos", "normal")),
    C("pow_scalar", lambda m, x: x**3, (5,)),
    C("rpow", lambda m, x: 2.0**x, (5,)),
    C("neg", lambda m, x: -x, (2, 3)),
    C("self_mul", lambda m, x: x * x, (3, 4)),
    C("self_pow", lambda m, x: x**x, (3,), kinds="pos"),
    C("self_div", lambda m, x: x / (x * x + 1), (3,)),
    C("self_matmul", lambda m, x: x @ x, (3, 3)),
    C("self_einsum", lambda m, x: m.einsum("ij,jk->ik", x, x.exp()), (3, 3)),
    C("self_cat", lambda m, x: m.cat([x, x.sin()], 0), (2, 3)),
    C("rsub_scalar", lambda m, x: 1.5 - x, (2, 3)),
    C("matmul_2d", lambda m, x, y: x @ y, (3, 4), (4, 2)),
    C("matmul_batched_bcast", lambda m, x, y: x @ y, (2, 1, 3, 4), (5, 4, 2)),
    C("matmul_vec_mat", lambda m, x, y: x @ y, (4,), (2, 4, 3)),
    C("matmul_mat_vec", lambda m, x, y: m.matmul(x, y), (2, 3, 4), (4,)),
    C("matmul_dot", lambda m, x, y: x @ y, (4,), (4,)),
    # ---- elementwise ---------------------------------------------------------------------------------------
    C("exp", lambda m, x: x.exp(), (2, 3)),
    C("log", lambda m, x: m.log(x), (2, 3), kinds="pos"),
    C("sqrt", lambda m, x: x.sqrt(), (2, 3), kinds="pos"),
    C("abs", lambda m, x: x.abs(), (2, 3), kinds="away0"),
    C("sin", lambda m, x: x.sin(), (2, 3)),
    C("cos", lambda m, x: x.cos(), (2, 3)),
    C("tanh", lambda m, x: x.tanh(), (2, 3)),
    C("sigmoid", lambda m, x: x.sigmoid(), (2, 3)),
    C("clamp", lambda m, x: x.clamp(-0.5, 0.7), (3, 4)),
    C("clamp_min", lambda m, x: m.clamp(x, min=0.1), (3, 4)),
    C("clamp_tensor_bounds", lambda m, x, lo, hi: m.clamp(x, lo, hi + 1), (3, 4), (4,), (3, 1),
      kinds="distinct"),
    C("clamp_crossed_bounds", lambda m, x, lo, hi: m.clamp(x, lo + 1, hi - 1), (3, 4), (4,), (3, 1),
      kinds="distinct"),
    C("remainder", lambda m, x, y: x % y, (3, 4), (4,), kinds="pos"),
    C("maximum_bcast", lambda m, x, y: m.maximum(x, y), (3, 4), (4,), kinds="distinct"),
    C("minimum", lambda m, x, y: m.minimum(x, y), (3, 4), (3, 4), kinds="distinct"),
    C("max_binary", lambda m, x, y: m.max(x, y), (3, 4), (3, 4), kinds="distinct"),
    C("where", lambda m, x, y: m.where(m.mask([[1, 0, 1, 1]]), x, y), (3, 4), (3, 1)),
    C("sign", lambda m, x: x.sign() * x, (2, 3), kinds="away0"),
    C("outer", lambda m, x, y: m.outer(x, y), (3,), (4,)),
    # ---- reductions ----------------------------------------------------------------------------------------
    C("sum_all", lambda m, x: x.sum(), (3, 4)),
    C("sum_dims", lambda m, x: x.sum(dim=(0, 2), keepdim=True), (2, 3, 4)),
    C("mean_dim", lambda m, x: x.mean(-1), (3, 4)),
    C("var_all", lambda m, x: x.var(), (3, 4)),
    C("var_dim", lambda m, x: m.var(x, 1), (3, 4)),
    C("var_dims_keepdim_biased", lambda m, x: x.var(dim=(0, 2), keepdim=True, correction=0), (2, 3, 4)),
    C("var_unbiased_false", lambda m, x: x.var(0, unbiased=False), (3, 4)),
    C("std_all", lambda m, x: x.std(), (3, 4)),
    C("std_dim_keepdim", lambda m, x: m.std(x, dim=-1, keepdim=True), (3, 4)),
    C("amax_all_dims", lambda m, x: m.amax(x, dim=(0, 1)), (3, 4), kinds="distinct"),
    C("amax_dim", lambda m, x: x.amax(1, keepdim=True), (3, 4), kinds="distinct"),
    C("amin_dims", lambda m, x: x.amin((0, 2)), (2, 3, 4), kinds="distinct"),
    C("max_full", lambda m, x: x.max(), (3, 4), kinds="distinct"),
    C("min_full", lambda m, x: m.min(x), (3, 4), kinds="distinct"),
    C("max_dim", lambda m, x: x.max(dim=1), (3, 4), kinds="distinct"),
    C("max_dim_keepdim", lambda m, x: m.max(x, 0, keepdim=True), (3, 4), kinds="distinct"),
    C("min_dim_neg", lambda m, x: x.min(-1), (2, 3, 4), kinds="distinct"),
    C("logsumexp", lambda m, x: x.logsumexp(1), (3, 4)),
    C("logsumexp_dims_keepdim", lambda m, x: m.logsumexp(x, (0, 2), keepdim=True), (2, 3, 4)),
    C("prod_all", lambda m, x: x.prod(), (2, 3), kinds="pos"),
    C("prod_dim", lambda m, x: m.prod(x, 1, keepdim=True), (3, 4)),
    C("norm_2", lambda m, x: x.norm(), (3, 4)),
    C("norm_2_dim", lambda m, x: m.norm(x, dim=1, keepdim=True), (3, 4)),
    C("norm_1", lambda m, x: x.norm(p=1, dim=0), (3, 4), kinds="away0"),
    C("norm_3", lambda m, x: m.norm(x, p=3), (3, 4), kinds="away0"),
    C("norm_inf", lambda m, x: x.norm(p=float("inf"), dim=1), (3, 4), kinds="distinct"),
    C("cumsum", lambda m, x: x.cumsum(1), (3, 4)),
    C("cumsum_neg_dim", lambda m, x: m.cumsum(x, dim=-3), (2, 3, 2)),
    C("argmax", lambda m, x: x.argmax(), (3, 4), kinds="distinct", grad=False),
    C("argmax_dim_keepdim", lambda m, x: m.argmax(x, dim=1, keepdim=True), (3, 4), kinds="distinct",
      grad=False),
    C("argmin_dim", lambda m, x: x.argmin(0), (3, 4), kinds="distinct", grad=False),
    C("gt_scalar", lambda m, x: x > 0.1, (3, 4), grad=False),
    C("eq", lambda m, x, y: x == y, (3, 4), (4,), grad=False),
    # ---- activations ---------------------------------------------------------------------------------------
    C("relu", lambda m, x: m.relu(x), (3, 4), kinds="away0"),
    C("leaky_relu", lambda m, x: m.F.leaky_relu(x, 0.1), (3, 4), kinds="away0"),
    C("elu", lambda m, x: m.F.elu(x, alpha=1.5), (3, 4), kinds="away0"),
    C("gelu", lambda m, x: m.F.gelu(x), (3, 4)),
    C("gelu_wide", lambda m, x: m.F.gelu(x * 4), (3, 4)),
    C("gelu_tanh", lambda m, x: m.F.gelu(x, approximate="tanh"), (3, 4)),
    C("silu", lambda m, x: m.F.silu(x), (3, 4)),
    C("softplus", lambda m, x: m.F.softplus(x), (3, 4)),
    C("softplus_beta_threshold", lambda m, x: m.F.softplus(x, beta=2.0, threshold=1.0), (3, 4),
      kinds="away0"),
    C("hardtanh", lambda m, x: m.F.hardtanh(x, -0.5, 0.8), (3, 4), kinds="away0"),
    C("relu6", lambda m, x: m.F.relu6(x * 4), (3, 4), kinds="away0"),
    C("softmin", lambda m, x: m.F.softmin(x, dim=1), (3, 4)),
    C("softmax", lambda m, x: x.softmax(-1), (3, 4)),
    C("softmax_dim0", lambda m, x: m.softmax(x, dim=0), (3, 4, 2)),
    C("log_softmax", lambda m, x: m.F.log_softmax(x, dim=1), (3, 4)),
    C("log_softmax_3d", lambda m, x: x.log_softmax(0), (2, 3, 2)),
    # ---- shape ---------------------------------------------------------------------------------------------
    C("reshape", lambda m, x: x.reshape(4, -1), (2, 3, 2)),
    C("permute", lambda m, x: x.permute(2, 0, 1), (2, 3, 4)),
    C("transpose", lambda m, x: x.transpose(0, 1), (2, 3)),
    C("expand", lambda m, x: x.expand(3, 2, 4), (2, 1)),
    C("squeeze_unsqueeze", lambda m, x: x.squeeze(1).unsqueeze(0), (2, 1, 3)),
    C("flatten", lambda m, x: x.flatten(1), (2, 3, 2)),
    C("cat", lambda m, x, y, z: m.cat([x, y, z], 1), (2, 3), (2, 1), (2, 2)),
    C("cat_dim0", lambda m, x, y: m.cat((x, y)), (1, 3), (2, 3)),
    C("stack", lambda m, x, y: m.stack([x, y], dim=1), (2, 3), (2, 3)),
    C("stack_last", lambda m, x, y, z: m.stack([x, y, z], -1), (3,), (3,), (3,)),
    C("hstack", lambda m, x, y: m.hstack([x, y]), (2, 3), (2, 1)),
    C("vstack", lambda m, x, y: m.vstack([x, y]), (3,), (2, 3)),
    C("fliplr", lambda m, x: m.fliplr(x), (2, 3)),
    C("split_size", lambda m, x: x.split(2, dim=1), (2, 5)),
    C("split_sections", lambda m, x: m.split(x, [1, 3, 1], 1), (2, 5)),
    C("split_part_used", lambda m, x: x.split(2)[1] * 2, (5, 2)),
    C("chunk", lambda m, x: x.chunk(3, 0), (5, 2)),
    C("unbind", lambda m, x: x.unbind(1), (2, 3)),
    C("unbind_part_used", lambda m, x: m.unbind(x)[0].exp(), (3, 2)),
    C("pad_constant", lambda m, x: m.F.pad(x, (1, 2, 0, 1), value=0.5), (2, 3, 2)),
    C("pad_negative_crop", lambda m, x: m.F.pad(x, (-1, 2)), (2, 4)),
    C("pad_reflect", lambda m, x: m.F.pad(x, (2, 1), mode="reflect"), (2, 3, 4)),
    C("pad_replicate", lambda m, x: m.F.pad(x, (1, 2, 2, 1), mode="replicate"), (1, 2, 3, 3)),
    C("pad_circular", lambda m, x: m.F.pad(x, (1, 2), mode="circular"), (2, 2, 3)),
    C("flip", lambda m, x: x.flip(0, 2), (2, 3, 2)),
    C("repeat", lambda m, x: x.repeat(2, 1, 3), (2, 3)),
    C("tile", lambda m, x: m.tile(x, (2,)), (2, 3)),
    C("roll", lambda m, x: x.roll(1, 1), (2, 3)),
    C("roll_flat", lambda m, x: m.roll(x, -2), (2, 3)),
    C("roll_dims", lambda m, x: m.roll(x, (1, -1), (0, 1)), (2, 3)),
    C("tril", lambda m, x: x.tril(), (3, 4)),
    C("triu_batched", lambda m, x: m.triu(x, 1), (2, 3, 3)),
    C("masked_fill", lambda m, x: x.masked_fill(m.mask([[True, False, True]]), -1.0), (2, 3)),
    C("masked_fill_tensor_value", lambda m, x, v: m.masked_fill(x, m.mask([False, True, True]), v), (2, 3),
      ()),
    C("narrow", lambda m, x: x.narrow(1, 1, 2), (2, 4)),
    C("movedim", lambda m, x: m.movedim(x, 0, -1), (2, 3, 4)),
    # ---- indexing ------------------------------------------------------------------------------------------
    C("getitem_int_slice", lambda m, x: x[1, ::2], (3, 4)),
    C("getitem_none_ellipsis", lambda m, x: x[None, ..., 1:], (2, 3)),
    C("getitem_int_array_repeats", lambda m, x: x[m.idx([0, 2, 0, 0])], (3, 2)),
    C("getitem_two_arrays", lambda m, x: x[m.idx([0, 1, 2, 1]), m.idx([1, 0, 3, 1])], (3, 4)),
    C("getitem_bool_mask", lambda m, x: x[m.mask([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]])], (3, 4)),
    C("getitem_int_then_array", lambda m, x: x[1, :, m.idx([2, 0, 2])], (2, 3, 4)),
    C("select", lambda m, x: m.select(x, 1, -1) * 1, (2, 3)),
    C("diagonal", lambda m, x: x.diagonal(-1, 2, 0), (3, 2, 4)),
    C("reshape_copy", lambda m, x: x.transpose(0, 1).reshape(-1), (2, 3)),
    C("setitem_index_put", lambda m, x, v: _written(m, x, v, lambda y, v: y.__setitem__((m.idx([0, 2]), 1),
                                                                                          v)), (3, 4), (2,)),
    C("setitem_copy_through_view", lambda m, x, v: _written(m, x, v, lambda y, v: y.__setitem__(
        (1, slice(1, 3)), v)), (3, 4), (2,)),
    C("inplace_on_views", lambda m, x, v: _written(m, x, v, _edits), (3, 4), (4,)),
    C("gather", lambda m, x: x.gather(1, m.idx(IDX_REP)), (3, 4)),
    C("gather_smaller_index", lambda m, x: m.gather(x, 0, m.idx([[2, 0], [1, 2]])), (3, 4)),
    C("scatter_add", lambda m, x, s: x.scatter_add(1, m.idx(IDX_REP), s), (3, 4), (3, 3)),
    # torch cannot differentiate scatter_add w.r.t. a src larger than index ("invalid gradient")
    C("scatter_add_dim0_larger_src", lambda m, x, s: m.scatter_add(x, 0, m.idx([[0, 1], [0, 0]]), s), (2, 3),
      (3, 3), torch=False),
    C("index_select", lambda m, x: x.index_select(1, m.idx([3, 0, 3])), (2, 4)),
    C("index_select_dim0", lambda m, x: m.index_select(x, 0, m.idx([1, 1])), (3, 2)),
    C("take_along_dim", lambda m, x: m.take_along_dim(x, m.idx([[0, 2], [1, 1], [3, 0]]), 1), (3, 4)),
    C("take_along_dim_bcast", lambda m, x: x.take_along_dim(m.idx([[1], [0]]), 0), (2, 3)),
    C("take_along_dim_flat", lambda m, x: m.take_along_dim(x, m.idx([5, 0, 5])), (2, 3)),
    C("einsum_matmul", lambda m, x, y: m.einsum("ij,jk->ik", x, y), (2, 3), (3, 4)),
    C("einsum_batched", lambda m, x, y: m.einsum("bij,bjk->bik", x, y), (2, 2, 3), (2, 3, 2)),
    C("einsum_implicit", lambda m, x, y: m.einsum("kj,ij", x, y), (2, 3), (4, 3)),
    C("einsum_sum_only_letter", lambda m, x, y: m.einsum("ij,j->", x, y), (2, 3), (3,)),
    C("einsum_outer_list", lambda m, x, y: m.einsum("i,j->ij", [x, y]), (2,), (3,)),
    C("einsum_trace", lambda m, x: m.einsum("ii", x), (3, 3)),
    C("einsum_diag", lambda m, x: m.einsum("ii->i", x), (3, 3)),
    C("einsum_repeated_mixed", lambda m, x, y: m.einsum("iij,j->ij", x, y), (2, 2, 3), (3,)),
    C("einsum_ellipsis", lambda m, x, y: m.einsum("...ij,...jk->...ik", x, y), (2, 2, 3), (3, 2)),
    C("einsum_transpose", lambda m, x: m.einsum("ij->ji", x), (2, 3)),
    C("einsum_three", lambda m, x, y, z: m.einsum("ij,jk,kl->il", x, y, z), (2, 3), (3, 2), (2, 2)),
]

# The cases declared with their ops (chainrule/ops/_declare.py).
OPS += [Case(name, c.fn, c.shapes, c.kinds, c.grad, c.gradgrad, c.torch, c.rtol32)
        for name, _, c in all_cases()]

BY_NAME = {c.name: c for c in OPS}
assert len(BY_NAME) == len(OPS), "duplicate case names"
