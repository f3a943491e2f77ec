"""The input limits sit above what configgen itself writes for 50,000 deployments (issue 18), measured
on a 1,000-deployment project of bench/make_project.py and scaled (both grow linearly: the bench shows
it), with room to spare; and each limit reads its environment variable."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from configgen.load import limits
from configgen.load.yaml import load_yaml_text

ROOT = Path(__file__).resolve().parents[2]
TARGET = 50_000
SAMPLE = 1_000
MARGIN = 1.5


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("bench_make_project", ROOT / "bench" / "make_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


def _values(text: str) -> int:
    from _ruamel_yaml import CParser
    from ruamel.yaml import events as ev

    parser, count = CParser(text), 0
    while not isinstance(event := parser.get_event(), ev.StreamEndEvent):
        count += isinstance(event, ev.ScalarEvent | ev.MappingStartEvent | ev.SequenceStartEvent | ev.AliasEvent)
    return count


def test_limits_are_above_a_50000_deployment_project_and_its_rendered_config(tmp_path: Path) -> None:
    from configgen.model.load import load_project
    from configgen.render.jinja import render_environment

    project_text: str = _generator().make_project(SAMPLE)  # type: ignore[attr-defined]
    path = tmp_path / "p.yaml"
    path.write_text(project_text)
    loaded = load_project(path)
    assert loaded.project is not None
    view = loaded.envs["staging"]
    assert view.model is not None
    outputs = render_environment(loaded.project, "staging", view.model, source_name="p.yaml")
    config = next(text for out, text in outputs.items() if out.kind == "litellm_config")
    scale = TARGET / SAMPLE * MARGIN
    for text in (project_text, config):
        assert len(text.encode()) * scale < limits.FILE_BYTES.value()
        assert _values(text) * scale < limits.YAML_VALUES.value()
        assert len(text) * scale < limits.TEMPLATE_OUTPUT.value()
    doc, problems = load_yaml_text(config, "litellm.config.yaml")
    assert problems == [] and doc is not None


@pytest.mark.parametrize(
    "limit",
    [limits.FILE_BYTES, limits.YAML_VALUES, limits.YAML_ALIAS_VALUES, limits.YAML_DEPTH, limits.DOTENV_EXPANSION,
     limits.TEMPLATE_SECONDS, limits.TEMPLATE_OUTPUT, limits.TEMPLATE_VALUE],
    ids=lambda lim: lim.env,
)
def test_each_limit_reads_its_variable_and_ignores_nonsense(monkeypatch: pytest.MonkeyPatch, limit: limits.Limit) -> None:
    assert limit.value() == limit.default
    monkeypatch.setenv(limit.env, "1_234")
    assert limit.value() == 1234 and f"set {limit.env} to raise it" in limit.how_to_raise()
    for nonsense in ("-5", "0", "lots", ""):
        monkeypatch.setenv(limit.env, nonsense)
        assert limit.value() == limit.default
