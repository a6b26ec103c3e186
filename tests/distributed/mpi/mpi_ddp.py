"""DistributedDataParallel on N ranks equals one process on the N-times larger batch; no_sync, unused
parameters, buffer broadcast, bucket overlap. Run under mpirun (tests/distributed/test_mpi.py)."""

import numpy as np
import pytest
from _common import RANK, WORLD

import chainrule as cr
import chainrule.distributed as dist
from chainrule import nn
from chainrule.nn.parallel import DistributedDataParallel as DDP
from chainrule.utils.data import DataLoader, DistributedSampler, TensorDataset


def _data(n=1000, d=10, k=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(np.float32)
    y = (X[:, :k].argmax(1) + (X[:, 3] > 1)).clip(0, k - 1).astype(np.int64)
    return TensorDataset(cr.tensor(X), cr.tensor(y))


def _model(seed):
    cr.manual_seed(seed)
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 3))


def _epoch(model, opt, loader):
    loss_fn = nn.CrossEntropyLoss()
    for xb, yb in loader:
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
@pytest.mark.parametrize("bucket_cap_mb", [25, 0.0003])
def test_equivalent_to_one_process_on_the_whole_batch(shuffle, optimizer, bucket_cap_mb):
    ds = _data()
    make = {"momentum": lambda p: cr.optim.SGD(p, lr=0.1, momentum=0.9),
            "adam": lambda p: cr.optim.Adam(p, lr=0.01)}[optimizer]
    ddp = DDP(_model(seed=100 + RANK), bucket_cap_mb=bucket_cap_mb)  # rank 0's init wins
    sampler = DistributedSampler(ds, WORLD, RANK, shuffle=shuffle, seed=7)
    opt = make(ddp.parameters())
    for epoch in range(2):
        sampler.set_epoch(epoch)
        _epoch(ddp, opt, DataLoader(ds, batch_size=64, sampler=sampler))
    ref = _model(seed=100)  # one process: the batches are the union of the ranks' batches
    ref_sampler = DistributedSampler(ds, 1, 0, shuffle=shuffle, seed=7)
    ref_opt = make(ref.parameters())
    for epoch in range(2):
        ref_sampler.set_epoch(epoch)
        _epoch(ref, ref_opt, DataLoader(ds, batch_size=64 * WORLD, sampler=ref_sampler))
    if bucket_cap_mb < 1:
        assert len(ddp.reducer.buckets) > 1
    for (name, p), q in zip(ddp.module.named_parameters(), ref.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=2e-5, atol=2e-6, err_msg=name)


def _local_grads(model, x, y):
    model.zero_grad()
    nn.CrossEntropyLoss()(model(x), y).backward()
    return [p.grad.numpy().copy() for p in model.parameters()]


def _batch(rank, salt, n=16):
    rng = np.random.default_rng([rank, salt])
    return cr.tensor(rng.standard_normal((n, 10)).astype(np.float32)), cr.tensor(rng.integers(0, 3, n))


def test_no_sync_accumulates_locally_then_averages_everything():
    ddp = DDP(_model(seed=1), bucket_cap_mb=0.0003)
    ref = _model(seed=1)
    xa, ya = _batch(RANK, 1)
    xb, yb = _batch(RANK, 2)
    loss_fn = nn.CrossEntropyLoss()
    with ddp.no_sync():
        loss_fn(ddp(xa), ya).backward()
    local = _local_grads(ref, xa, ya)
    for p, g in zip(ddp.parameters(), local):  # inside no_sync: nothing was communicated
        np.testing.assert_allclose(p.grad.numpy(), g, rtol=1e-6)
    loss_fn(ddp(xb), yb).backward()
    want = [np.zeros_like(g) for g in local]
    for r in range(WORLD):
        for salt in (1, 2):
            for w, g in zip(want, _local_grads(ref, *_batch(r, salt))):
                w += g / WORLD
    for p, w in zip(ddp.parameters(), want):
        np.testing.assert_allclose(p.grad.numpy(), w, rtol=1e-5, atol=1e-7)


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.never = nn.Linear(4, 2), nn.Linear(4, 2), nn.Linear(4, 2)

    def forward(self, x, use_b):
        return self.a(x) + (self.b(x) if use_b else 0)


