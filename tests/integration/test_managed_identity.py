"""The example's prod uses managed identity: rendered, it serves a completion with a token from a fake
identity endpoint, and nothing leaves the machine.

The real proxy runs inside a loopback-only network namespace (``unshare -n``; see
tests/support/identity_netns.py) under ``strace``: the test fails on any connect() to an address other
than loopback, and on any contact with the tripwires that stand in for 169.254.169.254, Microsoft's
login servers and DNS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from configgen.cli.main import main
from tests.support import procs

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.bWk"
HEADER = "identity-header-0123456789abcdef"
MASTER_KEY = "sk-managed-identity-test-0123456789"
USER_CLIENT_ID = "5c1f0e6a-8d3b-4a27-9f14-2b7c6e9d0a31"


def _needs_namespace() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root for `unshare -n` (CI runs as root)")
    for tool in ("unshare", "ip", "strace"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool}")


def _render(work: Path, kind: str, azure_port: int, proxy_port: int) -> tuple[Path, dict[str, Any]]:
    yaml = YAML()
    project = yaml.load(EXAMPLE.read_text())
    deployments: dict[str, Any] = {}
    for name, res in project["resources"].items():
        if res.get("private_endpoint"):
            assert res["auth"]["type"] == "managed_identity", name  # the example as committed
            res["auth"] = {"type": kind}
            res["endpoint"] = f"http://127.0.0.1:{azure_port}"  # every host to loopback
            deployments.update({d: [v["model"], str(v["version"])] for d, v in res["deployments"].items()})
    prod = project["environments"]["prod"]
    prod["proxy"]["instances"] = [{"host": "127.0.0.1", "port": proxy_port}]
    prod["proxy"]["redis"] = None
    prod["balancer"] = None
    prod["observability"] = {"prometheus": False}
    project_file = work / "configgen.yaml"
    with project_file.open("w") as fh:
        yaml.dump(project, fh)
    out = work / "out"
    assert main(["render", "prod", "-p", str(project_file), "--out", str(out), "--as-of", "2026-12-01"]) == 0
    return out, deployments


@pytest.mark.parametrize("kind", ["managed_identity", "user_assigned_identity"])
def test_prod_gets_its_token_from_the_identity_endpoint_and_nothing_leaves(tmp_path: Path, kind: str) -> None:
    _needs_namespace()
    azure_port, proxy_port = procs.free_port(), procs.free_port()
    out, deployments = _render(tmp_path, kind, azure_port, proxy_port)
    config = YAML(typ="safe").load((out / "litellm.config.yaml").read_text())
    for entry in config["model_list"]:
        assert not {"api_key", "client_id", "client_secret", "tenant_id"} & set(entry["litellm_params"]), entry
    assert config["litellm_settings"]["enable_azure_ad_token_refresh"] is True
    credential = {"managed_identity": "DeploymentIdentityCredential", "user_assigned_identity": "ManagedIdentityCredential"}
    assert config["environment_variables"] == {"AZURE_CREDENTIAL": credential[kind]}
    # .env.example and run.sh name exactly the variables the kind needs.
    example = (out / "server" / ".env.example").read_text()
    run_sh = (out / "proxy" / "run.sh").read_text()
    needs = {"managed_identity": set(), "user_assigned_identity": {"AZURE_CLIENT_ID"}}[kind]
    named = {v for v in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE")
             if f"{v}=" in example}
    assert named == needs, example
    assert all(f"${{{v}:?must be set}}" in run_sh for v in needs) and "AZURE_CLIENT_SECRET" not in run_sh

    env = {"LITELLM_MASTER_KEY": MASTER_KEY, "LITELLM_LOG": "INFO"}
    if kind == "user_assigned_identity":
        env["AZURE_CLIENT_ID"] = USER_CLIENT_ID
    spec = {
        "work": str(tmp_path / "ns"),
        "result": str(tmp_path / "result.json"),
        "config": str(out / "litellm.config.yaml"),
        "proxy_port": proxy_port,
        "azure_port": azure_port,
        "deployments": deployments,
        "token": TOKEN,
        "header": HEADER,
        "client_id": USER_CLIENT_ID,
        "alias": "gpt-4",
        "env": env,
    }
    Path(spec["work"]).mkdir()
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    proc = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "tests.support.identity_netns", str(tmp_path / "spec.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((tmp_path / "result.json").read_text())

    assert result["non_loopback_connects"] == [], result["non_loopback_connects"]
    assert result["tripwire"] == [], result["tripwire"]
    assert result["status"] == 200, (result["body"], result["log_tail"])
    assert result["azure"], result["log_tail"]
    assert all((r["auth"], r["auth_ok"]) == ("bearer", True) for r in result["azure"]), result["azure"]
    assert result["azure"][-1]["path"].endswith("/chat/completions") and result["azure"][-1]["status"] == 200
    # The credential is the one the rendered config's environment_variables.AZURE_CREDENTIAL names.
    assert result["credential_lines"] and all(credential[kind] in line for line in result["credential_lines"]), (
        result["credential_lines"]
    )
    asked = result["identity"]
    assert asked and all(r["header_ok"] for r in asked)
    assert asked[0]["query"]["resource"] == "https://cognitiveservices.azure.com"
    if kind == "user_assigned_identity":
        assert asked[0]["query"].get("client_id") == USER_CLIENT_ID
    else:
        assert "client_id" not in asked[0]["query"]
