"""Read a YAML file into plain Python data plus a map from data path to 1-based line:column.

Every problem (unreadable, not UTF-8, bad YAML, duplicate keys, alias bombs, absurd nesting) comes
back as a :class:`Finding`, never as an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path
from typing import Any

from configgen.findings import DataPath, Finding
from configgen.load._yaml_common import (
    SURROGATE,
    Budget,
    TooBig,
    Unsupported,
    YamlDocument,
    control_char_finding,
    one_line,
    syntax_finding,
    too_complex,
    too_deep,
    unsupported_finding,
)
from configgen.load.files import Position, decode_text, file_finding, read_text, text_position

# The names other modules import from here (the readers' shared parts live in _yaml_common and files).
__all__ = ["Position", "YamlDocument", "decode_text", "load_yaml_file", "load_yaml_text", "read_text"]


def load_yaml_file(path: Path, display: str | None = None) -> tuple[YamlDocument | None, list[Finding]]:
    name = display or str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, problems
    return load_yaml_text(text, name)


def _budget_composer(budget: Budget) -> Any:
    """ruamel's Composer, counting values and nesting against ``budget`` as it composes.

    The composer pulls events from the parser lazily, so stopping here also stops the scanner:
    the cost of a hostile file is bounded by these limits, not by its size.
    """
    from ruamel.yaml.composer import Composer

    class BudgetComposer(Composer):
        _level = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.parser.peek_event()
            mark = getattr(event, "start_mark", None)
            where = ((mark.line + 1), (mark.column + 1)) if mark is not None else (1, 1)
            budget.parse(where)
            budget.depth(self._level + 1, where)
            self._level += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._level -= 1

    return BudgetComposer


def load_yaml_text(text: str, name: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Parse one YAML document. Returns (None, findings) when it cannot be parsed.

    With ruamel.yaml.clib (a dependency) the C parser's events are turned into data and positions
    by :mod:`configgen.load._yaml_events`, without recursion; without it, ruamel's pure-Python
    round-trip loader does the same job about ten times slower.
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

    budget = Budget()
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _budget_composer(budget)
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
            file_finding(
                name,
                "yaml-duplicate-key",
                f"duplicate key {key}" if key else "duplicate key",
                "YAML keeps only one of them; merge the two entries",
                (mark.line + 1) if mark else 1,
                (mark.column + 1) if mark else 1,
            )
        ]
    except MarkedYAMLError as exc:
        return None, [syntax_finding(name, exc, text)]
    except ReaderError as exc:
        line, col = text_position(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        return None, [control_char_finding(name, exc.character, line, col)]
    except TooBig as exc:
        return None, [too_complex(name, exc)]
    except RecursionError:
        return None, [too_deep(name)]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        # e.g. an integer of 5,000 digits (Python refuses to convert it), a malformed !!binary
        return None, [file_finding(name, "yaml-syntax", f"invalid YAML: {one_line(str(exc))}")]
    if len(docs) > 1:
        line = _root_line(docs[1])
        return None, [
            file_finding(
                name, "yaml-syntax", f"expected one YAML document, found {len(docs)}",
                "remove the extra '---' separators", line,
            )
        ]
    root = docs[0] if docs else None
    doc = YamlDocument(name, None, text)
    try:
        doc.data = _Converter(doc, budget).convert(root, (), 0)
    except TooBig as exc:
        return None, [too_complex(name, exc)]
    except Unsupported as exc:
        return None, [unsupported_finding(doc, exc)]
    except RecursionError:
        return None, [too_deep(name)]
    return doc, []


def _root_line(node: Any) -> int:
    lc = getattr(node, "lc", None)
    return int(lc.line) + 1 if lc is not None and lc.line is not None else 1


def _dup_key_name(problem: str) -> str:
    # ruamel says: found duplicate key "x" with value ...
    start = problem.find('"')
    end = problem.find('"', start + 1)
    return problem[start : end + 1] if start >= 0 and end > start else ""


_STANDARD_TAGS = {None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap"}


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag)
    return value if isinstance(value, str) else None


class _Converter:
    """Copies ruamel's round-trip objects into plain Python, recording positions on the way.

    Every value visited beyond the ones the composer parsed was reached through an alias or a merge
    key, and is counted as such.
    """

    def __init__(self, doc: YamlDocument, budget: Budget) -> None:
        self.doc = doc
        self.budget = budget
        self.visited = 0

    def convert(self, node: Any, path: DataPath, depth: int) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq, CommentedSet, TaggedScalar
        from ruamel.yaml.scalarbool import ScalarBoolean

        doc = self.doc
        self.visited += 1
        if self.visited > self.budget.parsed:
            self.budget.expand(1, doc.locate(path))
        if depth > self.budget.depth_limit:
            self.budget.depth(depth, doc.locate(path))
        if isinstance(node, CommentedSet):
            raise Unsupported(path, "a YAML set (!!set) is not supported here")
        if isinstance(node, CommentedMap | CommentedSeq) and _tag(node) not in _STANDARD_TAGS:
            raise Unsupported(path, f"YAML tag {_tag(node)} is not supported")
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for key, value in node.items():
                kpath = (*path, _key(key, path))
                pos = node.lc.data.get(key) if node.lc.data else None
                if pos is not None:
                    doc.keys[kpath] = (pos[0] + 1, pos[1] + 1)
                    doc.values[kpath] = (pos[2] + 1, pos[3] + 1)
                out[kpath[-1]] = self.convert(value, kpath, depth + 1)
            return out
        if isinstance(node, CommentedSeq):
            items: list[Any] = []
            for i, value in enumerate(node):
                ipath = (*path, i)
                pos = node.lc.data.get(i) if node.lc.data else None
                if pos is not None:
                    doc.values[ipath] = (pos[0] + 1, pos[1] + 1)
                items.append(self.convert(value, ipath, depth + 1))
            return items
        if isinstance(node, TaggedScalar):
            if _tag(node) == "tag:yaml.org,2002:str":
                return str(node.value)
            raise Unsupported(path, f"YAML tag {_tag(node)} is not supported")
        if isinstance(node, ScalarBoolean):
            return bool(node)
        return _plain(node, path)


def _plain(node: Any, path: DataPath) -> Any:
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        if SURROGATE.search(node):
            # "\ud800" is valid YAML but not text: it cannot be written to a UTF-8 file or printed.
            raise Unsupported(path, "string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        return str(node)
    if isinstance(node, dt.datetime):
        # ruamel's TimeStamp for a bare date such as 2024-10-21: keep it a date so rules can say "quote it".
        if (node.hour, node.minute, node.second, node.microsecond) == (0, 0, 0, 0) and "T" not in str(node):
            return dt.date(node.year, node.month, node.day)
        return dt.datetime.fromtimestamp(node.timestamp(), tz=dt.UTC) if node.tzinfo else node
    if isinstance(node, dt.date):
        return node
    if isinstance(node, bytes | bytearray):
        raise Unsupported(path, "binary data (!!binary) is not supported here")
    raise Unsupported(path, f"a YAML value of type {type(node).__name__} is not supported here")


def _key(key: Any, path: DataPath) -> str | int:
    """Mapping keys become strings (YAML lets `4000:` or `true:` be keys; our paths are strings)."""
    if isinstance(key, str):
        if SURROGATE.search(key):
            raise Unsupported(path, "mapping key holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        return str(key)
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None or isinstance(key, int | float | dt.date):
        return str(key)
    # `? [a, b] : c` and `? {a: 1} : c`: a collection as a key has no place in a configuration file.
    raise Unsupported(path, "a list or mapping used as a mapping key is not supported")
