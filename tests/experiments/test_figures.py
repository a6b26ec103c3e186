"""The experiment figures say what they show: named tolerance line, class key, stuck nets, input side, styles.

Each figure is drawn from made-up results (the experiments themselves run in test_experiments.py), so these
checks cost a second, not a run.
"""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from chainrule.experiments import _common, gradcheck, lr_schedules, vanishing, xor


@pytest.fixture
def run(tmp_path, monkeypatch):
    """A Run whose figures are kept in run.saved ({file name: Figure}) instead of written."""
    r = _common.Run("figures", tmp_path, quick=True)
    r.saved = {}

    def keep(self, fig, filename):  # kept, not written: the experiments' own tests check the PNG files
        self.saved[filename] = fig

    monkeypatch.setattr(_common.Run, "save", keep)
    return r


def texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [t.get_text() for t in legend.get_texts()] if legend else []


def test_gradcheck_names_its_tolerance_line(run):
    rows = [
        {"op": f"op{k}", "max_relative_error": 10.0**-k, "ok": 10.0**-k < gradcheck.OK} for k in range(3, 12)
    ]
    gradcheck._plots(run, rows)
    (ax,) = run.saved["gradcheck.png"].axes
    assert any("tolerance 1e-05" in t for t in texts(ax))
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 8
    assert "6 of 9" in ax.get_title() and "log scale" in ax.get_xlabel()


def test_xor_boundary_has_a_class_key_and_names_a_stuck_net(run):
    import chainrule

    chainrule.manual_seed(0)
    stuck = xor.train_net(2, 1, 0)[0]
    with chainrule.no_grad():  # a net with a dead hidden layer: the same output everywhere
        for p in stuck.parameters():
            p.zero_()
        stuck[2].bias.fill_(0.5)
    examples = {2: (stuck, [0.25], np.full(4, 0.5)), 8: (xor.explicit_net(), [0.0], xor.TARGET.copy())}
    xor._plots(run, xor.explicit_net(), examples)
    axes = run.saved["decision_boundary.png"].axes
    assert all(texts(ax) == ["class 0", "class 1"] for ax in axes)
    assert axes[1].get_title().endswith("stuck (outputs 0.50 everywhere)")
    assert axes[2].get_title().endswith(": solved")
    assert xor.outcome(np.array([0.0, 0.9, 0.1, 0.0])) == "not solved"


def test_grad_norms_training_says_which_end_is_the_input(run):
    keys = [f"{a}+{i}" for a in ("sigmoid", "tanh", "relu") for i in ("xavier", "he")]
    norms = [list(np.logspace(-6, 0, vanishing.LAYERS))] * 3
    vanishing._plots(
        run, {k: norms[0] for k in keys}, {k: {"steps": [0, 10, 20], "norms": norms} for k in keys}
    )
    panels = [ax for ax in run.saved["grad_norms_training.png"].axes if ax.get_title()]
    assert len(panels) == 6
    ticks = [t.get_text() for t in panels[0].get_yticklabels()]
    assert ticks[0] == "1 input" and ticks[-1] == f"{vanishing.LAYERS} output"
    assert "input" in panels[0].get_ylabel()


def test_lr_schedule_curves_are_distinguishable(run):
    steps = np.arange(40)
    runs = {
        name: {
            "lr": list(0.1 / (1 + k * steps / 40)),
            "loss": list(np.exp(-steps / (10 + k))),
            "final_train_loss": 0.01 * k,
        }
        for k, name in enumerate(lr_schedules.SCHEDULES)
    }
    lr_schedules._plots(run, runs, per_epoch=4)
    fig = run.saved["lr_and_loss.png"]
    (lr_ax,) = [ax for ax in fig.axes if ax.get_ylabel() == "learning rate"]
    lines = lr_ax.get_lines()
    assert len(lines) == 6
    for attribute in ("get_color", "get_marker"):  # each alone tells the curves apart
        assert len({str(getattr(line, attribute)()) for line in lines}) == 6, attribute
    assert len({line.get_linestyle() for line in lines}) >= 4  # and most dash patterns differ (grey print)
    loss_panels = [ax for ax in fig.axes if "final training loss" in ax.get_title()]
    assert [ax.get_title().split(":")[0] for ax in loss_panels] == texts(lr_ax) == lr_schedules.SCHEDULES
