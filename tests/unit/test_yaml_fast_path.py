"""The event reader's inlined scalar path (configgen/load/_yaml_events.py ``_Builder.scalar``) gives what
its general path gives (data, positions, findings), on generated documents that mix what the fast path
must hand over: anchors on scalars, aliases, merge keys, tags, quoting, non-ASCII and surrogate
escapes, duplicate keys, scalars at the root. (Both readers against the round-trip one:
test_yaml_loaders.py.)
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configgen.load import _yaml_events
from configgen.load._yaml_common import YamlDocument
from configgen.load._yaml_events import load_events
from configgen.load.yaml import load_yaml_text

_scalars = st.sampled_from(
    ["a", "'q'", '"d"', "1", "0x1f", "1.5", "true", "yes", "null", "~", "2024-10-21", "''", "é", '"\\ud800"',
     "&s v", "!!str 1", "!!int '7'", "!!binary aGk=", "!custom x", "*s", "*m", "<<", "a b"]
)
_keys = st.sampled_from(["k", "k", "j", "'k'", "1", "true", "<<", "? x", "é"])


@st.composite
def _documents(draw: st.DrawFn) -> str:
    lines = ["base: &m {x: 1, y: 2}", "lst: &l [{p: 1}, {q: 2}]"]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["pair", "map", "seq", "merge"]))
        key = draw(_keys)
        if kind == "pair":
            lines.append(f"{key}: {draw(_scalars)}")
        elif kind == "map":
            inner = ", ".join(f"{draw(_keys)}: {draw(_scalars)}" for _ in range(draw(st.integers(0, 3))))
            lines.append(f"{key}: {{{inner}}}")
        elif kind == "seq":
            lines.append(f"{key}:")
            lines.extend(f"  - {draw(_scalars)}" for _ in range(draw(st.integers(0, 3))))
        else:
            lines.append(f"{key}:")
            lines.append(f"  <<: {draw(st.sampled_from(['*m', '*l', '[*m]', '*s', 'x', '{z: 3}']))}")
            lines.append(f"  {draw(_keys)}: {draw(_scalars)}")
    if draw(st.booleans()):
        return draw(_scalars) + "\n"  # a scalar document
    return "\n".join(lines) + "\n"


def _general_only(text: str) -> tuple[object, list[object]]:
    """The same reader with every scalar taken by the general path (the reference)."""
    from _ruamel_yaml import CParser

    original = _yaml_events._Builder.scalar
    _yaml_events._Builder.scalar = _yaml_events._Builder.scalar_general  # type: ignore[method-assign]
    try:
        return load_events(CParser, text, "t.yaml")
    finally:
        _yaml_events._Builder.scalar = original  # type: ignore[method-assign]


def _view(result: tuple[object, list[object]]) -> object:
    doc, problems = result
    assert doc is None or isinstance(doc, YamlDocument)
    return (None if doc is None else (doc.data, doc.values, doc.keys)), problems


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_the_inlined_scalar_path_is_the_general_one(text: str) -> None:
    from _ruamel_yaml import CParser

    assert _view(load_events(CParser, text, "t.yaml")) == _view(_general_only(text))


def test_the_general_path_is_taken_where_the_fast_one_must_not_be() -> None:
    # Each of these reaches scalar_general or its checks; a wrong fast path would accept or misplace them.
    cases = {
        "m:\n  <<: x\n": "yaml-unsupported",  # a scalar as a merge key's value
        "m:\n  <<: [x]\n": "yaml-unsupported",  # a scalar in a merge key's list
        "a: '\\ud800'\n": None,  # single quotes: no escape, plain text
        "a: é\nb: [ü]\n": None,  # not ASCII, no surrogate
        'a: "\\ud800"\n': "yaml-syntax",  # a lone surrogate escape: libyaml refuses it
        "a: !!binary aGk=\n": "yaml-unsupported",
        "a: 1\na: 2\n": "yaml-duplicate-key",
    }
    for text, rule in cases.items():
        doc, problems = load_yaml_text(text, "t.yaml")
        assert [p.rule for p in problems] == ([rule] if rule else []), text
    doc, _ = load_yaml_text("a: &s v\nb: *s\nc: [&t w, *t]\n", "t.yaml")
    assert doc is not None and doc.data == {"a": "v", "b": "v", "c": ["w", "w"]}
    assert doc.values[("b",)] == (2, 4) and doc.values[("c", 1)] == (3, 11)
