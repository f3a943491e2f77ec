"""The one finding type every stage produces: loader, model adapter, checks and renderer."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}

#: A path into a YAML document: mapping keys and sequence indexes.
DataPath = tuple[str | int, ...]


def format_path(path: DataPath) -> str:
    """Render a data path the way users write it: ``environments.prod.proxy.instances[0].port``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Finding(NamedTuple):
    """One problem (or note) at one place in one file.

    ``line`` and ``column`` are 1-based; 0 means "the file as a whole".
    """

    # Immutable records on the `validate` path are NamedTuples, not frozen dataclasses: Python 3.11
    # takes ~0.4 ms to build each frozen dataclass at import (one exec per generated method), and a
    # pre-commit hook pays that on every commit; a NamedTuple costs a tenth (bench/README.md).

    rule: str
    severity: Severity
    message: str
    hint: str = ""
    file: str = ""
    line: int = 0
    column: int = 0
    path: DataPath = ()

    @property
    def path_str(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.file, self.line, self.column, _RANK[self.severity], self.rule, self.message)

    def at(self, file: str, line: int, column: int) -> Finding:
        return self._replace(file=file, line=line, column=column)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path_str,
            "message": self.message,
            "hint": self.hint,
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted by position, with exact duplicates (e.g. a default reported per environment) removed."""
    seen: set[tuple[object, ...]] = set()
    unique: list[Finding] = []
    for f in findings:
        key = (f.rule, f.severity, f.message, f.file, f.line, f.column)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return sorted(unique, key=Finding.sort_key)


def count(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return counts


def has_errors(findings: Iterable[Finding], strict: bool = False) -> bool:
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in failing for f in findings)
