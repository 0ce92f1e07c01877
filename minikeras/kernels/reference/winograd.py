"""Winograd F(2x2, 3x3), written like its equations (reference for the transforms of
``kernels/winograd.py``: same names and signatures, used by the tests as their oracle).

This backend's convolution itself stays tap by tap (``reference/conv.py``), the oracle
for whole convolutions; this module specifies only the pieces the fast backend's
Winograd convolution is built from. With d a 4x4 input tile, g a 3x3 filter and

    BT = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    G  = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
    AT = [[1, 1, 1, 0], [0, 1, -1, -1]]

the 2x2 output tile is y = AT [(G g G^T) * (BT d BT^T)] AT^T. Tiles start every 2 pixels
of the padded input, in order (image, tile row, tile column); the transformed tiles are
stored as (16, tiles, channels), entry (i, j) of a 4x4 transform at k = 4*i + j.
"""
import numpy as np

__all__ = ["BT", "G", "AT", "input_transform", "output_transform", "dy_transform", "dx_transform",
           "kernel_transform", "kernel_gradient_transform"]

BT = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]], dtype=np.float64)
G = np.array([[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]], dtype=np.float64)
AT = np.array([[1, 1, 1, 0], [0, 1, -1, -1]], dtype=np.float64)


def _canvas(x, pt, pl, th, tw):
    """x padded by pt/pl on the top/left and with zeros to the tile grid's full extent
    (2*th + 2, 2*tw + 2) (cropped if x reaches further)."""
    n, h, w, c = x.shape
    canvas = np.zeros((n, 2 * th + 2 + pt + h, 2 * tw + 2 + pl + w, c), x.dtype)
    canvas[:, pt:pt + h, pl:pl + w] = x
    return canvas[:, :2 * th + 2, :2 * tw + 2]


def _tiles(canvas, th, tw):
    """The 4x4 tiles of a canvas: (n, th, tw, 4, 4, c); tile (i, j) starts at (2i, 2j)."""
    return np.stack([np.stack([canvas[:, 2 * i:2 * i + 4, 2 * j:2 * j + 4] for j in range(tw)], axis=1)
                     for i in range(th)], axis=1)


def input_transform(x, pt, pl, th, tw, V):
    """V[:, t] = BT d BT^T for every 4x4 tile d of x (padded by pt, pl; zeros outside x)."""
    n, _, _, c = x.shape
    d = _tiles(_canvas(x, pt, pl, th, tw), th, tw)
    v = np.einsum("ir,bxyrsc,js->ijbxyc", BT.astype(x.dtype), d, BT.astype(x.dtype))
    V[:, :n * th * tw] = v.reshape(16, n * th * tw, c)


def output_transform(M, th, tw, y):
    """y tile t = AT M[:, t] AT^T; tile outputs past y's edge are dropped."""
    n, oh, ow, c = y.shape
    m = M[:, :n * th * tw].reshape(4, 4, n, th, tw, c)
    tiles = np.einsum("ir,rsbxyc,js->bxiyjc", AT.astype(M.dtype), m, AT.astype(M.dtype))
    y[...] = tiles.reshape(n, 2 * th, 2 * tw, c)[:, :oh, :ow]


def dy_transform(dy, th, tw, dyhat):
    """dyhat[:, t] = AT^T e AT, e the 2x2 tile t of dy, zero past dy's edge."""
    n, oh, ow, c = dy.shape
    e = np.zeros((n, 2 * th, 2 * tw, c), dy.dtype)
    e[:, :oh, :ow] = dy
    e = e.reshape(n, th, 2, tw, 2, c)
    d = np.einsum("ri,bxrysc,sj->ijbxyc", AT.astype(dy.dtype), e, AT.astype(dy.dtype))
    dyhat[:, :n * th * tw] = d.reshape(16, n * th * tw, c)


def dx_transform(dV, pt, pl, th, tw, dx):
    """dx += BT^T dV[:, t] BT on the cells of tile t (tiles overlap: adds); padding dropped."""
    n, h, w, c = dx.shape
    v = dV[:, :n * th * tw].reshape(4, 4, n, th, tw, c)
    tiles = np.einsum("ri,rsbxyc,sj->bxyijc", BT.astype(dV.dtype), v, BT.astype(dV.dtype))
    canvas = np.zeros((n, 2 * th + 2 + pt + h, 2 * tw + 2 + pl + w, c), dx.dtype)
    for i in range(th):
        for j in range(tw):
            canvas[:, 2 * i:2 * i + 4, 2 * j:2 * j + 4] += tiles[:, i, j]
    dx += canvas[:, pt:pt + h, pl:pl + w]


def kernel_transform(kernel, U):
    """U[k] = (G g G^T)[k] for every channel pair: kernel (3, 3, cin, cout) -> U (16, cin, cout)."""
    _, _, cin, cout = kernel.shape
    g = G.astype(kernel.dtype)
    U[...] = np.einsum("ik,klcd,jl->ijcd", g, kernel, g).reshape(16, cin, cout)


def kernel_gradient_transform(dU, dkernel):
    """dkernel = G^T dUhat G for every channel pair: dU (16, cin, cout) -> dkernel (3, 3, cin, cout)."""
    _, cin, cout = dU.shape
    dkernel[...] = np.einsum("ik,ijcd,jl->klcd", G.astype(dU.dtype), dU.reshape(4, 4, cin, cout), G.astype(dU.dtype))
