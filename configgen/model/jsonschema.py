"""The JSON Schema of the project file, generated from the Pydantic models, for editors and CI.

The model keeps ``defaults`` and ``environments.<name>`` as free-form mappings because they are only
validated after merging (see :mod:`configgen.model.merge`). An editor needs more: here both are exported
as the :class:`~configgen.model.project.Environment` schema with every property optional (a layer sets only
what differs) and nullable (``null`` in an environment removes a default), so completion and typo
checks work inside them. `configgen validate` still judges the merged result.
"""

from __future__ import annotations

import copy
import json
from typing import Any

SCHEMA_ID = "urn:configgen:project-schema:v1"
#: Where `configgen schema` writes by default, and where projects written by `configgen init` point.
DEFAULT_PATH = "schemas/configgen.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="

# Descriptions for properties the models leave undocumented; a description in the model wins.
_FALLBACK: dict[tuple[str, str], str] = {
    ("Project", "name"): "Project name; used in generated names (upstreams, load-balancer resources).",
    ("Project", "resources"): "Azure OpenAI resources by name (the resource's subdomain), with their deployments.",
    ("Project", "environments"): "Environments by name; each overrides only what differs from `defaults`.",
    ("Resource", "auth"): "How LiteLLM authenticates to this resource: `api_key`, `entra` (service principal), "
    "`managed_identity`, `user_assigned_identity` or `workload_identity`.",
    ("Resource", "deployments"): "Deployments on this resource, by deployment name.",
    ("EntraAuth", "type"): "Microsoft Entra ID (service principal).",
    ("ApiKeyAuth", "type"): "Resource API key.",
    ("EntraAuth", "tenant_id_env"): "Variable holding the Entra tenant id.",
    ("EntraAuth", "client_id_env"): "Variable holding the service principal's client id.",
    ("EntraAuth", "client_secret_env"): "Variable holding the service principal's client secret.",
    ("Environment", "aliases"): "Model names the app may ask for, each served by one or more deployments.",
    ("Environment", "proxy"): "The LiteLLM proxy; `null` in direct mode.",
    ("Environment", "balancer"): "Load balancer in front of the proxy instances (nginx, HAProxy or Azure LB).",
    ("Environment", "outputs"): "Where `configgen render` writes this environment's files.",
    ("Instance", "port"): "Port the proxy listens on (LiteLLM's default is 4000).",
    ("Redis", "host"): "Redis host the proxy instances share.",
    ("Redis", "port"): "Redis port.",
    ("Redis", "password_env"): "Variable holding the Redis password.",
    ("Proxy", "instances"): "The proxy instances (identical configs); more than one needs a balancer and Redis.",
    ("Proxy", "master_key_env"): "Variable holding the proxy master key (never `sk-1234`: LiteLLM refuses it).",
    ("Proxy", "routing_strategy"): "How LiteLLM picks a deployment among an alias's deployments.",
    ("Proxy", "num_retries"): "Retries per request before falling back.",
    ("Proxy", "num_workers"): "Worker processes per proxy instance.",
    ("Proxy", "redis"): "Shared state (cooldowns, rate limits) for several instances.",
    ("Balancer", "kind"): "Which balancer configgen writes a snippet for.",
    ("Balancer", "port"): "Port the app reaches the balancer at.",
    ("Balancer", "tls"): "Terminate TLS at the balancer (nginx, HAProxy).",
    ("Balancer", "connect_timeout"): "Seconds to wait for a connection to a proxy instance.",
    ("Tls", "cert"): "Path of the certificate (PEM) on the balancer host.",
    ("Tls", "key"): "Path of the private key (PEM) on the balancer host.",
    ("Outputs", "dir"): "Output directory, relative to the project file; `{env}` is the environment name.",
    ("Outputs", "litellm_config"): "Explicit path of litellm.config.yaml.",
    ("Outputs", "env_file"): "Explicit path of the app's .env.",
    ("Outputs", "env_example"): "Explicit path of the app's .env.example.",
    ("Environment", "description"): "What this environment is, for people reading the file.",
}


