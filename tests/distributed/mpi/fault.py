"""A DDP training loop in which rank 1 fails at step 5: `kill` (SIGKILL itself) or `hang` (sleeps for good).

Run by tests/distributed/test_mpi.py under mpirun: the job must end, with a clear error, within the timeout.
"""

import os
import signal
import sys
import time

import chainrule as cr
import chainrule.distributed as dist
from chainrule import nn
from chainrule.nn.parallel import DistributedDataParallel as DDP

mode = sys.argv[1]
dist.init_process_group()
rank = dist.get_rank()
ddp = DDP(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2)))
opt = cr.optim.SGD(ddp.parameters(), lr=0.1)
for step in range(1000):
    if rank == 1 and step == 5:
        print(f"rank 1: failing ({mode}) at step {step}", flush=True)
        if mode == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(600)
    opt.zero_grad()
    ddp(cr.randn(4, 8)).sum().backward()
    opt.step()
print("unreachable: training finished although a rank failed", flush=True)
