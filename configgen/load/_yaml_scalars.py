"""Scalars as the C-parser reader resolves them: YAML 1.2's core schema, as ruamel.yaml reads it."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from configgen.findings import DataPath
from configgen.load._yaml_common import SURROGATE, Unsupported

Y = "tag:yaml.org,2002:"
SCALAR_TAGS = {Y + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")
STR = Y + "str"
MERGE = Y + "merge"


class Scalars:
    """Scalar events to values, for one document (the event reader's ``construct``)."""

    def __init__(self) -> None:
        from ruamel.yaml.resolver import VersionedResolver

        # ruamel's YAML 1.2 implicit resolvers: first character -> [(tag, regexp)], what
        # VersionedResolver.resolve consults (it also finds its YAML version through two caught
        # AttributeErrors per scalar, which made resolving a third of the load time).
        table = VersionedResolver().versioned_resolver
        self.implicit: dict[str, list[tuple[str, Any]]] = {k: v for k, v in table.items() if k is not None}
        self.implicit_any: list[tuple[str, Any]] = table.get(None, [])
        # plain scalar text -> (value, tag): a plain scalar's value depends on its text alone, and keys,
        # model names and numbers repeat a lot (every cached value is immutable: str, int, float,
        # bool, None, date).
        self.plain: dict[str, tuple[Any, str]] = {}

    def resolve_plain(self, value: str) -> str:
        """The tag of a plain scalar, as ruamel.yaml's VersionedResolver.resolve gives it."""
        for tag, regexp in [*self.implicit.get(value[:1], ()), *self.implicit_any]:
            if regexp.match(value):
                return str(tag)
        return STR

    def construct(self, event: Any, path: DataPath) -> tuple[Any, str]:
        # `ctag`, not ruamel's `tag` property (a call per scalar): the tag is None exactly when it is.
        if event.ctag is None and event.implicit[0]:  # plain: its value depends on its text alone
            text: str = event.value
            hit = self.plain.get(text)
            if hit is None:
                hit = self.plain[text] = self.construct_any(event, path)
            return hit
        return self.construct_any(event, path)

    def construct_any(self, event: Any, path: DataPath) -> tuple[Any, str]:
        value: str = event.value
        if not value.isascii() and SURROGATE.search(value):
            # "\\ud800" is valid YAML but not text: it cannot be written to a UTF-8 file or printed.
            raise Unsupported(path, "string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF)")
        tag = event.tag
        if tag is None or tag == "!":
            if tag is None and event.implicit[0]:  # plain
                tag = self.resolve_plain(value)
            else:
                return value, STR
        if tag == STR:
            return value, tag
        if tag == MERGE:
            return value, tag
        if tag == Y + "binary":
            raise Unsupported(path, "binary data (!!binary) is not supported here")
        if tag not in SCALAR_TAGS:
            raise Unsupported(path, f"YAML tag {tag} is not supported")
        return scalar_value(tag, value, path), tag


def mapping_key(value: Any, path: DataPath) -> str:
    """Mapping keys become strings (YAML lets `4000:` or `true:` be keys; our paths are strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, str | int | float | dt.date):
        return "null" if value is None else str(value)
    raise Unsupported(path, "a list or mapping used as a mapping key is not supported")


INF = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf}


def scalar_value(tag: str, value: str, path: DataPath) -> Any:
    kind = tag[len(Y):]
    if kind == "str":
        return value
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind == "int":
        text = value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        try:
            if digits[:2] in ("0x", "0X"):
                return sign * int(digits[2:], 16)
            if digits[:2] in ("0o", "0O"):
                return sign * int(digits[2:], 8)
            if digits[:2] in ("0b", "0B"):
                return sign * int(digits[2:], 2)
            return sign * int(digits, 10)
        except ValueError as exc:  # e.g. 5,000 digits: Python refuses to convert it
            raise Unsupported(path, f"integer {value[:20]}... cannot be read: {exc}") from exc
    if kind == "float":
        low = value.lower()
        if low in INF:
            return INF[low]
        if low == ".nan":
            return math.nan
        try:
            return float(value.replace("_", ""))
        except ValueError as exc:
            raise Unsupported(path, f"number {value[:20]!r} cannot be read") from exc
    # timestamp
    if DATE.match(value):
        y, m, d = (int(x) for x in value.split("-"))
        try:
            return dt.date(y, m, d)
        except ValueError:
            return value
    try:
        stamp = dt.datetime.fromisoformat(value.replace(" ", "T", 1) if "T" not in value else value)
    except ValueError:
        return value
    return stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp
