"""DistributedSampler: PyTorch's split and padding (checked against torch for shuffle=False), a partition per epoch."""

import numpy as np
import pytest

from chainrule.utils.data import DistributedSampler

CASES = [(n, r, drop) for n in (0, 1, 5, 10, 11, 64, 67) for r in (1, 2, 3, 4, 8) for drop in (False, True)]


@pytest.mark.parametrize("n,replicas,drop_last", CASES)
def test_matches_torch_unshuffled(n, replicas, drop_last):
    tud = pytest.importorskip("torch.utils.data")
    data = list(range(n))
    for rank in range(replicas):
        ours = DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = tud.DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(theirs)
        assert len(ours) == len(theirs) == ours.num_samples
        assert ours.total_size == theirs.total_size


@pytest.mark.parametrize("n,replicas", [(100, 2), (101, 2), (1000, 3), (7, 4)])
def test_shuffled_epoch_is_a_partition(n, replicas):
    data = np.arange(n)
    for epoch in range(3):
        parts = []
        for rank in range(replicas):
            s = DistributedSampler(data, replicas, rank, shuffle=True, seed=5)
            s.set_epoch(epoch)
            parts.append(s.epoch_indices())
        assert len({len(p) for p in parts}) == 1
        every = np.concatenate(parts)
        assert set(every.tolist()) == set(range(n))  # every sample seen
        assert len(every) - n == (-n) % replicas  # only the padding is seen twice
    a = DistributedSampler(data, replicas, 0, seed=5)
    b = DistributedSampler(data, replicas, 0, seed=5)
    b.set_epoch(1)
    assert list(a) != list(b)  # set_epoch reshuffles


def test_one_replica_is_the_whole_permutation_and_drives_a_dataloader():
    import chainrule as cr
    from chainrule.utils.data import DataLoader, TensorDataset

    s = DistributedSampler(range(10), num_replicas=1, rank=0, seed=3)
    assert sorted(s) == list(range(10))
    ds = TensorDataset(cr.arange(10.0))
    batches = [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=4, sampler=s)]
    assert [v for b in batches for v in b] == [float(i) for i in s]


def test_errors():
    with pytest.raises(ValueError, match="Invalid rank 2"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="init_process_group"):
        DistributedSampler(range(4))
