"""F.interpolate, transposed / 1-d convolutions, adaptive max pooling and max_unpool against PyTorch on
generated geometries: the same output (shape, dtype, values) and the same gradient of every input."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import load_torch

import chainrule as cr
import chainrule.nn.functional as F

torch = load_torch()
TF = torch.nn.functional


def _both(name, **kw):
    """F.name(*inputs, **kw) in chainrule and in torch (a pair of functions; no loop variables captured)."""
    return (lambda *t: getattr(F, name)(*t, **kw)), (lambda *t: getattr(TF, name)(*t, **kw))


def _run(fn_cr, fn_t, arrays, seed=0, atol=1e-5, grads=True):
    """Both frameworks on the same arrays: outputs equal; with grads, every input's gradient equal."""
    cs = [cr.tensor(a, requires_grad=grads and a.dtype.kind == "f") for a in arrays]
    ts = [torch.tensor(a, requires_grad=grads and a.dtype.kind == "f") for a in arrays]
    oc, ot = fn_cr(*cs), fn_t(*ts)
    assert oc.shape == tuple(ot.shape)
    assert str(oc.dtype).split(".")[-1] == str(ot.dtype).split(".")[-1]
    np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), atol=atol, rtol=1e-5)
    if grads:
        g = np.random.default_rng(seed).standard_normal(oc.shape).astype(oc.dtype)
        oc.backward(cr.tensor(g))
        ot.backward(torch.tensor(g))
        for c, t in zip(cs, ts):
            if t.requires_grad:
                np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), atol=atol * 10, rtol=1e-4)
    return oc, ot


def _torch_nearest_grad_differs(mode, xs, kw):
    """PyTorch's 1-d and 3-d nearest backward copies (n_out = n_in) or halves (n_out = 2 n_in) the index
    whatever the scale_factor, while its forward uses the scale: its gradient is not the forward's there.
    chainrule's gradient follows its (PyTorch's) forward; those cases are checked by gradcheck instead."""
    if mode != "nearest" or len(xs) == 4 or "scale_factor" not in kw or kw.get("recompute_scale_factor"):
        return False
    return any(int(np.floor(n * s)) in (n, 2 * n) and s not in (1.0, 2.0)
               for n, s in zip(xs[2:], kw["scale_factor"]))


MODES = ["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear"]


@pytest.mark.parametrize("mode", MODES)
def test_interpolate_matches_torch_on_generated_sizes(mode):
    rng = np.random.default_rng(MODES.index(mode))
    dims = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(mode)
    checked = 0
    for _ in range(40):
        d = dims or int(rng.integers(1, 4))
        xs = (2, 2) + tuple(int(v) for v in rng.integers(1, 9, d))
        kw = {}
        if rng.random() < 0.5:
            kw["size"] = [int(v) for v in rng.integers(1, 17, d)]
        else:
            kw["scale_factor"] = [float(np.round(rng.uniform(0.3, 3.5), 2)) for _ in range(d)]
            if rng.random() < 0.3:
                kw["recompute_scale_factor"] = True
        if mode not in ("nearest", "nearest-exact") and rng.random() < 0.5:
            kw["align_corners"] = True
        out = [int(np.floor(n * s)) for n, s in zip(xs[2:], kw["scale_factor"])] if "scale_factor" in kw else [1]
        if min(out) < 1:
            continue
        x = rng.standard_normal(xs).astype(np.float32)
        grads = not _torch_nearest_grad_differs(mode, xs, kw)
        _run(*_both("interpolate", mode=mode, **kw), [x], grads=grads, atol=2e-5)
        checked += 1
    assert checked > 25


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialiased_interpolate_matches_torch(mode):
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(40):
        xs = (2, 2) + tuple(int(v) for v in rng.integers(2, 20, 2))
        kw = {"align_corners": bool(rng.random() < 0.3)}
        if rng.random() < 0.5:
            kw["size"] = [int(v) for v in rng.integers(2, 20, 2)]
            out = kw["size"]
        else:
            kw["scale_factor"] = [float(np.round(rng.uniform(0.1, 2.5), 2)) for _ in range(2)]
            out = [int(np.floor(n * f)) for n, f in zip(xs[2:], kw["scale_factor"])]
        if min(out) < 2:  # PyTorch's antialiased kernel is wrong for a width of 1 (it returns one constant)
            continue
        # PyTorch's antialiased forward leaves an axis that keeps its size alone, but with a scale_factor its
        # backward resamples it anyway: its gradient is not its forward's there (gradcheck fails); ours is
        grads = "size" in kw or all(n != o for n, o in zip(xs[2:], out))
        x = rng.standard_normal(xs).astype(np.float32)
        _run(*_both("interpolate", mode=mode, antialias=True, **kw), [x], grads=grads, atol=2e-5)
        checked += 1
    assert checked > 20
    x = cr.tensor(np.random.default_rng(0).standard_normal((1, 1, 5, 3)), requires_grad=True)
    assert cr.autograd.gradcheck(lambda t: F.interpolate(t, scale_factor=(1.14, 1.33), mode=mode, antialias=True), [x])


