"""LiteLLM config rules about metrics."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
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
