"""Turn validation errors (in Pydantic's shape, see :mod:`configgen.model.records`) into located findings
with hints and "did you mean"."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable
from typing import Any

from configgen.findings import DataPath, Finding, Severity
from configgen.load.yaml import YamlDocument
from configgen.model.records import Record, ValidationError
from configgen.suggest import hint_for

#: Human descriptions of the name patterns, so an error says what is allowed, not a regex.
_PATTERN_HELP = {
    "^[A-Za-z_][A-Za-z0-9_]*$": "an environment variable name (letters, digits and _, not starting with a digit)",
    "^[A-Za-z0-9._-]+$": "letters, digits, '.', '_' and '-' only",
    "^[A-Za-z0-9][A-Za-z0-9._-]*$": "letters, digits, '.', '_' and '-', starting with a letter or digit",
}


def _data_path(data: Any, loc: tuple[int | str, ...]) -> DataPath:
    """Pydantic locations include union tags (`api_key`, `entra`); keep only what exists in the data."""
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
        elif last:
            out.append(part)
        # else: a union tag or validator name; skip it
    return tuple(out)


def _fields_at(model: type[Record], loc: tuple[int | str, ...]) -> list[str]:
    """The field names a model accepts at ``loc`` (for "did you mean" on unknown keys)."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
        if current is None:
            return []
    models = _models_in(current)
    names: list[str] = []
    for m in models:
        names.extend(m.model_fields)
    return names


def _is_model(tp: type) -> bool:
    """A record, or a Pydantic model (the project's `catalog:` section): both list `model_fields`."""
    return issubclass(tp, Record) or isinstance(getattr(tp, "model_fields", None), dict)


def _models_in(tp: Any) -> list[type[Record]]:
    if isinstance(tp, type) and _is_model(tp):
        return [tp]
    out: list[type[Record]] = []
    for arg in typing.get_args(tp):
        out.extend(_models_in(arg))
    return out


def _descend(tp: Any, part: int | str) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _descend(typing.get_args(tp)[0], part)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is type(None):
                continue
            models = _models_in(arg)
            for m in models:
                if isinstance(part, str) and part in m.model_fields:
                    return m.model_fields[part].annotation
            if isinstance(part, str) and any(part == _tag(m) for m in models):
                return arg
        return None
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin is list:
        return typing.get_args(tp)[0]
    if isinstance(tp, type) and _is_model(tp) and isinstance(part, str):
        field = getattr(tp, "model_fields", {}).get(part)
        return field.annotation if field else None
    return None


def _tag(model: type[Record]) -> str | None:
    field = model.model_fields.get("type")
    if field is None:
        return None
    args = typing.get_args(field.annotation)
    return str(args[0]) if args else None


def findings_from_error(
    err: ValidationError | Any,  # or Pydantic's: the same errors() shape
    data: Any,
    model: type[Record] | Any,
    doc: YamlDocument,
    origin: Callable[[DataPath], DataPath] = lambda p: p,
) -> list[Finding]:
    """One finding per Pydantic error, located at the source path that ``origin`` maps to."""
    out: list[Finding] = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        etype = e["type"]
        value = e.get("input")
        if loc and loc[-1] == "[key]":
            # A mapping key (a resource, deployment or alias name) that breaks its naming rule.
            path = _data_path(data, loc[:-1])
            rule_text = _PATTERN_HELP.get(e.get("ctx", {}).get("pattern", ""), "a valid name")
            out.append(doc.finding("schema-value", Severity.ERROR, origin(path), f"name {_show(value)} is not valid",
                                   f"use {rule_text}", key=True))
            continue
        path = _data_path(data, loc)
        src = origin(path)
        key = path[-1] if path else ""
        if etype != "missing" and isinstance(value, str) and _looks_secret(value):
            continue  # one problem, one finding: project-inline-secret reports a pasted key wherever it is
        if etype == "extra_forbidden":
            allowed = _fields_at(model, tuple(p for p in loc[:-1]))
            hint = hint_for(str(key), allowed, "allowed here: " + ", ".join(sorted(allowed)) if allowed else "")
            out.append(doc.finding("schema-unknown-key", Severity.ERROR, src, f"unknown key `{key}`", hint, key=True))
        elif etype == "missing":
            parent = origin(path[:-1])
            out.append(
                doc.finding(
                    "schema-missing-key",
                    Severity.ERROR,
                    parent,
                    f"missing required key `{key}`" + (f" in `{_fmt(path[:-1])}`" if path[:-1] else ""),
                    f"add `{key}:`",
                    key=True,
                )
            )
        elif etype in ("string_type", "int_type", "bool_type", "float_type", "dict_type", "list_type", "model_type",
                       "model_attributes_type", "int_from_float", "literal_error", "union_tag_invalid",
                       "union_tag_not_found", "string_pattern_mismatch", "greater_than_equal", "less_than_equal",
                       "too_short", "too_long", "string_too_short", "string_too_long", "int_parsing", "enum"):
            out.append(_value_finding(etype, e, value, key, src, doc))
        else:
            out.append(doc.finding("schema-invalid", Severity.ERROR, src, f"`{key}`: {e['msg']}",
                                   "see `configgen schema` or the README's project-file reference"))
    return _merge_typos(out)


