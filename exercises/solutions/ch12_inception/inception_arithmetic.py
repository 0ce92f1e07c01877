"""Chapter 12, exercise ch12.inception_arithmetic: reference solution."""


def _conv_params(in_channels, filters, k):
    return k * k * in_channels * filters + filters


def _length(n, k, s, padding):
    if padding == "same":
        return -(-n // s)
    return (n - k) // s + 1


def inception_module_params(in_channels, filters_1x1, filters_3x3, filters_5x5, filters_pool):
    """Reference solution."""
    return (_conv_params(in_channels, filters_1x1, 1)
            + _conv_params(in_channels, filters_3x3 // 2, 1)
            + _conv_params(filters_3x3 // 2, filters_3x3, 3)
            + _conv_params(in_channels, filters_5x5 // 2, 1)
            + _conv_params(filters_5x5 // 2, filters_5x5, 5)
            + _conv_params(in_channels, filters_pool, 1))


def inception_a_branch_shapes(height, width, padding):
    """Reference solution: chain the length formula along each branch."""
    branches = [
        [(1, 2, "valid")],
        [(1, 1, "valid"), (3, 2, padding)],
        [(1, 2, "valid"), (5, 1, padding)],
        [(3, 2, padding), (1, 1, "valid")],
    ]
    shapes = []
    for branch in branches:
        h, w = height, width
        for k, s, pad in branch:
            h, w = _length(h, k, s, pad), _length(w, k, s, pad)
        shapes.append((h, w, 128))
    return shapes
