"""Bicep load balancers (Azure Load Balancer): ``key: value`` properties nested in ``{}``/``[]``,
``'...'`` strings with ``\\`` escapes, ``//`` and ``/* */`` comments, ``var``/``param`` declarations
(resolved when a value names one)."""

from __future__ import annotations

import re

from configgen.load.balancer.document import Address, BalancerDocument, Directive, Probe

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



def parse_bicep(text: str, file: str) -> BalancerDocument:
    doc = BalancerDocument("bicep", file, text)
    _parse_bicep(doc)
    return doc
