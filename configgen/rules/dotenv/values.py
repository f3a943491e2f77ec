""".env files: pasted secrets and the proxy address the app is given."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.rules.litellm.common import env_ref_name
from configgen.rules.registry import rule
from configgen.rules.targets import DotenvTarget
from configgen.secrets import find_secret, is_placeholder, is_reference, secret_password_is_dummy

if TYPE_CHECKING:  # only for types: a LiteLLM file alone never imports the .env reader
    from configgen.load.dotenv import DotenvDocument

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


#: Variable names whose value is a credential whatever it looks like: LiteLLM's own (LITELLM_MASTER_KEY,
#: LITELLM_SALT_KEY, which encrypts the provider keys LiteLLM stores in its database, UI_PASSWORD /
#: LITELLM_UI_PASSWORD for the admin UI) and the usual *_API_KEY, *_SECRET, *_PASSWORD, *_TOKEN.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:API_?KEY|KEY_SECRET|SECRET(?:_KEY)?|CLIENT_SECRET|PASSWORD|PASSWD|PWD|TOKEN|MASTER_KEY|SALT_KEY"
    r"|ACCESS_KEY|PRIVATE_KEY|ACCOUNT_KEY|AUTH_KEY)$"
)
_SECRET_HINT = "keep it in the process environment or a secret store, and put a placeholder in the committed file"


def _value_secret(key: str, value: str) -> str | None:
    if not value.strip() or is_reference(value) or env_ref_name(value.strip()) is not None:
        return None
    found = find_secret(value)
    if found is not None and not (found[0] == "URL with a password" and secret_password_is_dummy(value)):
        return found[0]
    if found is None and _SECRET_NAME.search(key.upper()) and not is_placeholder(value):
        return f"a literal {key}"
    return None


def _closing_quote(value: str) -> int | None:
    """Index of the quote that closes ``value``'s opening quote on this line (`\\"` escapes in "...")."""
    quote, i = value[0], 1
    while i < len(value):
        if value[i] == "\\" and quote == '"':
            i += 2
            continue
        if value[i] == quote:
            return i
        i += 1
    return None


def _comment_secrets(doc: DotenvDocument) -> Iterator[tuple[int, int, str]]:
    """(line, column, kind) of secrets written in comments: a line starting with `#`, or ` #...` after an
    unquoted value (python-dotenv reads `#` after a blank as a comment)."""
    for number, line in enumerate(doc.text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            start = len(line) - len(stripped)
        else:
            _, eq, rest = line.partition("=")
            if not eq:
                continue
            value = rest.lstrip()
            after = 0  # where a trailing comment may start: past a quoted value's closing quote
            if value[:1] in ("'", '"', "`"):
                close = _closing_quote(value)
                if close is None:
                    continue  # a multi-line quoted value: the lines after it are not comments
                after = len(rest) - len(value) + close + 1
            hash_at = rest.find(" #", after)
            if hash_at < 0:
                continue
            start = len(line) - len(rest) + hash_at + 1
        found = find_secret(line[start:])
        if found is not None and not (found[0] == "URL with a password" and secret_password_is_dummy(line[start:])):
            yield number, start + found[1] + 1, found[0]


@rule(
    "dotenv-secret",
    Severity.ERROR,
    "a key, token or password pasted into a .env file",
    "dotenv",
)
def secret(target: DotenvTarget) -> Iterator[Finding]:
    """A secret in a committed file is exposed: .env files (and their .env.example templates) get
    committed, copied into images and attached to tickets, and the pre-commit hook is the last place
    to stop them. Reported as an error:

    - a value shaped like a secret (Azure 32-hex and 84-character keys, `sk-...` keys, JWTs, PEM private
      keys, URLs and connection strings with a password, AWS/GitHub/Slack/Google tokens; configgen/secrets.py);
    - any value of a variable whose name says it is a credential (`LITELLM_SALT_KEY`, a 64-hex string that
      encrypts the provider keys LiteLLM stores in its database; `LITELLM_UI_PASSWORD`; `*_API_KEY`,
      `*_SECRET`, `*_PASSWORD`, `*_TOKEN`);
    - a secret in a comment (`# old key: sk-...`), which is committed just the same.

    Not reported: empty values, references, and template text (`sk-change-me...`, `sk-ant-...`,
    `your-key-here`, `<...>`, `xxx`, `changeme`, `dummy`, `sk-no-key-required`; a URL whose password
    repeats the user name or is `secret`). The proxy also loads the first `.env` in a parent
    directory of its installed package (FACTS.md), so an app `.env` placed there leaks into the proxy.
    """
    doc = target.doc
    for entry in doc.entries:
        kind = _value_secret(entry.key, entry.value)
        if kind is None:
            continue
        yield doc.finding(
            "dotenv-secret",
            Severity.ERROR,
            entry,
            f"`{entry.key}` holds {kind} in plain text",
            _SECRET_HINT,
            on_value=True,
        )
    for line, column, kind in _comment_secrets(doc):
        yield Finding("dotenv-secret", Severity.ERROR, f"a comment holds {kind}", _SECRET_HINT, doc.file, line, column)


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
