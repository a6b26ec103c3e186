"""Session logic: building, stepping, live and structural changes, frames, independence, idle freeing."""

import base64
import itertools
import json
import time

import numpy as np
import pytest

import chainrule as torch
from chainrule.playground import protocol
from chainrule.playground.protocol import DEFAULT_CONFIG, PRESETS, ProtocolError
from chainrule.playground.session import GRID, Registry, Session


def weights(session):
    return [p.detach().numpy().copy() for p in session.params]


def train_until(session, target, seconds):
    """Train in 50 ms slices until the test loss is below target; returns (seconds of training, epochs)."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        session.train_for(0.05)
        if session.losses()[1] < target:
            break
    return time.perf_counter() - start, session.epoch


@pytest.mark.parametrize("preset", ["xor", "rings"])
def test_presets_reach_small_test_loss_quickly(preset):
    session = Session(PRESETS[preset])
    seconds, epochs = train_until(session, 0.05, 30.0)
    assert session.losses()[1] < 0.05, f"{preset}: test loss {session.losses()[1]:.3f} after {seconds:.1f} s"
    print(f"{preset}: test loss < 0.05 after {seconds:.2f} s, {epochs} epochs")


def test_frame_contents():
    session = Session()
    session.train_for(0.01)
    frame = session.frame()
    assert frame["type"] == "frame" and frame["grid"] == GRID
    assert len(base64.b64decode(frame["output"])) == GRID * GRID
    assert [len(layer) for layer in frame["neurons"]] == DEFAULT_CONFIG["hidden"]
    assert all(len(base64.b64decode(g)) == GRID * GRID for layer in frame["neurons"] for g in layer)
    sizes = [len(DEFAULT_CONFIG["features"]), *DEFAULT_CONFIG["hidden"], 1]
    for layer, (fan_in, fan_out) in zip(frame["layers"], itertools.pairwise(sizes)):
        assert np.shape(layer["weight"]) == np.shape(layer["weight_grad"]) == (fan_out, fan_in)
        assert len(layer["bias"]) == len(layer["bias_grad"]) == len(layer["mean_output"]) == fan_out
    assert any(np.abs(layer["weight_grad"]).sum() > 0 for layer in frame["layers"])
    assert frame["train_loss"] > 0 and frame["test_loss"] > 0 and frame["learning_rate"] == 0.03
    data = session.data_message()
    assert len(data["train"]) + len(data["test"]) == DEFAULT_CONFIG["samples"]
    assert (
        set(data["features"])
        == set(data["feature_means"])
        == {"x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2"}
    )


def test_training_changes_weights_and_step_finishes_epochs():
    session = Session()
    before = weights(session)
    session.step_epochs(2)
    assert session.epoch == 2 and session.cursor == 0
    assert session.iteration == 2 * 25  # 250 training points, batches of 10
    assert any(not np.array_equal(a, b) for a, b in zip(before, weights(session)))


def test_a_step_is_time_boxed():
    session = Session({**DEFAULT_CONFIG, "samples": 2000, "batch_size": 1})
    start = time.perf_counter()
    session.step_epochs(20, max_seconds=0.2)
    assert time.perf_counter() - start < 1.0 and session.epoch < 20


def test_same_seed_same_start_reset_draws_new_weights():
    a, b = Session(), Session()
    for wa, wb in zip(weights(a), weights(b)):
        np.testing.assert_array_equal(wa, wb)
    first = weights(a)
    a.reset()
    assert a.epoch == 0 and not a.running
    assert any(not np.array_equal(x, y) for x, y in zip(first, weights(a)))


def test_sessions_do_not_interfere():
    a, b = Session(), Session(PRESETS["rings"])
    b_before = weights(b)
    a.train_for(0.05)
    for x, y in zip(b_before, weights(b)):
        np.testing.assert_array_equal(x, y)
    assert a.config["dataset"] == "xor" and b.config["dataset"] == "rings"


def test_live_changes_keep_the_weights():
    session = Session()
    session.step_epochs(1)
    before = weights(session)
    for change in ({"learning_rate": 0.1}, {"batch_size": 25}, {"regularization": "l2", "reg_rate": 0.01}):
        assert session.set_config({**session.config, **change}) == "live"
    for x, y in zip(before, weights(session)):
        np.testing.assert_array_equal(x, y)
    assert session.optimizer.param_groups[0]["lr"] == 0.1
    assert session.epoch == 1


@pytest.mark.parametrize(
    "change, kind",
    [
        ({"hidden": [4], "activations": ["relu"]}, "model"),
        ({"activations": ["relu", "sigmoid"]}, "model"),
        ({"features": ["x1", "x2"]}, "model"),
        ({"optimizer": "sgd"}, "model"),
        ({"init": "he"}, "model"),
        ({"schedule": "step"}, "model"),
        ({"noise": 20}, "data"),
        ({"seed": 7}, "data"),
        ({"dataset": "spirals"}, "data"),
        ({"dataset": "plane", "problem": "regression"}, "data"),
    ],
)
def test_structural_changes_rebuild(change, kind):
    session = Session()
    session.step_epochs(1)
    assert session.set_config({**session.config, **change}) == kind
    assert session.epoch == 0
    assert len(session.linears) == len(session.config["hidden"]) + 1
    session.train_for(0.001)
    session.frame()


def test_bad_config_changes_nothing():
    session = Session()
    before = dict(session.config)
    with pytest.raises(ProtocolError):
        session.set_config({**before, "hidden": [10_000]})
    with pytest.raises(ProtocolError, match="upload"):
        session.set_config({**before, "dataset": "csv"})
    assert session.config == before


@pytest.mark.parametrize("activation", protocol.ACTIVATIONS)
@pytest.mark.parametrize("optimizer", protocol.OPTIMIZERS)
@pytest.mark.parametrize("regularization", protocol.REGULARIZATIONS)
def test_every_combination_trains(activation, optimizer, regularization):
    config = {
        **DEFAULT_CONFIG,
        "activations": [activation, activation],
        "optimizer": optimizer,
        "regularization": regularization,
        "reg_rate": 0.01,
        "samples": 40,
        "init": "he",
    }
    session = Session(config)
    session.step_epochs(1)
    train, test = session.losses()
    assert np.isfinite(train) and np.isfinite(test)


@pytest.mark.parametrize("schedule", ["step", "exponential", "cosine"])
def test_schedules_lower_the_learning_rate(schedule):
    session = Session({**DEFAULT_CONFIG, "schedule": schedule, "samples": 20, "batch_size": 10})
    session.step_epochs(150)
    assert session.optimizer.param_groups[0]["lr"] < 0.03


def test_regularization_shrinks_weights():
    plain = Session({**DEFAULT_CONFIG, "optimizer": "sgd", "learning_rate": 0.1})
    l2 = Session(
        {**DEFAULT_CONFIG, "optimizer": "sgd", "learning_rate": 0.1, "regularization": "l2", "reg_rate": 0.3}
    )
    plain.step_epochs(5)
    l2.step_epochs(5)
    norm = lambda s: sum(float((s.linears[i].weight.detach().numpy() ** 2).sum()) for i in range(3))
    assert norm(l2) < norm(plain)


def test_upload_is_scaled_into_the_plane():
    session = Session()
    points = [(0.0, 0.0), (100.0, 50.0), (-20.0, 10.0), (30.0, -100.0), (5.0, 5.0)]
    session.set_upload(points, [1, 0, 1, 0, 1], "classification", "mine.csv")
    assert session.config["dataset"] == "csv"
    xy = np.concatenate([session.train_xy, session.test_xy])
    assert xy[:, 1].max() == pytest.approx(5.5) and xy[:, 1].min() == pytest.approx(-5.5)  # centred
    assert session.data_message()["name"] == "mine.csv"
    session.step_epochs(1)
    session.set_upload(points, [2.0, -4.0, 0.0, 1.0, 3.0], "regression", "r.csv")
    labels = np.concatenate([session.train_y, session.test_y])
    assert np.abs(labels).max() == 1.0 and session.config["problem"] == "regression"
    # the csv data set stays selectable while the upload is kept, for its own kind of problem
    assert session.set_config({**session.config, "hidden": [3], "activations": ["tanh"]}) == "model"
    with pytest.raises(ProtocolError, match="regression data set"):
        session.set_config({**session.config, "problem": "classification"})


def test_registry_limits_and_frees_idle_sessions():
    now = [0.0]
    registry = Registry(max_sessions=2, idle_seconds=60, clock=lambda: now[0])
    a, _ = registry.create()
    b, _ = registry.create()
    with pytest.raises(RuntimeError, match="2 open sessions"):
        registry.create()
    now[0] = 50
    registry.touch(a)
    now[0] = 100
    assert registry.idle() == [b]
    registry.free(b)
    assert len(registry) == 1 and registry.idle() == []
    registry.create()


def test_a_diverged_network_still_gives_valid_json():
    session = Session()
    with torch.no_grad():
        session.linears[0].weight.fill_(float("nan"))
    frame = session.frame()
    assert frame["diverged"] and frame["test_loss"] is None
    assert None in frame["layers"][0]["weight"][0]
    json.dumps(frame, allow_nan=False)


def test_the_session_cap_holds_when_many_tabs_connect_at_once(monkeypatch):
    """50 simultaneous creates against a cap of 4: exactly 4 sessions, even though building one is slow."""
    import threading
    import time as clock

    from chainrule.playground import session as session_module

    class Slow:
        def __init__(self, config=None):
            clock.sleep(0.05)
            self.running = False

    monkeypatch.setattr(session_module, "Session", Slow)
    registry = session_module.Registry(max_sessions=4)
    start, made, refused = threading.Barrier(50), [], []

    def connect():
        start.wait()
        try:
            made.append(registry.create())
        except RuntimeError:
            refused.append(1)

    threads = [threading.Thread(target=connect) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 4 and len(refused) == 46 and len(registry) == 4
    registry.free(made[0][0])
    assert registry.create()[0] not in {sid for sid, _ in made}  # a freed slot can be taken again
