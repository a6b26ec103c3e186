"""Notebook figures: plot_history, decision_boundary, gradient_flow return matplotlib Figures."""

import numpy as np
import pytest

import chainrule
from chainrule import nn, viz

pytest.importorskip("matplotlib")


def _png(fig, path) -> int:
    fig.savefig(path)
    data = path.read_bytes()
    assert data[:4] == b"\x89PNG"
    return len(data)


def test_plot_history(tmp_path):
    from chainrule.train import History

    h = History()
    for e in range(1, 4):
        h.log(e, loss=1 / e, val_loss=1.2 / e, accuracy=0.5 + e / 10, lr=0.1 / e, time=0.3)
    fig = viz.plot_history(h)
    assert len(fig.axes) == 3  # losses, metrics, learning rate
    assert [line.get_label() for line in fig.axes[0].lines] == ["loss", "val_loss"]
    assert _png(fig, tmp_path / "h.png") > 1000
    assert len(h.plot().axes) == 3
    assert len(viz.plot_history({"loss": [3, 2, 1]}).axes) == 1


def test_decision_boundary_multiclass_and_single_output(tmp_path):
    X, y = chainrule.data.datasets.rings(n=200, seed=0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    fig = viz.decision_boundary(model, X, y, resolution=50)
    assert _png(fig, tmp_path / "b.png") > 1000
    assert model.training  # the mode is restored
    single = nn.Sequential(nn.Linear(2, 1))
    fig = viz.decision_boundary(single, X.numpy(), y.numpy(), resolution=30, title="logit")
    assert fig.axes[0].get_title() == "logit"


def test_gradient_flow(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 4), nn.Sigmoid(), nn.Linear(4, 2))
    with pytest.raises(RuntimeError, match="call loss.backward"):
        viz.gradient_flow(model)
    model(chainrule.randn(8, 3)).sum().backward()
    fig = viz.gradient_flow(model)
    bars = fig.axes[0].patches
    assert len(bars) == 3
    norms = [float(np.linalg.norm(m.weight.grad.numpy())) for m in (model[0], model[2], model[4])]
    np.testing.assert_allclose([b.get_height() for b in bars], norms, rtol=1e-6)
    assert _png(fig, tmp_path / "g.png") > 1000
