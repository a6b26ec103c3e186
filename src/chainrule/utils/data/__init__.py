"""Datasets, samplers and the DataLoader (PyTorch's torch.utils.data API), plus StandardScaler."""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ArrayDataset, ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler,
)
from .scaler import StandardScaler
from .split import random_split
from .stratified import StratifiedSampler
from .worker import WorkerInfo, get_worker_info

__all__ = [
    "ArrayDataset",
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "DistributedSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StandardScaler",
    "StratifiedSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "WorkerInfo",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "random_split",
]
