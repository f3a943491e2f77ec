"""`graph`: Mermaid and DOT drawings of an environment agree and show what matters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.model.load import load_project
from configgen.model.project import Environment, Project
from configgen.tools.graph import _mermaid_text, dot, mermaid, topology

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"

PROJECT = """\
version: 1
name: demo
resources:
  demo-eastus:
    endpoint: https://demo-eastus.openai.azure.com
    region: eastus
    private_endpoint: true
    auth: {type: api_key, key_env: AZURE_OPENAI_API_KEY}
    api_version: "2025-04-01-preview"
    deployments:
      gpt-51: {model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 20}
      gpt_51: {model: gpt-5.1, version: "2025-11-13", sku: Standard, capacity: 10}
  demo-west:
    endpoint: https://demo-west.openai.azure.com
    region: westus
    auth: {type: entra}
    api_version: "2025-04-01-preview"
    deployments:
      unused: {model: gpt-5.1, version: "2025-11-13", capacity: 10}
defaults:
  aliases:
    small: {deployments: [demo-eastus/gpt_51]}
    main: {deployments: [demo-eastus/gpt-51], fallbacks: [small]}
  app: {mode: proxy, alias: main}
  proxy:
    instances:
      - {host: 127.0.0.1, port: 4000}
environments:
  dev:
    app: {mode: direct}
    proxy: null
  local: {}
  prod:
    proxy:
      redis: {host: 10.0.0.9}
      instances:
        - {host: 10.0.0.1, port: 4000}
        - {host: 10.0.0.2, port: 4000}
    balancer: {kind: haproxy, host: lb.internal, port: 8080}
"""


def _load(tmp_path: Path, text: str = PROJECT) -> tuple[Project, dict[str, Environment]]:
    path = tmp_path / "configgen.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_project(path)
    assert loaded.ok and loaded.project is not None, loaded.findings
    return loaded.project, {n: v.model for n, v in loaded.envs.items() if v.model is not None}


def test_prod_mermaid(tmp_path: Path) -> None:
    project, envs = _load(tmp_path)
    assert mermaid(project, "prod", envs["prod"]) == """\
flowchart LR
  app["demo app<br/>LITELLM_MODEL=main"]
  balancer["HAProxy<br/>http://lb.internal:8080"]
  redis[("Redis<br/>10.0.0.9:6379")]
  alias_main{{"alias main"}}
  alias_small{{"alias small"}}
  subgraph proxies["LiteLLM proxy (simple-shuffle)"]
    proxy_1["litellm-1<br/>10.0.0.1:4000"]
    proxy_2["litellm-2<br/>10.0.0.2:4000"]
  end
  subgraph res_demo_eastus["Azure OpenAI demo-eastus (eastus, private endpoint)"]
    dep_demo_eastus_gpt_51["gpt-51<br/>gpt-5.1 2025-11-13<br/>GlobalStandard x20"]
    dep_demo_eastus_gpt_51_2["gpt_51<br/>gpt-5.1 2025-11-13<br/>Standard x10"]
  end
  app --> balancer
  balancer --> proxy_1
  balancer --> proxy_2
  proxies -.-|shared state| redis
  proxies --> alias_main
  proxies --> alias_small
  alias_main -->|private endpoint| dep_demo_eastus_gpt_51
  alias_main -.->|fallback| alias_small
  alias_small -->|private endpoint| dep_demo_eastus_gpt_51_2
"""


def test_unused_resources_are_not_drawn_and_ids_never_merge(tmp_path: Path) -> None:
    project, envs = _load(tmp_path)
    topo = topology(project, "prod", envs["prod"])
    ids = [n.id for n in topo.nodes] + [n.id for c in topo.clusters for n in c.nodes] + [c.id for c in topo.clusters]
    assert len(ids) == len(set(ids))
    assert "demo-west" not in mermaid(project, "prod", envs["prod"])


def test_without_balancer_the_app_reaches_the_first_proxy(tmp_path: Path) -> None:
    project, envs = _load(tmp_path)
    text = mermaid(project, "local", envs["local"])
    assert "  app -->|http://127.0.0.1:4000| proxy_1\n" in text
    assert "balancer" not in text and "redis" not in text


def test_direct_mode_goes_straight_to_the_deployment(tmp_path: Path) -> None:
    project, envs = _load(tmp_path)
    text = mermaid(project, "dev", envs["dev"])
    assert '  app["demo app<br/>direct to Azure OpenAI"]\n' in text
    assert "  app -->|private endpoint| dep_demo_eastus_gpt_51\n" in text
    assert "proxies" not in text and "alias_" not in text


def test_dot_edges_to_clusters_are_clipped(tmp_path: Path) -> None:
    project, envs = _load(tmp_path)
    text = dot(project, "prod", envs["prod"])
    assert text.startswith('digraph "demo prod" {\n')
    assert "  proxy_1 -> redis [ltail=cluster_proxies, label=\"shared state\", style=dashed, dir=none];\n" in text
    assert "  proxy_1 -> alias_main [ltail=cluster_proxies];\n" in text
    assert '    label="Azure OpenAI demo-eastus (eastus, private endpoint)";\n' in text


@pytest.mark.parametrize("env", ["dev", "staging", "prod", "prod-dr"])
def test_example_dot_is_accepted_by_graphviz(env: str) -> None:
    binary = shutil.which("dot")
    if binary is None:
        pytest.skip("graphviz `dot` is not installed")
    loaded = load_project(EXAMPLE)
    assert loaded.project is not None
    model = loaded.envs[env].model
    assert model is not None
    out = subprocess.run(
        [binary, "-Tsvg"], input=dot(loaded.project, env, model), capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "<svg" in out.stdout and out.stderr == ""


def test_mermaid_labels_cannot_break_out() -> None:
    assert _mermaid_text('a"]; click x <b>|y') == "a#quot;]; click x #lt;b#gt;#124;y"


def test_docs_show_the_example_prod_diagram() -> None:
    result = CliRunner().invoke(cli, ["graph", "-p", str(EXAMPLE), "prod", "--markdown"], catch_exceptions=False)
    assert result.exit_code == 0
    docs = (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert result.output in docs, (
        "docs/workflow.md is out of date: paste "
        "`configgen graph -p examples/chatsheetai/configgen.yaml prod --markdown`"
    )


def test_cli_errors(tmp_path: Path) -> None:
    path = tmp_path / "configgen.yaml"
    path.write_text(PROJECT, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["graph", "-p", str(path), "prd"], catch_exceptions=False)
    assert result.exit_code == 2 and "did you mean `prod`?" in result.output
    path.write_text(PROJECT.replace("capacity: 20", "capacity: lots"), encoding="utf-8")
    result = runner.invoke(cli, ["graph", "-p", str(path), "prod"], catch_exceptions=False)
    assert result.exit_code == 1 and f"{path}:11:" in result.output


def test_a_kubernetes_environment_is_a_deployment_behind_its_service() -> None:
    loaded = load_project(EXAMPLE)
    assert loaded.project is not None
    env = loaded.envs["aks"].model
    assert env is not None and env.kubernetes is not None
    text = mermaid(loaded.project, "aks", env)
    assert f"Service {env.kubernetes.name}" in text and f"Deployment {env.kubernetes.name}" in text
    assert "127.0.0.1" not in text  # the VM instances of the defaults are not what runs there
