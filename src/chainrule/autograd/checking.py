"""Gradient checking: compare backward's vector-Jacobian products with central finite differences in float64."""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .engine import grad as _grad
from .grad_mode import enable_grad, no_grad


class GradcheckError(RuntimeError):
    """Analytic and numeric gradients disagree (the message names the worst element), or the inputs cannot be
    checked (not float64, none requires grad). A RuntimeError, as PyTorch's.

    Examples:
        >>> import chainrule as cr
        >>> try:
        ...     cr.autograd.gradcheck(cr.sin, (cr.tensor([1.0], requires_grad=True),))   # float32
        ... except cr.autograd.GradcheckError as e:
        ...     print(str(e)[:45])
        gradcheck: input 0 is chainrule.float32; grad
    """


def _outputs(fn, inputs) -> list[Tensor]:
    out = fn(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if isinstance(o, Tensor)]


def _diff_inputs(inputs) -> list[int]:
    idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for i in idx:
        if inputs[i]._data.dtype != np.float64:
            raise GradcheckError(
                f"gradcheck: input {i} is {inputs[i].dtype}; gradcheck needs float64 inputs. With float32 "
                "(about 7 significant digits) a central difference with eps=1e-6 loses nearly all precision, "
                "so the check would fail on correct code. Convert with x.double() (or dtype=chainrule.float64)."
            )
    return idx


def _cotangents(outs, rng) -> list[np.ndarray]:
    """A random cotangent per output (not all-ones, so transposed or permuted gradients are caught)."""
    return [rng.standard_normal(o.shape) for o in outs]


def numerical_grad(fn, inputs, eps: float = 1e-6, grad_outputs=None) -> list[np.ndarray | None]:
    """d(sum_k v_k * fn(inputs)_k)/d(input) by central differences, per input (v = grad_outputs or ones).

    Each element x_i is moved by +eps and -eps and `(f(x + eps) - f(x - eps)) / (2 eps)` recorded: two calls
    of fn per element, so keep the inputs small.

    Args:
        fn: a function of the inputs returning a Tensor or a tuple of Tensors.
        inputs: a sequence of Tensors (and other arguments passed through); those with requires_grad are
            differentiated. Use float64: in float32 the difference loses most digits.
        eps: the step (default 1e-6).
        grad_outputs: v, one array or Tensor per output of its shape (default None: ones).

    Returns:
        A list with one float64 ndarray per input, of that input's shape (None for inputs without
        requires_grad).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([1.0, 2.0], dtype=cr.float64, requires_grad=True)
        >>> cr.autograd.numerical_grad(lambda t: (t ** 2).sum(), [x])    # d/dx sum(x^2) = 2x
        [array([2., 4.])]
    """
    inputs = list(inputs)
    with no_grad():
        outs = _outputs(fn, inputs)
        vs = grad_outputs or [np.ones(o.shape) for o in outs]
        vs = [np.asarray(getattr(v, "_data", v), dtype=np.float64) for v in vs]
        result = []
        for x in inputs:
            if not (isinstance(x, Tensor) and x.requires_grad):
                result.append(None)
                continue
            flat = x._data.reshape(-1)  # a view when contiguous
            data = x._data if np.shares_memory(flat, x._data) else None
            if data is None:
                x._data = x._data.copy()
                flat = x._data.reshape(-1)
            g = np.zeros(flat.size)
            for k in range(flat.size):
                orig = flat[k]
                flat[k] = orig + eps
                fp = sum(float(np.sum(o._data * v)) for o, v in zip(_outputs(fn, inputs), vs))
                flat[k] = orig - eps
                fm = sum(float(np.sum(o._data * v)) for o, v in zip(_outputs(fn, inputs), vs))
                flat[k] = orig
                g[k] = (fp - fm) / (2 * eps)
            result.append(g.reshape(x.shape))
    return result


def gradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
              seed: int = 0, **_ignored) -> bool:
    """True if backward matches central differences for every float64 input that requires grad.

    The check compares vector-Jacobian products: backward's `v^T J` for a random cotangent v per output (not
    all ones, so a transposed or permuted gradient is caught) against `numerical_grad` with the same v,
    element by element: `|analytic - numeric| <= atol + rtol * |numeric|`.

    Args:
        fn: the function to check, of the inputs (a Function's `apply`, an op, any composition); returns a
            Tensor or a tuple of Tensors.
        inputs: a Tensor or a sequence of arguments; the Tensors with requires_grad are checked and must be
            float64.
        eps: the finite-difference step (default 1e-6).
        atol: absolute tolerance (default 1e-5).
        rtol: relative tolerance (default 1e-3).
        raise_exception: raise GradcheckError on a mismatch (default True); False returns False instead.
        seed: seed of the random cotangents (default 0).
        **_ignored: PyTorch's other options (`nondet_tol`, `check_undefined_grad`, ...), accepted and ignored.

    Returns:
        True when every gradient matches; False on a mismatch when raise_exception is False.

    Raises:
        GradcheckError: a mismatch (the message names the input, the index, both values and the relative
            error); an input that requires grad is not float64; no input requires grad.

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([0.5, -1.5], dtype=cr.float64, requires_grad=True)
        >>> cr.autograd.gradcheck(cr.sin, (x,))
        True
        >>> class WrongSin(cr.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x.sin()
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         x, = ctx.saved_tensors
        ...         return g * x.sin()          # wrong: d sin(x)/dx = cos(x)
        >>> cr.autograd.gradcheck(WrongSin.apply, (x,), raise_exception=False)
        False
        >>> cr.autograd.gradcheck(WrongSin.apply, (x,))
        Traceback (most recent call last):
            ...
        chainrule.autograd.checking.GradcheckError: gradcheck: gradient of input 0 (shape (2,)) is wrong ...
    """
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    idx = _diff_inputs(inputs)
    if not idx:
        raise GradcheckError("gradcheck: no input requires grad; create inputs with requires_grad=True")
    rng = np.random.default_rng(seed)
    with enable_grad():
        outs = _outputs(fn, inputs)
    outs_rg = [o for o in outs if o.requires_grad]
    vs = _cotangents(outs, rng)
    if outs_rg:
        with enable_grad():
            analytic = _grad(
                [o for o in outs if o.requires_grad],
                [inputs[i] for i in idx],
                grad_outputs=[Tensor._wrap(v.astype(o.dtype)) for o, v in zip(outs, vs) if o.requires_grad],
                allow_unused=True,
            )
    else:
        analytic = [None] * len(idx)
    numeric = numerical_grad(fn, inputs, eps=eps, grad_outputs=vs)
    for j, i in enumerate(idx):
        a = np.zeros(inputs[i].shape) if analytic[j] is None else analytic[j]._data.astype(np.float64)
        n = numeric[i]
        err = np.abs(a - n)
        bad = err > atol + rtol * np.abs(n)
        if bad.any():
            k = np.unravel_index(np.argmax(np.where(bad, err / (atol + rtol * np.abs(n)), -1)), n.shape)
            rel = err[k] / max(abs(n[k]), 1e-12)
            msg = (
                f"gradcheck: gradient of input {i} (shape {tuple(n.shape)}) is wrong at index {tuple(map(int, k))}: "
                f"analytic {a[k]:.8g}, numeric {n[k]:.8g}, relative error {rel:.3g} "
                f"({int(bad.sum())} of {n.size} elements exceed atol={atol}, rtol={rtol})"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(fn, inputs, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, seed: int = 0, **_ignored) -> bool:
    """Check second derivatives: gradcheck the function x -> d(v . fn(x))/dx built with create_graph=True.

    Args:
        fn: the function to check (its backward must itself be differentiable: no `once_differentiable`).
        inputs: a Tensor or a sequence of arguments; those with requires_grad must be float64.
        eps: the finite-difference step (default 1e-6).
        atol: absolute tolerance (default 1e-5).
        rtol: relative tolerance (default 1e-3).
        raise_exception: raise GradcheckError on a mismatch (default True).
        seed: seed of the random cotangents (default 0).
        **_ignored: PyTorch's other options, accepted and ignored.

    Returns:
        True when the second derivatives match; False on a mismatch when raise_exception is False.

    Raises:
        GradcheckError: a mismatch, or inputs that are not float64 (as gradcheck).

    Examples:
        >>> import chainrule as cr
        >>> x = cr.tensor([0.3, -0.7], dtype=cr.float64, requires_grad=True)
        >>> cr.autograd.gradgradcheck(cr.tanh, (x,))      # d2 tanh/dx2 = -2 tanh(x) (1 - tanh(x)^2)
        True
    """
    inputs = list(inputs) if isinstance(inputs, (tuple, list)) else [inputs]
    idx = _diff_inputs(inputs)
    rng = np.random.default_rng(seed + 1)
    with enable_grad():
        outs = _outputs(fn, inputs)
    vs = [Tensor._wrap(v) for v in _cotangents(outs, rng)]

    def first_grads(*xs):
        with enable_grad():
            os = [o for o in _outputs(fn, xs) if o.requires_grad]
            gs = _grad(os, [xs[i] for i in idx], grad_outputs=vs[: len(os)], create_graph=True,
                       allow_unused=True, materialize_grads=True)
        return tuple(gs)

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
                     seed=seed + 2)
