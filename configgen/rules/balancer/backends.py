"""Balancer rules: listen addresses and backend servers make sense for LiteLLM proxies."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.balancer.common import sections, servers_of
from configgen.rules.registry import rule
from configgen.rules.targets import BalancerTarget


@rule("balancer-plain-http-443", Severity.WARNING, "plain HTTP on port 443", "balancer")
def plain_443(t: BalancerTarget) -> Iterator[Finding]:
    """Port 443 means HTTPS to every client: an `https://` LITELLM_API_BASE fails the TLS handshake
    against a plain-HTTP listener, and an `http://...:443` one is a trap. nginx needs `listen 443 ssl`
    with `ssl_certificate`/`ssl_certificate_key`; HAProxy `bind :443 ssl crt FILE.pem`."""
    if t.doc.kind == "bicep":
        return
    for a in t.doc.listens:
        if a.port == 443 and not a.tls:
            yield t.doc.finding(
                "balancer-plain-http-443",
                Severity.WARNING,
                a,
                "listens on 443 without TLS",
                "add `ssl` and a certificate, or listen on another port",
            )


@rule("balancer-backend-port", Severity.WARNING, "a backend server without a port", "balancer")
def backend_port(t: BalancerTarget) -> Iterator[Finding]:
    """A server written without a port gets nginx's 80 (ngx_http_upstream_module `server`), HAProxy's
    port of the connection the client made, and no port at all in an Azure LB without backendPort.
    LiteLLM listens on 4000 unless started with `--port` (litellm/proxy/proxy_cli.py)."""
    for s in t.doc.servers:
        if s.port is None:
            yield t.doc.finding(
                "balancer-backend-port",
                Severity.WARNING,
                s,
                f"backend {s.host} has no port: LiteLLM listens on 4000 by default",
                f"write {s.host}:4000",
            )


@rule("balancer-no-backends", Severity.ERROR, "an upstream or backend with no servers", "balancer")
def no_backends(t: BalancerTarget) -> Iterator[Finding]:
    """An nginx `upstream` or HAProxy `backend` without `server` lines answers every request with
    502/503; nginx refuses such an upstream at start (`no servers are inside upstream`)."""
    doc = t.doc
    if doc.kind == "nginx":
        for d in doc.find("upstream"):
            name = d.args[0] if d.args else ""
            if not any(s.group == name for s in doc.servers):
                yield doc.finding(
                    "balancer-no-backends",
                    Severity.ERROR,
                    d,
                    f"upstream {name} has no server",
                    "add `server HOST:4000;` for every LiteLLM instance",
                )
    elif doc.kind == "haproxy":
        for section in sections(doc, ("backend",)):
            if not servers_of(doc, section):
                yield doc.finding(
                    "balancer-no-backends",
                    Severity.ERROR,
                    section,
                    f"backend {' '.join(section.args[:1])} has no server",
                    "add `server NAME HOST:4000 check` for every LiteLLM instance",
                )
    elif doc.kind == "bicep" and doc.find("backendAddressPools") and not doc.servers:
        pool = doc.find("backendAddressPools")[0]
        yield doc.finding(
            "balancer-no-backends",
            Severity.ERROR,
            pool,
            "the backend pool has no addresses",
            "list every LiteLLM instance's IP in loadBalancerBackendAddresses",
        )


def _same_host(a: str, b: str) -> bool:
    if a in ("*", "", "0.0.0.0", "[::]"):
        try:
            return b == "localhost" or ipaddress.ip_address(b.strip("[]")).is_loopback or b == a
        except ValueError:
            return False
    return a == b


@rule("balancer-backend-loop", Severity.ERROR, "a backend server is the balancer itself", "balancer")
def backend_loop(t: BalancerTarget) -> Iterator[Finding]:
    """A server at the address and port the balancer itself listens on sends every request back to
    the balancer, which forwards it again until connections or workers run out."""
    for s in t.doc.servers:
        for a in t.doc.listens:
            if s.port is not None and s.port == a.port and _same_host(a.host, s.host):
                yield t.doc.finding(
                    "balancer-backend-loop",
                    Severity.ERROR,
                    s,
                    f"backend {s.host}:{s.port} is the balancer's own listener",
                    "point it at a LiteLLM instance's port",
                )
