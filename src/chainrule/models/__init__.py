"""A small model zoo: `mlp(...)` and `small_cnn(...)` builders returning plain nn.Sequential models."""

from .zoo import mlp, small_cnn

__all__ = ["mlp", "small_cnn"]
