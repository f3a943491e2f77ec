"""The shipped pre-commit hooks, run by the real `pre-commit` in a throwaway git repository.

How, and why this way: pre-commit clones a hook repository at a `rev` and pip-installs it, so
pointing it at this checkout's HEAD would test the last commit, not the code under test. Instead the
test commits a snapshot of the *working tree* (package, pyproject, hooks file) into a temporary
repository and uses that as `repo:`. Everything else is real: pre-commit reads our
`.pre-commit-hooks.yaml`, installs configgen with pip into its own environment (dependencies come
from the package index: about 25 s), filters files with our patterns and runs the entry points.
When the package index cannot be reached the install fails; that skips (fails under CI=true).
A fast test beside it checks the hooks file itself without pre-commit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
AS_OF = ["--as-of", "2026-11-27"]
ARGS = '"--as-of", "2026-11-27"'  # quoted: YAML would read the bare date as a date, and pre-commit wants strings
NETWORK = re.compile(r"No matching distribution|Could not find a version|Failed to establish|Temporary failure|"
                     r"ConnectionError|Network is unreachable|timed out", re.IGNORECASE)


def _hooks() -> dict[str, dict[str, object]]:
    data = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {h["id"]: h for h in data}


def test_hooks_file_names_real_commands_and_the_right_files() -> None:
    from click.testing import CliRunner

    from configgen.cli.main import cli

    hooks = _hooks()
    assert set(hooks) == {"configgen", "configgen-validate", "configgen-check"}
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'script-files = ["bin/configgen"]' in pyproject  # the command pre-commit's venv gets
    for hook in hooks.values():
        assert hook["language"] == "python"
        program, *args = str(hook["entry"]).split()
        assert program == "configgen"
        # the subcommand and its options exist: `--help` on them succeeds
        result = CliRunner().invoke(cli, [*args[:1], "--help"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert hooks["configgen-check"]["entry"] == "configgen render --check"
    assert hooks["configgen-check"]["pass_filenames"] is False
    # the one-process hook: both checks, the validate hook's files, run on every commit like the check hook
    assert hooks["configgen"]["entry"] == "configgen validate --check-render"
    assert hooks["configgen"]["files"] == hooks["configgen-validate"]["files"] and hooks["configgen"]["always_run"]
    pattern = re.compile(str(hooks["configgen-validate"]["files"]))
    for name in ["configgen.yaml", "infra/configgen.yml", "litellm.config.yaml", "deploy/prod/server/.env",
                 "server/.env.production", "nginx/litellm.conf", "haproxy/litellm.cfg", "azure/loadbalancer.bicep",
                 "config.yaml", "deploy/proxy_config.yaml", "helm/values.yaml", "server/env.example"]:
        assert pattern.search(name), name
    for name in ["src/app.py", "package.json", "docs/configgen.yaml.md", "environment.py", ".github/workflows/ci.yml"]:
        assert not pattern.search(name), name


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    out = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _snapshot_hook_repo(dest: Path) -> str:
    """The working tree's package as a one-commit git repository; returns its sha."""
    dest.mkdir()
    for name in ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml"]:
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "configgen", dest / "configgen", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / "bin").mkdir()
    shutil.copy2(ROOT / "bin" / "configgen", dest / "bin" / "configgen")  # the command (pyproject's script-files)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return _git(dest, "rev-parse", "HEAD")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


class Repo:
    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.home = home

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PRE_COMMIT_HOME": str(self.home), "PRE_COMMIT_COLOR": "never"}
        env.pop("GITHUB_ACTIONS", None)  # plain text findings
        return subprocess.run([str(PRE_COMMIT), "run", *args], cwd=self.path, env=env, capture_output=True,
                              text=True, timeout=600, check=False)

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        _git(self.path, "add", name)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Repo]:
    if not PRE_COMMIT.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    base = tmp_path_factory.mktemp("precommit")
    sha = _snapshot_hook_repo(base / "hooks")
    work = base / "work"
    work.mkdir()
    _git(work, "init", "-q")
    config = (
        "repos:\n"
        f"  - repo: {base / 'hooks'}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        f"      - id: configgen-validate\n        args: [{ARGS}]\n"
        f"      - id: configgen-check\n        args: [prod, {ARGS}]\n"
        f"      - id: configgen\n        args: [{ARGS}]\n"
    )
    r = Repo(work, base / "home")
    r.write(".pre-commit-config.yaml", config)
    r.write("configgen.yaml", EXAMPLE.read_text(encoding="utf-8"))
    install = subprocess.run([str(PRE_COMMIT), "install-hooks"], cwd=work, capture_output=True, text=True,
                             env={**os.environ, "PRE_COMMIT_HOME": str(r.home)}, timeout=600, check=False)
    if install.returncode != 0:
        log = install.stdout + install.stderr + _read(r.home / "pre-commit.log")
        message = f"pre-commit could not install the hooks: {log[-800:]}"
        if not NETWORK.search(log) or os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield r


