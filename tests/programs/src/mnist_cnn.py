# pytorch/examples' MNIST: two convolutions, dropout, max pooling, log_softmax + nll_loss, Adadelta and
# StepLR.
# torchvision is swapped for reading the IDX files; 1,024 training images, one epoch. Dropout draws random
# masks,
# so the deterministic part (the untrained network in eval mode, weights set from a seed) is printed in full
# and
# the training only as "did it learn".
import argparse
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
    return loss.item()


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    test_loss /= len(test_loader.dataset)
    return test_loss, correct


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def mnist(split, n):
    root = os.path.join(os.environ["CHAINRULE_DATA"], "mnist")
    x = read_idx(os.path.join(root, f"{split}-images-idx3-ubyte.gz"))[:n]
    y = read_idx(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"))[:n]
    x = ((x / np.float32(255)) - np.float32(0.1307)) / np.float32(
        0.3081
    )  # transforms.Normalize((0.1307,), (0.3081,))
    return TensorDataset(
        torch.from_numpy(x[:, None].astype(np.float32)), torch.from_numpy(y.astype(np.int64))
    )


def main():
    parser = argparse.ArgumentParser(description="PyTorch MNIST Example")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--no-accel", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    use_accel = not args.no_accel and torch.accelerator.is_available()
    torch.manual_seed(args.seed)
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    train_kwargs = {"batch_size": args.batch_size}
    test_kwargs = {"batch_size": args.test_batch_size}
    if use_accel:
        accel_kwargs = {"num_workers": 1, "persistent_workers": True, "pin_memory": True, "shuffle": True}
        train_kwargs.update(accel_kwargs)
        test_kwargs.update(accel_kwargs)
    train_kwargs.update({"shuffle": True, "pin_memory": False, "num_workers": 0})
    train_loader = DataLoader(mnist("train", 1024), **train_kwargs)
    test_loader = DataLoader(mnist("t10k", 500), **test_kwargs)

    model = Net().to(device)
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for name, p in model.named_parameters():
            fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 64
            p.copy_(
                torch.from_numpy((rng.uniform(-1, 1, tuple(p.shape)) / np.sqrt(fan_in)).astype(np.float32))
            )
    loss0, correct0 = test(model, device, test_loader)
    print(f"untrained: average loss {loss0:.4f}, {correct0}/500 correct")
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        test_loss, correct = test(model, device, test_loader)
        scheduler.step()
    print("learned:", correct > 350, test_loss < loss0, f"lr now {scheduler.get_last_lr()[0]:.2f}")
    print(sum(p.numel() for p in model.parameters()), [n for n, _ in model.named_parameters()][:3])


if __name__ == "__main__":
    main()
