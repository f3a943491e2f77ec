"""The one check loop: kinds table, rule isolation, re-check of the exact rendered bytes, grouping."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePath

import pytest

from configgen import app
from configgen.cli.main import main
from configgen.findings import Finding, Severity
from configgen.load.kinds import BY_NAME, KINDS, kind_by_content, kind_by_name
from configgen.render.outputs import OUTPUTS
from configgen.rules import load_all
from configgen.rules.registry import REGISTRY, Rule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
GOLDEN = ROOT / "tests" / "golden" / "chatsheetai"
AS_OF = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        (".env", "dotenv"),
        ("server/.env.example", "dotenv"),
        ("env.example", "dotenv"),
        ("env.sample", "dotenv"),
        ("prod.env", "dotenv"),
        ("deploy/nginx/litellm.conf", "nginx"),
        ("haproxy/litellm.cfg", "haproxy"),
        ("lb.bicep", "bicep"),
        ("proxy/run.sh", "script"),
        ("litellm.service", "script"),
    ],
)
def test_text_kinds_are_decided_by_name(name: str, kind: str) -> None:
    assert kind_by_name(PurePath(name)) is BY_NAME[kind]


@pytest.mark.parametrize("name", ["config.yaml", "proxy_config.yml", "env.yaml", "values.yaml"])
def test_yaml_files_are_decided_by_content(name: str) -> None:
    assert kind_by_name(PurePath(name)) == "yaml"


def test_yaml_kinds_by_their_defining_keys() -> None:
    assert kind_by_content({"model_list": []}) is BY_NAME["litellm"]
    assert kind_by_content({"scrape_configs": []}) is BY_NAME["prometheus"]
    assert kind_by_content({"environments": {}}) is BY_NAME["project"]
    assert kind_by_content({"version": 1, "resources": {}}) is BY_NAME["project"]
    assert kind_by_content({"other": 1}) is None
    assert kind_by_content(["model_list"]) is None


def test_every_output_is_rechecked_as_a_known_input_kind() -> None:
    names = {k.name for k in KINDS}
    assert {out.recheck for out in OUTPUTS} <= names
    assert len({out.kind for out in OUTPUTS}) == len(OUTPUTS)
    assert len({out.relpath for out in OUTPUTS}) == len(OUTPUTS)


def test_a_liteLLM_config_named_config_yaml_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    key = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
    config.write_text(f"model_list:\n  - model_name: chat\n    litellm_params: {{model: azure/chat, api_key: {key}}}\n")
    rules = {f.rule for f in app.validate_files([config], AS_OF).findings}
    assert "litellm-inline-secret" in rules


@pytest.fixture
def crashing_rule() -> Iterator[None]:
    load_all()

    def boom(t: object) -> Iterator[Finding]:
        """A rule with a bug."""
        raise KeyError("model_list")
        yield  # pragma: no cover

    REGISTRY["test-crash"] = Rule("test-crash", Severity.ERROR, "crashes", "litellm", boom)
    try:
        yield
    finally:
        del REGISTRY["test-crash"]


def test_a_crashing_rule_is_a_finding_and_every_other_rule_still_runs(crashing_rule: None, tmp_path: Path) -> None:
    config = tmp_path / "litellm.config.yaml"
    config.write_text("model_list:\n  - model_name: chat\n    litellm_params: {model: chat-no-prefix}\n")
    env = tmp_path / ".env"
    env.write_text("AZURE_API_KEY=0123456789abcdef0123456789abcdef\n")
    result = app.validate_files([config, env], AS_OF)
    crash = [f for f in result.findings if f.rule == "internal-error"]
    assert len(crash) == 1
    assert crash[0].file == str(config)
    assert "test-crash" in crash[0].message and "KeyError" in crash[0].message
    assert "Traceback" not in crash[0].message
    # The other rules of the same file and of the other file still ran.
    assert any(f.file == str(env) for f in result.findings)
    assert len({f.rule for f in result.findings if f.file == str(config)}) > 1
    assert result.exit_code() == 3


def test_a_crashing_rule_exits_3_after_the_whole_report(
    crashing_rule: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "litellm.config.yaml"
    config.write_text("model_list:\n  - model_name: chat\n    litellm_params: {model: chat-no-prefix}\n")
    assert main(["validate", str(config), "--format", "text"]) == 3
    out = capsys.readouterr()
    assert "internal-error" in out.out and "test-crash" in out.out
    assert "Traceback" not in out.out + out.err


def _templated_project(tmp_path: Path, name: str, body: str) -> Path:
    root = tmp_path / "proj"
    (root / "tpl").mkdir(parents=True)
    project = root / "configgen.yaml"
    project.write_text(EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1))
    (root / "tpl" / name).write_text(body)
    return project


def test_validate_rechecks_what_a_project_template_writes(tmp_path: Path) -> None:
    builtin = (ROOT / "configgen" / "render" / "templates" / "litellm.config.yaml.j2").read_text()
    key = "{{ 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789AB'|yaml_str }}"
    leak = f"credential_list:\n  - credential_name: leaked\n    credential_values:\n      api_key: {key}\n"
    body = builtin + "\n" + leak
    project = _templated_project(tmp_path, "litellm.config.yaml.j2", body)
    found = [f for f in app.validate_project_file(project, AS_OF).findings if f.severity is Severity.ERROR]
    assert any(f.rule == "litellm-inline-secret" and "(rendered)" in f.file for f in found), found
    # render refuses to write it, too
    out = tmp_path / "out"
    result = app.render(project, "prod", out_dir=out, as_of=AS_OF)
    assert result.exit_code() == 1 and not out.exists()


def test_the_rendered_env_example_is_rechecked(tmp_path: Path) -> None:
    builtin = (ROOT / "configgen" / "render" / "templates" / "env.example.j2").read_text()
    pasted = "AZURE_OPENAI_API_KEY={{ '0123456789abcdef0123456789abcdef'|dotenv }}\n"
    project = _templated_project(tmp_path, "env.example.j2", builtin + pasted)
    found = app.validate_project_file(project, AS_OF).findings
    assert any(f.rule == "dotenv-secret" and f.file.endswith("server/.env.example (rendered)") for f in found), found


def test_rendered_files_of_several_environments_are_checked_per_environment(tmp_path: Path) -> None:
    """The pre-commit hook gets every rendered file at once: dev's .env must not be judged against
    prod's nginx snippet."""
    files = sorted(p for p in GOLDEN.rglob("*") if p.is_file())
    copy = tmp_path / "deploy"
    shutil.copytree(GOLDEN, copy)
    result = app.validate_files([copy / p.relative_to(GOLDEN) for p in files], AS_OF)
    bad = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == []


