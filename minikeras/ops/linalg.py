"""Linear algebra: norms, inverses, determinants and linear solves, differentiable.

The gradients are the classical matrix-calculus identities (for C = A^{-1}: dA = -C^T dC C^T;
for d = det A: dA = d * dd * A^{-T}; for X = A^{-1} B: dB = A^{-T} dX, dA = -dB X^T).
All act on the last two axes, batched over the others.
"""
import numpy as np

from .. import backend
from ..engine.tensor import KerasTensor
from . import core
from .core import apply, apply_multi
from .numpy import _as_float, tril, triu


def _square(a, name):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"ops.{name}: expects square matrices in the last two axes, received shape {a.shape}.")


# Shape rules for symbolic inputs: probing with ones would hit singular matrices.
def _same(shape):
    return tuple(shape)


def _batch(shape):
    return tuple(shape[:-2])


def _t(a):
    return np.swapaxes(a, -1, -2)


def _floats(a):
    return a.astype(backend.floatx()) if a.dtype.kind in "biu" else a


def inv(x):
    """The inverse of each square matrix."""
    def forward(a):
        a = _floats(a)
        _square(a, "inv")
        c = np.linalg.inv(a)
        return c, lambda g: (-_t(c) @ g @ _t(c),)
    return apply(forward, x, shape_rule=_same)


def det(x):
    """The determinant of each square matrix."""
    def forward(a):
        a = _floats(a)
        _square(a, "det")
        d = np.linalg.det(a)
        return d, lambda g: ((g * d)[..., None, None] * _t(np.linalg.inv(a)),)
    return apply(forward, x, shape_rule=_batch)


def slogdet(x):
    """(sign, log|det|) of each square matrix; the gradient flows through log|det|."""
    sign = apply(lambda a: (np.linalg.slogdet(_floats(a))[0], lambda g: (None,)), x, shape_rule=_batch)
    return sign, _log_abs_det(x)


def logdet(x):
    """log(det(x)), NaN where the determinant is not positive (as Keras's, for positive-definite x)."""
    sign, log_abs = slogdet(x)
    return core.where(core.greater(sign, 0), log_abs, np.nan)


def _log_abs_det(x):
    def forward(a):
        a = _floats(a)
        _square(a, "slogdet")
        return np.linalg.slogdet(a)[1], lambda g: (g[..., None, None] * _t(np.linalg.inv(a)),)
    return apply(forward, x, shape_rule=_batch)


