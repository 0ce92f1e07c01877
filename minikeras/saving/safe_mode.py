"""Safe mode: whether loading may rebuild Lambda layers, whose code is stored in the file.

On by default, as in Keras: a file from elsewhere must not run code when loaded. The
loading functions take ``safe_mode=``; ``enable_unsafe_deserialization()`` turns it off
for the whole process.
"""
import contextlib

_SAFE_MODE = [True]


def enable_unsafe_deserialization():
    """Allow configs to rebuild Lambda layers (their code is executed): only for trusted files."""
    _SAFE_MODE[0] = False


@contextlib.contextmanager
def safe_mode_scope(safe_mode):
    """Within the block, ``safe_mode`` (if not None) decides whether Lambda layers may load."""
    previous = _SAFE_MODE[0]
    if safe_mode is not None and _SAFE_MODE[0] is not False:  # a global opt-out wins, as in Keras
        _SAFE_MODE[0] = bool(safe_mode)
    try:
        yield
    finally:
        _SAFE_MODE[0] = previous


def in_safe_mode():
    return _SAFE_MODE[0]