def _merge_typos(findings: list[Finding]) -> list[Finding]:
    """A misspelt required key is one mistake, not two: keep the unknown key (it has the "did you
    mean"), drop the "missing" finding it explains."""
    explained = set()
    for f in findings:
        if f.rule == "schema-unknown-key" and f.hint.startswith("did you mean `"):
            explained.add((f.path[:-1], f.hint.split("`")[1]))
    return [
        f
        for f in findings
        if not (f.rule == "schema-missing-key" and (f.path, f.message.split("`")[1]) in explained)
    ]


def _fmt(path: DataPath) -> str:
    from configgen.findings import format_path

    return format_path(path)


def _value_finding(etype: str, e: Any, value: Any, key: Any, src: DataPath, doc: YamlDocument) -> Finding:
    shown = _show(value)
    if isinstance(value, dt.date) and etype == "string_type":
        return doc.finding(
            "schema-type",
            Severity.ERROR,
            src,
            f"`{key}` is {value.isoformat()}, which YAML reads as a date, not a string",
            f'quote it: "{value.isoformat()}"',
        )
    if etype == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return doc.finding(
            "schema-type", Severity.ERROR, src, f"`{key}` must be a string, got the number {shown}",
            f'quote it: "{value}" (YAML drops leading zeros of unquoted numbers)',
        )
    if etype in ("int_type", "int_parsing", "bool_type", "float_type"):
        want = {"int_type": "an integer", "int_parsing": "an integer", "bool_type": "true or false",
                "float_type": "a number"}[etype]
        example = {"int_type": "3", "int_parsing": "3", "bool_type": "true", "float_type": "1.5"}[etype]
        quoted = isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit()
        hint = "remove the quotes" if quoted else f"write {want}, e.g. `{key}: {example}`"
        return doc.finding("schema-type", Severity.ERROR, src, f"`{key}` must be {want}, got {shown}", hint)
    if etype in ("dict_type", "model_type", "model_attributes_type"):
        return doc.finding("schema-type", Severity.ERROR, src, f"`{key}` must be a mapping, got {shown}",
                           "write its keys indented below it, or `{}`")
    if etype == "list_type":
        return doc.finding("schema-type", Severity.ERROR, src, f"`{key}` must be a list, got {shown}",
                           f"write it as a YAML list: [{shown}]")
    if etype == "literal_error":
        expected = e.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",") if c.strip()]
        hint = hint_for(str(value), choices, f"one of: {', '.join(choices)}")
        return doc.finding("schema-value", Severity.ERROR, src, f"`{key}`: {shown} is not allowed", hint)
    if etype in ("union_tag_invalid", "union_tag_not_found"):
        ctx = e.get("ctx", {})
        return doc.finding("schema-value", Severity.ERROR, src, f"`{key}`: {e['msg']}",
                           f"set `type:` to one of {ctx.get('expected_tags', '')}".strip())
    if etype == "string_pattern_mismatch":
        pattern = e.get("ctx", {}).get("pattern", "")
        allowed = _PATTERN_HELP.get(pattern, f"must match {pattern}")
        return doc.finding("schema-value", Severity.ERROR, src, f"`{key}`: {shown} is not valid", f"use {allowed}")
    return doc.finding("schema-value", Severity.ERROR, src, f"`{key}`: {e['msg']} (got {shown})",
                       "see `configgen schema` or the README's project-file reference")


def _looks_secret(value: str) -> bool:
    from configgen.secrets import secret_kind

    return secret_kind(value) is not None


def _show(value: Any) -> str:
    if isinstance(value, str):
        from configgen.secrets import secret_kind

        if secret_kind(value):
            return "a value that looks like a secret (not shown)"
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return str(value)
