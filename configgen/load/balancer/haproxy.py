"""HAProxy snippets. Grammar followed: ``cfgparse.c``: one statement per line, words split on blanks,
``#`` comment, quotes and ``\\`` escapes; a section starts with a section keyword (``frontend``,
``backend``, ...)."""

from __future__ import annotations

from configgen.load.balancer.document import Address, BalancerDocument, Directive, Probe, split_host_port

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





def parse_haproxy(text: str, file: str) -> BalancerDocument:
    doc = BalancerDocument("haproxy", file, text)
    _parse_haproxy(doc)
    return doc
