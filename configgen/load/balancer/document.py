"""What every balancer parser produces: directives, addresses and probes with 1-based line:column.

Problems (unbalanced braces, an unterminated quote) become ``balancer-syntax`` findings, never
exceptions: a broken file still yields every directive read before the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from configgen.findings import Finding, Severity

SYNTAX_RULE = "balancer-syntax"


class Directive(NamedTuple):
    """One directive (nginx), statement (HAProxy) or property (Bicep) and where it starts.

    ``context`` names the enclosing blocks, outermost first: nginx ``("upstream", "u")``,
    ``("server",)``, ``("location", "=", "/health/liveliness")`` ...; HAProxy ``("backend", "b")``;
    Bicep the property keys and ``[]`` markers leading to it.
    """

    name: str
    args: tuple[str, ...]
    line: int
    column: int
    context: tuple[tuple[str, ...], ...] = ()

    def within(self, block: str) -> tuple[str, ...] | None:
        """The innermost enclosing block whose first word is ``block``, or None."""
        for ctx in reversed(self.context):
            if ctx and ctx[0] == block:
                return ctx
        return None


class Address(NamedTuple):
    """A listen/bind address or a backend server, as written."""

    host: str
    port: int | None  # None: not written (the balancer's default applies)
    line: int
    column: int
    tls: bool = False  # listen ... ssl / bind ... ssl crt
    group: str = ""  # upstream / backend / pool name for servers; server/frontend name for listens
    check: bool = True  # HAProxy `check` on the server line (always True elsewhere)
    name: str = ""


class Probe(NamedTuple):
    """An active health probe: HAProxy http-check / option httpchk, nginx Plus health_check, Azure LB probe."""

    path: str | None  # None for a TCP probe
    port: int | None
    protocol: str
    line: int
    column: int
    group: str = ""


# A plain class, not a dataclass: `dataclasses` imports inspect, 45 M instructions of each validate.
class BalancerDocument:
    def __init__(self, kind: str, file: str, text: str) -> None:
        self.kind = kind  # nginx | haproxy | bicep
        self.file = file
        self.text = text
        self.directives: list[Directive] = []
        self.listens: list[Address] = []
        self.servers: list[Address] = []
        self.probes: list[Probe] = []
        self.problems: list[Finding] = []
        #: Bicep `var`/`param` declarations: name -> literal value (str, int, list of literals) or None.
        self.variables: dict[str, object] = {}
        #: Bicep: where each item of a literal list variable was written (name -> [(line, column)]).
        self.item_positions: dict[str, list[tuple[int, int]]] = {}

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.directives if d.name == name]

    def finding(
        self, rule_id: str, severity: Severity, at: Directive | Address | Probe | None, message: str, hint: str = ""
    ) -> Finding:
        if at is None:
            return Finding(rule_id, severity, message, hint, self.file, 0, 0)
        return Finding(rule_id, severity, message, hint, self.file, at.line, at.column)

    def problem(self, line: int, column: int, message: str, hint: str = "") -> None:
        self.problems.append(Finding(SYNTAX_RULE, Severity.ERROR, message, hint, self.file, line, column))



_HOST_PORT = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]*\]|[^:\s]*)(?::(?P<port>[^:\s]*))?$")


def split_host_port(text: str) -> tuple[str, int | None, bool]:
    """``host:port`` / ``[v6]:port`` / ``port`` / ``host`` -> (host, port, ok). ``*``/empty host = all."""
    if text.isdigit():
        return "", int(text), True
    m = _HOST_PORT.match(text)
    if not m:
        return text, None, False
    port_text = m.group("port")
    if port_text is None:
        return m.group("host"), None, True
    if not port_text.isdigit():
        return m.group("host"), None, False
    return m.group("host"), int(port_text), True


def positions(text: str) -> Iterator[tuple[int, int, int, str]]:
    """(index, line, column, char) for every character, 1-based line and column."""
    line, col = 1, 1
    for i, ch in enumerate(text):
        yield i, line, col, ch
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
