"""Balancer rules: is one nginx / HAProxy / Azure LB snippet right for a LiteLLM proxy?

Directive semantics relied on (checked against the installed nginx 1.22 and HAProxy 2.6, and their
reference manuals: nginx.org/en/docs/http/ngx_http_proxy_module.html, ngx_http_core_module.html,
ngx_http_upstream_module.html; HAProxy 2.6 configuration.txt):
- nginx inherits a directive from http to server to location unless the inner block sets it; times
  without a unit are seconds, sizes without a unit bytes.
- HAProxy times without a unit are milliseconds (`timeout server 600` is 0.6 s).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from configgen.balancer_files import Address, BalancerDocument, Directive
from configgen.findings import Finding, Severity
from configgen.rules.base import BalancerTarget, rule

LIVENESS = "/health/liveliness"
READINESS = "/health/readiness"
#: A streamed completion from a reasoning model can be silent for minutes before its first token.
MIN_STREAM_SECONDS = 300
#: A full 1,047,576-token gpt-4.1 prompt (litellm model_prices: azure/gpt-4.1 max_input_tokens) is
#: about 4 MB of text at ~4 characters per token, before JSON escaping and base64 images.
MIN_BODY_BYTES = 8 * 1024 * 1024

_NGINX_TIME = {"ms": 0.001, "": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}
_HAPROXY_TIME = {"us": 0.000001, "": 0.001, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def nginx_seconds(text: str) -> float | None:
    """nginx time (`90`, `10s`, `1m30s`, `500ms`); no unit = seconds (ngx_parse_time)."""
    parts = re.findall(r"(\d+)(ms|[smhdwMy]?)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        return None
    return sum(int(n) * _NGINX_TIME[u] for n, u in parts)


def haproxy_seconds(text: str) -> float | None:
    """HAProxy time (`600s`, `10m`, `50000`); no unit = milliseconds (configuration.txt 2.5)."""
    m = re.fullmatch(r"(\d+)(us|ms|s|m|h|d)?", text)
    return int(m.group(1)) * _HAPROXY_TIME[m.group(2) or ""] if m else None


def nginx_bytes(text: str) -> int | None:
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    return int(m.group(1)) * _SIZE[m.group(2).lower()] if m else None


def _fmt_seconds(s: float) -> str:
    return f"{s:g} s" if s >= 1 else f"{s * 1000:g} ms"


# --- nginx helpers ----------------------------------------------------------------------------------


def _is_probe_location(d: Directive) -> bool:
    loc = d.within("location")
    return loc is not None and loc[-1] in (LIVENESS, READINESS)


def _proxy_passes(doc: BalancerDocument) -> list[Directive]:
    """Every `proxy_pass` that carries API traffic (the probe locations are left out)."""
    return [d for d in doc.find("proxy_pass") if not _is_probe_location(d)]


def nginx_effective(doc: BalancerDocument, at: Directive, name: str) -> Directive | None:
    """The `name` directive in effect where `at` is: the innermost enclosing block that sets it."""
    best: Directive | None = None
    for d in doc.find(name):
        n = len(d.context)
        if d.context == at.context[:n] and (best is None or n > len(best.context)):
            best = d
    return best


def _upstream_size(doc: BalancerDocument, proxy_pass: Directive) -> int:
    target = proxy_pass.args[0] if proxy_pass.args else ""
    name = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0]
    return sum(1 for s in doc.servers if s.group == name)


# --- HAProxy helpers --------------------------------------------------------------------------------


def _sections(doc: BalancerDocument, kinds: tuple[str, ...]) -> list[Directive]:
    return [d for d in doc.directives if not d.context and d.name in kinds]


def _in_section(doc: BalancerDocument, section: Directive) -> list[Directive]:
    key = (section.name, *section.args[:1])
    return [d for d in doc.directives if d.context == (key,)]


def haproxy_setting(doc: BalancerDocument, section: Directive, *words: str) -> Directive | None:
    """The last `words...` line in `section`, else in the `defaults` section before it (HAProxy order)."""

    def match(d: Directive) -> bool:
        return (d.name, *d.args[: len(words) - 1]) == words

    for d in reversed(_in_section(doc, section)):
        if match(d):
            return d
    for defaults in reversed([s for s in _sections(doc, ("defaults",)) if s.line < section.line]):
        for d in reversed(_in_section(doc, defaults)):
            if match(d):
                return d
    return None


def _servers_of(doc: BalancerDocument, section: Directive) -> list[Address]:
    name = section.args[0] if section.args else ""
    return [s for s in doc.servers if s.group == name and s.line > section.line]


# --- rules ------------------------------------------------------------------------------------------


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
        for section in _sections(doc, ("backend", "listen")):
            servers = _servers_of(doc, section)
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


@rule("balancer-timeout-short", Severity.WARNING, "a read timeout shorter than a streamed completion needs", "balancer")
def timeout_short(t: BalancerTarget) -> Iterator[Finding]:
    """A completion can take minutes: a non-streamed one sends nothing until the model is done, and a
    reasoning model can think for minutes before its first streamed token. A balancer that gives up
    sooner cuts the answer (nginx 504, HAProxy 504, Azure LB a TCP reset). Reported below 300 s:
    nginx `proxy_read_timeout` (default 60 s), HAProxy `timeout server`/`timeout client` (missing in
    the snippet means the `defaults` of haproxy.cfg apply: Debian's default file sets 50 s; a number
    without unit is milliseconds), Azure LB `idleTimeoutInMinutes` (default 4)."""
    doc = t.doc
    if doc.kind == "nginx":
        for pp in _proxy_passes(doc):
            d = nginx_effective(doc, pp, "proxy_read_timeout")
            secs = nginx_seconds(d.args[0]) if d is not None and d.args else 60.0
            if secs is not None and secs < MIN_STREAM_SECONDS:
                yield doc.finding(
                    "balancer-timeout-short",
                    Severity.WARNING,
                    d or pp,
                    f"proxy_read_timeout is {_fmt_seconds(secs)}"
                    + ("" if d else " (nginx default)")
                    + ": long completions are cut with 504",
                    "set `proxy_read_timeout 600s;` where the proxy_pass is",
                )
    elif doc.kind == "haproxy":
        checks = (("backend", "server"), ("listen", "server"), ("frontend", "client"), ("listen", "client"))
        for kind, which in checks:
            for section in _sections(doc, (kind,)):
                d = haproxy_setting(doc, section, "timeout", which)
                if d is None:
                    yield doc.finding(
                        "balancer-timeout-short",
                        Severity.WARNING,
                        section,
                        f"{kind} {' '.join(section.args[:1])} sets no `timeout {which}`: "
                        "haproxy.cfg's defaults apply (50 s in Debian's)",
                        f"add `timeout {which} 600s`",
                    )
                    continue
                secs = haproxy_seconds(d.args[1]) if len(d.args) > 1 else None
                if secs is not None and secs < MIN_STREAM_SECONDS:
                    unitless = " (a number without unit is milliseconds)" if d.args[1].isdigit() else ""
                    yield doc.finding(
                        "balancer-timeout-short",
                        Severity.WARNING,
                        d,
                        f"timeout {which} is {_fmt_seconds(secs)}{unitless}: long completions are cut",
                        f"set `timeout {which} 600s`",
                    )
    elif doc.kind == "bicep":
        rules = doc.find("frontendPort")
        idles = doc.find("idleTimeoutInMinutes")
        for d in idles:
            minutes = int(d.args[0]) if d.args and d.args[0].isdigit() else None
            if minutes is not None and minutes * 60 < MIN_STREAM_SECONDS:
                yield doc.finding(
                    "balancer-timeout-short",
                    Severity.WARNING,
                    d,
                    f"idleTimeoutInMinutes is {minutes}: silent completions are reset",
                    "set idleTimeoutInMinutes to 10 (Azure allows 4 to 100)",
                )
        if rules and not idles:
            yield doc.finding(
                "balancer-timeout-short",
                Severity.WARNING,
                rules[0],
                "no idleTimeoutInMinutes: Azure's default of 4 minutes resets silent completions",
                "add `idleTimeoutInMinutes: 10` to the rule",
            )


@rule("balancer-buffering", Severity.WARNING, "nginx buffers responses, delaying streamed tokens", "balancer")
def buffering(t: BalancerTarget) -> Iterator[Finding]:
    """With `proxy_buffering on` (nginx's default) nginx may hold server-sent events until its buffer
    fills, so `stream: true` clients see tokens in bursts or only at the end. LiteLLM 1.110.2 adds
    `X-Accel-Buffering: no` to its own SSE responses (litellm/proxy/common_request_processing.py
    `_sse_stream_headers`), which nginx honours unless `proxy_ignore_headers` drops it, but other
    streaming routes (pass-through endpoints) do not: set `proxy_buffering off;` where the
    proxy_pass is (ngx_http_proxy_module, proxy_buffering)."""
    doc = t.doc
    if doc.kind != "nginx":
        return
    for pp in _proxy_passes(doc):
        d = nginx_effective(doc, pp, "proxy_buffering")
        if d is None or d.args[:1] != ("off",):
            yield doc.finding(
                "balancer-buffering",
                Severity.WARNING,
                d or pp,
                "proxy_buffering is on"
                + ("" if d else " (nginx default)")
                + ": streamed completions reach the client in bursts",
                "add `proxy_buffering off;`",
            )


@rule("balancer-body-size", Severity.WARNING, "nginx rejects large prompts (client_max_body_size)", "balancer")
def body_size(t: BalancerTarget) -> Iterator[Finding]:
    """nginx answers 413 to a request body over `client_max_body_size`, 1m by default
    (ngx_http_core_module). Prompts with whole spreadsheets, long histories or base64 images are
    bigger: a full 1,047,576-token gpt-4.1 prompt is about 4 MB of text. Reported below 8m (0 means
    no limit)."""
    doc = t.doc
    if doc.kind != "nginx":
        return
    seen: set[tuple[int, int]] = set()
    for pp in _proxy_passes(doc):
        d = nginx_effective(doc, pp, "client_max_body_size")
        size = nginx_bytes(d.args[0]) if d is not None and d.args else 1024 * 1024
        where = d or pp
        if size is None or size == 0 or size >= MIN_BODY_BYTES or (where.line, where.column) in seen:
            continue
        seen.add((where.line, where.column))
        yield doc.finding(
            "balancer-body-size",
            Severity.WARNING,
            where,
            f"client_max_body_size is {d.args[0] if d else '1m (nginx default)'}: larger prompts get 413",
            "set `client_max_body_size 50m;` in the server block",
        )


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
    doc = t.doc
    if doc.kind == "nginx":
        for pp in _proxy_passes(doc):
            if _upstream_size(doc, pp) < 2:
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
        for section in _sections(doc, ("backend", "listen")):
            if len(_servers_of(doc, section)) < 2:
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
        for section in _sections(doc, ("backend",)):
            if not _servers_of(doc, section):
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
    the balancer, which forwards it again until connections or workers run out (nginx logs
    `worker_connections are not enough`, HAProxy reaches `maxconn`): no request reaches a proxy."""
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
