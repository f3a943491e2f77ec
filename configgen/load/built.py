"""The documents the re-check of rendered output judges, made from the data configgen built.

`parse_input` makes a rule target from a file's text (configgen.pipeline); for an output configgen
rendered from its built-in template or built as data (configgen.render), the renderer also hands over
the data that text parses to (:class:`Built`), and the same target is made from it here: a YAML kind
becomes a :class:`~configgen.load.lazy_yaml.LazyYamlDocument`, a manifest a ManifestDocument of such
documents, with positions taken from the text by the usual readers only when a finding needs one.
Outputs from a project's own templates never get here: they are judged from their bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from configgen.findings import DataPath
from configgen.load.k8s import EmbeddedConfig, ManifestDocument, embedded_yaml, object_name, parse_manifest
from configgen.load.lazy_yaml import LazyYamlDocument
from configgen.load.limits import YAML_DEPTH, YAML_VALUES
from configgen.load.yaml import YamlDocument, load_yaml_text


class Built(NamedTuple):
    """What a rendered output's text parses to, known because configgen built it."""

    data: Any
    #: YAML texts held as strings inside ``data`` (a ConfigMap's `config.yaml`), by their path in it:
    #: what each of them parses to
    embedded: Mapping[DataPath, Any] = MappingProxyType({})


def built_document(kind: str, built: Built | None, text: str, display: str) -> Any | None:
    """What parse_input would make of ``text`` as the input kind ``kind``, from ``built`` instead of
    from the text; None when only the text can tell (then the caller parses it)."""
    if built is None or not _within_limits(built, text):
        return None
    if kind in ("litellm", "k8s_values"):  # YAML kinds read by load_yaml_text
        return LazyYamlDocument(display, built.data, text, lambda: _parsed(load_yaml_text(text, display)[0]), _read)
    if kind == "k8s_manifest":  # read_manifest: the objects, the LiteLLM configs in ConfigMaps
        return _manifest(built, text, display)
    return None


def _within_limits(built: Built, text: str) -> bool:
    """Whether the readers would read the text within their limits (past one, the text path reports
    it): the values of each YAML document (a value takes a character at least, so a short text needs
    no count), and nesting (configgen's own output nests a dozen levels at most)."""
    if YAML_DEPTH.value() < YAML_DEPTH.default:
        return False
    limit = YAML_VALUES.value()
    return len(text) <= limit or all(count_values(d) <= limit for d in (built.data, *built.embedded.values()))


def count_values(data: Any) -> int:
    """The values a reader counts for ``data`` (configgen.load._yaml_common.Budget): every scalar,
    mapping key and collection."""
    count, stack = 0, [data]
    while stack:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            count += len(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _read(text: str, display: str) -> YamlDocument | None:
    return load_yaml_text(text, display)[0]


def _parsed(doc: YamlDocument | None) -> YamlDocument:
    if doc is None:
        raise RuntimeError("configgen's own rendered output does not parse back")
    return doc


def _manifest(built: Built, text: str, display: str) -> ManifestDocument:
    """A one-object manifest (each rendered Kubernetes file holds one object)."""

    def parse() -> YamlDocument:
        manifest, _ = parse_manifest(text, display)
        if manifest is None or len(manifest.objects) != 1:
            raise RuntimeError("configgen's own rendered manifest does not parse back to one object")
        return manifest.objects[0]

    # Positions in a manifest's one document are those of the whole file, so its top-level entries are
    # read from the file's text as for a YAML kind; `text` is the padded piece read_manifest gives it.
    obj = LazyYamlDocument(display, built.data, None, parse, _read, layout=text)
    configs = [_embedded(obj, path, config) for path, config in built.embedded.items()]
    return ManifestDocument(display, [obj], configs, [])


def _embedded(obj: LazyYamlDocument, path: DataPath, config: Any) -> EmbeddedConfig:
    value = obj.data
    for step in path:
        value = value[step]
    assert isinstance(value, str)
    doc = LazyYamlDocument(obj.file, config, value, lambda: _parsed(embedded_yaml(obj, path, value)[0]))
    return EmbeddedConfig(doc, f"{object_name(obj)} {'.'.join(str(p) for p in path)}")
