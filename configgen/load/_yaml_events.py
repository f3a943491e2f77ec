"""The fast YAML reader: the C parser's events (ruamel.yaml.clib) turned into plain data + positions.

No recursion anywhere (the parser is libyaml's state machine, the builder keeps its own stack), so
nesting depth, value count and alias expansion are all bounded by counters as the events arrive.
Scalars are resolved with YAML 1.2's core schema (ruamel's resolver): `yes` stays a string, a bare
`2024-10-21` becomes a date (so rules can say "quote it"), `0613` an integer.
"""

from __future__ import annotations

from typing import Any

from configgen.findings import DataPath, Finding
from configgen.load._yaml_common import (
    Budget,
    TooBig,
    Unsupported,
    YamlDocument,
    control_char_finding,
    one_line,
    syntax_finding,
    too_complex,
    unsupported_finding,
)
from configgen.load._yaml_scalars import MERGE, Scalars, Y, mapping_key
from configgen.load.files import Position, file_finding, text_position

_COLLECTION_TAGS = {None, "!", Y + "map", Y + "seq", Y + "omap"}


Entry = tuple[bool, DataPath, Position]  # (is a key's position, path, position)


# Plain classes with __slots__, not dataclasses: one is made per YAML collection, and a dataclass
# costs ~0.4 ms to define at import on Python 3.11.
class _Anchored:
    """A finished value with the positions of its subtree, relative to it (for aliases and merges)."""

    __slots__ = ("_by_key", "entries", "value")

    def __init__(self, value: Any, entries: list[Entry]) -> None:
        self.value = value
        self.entries = entries
        self._by_key: dict[Any, list[Entry]] | None = None

    def by_key(self) -> dict[Any, list[Entry]]:
        """The entries grouped by top-level key, built once: a merge copies one key's entries in
        time proportional to them, however long a chain of merges the mapping came from."""
        if self._by_key is None:
            groups: dict[Any, list[Entry]] = {}
            for entry in self.entries:
                if entry[1]:
                    groups.setdefault(entry[1][0], []).append(entry)
            self._by_key = groups
        return self._by_key


class _Frame:
    __slots__ = (
        "anchor", "is_map", "key", "key_path", "log_start", "merge_list", "merge_pending", "merges", "path", "value"
    )

    def __init__(self, is_map: bool, value: Any, path: DataPath, anchor: str | None, log_start: int) -> None:
        self.is_map = is_map
        self.value = value
        self.path = path
        self.anchor = anchor
        self.log_start = log_start
        self.key: str | None = None  # map: the key waiting for its value
        self.key_path: DataPath = ()  # map: (*path, key), built once for the key and its value
        self.merge_pending = False  # map: the value being read is the one of `<<`
        self.merge_list = False  # list: it is the value of `<<` (`<<: [*a, *b]`)
        self.merges: list[_Anchored] = []  # map: what `<<` named; list with merge_list: its mappings


