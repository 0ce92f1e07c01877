"""Winograd F(m x m, r x r) for 3x3 kernels (m = 2, 3, 4) and 4x4 kernels (m = 2, 3),
written like its equations (reference for the transforms of ``kernels/winograd.py``: same
names and signatures, used by the tests as their oracle; the transform matrices of both
backends are ``MATRICES`` below).

This backend's convolution itself stays tap by tap (``reference/conv.py``), the oracle
for whole convolutions; this module specifies only the pieces the fast backend's
Winograd convolution is built from. With n = m + r - 1, d an n x n input tile, g an r x r
filter and the matrices BT (n x n), G (n x r), AT (m x n) of ``MATRICES[m, r]``, the m x m
output tile is

    y = AT [(G g G^T) * (BT d BT^T)] AT^T          (* elementwise)

Tiles start every m pixels of the padded input, in order (image, tile row, tile column);
the transformed tiles are stored as (n*n, tiles, channels), entry (i, j) of an n x n
transform at k = n*i + j. The number of planes n*n alone does not say which algorithm made
them (25 planes: F(3x3, 3x3) or F(2x2, 4x4); 36: F(4x4, 3x3) or F(3x3, 4x4)), so the tile
transforms are told m, and the kernel transforms read r from the kernel's shape.
"""
import math

import numpy as np

__all__ = ["MATRICES", "POINTS", "TILE_SIZES", "tile_shape", "input_transform", "output_transform",
           "dy_transform", "dx_transform", "kernel_transform", "kernel_gradient_transform"]

# Toom-Cook interpolation points of each algorithm (plus the point at infinity, the last
# row/column of each matrix). The matrices follow from the points (Lavin & Gray 2016,
# section 4; the test ``test_matrices_follow_from_their_points`` derives them exactly):
# with the finite points a_0..a_{n-2} and f_j = prod over l != j of (a_j - a_l),
#   AT[i, j] = a_j^i (i < m);   G[j, k] = a_j^k / f_j (k < r);   BT[j] = f_j times row j of the
#   inverse of the Vandermonde matrix V[p, j] = a_j^p (p < n-1);   BT's last row makes the
#   identity exact at the highest power (f_0 taken positive, as in Lavin's matrices for
#   F(4x4, 3x3) with his points); the point at infinity adds AT[m-1, n-1] = G[n-1, r-1] = 1.
# BT depends on the points only, so algorithms with the same tile side n and the same points
# share it: F(3x3, 3x3) and F(2x2, 4x4) (n = 5), F(4x4, 3x3) and F(3x3, 4x4) (n = 6).
# Why these points: every point multiplies inputs by its powers up to a_j^(n-1), so float32
# rounding grows with n. Measured as the largest error of one output tile over 64 channels
# in float32 (random normal inputs and filters, 200 tiles), relative to the output's size:
#   (2, 3), (0, 1, -1):            1.1e-6
#   (3, 3), (0, 1, -1, 2):         6.4e-6  ((0, 1, -1, -2) 5.7e-6, (0, 1, -1, 1/2) 5.1e-6,
#                                           all alike; 2 keeps BT and AT integer)
#   (4, 3), (0, 1, -1, 1/2, -2):   7.4e-6  (Lavin's (0, 1, -1, 2, -2) 1.7e-5, (0, +-1, +-1/2)
#                                           2.1e-5: a point and its reciprocal balance the
#                                           powers; BT gets halves, 26 nonzeros instead of 22)
#   (2, 4), (0, 1, -1, 2):         6.1e-6  ((0, 1, -1, 1/2) 5.9e-6, (0, 1, -1, -2) 8.7e-6;
#                                           2 as for (3, 3): the same BT, integer)
#   (3, 4), (0, 1, -1, 1/2, -2):   5.3e-6  ((0, 1, -1, 2, -2) 1.7e-5, (0, +-1, +-1/2) 1.3e-5)
# (the 4x4 rows measured later, with 4x4 filters; the 3x3 ones measured again then gave
# 1.5e-6, 4.1e-6 and 3.8e-6).
POINTS = {(2, 3): (0, 1, -1), (3, 3): (0, 1, -1, 2), (4, 3): (0, 1, -1, 0.5, -2),
          (2, 4): (0, 1, -1, 2), (3, 4): (0, 1, -1, 0.5, -2)}

