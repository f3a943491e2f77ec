""".env files: pasted secrets and the proxy address the app is given."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.load.dotenv import statements
from configgen.rules.registry import rule
from configgen.rules.targets import DotenvTarget
from configgen.secrets import secret_kind

#: OpenAI-style request paths a base URL must not include: clients append them themselves.
REQUEST_PATHS = (
    "/chat/completions",
    "/completions",
    "/embeddings",
    "/responses",
    "/models",
    "/images/generations",
    "/audio/transcriptions",
    "/audio/speech",
)


@rule(
    "dotenv-secret",
    Severity.WARNING,
    "a key, token or password pasted into a .env file",
    "dotenv",
)
def secret(target: DotenvTarget) -> Iterator[Finding]:
    """A value shaped like a secret (Azure 32-hex and 84-character keys, `sk-...` keys including
    LiteLLM's public example `sk-1234`, JWTs, PEM private keys, URLs and connection strings with a
    password, AWS/GitHub/Slack/Google tokens; configgen/secrets.py) sits in a plain file. .env files
    get committed, copied into images and attached to tickets; prefer the process environment or a
    secret store, and if the file must hold it, keep it out of git and mode 0600. The proxy also
    loads the first `.env` in a parent directory of its installed package (FACTS.md), so an app
    `.env` placed there leaks into the proxy. Comments are checked too: a commented-out key is still
    in the file and in its history.
    """
    doc = target.doc
    for entry in doc.entries:
        kind = secret_kind(entry.value)
        if kind is None:
            continue
        yield doc.finding(
            "dotenv-secret",
            Severity.WARNING,
            entry,
            f"`{entry.key}` holds {kind} in plain text",
            "set it in the process environment or a secret store; otherwise git-ignore this file and chmod 600 it",
            on_value=True,
        )
    yield from _comment_secrets(target)


def _comment_secrets(target: DotenvTarget) -> Iterator[Finding]:
    """A commented-out key is still a key in the file (`# old: AZURE_API_KEY=<32 hex>`): comments are
    checked with the same shapes. Lines inside a binding (a multi-line quoted value) are not comments."""
    doc = target.doc
    inside: set[int] = set()
    trailing: dict[int, tuple[int, str]] = {}
    for st in statements(doc.text):
        last = st.line + st.raw.count("\n")
        inside.update(range(st.line, last + 1))
        if st.key is not None and "#" in st.trailing:
            raw_last = st.raw.rsplit("\n", 1)[-1]
            trailing[last] = (len(raw_last) - len(st.trailing.lstrip()) + 1, st.trailing)
    for number, line in enumerate(doc.text.splitlines(), 1):
        if number in trailing:
            column, text = trailing[number]
        elif number not in inside and line.lstrip().startswith("#"):
            column, text = len(line) - len(line.lstrip()) + 1, line.lstrip()
        else:
            continue
        kind = secret_kind(text.lstrip("#"))
        if kind is None:
            continue
        yield Finding(
            "dotenv-secret",
            Severity.WARNING,
            f"a comment holds {kind} in plain text (commented out, it is still in the file and in git)",
            "delete the line and rotate the key if the file was ever shared",
            doc.file,
            number,
            column,
            (),
        )


def api_base_problem(value: str) -> tuple[str, str] | None:
    """(message, hint) when ``value`` is not a usable proxy base URL, else None."""
    v = value.strip()
    try:
        u = urlsplit(v)
        _ = u.port
    except ValueError:
        return f"LITELLM_API_BASE `{v}` is not a valid URL", "write http(s)://host:port, e.g. http://127.0.0.1:4000"
    if u.scheme not in ("http", "https") or not u.hostname:
        return (
            f"LITELLM_API_BASE `{v}` is not an http(s) URL",
            "write http(s)://host:port, e.g. http://127.0.0.1:4000",
        )
    path = u.path.rstrip("/")
    for suffix in REQUEST_PATHS:
        if path.endswith(suffix):
            root = f"{u.scheme}://{u.netloc}{path[: -len(suffix)]}"
            return (
                f"LITELLM_API_BASE ends with the request path `{suffix}`: clients append it again",
                f"use the base URL `{root}`",
            )
    if u.query or u.fragment:
        return f"LITELLM_API_BASE `{v}` carries a query or fragment", f"use `{u.scheme}://{u.netloc}{u.path}`"
    return None


@rule(
    "dotenv-api-base",
    Severity.ERROR,
    "LITELLM_API_BASE is not an http(s) base URL",
    "dotenv",
)
def api_base(target: DotenvTarget) -> Iterator[Finding]:
    """`LITELLM_API_BASE` is the proxy's base URL: OpenAI-compatible clients append
    `/chat/completions` (or `/v1/chat/completions`) to it. A value that is not an `http://` or
    `https://` URL, or that already ends with a request path such as `/v1/chat/completions`, makes
    every request go to the wrong place (the proxy answers 404). The proxy serves both
    `/chat/completions` and `/v1/chat/completions` (`litellm/proxy/proxy_server.py`), so the bare
    `http://host:4000` works.
    """
    doc = target.doc
    entry = doc.get("LITELLM_API_BASE")
    if entry is None or not entry.value.strip():
        return
    problem = api_base_problem(entry.value)
    if problem is not None:
        yield doc.finding("dotenv-api-base", Severity.ERROR, entry, problem[0], problem[1], on_value=True)
