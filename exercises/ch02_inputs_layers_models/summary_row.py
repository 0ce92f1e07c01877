"""Chapter 2: one row of ``model.summary()``'s table, in Keras 2's classic layout."""


def format_row(fields, positions):
    """Lay out ``fields`` in columns that end at ``positions``; return one string.

    ``fields`` are the row's entries (strings or numbers: turn them into text with
    ``str``), ``positions`` the column ends, increasing, one per field, all at least 2.
    For a chain-like model Keras 2 uses ``positions = [29, 55, 65]`` (65 characters wide),
    for a branching model ``[33, 55, 67, 100]``.

    Field 0 occupies columns ``0 .. positions[0] - 1``; field ``i`` starts at column
    ``positions[i - 1]`` and ends before ``positions[i]``. Each field is padded with spaces
    to fill its column, or cut at the column's end if it is too long. The last character
    of a column (just before the next field starts) is always a space, even when the
    field was cut there, so that two long fields never run into each other. The result
    is exactly ``positions[-1]`` characters long, trailing spaces included.

    Example::

        format_row(["dense_1 (Dense)", "(None, 10)", 110], [29, 55, 65])
        == "dense_1 (Dense)              (None, 10)                110       "

    Hint: build the line field by field; after each field, cut or pad the line to that
    field's end position.
    """
    raise NotImplementedError("ch02.format_row: implement format_row(fields, positions)")
