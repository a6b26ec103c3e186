"""chainrule.Generator and generator= everywhere: seeding, state round trips, reproducibility, PyTorch's API."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

# every function and method that takes generator=: each call draws from `g`
DRAWS = {
    "rand": lambda g: cr.rand(3, 2, generator=g),
    "randn": lambda g: cr.randn(4, generator=g, dtype=cr.float64),
    "randint": lambda g: cr.randint(0, 9, (5,), generator=g),
    "randint_high": lambda g: cr.randint(9, (5,), generator=g),
    "randperm": lambda g: cr.randperm(7, generator=g),
    "rand_like": lambda g: cr.rand_like(cr.zeros(3), generator=g),
    "randn_like": lambda g: cr.randn_like(cr.zeros(3), generator=g),
    "randint_like": lambda g: cr.randint_like(cr.zeros(3), 5, generator=g),
    "multinomial": lambda g: cr.multinomial(cr.tensor([0.1, 0.2, 0.7]), 2, generator=g),
    "multinomial_repl": lambda g: cr.tensor([[0.5, 0.5], [0.1, 0.9]]).multinomial(4, True, generator=g),
    "normal_tensors": lambda g: cr.normal(cr.zeros(3), cr.ones(3), generator=g),
    "normal_floats": lambda g: cr.normal(0.0, 2.0, (3,), generator=g),
    "bernoulli": lambda g: cr.bernoulli(cr.full((6,), 0.5), generator=g),
    "bernoulli_method": lambda g: cr.full((6,), 0.5).bernoulli(generator=g),
    "poisson": lambda g: cr.poisson(cr.full((5,), 3.0), generator=g),
    "normal_": lambda g: cr.zeros(4).normal_(generator=g),
    "uniform_": lambda g: cr.zeros(4).uniform_(-1, 1, generator=g),
    "bernoulli_": lambda g: cr.zeros(4).bernoulli_(0.3, generator=g),
    "random_": lambda g: cr.zeros(4).random_(0, 10, generator=g),
    "exponential_": lambda g: cr.zeros(4).exponential_(generator=g),
    "geometric_": lambda g: cr.zeros(4).geometric_(0.3, generator=g),
    "log_normal_": lambda g: cr.zeros(4).log_normal_(generator=g),
    "cauchy_": lambda g: cr.zeros(4).cauchy_(generator=g),
    "init.uniform_": lambda g: nn.init.uniform_(cr.zeros(4), generator=g),
    "init.normal_": lambda g: nn.init.normal_(cr.zeros(4), generator=g),
    "init.kaiming_uniform_": lambda g: nn.init.kaiming_uniform_(cr.zeros(3, 4), generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_generator_argument_reproduces_and_leaves_the_default_alone(name):
    draw = DRAWS[name]
    cr.manual_seed(1)
    before = cr.get_rng_state()
    a = draw(cr.Generator().manual_seed(123))
    b = draw(cr.Generator().manual_seed(123))
    assert a.tolist() == b.tolist() and a.dtype == b.dtype
    assert cr.get_rng_state().tolist() == before.tolist()  # the default generator did not move
    g = cr.Generator().manual_seed(123)
    draw(g)
    again = [draw(g).tolist() for _ in range(3)]
    assert any(x != a.tolist() for x in again)  # the generator advances: later draws differ
    cr.manual_seed(5)
    c = draw(None)
    cr.manual_seed(5)
    assert draw(None).tolist() == c.tolist()  # None: the default generator, reseeded by manual_seed


def test_generator_api_matches_torch():
    torch = pytest.importorskip("torch")
    g, t = cr.Generator(), torch.Generator()
    assert g.initial_seed() == t.initial_seed() == 67280421310721
    assert g.manual_seed(3) is g and t.manual_seed(3) is t
    assert cr.Generator(device="cpu").device == cr.device("cpu") and str(g.device) == str(t.device)
    for seed in (0, -1, 2**64 - 1, -(2**63)):
        assert g.manual_seed(seed).initial_seed() == t.manual_seed(seed).initial_seed()
    for seed in ("7", 2.9):  # the module function converts with int() first
        assert cr.manual_seed(seed).initial_seed() == torch.manual_seed(seed).initial_seed()
    for bad in (1.5, "7", 2**64, -(2**63) - 1):
        with pytest.raises(Exception) as theirs:
            t.manual_seed(bad)
        with pytest.raises(type(theirs.value)):
            g.manual_seed(bad)
    assert cr.manual_seed(4) is cr.default_generator and cr.initial_seed() == 4
    s = cr.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and cr.initial_seed() == s
    assert isinstance(cr.default_generator.seed(), int)


def test_state_is_a_uint8_tensor_that_round_trips():
    torch = pytest.importorskip("torch")
    g = cr.Generator().manual_seed(11)
    cr.rand(5, generator=g)
    state = g.get_state()
    assert state.dtype == cr.uint8 and state.ndim == 1
    first = cr.rand(6, generator=g).tolist()
    assert g.set_state(state) is g and cr.rand(6, generator=g).tolist() == first
    other = cr.Generator().set_state(state)  # a state moves between generators, with its seed
    assert cr.rand(6, generator=other).tolist() == first and other.initial_seed() == 11
    cr.manual_seed(0)
    saved = cr.get_rng_state()
    x = cr.randn(4).tolist()
    cr.set_rng_state(saved)
    assert cr.randn(4).tolist() == x
    legacy = cr.Generator().manual_seed(2)  # a state dict, as chainrule 0.1's get_rng_state returned, still loads
    old = legacy._rng.bit_generator.state
    expect = cr.rand(3, generator=legacy).tolist()
    assert cr.rand(3, generator=cr.Generator().set_state(old)).tolist() == expect
    for bad in (torch.zeros(3), torch.zeros(3, dtype=torch.uint8)):  # same exception types as PyTorch
        with pytest.raises(Exception) as theirs:
            torch.Generator().set_state(bad)
        with pytest.raises(type(theirs.value)):
            cr.Generator().set_state(cr.tensor(bad.numpy()))


def test_generator_refuses_other_devices_and_arguments():
    with pytest.raises(RuntimeError, match="only CPU generators"):
        cr.Generator("cuda")
    with pytest.raises(TypeError, match="chainrule.Generator"):
        cr.rand(2, generator=5)
    np_gen = np.random.default_rng(0)  # chainrule's addition: a NumPy generator is accepted
    assert cr.rand(2, generator=np_gen).shape == (2,)


def test_default_generator_starts_random_and_fresh_generators_fixed():
    assert cr.Generator().initial_seed() == 67280421310721
    a = cr.rand(3, generator=cr.Generator()).tolist()
    assert cr.rand(3, generator=cr.Generator()).tolist() == a  # a fresh Generator is deterministic (PyTorch too)
