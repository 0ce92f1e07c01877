"""Chapter 11, exercise ch11.batchnorm: reference solution."""

import numpy as np


def batchnorm_forward(x, gamma, beta, moving_mean, moving_variance, training,
                      momentum=0.99, epsilon=1e-3):
    """Reference solution."""
    x = np.asarray(x)
    axes = tuple(range(x.ndim - 1))
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        new_mean = moving_mean * momentum + mean * (1 - momentum)
        new_var = moving_variance * momentum + var * (1 - momentum)
    else:
        mean, var = moving_mean, moving_variance
        new_mean, new_var = np.array(moving_mean, copy=True), np.array(moving_variance, copy=True)
    y = gamma * (x - mean) / np.sqrt(var + epsilon) + beta
    return y, new_mean, new_var
