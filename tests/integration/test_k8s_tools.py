"""The rendered Kubernetes files, checked by the real tools: kubectl kustomize, kubernetes-validate
(--strict, bundled schemas for a named Kubernetes version), the ServiceMonitor schema kept in tests/k8s,
and helm lint / helm template of a stand-in chart (tests/k8s/minichart) with the rendered values.

No API server runs here, and LiteLLM's own chart cannot be fetched in CI (it lives on GHCR/GitHub):
what `kubectl apply` or the real chart would do beyond this is not proven by these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from configgen import app
from configgen.findings import Severity
from tests.support.k8s_check import check_manifest_text, check_values_text

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
K8S = ROOT / "tests" / "k8s"
AS_OF = dt.date(2026, 11, 27)
KUBERNETES_VERSION = "1.33.0"
CLIENT_ID = "0b1c2d3e-4f50-4617-8a9b-c0d1e2f3a4b5"

#: Variants of the example's aks environment, so every kind of object configgen can write is built.
VARIANTS: dict[str, tuple[str, str]] = {
    "example": ("", ""),
    "fixed-replicas-ingress-identity": (
        "      autoscaling: {min_replicas: 3, max_replicas: 6}\n      pdb: {max_unavailable: 1}\n",
        "      replicas: 2\n      pdb: {min_available: 1}\n"
        f"      workload_identity_client_id: {CLIENT_ID}\n"
        "      ingress: {host: llm.chatsheet.example, tls_secret: llm-tls}\n",
    ),
}


def tool(name: str) -> str:
    """helm / kubectl from .tools/bin (scripts/k8s-tools.sh), else PATH; CI=true fails when missing."""
    local = ROOT / ".tools" / "bin" / name
    path = str(local) if local.is_file() and os.access(local, os.X_OK) else shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{name} is not installed (run scripts/k8s-tools.sh)", pytrace=False)
        pytest.skip(f"{name} is not installed (run scripts/k8s-tools.sh)")
    return path


def run(argv: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, **kw)
    assert proc.returncode == 0, f"{' '.join(argv)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def kubernetes_validate(path: Path) -> str:
    exe = Path(sys.executable).parent / "kubernetes-validate"
    return run([str(exe), "--strict", "-k", KUBERNETES_VERSION, str(path)]).stdout


def docs(text: str) -> list[dict[str, Any]]:
    return [d for d in YAML(typ="safe").load_all(text) if d]


@pytest.fixture(scope="module", params=list(VARIANTS))
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    old, new = VARIANTS[request.param]
    text = EXAMPLE.read_text()
    if old:
        assert old in text
        text = text.replace(old, new, 1)
    work = tmp_path_factory.mktemp(request.param)
    project = work / "configgen.yaml"
    project.write_text(text)
    out = work / "out"
    result = app.render(project, "aks", out_dir=out, as_of=AS_OF)
    assert result.exit_code() == 0, result.findings
    return out


def test_kustomize_builds_and_every_object_passes_strict_validation(rendered: Path, tmp_path: Path) -> None:
    built = run([tool("kubectl"), "kustomize", str(rendered / "k8s" / "base")]).stdout
    objects = docs(built)
    kinds = sorted(o["kind"] for o in objects)
    assert {"ConfigMap", "Deployment", "Service", "ServiceAccount"} <= set(kinds)
    assert all(o["metadata"]["namespace"] == "chatsheet-ai" for o in objects)
    manifest = tmp_path / "built.yaml"
    manifest.write_text(built)
    report = kubernetes_validate(manifest)
    for obj in objects:
        if obj["kind"] == "ServiceMonitor":
            continue  # a CRD: kubernetes-validate only warns; checked against its schema below
        assert f"passed for resource {obj['kind'].lower()}/{obj['metadata']['name']}" in report, report
    secret = kubernetes_validate(rendered / "k8s" / "secret.template.yaml")
    assert "passed for resource secret/litellm-env" in secret
    # configgen's own manifest check agrees: no error and no warning on what it rendered.
    bad = [f for f in check_manifest_text(built, "built.yaml", AS_OF) if f.severity is not Severity.INFO]
    assert bad == []


def test_service_monitor_matches_the_crd_schema(rendered: Path) -> None:
    schema = json.loads((K8S / "servicemonitor.schema.json").read_text())
    path = rendered / "k8s" / "base" / "servicemonitor.yaml"
    [monitor] = docs(path.read_text())
    jsonschema.validate(monitor, schema)
    # The schema is not a rubber stamp: a misspelt endpoint field or a bad interval is refused.
    broken = json.loads(json.dumps(monitor))
    broken["spec"]["endpoints"][0]["bearerTokenSecrets"] = broken["spec"]["endpoints"][0].pop("bearerTokenSecret")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = json.loads(json.dumps(monitor))
    broken["spec"]["endpoints"][0]["interval"] = "15 seconds"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_helm_lint_and_template_of_the_stand_in_chart(rendered: Path, tmp_path: Path) -> None:
    helm = tool("helm")
    values = rendered / "helm" / "values.yaml"
    run([helm, "lint", str(K8S / "minichart"), "-f", str(values)])
    out = run([helm, "template", "llm", str(K8S / "minichart"), "-n", "chatsheet-ai", "-f", str(values)]).stdout
    objects = {(o["kind"], o["metadata"]["name"]): o for o in docs(out)}
    v = YAML(typ="safe").load(values.read_text())
    # proxy_config became config.yaml, unchanged in meaning (toYaml sorts keys, drops comments).
    config = YAML(typ="safe").load(objects[("ConfigMap", "litellm-config")]["data"]["config.yaml"])
    assert config == v["proxy_config"]
    dep = objects[("Deployment", "litellm")]
    [c] = dep["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in c["env"]}
    key_ref = {"name": v["masterkeySecretName"], "key": v["masterkeySecretKey"]}
    assert env["PROXY_MASTER_KEY"]["valueFrom"]["secretKeyRef"] == key_ref
    assert [s["secretRef"]["name"] for s in c["envFrom"]] == v["environmentSecrets"]
    assert ("Secret", "litellm-masterkey") not in objects  # no random key per render
    assert not any(kind == "Job" for kind, _ in objects)  # migration Job off (no database declared)
    assert c["ports"][0]["containerPort"] == v["service"]["port"]
    if "autoscaling" in v:
        assert "replicas" not in dep["spec"]
        assert objects[("HorizontalPodAutoscaler", "litellm")]["spec"]["minReplicas"] == v["autoscaling"]["minReplicas"]
    else:
        assert dep["spec"]["replicas"] == v["replicaCount"]
    if v["serviceMonitor"]["enabled"]:
        monitor = objects[("ServiceMonitor", "litellm")]
        assert monitor["spec"]["endpoints"][0]["bearerTokenSecret"] == key_ref
        jsonschema.validate(monitor, json.loads((K8S / "servicemonitor.schema.json").read_text()))
    sa = objects[("ServiceAccount", "litellm")]
    if "podLabels" in v:
        assert sa["metadata"]["annotations"] == v["serviceAccount"]["annotations"]
        assert dep["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    # What helm wrote passes kubernetes-validate and configgen's own manifest and values checks.
    manifest = tmp_path / "helm.yaml"
    manifest.write_text(out)
    kubernetes_validate(manifest)
    assert [f for f in check_manifest_text(out, "helm.yaml", AS_OF) if f.severity is not Severity.INFO] == []
    assert [f for f in check_values_text(values.read_text(), "values.yaml", AS_OF) if f.severity is not Severity.INFO] == []


def test_helm_template_keeps_a_date_like_api_version_a_string(tmp_path: Path) -> None:
    """Helm's toYaml must not turn "2024-10-21" into a date: LiteLLM would send a wrong api-version."""
    values = tmp_path / "values.yaml"
    values.write_text(
        'masterkeySecretName: k\nproxy_config:\n  model_list:\n    - model_name: m\n      litellm_params:\n'
        '        model: azure/d\n        api_version: "2024-10-21"\n'
    )
    out = run([tool("helm"), "template", "x", str(K8S / "minichart"), "-f", str(values)]).stdout
    [cm] = [o for o in docs(out) if o["kind"] == "ConfigMap"]
    config = YAML(typ="safe").load(cm["data"]["config.yaml"])
    assert config["model_list"][0]["litellm_params"]["api_version"] == "2024-10-21"
