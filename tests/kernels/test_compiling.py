"""compiling.py: the garbage collector pauses while numba compiles a minikeras kernel."""
import gc

import numpy as np
import pytest
from numba import njit
from numba.core import event

import minikeras.kernels.fast  # noqa: F401 (registers the listener)


class _Spy(event.Listener):
    """Records whether the collector runs when each compile starts (after the listener under test)."""

    def __init__(self):
        self.enabled_at_start = []

    def on_start(self, ev):
        self.enabled_at_start.append(gc.isenabled())

    def on_end(self, ev):
        pass


def _kernel_from(module_name):
    """A new (never compiled) numba function whose module is ``module_name``."""
    namespace = {"__name__": module_name}
    exec("def add_one(a):\n    for i in range(a.size):\n        a[i] += 1\n", namespace)
    return njit(namespace["add_one"])


@pytest.fixture
def spy():
    listener = _Spy()
    event.register("numba:compile", listener)
    yield listener
    event.unregister("numba:compile", listener)


@pytest.mark.parametrize("module_name,paused", [("minikeras.kernels.made_in_a_test", True),
                                                ("someone_else.kernels", False)])
def test_collector_pauses_for_minikeras_compiles_only(spy, module_name, paused):
    assert gc.isenabled()
    a = np.zeros(3, np.float32)
    _kernel_from(module_name)(a)
    assert spy.enabled_at_start == [not paused]
    assert gc.isenabled()   # restored after the compile
    np.testing.assert_array_equal(a, 1)


def test_a_program_that_turned_the_collector_off_keeps_it_off(spy):
    gc.disable()
    try:
        _kernel_from("minikeras.kernels.made_in_a_test")(np.zeros(2))
        assert spy.enabled_at_start == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()
