"""chainrule.save / chainrule.load: safetensors files, nested checkpoints, atomic writes, clear errors, no
pickle, weights interchangeable with PyTorch, and exact resumption of training."""

import io
import json
import math
import os
import pickle

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

DTYPES = [np.float32, np.float64, np.float16, np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_tensor_round_trip_keeps_dtype_shape_and_values(dtype, tmp_path):
    rng = np.random.default_rng(0)
    arrs = {"a": (rng.standard_normal((3, 4)) * 50).astype(dtype), "scalar": np.array(7).astype(dtype),
            "empty": np.zeros((0, 3), dtype)}
    cr.save({k: cr.tensor(v) for k, v in arrs.items()}, tmp_path / "t.safetensors")
    back = cr.load(tmp_path / "t.safetensors")
    assert list(back) == list(arrs)
    for k, v in arrs.items():
        assert isinstance(back[k], cr.Tensor) and back[k].dtype == v.dtype and back[k].shape == v.shape
        np.testing.assert_array_equal(back[k].numpy(), v)
        back[k]._data[...] = 0  # loaded arrays are writable


def test_nested_checkpoint_structure_round_trips(tmp_path):
    p = [cr.randn(3, 2, requires_grad=True), cr.randn(2, requires_grad=True)]
    opt = optim.Adam(p, betas=(0.8, 0.9), amsgrad=True)
    for q in p:
        q.grad = cr.ones_like(q)
    opt.step()
    obj = {
        "model": {"fc.weight": p[0].detach(), "fc.bias": p[1].detach(), "steps": cr.tensor(3)},
        "optimizer": opt.state_dict(),
        "epoch": 3, "loss": 0.25, "best": math.inf, "nan": math.nan, "name": "run-1", "none": None,
        "flag": True,
        "tuple": (1, (2, "x")), "list": [1.5, [2, {"k": cr.tensor([1, 2])}]],
        "int_keys": {0: "a", 5: {"b": 1}}, "mixed_keys": {"s": 1, 2: 2, (1, 2): 3, None: 4},
        "marker_like": {"__tensor__": "not a tensor"}, "array": np.arange(5, dtype=np.int16),
        "np_scalar": np.float32(2.5), "rng": cr.get_rng_state(),
    }
    cr.save(obj, tmp_path / "ck.safetensors")
    back = cr.load(tmp_path / "ck.safetensors")
    assert list(back) == list(obj)
    sd = back["optimizer"]
    assert list(sd["state"]) == [0, 1]
    assert list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].numpy(), opt.state[p[0]]["exp_avg"].numpy())
    assert sd["state"][0]["step"].shape == () and sd["state"][0]["step"].dtype == cr.float32
    assert sd["param_groups"][0]["betas"] == (0.8, 0.9) and sd["param_groups"][0]["params"] == [0, 1]
    assert back["model"]["steps"].dtype == cr.int64
    assert (back["epoch"], back["loss"], back["best"], back["name"], back["none"], back["flag"]) == (
        3, 0.25, math.inf, "run-1", None, True)
    assert math.isnan(back["nan"])
    assert back["tuple"] == (1, (2, "x"))
    assert back["list"][0] == 1.5 and back["list"][1][1]["k"].tolist() == [1, 2]
    assert back["int_keys"] == {0: "a", 5: {"b": 1}}
    assert back["mixed_keys"] == {"s": 1, 2: 2, (1, 2): 3, None: 4}
    assert back["marker_like"] == {"__tensor__": "not a tensor"}
    assert isinstance(back["array"], np.ndarray) and back["array"].dtype == cr.int16
    assert back["np_scalar"] == 2.5
    assert back["rng"].dtype == cr.uint8 and back["rng"].tolist() == cr.get_rng_state().tolist()


