"""A YAML document whose data is already known, and whose positions are worked out only when asked.

configgen re-checks what it renders with the same rules as a hand-written file. When the renderer
built the data itself (configgen.load.built), parsing its own text again only to learn the data would
be most of the cost of `validate` on a large project; positions are needed only for a finding, so the
text is read then, by the same reader a hand-written file goes through, giving the same positions.

A finding needs one position, not all of them: ``locate`` reads only the top-level entry its path is
in (configgen writes every top-level key at column 0 of a line of its own, so an entry's lines, with
the lines before it left empty, are a document of their own whose positions are the file's). A
rendered config with a thousand deployments under `model_list` is not read again for a finding in
`litellm_settings`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from configgen.findings import DataPath
from configgen.load._yaml_common import YamlDocument
from configgen.load.files import Position

#: The attributes worked out on first use (a plain YamlDocument sets them when it is made).
_LAZY = frozenset({"values", "keys", "text"})
#: Where a line that starts at column 0 with something else than a space or a comment begins (after the
#: newline this matches; the first line is looked at on its own). A plain scan for the newline: 8x
#: faster on a long text than one pattern that also excludes `---`, `...` and `- ` (see _top_lines).
_LINE_START = re.compile(r"\n(?=[^ #\n\t])")

Reader = Callable[[str, str], YamlDocument | None]


class LazyYamlDocument(YamlDocument):
    """A :class:`YamlDocument` with ``data`` given; ``values`` and ``keys`` (and ``text`` when it is
    not given) are taken from ``parse()`` the first time anything reads them. With ``read`` (a reader
    of a piece of the text, the one ``parse`` uses), :meth:`locate` reads only the top-level entry it
    needs, from ``layout`` (a text with the positions of ``text``; default ``text`` itself)."""

    def __init__(
        self,
        file: str,
        data: Any,
        text: str | None,
        parse: Callable[[], YamlDocument],
        read: Reader | None = None,
        *,
        layout: str | None = None,
    ) -> None:
        # No dataclass __init__: the lazy attributes stay unset until __getattr__ fills them.
        self.file = file
        self.data = data
        if text is not None:
            self.text = text
        self._parse = parse
        self._layout = layout if layout is not None else text
        self._read = read if self._layout is not None and isinstance(data, dict) else None
        self._sections: dict[str, YamlDocument | None] | None = None

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not set yet.
        if name not in _LAZY:
            raise AttributeError(name)
        parsed = self._parse()
        self.values = parsed.values
        self.keys = parsed.keys
        if "text" not in self.__dict__:
            self.text = parsed.text
        return self.__dict__[name]

    def locate(self, path: DataPath, *, key: bool = False) -> Position:
        """As :meth:`YamlDocument.locate` (the same walk up to the nearest located ancestor)."""
        p = tuple(path)
        first, second = ("keys", "values") if key else ("values", "keys")
        while True:
            found = self._lookup(p, first) or self._lookup(p, second)
            if found is not None:
                return found
            if not p:
                return (1, 1)
            p = p[:-1]

    def _lookup(self, p: DataPath, table: str) -> Position | None:
        """The position ``table`` ("values" or "keys") records for exactly ``p``."""
        part = self._section(p) if "values" not in self.__dict__ else None
        source: YamlDocument = self if part is None else part
        positions: dict[DataPath, Position] = getattr(source, table)
        return positions.get(p)

    def _section(self, p: DataPath) -> YamlDocument | None:
        """The piece of the text that holds the top-level entry of ``p`` (the first one for the
        document itself), read on its own; None to read the whole text instead."""
        if self._read is None:
            return None
        if self._sections is None:
            self._sections = self._split()
            if self._sections is None:
                self._read = None
                return None
        name = p[0] if p else next(iter(self.data), None)
        if not isinstance(name, str) or name not in self._sections:
            return YamlDocument(self.file, None, "")  # no top-level entry: nothing is recorded under it
        return self._sections[name]

    def _split(self) -> dict[str, YamlDocument | None] | None:
        """Each top-level key's piece of the text, read now (None: the text is not laid out so)."""
        text = self._layout
        assert text is not None
        starts = _top_lines(text)
        if len(starts) != len(self.data) or any(text.startswith("?", s) for s in starts):
            return None
        assert self._read is not None
        lines, line, done = [], 0, 0
        for start in starts:
            line += text.count("\n", done, start)
            lines.append(line)
            done = start
        ends = [*starts[1:], len(text)]
        pieces: dict[str, YamlDocument | None] = {}
        for name, line, start, end in zip(self.data, lines, starts, ends, strict=True):
            pieces[name] = _Piece(self._read, self.file, text[start:end], line)
        return pieces

    def part(self, prefix: DataPath) -> LazyYamlDocument:
        """The part under ``prefix`` as a document of its own, positions unchanged (what
        configgen.load.k8s.subdocument makes of a plain document), still worked out only when asked."""
        return _Part(self, prefix)


def _top_lines(text: str) -> list[int]:
    """Where each top-level line starts: at column 0 with something else than a comment, a space, a
    tab, a document marker (`---`, `...` alone on the line) or a list item (`- `, `-`)."""
    starts = [0] if text[:1] not in ("", " ", "#", "\n", "\t") else []
    starts += [m.end() for m in _LINE_START.finditer(text)]
    return [s for s in starts if text[s] not in "-." or not _marker_or_item(text, s)]


def _marker_or_item(text: str, start: int) -> bool:
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    return line in ("---", "...", "-") or line.startswith("- ")


class _Piece(YamlDocument):
    """One top-level entry's piece of a text, starting after ``line`` lines of it, read when its
    positions are first looked up (read alone, then moved down: the reader need not go through the
    thousands of lines before it again)."""

    def __init__(self, read: Reader, file: str, text: str, line: int = 0) -> None:
        self.file = file
        self.data = None
        self.text = text
        self._read = read
        self._line = line

    def __getattr__(self, name: str) -> Any:
        if name not in ("values", "keys"):
            raise AttributeError(name)
        doc = self._read(self.text, self.file)
        if doc is None:
            raise RuntimeError("a piece of configgen's own rendered output does not parse back")
        n = self._line
        self.values = {p: (line + n, column) for p, (line, column) in doc.values.items()}
        self.keys = {p: (line + n, column) for p, (line, column) in doc.keys.items()}
        return self.__dict__[name]


class _Part(LazyYamlDocument):
    def __init__(self, parent: LazyYamlDocument, prefix: DataPath) -> None:
        data = parent.data
        for step in prefix:
            data = data[step]
        n = len(prefix)

        def parse() -> YamlDocument:
            sub = YamlDocument(parent.file, data, parent.text)
            sub.values = {p[n:]: pos for p, pos in parent.values.items() if p[:n] == prefix}
            sub.keys = {p[n:]: pos for p, pos in parent.keys.items() if p[:n] == prefix and len(p) > n}
            return sub

        super().__init__(parent.file, data, parent.__dict__.get("text"), parse)
        self._parent = parent
        self._prefix = tuple(prefix)

    def _lookup(self, p: DataPath, table: str) -> Position | None:
        if p == () and table == "keys":
            return None  # the part's own key is not the part's (as in subdocument)
        return self._parent._lookup(self._prefix + p, table)
