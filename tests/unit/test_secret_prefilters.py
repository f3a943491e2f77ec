"""The quick tests in front of the expensive regular expressions never drop a match.

configgen/secrets.py runs a shape's expression only when one of its needles occurs in the text, and
configgen/rules/litellm/common.py tries the misspelled-reference patterns only on values starting
with one of their first characters and the shell-reference pattern only on values with a `$`.
Each is checked here against the full, unfiltered check on generated text rich in the fragments
that matter (needles, near misses, hex runs, separators).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from configgen import secrets
from configgen.rules.litellm import common

_FRAGMENTS = [
    "-----BEGIN ", "RSA ", "PRIVATE KEY-----", "-----END ", "JQQJ9", "JQQJ", "8Q~", "8Q", "eyJ", "ey", ".",
    "sk-", "sk", "AKIA", "ASIA", "gh", "p_", "xox", "b-", "AIza", "://", ":/", "@", ":", "sig=", "&", "?",
    "=", "AccountKey", "Password", "pwd", ";", "0123456789abcdef", "ABCDEF", "0" * 31, "-", "_", "~",
    " ", "\n", "${", "}", "$", "os.environ/", "os.environ", "[", "]", "'", '"', "os.getenv(", ")",
    "env/", "environ:", "ENV/", "{{", "}}", "%", "[REDACTED]", "x", "Z", "é", "ſ", "K",
]
#: One text of each shape, in _SHAPES order (made-up values, no real credential).
SAMPLES = [
    "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    "a1" * 26 + "JQQJ99" + "b" + "A" + "c2" * 8 + "Z" + "d3e4f5g",
    "abc8Q~" + "Xy1" * 11 + "z",
    "eyJhbGciOi.eyJzdWIiOi.sig",
    "sk-abcd1234",
    "AKIA" + "ABCDEFGH12345678",
    "ghp_" + "a1B2" * 9,
    "xoxb-1234567890-abc",
    "AIza" + "Sy" + "a1" * 16 + "b",
    "redis://:hunter2pass@cache:6379",
    "https://acct.blob.core.windows.net/c?sv=1&sig=AbCdEf123456%2B",
    "Server=db;Password=Tr0ub4dor;",
    "0123456789abcdef" * 2,
]
_pieces = st.one_of(st.sampled_from(_FRAGMENTS + SAMPLES), st.text(min_size=1, max_size=3))
texts = st.lists(_pieces, max_size=25).map("".join)


def _unfiltered_find_secret(text: str) -> tuple[str, int] | None:
    for kind, source, group, _needles in secrets._SHAPES:
        for match in re.compile(source).finditer(text):
            part = match.group(group)
            if not secrets._hidden(part) and not secrets.is_placeholder(part):
                return kind, match.start(group)
    return None


def _unfiltered_redact(text: str) -> str:
    for _kind, source, group, _needles in secrets._SHAPES:

        def hide(match: re.Match[str], group: int = group) -> str:
            secret = match.group(group)
            if secrets._hidden(secret):
                return match.group(0)
            start, end = match.span(group)
            base = match.start(0)
            return match.group(0)[: start - base] + secrets.REDACTED + match.group(0)[end - base :]

        text = re.compile(source).sub(hide, text)
    return text


def test_every_sample_is_its_shape_and_passes_its_needles() -> None:
    found = [secrets.find_secret(text) for text in SAMPLES]
    assert [f[0] if f else None for f in found] == [shape[0] for shape in secrets._SHAPES]
    for index, text in enumerate(SAMPLES):
        assert secrets._could_match(index, text)
        _check_needles(text)
        _check_needles(f"x {text} y")


def _check_needles(text: str) -> None:
    if not secrets._could_match_any(text):
        assert all(re.compile(shape[1]).search(text) is None for shape in secrets._SHAPES), text
    for index, (kind, source, _group, _needles) in enumerate(secrets._SHAPES):
        if not secrets._could_match(index, text):
            assert re.compile(source).search(text) is None, (kind, text)


@settings(max_examples=600)
@given(texts)
def test_no_shape_matches_text_its_needles_rule_out(text: str) -> None:
    _check_needles(text)


@settings(max_examples=400)
@given(texts)
def test_find_secret_redact_and_secret_kind_agree_with_the_unfiltered_check(text: str) -> None:
    assert secrets.find_secret(text) == _unfiltered_find_secret(text)
    assert secrets.redact(text) == _unfiltered_redact(text)
    kind = secrets.secret_kind(text)
    stripped = text.strip()
    if stripped and not secrets.is_reference(stripped) and stripped != secrets.LITELLM_DEFAULT_KEY:
        expected = next(
            (k for k, source, g, _n in secrets._SHAPES
             for m in re.compile(source).finditer(stripped) if not secrets._hidden(m.group(g))),
            None,
        )
        assert kind == expected


@settings(max_examples=600)
@given(texts)
@example("os.environ['KEY']")
@example("env/KEY")
@example("{{ KEY }}")
@example("%KEY%")
@example("ENV:KEY")
@example("os.environ/ KEY")
@example("os.environ/KEY ")
@example("os.environ/KEY\u2003")
@example("os.environ:KEY")
@example("os.environ/\x1fKEY")
def test_misspelled_ref_prefix_filter_drops_nothing(text: str) -> None:
    full = next((m.group(1) for p in common._MISSPELLED_REFS if (m := re.match(p, text))), None)
    assert common.misspelled_ref(text) == full


@settings(max_examples=400)
@given(texts)
@example("${KEY:-x}")
@example("$KEY")
def test_shell_refs_dollar_filter_drops_nothing(text: str) -> None:
    assert common.shell_refs(text) == [a or b for a, b in re.findall(common._SHELL_REF, text)]
