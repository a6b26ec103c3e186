"""Gradient checking, CS231n's way, over every built-in op and layer: analytic vs numerical gradient.

For each case, backward's vector-Jacobian product with a random cotangent v is compared with the central
difference (f(x + h) - f(x - h)) / 2h of v . f (h = 1e-6, float64). The table gives, per case, the worst
element's relative error |a - n| / max(|a|, |n|, 1e-3) (the floor keeps near-zero gradients from dividing by
~0). Below 1e-7 is right; above 1e-5 would be a bug. The summary lists which op classes the cases reached and
which they missed.
"""

from __future__ import annotations

import numpy as np

import chainrule

NAME, TITLE = "gradcheck", "gradcheck every built-in op and layer: max relative error per op"
FLOOR, OK = 1e-3, 1e-5


def _inputs(shapes, kinds, rng: np.random.Generator):
    """float64 leaves requiring grad, one per shape, drawn by `kinds` (one kind for all, or a tuple)."""
    from ..ops._declare import make_input

    kinds = kinds if isinstance(kinds, tuple) else (kinds,) * len(shapes)
    return [chainrule.tensor(make_input(k, s, rng), dtype=chainrule.float64, requires_grad=True)
            for k, s in zip(kinds, shapes)]


def _module(make):
    """A case for a layer: its input and its parameters are all checked."""
    def build(x):
        m = make().double()
        return m, [x, *m.parameters()]
    return build


