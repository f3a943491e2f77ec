"""What the built-in litellm.config.yaml.j2 renders to, as data: the mapping its text parses to.

The text is written by the template's Python twin (configgen.render.builtin.litellm, held to the
template byte for byte; the text has comments, and a project may replace the template by name); this
function follows the template line for line, so the Kubernetes builders and the re-check of rendered
output use the config without parsing the text configgen has just written. Every value goes through
the same escaper as in the template and is read back as that escaper wrote it: `yaml_str` a string of
`str(value)`, `int` the integer, `yaml` a boolean or number as it is and anything else as a string
(configgen.render.escape). tests/unit/test_render_data.py checks that this is what the text parses to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from configgen.render.together import shared as shared_table


def _scalar(value: Any) -> Any:
    """What the `yaml` filter's text is read back as."""
    return value if isinstance(value, bool | int | float) else str(value)


def litellm_data(ctx: Mapping[str, Any]) -> dict[str, Any] | None:
    """The data of the built-in template's output for this context; None when its text would not be one
    plain mapping (a key written twice: the re-check must then parse the text and report it)."""
    models = []
    shared = shared_table("litellm_params")  # by their items: one object for equal params
    for m in ctx["models"]:
        params: dict[str, Any] = {"model": str(m["model"]), "api_base": str(m["api_base"]),
                                  "api_version": str(m["api_version"])}
        extra: list[tuple[str, Any]] = [(str(key), str(ref)) for key, ref in m["auth"]]
        extra += [(key, m[key]) for key in ("rpm", "tpm") if m[key] is not None]
        for key, value in extra:
            if key in params:
                return None
            params[key] = value
        if shared is not None:
            params = shared.setdefault(tuple(params.items()), params)
        models.append({
            "model_name": str(m["model_name"]),
            "litellm_params": params,
            "model_info": {"id": str(m["id"]), "base_model": str(m["base_model"])},
        })
    proxy = ctx["proxy"]
    router: dict[str, Any] = {
        "routing_strategy": str(proxy["routing_strategy"]),
        **{key: proxy[key] for key in ("num_retries", "timeout", "allowed_fails", "cooldown_time")},
    }
    if ctx["fallbacks"]:
        router["fallbacks"] = [{str(f["alias"]): [str(to) for to in f["to"]] or None} for f in ctx["fallbacks"]]
    redis = proxy["redis"]
    if redis:
        router["redis_host"] = str(redis["host"])
        router["redis_port"] = redis["port"]
        if redis["password"]:
            router["redis_password"] = str(redis["password"])
    settings: dict[str, Any] = {"drop_params": _scalar(proxy["drop_params"])}
    identity = ctx["identity"]
    obs = ctx["observability"]
    if identity:
        settings["enable_azure_ad_token_refresh"] = True
    if obs["prometheus"]:
        settings["callbacks"] = ["prometheus"]
        if not obs["metrics_auth"]:
            settings["require_auth_for_metrics_endpoint"] = False
    if obs["json_logs"]:
        settings["json_logs"] = True
    if not obs["log_content"]:
        settings["turn_off_message_logging"] = True
        settings["redact_messages_in_exceptions"] = True
    data: dict[str, Any] = {
        "model_list": models or None,  # `model_list:` with no entry under it is null
        "router_settings": router,
        "litellm_settings": settings,
        "general_settings": {"master_key": str(proxy["master_key"])},
    }
    if identity:
        data["environment_variables"] = {"AZURE_CREDENTIAL": str(identity["credential"])}
    return data
