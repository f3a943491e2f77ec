"""`explain`: the effective value of one setting in one environment, and which layer set it.

Pure: takes a loaded project and returns an :class:`Explanation`; the command formats it. The value
comes from the validated model when there is one (so built-in defaults show too), else from the
merged data. Dotted paths are matched greedily against the real keys, so names that contain dots
(`aliases.gpt-4.1.deployments`) resolve without quoting; list items are `[0]` or `.0`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from configgen.findings import DataPath, format_path
from configgen.load.yaml import YamlDocument
from configgen.model.load import EnvView

BUILT_IN = "built-in"


class ExplainError(Exception):
    """The path names nothing in this environment; the message says what exists there."""


@dataclass(frozen=True)
class Source:
    """Where a value is written in the project file."""

    path: DataPath
    file: str
    line: int
    column: int

    def as_dict(self) -> dict[str, Any]:
        return {"path": format_path(self.path), "file": self.file, "line": self.line, "column": self.column}

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Explanation:
    env: str
    path: DataPath
    value: Any
    #: 'defaults', 'environment', 'built-in', 'removed', or 'defaults+environment' for merged mappings
    layer: str
    source: Source | None
    #: the defaults' value the environment replaced (or removed), with its place
    overrides: tuple[Any, Source] | None = None
    children: list[Explanation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.env,
            "path": format_path(self.path),
            "value": self.value,
            "layer": self.layer,
            "source": self.source.as_dict() if self.source else None,
            "overrides": None
            if self.overrides is None
            else {"value": self.overrides[0], "source": self.overrides[1].as_dict()},
            "children": [c.as_dict() for c in self.children],
        }


_MISSING = object()


def parse_path(text: str, data: Any) -> DataPath:
    """Resolve ``text`` against ``data``: the longest existing key wins at every level."""
    rest = text.strip().strip(".")
    path: list[str | int] = []
    node = data
    while rest:
        index = re.match(r"^\[(\d+)\]\.?|^(\d+)(?:\.|$|(?=\[))", rest)
        if isinstance(node, list) and index:
            i = int(index.group(1) or index.group(2))
            if i >= len(node):
                raise ExplainError(f"{format_path(tuple(path))} has {len(node)} item(s); there is no [{i}]")
            path.append(i)
            node = node[i]
            rest = rest[index.end() :]
            continue
        if not isinstance(node, dict):
            where = format_path(tuple(path)) or "the environment"
            raise ExplainError(f"{where} is a {_kind(node)}; it has no `{rest}`")
        key = _longest_key(rest, node)
        if key is None:
            from configgen.suggest import hint_for

            word = re.split(r"[.\[]", rest, maxsplit=1)[0]
            keys = [str(k) for k in node]
            where = format_path(tuple(path)) or "the environment"
            raise ExplainError(
                f"{where} has no `{word}`; " + hint_for(word, keys, "it has: " + (", ".join(keys) or "nothing"))
            )
        path.append(key)
        node = node[key]
        rest = rest[len(key) :].removeprefix(".")
    return tuple(path)


def _longest_key(rest: str, node: dict[str, Any]) -> str | None:
    fits = [k for k in node if isinstance(k, str) and (rest == k or rest.startswith((k + ".", k + "[")))]
    return max(fits, key=len) if fits else None


def _kind(value: Any) -> str:
    return "null" if value is None else {"str": "string", "int": "number", "float": "number"}.get(
        type(value).__name__, type(value).__name__
    )


def effective_data(view: EnvView) -> dict[str, Any]:
    """Merged data with the model's built-in defaults filled in (when the environment is valid)."""
    if view.model is not None:
        dumped: dict[str, Any] = view.model.model_dump(mode="json")
        return dumped
    return view.layered.data


def explain(view: EnvView, doc: YamlDocument, path_text: str) -> Explanation:
    """Explain ``path_text`` in environment ``view``. Raises :class:`ExplainError`."""
    data = effective_data(view)
    try:
        path = parse_path(path_text, data)
    except ExplainError:
        removed = _removed(view, doc, path_text)
        if removed is None:
            raise
        return removed
    return _explain(view, doc, path, _get(data, path))


