"""`chainrule train --dataset names --model ...` and `chainrule sample --load FILE`: character-level language models.

Training draws random batches (with replacement, as makemore) for a number of steps, with AdamW and a cosine
learning-rate decay, evaluates the test loss in nats per character every `eval_every` steps and at the end,
shows a progress bar on a terminal, and writes the loss curve as a PNG beside --save (or to --plot).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

import numpy as np

from .runner_checks import UserError, check_save_path

# Steps, batch and learning rates; lr decays by a cosine to lr * 0.05. Test loss measured with these defaults
# (seed 0; makemore's split: its 1,000 test names; issue 14):
#   bigram 2.4529 (the best count-based bigram on this split: 2.4496)   mlp 1.9750 (block 8)
#   gru 1.9495 (20,000 steps)   transformer 1.9489 (makemore's 4 layers x 4 heads x 64; 10,000 steps; the same
#   recipe in PyTorch: 1.9400, makemore's own constant lr 5e-4: 1.9655 after 10,000 steps)
# rnn and lstm use the GRU's recipe, not tuned separately.
RECIPES = {
    "bigram": {"steps": 3000, "batch_size": 512, "lr": 0.1, "weight_decay": 0.0},
    "mlp": {"steps": 30000, "batch_size": 64, "lr": 3e-3, "weight_decay": 0.01},
    "rnn": {"steps": 20000, "batch_size": 32, "lr": 3e-3, "weight_decay": 0.01},
    "gru": {"steps": 20000, "batch_size": 32, "lr": 3e-3, "weight_decay": 0.01},
    "lstm": {"steps": 20000, "batch_size": 32, "lr": 3e-3, "weight_decay": 0.01},
    "transformer": {"steps": 10000, "batch_size": 32, "lr": 1e-3, "weight_decay": 0.01},
}
MODELS = tuple(RECIPES)


def _datasets(model: str, data_dir, download: bool, seed: int):
    from .data.datasets import Names
    from .models.charlm import DEFAULT_SIZES, SEQUENCE_MODELS

    block = None if model in SEQUENCE_MODELS else DEFAULT_SIZES[model]["block_size"]
    try:
        train = Names(data_dir, train=True, block_size=block, download=download)
        test = Names(data_dir, train=False, block_size=block)
    except (FileNotFoundError, ValueError, RuntimeError) as e:
        raise UserError(str(e)) from None
    return train, test


def _loss(model, x, y):
    import chainrule.nn.functional as F

    logits = model(x)
    if logits.dim() == 3:
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-1)
    return F.cross_entropy(logits, y)


def test_loss(model, data, batch: int = 2000) -> float:
    """Mean cross-entropy in nats per predicted character over a whole split (eval mode, no graph)."""
    import chainrule as cr

    X, Y = data.data, data.targets
    total, count = 0.0, 0
    was = model.training
    model.eval()
    with cr.no_grad():
        for i in range(0, len(X), batch):
            y = Y[i:i + batch]
            n = int((y._data != -1).sum())
            total += float(_loss(model, X[i:i + batch], y)) * n
            count += n
    model.train(was)
    return total / max(count, 1)


def train(args) -> int:
    """Train a names model; print the test loss in nats per character."""
    import chainrule as cr

    from .models.charlm import build
    from .train.loop import _progress

    model_kind = args.model
    if model_kind not in MODELS:
        raise UserError(f"--model {model_kind}: the names data set takes one of {', '.join(MODELS)}")
    if args.save:
        check_save_path(args.save)
    plot = getattr(args, "plot", None) or (os.path.splitext(args.save)[0] + "-loss.png" if args.save else None)
    cfg = dict(RECIPES[model_kind])
    for key in ("steps", "batch_size", "lr"):
        if getattr(args, key, None):
            cfg[key] = getattr(args, key)
    cr.manual_seed(args.seed)
    train_set, test_set = _datasets(model_kind, args.data_dir, getattr(args, "download", False), args.seed)
    block = train_set.data.shape[1]
    model = build(model_kind, train_set.vocab_size, block)
    opt = cr.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"], betas=(0.9, 0.99))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"chainrule train: names ({len(train_set.words)} train / {len(test_set.words)} test names, "
          f"{len(train_set)} / {len(test_set)} examples), {model_kind} ({n_params:,} parameters), "
          f"{json.dumps(cfg)}", flush=True)
    rng = np.random.default_rng(args.seed)
    X, Y = train_set.data._data, train_set.targets._data
    steps = cfg["steps"]
    eval_every = steps // 10 if steps >= 1000 else steps  # short runs: the test set once, at the end
    curve = {"step": [], "train": [], "test_step": [], "test": []}
    window, t0 = [], time.perf_counter()
    bar = _progress(range(steps), steps, f"names {model_kind}",
                    None if not args.no_progress else False)
    for step in bar:
        lr = cfg["lr"] * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / steps)))
        for g in opt.param_groups:
            g["lr"] = lr
        idx = rng.integers(0, len(X), cfg["batch_size"])
        loss = _loss(model, cr.Tensor._wrap(X[idx]), cr.Tensor._wrap(Y[idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        window.append(float(loss))
        if (step + 1) % 100 == 0:
            curve["step"].append(step + 1)
            curve["train"].append(float(np.mean(window)))
            window = []
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{curve['train'][-1]:.3f}")
        if (step + 1) % eval_every == 0 or step + 1 == steps:
            tl = test_loss(model, test_set)
            curve["test_step"].append(step + 1)
            curve["test"].append(tl)
            if not hasattr(bar, "set_postfix"):
                print(f"step {step + 1}/{steps}  train loss {curve['train'][-1] if curve['train'] else float(loss):.4f}"
                      f"  test loss {tl:.4f}  ({time.perf_counter() - t0:.0f} s)", flush=True)
    final = curve["test"][-1]
    elapsed = time.perf_counter() - t0
    n_chars = int((test_set.targets._data != -1).sum())
    print(f"test loss {final:.4f} nats/char ({len(test_set.words)} test names, {n_chars} characters "
          f"predicted; {steps} steps, {elapsed:.1f} s, {elapsed / steps * 1e3:.1f} ms/step)", flush=True)
    if plot:
        _plot(curve, model_kind, plot)
    if args.save:
        meta = {"dataset": "names", "model": model_kind, "config": cfg, "vocab": "".join(train_set.itos),
                "block_size": block, "seed": args.seed, "test_loss": final}
        try:
            cr.save({"model": model.state_dict(), "meta": meta}, args.save)
        except OSError as e:
            raise UserError(f"--save {args.save}: could not write it: {e.strerror or e}") from None
        print(f"saved weights to {os.path.abspath(args.save)}")
    return 0


def _plot(curve: dict, model_kind: str, path: str) -> None:
    try:
        from .viz.plots import figure, save
    except ImportError:
        return
    try:
        fig, ax = figure(1, 1, size=(5.5, 3.6))
    except ImportError:
        print("(no loss curve: matplotlib is not installed)", file=sys.stderr)
        return
    ax.plot(curve["step"], curve["train"], label="train (mean of 100 steps)")
    ax.plot(curve["test_step"], curve["test"], marker="o", ms=3, label="test")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (nats / character)")
    ax.set_title(f"names, {model_kind}")
    ax.grid(alpha=0.3)
    ax.legend()
    print(f"loss curve written to {save(fig, path)}")


def load_model(path: str):
    """The model and metadata of a `chainrule train --dataset names --save` file, every field checked.

    Raises:
        UserError: the file cannot be read, is not a names model, or its weights do not fit its metadata.
    """
    import chainrule as cr

    from .models.charlm import build

    try:
        ckpt = cr.load(path)
    except (OSError, ValueError) as e:
        raise UserError(f"--load {path}: {' '.join(str(e).split())}") from None
    meta = ckpt.get("meta") if isinstance(ckpt, dict) else None
    if not isinstance(meta, dict) or meta.get("dataset") != "names" or not isinstance(ckpt.get("model"), dict):
        raise UserError(f"--load {path}: not a names model (train one with `chainrule train --dataset names`)")
    vocab, block = meta.get("vocab"), meta.get("block_size")
    if (meta.get("model") not in MODELS or not isinstance(vocab, str) or len(vocab) < 2
            or isinstance(block, bool) or not isinstance(block, int) or not 1 <= block <= 1024):
        raise UserError(f"--load {path}: its names metadata (model, vocab, block_size) is damaged or altered")
    model = build(meta["model"], len(vocab), block)
    try:
        model.load_state_dict(ckpt["model"])
    except (KeyError, ValueError, RuntimeError, TypeError) as e:
        raise UserError(f"--load {path}: the weights do not fit the {meta['model']} model its metadata describes: "
                        + " ".join(str(e).split())) from None
    model.eval()
    return model, meta


def evaluate(args) -> int:
    """`chainrule evaluate --load FILE` for a names model: the test loss in nats per character."""
    model, meta = load_model(args.load)
    _, test_set = _datasets(meta["model"], args.data_dir, getattr(args, "download", False), 0)
    if "".join(test_set.itos) != meta["vocab"]:
        raise UserError(f"--load {args.load}: trained on another character set ({meta['vocab']!r}) than "
                        f"this names.txt ({''.join(test_set.itos)!r})")
    loss = test_loss(model, test_set, args.batch_size)
    n_chars = int((test_set.targets._data != -1).sum())
    print(f"names: test loss {loss:.4f} nats/char ({len(test_set.words)} test names, {n_chars} characters "
          f"predicted, {meta['model']}, {args.load})")
    return 0


def sample(args) -> int:
    """`chainrule sample --load FILE -n 20 [--seed S]`: print new names from a trained names model."""
    import chainrule as cr

    from .models.charlm import SEQUENCE_MODELS

    model, meta = load_model(args.load)
    itos = list(meta["vocab"])
    gen = cr.Generator()
    if args.seed is not None:
        gen.manual_seed(args.seed)
    else:
        gen.seed()
    block, seq = int(meta["block_size"]), meta["model"] in SEQUENCE_MODELS
    n, temp = args.n, args.temperature
    ctx = np.zeros((n, 1 if seq else block), dtype=np.int64)
    out = np.zeros((n, 0), dtype=np.int64)
    done = np.zeros(n, dtype=bool)
    with cr.no_grad():
        for _ in range(block if seq else 64):
            logits = model(cr.Tensor._wrap(ctx))._data
            logits = (logits[:, -1] if seq else logits).astype(np.float64) / temp
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            tok = cr.multinomial(cr.tensor(p / p.sum(axis=1, keepdims=True)), 1, generator=gen).numpy()[:, 0]
            tok[done] = 0
            done |= tok == 0
            out = np.concatenate([out, tok[:, None]], axis=1)
            ctx = np.concatenate([ctx, tok[:, None]], axis=1) if seq else np.concatenate([ctx[:, 1:], tok[:, None]], 1)
            if done.all():
                break
    for row in out:
        print("".join(itos[t] for t in row[: np.argmax(row == 0) if (row == 0).any() else len(row)]))
    return 0