def project_schema() -> dict[str, Any]:
    """The project file's JSON Schema (draft 2020-12) as a plain dict."""
    from configgen.model.project import Environment, Project

    schema = Project.model_json_schema()
    env = Environment.model_json_schema()
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    for name, sub in env.pop("$defs", {}).items():
        defs[name] = _layer(sub)
    defs["Project"] = {k: v for k, v in schema.items() if k in ("properties", "required", "description", "title")}
    defs["Environment"] = env
    for name, sub in defs.items():
        _describe(name, sub)
    defs.pop("Project")
    defs.pop("Environment")
    layer = _layer(env)
    layer["title"] = "Environment layer"
    layer["description"] = (
        "Settings of one environment (or the defaults every environment starts from). Every key is "
        "optional here: an environment sets only what differs, and `null` removes a default."
    )
    defs["EnvironmentLayer"] = layer
    props = schema["properties"]
    props["defaults"] = {
        "$ref": "#/$defs/EnvironmentLayer",
        "description": props["defaults"].get("description", ""),
    }
    props["environments"]["patternProperties"] = {
        pattern: {"anyOf": [{"$ref": "#/$defs/EnvironmentLayer"}, {"type": "null"}]}
        for pattern in props["environments"]["patternProperties"]
    }
    _maps_as_additional(schema)
    out: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "configgen project file",
    }
    out.update({k: v for k, v in schema.items() if k != "title"})
    out["examples"] = [_EXAMPLE]
    return out


def schema_text() -> str:
    """The schema as the committed file holds it: stable key order, two-space indent, final newline."""
    return json.dumps(project_schema(), indent=2, ensure_ascii=False) + "\n"


def modeline(schema_ref: str = DEFAULT_PATH) -> str:
    """First line of a project file that points YAML editors (yaml-language-server) at the schema."""
    return f"{MODELINE_PREFIX}{schema_ref}"


def _describe(def_name: str, sub: dict[str, Any]) -> None:
    for prop, prop_schema in sub.get("properties", {}).items():
        text = _FALLBACK.get((def_name, prop))
        if text and "description" not in prop_schema:
            prop_schema["description"] = text


def _layer(sub: dict[str, Any]) -> dict[str, Any]:
    """A copy of an object schema where every property is optional and may be null."""
    out = copy.deepcopy(sub)
    out.pop("required", None)
    for name, prop in out.get("properties", {}).items():
        # map values too: `aliases: {gpt-4-mini: null}` removes one alias of the defaults
        for pattern, value in prop.get("patternProperties", {}).items():
            prop["patternProperties"][pattern] = _nullable(value)
        out["properties"][name] = _nullable(prop)
    return out


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    if prop.get("type") == "null" or any(alt.get("type") == "null" for alt in prop.get("anyOf", [])):
        return prop
    if "anyOf" in prop:
        return {**prop, "anyOf": [*prop["anyOf"], {"type": "null"}]}
    keep: dict[str, Any] = {k: prop[k] for k in ("title", "description", "default", "examples") if k in prop}
    inner = {k: v for k, v in prop.items() if k not in keep}
    return {**keep, "anyOf": [inner, {"type": "null"}]}


def _maps_as_additional(node: Any) -> None:
    """`patternProperties` + `propertyNames` -> `propertyNames` (with the pattern) + `additionalProperties`.

    Pydantic leaves keys that do not match the pattern unchecked; this way a bad name is an error and
    editors offer the value schema for any new key.
    """
    if isinstance(node, dict):
        pattern_props = node.get("patternProperties")
        if isinstance(pattern_props, dict) and len(pattern_props) == 1 and "additionalProperties" not in node:
            ((pattern, value),) = pattern_props.items()
            node.pop("patternProperties")
            node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
            node["additionalProperties"] = value
        for value in node.values():
            _maps_as_additional(value)
    elif isinstance(node, list):
        for value in node:
            _maps_as_additional(value)


# A minimal project, shown by editors as the file-level example.
_EXAMPLE: dict[str, Any] = {
    "version": 1,
    "name": "myapp",
    "resources": {
        "myapp-eastus": {
            "endpoint": "https://myapp-eastus.openai.azure.com",
            "region": "eastus",
            "auth": {"type": "api_key", "key_env": "AZURE_OPENAI_API_KEY"},
            "api_version": "2025-04-01-preview",
            "deployments": {
                "gpt-51": {"model": "gpt-5.1", "version": "2025-11-13", "sku": "GlobalStandard", "capacity": 50}
            },
        }
    },
    "defaults": {
        "aliases": {"gpt-4": {"deployments": ["myapp-eastus/gpt-51"]}},
        "app": {"mode": "proxy", "alias": "gpt-4"},
        "proxy": {"instances": [{"host": "127.0.0.1", "port": 4000}]},
    },
    "environments": {"dev": None},
}
