"""Balancer rules: a dead proxy is retried on the next one, and a completion is never sent twice."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.balancer.common import haproxy_setting, nginx_effective, proxy_passes, sections, servers_of, upstream_size
from configgen.rules.registry import rule
from configgen.rules.targets import BalancerTarget


@rule(
    "balancer-retry-missing",
    Severity.WARNING,
    "a request is not retried on the next proxy after a connection error",
    "balancer",
)
def retry_missing(t: BalancerTarget) -> Iterator[Finding]:
    """When a proxy is down (restart, crash, scale-in) the balancer should send the request to the
    next one: it was not sent, so nothing runs twice. nginx does so for `proxy_next_upstream error
    timeout` (the default) unless it is `off`, `proxy_next_upstream_tries 1`, or
    `proxy_next_upstream_timeout` is no longer than `proxy_connect_timeout` (the clock starts with the
    first attempt, so a retry after a connect timeout never happens). HAProxy retries a failed
    connection `retries` times (default 3) but on the same server unless `option redispatch` is set
    (configuration.txt: option redispatch, retries, retry-on); `retry-on none` or `retries 0` disable
    it. Checked where several servers share an upstream/backend."""
    from configgen.load.balancer.units import nginx_seconds  # here: the balancer readers load with it

    doc = t.doc
    if doc.kind == "nginx":
        for pp in proxy_passes(doc):
            if upstream_size(doc, pp) < 2:
                continue
            nu = nginx_effective(doc, pp, "proxy_next_upstream")
            tries = nginx_effective(doc, pp, "proxy_next_upstream_tries")
            limit = nginx_effective(doc, pp, "proxy_next_upstream_timeout")
            connect = nginx_effective(doc, pp, "proxy_connect_timeout")
            if nu is not None and ("off" in nu.args or "error" not in nu.args):
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    nu,
                    "proxy_next_upstream does not include `error`: a request to a stopped proxy fails",
                    "use `proxy_next_upstream error timeout;`",
                )
            if tries is not None and tries.args[:1] == ("1",):
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    tries,
                    "proxy_next_upstream_tries 1 allows no second attempt",
                    "set it to the number of proxies",
                )
            limit_s = nginx_seconds(limit.args[0]) if limit is not None and limit.args else 0
            connect_s = nginx_seconds(connect.args[0]) if connect is not None and connect.args else 60.0
            if limit is not None and limit_s and connect_s is not None and limit_s <= connect_s:
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    limit,
                    f"proxy_next_upstream_timeout {limit.args[0]} is not longer than the connect timeout: "
                    "after a connect timeout no other proxy is tried",
                    "make it the connect timeout times the number of proxies, or remove it",
                )
    elif doc.kind == "haproxy":
        for section in sections(doc, ("backend", "listen")):
            if len(servers_of(doc, section)) < 2:
                continue
            retries = haproxy_setting(doc, section, "retries")
            retry_on = haproxy_setting(doc, section, "retry-on")
            if retries is not None and retries.args[:1] == ("0",):
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    retries,
                    "retries 0: a request to a stopped proxy fails instead of going to the next",
                    "use `retries 2` with `option redispatch 1`",
                )
            elif (
                retry_on is not None
                and "conn-failure" not in retry_on.args
                and "all-retryable-errors" not in retry_on.args
            ):
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    retry_on,
                    "retry-on without conn-failure: a failed connection is not retried",
                    "use `retry-on conn-failure`",
                )
            elif haproxy_setting(doc, section, "option", "redispatch") is None:
                yield doc.finding(
                    "balancer-retry-missing",
                    Severity.WARNING,
                    section,
                    f"backend {' '.join(section.args[:1])} retries a failed connection on the same server",
                    "add `option redispatch 1` so the retry goes to another proxy",
                )


@rule("balancer-retry-replays", Severity.WARNING, "the balancer may send a completion twice", "balancer")
def retry_replays(t: BalancerTarget) -> Iterator[Finding]:
    """A completion that reached a proxy may have run (and been billed) even when the answer was lost.
    nginx's `non_idempotent` in `proxy_next_upstream` resends POSTs after they were sent; HAProxy's
    `retry-on` with `empty-response`, `response-timeout`, `junk-response`, status codes or
    `all-retryable-errors` replays a request already sent ("very dangerous" without replay
    protection, HAProxy configuration.txt retry-on). LiteLLM itself already retries and falls back
    across deployments (`num_retries`, `fallbacks`): retry at the balancer only on connection
    failures."""
    doc = t.doc
    if doc.kind == "nginx":
        for d in doc.find("proxy_next_upstream"):
            if "non_idempotent" in d.args:
                yield doc.finding(
                    "balancer-retry-replays",
                    Severity.WARNING,
                    d,
                    "proxy_next_upstream non_idempotent resends a completion that may already have run",
                    "remove non_idempotent; LiteLLM retries deployments itself",
                )
    elif doc.kind == "haproxy":
        safe = {"conn-failure", "none", "0rtt-rejected"}
        for d in doc.find("retry-on"):
            risky = [a for a in d.args if a not in safe]
            if risky:
                yield doc.finding(
                    "balancer-retry-replays",
                    Severity.WARNING,
                    d,
                    f"retry-on {' '.join(risky)} replays a completion that may already have run",
                    "use `retry-on conn-failure`; LiteLLM retries deployments itself",
                )
