"""What the balancer rules share: constants they judge by and queries over a parsed snippet.

Directive semantics relied on (checked against the installed nginx 1.22 and HAProxy 2.6, and their
reference manuals: nginx.org/en/docs/http/ngx_http_proxy_module.html, ngx_http_core_module.html,
ngx_http_upstream_module.html; HAProxy 2.6 configuration.txt):
- nginx inherits a directive from http to server to location unless the inner block sets it; times
  without a unit are seconds, sizes without a unit bytes.
- HAProxy times without a unit are milliseconds (`timeout server 600` is 0.6 s).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for types: a LiteLLM file alone never imports the balancer reader
    from configgen.load.balancer.document import Address, BalancerDocument, Directive

LIVENESS = "/health/liveliness"
READINESS = "/health/readiness"
#: A streamed completion from a reasoning model can be silent for minutes before its first token.
MIN_STREAM_SECONDS = 300
#: A full 1,047,576-token gpt-4.1 prompt (litellm model_prices: azure/gpt-4.1 max_input_tokens) is
#: about 4 MB of text at ~4 characters per token, before JSON escaping and base64 images.
MIN_BODY_BYTES = 8 * 1024 * 1024


def is_probe_location(d: Directive) -> bool:
    loc = d.within("location")
    return loc is not None and loc[-1] in (LIVENESS, READINESS)


def proxy_passes(doc: BalancerDocument) -> list[Directive]:
    """Every `proxy_pass` that carries API traffic (the probe locations are left out)."""
    return [d for d in doc.find("proxy_pass") if not is_probe_location(d)]


def nginx_effective(doc: BalancerDocument, at: Directive, name: str) -> Directive | None:
    """The `name` directive in effect where `at` is: the innermost enclosing block that sets it."""
    best: Directive | None = None
    for d in doc.find(name):
        n = len(d.context)
        if d.context == at.context[:n] and (best is None or n > len(best.context)):
            best = d
    return best


def upstream_size(doc: BalancerDocument, proxy_pass: Directive) -> int:
    target = proxy_pass.args[0] if proxy_pass.args else ""
    name = re.sub(r"^[a-z]+://", "", target).split("/", 1)[0]
    return sum(1 for s in doc.servers if s.group == name)


# --- HAProxy helpers --------------------------------------------------------------------------------


def sections(doc: BalancerDocument, kinds: tuple[str, ...]) -> list[Directive]:
    return [d for d in doc.directives if not d.context and d.name in kinds]


def in_section(doc: BalancerDocument, section: Directive) -> list[Directive]:
    key = (section.name, *section.args[:1])
    return [d for d in doc.directives if d.context == (key,)]


def haproxy_setting(doc: BalancerDocument, section: Directive, *words: str) -> Directive | None:
    """The last `words...` line in `section`, else in the `defaults` section before it (HAProxy order)."""

    def match(d: Directive) -> bool:
        return (d.name, *d.args[: len(words) - 1]) == words

    for d in reversed(in_section(doc, section)):
        if match(d):
            return d
    for defaults in reversed([s for s in sections(doc, ("defaults",)) if s.line < section.line]):
        for d in reversed(in_section(doc, defaults)):
            if match(d):
                return d
    return None


def servers_of(doc: BalancerDocument, section: Directive) -> list[Address]:
    name = section.args[0] if section.args else ""
    return [s for s in doc.servers if s.group == name and s.line > section.line]


# --- rules ------------------------------------------------------------------------------------------