def test_find_unused_parameters():
    cr.manual_seed(3)
    ddp = DDP(Branchy(), find_unused_parameters=True, bucket_cap_mb=0.0001)
    x = cr.tensor(np.full((2, 4), RANK + 1.0, np.float32))
    ddp(x, use_b=RANK == 0).sum().backward()
    m = ddp.module
    assert m.never.weight.grad is None  # unused on every rank: left alone, as PyTorch
    # used on rank 0 only: the average of rank 0's gradient and the others' zeros
    np.testing.assert_allclose(m.b.weight.grad.numpy(), np.full((2, 4), 2.0 / WORLD), rtol=1e-6)
    mean_x = sum(2.0 * (r + 1) for r in range(WORLD)) / WORLD
    np.testing.assert_allclose(m.a.weight.grad.numpy(), np.full((2, 4), mean_x), rtol=1e-6)
    np.testing.assert_allclose(m.a.bias.grad.numpy(), np.full(2, 2.0), rtol=1e-6)


def test_unused_parameter_without_the_flag_is_reported():
    cr.manual_seed(3)
    ddp = DDP(Branchy(), bucket_cap_mb=0.0001)
    x = cr.ones(2, 4)
    ddp(x, use_b=True).sum().backward()  # `never` gets no gradient: its bucket never completes
    with pytest.raises(RuntimeError, match="find_unused_parameters=True"):
        ddp(x, use_b=True)


def test_buffers_broadcast_each_forward_and_init_broadcast():
    cr.manual_seed(10 + RANK)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model[1].running_mean._data[...] = RANK + 1.0
    ddp = DDP(model)
    np.testing.assert_array_equal(model[1].running_mean.numpy(), np.full(4, 1.0, np.float32))  # rank 0's
    model[1].running_mean._data[...] = RANK + 5.0  # drift apart again: the next forward re-broadcasts
    x = cr.tensor(np.random.default_rng(RANK).standard_normal((8, 3)).astype(np.float32))
    ddp(x)
    with cr.no_grad():
        h = model[0](x).numpy()
    want = 0.9 * 5.0 + 0.1 * h.mean(0)  # rank 0's buffer, then this rank's batch statistics
    np.testing.assert_allclose(model[1].running_mean.numpy(), want, rtol=1e-5)
    w = [cr.zeros(4, 3) for _ in range(WORLD)]
    dist.all_gather(w, model[0].weight.detach().clone())
    for t in w[1:]:
        np.testing.assert_array_equal(t.numpy(), w[0].numpy())


def test_buckets_start_during_backward_and_finish_before_it_returns():
    model = _model(seed=0)
    seen, holder = {}, []
    # the first layer's gradient is among the last to be ready; this hook runs before DDP's own
    model[0].weight.register_post_accumulate_grad_hook(
        lambda p: seen.setdefault("launched", holder[0].reducer.next_bucket))
    ddp = DDP(model, bucket_cap_mb=0.0003)
    holder.append(ddp)
    n = len(ddp.reducer.buckets)
    assert n == 3
    x, y = _batch(RANK, 5)
    nn.CrossEntropyLoss()(ddp(x), y).backward()
    assert 0 < seen["launched"] < n  # earlier buckets were already in flight while backward went on
    assert not ddp.reducer.started  # all waited for and written back before backward() returned
    assert ddp.reducer.next_bucket == n


def test_gradient_as_bucket_view_and_double_backward_error():
    ddp = DDP(_model(seed=0), gradient_as_bucket_view=True)
    ref = DDP(_model(seed=0))
    x, y = _batch(RANK, 9)
    for m in (ddp, ref):
        nn.CrossEntropyLoss()(m(x), y).backward()
    for p, q in zip(ddp.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)
    loss = nn.CrossEntropyLoss()(ref(x), y)
    loss.backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="only once"):
        loss.backward()


def test_different_models_are_refused():
    with pytest.raises(RuntimeError, match="built a different model"):
        DDP(nn.Linear(3 + RANK, 2))
