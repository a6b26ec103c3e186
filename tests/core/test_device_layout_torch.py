"""Devices, availability flags, grad-mode decorators, dtype aliases and layout attributes, against PyTorch."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

torch = pytest.importorskip("torch")

DEVICE_SPECS = [("cuda",), ("cuda:1",), ("cuda", 1), ("cpu",), ("cpu:0",), ("cpu", 0), ("mps",), ("meta",),
                ("foo",), ("cuda:-1",), ("cuda:x",), ("cuda:1", 2), ("CUDA",), (0,)]


def _device(lib, spec):
    try:
        d = lib.device(*spec)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return d.type, d.index, repr(d).replace("torch.", ""), str(d)


@pytest.mark.parametrize("spec", DEVICE_SPECS)
def test_device_objects_build_as_in_torch(spec):
    assert _device(cr, spec) == _device(torch, spec)


def test_device_equality_as_torch():
    pairs = [("cuda", "cuda:0"), ("cuda:1", "cuda:1"), ("cuda", "cpu"), ("cpu", "cpu")]
    for a, b in pairs:
        assert (cr.device(a) == cr.device(b)) == (torch.device(a) == torch.device(b))
    assert cr.device("cuda") != "cuda" and len({cr.device("cuda:1"), cr.device("cuda", 1)}) == 1


@pytest.mark.parametrize("move", [
    lambda: cr.ones(2).to("cuda"), lambda: cr.ones(2).to(cr.device("cuda:0")), lambda: cr.ones(2).to(device="cuda"),
    lambda: cr.ones(2).cuda(), lambda: cr.ones(2).cuda(1), lambda: cr.tensor([1.0], device="cuda"),
    lambda: cr.zeros(2, device="cuda"), lambda: cr.rand(2, device="cuda"), lambda: cr.randint(3, (2,), device="cuda"),
    lambda: cr.ones(2).to("mps"), lambda: nn.Linear(2, 2).to("cuda"), lambda: nn.Linear(2, 2).cuda(),
    lambda: cr.set_default_device("cuda"), lambda: cr.zeros_like(cr.ones(2), device="cuda"),
])
def test_placing_a_tensor_off_the_cpu_raises_clearly(move):
    with pytest.raises(RuntimeError, match="not available: chainrule computes on the CPU"):
        move()


def test_cpu_placements_and_default_device():
    x = cr.ones(2)
    assert x.to("cpu") is x and x.cpu() is x and x.to("cpu", non_blocking=True) is x
    assert cr.zeros(2, device="cpu").device == cr.device("cpu") and cr.tensor([1], device=cr.device("cpu")).is_cpu
    cr.set_default_device("cpu")
    cr.set_default_device(None)
    assert cr.get_default_device() == cr.device("cpu") and repr(cr.get_default_device()) == "device(type='cpu')"
    device = "cuda" if cr.cuda.is_available() else "cpu"
    assert cr.ones(2, device=device).device.type == "cpu"


def test_availability_flags_as_torch_without_a_gpu():
    assert cr.cuda.is_available() is torch.cuda.is_available() is False
    assert cr.cuda.device_count() == torch.cuda.device_count() == 0
    assert cr.accelerator.is_available() is torch.accelerator.is_available() is False
    assert cr.accelerator.current_accelerator() is torch.accelerator.current_accelerator() is None
    assert cr.accelerator.device_count() == 0
    assert cr.backends.mps.is_available() is torch.backends.mps.is_available() is False
    assert cr.backends.mps.is_built() is False and cr.backends.cudnn.is_available() is False
    cr.backends.cudnn.deterministic = True  # programs set these; nothing changes
    cr.backends.cudnn.benchmark = False
    cr.cuda.manual_seed(0)
    cr.cuda.manual_seed_all(0)
    cr.cuda.empty_cache()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        cr.cuda.current_device()


def test_grad_modes_as_context_managers_and_decorators():
    x = cr.ones(2, requires_grad=True)

    @cr.no_grad
    def bare(t):
        return (t * 2).requires_grad

    @cr.no_grad()
    def called(t):
        return (t * 2).requires_grad

    @cr.inference_mode
    def inf_bare(t):
        return (t * 2).requires_grad

    @cr.inference_mode(mode=False)
    def inf_off(t):
        return (t * 2).requires_grad

    @cr.enable_grad()
    def on(t):
        return (t * 2).requires_grad

    assert (bare(x), called(x), inf_bare(x), inf_off(x)) == (False, False, False, True)
    assert bare.__name__ == "bare"
    with cr.no_grad():
        assert on(x) is True and (x * 2).requires_grad is False
    with cr.inference_mode():
        assert (x * 2).requires_grad is False
    with cr.inference_mode(False):
        assert (x * 2).requires_grad is True
    with cr.inference_mode(mode=True):
        assert not cr.is_grad_enabled()
    assert cr.is_grad_enabled()


def test_dtype_aliases_and_defaults():
    for name in ("int", "long", "float", "double", "half", "uint8", "int8", "int16", "int32", "int64", "bool",
                 "short", "float16", "float32", "float64"):
        assert str(getattr(cr, name)).split(".")[1] == str(getattr(torch, name)).split(".")[1]
    assert cr.get_default_dtype() == cr.float32
    cr.set_default_dtype(cr.float64)
    try:
        assert cr.tensor([1.0]).dtype == cr.float64 and cr.rand(2).dtype == cr.float64
    finally:
        cr.set_default_dtype(cr.float32)
    with pytest.raises(TypeError):
        cr.set_default_dtype(cr.int64)


@pytest.mark.parametrize("expr", ["x + 1", "x * x", "x.exp()", "x.sum()", "x.mean(0)", "x.softmax(-1)",
                                  "x @ x.t()", "x.sigmoid()", "x.relu()", "x.max()", "x + x.float()", "x.tanh()",
                                  "x.abs().sqrt()", "x > 0", "x.cumsum(0)"])
def test_half_computes_as_in_torch(expr):
    """float16 works (NumPy computes it natively): the same dtype as PyTorch and values within half precision."""
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float16)
    ours, theirs = eval(expr, {"x": cr.tensor(a)}), eval(expr, {"x": torch.tensor(a)})
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    np.testing.assert_allclose(ours.numpy().astype(float), theirs.numpy().astype(float), rtol=1e-2, atol=1e-2)


LAYOUTS = ["x", "x.t()", "x[:, 1:]", "x[::2]", "x[1]", "x.expand(4, 2, 3)", "x.unsqueeze(1)", "x.permute(1, 0)",
           "x.t().contiguous()", "x.reshape(3, 2)", "x.view(-1)", "x[:, 1]", "x.t()[1:]", "lib.zeros(())",
           "lib.zeros(0, 3)", "lib.zeros(2, 1, 3)", "x.transpose(0, 1)[:, ::2]", "x[1:, 2:]"]


@pytest.mark.parametrize("expr", LAYOUTS)
def test_layout_attributes_match_torch(expr):
    def read(lib):
        x = lib.zeros(2, 3)
        t = eval(expr)
        return (t.stride(), t.storage_offset(), t.is_contiguous(), t.nbytes, t.itemsize, t.nelement(),
                t.numel(), t.element_size(), t.dim(), t.ndim, tuple(t.size()), t.is_cpu, t.is_cuda,
                t.get_device(), t.data_ptr() - x.data_ptr() if "x" in expr and "contiguous" not in expr else None)

    assert read(cr) == read(torch)


def test_layout_errors_and_dims_as_torch():
    for lib in (cr, torch):
        x = lib.zeros(2, 3)
        assert x.stride(1) == 1 and x.stride(-2) == 3 and x.size(-1) == 3
        assert x.is_contiguous(memory_format=lib.contiguous_format)
        with pytest.raises(IndexError):
            x.stride(2)
        with pytest.raises(IndexError):
            x.size(5)
        assert x.is_leaf and x.requires_grad_() is x and x.requires_grad
        assert lib.tensor([[1, 2]]).tolist() == [[1, 2]] and lib.tensor([2.5]).item() == 2.5
        assert not x.is_pinned()
