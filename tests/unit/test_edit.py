"""`configgen init` / `configgen add`: round-trip edits keep the file, validate first, write atomically."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.model.jsonschema import MODELINE_PREFIX
from configgen.model.load import load_project
from configgen.tools.authoring.edit import EditError, detect_layout, edit, load

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = "2026-11-27"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, path)
    return path


def _invoke(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def _added_lines(before: str, after: str) -> list[str]:
    """`after` must be `before` plus inserted lines only; returns the inserted lines."""
    import difflib

    ops = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [o for o in ops if o.startswith("- ")], "an edit removed or changed existing lines"
    return [o[2:] for o in ops if o.startswith("+ ")]


def test_noop_round_trip_is_byte_identical(project: Path) -> None:
    before = project.read_text(encoding="utf-8")
    load(project)  # parse ok
    text, _ = edit(project, lambda tree: None)
    assert text == before == project.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "a:\n    b:\n        - x\n        - y\n    c: null  # keep\n",
        "a:\n  b:\n  - x\n  - 'y'\n  c: ~\n",
        "# top\nkey: \"2024-10-21\"\nlist: [1, 2]   # flow\n\n\nother: {x: 1}\n",
        "a:\n  b:\n  c: null\n  d:\n  e: ~\n",
        "a: null\nb: null\nc:  # empty on purpose\nd: [x]\n",
    ],
)
def test_layouts_survive_a_round_trip(tmp_path: Path, text: str) -> None:
    from configgen.tools.authoring.edit import Document

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    # every null keeps its spelling (`null`, `~` or nothing), the file's usual one for new nulls
    assert Document(path, text, doc.tree, detect_layout(text)).dump() == text
    assert doc.dump() == text


def test_add_deployment_alias_environment_resource_keep_comments_and_layout(project: Path) -> None:
    before = project.read_text(encoding="utf-8")
    base = ["-p", str(project), "--as-of", AS_OF]
    assert _invoke("add", "deployment", "chatsheet-dev", "mini", "--model", "gpt-5-mini", "--version", "2025-08-07",
                   *base)[0] == 0
    assert _invoke("add", "alias", "cheap", "-d", "chatsheet-dev/mini", "--env", "dev", *base)[0] == 0
    assert _invoke("add", "environment", "qa", "--description", "QA: one proxy", *base)[0] == 0
    code, out = _invoke("add", "resource", "chatsheet-westus", "--region", "westus", "--key-env", "AZURE_KEY_WEST",
                        "--deployment", "gpt-51", "--model", "gpt-5.1", "--version", "2025-11-13", *base)
    assert code == 0, out
    assert "updated" in out and "added resource chatsheet-westus" in out
    after = project.read_text(encoding="utf-8")
    assert len([line for line in _added_lines(before, after) if line]) == 20
    assert (
        '        capacity: 20\n      mini:\n        model: gpt-5-mini\n        version: "2025-08-07"\n'
        "        sku: GlobalStandard\n        capacity: 10\n\n  chatsheet-prod-eastus2:\n"
    ) in after
    assert (
        "        capacity: 200\n\n  chatsheet-westus:\n    endpoint: https://chatsheet-westus.openai.azure.com\n"
        "    region: westus\n    auth: {type: api_key, key_env: AZURE_KEY_WEST}\n"
        '    api_version: "2025-04-01-preview"\n    deployments:\n      gpt-51:\n        model: gpt-5.1\n'
        '        version: "2025-11-13"\n        sku: GlobalStandard\n        capacity: 10\n\n'
        "# Settings every environment starts from"
    ) in after
    assert "      gpt-4-spillover: null\n      cheap:\n        deployments: [chatsheet-dev/mini]\n    app:\n" in after
    assert after.endswith("      port: 4000\n\n  qa:\n    description: 'QA: one proxy'\n")
    loaded = load_project(project)
    assert loaded.ok and loaded.project is not None
    assert "cheap" in loaded.envs["dev"].layered.data["aliases"]
    assert "cheap" not in loaded.envs["prod"].layered.data["aliases"]
    assert list(loaded.project.environments)[-1] == "qa"


def test_an_edit_that_breaks_the_project_writes_nothing(project: Path) -> None:
    before = project.read_text(encoding="utf-8")
    code, out = _invoke("add", "alias", "x", "-d", "chatsheet-dev/nope", "-p", str(project), "--as-of", AS_OF)
    assert code == 1
    assert "not written" in out and "[project-unknown-deployment]" in out
    code, out = _invoke("add", "deployment", "chatsheet-dev", "bad name", "--model", "gpt-5.1", "--version",
                        "2025-11-13", "-p", str(project), "--as-of", AS_OF)
    assert code == 1 and f"{project}:" in out
    assert project.read_text(encoding="utf-8") == before


def test_existing_names_and_unknown_targets_are_refused(project: Path) -> None:
    base = ["-p", str(project), "--as-of", AS_OF]
    code, out = _invoke("add", "environment", "prod", *base)
    assert code == 1 and "environment `prod` already exists" in out
    code, out = _invoke("add", "deployment", "chatsheet-prod", "x", "--model", "m", "--version", "1", *base)
    assert code == 1 and "no resource `chatsheet-prod`" in out and "did you mean" in out
    code, out = _invoke("add", "alias", "y", "-d", "chatsheet-dev/gpt-51-dev", "--env", "qa", *base)
    assert code == 1 and "no environment `qa`" in out
    code, out = _invoke("add", "environment", "qa", "-p", str(project.parent / "missing.yaml"))
    assert code == 2 and "not found" in out


def test_existing_errors_do_not_block_unrelated_edits_and_mode_is_kept(project: Path) -> None:
    text = project.read_text(encoding="utf-8").replace("capacity: 20", "capacity: 0", 1)
    project.write_text(text, encoding="utf-8")
    project.chmod(0o640)
    text2, findings = edit(project, lambda tree: tree["environments"].update({"qa": None}))
    assert any(f.rule.startswith("schema") for f in findings)  # still reported, did not block
    assert stat.S_IMODE(project.stat().st_mode) == 0o640
    assert project.read_text(encoding="utf-8") == text2


def test_broken_yaml_is_reported_not_rewritten(project: Path) -> None:
    project.write_text("version: 1\nname: [x\n", encoding="utf-8")
    with pytest.raises(EditError) as err:
        edit(project, lambda tree: None)
    assert err.value.findings[0].rule == "yaml-syntax"


def test_init_with_flags_writes_a_valid_project_and_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "app" / "configgen.yaml"
    path.parent.mkdir()
    code, out = _invoke("init", "-p", str(path), "--yes", "--name", "shop", "--resource", "shop-eus",
                        "--region", "eastus", "--alias", "chat", "--as-of", AS_OF)
    assert code == 0, out
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE_PREFIX + "schemas/configgen.schema.json"
    assert (path.parent / "schemas" / "configgen.schema.json").exists()
    loaded = load_project(path)
    assert loaded.ok and loaded.project is not None
    assert loaded.project.resources["shop-eus"].endpoint == "https://shop-eus.openai.azure.com"
    code, out = _invoke("validate", "-p", str(path), "--as-of", AS_OF, "-f", "text")
    assert code == 0, out


def test_init_prompts_read_answers_from_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "configgen.yaml"
    answers = "\n".join(
        ["pipe", "pipe-res", "", "westeurope", "api_key", "KEY_VAR", "", "", "", "chat51", "", "20", "", "", "qa"]
    )
    code, out = _invoke("init", "-p", str(path), "--no-schema", "--as-of", AS_OF, input=answers + "\n")
    assert code == 0, out
    assert "Project name" in out and "Azure region" in out
    loaded = load_project(path)
    assert loaded.ok and loaded.project is not None
    res = loaded.project.resources["pipe-res"]
    assert (res.region, res.endpoint) == ("westeurope", "https://pipe-res.openai.azure.com")
    assert res.deployments["chat51"].capacity == 20
    assert list(loaded.project.environments) == ["qa"]
    assert not (tmp_path / "schemas").exists()


def test_init_never_overwrites_without_force_and_rejects_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "configgen.yaml"
    path.write_text("# mine\n", encoding="utf-8")
    code, out = _invoke("init", "-p", str(path), "--yes")
    assert code == 2 and "already exists" in out
    assert path.read_text(encoding="utf-8") == "# mine\n"
    code, out = _invoke("init", "-p", str(path), "--yes", "--force", "--resource", "-bad-", "--as-of", AS_OF)
    assert code == 1 and "not written" in out
    assert path.read_text(encoding="utf-8") == "# mine\n"
    code, _ = _invoke("init", "-p", str(path), "--yes", "--force", "--as-of", AS_OF)
    assert code == 0 and load_project(path).ok


@pytest.mark.parametrize(("spelling", "quote"), [("null", '"'), ("~", "'"), ("", '"')])
def test_an_edit_writes_new_values_the_way_the_file_writes_them(tmp_path: Path, spelling: str, quote: str) -> None:
    path = tmp_path / "configgen.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace('"', quote)
    text = text.replace(": null", f": {spelling}".rstrip())
    assert text.count(f": {spelling}".rstrip() + "\n") >= 2
    path.write_text(text, encoding="utf-8")
    code, out = _invoke("add", "environment", "qa", "-p", str(path), "--as-of", AS_OF)
    assert code == 0, out
    code, out = _invoke("add", "deployment", "chatsheet-dev", "mini", "--model", "gpt-5-mini", "--version",
                        "2025-08-07", "-p", str(path), "--as-of", AS_OF)
    assert code == 0, out
    after = path.read_text(encoding="utf-8")
    added = _added_lines(text, after)
    assert f"  qa: {spelling}".rstrip() in added
    assert f"        version: {quote}2025-08-07{quote}" in added


def test_interactive_init_checks_each_answer_and_asks_again(tmp_path: Path) -> None:
    path = tmp_path / "configgen.yaml"
    # A resource name Azure refuses, a SKU that does not exist, a capacity of 0: each asked again, nothing lost.
    answers = ["pipe", "-bad-", "pipe-res", "", "", "", "", "", "", "", "Premium", "Standard", "0", "20", "",
               "least-busy", ""]
    code, out = _invoke("init", "-p", str(path), "--no-schema", "--as-of", AS_OF, input="\n".join(answers) + "\n")
    assert code == 0, out
    assert out.count("Azure OpenAI resource name") == 2 and "-bad- will not do" in out
    assert "(entra, api_key)" in out and "simple-shuffle, least-busy" in out and "GlobalStandard, " in out
    loaded = load_project(path)
    assert loaded.ok and loaded.project is not None
    res = loaded.project.resources["pipe-res"]
    assert res.auth.type == "entra"  # the default of `configgen add resource` too
    assert (res.deployments["gpt-51"].sku, res.deployments["gpt-51"].capacity) == ("Standard", 20)
    assert "    routing_strategy: least-busy\n" in path.read_text()


def test_refused_findings_point_at_the_file_on_disk_or_say_where_they_are(tmp_path: Path) -> None:
    from configgen.findings import Finding, Severity
    from configgen.tools.authoring.edit import AS_WRITTEN, locate_on_disk

    path = tmp_path / "configgen.yaml"
    disk = "version: 1\nname: shop\n\nresources:\n  a:\n    endpoint: https://a.openai.azure.com\n"
    new = "version: 1\nname: shop\nextra:\n  x: 1\nresources:\n  a:\n    endpoint: https://a.openai.azure.com\n"
    at_existing = Finding("r", Severity.ERROR, "bad endpoint", "", str(path), 7, 15, ("resources", "a", "endpoint"))
    at_new = Finding("r", Severity.ERROR, "bad extra", "", str(path), 4, 6, ("extra", "x"))
    moved, unwritten = locate_on_disk([at_existing, at_new], new, path, disk)
    assert (moved.line, moved.column) == (6, 15)  # the same key, where it is in the file on disk
    assert (unwritten.line, unwritten.column) == (0, 0)
    assert unwritten.message == f"bad extra (line 4 {AS_WRITTEN})"


def test_a_refused_add_says_where_its_errors_are(project: Path) -> None:
    before = project.read_text(encoding="utf-8")
    code, out = _invoke("add", "alias", "foo", "-d", "nope/x", "-p", str(project), "--as-of", AS_OF)
    assert code == 1 and "project-unknown-deployment" in out
    assert f"{project}: error: " in out and "in the file as it would be written" in out
    assert project.read_text(encoding="utf-8") == before
