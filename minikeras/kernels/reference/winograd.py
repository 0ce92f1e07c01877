"""Winograd F(m x m, 3x3) for m = 2, 3, 4, written like its equations (reference for the
transforms of ``kernels/winograd.py``: same names and signatures, used by the tests as
their oracle; the transform matrices of both backends are ``MATRICES`` below).

This backend's convolution itself stays tap by tap (``reference/conv.py``), the oracle
for whole convolutions; this module specifies only the pieces the fast backend's
Winograd convolution is built from. With n = m + 2, d an n x n input tile, g a 3x3 filter
and the matrices BT (n x n), G (n x 3), AT (m x n) of ``MATRICES[m]``, the m x m output
tile is

    y = AT [(G g G^T) * (BT d BT^T)] AT^T          (* elementwise)

Tiles start every m pixels of the padded input, in order (image, tile row, tile column);
the transformed tiles are stored as (n*n, tiles, channels), entry (i, j) of an n x n
transform at k = n*i + j. The functions below read m from that first dimension (16, 25
or 36 planes), so they keep the signatures they had when only m = 2 existed.
"""
import math

import numpy as np

__all__ = ["MATRICES", "POINTS", "tile_size", "input_transform", "output_transform", "dy_transform",
           "dx_transform", "kernel_transform", "kernel_gradient_transform"]

# Toom-Cook interpolation points of each tile size (plus the point at infinity, the last
# row/column of each matrix). The matrices follow from the points (Lavin & Gray 2016,
# section 4; the test ``test_matrices_follow_from_their_points`` derives them exactly):
# with the finite points a_0..a_{n-2} and f_j = prod over l != j of (a_j - a_l),
#   AT[i, j] = a_j^i;   G[j, k] = a_j^k / f_j;   BT[j] = f_j times row j of the inverse of the
#   Vandermonde matrix V[p, j] = a_j^p (p < n-1);   BT's last row makes the identity exact at
#   the highest power (f_0 taken positive, as in Lavin's matrices for m = 4 with his points).
# Why these points: every point multiplies inputs by its powers up to a_j^(n-1), so float32
# rounding grows with m. Measured as the largest error of one output tile over 64 channels
# in float32 (random normal inputs and filters, 200 tiles), relative to the output's size:
#   m = 2, (0, 1, -1):            1.1e-6
#   m = 3, (0, 1, -1, 2):         6.4e-6  ((0, 1, -1, -2) 5.7e-6, (0, 1, -1, 1/2) 5.1e-6,
#                                          all alike; 2 keeps BT and AT integer)
#   m = 4, (0, 1, -1, 1/2, -2):   7.4e-6  (Lavin's (0, 1, -1, 2, -2) 1.7e-5, (0, +-1, +-1/2)
#                                          2.1e-5: a point and its reciprocal balance the
#                                          powers; BT gets halves, 26 nonzeros instead of 22)
POINTS = {2: (0, 1, -1), 3: (0, 1, -1, 2), 4: (0, 1, -1, 0.5, -2)}

MATRICES = {
    2: (np.array([[1, 0, -1, 0],
                  [0, 1, 1, 0],
                  [0, -1, 1, 0],
                  [0, -1, 0, 1]], dtype=np.float64),
        np.array([[1, 0, 0],
                  [1 / 2, 1 / 2, 1 / 2],
                  [1 / 2, -1 / 2, 1 / 2],
                  [0, 0, 1]], dtype=np.float64),
        np.array([[1, 1, 1, 0],
                  [0, 1, -1, 1]], dtype=np.float64)),
    3: (np.array([[2, -1, -2, 1, 0],
                  [0, -2, -1, 1, 0],
                  [0, 2, -3, 1, 0],
                  [0, -1, 0, 1, 0],
                  [0, 2, -1, -2, 1]], dtype=np.float64),
        np.array([[1 / 2, 0, 0],
                  [-1 / 2, -1 / 2, -1 / 2],
                  [-1 / 6, 1 / 6, -1 / 6],
                  [1 / 6, 1 / 3, 2 / 3],
                  [0, 0, 1]], dtype=np.float64),
        np.array([[1, 1, 1, 1, 0],
                  [0, 1, -1, 2, 0],
                  [0, 1, 1, 4, 1]], dtype=np.float64)),
    4: (np.array([[1, -3 / 2, -2, 3 / 2, 1, 0],
                  [0, -1, 1 / 2, 5 / 2, 1, 0],
                  [0, 1, -5 / 2, 1 / 2, 1, 0],
                  [0, -2, -1, 2, 1, 0],
                  [0, 1 / 2, -1, -1 / 2, 1, 0],
                  [0, 1, -3 / 2, -2, 3 / 2, 1]], dtype=np.float64),
        np.array([[1, 0, 0],
                  [1 / 3, 1 / 3, 1 / 3],
                  [-1 / 3, 1 / 3, -1 / 3],
                  [-16 / 15, -8 / 15, -4 / 15],
                  [1 / 15, -2 / 15, 4 / 15],
                  [0, 0, 1]], dtype=np.float64),
        np.array([[1, 1, 1, 1, 1, 0],
                  [0, 1, -1, 1 / 2, -2, 0],
                  [0, 1, 1, 1 / 4, 4, 0],
                  [0, 1, -1, 1 / 8, -8, 1]], dtype=np.float64)),
}


