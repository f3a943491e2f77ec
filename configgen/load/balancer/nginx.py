"""nginx snippets. Grammar followed: ``ngx_conf_file.c`` ``ngx_conf_read_token``: tokens split on
blanks, ``;`` ends a directive, ``{``/``}`` open and close blocks, ``#`` starts a comment, ``'``/``"``
quote with ``\\`` escapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from configgen.load.balancer.document import Address, BalancerDocument, Directive, Probe, positions, split_host_port


class _Tok(NamedTuple):
    text: str
    line: int
    column: int
    kind: str  # word | ; | { | }


def _nginx_tokens(doc: BalancerDocument) -> Iterator[_Tok]:
    text = doc.text
    chars = list(positions(text))
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





def parse_nginx(text: str, file: str) -> BalancerDocument:
    doc = BalancerDocument("nginx", file, text)
    _parse_nginx(doc)
    return doc
