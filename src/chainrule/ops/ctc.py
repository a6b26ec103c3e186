"""Connectionist Temporal Classification (Graves et al., 2006): the alpha recursion forward, alpha-beta backward.

Everything is in log space over the extended label sequence l' = (blank, l1, blank, l2, ..., lS, blank) of
length 2S + 1, batched over N with padding (positions past a sample's 2 S_n + 1, and times past its input
length, are -inf / ignored). The recursions run in float64 whatever the input's dtype (the result is cast back).
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Op

NEG = -np.inf


def _lse(*xs):
    """log(sum(exp(x))) elementwise over arrays that may be -inf (all -inf gives -inf)."""
    m = xs[0]
    for x in xs[1:]:
        m = np.maximum(m, x)
    ms = np.where(np.isfinite(m), m, 0.0)
    s = sum(np.exp(x - ms) for x in xs)
    with np.errstate(divide="ignore"):
        return np.log(s) + ms


def _shift(a, k):
    """a shifted right by k along the last axis, -inf filled (a[..., s - k] at s)."""
    out = np.full_like(a, NEG)
    out[..., k:] = a[..., :-k]
    return out


def _unshift(a, k):
    """a shifted left by k along the last axis, -inf filled (a[..., s + k] at s)."""
    out = np.full_like(a, NEG)
    out[..., :-k] = a[..., k:]
    return out


class CTCLoss(Op):
    """Per-sample negative log-likelihood -log p(target | log_probs) of a (T, N, C) log-probability input.

    Non-tensor arguments: the extended labels (N, L) (int), their lengths (N,), the input lengths (N,) and
    zero_infinity. The backward is PyTorch's: exp(lp) - posterior, which equals the gradient with respect to
    the logits when log_probs = log_softmax(logits) (it then passes log_softmax's backward unchanged).
    """

    node_name = "CtcLossBackward0"  # PyTorch's node
    differentiable_backward = False

    @staticmethod
    def forward(ctx, lp, ext, ext_len, in_len, zero_infinity):
        t_max, n, _ = lp.shape
        l_max = ext.shape[1]
        lp64 = lp.astype(np.float64, copy=False)
        rows = np.arange(n)[:, None]
        lpl = lp64[:, rows, ext]  # (T, N, L): lp at each extended label
        s_idx = np.arange(l_max)
        inside = s_idx[None, :] < ext_len[:, None]  # (N, L)
        skip = np.zeros((n, l_max), bool)  # may jump from s - 2 to s: a label that differs from the one before
        skip[:, 2:] = (s_idx[None, 2:] % 2 == 1) & (ext[:, 2:] != ext[:, :-2])
        alpha = np.full((t_max, n, l_max), NEG)
        alpha[0, :, 0] = lpl[0, :, 0]
        if l_max > 1:
            alpha[0, :, 1] = np.where(ext_len > 1, lpl[0, :, 1], NEG)
        for t in range(1, t_max):
            a = alpha[t - 1]
            prev = _lse(a, _shift(a, 1), np.where(skip, _shift(a, 2), NEG))
            alpha[t] = np.where(inside, prev + lpl[t], NEG)
        last = alpha[np.maximum(in_len - 1, 0), np.arange(n)]  # (N, L) at each sample's last time
        end1 = last[np.arange(n), ext_len - 1]
        end2 = np.where(ext_len > 1, last[np.arange(n), np.maximum(ext_len - 2, 0)], NEG)
        nll = -_lse(end1, end2)
        nll = np.where(in_len > 0, nll, np.where(ext_len == 1, 0.0, np.inf))
        inf = np.isinf(nll)
        ctx.saved_ctc = (lp64, lpl, ext, ext_len, in_len, skip, inside, alpha, nll, inf, zero_infinity, lp.dtype)
        if zero_infinity:
            nll = np.where(inf, 0.0, nll)
        return nll.astype(lp.dtype)

    @staticmethod
    def backward(ctx, g):
        # dL/dlp[t, n, c] = g_n (exp(lp[t, n, c]) - sum_{s: l'_s = c} alpha_t(s) beta_t(s) / (p(l|x) lp[t, n, c]))
        # for t < T_n (0 after), with alpha, beta both including lp at t (PyTorch's formula, eq. 16 of the paper)
        lp64, lpl, ext, ext_len, in_len, skip, inside, alpha, nll, inf, zero_inf, dtype = ctx.saved_ctc
        t_max, n, c = lp64.shape
        l_max = ext.shape[1]
        ar = np.arange(n)
        beta = np.full((t_max, n, l_max), NEG)
        skip_next = _unshift(skip.astype(float), 2) > 0  # may jump from s to s + 2
        for t in range(t_max - 1, -1, -1):
            at_end = t == in_len - 1  # (N,) this is the sample's last time
            init = np.full((n, l_max), NEG)
            init[ar, ext_len - 1] = lpl[t, ar, ext_len - 1]
            init[ar, np.maximum(ext_len - 2, 0)] = np.where(
                ext_len > 1, lpl[t, ar, np.maximum(ext_len - 2, 0)], init[ar, np.maximum(ext_len - 2, 0)])
            if t + 1 < t_max:
                b = beta[t + 1]
                rec = _lse(b, _unshift(b, 1), np.where(skip_next, _unshift(b, 2), NEG)) + lpl[t]
            else:
                rec = np.full((n, l_max), NEG)
            cur = np.where(at_end[:, None], init, np.where((t < in_len - 1)[:, None], rec, NEG))
            beta[t] = np.where(inside, cur, NEG)
        ab = alpha + beta  # log(alpha_t(s) beta_t(s)), (T, N, L)
        m = ab.max(axis=2, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        acc = np.zeros((t_max, n, c))
        e = np.exp(ab - m)
        for s in range(l_max):  # each (n, class) pair appears once per s: a plain fancy-index add is safe
            acc[:, ar, ext[:, s]] += e[:, :, s]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            lcab = np.log(acc) + m
            grad = np.exp(lp64) - np.exp(lcab + nll[None, :, None] - lp64)
        live = np.arange(t_max)[:, None] < in_len[None, :]  # (T, N)
        grad = np.where(live[:, :, None], grad, 0.0)
        if zero_inf:
            grad = np.where(inf[None, :, None], 0.0, grad)
        g = np.asarray(g, dtype=np.float64)
        return (grad * g[None, :, None]).astype(dtype), None, None, None, None
