"""litellm.config.yaml.j2 and prometheus.yml.j2 in Python (see configgen.render.builtin)."""

from __future__ import annotations

import functools
from typing import Any

from configgen.render.escape import comment_text as comment
from configgen.render.escape import ident, int_literal, yaml_scalar, yaml_str


def litellm_config(ctx: dict[str, Any]) -> str:
    out = ["---\nmodel_list:\n"]
    add = out.append
    for m in ctx["models"]:
        head = (m["model_name"], m["model"], m["api_base"], m["api_version"], tuple(m["auth"]), m["rpm"], m["tpm"])
        try:
            add(_entry_head(*head))
        except TypeError:  # a value that is no key (not from the project models): written uncached
            add(_entry_head.__wrapped__(*head))
        add(f"    model_info:\n      id: {yaml_str(m['id'])}\n      base_model: {yaml_str(m['base_model'])}\n")
    proxy = ctx["proxy"]
    add("\nrouter_settings:\n")
    add(f"  routing_strategy: {yaml_str(proxy['routing_strategy'])}\n")
    add(f"  num_retries: {int_literal(proxy['num_retries'])}\n")
    add(f"  timeout: {int_literal(proxy['timeout'])}\n")
    add(f"  allowed_fails: {int_literal(proxy['allowed_fails'])}\n")
    add(f"  cooldown_time: {int_literal(proxy['cooldown_time'])}\n")
    if ctx["fallbacks"]:
        add("  fallbacks:\n")
        for f in ctx["fallbacks"]:
            add(f"    - {yaml_str(f['alias'])}:\n")
            for to in f["to"]:
                add(f"        - {yaml_str(to)}\n")
    redis = proxy["redis"]
    if redis:
        add("  # Shared cooldowns and rate limits across the\n")
        add(f"  # {comment(str(len(proxy['instances'])))} proxy instances.\n")
        add(f"  redis_host: {yaml_str(redis['host'])}\n  redis_port: {int_literal(redis['port'])}\n")
        if redis["password"]:
            add(f"  redis_password: {yaml_str(redis['password'])}\n")
    add(f"\nlitellm_settings:\n  drop_params: {yaml_scalar(proxy['drop_params'])}\n")
    identity = ctx["identity"]
    if identity:
        add("  # Deployments without api_key get Entra ID tokens from the\n")
        add(f"  # {comment(str(identity['kind']).replace('_', ' '))} (AZURE_CREDENTIAL below).\n")
        add("  enable_azure_ad_token_refresh: true\n")
    obs = ctx["observability"]
    if obs["prometheus"]:
        add("  # Metrics on /metrics/ (needs the prometheus-client package\n  # in the proxy's environment).\n")
        add('  callbacks:\n    - "prometheus"\n')
        if not obs["metrics_auth"]:
            add("  require_auth_for_metrics_endpoint: false\n")
    if obs["json_logs"]:
        add("  json_logs: true\n")
    if not obs["log_content"]:
        add("  # Keep prompts and completions out of logging callbacks and\n  # error messages.\n")
        add("  turn_off_message_logging: true\n  redact_messages_in_exceptions: true\n")
    add(f"\ngeneral_settings:\n  master_key: {yaml_str(proxy['master_key'])}\n")
    if identity:
        add("\n# LiteLLM sets these in its own process environment when it loads\n# this file.\n")
        add(f"environment_variables:\n  AZURE_CREDENTIAL: {yaml_str(identity['credential'])}\n")
    return "".join(out)


@functools.lru_cache(maxsize=4096, typed=True)
def _entry_head(
    model_name: Any, model: Any, api_base: Any, api_version: Any, auth: tuple[tuple[Any, Any], ...], rpm: Any, tpm: Any
) -> str:
    """A model_list entry up to its model_info: the same in every environment that serves the
    deployment under the same name (only the id differs), so written once for all of them."""
    lines = [
        f"  - model_name: {yaml_str(model_name)}\n    litellm_params:\n",
        f"      model: {yaml_str(model)}\n      api_base: {yaml_str(api_base)}\n",
        f"      api_version: {yaml_str(api_version)}\n",
    ]
    lines += [f"      {ident(key)}: {yaml_str(ref)}\n" for key, ref in auth]
    if rpm is not None:
        lines.append(f"      rpm: {int_literal(rpm)}\n")
    if tpm is not None:
        lines.append(f"      tpm: {int_literal(tpm)}\n")
    return "".join(lines)


def prometheus(ctx: dict[str, Any]) -> str:
    obs = ctx["observability"]
    out = [
        "---\nscrape_configs:\n",
        f"  - job_name: {yaml_str('litellm-' + str(ctx['project']) + '-' + str(ctx['env']))}\n",
        "    # LiteLLM answers /metrics with a 307 to /metrics/: scrape the final path.\n",
        f"    metrics_path: {yaml_str(obs['metrics_path'])}\n",
        '    scheme: "http"\n',
    ]
    if obs["metrics_auth"]:
        out.append("    # /metrics needs the proxy's master key (or a virtual key):\n")
        out.append("    # read from a file, never written here.\n")
        out.append(f'    authorization:\n      type: "Bearer"\n      credentials_file: {yaml_str(obs["token_file"])}\n')
    out.append("    static_configs:\n      - targets:\n")
    for i in ctx["proxy"]["instances"]:
        out.append(f"          - {yaml_str(str(i['host']) + ':' + str(i['port']))}\n")
    out.append(f"        labels:\n          environment: {yaml_str(ctx['env'])}\n")
    return "".join(out)