def test_tensor_keys_are_readable_dotted_paths(tmp_path):
    from safetensors import safe_open

    opt = optim.SGD([cr.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    opt.param_groups[0]["params"][0].grad = cr.ones(2)
    opt.step()
    cr.save({"model": {"fc.weight": cr.ones(2)}, "optimizer": opt.state_dict(), "epoch": 1}, tmp_path / "c")
    with safe_open(tmp_path / "c", framework="numpy") as f:
        assert sorted(f.keys()) == ["model.fc.weight", "optimizer.state.0.momentum_buffer"]
        meta = f.metadata()
    assert meta["format"] == "pt" and json.loads(meta["chainrule"])["epoch"] == 1


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    cr.save({"w": cr.arange(6).reshape(2, 3), "epoch": 2}, buf)
    buf.seek(0)
    back = cr.load(buf)
    assert back["epoch"] == 2 and back["w"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_write_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "ck.safetensors"
    cr.save({"w": cr.ones(3)}, path)
    with pytest.raises(TypeError, match="cannot store a object at 'bad'"):
        cr.save({"w": cr.zeros(3), "bad": object()}, path)

    def crash(src, dst):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        cr.save({"w": cr.zeros(3)}, path)
    monkeypatch.undo()
    assert cr.load(path)["w"].tolist() == [1.0, 1.0, 1.0]  # the old checkpoint survived both failures
    assert os.listdir(tmp_path) == ["ck.safetensors"]
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_missing_file_and_directory_name_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file: '.*nope.safetensors'"):
        cr.load(tmp_path / "nope.safetensors")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        cr.save({"w": cr.ones(1)}, tmp_path / "no_dir" / "x.safetensors")
    with pytest.raises(IsADirectoryError, match="is a directory"):
        cr.load(tmp_path)


@pytest.mark.parametrize("corrupt", ["garbage", "truncated", "header_only", "bad_json", "empty"])
def test_corrupt_files_raise_a_clear_error_naming_the_file(corrupt, tmp_path):
    good = tmp_path / "good.safetensors"
    cr.save({"w": cr.ones(100), "epoch": 1}, good)
    data = good.read_bytes()
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes({
        "garbage": os.urandom(200),
        "truncated": data[: len(data) - 50],
        "header_only": data[:8],
        "bad_json": data[:8] + b"{" * (len(data) - 8),
        "empty": b"",
    }[corrupt])
    with pytest.raises(ValueError, match="bad.safetensors' is not a valid safetensors file"):
        cr.load(bad)
    with pytest.raises(ValueError, match="not a valid safetensors file"):
        cr.load(io.BytesIO(bad.read_bytes()))


def test_pickle_files_are_refused_without_running_them(tmp_path):
    class Boom:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"w": Boom()}))
    with pytest.raises(ValueError, match="torch.save/pickle"):
        cr.load(path)
    assert not (tmp_path / "pwned").exists()
    with open(cr.serialization.__file__) as fh:
        src = fh.read()
    assert "import pickle" not in src and "pickle.load" not in src


def test_corrupt_chainrule_metadata_is_reported(tmp_path):
    from safetensors.numpy import save_file

    meta = {"chainrule": '{"a": {"__tensor__": "zz"}}'}
    save_file({"w": np.ones(2, np.float32)}, tmp_path / "m", metadata=meta)
    with pytest.raises(ValueError, match="corrupt chainrule metadata"):
        cr.load(tmp_path / "m")


def test_plain_safetensors_files_load_as_a_dict_of_tensors(tmp_path):
    from safetensors.numpy import save_file

    save_file({"a": np.arange(3, dtype=np.int64), "b": np.ones((2, 2), np.float32)}, tmp_path / "p")
    back = cr.load(tmp_path / "p")
    assert set(back) == {"a", "b"} and back["a"].dtype == cr.int64 and back["b"].dtype == cr.float32


