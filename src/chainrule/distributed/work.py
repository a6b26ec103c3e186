"""Work: the handle an async collective returns, and the one place that waits on MPI requests.

Every collective is issued non-blocking (MPI_I*) and finished here: polled with a deadline, so a peer that died
or hangs makes this rank stop with a clear message after the group's timeout instead of waiting forever. The
polling also drives MPI's progress engine (Open MPI advances a non-blocking collective only inside MPI calls).
"""

from __future__ import annotations

import os
import sys
import time

from .group import mpi


class Work:
    """A collective in flight: `wait()` finishes it (and runs what must follow, e.g. AVG's division).

    `is_completed()` tests without blocking; `result()` is the list of output tensors, as PyTorch's.

    Examples:
        >>> import chainrule as cr
        >>> import chainrule.distributed as dist
        >>> dist.init_process_group()
        >>> t = cr.tensor([1.0, 3.0])
        >>> work = dist.all_reduce(t, op=dist.ReduceOp.AVG, async_op=True)
        >>> work.wait()                           # overlap computation here, before waiting
        True
        >>> work.is_completed(), work.result()
        (True, [tensor([1., 3.])])
        >>> dist.destroy_process_group()
    """

    def __init__(self, requests: list, group, what: str, finish=None, outputs=()) -> None:
        self._requests, self._group, self._what = list(requests), group, what
        self._finish, self._outputs, self._done = finish, list(outputs), False
        self._statuses = None  # a list of MPI.Status to fill (receives read their sender from it)

    def is_completed(self) -> bool:
        """True once every MPI request is done (finishing it, if so)."""
        if self._done:
            return True
        if mpi().Request.Testall(self._requests, self._statuses):
            self._complete()
        return self._done

    def wait(self, timeout=None) -> bool:
        """Block until done; after `timeout` (default: the group's) abort the job with a clear error."""
        if not self._done:
            limit = self._group.timeout if timeout is None else _seconds(timeout)
            wait_all(self._requests, self._group, self._what, limit, self._statuses)
            self._complete()
        return True

    def _complete(self) -> None:
        self._done = True
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()

    def result(self) -> list:
        """The output tensors of the collective."""
        return self._outputs

    def __repr__(self) -> str:
        return f"Work({self._what}, completed={self._done})"


def _seconds(timeout) -> float:
    return timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)


def wait_all(requests: list, group, what: str, timeout: float, statuses=None) -> None:
    """Poll `requests` until all are done; past `timeout` seconds, report and MPI_Abort the job.

    For the first second it polls continuously, yielding the CPU between polls (sched_yield): a large message
    moves in fragments, each advanced only inside an MPI call, so sleeping between polls would stall the
    transfer; yielding lets a peer sharing this core run. After that (a peer busy with other work, e.g.
    rank 0 evaluating) it sleeps in growing steps up to 10 ms, to stop spending a core on waiting.
    """
    Testall = mpi().Request.Testall
    if Testall(requests, statuses):
        return
    start = time.monotonic()
    deadline = start + timeout
    nap, n = 0.0, 0
    yield_cpu = getattr(os, "sched_yield", lambda: time.sleep(0))
    while not Testall(requests, statuses):
        n += 1
        if n & 63:
            yield_cpu()
            continue
        now = time.monotonic()  # every 64 polls: the clock
        if now > deadline:
            abort(group, f"{what} did not complete within {timeout:g} s")
        if now - start > 1.0:
            nap = min(max(nap * 2, 1e-4), 1e-2)
            time.sleep(nap)


def abort(group, reason: str) -> None:
    """Print why on stderr, naming this rank, then MPI_Abort every process of the job (never returns)."""
    MPI = mpi()
    rank = MPI.COMM_WORLD.Get_rank()
    sys.stderr.write(
        f"chainrule.distributed: rank {rank}: {reason}: a peer process died, hangs, or did not call the same "
        f"collective (every rank must run the same collectives in the same order). Aborting the job. "
        f"Raise the limit with init_process_group(timeout=...) or CHAINRULE_DIST_TIMEOUT=<seconds> if the "
        f"peers are only slow.\n")
    sys.stderr.flush()
    if os.environ.get("CHAINRULE_DIST_ABORT", "1") == "0":  # tests of the message in a single process
        from .group import DistBackendError

        raise DistBackendError(reason)
    MPI.COMM_WORLD.Abort(1)
