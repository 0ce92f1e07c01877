"""Layers that move values around without weights: UpSampling, ZeroPadding, Cropping."""
from .. import ops
from ..engine.layer import InputSpec, Layer
from .convolutional import normalize_tuple


def _pairs(value, rank, name, layer_name):
    """``1`` -> ((1, 1),)*rank; ``(1, 2)`` -> ((1, 1), (2, 2)); pairs pass through."""
    if isinstance(value, int):
        return ((value, value),) * rank
    value = tuple(value)
    if rank == 1 and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (value,)
    if len(value) == rank and all(isinstance(v, int) for v in value):
        return tuple((v, v) for v in value)
    if len(value) == rank and all(len(v) == 2 for v in value):
        return tuple(tuple(v) for v in value)
    raise ValueError(f"Layer {layer_name}: `{name}` must be an int, {rank} ints, or {rank} pairs of "
                     f"ints, received {value!r}.")


class UpSampling(Layer):
    rank = 2

    def __init__(self, size=2, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, self.rank, "size", self.name)
        if interpolation != "nearest":
            raise ValueError(f"Layer {self.name}: minikeras supports interpolation='nearest' only.")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if n is None else n * s for n, s in zip(input_shape[1:-1], self.size))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def call(self, inputs):
        x = inputs
        for axis, s in enumerate(self.size, start=1):
            if s > 1:
                x = ops.repeat(x, s, axis=axis)
        return x

    def get_config(self):
        config = {**super().get_config(), "size": list(self.size) if self.rank > 1 else self.size[0]}
        if self.rank > 1:
            config.update(data_format="channels_last")
        if self.rank == 2:   # Keras's UpSampling3D repeats values only: no interpolation argument
            config.update(interpolation=self.interpolation)
        return config


class UpSampling1D(UpSampling):
    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size=size, **kwargs)


class UpSampling2D(UpSampling):
    rank = 2


class UpSampling3D(UpSampling):
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size=size, data_format=data_format, **kwargs)


class ZeroPadding(Layer):
    rank = 2

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, self.rank, "padding", self.name)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        spatial = tuple(None if n is None else n + a + b for n, (a, b) in zip(input_shape[1:-1], self.padding))
        return (input_shape[0],) + spatial + (input_shape[-1],)

    def call(self, inputs):
        return ops.pad(inputs, ((0, 0),) + self.padding + ((0, 0),))

    def get_config(self):
        padding = [list(p) for p in self.padding] if self.rank > 1 else list(self.padding[0])
        return {**super().get_config(), "padding": padding,
                **({"data_format": "channels_last"} if self.rank > 1 else {})}


class ZeroPadding1D(ZeroPadding):
    rank = 1


class ZeroPadding2D(ZeroPadding):
    rank = 2


class ZeroPadding3D(ZeroPadding):
    rank = 3


class Cropping(Layer):
    rank = 2

    def __init__(self, cropping=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, self.rank, "cropping", self.name)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def compute_output_shape(self, input_shape):
        spatial = []
        for n, (a, b) in zip(input_shape[1:-1], self.cropping):
            if n is not None and n - a - b <= 0:
                raise ValueError(f"Layer {self.name}: cropping {self.cropping} removes everything from "
                                 f"an input of shape {tuple(input_shape)}.")
            spatial.append(None if n is None else n - a - b)
        return (input_shape[0],) + tuple(spatial) + (input_shape[-1],)

    def call(self, inputs):
        index = (slice(None),) + tuple(slice(a, n - b) for (a, b), n in
                                       zip(self.cropping, inputs.shape[1:-1])) + (slice(None),)
        return ops.getitem(inputs, index)

    def get_config(self):
        cropping = [list(p) for p in self.cropping] if self.rank > 1 else list(self.cropping[0])
        return {**super().get_config(), "cropping": cropping,
                **({"data_format": "channels_last"} if self.rank > 1 else {})}


class Cropping1D(Cropping):
    rank = 1


class Cropping2D(Cropping):
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):  # Keras: no cropping by default in 2D
        super().__init__(cropping=cropping, **kwargs)


class Cropping3D(Cropping):
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), **kwargs):
        super().__init__(cropping=cropping, **kwargs)
