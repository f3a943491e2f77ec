"""The re-check of rendered output on the data render built (configgen.load.built) finds exactly what
parsing the text finds: the same rules, messages, lines and columns; positions are read only for a
finding, and only the top-level entry it is in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from configgen import pipeline
from configgen.findings import Finding, Severity
from configgen.load import built as built_module
from configgen.load.built import built_document
from configgen.load.k8s import ManifestDocument, read_manifest, subdocument, values_config
from configgen.load.kinds import BY_NAME
from configgen.load.lazy_yaml import LazyYamlDocument
from configgen.load.yaml import YamlDocument, load_yaml_text
from configgen.model.load import LoadedProject
from configgen.render import helm_values, k8s
from configgen.render.jinja import render_outputs
from tests.support.rendered import AS_OF, EXAMPLE, loaded, project_file
from tests.unit.test_render_properties import PROPS, _load, projects

SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789AB"


def _both(project: LoadedProject) -> tuple[list[Finding], list[Finding]]:
    """(on the built data, on the parsed text) for every environment of ``project``."""
    rendered = pipeline.render_project(project, list(project.envs))
    assert any(r.built for r in rendered)
    on_data = pipeline.check_rendered(project, rendered, AS_OF)
    on_text = pipeline.check_rendered(project, [r._replace(built=None) for r in rendered], AS_OF)
    return on_data, on_text


def test_same_findings_as_from_the_text(tmp_path: Path) -> None:
    for path in (EXAMPLE, project_file(tmp_path, 200, k8s=True), project_file(tmp_path, 9, resources=3, environments=2)):
        on_data, on_text = _both(loaded(path))
        assert on_data == on_text
        assert on_data  # the rendered configs get an info finding at least (the prometheus callback)


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rendered files that break rules: secrets pasted deep in model_list, in router_settings, in the
    Deployment's env and in the chart values."""
    import configgen.render.context as context

    real_context, real_deployment, real_values = context.build_context, k8s._deployment, helm_values.chart_values

    def ctx(*args: Any) -> dict[str, Any]:
        c = real_context(*args)
        if c["proxy"] is not None:
            c["models"][len(c["models"]) // 2]["auth"] = [("api_key", SECRET)]
            if c["proxy"]["redis"]:
                c["proxy"]["redis"] = {**c["proxy"]["redis"], "password": "s3cr3t-Passw0rd-value!"}
        return c

    def deployment(*args: Any) -> dict[str, Any]:
        d = real_deployment(*args)
        d["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "AZURE_API_KEY", "value": SECRET})
        return d

    def values(*args: Any) -> dict[str, Any]:
        v = real_values(*args)
        v["envVars"]["AZURE_API_KEY"] = SECRET
        return v

    monkeypatch.setattr(context, "build_context", ctx)
    monkeypatch.setattr(k8s, "_deployment", deployment)
    monkeypatch.setattr(helm_values, "chart_values", values)
    yield


def test_findings_on_rendered_output_through_the_data_path(broken: None, tmp_path: Path) -> None:
    for path in (EXAMPLE, project_file(tmp_path, 120, k8s=True)):
        on_data, on_text = _both(loaded(path))
        assert on_data == on_text
        errors = {(f.rule, f.file.rsplit("/", 1)[-1], f.path[:1]) for f in on_data if f.severity is Severity.ERROR}
        assert {
            ("litellm-inline-secret", "litellm.config.yaml (rendered)", ("model_list",)),
            ("litellm-inline-secret", "litellm.config.yaml (rendered)", ("router_settings",)),
            ("k8s-inline-secret", "deployment.yaml (rendered)", ("spec",)),
            ("k8s-inline-secret", "values.yaml (rendered)", ("envVars",)),
        } <= errors, errors


def test_a_finding_reads_only_the_entry_it_is_in(broken: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project = loaded(project_file(tmp_path, 300, resources=10, environments=1))
    rendered = pipeline.render_project(project, list(project.envs))
    [config] = [text for r in rendered for out, text in r.outputs.items() if out.kind == "litellm_config"]
    read: list[int] = []
    real = built_module.load_yaml_text

    def counting(text: str, name: str) -> Any:
        read.append(len(text.lstrip("\n")))
        return real(text, name)

    monkeypatch.setattr(built_module, "load_yaml_text", counting)
    found = [f for f in pipeline.check_rendered(project, rendered, AS_OF) if f.file.endswith("litellm.config.yaml (rendered)")]
    assert {f.path[0] for f in found} == {"model_list", "router_settings", "litellm_settings"}
    # model_list is read once (for the pasted key), the other entries on their own, the file never whole
    assert len(read) == 3 and sum(read) < len(config) and max(read) > len(config) * 0.9


def test_no_finding_no_reading(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = project_file(tmp_path, 30, environments=1)
    path.write_text(path.read_text().replace("prometheus: true", "prometheus: false"))
    project = loaded(path)
    rendered = pipeline.render_project(project, list(project.envs))
    monkeypatch.setattr(built_module, "load_yaml_text", None)  # any use would fail (an internal-error finding)
    assert pipeline.check_rendered(project, rendered, AS_OF) == []


def test_lowered_limits_are_reported_as_for_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    project = loaded(EXAMPLE)
    monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", "40")
    on_data, on_text = _both(project)
    assert on_data == on_text and any(f.rule == "yaml-too-complex" for f in on_data)


def test_values_are_counted_as_the_readers_count_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A large rendered file may pass the values limit by its characters: the data is counted then."""
    for kind, text, known in _documents(tmp_path):
        whole = _document(text) if kind == "k8s_manifest" else text
        pieces = [(known.data, whole), *((c, _at(known.data, p)) for p, c in known.embedded.items())]
        for data, body in pieces:
            n = built_module.count_values(data)
            monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", str(n))
            assert load_yaml_text(body, "f")[0] is not None
            monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", str(n - 1))
            doc, problems = load_yaml_text(body, "f")
            assert doc is None and problems[0].rule == "yaml-too-complex"
        most = max(built_module.count_values(d) for d, _ in pieces)
        monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", str(most))
        assert built_document(kind, known, text, "f") is not None
        monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", str(most - 1))
        assert built_document(kind, known, text, "f") is None
        monkeypatch.delenv("CONFIGGEN_MAX_YAML_VALUES")


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _document(text: str) -> str:
    """A one-object manifest's document, as read_manifest reads it (from its `---` on)."""
    return text[text.index("\n---\n") + 1 :]


# ---- positions: the lazy documents answer what the parsed ones answer ---------------------------------


def _paths(doc: YamlDocument) -> list[tuple[Any, ...]]:
    found = set(doc.values) | set(doc.keys)
    extra = {(*p, "missing") for p in found} | {("missing",), ("missing", 0), ()}
    return sorted(found | extra, key=repr)


def _same_positions(lazy: YamlDocument, parsed: YamlDocument) -> None:
    for p in _paths(parsed):
        for key in (False, True):
            assert lazy.locate(p, key=key) == parsed.locate(p, key=key), (p, key)
    assert lazy.data == parsed.data and lazy.text == parsed.text
    assert (lazy.values, lazy.keys) == (parsed.values, parsed.keys)


def _documents(tmp_path: Path) -> Iterator[tuple[str, str, Any]]:
    for path in (EXAMPLE, project_file(tmp_path, 25, resources=4, environments=1, k8s=True)):
        project = loaded(path)
        for item in pipeline.render_project(project, list(project.envs)):
            for out, known in (item.built or {}).items():
                yield out.recheck, item.outputs[out], known


def test_lazy_positions_are_the_parsed_ones(tmp_path: Path) -> None:
    kinds = set()
    for kind, text, known in _documents(tmp_path):
        kinds.add(kind)
        made = built_document(kind, known, text, "f.yaml")
        if kind == "k8s_manifest":
            parsed = read_manifest(text, "f.yaml")
            assert isinstance(made, ManifestDocument) and made.problems == parsed.problems == []
            for lazy, plain in zip(made.objects, parsed.objects, strict=True):
                _same_positions(lazy, plain)
            assert [c.where for c in made.configs] == [c.where for c in parsed.configs]
            for lazy_cfg, plain_cfg in zip(made.configs, parsed.configs, strict=True):
                _same_positions(lazy_cfg.doc, plain_cfg.doc)
            continue
        doc, _ = load_yaml_text(text, "f.yaml")
        assert isinstance(made, LazyYamlDocument) and doc is not None
        if kind == "k8s_values":
            lazy_cfg, plain_cfg = values_config(made), values_config(doc)
            assert lazy_cfg is not None and plain_cfg is not None
            _same_positions(lazy_cfg.doc, plain_cfg.doc)  # before the whole file is read
            part, sub = subdocument(made, ("proxy_config", "model_list", 0)), subdocument(doc, ("proxy_config", "model_list", 0))
            _same_positions(part, sub)
        _same_positions(made, doc)
    assert kinds == {"litellm", "k8s_manifest", "k8s_values"}


@PROPS
@given(projects())
def test_generated_projects_same_findings_and_positions(data: dict[str, Any]) -> None:
    project, env, findings = _load(data)
    if findings:
        return  # rendering refuses the project
    outputs, built = render_outputs(project, "e", env, source_name="p.yaml")
    for out, known in built.items():
        text = outputs[out]
        lazy = built_document(out.recheck, known, text, "f.yaml")
        parsed, problems = pipeline.parse_input(BY_NAME[out.recheck], text, "f.yaml")
        assert lazy is not None and parsed is not None and problems == []
        on_data = pipeline.check_document(pipeline.Document(BY_NAME[out.recheck], lazy, text), AS_OF, rendered=True)
        assert on_data == pipeline.check_document(parsed, AS_OF, rendered=True)
        _same_positions(lazy, parsed.doc)


@pytest.mark.parametrize("seed", range(4))
def test_top_lines_are_the_lines_yaml_starts_an_entry_on(seed: int) -> None:
    """_top_lines against its definition written as one pattern (what it replaced): lines at column 0
    that are no comment, space, tab, document marker or list item, on texts made of the hard cases."""
    import random
    import re

    from configgen.load.lazy_yaml import _top_lines

    definition = re.compile(r"^(?!---$|\.\.\.$|- |-$)[^ #\n\t].*$", re.M)
    pieces = ["a", "-", " ", "\n", "\t", "#", ".", "---", "...", "- ", "\r", "x: 1", "-x", "..x", "?"]
    rng = random.Random(seed)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert _top_lines(text) == [m.start() for m in definition.finditer(text)], repr(text)


def test_validate_checks_what_render_writes_but_the_hashes() -> None:
    """validate renders without the headers' hashes (``hashed=False``): every other byte, and every
    finding, is what render writes and checks."""
    import re

    from configgen.render.header import HASH_MARK, UNHASHED

    project = loaded(EXAMPLE)
    written = pipeline.render_project(project, list(project.envs))
    checked = pipeline.render_project(project, list(project.envs), hashed=False)
    hashes = 0
    for w, c in zip(written, checked, strict=True):
        assert w.outputs.keys() == c.outputs.keys() and w.built == c.built
        for out, text in w.outputs.items():
            unhashed, n = re.subn(re.escape(HASH_MARK) + "[0-9a-f]{64}", HASH_MARK + UNHASHED, text)
            assert c.outputs[out] == unhashed and n <= 1
            hashes += n
    assert hashes > 10
    assert pipeline.check_rendered(project, checked, AS_OF) == pipeline.check_rendered(project, written, AS_OF)
