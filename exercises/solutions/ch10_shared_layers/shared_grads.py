"""Chapter 10, exercise ch10.shared_gradients: what a shared layer learns from two calls.

Reference solution.
"""

import numpy as np


def shared_dense_grads(x_a, x_b, kernel, dy_a, dy_b):
    """Reference solution: the two calls' gradients, summed."""
    features, units = kernel.shape
    d_kernel = np.zeros_like(kernel)
    d_bias = np.zeros(units, dtype=kernel.dtype)
    for x, dy in ((x_a, dy_a), (x_b, dy_b)):
        x2 = np.reshape(x, (-1, features))
        dy2 = np.reshape(dy, (-1, units))
        d_kernel += x2.T @ dy2
        d_bias += dy2.sum(axis=0)
    return d_kernel, d_bias


def shared_embedding_grad(ids_a, ids_b, dvec_a, dvec_b, vocab_size):
    """Reference solution: scatter-add every position's gradient into its word's row."""
    dim = np.shape(dvec_a)[-1]
    d_table = np.zeros((vocab_size, dim), dtype=np.result_type(dvec_a, dvec_b))
    for ids, dvec in ((ids_a, dvec_a), (ids_b, dvec_b)):
        np.add.at(d_table, np.asarray(ids).reshape(-1), np.reshape(dvec, (-1, dim)))
    return d_table
