"""The first project `configgen init` writes: its questions, their defaults, and a check of each answer.

The defaults are those of `configgen add` (Entra ID auth, GlobalStandard, capacity 10, the same
api-version): a project started with `init` and one extended with `add` look alike. Each answer is
checked when it is given by validating the project as it would be with the answers so far and the
defaults for the rest: the errors that the answer brings in (compared with its default) are its own.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from configgen.findings import Finding
from configgen.model.project import RoutingStrategy, Sku

SKUS: tuple[str, ...] = typing.get_args(Sku)
ROUTING: tuple[str, ...] = typing.get_args(RoutingStrategy)
AUTH = ("entra", "api_key")
# Defaults that pass every rule today: gpt-5.1 2025-11-13 retires 2027-05-15 (catalogue), and reasoning
# models need a preview api-version or v1 (FACTS.md: "o3 / o4-mini 2025-04-01-preview").
DEFAULT_API_VERSION = "2025-04-01-preview"
DEFAULT_SKU = "GlobalStandard"
DEFAULT_CAPACITY = 10


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return slug[:40] or "myapp"


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    default: Callable[[dict[str, Any]], Any]  # from the answers so far
    choices: tuple[str, ...] = ()
    integer: bool = False
    when: Callable[[dict[str, Any]], bool] = lambda _v: True


QUESTIONS: tuple[Question, ...] = (
    Question("name", "Project name", lambda v: _slug(v["_dir"])),
    Question("resource", "Azure OpenAI resource name", lambda v: f"{v['name']}-openai"),
    Question("endpoint", "Resource endpoint", lambda v: f"https://{v['resource']}.openai.azure.com"),
    Question("region", "Azure region", lambda v: "eastus2"),
    Question("auth", "Authentication", lambda v: "api_key" if v.get("key_env") else "entra", AUTH),
    Question("key_env", "Variable holding the API key", lambda v: "AZURE_OPENAI_API_KEY",
             when=lambda v: v.get("auth") == "api_key"),
    Question("api_version", "api-version", lambda v: DEFAULT_API_VERSION),
    Question("model", "Model", lambda v: "gpt-5.1"),
    Question("version", "Model version", lambda v: "2025-11-13"),
    Question("deployment", "Deployment name", lambda v: str(v["model"]).replace(".", "")),
    Question("sku", "Deployment type (SKU)", lambda v: DEFAULT_SKU, SKUS),
    Question("capacity", "Capacity (thousands of tokens per minute)", lambda v: DEFAULT_CAPACITY, integer=True),
    Question("alias", "Alias the app asks for (LITELLM_MODEL)", lambda v: "gpt-4"),
    Question("routing_strategy", "Routing strategy", lambda v: "simple-shuffle", ROUTING),
    Question("env", "First environment", lambda v: "dev"),
)


def complete(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every question not answered yet at its default."""
    out = dict(values)
    for q in QUESTIONS:
        if q.key not in out or out[q.key] is None:
            out[q.key] = q.default(out) if q.when(out) else None
    return out


def project_text(**v: Any) -> str:
    """The new project as YAML text; values go through ruamel so any string is quoted safely."""
    from configgen.model.jsonschema import DEFAULT_PATH, modeline
    from configgen.tools.authoring.edit import deployment_map
    from configgen.tools.authoring.roundtrip import cmap, dump, flow_list, quoted

    tree = cmap()
    tree["version"] = 1
    tree["name"] = v["name"]
    deployments = cmap({v["deployment"]: deployment_map(v["model"], v["version"], v["sku"], v["capacity"])})
    auth = {"type": "api_key", "key_env": v["key_env"]} if v.get("auth") == "api_key" else {"type": "entra"}
    resource = cmap({"endpoint": v["endpoint"], "region": v["region"], "auth": cmap(auth, flow=True)})
    resource["api_version"] = quoted(v["api_version"])
    resource["deployments"] = deployments
    tree["resources"] = cmap({v["resource"]: resource})
    proxy = cmap({"instances": [cmap({"host": "127.0.0.1", "port": 4000}, flow=True)]})
    if v.get("routing_strategy") not in (None, "simple-shuffle"):
        proxy["routing_strategy"] = v["routing_strategy"]
    tree["defaults"] = cmap(
        {
            "aliases": cmap({v["alias"]: cmap({"deployments": flow_list([f"{v['resource']}/{v['deployment']}"])})}),
            "app": cmap({"mode": "proxy", "alias": v["alias"]}),
            "proxy": proxy,
        }
    )
    tree["environments"] = cmap({v["env"]: cmap({"description": "First environment: one local proxy."})})
    tree.yaml_set_comment_before_after_key("resources", before="\nAzure OpenAI resources and their deployments.")
    tree.yaml_set_comment_before_after_key(
        "defaults", before="\nSettings every environment starts from; environments override what differs."
    )
    tree.yaml_set_comment_before_after_key("environments", before="\n`configgen add environment NAME` adds more.")
    header = (
        f"{modeline(DEFAULT_PATH)}\n"
        f"# {v['name']}: how the app reaches Azure OpenAI. Written by `configgen init`; edit freely.\n"
        "# `configgen validate` checks it; `configgen render ENV` writes the configs.\n"
    )
    return header + dump(tree)


def check_answer(values: dict[str, Any], key: str, path: Path, as_of: dt.date | None) -> list[Finding]:
    """The errors the answer to ``key`` brings into the project (none: it is a good answer)."""
    from configgen.tools.authoring.edit import validate_text

    mine = complete(values)
    baseline = complete({k: v for k, v in values.items() if k != key})
    if mine == baseline:
        return []
    for v in (mine, baseline):
        v.pop("_dir", None)
    _, new_errors = validate_text(project_text(**mine), path, as_of, project_text(**baseline))
    return new_errors
