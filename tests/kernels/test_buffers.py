"""kernels.buffers: large arrays come back from the pool only once nothing uses them."""
import numpy as np

from minikeras.kernels import buffers


def test_a_buffer_is_reused_only_after_every_view_of_it_is_gone(monkeypatch):
    monkeypatch.setattr(buffers, "_pool", {})  # free buffers left by other tests would come first
    shape = (512, 1024)  # 2 MiB of float32: pooled
    a = buffers.empty(shape, np.float32)
    first = id(a.base)
    b = buffers.empty(shape, np.float32)
    assert id(b.base) != first  # a is alive
    view = a[3:7].reshape(-1)[5:]
    del a
    c = buffers.empty(shape, np.float32)
    assert id(c.base) != first  # a view of it is alive
    del view
    d = buffers.empty((256, 2048, 4), np.uint8)  # same byte count, other shape and dtype
    assert id(d.base) == first
    assert d.flags.c_contiguous and d.flags.writeable and d.shape == (256, 2048, 4)


def test_small_arrays_and_zeros():
    small = buffers.empty((10, 10), np.float32)
    assert small.base is None and small.shape == (10, 10)
    z = buffers.zeros((300, 1000), np.float64)
    assert z.dtype == np.float64 and not z.any()