def test_a_cross_check_across_groups_says_which_grouping(tmp_path: Path) -> None:
    prod = GOLDEN / "prod"
    (tmp_path / "server").mkdir()
    env = tmp_path / "server" / ".env"
    env.write_text("LITELLM_API_BASE=http://127.0.0.1:4000\nLITELLM_MODEL=no-such-alias\n")
    shutil.copy(prod / "litellm.config.yaml", tmp_path / "litellm.config.yaml")
    shutil.copy(prod / "server" / ".env", tmp_path / "rendered.env")
    from configgen.render.header import split_header

    # The config given as hand-written (no header): it is grouped with the hand-written .env, and the
    # rendered .env of prod is a group of its own.
    config = tmp_path / "litellm.config.yaml"
    config.write_text(split_header(config.read_text())[1])
    result = app.validate_files([config, env, tmp_path / "rendered.env"], AS_OF)
    [served] = [f for f in result.findings if f.rule == "bundle-model-not-served"]
    assert served.file == str(env)
    assert served.hint.endswith("(checked together: the 2 files given without a configgen header)"), served.hint
    # the rendered .env is judged with nothing it does not belong with
    assert not [f for f in result.findings if f.file == str(tmp_path / "rendered.env") and f.rule.startswith("bundle-")]


def test_two_spellings_of_one_output_are_a_clash(tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    text = EXAMPLE.read_text()
    # prod's env_file written as `gen/x/../server/.env` and its example as `gen/server/.env`
    import re

    outputs = "    outputs: {env_file: gen/x/../server/.env, env_example: gen/server/.env}\n"
    text = re.sub(r"(\n  prod:\n)", "\\1" + outputs, text, count=1)
    project.write_text(text)
    with pytest.raises(app.UsageError, match="same file"):
        app.render(project, "prod", as_of=AS_OF)


def test_every_outputs_key_moves_a_row() -> None:
    from configgen.model.project import Outputs

    assert {out.override for out in OUTPUTS if out.override} == set(Outputs.model_fields) - {"dir"}


def test_the_documented_env_placeholder_is_accepted() -> None:
    case = ROOT / "tests" / "cases" / "project-output-outside" / "env-placeholder" / "configgen.yaml"
    assert 'dir: "deploy/{env}"' in case.read_text()
    assert [f for f in app.validate_project_file(case, AS_OF).findings if f.severity is Severity.ERROR] == []


def test_a_balancer_mismatch_names_the_host_to_use(tmp_path: Path) -> None:
    conf = tmp_path / "litellm.conf"
    from configgen.render.header import split_header

    conf.write_text(split_header((GOLDEN / "prod" / "nginx" / "litellm.conf").read_text())[1])  # as if hand-written
    (tmp_path / "server").mkdir()
    env = tmp_path / "server" / ".env"
    env.write_text("LITELLM_API_BASE=http://127.0.0.1:4000\nLITELLM_MODEL=gpt-4\n")
    [f] = [f for f in app.validate_files([conf, env], AS_OF).findings if f.rule == "balancer-api-base-mismatch"]
    assert "https://litellm.chatsheet.internal:443" in f.message and "…" not in f.message + f.hint
