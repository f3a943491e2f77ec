"""Hostile input through the real CLI, in a subprocess with a memory cap and a hang guard.

Every file in ``corpus/`` and every generated case (a 50 MB file, symlink loops, dangling links,
folders, pipes, devices, unreadable files) goes through ``validate FILE``, ``validate -p FILE`` and
``render prod -p FILE``. Each run must end with exit 1 (findings) or 2 (usage) and one clear error
line that names the file (``file:line:col: error: ...`` for findings), never a traceback or an
internal error, never a secret from the input, and a refused render writes nothing.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
MODES = ("file", "project", "render")
KINDS = (".yaml", ".env", ".conf", ".cfg", ".bicep")
#: Address-space cap for each run: a parser that expands an alias bomb or reads /dev/zero dies here.
MEMORY_CAP = 1024 * 1024 * 1024
#: A hang guard, not a performance assertion (every case finishes in well under 2 s on a laptop).
HANG_GUARD_S = 60
# Substrings of the secrets planted in the corpus; none may be printed.
SECRETS = (
    "0123456789abcdef0123456789abcdef",
    "LeakedKeyLeakedKey1234567890",
    "hunter2hunter2",
    "c2VjcmV0c2VjcmV0c2VjcmV0",
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
)

# Known gaps, each with the change it needs (see the issue-7 report). strict: the day the change
# lands, the XPASS fails and the entry must be removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@dataclass
class Run:
    code: int
    out: str
    err: str


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _configgen(cwd: Path, *args: str) -> Run:
    env = {k: v for k, v in os.environ.items() if k != "CONFIGGEN_DEBUG"}
    env["NO_COLOR"] = "1"
    proc = subprocess.run(
        [sys.executable, "-m", "configgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=HANG_GUARD_S,
        preexec_fn=_limits,
        env=env,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def _args(mode: str, name: str, out: Path) -> list[str]:
    base = {"file": ["validate", name], "project": ["validate", "-p", name], "render": ["render", "prod", "-p", name]}
    extra = ["--out", str(out)] if mode == "render" else []
    return [*base[mode], *extra, "--as-of", "2026-11-27", "--format", "text"]


def _check(run: Run, name: str, out: Path) -> None:
    both = run.out + run.err
    assert "Traceback" not in both, both
    assert "internal error" not in both, both
    assert run.code in (1, 2), f"exit {run.code}\n{both}"
    if run.code == 1:
        located = re.compile(rf"^{re.escape(name)}:\d+:\d+: error: \S.*$", re.MULTILINE)
        assert located.search(run.out), f"no located error line for {name}:\n{both}"
    else:
        errors = [line for line in run.err.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and name in errors[0], run.err
    for secret in SECRETS:
        assert secret not in both, f"printed a secret: {secret}"
    written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert written == [], f"a refused render wrote {written}"


def _gap(mode: str, name: str) -> list[pytest.MarkDecorator]:
    reason = KNOWN_GAPS.get((mode, name))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(CORPUS, work)
    return work


CORPUS_CASES = [
    pytest.param(mode, p.name, id=f"{mode}-{p.name}", marks=_gap(mode, p.name))
    for p in sorted(CORPUS.iterdir())
    for mode in MODES
]


@pytest.mark.parametrize(("mode", "name"), CORPUS_CASES)
def test_corpus(workdir: Path, tmp_path: Path, mode: str, name: str) -> None:
    out = tmp_path / "out"
    run = _configgen(workdir, *_args(mode, name, out))
    _check(run, name, out)
    assert not Path("/tmp/configgen-pwned").exists()


def _make(kind: str, ext: str, work: Path) -> str:
    """Create one generated case; returns the name to give the CLI."""
    name = f"{kind}{ext}"
    path = work / name
    if kind == "too-large":
        with path.open("wb") as fh:  # sparse: 50 MB on paper, nothing on disk
            fh.truncate(50 * 1024 * 1024)
        with path.open("r+b") as fh:
            fh.write(b"version: 1\n")
    elif kind == "symlink-loop":
        path.symlink_to(name)
    elif kind == "dangling-symlink":
        path.symlink_to("does-not-exist" + ext)
    elif kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "unreadable":
        path.write_text("version: 1\n")
        path.chmod(0)
    elif kind == "missing":
        pass
    else:
        raise AssertionError(kind)
    return name


GENERATED = ("too-large", "symlink-loop", "dangling-symlink", "directory", "fifo", "device", "unreadable", "missing")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ext", KINDS)
@pytest.mark.parametrize("kind", GENERATED)
def test_generated(tmp_path: Path, kind: str, ext: str, mode: str) -> None:
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    work = tmp_path / "work"
    work.mkdir()
    name = _make(kind, ext, work)
    out = tmp_path / "out"
    run = _configgen(work, *_args(mode, name, out))
    _check(run, name, out)


def test_bom_is_accepted_like_the_same_file_without_it(tmp_path: Path) -> None:
    """The positive control for the limits above: a normal project validates and renders under them."""
    plain = tmp_path / "configgen.yaml"
    bom = tmp_path / "bom.yaml"
    plain.write_text(EXAMPLE.read_text())
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    a = _configgen(tmp_path, "validate", "-p", plain.name, "--as-of", "2026-11-27")
    b = _configgen(tmp_path, "validate", "-p", bom.name, "--as-of", "2026-11-27")
    assert a.code == b.code == 0, a.out + a.err + b.out + b.err
    out = tmp_path / "out"
    r = _configgen(tmp_path, "render", "prod", "-p", bom.name, "--out", str(out), "--as-of", "2026-11-27")
    assert r.code == 0, r.out + r.err
    assert (out / "litellm.config.yaml").is_file()
    assert (out / "server" / ".env").stat().st_mode & 0o777 == 0o600


def test_symlinked_project_file_is_read_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(EXAMPLE.read_text())
    (tmp_path / "link.yaml").symlink_to(real.name)
    run = _configgen(tmp_path, "validate", "-p", "link.yaml", "--as-of", "2026-11-27")
    assert run.code == 0, run.out + run.err
