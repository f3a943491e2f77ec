"""Escapers read back exactly by the real readers (PyYAML as LiteLLM uses it, ruamel, python-dotenv),
and refuse what they cannot represent."""

from __future__ import annotations

import io
import math

import pytest
import yaml
from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from configgen.load.dotenv import node_parse
from configgen.load.yaml import load_yaml_text
from configgen.render.escape import (
    UnsafeValue,
    bicep_str,
    comment_text,
    config_token,
    dotenv_value,
    ident,
    int_literal,
    yaml_scalar,
    yaml_str,
)

TRICKY = [
    "",
    "plain",
    'a"b',
    "a\\b",
    "a: b",
    "- x",
    "#x",
    "x # y",
    "\n",
    "line1\nline2",
    "\r\n",
    "\t",
    "\x00",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "é",
    "😀",
    "yes",
    "no",
    "null",
    "~",
    "0x10",
    "1e3",
    "2024-10-21",
    "*alias",
    "&anchor",
    "!tag",
    "{a: 1}",
    "[1]",
    "'",
    "%",
    "@",
    "`",
]

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@pytest.mark.parametrize("value", TRICKY)
def test_yaml_str_reads_back_exactly_in_pyyaml_and_ruamel(value: str) -> None:
    doc = f"k: {yaml_str(value)}\n"
    assert yaml.safe_load(doc) == {"k": value}
    parsed, problems = load_yaml_text(doc, "t.yaml")
    assert problems == [] and parsed is not None and parsed.data == {"k": value}


@given(text)
def test_yaml_str_round_trips_any_text(value: str) -> None:
    out = yaml_str(value)
    assert "\n" not in out and "\r" not in out
    assert yaml.safe_load(f"k: {out}\n") == {"k": value}


@pytest.mark.parametrize("value", [True, False, 0, -7, 10**30, 0.5, -2.25, 1e20, 1.5e-7, math.inf, -math.inf])
def test_yaml_scalar_numbers_keep_their_type(value: object) -> None:
    assert yaml.safe_load(f"k: {yaml_scalar(value)}\n") == {"k": value}


def test_yaml_scalar_nan() -> None:
    assert math.isnan(yaml.safe_load(f"k: {yaml_scalar(math.nan)}\n")["k"])


def test_lone_surrogates_are_refused_everywhere() -> None:
    for escaper in (yaml_str, dotenv_value, bicep_str):
        with pytest.raises(UnsafeValue):
            escaper("a\ud800b")
    assert "\ud800" not in comment_text("a\ud800b")


@pytest.mark.parametrize("value", TRICKY)
def test_dotenv_value_reads_back_exactly_or_is_refused(value: str) -> None:
    try:
        out = dotenv_value(value)
    except UnsafeValue:
        return
    line = f"K={out}\n"
    assert dotenv_values(stream=io.StringIO(line)) == {"K": value}
    assert node_parse(line) == {"K": value}


@given(text)
def test_dotenv_value_round_trips_or_refuses(value: str) -> None:
    try:
        out = dotenv_value(value)
    except UnsafeValue:
        return
    assert "\n" not in out
    assert dotenv_values(stream=io.StringIO(f"K={out}\nNEXT=1\n")) == {"K": value, "NEXT": "1"}


@pytest.mark.parametrize("value", ["10.0.0.1", "[::1]", "llm.internal", "/etc/ssl/x.pem", "a-b_c:80"])
def test_token_accepts_plain_tokens(value: str) -> None:
    assert config_token(value) == value


@pytest.mark.parametrize(
    "value",
    ["", "a b", "a;b", "a{", "}", "#x", "$host", "'x'", '"x"', "a\nb", "a\tb", "é", "a\\b", "a,b", "~x"],
)
def test_token_refuses_anything_that_could_change_a_directive(value: str) -> None:
    with pytest.raises(UnsafeValue):
        config_token(value)


@given(text)
def test_token_output_never_holds_a_directive_character(value: str) -> None:
    try:
        out = config_token(value)
    except UnsafeValue:
        return
    assert not set(out) & set(" \t\r\n;{}#$'\"\\`,")


@given(text)
def test_bicep_str_is_one_line_without_interpolation(value: str) -> None:
    out = bicep_str(value)
    assert out.startswith("'") and out.endswith("'")
    inner = out[1:-1]
    assert "\n" not in inner and "\r" not in inner
    # every quote, `$` and backslash inside is escaped: strip escape pairs, none may remain
    stripped = inner.replace("\\\\", "").replace("\\'", "").replace("\\$", "")
    assert "'" not in stripped and "${" not in stripped


def _bicep_unescape(inner: str) -> str:
    out, i = [], 0
    simple = {"\\": "\\", "'": "'", "$": "$", "n": "\n", "r": "\r", "t": "\t"}
    while i < len(inner):
        ch = inner[i]
        if ch == "\\":
            nxt = inner[i + 1]
            if nxt == "u":
                end = inner.index("}", i)
                out.append(chr(int(inner[i + 3 : end], 16)))
                i = end + 1
                continue
            out.append(simple[nxt])
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@given(text)
def test_bicep_str_round_trips_through_bicep_escapes(value: str) -> None:
    assert _bicep_unescape(bicep_str(value)[1:-1]) == value


@given(text)
def test_comment_text_never_breaks_the_line(value: str) -> None:
    out = comment_text(value)
    assert out.splitlines() in ([], [out])
    # YAML 1.1 (PyYAML) line breaks too: the comment must stay a comment
    assert yaml.safe_load(f"# {out}\nk: 1\n") == {"k": 1}


def test_ident_and_int() -> None:
    assert ident("api_key") == "api_key"
    for bad in ("a-b", "1a", "a b", ""):
        with pytest.raises(UnsafeValue):
            ident(bad)
    assert int_literal(5) == "5"
    for bad_int in (True, "5", 5.0):
        with pytest.raises(UnsafeValue):
            int_literal(bad_int)
