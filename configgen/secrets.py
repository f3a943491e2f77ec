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

# (kind, regular expression, group holding the secret part, needles). Order matters: the most specific
# shape first. Needles are text a match cannot lack (one of them at least): tested with `in` before the
# expression runs, so a common value (a model name, a host, a reference) costs a few substring tests
# instead of 13 regular expressions, and an expression is compiled only when some text could match it.
# None: no fixed part (32 hex digits); such text is at least 32 characters long.
_SHAPES: tuple[tuple[str, str, int, tuple[str, ...] | None], ...] = (
    (
        "PEM private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)",
        0,
        ("-----BEGIN ",),
    ),
    (
        "Azure key (84-character)",
        rf"(?<![{_ALNUM}])([{_ALNUM}]{{52}}JQQJ9[9DH][{_ALNUM}][A-L][{_ALNUM}]{{16}}[A-Za-z][{_ALNUM}]{{7}}(?:[{_ALNUM}]{{2}}==)?)(?![{_ALNUM}])",
        1,
        ("JQQJ9",),
    ),
    ("Entra ID client secret", r"(?<![\w~.-])([\w~.-]{3}8Q~[\w~.-]{34})(?![\w~.-])", 1, ("8Q~",)),
    ("JSON Web Token", r"(?<![\w-])(eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*)", 1, ("eyJ",)),
    ("sk- API key", r"(?<![\w-])(sk-[\w-]{4,})", 1, ("sk-",)),
    ("AWS access key id", r"(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Z0-9])", 1, ("AKIA", "ASIA")),
    ("GitHub token", r"(?<!\w)(gh[pousr]_[A-Za-z0-9]{36,})", 1, ("gh",)),
    ("Slack token", r"(?<!\w)(xox[abprs]-[A-Za-z0-9-]{10,})", 1, ("xox",)),
    ("Google API key", r"(?<!\w)(AIza[\w-]{35})(?![\w-])", 1, ("AIza",)),
    # A password between `scheme://user:` and `@host`; references such as ${X} are not secrets.
    ("URL with a password", r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@", 1, ("://",)),
    ("SAS signature", r"[?&]sig=([A-Za-z0-9%+/=]{10,})", 1, ("sig=",)),
    (
        "connection-string secret",
        r"(?i)(?<![A-Za-z])(?:AccountKey|SharedAccessKey|Password|Pwd)=([^;\s\"']+)",
        1,
        ("=",),
    ),
    ("Azure key (32 hex)", r"(?<![0-9A-Fa-f-])([0-9A-Fa-f]{32})(?![0-9A-Fa-f-])", 1, None),
)
_HEX_KEY_LENGTH = 32
_compiled: list[re.Pattern[str] | None] = [None] * len(_SHAPES)


def _pattern(index: int) -> re.Pattern[str]:
    pattern = _compiled[index]
    if pattern is None:
        pattern = _compiled[index] = re.compile(_SHAPES[index][1])
    return pattern


def _could_match(index: int, text: str) -> bool:
    """Whether shape ``index`` could match ``text``: one of its needles occurs (a necessary condition)."""
    needles = _SHAPES[index][3]
    if needles is None:
        return len(text) >= _HEX_KEY_LENGTH
    return any(n in text for n in needles) if len(needles) > 1 else needles[0] in text


_any_needle: list[re.Pattern[str]] = []


def _could_match_any(text: str) -> bool:
    """Whether any shape could match ``text``: one search for all needles and, in a text long enough,
    one for a run of 32 hex digits (what the shape without needles cannot lack). Most values have
    neither: long ones too (a 1,000-deployment config has 3,000 distinct model ids and hosts)."""
    if not _any_needle:
        needles = sorted({n for _k, _s, _g, ns in _SHAPES for n in ns or ()}, key=len, reverse=True)
        _any_needle.append(re.compile("|".join(re.escape(n) for n in needles)))
        _any_needle.append(re.compile(f"[0-9A-Fa-f]{{{_HEX_KEY_LENGTH}}}"))
    if _any_needle[0].search(text) is not None:
        return True
    return len(text) >= _HEX_KEY_LENGTH and _any_needle[1].search(text) is not None


def _shapes(text: str) -> tuple[tuple[str, int, int], ...]:
    """(kind, index, group) of every shape that could match ``text``, in order (_could_match, inlined);
    a tuple, empty at once for most values, and the caller compiles a shape's pattern when it gets to it."""
    if not _could_match_any(text):
        return ()
    long_enough = len(text) >= _HEX_KEY_LENGTH
    found = []
    for index, (kind, _source, group, needles) in enumerate(_SHAPES):
        if needles is None:
            if not long_enough:
                continue
        elif len(needles) == 1:
            if needles[0] not in text:
                continue
        elif not any(n in text for n in needles):
            continue
        found.append((kind, index, group))
    return tuple(found)


_REFERENCE = re.compile(r"^(?:os\.environ/\w+|\$\{\w+(?::?[-=?][^}]*)?\}|\$\w+|<[^<>]*>)$")


def is_reference(value: str) -> bool:
    """An environment-variable reference or a ``<placeholder>``, not a value."""
    text = value.strip()
    return text[:1] in ("o", "$", "<") and _REFERENCE.match(text) is not None  # the first character at once


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


#: Template text people write where the real value goes (`sk-change-me-to-a-strong-key`, `sk-ant-...`,
#: `your-client-secret-here`, `<votre-cle>`, `PASTE_YOUR_KEY_HERE`, `sk-remplacer-moi`, `xxx`): found in
#: the .env.example files and guides of the real-world corpus (tests/realworld/env-*).
_TEMPLATE_TEXT = re.compile(
    r"(?i)(?:<[^<>]*>|\.\.\.|…|x{3,}|\*{3,}|your[-_ ]|[-_]here$|^here$|change[-_ ]?(?:me|this|it)|replace[-_ ]?(?:me|this|with)"
    r"|remplace|paste[-_ ]|insert[-_ ]|put[-_ ]your|fill[-_ ]?in|redacted|example|sample|^todo|^tbd|no[-_]key|password"
    r"|not[-_]?(?:a[-_])?(?:real|needed|required|set|used))"
)
#: Whole values that are dummies, not credentials (compose files use `secret`, `password`, `admin`).
_DUMMY_VALUES = frozenset({"secret", "supersecret", "topsecret", "mysecret", "password", "passwd", "pass", "admin", "test",
                           "testing", "changeme", "changeit", "default"})


def is_placeholder(value: str) -> bool:
    """A stand-in such as ``none`` or ``fake-key`` written where a server needs no real key, or template
    text such as ``sk-change-me`` or ``your-key-here`` written where the real value goes."""
    text = value.strip().lower()
    if text in _PLACEHOLDERS or _PLACEHOLDER_WORDS.match(text) is not None:
        return True
    bare = text.removeprefix("sk-").removeprefix("ant-")
    return bare in _DUMMY_VALUES or len(bare) <= 3 or _TEMPLATE_TEXT.search(text) is not None


def secret_password_is_dummy(value: str) -> bool:
    """A URL whose password is a dummy (`postgres://proxy:secret@db`, `postgresql://app:app@db`):
    compose files and guides ship them for a local database; not a leaked credential."""
    match = re.search(r"[A-Za-z][A-Za-z0-9+.-]*://([^/\s:@]*):([^/\s@]+)@", value)
    if match is None:
        return False
    user, password = match.group(1), match.group(2)
    return password == user or is_placeholder(password)


def find_secret(text: str) -> tuple[str, int] | None:
    """(kind, 0-based offset) of the first secret-looking part of ``text`` that is not template text."""
    for kind, index, group in _shapes(text):
        for match in _pattern(index).finditer(text):
            part = match.group(group)
            if not _hidden(part) and not is_placeholder(part):
                return kind, match.start(group)
    return None


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
    for kind, index, group in _shapes(text):
        for match in _pattern(index).finditer(text):
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
    if not _could_match_any(text):
        return text
    for index, (_kind, _source, group, _needles) in enumerate(_SHAPES):
        if not _could_match(index, text):  # the text as redacted so far
            continue

        def hide(match: re.Match[str], group: int = group) -> str:
            secret = match.group(group)
            if _hidden(secret):
                return match.group(0)
            start, end = match.span(group)
            base = match.start(0)
            whole = match.group(0)
            return whole[: start - base] + REDACTED + whole[end - base :]

        text = _pattern(index).sub(hide, text)
    return text
