"""Read .env files the way python-dotenv and Node's dotenv do, with 1-based positions; quote values safely.

Two readers matter for this project: the proxy side reads .env with python-dotenv (1.2.x,
``dotenv/parser.py``), the app side (``server/.env``) with Node's dotenv (16.x-18.x,
``lib/main.js`` ``LINE``/``parse``). They disagree on quotes, escapes, inline ``#`` and ``${X}``
interpolation, so :func:`scan` follows python-dotenv's grammar statement by statement (keeping where
each key and value starts) and :func:`node_parse` reproduces Node's regex, letting the rules point at
values the two would read differently.
"""

from __future__ import annotations

import codecs
import functools
import re
from typing import NamedTuple

from configgen.findings import Finding, Severity
from configgen.load.limits import DOTENV_EXPANSION
from configgen.secrets import register_secret, secret_kind

# python-dotenv 1.2.x dotenv/parser.py, verbatim.
_newline = re.compile(r"(\r\n|\n|\r)")
_multiline_whitespace = re.compile(r"\s*", re.MULTILINE)
_whitespace = re.compile(r"[^\S\r\n]*")
_export = re.compile(r"(?:export[^\S\r\n]+)?")
_single_quoted_key = re.compile(r"'([^']+)'")
_unquoted_key = re.compile(r"([^=\#\s]+)")
_equal_sign = re.compile(r"(=[^\S\r\n]*)")
_single_quoted_value = re.compile(r"'((?:\\.|[^'\\])*)'", re.DOTALL)
_double_quoted_value = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_unquoted_value = re.compile(r"([^\r\n]*)")
_comment = re.compile(r"(?:[^\S\r\n]*#[^\r\n]*)?")
_end_of_line = re.compile(r"[^\S\r\n]*(?:\r\n|\n|\r|$)")
_rest_of_line = re.compile(r"[^\r\n]*(?:\r|\n|\r\n)?")
_double_quote_escapes = re.compile(r"\\[\\'\"abfnrtv]")
_single_quote_escapes = re.compile(r"\\[\\']")
# python-dotenv variables.py: `${NAME}` / `${NAME:-default}` is expanded in every value, quoted or not
# (main.py DotEnv.dict -> resolve_variables); Node's dotenv never expands.
_posix_variable = re.compile(r"\$\{(?P<name>[^\}:]*)(?::-(?P<default>[^\}]*))?\}")

# Node dotenv lib/main.js LINE (identical in 16.6 and 18.0). JS `\w` is ASCII-only; JS `\s` is close
# enough to Python's for the characters dotenv_quote lets through.
_NODE_LINE = re.compile(
    r"(?:^|^)\s*(?:export\s+)?([A-Za-z0-9_.-]+)(?:\s*=\s*?|:\s+?)"
    r"(\s*'(?:\\'|[^'])*'|\s*\"(?:\\\"|[^\"])*\"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?"
    r"\s*(?:#.*)?(?:$|$)",
    re.MULTILINE,
)
_NODE_UNQUOTE = re.compile(r"^(['\"`])([\s\S]*)\1$", re.MULTILINE)


class DotenvEntry(NamedTuple):
    key: str
    value: str
    line: int
    column: int  # of the key
    value_column: int
    raw: str  # the whole line as written


class DotenvDocument(NamedTuple):
    file: str
    text: str
    entries: tuple[DotenvEntry, ...]

    def get(self, key: str) -> DotenvEntry | None:
        found = None
        for e in self.entries:
            if e.key == key:
                found = e  # last one wins, as in python-dotenv and Node's dotenv with override
        return found

    def finding(
        self,
        rule_id: str,
        severity: Severity,
        entry: DotenvEntry | None,
        message: str,
        hint: str = "",
        *,
        on_value: bool = False,
    ) -> Finding:
        if entry is None:
            return Finding(rule_id, severity, message, hint, self.file, 0, 0, ())
        col = entry.value_column if on_value else entry.column
        return Finding(rule_id, severity, message, hint, self.file, entry.line, col, (entry.key,))


class Statement(NamedTuple):
    """One python-dotenv statement (a binding, a comment/blank run, or a line it could not parse)."""

    line: int  # 1-based line of the first character that is not blank
    column: int  # 1-based column of the key (or of the first character for errors)
    raw: str  # the statement as written, without the line break that ends it
    key: str | None
    value: str | None  # as python-dotenv reads it, before ${X} interpolation; None for `KEY` without `=`
    value_line: int
    value_column: int
    quote: str  # "'", '"' or "" (unquoted)
    error: bool  # python-dotenv skips it with "could not parse statement"
    export: bool
    space_before_equals: bool
    space_after_equals: bool
    value_text: str  # the value as written (quotes included, comment excluded)
    trailing: str  # what follows the value on its last line (comment and blanks)


