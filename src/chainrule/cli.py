"""The `chainrule` command: train, evaluate, graph, experiment, playground."""

from __future__ import annotations

import argparse
import sys

from .argtypes import fraction, hidden_sizes, non_negative_int, positive_float, positive_int, probability
from .recipes import DATASETS

_TOY = {"rings", "xor", "spirals", "moons"}


def _train_parser(sub) -> None:
    p = sub.add_parser("train", help="train a network and print its test accuracy")
    data = p.add_argument_group("data")
    data.add_argument("--dataset", choices=sorted(DATASETS | {"names"}), default=None,
                      help="default: mnist when its files are found, else the built-in two-rings set; names: "
                           "character-level language models (test loss in nats per character)")
    data.add_argument("--data-dir", default=None,
                      help="folder holding the IDX files (default: $CHAINRULE_DATA/<name>)")
    data.add_argument("--download", action="store_true",
                      help="fetch a missing MNIST / Fashion-MNIST / names into the data folder (MD5-checked)")
    data.add_argument("--subset", type=positive_int, default=None,
                      help="train on the first N training examples only")
    data.add_argument("--val-fraction", type=fraction, default=0.1,
                      help="share of the training set held out for the per-epoch validation figures "
                           "(default 0.1; 0: none). The test set is evaluated once, at the end")
    model = p.add_argument_group("model")
    model.add_argument("--model", choices=["mlp", "cnn", "bigram", "rnn", "gru", "lstm", "transformer"],
                       default="mlp", help="mlp, cnn: classifiers; names also takes bigram, rnn, gru, lstm, "
                                           "transformer")
    model.add_argument("--hidden", type=hidden_sizes, default=None, help="hidden sizes, e.g. 256,128")
    model.add_argument("--activation", default=None,
                       choices=["relu", "tanh", "sigmoid", "gelu", "leaky_relu", "elu"])
    model.add_argument("--init", default=None, choices=["he", "xavier", "default"])
    model.add_argument("--dropout", type=probability, default=None, help="dropout rate in [0, 1)")
    opt = p.add_argument_group("optimization")
    opt.add_argument("--optimizer", default=None, choices=["sgd", "momentum", "adam", "adamw", "rmsprop"])
    opt.add_argument("--lr", type=positive_float, default=None)
    opt.add_argument("--schedule", default=None, choices=["none", "onecycle", "cosine", "step"])
    opt.add_argument("--batch-size", type=positive_int, default=None)
    opt.add_argument("--epochs", type=positive_int, default=None)
    opt.add_argument("--steps", type=positive_int, default=None,
                     help="names: optimisation steps (default: the model's recipe)")
    opt.add_argument("--seed", type=non_negative_int, default=0)
    run = p.add_argument_group("running")
    run.add_argument("--save", default=None, help="write the trained weights here (safetensors); checked "
                                                  "before training starts")
    run.add_argument("--plot", default=None,
                     help="names: write the loss curve here as a PNG (default: beside --save, <name>-loss.png)")
    run.add_argument("--no-progress", action="store_true",
                     help="no progress bar (there is none anyway when the output is not a terminal)")
    run.add_argument("--threads", type=positive_int, default=None,
                     help="pin NumPy's BLAS to this many threads")
    run.add_argument("--distributed", action="store_true",
                     help="data-parallel over the processes of `mpirun -n N chainrule train --distributed` "
                          "(needs chainrule[mpi]); --batch-size is the global batch; rank 0 prints and saves")
    run.add_argument("--checkpoint", default=None,
                     help="after every epoch, write model, optimizer, schedule, epoch and RNG states here "
                          "(atomically, safetensors)")
    run.add_argument("--resume", default=None,
                     help="continue from a --checkpoint file (on any number of ranks); its data set, model and "
                          "recipe are used")


def _evaluate_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="evaluate saved weights on a test set")
    p.add_argument("--load", required=True)
    p.add_argument("--dataset", choices=sorted(DATASETS | {"names"}), default=None,
                   help="default: the data set the file was trained on (a names model: its test loss)")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--download", action="store_true",
                   help="fetch a missing MNIST / Fashion-MNIST / names (MD5-checked)")
    p.add_argument("--batch-size", type=positive_int, default=1000)
    p.add_argument("--threads", type=positive_int, default=None, help="pin NumPy's BLAS to this many threads")


def _sample_parser(sub) -> None:
    p = sub.add_parser("sample", help="print new names from a model trained with --dataset names")
    p.add_argument("--load", required=True, help="a file written by `chainrule train --dataset names --save`")
    p.add_argument("-n", type=positive_int, default=20, help="how many names (default 20)")
    p.add_argument("--seed", type=non_negative_int, default=None, help="fix the draws (default: fresh)")
    p.add_argument("--temperature", type=positive_float, default=1.0,
                   help="divide the logits by this before sampling (default 1)")


def main(argv=None) -> int:
    """Entry point of the console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "graph":
        from .viz import cli_graph

        return cli_graph(argv[1:])
    if argv and argv[0] == "experiment":
        from .experiments import cli as experiment_cli

        return experiment_cli(argv[1:])
    if argv and argv[0] == "playground":
        from .playground import main as playground_main

        return playground_main(argv[1:]) or 0
    parser = argparse.ArgumentParser(prog="chainrule", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _train_parser(sub)
    _evaluate_parser(sub)
    _sample_parser(sub)
    sub.add_parser("graph", help="draw the computational graph of a formula (chainrule graph --help)")
    sub.add_parser("experiment", help="run a textbook experiment (chainrule experiment --list)")
    sub.add_parser("playground", help="open the browser playground")
    args = parser.parse_args(argv)
    from . import runner

    try:
        if args.command == "train":
            return runner.train(args)
        if args.command == "sample":
            from . import runner_names

            return runner_names.sample(args)
        return runner.evaluate(args)
    except runner.UserError as e:  # a mistake in what was asked: its message, no traceback
        print(f"chainrule {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
