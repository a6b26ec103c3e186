"""BatchNorm2d and Dropout2d, the model zoo (keys and weights shared with PyTorch), and a short MNIST training."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from cnn_oracle import check_against_torch

import chainrule as cr
import chainrule.nn.functional as F
from chainrule import nn
from chainrule.models import mlp, small_cnn
from chainrule.nn.conv import BatchNorm2d, Conv2d, Dropout2d
from chainrule.nn.functional.conv import dropout2d
from chainrule.nn.pooling import MaxPool2d

MNIST = Path("/work/shared/datasets/mnist")


def torch_cnn(torch, channels=(32, 64), dropout=0.1):
    """small_cnn's twin in torch.nn (the same Sequential, hence the same state-dict keys)."""
    tnn = torch.nn
    c1, c2 = channels
    return tnn.Sequential(
        tnn.Conv2d(1, c1, 3, padding=1, bias=False), tnn.BatchNorm2d(c1), tnn.MaxPool2d(2), tnn.ReLU(),
        tnn.Conv2d(c1, c2, 3, padding=1, bias=False), tnn.BatchNorm2d(c2), tnn.MaxPool2d(2), tnn.ReLU(),
        tnn.Flatten(), tnn.Dropout(dropout), tnn.Linear(c2 * 49, 10),
    )


def load_torch_weights(model, torch_model) -> None:
    model.load_state_dict({k: cr.tensor(v.detach().numpy().copy()) for k, v in torch_model.state_dict().items()})


def test_public_names():
    from chainrule.nn import pooling

    assert (nn.Conv2d, nn.BatchNorm2d, nn.Dropout2d) == (Conv2d, BatchNorm2d, Dropout2d)
    assert (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d) == (
        pooling.MaxPool2d, pooling.AvgPool2d, pooling.AdaptiveAvgPool2d)
    assert F.conv2d is cr.conv2d and F.max_pool2d is cr.max_pool2d and F.dropout2d is dropout2d


def test_batchnorm2d_train_and_eval_match_torch(torch):
    rng = np.random.default_rng(0)
    bn_c, bn_t = BatchNorm2d(3, momentum=0.2), torch.nn.BatchNorm2d(3, momentum=0.2)
    assert list(bn_c.state_dict()) == list(bn_t.state_dict()) and repr(bn_t).startswith("BatchNorm2d(3")
    with torch.no_grad():
        bn_t.weight.copy_(torch.tensor(rng.uniform(0.5, 2, 3).astype(np.float32)))
        bn_t.bias.copy_(torch.tensor(rng.standard_normal(3).astype(np.float32)))
    load_torch_weights(bn_c, bn_t)
    for _ in range(2):  # training: batch statistics, running statistics updated
        x = (rng.standard_normal((4, 3, 5, 6)) * 3 + 1).astype(np.float32)
        check_against_torch(bn_c, bn_t, [x], torch, atol=1e-4)
    for key in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(bn_c, key).numpy(), getattr(bn_t, key).numpy(), rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(bn_c.weight.grad.numpy(), bn_t.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    bn_c.eval()
    bn_t.eval()
    check_against_torch(bn_c, bn_t, [rng.standard_normal((2, 3, 4, 4)).astype(np.float32)], torch, atol=1e-5)
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected 4D input, got 3D"):
        bn_c(cr.randn(3, 4, 4))


def test_dropout2d_drops_whole_channels():
    cr.manual_seed(0)
    x = cr.ones(8, 16, 5, 5, requires_grad=True)
    y = Dropout2d(0.5)(x)
    per_channel = y.detach().numpy().reshape(8, 16, 25)
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all()  # each (sample, channel) all kept or all 0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
    m = Dropout2d(0.5).eval()
    assert m(x) is x
    with pytest.warns(UserWarning, match=r"3-D input is treated as \(N, C, L\)"):
        dropout2d(cr.ones(2, 3, 4), 0.5)


def test_small_cnn_keys_and_torch_weights_give_the_same_outputs(torch):
    """In float64: in float32 the two libraries' rounding can flip a near-tie in max pooling (1 seed in 40 did)."""
    torch.manual_seed(0)
    model, twin = small_cnn().double(), torch_cnn(torch).double()
    assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in twin.parameters()) < 100_000
    assert list(model.state_dict()) == list(twin.state_dict())
    twin.train()
    x = np.random.default_rng(1).standard_normal((8, 1, 28, 28))
    twin(torch.tensor(x))  # move the running statistics away from (0, 1)
    load_torch_weights(model, twin)
    model.eval()
    twin.eval()
    check_against_torch(model, twin, [x], torch, atol=1e-4)
    model.train()
    twin.train()
    model[9].p = twin[9].p = 0.0  # dropout's random masks differ between the libraries
    check_against_torch(model, twin, [x], torch, atol=1e-4)
    for (name, p_c), (_, p_t) in zip(model.named_parameters(), twin.named_parameters()):
        np.testing.assert_allclose(p_c.grad.numpy(), p_t.grad.numpy(), atol=1e-4, rtol=1e-3, err_msg=name)


