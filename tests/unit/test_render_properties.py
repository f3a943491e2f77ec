"""Property-based: valid projects with arbitrary strings render to files that parse back to exactly
the intended values, and the project-value rules flag exactly the values rendering would refuse."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import yaml
from dotenv import dotenv_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configgen.findings import Finding
from configgen.load.yaml import YamlDocument
from configgen.model.load import EnvView
from configgen.model.merge import merge_environment
from configgen.model.project import Environment, Project
from configgen.render.context import build_context
from configgen.render.escape import SHELL_SET_NAMES
from configgen.render.jinja import RenderError, render_environment
from configgen.render.outputs import Output
from configgen.rules import load_all, run_rules
from configgen.rules.targets import ProjectTarget
from tests.support.readers import SHELLS, node_dotenv_dir, node_parse_real, shell_read

AS_OF = dt.date(2026, 11, 27)
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
# Text with the characters shells and dotenv readers treat specially, for values that reach server/.env.
shell_text = st.lists(
    st.one_of(st.sampled_from(list("'\"`$\\(){}#!;&|*? ")), st.sampled_from(["$(touch M)", "`id`", "${X}", "\\\\"]),
              st.characters(exclude_categories=("Cs",))),
    max_size=10,
).map("".join)
nonempty_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
names = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,15}\Z")
dep_names = st.from_regex(r"\A[A-Za-z0-9._-]{1,20}\Z")
# Names a shell sets itself (`_`, UID, RANDOM, ...) included: render refuses them as it refuses a value
# that cannot be read back, and project-value-dotenv says so (test_rules_flag_exactly_what_rendering_refuses).
env_vars = st.one_of(
    st.from_regex(r"\A[A-Z_][A-Z0-9_]{0,15}\Z").filter(lambda v: not v.startswith(("LITELLM_", "AZURE_"))),
    st.sampled_from(sorted(SHELL_SET_NAMES)),
)
hosts = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9.-]{0,30}[A-Za-z0-9])?\Z"),
    st.ip_addresses(v=4).map(str),
)
# Everything the model's PathStr allows, spaces and `#` included: the token rule must catch those.
paths = st.from_regex(r"\A[^\x00-\x1f\x7f;{}'\"`$\\]{1,30}\Z")


instances = st.tuples(hosts, st.integers(1, 65535))


def _env_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text).upper()


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    deps = draw(st.dictionaries(dep_names, st.just(None), min_size=1, max_size=3))
    resources: dict[str, Any] = {}
    refs: list[str] = []
    for r in draw(st.lists(names, min_size=1, max_size=2, unique=True)):
        resources[r] = {
            "endpoint": draw(any_text),
            "region": draw(nonempty_text),
            "auth": draw(st.sampled_from([{"type": "api_key", "key_env": _env_name("KEY_" + r)}, {"type": "entra"}])),
            "api_version": draw(any_text),
            "deployments": {
                d: {
                    "model": draw(nonempty_text),
                    "version": draw(st.one_of(st.just("2024-08-06"), nonempty_text)),
                    "capacity": draw(st.integers(1, 500)),
                    **({"api_version": draw(any_text)} if draw(st.booleans()) else {}),
                }
                for d in deps
            },
        }
        refs += [f"{r}/{d}" for d in deps]
    aliases = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    alias_data: dict[str, Any] = {
        a: {"deployments": draw(st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True))} for a in aliases
    }
    if len(aliases) > 1:
        alias_data[aliases[0]]["fallbacks"] = aliases[1:]
    balancer: dict[str, Any] = {"kind": draw(st.sampled_from(["nginx", "haproxy"])), "host": draw(hosts), "port": 443}
    if draw(st.booleans()):
        balancer["tls"] = {"cert": draw(paths), "key": draw(paths)}
    env = {
        "aliases": alias_data,
        "app": {
            "mode": "proxy",
            "alias": aliases[0],
            "env": draw(st.dictionaries(env_vars, st.one_of(any_text, shell_text), max_size=4)),
            **({"api_base": draw(any_text)} if draw(st.booleans()) else {}),
        },
        "proxy": {
            "instances": [{"host": h, "port": p} for h, p in draw(st.lists(instances, min_size=1, max_size=3))],
            **({"redis": {"host": draw(hosts), "password_env": "REDIS_PW"}} if draw(st.booleans()) else {}),
        },
        "balancer": balancer,
    }
    return {"version": 1, "name": draw(names), "resources": resources, "environments": {"e": env}}


def _load(data: dict[str, Any]) -> tuple[Project, Environment, list[Finding]]:
    project = Project.model_validate(data)
    layered = merge_environment({}, data["environments"]["e"], "e")
    env = Environment.model_validate(layered.data)
    load_all()
    target = ProjectTarget(YamlDocument("p.yaml", data, ""), project, {"e": EnvView("e", layered, env)}, AS_OF)
    only = {"project-value-balancer-token", "project-value-dotenv"}
    return project, env, run_rules("project", target, only=only)


def _render(project: Project, env: Environment) -> dict[str, str] | None:
    try:
        outputs = render_environment(project, "e", env, source_name="p.yaml")
    except RenderError:
        return None
    return {out.kind: text for out, text in outputs.items() if isinstance(out, Output)}


@PROPS
@given(projects())
def test_rules_flag_exactly_what_rendering_refuses(data: dict[str, Any]) -> None:
    project, env, findings = _load(data)
    rendered = _render(project, env)
    assert (rendered is None) == bool(findings), [f.message for f in findings]


@PROPS
@given(projects())
def test_litellm_config_parses_back_to_the_intended_structure(data: dict[str, Any]) -> None:
    project, env, _ = _load(data)
    rendered = _render(project, env)
    if rendered is None:
        return
    ctx = build_context(project, "e", env)
    parsed = yaml.safe_load(rendered["litellm_config"])  # PyYAML: what LiteLLM reads it with
    entries = parsed["model_list"]
    assert len(entries) == len(ctx["models"])
    for entry, m in zip(entries, ctx["models"], strict=True):
        assert entry["model_name"] == m["model_name"]
        params = entry["litellm_params"]
        for key in ("model", "api_base", "api_version"):
            assert params[key] == m[key]
        assert {k: params[k] for k, _ in m["auth"]} == dict(m["auth"])
        assert (entry["model_info"]["id"], entry["model_info"]["base_model"]) == (m["id"], m["base_model"])
    fallbacks = parsed["router_settings"].get("fallbacks") or []
    assert fallbacks == [{f["alias"]: f["to"]} for f in ctx["fallbacks"]]
    assert parsed["general_settings"]["master_key"] == "os.environ/LITELLM_MASTER_KEY"


@PROPS
@given(projects())
def test_dotenv_parses_back_to_exactly_the_intended_values(data: dict[str, Any]) -> None:
    project, env, _ = _load(data)
    rendered = _render(project, env)
    if rendered is None:
        return
    intended = dict(build_context(project, "e", env)["app"]["values"])
    assert dotenv_values(stream=io.StringIO(rendered["env_file"])) == intended
    # The app reads it with Node's dotenv; people source it in a shell: none may expand or run anything.
    if node_dotenv_dir() is not None:  # npm's dotenv, when node is here (scripts/test.sh installs it)
        assert node_parse_real([rendered["env_file"]]) == [intended]
    for shell in SHELLS:
        got, created, err = shell_read(shell, rendered["env_file"], list(intended))
        assert (got, created) == (intended, []), (shell, err)
    # the value names of .env.example, without values
    example = dotenv_values(stream=io.StringIO(rendered["env_example"]))
    assert set(intended) <= set(example) and not any(example.values())


def _skeleton(text: str) -> list[str]:
    """The directive structure of an nginx/HAProxy snippet: first word of each line, and every
    character that ends or opens a directive or block. Comments are dropped."""
    out = []
    for line in text.splitlines():
        code = line.strip()
        if not code or code.startswith("#"):
            continue
        out.append(code.split()[0] + " " + "".join(re.findall(r"[;{}#]", code)) + f" words={len(code.split())}")
    return out


@PROPS
@given(projects())
def test_balancer_snippets_hold_only_the_templates_directives(data: dict[str, Any]) -> None:
    project, env, _ = _load(data)
    rendered = _render(project, env)
    if rendered is None:
        return
    # The same project with every free value replaced by a boring one: the template's own directives.
    plain = yaml.safe_load(yaml.safe_dump(data))
    e = plain["environments"]["e"]
    e["balancer"]["host"] = "lb.internal"
    if "tls" in e["balancer"]:
        e["balancer"]["tls"] = {"cert": "/c.pem", "key": "/k.pem"}
    for inst in e["proxy"]["instances"]:
        inst["host"] = "10.0.0.1"
    if "redis" in e["proxy"]:
        e["proxy"]["redis"]["host"] = "10.0.0.2"
    p2, env2, _ = _load(plain)
    baseline = _render(p2, env2)
    assert baseline is not None
    kind = e["balancer"]["kind"]
    assert _skeleton(rendered[kind]) == _skeleton(baseline[kind])
