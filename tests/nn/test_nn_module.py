"""Module, Parameter and containers: registration, iteration, modes, dtype, repr and state_dict as in PyTorch."""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest
from nn_oracle import load_torch

import chainrule as cr
from chainrule import nn


def mlp(lib):
    return lib.Sequential(lib.Linear(4, 8), lib.BatchNorm1d(8), lib.ReLU(), lib.Dropout(0.1), lib.Linear(8, 3))


class Net(nn.Module):
    """A custom module: a submodule, a shared submodule, its own parameter and two kinds of buffer."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 3), nn.Tanh())
        self.alias = self.body[0]
        self.scale = nn.Parameter(cr.ones(1))
        self.register_buffer("steps", cr.zeros(()))
        self.register_buffer("cache", cr.zeros(2), persistent=False)

    def forward(self, x):
        return self.body(x) * self.scale


def test_parameter_is_a_registered_leaf_tensor_that_shares_memory():
    data = cr.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert isinstance(p, nn.Parameter) and isinstance(p, cr.Tensor) and type(p) is cr.Tensor
    assert not isinstance(data, nn.Parameter) and not isinstance(cr.ones(2), nn.Parameter)
    assert p.requires_grad and p.is_leaf and not nn.Parameter(data, requires_grad=False).requires_grad
    data[0] = 5.0
    assert p[0].item() == 5.0  # same memory, as in PyTorch
    assert repr(p) == "Parameter containing:\ntensor([5., 2.], requires_grad=True)"
    assert repr(p) == repr(load_torch().nn.Parameter(load_torch().tensor([5.0, 2.0])))
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(cr.tensor([1, 2]))


def test_named_parameters_buffers_children_and_modules():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "body.0.weight", "body.0.bias"]  # alias deduplicated
    assert len(list(net.parameters(recurse=False))) == 1
    assert [n for n, _ in net.named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in net.named_children()] == ["body", "alias"]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1"]
    assert next(iter(net.modules())) is net and net.get_submodule("body.1") is net.body[1]
    with pytest.raises(AttributeError, match="no attribute `2`"):
        net.get_submodule("body.2")
    assert net.get_parameter("body.0.bias") is net.body[0].bias


def test_setattr_getattr_delattr_and_registration_errors():
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        net.scale = cr.ones(1)
    net.scale = None
    assert "scale" in net._parameters and net.scale is None
    del net.body
    assert "body" not in net._modules and [n for n, _ in net.named_modules()] == ["", "alias"]
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'body'"):
        _ = net.body
    with pytest.raises(KeyError, match="empty or contain"):
        net.register_buffer("a.b", cr.zeros(1))
    with pytest.raises(KeyError, match="attribute 'alias' already exists"):
        net.register_buffer("alias", cr.zeros(1))
    with pytest.raises(TypeError, match="not a Module subclass"):
        net.add_module("x", 3)

    class Early(nn.Module):
        def __init__(self):
            self.lin = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Early()
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(cr.ones(1))


def test_repr_prints_the_tree_exactly_like_pytorch():
    torch = load_torch()
    assert repr(mlp(nn)) == repr(mlp(torch.nn))
    seq = nn.Sequential(nn.Linear(784, 256), nn.ReLU())
    assert repr(seq) == "Sequential(\n  (0): Linear(in_features=784, out_features=256, bias=True)\n  (1): ReLU()\n)"
    nested = [lib.Sequential(lib.Linear(2, 2), lib.Sequential(lib.ReLU(), lib.LayerNorm(2))) for lib in (nn, torch.nn)]
    assert repr(nested[0]) == repr(nested[1])
    lists = [lib.ModuleList([lib.Linear(2, 2) for _ in range(3)] + [lib.ReLU(), lib.ReLU(), lib.Tanh()])
             for lib in (nn, torch.nn)]
    assert repr(lists[0]) == repr(lists[1])  # runs of identical modules print as "(0-2): 3 x Linear(...)"
    dicts = [lib.ModuleDict({"act": lib.ReLU(), "lin": lib.Linear(1, 2)}) for lib in (nn, torch.nn)]
    assert repr(dicts[0]) == repr(dicts[1])
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"


def test_state_dict_keys_match_pytorch_and_tensors_are_detached_views():
    torch = load_torch()
    ours, ref = mlp(nn), mlp(torch.nn)
    assert list(ours.state_dict()) == list(ref.state_dict())
    sd = ours.state_dict()
    assert sd["1.num_batches_tracked"].dtype == cr.int64 and isinstance(sd, OrderedDict)
    assert not sd["0.weight"].requires_grad and not isinstance(sd["0.weight"], nn.Parameter)
    assert np.shares_memory(sd["0.weight"].numpy(), ours[0].weight.detach().numpy())
    assert list(Net().state_dict()) == ["scale", "steps", "body.0.weight", "body.0.bias", "alias.weight",
                                        "alias.bias"]  # non-persistent "cache" left out; shared module twice
    assert next(iter(ours.state_dict(keep_vars=True).values())) is ours[0].weight


def test_load_state_dict_from_pytorch_gives_identical_outputs():
    torch = load_torch()
    ours, ref = mlp(nn).eval(), mlp(torch.nn).eval()
    with torch.no_grad():
        ref[1].running_mean.uniform_(-1, 1)
        ref[1].running_var.uniform_(0.5, 2)
    result = ours.load_state_dict({k: cr.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(cr.tensor(x)).detach().numpy(), ref(torch.tensor(x)).detach().numpy(), atol=1e-6)
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})  # NumPy arrays are accepted too


def _snapshot(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def test_failed_load_names_key_and_shapes_and_leaves_the_model_untouched():
    model = mlp(nn)
    before = _snapshot(model)
    bad = {k: cr.tensor(np.full(v.shape, 9.0, dtype=v.dtype)) for k, v in before.items()}
    bad["4.weight"] = cr.zeros(5, 8)  # the last key is the bad one: everything before it must not be copied
    with pytest.raises(RuntimeError, match=r"size mismatch for 4\.weight: copying a param with shape \(5, 8\) "
                                           r"from checkpoint, the shape in current model is \(3, 8\)"):
        model.load_state_dict(bad)
    with pytest.raises(RuntimeError, match="size mismatch for 4.weight"):
        model.load_state_dict(bad, strict=False)  # shape errors are errors even when not strict
    missing = {k: v for k, v in bad.items() if k != "0.bias" and k != "4.weight"}
    missing["extra.weight"] = cr.zeros(1)
    with pytest.raises(RuntimeError, match=r'Error\(s\) in loading state_dict for Sequential:\n\tMissing key\(s\) '
                                           r'in state_dict: "0\.bias", "4\.weight"\. \n\tUnexpected key\(s\) in '
                                           r'state_dict: "extra\.weight"\.'):
        model.load_state_dict(missing)
    after = _snapshot(model)
    for k in before:
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)
    result = model.load_state_dict(missing, strict=False)
    assert result.missing_keys == ["0.bias", "4.weight"] and result.unexpected_keys == ["extra.weight"]
    assert (model[0].weight.detach().numpy() == 9).all() and (model[0].bias.detach().numpy() != 9).all()


def test_train_eval_zero_grad_requires_grad_and_apply():
    model = mlp(nn)
    assert model.training and all(m.training for m in model.modules())
    assert model.eval() is model and not any(m.training for m in model.modules())
    model.train()
    with pytest.raises(ValueError, match="boolean"):
        model.train("no")
    model(cr.randn(6, 4)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear", "Sequential"]


def test_to_dtype_keeps_parameter_objects_and_integer_buffers():
    model = mlp(nn)
    params = list(model.parameters())
    model(cr.randn(3, 4)).sum().backward()
    assert model.double() is model
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(p.dtype == cr.float64 and p.grad.dtype == cr.float64 for p in model.parameters())
    assert all(isinstance(p, nn.Parameter) for p in model.parameters())
    assert model[1].running_mean.dtype == cr.float64 and model[1].num_batches_tracked.dtype == cr.int64
    assert model(cr.randn(3, 4, dtype=cr.float64)).dtype == cr.float64
    model.to(cr.float32).to("cpu").to(cr.device("cpu")).cpu()
    assert model[0].weight.dtype == cr.float32
    with pytest.raises(RuntimeError, match="not available"):
        model.to("cuda")
    with pytest.raises(TypeError, match="floating point"):
        model.to(cr.int64)


def test_sequential_indexing_slicing_append_and_ordered_dict():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear) and [type(m).__name__ for m in seq][1] == "ReLU"
    head = seq[1:]
    assert isinstance(head, nn.Sequential) and list(head._modules) == ["1", "2"] and head[0] is seq[1]
    seq.append(nn.Sigmoid())
    assert list(seq._modules) == ["0", "1", "2", "3"] and seq(cr.randn(4, 2)).shape == (4, 1)
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2"] and isinstance(seq[1], nn.Linear)
    named = nn.Sequential(OrderedDict(enc=nn.Linear(2, 2), act=nn.ReLU()))
    assert [n for n, _ in named.named_parameters()] == ["enc.weight", "enc.bias"] and named.enc is named[0]
    with pytest.raises(IndexError):
        seq[5]


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2)])
    ml.append(nn.ReLU())
    ml += [nn.Linear(2, 1)]
    assert len(ml) == 3 and [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert isinstance(ml[1:], nn.ModuleList) and len(ml[1:]) == 2
    ml.insert(0, nn.Tanh())
    assert isinstance(ml[0], nn.Tanh) and list(ml._modules) == ["0", "1", "2", "3"]
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.ReLU()
    assert list(md) == ["a", "b"] and "a" in md and len(md) == 2 and len(list(md.parameters())) == 2
    assert md.pop("a") is not None and list(md.keys()) == ["b"]


def test_parameter_list_and_dict_register_parameters():
    torch = load_torch()

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.plist = nn.ParameterList([nn.Parameter(cr.ones(2, 3)), cr.zeros(2)])  # tensors are converted
            self.pdict = nn.ParameterDict({"alpha": nn.Parameter(cr.ones(1))})

    h = Holder()
    assert [n for n, _ in h.named_parameters()] == ["plist.0", "plist.1", "pdict.alpha"]
    assert all(isinstance(p, nn.Parameter) for p in h.parameters()) and len(h.plist) == 2
    assert h.pdict["alpha"].shape == (1,) and h.plist[-1].shape == (2,)
    ref = torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2, 3)), torch.nn.Parameter(torch.zeros(2))])
    assert repr(h.plist) == repr(ref).replace("torch.", "chainrule.")


def test_deepcopy_keeps_parameters_and_copies_data():
    model = mlp(nn)
    clone = copy.deepcopy(model)
    assert all(isinstance(p, nn.Parameter) for p in clone.parameters())
    with cr.no_grad():
        clone[0].weight.fill_(0.0)
    assert model[0].weight.detach().numpy().any()
    assert clone(cr.randn(3, 4)).shape == (3, 3)
