"""Shared by the compile tests: train the same model eagerly and compiled from the same seed, compare."""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule import nn


def train(make_model, xshape, n_classes, steps, compiled, *, opt=None, sched=None, clip=None, eval_every=None,
          seed=0):
    """Train a fresh model for `steps` steps on seeded random batches; return (model, outputs, compiled fn)."""
    cr.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = make_model()
    optimizer = (opt or (lambda ps: cr.optim.Adam(ps, lr=1e-2)))(model.parameters())
    scheduler = sched(optimizer) if sched else None
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        return loss

    def evaluate(x):
        with cr.no_grad():
            return model(x)

    f = cr.compile(step) if compiled else step
    fe = cr.compile(evaluate) if compiled else evaluate
    outs = []
    for i in range(steps):
        x = cr.from_numpy(rng.standard_normal(xshape).astype(np.float32))
        y = cr.from_numpy(rng.integers(0, n_classes, xshape[0]))
        model.train()
        outs.append(f(x, y)._data.copy())
        if scheduler is not None:
            scheduler.step()
        if eval_every and i % eval_every == 0:
            model.eval()
            outs.append(fe(x)._data.copy())
    return model, outs, f


def assert_same(a, b) -> None:
    """Bit-identical state dicts (parameters and buffers) and outputs."""
    (ma, oa, _), (mb, ob, _) = a, b
    sa, sb = ma.state_dict(), mb.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        np.testing.assert_array_equal(sa[k]._data, sb[k]._data, err_msg=k)
    assert len(oa) == len(ob)
    for x, y in zip(oa, ob):
        np.testing.assert_array_equal(x, y)


def mlp(p_drop=0.0):
    layers = [nn.Linear(6, 8), nn.ReLU()]
    if p_drop:
        layers.append(nn.Dropout(p_drop))
    return nn.Sequential(*layers, nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 3))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 4 * 4, 3))
