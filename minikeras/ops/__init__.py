"""``minikeras.ops``: differentiable array operations, eager on arrays, symbolic on
KerasTensors. Use them inside custom layers; ``GradientTape`` differentiates them.

By family, close to Keras's layout: ``core`` (arithmetic, reductions, shapes), ``numpy`` (the rest
of the NumPy-like API), ``nan_reductions``, ``bitwise``, ``indexing`` (slices, scatters, order
statistics), ``math``, ``linalg``, ``signal`` (windows, Fourier transforms), ``control_flow``,
``nn_functions`` (Keras's ``ops.nn``) and ``activations``. ``nn`` holds the fused kernels of the
built-in layers."""
from . import nn
from .activations import (elu, exponential, hard_sigmoid, leaky_relu, linear, log_softmax, relu,
                          relu6, selu, sigmoid, silu, softmax, softplus, softsign, swish)
from .core import (abs, add, all, any, apply, argmax, argmin, broadcast_to, cast, clip, concatenate, cos,
                   divide, dot, equal, exp, expand_dims, flip, getitem, greater, greater_equal, less,
                   less_equal, log, log1p, matmul, max, maximum, mean, min, minimum, multiply, negative,
                   not_equal, ones, ones_like, pad, power, repeat, reshape, shape, sign, sin, split,
                   sqrt, square, squeeze, stack, stop_gradient, subtract, sum, take, tanh, tile,
                   transpose, unbroadcast, where, zeros, zeros_like)
from .bitwise import (bitwise_and, bitwise_invert, bitwise_left_shift, bitwise_not, bitwise_or,
                      bitwise_right_shift, bitwise_xor, gcd, lcm, left_shift, right_shift)
from .control_flow import (associative_scan, cond, custom_gradient, fori_loop, map, scan, switch, vectorize,
                           vectorized_map, while_loop)
from .indexing import (bincount, digitize, get_item, median, nonzero, percentile, ptp, quantile, scatter,
                       scatter_update, searchsorted, select, slice, slice_update, unique)
from .linalg import (cdist, cholesky, cholesky_inverse, det, eigh, inv, logdet, lstsq, matrix_rank, norm, pinv, qr, slogdet,
                     solve, solve_triangular, svd)
from .math import (erf, erfc, erfinv, extract_sequences, i0, in_top_k, logsumexp, rsqrt, segment_max, segment_min,
                   segment_prod, segment_sum, top_k)
from .nan_reductions import (nanargmax, nanargmin, nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin,
                             nanpercentile, nanprod, nanquantile, nanstd, nansum, nanvar)
from .nn_functions import (adaptive_average_pool, adaptive_max_pool, average_pool, batch_normalization, binary_crossentropy, categorical_crossentropy,
                           celu, conv, conv_transpose, depth_to_space, depthwise_conv, dot_product_attention, fold, gelu,
                           glu, hard_shrink, hard_silu, hard_swish, hard_tanh, layer_normalization, log_sigmoid,
                           max_pool, moments, multi_hot, normalize, one_hot, psnr, rms_normalization, separable_conv,
                           soft_shrink, space_to_depth, sparse_categorical_crossentropy, sparse_plus, sparse_sigmoid,
                           sparsemax, squareplus, tanh_shrink, threshold, unfold)
from .numpy import (absolute, allclose, amax, amin, append, arange, arccos, arccosh, arcsin, arcsinh, arctan,
                    arctan2, arctanh, argsort, array, average, cbrt, ceil, convert_to_numpy, convert_to_tensor,
                    copy, cosh, count_nonzero, cumprod, cumsum, deg2rad, diag, diagonal, diff, divide_no_nan,
                    dtype, einsum, empty, empty_like, exp2, expm1, eye, fabs, fliplr, flipud, floor,
                    floor_divide, full, full_like, heaviside, hstack, hypot, identity, inner, is_tensor,
                    isclose, isfinite, isin, isinf, isnan, isneginf, isposinf, linspace, log2, log10,
                    logaddexp, logical_and, logical_not, logical_or, logical_xor, logspace, meshgrid, mod,
                    moveaxis, nan_to_num, ndim, outer, prod, rad2deg, ravel, reciprocal, roll, rot90, round,
                    signbit, sinh, size, sort, std, swapaxes, take_along_axis, tan, tensordot, trace, tri,
                    tril, triu, true_divide, trunc, unstack, var, vdot, vstack)
from .numpy import (angle, argpartition, array_split, conj, conjugate, corrcoef, cross, diagflat, dsplit, dstack,
                    fmax, fmin, fmod, geomspace, hsplit, imag, isreal, kron, ldexp, logaddexp2, real, saturate_cast,
                    sinc, trapezoid, unravel_index, vander, vsplit)
from .numpy import correlate, nextafter, polar, rearrange, view, view_as_complex, view_as_real
from .signal import (bartlett, blackman, fft, fft2, hamming, hanning, histogram, ifft2, irfft, kaiser, rfft,
                     stft)
from .tape import GradientTape
from .tensor import Tensor, Variable, to_numpy

# ---------------------------------------------------------------------------- graph recording
# Every public op, called on KerasTensors of a functional model outside a layer's call(),
# records itself in the graph (see ``operation.py``). The functions of the submodules stay
# plain: ops call one another through them, and only the user's call is a vertex. Left out:
# what answers a Python value about a tensor (``shape``, ``ndim``, ``dtype``, ``is_tensor``),
# conversions, the tape, and the control flow that takes Python functions (not a config).
from . import operation as _operation

_NOT_RECORDED = {"apply", "convert_to_numpy", "convert_to_tensor", "is_tensor", "shape", "ndim", "dtype",
                 "to_numpy", "cond", "switch", "while_loop", "fori_loop", "scan", "map", "associative_scan",
                 "vectorize", "vectorized_map", "custom_gradient", "GradientTape", "Tensor", "Variable"}
for _name, _value in list(globals().items()):
    if (not _name.startswith("_") and _name not in _NOT_RECORDED and callable(_value)
            and not isinstance(_value, type) and getattr(_value, "__module__", "").startswith(__name__ + ".")):
        globals()[_name] = _operation.recorded(_value, _name)
del _name, _value