class _Builder:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.values, self.keys = doc.values, doc.keys  # one attribute lookup fewer per scalar
        self.construct = Scalars().construct
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchored] = {}
        # Every recorded position, in order, so an anchored subtree's positions can be replayed at an alias.
        self.log: list[Entry] = []
        self.budget = Budget()
        self.root: Any = None
        self.have_root = False

    # --- positions ---------------------------------------------------------------------------------
    def record(self, is_key: bool, path: DataPath, pos: Position) -> None:
        if not path:
            return  # the document itself: locate(()) answers 1:1, as for any file-level problem
        (self.doc.keys if is_key else self.doc.values)[path] = pos
        self.log.append((is_key, path, pos))

    def replay(self, entries: list[Entry], prefix: DataPath, pos: Position) -> None:
        """Record an aliased or merged subtree's positions under its new path, each one counted."""
        self.budget.expand(max(len(entries), 1), pos)
        for is_key, rel, where in entries:
            if rel:
                self.record(is_key, (*prefix, *rel), where)

    # --- where the next value goes ------------------------------------------------------------------
    def in_merge(self) -> bool:
        """Whether the value being read is (an item of) a merge key's value."""
        top = self.stack[-1] if self.stack else None
        return top is not None and (top.merge_pending if top.is_map else top.merge_list)

    def child_path(self) -> DataPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.is_map:
            if top.key is None:
                raise Unsupported(top.path, "a list or mapping used as a mapping key is not supported")
            return top.key_path
        return (*top.path, len(top.value))

    def attach(self, value: Any, start: int, anchor: str | None, merged: _Anchored | None = None) -> None:
        """Put a finished value into its parent (or make it the root); remember it if anchored.

        ``start`` is where the value's own positions begin in the log; ``merged`` is what an alias
        in a merge key's value refers to (its positions are copied key by key when merging).
        """
        path = self.child_path()
        anchored = None
        if anchor is not None or (merged is None and self.in_merge()):
            anchored = _Anchored(value, _relative(self.log[start:], path))
            if anchor is not None:
                self.anchors[anchor] = anchored
        if not self.stack:
            self.root, self.have_root = value, True
            return
        top = self.stack[-1]
        source = merged or anchored
        if top.is_map:
            if top.merge_pending:
                assert source is not None
                top.merges.append(source)
                top.merge_pending = False
            else:
                top.value[top.key] = value
            top.key = None
        else:
            if top.merge_list:
                assert source is not None
                top.merges.append(source)
            top.value.append(value)

    # --- events --------------------------------------------------------------------------------------
    def start_collection(self, is_map: bool, tag: Any, anchor: str | None, pos: Position) -> None:
        self.budget.depth(len(self.stack) + 1, pos)
        merge_list = not is_map and self.in_merge() and self.stack[-1].is_map
        path = self.child_path()
        start = len(self.log)
        self.record(False, path, pos)
        if tag not in _COLLECTION_TAGS:
            raise Unsupported(path, "a YAML set (!!set) is not supported here" if tag == Y + "set"
                              else f"YAML tag {tag} is not supported")
        self.budget.parse(pos)
        frame = _Frame(is_map, {} if is_map else [], path, anchor, start)
        frame.merge_list = merge_list
        self.stack.append(frame)

    def end_collection(self, pos: Position) -> None:
        frame = self.stack.pop()
        if frame.is_map and frame.merges:
            self.apply_merges(frame, pos)
        if frame.merge_list and not all(isinstance(v, dict) for v in frame.value):
            raise Unsupported(frame.path, "a merge key (<<) must name a mapping or a list of mappings")
        if frame.merge_list and self.stack:
            # The list's mappings merge one by one (the first wins); the list itself is not data.
            if frame.anchor is not None:
                self.anchors[frame.anchor] = _Anchored(frame.value, _relative(self.log[frame.log_start :], frame.path))
            top = self.stack[-1]
            top.merges.extend(frame.merges)
            top.merge_pending, top.key = False, None
            return
        self.attach(frame.value, frame.log_start, frame.anchor)

    def scalar(self, event: Any, pos: Position) -> None:
        # The common cases inline (a key, or a value in a mapping or list, no anchor, no merge key):
        # two thirds of all events are scalars, and this was half of the reader's time.
        top = self.stack[-1] if self.stack else None
        if top is None:
            self.scalar_general(event, pos)
            return
        if top.is_map:
            key = top.key
            if key is None:
                self.scalar_key(top, event, pos)
                return
            if top.merge_pending:
                self.scalar_general(event, pos)
                return
            path: DataPath = top.key_path
        else:
            if top.merge_list:
                self.scalar_general(event, pos)
                return
            path = (*top.path, len(top.value))
        self.values[path] = pos  # so a value refused below is reported at its own place
        value, _tag = self.construct(event, path)
        budget = self.budget  # Budget.parse, inlined
        budget.parsed += 1
        if budget.parsed > budget.values_limit:
            budget.parse(pos)
        self.log.append((False, path, pos))
        if event.anchor is not None:
            self.attach(value, len(self.log) - 1, event.anchor)
        elif top.is_map:
            top.value[key] = value
            top.key = None
        else:
            top.value.append(value)

    def scalar_key(self, top: _Frame, event: Any, pos: Position) -> None:
        value, tag = self.construct(event, top.path)
        budget = self.budget  # Budget.parse, inlined
        budget.parsed += 1
        if budget.parsed > budget.values_limit:
            budget.parse(pos)
        if tag == MERGE:
            top.key, top.merge_pending, top.key_path = "<<", True, (*top.path, "<<")
            return
        key = value if type(value) is str else mapping_key(value, top.path)
        if key in top.value:
            raise _Duplicate(key, pos)
        top.key = key
        path = top.key_path = (*top.path, key)
        self.keys[path] = pos
        self.log.append((True, path, pos))

    def scalar_general(self, event: Any, pos: Position) -> None:
        """A scalar as the root, in a merge key's value, or anywhere (the reference for the fast path)."""
        top = self.stack[-1] if self.stack else None
        expecting_key = top is not None and top.is_map and top.key is None
        if expecting_key and top is not None:
            self.scalar_key(top, event, pos)
            return
        path = self.child_path()
        if path:
            self.doc.values[path] = pos  # so a value refused below is reported at its own place
        value, _tag = self.construct(event, path)
        self.budget.parse(pos)
        if self.in_merge():
            raise Unsupported(path, "a merge key (<<) must name a mapping or a list of mappings")
        self.record(False, path, pos)
        self.attach(value, len(self.log) - 1, event.anchor)

    def alias(self, event: Any, pos: Position) -> None:
        path = self.child_path()
        found = self.anchors.get(event.anchor)
        if found is None:
            raise _Undefined(event.anchor, pos)
        self.budget.parse(pos)
        start = len(self.log)
        if self.in_merge():
            # No positions under `<<` (only its own, for a finding): the merge copies the ones of
            # the keys it takes.
            self.doc.values[path] = pos
            top = self.stack[-1]
            if isinstance(found.value, dict):
                self.attach(found.value, start, None, merged=found)
            elif top.is_map and isinstance(found.value, list) and all(isinstance(v, dict) for v in found.value):
                groups = found.by_key()  # a list's entries grouped by index
                top.merges.extend(
                    _Anchored(v, [(k, rel[1:], where) for k, rel, where in groups.get(i, [])])
                    for i, v in enumerate(found.value)
                )
                top.merge_pending, top.key = False, None
            else:
                raise Unsupported(path, "a merge key (<<) must name a mapping or a list of mappings")
            return
        self.record(False, path, pos)
        self.replay(found.entries, path, pos)
        self.attach(found.value, start, None)

    def apply_merges(self, frame: _Frame, pos: Position) -> None:
        """YAML merge keys (`<<: *defaults`): keys written in the mapping win, then earlier merges.

        Each merged key costs its own positions, once: linear in what the merge adds, and counted
        against the alias budget like any value reached through an alias.
        """
        for source in frame.merges:
            by_key = source.by_key()
            for key, item in source.value.items():
                if key in frame.value:
                    continue
                frame.value[key] = item
                self.replay(by_key.get(key, []), frame.path, pos)


