"""nn.init (PyTorch's formulas: gains, fans, bounds, statistics) and nn.utils (clipping, vector conversion)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from nn_oracle import load_torch

import chainrule as cr
from chainrule import nn
from chainrule.nn import init

torch = load_torch()


def test_calculate_gain_matches_torch():
    for name in ["linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu", "conv_transpose1d"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(torch.nn.init.calculate_gain("leaky_relu", 0.2))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == pytest.approx(math.sqrt(1 / 3))
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")


def test_fans_of_linear_and_conv_weights_match_torch():
    for shape in [(5, 7), (8, 3, 5, 5), (4, 2, 3)]:
        ours = init._calculate_fan_in_and_fan_out(cr.empty(*shape))
        assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    assert init._calculate_fan_in_and_fan_out(cr.empty(8, 3, 5, 5)) == (75, 200)  # in * k*k, out * k*k
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(cr.empty(5))


def _uniform_ok(t, bound):
    """Uniform on [-bound, bound]: within the bounds, reaching close to them, std = bound / sqrt(3)."""
    a = t.detach().numpy()
    assert np.abs(a).max() <= bound * (1 + 1e-6) and np.abs(a).max() > 0.99 * bound
    assert a.std() == pytest.approx(bound / math.sqrt(3), rel=0.02) and abs(a.mean()) < 0.02 * bound


def _normal_ok(t, std):
    a = t.detach().numpy()
    assert a.std() == pytest.approx(std, rel=0.02) and abs(a.mean()) < 0.02 * std


def test_uniform_initialisers_hit_the_formula_bounds():
    w = cr.empty(400, 300)
    _uniform_ok(init.xavier_uniform_(w), math.sqrt(6 / 700))
    _uniform_ok(init.xavier_uniform_(w, gain=init.calculate_gain("tanh")), 5 / 3 * math.sqrt(6 / 700))
    _uniform_ok(init.kaiming_uniform_(w), math.sqrt(2) * math.sqrt(3 / 300))  # a=0: leaky_relu gain sqrt(2)
    _uniform_ok(init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"), math.sqrt(2) * math.sqrt(3 / 400))
    conv = cr.empty(64, 16, 3, 3)  # fan_in = 144
    _uniform_ok(init.kaiming_uniform_(conv, a=math.sqrt(5)), 1 / math.sqrt(144))
    _uniform_ok(init.uniform_(w, -0.3, 0.3), 0.3)


def test_normal_initialisers_have_the_formula_std():
    w = cr.empty(400, 300)
    _normal_ok(init.xavier_normal_(w), math.sqrt(2 / 700))
    _normal_ok(init.kaiming_normal_(w, nonlinearity="relu"), math.sqrt(2 / 300))
    _normal_ok(init.kaiming_normal_(w, a=0.2, mode="fan_out"), math.sqrt(2 / 1.04) / math.sqrt(400))
    _normal_ok(init.normal_(w, 1.0, 0.5) - 1.0, 0.5)
    t = init.trunc_normal_(cr.empty(100_000), std=1.0, a=-2.0, b=2.0)
    assert t.numpy().min() >= -2 and t.numpy().max() <= 2
    assert t.numpy().std() == pytest.approx(0.8796, rel=0.02)  # the std of N(0,1) truncated to [-2, 2]


def test_linear_default_init_is_pytorchs():
    lin = nn.Linear(300, 400)
    bound = 1 / math.sqrt(300)
    _uniform_ok(lin.weight, bound)
    assert np.abs(lin.bias.detach().numpy()).max() <= bound
    assert lin.weight.dtype == cr.float32 and nn.Linear(3, 2, dtype=cr.float64).weight.dtype == cr.float64


def test_constant_eye_orthogonal_dirac():
    w = cr.empty(3, 5)
    assert (init.zeros_(w).numpy() == 0).all() and (init.ones_(w).numpy() == 1).all()
    assert (init.constant_(w, 0.25).numpy() == 0.25).all()
    np.testing.assert_array_equal(init.eye_(w).numpy(), np.eye(3, 5))
    for shape in [(6, 4), (4, 6), (4, 2, 3)]:
        q = init.orthogonal_(cr.empty(*shape), gain=2.0).numpy().reshape(shape[0], -1)
        small = q @ q.T if shape[0] <= q.shape[1] else q.T @ q
        np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-5)
    d = init.dirac_(cr.empty(2, 2, 3, 3)).numpy()
    assert d[0, 0, 1, 1] == 1 and d[1, 1, 1, 1] == 1 and d.sum() == 2


def test_init_is_reproducible_and_unrecorded():
    cr.manual_seed(3)
    a = nn.Linear(4, 4).weight.detach().numpy().copy()
    cr.manual_seed(3)
    b = nn.Linear(4, 4).weight.detach().numpy().copy()
    np.testing.assert_array_equal(a, b)
    g1 = init.normal_(cr.empty(5), generator=np.random.default_rng(7)).numpy()
    g2 = init.normal_(cr.empty(5), generator=np.random.default_rng(7)).numpy()
    np.testing.assert_array_equal(g1, g2)
    p = nn.Parameter(cr.zeros(3))
    init.uniform_(p)  # a leaf that requires grad: filled in place, no graph, still a leaf
    assert p.is_leaf and p.grad_fn is None and p.requires_grad


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type):
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) * 3 for s in [(4, 3), (3,), (2, 2)]]
    ours = [nn.Parameter(cr.zeros(*g.shape)) for g in grads]
    ref = [torch.nn.Parameter(torch.zeros(*g.shape)) for g in grads]
    for p, q, g in zip(ours, ref, grads):
        p.grad, q.grad = cr.tensor(g.copy()), torch.tensor(g.copy())
    total = nn.utils.clip_grad_norm_(ours, 1.5, norm_type)
    total_ref = torch.nn.utils.clip_grad_norm_(ref, 1.5, norm_type)
    assert isinstance(total, cr.Tensor) and total.item() == pytest.approx(total_ref.item(), rel=1e-5)
    for p, q in zip(ours, ref):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_edge_cases_and_clip_value():
    p = nn.Parameter(cr.ones(3))
    assert nn.utils.clip_grad_norm_([p], 1.0).item() == 0.0  # no gradients at all
    p.grad = cr.tensor([float("inf"), 0.0, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    p.grad = cr.tensor([0.5, -2.0, 3.0])
    nn.utils.clip_grad_value_(p, 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), [0.5, -1.0, 1.0])
    p.grad = cr.tensor([3.0, 4.0, 0.0])
    nn.utils.clip_grad_norm_(p, 10.0)  # below the limit: untouched
    np.testing.assert_array_equal(p.grad.numpy(), [3.0, 4.0, 0.0])


def test_parameters_to_vector_and_back():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vec = nn.utils.parameters_to_vector(model.parameters())
    assert vec.shape == (11,) and vec.requires_grad
    flat = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    np.testing.assert_array_equal(vec.detach().numpy(), flat)
    nn.utils.vector_to_parameters(cr.arange(11, dtype=cr.float32), model.parameters())
    np.testing.assert_array_equal(model[0].weight.detach().numpy(), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(model[1].bias.detach().numpy(), [10])
    with pytest.raises(ValueError, match=r"need \(11,\)"):
        nn.utils.vector_to_parameters(cr.zeros(5), model.parameters())
