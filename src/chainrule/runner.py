"""What `chainrule train` and `chainrule evaluate` do: data, model, optimizer, schedule, fit, report, save."""

from __future__ import annotations

import json
import os
import time

import numpy as np

from .recipes import CNN_RECIPE, RECIPES

_VISION = {"mnist": "mnist", "fashion-mnist": "fashion_mnist"}


class DataNotFound(RuntimeError):
    """No data files for the requested data set (the message says where we looked and how to get them)."""


def load_data(name: str, data_dir: str | None, flatten: bool, subset: int | None = None, seed: int = 0):
    """(train_dataset, test_dataset, n_inputs, n_classes) for a data set name."""
    from .data import TensorDataset, datasets

    if name in _VISION:
        fn = getattr(datasets, _VISION[name])
        try:
            train = fn(root=data_dir, train=True, flatten=flatten)
            test = fn(root=data_dir, train=False, flatten=flatten)
        except FileNotFoundError as e:
            raise DataNotFound(str(e)) from None
        if subset:
            train = TensorDataset(train.data[:subset], train.targets[:subset])
        return train, test, 784, 10
    X, y = getattr(datasets, name)(n=4 if name == "xor" else 1000, seed=seed)
    if name == "xor":
        return TensorDataset(X, y), TensorDataset(X, y), 2, 2
    Xt, yt = getattr(datasets, name)(n=1000, seed=seed + 1)
    return TensorDataset(X, y), TensorDataset(Xt, yt), 2, int(y.numpy().max()) + 1


def default_dataset(data_dir: str | None) -> str:
    """mnist when its files can be found, else the built-in rings set (so a fresh machine still trains)."""
    from .data import datasets

    try:
        datasets.mnist(root=data_dir, train=False)
        return "mnist"
    except FileNotFoundError:
        print("chainrule: no MNIST files found (set CHAINRULE_DATA or --data-dir; `chainrule train --dataset "
              "mnist` says how to get them); training on the built-in two-rings data set instead.")
        return "rings"


def build_model(kind: str, n_in: int, n_classes: int, cfg: dict):
    """An MLP (hidden sizes, activation, dropout, init) or the small CNN."""
    from . import models, nn

    if kind == "cnn":
        return models.small_cnn(in_channels=1, num_classes=n_classes)
    hidden = [int(h) for h in str(cfg["hidden"]).split(",") if h]
    model = models.mlp((n_in, *hidden, n_classes), activation=cfg["activation"], dropout=cfg["dropout"])
    init = cfg["init"]
    for m in model.modules():
        if isinstance(m, nn.Linear) and init != "default":
            if init == "he":
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            else:
                nn.init.xavier_uniform_(m.weight, gain=nn.init.calculate_gain(cfg["activation"]
                                                                                if cfg["activation"] in
                                                                                ("tanh", "sigmoid", "relu")
                                                                                else "linear"))
            nn.init.zeros_(m.bias)
    return model


def build_optimizer(model, cfg: dict, steps_per_epoch: int):
    """Optimizer and learning-rate schedule from a recipe."""
    from . import optim

    name, lr = cfg["optimizer"], cfg["lr"]
    params = model.parameters()
    if name == "sgd":
        opt = optim.SGD(params, lr=lr)
    elif name == "momentum":
        opt = optim.SGD(params, lr=lr, momentum=0.9)
    elif name == "adam":
        opt = optim.Adam(params, lr=lr)
    elif name == "adamw":
        opt = optim.AdamW(params, lr=lr, weight_decay=1e-4)
    else:
        opt = optim.RMSprop(params, lr=lr)
    sched, epochs = cfg["schedule"], cfg["epochs"]
    if sched == "onecycle":
        s = optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, epochs=epochs, steps_per_epoch=steps_per_epoch)
    elif sched == "cosine":
        s = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    elif sched == "step":
        s = optim.lr_scheduler.StepLR(opt, step_size=max(epochs // 3, 1), gamma=0.3)
    else:
        s = None
    return opt, s


def _config(args, dataset: str) -> dict:
    cfg = dict(RECIPES[dataset])
    if args.model == "cnn":
        cfg.update(CNN_RECIPE)
    for key in ("hidden", "activation", "init", "dropout", "optimizer", "lr", "schedule", "batch_size", "epochs"):
        v = getattr(args, key, None)
        if v is not None:
            cfg[key] = v
    return cfg


def train(args) -> int:
    """`chainrule train`: print progress and the final test accuracy; optionally save the weights."""
    import chainrule as cr

    from .data import DataLoader
    from .nn import CrossEntropyLoss
    from .train import evaluate, fit

    data_dir = args.data_dir
    dataset = args.dataset or default_dataset(data_dir)
    cfg = _config(args, dataset)
    cr.manual_seed(args.seed)
    train_set, test_set, n_in, n_classes = load_data(dataset, data_dir, flatten=args.model == "mlp",
                                                     subset=args.subset, seed=args.seed)
    loader = DataLoader(train_set, batch_size=cfg["batch_size"], shuffle=True, seed=args.seed)
    test_loader = DataLoader(test_set, batch_size=1000)
    model = build_model(args.model, n_in, n_classes, cfg)
    opt, sched = build_optimizer(model, cfg, len(loader))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"chainrule train: {dataset}, {args.model} ({n_params:,} parameters), {json.dumps(cfg)}", flush=True)
    t0 = time.perf_counter()
    history = fit(model, CrossEntropyLoss(), opt, loader, cfg["epochs"], val_loader=test_loader, scheduler=sched,
                  progress=not args.no_progress, verbose=True)
    res = evaluate(model, test_loader, CrossEntropyLoss())
    print(f"test accuracy {res['accuracy'] * 100:.2f}%  test loss {res['loss']:.4f}  "
          f"({time.perf_counter() - t0:.1f} s, {np.mean(history['time']):.2f} s/epoch)", flush=True)
    if args.save:
        meta = {"dataset": dataset, "model": args.model, "config": cfg, "n_in": n_in, "n_classes": n_classes}
        cr.save({"model": model.state_dict(), "meta": meta}, args.save)
        print(f"saved weights to {os.path.abspath(args.save)}")
    return 0


def evaluate(args) -> int:
    """`chainrule evaluate --load FILE`: rebuild the model the file describes and report test accuracy."""
    import chainrule as cr

    from .data import DataLoader
    from .nn import CrossEntropyLoss
    from .train import evaluate as run_eval

    obj = cr.load(args.load)
    meta = obj.get("meta") or {}
    if "model" not in obj or not meta:
        raise SystemExit(f"chainrule evaluate: {args.load} was not written by `chainrule train --save`")
    dataset = args.dataset or meta["dataset"]
    _, test_set, n_in, n_classes = load_data(dataset, args.data_dir, flatten=meta["model"] == "mlp")
    model = build_model(meta["model"], meta["n_in"], meta["n_classes"], meta["config"])
    model.load_state_dict(obj["model"])
    res = run_eval(model, DataLoader(test_set, batch_size=args.batch_size), CrossEntropyLoss())
    print(f"{dataset}: test accuracy {res['accuracy'] * 100:.2f}%  test loss {res['loss']:.4f}")
    return 0