def cases():
    """(name, fn(*inputs), shapes, kind[, step]) or (name, module builder, shape, 'module').

    A linear function's central difference is exact for any step: the float32 round trip uses 1e-2, beyond
    float32's rounding (1e-6 would measure rounding noise, not the gradient).
    """
    import chainrule as c
    from chainrule import nn
    from chainrule.nn import functional as F

    idx = lambda v: c.tensor(np.asarray(v, dtype=np.int64))
    mask = lambda v: c.tensor(np.asarray(v, dtype=bool))
    target = idx([0, 2, 1])
    return [
        ("add (broadcast)", lambda x, y: x + y, [(3, 1, 4), (2, 4)], "normal"),
        ("sub", lambda x, y: x - y, [(2, 4), (3, 1, 1)], "normal"),
        ("mul (broadcast)", lambda x, y: x * y, [(3, 1, 4), (2, 1)], "normal"),
        ("div", lambda x, y: x / y, [(3, 4), (4,)], "pos"),
        ("pow", lambda x, y: x ** y, [(3, 4), (3, 4)], "pos"),
        ("pow (scalar)", lambda x: x ** 3, [(5,)], "normal"),
        ("remainder", lambda x, y: x % y, [(3, 4), (4,)], "pos"),
        ("neg", lambda x: -x, [(2, 3)], "normal"),
        ("matmul", lambda x, y: x @ y, [(2, 1, 3, 4), (5, 4, 2)], "normal"),
        ("exp", lambda x: x.exp(), [(2, 3)], "normal"),
        ("log", lambda x: x.log(), [(2, 3)], "pos"),
        ("sqrt", lambda x: x.sqrt(), [(2, 3)], "pos"),
        ("abs", lambda x: x.abs(), [(2, 3)], "away0"),
        ("sin", lambda x: x.sin(), [(2, 3)], "normal"),
        ("cos", lambda x: x.cos(), [(2, 3)], "normal"),
        ("tanh", lambda x: x.tanh(), [(2, 3)], "normal"),
        ("sigmoid", lambda x: x.sigmoid(), [(2, 3)], "normal"),
        ("clamp", lambda x: x.clamp(-0.5, 0.7), [(3, 4)], "distinct"),
        ("maximum", lambda x, y: c.maximum(x, y), [(3, 4), (4,)], "distinct"),
        ("minimum", lambda x, y: c.minimum(x, y), [(3, 4), (3, 4)], "distinct"),
        ("where", lambda x, y: c.where(mask([[1, 0, 1, 1]]), x, y), [(3, 4), (3, 1)], "normal"),
        ("sign", lambda x: x.sign() * x, [(2, 3)], "away0"),
        ("sum", lambda x: x.sum(dim=(0, 2), keepdim=True), [(2, 3, 4)], "normal"),
        ("mean", lambda x: x.mean(-1), [(3, 4)], "normal"),
        ("var", lambda x: x.var(1), [(3, 4)], "normal"),
        ("std", lambda x: x.std(dim=-1, keepdim=True), [(3, 4)], "normal"),
        ("amax", lambda x: x.amax(1, keepdim=True), [(3, 4)], "distinct"),
        ("amin", lambda x: x.amin((0, 2)), [(2, 3, 4)], "distinct"),
        ("max (all)", lambda x: x.max(), [(3, 4)], "distinct"),
        ("min (all)", lambda x: x.min(), [(3, 4)], "distinct"),
        ("max (dim)", lambda x: x.max(dim=1)[0], [(3, 4)], "distinct"),
        ("min (dim)", lambda x: x.min(-1)[0], [(2, 3, 4)], "distinct"),
        ("logsumexp", lambda x: x.logsumexp(1), [(3, 4)], "normal"),
        ("prod", lambda x: x.prod(1, keepdim=True), [(3, 4)], "normal"),
        ("norm", lambda x: x.norm(dim=1), [(3, 4)], "away0"),
        ("cumsum", lambda x: x.cumsum(1), [(3, 4)], "normal"),
        ("relu", lambda x: c.relu(x), [(3, 4)], "away0"),
        ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), [(3, 4)], "away0"),
        ("elu", lambda x: F.elu(x, alpha=1.5), [(3, 4)], "away0"),
        ("gelu", lambda x: F.gelu(x), [(3, 4)], "normal"),
        ("silu", lambda x: F.silu(x), [(3, 4)], "normal"),
        ("softplus", lambda x: F.softplus(x), [(3, 4)], "normal"),
        ("hardtanh", lambda x: F.hardtanh(x, -0.5, 0.8), [(3, 4)], "distinct"),
        ("softmax", lambda x: x.softmax(-1), [(3, 4)], "normal"),
        ("log_softmax", lambda x: F.log_softmax(x, dim=1), [(3, 4)], "normal"),
        ("reshape", lambda x: x.reshape(4, -1), [(2, 3, 2)], "normal"),
        ("permute", lambda x: x.permute(2, 0, 1), [(2, 3, 4)], "normal"),
        ("expand", lambda x: x.expand(3, 2, 4), [(2, 1)], "normal"),
        ("cat", lambda x, y: c.cat([x, y], 1), [(2, 3), (2, 1)], "normal"),
        ("stack", lambda x, y: c.stack([x, y], dim=1), [(2, 3), (2, 3)], "normal"),
        ("split", lambda x: x.split(2, dim=1)[1] * 2, [(2, 5)], "normal"),
        ("unbind", lambda x: x.unbind(1)[0].exp(), [(2, 3)], "normal"),
        ("pad (constant)", lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [(2, 3, 2)], "normal"),
        ("pad (reflect)", lambda x: F.pad(x, (1, 2), mode="reflect"), [(2, 3, 4)], "normal"),
        ("flip", lambda x: x.flip(0, 2), [(2, 3, 2)], "normal"),
        ("repeat", lambda x: x.repeat(2, 1, 3), [(2, 3)], "normal"),
        ("roll", lambda x: x.roll(1, 1), [(2, 3)], "normal"),
        ("tril", lambda x: x.tril(), [(3, 4)], "normal"),
        ("triu", lambda x: x.triu(1), [(3, 4)], "normal"),
        ("clone", lambda x: x.clone() * 1.5, [(2, 3)], "normal"),
        ("cast (to float32 and back)", lambda x: x.float().double(), [(2, 3)], "normal", 1e-2),
        ("index (basic + advanced)", lambda x: x[idx([0, 2, 0]), 1:], [(3, 4)], "normal"),
        ("index, second order", lambda x: _second_order(lambda t: (t[idx([0, 2, 0])] ** 3).sum(), x),
         [(3, 2)], "normal"),
        ("slice (a view)", lambda x: x[1, ::2] * 1, [(3, 4)], "normal"),
        ("diagonal", lambda x: x.diagonal(1), [(3, 4)], "normal"),
        ("diagonal, second order", lambda x: _second_order(lambda t: (t.diagonal() ** 3).sum(), x), [(3, 3)],
         "normal"),
        ("reshape of a transpose (a copy)", lambda x: x.t().reshape(-1), [(3, 4)], "normal"),
        ("in-place writes through views", _written, [(3, 4), (2, 3)], "normal"),
        ("gather", lambda x: x.gather(1, idx([[0, 2, 2], [1, 1, 0], [3, 0, 3]])), [(3, 4)], "normal"),
        ("scatter_add", lambda x, s: x.scatter_add(1, idx([[0, 2, 2], [1, 1, 0], [3, 0, 3]]), s),
         [(3, 4), (3, 3)], "normal"),
        ("index_select", lambda x: x.index_select(1, idx([3, 0, 3])), [(2, 4)], "normal"),
        ("take_along_dim", lambda x: c.take_along_dim(x, idx([[0, 2], [1, 1], [3, 0]]), 1), [(3, 4)],
         "normal"),
        ("einsum", lambda x, y: c.einsum("bij,bjk->bik", x, y), [(2, 2, 3), (2, 3, 2)], "normal"),
        ("cross_entropy", lambda x: F.cross_entropy(x, target), [(3, 4)], "normal"),
        ("nll_loss", lambda x: F.nll_loss(F.log_softmax(x, dim=1), target), [(3, 4)], "normal"),
        ("mse_loss", lambda x, y: F.mse_loss(x, y), [(3, 4), (3, 4)], "normal"),
        ("l1_loss", lambda x, y: F.l1_loss(x, y), [(3, 4), (3, 4)], "distinct"),
        ("huber_loss", lambda x, y: F.huber_loss(x, y, delta=0.5), [(3, 4), (3, 4)], "distinct"),
        ("binary_cross_entropy", lambda x: F.binary_cross_entropy(x.sigmoid(), c.tensor(
            np.array([[1.0, 0, 1, 0]] * 3))), [(3, 4)], "normal"),
        ("bce_with_logits", lambda x: F.binary_cross_entropy_with_logits(x, c.tensor(
            np.array([[1.0, 0, 0.3, 0]] * 3))), [(3, 4)], "normal"),
        ("multi_margin_loss", lambda x: F.multi_margin_loss(x, target), [(3, 4)], "distinct"),
        ("Linear", _module(lambda: nn.Linear(4, 3)), [(5, 4)], "module"),
        ("BatchNorm1d (training)", _module(lambda: nn.BatchNorm1d(4)), [(6, 4)], "module"),
        ("LayerNorm", _module(lambda: nn.LayerNorm(4)), [(3, 4)], "module"),
        ("PReLU", _module(lambda: nn.PReLU()), [(3, 4)], "module-away0"),
        ("Maxout", _module(lambda: nn.Maxout(4, 3, 2)), [(5, 4)], "module"),
        ("Softmax layer", _module(lambda: nn.Softmax(dim=1)), [(3, 4)], "module"),
        ("Sequential MLP", _module(lambda: nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2))),
         [(3, 4)], "module"),
    ] + _conv_cases(c, nn) + _declared_cases()


