"""`chainrule.backends` (torch.backends): the availability flags programs check before choosing a device.

`backends.mps.is_available()` and `backends.cudnn.is_available()` are False; `cudnn.benchmark` and
`cudnn.deterministic` may be set (as programs do) and change nothing.
"""

from . import cudnn, mps  # noqa: F401
