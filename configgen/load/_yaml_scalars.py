"""Scalars as the C-parser reader resolves them: YAML 1.2's core schema, as ruamel.yaml reads it."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from configgen.findings import DataPath
from configgen.load._yaml_common import Unsupported

Y = "tag:yaml.org,2002:"
SCALAR_TAGS = {Y + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
DATE = re.compile(r"^\d{4}-\d\d?-\d\d?$")


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
