"""Read the Kubernetes files people write by hand: chart values files and multi-document manifests.

- A **values file** (LiteLLM's Helm chart) is one YAML mapping with a `proxy_config:` key; that key
  is a LiteLLM config whose positions are already those of the values file.
- A **manifest** is one or more YAML documents, each a mapping with `apiVersion` and `kind` (what
  `kubectl apply -f` and `helm template` produce). A ConfigMap's `config.yaml` (a string, usually a
  `|` block scalar) is a LiteLLM config; its line:col are mapped back into the manifest.

Everything returns findings instead of raising: a document that is not YAML, an embedded config.yaml
that is not YAML, anchors, `---` inside block scalars (YAML ends a block scalar only at a
column-0 `---`, which the event parser reports as a new document).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from configgen.findings import DataPath, Finding, Severity
from configgen.load.lazy_yaml import LazyYamlDocument
from configgen.load.yaml import YamlDocument, load_yaml_text

CONFIG_KEYS = ("config.yaml", "config.yml", "litellm.yaml", "litellm.config.yaml", "proxy_config.yaml")


class EmbeddedConfig(NamedTuple):
    """A LiteLLM config found inside a Kubernetes file, positioned in that file."""

    doc: YamlDocument  # data = the LiteLLM config; file/line:col = the Kubernetes file's
    where: str  # e.g. "ConfigMap litellm-config data.config.yaml" or "proxy_config"


class Manifest(NamedTuple):
    file: str
    objects: list[YamlDocument]  # one per non-empty document, positions in the whole file


def looks_like_values(data: Any) -> bool:
    """A chart values file: a mapping with `proxy_config` (the key LiteLLM's chart renders)."""
    return isinstance(data, dict) and "proxy_config" in data


_TOP_API_VERSION = re.compile(r"^apiVersion:[ \t]*\S", re.M)
_TOP_KIND = re.compile(r"^kind:[ \t]*\S", re.M)


def looks_like_manifest(text: str) -> bool:
    """Cheap content test: a document of the file is a mapping with `apiVersion:` and `kind:` at the top
    level (column 0, as `kubectl` and `helm template` write them; a ConfigMap's embedded config is
    indented, so a LiteLLM config never looks like one)."""
    return bool(_TOP_API_VERSION.search(text) and _TOP_KIND.search(text))


class ManifestDocument(NamedTuple):
    """A manifest file as the input kinds table hands it to the pipeline."""

    file: str
    objects: list[YamlDocument]
    configs: list[EmbeddedConfig]
    #: problems reading it (located errors: not YAML, a document that is not an object, ...)
    problems: list[Finding]


def read_manifest(text: str, name: str) -> ManifestDocument:
    """Parse a manifest and the LiteLLM configs its ConfigMaps hold; problems are kept, never raised."""
    manifest, problems = parse_manifest(text, name)
    if manifest is None:
        return ManifestDocument(name, [], [], problems)
    configs, bad = embedded_configs(manifest)
    return ManifestDocument(name, manifest.objects, configs, problems + bad)


def _fail(file: str, rule: str, message: str, line: int, col: int, hint: str = "") -> Finding:
    return Finding(rule, Severity.ERROR, message, hint, file, max(line, 1), max(col, 1))


def split_documents(text: str, name: str) -> tuple[list[tuple[int, str]], list[Finding]]:
    """(first line index, text padded so line numbers stay those of the file) per document."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import DocumentStartEvent

    starts: list[int] = []
    try:
        for event in YAML(typ="safe").parse(text):  # the C parser when ruamel.yaml.clib is there
            if isinstance(event, DocumentStartEvent):
                starts.append(event.start_mark.line)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [_fail(name, "yaml-syntax", f"invalid YAML: {problem}", line, col)]
    except (YAMLError, ValueError) as exc:
        return [], [_fail(name, "yaml-syntax", f"invalid YAML: {' '.join(str(exc).split())}", 1, 1)]
    lines = text.split("\n")
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(lines)
        out.append((start, "\n" * start + "\n".join(lines[start:end])))
    return out, []


def parse_manifest(text: str, name: str) -> tuple[Manifest | None, list[Finding]]:
    """Every document of a manifest file; a document that is not an object is a located error."""
    pieces, problems = split_documents(text, name)
    if problems:
        return None, problems
    objects: list[YamlDocument] = []
    findings: list[Finding] = []
    for start, piece in pieces:
        doc, errs = load_yaml_text(piece, name)
        if doc is None:
            findings.extend(errs)
            continue
        if doc.data is None:
            continue  # an empty document (`---` followed by comments only), as helm template writes
        if not isinstance(doc.data, dict) or "kind" not in doc.data or "apiVersion" not in doc.data:
            findings.append(
                _fail(name, "k8s-not-an-object", "this YAML document is not a Kubernetes object (no apiVersion and kind)",
                      _first_content_line(piece, start), 1, "every document of a manifest needs `apiVersion:` and `kind:`")
            )
            continue
        objects.append(doc)
    return Manifest(name, objects), findings


def _first_content_line(piece: str, start: int) -> int:
    """1-based line of a document's first content (past its `---` and comments)."""
    lines = piece.split("\n")
    for i in range(start, len(lines)):
        s = lines[i].strip()
        if s and not s.startswith("#") and s != "---":
            return i + 1
    return start + 1


def subdocument(doc: YamlDocument, prefix: DataPath) -> YamlDocument:
    """The part of ``doc`` under ``prefix`` as a document of its own, positions unchanged."""
    if isinstance(doc, LazyYamlDocument):
        return doc.part(prefix)  # positions still only when asked
    n = len(prefix)
    data = doc.data
    for part in prefix:
        data = data[part]
    sub = YamlDocument(doc.file, data, doc.text)
    sub.values = {p[n:]: pos for p, pos in doc.values.items() if p[:n] == prefix}
    sub.keys = {p[n:]: pos for p, pos in doc.keys.items() if p[:n] == prefix and len(p) > n}
    return sub


def values_config(doc: YamlDocument) -> EmbeddedConfig | None:
    """The LiteLLM config of a chart values file (None when proxy_config is not a mapping)."""
    if not looks_like_values(doc.data) or not isinstance(doc.data["proxy_config"], dict):
        return None
    return EmbeddedConfig(subdocument(doc, ("proxy_config",)), "proxy_config")


def object_name(obj: YamlDocument) -> str:
    meta = obj.data.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return f"{obj.data.get('kind')} {name}" if isinstance(name, str) else str(obj.data.get("kind"))


def embedded_configs(manifest: Manifest) -> tuple[list[EmbeddedConfig], list[Finding]]:
    """LiteLLM configs held by the manifest's ConfigMaps, positions mapped into the manifest file."""
    found: list[EmbeddedConfig] = []
    problems: list[Finding] = []
    for obj in manifest.objects:
        if obj.data.get("kind") != "ConfigMap" or not isinstance(obj.data.get("data"), dict):
            continue
        for key, value in obj.data["data"].items():
            if key not in CONFIG_KEYS or not isinstance(value, str):
                continue
            where = f"{object_name(obj)} data.{key}"
            doc, errs = embedded_yaml(obj, ("data", key), value)
            if doc is None:
                problems.extend(e._replace(message=f"{where}: {e.message}") for e in errs)
            elif isinstance(doc.data, dict) and "model_list" in doc.data:
                found.append(EmbeddedConfig(doc, where))
    return found, problems


def embedded_yaml(obj: YamlDocument, path: DataPath, value: str) -> tuple[YamlDocument | None, list[Finding]]:
    """Parse a YAML string held at ``path`` of ``obj``, with positions in ``obj``'s file.

    For a literal block scalar (`|`) each line of the value is a line of the file shifted by the
    block's indentation, so positions map exactly; for any other style (quoted, folded) they cannot,
    and everything is placed at the value itself.
    """
    at_line, at_col = obj.locate(path)
    inner, errs = load_yaml_text(value, obj.file)
    shift = _block_shift(obj.text, at_line, value)

    def move(pos: tuple[int, int]) -> tuple[int, int]:
        if shift is None:
            return (at_line, at_col)
        return (at_line + pos[0], pos[1] + shift)

    if inner is None:
        return None, [e._replace(line=move((e.line, e.column))[0], column=move((e.line, e.column))[1], path=path)
                      for e in errs]
    inner.file = obj.file
    inner.values = {p: move(pos) for p, pos in inner.values.items()}
    inner.keys = {p: move(pos) for p, pos in inner.keys.items()}
    inner.values.setdefault((), (at_line, at_col))
    return inner, []


def _block_shift(text: str, indicator_line: int, value: str) -> int | None:
    """Indentation of a `|` block whose indicator is on ``indicator_line`` (1-based), if the file's
    following lines are exactly the value's lines indented by it; else None."""
    lines = text.split("\n")
    head = lines[indicator_line - 1] if 0 < indicator_line <= len(lines) else ""
    if "|" not in head:
        return None
    body = value.split("\n")
    if body and body[-1] == "":
        body = body[:-1]
    first = next((i for i, b in enumerate(body) if b.strip()), None)
    if first is None or indicator_line + first >= len(lines) + 1:
        return None
    sample = lines[indicator_line + first]
    shift = len(sample) - len(sample.lstrip(" "))
    for i, b in enumerate(body):
        idx = indicator_line + i
        if idx >= len(lines):
            return None
        if b.strip() and lines[idx] != " " * shift + b:
            return None
    return shift
