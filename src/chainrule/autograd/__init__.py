"""Autograd: Function (custom ops), the backward engine, grad modes, gradient checking, anomaly detection."""

from .checking import GradcheckError, gradcheck, gradgradcheck, numerical_grad
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .engine import backward, grad
from .function import Function, once_differentiable
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled

__all__ = [
    "Function", "backward", "detect_anomaly", "enable_grad", "grad", "gradcheck", "gradgradcheck",
    "is_anomaly_enabled", "is_grad_enabled", "no_grad", "numerical_grad", "once_differentiable",
    "set_detect_anomaly", "set_grad_enabled",
]

