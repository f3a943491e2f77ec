"""Edit a project file in place without losing what people wrote: comments, key order, quotes, layout.

Used by `configgen init`, `configgen add` and the importers. Every edit is a round trip through
:mod:`configgen.tools.authoring.roundtrip`: load, change the tree, dump, then *validate the new text
exactly as `configgen validate` would* before anything is written. An edit that would add an error is
refused with the findings, located in the file on disk where the value is already there, else "in the
file as it would be written"; errors the file already had do not block unrelated edits. Writes are
atomic (:mod:`configgen.write`) and keep the file mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configgen.findings import Finding, Severity
from configgen.tools.authoring.roundtrip import (
    Layout,
    Tree,
    append,
    cmap,
    detect_layout,
    dump,
    is_null,
    parse,
    quoted,
    seq,
    using_layout,
)

__all__ = ["Document", "EditError", "Layout", "detect_layout", "edit", "load", "loads", "save", "validate_text"]


class EditError(Exception):
    """The edit cannot be made; ``findings`` says why (located on disk, or in the text as it would be written)."""

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []


@dataclass
class Document:
    """A project file opened for editing."""

    path: Path
    text: str
    tree: Tree
    layout: Layout = field(default_factory=Layout)

    def dump(self) -> str:
        return dump(self.tree, self.layout)


def load(path: Path) -> Document:
    from ruamel.yaml.error import YAMLError

    from configgen.load.yaml import load_yaml_text, read_text

    text, problems = read_text(path, str(path))
    if text is None:
        raise EditError(f"cannot read {path}", problems)
    doc, problems = load_yaml_text(text, str(path))
    if doc is None:
        raise EditError(f"{path} is not valid YAML; fix it first", problems)
    try:
        tree, layout = parse(text)
    except YAMLError as exc:  # already parsed once above; kept for safety
        raise EditError(f"{path}: {exc}") from None
    if not isinstance(tree, dict):
        raise EditError(f"{path} is not a configgen project (not a mapping)")
    return Document(path, text, tree, layout)


def loads(text: str, path: Path) -> Document:
    """A document from text (for `init`, before the file exists)."""
    tree, layout = parse(text)
    return Document(path, text, tree, layout)


def validate_text(
    text: str,
    path: Path,
    as_of: dt.date | None = None,
    baseline: str | None = None,
    *,
    rendered: bool = False,
) -> tuple[list[Finding], list[Finding]]:
    """(all findings, the errors that ``baseline`` did not already have) for project ``text``.

    ``rendered`` also checks what the project renders, as `configgen validate` does.
    """
    from configgen.app import validate_project_file
    from configgen.load.yaml import load_yaml_text

    def findings_of(source: str) -> list[Finding]:
        doc, problems = load_yaml_text(source, str(path))
        if doc is None:
            return problems
        return validate_project_file(path, as_of, doc, rendered=rendered).findings

    after = findings_of(text)
    before = {_identity(f) for f in findings_of(baseline)} if baseline is not None else set()
    new_errors = [f for f in after if f.severity is Severity.ERROR and _identity(f) not in before]
    return after, new_errors


def _identity(f: Finding) -> tuple[str, str, str]:
    # positions move when lines are added; rule, path and message do not
    return (f.rule, f.path_str, f.message)


AS_WRITTEN = "in the file as it would be written"


def locate_on_disk(findings: list[Finding], text: str, path: Path, on_disk: str | None) -> list[Finding]:
    """Findings about ``text`` (not written) as a user can follow them: at the same key in the file on
    disk (``on_disk``) when it is there, else without a position and saying where they are."""
    from configgen.load.yaml import load_yaml_text

    new, _ = load_yaml_text(text, str(path))
    disk = load_yaml_text(on_disk, str(path))[0] if on_disk is not None else None
    out = []
    for f in findings:
        if f.file != str(path) or not f.line:
            out.append(f)
            continue
        if disk is not None and new is not None and f.path and _same_value(new.data, disk.data, f.path):
            on_key = new.keys.get(f.path) == (f.line, f.column)
            spot = (disk.keys if on_key else disk.values).get(f.path) or disk.locate(f.path, key=on_key)
            out.append(f.at(f.file, *spot))
            continue
        out.append(f._replace(line=0, column=0, message=f"{f.message} (line {f.line} {AS_WRITTEN})"))
    return out


def _same_value(new: Any, disk: Any, path: tuple[str | int, ...]) -> bool:
    """The key exists on disk with the value the finding is about (an edit may have changed it)."""
    def at(data: Any) -> Any:
        for part in path:
            try:
                data = data[part]
            except (KeyError, IndexError, TypeError):
                return _MISSING
        return data

    return bool(at(new) == at(disk)) and at(disk) is not _MISSING


_MISSING = object()


def save(
    doc: Document,
    text: str,
    *,
    as_of: dt.date | None = None,
    baseline: str | None = None,
    on_disk: str | None = None,
) -> list[Finding]:
    """Validate ``text`` and write it atomically; returns the (non-blocking) findings.

    ``baseline``: the errors this text already had do not block; ``on_disk``: the file as it is now,
    where refused findings are located when they can be (default: ``baseline``).
    """
    from configgen.plan import plan_files
    from configgen.write import WriteError, write_all

    findings, new_errors = validate_text(text, doc.path, as_of, baseline)
    if new_errors:
        raise EditError(
            f"not written: the change would make {doc.path} invalid",
            locate_on_disk(new_errors, text, doc.path, on_disk if on_disk is not None else baseline),
        )
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
    with using_layout(doc.layout):
        change(doc.tree)
    text = doc.dump()
    return text, save(doc, text, as_of=as_of, baseline=doc.text)


# --- the changes `configgen add` makes -----------------------------------------------------------


def _insert(tree: Tree, path: tuple[str, ...], key: str, value: Any, what: str) -> None:
    """Add ``key: value`` to the mapping at ``path``, creating missing (or null) mappings on the way.

    The missing part is built whole and appended once, so layout fixes apply to the outermost new key.
    """
    node = tree
    for depth, part in enumerate(path):
        child = node.get(part)
        if is_null(child):
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
    body = cmap({"deployments": seq(deployments)})
    if fallbacks:
        body["fallbacks"] = seq(fallbacks)
    _insert(tree, where, name, body, "alias")


def add_environment(tree: Tree, name: str, *, description: str = "", production: bool = False) -> None:
    body = cmap()
    if description:
        body["description"] = description
    if production:
        body["production"] = True
    _insert(tree, ("environments",), name, body if body else None, "environment")


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