class _Error(Exception):
    pass


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def has_next(self) -> bool:
        return self.pos < len(self.text)

    def peek(self, count: int) -> str:
        return self.text[self.pos : self.pos + count]

    def read_regex(self, regex: re.Pattern[str]) -> tuple[str, ...]:
        match = regex.match(self.text, self.pos)
        if match is None:
            raise _Error
        self.pos = match.end()
        return tuple(g or "" for g in match.groups())


def _decode(regex: re.Pattern[str], value: str) -> str:
    return regex.sub(lambda m: codecs.decode(m.group(0), "unicode-escape"), value)


class _Positions:
    """Offset -> 1-based (line, column), with python-dotenv's notion of line breaks (\\r\\n, \\n, \\r)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _newline.finditer(text)]

    def at(self, offset: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def scan(text: str) -> list[Statement]:
    """Every statement of ``text`` in order, as python-dotenv's ``parse_stream`` sees them."""
    text = text.removeprefix("\ufeff")
    pos_of = _Positions(text)
    reader = _Reader(text)
    out: list[Statement] = []
    while reader.has_next():
        mark = reader.pos
        reader.read_regex(_multiline_whitespace)
        if not reader.has_next():
            break
        start = reader.pos
        try:
            before_export = reader.pos
            reader.read_regex(_export)
            export = reader.pos > before_export
            key_start = reader.pos
            if reader.peek(1) == "#":
                reader.read_regex(_comment)
                reader.read_regex(_end_of_line)
                continue
            if reader.peek(1) == "'":
                (key,) = reader.read_regex(_single_quoted_key)
            else:
                (key,) = reader.read_regex(_unquoted_key)
            ws_start = reader.pos
            reader.read_regex(_whitespace)
            space_before = reader.pos > ws_start
            value: str | None = None
            quote = ""
            space_after = False
            value_start = reader.pos
            value_text = ""
            if reader.peek(1) == "=":
                (equal_sign,) = reader.read_regex(_equal_sign)
                space_after = len(equal_sign) > 1
                value_start = reader.pos
                char = reader.peek(1)
                if space_after and char == "#":
                    value = ""
                elif char == "'":
                    quote = char
                    (inner,) = reader.read_regex(_single_quoted_value)
                    value = _decode(_single_quote_escapes, inner)
                elif char == '"':
                    quote = char
                    (inner,) = reader.read_regex(_double_quoted_value)
                    value = _decode(_double_quote_escapes, inner)
                elif char in ("", "\n", "\r"):
                    value = ""
                else:
                    (part,) = reader.read_regex(_unquoted_value)
                    value = re.sub(r"\s+#.*", "", part).rstrip()
                    reader.pos = value_start + len(value)
                value_text = text[value_start : reader.pos]
            trailing_start = reader.pos
            reader.read_regex(_comment)
            reader.read_regex(_end_of_line)
            trailing = _newline.sub("", text[trailing_start : reader.pos])
            line, col = pos_of.at(key_start)
            vline, vcol = pos_of.at(value_start)
            out.append(
                Statement(
                    line,
                    col,
                    text[start : reader.pos].rstrip("\r\n"),
                    key,
                    value,
                    vline,
                    vcol,
                    quote,
                    False,
                    export,
                    space_before,
                    space_after,
                    value_text,
                    trailing,
                )
            )
        except _Error:
            # Like python-dotenv: skip the rest of the line from where reading failed (a quoted
            # value may already have consumed several lines).
            reader.read_regex(_rest_of_line)
            line, col = pos_of.at(start)
            raw = text[start : reader.pos].rstrip("\r\n")
            out.append(Statement(line, col, raw, None, None, line, col, "", True, False, False, False, "", ""))
        if reader.pos == mark:  # never loop without progress
            reader.pos += 1
    return out


class ExpansionTooLarge(Exception):
    """python-dotenv would expand a value past the limit (a `${A}${A}...` chain doubles at each line)."""

    def __init__(self, statement: Statement, limit: int) -> None:
        super().__init__(statement.key)
        self.statement = statement
        self.limit = limit


def python_values(text: str) -> dict[str, str | None]:
    """What python-dotenv's ``dotenv_values(interpolate=True)`` returns for ``text`` (with an empty environment).

    Raises :class:`ExpansionTooLarge` for the first value that ``${NAME}`` expansion would grow past
    :data:`configgen.load.limits.DOTENV_EXPANSION` characters, before building it.
    """
    limit = DOTENV_EXPANSION.value()
    result: dict[str, str | None] = {}
    for st in scan(text):
        if st.error or st.key is None:
            continue
        value = st.value
        if value is not None:
            value = _interpolate(value, result, limit, st)
        result[st.key] = value
    return result


