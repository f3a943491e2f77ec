"""`configgen validate` without click (configgen.cli.fast) prints and returns exactly what click's
command does, for every command line it takes; every other command line is left to click."""

from __future__ import annotations

import io
import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from configgen.cli import fast

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
CASES = ROOT / "tests" / "cases"
AS_OF = ["--as-of", "2026-11-27"]

#: Runs ARGV one way (WAY: fast or click) and writes [exit code, whether click was imported] to SIDE.
PROBE = """
import json, os, sys
argv = json.loads(os.environ["ARGV"])
if os.environ["WAY"] == "fast":
    from configgen.cli.fast import run
    code = run(argv)
else:
    from configgen.cli.main import main
    code = main(argv)
sys.stdout.flush(); sys.stderr.flush()
with open(os.environ["SIDE"], "w") as f:
    json.dump([code, "click" in sys.modules], f)
"""


def _run(way: str, argv: list[str], cwd: Path, env: dict[str, str], tty: bool) -> tuple[bytes, bytes, int | None, bool]:
    side = cwd / f".side-{way}.json"
    full = {**os.environ, **env, "ARGV": json.dumps(argv), "WAY": way, "SIDE": str(side)}
    if "GITHUB_ACTIONS" not in env:
        full.pop("GITHUB_ACTIONS", None)  # CI's own: the plain runs must be plain
    if tty:  # stdout a terminal: the terminal presentation (colour, source lines)
        master, slave = pty.openpty()
        proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=full, stdout=slave, stderr=subprocess.PIPE,
                              timeout=120, check=False)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        out = b"".join(chunks)
    else:
        proc = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=full, capture_output=True, timeout=120,
                              check=False)
        out = proc.stdout
    assert proc.returncode == 0, proc.stderr.decode()
    code, clicked = json.loads(side.read_text())
    side.unlink()
    return out, proc.stderr, code, clicked


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a project of its own (found without -p), hand-written files and a broken project."""
    d = tmp_path_factory.mktemp("fast")
    shutil.copy(CASES / "project-inline-secret" / "bad" / "configgen.yaml", d / "configgen.yaml")
    shutil.copy(CASES / "litellm-inline-secret" / "pasted-keys" / "config.yaml", d / "litellm.config.yaml")
    shutil.copy(CASES / "dotenv-secret" / "pasted" / "app.env", d / "app.env")
    shutil.copy(CASES / "azure-model-retiring" / "fail" / "config.yaml", d / "retiring.litellm.yaml")
    (d / "broken.yaml").write_text("model_list: [\n")
    (d / "sub").mkdir()
    return d


SAME = [
    ["validate", "-p", str(EXAMPLE), *AS_OF],
    ["validate", "--project", str(EXAMPLE), "--as-of=2026-11-27", "--format", "json"],
    ["validate", f"--project={EXAMPLE}", *AS_OF, "-f", "sarif"],
    ["validate", "-p", str(EXAMPLE), *AS_OF, "--format=github", "--no-cache"],
    ["validate", "-p", str(EXAMPLE), *AS_OF, "--strict"],
    ["validate", *AS_OF],  # the project found from the working directory: an inline secret
    ["validate", "-f", "text", *AS_OF],
    ["validate", "litellm.config.yaml", *AS_OF],
    ["validate", "litellm.config.yaml", "app.env", "retiring.litellm.yaml", *AS_OF, "-f", "json"],
    ["validate", *AS_OF, "retiring.litellm.yaml", "--strict"],  # options between FILES too
    ["validate", "broken.yaml", *AS_OF],
    ["validate", "missing.yaml", "sub", *AS_OF],
    ["validate", "x\x1b[31mred.yaml", *AS_OF],  # a file name with an escape sequence in it
    ["validate", "litellm.config.yaml", "-p", str(EXAMPLE), *AS_OF],  # -p with FILES: checked together
    ["validate", "retiring.litellm.yaml"],  # today's date
]


@pytest.mark.parametrize("argv", SAME, ids=lambda a: " ".join(a[1:])[:60])
@pytest.mark.parametrize("env", [{}, {"GITHUB_ACTIONS": "true"}], ids=["plain", "github"])
def test_the_fast_path_prints_and_returns_what_click_does(argv: list[str], env: dict[str, str], work: Path) -> None:
    assert fast.parse(argv) is not None
    clicked = _run("click", argv, work, env, tty=False)
    quick = _run("fast", argv, work, env, tty=False)
    assert quick[:3] == clicked[:3]
    assert (quick[3], clicked[3]) == (False, True)  # and it really ran without click
    assert quick[0] + quick[1] and quick[2] in (0, 1)  # a report, not nothing


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}], ids=["colour", "no-colour"])
@pytest.mark.parametrize("argv", [SAME[5], SAME[7], SAME[1]], ids=["project", "file", "json"])
def test_on_a_terminal_too(argv: list[str], env: dict[str, str], work: Path) -> None:
    clicked = _run("click", argv, work, env, tty=True)
    quick = _run("fast", argv, work, env, tty=True)
    assert quick[:3] == clicked[:3] and quick[3] is False
    if argv is SAME[7] and not env:
        assert b"\x1b[" in quick[0]  # the terminal presentation, in colour


def test_a_missing_project_is_clicks_usage_error(tmp_path: Path) -> None:
    assert fast.run(["validate", "-p", str(tmp_path / "none.yaml"), *AS_OF]) is None


LEFT_TO_CLICK = [
    [],
    ["render", "--check", "--all"],
    ["validate", "--help"],
    ["validate", "-h"],
    ["-p", str(EXAMPLE), "validate"],
    ["--color", "never", "validate"],
    ["validate", "--check-render"],
    ["validate", "--inventory", "inv.json"],
    ["validate", "--models", "models.json"],
    ["validate", "-p", "a.yaml", "-p", "b.yaml"],
    ["validate", "--strict", "--strict"],
    ["validate", "--strict=yes"],
    ["validate", "--no-cache=1"],
    ["validate", "-f", "xml"],
    ["validate", "--format"],
    ["validate", "--as-of", "2026-13-01"],
    ["validate", "--as-of", "today"],
    ["validate", "--as-of="],
    ["validate", "-p"],
    ["validate", "-p", ""],
    ["validate", "-p", "-f"],
    ["validate", f"-p{EXAMPLE}"],
    ["validate", "-p", str(ROOT)],  # a folder: click refuses it for -p
    ["validate", "--", "file.yaml"],
    ["validate", "-"],
    ["validate", ""],
    ["validate", "--proj", str(EXAMPLE)],
    ["validate", "--unknown"],
    ["validate", "-x"],
]


@pytest.mark.parametrize("argv", LEFT_TO_CLICK, ids=lambda a: " ".join(a)[:50] or "nothing")
def test_everything_else_is_left_to_click(argv: list[str]) -> None:
    assert fast.parse(argv) is None
    assert fast.run(argv) is None


def test_the_executable_validates_without_importing_click(tmp_path: Path) -> None:
    """`python -m configgen validate ...`, a cache miss, never imports click; `render --check` does."""
    env = {**os.environ, "CONFIGGEN_NO_CACHE": "1"}

    def imported(*argv: str) -> set[str]:
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "configgen", *argv], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}

    validated = imported("validate", "-p", str(EXAMPLE), *AS_OF)
    assert "configgen.pipeline" in validated
    assert not {"click", "inspect", "dataclasses"} & validated, sorted(validated)
    assert "click" in imported("rules")


class _Stream(io.StringIO):
    """A text stream that says whether it is a terminal."""

    encoding = "utf-8"

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [False, True], ids=["file", "terminal"])
@pytest.mark.parametrize("color", [None, True, False], ids=["colour-auto", "colour-on", "colour-off"])
@pytest.mark.parametrize("message", ["", "plain\n", "\x1b[1;31merror\x1b[0m: x\n", "a\x1b[2Jb\x1b]0;t\x07c\n"])
def test_echo_writes_what_click_echo_writes(
    message: str, color: bool | None, tty: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    from configgen.cli.output import echo

    for err in (False, True):
        ours, theirs = _Stream(tty), _Stream(tty)
        monkeypatch.setattr(sys, "stderr" if err else "stdout", ours)
        echo(message, err=err, color=color)
        click.echo(message, file=theirs, nl=False, color=color)
        assert ours.getvalue() == theirs.getvalue()


def test_the_funnel_turns_each_ending_into_its_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from configgen.cli.process import guarded

    said: list[str] = []

    def ending(exc: BaseException | None, code: int = 0) -> int:
        def run() -> int:
            if exc is not None:
                raise exc
            return code

        return guarded(run, said.append)

    monkeypatch.delenv("CONFIGGEN_DEBUG", raising=False)
    assert [ending(None, 0), ending(None, 1), ending(SystemExit(2)), ending(SystemExit(None)), ending(SystemExit("x"))] == [
        0, 1, 2, 0, 1]
    assert said == []
    assert ending(KeyboardInterrupt()) == 130 and said == ["interrupted"]
    assert ending(BrokenPipeError()) == 1
    key = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0" * 2
    assert ending(ValueError(f"bad value {key}")) == 3
    assert said[-1].startswith("configgen: internal error: ValueError: bad value ") and key not in said[-1]
    monkeypatch.setenv("CONFIGGEN_DEBUG", "1")
    with pytest.raises(ValueError):
        ending(ValueError("x"))


@pytest.mark.parametrize(("argv", "expected"), [(SAME[0], 0), (SAME[1], 0), (SAME[7], 1), (SAME[5], 1)],
                         ids=["project", "json", "file-with-a-key", "found-project-with-a-key"])
def test_in_process_the_same_as_click(argv: list[str], expected: int, work: Path, monkeypatch: pytest.MonkeyPatch,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    """A clean project and files with findings: the comparisons cover both exit codes."""
    from configgen.cli.main import main

    monkeypatch.chdir(work)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = fast.run(argv)
    quick = capfd.readouterr()
    assert code == expected
    assert main(argv) == code
    assert capfd.readouterr() == quick