def test_interpolate_gradient_follows_the_forward_where_torch_differs():
    x = cr.tensor(np.random.default_rng(0).standard_normal((1, 2, 3)), requires_grad=True)
    assert cr.autograd.gradcheck(lambda t: F.interpolate(t, scale_factor=2.12), [x])
    got = F.interpolate(cr.arange(3.0).reshape(1, 1, 3), scale_factor=2.12)
    want = TF.interpolate(torch.arange(3.0).reshape(1, 1, 3), scale_factor=2.12)
    assert got.tolist() == want.tolist()  # [0, 0, 0, 1, 1, 2]


def test_interpolate_area_integer_nearest_and_modules():
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 5)).astype(np.float32)
    _run(lambda t: F.interpolate(t, size=(3, 2), mode="area"), lambda t: TF.interpolate(t, size=(3, 2), mode="area"), [x])
    _run(lambda t: F.interpolate(t[:, :, 0], scale_factor=0.5, mode="area"),
         lambda t: TF.interpolate(t[:, :, 0], scale_factor=0.5, mode="area"), [x])
    u8 = np.arange(24, dtype=np.uint8).reshape(1, 2, 3, 4)
    assert F.interpolate(cr.tensor(u8), size=(5, 7)).tolist() == TF.interpolate(torch.tensor(u8), size=(5, 7)).tolist()
    for make in (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"), lambda nn: nn.Upsample(size=(5, 9)),
                 lambda nn: nn.UpsamplingNearest2d(scale_factor=3), lambda nn: nn.UpsamplingBilinear2d((4, 11)),
                 lambda nn: nn.Upsample(scale_factor=(1.5, 0.5), mode="bicubic", align_corners=True)):
        mc, mt = make(cr.nn), make(torch.nn)
        assert repr(mc) == repr(mt)
        _run(mc, mt, [x])


def test_interpolate_errors_as_torch():
    x = cr.zeros(1, 1, 4, 4)
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x, size=2, align_corners=True)
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D input"):
        F.interpolate(x, size=2, mode="linear")
    with pytest.raises(ValueError, match="either size or scale_factor"):
        F.interpolate(x)
    with pytest.raises(ValueError, match="Anti-alias option is restricted"):
        F.interpolate(x, size=2, antialias=True)
    with pytest.raises(ValueError, match="recompute_scale_factor is not meaningful"):
        F.interpolate(x, size=3, recompute_scale_factor=True)


