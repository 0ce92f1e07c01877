"""Update rules of the optimizers, as in-place loops over one variable at a time.

A step of a small model touches a dozen small arrays; written with numpy, each rule is
five to ten array operations per variable, each paying numpy's call overhead. One
numba loop per variable does the same arithmetic in a single call (see
``reference/performance.md``). The formulas are Keras 3's (``keras/src/optimizers``);
every kernel has a plain-numpy twin, ``*_reference``, which the tests compare it with.

All arrays are C-contiguous and updated in place; scalars arrive as Python floats.
"""
import numba
import numpy as np

from ..kernels import compiling  # noqa: F401 (pauses the garbage collector while kernels compile)
from ..kernels.flat import flat

_jit = numba.njit(cache=True, no_cfunc_wrapper=True, nogil=True)


@_jit
def sgd(var, grad, lr):
    v, g = flat(var), flat(grad)
    for i in range(v.size):
        v[i] -= lr * g[i]


@_jit
def sgd_momentum(var, grad, momentum_buf, lr, momentum, nesterov):
    v, g, m = flat(var), flat(grad), flat(momentum_buf)
    for i in range(v.size):
        m[i] = momentum * m[i] - lr * g[i]
        if nesterov:
            v[i] += momentum * m[i] - lr * g[i]
        else:
            v[i] += m[i]


@numba.njit(cache=True, no_cfunc_wrapper=True, nogil=True, error_model="numpy")
def rmsprop_plain(var, grad, velocity, lr, rho, epsilon):
    """RMSprop's default rule (no momentum, not centered), in the variables' precision.

    It has a kernel of its own, in float32 as Keras computes it: without branches, float64
    scalars or the ZeroDivisionError test (error_model="numpy") the loop vectorizes (16
    instead of 202 us for the MNIST MLP's 784x64 kernel, where the general loop took a
    third of a training step), and a model on the default rule compiles only this small
    loop in a new process, not the general one below.
    """
    v, g, vel = flat(var), flat(grad), flat(velocity)
    dtype = v.dtype.type
    lr32, rho32, eps32, one_minus_rho = dtype(lr), dtype(rho), dtype(epsilon), dtype(1.0 - rho)
    for i in range(v.size):
        gi = g[i]
        vel[i] = rho32 * vel[i] + one_minus_rho * gi * gi
        v[i] -= lr32 * gi / np.sqrt(vel[i] + eps32)


@numba.njit(cache=True, no_cfunc_wrapper=True, nogil=True, error_model="numpy")
def rmsprop(var, grad, velocity, momentum_buf, average_grad, lr, rho, momentum, epsilon):
    """``momentum_buf``/``average_grad`` are empty when momentum is 0 / not centered."""
    v, g, vel = flat(var), flat(grad), flat(velocity)
    m, avg = flat(momentum_buf), flat(average_grad)
    use_momentum, centered = m.size > 0, avg.size > 0
    if not use_momentum and not centered:
        rmsprop_plain(var, grad, velocity, lr, rho, epsilon)
        return
    for i in range(v.size):
        gi = g[i]
        vel[i] = rho * vel[i] + (1.0 - rho) * gi * gi
        denominator = vel[i] + epsilon
        if centered:
            avg[i] = rho * avg[i] + (1.0 - rho) * gi
            denominator -= avg[i] * avg[i]
        increment = lr * gi / np.sqrt(denominator)
        if use_momentum:
            m[i] = momentum * m[i] + increment
            v[i] -= m[i]
        else:
            v[i] -= increment


@_jit
def adam(var, grad, m_buf, v_buf, v_hat_buf, alpha, beta_1, beta_2, epsilon):
    """``alpha`` = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t); ``v_hat_buf`` empty unless amsgrad."""
    v, g, m, vel, vhat = flat(var), flat(grad), flat(m_buf), flat(v_buf), \
        flat(v_hat_buf)
    amsgrad = vhat.size > 0
    for i in range(v.size):
        gi = g[i]
        m[i] += (gi - m[i]) * (1.0 - beta_1)
        vel[i] += (gi * gi - vel[i]) * (1.0 - beta_2)
        second = vel[i]
        if amsgrad:
            vhat[i] = max(vhat[i], vel[i])
            second = vhat[i]
        v[i] -= m[i] * alpha / (np.sqrt(second) + epsilon)


@_jit
def adagrad(var, grad, accumulator, lr, epsilon):
    v, g, acc = flat(var), flat(grad), flat(accumulator)
    for i in range(v.size):
        acc[i] += g[i] * g[i]
        v[i] -= lr * g[i] / np.sqrt(acc[i] + epsilon)