def _declared_cases() -> list:
    """The differentiable cases declared with their ops (chainrule/ops/_declare.py)."""
    from ..ops._declare import Lib, all_cases
    from ..nn import functional as F

    m = Lib(chainrule, F)
    return [(name, (lambda f: lambda *xs: f(m, *xs))(c.fn), list(c.shapes), c.kinds)
            for name, _, c in all_cases() if c.grad]


def _conv_cases(c, nn) -> list:
    """Convolution and pooling, where this build has them."""
    ops = c.ops
    out = []
    if hasattr(ops, "conv2d"):
        out.append(("conv2d", lambda x, w, b: ops.conv2d(x, w, b, stride=1, padding=1),
                    [(2, 3, 5, 5), (4, 3, 3, 3), (4,)], "normal"))
        out.append(("conv2d (stride 2, groups)", lambda x, w: ops.conv2d(x, w, stride=2, groups=2),
                    [(1, 4, 6, 6), (2, 2, 3, 3)], "normal"))
    if hasattr(ops, "max_pool2d"):
        out.append(("max_pool2d", lambda x: ops.max_pool2d(x, 2), [(2, 2, 4, 4)], "distinct"))
    if hasattr(ops, "avg_pool2d"):
        out.append(("avg_pool2d", lambda x: ops.avg_pool2d(x, 3, stride=2, padding=1), [(1, 2, 5, 5)],
                    "normal"))
    if hasattr(ops, "adaptive_avg_pool2d"):
        out.append(("adaptive_avg_pool2d", lambda x: ops.adaptive_avg_pool2d(x, (2, 3)), [(1, 2, 5, 7)],
                    "normal"))
    F = nn.functional
    if hasattr(F, "unfold"):
        out.append(("unfold (im2col)", lambda x: F.unfold(x, 2, padding=1, stride=2), [(1, 2, 4, 4)], "normal"))
    if hasattr(F, "fold"):
        out.append(("fold (col2im)", lambda x: F.fold(x, (3, 3), 2), [(1, 8, 4)], "normal"))
    if hasattr(nn, "Conv2d"):
        out.append(("Conv2d layer", _module(lambda: nn.Conv2d(2, 3, 3, padding=1)), [(2, 2, 4, 4)], "module"))
    return out


