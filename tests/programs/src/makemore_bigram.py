# makemore, part 1 (nn-zero-to-hero): a bigram model of names, by counting and as a one-layer network.
# Sampling draws from torch.Generator; the two libraries' random streams differ, so samples are checked for
# shape and alphabet, while the counts, the likelihoods and the trained network's loss are printed in full.
import os

import numpy as np
import torch
import torch.nn.functional as F

words = open(os.path.join(os.environ["CHAINRULE_DATA"], "names", "names.txt"), "r").read().splitlines()
print(len(words), min(len(w) for w in words), max(len(w) for w in words))
chars = sorted(list(set("".join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}

N = torch.zeros((27, 27), dtype=torch.int32)
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1
print(N.dtype, N[0, :5].tolist(), N.sum().item(), N.max().item())

P = (N + 1).float()
P /= P.sum(1, keepdims=True)
print(P.dtype, P.shape, f"{P[0].sum().item():.4f}")

g = torch.Generator().manual_seed(2147483647)
names = []
for i in range(5):
    out = []
    ix = 0
    while True:
        p = P[ix]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
        out.append(itos[ix])
        if ix == 0:
            break
    names.append("".join(out))
print(len(names), all(n.endswith(".") and set(n) <= set(stoi) for n in names))

log_likelihood = 0.0
n = 0
for w in words[:1000]:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        prob = P[stoi[ch1], stoi[ch2]]
        log_likelihood += torch.log(prob)
        n += 1
nll = -log_likelihood
print(f"average negative log likelihood {nll.item() / n:.4f}", n)

xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs = torch.tensor(xs)
ys = torch.tensor(ys)
num = xs.nelement()
print("number of examples: ", num, xs.dtype)

rng = np.random.default_rng(2147483647)
W = torch.tensor(rng.standard_normal((27, 27)), dtype=torch.float32, requires_grad=True)
W_check = torch.randn((27, 27), generator=g, requires_grad=True)
print(W_check.shape, W_check.dtype, W_check.requires_grad)
xenc = F.one_hot(xs, num_classes=27).float()
for k in range(30):
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
    if k % 10 == 0:
        print(k, f"{loss.item():.4f}")
    W.grad = None
    loss.backward()
    W.data += -50 * W.grad
print(f"final {loss.item():.4f}")
