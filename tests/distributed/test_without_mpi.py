"""Without mpi4py: chainrule imports and works; init_process_group says how to install it."""

import subprocess
import sys

import pytest

import chainrule.distributed as dist

BLOCK = "import sys; sys.modules['mpi4py'] = None\n"


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True, timeout=120, check=False)


def test_import_and_train_without_mpi4py():
    r = _run("import chainrule as cr, chainrule.nn as nn, chainrule.distributed as d\n"
             "from chainrule.utils.data import DistributedSampler\n"
             "m = nn.Sequential(nn.Linear(2, 2), nn.SyncBatchNorm(2)); m(cr.randn(4, 2)).sum().backward()\n"
             "assert not d.is_initialized(); print('ok')")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok"


def test_init_without_mpi4py_says_how_to_install():
    r = _run("import chainrule.distributed as d\ntry:\n    d.init_process_group()\n"
             "except ImportError as e:\n    print(e)")
    assert r.returncode == 0, r.stderr
    assert 'pip install "chainrule[mpi]"' in r.stdout and "openmpi-bin libopenmpi-dev" in r.stdout


def test_uninitialised_errors_name_the_fix():
    import chainrule as cr
    from chainrule import nn

    assert not dist.is_initialized() and dist.group.WORLD is None
    with pytest.raises(ValueError, match="init_process_group"):  # PyTorch raises ValueError too
        dist.get_rank()
    with pytest.raises(ValueError, match="init_process_group"):
        dist.all_reduce(cr.ones(2))
    with pytest.raises(ValueError, match="init_process_group"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="backend 'nccl'"):
        dist.init_process_group("nccl")


def test_sync_batchnorm_on_one_process_is_batchnorm():
    import numpy as np

    import chainrule as cr
    from chainrule import nn

    cr.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Sequential(nn.BatchNorm1d(4)))
    ref = {k: v.clone() for k, v in model.state_dict().items()}
    sync = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert isinstance(sync[1], nn.SyncBatchNorm) and isinstance(sync[2][0], nn.SyncBatchNorm)
    assert sync[1].weight is model[1].weight if sync is not model else True
    x = cr.randn(8, 3)
    plain = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Sequential(nn.BatchNorm1d(4)))
    plain.load_state_dict(ref)
    np.testing.assert_allclose(sync(x).detach().numpy(), plain(x).detach().numpy(), rtol=1e-6)
