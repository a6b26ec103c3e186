"""The bptt experiment, the names data set and the names CLI (train, sample), at small sizes."""

from __future__ import annotations

import json
import os

import pytest

from chainrule.cli import main
from chainrule.experiments import run

DATA = os.environ.get("CHAINRULE_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                                                     "shared", "datasets"))
HAVE_NAMES = os.path.isfile(os.path.join(DATA, "names", "names.txt"))
needs_names = pytest.mark.skipif(not HAVE_NAMES, reason="names.txt not found (set CHAINRULE_DATA)")


def test_bptt_experiment_quick(tmp_path):
    s = run("bptt", tmp_path, quick=True)
    ratio = s["result"]["ratio_first_to_last_at_init"]
    assert ratio["rnn"] < 1e-3 < ratio["lstm"] and ratio["gru"] > 1e-3  # the tanh RNN's gradient vanishes
    assert len(s["grad_norm_per_step_at_init"]["rnn"]) == s["config"]["T"]
    dot = (tmp_path / "unrolled_rnn.dot").read_text()
    assert "W_hh" in dot and "h3" in dot and "grad" in dot
    assert json.loads((tmp_path / "summary.json").read_text())["experiment"] == "bptt"


@needs_names
def test_names_dataset_split_and_contexts():
    from chainrule.data.datasets import Names
    from chainrule.data.datasets.names import load_words

    tr, te = Names(DATA, block_size=3), Names(DATA, train=False, block_size=3)
    assert len(te.words) == 1000 and len(tr.words) + len(te.words) == len(load_words(DATA))
    assert tr.vocab_size == 27 and tr.itos[0] == "." and tr.itos[1] == "a"
    w = tr.words[0]
    assert tr.decode(tr.targets.numpy()[:len(w)]) == w and tr.data.numpy()[0].tolist() == [0, 0, 0]
    assert len(tr) == sum(len(x) + 1 for x in tr.words)
    seq = Names(DATA, train=False, block_size=None)
    assert seq.data.shape == (1000, 16) and int((seq.targets.numpy() != -1).sum()) == len(te)
    assert Names(DATA, train=False, block_size=None, seed=1).words != seq.words  # the seed fixes the split


@pytest.mark.parametrize("n,seed", [(0, 0), (1, 5), (2, 1), (17, 42), (1000, 3407), (32033, 3141592653)])
def test_torch_randperm_is_pytorchs(n, seed):
    torch = pytest.importorskip("torch")
    from chainrule.data.datasets.names import torch_randperm

    torch.manual_seed(seed)
    assert torch_randperm(n, seed).tolist() == torch.randperm(n).tolist()


@needs_names
def test_names_split_is_makemores():
    """makemore's create_datasets: torch.manual_seed(3407), then the last 1000 names of torch.randperm."""
    torch = pytest.importorskip("torch")
    from chainrule.data.datasets import Names
    from chainrule.data.datasets.names import load_words

    words = load_words(DATA)
    torch.manual_seed(3407)
    rp = torch.randperm(len(words)).tolist()
    assert Names(DATA, train=False, block_size=None).words == [words[i] for i in rp[-1000:]]
    assert Names(DATA, block_size=None).words == [words[i] for i in rp[:-1000]]


@needs_names
@pytest.mark.parametrize("model", ["bigram", "gru", "transformer"])
def test_names_train_and_sample(tmp_path, capsys, model):
    save = str(tmp_path / f"{model}.safetensors")
    assert main(["train", "--dataset", "names", "--model", model, "--steps", "20", "--batch-size", "8",
                 "--data-dir", DATA, "--save", save, "--no-progress"]) == 0
    out = capsys.readouterr().out
    loss = float(out.split("test loss ")[-1].split()[0])
    assert 1.5 < loss < 3.5 and "nats/char" in out
    assert os.path.isfile(save)
    assert main(["sample", "--load", save, "-n", "5", "--seed", "3"]) == 0
    names = capsys.readouterr().out.split()
    assert 1 <= len(names) <= 5 and all(set(n) <= set("abcdefghijklmnopqrstuvwxyz") for n in names)
    assert main(["sample", "--load", save, "-n", "5", "--seed", "3"]) == 0
    assert capsys.readouterr().out.split() == names  # seeded
    assert main(["evaluate", "--load", save, "--data-dir", DATA]) == 0  # the same test loss, from the file
    assert f"names: test loss {loss:.4f} nats/char" in capsys.readouterr().out


@needs_names
def test_names_files_are_checked(tmp_path, capsys):
    import chainrule as cr

    save = str(tmp_path / "m.safetensors")
    assert main(["train", "--dataset", "names", "--model", "bigram", "--steps", "2", "--data-dir", DATA,
                 "--save", save, "--no-progress"]) == 0
    good = cr.load(save)
    capsys.readouterr()
    for name, meta, weights in [("model", {**good["meta"], "model": "cnn"}, good["model"]),
                                ("block", {**good["meta"], "block_size": -1}, good["model"]),
                                ("weights", good["meta"], {"logits.weight": cr.zeros(3, 3)})]:
        bad = str(tmp_path / f"{name}.safetensors")
        cr.save({"model": weights, "meta": meta}, bad)
        for cmd in (["evaluate", "--load", bad, "--data-dir", DATA], ["sample", "--load", bad]):
            assert main(cmd) == 2
            err = capsys.readouterr().err
            assert bad in err and ("damaged" in err or "do not fit" in err), err
    assert main(["evaluate", "--load", save, "--dataset", "mnist"]) == 2
    assert "names model" in capsys.readouterr().err


def test_names_model_on_other_dataset_is_refused(capsys):
    assert main(["train", "--dataset", "xor", "--model", "gru"]) == 2
    assert "--dataset names" in capsys.readouterr().err
