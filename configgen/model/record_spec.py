"""The declarations of :mod:`configgen.model.records`: `Field`, what it records, and the errors.

Kept apart from the validators (:mod:`configgen.model.record_checks`) and the record base class so that
each module has one job and none imports the one that imports it.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any, ClassVar

_MISSING: Any = object()
BAD: Any = object()  # a validator's answer when it appended an error

Loc = tuple[int | str, ...]
Errors = list[dict[str, Any]]
Check = Callable[[Any, Loc, Errors], Any]

_CONSTRAINTS = ("ge", "le", "min_length", "max_length", "pattern")


class FieldSpec:
    """What :func:`Field` returns: a default and the constraints and documentation of one value."""

    __slots__ = ("default", "default_factory", "discriminator", "doc", "limits")

    def __init__(self, default: Any, default_factory: Callable[[], Any] | None, discriminator: str | None,
                 limits: dict[str, Any], doc: dict[str, Any]) -> None:
        self.default = default
        self.default_factory = default_factory
        self.discriminator = discriminator
        self.limits = limits
        self.doc = doc

    def kwargs(self) -> dict[str, Any]:
        """Pydantic's `Field(...)` arguments for the same field (for the mirror)."""
        out: dict[str, Any] = {**self.limits, **self.doc}
        if self.default is not _MISSING:
            out["default"] = self.default
        if self.default_factory is not None:
            out["default_factory"] = self.default_factory
        if self.discriminator is not None:
            out["discriminator"] = self.discriminator
        return out


def Field(  # named like Pydantic's, which it stands in for
    default: Any = _MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    ge: int | None = None,
    le: int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    discriminator: str | None = None,
    description: str | None = None,
    examples: list[Any] | None = None,
) -> Any:
    values = {"ge": ge, "le": le, "min_length": min_length, "max_length": max_length, "pattern": pattern}
    limits = {k: v for k, v in values.items() if v is not None}
    doc = {k: v for k, v in (("description", description), ("examples", examples)) if v is not None}
    return FieldSpec(default, default_factory, discriminator, limits, doc)


class ValidationError(ValueError):
    """The errors of one validation, in Pydantic's shape (``errors()`` gives the dicts)."""

    def __init__(self, title: str, errors: Errors) -> None:
        super().__init__(f"{len(errors)} validation error(s) for {title}")
        self.title = title
        self._errors = errors

    def errors(self, *, include_url: bool = False) -> Errors:
        return [dict(e) for e in self._errors]


class FieldInfo:
    """One field of a record: its declared annotation (resolved on first use), default and spec."""

    __slots__ = ("_owner", "default", "name", "spec")

    def __init__(self, owner: type[RecordBase], name: str, spec: FieldSpec) -> None:
        self._owner = owner
        self.name = name
        self.spec = spec
        self.default = spec.default

    @property
    def annotation(self) -> Any:
        return hints(self._owner)[self.name]



class RecordBase:
    """What the validators need of a record class (:class:`configgen.model.records.Record`)."""

    model_fields: ClassVar[dict[str, FieldInfo]] = {}
    _check: ClassVar[Check | None] = None


_HINTS: dict[type, dict[str, Any]] = {}


def own_annotations(cls: type) -> dict[str, Any]:
    """What ``inspect.get_annotations(cls)`` gives (strings unevaluated), without importing inspect:
    it and what it imports were 40 M of the 475 M instructions of `configgen validate` on the example."""
    annotations = cls.__dict__.get("__annotations__")  # noqa: RUF063 - the point is not importing inspect
    if annotations is None and "__annotate__" in cls.__dict__:  # Python 3.14's lazy annotations (PEP 649)
        import inspect

        return inspect.get_annotations(cls)
    return dict(annotations) if isinstance(annotations, dict) else {}


def hints(cls: type) -> dict[str, Any]:
    """The annotations of ``cls`` and its bases, evaluated. A module that declares records without
    `from __future__ import annotations` has them evaluated already, which saves `get_type_hints`
    compiling every annotation string at each start (7 ms for the project's models)."""
    if cls not in _HINTS:
        fields = getattr(cls, "model_fields", {})
        merged: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            merged.update((k, v) for k, v in own_annotations(klass).items() if k in fields)
        if any(isinstance(a, str) for a in merged.values()):
            merged = typing.get_type_hints(cls, include_extras=True)
        _HINTS[cls] = merged
    return _HINTS[cls]