_BT4 = np.array([[1, 0, -1, 0],
                 [0, 1, 1, 0],
                 [0, -1, 1, 0],
                 [0, -1, 0, 1]], dtype=np.float64)                     # points (0, 1, -1)
_BT5 = np.array([[2, -1, -2, 1, 0],
                 [0, -2, -1, 1, 0],
                 [0, 2, -3, 1, 0],
                 [0, -1, 0, 1, 0],
                 [0, 2, -1, -2, 1]], dtype=np.float64)                 # points (0, 1, -1, 2)
_BT6 = np.array([[1, -3 / 2, -2, 3 / 2, 1, 0],
                 [0, -1, 1 / 2, 5 / 2, 1, 0],
                 [0, 1, -5 / 2, 1 / 2, 1, 0],
                 [0, -2, -1, 2, 1, 0],
                 [0, 1 / 2, -1, -1 / 2, 1, 0],
                 [0, 1, -3 / 2, -2, 3 / 2, 1]], dtype=np.float64)      # points (0, 1, -1, 1/2, -2)

# (BT, G, AT) of each (m, r)
MATRICES = {
    (2, 3): (_BT4,
             np.array([[1, 0, 0],
                       [1 / 2, 1 / 2, 1 / 2],
                       [1 / 2, -1 / 2, 1 / 2],
                       [0, 0, 1]], dtype=np.float64),
             np.array([[1, 1, 1, 0],
                       [0, 1, -1, 1]], dtype=np.float64)),
    (3, 3): (_BT5,
             np.array([[1 / 2, 0, 0],
                       [-1 / 2, -1 / 2, -1 / 2],
                       [-1 / 6, 1 / 6, -1 / 6],
                       [1 / 6, 1 / 3, 2 / 3],
                       [0, 0, 1]], dtype=np.float64),
             np.array([[1, 1, 1, 1, 0],
                       [0, 1, -1, 2, 0],
                       [0, 1, 1, 4, 1]], dtype=np.float64)),
    (4, 3): (_BT6,
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
    (2, 4): (_BT5,
             np.array([[1 / 2, 0, 0, 0],
                       [-1 / 2, -1 / 2, -1 / 2, -1 / 2],
                       [-1 / 6, 1 / 6, -1 / 6, 1 / 6],
                       [1 / 6, 1 / 3, 2 / 3, 4 / 3],
                       [0, 0, 0, 1]], dtype=np.float64),
             np.array([[1, 1, 1, 1, 0],
                       [0, 1, -1, 2, 1]], dtype=np.float64)),
    (3, 4): (_BT6,
             np.array([[1, 0, 0, 0],
                       [1 / 3, 1 / 3, 1 / 3, 1 / 3],
                       [-1 / 3, 1 / 3, -1 / 3, 1 / 3],
                       [-16 / 15, -8 / 15, -4 / 15, -2 / 15],
                       [1 / 15, -2 / 15, 4 / 15, -8 / 15],
                       [0, 0, 0, 1]], dtype=np.float64),
             np.array([[1, 1, 1, 1, 1, 0],
                       [0, 1, -1, 1 / 2, -2, 0],
                       [0, 1, 1, 1 / 4, 4, 1]], dtype=np.float64)),
}

# The output tile sizes m for each kernel size r
TILE_SIZES = {r: tuple(sorted(m for m, size in MATRICES if size == r)) for r in sorted({r for _, r in MATRICES})}


def tile_shape(planes, m=None, r=None):
    """(m, r) of transformed tiles stored as ``planes`` = (m + r - 1)^2 planes, given one of them."""
    n = math.isqrt(planes)
    shape = (m, n + 1 - m) if r is None else (n + 1 - r, r)
    if n * n != planes or shape not in MATRICES:
        given = f"m={m}" if r is None else f"r={r}"
        raise ValueError(f"winograd: {planes} transformed planes with {given}; expected (m + r - 1)^2 planes "
                         f"for (m, r) in {sorted(MATRICES)}")
    return shape


def _matrices(planes, dtype, m=None, r=None):
    """m, r, n and (BT, G, AT) in dtype."""
    m, r = tile_shape(planes, m, r)
    return m, r, m + r - 1, tuple(a.astype(dtype) for a in MATRICES[m, r])


def _canvas(x, pt, pl, m, s, th, tw):
    """x padded by pt/pl on the top/left and with zeros to the tile grid's full extent
    (m*(th-1) + s, m*(tw-1) + s) (cropped if x reaches further)."""
    n, h, w, c = x.shape
    hh, ww = m * (th - 1) + s, m * (tw - 1) + s
    canvas = np.zeros((n, hh + pt + h, ww + pl + w, c), x.dtype)
    canvas[:, pt:pt + h, pl:pl + w] = x
    return canvas[:, :hh, :ww]


def _tiles(canvas, m, s, th, tw):
    """The s x s tiles of a canvas: (n, th, tw, s, s, c); tile (i, j) starts at (m*i, m*j)."""
    return np.stack([np.stack([canvas[:, m * i:m * i + s, m * j:m * j + s] for j in range(tw)], axis=1)
                     for i in range(th)], axis=1)


def input_transform(x, pt, pl, m, th, tw, V):
    """V[:, t] = BT d BT^T for every tile d of x (padded by pt, pl; zeros outside x), tiles
    every m pixels; V (n*n, rows >= images*th*tw, c)."""
    n, _, _, c = x.shape
    m, _, s, (BT, _, _) = _matrices(V.shape[0], x.dtype, m=m)
    d = _tiles(_canvas(x, pt, pl, m, s, th, tw), m, s, th, tw)
    v = np.einsum("ir,bxyrsc,js->ijbxyc", BT, d, BT)
    V[:, :n * th * tw] = v.reshape(s * s, n * th * tw, c)


def output_transform(M, m, th, tw, y):
    """y tile t = AT M[:, t] AT^T (m x m); tile outputs past y's edge are dropped."""
    n, oh, ow, c = y.shape
    m, _, s, (_, _, AT) = _matrices(M.shape[0], M.dtype, m=m)
    mm = M[:, :n * th * tw].reshape(s, s, n, th, tw, c)
    tiles = np.einsum("ir,rsbxyc,js->bxiyjc", AT, mm, AT)
    y[...] = tiles.reshape(n, m * th, m * tw, c)[:, :oh, :ow]


def dy_transform(dy, m, th, tw, dyhat):
    """dyhat[:, t] = AT^T e AT, e the m x m tile t of dy, zero past dy's edge."""
    n, oh, ow, c = dy.shape
    m, _, s, (_, _, AT) = _matrices(dyhat.shape[0], dy.dtype, m=m)
    e = np.zeros((n, m * th, m * tw, c), dy.dtype)
    e[:, :oh, :ow] = dy
    e = e.reshape(n, th, m, tw, m, c)
    d = np.einsum("ri,bxrysc,sj->ijbxyc", AT, e, AT)
    dyhat[:, :n * th * tw] = d.reshape(s * s, n * th * tw, c)


def dx_transform(dV, pt, pl, m, th, tw, dx):
    """dx += BT^T dV[:, t] BT on the cells of tile t (tiles overlap: adds); padding dropped."""
    n, h, w, c = dx.shape
    m, _, s, (BT, _, _) = _matrices(dV.shape[0], dV.dtype, m=m)
    v = dV[:, :n * th * tw].reshape(s, s, n, th, tw, c)
    tiles = np.einsum("ri,rsbxyc,sj->bxyijc", BT, v, BT)
    canvas = np.zeros((n, m * (th - 1) + s + pt + h, m * (tw - 1) + s + pl + w, c), dx.dtype)
    for i in range(th):
        for j in range(tw):
            canvas[:, m * i:m * i + s, m * j:m * j + s] += tiles[:, i, j]
    dx += canvas[:, pt:pt + h, pl:pl + w]


def kernel_transform(kernel, U):
    """U[k] = (G g G^T)[k] for every channel pair: kernel (r, r, cin, cout) -> U (n*n, cin, cout)."""
    r, _, cin, cout = kernel.shape
    _, _, s, (_, G, _) = _matrices(U.shape[0], kernel.dtype, r=r)
    U[...] = np.einsum("ik,klcd,jl->ijcd", G, kernel, G).reshape(s * s, cin, cout)


def kernel_gradient_transform(dU, dkernel):
    """dkernel = G^T dUhat G for every channel pair: dU (n*n, cin, cout) -> dkernel (r, r, cin, cout)."""
    _, cin, cout = dU.shape
    _, _, s, (_, G, _) = _matrices(dU.shape[0], dU.dtype, r=dkernel.shape[0])
    dkernel[...] = np.einsum("ik,ijcd,jl->klcd", G, dU.reshape(s, s, cin, cout), G)