def tile_size(planes):
    """m, the output tile size, of transformed tiles stored as ``planes`` = (m + 2)^2 planes."""
    n = math.isqrt(planes)
    if n * n != planes or n - 2 not in MATRICES:
        raise ValueError(f"winograd: {planes} transformed planes; expected (m + 2)^2 for m in {sorted(MATRICES)}")
    return n - 2


def _matrices(planes, dtype):
    m = tile_size(planes)
    return m, m + 2, tuple(a.astype(dtype) for a in MATRICES[m])


def _canvas(x, pt, pl, m, th, tw):
    """x padded by pt/pl on the top/left and with zeros to the tile grid's full extent
    (m*th + 2, m*tw + 2) (cropped if x reaches further)."""
    n, h, w, c = x.shape
    canvas = np.zeros((n, m * th + 2 + pt + h, m * tw + 2 + pl + w, c), x.dtype)
    canvas[:, pt:pt + h, pl:pl + w] = x
    return canvas[:, :m * th + 2, :m * tw + 2]


def _tiles(canvas, m, th, tw):
    """The (m+2)x(m+2) tiles of a canvas: (n, th, tw, m+2, m+2, c); tile (i, j) starts at (m*i, m*j)."""
    s = m + 2
    return np.stack([np.stack([canvas[:, m * i:m * i + s, m * j:m * j + s] for j in range(tw)], axis=1)
                     for i in range(th)], axis=1)


def input_transform(x, pt, pl, th, tw, V):
    """V[:, t] = BT d BT^T for every tile d of x (padded by pt, pl; zeros outside x).
    V (n*n, rows >= images*th*tw, c) also says the tile size."""
    n, _, _, c = x.shape
    m, s, (BT, _, _) = _matrices(V.shape[0], x.dtype)
    d = _tiles(_canvas(x, pt, pl, m, th, tw), m, th, tw)
    v = np.einsum("ir,bxyrsc,js->ijbxyc", BT, d, BT)
    V[:, :n * th * tw] = v.reshape(s * s, n * th * tw, c)


def output_transform(M, th, tw, y):
    """y tile t = AT M[:, t] AT^T; tile outputs past y's edge are dropped."""
    n, oh, ow, c = y.shape
    m, s, (_, _, AT) = _matrices(M.shape[0], M.dtype)
    mm = M[:, :n * th * tw].reshape(s, s, n, th, tw, c)
    tiles = np.einsum("ir,rsbxyc,js->bxiyjc", AT, mm, AT)
    y[...] = tiles.reshape(n, m * th, m * tw, c)[:, :oh, :ow]


def dy_transform(dy, th, tw, dyhat):
    """dyhat[:, t] = AT^T e AT, e the m x m tile t of dy, zero past dy's edge."""
    n, oh, ow, c = dy.shape
    m, s, (_, _, AT) = _matrices(dyhat.shape[0], dy.dtype)
    e = np.zeros((n, m * th, m * tw, c), dy.dtype)
    e[:, :oh, :ow] = dy
    e = e.reshape(n, th, m, tw, m, c)
    d = np.einsum("ri,bxrysc,sj->ijbxyc", AT, e, AT)
    dyhat[:, :n * th * tw] = d.reshape(s * s, n * th * tw, c)


def dx_transform(dV, pt, pl, th, tw, dx):
    """dx += BT^T dV[:, t] BT on the cells of tile t (tiles overlap: adds); padding dropped."""
    n, h, w, c = dx.shape
    m, s, (BT, _, _) = _matrices(dV.shape[0], dV.dtype)
    v = dV[:, :n * th * tw].reshape(s, s, n, th, tw, c)
    tiles = np.einsum("ri,rsbxyc,sj->bxyijc", BT, v, BT)
    canvas = np.zeros((n, m * th + 2 + pt + h, m * tw + 2 + pl + w, c), dx.dtype)
    for i in range(th):
        for j in range(tw):
            canvas[:, m * i:m * i + s, m * j:m * j + s] += tiles[:, i, j]
    dx += canvas[:, pt:pt + h, pl:pl + w]


def kernel_transform(kernel, U):
    """U[k] = (G g G^T)[k] for every channel pair: kernel (3, 3, cin, cout) -> U (n*n, cin, cout)."""
    _, _, cin, cout = kernel.shape
    _, s, (_, G, _) = _matrices(U.shape[0], kernel.dtype)
    U[...] = np.einsum("ik,klcd,jl->ijcd", G, kernel, G).reshape(s * s, cin, cout)


def kernel_gradient_transform(dU, dkernel):
    """dkernel = G^T dUhat G for every channel pair: dU (n*n, cin, cout) -> dkernel (3, 3, cin, cout)."""
    _, cin, cout = dU.shape
    _, s, (_, G, _) = _matrices(dU.shape[0], dU.dtype)
    dkernel[...] = np.einsum("ik,ijcd,jl->klcd", G, dU.reshape(s, s, cin, cout), G)
