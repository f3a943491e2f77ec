"""configgen.load.dotenv against the real readers: python-dotenv (in process) and Node's dotenv (when node is here)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess

import pytest
from dotenv import dotenv_values
from dotenv.parser import parse_stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configgen.load.dotenv import ExpansionTooLarge, dotenv_quote, node_parse, parse_dotenv, python_values, scan
from tests.support.readers import SHELLS, node_parse_real, shell_read

# Node dotenv 16.6.1 / 18.0.10 lib/main.js parse(), verbatim (BSD-2-Clause, (c) Scott Motte): the test
# runs the real reader rather than trusting our Python port of it.
NODE_PARSE = r"""
const LINE = __LINE__
function parse (src) {
  const obj = {}
  let lines = src.toString()
  lines = lines.replace(/\r\n?/mg, '\n')
  let match
  while ((match = LINE.exec(lines)) != null) {
    const key = match[1]
    let value = (match[2] || '')
    value = value.trim()
    const maybeQuote = value[0]
    value = value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')
    if (maybeQuote === '"') {
      value = value.replace(/\\n/g, '\n')
      value = value.replace(/\\r/g, '\r')
    }
    obj[key] = value
  }
  return obj
}
let input = ''
process.stdin.on('data', d => { input += d })
process.stdin.on('end', () => { console.log(JSON.stringify(JSON.parse(input).map(parse))) })
"""
_LINE = (
    r"""/(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)"""
    r"""(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg"""
)
NODE_PARSE = NODE_PARSE.replace("__LINE__", _LINE)
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def run_node(texts: list[str]) -> list[dict[str, str]]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", NODE_PARSE], input=json.dumps(texts), capture_output=True, text=True, timeout=30, check=True
    )
    result: list[dict[str, str]] = json.loads(done.stdout)
    return result


def py_dotenv(text: str) -> dict[str, str | None]:
    return dict(dotenv_values(stream=io.StringIO(text)))


# Values the renderer may be asked to write: printable text with every character dotenv cares about.
values = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \t'\"`#=\\${}:-_./@!?%&*()[]<>;,~^|+aZ09 ")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)


def _quotable(value: str) -> str | None:
    try:
        return dotenv_quote(value)
    except ValueError:
        return None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(values)
def test_dotenv_quote_round_trips_through_python_dotenv(value: str) -> None:
    quoted = _quotable(value)
    if quoted is None:
        return
    text = f"KEY={quoted}\n"
    assert py_dotenv(text) == {"KEY": value}
    assert python_values(text) == {"KEY": value}
    assert node_parse(text) == {"KEY": value}


@needs_node
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(values, min_size=20, max_size=60))
def test_dotenv_quote_round_trips_through_node_dotenv(batch: list[str]) -> None:
    quoted = [(v, q) for v in batch if (q := _quotable(v)) is not None]
    texts = [f"KEY={q}\n" for _, q in quoted]
    for (value, _), parsed in zip(quoted, run_node(texts), strict=True):
        assert parsed == {"KEY": value}


def test_dotenv_quote_accepts_the_values_configs_hold() -> None:
    # Real-shaped values must be representable, not refused.
    for value in ["https://proxy.internal:4000", "gpt-4o", "p@ss'word", 'say "hi"', "", "a b  c", "C:\\path", "x#y"]:
        quoted = dotenv_quote(value)
        assert py_dotenv(f"K={quoted}") == {"K": value}


@pytest.mark.parametrize("value", ["two\nlines", "cr\rhere", "nul\x00", "${HOME}", "pre${X:-d}post", "a'b\"c\\"])
def test_dotenv_quote_refuses_what_cannot_round_trip(value: str) -> None:
    with pytest.raises(ValueError):
        dotenv_quote(value)


# .env text built from the pieces people write, to compare our grammar with the real readers.
line_piece = st.sampled_from(
    ["KEY", "export ", "A_B", "x.y", "=", " = ", "'", '"', "`", "#", " # c", "\\", "\\n", "${A}", "v", "1", " ", "\t",
     "\n", "\r\n", ":", "é"]
)
env_text = st.lists(line_piece, max_size=30).map("".join)


@settings(max_examples=600)
@given(env_text)
def test_scan_matches_python_dotenv_statement_by_statement(text: str) -> None:
    theirs = [(b.key, b.value, b.error) for b in parse_stream(io.StringIO(text)) if b.key is not None or b.error]
    ours = [(s.key, s.value, s.error) for s in scan(text) if s.key is not None or s.error]
    assert ours == theirs


@settings(max_examples=300)
@given(env_text)
def test_python_values_matches_dotenv_values(text: str) -> None:
    os.environ.pop("A", None)
    assert python_values(text) == py_dotenv(text)


@needs_node
@settings(max_examples=10, deadline=None)
@given(st.lists(env_text, min_size=30, max_size=60))
def test_node_parse_port_matches_node(texts: list[str]) -> None:
    assert [node_parse(t) for t in texts] == run_node(texts)


def test_positions_are_one_based_for_key_and_value() -> None:
    text = "# comment\n\nexport  API_BASE = 'http://x'\nMULTI=\"a\nb\"\nNEXT=1\n"
    doc = parse_dotenv(text, "server/.env")
    got = [(e.key, e.value, e.line, e.column, e.value_column) for e in doc.entries]
    assert got == [("API_BASE", "http://x", 3, 9, 20), ("MULTI", "a\nb", 4, 1, 7), ("NEXT", "1", 6, 1, 6)]
    assert doc.file == "server/.env"


def test_unparseable_lines_are_kept_as_errors_with_their_line() -> None:
    sts = scan("A=1\nnot a binding\nB='open\n")
    assert [(s.line, s.error) for s in sts] == [(1, False), (2, True), (3, True)]
    assert [e.key for e in parse_dotenv("A=1\nnot a binding\n", "f").entries] == ["A"]


def test_bom_and_crlf() -> None:
    doc = parse_dotenv("\ufeffA=1\r\nB=2\r\n", ".env")
    assert [(e.key, e.value, e.line) for e in doc.entries] == [("A", "1", 1), ("B", "2", 2)]


# --- the shells and the real npm package (tests/support/readers.py) ---------------------------------
_hostile_piece = st.one_of(
    st.sampled_from(list("'\"`$\\(){}[]*?~!#&|;<> \t=%^-_.:/@aZ09é")),
    st.sampled_from(["$(touch M)", "`touch M2`", "${HOME}", "$HOME", "\\'", "'\"", "\\\\", "$'x'", "!!"]),
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
)
hostile_values = st.lists(_hostile_piece, max_size=12).map("".join)


def _env_file(values: list[str]) -> tuple[str, dict[str, str]]:
    quoted = {f"V{i}": q for i, v in enumerate(values) if (q := _quotable(v)) is not None}
    intended = {f"V{i}": v for i, v in enumerate(values) if f"V{i}" in quoted}
    return "".join(f"{k}={q}\n" for k, q in quoted.items()), intended


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(hostile_values, min_size=10, max_size=40))
def test_dotenv_quote_round_trips_through_the_shells_without_running_anything(shell: str, batch: list[str]) -> None:
    text, intended = _env_file(batch)
    got, created, err = shell_read(shell, text, list(intended))
    assert created == [], f"{shell} ran a command while sourcing:\n{text}"
    assert got == intended, err
    assert py_dotenv(text) == intended


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(hostile_values, min_size=10, max_size=40), min_size=5, max_size=10))
def test_dotenv_quote_round_trips_through_the_npm_dotenv_package(batches: list[list[str]]) -> None:
    files = [_env_file(b) for b in batches]
    assert node_parse_real([text for text, _ in files]) == [intended for _, intended in files]


@pytest.mark.parametrize(
    "value",
    ["it's $(touch M)", "it's `touch M2`", "it's \\", "it's \"quoted\"", "a\\\\b", "ends\\", "it's $HOME"],
)
def test_dotenv_quote_refuses_what_a_shell_would_expand(value: str) -> None:
    with pytest.raises(ValueError):
        dotenv_quote(value)


@pytest.mark.parametrize("value", ["$(touch M)", "`touch M2`", "$HOME", "it's", "a\\b", "#!;&|*?~"])
def test_values_with_shell_syntax_are_written_literally(value: str) -> None:
    text = f"K={dotenv_quote(value)}\n"
    for shell in SHELLS:
        got, created, _ = shell_read(shell, text, ["K"])
        assert (got, created) == ({"K": value}, []), shell
    assert py_dotenv(text) == {"K": value}


def test_a_variable_expansion_bomb_stops_at_the_limit_before_building_it() -> None:
    lines = ["A0=xxxxxxxx"] + [f"A{i}=" + f"${{A{i - 1}}}" * 4 for i in range(1, 40)]
    with pytest.raises(ExpansionTooLarge) as caught:
        python_values("\n".join(lines) + "\n")
    assert caught.value.statement.key == "A9" and caught.value.statement.line == 10  # 8 * 4**9 > 2**20
