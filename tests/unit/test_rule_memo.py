"""The per-target memo (configgen/rules/memo.py) and the one walk of a document's strings it serves.

What is checked: a result is shared within one run_rules call and only for the same object; nothing
outlives the call; a computation that raises is not remembered and still becomes one internal-error
finding per rule that asked; the non-recursive walk gives exactly what the recursive one gave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configgen.findings import DataPath, Finding, Severity
from configgen.load.yaml import load_yaml_text
from configgen.rules import load_all, memo
from configgen.rules.registry import INTERNAL_ERROR, REGISTRY, Rule, run_rules
from configgen.rules.strings import path_of, string_items
from configgen.rules.targets import LiteLLMTarget

_calls: list[int] = []


@memo.per_target
def _count_items(data: Any) -> tuple[int, ...]:
    _calls.append(id(data))
    return (len(data),)


def test_outside_a_scope_every_call_computes() -> None:
    _calls.clear()
    data = {"a": 1}
    assert _count_items(data) == _count_items(data) == (1,)
    assert len(_calls) == 2
    assert not memo.active()


def test_inside_a_scope_once_per_object_never_for_an_equal_one() -> None:
    _calls.clear()
    first, equal = {"a": 1}, {"a": 1}
    with memo.scope():
        assert memo.active()
        _count_items(first)
        _count_items(first)
        _count_items(equal)
        with memo.scope():  # a nested scope shares the outer one
            _count_items(first)
    assert _calls == [id(first), id(equal)]
    assert not memo.active()
    _count_items(first)  # the scope is gone: computed again
    assert len(_calls) == 3


def test_a_raising_computation_is_not_remembered() -> None:
    calls: list[int] = []

    @memo.per_target
    def boom(data: Any) -> tuple[int, ...]:
        calls.append(1)
        raise ValueError("no")

    with memo.scope():
        for _ in range(2):
            with pytest.raises(ValueError):
                boom({})
    assert len(calls) == 2


def _register(monkeypatch: pytest.MonkeyPatch, rid: str, func: Any) -> None:
    func.__doc__ = "test rule"
    monkeypatch.setitem(REGISTRY, rid, Rule(rid, Severity.INFO, "test", "litellm", func))


def _target() -> LiteLLMTarget:
    doc, problems = load_yaml_text("model_list:\n  - model_name: a\n    litellm_params: {model: azure/a}\n", "t.yaml")
    assert doc is not None and not problems
    return LiteLLMTarget(doc, dt.date(2026, 11, 27))


def test_run_rules_shares_one_walk_between_rules_and_targets_get_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[int] = []

    @memo.per_target
    def strings(data: Any) -> tuple[tuple[DataPath, str], ...]:
        walks.append(id(data))
        return tuple((path_of(parent, key), value) for parent, key, value in string_items(data))

    def rule_a(t: LiteLLMTarget) -> Iterator[Finding]:
        for path, _value in strings(t.doc.data):
            yield t.doc.finding("test-a", Severity.INFO, path, "a")

    def rule_b(t: LiteLLMTarget) -> Iterator[Finding]:
        yield from (t.doc.finding("test-b", Severity.INFO, p, "b") for p, _v in strings(t.doc.data))

    _register(monkeypatch, "test-a", rule_a)
    _register(monkeypatch, "test-b", rule_b)
    one, two = _target(), _target()
    found = run_rules("litellm", one, only=["test-a", "test-b"])
    run_rules("litellm", two, only=["test-a", "test-b"])
    assert [f.rule for f in found] == ["test-a", "test-a", "test-b", "test-b"]
    assert walks == [id(one.doc.data), id(two.doc.data)]


def test_a_crash_in_the_shared_walk_is_an_internal_error_per_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    @memo.per_target
    def broken(data: Any) -> tuple[str, ...]:
        raise KeyError("walk")

    def uses_it(t: LiteLLMTarget) -> Iterator[Finding]:
        yield from (t.doc.finding("x", Severity.INFO, (), s) for s in broken(t.doc.data))

    def fine(t: LiteLLMTarget) -> Iterator[Finding]:
        yield t.doc.finding("test-fine", Severity.INFO, (), "still runs")

    _register(monkeypatch, "test-crash-1", uses_it)
    _register(monkeypatch, "test-fine", fine)
    _register(monkeypatch, "test-crash-2", uses_it)
    found = run_rules("litellm", _target(), only=["test-crash-1", "test-fine", "test-crash-2"])
    assert [f.rule for f in found] == [INTERNAL_ERROR, "test-fine", INTERNAL_ERROR]
    assert "test-crash-1" in found[0].message and "test-crash-2" in found[2].message


def test_the_litellm_secret_rules_all_read_one_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    import configgen.rules.strings as strings_module

    load_all()
    walked: list[int] = []
    original = strings_module._walk

    def counting(data: Any) -> Any:
        walked.append(id(data))
        return original(data)

    monkeypatch.setattr(strings_module, "_walk", counting)
    text = (
        "model_list:\n  - model_name: a\n    litellm_params: {model: azure/a, api_key: '${KEY}'}\n"
        "environment_variables: {K: v}\ngeneral_settings: {master_key: os.environ/K}\n"
    )
    doc, _ = load_yaml_text(text, "c.yaml")
    assert doc is not None
    found = run_rules("litellm", LiteLLMTarget(doc, dt.date(2026, 11, 27)))
    assert {"litellm-env-syntax", "litellm-env-same-file"} <= {f.rule for f in found}
    assert walked == [id(doc.data)]


def _recursive(data: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, str]]:
    """The walk the rules used before: the reference for the non-recursive one."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _recursive(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _recursive(v, (*path, i))


_leaves = st.one_of(st.text(max_size=4), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
_trees = st.recursive(
    _leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=3), inner, max_size=4)),
    max_leaves=40,
)


@settings(max_examples=300)
@given(_trees)
def test_string_items_are_the_recursive_walk(data: Any) -> None:
    assert [(path_of(parent, key), value) for parent, key, value in string_items(data)] == list(_recursive(data))


def test_string_items_have_no_depth_limit() -> None:
    data: Any = "deep"
    for _ in range(5000):
        data = [data]
    assert string_items(data) == (((0,) * 4999, 0, "deep"),)


def test_a_shared_scope_keeps_only_across_targets_results() -> None:
    """Inside shared_scope, an across_targets verdict is computed once for every target's scope;
    per_target results still end with their target (and are not kept for the whole block)."""
    calls: list[str] = []

    @memo.across_targets
    def shared(obj: dict[str, int]) -> int:
        calls.append("shared")
        return len(obj)

    @memo.per_target
    def own(obj: dict[str, int]) -> int:
        calls.append("own")
        return len(obj)

    value = {"a": 1}
    with memo.shared_scope():
        for _ in range(3):
            with memo.scope():
                assert shared(value) == own(value) == own(value) == 1
    assert calls.count("shared") == 1 and calls.count("own") == 3
    with memo.scope():
        shared(value)
        shared(value)
    assert calls.count("shared") == 2  # without a shared scope: once per target scope
