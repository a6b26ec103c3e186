"""What `chainrule train` and `chainrule evaluate` do: data, model, optimizer, schedule, fit, report, save.

`chainrule train` holds out a seeded share of the training set (`--val-fraction`, 10% by default) and reports
its loss and accuracy each epoch as `val_*`; the test set is evaluated once, at the end, as `test accuracy`.
The saved file's metadata records the three splits' sizes and figures under `splits`.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from .recipes import CNN_RECIPE, RECIPES
from .runner_checks import UserError, check_meta, check_model_size, check_save_path

_VISION = {"mnist": "mnist", "fashion-mnist": "fashion_mnist"}
_TOY_SIZE = {"xor": 4}  # training points per toy set (default 1000)
_MLP_ONLY = {"hidden", "activation", "init", "batchnorm"}
_KEYS = ("hidden", "activation", "init", "dropout", "optimizer", "lr", "schedule", "batch_size", "epochs")


class DataNotFound(UserError):
    """No data files for the requested data set (the message says where we looked and how to get them)."""


def load_data(name: str, data_dir: str | None, flatten: bool, subset: int | None = None, seed: int = 0,
              train: bool = True, download: bool = False):
    """(train_dataset, test_dataset, n_inputs, n_classes); train_dataset is None when train=False.

    MNIST-style sets are read from IDX files (`download=True` fetches missing ones and checks their MD5s); a
    missing file raises DataNotFound, a corrupt one or a failed download UserError.
    """
    from .data import TensorDataset, datasets
    from .data.datasets.idx import IDXError

    if name in _VISION:
        fn = getattr(datasets, _VISION[name])
        try:
            test = fn(root=data_dir, train=False, flatten=flatten, download=download)
            tr = fn(root=data_dir, train=True, flatten=flatten, download=download) if train else None
        except FileNotFoundError as e:
            raise DataNotFound(f"{e}\nWith the chainrule command: --download, or --data-dir <that folder> "
                               "(or CHAINRULE_DATA); or train on a built-in data set: chainrule train "
                               "--dataset rings") from None
        except IDXError as e:
            raise UserError(f"{e}") from None
        except RuntimeError as e:  # download(): no mirror served the file with the right MD5
            raise UserError(" ".join(str(e).split())) from None
        if tr is not None and subset:
            tr = TensorDataset(tr.data[:subset], tr.targets[:subset])
        return tr, test, 784, 10
    make = getattr(datasets, name)
    X, y = make(n=_TOY_SIZE.get(name, 1000), seed=seed)
    n_classes = int(y.numpy().max()) + 1
    if name == "xor":  # the four corners are the whole data set; centred, as inputs should be
        X = X - 0.5
        return TensorDataset(X, y), TensorDataset(X, y), 2, n_classes
    Xt, yt = make(n=1000, seed=seed + 1)
    if subset:
        X, y = X[:subset], y[:subset]
    return TensorDataset(X, y), TensorDataset(Xt, yt), 2, n_classes


def split_validation(train_set, fraction: float, seed: int):
    """(train, validation): a seeded random `fraction` of the training set held out; validation is None when
    that share is less than one example (the four points of xor, or --val-fraction 0)."""
    from .data import TensorDataset

    n_val = int(len(train_set) * fraction)
    if n_val == 0:
        return train_set, None
    order = np.random.default_rng(seed).permutation(len(train_set))
    x, y = train_set.arrays
    val, keep = order[:n_val], np.sort(order[n_val:])
    return TensorDataset(x[keep], y[keep]), TensorDataset(x[val], y[val])


def mnist_available(data_dir: str | None) -> bool:
    """Whether MNIST's four files can be found (without decoding them)."""
    from .data.datasets.vision import SPLITS, find, search_dirs

    places = search_dirs("mnist", data_dir)
    return all(find(places, SPLITS[split]) is not None for split in (True, False))


