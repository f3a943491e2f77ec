"""`configgen import`: Azure deployment lists into projects (comments kept), LiteLLM configs into projects."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from click.testing import CliRunner

from configgen.app import validate_project_file
from configgen.cli.main import cli
from configgen.load.dotenv import parse_dotenv
from configgen.load.inventory import load_inventory
from configgen.load.yaml import load_yaml_text
from configgen.tools.authoring.import_azure import import_azure
from configgen.tools.authoring.import_litellm import import_litellm

ROOT = Path(__file__).parent.parent.parent
INV = ROOT / "tests" / "inventory" / "chatsheet-prod-eastus2.json"
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = dt.date(2026, 11, 27)


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.output


def test_import_into_a_new_project_validates_and_renders_exactly_the_good_deployments(tmp_path: Path) -> None:
    shutil.copy(INV, tmp_path / "inv.json")
    project = tmp_path / "configgen.yaml"
    code, out = _run(
        [
            "import",
            "--from-azure",
            str(tmp_path / "inv.json"),
            "-p",
            str(project),
            "--region",
            "eastus2",
            "--as-of",
            "2026-11-27",
        ]
    )
    assert code == 0, out
    result = validate_project_file(project, AS_OF)
    assert [f for f in result.findings if f.severity.value == "error"] == []
    code, out = _run(["render", "dev", "-p", str(project), "-o", str(tmp_path / "out"), "--as-of", "2026-11-27"])
    assert code == 0, out
    rendered = (tmp_path / "out" / "litellm.config.yaml").read_text()
    models = sorted(line.split('"')[1] for line in rendered.splitlines() if line.strip().startswith("model: "))
    # Failed (gpt-4o) and Creating (o4-mini-canary) deployments are left out.
    assert models == ["azure/gpt-5-mini", "azure/gpt-51", "azure/text-embedding-3-large"]


def test_import_into_an_existing_project_keeps_its_comments(tmp_path: Path) -> None:
    inv, _ = load_inventory(INV)
    assert inv is not None
    text = EXAMPLE.read_text()
    result = import_azure(text, tmp_path / "configgen.yaml", inv, inventory_ref="inv.json")
    assert result.findings == []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            assert line in result.text
    doc, _ = load_yaml_text(result.text, "p.yaml")
    assert doc is not None
    res = doc.data["resources"]["chatsheet-prod-eastus2"]
    # The existing deployment stays as written; the others are added with Azure's values.
    assert res["deployments"]["gpt-51"] == {
        "model": "gpt-5.1",
        "version": "2025-11-13",
        "sku": "DataZoneStandard",
        "capacity": 150,
    }
    assert res["deployments"]["gpt-5-mini"]["capacity"] == 100 and res["inventory"] == "inv.json"
    assert "gpt-4o" not in res["deployments"]
    assert doc.data["defaults"]["aliases"]["gpt-5-mini"] == {"deployments": ["chatsheet-prod-eastus2/gpt-5-mini"]}
    assert result.added == ["chatsheet-prod-eastus2/gpt-5-mini", "chatsheet-prod-eastus2/text-embedding-3-large"]


def test_import_refuses_to_write_a_project_with_errors(tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    project.write_text(EXAMPLE.read_text())
    before = project.read_text()
    shutil.copy(INV, tmp_path / "inv.json")
    # The example's gpt-51 on this account says DataZoneStandard/150; Azure says GlobalStandard/50.
    code, out = _run(
        ["import", "--from-azure", str(tmp_path / "inv.json"), "-p", str(project), "--as-of", "2026-11-27"]
    )
    assert code == 1 and "inventory-deployment-mismatch" in out and "not written" in out
    assert project.read_text() == before


SEED = """model_list:
  - model_name: gpt-4
    litellm_params:
      model: azure/gpt-4o-2024-08-06 # Your Azure OpenAI deployment name
      api_base: https://your-azure-openai-resource.openai.azure.com/
      api_version: "2024-08-01-preview"
      api_key: ${AZURE_OPENAI_API_KEY}
      temperature: 0.2

litellm_settings:
  drop_params: True
  set_verbose: True

environment_variables:
  AZURE_OPENAI_API_KEY: ${AZURE_OPENAI_API_KEY}
