"""Balancer rules: the snippet can be read, and probes the proxies where LiteLLM answers without a key."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.balancer.common import LIVENESS, READINESS, haproxy_setting, sections, servers_of
from configgen.rules.registry import rule
from configgen.rules.targets import BalancerTarget


@rule("balancer-syntax", Severity.ERROR, "the snippet cannot be read", "balancer")
def syntax(t: BalancerTarget) -> Iterator[Finding]:
    """An unbalanced brace or bracket, an unterminated quote, an nginx directive without its `;`, or an
    address that is not `HOST:PORT`. nginx (`nginx -t`), HAProxy (`haproxy -c`) and Bicep refuse such a
    file; configgen reports where and still checks what it could read."""
    yield from t.doc.problems


@rule("balancer-probe-path", Severity.ERROR, "the health probe is not /health/liveliness", "balancer")
def probe_path(t: BalancerTarget) -> Iterator[Finding]:
    """Probe LiteLLM on `/health/liveliness` (or `/health/readiness`): they need no key and do not
    call Azure (litellm/proxy/health_endpoints/_health_endpoints.py). `/health` needs the master key
    (a probe without it gets 401 and takes every instance out), calls every deployment for real on
    every probe, and answers 200 even when most are unhealthy (FACTS.md): an error. Any other path is
    a warning: `/` answers 200 from the docs page even when the proxy cannot serve. Probes read:
    HAProxy `option httpchk` / `http-check send uri`, nginx Plus `health_check uri=`, Azure LB
    `probes[].properties.requestPath`."""
    for p in t.doc.probes:
        if p.path is None:
            continue
        path = p.path.split("?", 1)[0].rstrip("/") or "/"
        if path == "/health":
            yield t.doc.finding(
                "balancer-probe-path",
                Severity.ERROR,
                p,
                "the health probe calls /health: it needs the master key and calls every Azure deployment",
                f"probe {LIVENESS} (no key, no Azure call)",
            )
        elif path not in (LIVENESS, READINESS):
            yield t.doc.finding(
                "balancer-probe-path",
                Severity.WARNING,
                p,
                f"the health probe calls {p.path}, which does not tell whether LiteLLM is up",
                f"probe {LIVENESS}",
            )


@rule("balancer-probe-missing", Severity.WARNING, "proxies are not health-checked over HTTP", "balancer")
def probe_missing(t: BalancerTarget) -> Iterator[Finding]:
    """Without an active check the balancer keeps sending requests to a stopped or wedged proxy until
    they fail. HAProxy checks a server only when its line says `check` (configuration.txt 5.2), and
    over HTTP only with `option httpchk`; an Azure Load Balancer rule needs a `probe` (an HTTP one on
    `/health/liveliness`: a TCP probe succeeds as soon as uvicorn accepts the connection). Open-source
    nginx has no active checks (`health_check` is nginx Plus): not reported for nginx."""
    doc = t.doc
    if doc.kind == "haproxy":
        for section in sections(doc, ("backend", "listen")):
            servers = servers_of(doc, section)
            for s in servers:
                if not s.check:
                    yield doc.finding(
                        "balancer-probe-missing",
                        Severity.WARNING,
                        s,
                        f"server {s.name} has no `check`: HAProxy never probes it",
                        "add `check` to the server line",
                    )
            if any(s.check for s in servers) and haproxy_setting(doc, section, "option", "httpchk") is None:
                yield doc.finding(
                    "balancer-probe-missing",
                    Severity.WARNING,
                    section,
                    f"backend {' '.join(section.args[:1])} checks only that the port accepts TCP",
                    f"add `option httpchk` and `http-check send meth GET uri {LIVENESS}`",
                )
    elif doc.kind == "bicep":
        for d in doc.find("loadBalancingRules"):
            rules = [r for r in doc.find("frontendPort") if r.line > d.line]
            if rules and not doc.find("probe"):
                yield doc.finding(
                    "balancer-probe-missing",
                    Severity.WARNING,
                    rules[0],
                    "the load-balancing rule has no health probe",
                    f"add an Http probe on {LIVENESS}",
                )
        for p in doc.probes:
            if p.path is None:
                yield doc.finding(
                    "balancer-probe-missing",
                    Severity.WARNING,
                    p,
                    "a Tcp probe only sees that the port accepts connections",
                    f"use protocol: 'Http' with requestPath: '{LIVENESS}'",
                )