def test_pool_then_relu_is_relu_then_pool():
    """small_cnn pools before its ReLUs: the same values and gradients as ReLU first (ties and zeros included)."""
    pool, relu = MaxPool2d(2), nn.ReLU()
    x = np.round(np.random.default_rng(3).standard_normal((4, 3, 8, 8)) * 2).astype(np.float32)  # many ties
    x[0, 0, :2, :2] = 0.0
    g = cr.tensor(np.random.default_rng(4).standard_normal((4, 3, 4, 4)).astype(np.float32))
    a, b = cr.tensor(x, requires_grad=True), cr.tensor(x, requires_grad=True)
    ya, yb = relu(pool(a)), pool(relu(b))
    np.testing.assert_array_equal(ya.detach().numpy(), yb.detach().numpy())
    ya.backward(g)
    yb.backward(g)
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_mlp_builder_matches_torch_layout(torch):
    model = mlp((12, 8, 6, 3), activation="tanh", dropout=0.1, batchnorm=True)
    tnn = torch.nn
    twin = tnn.Sequential(tnn.Flatten(), tnn.Linear(12, 8), tnn.BatchNorm1d(8), tnn.Tanh(), tnn.Dropout(0.1),
                          tnn.Linear(8, 6), tnn.BatchNorm1d(6), tnn.Tanh(), tnn.Dropout(0.1), tnn.Linear(6, 3))
    assert list(model.state_dict()) == list(twin.state_dict())
    load_torch_weights(model, twin)
    model.eval()
    twin.eval()
    check_against_torch(model, twin, [np.random.default_rng(2).standard_normal((5, 3, 4)).astype(np.float32)],
                        torch, atol=1e-5)
    assert [type(m).__name__ for m in mlp()] == ["Flatten", "Linear", "ReLU", "Linear", "ReLU", "Linear"]
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        mlp(activation="swish")


def test_residual_block_gradient_is_upstream_plus_branch():
    """y = x + f(x): dL/dx = dL/dy + (df/dx)^T dL/dy, the shortcut passes the upstream gradient unchanged."""
    cr.manual_seed(0)
    branch = nn.Sequential(Conv2d(4, 4, 3, padding=1), BatchNorm2d(4), nn.ReLU(), Conv2d(4, 4, 3, padding=1))
    x = cr.randn(2, 4, 6, 6, requires_grad=True)
    upstream = cr.randn(2, 4, 6, 6)
    (x + branch(x)).backward(upstream)
    x2 = x.detach().requires_grad_()
    branch(x2).backward(upstream)  # the branch's contribution alone
    np.testing.assert_allclose(x.grad.numpy(), upstream.numpy() + x2.grad.numpy(), rtol=1e-5, atol=1e-5)


def _read_idx(name: str, offset: int, count: int, item: int) -> np.ndarray:
    with gzip.open(MNIST / name, "rb") as f:
        return np.frombuffer(f.read(offset + count * item), dtype=np.uint8, offset=offset)


@pytest.mark.skipif(not MNIST.is_dir(), reason="MNIST files not in /work/shared/datasets/mnist")
def test_small_cnn_learns_mnist_subset():
    """A narrow small_cnn, 2 epochs of Adam on 2,000 images: >= 90% on 1,000 test images (92.7% measured, ~5 s)."""
    def load(split: str, n: int):
        x = _read_idx(f"{split}-images-idx3-ubyte.gz", 16, n, 784).reshape(n, 1, 28, 28)
        y = _read_idx(f"{split}-labels-idx1-ubyte.gz", 8, n, 1).astype(np.int64)
        return ((x.astype(np.float32) / 255 - 0.1307) / 0.3081).astype(np.float32), y

    xtr, ytr = load("train", 2000)
    xte, yte = load("t10k", 1000)
    cr.manual_seed(0)
    model = small_cnn(channels=(8, 16))
    opt = cr.optim.Adam(model.parameters(), lr=3e-3)
    rng = np.random.default_rng(0)
    for _ in range(2):
        order = rng.permutation(len(xtr))
        for i in range(0, len(xtr), 32):
            idx = order[i:i + 32]
            loss = F.cross_entropy(model(cr.tensor(xtr[idx])), cr.tensor(ytr[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with cr.no_grad():
        acc = (model(cr.tensor(xte)).numpy().argmax(1) == yte).mean()
    assert acc >= 0.90, f"test accuracy {acc:.3f} after 2 epochs on 2,000 images"