"""


def test_the_seed_setup_becomes_a_project_and_the_rest_is_reported(tmp_path: Path) -> None:
    doc, _ = load_yaml_text(SEED, "litellm.config.yaml")
    assert doc is not None
    env = parse_dotenv("LITELLM_API_BASE=http://localhost:8000\nLITELLM_MODEL=gpt-4\nPORT=3001\n", "server/.env")
    result = import_litellm(doc, tmp_path / "configgen.yaml", dotenv=env)
    assert result.findings == []
    assert result.text.startswith("# yaml-language-server: $schema=schemas/configgen.schema.json\n")
    project, _ = load_yaml_text(result.text, "configgen.yaml")
    assert project is not None
    res = project.data["resources"]["your-azure-openai-resource"]
    assert res["endpoint"] == "https://your-azure-openai-resource.openai.azure.com"
    assert res["auth"] == {"type": "api_key", "key_env": "AZURE_OPENAI_API_KEY"}
    assert res["deployments"]["gpt-4o-2024-08-06"]["model"] == "gpt-4o"
    assert res["deployments"]["gpt-4o-2024-08-06"]["version"] == "2024-08-06"
    defaults = project.data["defaults"]
    assert defaults["aliases"]["gpt-4"]["deployments"] == ["your-azure-openai-resource/gpt-4o-2024-08-06"]
    assert defaults["app"] == {"mode": "proxy", "alias": "gpt-4", "env": {"PORT": "3001"}}
    assert defaults["proxy"]["instances"] == [{"host": "localhost", "port": 8000}]
    assert defaults["proxy"]["drop_params"] is True
    notes = {(n.file, n.line, n.message.split(" ")[0]) for n in result.notes}
    assert ("litellm.config.yaml", 7, "api_key") in notes  # ${...} is sent literally by LiteLLM
    assert ("litellm.config.yaml", 8, "litellm_params.temperature") in notes
    assert ("litellm.config.yaml", 12, "litellm_settings.set_verbose") in notes
    assert ("litellm.config.yaml", 14, "`environment_variables`") in notes


def test_an_inventory_supplies_what_a_litellm_config_does_not_say(tmp_path: Path) -> None:
    inv, _ = load_inventory(INV)
    assert inv is not None
    cfg = (
        "model_list:\n  - model_name: chat\n    litellm_params:\n      model: azure/gpt-51\n"
        "      api_base: https://chatsheet-prod-eastus2.openai.azure.com\n      api_version: '2025-04-01-preview'\n"
        "      api_key: os.environ/AZURE_KEY\n"
    )
    doc, _ = load_yaml_text(cfg, "litellm.config.yaml")
    assert doc is not None
    result = import_litellm(doc, tmp_path / "configgen.yaml", inventories=[inv])
    project, _ = load_yaml_text(result.text, "configgen.yaml")
    assert project is not None
    dep = project.data["resources"]["chatsheet-prod-eastus2"]["deployments"]["gpt-51"]
    assert dep == {"model": "gpt-5.1", "version": "2025-11-13", "sku": "GlobalStandard", "capacity": 50}
    assert not any("guessed" in n.message for n in result.notes)


def test_import_cli_will_not_overwrite_a_project(tmp_path: Path) -> None:
    (tmp_path / "litellm.config.yaml").write_text(SEED)
    (tmp_path / "configgen.yaml").write_text("keep me\n")
    code, out = _run(["import", str(tmp_path / "litellm.config.yaml"), "-p", str(tmp_path / "configgen.yaml")])
    assert code == 2 and "exists" in out
    assert (tmp_path / "configgen.yaml").read_text() == "keep me\n"


def _four_spaces(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        n = len(line) - len(line.lstrip(" "))
        out.append(" " * 2 * n + line[n:])
    return "".join(out)


def _added_only(before: str, after: str) -> list[str]:
    import difflib

    ops = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [o for o in ops if o.startswith("- ")], "the import changed existing lines"
    return [o[2:] for o in ops if o.startswith("+ ")]


def test_import_from_azure_keeps_a_four_space_layout_and_null_spelling(tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    text = _four_spaces(
        EXAMPLE.read_text().replace("sku: DataZoneStandard\n        capacity: 150", "sku: GlobalStandard\n        capacity: 50")
    )
    assert "        proxy: null\n" in text and "            gpt-4-spillover: null\n" in text
    project.write_text(text)
    shutil.copy(INV, tmp_path / "inv.json")
    code, out = _run(["import", "--from-azure", str(tmp_path / "inv.json"), "-p", str(project), "--as-of", "2026-11-27"])
    assert code == 0, out
    added = _added_only(text, project.read_text())
    assert "            gpt-5-mini:" in added and "                capacity: 100" in added
    assert "        gpt-5-mini:" in added  # the proposed alias, at the file's own indentation


def test_errors_the_project_already_has_do_not_block_an_import_that_adds_none(tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    text = EXAMPLE.read_text().replace(
        "        sku: DataZoneStandard\n        capacity: 150", "        sku: GlobalStandard\n        capacity: 50"
    ).replace("fallbacks: [gpt-4-spillover]", "fallbacks: [gpt-4-nowhere]")
    project.write_text(text)
    shutil.copy(INV, tmp_path / "inv.json")
    code, out = _run(["import", "--from-azure", str(tmp_path / "inv.json"), "-p", str(project), "--as-of", "2026-11-27"])
    assert code == 0, out
    assert "project-unknown-fallback" in out and "written: " in out
    assert "gpt-5-mini:" in project.read_text()


def test_an_import_that_brings_in_an_error_writes_nothing_and_dry_run_shows_the_project(tmp_path: Path) -> None:
    # A model version given as the api-version (Azure answers 404): the imported project has an error.
    broken = SEED.replace('api_version: "2024-08-01-preview"', 'api_version: "2024-08-06"')
    (tmp_path / "litellm.config.yaml").write_text(broken)
    project = tmp_path / "configgen.yaml"
    code, out = _run(["import", str(tmp_path / "litellm.config.yaml"), "-p", str(project), "--as-of", "2026-11-27"])
    assert code == 1 and "azure-api-version-is-model-version" in out and "not written" in out
    assert not project.exists()
    assert "in the file as it would be written" in out
    result = CliRunner().invoke(
        cli, ["import", str(tmp_path / "litellm.config.yaml"), "-p", str(project), "--as-of", "2026-11-27", "--dry-run"]
    )
    assert result.exit_code == 1 and "version: 1\n" in result.stdout and not project.exists()
    # The same setup with a current model imports, and validates as the import said.
    current = SEED.replace("gpt-4o-2024-08-06", "gpt-5-mini-2025-08-07").replace("2024-08-01", "2025-04-01")
    (tmp_path / "litellm.config.yaml").write_text(current)
    code, out = _run(["import", str(tmp_path / "litellm.config.yaml"), "-p", str(project), "--as-of", "2026-11-27"])
    assert code == 0, out
    assert validate_project_file(project, AS_OF).exit_code() == 0


def test_nothing_is_invented_and_every_choice_is_a_located_note(tmp_path: Path) -> None:
    doc, _ = load_yaml_text(SEED, "litellm.config.yaml")
    assert doc is not None
    result = import_litellm(doc, tmp_path / "configgen.yaml")
    project, _ = load_yaml_text(result.text, "configgen.yaml")
    assert project is not None
    res = project.data["resources"]["your-azure-openai-resource"]
    assert "region" not in res and "unknown" not in result.text
    assert set(res["deployments"]["gpt-4o-2024-08-06"]) == {"model", "version"}  # no SKU, no capacity guessed
    notes = {(n.file, n.line, n.message) for n in result.notes if n.rule == "import-guessed"}
    assert ("litellm.config.yaml", 4, "deployment gpt-4o-2024-08-06: model gpt-4o and version 2024-08-06 read from "
            "the deployment name") in notes
    assert any(line == 5 and "imported as endpoint https://your-azure-openai-resource.openai.azure.com" in m
               for _, line, m in notes)  # the trailing slash dropped
    produced = {(n.file, n.message.split(" ")[0]) for n in result.notes if n.file == str(tmp_path / "configgen.yaml")}
    assert (str(tmp_path / "configgen.yaml"), "the") in produced  # the app's alias and the proxy, at their lines
    assert all(n.line > 0 for n in result.notes)
    # validate says what to fill in
    (tmp_path / "configgen.yaml").write_text(result.text)
    rules = {f.rule for f in validate_project_file(tmp_path / "configgen.yaml", AS_OF).findings}
    assert {"project-capacity-missing", "project-region-missing"} <= rules


def test_import_from_azure_leaves_an_unknown_region_out(tmp_path: Path) -> None:
    inv, _ = load_inventory(INV)
    assert inv is not None
    result = import_azure(None, tmp_path / "configgen.yaml", inv, inventory_ref="inv.json")
    assert "region" not in result.text and result.findings == []
    lines = result.text.splitlines()
    guessed = [n for n in result.notes if n.rule == "import-guessed"]
    assert {n.message.split(" ")[0] for n in guessed} >= {"endpoint", "auth", "api_version", "alias"}
    for n in guessed:
        assert n.file == str(tmp_path / "configgen.yaml") and n.line >= 1
    endpoint = next(n for n in guessed if n.message.startswith("endpoint"))
    assert lines[endpoint.line - 1].strip().startswith("endpoint: https://chatsheet-prod-eastus2.openai.azure.com")


def test_import_of_a_managed_identity_config_keeps_the_identity(tmp_path: Path) -> None:
    """A rendered prod (enable_azure_ad_token_refresh, AZURE_CREDENTIAL, no keys) imports as managed_identity,
    not as an invented api_key variable."""
    golden = ROOT / "tests" / "golden" / "chatsheetai" / "prod" / "litellm.config.yaml"
    doc, problems = load_yaml_text(golden.read_text(), str(golden))
    assert doc is not None and not problems
    result = import_litellm(doc, tmp_path / "configgen.yaml")
    assert "type: managed_identity" in result.text and "type: api_key" not in result.text
    messages = [n.message for n in result.notes]
    assert not any("environment_variables" in m or "enable_azure_ad_token_refresh" in m for m in messages), messages
    assert not any("imported as api_key auth" in m for m in messages)
