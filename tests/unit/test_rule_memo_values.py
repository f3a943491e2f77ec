"""memo.per_values (configgen/rules/memo.py): a lookup on one object and some values is computed once
per (object, values) within a scope, never shared between two objects that are merely equal, not kept
after the scope, and not remembered when it raises; and the Azure verdicts built on it give each
deployment its own finding at its own place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from configgen.load.yaml import load_yaml_text
from configgen.rules import load_all, memo
from configgen.rules.azure_uses import azure_uses
from configgen.rules.registry import run_rules, run_rules_each

_calls: list[tuple[int, tuple[Any, ...]]] = []


@memo.per_values
def _lookup(obj: dict[str, int], name: str, extra: str | None) -> tuple[int, str | None]:
    _calls.append((id(obj), (name, extra)))
    if name == "boom":
        raise KeyError(name)
    return obj.get(name, 0), extra


def test_once_per_object_and_values_within_a_scope() -> None:
    _calls.clear()
    a, b = {"x": 1}, {"x": 1}  # equal, not the same object
    with memo.scope():
        assert _lookup(a, "x", None) == _lookup(a, "x", None) == (1, None)
        assert _lookup(a, "x", "v") == (1, "v")
        assert _lookup(b, "x", None) == (1, None)
    assert _calls == [(id(a), ("x", None)), (id(a), ("x", "v")), (id(b), ("x", None))]


def test_outside_a_scope_and_after_it_every_call_computes() -> None:
    _calls.clear()
    a = {"x": 2}
    assert _lookup(a, "x", None) == _lookup(a, "x", None)
    with memo.scope():
        _lookup(a, "x", None)
    with memo.scope():
        _lookup(a, "x", None)
    assert len(_calls) == 4


def test_a_lookup_that_raises_is_not_remembered() -> None:
    _calls.clear()
    with memo.scope():
        for _ in range(2):
            with pytest.raises(KeyError):
                _lookup({}, "boom", None)
    assert len(_calls) == 2


def test_shared_verdicts_keep_each_deployment_s_place() -> None:
    """Three deployments of one retired model and one too-old api-version: the verdicts are computed
    once, and each deployment still gets its findings at its own lines."""
    load_all()
    entries = "".join(
        f"  - model_name: m{i}\n    litellm_params:\n      model: azure/d{i}\n"
        f'      api_base: https://one.openai.azure.com\n      api_version: "2024-10-21"\n'
        f"    model_info: {{base_model: azure/o1-2024-12-17}}\n"
        for i in range(3)
    )
    entries += (
        "  - model_name: old\n    litellm_params:\n      model: azure/old\n"
        '      api_base: https://one.openai.azure.com\n      api_version: "2024-10-21"\n'
        "    model_info: {base_model: azure/gpt-35-turbo-0613}\n"
    )
    doc, problems = load_yaml_text("model_list:\n" + entries, "litellm.yaml")
    assert doc is not None and not problems
    uses = azure_uses(doc, dt.date(2026, 6, 1))
    each = run_rules_each("azure", uses)
    assert each == [f for use in uses for f in run_rules("azure", use)]
    lines: dict[str, list[int]] = {}
    for f in each:
        lines.setdefault(f.rule, []).append(f.line)
    assert lines["azure-api-version-too-old-for-model"] == [6, 12, 18]
    assert lines["azure-model-retired-per-table"] == [25]
