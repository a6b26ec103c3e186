"""The modules added for real programs (Conv1d, ConvTranspose, GroupNorm, InstanceNorm, pooling, padding,
shuffles, distances, activations) against PyTorch: same repr and state keys, and with the same weights the
same outputs, input gradients and parameter gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_oracle import assert_params_match, copy_weights, load_torch

import chainrule as cr

torch = load_torch()


def _check(make, shapes, seed=0, train=True, atol=1e-5, steps=1):
    """make(nn) in both frameworks, torch's weights copied over; per step the same outputs and gradients."""
    mc, mt = make(cr.nn), make(torch.nn)
    assert repr(mc) == repr(mt)
    assert list(mc.state_dict().keys()) == list(mt.state_dict().keys())
    copy_weights(mc, mt, torch)
    mc.train(train)
    mt.train(train)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        cs = [cr.tensor(a, requires_grad=True) for a in arrays]
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        oc, ot = mc(*cs), mt(*ts)
        np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), atol=atol, rtol=1e-4)
        g = rng.standard_normal(oc.shape).astype(np.float32)
        oc.backward(cr.tensor(g))
        ot.backward(torch.tensor(g))
        for c, t in zip(cs, ts):
            np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), atol=atol * 10, rtol=1e-4)
        assert_params_match(mc, mt, atol=atol * 10)
    for (k, v), (_, w) in zip(mc.state_dict().items(), mt.state_dict().items()):
        np.testing.assert_allclose(np.asarray(v.numpy(), dtype=float), w.numpy().astype(float), rtol=1e-5,
                                   atol=1e-6, err_msg=k)
    return mc, mt


ACTIVATIONS = [
    lambda nn: nn.CELU(0.7), lambda nn: nn.SELU(), lambda nn: nn.Mish(), lambda nn: nn.Hardswish(),
    lambda nn: nn.Hardsigmoid(), lambda nn: nn.Softsign(), lambda nn: nn.LogSigmoid(), lambda nn: nn.Tanhshrink(),
    lambda nn: nn.Softshrink(0.3), lambda nn: nn.Hardshrink(), lambda nn: nn.Threshold(0.2, -1.0),
    lambda nn: nn.GLU(1), lambda nn: nn.SiLU(), lambda nn: nn.GELU(approximate="tanh"), lambda nn: nn.Identity(3, k=2),
    lambda nn: nn.Flatten(), lambda nn: nn.Unflatten(1, (2, 3)),
]


@pytest.mark.parametrize("k", range(len(ACTIVATIONS)))
def test_activation_modules(k):
    _check(ACTIVATIONS[k], [(4, 6)])


def test_rrelu_eval_is_leaky_relu_and_training_draws_slopes():
    _check(lambda nn: nn.RReLU(0.1, 0.3), [(4, 6)], train=False)
    x = cr.tensor(-np.ones(1000, dtype=np.float32), requires_grad=True)
    y = cr.nn.RReLU(0.1, 0.3)(x)
    y.sum().backward()
    slopes = -y.detach().numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    np.testing.assert_allclose(x.grad.numpy(), slopes)


CONVS = [
    (lambda nn: nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), [(2, 4, 9)]),
    (lambda nn: nn.Conv1d(3, 2, 3, padding="same", dilation=2, padding_mode="reflect", bias=False), [(2, 3, 8)]),
    (lambda nn: nn.Conv1d(3, 2, 5, padding=2, padding_mode="circular"), [(3, 7)]),
    (lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), [(2, 4, 5)]),
    (lambda nn: nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), [(2, 8, 5, 5)]),
    (lambda nn: nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), dilation=(1, 2), groups=2, bias=False),
     [(1, 4, 3, 4)]),
]


@pytest.mark.parametrize("k", range(len(CONVS)))
def test_conv_modules(k):
    _check(*CONVS[k])


def test_conv_transpose_output_size_and_init():
    mc, mt = _check(lambda nn: nn.ConvTranspose2d(3, 2, 3, stride=2), [(1, 3, 4, 4)])
    x = np.ones((1, 3, 4, 4), dtype=np.float32)
    oc, ot = mc(cr.tensor(x), output_size=(10, 10)), mt(torch.tensor(x), output_size=(10, 10))
    assert oc.shape == tuple(ot.shape) == (1, 2, 10, 10)
    np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), atol=1e-5)
    with pytest.raises(ValueError, match="requested an output size of"):
        mc(cr.tensor(x), output_size=(12, 12))
    # PyTorch's init: U(+-1/sqrt(fan_in)), fan_in from the weight's dim 1 (out_channels / groups) * kh * kw
    m = cr.nn.ConvTranspose2d(64, 16, 4)
    bound = 1 / math.sqrt(16 * 16)
    w = m.weight.detach().numpy()
    assert m.weight.shape == (64, 16, 4, 4) and np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        cr.nn.ConvTranspose2d(2, 2, 3, padding_mode="reflect")


NORMS = [
    (lambda nn: nn.GroupNorm(2, 6), [(3, 6, 4, 5)]),
    (lambda nn: nn.GroupNorm(3, 6, affine=False), [(3, 6, 7)]),
    (lambda nn: nn.InstanceNorm2d(3), [(2, 3, 4, 5)]),
    (lambda nn: nn.InstanceNorm2d(3, affine=True), [(3, 4, 5)]),
    (lambda nn: nn.InstanceNorm1d(4, affine=True, track_running_stats=True), [(2, 4, 6)]),
]


