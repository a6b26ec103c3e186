"""Built-in differentiable ops, one small Function each, grouped by family."""

from .activation import *  # noqa: F401,F403
from .arithmetic import add, div, divide, multiply, mul, neg, negative, pow, rsub, sub, subtract, true_divide  # noqa: F401
from .cast import cast, clone  # noqa: F401
from .comparison import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .indexing import getitem, index_put_add, setitem  # noqa: F401
from .linalg import *  # noqa: F401,F403
from .movement import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