def solve(a, b):
    """X with A @ X = B, for each square A (B a matrix, or a vector for a 2-D A)."""
    def forward(a, b):
        a, b = _floats(a), _floats(b)
        _square(a, "solve")
        vector = b.ndim == a.ndim - 1
        bm = b[..., None] if vector else b
        x = np.linalg.solve(a, bm)

        def backward(g):
            gm = g[..., None] if vector else g
            gb = np.linalg.solve(_t(a), gm)
            ga = -gb @ _t(x)
            return core.unbroadcast(ga, a.shape), core.unbroadcast(gb[..., 0] if vector else gb, b.shape)
        return (x[..., 0] if vector else x), backward
    return apply(forward, a, b, shape_rule=lambda a_shape, b_shape: tuple(b_shape))


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as numpy's ``linalg.norm``.

    Vector norms (one axis, or every axis when ``axis`` is None and ``ord`` is None): the
    2-norm by default, any p-norm, inf/-inf (largest/smallest |x|), 0 (count of non-zeros).
    Matrix norms (two axes): 'fro', 1/-1 (column sums), inf/-inf (row sums).
    Built from differentiable operations, so its gradient comes with them.
    """
    x = _as_float(x)
    rank = len(x.shape)
    if axis is None:
        axes = tuple(range(rank))
        if ord is not None and rank > 2:
            raise ValueError(f"ops.norm: with ord={ord!r}, axis=None needs a 1-D or 2-D input, "
                             f"received shape {x.shape}.")
        if ord is None:
            return _vector_norm(core.reshape(x, (-1,)) if not keepdims else x, 2, axes if keepdims else 0,
                                keepdims)
    else:
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(a % rank for a in axes)
    if len(axes) == 1:
        return _vector_norm(x, 2 if ord is None else ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, "fro" if ord is None else ord, axes, keepdims)
    raise ValueError(f"ops.norm: `axis` must name one or two axes, received axis={axis!r}.")


def _vector_norm(x, ord, axis, keepdims):
    if isinstance(ord, str):
        raise ValueError(f"ops.norm: ord={ord!r} is a matrix norm; a vector norm takes a number.")
    a = core.abs(x)
    if ord == np.inf:
        return core.max(a, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return core.min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return core.sum(core.cast(core.not_equal(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return core.sum(a, axis=axis, keepdims=keepdims)
    if ord == 2:
        return _sqrt_with_zero(core.sum(core.square(x), axis=axis, keepdims=keepdims))
    return core.power(core.sum(core.power(a, float(ord)), axis=axis, keepdims=keepdims), 1.0 / float(ord))


def _sqrt_with_zero(s):
    """sqrt whose gradient at 0 is 0 rather than inf (the norm of a zero vector is flat enough)."""
    def forward(s):
        y = np.sqrt(s)
        return y, lambda g: (np.where(y > 0, 0.5 * g / np.where(y > 0, y, 1), 0).astype(g.dtype),)
    return apply(forward, s, shape_rule=lambda shape: shape)


def _matrix_norm(x, ord, axes, keepdims):
    row_axis, col_axis = axes
    if ord == "fro":
        return _sqrt_with_zero(core.sum(core.square(x), axis=axes, keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed, then = (row_axis, col_axis) if ord in (1, -1) else (col_axis, row_axis)
        sums = core.sum(core.abs(x), axis=summed, keepdims=True)
        pick = core.max if ord in (1, np.inf) else core.min
        out = pick(sums, axis=then, keepdims=True)
        return out if keepdims else core.squeeze(out, axis=axes)
    raise ValueError(f"ops.norm: minikeras computes the matrix norms 'fro', 1, -1, inf and -inf; "
                     f"received ord={ord!r}.")


def cholesky(x, upper=False):
    """L with L @ L^T = x for each symmetric positive-definite x (U = L^T with ``upper``).

    The gradient treats x as symmetric: with P the lower triangle of L^T dL, diagonal halved,
    S = L^{-T} P L^{-1} and dx = (S + S^T) / 2 (Murray, 2016).
    """
    def forward(a):
        a = _floats(a)
        _square(a, "cholesky")
        try:
            low = np.linalg.cholesky(a)
        except np.linalg.LinAlgError as error:
            raise ValueError("ops.cholesky: the input is not positive definite.") from error

        def backward(g):
            g_low = _t(g) if upper else g
            p = np.tril(_t(low) @ g_low)
            p -= 0.5 * np.eye(p.shape[-1], dtype=p.dtype) * p
            inv_low = np.linalg.inv(low)
            s = _t(inv_low) @ p @ inv_low
            return (0.5 * (s + _t(s)),)
        return (_t(low).copy() if upper else low), backward
    return apply(forward, x, shape_rule=_same)


def solve_triangular(a, b, lower=False):
    """X with A @ X = B, reading only the lower (or upper) triangle of A."""
    return solve(tril(a) if lower else triu(a), b)


def lstsq(a, b, rcond=None):
    """The least-squares solution X of A @ X ~ B, for A of full rank: (A^T A)^{-1} A^T B when A is
    tall, A^T (A A^T)^{-1} B when it is wide (the minimum-norm solution)."""
    rank = matrix_rank(a)
    shape = tuple(a.shape)
    if len(shape) != 2:
        raise ValueError(f"ops.lstsq: expects a matrix A, received shape {shape}.")
    if int(rank) < min(shape):
        raise ValueError(f"ops.lstsq: minikeras solves full-rank problems; A of shape {shape} has rank "
                         f"{int(rank)}.")
    at = core.transpose(a)
    if shape[0] >= shape[1]:
        return solve(core.matmul(at, a), core.matmul(at, b))
    return core.matmul(at, solve(core.matmul(a, at), b))


def matrix_rank(x, tol=None):
    """The number of singular values above ``tol`` (int32; no gradient)."""
    if isinstance(x, KerasTensor):
        return KerasTensor(tuple(x.shape[:-2]), "int32")
    return apply(lambda a: (np.asarray(np.linalg.matrix_rank(_floats(a), tol=tol)).astype("int32"),
                            lambda g: (None,)), x)


def cholesky_inverse(x, upper=False):
    """The inverse of A from its Cholesky factor (x = L with A = L L^T, or U with A = U^T U)."""
    a = core.matmul(core.transpose(x, _swap_last(x)), x) if upper else core.matmul(x, core.transpose(x, _swap_last(x)))
    return inv(a)


def _swap_last(x):
    axes = list(range(len(x.shape)))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return tuple(axes)


def pinv(x, rcond=1e-15):
    """The Moore-Penrose pseudo-inverse P of each matrix.

    The gradient (for a rank that does not change nearby; Golub and Pereyra, 1973) is
    -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A) for the upstream gradient G.
    """
    def forward(a):
        a = _floats(a)
        if a.ndim < 2:
            raise ValueError(f"ops.pinv: expects matrices in the last two axes, received shape {a.shape}.")
        p = np.linalg.pinv(a, rcond=rcond)

        def backward(g):
            eye_m, eye_n = np.eye(a.shape[-2], dtype=a.dtype), np.eye(a.shape[-1], dtype=a.dtype)
            return (-_t(p) @ g @ _t(p) + (eye_m - a @ p) @ _t(g) @ p @ _t(p)
                    + _t(p) @ p @ _t(g) @ (eye_n - p @ a),)
        return p, backward
    return apply(forward, x, shape_rule=lambda s: tuple(s[:-2]) + (s[-1], s[-2]))


def cdist(x, y):
    """Euclidean distances between the rows of x (..., m, d) and of y (..., n, d): (..., m, n)."""
    difference = core.subtract(core.expand_dims(_as_float(x), -2), core.expand_dims(_as_float(y), -3))
    return norm(difference, axis=-1)


def eigh(x):
    """(eigenvalues ascending, eigenvectors as columns) of each symmetric matrix, reading its
    lower triangle.

    The gradient treats x as symmetric (Giles, 2008): with V the eigenvectors, w the values and
    F_ij = 1 / (w_j - w_i) off the diagonal, dx = V (diag(dw) + F * (V^T dV)) V^T, symmetrised.
    It is undefined where two eigenvalues coincide.
    """
    def forward(a):
        a = _floats(a)
        _square(a, "eigh")
        w, v = np.linalg.eigh(a)

        def backward(grads):
            gw, gv = grads
            gap = w[..., None, :] - w[..., :, None]
            eye = np.eye(w.shape[-1], dtype=bool)
            f = np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, gap))
            inner = f * (_t(v) @ gv)
            inner = inner + np.eye(w.shape[-1]) * gw[..., None, :]
            g = v @ inner @ _t(v)
            return (0.5 * (g + _t(g))).astype(a.dtype),
        return [w, v], backward
    if isinstance(x, KerasTensor):
        return KerasTensor(tuple(x.shape[:-1]), x.dtype), KerasTensor(tuple(x.shape), x.dtype)
    return tuple(apply_multi(forward, x))


def qr(x, mode="reduced"):
    """(Q, R) with x = Q R, Q's columns orthonormal and R upper triangular.

    The gradient (Walter and Lehmann, 2018) for a tall or square x: with
    M = R dR^T - dQ^T Q, dx = (dQ + Q copyltu(M)) R^{-T}, where copyltu mirrors M's lower triangle
    onto its upper one. A wide x = [X | Y] is differentiated through its square part X.
    The complete Q of a tall x is not unique beyond its first columns, so it has no gradient.
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"ops.qr: `mode` must be 'reduced' or 'complete', received mode={mode!r}.")

    def forward(a):
        a = _floats(a)
        if a.ndim < 2:
            raise ValueError(f"ops.qr: expects matrices in the last two axes, received shape {a.shape}.")
        q, r = np.linalg.qr(a, mode=mode)
        m, n = a.shape[-2:]

        def backward(grads):
            gq, gr = grads
            if mode == "complete" and m > n:
                raise ValueError("ops.qr: the complete Q of a tall matrix has no gradient; use mode='reduced'.")
            if m >= n:
                return (_qr_square_backward(q, r, gq, gr),)
            # wide: A = Q [U | V] with the square U = R[:, :m]
            u, v, gu, gv = r[..., :m], r[..., m:], gr[..., :m], gr[..., m:]
            y = a[..., m:]
            gx = _qr_square_backward(q, u, gq + y @ _t(gv), gu)
            return (np.concatenate([gx, q @ gv], axis=-1),)
        return [q, r], backward
    if isinstance(x, KerasTensor):
        m, n = x.shape[-2:]
        k = m if mode == "complete" else (None if m is None or n is None else min(m, n))
        return KerasTensor(tuple(x.shape[:-2]) + (m, k), x.dtype), KerasTensor(tuple(x.shape[:-2]) + (k, n), x.dtype)
    return tuple(apply_multi(forward, x))