@_jit
def adadelta(var, grad, accumulated_grad, accumulated_delta, lr, rho, epsilon):
    v, g, ag, ad = flat(var), flat(grad), flat(accumulated_grad), \
        flat(accumulated_delta)
    for i in range(v.size):
        gi = g[i]
        ag[i] = rho * ag[i] + (1.0 - rho) * gi * gi
        delta = -np.sqrt(ad[i] + epsilon) * gi / np.sqrt(ag[i] + epsilon)
        ad[i] = rho * ad[i] + (1.0 - rho) * delta * delta
        v[i] += lr * delta


@_jit
def nadam(var, grad, m_buf, v_buf, lr, beta_1, beta_2, epsilon, u_t, u_t_1, u_product_t,
          u_product_t_1, beta_2_power):
    v, g, m, vel = flat(var), flat(grad), flat(m_buf), flat(v_buf)
    for i in range(v.size):
        gi = g[i]
        m[i] += (gi - m[i]) * (1.0 - beta_1)
        vel[i] += (gi * gi - vel[i]) * (1.0 - beta_2)
        m_hat = u_t_1 * m[i] / (1.0 - u_product_t_1) + (1.0 - u_t) * gi / (1.0 - u_product_t)
        v_hat = vel[i] / (1.0 - beta_2_power)
        v[i] -= m_hat * lr / (np.sqrt(v_hat) + epsilon)


@_jit
def adamax(var, grad, m_buf, u_buf, alpha, beta_1, beta_2, epsilon):
    """``alpha`` = lr / (1 - beta_1**t); ``u`` is the decaying infinity norm of the gradients."""
    v, g, m, u = flat(var), flat(grad), flat(m_buf), flat(u_buf)
    for i in range(v.size):
        gi = g[i]
        m[i] += (gi - m[i]) * (1.0 - beta_1)
        u[i] = max(beta_2 * u[i], abs(gi))
        v[i] -= alpha * m[i] / (u[i] + epsilon)


@_jit
def lion(var, grad, m_buf, lr, beta_1, beta_2):
    v, g, m = flat(var), flat(grad), flat(m_buf)
    for i in range(v.size):
        gi = g[i]
        v[i] -= lr * np.sign(beta_1 * m[i] + (1.0 - beta_1) * gi)
        m[i] = beta_2 * m[i] + (1.0 - beta_2) * gi


# ----------------------------------------------------------------------------- references

def sgd_reference(var, grad, lr):
    var -= lr * grad


def sgd_momentum_reference(var, grad, m, lr, momentum, nesterov):
    m[...] = momentum * m - lr * grad
    var += momentum * m - lr * grad if nesterov else m


def rmsprop_reference(var, grad, velocity, m, avg, lr, rho, momentum, epsilon):
    velocity[...] = rho * velocity + (1 - rho) * grad ** 2
    denominator = velocity + epsilon
    if avg.size:
        avg[...] = rho * avg + (1 - rho) * grad
        denominator = denominator - avg ** 2
    increment = lr * grad / np.sqrt(denominator)
    if m.size:
        m[...] = momentum * m + increment
        var -= m
    else:
        var -= increment


def adam_reference(var, grad, m, v, v_hat, alpha, beta_1, beta_2, epsilon):
    m += (grad - m) * (1 - beta_1)
    v += (grad ** 2 - v) * (1 - beta_2)
    second = v
    if v_hat.size:
        np.maximum(v_hat, v, out=v_hat)
        second = v_hat
    var -= m * alpha / (np.sqrt(second) + epsilon)


def adagrad_reference(var, grad, acc, lr, epsilon):
    acc += grad ** 2
    var -= lr * grad / np.sqrt(acc + epsilon)


def adadelta_reference(var, grad, acc_grad, acc_delta, lr, rho, epsilon):
    acc_grad[...] = rho * acc_grad + (1 - rho) * grad ** 2
    delta = -np.sqrt(acc_delta + epsilon) * grad / np.sqrt(acc_grad + epsilon)
    acc_delta[...] = rho * acc_delta + (1 - rho) * delta ** 2
    var += lr * delta


def nadam_reference(var, grad, m, v, lr, beta_1, beta_2, epsilon, u_t, u_t_1, u_product_t,
                    u_product_t_1, beta_2_power):
    m += (grad - m) * (1 - beta_1)
    v += (grad ** 2 - v) * (1 - beta_2)
    m_hat = u_t_1 * m / (1 - u_product_t_1) + (1 - u_t) * grad / (1 - u_product_t)
    v_hat = v / (1 - beta_2_power)
    var -= m_hat * lr / (np.sqrt(v_hat) + epsilon)


def adamax_reference(var, grad, m, u, alpha, beta_1, beta_2, epsilon):
    m += (grad - m) * (1 - beta_1)
    np.maximum(beta_2 * u, np.abs(grad), out=u)
    var -= alpha * m / (u + epsilon)


def lion_reference(var, grad, m, lr, beta_1, beta_2):
    var -= lr * np.sign(beta_1 * m + (1 - beta_1) * grad)
    m[...] = beta_2 * m + (1 - beta_2) * grad
