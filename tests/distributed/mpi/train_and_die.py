"""`chainrule train` in which rank 1 kills itself (SIGKILL) at global optimizer step argv[1] - mid-epoch.

Usage: mpirun -n 2 python train_and_die.py STEP <chainrule train arguments...>
"""

import os
import signal
import sys

from chainrule import optim
from chainrule.cli import main

die_at = int(sys.argv[1])
steps = [0]
for cls in (optim.SGD, optim.Adam, optim.AdamW):
    original = cls.step

    def step(self, *a, _original=original, **k):
        steps[0] += 1
        from chainrule import distributed as dist

        if steps[0] == die_at and dist.is_initialized() and dist.get_rank() == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return _original(self, *a, **k)

    cls.step = step
sys.exit(main(sys.argv[2:]))
