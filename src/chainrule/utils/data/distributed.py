"""DistributedSampler: each rank reads its own share of the data set, every sample once per epoch overall."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from .sampler import Sampler


class DistributedSampler(Sampler):
    """Rank `rank` of `num_replicas` gets indices rank, rank + num_replicas, ... of the epoch's order.

    The order is 0..n-1, or with shuffle a permutation drawn from seed + epoch (call `set_epoch(epoch)` at the
    start of every epoch, or every epoch repeats the same order; every rank must use the same seed). So that
    every rank gets the same number of samples, the order is padded with its own first indices up to a
    multiple of num_replicas (a few samples are then seen twice per epoch), or with drop_last the tail is
    dropped instead - PyTorch's rules. A permutation of n samples is not PyTorch's (NumPy's generator, not
    torch's), but with num_replicas=1 it equals what one process reads, which the equivalence tests rely on.

    Args:
        dataset: the data set (only its length is used).
        num_replicas: the number of processes (default None: the world size of the initialised process group).
        rank: this process's rank (default None: from the initialised process group).
        shuffle: a new permutation each epoch, drawn from seed + epoch (default True).
        seed: the shuffle's seed, the same on every rank (default 0).
        drop_last: drop the tail instead of padding, so that no sample repeats (default False).

    Raises:
        ValueError: a rank outside [0, num_replicas), num_replicas < 1, or num_replicas / rank left out before
            `chainrule.distributed.init_process_group()`.

    Examples:
        >>> from chainrule.utils.data import DistributedSampler
        >>> data = list(range(10))
        >>> for rank in range(3):
        ...     print(rank, list(DistributedSampler(data, num_replicas=3, rank=rank, shuffle=False)))
        0 [0, 3, 6, 9]
        1 [1, 4, 7, 0]
        2 [2, 5, 8, 1]
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None, shuffle: bool = True,
                 seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            from ...distributed import get_rank, get_world_size, is_initialized

            if not is_initialized():
                raise ValueError("DistributedSampler: pass num_replicas and rank, or call "
                                   "chainrule.distributed.init_process_group() first")
            num_replicas = get_world_size() if num_replicas is None else num_replicas
            rank = get_rank() if rank is None else rank
        if num_replicas < 1:
            raise ValueError(f"DistributedSampler: num_replicas must be >= 1, got {num_replicas}")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, int(num_replicas), int(rank)
        self.shuffle, self.seed, self.drop_last, self.epoch = shuffle, int(seed), drop_last, 0
        n = len(dataset)
        if drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def epoch_indices(self) -> np.ndarray:
        """This rank's indices for the current epoch, as one int array.

        Examples:
            >>> from chainrule.utils.data import DistributedSampler
            >>> DistributedSampler(range(8), num_replicas=2, rank=1, shuffle=False).epoch_indices()
            array([1, 3, 5, 7])
        """
        n = len(self.dataset)
        if self.shuffle:
            order = np.random.default_rng(self.seed + self.epoch).permutation(n).astype(np.intp)
        else:
            order = np.arange(n, dtype=np.intp)
        if not self.drop_last:
            pad = self.total_size - n
            if pad > 0:  # repeat the order's head (the whole order as often as needed) to fill
                order = np.concatenate([order, np.resize(order, pad)]) if n else order
        else:
            order = order[: self.total_size]
        return order[self.rank : self.total_size : self.num_replicas]

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices().tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Use epoch `epoch`'s shuffle next (the same on every rank).

        Args:
            epoch: the epoch number (the permutation is drawn from seed + epoch).

        Examples:
            >>> from chainrule.utils.data import DistributedSampler
            >>> sampler = DistributedSampler(range(6), num_replicas=2, rank=0, seed=0)
            >>> first = list(sampler)
            >>> sampler.set_epoch(1)
            >>> first, list(sampler)
            ([3, 5, 0], [4, 2, 5])
        """
        self.epoch = int(epoch)
