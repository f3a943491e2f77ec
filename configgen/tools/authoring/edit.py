"""Edit a project file in place without losing what people wrote: comments, key order, quotes, layout.

Used by `configgen init` and `configgen add`. Every edit is a ruamel round trip: load, change the
tree, dump, then *validate the new text exactly as `configgen validate` would* before anything is
written. An edit that would add an error is refused with the findings; errors the file already had
do not block unrelated edits. Writes are atomic (:mod:`configgen.write`) and keep the file mode.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configgen.findings import Finding, Severity

Tree = Any  # ruamel CommentedMap


class EditError(Exception):
    """The edit cannot be made; ``findings`` says why (with positions in the edited text)."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass(frozen=True)
class Layout:
    """How the file indents: mapping indent, and where a block sequence's dash sits under its key."""

    mapping: int = 2
    offset: int = 2


def detect_layout(text: str) -> Layout:
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


def _yaml(layout: Layout) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long lines that were one line
    yaml.indent(mapping=layout.mapping, sequence=layout.offset + 2, offset=layout.offset)

    def null(representer: Any, _data: None) -> Any:
        # ruamel writes None as an empty value; projects spell it `null` (it removes a default)
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    yaml.representer.add_representer(type(None), null)
    return yaml


@dataclass
class Document:
    """A project file opened for editing."""

    path: Path
    text: str
    tree: Tree
    layout: Layout = field(default_factory=Layout)

    def dump(self) -> str:
        out = io.StringIO()
        _yaml(self.layout).dump(self.tree, out)
        return out.getvalue()


def load(path: Path) -> Document:
    from ruamel.yaml.error import YAMLError

    from configgen.load.yaml import load_yaml_text, read_text

    text, problems = read_text(path, str(path))
    if text is None:
        raise EditError(f"cannot read {path}", problems)
    doc, problems = load_yaml_text(text, str(path))
    if doc is None:
        raise EditError(f"{path} is not valid YAML; fix it first", problems)
    layout = detect_layout(text)
    try:
        tree = _yaml(layout).load(text)
    except YAMLError as exc:  # already parsed once above; kept for safety
        raise EditError(f"{path}: {exc}") from None
    if not isinstance(tree, dict):
        raise EditError(f"{path} is not a configgen project (not a mapping)")
    return Document(path, text, tree, layout)


def loads(text: str, path: Path) -> Document:
    """A document from text (for `init`, before the file exists)."""
    layout = detect_layout(text)
    return Document(path, text, _yaml(layout).load(text), layout)


def validate_text(
    text: str, path: Path, as_of: dt.date | None = None, baseline: str | None = None
) -> tuple[list[Finding], list[Finding]]:
    """(all findings, the errors that ``baseline`` did not already have) for project ``text``."""
    from configgen.app import validate_project_file
    from configgen.load.yaml import load_yaml_text

    def findings_of(source: str) -> list[Finding]:
        doc, problems = load_yaml_text(source, str(path))
        if doc is None:
            return problems
        return validate_project_file(path, as_of, doc, rendered=False).findings

    after = findings_of(text)
    before = {_identity(f) for f in findings_of(baseline)} if baseline is not None else set()
    new_errors = [f for f in after if f.severity is Severity.ERROR and _identity(f) not in before]
    return after, new_errors


def _identity(f: Finding) -> tuple[str, str, str]:
    # positions move when lines are added; rule, path and message do not
    return (f.rule, f.path_str, f.message)


def save(doc: Document, text: str, *, as_of: dt.date | None = None, baseline: str | None = None) -> list[Finding]:
    """Validate ``text`` and write it atomically; returns the (non-blocking) findings."""
    from configgen.plan import plan_files
    from configgen.write import WriteError, write_all

    findings, new_errors = validate_text(text, doc.path, as_of, baseline)
    if new_errors:
        raise EditError(f"not written: the change would make {doc.path} invalid", new_errors)
    try:
        mode = doc.path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    (planned,) = plan_files([(doc.path, text, mode)])
    try:
        write_all([planned])
    except WriteError as exc:
        raise EditError(f"cannot write {exc.path}: {exc.message}") from None
    return findings


def edit(path: Path, change: Callable[[Tree], None], *, as_of: dt.date | None = None) -> tuple[str, list[Finding]]:
    """Load ``path``, apply ``change`` to its tree, validate and write. Returns (new text, findings)."""
    doc = load(path)
    change(doc.tree)
    text = doc.dump()
    return text, save(doc, text, as_of=as_of, baseline=doc.text)


