"""Classic single neurons trained by their textbook rules (NumPy only, no autograd): perceptron and ADALINE."""

from chainrule.classic._base import LABEL_CONVENTIONS, ConvergenceWarning
from chainrule.classic.adaline import Adaline
from chainrule.classic.features import feature_map_xor
from chainrule.classic.perceptron import Perceptron

__all__ = ["LABEL_CONVENTIONS", "Adaline", "ConvergenceWarning", "Perceptron", "feature_map_xor"]
