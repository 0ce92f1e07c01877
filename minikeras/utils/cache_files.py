"""Keras's cache directory, read but never filled: where a downloaded file would be.

Keras downloads datasets and pretrained weights on first use into ``$KERAS_HOME`` (default
``~/.keras``), under ``datasets/`` and ``models/``, with fixed file names. minikeras never
downloads. It looks for the same files in the same places, so a file Keras fetched once (or
one copied there by hand) serves both libraries; when a file is missing the error names it,
where it goes and where Keras gets it from.
"""
import os


def keras_home():
    """``$KERAS_HOME`` if set, else ``~/.keras`` -- Keras's rule, read at each call so a test
    (or a notebook) may change the variable after import."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    return os.path.join(os.path.expanduser("~"), ".keras")


def cache_path(fname, cache_subdir="datasets"):
    """The path Keras would give ``fname`` in its cache: ``<keras home>/<cache_subdir>/<fname>``.
    An absolute ``fname`` is taken as it is."""
    if os.path.isabs(fname):
        return fname
    return os.path.join(keras_home(), cache_subdir, fname)


def missing_file_error(what, paths, origin, alternative=""):
    """A ``FileNotFoundError`` saying that minikeras does not download, which file(s) to place
    where, and the address Keras downloads it from; ``alternative`` adds another accepted
    place (an extracted folder, say)."""
    if isinstance(paths, str):
        paths = [paths]
    places = "\n".join(f"  {p}" for p in paths)
    return FileNotFoundError(
        f"minikeras does not download files: {what} needs\n{places}\n"
        f"Download {origin} (it is what Keras fetches) and place it there{alternative}, or run "
        "the Keras call once with network access: Keras caches it at the same path.")


def find_cached(what, candidates, origin):
    """The first existing path among ``candidates`` (Keras's cache names, newest layout
    first); a ``missing_file_error`` naming the first one when none exists."""
    for path in candidates:
        if os.path.exists(path):
            return path
    raise missing_file_error(what, candidates[0], origin)
