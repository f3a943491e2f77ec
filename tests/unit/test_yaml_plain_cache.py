"""The event reader's cache of plain scalars (configgen/load/_yaml_scalars.py ``Scalars.construct``):
a plain scalar's value is computed once per distinct text and shared, so the same text plain, quoted
or tagged must still give each its own value and type, and a refused scalar must still be refused
(and reported at its own place) every time it appears.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from configgen.load import _yaml_events
from configgen.load._yaml_scalars import Scalars
from configgen.load.yaml import load_yaml_text
from tests.unit.test_yaml_fast_path import _documents, _view


def _typed(value: Any) -> Any:
    """A value with the type of every leaf (1, 1.0 and True are == in Python, not in YAML)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _uncached(text: str) -> tuple[object, list[object]]:
    """The same reader with every scalar constructed afresh (the reference)."""
    from _ruamel_yaml import CParser

    original = Scalars.construct
    Scalars.construct = Scalars.construct_any  # type: ignore[method-assign]
    try:
        return _yaml_events.load_events(CParser, text, "t.yaml")
    finally:
        Scalars.construct = original  # type: ignore[method-assign]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_the_cached_reader_is_the_uncached_one(text: str) -> None:
    from _ruamel_yaml import CParser

    cached, uncached = _view(_yaml_events.load_events(CParser, text, "t.yaml")), _view(_uncached(text))
    assert cached == uncached
    if cached[0] is not None and uncached[0] is not None:
        assert _typed(cached[0][0]) == _typed(uncached[0][0])


def test_one_text_plain_quoted_and_tagged_keeps_each_its_type() -> None:
    doc, problems = load_yaml_text(
        "a: 1\nb: '1'\nc: !!str 1\nd: [1, \"1\", 1.0, true, 'true', 2024-10-21, '2024-10-21', ~, '~']\n1: x\n",
        "t.yaml",
    )
    assert doc is not None and not problems
    assert _typed(doc.data) == {
        "a": ("int", 1),
        "b": ("str", "1"),
        "c": ("str", "1"),
        "d": [
            ("int", 1),
            ("str", "1"),
            ("float", 1.0),
            ("bool", True),
            ("str", "true"),
            ("date", doc.data["d"][5]),
            ("str", "2024-10-21"),
            ("NoneType", None),
            ("str", "~"),
        ],
        "1": ("str", "x"),
    }


def test_a_refused_plain_scalar_is_refused_where_it_repeats() -> None:
    # The first binary-free occurrence is cached; a later tagged one must not reuse it.
    doc, problems = load_yaml_text("a: aGk=\nb: !!binary aGk=\n", "t.yaml")
    assert doc is None and [(p.rule, p.line) for p in problems] == [("yaml-unsupported", 2)]
