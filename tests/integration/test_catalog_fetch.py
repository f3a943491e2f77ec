"""`configgen catalog fetch` / `catalog import` and lifecycle from Azure's own list (fake ARM on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.load.azure_models import load_models_file, parse_document
from configgen.tools.arm import ArmClient
from tests.support.fake_arm import FakeArm, serve

pytestmark = pytest.mark.integration

HERE = Path(__file__).parent.parent / "azure_models"
EASTUS = json.loads((HERE / "az-model-list-eastus.json").read_text())
SUB, RG, ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c61-2d5b8e0f4a17", "rg-chatsheet-prod", "chatsheet-prod-eastus"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJtb2RlbHMifQ.c2lnbmF0dXJl"
AS_OF = ["--as-of", "2026-12-01"]

CONFIG = """\
model_list:
  - model_name: chat
    litellm_params:
      model: azure/chat
      api_base: https://chatsheet-prod-eastus.openai.azure.com
      api_version: "2024-10-21"
      api_key: os.environ/AZURE_API_KEY
    model_info:
      base_model: azure/{base_model}
"""


@pytest.fixture
def arm() -> Iterator[FakeArm]:
    acct = json.loads((HERE / "arm-account-models.json").read_text())["value"]
    fake = FakeArm(TOKEN, {(SUB, RG, ACCOUNT): []}, locations={(SUB, "eastus"): EASTUS},
                   account_models={(SUB, RG, ACCOUNT): acct}, page_size=4)
    with serve(fake) as f:
        yield f


def _fetch(fake: FakeArm, out: Path, *extra: str, token: str = TOKEN) -> tuple[int, str]:
    args = ["catalog", "fetch", "--subscription", SUB, "--arm-url", fake.url, "--out", str(out), "--timeout", "5", *extra]
    result = CliRunner().invoke(cli, args, env={"AZURE_ACCESS_TOKEN": token}, catch_exceptions=False)
    return result.exit_code, result.output


def _validate(tmp_path: Path, base_model: str, *models: Path) -> tuple[int, list[dict[str, object]]]:
    cfg = tmp_path / "litellm.config.yaml"
    cfg.write_text(CONFIG.format(base_model=base_model))
    args = ["validate", str(cfg), "-f", "json", *AS_OF]
    for m in models:
        args += ["--models", str(m)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [f for f in findings if str(f["rule"]).startswith("azure-model")]


def test_fetch_follows_next_links_and_keeps_azures_items(arm: FakeArm, tmp_path: Path) -> None:
    out = tmp_path / "azure-models.json"
    code, output = _fetch(arm, out, "--location", "East US")
    assert code == 0, output
    assert [r["path"] for r in arm.requests] == [
        f"/subscriptions/{SUB}/providers/Microsoft.CognitiveServices/locations/eastus/models"
    ] * 3  # 9 items, 4 per page
    assert arm.requests[0]["query"]["api-version"] == ["2024-10-01"] and all(r["auth_ok"] for r in arm.requests)
    doc = json.loads(out.read_text())
    assert doc["configgen"] == "azure-models" and doc["locations"]["eastus"] == EASTUS
    assert TOKEN not in output and "9 model version(s) offered in eastus" in output


@pytest.mark.parametrize(
    ("token", "location", "status", "words"),
    [
        ("wrong-token", "eastus", 401, "token was refused"),
        ("token-without-rights", "eastus", 403, "locations/models/read"),
        (TOKEN, "atlantis", 404, "no location atlantis"),
    ],
)
def test_fetch_errors_are_one_line_and_write_nothing(
    arm: FakeArm, tmp_path: Path, token: str, location: str, status: int, words: str
) -> None:
    out = tmp_path / "azure-models.json"
    code, output = _fetch(arm, out, "--location", location, token=token)
    assert code == 1 and f"HTTP {status}" in output and words in output, output
    assert TOKEN not in output and "wrong-token" not in output and "Traceback" not in output
    assert not out.exists() and len(arm.requests) == 1


def test_throttled_fetch_waits_for_retry_after(arm: FakeArm) -> None:
    arm.throttle, arm.retry_after = 2, "3"
    waits: list[float] = []
    items = ArmClient(TOKEN, base_url=arm.url, timeout=5, sleep=waits.append).list_location_models(SUB, "eastus")
    assert items == EASTUS and waits == [3.0, 3.0]


def test_account_models_are_read_too(arm: FakeArm) -> None:
    """AccountModels_List items are the model objects themselves; the parser takes both shapes."""
    client = ArmClient(TOKEN, base_url=arm.url, timeout=5)
    items = client._list(client.deployments_url(SUB, RG, ACCOUNT).replace("/deployments?", "/models?"), ACCOUNT, RG)
    data = parse_document(items, "account", "eastus")
    assert {(m.name, m.version) for m in data.locations["eastus"]} >= {("gpt-4o", "2024-11-20")}


def test_fetched_list_turns_a_retired_model_into_an_error(arm: FakeArm, tmp_path: Path) -> None:
    out = tmp_path / "azure-models.json"
    assert _fetch(arm, out, "--location", "eastus")[0] == 0
    # Bundled table alone: gpt-4o 2024-05-13 (retired 2026-10-01 per the schedule) is only a warning.
    code, found = _validate(tmp_path, "gpt-4o-2024-05-13")
    assert code == 0 and [(f["rule"], f["severity"]) for f in found] == [("azure-model-retired-per-table", "warning")]
    # Azure's own list for the location decides: an error.
    code, found = _validate(tmp_path, "gpt-4o-2024-05-13", out)
    assert code == 1 and [(f["rule"], f["severity"]) for f in found] == [("azure-model-retired", "error")]
    assert "eastus" in str(found[0]["message"]) and "2026-10-01" in str(found[0]["message"])
    # Current versions stay clean; gpt-5 warns with Azure's date.
    assert _validate(tmp_path, "gpt-4o-2024-11-20", out) == (0, [])
    code, found = _validate(tmp_path, "gpt-5-2025-08-07", out)
    assert [(f["rule"], f["severity"]) for f in found] == [("azure-model-retiring", "warning")]
    assert "2027-02-09" in str(found[0]["message"])
    # A version the location does not offer: error with did-you-mean.
    code, found = _validate(tmp_path, "gpt-4o-2024-11-02", out)
    assert code == 1 and found[0]["rule"] == "azure-model-not-offered" and "2024-11-20" in str(found[0]["hint"])


def test_import_of_az_cli_output_is_the_same_offline(tmp_path: Path) -> None:
    out = tmp_path / "azure-models.json"
    result = CliRunner().invoke(
        cli, ["catalog", "import", str(HERE / "az-model-list-eastus.json"), "--location", "eastus", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = load_models_file(out)
    assert len(data.locations["eastus"]) == len(EASTUS)
    code, found = _validate(tmp_path, "o3-mini-2025-01-31", out)
    assert code == 1 and [f["rule"] for f in found] == ["azure-model-retired"]


def test_sku_retired_earlier_than_the_model_is_an_error(tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "eastus.json").write_text(
        json.dumps({"configgen": "azure-models", "version": 1, "fetched_at": "2026-11-30T00:00:00Z", "source": "t",
                    "locations": {"eastus": EASTUS}, "resources": {}})
    )
    project.write_text(_PROJECT.format(sku="Standard"))
    result = CliRunner().invoke(cli, ["validate", "-p", str(project), "-f", "json", *AS_OF], catch_exceptions=False)
    found = [f for f in json.loads(result.stdout)["findings"] if str(f["rule"]).startswith(("azure-model", "project-models"))]
    assert [(f["rule"], f["line"]) for f in found] == [("azure-model-retired", 13)], found
    project.write_text(_PROJECT.format(sku="GlobalStandard"))
    result = CliRunner().invoke(cli, ["validate", "-p", str(project), "-f", "json", *AS_OF], catch_exceptions=False)
    found = [f for f in json.loads(result.stdout)["findings"] if str(f["rule"]).startswith(("azure-model", "project-models"))]
    assert found == []
    project.write_text(_PROJECT.format(sku="GlobalStandard").replace("models/eastus.json", "models/gone.json"))
    result = CliRunner().invoke(cli, ["validate", "-p", str(project), "-f", "json", *AS_OF], catch_exceptions=False)
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "project-models-file"]
    assert [(f["line"], f["severity"]) for f in found] == [(9, "error")] and "cannot read" in str(found[0]["message"])


_PROJECT = """\
version: 1
name: lifecycle
resources:
  chatsheet-prod-eastus:
    endpoint: https://chatsheet-prod-eastus.openai.azure.com
    region: eastus
    auth: {{type: api_key, key_env: AZURE_OPENAI_API_KEY}}
    api_version: "2024-10-21"
    models: models/eastus.json
    deployments:
      gpt-41:
        model: gpt-4.1
        version: "2025-04-14"
        sku: {sku}
        capacity: 10