def _call_module(m):
    """fn(x, *params) -> m(x): the parameters are inputs of the check, used by m through its attributes."""
    return lambda x, *params: m(x)


def _written(x, v):
    """Recorded in-place writes through views: setitem (index_put_, copy_), fill_ and mul_ (CopySlices)."""
    import chainrule as c

    y = x * 1
    y[c.tensor([0, 2]), 1:] = v
    y[1, :3] = v[0]
    y[:, 3].zero_()
    y.t()[0].mul_(v[1, 0])
    return y


def _second_order(f, x):
    """df/dx as a function of x, with its graph (so gradcheck checks the ops of the backward pass)."""
    with chainrule.enable_grad():
        return chainrule.autograd.grad(f(x), x, create_graph=True)[0]


def _outputs(out, keep=None) -> list:
    """The float tensor outputs (those at positions `keep`, else those that require grad)."""
    from ..tensor import Tensor

    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    if keep is not None:
        return [outs[i] for i in keep]
    return [o for o in outs if isinstance(o, Tensor) and o.requires_grad]


def check(fn, inputs, rng, eps: float = 1e-6) -> tuple[float, float]:
    """(max relative error, max absolute error) of fn's gradients w.r.t. inputs (central differences)."""
    from ..autograd import grad, numerical_grad
    from ..tensor import Tensor

    res = fn(*inputs)
    seq = list(res) if isinstance(res, (tuple, list)) else [res]
    keep = [i for i, o in enumerate(seq) if isinstance(o, Tensor) and o.requires_grad]
    outs = [seq[i] for i in keep]
    vs = [rng.standard_normal(o.shape) for o in outs]
    analytic = grad(outs, inputs, grad_outputs=[chainrule.tensor(v) for v in vs], allow_unused=True)
    numeric = numerical_grad(lambda *xs: _outputs(fn(*xs), keep), inputs, eps=eps, grad_outputs=vs)
    rel, ab = 0.0, 0.0
    for a, n, x in zip(analytic, numeric, inputs):
        a = np.zeros(x.shape) if a is None else np.asarray(a._data)
        d = np.abs(a - n)
        if d.size:
            rel = max(rel, float(np.max(d / np.maximum(np.maximum(np.abs(a), np.abs(n)), FLOOR))))
        ab = max(ab, float(d.max()) if d.size else 0.0)
    return rel, ab


