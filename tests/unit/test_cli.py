"""The CLI: exit codes from one place, report formats with a stable shape, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = ["--as-of", "2026-11-27"]


def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "configgen.yaml"
    path.write_text(EXAMPLE.read_text().replace("region: swedencentral", "regoin: swedencentral"))
    return path


def test_validate_example_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-p", str(EXAMPLE), *AS_OF]) == 0
    assert capsys.readouterr().out.endswith("0 error(s), 0 warning(s), 3 info\n")


def test_validate_findings_exit_1_with_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken(tmp_path)
    assert main(["validate", "-p", str(path), *AS_OF]) == 1
    out = capsys.readouterr().out
    assert f"{path}:36:5: error: unknown key `regoin` [schema-unknown-key] (hint: did you mean `region`?)" in out


def test_json_report_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-p", str(_broken(tmp_path)), "--format", "json", *AS_OF]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"findings", "counts"}
    assert set(report["counts"]) == {"error", "warning", "info"}
    for f in report["findings"]:
        assert set(f) == {"rule", "severity", "file", "line", "column", "path", "message", "hint"}
    first = report["findings"][0]
    assert (first["rule"], first["line"], first["column"]) == ("schema-unknown-key", 36, 5)


def test_github_format_annotates_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "-p", str(_broken(tmp_path)), "--format", "github", *AS_OF])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error file=") and ",line=36,col=5," in line for line in lines)


def test_sarif_is_valid_json_with_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", "-p", str(_broken(tmp_path)), "--format", "sarif", *AS_OF])
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_missing_project_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-p", str(tmp_path / "nope.yaml")]) == 2
    assert "no project file" in capsys.readouterr().err


def test_bad_date_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-p", str(EXAMPLE), "--as-of", "yesterday"]) == 2


def test_unknown_environment_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "prdo", "-p", str(EXAMPLE), "--out", str(tmp_path), *AS_OF]) == 2
    assert "did you mean `prod`" in capsys.readouterr().err


def test_render_reports_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "staging", "-p", str(EXAMPLE), "--out", str(tmp_path), *AS_OF]) == 0
    out = capsys.readouterr().out
    assert "created" in out and "litellm.config.yaml" in out and "haproxy/litellm.cfg" in out


def test_rules_lists_and_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "project-unknown-deployment" in listing and "azure-api-version-unknown" in listing
    assert main(["rules", "project-redis-missing"]) == 0
    assert "Redis" in capsys.readouterr().out
    assert main(["rules", "project-redis-mising"]) == 2


def test_docs_rules_md_is_in_sync() -> None:
    from configgen.rules import load_all
    from configgen.rules.docs import markdown

    assert (ROOT / "docs" / "rules.md").read_text() == markdown(load_all()), "run: configgen rules -f markdown > docs/rules.md"


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "configgen", "validate", "-p", str(_broken(tmp_path)), *AS_OF],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr


def test_every_finding_id_in_the_code_is_documented() -> None:
    import re

    from configgen.rules import load_all
    from configgen.rules.core_ids import CORE_CHECKS

    known = set(load_all()) | set(CORE_CHECKS)
    emitted: set[str] = set()
    for path in (ROOT / "configgen").rglob("*.py"):
        emitted |= set(re.findall(r'"((?:yaml|file|schema|render)-[a-z-]+)"', path.read_text()))
    assert emitted - known == set()


def test_readme_shows_the_current_prod_topology(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "-p", str(EXAMPLE), "prod", "--markdown"]) == 0
    assert capsys.readouterr().out in (ROOT / "README.md").read_text()


def test_lazy_command_table_matches_the_modules() -> None:
    import importlib
    import pkgutil

    from configgen import cli
    from configgen.cli.main import LAZY_COMMANDS

    # configgen/cli/ holds the group (main), the shared options, the terminal report, the click-free
    # validate (fast) with its output and process modules, and one module per lazy command.
    modules = {m.name for m in pkgutil.iter_modules(cli.__path__)} - {"main", "options", "terminal", "fast", "output", "process"}
    assert {module for module, _ in LAZY_COMMANDS.values()} == modules
    for name, (module, help_text) in LAZY_COMMANDS.items():
        command = importlib.import_module(f"configgen.cli.{module}").command
        assert command.name == name
        assert command.short_help == help_text


def test_add_command_offers_exactly_the_model_skus() -> None:
    import typing

    from configgen.cli.add import SKUS
    from configgen.model.project import Sku

    assert typing.get_args(Sku) == SKUS  # add.py keeps its own copy: it must not import pydantic for --help


def test_a_misspelt_model_list_is_an_error_with_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "litellm.config.yaml"
    config.write_text("# proxy\nmodel_lists:\n  - model_name: chat\n    litellm_params: {model: azure/chat}\n")
    assert main(["validate", str(config), "--format", "json"]) == 1
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["rule"], finding["line"], finding["column"]) == ("yaml-kind-typo", 2, 1)
    assert finding["hint"] == "did you mean `model_list`?"


def _modules_after(args: list[str]) -> tuple[int, set[str]]:
    """Run the executable's entry in a fresh interpreter; return its exit code and the heavy modules it imported."""
    code = (
        "import sys\n"
        "from configgen.__main__ import main\n"
        f"sys.argv = ['configgen', *{args!r}]\n"
        "heavy = ('pydantic', 'jinja2', 'jsonschema', 'importlib.metadata', 'configgen.load.inventory')\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, *[m for m in heavy if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    rc, *mods = out.stderr.strip().splitlines()[-1].split()
    return int(rc), set(mods)


def test_heavy_imports_stay_off_the_paths_that_do_not_need_them() -> None:
    """A pre-commit hook pays for every import on every commit (bench/README.md)."""
    assert _modules_after(["--help"]) == (0, set())
    # Hand-written files: no Pydantic (the project models), no Jinja2 (nothing is rendered).
    golden = "tests/golden/chatsheetai/prod"
    assert _modules_after(["validate", f"{golden}/litellm.config.yaml", f"{golden}/server/.env", *AS_OF]) == (0, set())
    # Its models are records, not Pydantic's (configgen.model.records); it has no templates of its own, so
    # the built-in ones are laid out in Python (configgen.render.builtin); and it names no inventory.
    assert _modules_after(["validate", "-p", str(EXAMPLE), *AS_OF]) == (0, set())


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "-p", str(EXAMPLE)],
        ["render", "prod", "-p", str(EXAMPLE), "--check"],
        ["add", "environment", "qa", "-p", str(EXAMPLE)],
        ["init", "--yes", "-p", "never-written.yaml"],
        ["import", "--from-azure", "none.json", "-p", "never-written.yaml"],
    ],
)
def test_a_bad_as_of_date_is_a_usage_error_everywhere(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """One --as-of option for every command: a bad date stops before anything is read or written."""
    assert main([*args, "--as-of", "2026-13-01"]) == 2
    assert "'2026-13-01' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert not Path("never-written.yaml").exists()


def _project_tree(tmp_path: Path) -> Path:
    import shutil

    (tmp_path / "repo" / "app" / "src").mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    shutil.copy(ROOT / "examples" / "chatsheetai" / "configgen.yaml", tmp_path / "repo" / "configgen.yaml")
    return tmp_path / "repo"


def test_project_option_works_before_the_command(tmp_path: Path) -> None:
    repo = _project_tree(tmp_path)
    project = str(repo / "configgen.yaml")
    for args in (["-p", project, "validate"], ["validate", "-p", project], ["--project", project, "explain", "dev", "app.mode"]):
        result = CliRunner().invoke(cli, [*args, "--as-of", "2026-11-27"] if args[-1] == "validate" else args)
        assert result.exit_code == 0, (args, result.output)
    result = CliRunner().invoke(cli, ["-p", str(tmp_path / "none.yaml"), "validate"])
    assert result.exit_code == 2 and "none.yaml" in result.output


def test_the_project_file_is_found_walking_up_within_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from configgen.model.load import find_project_file

    repo = _project_tree(tmp_path)
    monkeypatch.delenv("CONFIGGEN_PROJECT", raising=False)
    assert find_project_file(None, repo / "app" / "src") == repo / "configgen.yaml"
    # not past the top of the repository: a project above it belongs to something else
    (repo / "configgen.yaml").rename(tmp_path / "configgen.yaml")
    assert find_project_file(None, repo / "app") == repo / "app" / "configgen.yaml"
    (tmp_path / "configgen.yaml").rename(repo / "configgen.yaml")
    monkeypatch.chdir(repo / "app" / "src")
    result = CliRunner().invoke(cli, ["validate", "--as-of", "2026-11-27"])
    assert result.exit_code == 0, result.output


def test_configgen_project_names_the_project_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _project_tree(tmp_path)
    (repo / "configgen.yaml").rename(repo / "llm.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONFIGGEN_PROJECT", str(repo / "llm.yaml"))
    result = CliRunner().invoke(cli, ["validate", "--as-of", "2026-11-27"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["-p", str(tmp_path / "other.yaml"), "validate"])  # -p wins
    assert result.exit_code == 2 and "other.yaml" in result.output


@pytest.mark.parametrize(("group", "n"), [((), 13), (("add",), 4), (("inventory",), 1), (("catalog",), 3)])
def test_help_summaries_are_whole_sentences(group: tuple[str, ...], n: int) -> None:
    out = CliRunner().invoke(cli, [*group, "--help"], terminal_width=80).output
    rows: dict[str, str] = {}
    name = ""
    for line in out.split("Commands:\n", 1)[1].splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            name, _, summary = line.strip().partition(" ")
            rows[name] = summary.strip()
        elif name:
            rows[name] += " " + line.strip()
    assert len(rows) == n
    for name, summary in rows.items():
        assert summary.endswith(".") and "..." not in summary, (name, summary)


def test_validate_check_render_reports_drift_in_the_same_run(tmp_path: Path) -> None:
    repo = _project_tree(tmp_path)
    project = str(repo / "configgen.yaml")
    args = ["validate", "-p", project, "--check-render", "--as-of", "2026-11-27"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and "missing  " in result.output and "configgen render --all" in result.output
    assert "0 error(s)" in result.output  # the validation report came first
    assert CliRunner().invoke(cli, ["render", "--all", "-p", project, "--as-of", "2026-11-27"]).exit_code == 0
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "missing" not in result.output and "differs" not in result.output
