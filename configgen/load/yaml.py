"""Read a YAML file into plain Python data plus a map from data path to 1-based line:column.

Every problem (unreadable, not UTF-8, bad YAML, duplicate keys, alias bombs, absurd nesting) comes
back as a :class:`Finding`, never as an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configgen.findings import DataPath, Finding, Severity

#: Files larger than this are refused before parsing. The C parser reads about 10 MB of YAML per
#: second; a project of 5,000 deployments is under 1 MB.
MAX_BYTES = 4 * 1024 * 1024
#: Values the parser may produce (aliases count once): bounds parsing time for any file under MAX_BYTES.
MAX_PARSED_NODES = 400_000
#: Values after alias expansion; a "billion laughs" document stops here instead of eating memory.
MAX_NODES = 400_000
#: Nesting levels. Flow collections (`[[[...]]]`) cost ruamel quadratic time in their depth, and
#: its composer recurses per level, so depth is checked while composing, not afterwards.
MAX_DEPTH = 64

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
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class _Unsupported(Exception):
    """A value YAML can express but no configuration here may hold (binary, sets, custom tags)."""

    def __init__(self, path: DataPath, message: str) -> None:
        super().__init__(message)
        self.path = path


def _file_finding(file: str, rule: str, message: str, hint: str = "", line: int = 1, col: int = 1) -> Finding:
    # 1:1 for problems of the file as a whole, so every error reads `file:line:col: ...`.
    return Finding(rule, Severity.ERROR, message, hint, file, max(line, 1), max(col, 1))


def _describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_text(path: Path, display: str | None = None) -> tuple[str | None, list[Finding]]:
    """Read a regular file as UTF-8 (a BOM is accepted), refusing devices, pipes and huge files.

    The size is checked before reading and again while reading (the file may grow), and at most
    ``MAX_BYTES + 1`` bytes are ever read, so `/dev/zero` or a 50 MB file cost nothing.
    """
    name = display or str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return None, [_file_finding(name, "file-unreadable", "symbolic link to a file that does not exist")]
        return None, [_file_finding(name, "file-unreadable", "file not found")]
    except OSError as exc:
        return None, [_file_finding(name, "file-unreadable", f"cannot read file: {_os_reason(exc)}")]
    if not stat.S_ISREG(st.st_mode):
        what = _describe_mode(st.st_mode)
        return None, [_file_finding(name, "file-unreadable", f"is {what}, not a file" if what[0] == "a" else what)]
    if st.st_size > MAX_BYTES:
        return None, [_too_large(name, st.st_size)]
    try:
        # O_NONBLOCK: if the path was swapped for a pipe after the check above, open must not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, [_file_finding(name, "file-unreadable", "is not a regular file")]
            chunks: list[bytes] = []
            total = 0
            while total <= MAX_BYTES:
                chunk = os.read(fd, MAX_BYTES + 1 - total)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [_file_finding(name, "file-unreadable", f"cannot read file: {_os_reason(exc)}")]
    raw = b"".join(chunks)
    if len(raw) > MAX_BYTES:
        return None, [_too_large(name, len(raw))]
    return decode_text(raw, name)


def _os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _too_large(name: str, size: int) -> Finding:
    return _file_finding(
        name,
        "file-too-large",
        f"file is {size} bytes or more; configgen reads configuration files of at most {MAX_BYTES} bytes",
        "a configuration file this large is almost certainly the wrong file",
    )


_UTF16_32_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def decode_text(raw: bytes, name: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text (a UTF-8 BOM is dropped); binary and other encodings are findings with a position."""
    for bom, encoding in _UTF16_32_BOMS:
        if raw.startswith(bom):
            return None, [_file_finding(name, "file-encoding", f"file is {encoding} text", "save the file as UTF-8")]
    if b"\x00" in raw:
        line, col = _byte_position(raw, raw.index(b"\x00"))
        return None, [_file_finding(name, "file-encoding", "file contains NUL bytes: binary, not text", "", line, col)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
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


def _byte_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    start = before.rfind(b"\n") + 1
    # Columns count characters, as editors do; the bytes before `offset` on its line are valid UTF-8.
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _text_position(text: str, index: int) -> Position:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def load_yaml_file(path: Path, display: str | None = None) -> tuple[YamlDocument | None, list[Finding]]:
    name = display or str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    return load_yaml_text(text, name)


def _budget_composer() -> Any:
    """ruamel's Composer, stopping at MAX_DEPTH levels and MAX_PARSED_NODES nodes.

    The composer pulls events from the parser lazily, so stopping here also stops the scanner:
    the cost of a hostile file is bounded by these limits, not by its size.
    """
    from ruamel.yaml.composer import Composer

    class BudgetComposer(Composer):
        _nodes = 0
        _level = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            mark = getattr(event, "start_mark", None)
            where = ((mark.line + 1), (mark.column + 1)) if mark is not None else (1, 1)
            self._nodes += 1
            if self._nodes > MAX_PARSED_NODES:
                raise _TooBig(f"document has more than {MAX_PARSED_NODES} values", *where)
            if self._level >= MAX_DEPTH:
                raise _TooBig(f"document is nested more than {MAX_DEPTH} levels deep", *where)
            self._level += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._level -= 1

    return BudgetComposer


def load_yaml_text(text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Parse one YAML document. Returns (None, findings) when it cannot be parsed.

    With ruamel.yaml.clib (a dependency) the C parser's events are turned into data and positions
    here, without recursion; without it, ruamel's pure-Python round-trip loader does the same job
    about ten times slower.
    """
    if os.environ.get("CONFIGGEN_PURE_YAML") != "1":
        try:
            from _ruamel_yaml import CParser
        except ImportError:
            pass
        else:
            from configgen.load._yaml_events import load_events

            return load_events(CParser, text, name)
    return _load_round_trip(text, name)


def _load_round_trip(text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    # Imported here: ruamel's import cost is only paid by commands that read YAML.
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _budget_composer()
    try:
        # ruamel warns (ReusedAnchorWarning, ...) on valid YAML; a warning printed to stderr would
        # break the one-line-per-problem output, and a reused anchor is legal (the later one wins).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
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
                (mark.line + 1) if mark else 1,
                (mark.column + 1) if mark else 1,
            )
        ]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _one_line(exc.problem or exc.context or "invalid YAML")
        tab = "\\t" in problem or "\t" in problem
        hint = "YAML does not allow tab characters for indentation; use spaces" if tab else ""
        return None, [
            _file_finding(
                name,
                "yaml-syntax",
                f"invalid YAML: {problem}",
                hint,
                (mark.line + 1) if mark else 1,
                (mark.column + 1) if mark else 1,
            )
        ]
    except ReaderError as exc:
        line, col = _text_position(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        return None, [
            _file_finding(
                name,
                "file-encoding",
                f"character {_char_name(exc.character)} is not allowed in YAML",
                "remove the control character",
                line,
                col,
            )
        ]
    except _TooBig as exc:
        return None, [_too_complex(name, str(exc), exc.line, exc.column)]
    except RecursionError:
        return None, [_too_complex(name, "YAML nesting is too deep to read")]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        # e.g. an integer of 5,000 digits (Python refuses to convert it), a malformed !!binary
        return None, [_file_finding(name, "yaml-syntax", f"invalid YAML: {_one_line(str(exc))}")]
    if len(docs) > 1:
        line = _root_line(docs[1])
        return None, [
            _file_finding(
                name, "yaml-syntax", f"expected one YAML document, found {len(docs)}",
                "remove the extra '---' separators", line,
            )
        ]
    root = docs[0] if docs else None
    doc = YamlDocument(name, None, text)
    try:
        doc.data = _convert(root, (), doc, [0], 0)
    except _TooBig as exc:
        return None, [_too_complex(name, str(exc), exc.line, exc.column)]
    except _Unsupported as exc:
        line, col = doc.locate(exc.path)
        return None, [
            Finding(
                "yaml-unsupported",
                Severity.ERROR,
                str(exc),
                "write a plain string, number, boolean, list or mapping",
                name,
                line,
                col,
                exc.path,
            )
        ]
    except RecursionError:
        return None, [_too_complex(name, "YAML nesting is too deep to read")]
    return doc, []


def _too_complex(name: str, message: str, line: int = 1, col: int = 1) -> Finding:
    return _file_finding(
        name,
        "yaml-too-complex",
        message,
        "YAML anchors and aliases that expand exponentially (a 'billion laughs' document) and absurd "
        "nesting are refused",
        line,
        col,
    )


def _root_line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 1


def _char_name(ch: Any) -> str:
    if isinstance(ch, int):
        return f"U+{ch:04X}"
    if isinstance(ch, str) and len(ch) == 1:
        return f"U+{ord(ch):04X}"
    return repr(ch)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dup_key_name(problem: str) -> str:
    # ruamel says: found duplicate key "x" with value ...
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return problem[start : end + 1] if start >= 0 and end > start else ""


_SURROGATE = re.compile("[\ud800-\udfff]")
_STANDARD_TAGS = {None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else None


def _convert(node: Any, path: DataPath, doc: YamlDocument, budget: list[int], depth: int) -> Any:
    """Copy ruamel's round-trip objects into plain Python, recording positions on the way."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq, CommentedSet, TaggedScalar
    from ruamel.yaml.scalarbool import ScalarBoolean

    budget[0] += 1
    if budget[0] > MAX_NODES:
        line, col = doc.locate(path)
        raise _TooBig(f"document expands to more than {MAX_NODES} values through its aliases", line, col)
    if depth > MAX_DEPTH:
        line, col = doc.locate(path)
        raise _TooBig(f"document is nested more than {MAX_DEPTH} levels deep", line, col)
    if isinstance(node, CommentedSet):
        raise _Unsupported(path, "a YAML set (!!set) is not supported here")
    if isinstance(node, CommentedMap | CommentedSeq) and _tag(node) not in _STANDARD_TAGS:
        raise _Unsupported(path, f"YAML tag {_tag(node)} is not supported")
    if isinstance(node, CommentedMap):
        out: dict[Any, Any] = {}
        for key, value in node.items():
            kpath = (*path, _key(key, path))
            pos = node.lc.data.get(key) if node.lc.data else None
            if pos is not None:
                doc.keys[kpath] = (pos[0] + 1, pos[1] + 1)
                doc.values[kpath] = (pos[2] + 1, pos[3] + 1)
            out[kpath[-1]] = _convert(value, kpath, doc, budget, depth + 1)
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
    if isinstance(node, TaggedScalar):
        if _tag(node) == "tag:yaml.org,2002:str":
            return str(node.value)
        raise _Unsupported(path, f"YAML tag {_tag(node)} is not supported")
    if isinstance(node, ScalarBoolean):
        return bool(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        if _SURROGATE.search(node):
            # "\ud800" is valid YAML but not text: it cannot be written to a UTF-8 file or printed.
            raise _Unsupported(path, "string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        return str(node)
    if isinstance(node, dt.datetime):
        # ruamel's TimeStamp for a bare date such as 2024-10-21: keep it a date so rules can say "quote it".
        if (node.hour, node.minute, node.second, node.microsecond) == (0, 0, 0, 0) and "T" not in str(node):
            return dt.date(node.year, node.month, node.day)
        return dt.datetime.fromtimestamp(node.timestamp(), tz=dt.UTC) if node.tzinfo else node
    if isinstance(node, dt.date):
        return node
    if isinstance(node, bytes | bytearray):
        raise _Unsupported(path, "binary data (!!binary) is not supported here")
    raise _Unsupported(path, f"a YAML value of type {type(node).__name__} is not supported here")


def _key(key: Any, path: DataPath) -> str | int:
    """Mapping keys become strings (YAML lets `4000:` or `true:` be keys; our paths are strings)."""
    if isinstance(key, str):
        if _SURROGATE.search(key):
            raise _Unsupported(path, "mapping key holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        return str(key)
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None or isinstance(key, int | float | dt.date):
        return str(key)
    # `? [a, b] : c` and `? {a: 1} : c`: a collection as a key has no place in a configuration file.
    raise _Unsupported(path, "a list or mapping used as a mapping key is not supported")
