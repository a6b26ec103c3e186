"""ctc_loss: PyTorch's argument forms (padded or concatenated targets, tensor or tuple lengths) checked, then
the CTC node (ops/ctc.py) and the reduction."""

from __future__ import annotations

import numpy as np

from ...ops._declare import FUNCTIONAL, case, declare
from ...ops.ctc import CTCLoss
from ...tensor import Tensor
from .losses import _reduction
from .losses_margin import reduce_loss

__all__ = ["ctc_loss"]


def _lengths(name: str, v, n: int, what: str) -> np.ndarray:
    a = np.asarray(v._data if isinstance(v, Tensor) else v).astype(np.int64).reshape(-1)
    if a.shape != (n,):
        raise RuntimeError(f"ctc_loss: {name} must be of size batch_size ({n}), got {a.size} {what}")
    return a


def _extended(targets: np.ndarray, tlen: np.ndarray, blank: int, batched_2d: bool, t_max: int) -> np.ndarray:
    """(N, 2 S_max + 1) extended labels: blank, l1, blank, l2, ..., blank (padded with blanks)."""
    n = len(tlen)
    s_max = int(tlen.max()) if n else 0
    ext = np.full((n, 2 * s_max + 1), blank, np.int64)
    starts = np.concatenate([[0], np.cumsum(tlen)[:-1]])
    for i in range(n):
        seq = targets[i, : tlen[i]] if batched_2d else targets[starts[i] : starts[i] + tlen[i]]
        ext[i, 1 : 2 * tlen[i] : 2] = seq
    return ext


def _ctc_case(m, x, reduction="mean", concat=False, zero_infinity=False):
    """A generated CTC problem on logits x (T, N, C): lengths and labels drawn from x's shape."""
    t, n, c = x.shape
    rng = np.random.default_rng(n * 7 + c)
    in_len = [t - (i % 2) for i in range(n)]
    tl = [1 + (i % 3) for i in range(n)]
    tl[-1] = t + 1 if zero_infinity else tl[-1]  # too long to align: an infinite loss
    lab = rng.integers(1, c, (n, max(tl)))
    lab[0, :2] = lab[0, 0]  # a repeated label (needs a blank between)
    targets = np.concatenate([lab[i, : tl[i]] for i in range(n)]) if concat else lab
    return m.nn.functional.ctc_loss(x.log_softmax(2), m.idx(targets), m.idx(in_len), m.idx(tl),
                                    reduction=reduction, zero_infinity=zero_infinity)


@declare(namespaces=(FUNCTIONAL,), cases=[
    case(lambda m, x: _ctc_case(m, x), (6, 3, 4), gradgrad=False),
    case(lambda m, x: _ctc_case(m, x, "none", concat=True), (5, 4, 3), gradgrad=False, suffix="concat"),
    case(lambda m, x: _ctc_case(m, x, "sum", zero_infinity=True), (4, 3, 5), gradgrad=False, suffix="zero_inf")])
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank: int = 0, reduction: str = "mean",
             zero_infinity: bool = False) -> Tensor:
    """The Connectionist Temporal Classification loss: -log of the summed probability of every alignment of
    the target (labels with repeats and blanks) to the input frames.

    Args:
        log_probs: (T, N, C) log-probabilities (e.g. log_softmax(logits, 2)), or (T, C) for one sample.
        targets: class indices, padded (N, S) or concatenated (sum(target_lengths),); never the blank.
        input_lengths: (N,) tensor or tuple of ints, each <= T.
        target_lengths: (N,) tensor or tuple of ints (each <= S when padded).
        blank: the blank class (default 0).
        reduction: "mean" (default: each loss divided by its target length, then the batch mean), "sum" or
            "none" ((N,)).
        zero_infinity: replace infinite losses (a target too long for its input) and their gradients by 0
            (default False).

    Returns:
        A scalar, or (N,) with reduction="none".

    Raises:
        RuntimeError: a blank outside [0, C), lengths of the wrong size or too large, or too few targets.

    The gradient with respect to log_probs is PyTorch's, exp(log_probs) - posterior: the gradient with respect
    to the logits once log_softmax's backward is applied (which passes it unchanged).
    """
    reduction = _reduction("ctc_loss", reduction)
    lp = log_probs if isinstance(log_probs, Tensor) else Tensor(log_probs)
    unbatched = lp.ndim == 2
    if unbatched:
        lp = lp.unsqueeze(1)
    if lp.ndim != 3:
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got {tuple(log_probs.shape)}")
    t_max, n, c = lp.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    tg = np.asarray(targets._data if isinstance(targets, Tensor) else targets).astype(np.int64)
    if unbatched and tg.ndim == 1:
        tg = tg.reshape(1, -1)
    in_len = _lengths("input_lengths", input_lengths, n, "input lengths")
    tlen = _lengths("target_lengths", target_lengths, n, "target lengths")
    if in_len.size and in_len.max() > t_max:
        raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got value {in_len.max()}")
    padded = tg.ndim == 2
    if padded and tlen.size and tlen.max() > tg.shape[1]:
        raise RuntimeError(
            f"Expected tensor to have size at least {tlen.max()} at dimension 1, but got size {tg.shape[1]} for "
            "argument #2 'targets' (while checking arguments for ctc_loss_cpu)"
        )
    if not padded and tlen.sum() > tg.size:
        raise RuntimeError(f"ctc_loss: target_lengths sum to {tlen.sum()}, but the concatenated targets have "
                           f"{tg.size} labels")
    ext = _extended(tg, tlen, blank, padded, t_max)
    loss = CTCLoss.apply(lp, ext, 2 * tlen + 1, in_len, bool(zero_infinity))
    if reduction == "mean":
        loss = loss / Tensor._wrap(np.maximum(tlen, 1).astype(lp._data.dtype))
    if unbatched and reduction == "none":
        return loss.reshape(())
    return reduce_loss(loss, reduction)