# ---- PyTorch interchange --------------------------------------------------------------------------------
def _models():
    torch = pytest.importorskip("torch")
    nn = pytest.importorskip("chainrule.nn")
    cm = nn.Sequential(nn.Linear(5, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    tnn = torch.nn
    tm = tnn.Sequential(tnn.Linear(5, 8), tnn.BatchNorm1d(8), tnn.ReLU(), tnn.Linear(8, 3))
    x = np.random.default_rng(0).standard_normal((4, 5)).astype(np.float32)
    tm.train()
    tm(torch.tensor(x))  # move BatchNorm's running statistics and batch counter away from their defaults
    cm.eval()
    tm.eval()
    return torch, cm, tm, x


def test_a_pytorch_safetensors_file_loads_into_the_chainrule_model(tmp_path):
    torch, cm, tm, x = _models()
    from safetensors.torch import save_file

    save_file(tm.state_dict(), tmp_path / "torch.safetensors")
    sd = cr.load(tmp_path / "torch.safetensors")
    assert sd["1.num_batches_tracked"].dtype == cr.int64 and sd["1.num_batches_tracked"].item() == 1
    cm.load_state_dict(sd)
    with torch.no_grad():
        want = tm(torch.tensor(x)).numpy()
    np.testing.assert_allclose(cm(cr.tensor(x)).detach().numpy(), want, rtol=1e-5, atol=1e-6)


def test_a_chainrule_file_loads_into_the_pytorch_model(tmp_path):
    torch, cm, tm, x = _models()
    from safetensors.torch import load_file

    cr.save(cm.state_dict(), tmp_path / "cr.safetensors")
    sd = load_file(tmp_path / "cr.safetensors")
    assert sd["1.num_batches_tracked"].dtype == torch.int64 and sd["0.weight"].dtype == torch.float32
    tm.load_state_dict(sd)
    with torch.no_grad():
        got = tm(torch.tensor(x)).numpy()
    np.testing.assert_allclose(got, cm(cr.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_non_contiguous_tensors_are_saved_by_value(tmp_path):
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    cr.save({"t": cr.Tensor._wrap(base.T), "s": cr.Tensor._wrap(base[:, ::2])}, tmp_path / "v")
    back = cr.load(tmp_path / "v")
    np.testing.assert_array_equal(back["t"].numpy(), base.T)
    np.testing.assert_array_equal(back["s"].numpy(), base[:, ::2])


def test_bfloat16_from_pytorch_loads_as_float32(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    w = torch.randn(3, 5).to(torch.bfloat16)
    save_file({"w": w, "n": torch.arange(3)}, tmp_path / "bf16.safetensors")
    for src in (tmp_path / "bf16.safetensors", io.BytesIO((tmp_path / "bf16.safetensors").read_bytes())):
        back = cr.load(src)
        assert back["w"].dtype == cr.float32 and back["n"].dtype == cr.int64
        np.testing.assert_array_equal(back["w"].numpy(), w.float().numpy())
    save_file({"f8": torch.zeros(2).to(torch.float8_e4m3fn)}, tmp_path / "f8.safetensors")
    with pytest.raises(ValueError, match="tensor 'f8' has dtype F8_E4M3, which chainrule cannot load"):
        cr.load(tmp_path / "f8.safetensors")


# ---- resuming training ----------------------------------------------------------------------------------
def test_resume_from_a_checkpoint_is_bitwise_identical(tmp_path):
    nn = pytest.importorskip("chainrule.nn")
    data = np.random.default_rng(0)
    X, Y = data.standard_normal((64, 6)).astype(np.float32), data.integers(0, 3, 64)
    N, M = 7, 9

    def build(seed):
        cr.manual_seed(seed)
        model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        opt = optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-3, amsgrad=True)
        sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=N + M)
        return model, opt, sched

    def train(model, opt, sched, steps):
        for _ in range(steps):
            idx = cr.random.default_rng().choice(64, 16, replace=False)  # the batch depends on the RNG
            opt.zero_grad()
            nn.functional.cross_entropy(model(cr.tensor(X[idx])), cr.tensor(Y[idx])).backward()
            opt.step()
            sched.step()

    model, opt, sched = build(0)
    train(model, opt, sched, N + M)
    want = {k: v.numpy().copy() for k, v in model.state_dict().items()}

    model, opt, sched = build(0)
    train(model, opt, sched, N)
    ck = {"model": model.state_dict(), "optimizer": opt.state_dict(), "scheduler": sched.state_dict(),
          "rng": cr.get_rng_state(), "step": N}
    cr.save(ck, tmp_path / "resume.safetensors")

    model, opt, sched = build(123)  # fresh objects, different weights and RNG
    ck = cr.load(tmp_path / "resume.safetensors")
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["optimizer"])
    sched.load_state_dict(ck["scheduler"])
    cr.set_rng_state(ck["rng"])
    train(model, opt, sched, M)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), want[k], err_msg=k)