def _op_classes(outs) -> set[str]:
    from ..viz.graph import forward_order

    names = set()
    for o in outs:
        names |= {type(fn).__name__ for fn in forward_order(o)}
    return names


def all_op_classes() -> set[str]:
    from .. import ops  # noqa: F401  (loads every op module)
    from ..autograd.function import Op

    found, stack = set(), [Op]
    while stack:
        cls = stack.pop()
        for s in cls.__subclasses__():
            stack.append(s)
            if s.__module__.startswith("chainrule.ops"):
                found.add(s.__name__)
    return found


def run(r) -> dict:
    rng = r.rng(5)
    rows, covered = [], set()
    table = cases()
    if r.quick:
        table = table[::6]
    for name, fn, shapes, kind, *eps in table:
        if isinstance(kind, str) and kind.startswith("module"):
            x = _inputs(shapes, "away0" if kind.endswith("away0") else "normal", rng)[0]
            m, inputs = fn(x)
            call = _call_module(m)
        else:
            inputs = _inputs(shapes, kind, rng)
            call = fn
        rel, ab = check(call, inputs, rng, *eps)
        classes = _op_classes(_outputs(call(*inputs)))
        covered |= classes
        rows.append({"op": name, "max_relative_error": rel, "max_abs_error": ab, "ok": rel < OK,
                     "nodes": sorted(classes)})
    # Rounding and FloorDivide have no derivative (as in PyTorch); Tri is the base of Tril and Triu
    missed = sorted(all_op_classes() - covered - {"Rounding", "FloorDivide", "Tri"})
    text = _table(rows)
    print(text)
    (r.out / "table.txt").write_text(text + "\n", encoding="utf-8")
    if r.can_plot:
        _plots(r, rows)
    worst = max(rows, key=lambda row: row["max_relative_error"])
    return {"result": {"cases": len(rows), "all_ok": all(row["ok"] for row in rows),
                       "worst": {"op": worst["op"], "max_relative_error": worst["max_relative_error"]},
                       "op_classes_not_covered": missed if not r.quick else "(quick run: a sample of cases)"},
            "rows": rows, "op_classes_covered": sorted(covered),
            "method": "central differences h=1e-6 in float64 vs backward with a random cotangent; "
                      "relative error |a-n| / max(|a|, |n|, 1e-3), worst element"}


def _table(rows) -> str:
    w = max(len(row["op"]) for row in rows)
    lines = [f"{'op':<{w}}  max relative error  ok", "-" * (w + 24)]
    for row in rows:
        lines.append(f"{row['op']:<{w}}  {row['max_relative_error']:18.2e}  {'yes' if row['ok'] else 'NO'}")
    return "\n".join(lines)


def _plots(r, rows) -> None:
    fig, ax = r.figure(size=(8, max(4.5, 0.2 * len(rows) + 1.6)))
    errs = [max(row["max_relative_error"], 1e-17) for row in rows]
    ax.barh(range(len(rows)), errs, color=["#2563eb" if row["ok"] else "#dc2626" for row in rows])
    ax.set_yticks(range(len(rows)), [row["op"] for row in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # the first case on top
    ax.set_xscale("log")
    ax.axvline(OK, color="#dc2626", ls="--", lw=1.2, label=f"tolerance {OK:g}: a bar past this line fails")
    ax.set_xlabel("max relative error, analytic vs numerical gradient (log scale; shorter is better)")
    n_ok = sum(row["ok"] for row in rows)
    ax.set_title(f"gradcheck in float64: {n_ok} of {len(rows)} ops within tolerance")
    ax.legend(loc="lower right", fontsize=9, framealpha=0.95)
    ax.grid(alpha=0.3, axis="x")
    r.save(fig, "gradcheck.png")
