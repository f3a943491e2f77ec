"""Recognise secret-looking values, so configs keep references (``os.environ/X``) instead of secrets.

Shapes only, no entropy guessing: a validator that cries wolf on deployment names or ids gets turned
off. Each shape is a published format:

- Azure OpenAI / AI services keys: 32 hex characters, and the newer 84-character "common annotated
  security key" (Microsoft security-utilities SEC101/200: 52 characters, the ``JQQJ9`` signature, ...);
- Entra ID client secrets (SEC101/156: ``xxx8Q~`` + 34 characters);
- ``sk-...`` keys (OpenAI, Anthropic, LiteLLM virtual and master keys), including LiteLLM's documented
  default ``sk-1234``, which the proxy refuses to start with;
- JWTs, PEM private keys, AWS access key ids, GitHub / Slack / Google API tokens;
- URLs with a password (``redis://:pw@host``), connection strings with ``AccountKey=`` / ``Password=``,
  and SAS URLs (``sig=``).

Shapes miss secrets that look like anything else (``hunter2-master-value-42``), so every reader of a
secret (the doctor reading the master key and Azure keys from the environment, the .env reader, the
inventory token) also registers the value with :func:`register_secret`, and :func:`redact` hides
registered values wherever they appear, whatever they look like. :func:`printable` escapes control
characters in text a remote end or an input file supplied, so nothing it sends can drive a terminal.
"""

from __future__ import annotations

import functools
import re

#: LiteLLM's documented example master key; litellm/proxy/proxy_server.py refuses to start with it.
LITELLM_DEFAULT_KEY = "sk-1234"

_ALNUM = "A-Za-z0-9"

# (kind, pattern, group holding the secret part). Order matters: the most specific shape first.
_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    (
        "PEM private key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)"),
        0,
    ),
    (
        "Azure key (84-character)",
        re.compile(
            rf"(?<![{_ALNUM}])([{_ALNUM}]{{52}}JQQJ9[9DH][{_ALNUM}][A-L][{_ALNUM}]{{16}}[A-Za-z][{_ALNUM}]{{7}}(?:[{_ALNUM}]{{2}}==)?)(?![{_ALNUM}])"
        ),
        1,
    ),
    ("Entra ID client secret", re.compile(r"(?<![\w~.-])([\w~.-]{3}8Q~[\w~.-]{34})(?![\w~.-])"), 1),
    ("JSON Web Token", re.compile(r"(?<![\w-])(eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*)"), 1),
    ("sk- API key", re.compile(r"(?<![\w-])(sk-[\w-]{4,})"), 1),
    ("AWS access key id", re.compile(r"(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9])"), 1),
    ("GitHub token", re.compile(r"(?<!\w)(gh[pousr]_[A-Za-z0-9]{36,})"), 1),
    ("Slack token", re.compile(r"(?<!\w)(xox[abprs]-[A-Za-z0-9-]{10,})"), 1),
    ("Google API key", re.compile(r"(?<!\w)(AIza[\w-]{35})(?![\w-])"), 1),
    # A password between `scheme://user:` and `@host`; references such as ${X} are not secrets.
    ("URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@"), 1),
    ("SAS signature", re.compile(r"[?&]sig=([A-Za-z0-9%+/=]{10,})"), 1),
    (
        "connection-string secret",
        re.compile(r"(?i)(?<![A-Za-z])(?:AccountKey|SharedAccessKey|Password|Pwd)=([^;\s\"']+)"),
        1,
    ),
    ("Azure key (32 hex)", re.compile(r"(?<![0-9A-Fa-f-])([0-9A-Fa-f]{32})(?![0-9A-Fa-f-])"), 1),
)

_REFERENCE = re.compile(r"^(?:os\.environ/\w+|\$\{\w+(?::?[-=?][^}]*)?\}|\$\w+|<[^<>]*>)$")


def is_reference(value: str) -> bool:
    """An environment-variable reference or a ``<placeholder>``, not a value."""
    return _REFERENCE.match(value.strip()) is not None


#: Values documentation and local OpenAI-compatible servers (vLLM, Ollama, LM Studio, llama.cpp) use where a
#: client insists on a key the server does not check (LiteLLM's own docs: `api_key: none`, `"fake-key"`;
#: llama.cpp and LM Studio: `sk-no-key-required`, vLLM: `EMPTY`). Not secrets.
_PLACEHOLDERS = frozenset(
    {
        "none",
        "null",
        "empty",
        "dummy",
        "fake",
        "fake-key",
        "fake_key",
        "fakekey",
        "not-needed",
        "not_needed",
        "notneeded",
        "not-used",
        "unused",
        "no-key",
        "nokey",
        "no_key",
        "placeholder",
        "anything",
        "ollama",
        "lm-studio",
        "sk-no-key-required",
        "x",
        "-",
        "n/a",
    }
)