@pytest.mark.parametrize("k", range(len(NORMS)))
def test_norm_modules(k):
    mc, mt = _check(*NORMS[k], steps=2)
    if getattr(mc, "track_running_stats", False):  # eval mode then uses the running statistics
        _ = mc.eval(), mt.eval()
        x = np.random.default_rng(5).standard_normal(NORMS[k][1][0]).astype(np.float32)
        np.testing.assert_allclose(mc(cr.tensor(x)).detach().numpy(), mt(torch.tensor(x)).detach().numpy(),
                                   atol=1e-5)


POOLS = [
    (lambda nn: nn.AvgPool1d(3, 2, 1), [(2, 3, 8)]),
    (lambda nn: nn.AvgPool1d(2, ceil_mode=True, count_include_pad=False), [(3, 7)]),
    (lambda nn: nn.MaxPool1d(3, 2, 1, dilation=1), [(2, 3, 9)]),
    (lambda nn: nn.AdaptiveAvgPool1d(4), [(2, 3, 9)]),
    (lambda nn: nn.AdaptiveMaxPool1d(4), [(2, 3, 9)]),
    (lambda nn: nn.AdaptiveMaxPool2d((3, None)), [(2, 3, 7, 5)]),
    (lambda nn: nn.AdaptiveMaxPool2d(2), [(3, 8, 6)]),
]


@pytest.mark.parametrize("k", range(len(POOLS)))
def test_pool_modules(k):
    _check(*POOLS[k])


def test_max_unpool_modules():
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    (pc, ic), (pt, it) = cr.nn.MaxPool2d(2, return_indices=True)(cr.tensor(x)), torch.nn.MaxPool2d(
        2, return_indices=True)(torch.tensor(x))
    uc, ut = cr.nn.MaxUnpool2d(2), torch.nn.MaxUnpool2d(2)
    assert repr(uc) == repr(ut)
    np.testing.assert_array_equal(uc(pc, ic).numpy(), ut(pt, it).numpy())
    assert repr(cr.nn.MaxUnpool1d(3, 2)) == repr(torch.nn.MaxUnpool1d(3, 2))


PADS = [
    (lambda nn: nn.ZeroPad2d(1), [(2, 3, 4, 4)]), (lambda nn: nn.ZeroPad1d((1, 2)), [(2, 3, 4)]),
    (lambda nn: nn.ConstantPad1d(2, 3.5), [(2, 3, 4)]), (lambda nn: nn.ConstantPad2d((1, 0, 2, 1), -1.0), [(2, 3, 4, 4)]),
    (lambda nn: nn.ConstantPad3d(1, 0.5), [(1, 2, 3, 3, 3)]),
    (lambda nn: nn.ReflectionPad1d(2), [(2, 3, 5)]), (lambda nn: nn.ReflectionPad2d((1, 0, 2, 1)), [(2, 3, 4, 4)]),
    (lambda nn: nn.ReplicationPad1d((0, 3)), [(2, 3, 4)]), (lambda nn: nn.ReplicationPad2d(2), [(1, 3, 4)]),
    (lambda nn: nn.CircularPad1d(1), [(2, 3, 4)]), (lambda nn: nn.CircularPad2d((1, 2, 0, 1)), [(2, 3, 4, 4)]),
    (lambda nn: nn.ReflectionPad3d(1), [(1, 2, 3, 3, 3)]), (lambda nn: nn.ReplicationPad3d(1), [(1, 2, 3, 3, 3)]),
]


@pytest.mark.parametrize("k", range(len(PADS)))
def test_padding_modules(k):
    _check(*PADS[k])


OTHERS = [
    (lambda nn: nn.PixelShuffle(2), [(2, 8, 3, 4)]), (lambda nn: nn.PixelUnshuffle(2), [(2, 2, 4, 6)]),
    (lambda nn: nn.ChannelShuffle(3), [(2, 6, 2, 3)]),
    (lambda nn: nn.CosineSimilarity(), [(4, 5), (4, 5)]), (lambda nn: nn.CosineSimilarity(dim=0, eps=1e-3), [(4, 5), (4, 5)]),
    (lambda nn: nn.PairwiseDistance(), [(4, 5), (4, 5)]), (lambda nn: nn.PairwiseDistance(p=3.0, keepdim=True), [(4, 5), (4, 5)]),
]


@pytest.mark.parametrize("k", range(len(OTHERS)))
def test_shuffle_and_distance_modules(k):
    _check(*OTHERS[k])


def test_functional_odds_and_ends_match_torch():
    F, TF = cr.nn.functional, torch.nn.functional
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    for fn in (lambda m, t: m.pdist(t), lambda m, t: m.pdist(t, p=1.0), lambda m, t: m.normalize(t, dim=0),
               lambda m, t: m.normalize(t, p=float("inf"))):
        mod_c, mod_t = (cr, torch) if fn.__code__.co_names[0] == "pdist" else (F, TF)
        tc, tt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        oc, ot = fn(mod_c, tc), fn(mod_t, tt)
        np.testing.assert_allclose(oc.detach().numpy(), ot.detach().numpy(), rtol=1e-5, atol=1e-6)
        oc.sum().backward()
        ot.sum().backward()
        np.testing.assert_allclose(tc.grad.numpy(), tt.grad.numpy(), rtol=1e-4, atol=1e-5)
    idx = np.array([0, 3, 1])
    assert F.one_hot(cr.tensor(idx)).dtype == cr.int64
    assert F.one_hot(cr.tensor(idx)).tolist() == TF.one_hot(torch.tensor(idx)).tolist()
    assert F.one_hot(cr.tensor(idx), 6).tolist() == TF.one_hot(torch.tensor(idx), 6).tolist()
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        F.glu(cr.zeros(3, 3))
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        F.pixel_shuffle(cr.zeros(1, 3, 2, 2), 2)
    with pytest.raises(RuntimeError, match="lambda must be greater or equal to 0"):
        F.softshrink(cr.zeros(3), -1.0)
