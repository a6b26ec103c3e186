"""Datasets, samplers and the DataLoader (PyTorch's torch.utils.data API), plus StandardScaler."""

from .collate import default_collate
from .dataloader import DataLoader
from .dataset import ArrayDataset, ConcatDataset, Dataset, Subset, TensorDataset
from .distributed import DistributedSampler
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
from .scaler import StandardScaler
from .split import random_split
from .stratified import StratifiedSampler

__all__ = [
    "ArrayDataset",
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StandardScaler",
    "StratifiedSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "random_split",
]
