"""The YAML emitter (configgen.render.yaml_emit): every reader gets the data back exactly, and the text
is what ruamel's dump wrote before wherever ruamel's choice was safe."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from yamllint import linter
from yamllint.config import YamlLintConfig

from configgen.load.yaml import load_yaml_text
from configgen.render import yaml_emit
from configgen.render.k8s import _ruamel_dump, dump
from configgen.render.yaml_emit import emit, plain_ok

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_all(text: str) -> list[Any]:
    """What PyYAML (LiteLLM's reader), ruamel (YAML 1.2) and configgen's own reader make of ``text``."""
    doc, problems = load_yaml_text(text, "t.yaml")
    assert doc is not None, problems
    return [yaml.safe_load(text), YAML(typ="safe", pure=True).load(text), doc.data]


def _same(a: Any, b: Any) -> bool:
    """Equal, with the types (True is not 1), NaN equal to NaN, and key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# Any text a project could hold (no lone surrogates: the loader refuses them), weighted toward the
# characters YAML gives a meaning to.
_specials = st.sampled_from([
    *"-?:,[]{}#&*!|>'\"%@`~ \t\n\r.=<+_0123456789eExXoObB",
    "\x85", "\u2028", "\u2029", "\ufeff", "\xa0", "\x00", "\x07", "\x1b", "\x7f", "\x9f", "\ufffe", "\U0001f600",
    ": ", " #", "---", "...", "yes", "No", "on", "OFF", "y", "N", "~", "null", "true", ".inf", "-.Inf", ".NaN",
    "0o17", "0x1F", "0B1", "1e3", "1_0", "1:20", "2024-01-05", "2024-1-5", "2024-01-05 10:00:00", "<<",
])
texts = st.lists(st.one_of(_specials, st.characters(exclude_categories=("Cs",))), max_size=12).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), texts,
    st.floats(allow_nan=True, allow_infinity=True), st.dates(),
)
data = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4)),
    max_leaves=25,
)


@PROPS
@given(data)
def test_every_reader_reads_back_exactly_the_data(value: Any) -> None:
    text = dump(value)
    for got in _read_all(text):
        assert _same(got, value), text


@PROPS
@given(texts)
def test_plain_only_when_every_reader_reads_the_same_string(text: str) -> None:
    if plain_ok(text):
        for got in _read_all(f"k: {text}\n"):
            assert got == {"k": text}


@pytest.mark.parametrize(
    "text",
    ["yes", "No", "on", "OFF", "y", "N", "~", "null", "", "0777", "0o17", "0x1F", "0B1", "1e3", "1_000", "-_1",
     "1:20", "190:20:30.15", ".inf", "-.Inf", ".nan", "2024-01-05", "2024-1-5", "2024-01-05T10:00:00Z", "<<", "=",
     "- a", "-", "?x", ":x", "a: b", "a #b", "a:", " x", "x ", "---", "...x", "#x", "&a", "*a", "!t", "|", ">",
     "'q", '"q', "%x", "@x", "`x", "{a}", "[a]", ",a", "a\u2028b", "a\x85b", "tab\there", "\ufeff", "\x07"],
)
def test_strings_a_reader_would_take_for_something_else_are_quoted(text: str) -> None:
    assert not plain_ok(text)
    body = emit({"k": text})
    assert body != f"k: {text}\n"
    for got in _read_all(body):
        assert got == {"k": text}


@pytest.mark.parametrize(
    "text", ["litellm", "--config", "0.0.0.0", "500m", "1Gi", "2025-04-01-preview", "v1.110.2", "1.110.2",
             "https://a.openai.azure.com", "aks:gpt-4:r/d", "os.environ/KEY", "a,b", "a#b", "é", "_1", "x y"],
)
def test_what_kubernetes_files_hold_stays_plain(text: str) -> None:
    assert plain_ok(text)
    assert emit({"k": text}) == f"k: {text}\n"


