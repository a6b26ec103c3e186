"""The process group: which MPI communicator the collectives use, its timeout, and how mpi4py is loaded.

mpi4py is optional (`pip install "chainrule[mpi]"`); it is imported only by `init_process_group`, so
`import chainrule` and everything outside chainrule.distributed work without it.
"""

from __future__ import annotations

import datetime
import os

DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # PyTorch's default_pg_timeout
_INSTALL = (
    "chainrule.distributed needs mpi4py and an MPI library: `pip install \"chainrule[mpi]\"` after installing "
    "MPI (Debian/Ubuntu: `apt-get install openmpi-bin libopenmpi-dev`), then launch with "
    "`mpirun -n 2 python train.py`"
)


class DistError(RuntimeError):
    """An error of the distributed layer (PyTorch's torch.distributed.DistError).

    Examples:
        >>> import chainrule.distributed as dist
        >>> issubclass(dist.DistError, RuntimeError), issubclass(dist.DistBackendError, dist.DistError)
        (True, True)
    """


class DistBackendError(DistError):
    """MPI reported a failure, or a peer stopped answering within the group's timeout.

    Examples:
        >>> import chainrule.distributed as dist
        >>> try:
        ...     raise dist.DistBackendError("rank 1 did not answer within 30 s")
        ... except dist.DistError as e:
        ...     print(type(e).__name__, e)
        DistBackendError rank 1 did not answer within 30 s
    """


class ProcessGroup:
    """A set of ranks that run collectives together: an MPI communicator (`comm`) and its timeout in seconds.

    Args:
        comm: the MPI communicator.
        timeout: seconds a collective may wait before the job is aborted.
        world_ranks: the global ranks of the members, in group-rank order.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()                 # in each process `mpirun -n N python train.py` starts
        >>> group = dist.group.WORLD
        >>> group.rank(), group.size(), group.group_rank(0, "example")
        (0, 1, 0)
        >>> dist.destroy_process_group()
    """

    def __init__(self, comm, timeout: float, world_ranks: list[int]) -> None:
        self.comm, self.timeout, self.world_ranks = comm, float(timeout), list(world_ranks)

    def rank(self) -> int:
        """This process's rank within the group."""
        return self.comm.Get_rank()

    def size(self) -> int:
        """The number of ranks in the group."""
        return self.comm.Get_size()

    def group_rank(self, global_rank: int, who: str) -> int:
        """The group rank of a global rank (src/dst arguments are global ranks, as in PyTorch)."""
        try:
            return self.world_ranks.index(int(global_rank))
        except ValueError:
            raise ValueError(f"{who}: rank {global_rank} is not in this group (its global ranks are "
                             f"{self.world_ranks})") from None

    def __repr__(self) -> str:
        return f"ProcessGroup(backend='mpi', ranks={self.world_ranks}, timeout={self.timeout:g}s)"


class _State:
    world: ProcessGroup | None = None


state = _State()


def mpi():
    """The mpi4py.MPI module, or an ImportError that says how to install it."""
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise ImportError(f"{_INSTALL} ({e})") from None
    return MPI


def is_available() -> bool:
    """Whether chainrule.distributed can run here (mpi4py importable); does not initialise MPI.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.is_available()
        True
    """
    import importlib.util

    return importlib.util.find_spec("mpi4py") is not None


def is_initialized() -> bool:
    """Whether init_process_group has run (and destroy_process_group has not).

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.is_initialized()
        False
        >>> dist.init_process_group()
        >>> dist.is_initialized()
        True
        >>> dist.destroy_process_group()
    """
    return state.world is not None


def is_mpi_available() -> bool:
    """PyTorch's name: the MPI backend is the only backend here.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.is_mpi_available() == dist.is_available()
        True
    """
    return is_available()


def _timeout_seconds(timeout) -> float:
    """init_process_group's timeout (a timedelta or seconds), else $CHAINRULE_DIST_TIMEOUT, else 30 min."""
    if timeout is None:
        env = os.environ.get("CHAINRULE_DIST_TIMEOUT")
        if env:
            try:
                return float(env)
            except ValueError:
                raise ValueError(f"CHAINRULE_DIST_TIMEOUT must be a number of seconds, got {env!r}") from None
        timeout = DEFAULT_TIMEOUT
    seconds = timeout.total_seconds() if isinstance(timeout, datetime.timedelta) else float(timeout)
    if not seconds > 0:
        raise ValueError(f"init_process_group: timeout must be positive, got {timeout!r}")
    return seconds


