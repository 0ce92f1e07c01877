"""Chapter 16, exercise ch16.crossentropy: reference solution."""

import numpy as np


def _log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def sparse_crossentropy(labels, probs, epsilon=1e-7):
    """Reference solution."""
    labels = np.asarray(labels).astype(int).reshape(-1)
    probs = np.asarray(probs, dtype=np.float64)
    probs = probs / probs.sum(axis=-1, keepdims=True)
    picked = np.clip(probs[np.arange(len(labels)), labels], epsilon, 1 - epsilon)
    return float(np.mean(-np.log(picked)))


def sparse_crossentropy_from_logits(labels, logits):
    """Reference solution."""
    labels = np.asarray(labels).astype(int).reshape(-1)
    log_p = _log_softmax(np.asarray(logits, dtype=np.float64))
    return float(np.mean(-log_p[np.arange(len(labels)), labels]))


def sparse_crossentropy_from_logits_grad(labels, logits):
    """Reference solution."""
    labels = np.asarray(labels).astype(int).reshape(-1)
    logits = np.asarray(logits)
    grad = np.exp(_log_softmax(logits.astype(np.float64)))
    grad[np.arange(len(labels)), labels] -= 1
    return (grad / len(labels)).astype(logits.dtype)
