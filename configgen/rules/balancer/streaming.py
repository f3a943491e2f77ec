"""Balancer rules: streamed completions and large prompts get through (timeouts, buffering, body size)."""

from __future__ import annotations

from collections.abc import Iterator

from configgen.findings import Finding, Severity
from configgen.rules.balancer.common import (
    MIN_BODY_BYTES,
    MIN_STREAM_SECONDS,
    haproxy_setting,
    nginx_effective,
    proxy_passes,
    sections,
)
from configgen.rules.registry import rule
from configgen.rules.targets import BalancerTarget


@rule("balancer-timeout-short", Severity.WARNING, "a read timeout shorter than a streamed completion needs", "balancer")
def timeout_short(t: BalancerTarget) -> Iterator[Finding]:
    """A completion can take minutes: a non-streamed one sends nothing until the model is done, and a
    reasoning model can think for minutes before its first streamed token. A balancer that gives up
    sooner cuts the answer (nginx 504, HAProxy 504, Azure LB a TCP reset). Reported below 300 s:
    nginx `proxy_read_timeout` (default 60 s), HAProxy `timeout server`/`timeout client` (missing in
    the snippet means the `defaults` of haproxy.cfg apply: Debian's default file sets 50 s; a number
    without unit is milliseconds), Azure LB `idleTimeoutInMinutes` (default 4)."""
    from configgen.load.balancer.units import fmt_seconds, haproxy_seconds, nginx_seconds  # the readers load with it

    doc = t.doc
    if doc.kind == "nginx":
        for pp in proxy_passes(doc):
            d = nginx_effective(doc, pp, "proxy_read_timeout")
            secs = nginx_seconds(d.args[0]) if d is not None and d.args else 60.0
            if secs is not None and secs < MIN_STREAM_SECONDS:
                yield doc.finding(
                    "balancer-timeout-short",
                    Severity.WARNING,
                    d or pp,
                    f"proxy_read_timeout is {fmt_seconds(secs)}"
                    + ("" if d else " (nginx default)")
                    + ": long completions are cut with 504",
                    "set `proxy_read_timeout 600s;` where the proxy_pass is",
                )
    elif doc.kind == "haproxy":
        checks = (("backend", "server"), ("listen", "server"), ("frontend", "client"), ("listen", "client"))
        for kind, which in checks:
            for section in sections(doc, (kind,)):
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
                        f"timeout {which} is {fmt_seconds(secs)}{unitless}: long completions are cut",
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
    for pp in proxy_passes(doc):
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
    from configgen.load.balancer.units import nginx_bytes  # here: the balancer readers load with it

    doc = t.doc
    if doc.kind != "nginx":
        return
    seen: set[tuple[int, int]] = set()
    for pp in proxy_passes(doc):
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