class _Duplicate(Exception):
    def __init__(self, key: str, pos: Position) -> None:
        super().__init__(key)
        self.key, self.pos = key, pos


class _Undefined(Exception):
    def __init__(self, anchor: str, pos: Position) -> None:
        super().__init__(anchor)
        self.anchor, self.pos = anchor, pos


def _relative(entries: list[Entry], prefix: DataPath) -> list[Entry]:
    n = len(prefix)
    return [(k, p[n:], pos) for k, p, pos in entries if p[:n] == prefix]


def load_events(parser_class: Any, text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    doc = YamlDocument(name, None, text)
    builder = _Builder(doc)
    parser = parser_class(text)
    documents = 0
    # Bound once: this loop runs once per event.
    get_event, scalar, end_collection = parser.get_event, builder.scalar, builder.end_collection
    scalar_event, mapping_start, mapping_end = ev.ScalarEvent, ev.MappingStartEvent, ev.MappingEndEvent
    try:
        while True:
            event = get_event()
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            kind = type(event)
            if kind is scalar_event:
                scalar(event, pos)
            elif kind is mapping_end or kind is ev.SequenceEndEvent:
                end_collection(pos)
            elif kind is mapping_start or kind is ev.SequenceStartEvent:
                builder.start_collection(kind is mapping_start, event.tag, event.anchor, pos)
            elif kind is ev.AliasEvent:
                builder.alias(event, pos)
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return None, [file_finding(name, "yaml-syntax", "expected one YAML document, found more",
                                               "remove the extra '---' separators", *pos)]
            elif kind is ev.StreamEndEvent:
                break
    except _Duplicate as exc:
        return None, [file_finding(name, "yaml-duplicate-key", f'duplicate key "{exc.key}"',
                                   "YAML keeps only one of them; merge the two entries", *exc.pos)]
    except _Undefined as exc:
        return None, [file_finding(name, "yaml-syntax", f"invalid YAML: found undefined alias {exc.anchor!r}",
                                   "define the anchor (&name) before using it (*name)", *exc.pos)]
    except ReaderError as exc:
        line, col = text_position(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        return None, [control_char_finding(name, exc.character, line, col)]
    except MarkedYAMLError as exc:
        return None, [syntax_finding(name, exc, text)]
    except TooBig as exc:
        return None, [too_complex(name, exc)]
    except Unsupported as exc:
        return None, [unsupported_finding(doc, exc)]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        return None, [file_finding(name, "yaml-syntax", f"invalid YAML: {one_line(str(exc))}")]
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()
    doc.data = builder.root if builder.have_root else None
    return doc, []

