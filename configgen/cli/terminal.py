"""The text report as a person at a terminal reads it: colour by severity, the source line with a caret
under the column (for errors and warnings, as ruff and rustc show them), and a summary line.

Only for a terminal (or ``--color always``): anything else gets :func:`configgen.report.text`, byte for
byte. Source lines are read from the files on disk and shown redacted; a line that may hold a secret
(the finding is about one, or the value looks like one) shows its key only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from configgen.findings import Finding, Severity, count
from configgen.secrets import redact, secret_kind

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}  # red, yellow, cyan
_SECRETISH = re.compile(r"secret|inline|master-key|password|token|credential|api-key")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_VALUE = re.compile(r"^(\s*(?:-\s+)?(?:export\s+)?[^:=\s][^:=]*?\s*[:=])(.*)$")


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _clean(text: str) -> str:
    """No terminal control characters from a file (they could rewrite the screen), tabs as one space."""
    return _CONTROL.sub("?", text.replace("\t", " "))


class _Sources:
    """Lines of the files findings point at, read once each (None: not a file on disk)."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self._lines:
            try:
                path = Path(file)
                lines = path.read_text(encoding="utf-8").splitlines() if path.stat().st_size < 10 * 2**20 else None
            except (OSError, UnicodeDecodeError, ValueError):
                lines = None
            self._lines[file] = lines
        lines = self._lines[file]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


def _shown_line(f: Finding, raw: str) -> str:
    """The source line as it may be shown: redacted, and with its value hidden when it may be a secret."""
    m = _VALUE.match(raw)
    value = m.group(2).strip() if m is not None else ""
    if m is not None and value and (_SECRETISH.search(f.rule) or secret_kind(value.strip("'\"")) is not None):
        value = m.group(2)
        return m.group(1) + (" " if value.startswith(" ") else "") + "***"
    return redact(raw)


def terminal(findings: Sequence[Finding], *, colour: bool) -> str:
    sources = _Sources()
    out: list[str] = []
    files: set[str] = set()
    for f in findings:
        files.add(f.file)
        where = f"{f.file}:{f.line}:{f.column}" if f.line else (f.file or "<project>")
        severity = _paint(f.severity.value, "1;" + _COLOURS[f.severity], colour)
        rule = _paint(f"[{f.rule}]", "2", colour)
        out.append(f"{_paint(where, '1', colour)}: {severity}: {_clean(redact(f.message))} {rule}")
        raw = sources.line(f.file, f.line) if f.line and f.file else None
        if raw is not None:
            text = _clean(_shown_line(f, raw))
            gutter = f"{f.line:>5} | "
            out.append(_paint(gutter, "2", colour) + text)
            if f.severity is not Severity.INFO and f.column >= 1:
                col = min(f.column - 1, max(len(text) - 1, 0))
                out.append(_paint(" " * 5 + " | ", "2", colour) + " " * col + _paint("^", _COLOURS[f.severity], colour))
        if f.hint:
            out.append(f"      {_paint('hint', '1', colour)}: {_clean(redact(f.hint))}")
    out.append(_summary(findings, len(files), colour))
    return "\n".join(out) + "\n"


def _summary(findings: Sequence[Finding], n_files: int, colour: bool) -> str:
    if not findings:
        return _paint("no problems found", "32", colour)
    c = count(findings)
    parts = []
    for sev, one, many in ((Severity.ERROR, "error", "errors"), (Severity.WARNING, "warning", "warnings"),
                           (Severity.INFO, "info", "info")):
        n = c[sev.value]
        text = f"{n} {one if n == 1 else many}"
        parts.append(_paint(text, "1;" + _COLOURS[sev], colour) if n and sev is not Severity.INFO else text)
    return f"{', '.join(parts)} in {n_files} file{'s' if n_files != 1 else ''}"
