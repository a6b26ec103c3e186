"""Each experiment's --quick run: the numbers its summary reports, every plot file written and non-empty."""

import itertools
import json
import math

import pytest

from chainrule import experiments
from chainrule.cli import main


def _run(name, tmp_path, **kw):
    summary = experiments.run(name, tmp_path / name, quick=True, **kw)
    on_disk = json.loads((tmp_path / name / "summary.json").read_text())
    assert on_disk == json.loads(json.dumps(summary, allow_nan=False))
    assert on_disk["experiment"] == name and on_disk["quick"] is True and on_disk["seconds"] >= 0
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert on_disk["plots"] == [] and "matplotlib" in on_disk["notes"][0]
    else:
        assert on_disk["plots"], "an experiment writes at least one plot"
        for plot in on_disk["plots"]:
            data = (tmp_path / name / plot).read_bytes()
            assert plot.endswith(".png") and data[:4] == b"\x89PNG" and len(data) > 2000
    return on_disk


def test_registry_and_list(capsys):
    assert experiments.names() == [
        "xor", "rings", "vanishing-gradients", "initialization", "optimizers", "lr-schedules", "shuffle",
        "batch-size", "universal-approximation", "losses", "bptt", "gradcheck",
    ]
    for name in experiments.names():
        mod = experiments.get(name)
        assert mod.NAME == name and callable(mod.run) and mod.__doc__
    assert main(["experiment", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == experiments.names()
    assert experiments.cli(["no-such-thing"]) == 2
    with pytest.raises(KeyError, match="known: xor"):
        experiments.get("nope")


def test_xor_explicit_weights_reproduce_the_table(tmp_path, capsys):
    s = _run("xor", tmp_path)
    assert s["explicit"]["outputs"] == [0.0, 1.0, 1.0, 0.0] and s["explicit"]["exact"] is True
    assert s["explicit"]["hidden"] == [[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [2.0, 1.0]]
    rates = s["result"]["success_rate"]
    assert set(rates) == {"2-2-1", "2-4-1", "2-8-1"} and all(0 <= v <= 1 for v in rates.values())
    assert rates["2-8-1"] >= rates["2-2-1"] and rates["2-8-1"] >= 0.5


def test_rings_mlp_separates_the_rings(tmp_path):
    s = _run("rings", tmp_path)
    assert s["result"]["test_accuracy"] >= 0.95
    h = s["history"]
    assert h["train_loss"][-1] < h["train_loss"][0] and len(h["epoch"]) == s["config"]["epochs"]


def test_vanishing_gradients_sigmoid_collapses_relu_he_does_not(tmp_path):
    s = _run("vanishing-gradients", tmp_path)
    r = s["result"]["ratio_first_to_last_at_init"]
    assert set(r) == {f"{a}+{i}" for a in ("sigmoid", "tanh", "relu") for i in ("xavier", "he")}
    assert r["sigmoid+xavier"] < 1e-3 and r["sigmoid+he"] < 1e-3  # orders of magnitude
    assert 0.05 < r["relu+he"] < 20
    assert r["sigmoid+xavier"] * 1000 < r["relu+he"]
    assert all(len(v) == 10 for v in s["grad_norms_at_init"].values())
    assert s["result"]["ratio_first_to_last_training"]["sigmoid+xavier"] < 1e-3


def test_initialization_he_keeps_relu_activations_xavier_shrinks_them(tmp_path):
    s = _run("initialization", tmp_path)
    std = s["activation_stats"]
    he, xav = std["relu+he"]["std"], std["relu+xavier"]["std"]
    assert xav[-1] < xav[0] / 4  # halved variance per layer
    assert he[0] / 2 < he[-1] < he[0] * 2  # level
    assert std["tanh+he"]["std"][-1] > std["tanh+xavier"]["std"][-1]
    assert all(abs(f - 0.5) < 0.1 for f in std["relu+he"]["saturated_or_dead"])  # half the ReLUs are off


def test_optimizers_momentum_beats_sgd_in_the_valley(tmp_path):
    s = _run("optimizers", tmp_path)
    final = s["result"]["rosenbrock_final_value"]
    assert final["momentum"] < final["sgd"] / 10 and final["nesterov"] < final["sgd"] / 10
    runs = s["rosenbrock"]["runs"]
    assert runs["sgd"]["path"][0] == [-1.5, 2.0]
    assert len(runs["adam"]["path"]) == len(runs["adam"]["values"]) + 1
    if "skipped" in s["mnist"]:
        assert "MNIST" in s["mnist"]["skipped"]
    else:
        assert all(a > 0.5 for a in s["result"]["mnist_test_accuracy"].values())
        assert "mnist_loss.png" in s["plots"] or "matplotlib" in s["notes"][0]  # plots need the plot extra


def test_lr_schedules_follow_their_formulas(tmp_path):
    s = _run("lr-schedules", tmp_path)
    runs, steps = s["runs"], s["config"]["steps"]
    assert all(len(r["lr"]) == len(r["loss"]) == steps for r in runs.values())
    assert set(runs["constant"]["lr"]) == {0.1}
    assert runs["step"]["lr"][-1] == pytest.approx(0.1 * 0.5 ** 3)
    b = steps / 10
    assert runs["inverse-time"]["lr"][5] == pytest.approx(0.1 * b / (b + 5))
    assert runs["cosine"]["lr"][0] == pytest.approx(0.1) and runs["cosine"]["lr"][-1] < 1e-3
    warm = runs["warmup-cosine"]["lr"]
    assert warm[0] == pytest.approx(0.001) and max(warm) == pytest.approx(0.1, rel=1e-3)
    plateau = runs["reduce-on-plateau"]["lr"]
    assert all(a >= b for a, b in itertools.pairwise(plateau))


def test_shuffle_sorted_fixed_order_is_worse(tmp_path):
    s = _run("shuffle", tmp_path)
    loss = s["result"]["final_train_loss"]
    assert loss["sorted (fixed)"] > 1.1 * loss["reshuffled each epoch"]
    sorted_steps = s["runs"]["sorted (fixed)"]["step_loss"]
    reshuffled = s["runs"]["reshuffled each epoch"]["step_loss"]
    spread = lambda v: max(v[len(v) // 2:]) - min(v[len(v) // 2:])
    assert spread(sorted_steps) > spread(reshuffled)  # one-class batches swing the loss


def test_batch_size_trade_off(tmp_path):
    s = _run("batch-size", tmp_path)
    res = s["result"]
    assert res["final_loss"]["full-batch GD"] > res["final_loss"]["mini-batch (32)"]  # same examples seen
    assert res["train_seconds"]["SGD (batch 1)"] > res["train_seconds"]["mini-batch (32)"]
    eq = res["loss_at_equal_time"]
    assert eq["mini-batch (32)"] < eq["SGD (batch 1)"]
    runs = s["runs"]
    seen = {k: v["curve"]["examples"][-1] for k, v in runs.items()}
    assert len(set(seen.values())) == 1  # the same number of examples for each


def test_universal_approximation_error_falls_with_width(tmp_path):
    s = _run("universal-approximation", tmp_path)
    mse = {int(k): v for k, v in s["result"]["mse_by_width"].items()}
    widths = sorted(mse)
    assert mse[widths[-1]] < mse[widths[0]] / 100
    assert mse[widths[-1]] < 0.01


def test_losses_mse_saturates_bce_does_not(tmp_path):
    s = _run("losses", tmp_path)
    g = s["result"]["grad_at_z=-10"]
    assert abs(g["mse"]) < 1e-3 and g["bce"] == pytest.approx(-1.0, abs=1e-3)
    assert s["result"]["autograd_vs_formula_max_error"] < 1e-12
    assert -6 < s["result"]["mse_saturated_below_z"] < -3
    steps = s["result"]["steps_to_100%"]
    assert steps["bce"] is not None and (steps["mse"] is None or steps["mse"] > 5 * steps["bce"])


def test_gradcheck_table(tmp_path, capsys):
    s = _run("gradcheck", tmp_path)
    assert s["result"]["all_ok"] is True
    assert all(r["max_relative_error"] < 1e-5 and not math.isnan(r["max_relative_error"]) for r in s["rows"])
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["op", "max", "relative", "error", "ok"]
    assert (tmp_path / "gradcheck" / "table.txt").read_text().strip() == out.strip()


@pytest.mark.slow
def test_gradcheck_full_covers_every_op_class(tmp_path):
    s = experiments.run("gradcheck", tmp_path / "full")
    assert s["result"]["all_ok"] is True and s["result"]["op_classes_not_covered"] == []


def test_cli_runs_one_experiment(tmp_path, capsys):
    assert main(["experiment", "losses", "--quick", "--seed", "1", "--out", str(tmp_path / "l")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("losses: ") and "grad_at_z=-10" in out
    assert json.loads((tmp_path / "l" / "summary.json").read_text())["seed"] == 1
