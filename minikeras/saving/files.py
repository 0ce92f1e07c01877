"""Atomic file writes: a save either completes or leaves the old file untouched.

The new content goes to a temporary file in the target's own directory (so the final
``os.replace`` is a rename within one file system, which is atomic), is flushed to disk,
and only then replaces the target. If anything fails on the way, the temporary file is
removed and the exception propagates.
"""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(filepath):
    """``with atomic_write('m.keras') as tmp:`` write ``tmp``; on success it becomes ``m.keras``."""
    filepath = os.fspath(filepath)
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it a normal mode
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def check_readable(filepath, what):
    """Raise a clear error when ``filepath`` does not exist or is a directory."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such file: {filepath!r} (trying to load {what}).")
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"{filepath!r} is a directory, not {what} file.")
    return filepath