def _explain(view: EnvView, doc: YamlDocument, path: DataPath, value: Any) -> Explanation:
    merged = _get(view.layered.data, path)
    if merged is _MISSING:
        removed = _removed(view, doc, format_path(path))
        return removed or Explanation(view.name, path, value, BUILT_IN, None)
    layers = _layers(view, path, merged)
    src_path = view.layered.origin(path)
    source = _source(doc, src_path, value)
    overrides = None
    if layers == {"environment"}:
        default = _get(doc.data.get("defaults") or {}, path) if isinstance(doc.data, dict) else _MISSING
        if default is not _MISSING:
            overrides = (default, _source(doc, ("defaults", *path), default))
    children: list[Explanation] = []
    if isinstance(value, dict) and value:
        children = [_explain(view, doc, (*path, k), v) for k, v in value.items()]
        for child in children:
            layers |= set(child.layer.split("+"))
    order = ["defaults", "environment", "removed", BUILT_IN]
    layer = "+".join(sorted(layers, key=order.index)) if layers else BUILT_IN
    return Explanation(view.name, path, value, layer, source if len(layers) == 1 else None, overrides, children)


def _layers(view: EnvView, path: DataPath, merged: Any) -> set[str]:
    """Which file layers wrote ``path`` (a mapping merged from both has both)."""
    if isinstance(merged, dict) and merged:
        found: set[str] = set()
        for key, sub in merged.items():
            found |= _layers(view, (*path, key), sub)
        return found
    return {view.layered.layer(path)}


def _removed(view: EnvView, doc: YamlDocument, path_text: str) -> Explanation | None:
    """A path the environment removed with `null`: say so and point at the null."""
    data = doc.data if isinstance(doc.data, dict) else {}
    defaults = data.get("defaults") or {}
    override = (data.get("environments") or {}).get(view.name) or {}
    try:
        path = parse_path(path_text, defaults)
    except ExplainError:
        return None
    for depth in range(1, len(path) + 1):
        prefix = path[:depth]
        node = _get(override, prefix)
        if node is None:
            default = _get(defaults, path)
            return Explanation(
                view.name,
                path,
                None,
                "removed",
                _source(doc, ("environments", view.name, *prefix), None),
                (default, _source(doc, ("defaults", *path), default)),
            )
        if node is _MISSING:
            return None
    return None


def _source(doc: YamlDocument, path: DataPath, value: Any) -> Source:
    line, col = doc.locate(path, key=isinstance(value, (dict, list)))
    return Source(path, doc.file, line, col)


def _get(data: Any, path: DataPath) -> Any:
    node = data
    for part in path:
        in_dict = isinstance(node, dict) and part in node
        if in_dict or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
        else:
            return _MISSING
    return node


def format_text(ex: Explanation) -> str:
    """Human-readable: the value, then who set it (and what it replaced)."""
    name = f"{ex.env}: {format_path(ex.path)}"
    if ex.children:
        merged = "merged from " + ", ".join(ex.layer.split("+"))
        how = f"set by {ex.layer} at {ex.source.where}" if ex.source else merged
        lines = [f"{name}: mapping ({how})"]
        width = max(len(str(c.path[-1])) for c in ex.children)
        for c in ex.children:
            where = f"{c.layer} at {c.source.where}" if c.source else c.layer
            lines.append(f"  {c.path[-1]!s:<{width}} = {_show(c.value)}  ({where})")
        return "\n".join(lines) + "\n"
    lines = [f"{name} = {_show(ex.value)}"]
    if ex.layer == "removed" and ex.source is not None:
        lines.append(f"  removed by the environment: `null` at {ex.source.where} ({format_path(ex.source.path)})")
    elif ex.layer == BUILT_IN:
        lines.append("  not set in the project file: configgen's built-in default")
    elif ex.source is not None:
        lines.append(f"  set by {ex.layer} at {ex.source.where} ({format_path(ex.source.path)})")
    if ex.overrides is not None:
        value, src = ex.overrides
        verb = "was" if ex.layer == "removed" else "overrides"
        lines.append(f"  {verb} {format_path(src.path)} = {_show(value)} at {src.where}")
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    import json

    if isinstance(value, str):
        return value if value and re.fullmatch(r"[\w./:@+-]+", value) else json.dumps(value)
    return json.dumps(value, ensure_ascii=False, default=str)