_PLACEHOLDER_WORDS = re.compile(r"^(?:my[-_])?(?:fake|dummy|mock)(?:[-_][a-z0-9_-]*)?$")


def is_placeholder(value: str) -> bool:
    """A stand-in such as ``none`` or ``fake-key`` written where a server needs no real key."""
    text = value.strip().lower()
    return text in _PLACEHOLDERS or _PLACEHOLDER_WORDS.match(text) is not None


REDACTED = "[REDACTED]"


def _hidden(secret: str) -> bool:
    # `postgres://u:${PW}@h`, `Password=os.environ/PW`: the secret part is itself a reference
    # (or was already redacted).
    return is_reference(secret) or secret.startswith("os.environ/") or secret == REDACTED


@functools.lru_cache(maxsize=8192)
def secret_kind(value: str) -> str | None:
    """What kind of secret ``value`` looks like, or None when it does not look like one.

    Cached: configs repeat the same strings (references, model names) thousands of times."""
    text = value.strip()
    if not text or is_reference(text):
        return None
    if text == LITELLM_DEFAULT_KEY:
        return "LiteLLM's public example key sk-1234"
    for kind, pattern, group in _PATTERNS:
        for match in pattern.finditer(text):
            if not _hidden(match.group(group)):
                return kind
    return None


#: Registered values shorter than this are not redacted on their own: hiding every `ab` in a report
#: would make it unreadable and protects nothing (a 3-character secret is no secret).
MIN_SECRET_LENGTH = 4
# No lock: values are registered by the readers before output starts, and the sorted tuple is swapped
# in one assignment, so a reporter on another thread sees the old or the new set, never half of one.
_KNOWN: set[str] = set()
_known_sorted: tuple[str, ...] = ()


def register_secret(value: str | None) -> None:
    """Remember ``value`` (a secret this run read) so that :func:`redact` hides it in every output."""
    global _known_sorted
    text = (value or "").strip()
    if len(text) < MIN_SECRET_LENGTH or is_reference(text) or is_placeholder(text):
        return
    if text in _KNOWN:
        return
    _KNOWN.add(text)
    # Longest first: a key that contains another registered key is hidden whole.
    _known_sorted = tuple(sorted(_KNOWN, key=len, reverse=True))


def forget_secrets() -> None:
    """Drop every registered value (tests; a long-lived process between runs)."""
    global _known_sorted
    _KNOWN.clear()
    _known_sorted = ()


def _redact_known(text: str) -> str:
    for value in _known_sorted:
        if value in text:
            text = text.replace(value, REDACTED)
    return text


#: Characters that move the cursor, retitle the terminal or reorder text: C0/C1 controls (ESC starts
#: ANSI and OSC sequences), DEL, and Unicode format characters such as bidi overrides (U+202E).
def _is_control(ch: str) -> bool:
    import unicodedata  # only for text that is not plainly printable

    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\u202e``) so that what a
    server or an input file supplied cannot drive the terminal; ``newlines`` (multi-line text: diffs,
    explanations) keeps line breaks and tabs."""
    if text.isprintable():
        return text
    out = []
    for i, ch in enumerate(text):
        if newlines and (ch in "\n\t" or (ch == "\r" and text[i + 1 : i + 2] == "\n")):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _is_control(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def scrub(text: str, *, newlines: bool = False) -> str:
    """Redacted and printable: what every reporter and doctor line does to text before output."""
    return printable(redact(text), newlines=newlines)


def redact(text: str) -> str:
    """``text`` with every secret-looking part, and every registered secret value, replaced by
    ``[REDACTED]`` (context kept)."""
    if _known_sorted:
        text = _redact_known(text)
    for _kind, pattern, group in _PATTERNS:

        def hide(match: re.Match[str], group: int = group) -> str:
            secret = match.group(group)
            if _hidden(secret):
                return match.group(0)
            start, end = match.span(group)
            base = match.start(0)
            whole = match.group(0)
            return whole[: start - base] + REDACTED + whole[end - base :]

        text = pattern.sub(hide, text)
    return text
