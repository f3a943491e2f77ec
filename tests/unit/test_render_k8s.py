"""Kubernetes rendering: the kustomize base, chart values and server/.env of a `kubernetes:` environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from configgen import app
from configgen.findings import Severity
from configgen.model.k8s_facts import env_refs
from configgen.model.load import load_project
from configgen.render.jinja import render_environment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
HAND = ROOT / "tests" / "k8s" / "handwritten"
AS_OF = dt.date(2026, 11, 27)
CLIENT_ID = "0b1c2d3e-4f50-4617-8a9b-c0d1e2f3a4b5"


def _render(extra: str = "", *, replace: tuple[str, str] | None = None) -> dict[str, str]:
    text = EXAMPLE.read_text()
    if replace:
        text = text.replace(*replace)
    text = text.replace("      secret: litellm-env\n", "      secret: litellm-env\n" + extra, 1)
    loaded = load_project(Path("configgen.yaml"), text=text)
    assert loaded.ok and loaded.project is not None, loaded.findings
    env = loaded.envs["aks"].model
    assert env is not None
    return {out.relpath: body for out, body in render_environment(loaded.project, "aks", env, source_name="x").items()}


def _yaml(text: str) -> Any:
    return YAML(typ="safe").load(text)


def _container(files: dict[str, str]) -> dict[str, Any]:
    dep = _yaml(files["k8s/base/deployment.yaml"])
    [c] = dep["spec"]["template"]["spec"]["containers"]
    return dict(c)


def test_secret_refs_are_exactly_the_configs_os_environ_names() -> None:
    files = _render()
    config = _yaml(_yaml(files["k8s/base/configmap.yaml"])["data"]["config.yaml"])
    refs = env_refs(config)
    c = _container(files)
    from_secret = [e["name"] for e in c["env"] if "valueFrom" in e]
    assert from_secret == refs and "LITELLM_MASTER_KEY" in refs and "REDIS_PASSWORD" in refs
    assert all(e["valueFrom"]["secretKeyRef"]["name"] == "litellm-env" for e in c["env"] if "valueFrom" in e)
    secret = _yaml(files["k8s/secret.template.yaml"])
    assert list(secret["stringData"]) == refs and set(secret["stringData"].values()) == {""}


def test_configmap_holds_the_same_config_configgen_renders() -> None:
    files = _render()
    embedded = _yaml(files["k8s/base/configmap.yaml"])["data"]["config.yaml"]
    from configgen.render.header import split_header

    standalone = split_header(files["litellm.config.yaml"])[1]  # without the generated-file header
    assert embedded == standalone


def test_deployment_probes_ports_grace_and_security() -> None:
    c = _container(_render())
    assert c["ports"] == [{"name": "http", "containerPort": 4000, "protocol": "TCP"}]
    assert c["command"] == ["litellm"] and c["args"][:2] == ["--config", "/etc/litellm/config.yaml"]
    assert c["args"][c["args"].index("--port") + 1] == "4000"
    assert c["livenessProbe"]["httpGet"] == {"path": "/health/liveliness", "port": "http"}
    assert c["readinessProbe"]["httpGet"]["path"] == "/health/readiness"
    startup = c["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 300
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["image"].endswith(":v1.110.2")
    dep = _yaml(_render()["k8s/base/deployment.yaml"])
    assert dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 600  # proxy.timeout
    assert "replicas" not in dep["spec"]  # the HPA owns the count


def test_fixed_replicas_without_autoscaling() -> None:
    files = _render(replace=("      autoscaling: {min_replicas: 3, max_replicas: 6}\n", "      replicas: 4\n"))
    assert _yaml(files["k8s/base/deployment.yaml"])["spec"]["replicas"] == 4
    assert "k8s/base/hpa.yaml" not in files
    values = _yaml(files["helm/values.yaml"])
    assert values["replicaCount"] == 4 and "autoscaling" not in values


def test_workload_identity_annotation_and_label() -> None:
    files = _render(f"      workload_identity_client_id: {CLIENT_ID}\n")
    sa = _yaml(files["k8s/base/serviceaccount.yaml"])
    assert sa["metadata"]["annotations"] == {"azure.workload.identity/client-id": CLIENT_ID}
    pod = _yaml(files["k8s/base/deployment.yaml"])["spec"]["template"]
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert pod["spec"]["serviceAccountName"] == sa["metadata"]["name"]
    values = _yaml(files["helm/values.yaml"])
    assert values["serviceAccount"]["annotations"] == {"azure.workload.identity/client-id": CLIENT_ID}
    assert values["podLabels"] == {"azure.workload.identity/use": "true"}


def test_chart_values_read_the_chart_master_key_and_no_database() -> None:
    values = _yaml(_render()["helm/values.yaml"])
    assert values["proxy_config"]["general_settings"]["master_key"] == "os.environ/PROXY_MASTER_KEY"
    assert values["masterkeySecretName"] == "litellm-env" and values["masterkeySecretKey"] == "LITELLM_MASTER_KEY"
    assert values["environmentSecrets"] == ["litellm-env"]
    assert values["db"]["deployStandalone"] is False and values["migrationJob"]["enabled"] is False
    assert values["autoscaling"]["minReplicas"] == 3 and "replicaCount" not in values


def test_app_env_points_at_the_service_or_the_ingress() -> None:
    assert "LITELLM_API_BASE='http://litellm.chatsheet-ai.svc.cluster.local:4000'" in _render()["server/.env"]
    ing = _render("      ingress: {host: llm.chatsheet.example, tls_secret: llm-tls}\n")
    assert "LITELLM_API_BASE='https://llm.chatsheet.example'" in ing["server/.env"]
    rule = _yaml(ing["k8s/base/ingress.yaml"])["spec"]["rules"][0]
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "litellm", "port": {"number": 4000}}


def test_date_like_api_version_stays_a_string() -> None:
    files = _render(replace=('api_version: "2025-04-01-preview"', 'api_version: "2024-10-21"'))
    config = _yaml(_yaml(files["k8s/base/configmap.yaml"])["data"]["config.yaml"])
    values = _yaml(files["helm/values.yaml"])
    for c in (config, values["proxy_config"]):
        assert c["model_list"][0]["litellm_params"]["api_version"] == "2024-10-21"


def test_no_vm_outputs_on_kubernetes() -> None:
    files = _render()
    assert "proxy/run.sh" not in files and not any(p.startswith(("nginx/", "haproxy/", "azure/")) for p in files)


# --- `configgen validate FILE` on these kinds (the input kinds table) ---


def test_validate_file_recognises_a_values_file() -> None:
    result = app.validate_files([HAND / "values-good.yaml"], as_of=AS_OF)
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []


def test_validate_file_reads_a_manifest() -> None:
    result = app.validate_files([HAND / "manifest-bad.yaml"], as_of=AS_OF)
    assert ("k8s-inline-secret", 54) in {(f.rule, f.line) for f in result.findings}


@pytest.mark.parametrize(
    ("old", "new", "line_of"),
    [
        ("      namespace: chatsheet-ai\n", "      namespace: Chatsheet_AI\n", "namespace: Chatsheet_AI"),
        ("      secret: litellm-env\n", "      secret: litellm.env\n", "secret: litellm.env"),
        ("      autoscaling: {min_replicas: 3, max_replicas: 6}\n", "      image: ghcr.io/berriai/litellm\n", "image:"),
    ],
    ids=["namespace", "secret", "unpinned-image"],
)
def test_bad_kubernetes_names_are_located_errors(old: str, new: str, line_of: str) -> None:
    text = EXAMPLE.read_text().replace(old, new, 1)
    loaded = load_project(Path("configgen.yaml"), text=text)
    [error] = [f for f in loaded.findings if f.severity is Severity.ERROR]
    line = next(i for i, t in enumerate(text.splitlines(), 1) if line_of in t)
    assert (error.rule, error.line) == ("schema-value", line), error


def test_default_image_is_the_litellm_version_configgen_knows() -> None:
    import json

    from configgen.model.project import Kubernetes

    known = json.loads((ROOT / "configgen" / "knowledge" / "data" / "litellm_known.json").read_text())["litellm_version"]
    assert Kubernetes(namespace="x").image == f"ghcr.io/berriai/litellm:v{known}"
