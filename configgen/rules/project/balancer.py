"""Project rules: a `balancer:` that the chosen balancer can actually load and run for LiteLLM."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import ProjectTarget

#: A streamed completion can be silent for minutes (see balancer-timeout-short).
MIN_STREAM_SECONDS = 300
#: Azure VNets use RFC 1918 space and, since 2023, the shared 100.64.0.0/10 block.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _private_v4(host: str) -> bool:
    ip = _ip(host)
    return isinstance(ip, ipaddress.IPv4Address) and (
        (ip.is_private and not ip.is_loopback and not ip.is_link_local and not ip.is_unspecified) or ip in _CGNAT
    )


def _balanced(t: ProjectTarget, kind: str | None = None) -> Iterator[tuple[Any, Any]]:
    """(env view, balancer) for environments with a balancer (of ``kind``) in front of proxies."""
    for env in t.envs.values():
        b = env.model.balancer
        if b is not None and env.model.proxy is not None and (kind is None or b.kind == kind):
            yield env, b


@rule(
    "project-balancer-tls-key", Severity.ERROR, "HAProxy cannot find the TLS key where the project puts it", "project"
)
def tls_key(t: ProjectTarget) -> Iterator[Finding]:
    """HAProxy 2.6 `bind ... ssl crt FILE` reads the certificate and the key from FILE, or the key
    from `FILE.key` beside it (`ssl-load-extra-files`, default `all`; configuration.txt `crt`).
    Checked with the real `haproxy -c`: with `crt litellm.crt` and the key in `litellm.key` it fails
    with "No Private Key found in 'litellm.crt.key'". So `tls.key` must be the cert file itself
    (one PEM with both) or `<cert>.key`."""
    for env, b in _balanced(t, "haproxy"):
        tls = b.tls
        if tls is not None and tls.key not in (tls.cert, tls.cert + ".key"):
            yield t.env_finding(
                env,
                "project-balancer-tls-key",
                Severity.ERROR,
                ("balancer", "tls", "key"),
                f"HAProxy reads the key from {tls.cert} or {tls.cert}.key, not {tls.key}",
                f"concatenate certificate and key into one PEM (cert and key: that file), "
                f"or set key: {tls.cert}.key and put it there",
            )


@rule("project-balancer-azure-ports", Severity.ERROR, "an Azure LB in front of proxies on different ports", "project")
def azure_ports(t: ProjectTarget) -> Iterator[Finding]:
    """An Azure Load Balancer rule maps one frontend port to one `backendPort` for the whole backend
    pool (Microsoft.Network/loadBalancers loadBalancingRules), and the probe checks one port: every
    proxy instance must listen on the same port."""
    for env, _ in _balanced(t, "azure"):
        instances = env.model.proxy.instances
        first = instances[0].port
        for i, inst in enumerate(instances):
            if inst.port != first:
                yield t.env_finding(
                    env,
                    "project-balancer-azure-ports",
                    Severity.ERROR,
                    ("proxy", "instances", i, "port"),
                    f"proxy instance {i + 1} listens on {inst.port}, instance 1 on {first}: "
                    "an Azure Load Balancer rule has one backend port",
                    f"run every instance on port {first}",
                )


@rule(
    "project-balancer-azure-host",
    Severity.ERROR,
    "an internal Azure LB frontend that is not a private IPv4 address",
    "project",
)
def azure_host(t: ProjectTarget) -> Iterator[Finding]:
    """configgen renders an internal Standard Load Balancer whose frontend is a static
    `privateIPAddress` in the proxies' subnet: `balancer.host` must be a private IPv4 address of that
    subnet (a hostname or public address is refused by Azure at deployment)."""
    for env, b in _balanced(t, "azure"):
        host = b.host
        if not _private_v4(host):
            yield t.env_finding(
                env,
                "project-balancer-azure-host",
                Severity.ERROR,
                ("balancer", "host"),
                f"Azure LB frontend `{host}` is not a private IPv4 address",
                "give a free private IP of the proxies' subnet, e.g. 10.30.1.100",
            )


@rule(
    "project-balancer-azure-backends", Severity.ERROR, "Azure LB backends that are not private IP addresses", "project"
)
def azure_backends(t: ProjectTarget) -> Iterator[Finding]:
    """The rendered backend pool lists instances by IP (`loadBalancerBackendAddresses[].ipAddress`
    in the VNet): a hostname cannot be used there, and a loopback or public address is not an
    instance in the VNet."""
    for env, _ in _balanced(t, "azure"):
        for i, inst in enumerate(env.model.proxy.instances):
            if not _private_v4(inst.host):
                yield t.env_finding(
                    env,
                    "project-balancer-azure-backends",
                    Severity.ERROR,
                    ("proxy", "instances", i, "host"),
                    f"proxy instance `{inst.host}` is not a private IPv4 address in the VNet",
                    "give the instance's private IP address",
                )


@rule("project-balancer-azure-tls", Severity.ERROR, "TLS on an Azure Load Balancer", "project")
def azure_tls(t: ProjectTarget) -> Iterator[Finding]:
    """Azure Load Balancer works at layer 4 and cannot terminate TLS; with `tls:` the app's
    LITELLM_API_BASE would be `https://` while the LiteLLM proxies behind it speak plain HTTP. Use
    nginx or HAProxy (or Application Gateway) for TLS."""
    for env, b in _balanced(t, "azure"):
        if b.tls is not None:
            yield t.env_finding(
                env,
                "project-balancer-azure-tls",
                Severity.ERROR,
                ("balancer", "tls"),
                "an Azure Load Balancer cannot terminate TLS",
                "remove `tls:` or use kind: nginx / haproxy",
                key=True,
            )


@rule("project-balancer-timeout", Severity.WARNING, "the balancer gives up before LiteLLM does", "project")
def balancer_timeout(t: ProjectTarget) -> Iterator[Finding]:
    """`balancer.read_timeout` is how long the balancer waits for (streamed) response data; a
    completion can be silent for minutes before its first token. Below 300 s, or below the proxy's own
    `proxy.timeout` (LiteLLM `router_settings.timeout`), the balancer cuts requests LiteLLM is still
    allowed to serve: the app sees 504 while the tokens are billed."""
    for env, b in _balanced(t):
        read = b.read_timeout
        proxy_timeout = env.model.proxy.timeout
        if read < MIN_STREAM_SECONDS or read < proxy_timeout:
            yield t.env_finding(
                env,
                "project-balancer-timeout",
                Severity.WARNING,
                ("balancer", "read_timeout"),
                f"balancer read_timeout {read} s is shorter than "
                + (f"proxy.timeout {proxy_timeout} s" if read < proxy_timeout else "a long completion needs"),
                f"set balancer.read_timeout to at least {max(MIN_STREAM_SECONDS, proxy_timeout)}",
            )