def default_dataset(data_dir: str | None) -> str:
    """mnist when its files can be found, else the built-in rings set (so a fresh machine still trains)."""
    if mnist_available(data_dir):
        print("chainrule train: no --dataset given; found MNIST, training on it")
        return "mnist"
    print("chainrule train: no --dataset given and no MNIST files found (set CHAINRULE_DATA or --data-dir; "
          "`chainrule train --dataset mnist` says how to get them); training on the built-in two-rings data set "
          "instead.")
    return "rings"


def build_model(kind: str, n_in: int, n_classes: int, cfg: dict):
    """An MLP (hidden sizes, activation, dropout, batch norm, init) or the small CNN."""
    from . import models, nn

    if kind == "cnn":
        return models.small_cnn(in_channels=1, num_classes=n_classes, dropout=cfg.get("dropout", 0.25))
    hidden = [int(h) for h in str(cfg["hidden"]).split(",") if h.strip()]
    act = cfg["activation"]
    model = models.mlp((n_in, *hidden, n_classes), activation=act, dropout=cfg["dropout"],
                       batchnorm=cfg.get("batchnorm", False))
    init = cfg["init"]
    if init == "default":
        return model
    if init not in ("he", "xavier"):
        raise ValueError(f"chainrule train: unknown init {init!r}; choose he, xavier or default")
    gain = nn.init.calculate_gain(act) if act in ("tanh", "sigmoid", "relu") else 1.0
    for m in model.modules():
        if isinstance(m, nn.Linear):  # he: N(0, 2/fan_in); xavier: U(+-gain*sqrt(6/(fan_in+fan_out))); bias 0
            if init == "he":
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            else:
                nn.init.xavier_uniform_(m.weight, gain=gain)
            nn.init.zeros_(m.bias)
    return model


