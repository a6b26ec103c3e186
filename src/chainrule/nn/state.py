"""state_dict / load_state_dict: PyTorch's key names, and a load that checks everything before it copies."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np

from ..tensor import Tensor


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys the model expected but did not get, and the extra ones."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _entries(module, prefix: str = ""):
    """(key, tensor) for every parameter and persistent buffer, recursively, in PyTorch's order."""
    for name, p in module._parameters.items():
        if p is not None:
            yield prefix + name, p
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent_buffers_set:
            yield prefix + name, b
    for name, m in module._modules.items():
        if m is not None:
            yield from _entries(m, prefix + name + ".")


def state_dict(module, destination=None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
    """Ordered name -> tensor; tensors are detached (sharing memory) unless keep_vars."""
    out = OrderedDict() if destination is None else destination
    for key, t in _entries(module, prefix):
        out[key] = t if keep_vars else t.detach()
    return out


def _as_array(key: str, value) -> np.ndarray:
    if isinstance(value, Tensor):
        return value._data
    if isinstance(value, (np.ndarray, np.generic, int, float)):
        return np.asarray(value)
    raise TypeError(
        f'While copying the parameter named "{key}", expected a Tensor or NumPy array from the checkpoint but '
        f"received {type(value).__name__}"
    )


def load_state_dict(module, state_dict, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
    """Check keys, types and shapes of every entry first; only then copy (a failed load leaves the model as is)."""
    if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict).__name__}.")
    own = OrderedDict(_entries(module))
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict.keys() if k not in own]  # noqa: SIM118 - any Mapping
    errors = []
    plan = []
    for key, target in own.items():
        if key not in state_dict:
            continue
        src = _as_array(key, state_dict[key])
        if src.shape != target._data.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {tuple(src.shape)} from checkpoint, the "
                f"shape in current model is {tuple(target._data.shape)}."
            )
            continue
        plan.append((target, src))
    if strict:
        if unexpected:
            errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
        if missing:
            errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
    if errors:
        raise RuntimeError(
            "Error(s) in loading state_dict for {}:\n\t{}".format(type(module).__name__, "\n\t".join(errors))
        )
    for target, src in plan:
        if assign:
            target._data = src.astype(target._data.dtype, copy=True) if src.dtype != target._data.dtype else src
        else:
            np.copyto(target._data, src, casting="unsafe")
        target._bump()
    return _IncompatibleKeys(missing, unexpected)


def target_dtype(args: tuple, kwargs: dict):
    """The dtype asked of Module.to (None if only a device): devices other than the CPU raise."""
    from ..device import device, require_cpu

    dtype = kwargs.get("dtype")
    for a in list(args) + [kwargs.get("device"), kwargs.get("tensor")]:
        if a is None or isinstance(a, bool):
            continue
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, (str, device)):
            require_cpu(a, "Module.to")  # raises for anything but the CPU
        else:
            dtype = a
    if dtype is not None and np.dtype(dtype).kind not in "fc":
        raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={np.dtype(dtype)}")
    return None if dtype is None else np.dtype(dtype)


def cast_floating(module, dtype) -> None:
    """Convert floating parameters, their gradients and floating buffers in place (the same tensor objects)."""
    for m in module.modules():
        for t in list(m._parameters.values()) + list(m._buffers.values()):
            if t is None or t._data.dtype.kind != "f" or t._data.dtype == dtype:
                continue
            t._data = t._data.astype(dtype)
            if t._grad is not None:
                t._grad = Tensor._wrap(t._grad._data.astype(dtype))
