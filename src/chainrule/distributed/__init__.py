"""chainrule.distributed: PyTorch's torch.distributed API over MPI (mpi4py), for data-parallel training.

Launch N processes with the MPI launcher and call init_process_group() in each:

    mpirun -n 2 python train.py              # one host
    mpirun -n 8 --hostfile hosts python train.py   # several

Tensors travel as their memory (MPI buffers), never pickled. mpi4py is optional (`pip install
"chainrule[mpi]"`): importing this package works without it; init_process_group says how to install it.
See docs/distributed.md.
"""

from .buffers import ReduceOp
from .collectives import (
    all_gather,
    all_gather_into_tensor,
    all_reduce,
    barrier,
    broadcast,
    gather,
    irecv,
    isend,
    recv,
    reduce,
    reduce_scatter,
    reduce_scatter_tensor,
    scatter,
    send,
)
from .group import (
    DistBackendError,
    DistError,
    ProcessGroup,
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
    is_mpi_available,
    new_group,
)
from .objects import all_gather_object, broadcast_object_list
from .work import Work

__all__ = [
    "DistBackendError",
    "DistError",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "destroy_process_group",
    "gather",
    "get_backend",
    "get_rank",
    "get_world_size",
    "init_process_group",
    "irecv",
    "is_available",
    "is_initialized",
    "is_mpi_available",
    "isend",
    "new_group",
    "recv",
    "reduce",
    "reduce_scatter",
    "reduce_scatter_tensor",
    "scatter",
    "send",
]
