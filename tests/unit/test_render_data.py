"""What render hands over as data (configgen.load.built.Built) is exactly what its text parses to,
for every reader; a project's own template never gets data; the Kubernetes files are the bytes
ruamel's dump wrote before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from ruamel.yaml import YAML

from configgen.load.built import Built
from configgen.load.k8s import parse_manifest
from configgen.load.yaml import load_yaml_text
from configgen.pipeline import render_project
from configgen.render.context import build_context
from configgen.render.header import split_header
from configgen.render.jinja import render_outputs
from configgen.render.k8s import _ruamel_dump
from configgen.render.litellm_data import litellm_data
from configgen.render.outputs import Output
from tests.support.rendered import EXAMPLE, loaded, project_file, same
from tests.unit.test_render_properties import PROPS, _load, projects


def _parsed(out: Output, text: str) -> Any:
    """What configgen's own reader makes of a rendered file (the text path of the re-check)."""
    if out.recheck == "k8s_manifest":
        manifest, problems = parse_manifest(text, out.relpath)
        assert manifest is not None and len(manifest.objects) == 1, problems
        return manifest.objects[0].data
    doc, problems = load_yaml_text(text, out.relpath)
    assert doc is not None, problems
    return doc.data


def _check(outputs: dict[Output, str], built: dict[Output, Built]) -> None:
    for out, known in built.items():
        text = outputs[out]
        assert same(_parsed(out, text), known.data), out.kind
        _, body = split_header(text)
        for reader in (yaml.safe_load, YAML(typ="safe", pure=True).load):  # LiteLLM's reader, and YAML 1.2
            assert same(reader(body), known.data), out.kind
        for path, config in known.embedded.items():
            value = known.data
            for step in path:
                value = value[step]
            doc, problems = load_yaml_text(value, out.relpath)
            assert doc is not None and same(doc.data, config) and same(yaml.safe_load(value), config), problems


def _projects(tmp: Path) -> list[Path]:
    return [
        EXAMPLE,
        project_file(tmp, 1, resources=1, environments=1),
        project_file(tmp, 40, resources=7, environments=4),
        project_file(tmp, 300, k8s=True),
        project_file(tmp, 12, resources=5, environments=2, k8s=True),
    ]


def test_built_data_is_what_the_text_parses_to(tmp_path: Path) -> None:
    for path in _projects(tmp_path):
        project = loaded(path)
        rendered = render_project(project, list(project.envs))
        assert rendered and all(r.failure is None for r in rendered)
        for item in rendered:
            assert item.built is not None
            # Every YAML output from a built-in template or a builder comes with its data.
            assert {o.kind for o in item.built} == {o.kind for o in item.outputs if o.builder or o.data}, path
            _check(item.outputs, dict(item.built))


def test_kubernetes_files_are_the_bytes_ruamel_wrote(tmp_path: Path) -> None:
    for path in _projects(tmp_path):
        project = loaded(path)
        for item in render_project(project, list(project.envs)):
            for out, known in (item.built or {}).items():
                if out.builder:
                    assert split_header(item.outputs[out])[1] == "---\n" + _ruamel_dump(known.data), out.kind


@PROPS
@given(projects())
def test_litellm_data_is_what_the_template_writes(data: dict[str, Any]) -> None:
    project, env, findings = _load(data)
    if findings:
        return  # rendering refuses the project (test_render_properties checks that)
    outputs, built = render_outputs(project, "e", env, source_name="p.yaml")
    [out] = [o for o in outputs if o.kind == "litellm_config"]
    assert out in built
    _check(outputs, built)


def test_a_key_written_twice_gives_no_data() -> None:
    project = loaded(EXAMPLE)
    env = project.envs["prod"].model
    assert project.project is not None and env is not None
    ctx = build_context(project.project, "prod", env)
    assert litellm_data(ctx) is not None
    ctx["models"][0]["auth"] = [("api_base", "os.environ/X")]  # the template would write api_base twice
    assert litellm_data(ctx) is None


def test_a_project_template_is_judged_from_its_text(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "tpl").mkdir(parents=True)
    builtin = (Path(__file__).resolve().parents[2] / "configgen/render/templates/litellm.config.yaml.j2").read_text()
    (root / "tpl" / "litellm.config.yaml.j2").write_text(builtin)  # the same bytes, but the project's file
    text = EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1)
    (root / "configgen.yaml").write_text(text)
    project = loaded(root / "configgen.yaml")
    by_env = {item.env: item for item in render_project(project, list(project.envs))}
    kinds = {o.kind for o in by_env["aks"].built or {}}
    # The LiteLLM config, and the ConfigMap and chart values that hold it, are judged from their text.
    assert not kinds & {"litellm_config", "k8s_configmap", "helm_values"}
    assert {"k8s_deployment", "k8s_service", "k8s_secret_template"} <= kinds
    _check(by_env["aks"].outputs, dict(by_env["aks"].built or {}))
