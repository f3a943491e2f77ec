"""Strict, frozen records validated from plain data: the part of Pydantic the project file needs.

Importing Pydantic and building the project's models cost 80 ms of every run, more than half of what
`validate` may take (issue 19). A record class is a plain class: nothing is built until its first
validation, and then only small closures. The semantics are Pydantic's strict mode with
``extra="forbid"`` and ``frozen=True``, error for error (type, loc, msg, ctx, input), so
:mod:`configgen.model.schema_errors` reads either. :mod:`configgen.model.pydantic_mirror` builds the
same models in Pydantic: that copy writes the JSON Schema, and the differential tests hold this module
to it (tests/unit/test_records.py).
"""

from __future__ import annotations

from typing import Any

from configgen.model.record_checks import record_check
from configgen.model.record_spec import (
    _MISSING,
    Errors,
    Field,
    FieldInfo,
    FieldSpec,
    RecordBase,
    ValidationError,
    own_annotations,
)

__all__ = ["Field", "FieldInfo", "FieldSpec", "Record", "ValidationError"]


class Record(RecordBase):
    """Base of the project's models: ``Cls.model_validate(data)``, ``Cls(**data)``, attributes."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}))
        for name, annotation in own_annotations(cls).items():
            if "ClassVar" in str(annotation) or name.startswith("_"):
                continue
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, FieldSpec) else FieldSpec(value, None, None, {}, {})
            if name in cls.__dict__:
                delattr(cls, name)  # defaults live in the spec; an unset attribute must not fall back
            fields[name] = FieldInfo(cls, name, spec)
        cls.model_fields = fields
        cls._check = None

    def __init__(self, **data: Any) -> None:
        built = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", built.__dict__)

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        errors: Errors = []
        value = record_check(cls)(data, (), errors)
        if errors:
            raise ValidationError(cls.__name__, errors)
        return value

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        return {name: _dump(getattr(self, name)) for name in self.model_fields}

    def __setattr__(self, name: str, value: Any) -> None:
        raise TypeError(f"{type(self).__name__} is frozen: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise TypeError(f"{type(self).__name__} is frozen: cannot delete {name}")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({inner})"


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.model_dump()
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value
