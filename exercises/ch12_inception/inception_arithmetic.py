"""Chapter 12, exercise ch12.inception_arithmetic: the numbers behind an Inception summary.

Chapter 4 gave the two formulas you need: the output length of a convolution or
pooling window, ``ceil(n / s)`` with ``padding="same"`` and
``floor((n - k) / s) + 1`` with ``"valid"``, and the parameters of a
convolution, ``kh * kw * in_channels * filters + filters``. Apply them to whole
Inception modules; the tests compare your numbers with minikeras' models.
"""


def inception_module_params(in_channels, filters_1x1, filters_3x3, filters_5x5, filters_pool):
    """Parameters of the chapter's second ``inception_module`` applied to ``in_channels`` channels.

    Its convolutions, all with biases: a 1x1 to ``filters_1x1``; a 1x1
    bottleneck to ``filters_3x3 // 2`` then a 3x3 to ``filters_3x3``; a 1x1
    bottleneck to ``filters_5x5 // 2`` then a 5x5 to ``filters_5x5``; and, after
    the max pooling (no weights), a 1x1 to ``filters_pool``.
    Example: ``inception_module_params(64, 64, 128, 32, 32)`` is the first module
    of the chapter's network.
    """
    raise NotImplementedError("ch12.inception_arithmetic: implement inception_module_params()")


def inception_a_branch_shapes(height, width, padding):
    """Output shapes ``(h, w, channels)`` of the four branches of the guide's first module.

    The branches, every convolution with 128 filters, on a ``(height, width, c)`` input:

    a. 1x1 convolution, stride 2;
    b. 1x1 convolution, stride 1, then 3x3 convolution, stride 2;
    c. 1x1 convolution, stride 2, then 5x5 convolution, stride 1;
    d. 3x3 max pooling, stride 2, then 1x1 convolution, stride 1.

    ``padding`` ("valid" or "same") is the padding of the three layers whose
    window is wider than 1x1 (the 3x3 and 5x5 convolutions and the pooling); a
    1x1 window gives the same size either way. Return a list of four tuples,
    branches a to d. With ``(28, 28, "valid")`` the heights are 14, 13, 10, 13:
    the reason ``concatenate`` fails.
    """
    raise NotImplementedError("ch12.inception_arithmetic: implement inception_a_branch_shapes()")