def _interpolate(value: str, known: dict[str, str | None], limit: int, st: Statement) -> str:
    size = len(value)

    def replace(match: re.Match[str]) -> str:
        nonlocal size
        found = known.get(match.group("name"))
        out = found if found is not None else (match.group("default") or "")
        size += len(out) - len(match.group(0))
        if size > limit:
            raise ExpansionTooLarge(st, limit)
        return out

    return _posix_variable.sub(replace, value)


def node_parse(text: str) -> dict[str, str]:
    """What Node's ``dotenv.parse`` returns for ``text`` (lib/main.js ``parse``, ported line by line)."""
    lines = re.sub(r"\r\n?", "\n", text)
    out: dict[str, str] = {}
    for match in _NODE_LINE.finditer(lines):
        key = match.group(1)
        value = (match.group(2) or "").strip(_JS_WHITESPACE)
        maybe_quote = value[:1]
        value = _NODE_UNQUOTE.sub(r"\2", value)
        if maybe_quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        out[key] = value
    return out


# What JavaScript's String.prototype.trim removes (ECMA-262 WhiteSpace and LineTerminator).
_JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def parse_dotenv(text: str, file: str) -> DotenvDocument:
    """The bindings of a .env file with 1-based positions of each key and value."""
    entries = tuple(
        DotenvEntry(
            key=st.key,
            value=st.value if st.value is not None else "",
            line=st.line,
            column=st.column,
            value_column=st.value_column,
            raw=st.raw,
        )
        for st in statements(text)
        if not st.error and st.key is not None
    )
    for entry in entries:
        # A value this run read is redacted from every output, whatever it looks like (secrets.py).
        if _SECRET_NAME.search(entry.key) or secret_kind(entry.value):
            register_secret(entry.value)
    return DotenvDocument(file, text, entries)


#: Variable names that hold secrets by convention (AZURE_API_KEY, LITELLM_MASTER_KEY, REDIS_PASSWORD, ...).
_SECRET_NAME = re.compile(r"(?i)(?:^|_)(?:KEY|SECRET|PASSWORD|PASSWD|PWD|TOKEN|CREDENTIALS?)$")


@functools.lru_cache(maxsize=64)
def _scan_cached(text: str) -> tuple[Statement, ...]:
    return tuple(scan(text))


def statements(text: str) -> tuple[Statement, ...]:
    """:func:`scan`, cached: every dotenv rule asks for the same file's statements."""
    return _scan_cached(text)


# Characters no .env value may hold: line breaks end the statement in one reader or the other
# (Node's `\s` and String.trim also treat U+2028/U+2029/U+0085 as breaks), NUL ends C strings.
_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029\ufeff]")


def dotenv_quote(value: str) -> str:
    """``value`` written so that python-dotenv, Node's dotenv, `sh` and `bash` (``set -a; . ./.env``)
    all read back exactly ``value``, and none of them expands or runs anything in it.

    Single quotes whenever the value has no single quote: no reader expands anything there except
    python-dotenv, which decodes `\\\\` and `\\'` (so a doubled or final backslash is refused) and
    expands `${NAME}` even inside them (refused). A value with a single quote goes between double
    quotes, which is safe only without `"`, `$`, a backtick or a backslash: the shells expand the
    last three there. Raises ValueError, saying why, for every other value (and never falls back to
    bare text, which a shell would split, glob and expand).
    """
    if _UNSAFE.search(value):
        raise ValueError("value holds a line break or control character; a .env value must be one plain line")
    if _posix_variable.search(value):
        # python-dotenv expands ${X} even inside single quotes and has no escape for `$`.
        raise ValueError("value contains ${...}, which python-dotenv would expand; Node's dotenv would not")
    if "'" not in value:
        if "\\\\" in value or value.endswith("\\"):
            raise ValueError(
                "value has a doubled or final backslash: python-dotenv reads `\\\\` in quotes as one "
                "backslash, sh and Node's dotenv as two"
            )
        return f"'{value}'"
    specials = sorted(set(value) & set('"$`\\'))
    if specials:
        shown = " ".join(f"`{ch}`" for ch in specials)
        raise ValueError(
            f"value has a single quote and {shown}: no quoting keeps both literal for sh, bash, "
            "python-dotenv and Node's dotenv (sh expands `$`, backticks and `\\` inside double quotes)"
        )
    return f'"{value}"'