def build_optimizer(model, cfg: dict, steps_per_epoch: int):
    """Optimizer and learning-rate schedule from a recipe."""
    from . import optim

    name, lr, wd = cfg["optimizer"], cfg["lr"], cfg.get("weight_decay")
    params = model.parameters()
    if name == "sgd":
        opt = optim.SGD(params, lr=lr, weight_decay=wd or 0.0)
    elif name == "momentum":
        opt = optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd or 0.0)
    elif name == "adam":
        opt = optim.Adam(params, lr=lr, weight_decay=wd or 0.0)
    elif name == "adamw":
        opt = optim.AdamW(params, lr=lr, weight_decay=1e-2 if wd is None else wd)
    elif name == "rmsprop":
        opt = optim.RMSprop(params, lr=lr, weight_decay=wd or 0.0)
    else:
        raise ValueError(f"chainrule train: unknown optimizer {name!r}")
    sched, epochs = cfg["schedule"], cfg["epochs"]
    if sched == "onecycle":
        s = optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch,
                                          pct_start=cfg.get("pct_start", 0.3))
    elif sched == "cosine":
        s = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    elif sched == "step":
        s = optim.lr_scheduler.StepLR(opt, step_size=max(epochs // 3, 1), gamma=0.3)
    elif sched in ("none", None):
        s = None
    else:
        raise ValueError(f"chainrule train: unknown schedule {sched!r}")
    return opt, s


def config(args, dataset: str) -> dict:
    """The dataset's recipe (the CNN's for --model cnn), overridden by the options given on the command line."""
    cfg = dict(RECIPES[dataset])
    cnn = getattr(args, "model", "mlp") == "cnn"
    if cnn:
        cfg = {k: v for k, v in cfg.items() if k not in _MLP_ONLY}
        cfg.update(CNN_RECIPE)
    for key in _KEYS:
        v = getattr(args, key, None)
        if v is not None and not (cnn and key in _MLP_ONLY):
            cfg[key] = v
    return cfg


def _pinned(args):
    """A context pinning NumPy's BLAS to `args.threads` threads when given (one is fastest on a busy machine)."""
    import contextlib

    threads = getattr(args, "threads", None)
    if not threads:
        return contextlib.nullcontext()
    from .utils.threads import blas_threads

    return blas_threads(threads)


def train(args) -> int:
    """`chainrule train`: print progress and the final test accuracy; optionally save the weights."""
    if getattr(args, "dataset", None) == "names" and not getattr(args, "threads", None):
        args.threads = 1  # character models multiply small matrices: BLAS threads only wait on each other
    with _pinned(args):
        if getattr(args, "dataset", None) == "names":
            from . import runner_names

            return runner_names.train(args)
        if args.model not in ("mlp", "cnn"):
            raise UserError(f"--model {args.model} is a language model: use it with --dataset names")
        return _train(args)


def _interactive() -> bool:
    """Whether stdout is a terminal: progress bars then; one line per epoch when it is piped to a log."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stdout
        return False


def _train(args) -> int:
    if getattr(args, "distributed", False) or getattr(args, "resume", None) or getattr(args, "checkpoint", None):
        return _train_resumable(args)
    import chainrule as cr

    from .data import DataLoader
    from .nn import CrossEntropyLoss
    from .train import evaluate, fit

    if args.save:
        check_save_path(args.save)
    data_dir = args.data_dir
    dataset = args.dataset or default_dataset(data_dir)
    cfg = config(args, dataset)
    cr.manual_seed(args.seed)
    train_set, test_set, n_in, n_classes = load_data(dataset, data_dir, flatten=args.model == "mlp",
                                                     subset=args.subset, seed=args.seed,
                                                     download=getattr(args, "download", False))
    if len(train_set) == 0:
        raise UserError(f"the {dataset} training set is empty; there is nothing to train on")
    if args.model == "mlp":
        check_model_size(n_in, cfg, n_classes)
    fraction = getattr(args, "val_fraction", 0.1)
    train_set, val_set = split_validation(train_set, fraction, args.seed)
    loader = DataLoader(train_set, batch_size=cfg["batch_size"], shuffle=True, seed=args.seed)
    val_loader = DataLoader(val_set, batch_size=1000) if val_set is not None else None
    model = build_model(args.model, n_in, n_classes, cfg)
    opt, sched = build_optimizer(model, cfg, len(loader))
    loss_fn = CrossEntropyLoss(label_smoothing=cfg.get("label_smoothing", 0.0))
    n_params = sum(p.numel() for p in model.parameters())
    sizes = f"{len(train_set)} train" + (f" / {len(val_set)} validation" if val_set is not None else "")
    print(f"chainrule train: {dataset} ({sizes} / {len(test_set)} test), {args.model} "
          f"({n_params:,} parameters), {json.dumps(cfg)}", flush=True)
    t0 = time.perf_counter()
    history = fit(model, loss_fn, opt, loader, cfg["epochs"], val_loader=val_loader, scheduler=sched,
                  progress=not args.no_progress and _interactive(), verbose=True)
    res = evaluate(model, DataLoader(test_set, batch_size=1000), CrossEntropyLoss())
    print(f"test accuracy {res['accuracy'] * 100:.2f}%  test loss {res['loss']:.4f}  "
          f"({len(test_set)} test examples, evaluated once; {time.perf_counter() - t0:.1f} s, "
          f"{np.median(history['time']):.2f} s/epoch)", flush=True)
    if args.save:
        splits = {"train": {"size": len(train_set), "accuracy": history.last("accuracy")},
                  "validation": None if val_set is None else {
                      "size": len(val_set), "fraction": fraction, "seed": args.seed,
                      "from": "the training set, held out (seeded permutation)",
                      "accuracy": history.last("val_accuracy"), "loss": history.last("val_loss")},
                  "test": {"size": len(test_set),
                           "from": f"the {dataset} test set, evaluated once after training",
                           "accuracy": res["accuracy"], "loss": res["loss"]}}
        meta = {"dataset": dataset, "model": args.model, "config": cfg, "n_in": n_in, "n_classes": n_classes,
                "seed": args.seed, "test_accuracy": res["accuracy"], "splits": splits}
        try:
            cr.save({"model": model.state_dict(), "meta": meta}, args.save)
        except OSError as e:  # checked before training; the disk may have filled up since
            raise UserError(f"--save {args.save}: could not write it: {e.strerror or e}") from None
        print(f"saved weights to {os.path.abspath(args.save)}")
    return 0


def _train_resumable(args) -> int:
    """`chainrule train --distributed / --checkpoint / --resume`: the data-parallel, resumable loop.

    The same splits as `_train` (a seeded --val-fraction held out for the per-epoch val_* figures, the test
    set evaluated once at the end); a resumed run takes its data set, model, recipe, seed and splits from the
    checkpoint.
    """
    import contextlib

    import chainrule as cr

    from .data import DataLoader
    from .nn import CrossEntropyLoss
    from .train import evaluate, resumable

    for path in (args.save, args.checkpoint):
        if path:
            check_save_path(path)
    try:
        ctx = resumable.Context(args.distributed)
    except ImportError as e:
        raise UserError(f"--distributed: {e}") from None
    ckpt = None
    if args.resume:
        try:
            ckpt = cr.load(args.resume)
        except (FileNotFoundError, IsADirectoryError, ValueError) as e:
            raise UserError(f"--resume: {e}") from None
        if not (isinstance(ckpt, dict) and {"model", "optimizer", "epoch", "meta"} <= set(ckpt)):
            raise UserError(f"--resume {args.resume}: not a file written by `chainrule train --checkpoint`")
        check_meta(ckpt["meta"], f"--resume {args.resume}")
    quiet = open(os.devnull, "w") if ctx.rank else None  # noqa: SIM115 - rank 0 alone prints; closed below
    with contextlib.redirect_stdout(quiet) if quiet else contextlib.nullcontext():
        try:
            _run_resumable(args, ctx, ckpt, cr, DataLoader, CrossEntropyLoss, evaluate, resumable)
        finally:
            if quiet:
                quiet.close()
    return 0


def _run_resumable(args, ctx, ckpt, cr, DataLoader, CrossEntropyLoss, evaluate, resumable) -> None:
    meta = ckpt["meta"] if ckpt else None
    dataset = meta["dataset"] if meta else (args.dataset or default_dataset(args.data_dir))
    kind = meta["model"] if meta else args.model
    cfg = meta["config"] if meta else config(args, dataset)
    seed = meta["seed"] if meta else args.seed
    subset = meta.get("subset") if meta else args.subset
    fraction = meta.get("val_fraction", 0.1) if meta else getattr(args, "val_fraction", 0.1)
    cr.manual_seed(seed)
    train_set, test_set, n_in, n_classes = load_data(dataset, args.data_dir, flatten=kind == "mlp", subset=subset,
                                                     seed=seed, download=getattr(args, "download", False))
    if len(train_set) == 0:
        raise UserError(f"the {dataset} training set is empty; there is nothing to train on")
    if kind == "mlp" and not meta:
        check_model_size(n_in, cfg, n_classes)
    train_set, val_set = split_validation(train_set, fraction, seed)
    model = build_model(kind, n_in, n_classes, cfg)
    loader, sampler = resumable.shard_loader(train_set, cfg["batch_size"], seed, ctx)
    opt, sched = build_optimizer(model, cfg, len(loader))
    cr.manual_seed(seed * 1000 + ctx.rank)  # dropout: a different stream per rank
    start = resumable.restore(ckpt, model, opt, sched, ctx, seed) if ckpt else 0
    ddp, module = resumable.wrap_model(model, ctx)
    meta = {"dataset": dataset, "model": kind, "config": cfg, "n_in": n_in, "n_classes": n_classes, "seed": seed,
            "subset": subset, "val_fraction": fraction}
    loss_fn = CrossEntropyLoss(label_smoothing=cfg.get("label_smoothing", 0.0))
    val_loader = DataLoader(val_set, batch_size=1000) if val_set is not None else None
    n_params = sum(p.numel() for p in module.parameters())
    sizes = f"{len(train_set)} train" + (f" / {len(val_set)} validation" if val_set is not None else "")
    print(f"chainrule train: {dataset} ({sizes} / {len(test_set)} test), {kind} ({n_params:,} parameters), "
          f"{json.dumps(cfg)}, {ctx.world} rank(s)" + (f", resuming {args.resume} at epoch {start + 1}" if ckpt
                                                       else ""), flush=True)
    t0 = time.perf_counter()
    times = resumable.run(ddp, module, loss_fn, opt, sched, loader, sampler, val_loader, cfg["epochs"], start, ctx,
                          args.checkpoint, meta, lambda line: print(line, flush=True))
    if ctx.rank != 0:
        return
    res = evaluate(module, DataLoader(test_set, batch_size=1000), CrossEntropyLoss())
    per = f"{np.median(times):.2f} s/epoch" if times else "no epoch left to train"
    print(f"test accuracy {res['accuracy'] * 100:.2f}%  test loss {res['loss']:.4f}  ({len(test_set)} test "
          f"examples, evaluated once; {time.perf_counter() - t0:.1f} s, {per})", flush=True)
    if args.save:
        try:
            cr.save({"model": module.state_dict(), "meta": {**meta, "test_accuracy": res["accuracy"]}}, args.save)
        except OSError as e:
            raise UserError(f"--save {args.save}: could not write it: {e.strerror or e}") from None
        print(f"saved weights to {os.path.abspath(args.save)}")


def evaluate(args) -> int:
    """`chainrule evaluate --load FILE`: rebuild the model the file describes and report test accuracy."""
    with _pinned(args):
        return _evaluate(args)


def _evaluate(args) -> int:
    import chainrule as cr

    from .data import DataLoader
    from .nn import CrossEntropyLoss
    from .train import evaluate as run_eval

    try:
        obj = cr.load(args.load)
    except (OSError, ValueError) as e:  # missing, a folder, truncated, a pickle, corrupt metadata
        raise UserError(" ".join(str(e).split())) from None
    meta = obj.get("meta") if isinstance(obj, dict) else None
    if isinstance(meta, dict) and meta.get("dataset") == "names":
        from . import runner_names

        if args.dataset not in (None, "names"):
            raise UserError(f"{args.load} holds a names model; it is evaluated on names only (drop --dataset)")
        return runner_names.evaluate(args)
    if not isinstance(meta, dict) or not isinstance(obj.get("model"), dict):
        raise UserError(f"{args.load} was not written by `chainrule train --save` (no model and metadata)")
    meta = check_meta(meta, args.load)
    if args.dataset == "names":
        raise UserError(f"{args.load} holds a {meta['dataset']} classifier; --dataset names takes a names model")
    dataset = args.dataset or meta["dataset"]
    seed = meta.get("seed")
    _, test_set, n_in, n_classes = load_data(dataset, args.data_dir, flatten=meta["model"] == "mlp",
                                             seed=seed if isinstance(seed, int) and seed >= 0 else 0,
                                             train=False,
                                             download=getattr(args, "download", False))
    if (n_in, n_classes) != (meta["n_in"], meta["n_classes"]):
        raise UserError(f"{args.load} holds a model trained on {meta['dataset']} ({meta['n_in']} inputs, "
                        f"{meta['n_classes']} classes); {dataset} has {n_in} inputs and {n_classes} classes. "
                        f"Pass --dataset {meta['dataset']}")
    model = build_model(meta["model"], meta["n_in"], meta["n_classes"], meta["config"])
    try:
        model.load_state_dict(obj["model"])
    except (KeyError, ValueError, RuntimeError, TypeError) as e:
        raise UserError(f"{args.load}: the weights do not fit the model its metadata describes: "
                        + " ".join(str(e).split())) from None
    res = run_eval(model, DataLoader(test_set, batch_size=args.batch_size), CrossEntropyLoss())
    print(f"{dataset}: test accuracy {res['accuracy'] * 100:.2f}%  test loss {res['loss']:.4f}  "
          f"({len(test_set)} examples, {args.load})")
    return 0
