"""The one round-trip YAML module of the authoring tools (`init`, `add`, both importers).

Load a project file with ruamel and detect how it is laid out, change the tree, dump it back the
same way: mapping indentation and where a sequence's dash sits, how nulls are spelled (`null`, `~`
or nothing), whether short lists are written in flow style, and which quote character strings that
must stay strings (versions, api-versions) get. What ruamel keeps by itself (comments, key order,
existing quotes and flow styles) it keeps; what it would change (indentation, the spelling of a null)
is put back from the detected layout.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

Tree = Any  # ruamel CommentedMap

_NULLS = ("null", "~", "Null", "NULL", "")
_AFTER_KEY = re.compile(r"""^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#'"][^#]*?)\s*:(?:\s+|$)(.*)$""")


@dataclass(frozen=True)
class Layout:
    """How a file writes YAML: what a dump must repeat so an edit changes only the edited lines."""

    mapping: int = 2  # indent of a nested mapping
    offset: int = 2  # where a block sequence's dash sits under its key
    null: str = "null"  # projects spell a removed default `null`
    flow: bool = True  # new short lists as `[a, b]`
    quote: str = '"'


#: The layout of the file being edited, for the values an edit builds (quotes, list style).
_CURRENT: ContextVar[Layout] = ContextVar("layout", default=Layout())  # noqa: B039  (frozen)


@contextlib.contextmanager
def using_layout(layout: Layout) -> Iterator[None]:
    token = _CURRENT.set(layout)
    try:
        yield
    finally:
        _CURRENT.reset(token)


class Null:
    """A null spelled differently from the file's usual spelling; falsy, and dumped as written."""

    __slots__ = ("spelling",)

    def __init__(self, spelling: str) -> None:
        self.spelling = spelling

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"Null({self.spelling!r})"


def is_null(value: Any) -> bool:
    return value is None or isinstance(value, Null)