def _qr_square_backward(q, r, gq, gr):
    m = r @ _t(gr) - _t(gq) @ q
    lower = np.tril(m)
    mirrored = lower + _t(np.tril(m, -1))
    rhs = gq + q @ mirrored
    # rhs @ R^{-T}: solve R X^T = rhs^T for X
    return _t(np.linalg.solve(r, _t(rhs)))


def svd(x, full_matrices=True, compute_uv=True):
    """(U, S, V^T) with x = U diag(S) V^T, singular values descending; only S when not
    ``compute_uv``.

    The gradient (Townsend, 2016), for distinct non-zero singular values and U, V^T of the
    reduced size (a square x, or ``full_matrices=False``): with F_ij = 1 / (s_j^2 - s_i^2),
    dx = U [(F * (U^T dU - dU^T U)) S + diag(dS) + S (F * (V^T dV - dV^T V))] V^T
         + (I - U U^T) dU S^{-1} V^T + U S^{-1} dV^T (I - V V^T).
    """
    def forward(a):
        a = _floats(a)
        if a.ndim < 2:
            raise ValueError(f"ops.svd: expects matrices in the last two axes, received shape {a.shape}.")
        m, n = a.shape[-2:]
        if not compute_uv:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
            return s, lambda g: (u @ (g[..., :, None] * vh),)
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)

        def backward(grads):
            gu, gs, gvh = grads
            if full_matrices and m != n:
                raise ValueError("ops.svd: the full U or V of a non-square matrix is not unique and has no "
                                 "gradient; use full_matrices=False.")
            v, gv = _t(vh), _t(gvh)
            s2 = s * s
            gap = s2[..., None, :] - s2[..., :, None]
            eye = np.eye(s.shape[-1], dtype=bool)
            f = np.where(eye, 0.0, 1.0 / np.where(eye, 1.0, gap))
            j_u = f * (_t(u) @ gu - _t(gu) @ u)
            j_v = f * (_t(v) @ gv - _t(gv) @ v)
            inner = j_u * s[..., None, :] + np.eye(s.shape[-1]) * gs[..., None, :] + s[..., :, None] * j_v
            g = u @ inner @ vh
            inv_s = 1.0 / s
            g = g + (np.eye(m) - u @ _t(u)) @ (gu * inv_s[..., None, :]) @ vh
            g = g + (u * inv_s[..., None, :]) @ _t(gv) @ (np.eye(n) - v @ vh)
            return (g.astype(a.dtype),)
        return [u, s, vh], backward
    if isinstance(x, KerasTensor):
        m, n = x.shape[-2:]
        k = None if m is None or n is None else min(m, n)
        batch = tuple(x.shape[:-2])
        s = KerasTensor(batch + (k,), x.dtype)
        if not compute_uv:
            return s
        return (KerasTensor(batch + (m, m if full_matrices else k), x.dtype), s,
                KerasTensor(batch + (n if full_matrices else k, n), x.dtype))
    if not compute_uv:
        return apply(forward, x)
    return tuple(apply_multi(forward, x))
