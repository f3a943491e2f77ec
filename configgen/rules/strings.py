"""Every string value of a document with its path: walked once per target for all the rules that read
every string (the secret and reference rules of LiteLLM configs and projects).

A rendered config of 1,000 deployments holds some 7,500 strings; three rules walking it each with a
recursive generator made nearly 100,000 generator calls per file. :func:`string_items` walks without
recursion (no depth limit either) and is memoized per target (:mod:`configgen.rules.memo`), so the
rules stay small functions that each read the same tuple.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import DataPath
from configgen.rules.memo import per_target

#: (path of the container, key or index in it, the string); a string that is the whole document has
#: the path () and the key :data:`WHOLE`
StringItems = tuple[tuple[DataPath, Any, str], ...]
WHOLE = object()


def path_of(parent: DataPath, key: Any) -> DataPath:
    """The full path of a :data:`StringItems` entry."""
    return parent if key is WHOLE else (*parent, key)


@per_target
def string_items(data: Any) -> StringItems:
    """Every string value (not key) in ``data``, depth first in document order, with the path of its
    container and its key there (:func:`path_of` joins them): one tuple per string instead of a new
    path for each, since rules need the path only for a finding (7,500 strings per rendered config of
    1,000 deployments, three configs per validate)."""
    return _walk(data)


def _walk(data: Any) -> StringItems:
    if isinstance(data, str):
        return (((), WHOLE, data),)
    top = _children(data)
    if top is None:
        return ()
    out: list[tuple[DataPath, Any, str]] = []
    append = out.append
    # A stack of (path, iterator over its (key, value) pairs): strings are taken in the inner loop,
    # a container is descended into at once and its parent's iterator resumed when it is done.
    stack: list[tuple[DataPath, Iterator[tuple[Any, Any]]]] = [((), top)]
    while stack:
        path, items = stack[-1]
        for key, value in items:
            if isinstance(value, str):
                append((path, key, value))
            elif isinstance(value, dict):
                stack.append(((*path, key), iter(value.items())))
                break
            elif isinstance(value, list):
                stack.append(((*path, key), enumerate(value)))
                break
        else:
            stack.pop()
    return tuple(out)


def _children(value: Any) -> Iterator[tuple[Any, Any]] | None:
    if isinstance(value, dict):
        return iter(value.items())
    if isinstance(value, list):
        return enumerate(value)
    return None
