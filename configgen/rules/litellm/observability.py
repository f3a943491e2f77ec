"""LiteLLM config rules about metrics and logging."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.litellm.common import section
from configgen.rules.registry import rule
from configgen.rules.targets import LiteLLMTarget


@rule("litellm-prometheus-package", Severity.INFO, "Prometheus metrics need prometheus-client installed", "litellm")
def prometheus_package(t: LiteLLMTarget) -> Iterator[Finding]:
    """The `prometheus` callback imports `prometheus_client` (litellm/integrations/prometheus.py), which
    the litellm package does not install: without it the proxy fails to load the callback. Install
    `prometheus-client` in the proxy's environment. With `--num_workers` > 1 LiteLLM sets up
    PROMETHEUS_MULTIPROC_DIR itself (litellm/proxy/proxy_cli.py)."""
    data = t.doc.data if isinstance(t.doc.data, dict) else {}
    settings = data.get("litellm_settings")
    if not isinstance(settings, dict):
        return
    for key in ("callbacks", "success_callback"):
        values = settings.get(key)
        for i, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, str) and value.startswith("prometheus"):
                yield t.doc.finding("litellm-prometheus-package", Severity.INFO, ("litellm_settings", key, i),
                                    "the prometheus callback needs the prometheus-client package",
                                    "pip install prometheus-client in the proxy's environment")


@rule(
    "litellm-set-verbose",
    Severity.WARNING,
    "litellm_settings.set_verbose is deprecated and prints unredacted debug output",
    "litellm",
)
def set_verbose(target: LiteLLMTarget) -> Iterator[Finding]:
    """`set_verbose: True` is deprecated (`litellm/_logging.py`: "Please set
    os.environ['LITELLM_LOG'] = 'DEBUG'"). Set through `litellm_settings` it still makes several code
    paths `print()` their debug statements to stdout — `print_verbose` in `litellm/main.py`,
    `litellm/utils.py` and `litellm/litellm_core_utils/streaming_handler.py` — without the secret
    redaction the logger applies, so requests and provider details land in the service log. Remove it;
    use `LITELLM_LOG=DEBUG` temporarily when debugging.
    """
    doc = target.doc
    ls = section(doc, "litellm_settings") or {}
    value = ls.get("set_verbose")
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        yield doc.finding(
            "litellm-set-verbose",
            Severity.WARNING,
            ("litellm_settings", "set_verbose"),
            "set_verbose is deprecated and prints debug output to stdout without redaction",
            "remove it; set LITELLM_LOG=DEBUG in the environment while debugging",
            key=True,
        )
