"""PyTorch training scripts run unchanged with `import chainrule as torch` (only the import lines differ)."""

from __future__ import annotations

import numpy as np
import pytest

CHAINRULE = (
    "import chainrule as torch\nimport chainrule.nn as nn\nimport chainrule.nn.functional as F\n"
    "from chainrule.utils.data import DataLoader, TensorDataset\n"
)
PYTORCH = (
    "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
    "from torch.utils.data import DataLoader, TensorDataset\n"
)

# Three interleaved spirals (not linearly separable), a BatchNorm MLP, plain SGD written out by hand.
MANUAL_SGD = """
import numpy as np

torch.manual_seed(0)
rng = np.random.default_rng(0)
n = 100
r = np.tile(np.linspace(0.1, 1.0, n), 3)
theta = np.concatenate([np.linspace(k * 4.2, (k + 1) * 4.2, n) for k in range(3)]) + rng.normal(0, 0.15, 3 * n)
X = torch.tensor(np.stack([r * np.sin(theta), r * np.cos(theta)], 1), dtype=torch.float32)
y = torch.tensor(np.repeat(np.arange(3), n))

model = nn.Sequential(
    nn.Linear(2, 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.05),
    nn.Linear(64, 3),
)
lr = 0.2
for epoch in range(150):
    model.train()
    perm = torch.randperm(len(X))
    for i in range(0, len(X), 50):
        idx = perm[i:i + 50]
        loss = F.cross_entropy(model(X[idx]), y[idx])
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
model.eval()
with torch.no_grad():
    accuracy = (model(X).argmax(dim=1) == y).float().mean().item()
"""

# The usual loop: Dataset/DataLoader, an nn.Module subclass, Adam, CrossEntropyLoss, state_dict round trip.
WITH_OPTIM = """
import numpy as np

torch.manual_seed(0)
rng = np.random.default_rng(1)
X_np = rng.normal(size=(400, 2)).astype(np.float32)
y_np = ((X_np[:, 0] ** 2 + X_np[:, 1] ** 2) > 1.2).astype(np.int64)  # inside / outside a circle
loader = DataLoader(TensorDataset(torch.from_numpy(X_np), torch.from_numpy(y_np)), batch_size=32, shuffle=True)


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 2)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.gelu(self.fc2(x))
        return self.out(x)


model = MLP()
criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(25):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
        optimizer.step()
restored = MLP()
restored.load_state_dict(model.state_dict())
restored.eval()
with torch.no_grad():
    accuracy = (restored(torch.from_numpy(X_np)).argmax(1) == torch.from_numpy(y_np)).float().mean().item()
"""


def _run(header: str, body: str) -> dict:
    scope: dict = {}
    exec(compile(header + body, "<pytorch script>", "exec"), scope)  # noqa: S102 - our own script text
    return scope


def test_mlp_with_manual_sgd_learns_spirals():
    scope = _run(CHAINRULE, MANUAL_SGD)
    assert scope["accuracy"] >= 0.95, scope["accuracy"]


def test_mlp_with_optimizer_and_dataloader_learns_a_circle():
    pytest.importorskip("chainrule.optim")
    scope = _run(CHAINRULE, WITH_OPTIM)
    assert scope["accuracy"] >= 0.95, scope["accuracy"]


def test_the_same_scripts_are_valid_pytorch():
    """The scripts above are PyTorch code: run them with torch's imports, they reach the same accuracy."""
    from nn_oracle import load_torch

    load_torch()
    assert _run(PYTORCH, MANUAL_SGD)["accuracy"] >= 0.95
    assert _run(PYTORCH, WITH_OPTIM)["accuracy"] >= 0.95
    assert np.isfinite(_run(PYTORCH, "x = F.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1])).item()")["x"])