def init_process_group(backend: str | None = "mpi", init_method=None, timeout=None, world_size: int = -1,
                       rank: int = -1, store=None, group_name: str = "", pg_options=None, device_id=None) -> None:
    """Join the job started by the MPI launcher (`mpirun -n N ...`): rank and world size come from MPI.

    Args:
        backend: "mpi" (the default and the only one; None means it too).
        init_method: accepted for PyTorch compatibility and unused: MPI already knows its peers.
        timeout: a datetime.timedelta or seconds (default None: $CHAINRULE_DIST_TIMEOUT, else 30 minutes): a
            collective that waits longer than this - a peer died or hangs - prints which one on stderr and
            aborts the whole job (MPI_Abort) instead of hanging forever.
        world_size: if given (not -1), it must match what the launcher started.
        rank: if given (not -1), it must match the rank MPI assigned.
        store: accepted and unused.
        group_name: accepted and unused.
        pg_options: accepted and unused.
        device_id: accepted and unused (CPU only).

    Raises:
        ImportError: mpi4py is missing (the message gives the install command).
        RuntimeError: called twice without destroy_process_group().
        ValueError: another backend, a non-positive timeout, or world_size / rank that differ from MPI's.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group(backend="mpi")    # under `mpirun -n 4`, each process gets its rank 0..3
        >>> dist.get_rank(), dist.get_world_size()
        (0, 1)
        >>> dist.destroy_process_group()
    """
    if backend not in (None, "mpi"):
        raise ValueError(f"init_process_group: backend {backend!r} is not available; chainrule runs over MPI: "
                         "backend='mpi'")
    if state.world is not None:
        raise RuntimeError("init_process_group: trying to initialize the default process group twice; call "
                           "destroy_process_group() first")
    seconds = _timeout_seconds(timeout)
    MPI = mpi()
    comm = MPI.COMM_WORLD
    n, r = comm.Get_size(), comm.Get_rank()
    if world_size not in (-1, None) and world_size != n:
        raise ValueError(f"init_process_group: world_size={world_size}, but the MPI launcher started {n} "
                         f"processes (mpirun -n {world_size} ...)")
    if rank not in (-1, None) and rank != r:
        raise ValueError(f"init_process_group: rank={rank}, but MPI gave this process rank {r}; leave rank "
                         "unset: MPI assigns it")
    state.world = ProcessGroup(comm.Dup(), seconds, list(range(n)))


def destroy_process_group(group: ProcessGroup | None = None) -> None:
    """Release a group (default: the world; afterwards is_initialized() is False). MPI stays initialised.

    Args:
        group: the group to release (default None: the world).

    Raises:
        RuntimeError: no default group exists.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> dist.destroy_process_group()
        >>> dist.is_initialized()
        False
    """
    g = state.world if group is None else group
    if g is None:
        raise RuntimeError("destroy_process_group: the default process group has not been initialized")
    if g.comm is not None:
        g.comm.Free()
        g.comm = None
    if group is None or group is state.world:
        state.world = None


def world(who: str) -> ProcessGroup:
    """The default group, or PyTorch's ValueError naming the call that needed it."""
    if state.world is None:
        raise ValueError(f"{who}: Default process group has not been initialized, please make sure to call "
                         "chainrule.distributed.init_process_group() (and launch with mpirun -n N)")
    return state.world


def __getattr__(name: str):
    """`dist.group.WORLD`: the default group (PyTorch's spelling; None before init_process_group)."""
    if name == "WORLD":
        return state.world
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def resolve(group, who: str) -> ProcessGroup:
    """`group` or the world; a group this rank is not part of raises."""
    g = world(who) if group is None else group
    if g.comm is None:
        raise RuntimeError(f"{who}: this process group was destroyed")
    return g


def get_rank(group: ProcessGroup | None = None) -> int:
    """This process's rank in `group` (default: the world), 0 .. world_size - 1.

    Raises:
        ValueError: init_process_group has not been called.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> dist.get_rank()
        0
        >>> dist.destroy_process_group()
    """
    return resolve(group, "get_rank").rank()


def get_world_size(group: ProcessGroup | None = None) -> int:
    """The number of processes in `group` (default: the world).

    Raises:
        ValueError: init_process_group has not been called.

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> dist.get_world_size()
        1
        >>> dist.destroy_process_group()
    """
    return resolve(group, "get_world_size").size()


def get_backend(group: ProcessGroup | None = None) -> str:
    """Always "mpi".

    Examples:
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> dist.get_backend()
        'mpi'
        >>> dist.destroy_process_group()
    """
    resolve(group, "get_backend")
    return "mpi"


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None) -> ProcessGroup | None:
    """A group of some global ranks (default all); every rank must call it, as in PyTorch.

    Returns the group on its members and None elsewhere (PyTorch returns a non-member placeholder).

    Args:
        ranks: the global ranks of the members (default None: all).
        timeout: the group's timeout (default: the world's).
        backend: accepted for PyTorch compatibility (MPI only).
        pg_options: accepted and ignored.
        use_local_synchronization: accepted and ignored.
        group_desc: accepted and ignored.

    Raises:
        ValueError: a rank outside the world.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> evens = dist.new_group(ranks=[0])       # every rank calls it; members get the group, others None
        >>> t = cr.tensor([1.0])
        >>> dist.all_reduce(t, group=evens)
        >>> dist.get_world_size(evens), t
        (1, tensor([1.]))
        >>> dist.destroy_process_group(evens)
        >>> dist.destroy_process_group()
    """
    w = world("new_group")
    members = sorted(range(w.size())) if ranks is None else sorted({int(r) for r in ranks})
    bad = [r for r in members if not 0 <= r < w.size()]
    if bad:
        raise ValueError(f"new_group: ranks {bad} are outside the world 0..{w.size() - 1}")
    sub = w.comm.Create(w.comm.Get_group().Incl(members))
    if sub == mpi().COMM_NULL:
        return None
    return ProcessGroup(sub, w.timeout if timeout is None else _timeout_seconds(timeout), members)
