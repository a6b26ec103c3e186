"""A compiled training step gives eager mode's numbers, bit for bit (same op order), over many steps."""

from __future__ import annotations

import os
import sys
import warnings

import pytest

import chainrule as cr

sys.path.insert(0, os.path.dirname(__file__))
from helpers import assert_same, cnn, mlp, train


@pytest.fixture(autouse=True)
def _no_fallback():
    """None of these steps may fall back to eager mode (a warning would say so)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="chainrule.compile")
        yield


def test_mlp_1000_steps_bit_identical():
    eager = train(mlp, (4, 6), 3, 1000, False)
    compiled = train(mlp, (4, 6), 3, 1000, True)
    assert compiled[2].stats == {"records": 1, "replays": 999, "eager": 0}
    assert_same(eager, compiled)


def test_cnn_with_batchnorm_train_and_eval():
    eager = train(cnn, (6, 1, 8, 8), 3, 12, False, eval_every=3)
    compiled = train(cnn, (6, 1, 8, 8), 3, 12, True, eval_every=3)
    assert compiled[2].stats["replays"] == 11
    assert_same(eager, compiled)  # running_mean, running_var, num_batches_tracked included


def test_dropout_advances_the_rng_as_eager():
    eager = train(lambda: mlp(0.4), (5, 6), 3, 30, False)
    after_eager = cr.rand(3)
    compiled = train(lambda: mlp(0.4), (5, 6), 3, 30, True)
    after_compiled = cr.rand(3)
    assert compiled[2].stats["replays"] == 29
    assert_same(eager, compiled)
    assert after_eager.tolist() == after_compiled.tolist()  # the stream stands where eager left it


@pytest.mark.parametrize("sched", [
    lambda o: cr.optim.lr_scheduler.StepLR(o, 3, 0.5),
    lambda o: cr.optim.lr_scheduler.CosineAnnealingLR(o, 10),
])
def test_schedulers_change_lr_between_steps(sched):
    eager = train(mlp, (4, 6), 3, 25, False, sched=sched)
    compiled = train(mlp, (4, 6), 3, 25, True, sched=sched)
    assert_same(eager, compiled)


def test_gradient_clipping_inside_the_step():
    eager = train(mlp, (4, 6), 3, 40, False, clip=0.05)
    compiled = train(mlp, (4, 6), 3, 40, True, clip=0.05)
    assert compiled[2].stats["replays"] == 39
    assert_same(eager, compiled)


@pytest.mark.parametrize("make_opt", [
    lambda ps: cr.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True),
    lambda ps: cr.optim.AdamW(ps, lr=1e-2, amsgrad=True),
    lambda ps: cr.optim.RMSprop(ps, lr=1e-3),
])
def test_other_optimizers(make_opt):
    eager = train(mlp, (4, 6), 3, 20, False, opt=make_opt)
    compiled = train(mlp, (4, 6), 3, 20, True, opt=make_opt)
    assert_same(eager, compiled)


def test_scheduler_stepping_inside_the_step_is_replayed():
    import numpy as np

    from chainrule import nn

    results = []
    for compiled in (False, True):
        cr.manual_seed(0)
        model = nn.Linear(3, 2)
        opt = cr.optim.SGD(model.parameters(), lr=0.5)
        sched = cr.optim.lr_scheduler.ExponentialLR(opt, 0.5)

        def step(x):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
            sched.step()

        f = cr.compile(step) if compiled else step
        for _ in range(6):
            f(cr.ones(2, 3))
        results.append((model.weight._data.copy(), opt.param_groups[0]["lr"]))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1] == 0.5 ** 7
