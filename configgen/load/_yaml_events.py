"""The fast YAML reader: the C parser's events (ruamel.yaml.clib) turned into plain data + positions.

No recursion anywhere (the parser is libyaml's state machine, the builder keeps its own stack), so
nesting depth, value count and alias expansion are all bounded by counters as the events arrive.
Scalars are resolved with YAML 1.2's core schema (ruamel's resolver): `yes` stays a string, a bare
`2024-10-21` becomes a date (so rules can say "quote it"), `0613` an integer.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.load.yaml import (
    _SURROGATE,
    MAX_DEPTH,
    MAX_NODES,
    MAX_PARSED_NODES,
    Position,
    YamlDocument,
    _char_name,
    _file_finding,
    _one_line,
    _text_position,
    _too_complex,
    _TooBig,
    _Unsupported,
)

_Y = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_Y + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {None, "!", _Y + "map", _Y + "seq", _Y + "omap"}
_DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")


# Plain classes with __slots__, not dataclasses: one is made per YAML collection, and a dataclass
# costs ~0.4 ms to define at import on Python 3.11.
class _Frame:
    __slots__ = (
        "anchor",
        "is_map",
        "key",
        "key_pos",
        "log_start",
        "merge_pending",
        "merges",
        "nodes_start",
        "path",
        "value",
    )

    def __init__(
        self, is_map: bool, value: Any, path: DataPath, anchor: str | None, log_start: int, nodes_start: int
    ) -> None:
        self.is_map = is_map
        self.value = value
        self.path = path
        self.anchor = anchor
        self.log_start = log_start
        self.nodes_start = nodes_start
        self.key: str | None = None  # map: the key waiting for its value
        self.key_pos: Position | None = None
        self.merge_pending = False
        self.merges: list[tuple[Any, list[tuple[bool, DataPath, Position]]]] = []


class _Anchored:
    __slots__ = ("entries", "size", "value")

    def __init__(self, value: Any, entries: list[tuple[bool, DataPath, Position]], size: int) -> None:
        self.value = value
        self.entries = entries  # (is_key, path relative to the anchor, position)
        self.size = size


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        from ruamel.yaml.resolver import VersionedResolver

        self.doc = doc
        # ruamel's YAML 1.2 implicit resolvers: first character -> [(tag, regexp)], what
        # VersionedResolver.resolve consults (it also finds its YAML version through two caught
        # AttributeErrors per scalar, which made resolving a third of the load time).
        table = VersionedResolver().versioned_resolver
        self.implicit: dict[str, list[tuple[str, Any]]] = {k: v for k, v in table.items() if k is not None}
        self.implicit_any: list[tuple[str, Any]] = table.get(None, [])
        self.tags: dict[str, str] = {}  # plain scalar -> resolved tag (keys repeat a lot)
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchored] = {}
        # Every recorded position, in order, so an anchored subtree's positions can be replayed at an alias.
        self.log: list[tuple[bool, DataPath, Position]] = []
        self.parsed = 0
        self.expanded = 0
        self.root: Any = None
        self.have_root = False

    # --- positions ---------------------------------------------------------------------------------
    def record(self, is_key: bool, path: DataPath, pos: Position) -> None:
        if not path:
            return  # the document itself: locate(()) answers 1:1, as for any file-level problem
        (self.doc.keys if is_key else self.doc.values)[path] = pos
        self.log.append((is_key, path, pos))

    # --- where the next value goes ------------------------------------------------------------------
    def child_path(self, pos: Position) -> DataPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.is_map:
            if top.key is None:
                raise _Unsupported(top.path, "a list or mapping used as a mapping key is not supported")
            return (*top.path, "<<") if top.merge_pending else (*top.path, top.key)
        return (*top.path, len(top.value))

    def attach(self, value: Any, start: int, size: int, anchor: str | None) -> None:
        """Put a finished value into its parent (or make it the root); remember it if anchored."""
        entries_start = start
        if not self.stack:
            self.root, self.have_root = value, True
            if anchor is not None:
                self.anchors[anchor] = _Anchored(value, _relative(self.log[entries_start:], ()), size)
            return
        top = self.stack[-1]
        if top.is_map:
            assert top.key is not None
            path = (*top.path, "<<") if top.merge_pending else (*top.path, top.key)
            if anchor is not None:
                self.anchors[anchor] = _Anchored(value, _relative(self.log[entries_start:], path), size)
            if top.merge_pending:
                top.merges.append((value, _relative(self.log[entries_start:], path)))
                top.merge_pending = False
            else:
                top.value[top.key] = value
            top.key = None
        else:
            path = (*top.path, len(top.value))
            if anchor is not None:
                self.anchors[anchor] = _Anchored(value, _relative(self.log[entries_start:], path), size)
            top.value.append(value)

    def count(self, n: int, pos: Position) -> None:
        self.parsed += 1
        self.expanded += n
        if self.parsed > MAX_PARSED_NODES:
            raise _TooBig(f"document has more than {MAX_PARSED_NODES} values", *pos)
        if self.expanded > MAX_NODES:
            raise _TooBig(f"document expands to more than {MAX_NODES} values through its aliases", *pos)

    # --- events --------------------------------------------------------------------------------------
    def start_collection(self, is_map: bool, tag: Any, anchor: str | None, pos: Position) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise _TooBig(f"document is nested more than {MAX_DEPTH} levels deep", *pos)
        path = self.child_path(pos)
        self.record(False, path, pos)
        if tag not in _COLLECTION_TAGS:
            raise _Unsupported(path, "a YAML set (!!set) is not supported here" if tag == _Y + "set"
                               else f"YAML tag {tag} is not supported")
        self.count(1, pos)
        self.stack.append(_Frame(is_map, {} if is_map else [], path, anchor, len(self.log), self.expanded))

    def end_collection(self) -> None:
        frame = self.stack.pop()
        if frame.is_map and frame.merges:
            _apply_merges(self, frame)
        self.attach(frame.value, frame.log_start - 1, self.expanded - frame.nodes_start + 1, frame.anchor)

    def scalar(self, event: Any, pos: Position) -> None:
        top = self.stack[-1] if self.stack else None
        expecting_key = top is not None and top.is_map and top.key is None
        path = top.path if expecting_key and top is not None else self.child_path(pos)
        if not expecting_key and path:
            self.doc.values[path] = pos  # so a value refused below is reported at its own place
        value, tag = self.construct(event, path)
        self.count(1, pos)
        if expecting_key and top is not None:
            if tag == _Y + "merge":
                top.key, top.merge_pending, top.key_pos = "<<", True, pos
                return
            key = _key(value, top.path)
            if key in top.value:
                raise _Duplicate(key, pos)
            top.key, top.key_pos = key, pos
            self.record(True, (*top.path, key), pos)
            return
        self.record(False, path, pos)
        start = len(self.log) - 1
        self.attach(value, start, 1, event.anchor)

    def alias(self, event: Any, pos: Position) -> None:
        path = self.child_path(pos)
        found = self.anchors.get(event.anchor)
        if found is None:
            raise _Undefined(event.anchor, pos)
        self.count(found.size, pos)
        start = len(self.log)
        self.record(False, path, pos)
        for is_key, rel, where in found.entries:
            if rel:
                self.record(is_key, (*path, *rel), where)
        self.attach(found.value, start, found.size, None)

    def resolve_plain(self, value: str) -> str:
        """The tag of a plain scalar, as ruamel.yaml's VersionedResolver.resolve gives it."""
        for tag, regexp in [*self.implicit.get(value[:1], ()), *self.implicit_any]:
            if regexp.match(value):
                return str(tag)
        return _Y + "str"

    def construct(self, event: Any, path: DataPath) -> tuple[Any, str]:
        value: str = event.value
        if _SURROGATE.search(value):
            # "\\ud800" is valid YAML but not text: it cannot be written to a UTF-8 file or printed.
            raise _Unsupported(path, "string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        tag = event.tag
        if tag is None or tag == "!":
            plain = event.implicit[0] and tag is None
            if not plain:
                tag = _Y + "str"
            else:
                cached = self.tags.get(value)
                if cached is None:
                    cached = self.tags[value] = self.resolve_plain(value)
                tag = cached
        if tag == _Y + "merge":
            return value, tag
        if tag == _Y + "binary":
            raise _Unsupported(path, "binary data (!!binary) is not supported here")
        if tag not in _SCALAR_TAGS:
            raise _Unsupported(path, f"YAML tag {tag} is not supported")
        return _scalar(tag, value, path), tag


class _Duplicate(Exception):
    def __init__(self, key: str, pos: Position) -> None:
        super().__init__(key)
        self.key, self.pos = key, pos


class _Undefined(Exception):
    def __init__(self, anchor: str, pos: Position) -> None:
        super().__init__(anchor)
        self.anchor, self.pos = anchor, pos


def _relative(entries: list[tuple[bool, DataPath, Position]], prefix: DataPath) -> list[tuple[bool, DataPath, Position]]:
    n = len(prefix)
    return [(k, p[n:], pos) for k, p, pos in entries if p[:n] == prefix]


def _apply_merges(builder: _Builder, frame: _Frame) -> None:
    """YAML merge keys (`<<: *defaults`): keys written in the mapping win, then earlier merges."""
    for value, entries in frame.merges:
        sources: list[tuple[Any, list[tuple[bool, DataPath, Position]]]]
        if isinstance(value, dict):
            sources = [(value, entries)]
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
            sources = [(v, [(k, p[1:], pos) for k, p, pos in entries if p[:1] == (i,)]) for i, v in enumerate(value)]
        else:
            raise _Unsupported((*frame.path, "<<"), "a merge key (<<) must name a mapping or a list of mappings")
        for src, src_entries in sources:
            for key, item in src.items():
                if key in frame.value:
                    continue
                frame.value[key] = item
                for is_key, rel, pos in src_entries:
                    if rel[:1] == (key,):
                        builder.record(is_key, (*frame.path, *rel), pos)


def _key(value: Any, path: DataPath) -> str:
    """Mapping keys become strings (YAML lets `4000:` or `true:` be keys; our paths are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, str | int | float | dt.date):
        return "null" if value is None else str(value)
    raise _Unsupported(path, "a list or mapping used as a mapping key is not supported")


_INF = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf}


def _scalar(tag: str, value: str, path: DataPath) -> Any:
    kind = tag[len(_Y):]
    if kind == "str":
        return value
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind == "int":
        text = value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        try:
            if digits[:2] in ("0x", "0X"):
                return sign * int(digits[2:], 16)
            if digits[:2] in ("0o", "0O"):
                return sign * int(digits[2:], 8)
            if digits[:2] in ("0b", "0B"):
                return sign * int(digits[2:], 2)
            return sign * int(digits, 10)
        except ValueError as exc:  # e.g. 5,000 digits: Python refuses to convert it
            raise _Unsupported(path, f"integer {value[:20]}... cannot be read: {exc}") from exc
    if kind == "float":
        low = value.lower()
        if low in _INF:
            return _INF[low]
        if low == ".nan":
            return math.nan
        try:
            return float(value.replace("_", ""))
        except ValueError as exc:
            raise _Unsupported(path, f"number {value[:20]!r} cannot be read") from exc
    # timestamp
    if _DATE.match(value):
        y, m, d = (int(x) for x in value.split("-"))
        try:
            return dt.date(y, m, d)
        except ValueError:
            return value
    try:
        stamp = dt.datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        return value
    return stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp


def load_events(parser_class: Any, text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    doc = YamlDocument(name, None, text)
    builder = _Builder(doc)
    parser = parser_class(text)
    documents = 0
    try:
        while True:
            event = parser.get_event()
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            kind = type(event)
            if kind is ev.ScalarEvent:
                builder.scalar(event, pos)
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                builder.start_collection(kind is ev.MappingStartEvent, event.tag, event.anchor, pos)
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                builder.end_collection()
            elif kind is ev.AliasEvent:
                builder.alias(event, pos)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None, [_file_finding(name, "yaml-syntax", "expected one YAML document, found more",
                                                "remove the extra '---' separators", *pos)]
            elif kind is ev.StreamEndEvent:
                break
    except _Duplicate as exc:
        return None, [_file_finding(name, "yaml-duplicate-key", f'duplicate key "{exc.key}"',
                                    "YAML keeps only one of them; merge the two entries", *exc.pos)]
    except _Undefined as exc:
        return None, [_file_finding(name, "yaml-syntax", f"invalid YAML: found undefined alias {exc.anchor!r}",
                                    "define the anchor (&name) before using it (*name)", *exc.pos)]
    except ReaderError as exc:
        line, col = _text_position(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        return None, [_file_finding(name, "file-encoding", f"character {_char_name(exc.character)} is not allowed in YAML",
                                    "remove the control character", line, col)]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = _one_line(exc.problem or exc.context or "invalid YAML")
        tab = "\\t" in problem or "\t" in problem or (mark is not None and _char_at(text, mark) == "\t")
        hint = "YAML does not allow tab characters for indentation; use spaces" if tab else ""
        line, col = ((mark.line + 1), (mark.column + 1)) if mark else (1, 1)
        return None, [_file_finding(name, "yaml-syntax", f"invalid YAML: {problem}", hint, line, col)]
    except _TooBig as exc:
        return None, [_too_complex(name, str(exc), exc.line, exc.column)]
    except _Unsupported as exc:
        line, col = doc.locate(exc.path)
        return None, [Finding("yaml-unsupported", Severity.ERROR, str(exc),
                              "write a plain string, number, boolean, list or mapping", name, line, col, exc.path)]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        return None, [_file_finding(name, "yaml-syntax", f"invalid YAML: {_one_line(str(exc))}")]
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    doc.data = builder.root if builder.have_root else None
    return doc, []


def _char_at(text: str, mark: Any) -> str:
    lines = text.split("\n")
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return str(lines[mark.line][mark.column])
    return ""