@pytest.mark.integration
def test_check_fails_until_rendered_then_passes_then_catches_drift(repo: Repo) -> None:
    result = repo.run("configgen-check", "--all-files")
    assert result.returncode == 1
    assert "missing  deploy/prod/litellm.config.yaml" in result.stdout
    subprocess.run([sys.executable, "-m", "configgen", "render", "prod", *AS_OF], cwd=repo.path, check=True,
                   capture_output=True)
    _git(repo.path, "add", "deploy")
    result = repo.run("configgen-check", "--all-files")
    assert result.returncode == 0, result.stdout
    assert "configgen render --check" in result.stdout and "Passed" in result.stdout
    project = repo.path / "configgen.yaml"
    repo.write("configgen.yaml", project.read_text(encoding="utf-8").replace("num_retries: 2", "num_retries: 3"))
    result = repo.run("configgen-check", "--all-files")
    assert result.returncode == 1
    assert "differs  deploy/prod/litellm.config.yaml" in result.stdout
    repo.write("configgen.yaml", project.read_text(encoding="utf-8").replace("num_retries: 3", "num_retries: 2"))


@pytest.mark.integration
def test_validate_passes_clean_files_and_reports_located_errors(repo: Repo) -> None:
    result = repo.run("configgen-validate", "--all-files")
    assert result.returncode == 0, result.stdout
    repo.write("litellm.config.yaml", "model_list:\n  - model_name: gpt-4\n    litellm_params:\n"
               "      model: gpt-4o\n      api_key: sk-abcdefghijklmnop1234\n")
    result = repo.run("configgen-validate", "--files", "litellm.config.yaml")
    assert result.returncode == 1
    assert re.search(r"litellm\.config\.yaml:\d+:\d+: error: ", result.stdout), result.stdout
    assert "sk-abcdefghijklmnop1234" not in result.stdout  # findings are redacted
    # a file the hook does not match is not passed to it
    repo.write("notes.txt", "not a config\n")
    result = repo.run("configgen-validate", "--files", "notes.txt")
    assert "(no files to check)Skipped" in result.stdout.replace(".", "")


@pytest.mark.integration
def test_the_one_process_hook_validates_and_checks_the_render(repo: Repo) -> None:
    for leftover in ("litellm.config.yaml", "notes.txt"):  # from the validate hook's test
        if (repo.path / leftover).exists():
            _git(repo.path, "rm", "-q", "-f", leftover)
    subprocess.run([sys.executable, "-m", "configgen", "render", "--all", *AS_OF], cwd=repo.path, check=True,
                   capture_output=True)
    _git(repo.path, "add", "deploy")
    result = repo.run("configgen", "--all-files")
    assert result.returncode == 0, result.stdout
    assert "configgen validate + render --check" in result.stdout and "Passed" in result.stdout
    (repo.path / "deploy" / "prod" / "litellm.config.yaml").unlink()
    _git(repo.path, "add", "-A", "deploy")
    result = repo.run("configgen", "--all-files")
    assert result.returncode == 1 and "missing  deploy/prod/litellm.config.yaml" in result.stdout
    assert "run `configgen render --all`" in result.stdout
    subprocess.run([sys.executable, "-m", "configgen", "render", "prod", *AS_OF], cwd=repo.path, check=True,
                   capture_output=True)
    _git(repo.path, "add", "deploy")
    repo.write("litellm.config.yaml", "model_list:\n  - model_name: gpt-4\n    litellm_params:\n"
               "      model: gpt-4o\n      api_key: sk-abcdefghijklmnop1234\n")
    result = repo.run("configgen", "--files", "litellm.config.yaml")
    assert result.returncode == 1 and re.search(r"litellm\.config\.yaml:\d+:\d+: error: ", result.stdout)
    _git(repo.path, "rm", "-q", "-f", "litellm.config.yaml")
