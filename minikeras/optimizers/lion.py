"""Lion (EvoLved Sign Momentum, Chen et al., 2023): every weight moves by exactly ``lr``,
in the direction of the sign of an interpolation between momentum and gradient.

Keras 3's rule: ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``, then
``m = beta_2 * m + (1 - beta_2) * g``. Because every step has the size of the learning
rate, Lion wants a learning rate 3 to 10 times smaller than Adam's.
"""
from . import kernels
from .optimizer import Optimizer, flat


class Lion(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(f"Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                             f"degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _update(self, i, grad, var, lr):
        kernels.lion(var, grad, flat(self._momentums[i]), lr, self.beta_1, self.beta_2)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
