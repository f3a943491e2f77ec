"""Read nginx, HAProxy and Bicep load-balancer snippets: one tokenizer per dialect (not full parsers).

They keep what the balancer rules judge (listen/bind addresses, upstream/backend servers, health
probes, timeouts, buffering, body size, retries) and where each was written
(:mod:`configgen.load.balancer.document`).
"""

from __future__ import annotations

from configgen.load.balancer.bicep import parse_bicep
from configgen.load.balancer.document import BalancerDocument
from configgen.load.balancer.haproxy import parse_haproxy
from configgen.load.balancer.nginx import parse_nginx

PARSERS = {"nginx": parse_nginx, "haproxy": parse_haproxy, "bicep": parse_bicep}


def parse_balancer(kind: str, text: str, file: str) -> BalancerDocument:
    """Parse a snippet of ``kind`` ("nginx" | "haproxy" | "bicep"); problems are kept, never raised."""
    if kind not in PARSERS:
        raise ValueError(f"unknown balancer kind {kind!r}")
    return PARSERS[kind](text, file)
