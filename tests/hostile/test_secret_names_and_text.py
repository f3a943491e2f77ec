"""Secrets and control characters in what configgen prints: secret-shaped names on the command line,
keys in .env comments, secret values that look like nothing, and escape sequences from input files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.findings import Finding, Severity
from configgen.report import REPORTERS
from configgen.secrets import forget_secrets, printable, redact, register_secret

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
KEY_NAME = "sk-proj-Q1w2E3r4T5y6U7i8O9p0"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["render", KEY_NAME],
        ["render", "prod", KEY_NAME, "--check"],
        ["explain", KEY_NAME, "proxy.port"],
        ["doctor", KEY_NAME],
        ["graph", KEY_NAME],
        ["add", "alias", KEY_NAME, "-d", "x/y"],
        ["add", "environment", KEY_NAME],
    ],
)
def test_secret_shaped_names_are_refused_and_not_echoed(project: Path, args: list[str]) -> None:
    before = project.read_bytes()
    res = CliRunner().invoke(cli, [*args, "-p", str(project)], catch_exceptions=False)
    assert res.exit_code == 2, res.output
    assert "looks like sk- API key, not a name" in res.output
    assert KEY_NAME not in res.output and "Q1w2E3r4" not in res.output
    assert project.read_bytes() == before


def test_ordinary_names_still_pass(project: Path) -> None:
    res = CliRunner().invoke(cli, ["explain", "prod", "proxy.timeout", "-p", str(project)], catch_exceptions=False)
    assert res.exit_code == 0, res.output


def test_a_key_in_a_dotenv_comment_is_flagged(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "LITELLM_API_BASE=http://127.0.0.1:4000\n"
        "# old key, do not use: AZURE_API_KEY=0123456789abcdef0123456789abcdef\n"
        'NOTE="a # quoted hash is not a comment"  # sk-ant-TrailingKey0001\n'
        "  #   indented: sk-CommentedKey1234567\n"
        "# a plain comment\n"
    )
    res = CliRunner().invoke(cli, ["validate", str(env), "--format", "json"], catch_exceptions=False)
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(res.stdout)["findings"]]
    assert ("dotenv-secret", 2, 1) in found
    assert ("dotenv-secret", 3, 42) in found  # at the `#` of the trailing comment
    assert ("dotenv-secret", 4, 3) in found
    assert not any(line == 5 for _rule, line, _col in found)
    assert "0123456789abcdef" not in res.output and "TrailingKey" not in res.output and "CommentedKey" not in res.output


def test_registered_values_are_redacted_whatever_they_look_like() -> None:
    register_secret("hunter2-master-value-42")
    register_secret("abc")  # too short to hide on its own
    register_secret("os.environ/LITELLM_MASTER_KEY")  # a reference, not a value
    try:
        assert redact("invalid key Bearer hunter2-master-value-42 (hunter2-master-value-42)") == (
            "invalid key Bearer [REDACTED] ([REDACTED])"
        )
        assert redact("abc os.environ/LITELLM_MASTER_KEY") == "abc os.environ/LITELLM_MASTER_KEY"
        finding = Finding("x", Severity.ERROR, "got hunter2-master-value-42", "", "f", 1, 1)
        for name, reporter in REPORTERS.items():
            assert "hunter2" not in reporter([finding]), name
    finally:
        forget_secrets()


def test_a_dotenv_secret_read_by_validate_is_redacted_in_its_findings(tmp_path: Path) -> None:
    """The value is not shaped like a key, but its variable's name says it is one: any message quoting it hides it."""
    env = tmp_path / ".env"
    env.write_text("REDIS_PASSWORD=plain-redis-${HOME}-value\n")
    res = CliRunner().invoke(cli, ["validate", str(env)], catch_exceptions=False)
    assert "REDIS_PASSWORD" in res.output  # the finding about ${...} names the key
    assert "plain-redis" not in res.output


def test_control_characters_are_escaped_in_every_reporter() -> None:
    attack = "\x1b]0;owned\x07\x1b[2J\u202eevil\r\nforged: error: line"
    finding = Finding("x", Severity.ERROR, f"value {attack}", f"hint {attack}", f"f{attack}.env", 1, 1)
    for name, reporter in REPORTERS.items():
        out = reporter([finding])
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\r" not in out, name
    text = REPORTERS["text"]([finding])
    assert len(text.splitlines()) == 2  # the finding and the summary: no forged line
    assert "\\x1b]0;owned\\x07" in text


def test_printable_keeps_ordinary_text_and_line_breaks_when_asked() -> None:
    assert printable("héllo wörld, 日本 – ok") == "héllo wörld, 日本 – ok"
    assert printable("a\nb") == "a\\nb"
    assert printable("a\r\nb\rc\n", newlines=True) == "a\r\nb\\rc\n"


def test_a_file_name_with_escape_sequences_is_printed_escaped(tmp_path: Path) -> None:
    env = tmp_path / "x\x1b]0;owned\x07.env"
    env.write_text("AZURE_API_KEY=0123456789abcdef0123456789abcdef\n")
    res = CliRunner().invoke(cli, ["validate", str(env)], catch_exceptions=False)
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "x\\x1b]0;owned\\x07.env:1:" in res.output


def test_the_diff_of_a_hand_edited_dotenv_hides_its_secret_values(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = CliRunner().invoke(cli, ["render", "dev", "-p", str(project), "--out", str(out)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    env = out / "server" / ".env"
    env.write_text(env.read_text() + "LITELLM_API_KEY=plain-looking-value-31\n")
    res = CliRunner().invoke(cli, ["render", "dev", "-p", str(project), "--out", str(out), "--diff"],
                             catch_exceptions=False)  # fmt: skip
    assert "+LITELLM_API_KEY=" in res.output or "-LITELLM_API_KEY=" in res.output, res.output
    assert "plain-looking-value-31" not in res.output
