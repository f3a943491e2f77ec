"""The terminal presentation: colour by severity, source line and caret, summary; plain text elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli import output
from configgen.cli.main import cli
from configgen.findings import Finding, Severity
from configgen.report import text

BAD = """model_list:
  - model_name: gpt-4
    litellm_params:
      model: azure/gpt-4o
      api_base: https://x-res.openai.azure.com/openai
      api_key: sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD
"""


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "litellm.config.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


def _validate(path: Path, *flags: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(cli, [*flags, "validate", str(path), "--as-of", "2026-11-27", "-f", "text"], env=env)
    assert result.exit_code == 1, result.output
    return result.stdout


def test_output_that_is_not_a_terminal_is_todays_plain_text(bad: Path) -> None:
    from configgen import app

    plain = text(app.validate_files([bad]).findings)
    assert _validate(bad) == plain
    assert _validate(bad, "--color", "never") == plain


def test_on_a_terminal_errors_get_colour_the_source_line_and_a_caret(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "is_terminal", lambda err: True)
    out = _validate(bad, env={"NO_COLOR": ""})
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "[azure-endpoint-openai-suffix]" in line)
    assert "\x1b[1;31merror\x1b[0m" in lines[i]
    import re

    source, caret = (re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines[i + 1 : i + 3])
    assert source.endswith("      api_base: https://x-res.openai.azure.com/openai")
    # the caret sits under the column the finding names (5:17: the value)
    column = int(re.sub(r"\x1b\[[0-9;]*m", "", lines[i]).split(":")[2])
    assert caret.index("^") - source.index(" | ") - 3 == column - 1 == 16
    assert "error" in lines[-1] and "warning" in lines[-1] and "in 1 file" in lines[-1]
    # the inline key is the finding: its value is never shown
    assert "sk-abc" not in out and "api_key: ***" in out


def test_no_color_and_color_never_keep_the_layout_without_escapes(bad: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "is_terminal", lambda err: True)
    for out in (_validate(bad, env={"NO_COLOR": "1"}), _validate(bad, "--color", "never")):
        assert "\x1b[" not in out
        assert "    5 |       api_base: https://x-res.openai.azure.com/openai" in out
        assert "      |                 ^" in out


def test_color_always_colours_a_pipe_too(bad: Path) -> None:
    assert "\x1b[1;31merror" in _validate(bad, "--color", "always")


def test_source_lines_never_carry_control_characters(tmp_path: Path) -> None:
    from configgen.cli.terminal import terminal

    path = tmp_path / "x.env"
    path.write_text("A=\x1b[2Jgone\tx\n", encoding="utf-8")
    out = terminal([Finding("r", Severity.WARNING, "m", "", str(path), 1, 3)], colour=False)
    assert "\x1b" not in out and "A=?[2Jgone x" in out