def test_layout() -> None:
    value = {
        "a": {"b": [1, {"c": "x", "d": [True, None]}], "e": {}, "f": []},
        "g": "line one\nline two\n",
        "h": ["  indented\nnext", "keep\n\n"],
        "i": None,
        "j": 1.0e20,
    }
    assert emit(value) == (
        "a:\n  b:\n    - 1\n    - c: x\n      d:\n        - true\n        -\n  e: {}\n  f: []\n"
        "g: |\n  line one\n  line two\n"
        "h:\n  - |2-\n      indented\n    next\n  - |+\n    keep\n\n"
        "i:\n"
        "j: 1.0e+20\n"
    )
    assert emit({"k": "keep\n\n"}).endswith("\n\n...\n")  # a kept blank line never ends the file
    assert emit({"k" * 130: 1}) == f"? {'k' * 130}\n: 1\n"
    assert emit([[1, [2]], 3]) == "- - 1\n  - - 2\n- 3\n"
    assert emit({"k": "a\tb\nc"}) == 'k: "a\\tb\\nc"\n'  # libyaml refuses a tab where indentation may be
    assert emit("x") == "x\n" and emit(None) == "null\n" and emit({}) == "{}\n"


def test_not_plain_data_is_refused() -> None:
    for bad in ({1: "x"}, {"k": (1, 2)}, {"k": {1, 2}}, {"k": dt.datetime(2024, 1, 1)}, {"k": b"x"}):
        with pytest.raises(TypeError):
            emit(bad)
    with pytest.raises(ValueError, match="surrogate"):
        emit({"k": "\ud800"})
    # dump keeps ruamel's writer for what only a project template's own LiteLLM config can bring
    assert dump({"k": dt.datetime(2024, 1, 1, 10, 0)}) == "---\nk: 2024-01-01 10:00:00\n"


# ---- the same bytes as ruamel's dump, wherever ruamel's choice round-trips ---------------------------

_k8s_words = st.from_regex(r"\A[a-z0-9][a-z0-9./:-]{0,20}\Z")
_k8s_text = st.one_of(
    _k8s_words,
    st.lists(_k8s_words, min_size=1, max_size=4).map(" ".join),
    st.text(st.sampled_from(list("abz019 -:#./'\"")), max_size=12),
    st.lists(st.text(st.sampled_from(list("ab: #-\"'")), max_size=10), min_size=2, max_size=5).map("\n".join),
)
_k8s_scalars = st.one_of(_k8s_text, st.integers(-5, 70000), st.booleans())
_k8s_keys = st.from_regex(r"\A[a-zA-Z][a-zA-Z0-9./-]{0,24}\Z")
_k8s = st.recursive(
    st.dictionaries(_k8s_keys, _k8s_scalars, min_size=1, max_size=4),
    lambda children: st.dictionaries(
        _k8s_keys, st.one_of(_k8s_scalars, children, st.lists(st.one_of(_k8s_scalars, children), min_size=1, max_size=3)),
        min_size=1, max_size=4,
    ),
    max_leaves=20,
)


def _ruamel_is_safe(text: str, value: Any) -> bool:
    try:
        return all(_same(got, value) for got in _read_all(text))
    except (AssertionError, yaml.YAMLError):
        return False


def _stricter(text: str) -> bool:
    """Plain to ruamel and read right by PyYAML and ruamel, quoted here on purpose: a leading `?` or `:`
    (indicators); for go-yaml, which kubectl uses, `y`/`n` (booleans) and a date with a one-digit month
    or day (a timestamp)."""
    go_date = re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?", text)
    return text.startswith(("?", ":")) or text in ("y", "Y", "n", "N") or go_date is not None


@PROPS
@given(_k8s)
def test_same_bytes_as_ruamel_where_ruamel_was_safe(value: dict[str, Any]) -> None:
    old = "---\n" + _ruamel_dump(value)
    assume(_ruamel_is_safe(old, value) and not any(_stricter(s) for s in _strings(value)))
    assert dump(value) == old


@PROPS
@given(_k8s)
def test_kubernetes_shaped_output_passes_yamllint(value: dict[str, Any]) -> None:
    assume(not any(" \n" in s or s.endswith(" ") for s in _strings(value)))  # trailing spaces kept as given
    problems = [f"{p.line}:{p.column} {p.rule}" for p in linter.run(dump(value), YamlLintConfig("extends: default"))]
    assert [p for p in problems if "line-length" not in p and "empty-lines" not in p] == []


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


@settings(max_examples=300)
@given(st.text(st.sampled_from([chr(c) for c in range(128)]) | st.characters(), max_size=12))
def test_the_ascii_shortcuts_decide_as_the_character_classes_do(text: str) -> None:
    # _raw and _block_text skip the (slow to compile) Unicode classes for ASCII text.
    assert yaml_emit._raw(text) == (re.fullmatch(yaml_emit._RAW_TEXT, text) is not None)
    assert yaml_emit._block_text(text) == (re.fullmatch(yaml_emit._BLOCK_TEXT, text) is not None)
