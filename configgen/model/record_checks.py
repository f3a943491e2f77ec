"""Validators compiled from record classes: one closure per type, built at a record's first validation.

Each validator takes (value, loc, errors) and returns the validated value, or ``BAD`` after appending
Pydantic-shaped errors (strict mode: no coercion; see :mod:`configgen.model.records`).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Any, Literal

from configgen.model.record_spec import _MISSING, BAD, Check, Errors, FieldSpec, Loc, RecordBase, hints


def record_check(cls: type[RecordBase]) -> Check:
    check = cls.__dict__.get("_check")
    if check is None:
        check = _compile_record(cls)
    return check


def _compile_record(cls: type[RecordBase]) -> Check:
    # Placeholder first: a record that (indirectly) contains itself compiles once.
    fields: list[tuple[str, Check, Any, Callable[[], Any] | None]] = []
    names = set(cls.model_fields)

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            errors.append(_err("model_type", loc, f"Input should be a valid dictionary or instance of {cls.__name__}",
                               value, {"class_name": cls.__name__}))
            return BAD
        out: dict[str, Any] = {}
        before = len(errors)
        given = 0
        for name, field_check, default, factory in fields:
            if name in value:
                given += 1
                v = field_check(value[name], (*loc, name), errors)
            elif factory is not None:
                v = factory()
            elif default is not _MISSING:
                v = default
            else:
                errors.append(_err("missing", (*loc, name), "Field required", value))
                continue
            out[name] = v
        if len(value) > given:
            for key, item in value.items():
                if not isinstance(key, str):
                    errors.append(_err("invalid_key", (*loc, key), "Keys should be strings", key))
                elif key not in names:
                    errors.append(_err("extra_forbidden", (*loc, key), "Extra inputs are not permitted", item))
        if len(errors) > before:
            return BAD
        record = object.__new__(cls)
        object.__setattr__(record, "__dict__", out)
        return record

    cls._check = check
    annotations = hints(cls)
    for name, info in cls.model_fields.items():
        spec = info.spec
        fields.append((name, _compile(annotations[name], [spec]), spec.default, spec.default_factory))
    return check


def _compile(tp: Any, specs: list[FieldSpec]) -> Check:
    """A validator for annotation ``tp`` under the constraints of ``specs`` (outermost last)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        return _compile(base, [m for m in meta if isinstance(m, FieldSpec)] + specs)
    limits: dict[str, Any] = {}
    discriminator = None
    for spec in specs:
        limits.update(spec.limits)
        discriminator = spec.discriminator or discriminator
    if tp is Any:
        return lambda value, loc, errors: value
    if isinstance(tp, type) and issubclass(tp, RecordBase):
        return _lazy_record(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if discriminator is not None:
            return _tagged(args, discriminator)
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            inner = _compile(rest[0], specs)
            return lambda value, loc, errors: None if value is None else inner(value, loc, errors)
        raise TypeError(f"unsupported union {tp!r}: only `X | None` and unions with a discriminator")
    if origin is Literal:
        return _literal(typing.get_args(tp))
    if origin is dict:
        key_type, value_type = typing.get_args(tp)
        return _dict(_compile(key_type, []), _compile(value_type, []), limits)
    if origin is list:
        return _list(_compile(typing.get_args(tp)[0], []), limits)
    if tp is str:
        return _str(limits)
    if tp is bool:
        return _simple(lambda v: v is True or v is False, "bool_type", "Input should be a valid boolean")
    if tp is int:
        return _int(limits)
    raise TypeError(f"unsupported annotation {tp!r}")


def _lazy_record(cls: type[RecordBase]) -> Check:
    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        return record_check(cls)(value, loc, errors)

    return check


def _err(kind: str, loc: Loc, msg: str, value: Any, ctx: dict[str, Any] | None = None) -> dict[str, Any]:
    e: dict[str, Any] = {"type": kind, "loc": loc, "msg": msg, "input": value}
    if ctx is not None:
        e["ctx"] = ctx
    return e


def _simple(ok: Callable[[Any], bool], kind: str, msg: str) -> Check:
    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if ok(value):
            return value
        errors.append(_err(kind, loc, msg, value))
        return BAD

    return check


def _int(limits: dict[str, Any]) -> Check:
    ge, le = limits.get("ge"), limits.get("le")

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
            errors.append(_err("int_type", loc, "Input should be a valid integer", value))
        elif ge is not None and value < ge:
            errors.append(_err("greater_than_equal", loc, f"Input should be greater than or equal to {ge}", value,
                               {"ge": ge}))
        elif le is not None and value > le:
            errors.append(_err("less_than_equal", loc, f"Input should be less than or equal to {le}", value,
                               {"le": le}))
        else:
            return value
        return BAD

    return check


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _str(limits: dict[str, Any]) -> Check:
    lo, hi, pattern = limits.get("min_length"), limits.get("max_length"), limits.get("pattern")
    # Pydantic's (Rust) regex searches, and its `$` is the end of the text: Python's would also
    # match before a final newline, letting "NAME\n" through.
    # Compiled at the first value that needs it: most fields with a pattern are absent from a project.
    regex: re.Pattern[str] | None = None

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        nonlocal regex
        if not isinstance(value, str):
            errors.append(_err("string_type", loc, "Input should be a valid string", value))
        elif lo is not None and len(value) < lo:
            errors.append(_err("string_too_short", loc, f"String should have at least {_plural(lo, 'character')}",
                               value, {"min_length": lo}))
        elif hi is not None and len(value) > hi:
            errors.append(_err("string_too_long", loc, f"String should have at most {_plural(hi, 'character')}",
                               value, {"max_length": hi}))
        elif pattern is not None and (regex := regex or re.compile(_rust_dollars(pattern))).search(value) is None:
            errors.append(_err("string_pattern_mismatch", loc, f"String should match pattern '{pattern}'", value,
                               {"pattern": pattern}))
        else:
            return value
        return BAD

    return check


def _rust_dollars(pattern: str) -> str:
    """``$`` outside character classes becomes ``\\Z`` (end of text, as in Rust's regex)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or out[-1] == "["
        elif ch == "[":
            in_class = True
        elif ch == "$":
            ch = r"\Z"
        out.append(ch)
        i += 1
    return "".join(out)


def _sized(kind: str, value: Any, loc: Loc, errors: Errors, limits: dict[str, Any], size: int) -> bool:
    lo, hi = limits.get("min_length"), limits.get("max_length")
    if lo is not None and size < lo:
        errors.append(_err("too_short", loc, f"{kind} should have at least {_plural(lo, 'item')} after validation, "
                           f"not {size}", value, {"field_type": kind, "min_length": lo, "actual_length": size}))
        return False
    if hi is not None and size > hi:
        errors.append(_err("too_long", loc, f"{kind} should have at most {_plural(hi, 'item')} after validation, "
                           f"not {size}", value, {"field_type": kind, "max_length": hi, "actual_length": size}))
        return False
    return True


def _dict(key_check: Check, value_check: Check, limits: dict[str, Any]) -> Check:
    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, dict):
            errors.append(_err("dict_type", loc, "Input should be a valid dictionary", value))
            return BAD
        before = len(errors)
        out = {}
        for k, v in value.items():
            key = key_check(k, (*loc, k, "[key]"), errors)
            item = value_check(v, (*loc, k), errors)
            out[key] = item
        if len(errors) > before or not _sized("Dictionary", value, loc, errors, limits, len(out)):
            return BAD
        return out

    return check


def _list(item_check: Check, limits: dict[str, Any]) -> Check:
    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, list):
            errors.append(_err("list_type", loc, "Input should be a valid list", value))
            return BAD
        before = len(errors)
        out = [item_check(v, (*loc, i), errors) for i, v in enumerate(value)]
        if len(errors) > before or not _sized("List", value, loc, errors, limits, len(out)):
            return BAD
        return out

    return check


def _literal(choices: tuple[Any, ...]) -> Check:
    shown = [repr(c) if isinstance(c, str) else str(c) for c in choices]
    expected = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    # Pydantic answers with the choice the input equals (so `True` passes for `Literal[1]`, as 1).
    allowed = {c: c for c in choices}

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        try:
            if value in allowed:
                return allowed[value]
        except TypeError:  # unhashable input: a list or mapping where a word belongs
            pass
        errors.append(_err("literal_error", loc, f"Input should be {expected}", value, {"expected": expected}))
        return BAD

    return check


def _tagged(args: tuple[Any, ...], tag: str) -> Check:
    by_tag: dict[str, Check] = {}
    for arg in args:
        literal = typing.get_args(hints(arg)[tag])
        by_tag[literal[0]] = _lazy_record(arg)
    expected = ", ".join(f"'{t}'" for t in by_tag)

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, dict):
            errors.append(_err("model_attributes_type", loc,
                               "Input should be a valid dictionary or object to extract fields from", value))
            return BAD
        if tag not in value:
            errors.append(_err("union_tag_not_found", loc, f"Unable to extract tag using discriminator '{tag}'", value,
                               {"discriminator": f"'{tag}'"}))
            return BAD
        found = value[tag]
        inner = by_tag.get(found) if isinstance(found, str) else None
        if inner is None:
            errors.append(_err("union_tag_invalid", loc, f"Input tag '{found}' found using '{tag}' does not match any "
                               f"of the expected tags: {expected}", value,
                               {"discriminator": f"'{tag}'", "tag": str(found), "expected_tags": expected}))
            return BAD
        return inner(value, (*loc, found), errors)

    return check