# --- the changes `configgen add` makes -----------------------------------------------------------


def cmap(items: dict[str, Any] | None = None, *, flow: bool = False) -> Any:
    from ruamel.yaml.comments import CommentedMap

    out = CommentedMap(items or {})
    if flow:
        out.fa.set_flow_style()
    return out


def flow_list(items: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    out = CommentedSeq(items)
    out.fa.set_flow_style()
    return out


def quoted(value: str) -> Any:
    """A double-quoted scalar: versions and api-versions must stay strings, not YAML dates."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _insert(tree: Tree, path: tuple[str, ...], key: str, value: Any, what: str) -> None:
    """Add ``key: value`` to the mapping at ``path``, creating missing (or null) mappings on the way.

    The missing part is built whole and appended once, so layout fixes apply to the outermost new key.
    """
    node = tree
    for depth, part in enumerate(path):
        child = node.get(part)
        if child is None:
            nested = cmap({key: value})
            for outer in reversed(path[depth + 1 :]):
                nested = cmap({outer: nested})
            if part in node:
                node[part] = nested  # `part: null` becomes the mapping, in place
            else:
                append(node, part, nested)
            return
        if not isinstance(child, dict):
            raise EditError(f"`{'.'.join(path[: depth + 1])}` is not a mapping in this file")
        node = child
    _refuse_existing(node, key, what)
    append(node, key, value)


def _refuse_existing(mapping: Any, name: str, what: str) -> None:
    if name in mapping:
        raise EditError(f"{what} `{name}` already exists; edit it in the file, or choose another name")


def deployment_map(model: str, version: str, sku: str, capacity: int) -> Any:
    return cmap({"model": model, "version": quoted(version), "sku": sku, "capacity": capacity})


def add_resource(
    tree: Tree,
    name: str,
    *,
    endpoint: str,
    region: str,
    api_version: str,
    key_env: str | None,
    private_endpoint: bool = False,
    deployments: dict[str, Any] | None = None,
) -> None:
    body = cmap({"endpoint": endpoint, "region": region})
    if private_endpoint:
        body["private_endpoint"] = True
    auth = {"type": "api_key", "key_env": key_env} if key_env else {"type": "entra"}
    body["auth"] = cmap(auth, flow=True)
    body["api_version"] = quoted(api_version)
    body["deployments"] = cmap(deployments or {})
    _insert(tree, ("resources",), name, body, "resource")


def add_deployment(tree: Tree, resource: str, name: str, *, model: str, version: str, sku: str, capacity: int) -> None:
    resources = tree.get("resources") or {}
    if resource not in resources:
        from configgen.suggest import hint_for

        names = [str(r) for r in resources]
        raise EditError(f"no resource `{resource}`; " + hint_for(resource, names, "resources: " + ", ".join(names)))
    body = deployment_map(model, version, sku, capacity)
    _insert(tree, ("resources", resource, "deployments"), name, body, f"deployment {resource}/")


def add_alias(
    tree: Tree, name: str, *, deployments: list[str], fallbacks: list[str], environment: str | None = None
) -> None:
    """An alias in `defaults` (every environment), or only in one environment."""
    if environment is not None:
        if environment not in (tree.get("environments") or {}):
            raise EditError(f"no environment `{environment}`")
        where: tuple[str, ...] = ("environments", environment, "aliases")
    else:
        where = ("defaults", "aliases")
    body = cmap({"deployments": flow_list(deployments)})
    if fallbacks:
        body["fallbacks"] = flow_list(fallbacks)
    _insert(tree, where, name, body, "alias")


def add_environment(tree: Tree, name: str, *, description: str = "", production: bool = False) -> None:
    body = cmap()
    if description:
        body["description"] = description
    if production:
        body["production"] = True
    _insert(tree, ("environments",), name, body if body else None, "environment")


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


def atomic_create(path: Path, text: str) -> None:
    """Write a new file atomically; the caller has already decided it may replace what is there."""
    from configgen.plan import plan_files
    from configgen.write import WriteError, write_all

    mode = 0o644
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    try:
        write_all(plan_files([(path, text, mode)]))
    except WriteError as exc:
        raise EditError(f"cannot write {exc.path}: {exc.message}") from None