environments:
  dev:
    aliases:
      chat: {{deployments: [chatsheet-prod-eastus/gpt-41]}}
    app: {{mode: proxy, alias: chat}}
    proxy: {{instances: [{{host: 127.0.0.1, port: 4000}}]}}
"""


def test_fetch_env_takes_regions_and_subscription_from_the_project(arm: FakeArm, tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    text = _PROJECT.format(sku="GlobalStandard").replace(
        "    models: models/eastus.json\n", f"    models: azure-models.json\n    subscription_id: {SUB}\n"
    )
    project.write_text(text)
    result = CliRunner().invoke(
        cli, ["catalog", "fetch", "dev", "-p", str(project), "--arm-url", arm.url, "--timeout", "5"],
        env={"AZURE_ACCESS_TOKEN": TOKEN, "AZURE_SUBSCRIPTION_ID": ""}, catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "azure-models.json").read_text())
    assert list(doc["locations"]) == ["eastus"] and doc["resources"] == {"chatsheet-prod-eastus": "eastus"}
    # The project's `models:` now names it: gpt-4.1 on GlobalStandard is current there.
    result = CliRunner().invoke(cli, ["validate", "-p", str(project), "-f", "json", *AS_OF], catch_exceptions=False)
    rules = [f["rule"] for f in json.loads(result.stdout)["findings"] if str(f["rule"]).startswith("azure-model")]
    assert rules == []
