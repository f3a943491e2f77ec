"""Rules for a Prometheus scrape configuration checked together with the LiteLLM config it scrapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import BundleTarget

_AUTH_KEYS = ("authorization", "bearer_token", "bearer_token_file", "basic_auth", "oauth2")


def _jobs(target: BundleTarget) -> Iterator[tuple[Any, int, dict[str, Any]]]:
    for doc in target.prometheus:
        jobs = doc.data.get("scrape_configs") if isinstance(doc.data, dict) else None
        for i, job in enumerate(jobs if isinstance(jobs, list) else []):
            if isinstance(job, dict):
                yield doc, i, job


def _litellm_settings(doc: Any) -> dict[str, Any]:
    data = doc.data if isinstance(doc.data, dict) else {}
    settings = data.get("litellm_settings")
    return settings if isinstance(settings, dict) else {}


def _serves_metrics(settings: dict[str, Any]) -> bool:
    callbacks = [*(settings.get("callbacks") or []), *(settings.get("success_callback") or [])]
    return any(isinstance(c, str) and "prometheus" in c for c in callbacks)


@rule("bundle-metrics-auth-missing", Severity.ERROR, "Prometheus scrapes /metrics without the key it requires", "bundle")
def metrics_auth_missing(target: BundleTarget) -> Iterator[Finding]:
    """LiteLLM's /metrics needs a key unless `litellm_settings.require_auth_for_metrics_endpoint: false`
    (litellm/__init__.py default True; litellm/proxy/middleware/prometheus_auth_middleware.py): a scrape
    job without credentials gets 401 and the targets show as down. Give the job
    `authorization: {type: Bearer, credentials_file: ...}`.
    """
    needs_auth = [d for d in target.litellm if _serves_metrics(_litellm_settings(d))
                  and _litellm_settings(d).get("require_auth_for_metrics_endpoint") is not False]
    if not needs_auth:
        return
    for doc, i, job in _jobs(target):
        if not any(k in job for k in _AUTH_KEYS):
            yield doc.finding("bundle-metrics-auth-missing", Severity.ERROR, ("scrape_configs", i),
                              f"scrape job {job.get('job_name', i)!r} sends no credentials, but {needs_auth[0].file} "
                              "requires the master key on /metrics",
                              "add `authorization: {type: Bearer, credentials_file: /path/to/token}`, or set "
                              "`require_auth_for_metrics_endpoint: false` if only the private network reaches it")


@rule("bundle-metrics-not-enabled", Severity.WARNING, "Prometheus scrapes proxies that serve no metrics", "bundle")
def metrics_not_enabled(target: BundleTarget) -> Iterator[Finding]:
    """A scrape configuration given together with LiteLLM configs none of which enables the
    `prometheus` callback: the proxy then has no /metrics/ route with LiteLLM's counters
    (litellm/proxy/proxy_server.py mounts it only for the prometheus callback)."""
    if not target.litellm or any(_serves_metrics(_litellm_settings(d)) for d in target.litellm):
        return
    for doc, i, job in _jobs(target):
        yield doc.finding("bundle-metrics-not-enabled", Severity.WARNING, ("scrape_configs", i),
                          f"scrape job {job.get('job_name', i)!r}: no LiteLLM config given with it enables metrics",
                          'add `litellm_settings.callbacks: ["prometheus"]` (and install prometheus-client)')


@rule("bundle-metrics-inline-token", Severity.ERROR, "a scrape job has its bearer token written inline", "bundle")
def metrics_inline_token(target: BundleTarget) -> Iterator[Finding]:
    """The token for /metrics is the proxy's master key or a virtual key: a secret. Prometheus can read
    it from a file (`authorization.credentials_file`); written inline it ends up in version control."""
    for doc, i, job in _jobs(target):
        auth = job.get("authorization")
        inline: tuple[str, ...] = ("bearer_token",) if "bearer_token" in job else ()
        if isinstance(auth, dict) and "credentials" in auth:
            inline = ("authorization", "credentials")
        if inline:
            yield doc.finding("bundle-metrics-inline-token", Severity.ERROR, ("scrape_configs", i, *inline),
                              "the bearer token for /metrics is written in the file",
                              "use `authorization: {type: Bearer, credentials_file: /path/to/token}`", key=True)
