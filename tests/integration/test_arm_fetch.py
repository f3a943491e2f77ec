"""`configgen inventory fetch` and the ARM client against a fake ARM on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.load.inventory import load_inventory
from configgen.tools.arm import ArmClient, ArmError
from tests.support.fake_arm import FakeArm, serve

pytestmark = pytest.mark.integration

INVENTORY = Path(__file__).parent.parent / "inventory" / "chatsheet-prod-eastus2.json"
SUB, RG, ACCOUNT = "3f2a9c1e-7b4d-4e8a-9c61-2d5b8e0f4a17", "rg-chatsheet-prod", "chatsheet-prod-eastus2"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyJ9.c2lnbmF0dXJl"


@pytest.fixture
def arm() -> Iterator[FakeArm]:
    deployments = json.loads(INVENTORY.read_text())
    with serve(FakeArm(TOKEN, {(SUB, RG, ACCOUNT): deployments}, page_size=2)) as fake:
        yield fake


def _fetch(fake: FakeArm, tmp_path: Path, *extra: str, token: str = TOKEN) -> tuple[int, str, Path]:
    out = tmp_path / "inv.json"
    args = [
        "inventory",
        "fetch",
        "--subscription",
        SUB,
        "--resource-group",
        RG,
        "--arm-url",
        fake.url,
        "--out",
        str(out),
        "--timeout",
        "5",
        *extra,
    ]
    if "--account" not in extra:
        args += ["--account", ACCOUNT]
    result = CliRunner().invoke(cli, args, env={"AZURE_ACCESS_TOKEN": token}, catch_exceptions=False)
    return result.exit_code, result.output, out


def test_fetch_follows_next_links_and_writes_the_az_shape(arm: FakeArm, tmp_path: Path) -> None:
    code, output, out = _fetch(arm, tmp_path)
    assert code == 0, output
    assert len(arm.requests) == 3  # 5 deployments, 2 per page
    assert all(r["auth_ok"] for r in arm.requests)
    assert arm.requests[0]["query"]["api-version"] == ["2024-10-01"]
    written = json.loads(out.read_text())
    assert written == json.loads(INVENTORY.read_text())
    inv, problems = load_inventory(out)
    assert problems == [] and inv is not None and inv.account == ACCOUNT
    assert TOKEN not in output


def test_fetch_accepts_az_get_access_token_output(arm: FakeArm, tmp_path: Path) -> None:
    az_output = json.dumps({"accessToken": TOKEN, "expiresOn": "2026-11-27 15:12:00.000000", "tokenType": "Bearer"})
    code, output, _ = _fetch(arm, tmp_path, token=az_output)
    assert code == 0, output


@pytest.mark.parametrize(
    ("token", "account", "status", "words"),
    [
        ("wrong-token", ACCOUNT, 401, "token was refused"),
        ("token-without-rights", ACCOUNT, 403, "deployments/read"),
        (TOKEN, "chatsheet-nope", 404, "no account chatsheet-nope"),
    ],
)
def test_fetch_errors_are_one_line_without_the_token(
    arm: FakeArm, tmp_path: Path, token: str, account: str, status: int, words: str
) -> None:
    code, output, out = _fetch(arm, tmp_path, "--account", account, token=token)
    assert code == 1
    assert f"HTTP {status}" in output and words in output
    assert TOKEN not in output and "wrong-token" not in output
    assert not out.exists()
    assert len(arm.requests) == 1  # client errors are not retried


def test_throttling_is_retried_after_the_servers_delay(arm: FakeArm) -> None:
    arm.throttle, arm.retry_after = 2, "7"
    waits: list[float] = []
    client = ArmClient(TOKEN, base_url=arm.url, timeout=5, sleep=waits.append)
    items = client.list_deployments(SUB, RG, ACCOUNT)
    assert [d["name"] for d in items] == ["gpt-51", "gpt-5-mini", "gpt-4o", "text-embedding-3-large", "o4-mini-canary"]
    assert waits == [7.0, 7.0]


def test_throttling_gives_up_within_the_bounds(arm: FakeArm) -> None:
    arm.throttle = 100
    waits: list[float] = []
    client = ArmClient(TOKEN, base_url=arm.url, timeout=5, max_attempts=3, sleep=waits.append)
    with pytest.raises(ArmError, match="gave up after 3 attempt"):
        client.list_deployments(SUB, RG, ACCOUNT)
    assert len(arm.requests) == 3 and len(waits) == 2


def test_a_next_link_to_another_host_is_not_followed(arm: FakeArm) -> None:
    client = ArmClient(TOKEN, base_url=arm.url, timeout=5)
    arm.url = "http://127.0.0.2:9"  # the fake now writes nextLinks to a host the token is not for
    with pytest.raises(ArmError, match="another host"):
        client.list_deployments(SUB, RG, ACCOUNT)
    assert len(arm.requests) == 1


def test_fetch_then_validate_reports_at_the_config_lines(arm: FakeArm, tmp_path: Path) -> None:
    code, output, out = _fetch(arm, tmp_path)
    assert code == 0, output
    config = Path(__file__).parent.parent / "inventory" / "litellm.config.yaml"
    result = CliRunner().invoke(
        cli,
        ["validate", str(config), "--inventory", str(out), "--as-of", "2026-11-27", "-f", "json"],
        catch_exceptions=False,
    )
    found = {
        (f["rule"], f["line"]) for f in json.loads(result.output)["findings"] if f["rule"].startswith("inventory-")
    }
    assert ("inventory-deployment-missing", 15) in found
    assert ("inventory-deployment-not-succeeded", 23) in found
