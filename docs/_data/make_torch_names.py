"""Write docs/_data/torch_names.json: PyTorch's public names per namespace, for the docs' comparison table.

The docs build compares against the installed torch when there is one and reads this file when there is none.
Regenerate it with the oracle version (2.13) after upgrading: `python docs/_data/make_torch_names.py`.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

NAMESPACES = {  # the name shown in the table -> the attribute path under torch
    "torch": "",
    "torch.Tensor": "Tensor",
    "torch.nn": "nn",
    "torch.nn.functional": "nn.functional",
    "torch.nn.init": "nn.init",
    "torch.optim": "optim",
    "torch.optim.lr_scheduler": "optim.lr_scheduler",
    "torch.autograd": "autograd",
    "torch.utils.data": "utils.data",
}


def resolve(root, path: str):
    obj = root
    for part in filter(None, path.split(".")):
        obj = getattr(obj, part)
    return obj


def public_names(namespace) -> list[str]:
    """dir(namespace) without private names and without submodules (they are namespaces of their own)."""
    names = []
    for name in dir(namespace):
        if name.startswith("_"):
            continue
        try:
            value = getattr(namespace, name)
        except Exception:  # noqa: BLE001, S112 (a lazy attribute that fails to load is not a usable name)
            continue
        if not inspect.ismodule(value):
            names.append(name)
    return sorted(names)


def collect(torch) -> dict:
    return {"torch_version": torch.__version__.split("+")[0],
            "namespaces": {shown: public_names(resolve(torch, path)) for shown, path in NAMESPACES.items()}}


if __name__ == "__main__":
    import torch

    out = Path(__file__).with_name("torch_names.json")
    out.write_text(json.dumps(collect(torch), indent=1, sort_keys=True) + "\n")
    print(f"wrote {out} from torch {torch.__version__}")
