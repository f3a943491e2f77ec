"""Bundle rules: a .env given together with balancer snippets must send the app through the balancer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.rules.registry import rule
from configgen.rules.targets import BundleTarget

if TYPE_CHECKING:  # only for types: a LiteLLM file alone never imports the balancer reader
    from configgen.load.balancer.document import Address, BalancerDocument

_WILDCARD = {"*", "", "0.0.0.0", "[::]", "::"}


def _listens(balancers: tuple[BalancerDocument, ...]) -> list[Address]:
    return [a for b in balancers for a in b.listens if a.port is not None]


def _where(a: Address, balancers: tuple[BalancerDocument, ...]) -> str:
    """A listener as the app would reach it: its address, else the snippet's nginx `server_name`, else a
    placeholder that says what to fill in (a wildcard listen says nothing about the host)."""
    if a.host not in _WILDCARD:
        return a.host
    names = [d.args[0] for b in balancers for d in b.find("server_name") if d.args and d.args[0] not in ("_", "")]
    return names[0] if names else "<balancer-host>"


@rule(
    "balancer-api-base-mismatch",
    Severity.ERROR,
    "LITELLM_API_BASE does not point at the balancer given with it",
    "bundle",
)
def api_base_mismatch(t: BundleTarget) -> Iterator[Finding]:
    """With a balancer in front of several proxies, the app's `LITELLM_API_BASE` must use the port
    (and scheme) the balancer listens on: pointing at one proxy instance bypasses the balancer (no
    failover, one instance takes all traffic); another port reaches nothing; `http://` to a TLS
    listener (or `https://` to a plain one) fails at the handshake. Listeners read: nginx `listen`
    (`ssl` = https), HAProxy `bind` (`ssl crt` = https), Azure LB rule `frontendPort` at the frontend's
    `privateIPAddress`. Checked when a .env and balancer snippets are given together."""
    listens = _listens(t.balancers)
    if not listens:
        return
    servers = [s for b in t.balancers for s in b.servers]
    for doc in t.dotenv:
        entry = doc.get("LITELLM_API_BASE")
        if entry is None or not entry.value or entry.value.startswith("${"):
            continue
        try:
            url = urlsplit(entry.value.strip())
            port = url.port or (443 if url.scheme == "https" else 80)
        except ValueError:
            continue
        host = url.hostname or ""
        if url.scheme not in ("http", "https") or not host:
            continue
        tls = url.scheme == "https"

        def host_ok(a: Address, host: str = host) -> bool:
            return a.host in _WILDCARD or a.host.strip("[]") == host

        if any(a.port == port and host_ok(a) and a.tls == tls for a in listens):
            continue
        direct = [s for s in servers if s.host == host and s.port == port]
        wanted = ", ".join(sorted({f"{'https' if a.tls else 'http'}://{_where(a, t.balancers)}:{a.port}" for a in listens}))
        if direct:
            message = (
                f"LITELLM_API_BASE `{entry.value}` is a proxy instance behind the balancer: it bypasses the balancer"
            )
        elif any(a.port == port and host_ok(a) for a in listens):
            message = f"LITELLM_API_BASE `{entry.value}` uses {url.scheme} but the balancer on port {port} " + (
                "does not terminate TLS" if tls else "expects TLS"
            )
        else:
            message = f"LITELLM_API_BASE `{entry.value}` does not reach the balancer (it listens on {wanted})"
        yield doc.finding(
            "balancer-api-base-mismatch",
            Severity.ERROR,
            entry,
            message,
            f"point LITELLM_API_BASE at the balancer: {wanted}",
            on_value=True,
        )
