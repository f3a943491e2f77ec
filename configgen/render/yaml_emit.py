"""Block-style YAML for plain data, written so that every reader gets the same data back.

Replaces ruamel's round-trip `dump` for the Kubernetes objects and chart values configgen builds: the
same layout (mappings indented by 2, sequence dashes 2 in from their key, multi-line strings as
literal block scalars, ruamel's choice of plain / single / double quotes) at a fraction of the cost,
and safer quoting. A string is written plain only when no reader would take it for anything else:
not PyYAML (YAML 1.1, what LiteLLM reads its config with), not ruamel (YAML 1.2, configgen's own
reader), not kubectl and helm (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1 with Go's number syntax).
ruamel writes `yes`, `on`, `1:20` and `2024-1-5` plain; PyYAML reads the first three as a boolean,
a boolean and the integer 80, and go-yaml the last as a timestamp.

Pure: `emit(data)` returns text or raises TypeError for a value that is not plain data (dict with
str keys, list, str, int, float, bool, None, datetime.date) and UnsafeValue for a lone surrogate
(no UTF-8 file can hold one; the project loader and the template escapers refuse them too).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from configgen.render.escape import UnsafeValue, yaml_scalar

#: Words that are null, booleans, a merge key or the `=` value key to some reader: YAML 1.1 types
#: (yaml.org/type/null.html, bool.html, merge.html, value.html; go-yaml v2 resolve.go also takes
#: y/Y/n/N as booleans) and the YAML 1.2 core schema.
_WORDS = frozenset((
    "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
    "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
))
#: Numbers in any reader's syntax (a superset, on purpose): YAML 1.1 ints (binary, octal `0777`,
#: hex, sexagesimal `1:20`) and floats (yaml.org/type/int.html, float.html), YAML 1.2 core (`0o17`,
#: `1e3`), Go's ParseInt/ParseFloat as go-yaml v2 applies them (`0B1`, `0X1F`, `.5e3`), infinities, NaN.
_NUMBER = re.compile(
    r"""(?=[-+0-9.])[-+]?(?:
        \.(?:inf|Inf|INF|nan|NaN|NAN)
      | 0[bB][01_]+ | 0[xX][0-9a-fA-F_]+ | 0[oO][0-7_]+
      | [0-9_]+
      | [0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
      | \.[0-9_]+(?:[eE][-+]?[0-9]+)?
      | [1-9][0-9_]*(?::[0-5]?[0-9])+
      | [0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    )""",
    re.X,
)
#: Dates and timestamps: YAML 1.1 / 1.2 (yaml.org/type/timestamp.html) and go-yaml v2, which also
#: takes one-digit months and days (`2024-1-5`) and anything after a date and a `T` or a space.
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?", re.S)
#: Characters written as they are (plain or quoted): printable ASCII and printable Unicode, without
#: the BOM and the characters YAML 1.1 readers take for line breaks (U+0085, U+2028, U+2029).
_RAW = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_RAW_TEXT = f"[{_RAW}]*"
#: Multi-line text that a literal block scalar holds exactly: the same characters and newlines (a tab
#: at the start of a line is refused as indentation by libyaml, the parser ruamel uses).
_BLOCK_TEXT = f"[{_RAW}\n]*"
#: The common case, decided without the tests below: a letter, then letters, digits and `._/-`.
_SIMPLE = re.compile(r"[A-Za-z][A-Za-z0-9._/-]*")
#: What a plain scalar may not start with: YAML indicators and a space (`-` only before a space or
#: alone, tested apart; `?` and `:` always, although YAML 1.2 allows `?x` and `:x`).
_INDICATORS = frozenset("?:,[]{}#&*!|>'\"%@` ")
_ESCAPES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r", "\x1b": "e",
    '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P",
}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _raw(text: str) -> bool:
    """``text`` is only characters written as they are: printable ASCII decided without the regex,
    whose Unicode ranges cost milliseconds to compile (it is compiled at the first non-ASCII text)."""
    if text.isascii():
        return text.isprintable()
    return re.fullmatch(_RAW_TEXT, text) is not None


def _block_text(text: str) -> bool:
    if text.isascii():
        return text.replace("\n", "").isprintable()
    return re.fullmatch(_BLOCK_TEXT, text) is not None
#: ruamel writes a key of this many characters or more as an explicit `? key` (PyYAML's limit is 1024).
_SIMPLE_KEY_MAX = 128


def emit(data: Any) -> str:
    """One YAML document (without the `---` line) holding ``data``."""
    e = _Emitter()
    if isinstance(data, dict) and data:
        e.mapping(data, 0, "")
    elif isinstance(data, list) and data:
        e.sequence(data, 0, "")
    else:
        e.out.append(("null" if data is None else e.inline(data)) + "\n")
    if e.open_ended:
        e.out.append("...\n")  # a `|+` block ends the document: its kept blank lines are not the file's last
    return "".join(e.out)


def plain_ok(text: str) -> bool:
    """Whether ``text`` can be a plain scalar that every reader takes for exactly this string."""
    if _SIMPLE.fullmatch(text):
        return text not in _WORDS
    if not text or text[0] in _INDICATORS or text[-1] in " :" or not _raw(text):
        return False
    if (text[0] == "-" and text[1:2] in ("", " ")) or text.startswith(("---", "...")):
        return False
    if ": " in text or " #" in text or text in _WORDS or _DATE.fullmatch(text):
        return False
    if _NUMBER.fullmatch(text):
        return False
    # go-yaml v2 drops underscores before parsing a value that starts with a sign or a digit.
    return not (text[0] in "+-0123456789" and "_" in text and _NUMBER.fullmatch(text.replace("_", "")))


def quote(text: str) -> str:
    """A one-line scalar: plain when safe, else single-quoted, else double-quoted with escapes
    (ruamel's order of preference)."""
    if plain_ok(text):
        return text
    if "'" not in text and _raw(text):
        return f"'{text}'"
    return _double(text)


def _double(text: str) -> str:
    if _SURROGATE.search(text):
        raise UnsafeValue("a string holds a lone surrogate code point (U+D800-U+DFFF)")
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append("\\" + _ESCAPES[ch])
        elif _raw(ch):
            out.append(ch)
        elif ch <= "\xff":
            out.append(f"\\x{ord(ch):02X}")
        else:
            out.append(f"\\u{ord(ch):04X}")  # astral characters are raw (printable): only BMP ones get here
    out.append('"')
    return "".join(out)


def _block_hints(text: str) -> str:
    """The literal block header after `|`: an indentation indicator when the text starts with a space
    or an empty line, `-` (strip) without a final newline, `+` (keep) with more than one."""
    hints = "2" if text[0] in " \n" else ""
    if text[-1] != "\n":
        return hints + "-"
    return hints + ("+" if len(text) == 1 or text[-2] == "\n" else "")


class _Emitter:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.open_ended = False

    def inline(self, value: Any) -> str:
        """A scalar or empty collection on one line."""
        if isinstance(value, str):
            return quote(value)
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return str(yaml_scalar(value))  # always with a dot: `1e+20` alone is a string to PyYAML
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if value == {} and isinstance(value, dict):
            return "{}"
        if value == [] and isinstance(value, list):
            return "[]"
        raise TypeError(f"not plain data: {type(value).__name__}")

    def mapping(self, data: dict[Any, Any], col: int, lead: str) -> None:
        pad = " " * col
        for i, (key, value) in enumerate(data.items()):
            if not isinstance(key, str):
                raise TypeError(f"mapping key {key!r} is not a string")
            start = lead if i == 0 else pad
            if len(key) >= _SIMPLE_KEY_MAX or any(ch in key for ch in "\n\x85\u2028\u2029"):
                self.out.append(f"{start}? {quote(key)}\n")
                self.value(value, col, pad + ":", compact=False)
            else:
                self.value(value, col, f"{start}{quote(key)}:", compact=False)

    def sequence(self, items: list[Any], col: int, lead: str) -> None:
        pad = " " * col
        for i, item in enumerate(items):
            self.value(item, col, (lead if i == 0 else pad) + "-", compact=True)

    def value(self, value: Any, col: int, prefix: str, *, compact: bool) -> None:
        """``value`` after ``prefix`` (`key:` or `-` at column ``col``): nested collections on the next
        lines (a sequence item's own collection starts on its dash line), scalars on this one."""
        self.open_ended = False
        if isinstance(value, dict) and value:
            if compact:
                self.mapping(value, col + 2, prefix + " ")
            else:
                self.out.append(prefix + "\n")
                self.mapping(value, col + 2, " " * (col + 2))
        elif isinstance(value, list) and value:
            if compact:
                self.sequence(value, col + 2, prefix + " ")
            else:
                self.out.append(prefix + "\n")
                self.sequence(value, col + 2, " " * (col + 2))
        elif value is None:
            self.out.append(prefix + "\n")
        elif isinstance(value, str) and "\n" in value and _block_text(value):
            self.literal(value, col + 2, prefix)
        else:
            self.out.append(f"{prefix} {self.inline(value)}\n")

    def literal(self, text: str, col: int, prefix: str) -> None:
        hints = _block_hints(text)
        pad = " " * col
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()  # the last newline ends the last line
        self.out.append(f"{prefix} |{hints}\n")
        self.out.append("".join(f"{pad}{line}\n" if line else "\n" for line in lines))
        self.open_ended = hints.endswith("+")
