"""Read a YAML file into plain Python data plus a map from data path to 1-based line:column.

Every problem (unreadable, not UTF-8, bad YAML, duplicate keys, alias bombs, absurd nesting) comes
back as a :class:`Finding`, never as an exception.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configgen.findings import DataPath, Finding, Severity

#: Files larger than this are refused before parsing: no configuration file is anywhere near it.
MAX_BYTES = 10 * 1024 * 1024
#: After alias expansion; a "billion laughs" document stops here instead of eating memory.
MAX_NODES = 500_000
MAX_DEPTH = 200

Position = tuple[int, int]


@dataclass
class YamlDocument:
    """A parsed YAML file: plain data (dict/list/str/int/float/bool/None/date) and positions."""

    file: str
    data: Any
    text: str
    #: path -> (line, column) of the value; 1-based.
    values: dict[DataPath, Position] = field(default_factory=dict)
    #: path -> (line, column) of the mapping key that introduces the value; 1-based.
    keys: dict[DataPath, Position] = field(default_factory=dict)

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


class _TooBig(Exception):
    pass


def _file_finding(file: str, rule: str, message: str, hint: str = "", line: int = 0, col: int = 0) -> Finding:
    return Finding(rule, Severity.ERROR, message, hint, file, line, col)


def read_text(path: Path, display: str | None = None) -> tuple[str | None, list[Finding]]:
    """Read a text file as UTF-8 (a BOM is accepted) with size and binary guards."""
    name = display or str(path)
    try:
        if path.is_dir():
            return None, [_file_finding(name, "file-unreadable", "is a directory, not a file")]
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [
                _file_finding(
                    name,
                    "file-too-large",
                    f"file is {size} bytes; configgen reads at most {MAX_BYTES} bytes",
                    "a configuration file this large is almost certainly the wrong file",
                )
            ]
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [_file_finding(name, "file-unreadable", "file not found")]
    except OSError as exc:
        return None, [_file_finding(name, "file-unreadable", f"cannot read file: {exc.strerror or exc}")]
    return decode_text(raw, name)


def decode_text(raw: bytes, name: str) -> tuple[str | None, list[Finding]]:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [_file_finding(name, "file-encoding", "file contains NUL bytes: binary, not text", "", line, 1)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            _file_finding(
                name,
                "file-encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save the file as UTF-8",
                line,
                col,
            )
        ]
    return text, []


def load_yaml_file(path: Path, display: str | None = None) -> tuple[YamlDocument | None, list[Finding]]:
    name = display or str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    return load_yaml_text(text, name)


def load_yaml_text(text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Parse one YAML document. Returns (None, findings) when it cannot be parsed."""
    # Imported here: ruamel's import cost is only paid by commands that read YAML.
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        docs = list(yaml.load_all(text))
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = _dup_key_name(str(exc.problem))
        return None, [
            _file_finding(
                name,
                "yaml-duplicate-key",
                f"duplicate key {key}" if key else "duplicate key",
                "YAML keeps only one of them; merge the two entries",
                (mark.line + 1) if mark else 0,
                (mark.column + 1) if mark else 0,
            )
        ]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        hint = "YAML does not allow tab characters for indentation; use spaces" if "\t" in problem or "tab" in problem else ""
        return None, [
            _file_finding(
                name,
                "yaml-syntax",
                f"invalid YAML: {problem}",
                hint,
                (mark.line + 1) if mark else 0,
                (mark.column + 1) if mark else 0,
            )
        ]
    except (YAMLError, ValueError) as exc:
        return None, [_file_finding(name, "yaml-syntax", f"invalid YAML: {_one_line(str(exc))}")]
    except RecursionError:
        return None, [_file_finding(name, "yaml-too-complex", "YAML nesting is too deep to read")]
    if len(docs) > 1:
        return None, [_file_finding(name, "yaml-syntax", f"expected one YAML document, found {len(docs)}", "remove the extra '---' separators")]
    root = docs[0] if docs else None
    doc = YamlDocument(name, None, text)
    try:
        doc.data = _convert(root, (), doc, [0], 0)
    except _TooBig as exc:
        return None, [
            _file_finding(
                name,
                "yaml-too-complex",
                str(exc),
                "YAML anchors and aliases that expand exponentially (a 'billion laughs' document) are refused",
            )
        ]
    except RecursionError:
        return None, [_file_finding(name, "yaml-too-complex", "YAML nesting is too deep to read")]
    return doc, []


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dup_key_name(problem: str) -> str:
    # ruamel says: found duplicate key "x" with value ...
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return problem[start : end + 1] if start >= 0 and end > start else ""


def _convert(node: Any, path: DataPath, doc: YamlDocument, budget: list[int], depth: int) -> Any:
    """Copy ruamel's round-trip objects into plain Python, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarbool import ScalarBoolean

    budget[0] += 1
    if budget[0] > MAX_NODES:
        raise _TooBig(f"document expands to more than {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise _TooBig(f"document is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            kpath = (*path, _key(key))
            pos = node.lc.data.get(key) if node.lc.data else None
            if pos is not None:
                doc.keys[kpath] = (pos[0] + 1, pos[1] + 1)
                doc.values[kpath] = (pos[2] + 1, pos[3] + 1)
            out[_key(key)] = _convert(value, kpath, doc, budget, depth + 1)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for i, value in enumerate(node):
            ipath = (*path, i)
            pos = node.lc.data.get(i) if node.lc.data else None
            if pos is not None:
                doc.values[ipath] = (pos[0] + 1, pos[1] + 1)
            items.append(_convert(value, ipath, doc, budget, depth + 1))
        return items
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.datetime):
        # ruamel's TimeStamp for a bare date such as 2024-10-21: keep it a date so rules can say "quote it".
        if (node.hour, node.minute, node.second, node.microsecond) == (0, 0, 0, 0) and "T" not in str(node):
            return dt.date(node.year, node.month, node.day)
        return dt.datetime.fromtimestamp(node.timestamp(), tz=dt.timezone.utc) if node.tzinfo else node
    if isinstance(node, dt.date):
        return node
    return node


def _key(key: Any) -> str | int:
    """Mapping keys become strings (YAML lets `4000:` or `true:` be keys; our paths are strings)."""
    if isinstance(key, str):
        return str(key)
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
