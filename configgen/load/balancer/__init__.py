"""Read nginx, HAProxy and Bicep load-balancer snippets into directives with 1-based line:column.

Three small tokenizers, not full parsers: they keep what the balancer rules judge (listen/bind
addresses, upstream/backend servers, health probes, timeouts, buffering, body size, retries) and
where each was written. Grammar followed:

- nginx: ``ngx_conf_file.c`` ``ngx_conf_read_token``: tokens split on blanks, ``;`` ends a directive,
  ``{``/``}`` open and close blocks, ``#`` starts a comment, ``'``/``"`` quote with ``\\`` escapes.
- HAProxy: ``cfgparse.c``: one statement per line, words split on blanks, ``#`` comment, quotes and
  ``\\`` escapes; a section starts with a section keyword (``frontend``, ``backend``, ...).
- Bicep: ``key: value`` properties nested in ``{}``/``[]``, ``'...'`` strings with ``\\`` escapes,
  ``//`` and ``/* */`` comments, ``var``/``param`` declarations (resolved when a value names one).

Problems (unbalanced braces, an unterminated quote) become ``balancer-syntax`` findings, never
exceptions: a broken file still yields every directive read before the problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from configgen.findings import Finding, Severity

SYNTAX_RULE = "balancer-syntax"

#: HAProxy keywords that start a section (cfgparse.c registered sections).
_HAPROXY_SECTIONS = frozenset(
    {
        "global",
        "defaults",
        "frontend",
        "backend",
        "listen",
        "resolvers",
        "peers",
        "userlist",
        "mailers",
        "program",
        "http-errors",
        "ring",
        "cache",
        "fcgi-app",
        "crt-store",
    }
)


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


@dataclass
class BalancerDocument:
    kind: str  # nginx | haproxy | bicep
    file: str
    text: str
    directives: list[Directive] = field(default_factory=list)
    listens: list[Address] = field(default_factory=list)
    servers: list[Address] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    #: Bicep `var`/`param` declarations: name -> literal value (str, int, list of literals) or None.
    variables: dict[str, object] = field(default_factory=dict)
    #: Bicep: where each item of a literal list variable was written (name -> [(line, column)]).
    item_positions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

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


def parse_balancer(kind: str, text: str, file: str) -> BalancerDocument:
    """Parse a snippet of ``kind`` ("nginx" | "haproxy" | "bicep"); problems are kept, never raised."""
    doc = BalancerDocument(kind, file, text)
    if kind == "nginx":
        _parse_nginx(doc)
    elif kind == "haproxy":
        _parse_haproxy(doc)
    elif kind == "bicep":
        _parse_bicep(doc)
    else:
        raise ValueError(f"unknown balancer kind {kind!r}")
    return doc


# --- shared -----------------------------------------------------------------------------------------

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


def _positions(text: str) -> Iterator[tuple[int, int, int, str]]:
    """(index, line, column, char) for every character, 1-based line and column."""
    line, col = 1, 1
    for i, ch in enumerate(text):
        yield i, line, col, ch
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1


# --- nginx ------------------------------------------------------------------------------------------


class _Tok(NamedTuple):
    text: str
    line: int
    column: int
    kind: str  # word | ; | { | }


def _nginx_tokens(doc: BalancerDocument) -> Iterator[_Tok]:
    text = doc.text
    chars = list(_positions(text))
    i = 0
    n = len(chars)
    while i < n:
        _, line, col, ch = chars[i]
        if ch in " \t\r\n":
            i += 1
        elif ch == "#":
            while i < n and chars[i][3] != "\n":
                i += 1
        elif ch in ";{}":
            yield _Tok(ch, line, col, ch)
            i += 1
        elif ch in "'\"":
            quote, buf = ch, []
            i += 1
            while i < n and chars[i][3] != quote:
                if chars[i][3] == "\\" and i + 1 < n:
                    i += 1
                buf.append(chars[i][3])
                i += 1
            if i >= n:
                doc.problem(line, col, f"unterminated {quote} quote", "close the quoted string")
                return
            i += 1
            yield _Tok("".join(buf), line, col, "word")
        else:
            buf = []
            while i < n and chars[i][3] not in " \t\r\n;{}'\"" and not (chars[i][3] == "#" and not buf):
                if chars[i][3] == "\\" and i + 1 < n:
                    i += 1
                buf.append(chars[i][3])
                i += 1
            yield _Tok("".join(buf), line, col, "word")


def _parse_nginx(doc: BalancerDocument) -> None:
    stack: list[tuple[tuple[str, ...], _Tok]] = []
    words: list[_Tok] = []
    for tok in _nginx_tokens(doc):
        if tok.kind == "word":
            words.append(tok)
            continue
        if tok.kind == "}":
            if words:
                doc.problem(words[0].line, words[0].column, f"directive `{words[0].text}` is not terminated by `;`")
                words = []
            if not stack:
                doc.problem(tok.line, tok.column, "unexpected `}`", "remove it or open the block it closes")
                continue
            stack.pop()
            continue
        if not words:
            if tok.kind == "{":
                doc.problem(tok.line, tok.column, "a block without a directive name")
                stack.append(((), tok))
            continue
        head = words[0]
        args = tuple(w.text for w in words[1:])
        context = tuple(c for c, _ in stack)
        d = Directive(head.text, args, head.line, head.column, context)
        doc.directives.append(d)
        if tok.kind == "{":
            stack.append(((head.text, *args), head))
        else:
            _nginx_addresses(doc, d, words)
        words = []
    if words:
        doc.problem(words[0].line, words[0].column, f"directive `{words[0].text}` is not terminated by `;`")
    for ctx, opener in stack:
        doc.problem(
            opener.line, opener.column, f"block `{' '.join(ctx) or '{'}` is never closed", "add the missing `}`"
        )


def _nginx_addresses(doc: BalancerDocument, d: Directive, words: list[_Tok]) -> None:
    if d.name == "listen" and d.args and d.within("server") is not None:
        host, port, ok = split_host_port(d.args[0])
        if not ok:
            doc.problem(words[1].line, words[1].column, f"cannot read listen address `{d.args[0]}`")
            return
        if port is None and host and not host.startswith("["):
            # `listen 8080;` is a port, `listen 10.0.0.1;` an address on port 80 (ngx_http_core_listen).
            port = 80
        server = d.within("server")
        doc.listens.append(
            Address(
                host or "*",
                port,
                words[1].line,
                words[1].column,
                "ssl" in d.args[1:],
                " ".join(server[1:]) if server else "",
            )
        )
    elif d.name == "server" and d.args and d.within("upstream") is not None:
        up = d.within("upstream")
        host, port, ok = split_host_port(d.args[0])
        if not ok:
            doc.problem(words[1].line, words[1].column, f"cannot read server address `{d.args[0]}`")
            return
        doc.servers.append(
            Address(host, port, words[1].line, words[1].column, group=up[1] if up and len(up) > 1 else "")
        )
    elif d.name == "health_check":
        # nginx Plus only (ngx_http_upstream_hc_module): `health_check uri=/path port=N;`.
        opts = dict(a.split("=", 1) for a in d.args if "=" in a)
        port = int(opts["port"]) if opts.get("port", "").isdigit() else None
        doc.probes.append(Probe(opts.get("uri", "/"), port, "http", d.line, d.column))


# --- HAProxy ----------------------------------------------------------------------------------------


def _haproxy_words(doc: BalancerDocument, line_text: str, line_no: int) -> list[tuple[str, int]]:
    words: list[tuple[str, int]] = []
    i, n = 0, len(line_text)
    while i < n:
        ch = line_text[i]
        if ch in " \t\r":
            i += 1
            continue
        if ch == "#":
            break
        start = i
        buf: list[str] = []
        quote = ""
        while i < n:
            ch = line_text[i]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\" and quote == '"' and i + 1 < n:
                    i += 1
                    buf.append(line_text[i])
                else:
                    buf.append(ch)
            elif ch in "'\"":
                quote = ch
            elif ch == "\\" and i + 1 < n:
                i += 1
                buf.append(line_text[i])
            elif ch in " \t\r" or ch == "#":
                break
            else:
                buf.append(ch)
            i += 1
        if quote:
            doc.problem(line_no, start + 1, f"unterminated {quote} quote", "close the quoted word")
            break
        words.append(("".join(buf), start + 1))
    return words


def _parse_haproxy(doc: BalancerDocument) -> None:
    section: tuple[str, ...] = ()
    for line_no, line_text in enumerate(doc.text.split("\n"), start=1):
        words = _haproxy_words(doc, line_text, line_no)
        if not words:
            continue
        name, col = words[0]
        args = tuple(w for w, _ in words[1:])
        if name in _HAPROXY_SECTIONS:
            section = (name, *args[:1])
            doc.directives.append(Directive(name, args, line_no, col, ()))
            if name in ("frontend", "listen") and len(args) > 1 and ":" in args[1]:
                # `listen NAME ADDR:PORT` (old syntax) binds like a `bind` line.
                _haproxy_bind(doc, (args[1],), line_no, words[2][1], section)
            continue
        context = (section,) if section else ()
        if not section:
            doc.problem(
                line_no,
                col,
                f"`{name}` outside any section",
                "put it after global, defaults, frontend, backend or listen",
            )
        d = Directive(name, args, line_no, col, context)
        doc.directives.append(d)
        if name == "bind" and args:
            _haproxy_bind(doc, args, line_no, words[1][1], section)
        elif name == "server" and len(args) >= 2:
            _haproxy_server(doc, d, words, section)
        elif name == "http-check" and args[:1] == ("send",):
            opts = dict(zip(args[1::2], args[2::2], strict=False))
            doc.probes.append(Probe(opts.get("uri", "/"), None, "http", line_no, col, _group(section)))
        elif name == "option" and args[:1] == ("httpchk",):
            # `option httpchk` alone probes `OPTIONS /`; `option httpchk [METH] URI [VER]` names the path.
            rest = args[1:]
            path = rest[1] if len(rest) >= 2 else rest[0] if rest else "/"
            doc.probes.append(Probe(path, None, "http", line_no, col, _group(section)))
    # `http-check send ... uri X` overrides the path of `option httpchk` in the same section.
    sent = {p.group for p, d in zip(doc.probes, _probe_directives(doc), strict=True) if d == "http-check"}
    doc.probes[:] = [
        p for p, d in zip(doc.probes, _probe_directives(doc), strict=True) if d == "http-check" or p.group not in sent
    ]


def _probe_directives(doc: BalancerDocument) -> list[str]:
    at = {(d.line, d.column): d.name for d in doc.directives}
    return [at.get((p.line, p.column), "") for p in doc.probes]


def _group(section: tuple[str, ...]) -> str:
    return section[1] if len(section) > 1 else ""


def _haproxy_bind(
    doc: BalancerDocument, args: tuple[str, ...], line_no: int, col: int, section: tuple[str, ...]
) -> None:
    for addr in args[0].split(","):
        host, port, ok = split_host_port(addr)
        if not ok or port is None:
            doc.problem(line_no, col, f"cannot read bind address `{addr}`", "write ADDRESS:PORT, e.g. 0.0.0.0:8080")
            continue
        doc.listens.append(Address(host or "*", port, line_no, col, "ssl" in args[1:], _group(section)))


def _haproxy_server(
    doc: BalancerDocument, d: Directive, words: list[tuple[str, int]], section: tuple[str, ...]
) -> None:
    host, port, ok = split_host_port(d.args[1])
    if not ok:
        doc.problem(d.line, words[2][1], f"cannot read server address `{d.args[1]}`")
        return
    doc.servers.append(
        Address(host, port, d.line, words[2][1], group=_group(section), check="check" in d.args[2:], name=d.args[0])
    )


# --- Bicep ------------------------------------------------------------------------------------------

_BICEP_TOKEN = re.compile(
    r"(?P<ws>[ \t\r\n]+)|(?P<comment>//[^\n]*|/\*.*?\*/)|(?P<str>'(?:\\.|[^'\\\n])*')|(?P<open>[{\[(])"
    r"|(?P<close>[}\])])|(?P<num>-?\d+)|(?P<ident>[A-Za-z_$@][A-Za-z0-9_$.@-]*)|(?P<other>.)",
    re.DOTALL,
)
_BICEP_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}


def _bicep_string(raw: str) -> str:
    return re.sub(r"\\(u\{[0-9A-Fa-f]+\}|.)", lambda m: _BICEP_ESCAPES.get(m.group(1), m.group(1)), raw[1:-1])


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _parse_bicep(doc: BalancerDocument) -> None:
    text = doc.text
    tokens: list[tuple[str, str, int]] = []  # (kind, text, index)
    for m in _BICEP_TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "other" and m.group() == "'":
            line, col = _line_col(text, m.start())
            doc.problem(line, col, "unterminated ' string", "close the string on the same line")
            continue
        tokens.append((kind, m.group(), m.start()))
    stack: list[tuple[str, tuple[str, ...], int]] = []  # (bracket, context entry, index)
    pending_key: tuple[str, int] | None = None
    ctx_path: list[tuple[str, ...]] = []
    for pos, (kind, tok, index) in enumerate(tokens):
        nxt = tokens[pos + 1] if pos + 1 < len(tokens) else None
        if kind == "ident" and stack == [] and tok in ("var", "param") and nxt is not None and nxt[0] == "ident":
            _bicep_declaration(doc, tokens, pos)
        if kind in ("ident", "str") and nxt is not None and nxt[1] == ":" and stack and stack[-1][0] == "{":
            key = tok if kind == "ident" else _bicep_string(tok)
            line, col = _line_col(text, index)
            value, vpos = _bicep_value(tokens, pos + 2)
            doc.directives.append(Directive(key, (value,) if value is not None else (), line, col, tuple(ctx_path)))
            pending_key = (key, index)
            del vpos
            continue
        if kind == "open":
            # The offset keeps two array items' blocks apart (siblings are looked up by context).
            entry: tuple[str, ...] = (pending_key[0] if pending_key is not None else tok, f"@{index}")
            stack.append((tok, entry, index))
            ctx_path.append(entry)
            pending_key = None
        elif kind == "close":
            want = {"}": "{", "]": "[", ")": "("}[tok]
            if not stack or want not in [b for b, _, _ in stack]:
                line, col = _line_col(text, index)
                doc.problem(line, col, f"unexpected `{tok}`", "brackets and braces must balance")
                continue
            while stack[-1][0] != want:
                # A close for an outer bracket: the inner ones were left open (report them, not a cascade).
                bracket, _, opened = stack.pop()
                ctx_path.pop()
                line, col = _line_col(text, opened)
                doc.problem(line, col, f"`{bracket}` is never closed", f"close it before the `{tok}`")
            stack.pop()
            ctx_path.pop()
        elif pending_key is not None and not (kind == "other" and tok == ":"):
            pending_key = None
    for bracket, _, index in stack:
        line, col = _line_col(text, index)
        doc.problem(line, col, f"`{bracket}` is never closed", "brackets and braces must balance")
    _bicep_model(doc)


def _bicep_value(tokens: list[tuple[str, str, int]], pos: int) -> tuple[str | None, int]:
    """A scalar value after ``key:`` as text (strings unquoted), else None (object, array, expression)."""
    if pos >= len(tokens):
        return None, pos
    kind, tok, _ = tokens[pos]
    after = tokens[pos + 1][1] if pos + 1 < len(tokens) else ""
    if after in ("(", ".", "["):
        return None, pos
    if kind == "str":
        return _bicep_string(tok), pos + 1
    if kind in ("num", "ident"):
        return tok, pos + 1
    return None, pos


def _bicep_declaration(doc: BalancerDocument, tokens: list[tuple[str, str, int]], pos: int) -> None:
    """``var NAME = literal`` / ``param NAME TYPE = literal``: remember literal values by name."""
    name = tokens[pos + 1][1]
    j = pos + 2
    while j < len(tokens) and tokens[j][1] != "=" and tokens[j][0] == "ident" and tokens[pos][1] == "param":
        j += 1
    if j >= len(tokens) or tokens[j][1] != "=":
        doc.variables[name] = None
        return
    j += 1
    if j < len(tokens) and tokens[j][1] == "[":
        items: list[object] = []
        positions: list[tuple[int, int]] = []
        j += 1
        while j < len(tokens) and tokens[j][1] != "]":
            kind, tok, index = tokens[j]
            positions.append(_line_col(doc.text, index))
            if kind == "str":
                items.append(_bicep_string(tok))
            elif kind == "num":
                items.append(int(tok))
            else:
                doc.variables[name] = None
                return
            j += 1
        doc.variables[name] = items
        doc.item_positions[name] = positions
        return
    value, _ = _bicep_value(tokens, j)
    if value is not None and j < len(tokens) and tokens[j][0] == "num":
        doc.variables[name] = int(value)
    elif value is not None and j < len(tokens) and tokens[j][0] == "str":
        doc.variables[name] = value
    else:
        doc.variables[name] = None


def _bicep_model(doc: BalancerDocument) -> None:
    """Backends, probes and the frontend of a Microsoft.Network/loadBalancers resource."""
    for d in doc.directives:
        keys = [c[0] for c in d.context]
        if d.name == "ipAddress" and "loadBalancerBackendAddresses" in keys:
            doc.servers.extend(_bicep_ips(doc, d))
        elif d.name == "requestPath" and "probes" in keys:
            siblings = _siblings(doc, d)
            port = _bicep_int(doc, siblings.get("port"))
            protocol = siblings["protocol"].args[0] if "protocol" in siblings and siblings["protocol"].args else "Tcp"
            doc.probes.append(Probe(d.args[0] if d.args else None, port, protocol, d.line, d.column))
        elif d.name == "protocol" and "probes" in keys and d.args and d.args[0] == "Tcp":
            port = _bicep_int(doc, _siblings(doc, d).get("port"))
            doc.probes.append(Probe(None, port, "Tcp", d.line, d.column))
        elif d.name == "frontendPort" and "loadBalancingRules" in keys:
            port = _bicep_int(doc, d)
            doc.listens.append(Address(_bicep_frontend_ip(doc), port, d.line, d.column))
    backend_ports = [_bicep_int(doc, d) for d in doc.find("backendPort")]
    if len(backend_ports) == 1:
        doc.servers[:] = [Address(s.host, backend_ports[0], s.line, s.column, group=s.group) for s in doc.servers]


def _siblings(doc: BalancerDocument, d: Directive) -> dict[str, Directive]:
    return {o.name: o for o in doc.directives if o.context == d.context and o is not d}


def _bicep_int(doc: BalancerDocument, d: Directive | None) -> int | None:
    if d is None or not d.args:
        return None
    value: object = d.args[0]
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        value = doc.variables.get(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _bicep_frontend_ip(doc: BalancerDocument) -> str:
    for d in doc.find("privateIPAddress"):
        if d.args:
            value = doc.variables.get(d.args[0], d.args[0])
            return value if isinstance(value, str) else "*"
    return "*"


def _bicep_ips(doc: BalancerDocument, d: Directive) -> list[Address]:
    """A literal ``ipAddress: '10.0.0.4'``, or the loop variable of ``[for ip in backendAddresses: ...]``."""
    if not d.args:
        return []
    value = d.args[0]
    if re.fullmatch(r"[0-9.]+|[0-9A-Fa-f:]+", value) and ("." in value or ":" in value):
        return [Address(value, None, d.line, d.column)]
    # The loop: `[for (ip, idx) in NAME: {` before this property; find the nearest preceding one.
    before = doc.text[: _index_of(doc.text, d.line, d.column)]
    loops = re.findall(r"\[\s*for\s+\(?\s*([A-Za-z_]\w*)(?:\s*,\s*\w+)?\s*\)?\s+in\s+([A-Za-z_]\w*)\s*:", before)
    for var, source in reversed(loops):
        if var == value and isinstance(doc.variables.get(source), list):
            items = doc.variables[source]
            assert isinstance(items, list)
            where = doc.item_positions.get(source, [])
            return [
                Address(str(ip), None, *(where[k] if k < len(where) else (d.line, d.column)))
                for k, ip in enumerate(items)
            ]
    return []


def _index_of(text: str, line: int, column: int) -> int:
    index = 0
    for _ in range(line - 1):
        index = text.index("\n", index) + 1
    return index + column - 1
