"""`explain`: effective value, the layer that set it, and the line that wrote it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.model.load import LoadedProject, load_project
from configgen.tools.explain import ExplainError, Explanation, explain, parse_path

PROJECT = """\
version: 1
name: demo
resources:
  demo-eastus:
    endpoint: https://demo-eastus.openai.azure.com
    region: eastus
    auth: {type: api_key, key_env: AZURE_OPENAI_API_KEY}
    api_version: "2025-04-01-preview"
    deployments:
      gpt-51: {model: gpt-5.1, version: "2025-11-13", sku: GlobalStandard, capacity: 20}
defaults:
  aliases:
    gpt-4: {deployments: [demo-eastus/gpt-51]}
    gpt-4.1: {deployments: [demo-eastus/gpt-51]}
  app: {mode: proxy, alias: gpt-4}
  proxy:
    num_retries: 3
    instances:
      - {host: 127.0.0.1, port: 4000}
environments:
  dev:
    app: {mode: direct}
    proxy: null
  prod:
    proxy:
      num_retries: 5
      instances:
        - {host: 10.0.0.1, port: 4000}
        - {host: 10.0.0.2, port: 4001}
"""


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedProject:
    path = tmp_path / "configgen.yaml"
    path.write_text(PROJECT, encoding="utf-8")
    result = load_project(path)
    assert result.ok, result.findings
    return result


def _explain(loaded: LoadedProject, env: str, path: str) -> Explanation:
    assert loaded.doc is not None
    return explain(loaded.envs[env], loaded.doc, path)


def test_environment_value_names_its_line_and_the_default_it_replaces(loaded: LoadedProject) -> None:
    ex = _explain(loaded, "prod", "proxy.num_retries")
    assert (ex.value, ex.layer) == (5, "environment")
    assert ex.source is not None and (ex.source.line, ex.source.column) == (26, 20)
    assert ex.overrides is not None and ex.overrides[0] == 3 and ex.overrides[1].line == 17


def test_default_value(loaded: LoadedProject) -> None:
    ex = _explain(loaded, "prod", "app.alias")
    assert (ex.value, ex.layer, ex.overrides) == ("gpt-4", "defaults", None)
    assert ex.source is not None and ex.source.line == 15


def test_built_in_default(loaded: LoadedProject) -> None:
    ex = _explain(loaded, "prod", "proxy.cooldown_time")
    assert (ex.value, ex.layer, ex.source) == (30, "built-in", None)


def test_null_removes_a_default(loaded: LoadedProject) -> None:
    ex = _explain(loaded, "dev", "proxy")
    assert (ex.value, ex.layer) == (None, "removed")
    assert ex.source is not None and ex.source.line == 23
    assert ex.overrides is not None and ex.overrides[0]["num_retries"] == 3


def test_merged_mapping_lists_each_key_with_its_layer(loaded: LoadedProject) -> None:
    ex = _explain(loaded, "prod", "proxy")
    layers = {c.path[-1]: c.layer for c in ex.children}
    assert layers["num_retries"] == "environment"
    assert layers["instances"] == "environment"
    assert layers["timeout"] == "built-in"
    assert ex.layer == "environment+built-in"


def test_list_items_and_dotted_names(loaded: LoadedProject) -> None:
    assert _explain(loaded, "prod", "proxy.instances[1].port").value == 4001
    assert _explain(loaded, "prod", "proxy.instances.1.host").value == "10.0.0.2"
    # `gpt-4.1` contains a dot: the longest existing key wins over `gpt-4`
    assert _explain(loaded, "prod", "aliases.gpt-4.1.deployments[0]").path == (
        "aliases",
        "gpt-4.1",
        "deployments",
        0,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("proxy.num_retriez", "proxy has no `num_retriez`; did you mean `num_retries`?"),
        ("proxy.instances[7]", "proxy.instances has 2 item(s); there is no [7]"),
        ("proxy.num_retries.x", "proxy.num_retries is a number; it has no `x`"),
        ("nothing", "the environment has no `nothing`; it has: "),
    ],
)
def test_unknown_paths_say_what_exists(loaded: LoadedProject, text: str, message: str) -> None:
    with pytest.raises(ExplainError) as err:
        _explain(loaded, "prod", text)
    assert str(err.value).startswith(message)


def test_parse_path_on_plain_data() -> None:
    assert parse_path("a.b[0].c", {"a": {"b": [{"c": 1}]}}) == ("a", "b", 0, "c")


def test_cli_text_json_and_errors(loaded: LoadedProject) -> None:
    runner = CliRunner()
    project = str(loaded.path)
    result = runner.invoke(cli, ["explain", "-p", project, "prod", "proxy.num_retries"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "prod: proxy.num_retries = 5",
        f"  set by environment at {project}:26:20 (environments.prod.proxy.num_retries)",
        f"  overrides defaults.proxy.num_retries = 3 at {project}:17:18",
    ]
    result = runner.invoke(cli, ["explain", "-p", project, "-f", "json", "dev", "proxy"], catch_exceptions=False)
    data = json.loads(result.output)
    assert (data["layer"], data["source"]["path"], data["source"]["line"]) == ("removed", "environments.dev.proxy", 23)
    result = runner.invoke(cli, ["explain", "-p", project, "prd", "proxy"], catch_exceptions=False)
    assert result.exit_code == 2 and "did you mean `prod`?" in result.output
    result = runner.invoke(cli, ["explain", "-p", project, "prod", "proxy.x"], catch_exceptions=False)
    assert result.exit_code == 2 and "prod: proxy has no `x`" in result.output


def test_cli_broken_project_is_one_located_line(tmp_path: Path) -> None:
    path = tmp_path / "configgen.yaml"
    path.write_text("version: 1\nname: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["explain", "-p", str(path), "prod", "proxy"], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{path}:3:1: error: invalid YAML" in result.output


# --- shell completion (click's protocol, as bash calls it) -----------------------------------------


def _complete(args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(cwd)
    words = ["configgen", *args.split(" ")]
    env = {"_CONFIGGEN_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(words), "COMP_CWORD": str(len(words) - 1)}
    result = CliRunner().invoke(cli, [], prog_name="configgen", env=env, catch_exceptions=False)
    return [line.split(",", 1)[1] for line in result.output.splitlines() if line]


def test_completion_of_commands_environments_aliases_and_settings(
    loaded: LoadedProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = loaded.path.parent
    assert {"explain", "graph", "render", "add", "init", "schema"} <= set(_complete("", cwd, monkeypatch))
    assert _complete("explain p", cwd, monkeypatch) == ["prod"]
    assert _complete("graph ", cwd, monkeypatch) == ["dev", "prod"]
    assert _complete("explain prod proxy.num", cwd, monkeypatch) == ["proxy.num_retries"]
    assert _complete("explain prod proxy.instances.", cwd, monkeypatch) == ["proxy.instances.0", "proxy.instances.1"]
    assert _complete("add alias x --fallback gpt", cwd, monkeypatch) == ["gpt-4", "gpt-4.1"]
    assert _complete("add alias x -d demo", cwd, monkeypatch) == ["demo-eastus/gpt-51"]
    assert _complete("add deployment ", cwd, monkeypatch) == ["demo-eastus"]


def test_completion_reads_the_project_option_and_never_fails(
    loaded: LoadedProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / ".git").mkdir(parents=True)  # another repository: the project above it is not its own
    assert _complete("graph ", elsewhere, monkeypatch) == []
    assert _complete(f"graph -p {loaded.path} ", elsewhere, monkeypatch) == ["dev", "prod"]
    (elsewhere / "configgen.yaml").write_text("environments: [not, a, mapping\n", encoding="utf-8")
    assert _complete("explain ", elsewhere, monkeypatch) == []


def test_completion_command_prints_the_shell_script() -> None:
    result = CliRunner().invoke(cli, ["completion", "bash"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "_CONFIGGEN_COMPLETE=bash_complete" in result.output
    result = CliRunner().invoke(cli, ["completion"], env={"SHELL": "/bin/tcsh"}, catch_exceptions=False)
    assert result.exit_code == 2 and "cannot tell the shell" in result.output
