"""Rules for scripts and systemd units that start the LiteLLM proxy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ScriptTarget

if TYPE_CHECKING:  # only for types: a LiteLLM file alone never imports the script reader
    from configgen.load.script import LitellmCommand, Option, ScriptDocument


def _at(doc: ScriptDocument, rule_id: str, severity: Severity, where: LitellmCommand | Option, message: str,
        hint: str) -> Finding:
    return Finding(rule_id, severity, message, hint, doc.file, where.line, where.column, ())


@rule("script-telemetry-flag", Severity.ERROR, "`--telemetry` does not enable Prometheus", "script")
def telemetry_flag(t: ScriptTarget) -> Iterator[Finding]:
    """The seed's advice `litellm --telemetry prometheus` does not enable metrics.

    In LiteLLM 1.110.2 `--telemetry` is a hidden, deprecated no-op of type bool
    (litellm/proxy/proxy_cli.py: "Deprecated no-op kept so existing start commands still parse"):
    `--telemetry prometheus` makes the proxy refuse to start ("'prometheus' is not a valid boolean",
    exit 2), and `--telemetry true` starts it without metrics. Prometheus is enabled by
    `litellm_settings.callbacks: ["prometheus"]` (with the prometheus-client package installed);
    in a configgen project, `observability.prometheus: true`.
    """
    for cmd in t.doc.commands:
        opt = cmd.get("--telemetry")
        if opt is not None:
            fatal = opt.value is not None and opt.value.lower() not in ("", "0", "1", "f", "false", "n", "no", "off",
                                                                        "on", "t", "true", "y", "yes")
            yield _at(t.doc, "script-telemetry-flag", Severity.ERROR, opt,
                      "`--telemetry " + (opt.value or "") + "`: "
                      + ("the proxy refuses to start (not a boolean)" if fatal else "a no-op; no metrics are served"),
                      "remove it and set `litellm_settings.callbacks: [\"prometheus\"]` in the config "
                      "(configgen: `observability.prometheus: true`)")


@rule("script-detailed-debug", Severity.WARNING, "the proxy logs every request body", "script")
def detailed_debug(t: ScriptTarget) -> Iterator[Finding]:
    """`--detailed_debug` sets LiteLLM's loggers to DEBUG, which prints each request sent to Azure as a
    curl command including the messages (litellm/litellm_core_utils/litellm_logging.py,
    `_print_llm_call_debugging_log`): prompts and completions end up in the logs. Use it to debug,
    not in a service definition."""
    for cmd in t.doc.commands:
        opt = cmd.get("--detailed_debug")
        if opt is not None:
            yield _at(t.doc, "script-detailed-debug", Severity.WARNING, opt,
                      "`--detailed_debug` logs every request body (prompts included)",
                      "remove it from the start command; set LITELLM_LOG=DEBUG temporarily when debugging")


@rule("script-no-config", Severity.ERROR, "the proxy is started without --config", "script")
def no_config(t: ScriptTarget) -> Iterator[Finding]:
    """Without `--config` the proxy serves no model_list, no master key and no router settings
    (litellm/proxy/proxy_cli.py): every request fails. Pass `--config litellm.config.yaml`."""
    for cmd in t.doc.commands:
        if cmd.get("--config") is None and cmd.get("-c") is None and cmd.get("--model") is None:
            yield _at(t.doc, "script-no-config", Severity.ERROR, cmd, "`litellm` is started without `--config`",
                      "add `--config /path/to/litellm.config.yaml`")


@rule("script-host-all-interfaces", Severity.INFO, "the proxy listens on every interface", "script")
def host_all_interfaces(t: ScriptTarget) -> Iterator[Finding]:
    """LiteLLM's default `--host` is 0.0.0.0 (litellm/proxy/proxy_cli.py): the proxy is reachable on
    every interface of the machine. Behind a load balancer, bind it to the address the balancer uses."""
    for cmd in t.doc.commands:
        host = cmd.get("--host")
        if host is None or host.value == "0.0.0.0":
            where: LitellmCommand | Option = host if host is not None else cmd
            yield _at(t.doc, "script-host-all-interfaces", Severity.INFO, where,
                      "the proxy listens on 0.0.0.0 (all interfaces)",
                      "pass `--host <private address>` so only the balancer and the VNet reach it")