def _yaml(layout: Layout) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long lines that were one line
    yaml.indent(mapping=layout.mapping, sequence=layout.offset + 2, offset=layout.offset)

    def null(representer: Any, _data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", layout.null)

    def spelled(representer: Any, data: Null) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", data.spelling)

    yaml.representer.add_representer(type(None), null)
    yaml.representer.add_representer(Null, spelled)
    return yaml


def parse(text: str) -> tuple[Tree, Layout]:
    """The ruamel tree of ``text`` and its layout. Raises ruamel's YAMLError on broken YAML."""
    layout = detect_indent(text)
    tree = _yaml(layout).load(text)
    if tree is None:
        return tree, layout
    nulls: list[tuple[Any, Any, str]] = []
    seqs = Counter[bool]()
    quotes = Counter[str]()
    lines = text.splitlines()
    _survey(tree, lines, nulls, seqs, quotes)
    spellings = Counter(s for _, _, s in nulls)
    usual = spellings.most_common(1)[0][0] if spellings else layout.null
    for mapping, key, spelling in nulls:
        if spelling != usual:
            mapping[key] = Null(spelling)
    layout = Layout(
        layout.mapping,
        layout.offset,
        usual,
        seqs[True] >= seqs[False] if seqs else True,
        "'" if quotes["'"] > quotes['"'] else '"',
    )
    return tree, layout


def _survey(node: Any, lines: list[str], nulls: list[tuple[Any, Any, str]], seqs: Counter[bool], quotes: Counter[str]) -> None:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        fa = getattr(node, "fa", None)
        if fa is not None and node and all(not isinstance(v, (dict, list)) for v in node):
            seqs[bool(fa.flow_style())] += 1
        items = enumerate(node)
    else:
        return
    for key, value in items:
        if isinstance(value, SingleQuotedScalarString):
            quotes["'"] += 1
        elif isinstance(value, DoubleQuotedScalarString):
            quotes['"'] += 1
        elif value is None and isinstance(node, dict):
            spelling = _null_spelling(node, key, lines)
            if spelling is not None:
                nulls.append((node, key, spelling))
        else:
            _survey(value, lines, nulls, seqs, quotes)


def _null_spelling(mapping: Any, key: Any, lines: list[str]) -> str | None:
    """How the file spells the null value of ``mapping[key]`` (block mappings only)."""
    try:
        line, col = mapping.lc.key(key)
    except (AttributeError, KeyError, TypeError):
        return None
    if line >= len(lines):
        return None
    m = _AFTER_KEY.match(lines[line][col:])
    if m is None:
        return None
    rest = m.group(1)
    rest = "" if rest.startswith("#") else rest.split(" #")[0].strip()
    return rest if rest in _NULLS else None


def detect_indent(text: str) -> Layout:
    """Guess the indentation people used, so a dump does not re-indent the whole file."""
    mapping = 0
    offset: int | None = None
    stack: list[tuple[int, str]] = []  # (indent, line) of recent lines
    for raw in text.splitlines():
        stripped = raw.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(stripped)
        parent = next((p for p in reversed(stack) if p[0] < indent or (p[0] == indent and stripped[:1] == "-")), None)
        if stripped.startswith("- ") and offset is None:
            owner = next((p for p in reversed(stack) if p[0] <= indent and p[1].rstrip().endswith(":")), None)
            if owner is not None:
                offset = indent - owner[0]
        elif parent is not None and not mapping and not parent[1].lstrip().startswith("-") and indent > parent[0]:
            mapping = indent - parent[0]
        stack.append((indent, stripped))
    return Layout(mapping or 2, 2 if offset is None else offset)


def detect_layout(text: str) -> Layout:
    """The whole layout of ``text`` (indentation, null spelling, list style, quotes)."""
    from ruamel.yaml.error import YAMLError

    try:
        return parse(text)[1]
    except YAMLError:
        return detect_indent(text)


def dump(tree: Tree, layout: Layout | None = None) -> str:
    out = io.StringIO()
    _yaml(layout or Layout()).dump(tree, out)
    return out.getvalue()


def cmap(items: dict[str, Any] | None = None, *, flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap(items or {})
    if flow:
        out.fa.set_flow_style()
    return out


def seq(items: list[Any], layout: Layout | None = None) -> Any:
    """A new list, in flow style unless the file writes its short lists as blocks."""
    from ruamel.yaml.comments import CommentedSeq

    out = CommentedSeq(items)
    if (layout or _CURRENT.get()).flow:
        out.fa.set_flow_style()
    return out


def flow_list(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    out = CommentedSeq(items)
    out.fa.set_flow_style()
    return out


def quoted(value: str, layout: Layout | None = None) -> Any:
    """A quoted scalar: versions and api-versions must stay strings, not YAML dates."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if (layout or _CURRENT.get()).quote == "'":
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)


# --- keeping the layout when appending -----------------------------------------------------------
# ruamel keeps the blank lines and comments that follow a value on the *deepest last* scalar of the
# value before them. Appending naively puts a new entry after the next section's heading comment.
# So: move that trailing text from the old last entry to the new one, and keep the blank line that
# separates entries when the file separates them.


def _carrier(container: Any, key: Any) -> tuple[Any, Any]:
    """The (mapping or sequence, key or index) whose comment slot holds the text after ``key``'s value."""
    value = container[key]
    while isinstance(value, (dict, list)) and value and not _is_flow(value):
        container, key = value, (list(value)[-1] if isinstance(value, dict) else len(value) - 1)
        value = container[key]
    return container, key


def _is_flow(value: Any) -> bool:
    fa = getattr(value, "fa", None)
    return fa is None or bool(fa.flow_style())


def _slot(container: Any) -> int:
    return 2 if isinstance(container, dict) else 0


def _trailing(container: Any, key: Any) -> str:
    c, k = _carrier(container, key)
    item = c.ca.items.get(k)
    token = item[_slot(c)] if item else None
    return str(token.value) if token is not None else ""


def _set_trailing(container: Any, key: Any, text: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    c, k = _carrier(container, key)
    item = c.ca.items.setdefault(k, [None, None, None, None] if isinstance(c, dict) else [None, None])
    item[_slot(c)] = CommentToken(text, CommentMark(0), None) if text else None


def append(mapping: Any, key: str, value: Any) -> None:
    """``mapping[key] = value`` as the last entry, laid out the way the file lays out its entries."""
    keys = list(mapping)
    if not keys:
        mapping[key] = value
        return
    last = keys[-1]
    text = _trailing(mapping, last)
    head, newline, rest = text.partition("\n")
    # entries separated by a blank line (resources, environments) get one too
    separated = len(keys) >= 2 and _trailing(mapping, keys[-2]).partition("\n")[2].startswith("\n")
    if rest or separated or newline:
        _set_trailing(mapping, last, head + "\n" + ("\n" if separated else ""))
    mapping[key] = value
    if rest.strip("\n") or (rest and not separated):
        _set_trailing(mapping, key, "\n" + rest)
