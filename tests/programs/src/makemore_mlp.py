# makemore, parts 2 and 3 (nn-zero-to-hero): an MLP over character embeddings (C[X] lookups, view, tanh,
# cross_entropy), Kaiming-scaled init, a hand-written batch norm with running statistics, a learning-rate
# decay, and evaluation under @torch.no_grad(). Full-batch steps from numpy-made weights keep the numbers
# deterministic; torch.randint with a generator is exercised for its shape and dtype.
import os
import random

import numpy as np
import torch
import torch.nn.functional as F

words = open(os.path.join(os.environ["CHAINRULE_DATA"], "names", "names.txt"), "r").read().splitlines()
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
vocab_size = len(stoi)
block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y


random.seed(42)
random.shuffle(words)
n1 = int(0.8 * len(words))
Xtr, Ytr = build_dataset(words[:2000])
Xdev, Ydev = build_dataset(words[n1 : n1 + 500])

n_embd, n_hidden = 10, 64
rng = np.random.default_rng(0)
g = torch.Generator().manual_seed(2147483647)
C = torch.tensor(rng.standard_normal((vocab_size, n_embd)), dtype=torch.float32)
W1 = (
    torch.tensor(rng.standard_normal((n_embd * block_size, n_hidden)), dtype=torch.float32)
    * (5 / 3)
    / ((n_embd * block_size) ** 0.5)
)
W2 = torch.tensor(rng.standard_normal((n_hidden, vocab_size)), dtype=torch.float32) * 0.01
b2 = torch.zeros(vocab_size)
bngain = torch.ones((1, n_hidden))
bnbias = torch.zeros((1, n_hidden))
bnmean_running = torch.zeros((1, n_hidden))
bnstd_running = torch.ones((1, n_hidden))
parameters = [C, W1, W2, b2, bngain, bnbias]
print(sum(p.nelement() for p in parameters))
for p in parameters:
    p.requires_grad = True

ix = torch.randint(0, Xtr.shape[0], (32,), generator=g)
print(ix.shape, ix.dtype, bool((ix >= 0).all()), bool((ix < Xtr.shape[0]).all()))

lossi = []
for i in range(60):
    emb = C[Xtr]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1
    bnmeani = hpreact.mean(0, keepdim=True)
    bnstdi = hpreact.std(0, keepdim=True)
    hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
    with torch.no_grad():
        bnmean_running = 0.9 * bnmean_running + 0.1 * bnmeani
        bnstd_running = 0.9 * bnstd_running + 0.1 * bnstdi
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr)
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.5 if i < 40 else 0.05
    for p in parameters:
        p.data += -lr * p.grad
    lossi.append(loss.log10().item())
    if i % 20 == 0:
        print(f"{i:7d}: {loss.item():.4f}")


@torch.no_grad()
def split_loss(split):
    x, y = {"train": (Xtr, Ytr), "val": (Xdev, Ydev)}[split]
    emb = C[x]
    embcat = emb.view(emb.shape[0], -1)
    hpreact = embcat @ W1
    hpreact = bngain * (hpreact - bnmean_running) / bnstd_running + bnbias
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, y)
    print(split, f"{loss.item():.4f}", loss.requires_grad)


split_loss("train")
split_loss("val")
print(f"{np.mean(lossi):.4f}", torch.tensor(lossi).view(-1, 20).mean(1).shape)
