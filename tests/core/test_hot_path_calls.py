"""The hot path's Python calls, counted: a cheap, deterministic guard against per-op work creeping back in.

Timings are noise on a shared machine and instruction counts need valgrind (benchmarks/instructions.py); the
number of Python-level calls an op makes is neither, and each call costs about as much as the rest of a small
op's bookkeeping. The bounds are today's counts: an op is its public function, `Op.apply`, the forward and
`save_for_backward`; backward calls each node's backward and nothing else per node.
"""

from __future__ import annotations

import sys

import numpy as np

import chainrule as cr


def _calls(fn) -> int:
    """Python function calls made while fn runs (sys.setprofile's 'call' events), fn's own frame excluded."""
    n = [0]

    def prof(frame, event, arg):
        if event == "call":
            n[0] += 1

    sys.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return n[0] - 1


def _per_op(fn, k: int = 50) -> float:
    """Calls per repetition: fn run k times and 2k times, so that the fixed cost cancels."""
    fn(1)  # warm-up: one-time work (the engine reads each op class's forward once) is not per op
    return (_calls(lambda: fn(2 * k)) - _calls(lambda: fn(k))) / k


def test_no_grad_binary_op_is_four_calls():
    t = cr.from_numpy(np.ones(8, np.float32))

    def ops(k):
        with cr.no_grad():
            for _ in range(k):
                t * t

    assert _per_op(ops) <= 4  # mul, Op.apply, Mul.forward, save_for_backward (a no-op here)


def test_recorded_ops_are_four_calls_each():
    x = cr.tensor(np.ones(8, np.float32), requires_grad=True)

    def ops(k):
        for _ in range(k):
            x * 2.0  # a float tensor with a Python number needs no promotion
            x * x
            x.tanh()

    assert _per_op(ops) <= 3 * 4  # public function, Op.apply, forward, save_for_backward; versions inline


def test_backward_is_one_call_per_node():
    def chain(k):
        y = cr.tensor(np.ones(8, np.float32), requires_grad=True)
        for _ in range(k):
            y = (y * 0.9 + 0.1).tanh()
        return y.sum()

    def backward(k):
        return _calls(chain(k).backward)

    backward(3)  # warm-up
    k = 40
    per_node = (backward(2 * k) - backward(k)) / (3 * k)  # three nodes per step
    assert per_node <= 1  # each node's backward; freeing, checks and sums inline
