"""`configgen render` on disk: --check, --diff (redacted), --dry-run, hand-edit protection and --force."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
SECRET = "sk-live-0123456789abcdefghijklmnop"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, path)
    monkeypatch.chdir(tmp_path)  # output names are shown relative to the working directory
    return path


def _render(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["render", "prod", "--as-of", "2026-11-27", "-f", "text", *args],
                                catch_exceptions=False)
    return result.exit_code, result.output


def _outputs(project: Path) -> dict[Path, str]:
    root = project.parent / "deploy" / "prod"
    return {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_render_then_check_is_clean(project: Path) -> None:
    code, out = _render()
    assert code == 0, out
    files = _outputs(project)
    assert project.parent / "deploy/prod/litellm.config.yaml" in files
    assert stat.S_IMODE((project.parent / "deploy/prod/server/.env").stat().st_mode) == 0o600
    code, out = _render("--check")
    assert code == 0
    assert all(line.strip().startswith("up to date") for line in out.splitlines())
    assert _outputs(project) == files


def test_check_names_missing_and_differing_files_and_writes_nothing(project: Path) -> None:
    code, out = _render("--check")
    assert code == 1 and "     missing  deploy/prod/litellm.config.yaml" in out
    assert not (project.parent / "deploy").exists()
    _render()
    before = _outputs(project)
    project.write_text(project.read_text(encoding="utf-8").replace("num_retries: 2", "num_retries: 4"), "utf-8")
    code, out = _render("--check")
    assert code == 1
    assert "     differs  deploy/prod/litellm.config.yaml" in out
    assert "  up to date  deploy/prod/server/.env" in out
    assert _outputs(project) == before


def test_diff_shows_the_change_with_secrets_redacted(project: Path) -> None:
    _render()
    env_file = project.parent / "deploy/prod/server/.env"
    env_file.write_text(env_file.read_text(encoding="utf-8") + f"LITELLM_API_KEY={SECRET}\n", encoding="utf-8")
    project.write_text(project.read_text(encoding="utf-8").replace("num_retries: 2", "num_retries: 4"), "utf-8")
    code, out = _render("--check", "--diff")
    assert code == 1
    assert "-  num_retries: 2\n+  num_retries: 4\n" in out
    assert "--- a/deploy/prod/server/.env\n+++ b/deploy/prod/server/.env\n" in out
    assert "-LITELLM_API_KEY=sk-[REDACTED]" in out or "-LITELLM_API_KEY=[REDACTED]" in out
    assert SECRET not in out and SECRET[8:] not in out


def test_dry_run_writes_nothing(project: Path) -> None:
    code, out = _render("--dry-run")
    assert code == 0 and "would create  deploy/prod/litellm.config.yaml" in out
    assert not (project.parent / "deploy").exists()


def test_hand_edited_file_is_never_overwritten_without_force(project: Path) -> None:
    _render()
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    edited = conf.read_text(encoding="utf-8") + "# tuned by hand\n"
    conf.write_text(edited, encoding="utf-8")
    project.write_text(project.read_text(encoding="utf-8").replace("num_retries: 2", "num_retries: 4"), "utf-8")
    before = _outputs(project)
    code, out = _render()
    assert code == 1
    assert f"{conf}:1:1: error: this generated file was edited by hand" in out
    assert "[render-hand-edited]" in out and "--force" in out
    # all or nothing: the other changed file is not written either
    assert _outputs(project) == before
    code, out = _render("--force")
    assert code == 0, out
    assert "# tuned by hand" not in conf.read_text(encoding="utf-8")
    assert "num_retries: 4" in (project.parent / "deploy/prod/litellm.config.yaml").read_text(encoding="utf-8")
    assert _render("--check")[0] == 0


def test_refusal_shows_the_hand_edit_as_a_diff(project: Path) -> None:
    _render()
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    conf.write_text(conf.read_text(encoding="utf-8") + "# tuned by hand\n", encoding="utf-8")
    code, out = _render()
    assert code == 1
    assert "-# tuned by hand\n" in out


def test_a_file_configgen_did_not_write_is_not_overwritten_without_force(project: Path) -> None:
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("# my own nginx config\n", encoding="utf-8")
    code, _ = _render()
    assert code == 1
    assert conf.read_text(encoding="utf-8") == "# my own nginx config\n"


def test_check_says_what_to_run(project: Path) -> None:
    code, out = _render("--check")
    assert code == 1
    assert out.splitlines()[-1] == "to update, run: configgen render prod"


def test_a_refused_files_diff_is_printed_once_with_diff(project: Path) -> None:
    _render()
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    conf.write_text(conf.read_text(encoding="utf-8") + "# tuned by hand\n", encoding="utf-8")
    code, out = _render("--diff")
    assert code == 1
    assert out.count("-# tuned by hand\n") == 1


def test_render_without_an_environment_lists_them(project: Path) -> None:
    result = CliRunner().invoke(cli, ["render"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "environments in configgen.yaml: dev, staging, prod, aks, prod-dr" in result.output


def _drop_prod_balancer(project: Path) -> None:
    text = project.read_text(encoding="utf-8")
    start = text.index("\n  prod:\n")
    # prod's own balancer: `balancer: null` removes it (null removes a default; prod sets its own)
    head, tail = text[:start], text[start:]
    import re

    tail = re.sub(r"\n    balancer:\n(      .*\n)+", "\n    balancer: null\n", tail, count=1)
    tail = re.sub(r"\n    balancer: \{[^\n]*\}\n", "\n    balancer: null\n", tail, count=1)
    project.write_text(head + tail, encoding="utf-8")


def test_a_file_no_longer_rendered_is_stale_for_check_and_removed_by_render(project: Path) -> None:
    assert _render()[0] == 0
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    assert conf.exists()
    _drop_prod_balancer(project)
    code, out = _render("--check")
    assert code == 1 and "       stale  deploy/prod/nginx/litellm.conf" in out
    code, out = _render("--dry-run")
    assert "would remove  deploy/prod/nginx/litellm.conf" in out and conf.exists()
    code, out = _render()
    assert code == 0, out
    assert "     removed  deploy/prod/nginx/litellm.conf" in out and not conf.exists()
    assert _render("--check")[0] == 0


def test_a_stale_file_edited_by_hand_is_not_removed_without_force(project: Path) -> None:
    assert _render()[0] == 0
    conf = project.parent / "deploy/prod/nginx/litellm.conf"
    conf.write_text(conf.read_text(encoding="utf-8") + "# tuned by hand\n", encoding="utf-8")
    _drop_prod_balancer(project)
    code, out = _render()
    assert code == 1 and "no longer rendered" in out and "-# tuned by hand" in out and conf.exists()
    code, out = _render("--force")
    assert code == 0 and not conf.exists()


def test_files_of_other_environments_and_hand_written_files_are_never_stale(project: Path) -> None:
    assert _render()[0] == 0
    other = project.parent / "deploy/prod/notes.conf"
    other.write_text("# my own file\n", encoding="utf-8")
    staging = CliRunner().invoke(cli, ["render", "staging", "--out", "deploy/prod/x", "--as-of", "2026-11-27"])
    assert staging.exit_code == 0, staging.output
    assert _render("--check")[0] == 0
    assert other.exists()
