"""Stochastic gradient descent, with optional (Nesterov) momentum.

Keras 3's rule: ``m = momentum * m - lr * g``, then ``w += m`` (or, with Nesterov,
``w += momentum * m - lr * g``); without momentum simply ``w -= lr * g``.
"""
from . import kernels
from .optimizer import Optimizer, flat


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not isinstance(momentum, (int, float)) or isinstance(momentum, bool) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self.momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum else []

    def _update(self, i, grad, var, lr):
        if self.momentum:
            kernels.sgd_momentum(var, grad, flat(self.momentums[i]), lr, self.momentum, self.nesterov)
        else:
            kernels.sgd(var, grad, lr)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
