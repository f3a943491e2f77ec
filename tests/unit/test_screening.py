"""Screening model_list entries by their litellm_params (configgen.rules.litellm.common): each rule sees
exactly the entries its test passes, a test that raises fails the rule that asks as if it had run the
test itself, and environments rendered together share litellm_params without changing a finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from configgen import pipeline
from configgen.load.yaml import YamlDocument, load_yaml_text
from configgen.rules import load_all, memo, run_rules
from configgen.rules.litellm import common
from configgen.rules.registry import INTERNAL_ERROR
from configgen.rules.targets import LiteLLMTarget
from tests.support.rendered import AS_OF, EXAMPLE, loaded

ROOT = Path(__file__).resolve().parents[2]


def _litellm_docs() -> list[YamlDocument]:
    """Every YAML file of the rule cases and the real-world corpus that has a model_list."""
    docs = []
    for path in sorted([*ROOT.glob("tests/cases/**/*.yaml"), *ROOT.glob("tests/realworld/**/*.yaml")]):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        doc = load_yaml_text(text, str(path))[0]
        if doc is not None and isinstance(doc.data, dict) and "model_list" in doc.data:
            docs.append(doc)
    return docs


DOCS = _litellm_docs()


def test_the_corpus_has_configs_for_every_screen() -> None:
    load_all()
    assert len(DOCS) > 50
    for test in common._SCREENS:
        with memo.scope():
            assert any(common.screened_entries(d, test) for d in DOCS), f"no file exercises {test.__name__}"


def test_each_rule_sees_exactly_the_entries_its_test_passes() -> None:
    load_all()
    for doc in DOCS:
        with memo.scope():
            for test in common._SCREENS:
                want = [(p, e) for p, e in common.model_entries(doc) if test(common.litellm_params(e))]
                assert common.screened_entries(doc, test) == want, (doc.file, test.__name__)


def test_a_test_that_raises_fails_only_the_rules_that_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    """As before screening: the rule whose own test of the entry raised becomes an internal-error
    finding; every other rule still runs and reports."""
    load_all()
    from configgen.rules.litellm import provider

    def broken(lp: dict[str, Any]) -> bool:
        raise ValueError("boom")

    monkeypatch.setattr(provider, "_no_known_provider", broken)
    monkeypatch.setattr(common, "_SCREENS", [broken if t.__name__ == "_no_known_provider" else t for t in common._SCREENS])
    doc = load_yaml_text(
        "model_list:\n  - model_name: a\n"
        "    litellm_params: {model: mistral-openorca, api_key: sk-abcdefghijklmnopqrstuvwxyz0123}\n",
        "c.yaml",
    )[0]
    assert doc is not None
    found = run_rules("litellm", LiteLLMTarget(doc, AS_OF))
    crashed = [f for f in found if f.rule == INTERNAL_ERROR]
    assert len(crashed) == 1 and "litellm-no-provider" in crashed[0].message
    assert any(f.rule == "litellm-inline-secret" for f in found)


def test_environments_share_litellm_params_and_the_same_findings_result() -> None:
    project = loaded(EXAMPLE)
    shared = pipeline.render_project(project, list(project.envs))
    params = [
        id(entry["litellm_params"])
        for r in shared
        for out, built in (r.built or {}).items()
        if out.kind == "litellm_config"
        for entry in built.data["model_list"]
    ]
    assert len(set(params)) < len(params), "no two environments share a deployment's litellm_params"

    # The same render outside the scope that shares (render_project without its @sharing() decorator).
    separate = pipeline.render_project.__wrapped__(project, list(project.envs))  # type: ignore[attr-defined]
    alone = [
        id(entry["litellm_params"])
        for r in separate
        for out, built in (r.built or {}).items()
        if out.kind == "litellm_config"
        for entry in built.data["model_list"]
    ]
    assert len(alone) == len(params) and len(set(alone)) == len(alone), "params shared outside a render"
    assert [r.outputs for r in separate] == [r.outputs for r in shared]
    assert pipeline.check_rendered(project, separate, AS_OF) == pipeline.check_rendered(project, shared, AS_OF)


def test_a_test_registered_later_is_run_for_params_already_screened(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one shared scope a second document holding the same litellm_params object is screened
    again when a rule module registered another test in between."""
    load_all()
    lp = {"model": "azure/x", "timeout": "30s"}
    docs = [YamlDocument(f"{i}.yaml", {"model_list": [{"model_name": "m", "litellm_params": lp}]}, "") for i in range(2)]

    def late(params: dict[str, Any]) -> bool:
        return "timeout" in params

    monkeypatch.setattr(common, "_SCREENS", list(common._SCREENS))
    with memo.shared_scope():
        with memo.scope():
            common.screened_entries(docs[0], common._SCREENS[0])
        common.screen(late)
        with memo.scope():
            assert [e["litellm_params"] for _p, e in common.screened_entries(docs[1], late)] == [lp]
