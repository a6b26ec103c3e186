"""Views that are views, in-place ops through them, and edits of saved tensors - against PyTorch.

The generated test draws sequences (a base, a view made before the edit, a chain of one or two view ops, one
in-place op - sometimes under no_grad -, a weighted sum of all three, backward) and requires chainrule to
raise where PyTorch raises (same exception type) and otherwise to give the same values and gradients.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn.functional as crF

torch = pytest.importorskip("torch")
tF = torch.nn.functional
F_OF = {torch: tF, cr: crF}

N_SEQ = 500


# ---- the issue's cases
# ---------------------------------------------------------------------------------------
def _issue_cases(m):
    F = F_OF[m]
    out = {}
    x = m.ones(4, requires_grad=True)
    a = x * 1
    a[0][...] = 5.0
    out["a[0] = 5"] = a.tolist()
    b = (x * 1).reshape(2, 2)
    b[0][1] = 5.0
    out["b[0][1] = 5"] = b.tolist()
    a = x * 1
    v = a[:2]
    v.mul_(3)
    a.sum().backward()
    out["v = a[:2]; v.mul_(3): x.grad"] = x.grad.tolist()
    x2 = m.tensor([[0.5, -1.0, 2.0], [1.5, -0.5, 0.25]], requires_grad=True)
    for name, edit in (("a[:, 0].sigmoid_()", lambda a: a[:, 0].sigmoid_()),
                       ("F.relu(a[:, 1:], inplace=True)", lambda a: F.relu(a[:, 1:], inplace=True)),
                       ("a.t().add_(1)", lambda a: a.t().add_(1))):
        x2.grad = None
        a = x2 * 1
        edit(a)
        (a * a).sum().backward()
        out[name] = a.tolist()
        out[name + ": grad"] = x2.grad.tolist()
    return out


def test_issue_cases_match_pytorch():
    mine, theirs = _issue_cases(cr), _issue_cases(torch)
    for k in theirs:
        np.testing.assert_allclose(mine[k], theirs[k], rtol=1e-6, err_msg=k)


def test_view_of_intermediate_written_in_place():
    x = cr.ones(4, requires_grad=True)
    a = x * 1
    v = a[:2]
    v.mul_(3)
    assert a.tolist() == [3.0, 3.0, 1.0, 1.0] and a.grad_fn.name() == "CopySlices"
    a.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 1.0, 1.0]


# ---- views know their base
# ------------------------------------------------------------------------------------
VIEW_OPS = {
    "slice": lambda m, t: t[1:, ::2],
    "int": lambda m, t: t[1],
    "none_ellipsis": lambda m, t: t[None, ..., 0],
    "view": lambda m, t: t.view(-1),
    "reshape": lambda m, t: t.reshape(4, 6),
    "t": lambda m, t: t[0].t(),
    "transpose": lambda m, t: t.transpose(0, 2),
    "permute": lambda m, t: t.permute(1, 2, 0),
    "T": lambda m, t: t[0].T,
    "unsqueeze": lambda m, t: t.unsqueeze(1),
    "squeeze": lambda m, t: t[:, :1].squeeze(1),
    "expand": lambda m, t: t[:, :1].expand(2, 5, 4),
    "narrow": lambda m, t: t.narrow(2, 1, 2),
    "select": lambda m, t: m.select(t, 1, 2),
    "diagonal": lambda m, t: t.diagonal(0, 1, 2),
    "unbind": lambda m, t: t.unbind(1)[2],
    "split": lambda m, t: t.split(2, 2)[1],
    "chunk": lambda m, t: t.chunk(3, 1)[1],
    "flatten": lambda m, t: t.flatten(1),
    "unflatten": lambda m, t: t.unflatten(2, (2, 2)),
    "movedim": lambda m, t: m.movedim(t, 0, 2),
    "view_as": lambda m, t: t.view_as(m.zeros(6, 4)),
}


@pytest.mark.parametrize("name", list(VIEW_OPS))
def test_view_ops_share_memory_version_and_know_their_base(name):
    f = VIEW_OPS[name]
    x0 = np.arange(24.0).reshape(2, 3, 4)
    tx, cx = torch.tensor(x0), cr.tensor(x0)
    tv, cv = f(torch, tx), f(cr, cx)
    assert tv._base is tx and cv._base is cx and cv._is_view()
    assert tuple(cv.shape) == tuple(tv.shape)
    np.testing.assert_array_equal(cv.numpy(), tv.numpy())
    with cr.no_grad():
        cx.mul_(2)
    assert cv._version_count == cx._version_count == 1
    np.testing.assert_array_equal(cv.numpy(), f(cr, cr.tensor(x0 * 2)).numpy())  # the view sees the write
    if name != "expand":
        cv.add_(1)  # and the base sees the view's writes
        tx.mul_(2)
        tv.add_(1)
        np.testing.assert_array_equal(cx.numpy(), tx.numpy())
        assert cx._version_count == 2


def test_view_of_a_view_has_the_root_as_base_and_detach_is_not_a_view():
    x = cr.zeros(2, 3, 4)
    v = x[1].t()[::2]
    assert v._base is x and x._base is None and x.detach()._base is None
    assert x.detach()._version is x._vc()  # detach shares the counter, as in PyTorch


@pytest.mark.parametrize("make", [lambda m, t: t.transpose(0, 1).reshape(-1), lambda m, t: t.t().flatten(),
                                  lambda m, t: t.t().contiguous(), lambda m, t: t.flip(0),
                                  lambda m, t: t[[0, 1]]])
def test_copies_are_not_views(make):
    tx, cx = torch.zeros(2, 3), cr.zeros(2, 3)
    tv, cv = make(torch, tx), make(cr, cx)
    assert tv._base is None and cv._base is None
    cv.add_(1)
    assert cx.sum().item() == 0.0


def test_view_of_non_viewable_strides_raises_as_pytorch():
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        cr.zeros(2, 3).t().view(-1)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        torch.zeros(2, 3).t().view(-1)


# ---- errors
# ---------------------------------------------------------------------------------------------------
def _errors(m):
    F = F_OF[m]
    x = m.ones(2, 3, requires_grad=True)

    def leaf_view():
        x[0].mul_(2)

    def leaf_setitem():
        x[0] = 1.0

    def leaf_relu():
        F.relu(x[:, 0], inplace=True)

    def no_grad_view():
        a = x * 1
        with m.no_grad():
            v = a[0]
        v.mul_(2)

    def no_grad_view_used_after_base_edit():
        a = x * 1
        with m.no_grad():
            v = a[0]
        a.mul_(2)
        return v * 2

    def split_output():
        (x * 1).split(1)[0].mul_(2)

    def unbind_output():
        (x * 1).unbind(0)[1].add_(1)

    def view_of_split_output():
        (x * 1).split(1)[0][0].add_(1)

    def split_output_used_after_base_edit():
        a = x * 1
        p = a.split(1)[0]
        a.mul_(2)
        return p * 2

    def expanded():
        (x * 1)[:, :1].expand(2, 3).add_(1)

    def saved_output_edited_grad_on():
        s = (x * 1).sigmoid()
        s.mul_(2)
        s.sum().backward()

    def saved_output_edited_through_view():
        s = (x * 1).exp()
        s[0].zero_()
        s.sum().backward()

    def saved_output_edited_no_grad():
        s = (x * 1).tanh()
        with m.no_grad():
            s[:, 1].add_(1)
        s.sum().backward()

    def saved_input_edited_through_view():
        a = x * 1
        b = a * a
        a[1].add_(1)
        b.sum().backward()

    def saved_input_view_edited_through_base():
        a = x * 1
        v = a[1]
        b = v.sin()
        a.add_(1)
        b.sum().backward()

    def relu_inplace_then_edit():
        r = F.relu(x * 1, inplace=True)
        r.mul_(2)
        r.sum().backward()

    def unsaved_input_edit_is_harmless():
        a = x * 1
        b = a + 1
        a.mul_(2)
        b.sum().backward()

    def no_grad_write_on_view_of_leaf():
        with m.no_grad():
            x[0].mul_(1)
        return x._version

    return {k: v for k, v in locals().items() if callable(v) and k not in ("F",)}


def _outcome(fn):
    try:
        fn()
        return None
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("name", list(_errors(cr)))
def test_errors_match_pytorch(name):
    mine, theirs = _outcome(_errors(cr)[name]), _outcome(_errors(torch)[name])
    assert (mine is None) == (theirs is None), f"chainrule {mine}, torch {theirs}"
    if theirs is not None:
        assert mine[0] == theirs[0]
        key = re.sub(r"of \w+ is a view", "of OP is a view", theirs[1]).split(".")[0].split(":")[0]
        mine = mine[0], re.sub(r"of \w+ is a view", "of OP is a view", mine[1])  # op names differ
        if "is at version" in theirs[1]:
            key = "one of the variables needed for gradient computation has been modified by an inplace"
        assert key[:60] in mine[1], f"chainrule: {mine[1]!r}\ntorch: {theirs[1]!r}"


def test_version_error_names_tensor_and_versions():
    x = cr.ones(3, requires_grad=True)
    s = (x * 1).sigmoid()
    s.mul_(2)
    with pytest.raises(RuntimeError, match=r"\[torch.FloatTensor \[3\]\], which is output 0 of "
                                           r"SigmoidBackward0, is at version 1; expected version 0 instead"):
        s.sum().backward()


def test_no_grad_write_through_view_bumps_version_and_keeps_graph():
    x = cr.ones(3, requires_grad=True)
    a = x * 2
    with cr.no_grad():
        a[1:].mul_(5)
    assert a.tolist() == [2.0, 10.0, 10.0] and a._version_count == 1 and a.grad_fn.name() == "MulBackward0"
    a.sum().backward()  # MulBackward saved nothing of a: no error, PyTorch's gradient of the recorded graph
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


# ---- generated sequences: view op -> in-place op -> reduction -> backward
# -------------------------------------
def _view_spec(rng, shape):
    """A view op valid for `shape`, as (name, params, new shape)."""
    nd = len(shape)
    options = ["slice", "unsqueeze"]
    if nd >= 1:
        options += ["select", "narrow", "reshape"] + (["unbind", "split"] if rng.random() < 0.3 else [])
    if nd >= 2:
        options += ["transpose", "diagonal", "permute", "flatten"]
    if nd == 2:
        options += ["t"]
    if 1 in shape:
        options += ["squeeze", "expand"]
    name = rng.choice(options)
    if name == "slice":
        idx = []
        for n in shape[:int(rng.integers(1, nd + 1))] if nd else ():
            if rng.random() < 0.25 and n > 0:
                idx.append(int(rng.integers(0, n)))
            else:
                lo = int(rng.integers(0, max(n, 1)))
                idx.append(slice(lo, None, int(rng.integers(1, 3))))
        return ("slice", tuple(idx))
    if name == "select":
        d = int(rng.integers(0, nd))
        return ("select", (d, int(rng.integers(0, shape[d])))) if shape[d] else ("slice", ())
    if name == "narrow":
        d = int(rng.integers(0, nd))
        start = int(rng.integers(0, shape[d] + 1))
        return ("narrow", (d, start, int(rng.integers(0, shape[d] - start + 1))))
    if name == "reshape":
        return ("reshape", (-1,))
    if name == "unbind":
        d = int(rng.integers(0, nd))
        return ("unbind", (d, int(rng.integers(0, shape[d])))) if shape[d] else ("slice", ())
    if name == "split":
        d = int(rng.integers(0, nd))
        return ("split", (d, 2, 0))
    if name == "unsqueeze":
        return ("unsqueeze", (int(rng.integers(0, nd + 1)),))
    if name == "transpose":
        return ("transpose", tuple(int(v) for v in rng.choice(nd, 2, replace=False)))
    if name == "permute":
        return ("permute", tuple(int(v) for v in rng.permutation(nd)))
    if name == "diagonal":
        d1, d2 = (int(v) for v in rng.choice(nd, 2, replace=False))
        return ("diagonal", (int(rng.integers(-1, 2)), d1, d2))
    if name == "flatten":
        return ("flatten", (0, nd - 1))
    if name == "squeeze":
        return ("squeeze", (shape.index(1),))
    if name == "expand":
        d = shape.index(1)
        return ("expand", tuple(3 if k == d else -1 for k in range(nd)))
    return ("t", ())


def _apply_view(m, t, spec):
    name, p = spec
    if name == "slice":
        return t[p]
    if name == "select":
        return m.select(t, *p)
    if name == "narrow":
        return t.narrow(*p)
    if name == "reshape":
        return t.reshape(*p)
    if name == "unbind":
        return t.unbind(p[0])[p[1]]
    if name == "split":
        return t.split(p[1], p[0])[p[2]]
    if name == "unsqueeze":
        return t.unsqueeze(*p)
    if name == "transpose":
        return t.transpose(*p)
    if name == "permute":
        return t.permute(*p)
    if name == "diagonal":
        return t.diagonal(*p)
    if name == "flatten":
        return t.flatten(*p)
    if name == "squeeze":
        return t.squeeze(*p)
    if name == "expand":
        return t.expand(*p)
    return t.t()


INPLACE = ["add_", "mul_", "mul_t", "div_", "sigmoid_", "tanh_", "exp_", "neg_", "relu_inplace", "zero_",
           "fill_", "copy_", "clamp_", "setitem", "setitem0", "pow_"]


def _apply_inplace(m, v, name, other):
    F = F_OF[m]
    if name == "add_":
        return v.add_(0.5)
    if name == "mul_":
        return v.mul_(3.0)
    if name == "mul_t":
        return v.mul_(other)
    if name == "div_":
        return v.div_(other)
    if name == "relu_inplace":
        return F.relu(v, inplace=True)
    if name == "fill_":
        return v.fill_(1.5)
    if name == "copy_":
        return v.copy_(other)
    if name == "clamp_":
        return v.clamp_(-0.5, 0.5)
    if name == "setitem":
        v[...] = other
        return v
    if name == "setitem0":
        v[0] = 2.0
        return v
    if name == "pow_":
        return v.pow_(2)
    return getattr(v, name)()


def _sequence(m, s):
    """Run one generated sequence in library m; returns what is compared."""
    x = m.tensor(s["x"], requires_grad=True)
    o = m.tensor(s["other"], requires_grad=True)
    if s["base"] == "nonleaf":
        base = x * 1
    elif s["base"] == "exp":
        base = x.exp()  # saves its output: editing it must fail at backward
    elif s["base"] == "leaf":
        base = x
    else:
        base = m.tensor(s["x"])  # no grad; the in-place op's operand may bring it
    before = _apply_view(m, base, s["pre"])
    v = base
    for spec in s["chain"]:
        v = _apply_view(m, v, spec)
    if s["no_grad"]:
        with m.no_grad():
            _apply_inplace(m, v, s["op"], o.detach() if s["op"] != "setitem0" else None)
    else:
        _apply_inplace(m, v, s["op"], o)
    loss = (base * m.tensor(s["w1"])).sum() + (before * m.tensor(s["w2"])).sum() + (v * s["w3"]).sum()
    loss.backward()
    return base.detach().numpy().copy(), x.grad, o.grad


def _draw(rng):
    shape = [(3, 4), (2, 3, 4), (4,), (2, 1, 3)][int(rng.integers(0, 4))]
    base = rng.choice(["nonleaf", "nonleaf", "exp", "leaf", "plain"], p=[0.4, 0.2, 0.1, 0.1, 0.2])
    x = rng.uniform(0.5, 1.5, shape)
    chain, sh = [], shape
    for _ in range(int(rng.integers(1, 3))):
        spec = _view_spec(rng, sh)
        chain.append(spec)
        sh = tuple(_apply_view(cr, cr.zeros(sh), spec).shape)
    pre = _view_spec(rng, shape)
    pre_shape = tuple(_apply_view(cr, cr.zeros(shape), pre).shape)
    op = INPLACE[int(rng.integers(0, len(INPLACE)))]
    if base == "plain" and op not in ("mul_t", "div_", "copy_", "setitem"):
        base = "nonleaf"  # else nothing requires grad and both only raise at backward
    oshape = sh if rng.random() < 0.7 or not sh else sh[1:]
    if op == "setitem0" and not sh:
        op = "add_"
    return {"x": x, "chain": chain, "pre": pre, "op": op, "base": base, "no_grad": rng.random() < 0.15,
            "other": rng.uniform(0.5, 1.5, oshape), "w1": rng.standard_normal(shape),
            "w2": rng.standard_normal(pre_shape), "w3": float(rng.standard_normal())}


def test_generated_view_inplace_sequences_match_pytorch():
    rng = np.random.default_rng(7)
    checked = raised = 0
    for k in range(N_SEQ):
        s = _draw(rng)
        res = {}
        for m in (torch, cr):
            try:
                res[m] = ("ok", _sequence(m, s))
            except (RuntimeError, IndexError, ValueError, TypeError) as e:
                res[m] = ("raised", e)
        where = (f"case {k}: {s['base']} base {s['x'].shape}, pre {s['pre']}, chain {s['chain']}, {s['op']}"
                 + (" under no_grad" if s["no_grad"] else ""))
        (tk, tr), (ck, cres) = res[torch], res[cr]
        assert tk == ck, f"{where}: torch {tk} {tr if tk == 'raised' else ''}, chainrule {ck} " \
                         f"{cres if ck == 'raised' else ''}"
        if tk == "raised":
            assert type(tr).__name__ == type(cres).__name__, f"{where}: torch {tr!r}, chainrule {cres!r}"
            raised += 1
            continue
        (tb, tg, to), (cb, cg, co) = tr, cres
        np.testing.assert_allclose(cb, tb, rtol=1e-6, err_msg=where + " (base values)")
        for name, t, c in (("x.grad", tg, cg), ("other.grad", to, co)):
            assert (t is None) == (c is None), f"{where}: {name} torch {t}, chainrule {c}"
            if t is not None:
                np.testing.assert_allclose(c.numpy(), t.numpy(), rtol=1e-6, atol=1e-12,
                                           err_msg=f"{where} ({name})")
        checked += 1
    assert checked > N_SEQ // 3 and raised > N_SEQ // 10, (checked, raised)


def test_no_grad_view_of_a_tensor_without_grad_counts_as_made_in_grad_mode():
    """A documented difference: the grad mode a view was made in is known only when its base requires grad
    (reading the thread-local mode per view op would slow every op), so an in-place op that records on a view
    made under no_grad of a plain tensor works here; PyTorch refuses it."""
    x = cr.ones(2, requires_grad=True)
    a = cr.zeros(4)
    with cr.no_grad():
        v = a[:2]
    v.copy_(x * 3)
    a.sum().backward()
    assert a.tolist() == [3.0, 3.0, 0.0, 0.0] and x.grad.tolist() == [3.0, 3.0]
    t = torch.zeros(4)
    with torch.no_grad():
        tv = t[:2]
    with pytest.raises(RuntimeError, match="A view was created in no_grad mode"):
        tv.copy_(torch.ones(2, requires_grad=True) * 3)

