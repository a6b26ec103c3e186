"""Names: makemore's 32,032 baby names as a character-level language-modelling data set.

The file is names.txt from github.com/karpathy/makemore (MIT), one lower-case name a line, MD5
401b3c4cac9e28a586ed15e81256680d. It is searched in `root`, $CHAINRULE_DATA/names, then the cache folder;
`download=True` fetches it from makemore's repository and checks the MD5.

The split is makemore's, name for name: the names in the order `torch.randperm` gives right after
`torch.manual_seed(seed)` (reproduced here without PyTorch, see `torch_randperm`), the last `test_size` (1,000)
of them the test set.
Tokens: 0 is '.', the start and end of a name; 'a'..'z' are 1..26 (the sorted characters of the file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...utils.data.dataset import ArrayDataset
from .download import download as _download
from .download import md5sum
from .vision import search_dirs

MD5 = "401b3c4cac9e28a586ed15e81256680d"
MIRRORS = ("https://raw.githubusercontent.com/karpathy/makemore/master",)


def names_path(root=None, download: bool = False) -> Path:
    """Where names.txt is (fetched into the first folder searched when download=True and it is missing)."""
    places = search_dirs("names", root)
    for folder, _ in places:
        if (folder / "names.txt").is_file():
            return folder / "names.txt"
    if download:
        return _download("names.txt", MIRRORS, places[0][0], MD5)
    lines = "\n".join(f"  {f}  ({why}): {'missing names.txt' if f.is_dir() else 'no such folder'}"
                      for f, why in places)
    raise FileNotFoundError(
        f"names: names.txt not found. Looked in:\n{lines}\nFetch it with download=True (or `chainrule train "
        f"--dataset names --download`) from {MIRRORS[0]}/names.txt (MD5 {MD5}), or set CHAINRULE_DATA to a "
        "folder holding names/names.txt.")


def load_words(root=None, download: bool = False, check: bool = True) -> list[str]:
    """The names in file order (stripped, non-empty). check: verify the file's MD5 (default True)."""
    path = names_path(root, download)
    if check and md5sum(path) != MD5:
        raise ValueError(f"names: {path} has MD5 {md5sum(path)}, expected {MD5} (a different or damaged file); "
                         "pass check=False to use it anyway")
    return [w for w in (line.strip() for line in path.read_text(encoding="utf-8").splitlines()) if w]


def torch_randperm(n: int, seed: int) -> np.ndarray:
    """The permutation `torch.randperm(n)` returns right after `torch.manual_seed(seed)`, on the CPU.

    PyTorch's CPU generator is the standard 32-bit Mersenne Twister seeded with `seed`; its randperm is a
    Fisher-Yates shuffle that swaps position i with i + (next 32-bit draw mod (n - i)). NumPy's legacy RandomState
    is the same engine seeded the same way, so makemore's split is reproduced exactly without PyTorch.
    """
    if not 0 <= seed < 2 ** 32:
        raise ValueError(f"torch_randperm: seed {seed} is outside [0, 2**32) (the Mersenne Twister's seeds)")
    draws = np.random.RandomState(seed).randint(0, 2 ** 32, size=max(n - 1, 0), dtype=np.uint32).tolist()
    order = list(range(n))
    for i, d in enumerate(draws):
        j = i + d % (n - i)
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


class Names(ArrayDataset):
    """Character-level examples from the names data set (`data`, `targets` as int64 tensors).

    With `block_size` an int: one example per character of every name, makemore's MLP contexts: `data` (N,
    block_size) the previous block_size tokens (0-padded at the start), `targets` (N,) the next token (0 after the
    last letter). With `block_size=None`: one example per name, makemore's sequences: `data` (N, L) = [0] + name,
    `targets` (N, L) = name + [0], padded with -1 (ignored by cross_entropy(ignore_index=-1)); L = the longest
    name + 1 (16).

    Args:
        root: the folder holding names.txt (default None: $CHAINRULE_DATA/names, then the cache).
        train: the training split (default True) or the test split.
        block_size: context length, or None for whole-name sequences (default 3).
        test_size: names in the test split, at most 10% of them (default 1000, as makemore).
        seed: fixes the order the split is taken from (default 3407, makemore's seed: the same test names).
        download: fetch names.txt when it is missing (MD5-checked).

    Attributes of the data set:
        words: the names of this split; itos / stoi: token <-> character; vocab_size: 27; max_length: the longest
        name of the whole file.

    Raises:
        FileNotFoundError: names.txt is not found and download is False (the message says where it looked).
        ValueError: the file's MD5 is not the expected one.

    Examples:
        >>> from chainrule.data.datasets import Names
        >>> train = Names(block_size=3)                 # names.txt from $CHAINRULE_DATA/names
        >>> len(train), train.vocab_size, train.words[:3]
        (220980, 27, ['apollo', 'jayliani', 'cassidy'])
        >>> context, target = train[0]                  # "..." -> "a" (apollo's first letter)
        >>> context, target
        (tensor([0, 0, 0]), tensor(1))
        >>> train.encode("emma"), train.decode([5, 13, 13, 1, 0, 3])
        ([5, 13, 13, 1], 'emma')
    """

    def __init__(self, root=None, train: bool = True, block_size: int | None = 3, test_size: int = 1000,
                 seed: int = 3407, download: bool = False) -> None:
        words = load_words(root, download)
        chars = sorted(set("".join(words)))
        self.itos = ["."] + chars
        self.stoi = {c: i for i, c in enumerate(self.itos)}
        self.vocab_size = len(self.itos)
        self.max_length = max(len(w) for w in words)
        order = torch_randperm(len(words), seed)
        test_size = min(test_size, len(words) // 10)  # makemore: min(1000, 10% of the names)
        cut = len(words) - test_size
        self.words = [words[i] for i in (order[:cut] if train else order[cut:])]
        self.block_size, self.train = block_size, train
        if block_size is None:
            X, Y = self._sequences()
        else:
            X, Y = self._contexts(block_size)
        super().__init__(X, Y, classes=self.itos)

    def encode(self, word: str) -> list[int]:
        """The token ids of the characters of word (1..26 for a..z; 0 is the end-of-name token).

        Raises:
            KeyError: a character that is not in the vocabulary.

        See the class example.
        """
        return [self.stoi[c] for c in word]

    def decode(self, tokens) -> str:
        """Characters of the tokens up to the first 0 (the end of a name).

        Args:
            tokens: a sequence of token ids (ints or a 1-d Tensor).

        See the class example.
        """
        out = []
        for t in tokens:
            if int(t) == 0:
                break
            out.append(self.itos[int(t)])
        return "".join(out)

    def _contexts(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        n = sum(len(w) + 1 for w in self.words)
        X = np.zeros((n, block), dtype=np.int64)
        Y = np.empty(n, dtype=np.int64)
        k = 0
        for w in self.words:
            toks = [0] * block + self.encode(w) + [0]
            for j in range(len(w) + 1):
                X[k] = toks[j:j + block]
                Y[k] = toks[j + block]
                k += 1
        return X, Y

    def _sequences(self) -> tuple[np.ndarray, np.ndarray]:
        L = self.max_length + 1
        X = np.zeros((len(self.words), L), dtype=np.int64)
        Y = np.full((len(self.words), L), -1, dtype=np.int64)
        for i, w in enumerate(self.words):
            e = self.encode(w)
            X[i, 1:1 + len(e)] = e
            Y[i, :len(e)] = e
            Y[i, len(e)] = 0
        return X, Y