def test_conv_transpose2d_matches_torch_on_generated_geometries():
    rng = np.random.default_rng(2)
    checked = 0
    for _ in range(60):
        g = int(rng.integers(1, 3))
        cin, cog = g * int(rng.integers(1, 3)), int(rng.integers(1, 3))
        k, s, d = (tuple(int(v) for v in rng.integers(lo, hi, 2)) for lo, hi in ((1, 4), (1, 4), (1, 3)))
        p = tuple(int(v) for v in rng.integers(0, 3, 2))
        op = tuple(int(rng.integers(0, max(s[i], d[i]))) for i in range(2))
        hw = tuple(int(v) for v in rng.integers(1, 6, 2))
        if any((hw[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 < 1 for i in range(2)):
            continue
        x, w, b = (rng.standard_normal(sh) for sh in ((2, cin) + hw, (cin, cog) + k, (cog * g,)))
        _run(*_both("conv_transpose2d", stride=s, padding=p, output_padding=op, groups=g, dilation=d), [x, w, b],
             atol=1e-9)
        checked += 1
    assert checked > 30


def test_conv1d_and_conv_transpose1d_match_torch():
    rng = np.random.default_rng(3)
    for _ in range(20):
        g = int(rng.integers(1, 3))
        c, o, k = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3)), int(rng.integers(1, 4))
        s, d, p = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(0, 2))
        length = int(rng.integers(d * (k - 1) + 1, 12))
        x, w, b = rng.standard_normal((2, c, length)), rng.standard_normal((o, c // g, k)), rng.standard_normal(o)
        _run(*_both("conv1d", stride=s, padding=p, dilation=d, groups=g), [x, w, b], atol=1e-9)
        wt = rng.standard_normal((c, o // g, k))
        op = int(rng.integers(0, max(s, d)))
        _run(*_both("conv_transpose1d", stride=s, padding=p, output_padding=op, groups=g, dilation=d), [x, wt, b],
             atol=1e-9)
    x, w = rng.standard_normal((3, 7)).astype(np.float32), rng.standard_normal((2, 3, 3)).astype(np.float32)
    _run(lambda *t: F.conv1d(*t, padding="same", dilation=2), lambda *t: TF.conv1d(*t, padding="same", dilation=2),
         [x, w])


def test_conv_transpose2d_errors():
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or dilation"):
        F.conv_transpose2d(cr.zeros(1, 2, 3, 3), cr.zeros(2, 1, 3, 3), output_padding=1)
    with pytest.raises(RuntimeError, match="weight.shape\\[0\\]"):
        F.conv_transpose2d(cr.zeros(1, 3, 3, 3), cr.zeros(2, 1, 3, 3))


@pytest.mark.parametrize("seed", range(3))
def test_adaptive_max_pool_and_unpool_match_torch(seed):
    rng = np.random.default_rng(10 + seed)
    for _ in range(8):
        hw = tuple(int(v) for v in rng.integers(1, 10, 2))
        out = tuple(int(v) for v in rng.integers(1, 6, 2))
        x = rng.standard_normal((2, 3) + hw).astype(np.float32)
        ic = F.adaptive_max_pool2d(cr.tensor(x), out, True)[1]
        it = TF.adaptive_max_pool2d(torch.tensor(x), out, True)[1]
        assert ic.dtype == cr.int64 and ic.tolist() == it.tolist()
        _run(*_both("adaptive_max_pool2d", output_size=out), [x])
        _run(*_both("adaptive_max_pool1d", output_size=out[1]), [x[:, :, 0]])
        _run(*_both("adaptive_avg_pool1d", output_size=out[0]), [x[:, 0]])
    x = rng.standard_normal((2, 3, 6, 8)).astype(np.float32)
    pc, ic = F.max_pool2d(cr.tensor(x), 2, return_indices=True)
    it = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)[1]
    _run(lambda v: F.max_unpool2d(v, ic, 2), lambda v: TF.max_unpool2d(v, it, 2), [pc.numpy()])
    _run(lambda v: F.max_unpool2d(v, ic, 2, output_size=(7, 9)), lambda v: TF.max_unpool2d(v, it, 2, output_size=(7, 9)),
         [pc.numpy()])
    x1 = rng.standard_normal((2, 3, 9)).astype(np.float32)
    p1c, i1c = F.max_pool1d(cr.tensor(x1), 3, 2, return_indices=True)
    i1t = TF.max_pool1d(torch.tensor(x1), 3, 2, return_indices=True)[1]
    assert i1c.tolist() == i1t.tolist()
    _run(lambda v: F.max_unpool1d(v, i1c, 3, 2), lambda v: TF.max_unpool1d(v, i1t, 3, 2), [p1c.numpy()])
    with pytest.raises(RuntimeError, match="invalid max index"):
        F.max_unpool2d(pc, ic * 100, 2)


@pytest.mark.parametrize("size,dtype", [((3, 5, 4), np.float32), ((2, 2, 7), np.float64), ((4, 3, 1), np.float32),
                                        ((6, 6, 6), np.float64)])
def test_interpolate_area_5d(size, dtype):
    """mode='area' on (N, C, D, H, W) is adaptive_avg_pool3d: values and gradient as PyTorch's, up and down."""
    x = np.random.default_rng(sum(size)).standard_normal((2, 3, 5, 6, 4)).astype(dtype)
    _run(*_both("interpolate", size=size, mode="area"), [x])


def test_interpolate_area_5d_scale_factor():
    x = np.random.default_rng(1).standard_normal((1, 2, 4, 6, 8)).astype(np.float32)
    _run(*_both("interpolate", scale_factor=0.5, mode="area"), [x])


@pytest.mark.parametrize("out_dtype", [np.float32, np.float64])
def test_normalize_out(out_dtype):
    """F.normalize(out=) writes torch.div(input, denom, out=out): the values, out's dtype, out returned."""
    x = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    name = np.dtype(out_dtype).name
    oc, ot = cr.empty(0, dtype=getattr(cr, name)), torch.empty(0, dtype=getattr(torch, name))
    rc = F.normalize(cr.tensor(x), p=1.0, dim=0, out=oc)
    rt = TF.normalize(torch.tensor(x), p=1.0, dim=0, out=ot)
    assert rc is oc and rt is ot and str(oc.dtype) == f"chainrule.{name}"
    np.testing.assert_allclose(oc.numpy(), ot.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError):
        TF.normalize(torch.tensor(x, requires_grad=True), out=torch.empty(0))
    with pytest.raises(RuntimeError):
        F.normalize(cr.tensor(x, requires_grad=True), out=cr.empty(0))
