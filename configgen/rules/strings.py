"""Every string value of a document with its path: walked once per target for all the rules that read
every string (the secret and reference rules of LiteLLM configs and projects).

A rendered config of 1,000 deployments holds some 45,000 strings; three rules walking it each with a
recursive generator made 290,000 generator calls per file. :func:`string_values` walks without
recursion (no depth limit either) and is memoized per target (:mod:`configgen.rules.memo`), so the
rules stay small functions that each read the same tuple.
"""

from __future__ import annotations

from typing import Any

from configgen.findings import DataPath
from configgen.rules.memo import per_target

StringValues = tuple[tuple[DataPath, str], ...]
_WALKED = (str, dict, list)


@per_target
def string_values(data: Any) -> StringValues:
    """Every string value (not key) in ``data`` with its path, depth first in document order."""
    return _walk(data)


def _walk(data: Any) -> StringValues:
    out: list[tuple[DataPath, str]] = []
    stack: list[tuple[DataPath, Any]] = [((), data)]
    pop, push, append = stack.pop, stack.extend, out.append
    while stack:
        path, value = pop()
        if isinstance(value, str):
            append((path, value))
        elif isinstance(value, dict):
            # Children pushed last first, so they come off the stack in document order.
            push([((*path, k), v) for k, v in reversed(value.items()) if isinstance(v, _WALKED)])
        elif isinstance(value, list):
            push([((*path, i), value[i]) for i in range(len(value) - 1, -1, -1)
                  if isinstance(value[i], _WALKED)])
    return tuple(out)
