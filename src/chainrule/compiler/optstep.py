"""The optimizer's step at replay: its own `_update` over each flat buffer, without the per-step bookkeeping.

Eager `Optimizer.step()` scans every parameter (re-homed arrays, gradients to gather, state to adopt) and then
runs `_update` once per run of parameters. At replay, when nothing of that can have changed - the same groups
and buckets, every parameter's array still its flat view, every parameter with a gradient, the state records
the bucket's own, all step counts equal - one `_update` call per bucket is the whole step. The hyper-parameters
are read from the param groups at that call, so schedulers and edits of `group["lr"]` between steps count.
Anything else runs the real `optimizer.step()`.
"""

from __future__ import annotations

import numpy as np

from ..optim.optimizer import Optimizer


def step_call(opt):
    """A function that performs `opt.step()` (the fast way when it may, see the module docstring)."""
    if type(opt).step is not Optimizer.step:
        return opt.step
    groups = [(group, list(group["params"]), opt._layouts[gi]) for gi, group in enumerate(opt.param_groups)]

    def run():
        if not _fast(opt, groups):
            return opt.step()
        opt._opt_called = True
        for group, _, (_, buckets) in groups:
            keys = opt._state_keys(group)
            for b in buckets:
                _gather(b)
                opt._run(group, b, keys, [(0, len(b.params), b.steps.item(0))])  # one run: the whole bucket
        return None

    return run


def _fast(opt, groups) -> bool:
    """Whether one `_update` per bucket is exactly what `opt.step()` would do now."""
    if len(opt.param_groups) != len(groups):
        return False
    state = opt.state
    for (group, params, lay), live, cur in zip(groups, opt.param_groups, opt._layouts):
        if live is not group or cur is not lay or len(group["params"]) != len(params):
            return False
        for p, q in zip(group["params"], params):
            if p is not q:
                return False
        keys = opt._state_keys(group)
        for b in lay[1]:
            if b.own or b.real is not None or any(key not in b.bufs for key in keys):
                return False
            for i, p in enumerate(b.params):
                if p._data is not b.pviews[i] or p._grad is None:
                    return False
                if keys and state.get(p) is not b.recs[i]:
                    return False
            if keys and not (b.steps == b.steps[0]).all():
                return False
    return True


def _gather(b) -> None:
    """Gradients into the bucket's flat gradient (no copy where .grad already wraps its view), as step() does."""
    for i, p in enumerate(b.params):
        g = p._grad._data
        if g is not b.gviews[i]:
            np.copyto(b.gviews[i], g)
