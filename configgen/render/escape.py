"""Escapers, one per output language. Templates may only interpolate values that went through one.

Each escaper returns :class:`Escaped`; the Jinja environment's ``finalize`` refuses anything else, so a
template that forgets to escape fails loudly instead of writing an injectable file.
"""

from __future__ import annotations

import functools
import math
import re


class Escaped(str):
    """A string already made safe for the output language it was escaped for."""

    __slots__ = ()


class UnsafeValue(ValueError):
    """A value that cannot be written safely in the target language."""


def _printable_ascii(ch: str) -> bool:
    return " " <= ch <= "~"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    # A lone surrogate (YAML "\ud800") is not text: no UTF-8 file can hold it, so refuse it here
    # with a clear message instead of failing later while writing.
    if _SURROGATE.search(text):
        raise UnsafeValue("contains a lone surrogate code point (U+D800-U+DFFF)")
    return text


#: Printable ASCII without `"` and `\`: written between double quotes as it is.
_PLAIN_ASCII = re.compile(r'[ !#-\[\]-~]*\Z')


def yaml_str(value: object) -> Escaped:
    """A YAML double-quoted scalar that PyYAML (what LiteLLM uses) and ruamel read back exactly.

    Only printable ASCII is written raw; everything else is a YAML escape, so no byte of the value
    can end the scalar, start a new key or be mangled by a reader.
    """
    if type(value) is str:
        return _yaml_str_text(value)  # endpoints, versions and references repeat in every entry
    return _yaml_str(str(value))


@functools.lru_cache(maxsize=8192)
def _yaml_str_text(text: str) -> Escaped:
    return _yaml_str(text)


def _yaml_str(text: str) -> Escaped:
    if _PLAIN_ASCII.match(text):
        return Escaped(f'"{text}"')  # the common case: nothing to escape
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif _printable_ascii(ch):
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            raise UnsafeValue("contains a lone surrogate code point")
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return Escaped("".join(out))


def yaml_scalar(value: object) -> Escaped:
    """Numbers and booleans as YAML literals; everything else as a double-quoted string.

    Floats are written in the one form YAML 1.1 (PyYAML) and 1.2 (ruamel) both read as a float:
    a digit, a dot and a signed exponent (`1e+20` without the dot is a string to PyYAML).
    """
    if isinstance(value, bool):
        return Escaped("true" if value else "false")
    if isinstance(value, int):
        return Escaped(str(value))
    if isinstance(value, float):
        if math.isnan(value):
            return Escaped(".nan")
        if math.isinf(value):
            return Escaped(".inf" if value > 0 else "-.inf")
        mantissa, _, exponent = repr(value).partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        return Escaped(mantissa + (f"e{int(exponent):+d}" if exponent else ""))
    return yaml_str(value)


def dotenv_value(value: object) -> Escaped:
    """A .env value that python-dotenv and Node's dotenv both read back exactly."""
    from configgen.load.dotenv import dotenv_quote

    try:
        return Escaped(dotenv_quote(_no_surrogates(str(value))))
    except ValueError as exc:
        raise UnsafeValue(str(exc)) from exc


_TOKEN = re.compile(r"[A-Za-z0-9._:/\[\]@%+=-]+\Z")  # \Z: `$` would accept a trailing newline

#: Variables a shell sets itself or will not let a file set: `set -a; . ./server/.env` leaves them
#: without the file's value (each assigned from a file and printed back, with bash 5.2 and dash 0.5.12:
#: tests/unit/test_dotenv_names.py). bash's read-only variables, its dynamic ones, `_` (the last
#: argument of the previous command) and OPTIND (reset by both).
SHELL_SET_NAMES = frozenset({
    "_", "BASHOPTS", "BASHPID", "BASH_ARGC", "BASH_ARGV", "BASH_COMMAND", "BASH_LINENO", "BASH_SOURCE",
    "BASH_SUBSHELL", "BASH_VERSINFO", "DIRSTACK", "EPOCHREALTIME", "EPOCHSECONDS", "EUID", "FUNCNAME", "GROUPS",
    "HISTCMD", "LINENO", "OPTIND", "PIPESTATUS", "PPID", "RANDOM", "SECONDS", "SHELLOPTS", "SRANDOM", "UID",
})


def config_token(value: object) -> Escaped:
    """A bare token for nginx / HAProxy configuration (host, port, path, file name).

    These languages have no quoting that every directive honours, so instead of escaping we only
    allow characters that cannot end a directive (`;`), open a block (`{`), start a comment (`#`),
    expand a variable (`$`) or split a token (spaces, quotes, newlines).
    """
    text = str(value)
    if not _TOKEN.match(text):
        raise UnsafeValue(f"{text!r} is not a safe configuration token (letters, digits and ._:/[]@%+=- only)")
    return Escaped(text)


def dotenv_name(value: object) -> Escaped:
    """A variable name for server/.env: a configuration token, and one a shell sourcing the file keeps."""
    text = config_token(value)
    if text in SHELL_SET_NAMES:
        raise UnsafeValue(f"a shell sets {text} itself: `. ./server/.env` does not give it this value")
    return text


def bicep_str(value: object) -> Escaped:
    """A Bicep single-quoted string literal: backslash escapes, `$` escaped so `${...}` never interpolates."""
    text = _no_surrogates(str(value))
    out = ["'"]
    for ch in text:
        if ch == "'":
            out.append("\\'")
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "$":
            out.append("\\$")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append("'")
    return Escaped("".join(out))


def comment_text(value: object) -> Escaped:
    """Text for a `#` comment line: newlines and control characters removed."""
    # U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 readers (PyYAML) and JavaScript.
    text = re.sub(r"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029\ud800-\udfff]+", " ", str(value))
    return Escaped(text)


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def ident(value: object) -> Escaped:
    """A bare identifier (a YAML key or config keyword chosen by configgen itself)."""
    text = str(value)
    if not _IDENT.match(text):
        raise UnsafeValue(f"{text!r} is not an identifier")
    return Escaped(text)


def int_literal(value: object) -> Escaped:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsafeValue(f"{value!r} is not an integer")
    return Escaped(str(value))


FILTERS = {
    "yaml": yaml_scalar,
    "yaml_str": yaml_str,
    "dotenv": dotenv_value,
    "token": config_token,
    "dotenv_name": dotenv_name,
    "bicep": bicep_str,
    "comment": comment_text,
    "int": int_literal,
    "ident": ident,
}
