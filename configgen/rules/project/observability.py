"""Project rules about metrics and logging."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget


@rule("project-production-logs-content", Severity.WARNING, "a production environment logs message content", "project")
def production_logs_content(t: ProjectTarget) -> Iterator[Finding]:
    """In an environment marked `production: true`, prompts and completions should not reach logs.

    `observability.log_message_content: true` leaves LiteLLM's `turn_off_message_logging` and
    `redact_messages_in_exceptions` off (litellm/__init__.py), so logging callbacks and error messages
    carry message content; `log_level: detailed_debug` prints every request body sent to Azure
    (litellm/litellm_core_utils/litellm_logging.py, "POST Request Sent from LiteLLM").
    """
    for env in t.envs.values():
        m = env.model
        if not m.production or m.proxy is None:
            continue
        o = m.observability
        if o.log_message_content:
            yield t.env_finding(env, "project-production-logs-content", Severity.WARNING,
                                ("observability", "log_message_content"),
                                f"production environment {env.name} logs prompts and completions",
                                "set `observability.log_message_content: false`")
        if o.log_level == "detailed_debug":
            yield t.env_finding(env, "project-production-logs-content", Severity.WARNING,
                                ("observability", "log_level"),
                                f"production environment {env.name} runs the proxy with --detailed_debug, "
                                "which logs every request body", "use `log_level: info` (or `debug`)")


@rule("project-metrics-unauthenticated", Severity.INFO, "/metrics is served without authentication", "project")
def metrics_unauthenticated(t: ProjectTarget) -> Iterator[Finding]:
    """`observability.metrics_auth: false` renders `require_auth_for_metrics_endpoint: false`: anyone who
    reaches a proxy can read its metrics (model names, request counts, spend). Fine inside a private
    network; otherwise keep auth on and give Prometheus the token through `metrics_token_file`."""
    for env in t.envs.values():
        o = env.model.observability
        if env.model.proxy is not None and o.prometheus and not o.metrics_auth:
            yield t.env_finding(env, "project-metrics-unauthenticated", Severity.INFO,
                                ("observability", "metrics_auth"),
                                f"environment {env.name} serves /metrics without authentication",
                                "keep `metrics_auth: true` unless only the private network reaches the proxies")
