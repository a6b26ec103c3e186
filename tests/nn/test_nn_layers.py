"""Layers against PyTorch with the same weights: outputs, input gradients, parameter gradients, running stats."""

from __future__ import annotations

import numpy as np
import pytest
from nn_oracle import assert_params_match, compare, copy_weights, load_torch

import chainrule as cr
import chainrule.nn.functional as F
from chainrule import nn
from chainrule.autograd import gradcheck, gradgradcheck

torch = load_torch()
rng = np.random.default_rng(1)


def check_layer(ours, ref, x: np.ndarray, atol=1e-5, train=True):
    """Same weights -> same output, input gradient and parameter gradients (and same buffers afterwards)."""
    copy_weights(ours, ref, torch)
    ours.train(train)
    ref.train(train)
    compare(ours, ref, [x], torch, atol=atol, msg=type(ours).__name__)
    assert_params_match(ours, ref, atol=atol)
    ref_buffers = dict(ref.named_buffers())
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b.numpy(), ref_buffers[name].numpy(), atol=atol, rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("shape", [(8, 5), (2, 3, 5), (5,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch_for_any_leading_dims(shape, bias):
    lin = nn.Linear(5, 4, bias=bias)
    check_layer(lin, torch.nn.Linear(5, 4, bias=bias), rng.standard_normal(shape).astype(np.float32))
    assert lin.weight.shape == (4, 5) and repr(lin) == f"Linear(in_features=5, out_features=4, bias={bias})"


def test_linear_is_one_fused_node():
    x = cr.randn(3, 5)
    out = nn.Linear(5, 2)(x)
    assert out.grad_fn.name() == "AddmmBackward0"
    assert all(isinstance(e, cr.Tensor) for e in out.grad_fn.next if e is not None)  # straight to the leaves


def test_linear_errors_name_shapes_and_fix():
    lin = nn.Linear(4, 3)
    with pytest.raises(RuntimeError, match=r"linear: input \(2, 5\).*in_features"):
        lin(cr.randn(2, 5))
    with pytest.raises(RuntimeError, match=r"input is float64 but weight is float32.*x.float\(\)"):
        lin(cr.tensor(np.ones((2, 4))))


def test_gradcheck_linear_batchnorm_layernorm_float64():
    x = cr.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    w = cr.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    b = cr.tensor(rng.standard_normal(5), requires_grad=True)
    assert gradcheck(F.linear, [x, w, b])
    assert gradgradcheck(F.linear, [x, w, b])
    g = cr.tensor(rng.random(3) + 0.5, requires_grad=True)
    h = cr.tensor(rng.standard_normal(3), requires_grad=True)
    rm, rv = cr.zeros(3, dtype=cr.float64), cr.ones(3, dtype=cr.float64)
    assert gradcheck(lambda a, c, d: F.batch_norm(a, None, None, c, d, training=True), [x, g, h])
    assert gradgradcheck(lambda a, c, d: F.batch_norm(a, None, None, c, d, training=True), [x, g, h])
    assert gradcheck(lambda a, c, d: F.batch_norm(a, rm, rv, c, d, training=False), [x, g, h])
    lw = cr.tensor(rng.random((3, 4)) + 0.5, requires_grad=True)
    lb = cr.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda a, c, d: F.layer_norm(a, (3, 4), c, d), [x, lw, lb])
    assert gradgradcheck(lambda a, c, d: F.layer_norm(a, (4,), c[0], d[0]), [x, lw, lb])
    assert gradcheck(lambda a: F.layer_norm(a, (4,)), [x])


@pytest.mark.parametrize("shape", [(8, 4), (6, 4, 5)])
def test_batchnorm1d_train_and_eval_match_torch(shape):
    """Batch statistics in training (running_var gets the unbiased variance), running statistics in eval."""
    ours, ref = nn.BatchNorm1d(4), torch.nn.BatchNorm1d(4)
    with torch.no_grad():
        ref.weight.uniform_(0.5, 1.5)
        ref.bias.uniform_(-0.5, 0.5)
    for _ in range(3):
        check_layer(ours, ref, (rng.standard_normal(shape) * 2 + 1).astype(np.float32), train=True)
        copy_weights(ours, ref, torch)  # buffers agree already; this keeps the comparison exact
    assert ours.num_batches_tracked.item() == 3 and ours.num_batches_tracked.dtype == cr.int64
    check_layer(ours, ref, rng.standard_normal(shape).astype(np.float32), train=False)
    assert repr(ours) == repr(ref)


@pytest.mark.parametrize("kwargs", [{"momentum": None}, {"affine": False}, {"track_running_stats": False},
                                    {"bias": False}, {"momentum": 0.3, "eps": 1e-3}])
def test_batchnorm1d_options_match_torch(kwargs):
    ours, ref = nn.BatchNorm1d(3, **kwargs), torch.nn.BatchNorm1d(3, **kwargs)
    for _ in range(2):
        check_layer(ours, ref, rng.standard_normal((5, 3)).astype(np.float32), train=True)
    check_layer(ours, ref, rng.standard_normal((5, 3)).astype(np.float32), train=False)
    assert repr(ours) == repr(ref)


def test_batchnorm_errors():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        bn(cr.randn(1, 3))
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected 2D or 3D input, got 4D"):
        bn(cr.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match=r"has 4 channels in dim 1, expected 3"):
        bn(cr.randn(2, 4))
    bn.eval()
    assert bn(cr.randn(1, 3)).shape == (1, 3)  # eval mode: running statistics, a batch of 1 is fine


def test_functional_batch_norm_handles_any_rank():
    """F.batch_norm reduces over every dim but 1, so BatchNorm2d/3d can reuse it (an (N, C, H, W) input here)."""
    x = rng.standard_normal((3, 2, 4, 5)).astype(np.float32)
    rm, rv = np.zeros(2, np.float32), np.ones(2, np.float32)
    w, b = np.array([1.5, 0.5], np.float32), np.array([0.1, -0.2], np.float32)
    trm, trv = torch.tensor(rm), torch.tensor(rv)
    crm, crv = cr.tensor(rm), cr.tensor(rv)
    compare(lambda a, c, d: F.batch_norm(a, crm, crv, c, d, True, 0.2),
            lambda a, c, d: torch.nn.functional.batch_norm(a, trm, trv, c, d, True, 0.2), [x, w, b], torch)
    np.testing.assert_allclose(crm.numpy(), trm.numpy(), atol=1e-6)
    np.testing.assert_allclose(crv.numpy(), trv.numpy(), atol=1e-6)


@pytest.mark.parametrize("shape,normalized", [((4, 6), 6), ((2, 3, 4), (3, 4)), ((2, 3, 4), [4])])
def test_layernorm_matches_torch(shape, normalized):
    ours, ref = nn.LayerNorm(normalized), torch.nn.LayerNorm(normalized)
    with torch.no_grad():
        ref.weight.uniform_(0.5, 1.5)
        ref.bias.uniform_(-0.5, 0.5)
    check_layer(ours, ref, rng.standard_normal(shape).astype(np.float32))
    assert repr(ours) == repr(ref)
    plain = nn.LayerNorm(normalized, elementwise_affine=False)
    check_layer(plain, torch.nn.LayerNorm(normalized, elementwise_affine=False), rng.standard_normal(shape).astype(
        np.float32))


@pytest.mark.parametrize("n,shape", [(1, (4, 3)), (3, (4, 3)), (3, (2, 3, 5)), (1, (5,))])
def test_prelu_matches_torch(n, shape):
    ours, ref = nn.PReLU(n), torch.nn.PReLU(n)
    with torch.no_grad():
        ref.weight.uniform_(0.1, 0.5)
    check_layer(ours, ref, rng.standard_normal(shape).astype(np.float32))
    assert repr(ours) == repr(ref)


ACTIVATIONS = [
    ("ReLU", (), {}), ("ReLU6", (), {}), ("LeakyReLU", (0.2,), {}), ("ELU", (), {"alpha": 0.7}),
    ("GELU", (), {}), ("GELU", (), {"approximate": "tanh"}), ("SiLU", (), {}), ("Sigmoid", (), {}),
    ("Tanh", (), {}), ("Hardtanh", (-0.5, 0.8), {}), ("Softmax", (), {"dim": 1}), ("LogSoftmax", (1,), {}),
    ("Softplus", (), {"beta": 2.0, "threshold": 5.0}), ("Softmin", (), {"dim": -1}),
]


@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS)
def test_activation_modules_match_torch(name, args, kwargs):
    ours, ref = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    x = (rng.standard_normal((4, 5)) * 3).astype(np.float32)
    compare(ours, ref, [x], torch, atol=1e-5, msg=name)
    assert repr(ours) == repr(ref)


def test_inplace_activation_repr_and_result():
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    assert repr(nn.LeakyReLU(0.1, True)) == repr(torch.nn.LeakyReLU(0.1, True))
    x = cr.tensor([-1.0, 2.0])
    nn.ReLU(inplace=True)(x)
    np.testing.assert_array_equal(x.numpy(), [0.0, 2.0])


def test_maxout_is_linear_then_max_over_pieces():
    m = nn.Maxout(6, 4, pieces=3)
    x = cr.tensor(rng.standard_normal((5, 6)).astype(np.float32), requires_grad=True)
    out = m(x)
    lin = m.linear.weight.detach().numpy(), m.linear.bias.detach().numpy()
    z = (x.detach().numpy() @ lin[0].T + lin[1]).reshape(5, 4, 3)
    np.testing.assert_allclose(out.detach().numpy(), z.max(-1), atol=1e-6)
    out.sum().backward()
    grad_z = (z == z.max(-1, keepdims=True)).astype(np.float32).reshape(5, 12)  # the winning piece gets 1
    np.testing.assert_allclose(x.grad.numpy(), grad_z @ lin[0], atol=1e-5)
    assert len(list(m.parameters())) == 2 and repr(m).startswith("Maxout(\n  in_features=6")


def test_flatten_unflatten_identity_match_torch():
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    for args in [(), (0,), (1, 2), (2, -1)]:
        compare(nn.Flatten(*args), torch.nn.Flatten(*args), [x], torch)
        assert repr(nn.Flatten(*args)) == repr(torch.nn.Flatten(*args))
    compare(nn.Unflatten(1, (3, 1)), torch.nn.Unflatten(1, (3, 1)), [x], torch)
    assert repr(nn.Unflatten(2, (2, 2))) == repr(torch.nn.Unflatten(2, (2, 2)))
    ident = nn.Identity(54, unused="x")
    t = cr.randn(3)
    assert ident(t) is t and repr(ident) == "Identity()"


def test_dropout_inverted_scaling_and_eval_identity():
    cr.manual_seed(0)
    drop = nn.Dropout(0.25)
    x = cr.ones(200, 100, requires_grad=True)
    y = drop(x)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.75, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.75, rtol=1e-6)  # the same mask scales the gradient
    drop.eval()
    assert drop(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    assert (F.dropout(x, 1.0).detach().numpy() == 0).all()
    assert repr(drop) == repr(torch.nn.Dropout(0.25))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
