"""What both YAML readers share: the document type, the budget they count against, their errors.

:mod:`configgen.load.yaml` (the entry points and the pure-Python reader) and
:mod:`configgen.load._yaml_events` (the C parser's events) both import this module and nothing of
each other, so there is no import cycle between them.
"""

from __future__ import annotations

import re
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.load.files import Position, file_finding
from configgen.load.limits import YAML_ALIAS_VALUES, YAML_DEPTH, YAML_VALUES, Limit

SURROGATE = re.compile("[\ud800-\udfff]")


# A plain class, not a dataclass: `dataclasses` imports inspect, 45 M instructions of each validate.
class YamlDocument:
    """A parsed YAML file: plain data (dict/list/str/int/float/bool/None/date) and positions."""

    file: str
    data: Any
    text: str
    #: path -> (line, column) of the value; 1-based.
    values: dict[DataPath, Position]
    #: path -> (line, column) of the mapping key that introduces the value; 1-based.
    keys: dict[DataPath, Position]

    def __init__(
        self,
        file: str,
        data: Any,
        text: str,
        values: dict[DataPath, Position] | None = None,
        keys: dict[DataPath, Position] | None = None,
    ) -> None:
        self.file, self.data, self.text = file, data, text
        self.values = {} if values is None else values
        self.keys = {} if keys is None else keys

    def __repr__(self) -> str:
        return f"{type(self).__name__}(file={self.file!r})"

    def locate(self, path: DataPath, *, key: bool = False) -> Position:
        """Best position for ``path``: the key or value itself, else its nearest located ancestor."""
        p = tuple(path)
        while True:
            table = self.keys if key else self.values
            if p in table:
                return table[p]
            other = self.values if key else self.keys
            if p in other:
                return other[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def finding(
        self,
        rule: str,
        severity: Severity,
        path: DataPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
    ) -> Finding:
        line, col = self.locate(path, key=key)
        return Finding(rule, severity, message, hint, self.file, line, col, tuple(path))


class TooBig(Exception):
    """A budget ran out; carries the limit, so the finding can say how to raise it."""

    def __init__(self, message: str, limit: Limit, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.limit = limit
        self.line = line
        self.column = column


class Unsupported(Exception):
    """A value YAML can express but no configuration here may hold (binary, sets, custom tags)."""

    def __init__(self, path: DataPath, message: str) -> None:
        super().__init__(message)
        self.path = path


class Budget:
    """Counts values as a reader produces them: parsed values, values gained through aliases and
    merge keys, and nesting depth, each against its limit (read once per document)."""

    __slots__ = ("alias_limit", "depth_limit", "expanded", "parsed", "values_limit")

    def __init__(self) -> None:
        self.values_limit = YAML_VALUES.value()
        self.alias_limit = YAML_ALIAS_VALUES.value()
        self.depth_limit = YAML_DEPTH.value()
        self.parsed = 0
        self.expanded = 0  # values reached through aliases and merges, beyond the parsed ones

    def parse(self, pos: Position) -> None:
        self.parsed += 1
        if self.parsed > self.values_limit:
            raise TooBig(f"document has more than {self.values_limit:,} values", YAML_VALUES, *pos)

    def expand(self, n: int, pos: Position) -> None:
        self.expanded += n
        if self.expanded > self.alias_limit:
            raise TooBig(
                f"document expands to more than {self.alias_limit:,} values through its aliases and merge keys",
                YAML_ALIAS_VALUES,
                *pos,
            )

    def depth(self, level: int, pos: Position) -> None:
        if level > self.depth_limit:
            raise TooBig(f"document is nested more than {self.depth_limit} levels deep", YAML_DEPTH, *pos)


def too_complex(name: str, exc: TooBig) -> Finding:
    why = {
        YAML_VALUES.env: "a configuration file this large is unusual",
        YAML_ALIAS_VALUES.env: "anchors and aliases that expand exponentially (a 'billion laughs' document) "
        "are refused",
        YAML_DEPTH.env: "configuration files are rarely nested more than a few levels",
    }[exc.limit.env]
    return file_finding(name, "yaml-too-complex", str(exc), f"{why}; {exc.limit.how_to_raise()}", exc.line, exc.column)


def too_deep(name: str) -> Finding:
    return too_complex(name, TooBig("YAML nesting is too deep to read", YAML_DEPTH))


def char_name(ch: Any) -> str:
    if isinstance(ch, int):
        return f"U+{ch:04X}"
    if isinstance(ch, str) and len(ch) == 1:
        return f"U+{ord(ch):04X}"
    return repr(ch)


def one_line(text: str) -> str:
    return " ".join(text.split())


def control_char_finding(name: str, character: Any, line: int, col: int) -> Finding:
    return file_finding(
        name, "file-encoding", f"character {char_name(character)} is not allowed in YAML",
        "remove the control character", line, col,
    )


def syntax_finding(name: str, exc: Any, text: str) -> Finding:
    """ruamel's MarkedYAMLError as one located line, with a hint for tab indentation."""
    mark = exc.problem_mark or exc.context_mark
    problem = one_line(exc.problem or exc.context or "invalid YAML")
    tab = "\\t" in problem or "\t" in problem or (mark is not None and _char_at(text, mark) == "\t")
    hint = "YAML does not allow tab characters for indentation; use spaces" if tab else ""
    line, col = ((mark.line + 1), (mark.column + 1)) if mark else (1, 1)
    return file_finding(name, "yaml-syntax", f"invalid YAML: {problem}", hint, line, col)


def unsupported_finding(doc: YamlDocument, exc: Unsupported) -> Finding:
    line, col = doc.locate(exc.path)
    return Finding(
        "yaml-unsupported", Severity.ERROR, str(exc), "write a plain string, number, boolean, list or mapping",
        doc.file, line, col, exc.path,
    )


def _char_at(text: str, mark: Any) -> str:
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return str(lines[mark.line][mark.column])
    return ""
