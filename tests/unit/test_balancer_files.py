"""The balancer tokenizers: positions, quoting, comments, units and inheritance."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configgen.load.balancer import parse_balancer
from configgen.load.balancer.document import split_host_port
from configgen.load.balancer.units import haproxy_seconds, nginx_bytes, nginx_seconds
from configgen.rules.balancer.common import nginx_effective


def test_nginx_positions_quotes_and_comments() -> None:
    text = (
        "upstream u {  # the proxies\n"
        "    server 10.0.0.1:4000;\n"
        "    server '10.0.0.2:4000' max_fails=2;\n"
        "}\n"
        "server {\n"
        "    listen [::]:8443 ssl;\n"
        '    location / { proxy_pass http://u; proxy_set_header X "a;b"; }\n'
        "}\n"
    )
    doc = parse_balancer("nginx", text, "x.conf")
    assert doc.problems == []
    assert [(s.host, s.port, s.line, s.column, s.group) for s in doc.servers] == [
        ("10.0.0.1", 4000, 2, 12, "u"),
        ("10.0.0.2", 4000, 3, 12, "u"),
    ]
    assert [(a.host, a.port, a.tls) for a in doc.listens] == [("[::]", 8443, True)]
    header = doc.find("proxy_set_header")[0]
    assert header.args == ("X", "a;b") and (header.line, header.column) == (7, 39)
    assert header.within("location") == ("location", "/")


def test_nginx_listen_port_only_and_address_only() -> None:
    doc = parse_balancer("nginx", "server { listen 8080; }\nserver { listen 10.0.0.1; }\n", "x.conf")
    assert [(a.host, a.port) for a in doc.listens] == [("*", 8080), ("10.0.0.1", 80)]


def test_nginx_inheritance_innermost_wins() -> None:
    text = "proxy_read_timeout 30s;\nserver {\n  proxy_read_timeout 700;\n  location / { proxy_pass http://u; }\n}\n"
    doc = parse_balancer("nginx", text, "x.conf")
    pp = doc.find("proxy_pass")[0]
    d = nginx_effective(doc, pp, "proxy_read_timeout")
    assert d is not None and d.args == ("700",) and d.line == 3


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("server { listen 80;\n", 1, 1), ("}\n", 1, 1), ("a 'b;\n", 1, 3), ("x y\n", 1, 1)],
)
def test_nginx_problems_are_located(text: str, line: int, column: int) -> None:
    doc = parse_balancer("nginx", text, "x.conf")
    assert [(p.line, p.column, p.rule) for p in doc.problems][:1] == [(line, column, "balancer-syntax")]


def test_haproxy_sections_servers_and_probe_override() -> None:
    text = (
        "frontend f\n"
        "    bind 127.0.0.1:8080,127.0.0.1:8081\n"
        "backend b  # comment\n"
        "    option httpchk\n"
        "    http-check send meth GET uri /health/liveliness\n"
        '    server "s 1" 10.0.0.1:4000 check\n'
        "    server s2 10.0.0.2\n"
    )
    doc = parse_balancer("haproxy", text, "x.cfg")
    assert doc.problems == []
    assert [(a.port, a.group) for a in doc.listens] == [(8080, "f"), (8081, "f")]
    assert [(s.name, s.host, s.port, s.check, s.line, s.column) for s in doc.servers] == [
        ("s 1", "10.0.0.1", 4000, True, 6, 18),
        ("s2", "10.0.0.2", None, False, 7, 15),
    ]
    # `http-check send uri` replaces the path `option httpchk` would probe.
    assert [(p.path, p.line) for p in doc.probes] == [("/health/liveliness", 5)]


def test_haproxy_option_httpchk_old_syntax() -> None:
    doc = parse_balancer("haproxy", "backend b\n    option httpchk GET /health HTTP/1.1\n", "x.cfg")
    assert [p.path for p in doc.probes] == ["/health"]


def test_bicep_vars_loops_and_comments() -> None:
    text = (
        "var ips = [\n  '10.0.0.4'\n  '10.0.0.5'\n]\n"
        "var port = 4000\n"
        "resource lb 'Microsoft.Network/loadBalancers@2023-09-01' = {\n"
        "  properties: {\n"
        "    /* pools */ backendAddressPools: [ { properties: { loadBalancerBackendAddresses: [for ip in ips: {\n"
        "      properties: { ipAddress: ip }\n"
        "    }] } } ]\n"
        "    probes: [ { properties: { protocol: 'Http', port: port, requestPath: '/health/liveliness' } } ]\n"
        "    loadBalancingRules: [ { properties: { frontendPort: 80, backendPort: port } } ]  // one rule\n"
        "  }\n}\n"
    )
    doc = parse_balancer("bicep", text, "lb.bicep")
    assert doc.problems == []
    assert [(s.host, s.port, s.line, s.column) for s in doc.servers] == [
        ("10.0.0.4", 4000, 2, 3),
        ("10.0.0.5", 4000, 3, 3),
    ]
    assert [(p.protocol, p.path, p.port) for p in doc.probes] == [("Http", "/health/liveliness", 4000)]
    assert [a.port for a in doc.listens] == [80]


def test_bicep_string_escapes() -> None:
    doc = parse_balancer("bicep", "var x = { a: 'it\\'s // not a comment' }\n", "lb.bicep")
    assert doc.problems == []
    assert doc.find("a")[0].args == ("it's // not a comment",)


@pytest.mark.parametrize(
    ("text", "want"),
    [("600s", 600), ("10m", 600), ("50000", 50), ("600", 0.6), ("1h", 3600), ("5x", None)],
)
def test_haproxy_time_units(text: str, want: float | None) -> None:
    assert haproxy_seconds(text) == want


@pytest.mark.parametrize(("text", "want"), [("600", 600), ("10m", 600), ("1m30s", 90), ("500ms", 0.5), ("x", None)])
def test_nginx_time_units(text: str, want: float | None) -> None:
    assert nginx_seconds(text) == want


def test_nginx_sizes() -> None:
    assert (nginx_bytes("1m"), nginx_bytes("50M"), nginx_bytes("512k"), nginx_bytes("0")) == (
        2**20,
        50 * 2**20,
        2**19,
        0,
    )


def test_split_host_port() -> None:
    assert split_host_port("8080") == ("", 8080, True)
    assert split_host_port("[::1]:4000") == ("[::1]", 4000, True)
    assert split_host_port("*:443") == ("*", 443, True)
    assert split_host_port("host:port")[2] is False


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_balancer("traefik", "", "x")


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["nginx", "haproxy", "bicep"]),
    text=st.text(alphabet=st.sampled_from(list("ab :;{}[]()'\"#\\/*=\n0123456789.")), max_size=80),
)
def test_parsers_never_raise(kind: str, text: str) -> None:
    doc = parse_balancer(kind, text, "f")
    for p in doc.problems:
        assert p.line >= 1 and p.column >= 1
