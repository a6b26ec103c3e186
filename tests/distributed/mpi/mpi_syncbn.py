"""SyncBatchNorm on N ranks equals BatchNorm on the concatenated batch: output, every gradient, running stats."""

import numpy as np
import pytest
from _common import RANK, WORLD

import chainrule as cr
from chainrule import nn


@pytest.mark.parametrize("shape", [(6, 4), (5, 4, 3, 3), (4, 4, 7)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_sync_batchnorm_equals_batchnorm_on_the_global_batch(shape, momentum):
    rng = np.random.default_rng(0)
    full = (rng.standard_normal((WORLD * shape[0], *shape[1:])) * 3 + 1).astype(np.float32)
    gout = rng.standard_normal(full.shape).astype(np.float32)
    cls = {2: nn.BatchNorm1d, 3: nn.BatchNorm1d, 4: nn.BatchNorm2d}[len(shape)]
    ref = cls(4, momentum=momentum)
    ref.weight.data = cr.tensor(rng.standard_normal(4).astype(np.float32))
    sync = nn.SyncBatchNorm.convert_sync_batchnorm(cls(4, momentum=momentum))
    assert isinstance(sync, nn.SyncBatchNorm)
    sync.load_state_dict(ref.state_dict())
    sl = slice(RANK * shape[0], (RANK + 1) * shape[0])
    xf = cr.tensor(full, requires_grad=True)
    x = cr.tensor(full[sl], requires_grad=True)
    for _ in range(2):  # twice: running statistics accumulate
        xf.grad = x.grad = None
        ref.zero_grad()
        sync.zero_grad()
        yf = ref(xf)
        (yf * cr.tensor(gout)).sum().backward()
        y = sync(x)
        (y * cr.tensor(gout[sl])).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), yf.detach().numpy()[sl], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(x.grad.numpy(), xf.grad.numpy()[sl], rtol=1e-4, atol=1e-5)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(sync, name).numpy(), getattr(ref, name).numpy(), rtol=1e-5)
    # parameter gradients are this rank's share: summed over ranks they are the global ones
    import chainrule.distributed as dist

    gw = sync.weight.grad.clone()
    dist.all_reduce(gw)
    np.testing.assert_allclose(gw.numpy(), ref.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    sync.eval()  # eval: the running statistics, no communication
    np.testing.assert_allclose(sync(x).detach().numpy(), ref.eval()(xf).detach().numpy()[sl], rtol=1e-5,
                               atol=1e-6)
