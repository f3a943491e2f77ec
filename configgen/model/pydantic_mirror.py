"""The project's records (:mod:`configgen.model.records`) rebuilt as Pydantic models.

Two readers need Pydantic itself: `configgen schema` (the JSON Schema is Pydantic's, unchanged since
the models were Pydantic's) and the differential tests that hold the records' validation to Pydantic's
strict mode. Nothing on the path of `validate` or `render` imports this module.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model
from pydantic import Field as PydanticField

from configgen.model.record_spec import hints
from configgen.model.records import FieldSpec, Record


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=False)


def mirror(cls: type[Record]) -> type[BaseModel]:
    """The Pydantic model with ``cls``'s name, docstring, fields, defaults and constraints."""
    if cls not in _MIRRORS:
        _MIRRORS[cls] = _build(cls)
    return _MIRRORS[cls]


_MIRRORS: dict[type[Record], type[BaseModel]] = {}


def _build(cls: type[Record]) -> type[BaseModel]:
    annotations = hints(cls)
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        kwargs = info.spec.kwargs()
        if "default" in kwargs:
            kwargs["default"] = to_pydantic(kwargs["default"])
        fields[name] = (convert(annotations[name]), PydanticField(**kwargs))
    model: type[BaseModel] = create_model(
        cls.__name__, __base__=_Strict, __doc__=cls.__doc__, __module__=cls.__module__, **fields
    )
    return model


def convert(tp: Any) -> Any:
    """An annotation with every record replaced by its mirror and every FieldSpec by Pydantic's Field."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        converted = [PydanticField(**m.kwargs()) if isinstance(m, FieldSpec) else m for m in meta]
        return typing.Annotated[(convert(base), *converted)]
    if isinstance(tp, type) and issubclass(tp, Record):
        return mirror(tp)
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(lambda a, b: a | b, [convert(a) for a in typing.get_args(tp)])
    if origin is Literal:
        return tp
    if origin is dict:
        key, value = typing.get_args(tp)
        return dict[convert(key), convert(value)]  # type: ignore[misc]
    if origin is list:
        return list[convert(typing.get_args(tp)[0])]  # type: ignore[misc]
    return tp


def to_pydantic(value: Any) -> Any:
    """A default value that is a record becomes the mirror's instance (its JSON Schema default)."""
    if isinstance(value, Record):
        # Constructed, not validated: Pydantic never validates defaults, and one of ours (the
        # `{env}` in metrics_token_file) would not pass its own field's pattern.
        fields = {name: to_pydantic(getattr(value, name)) for name in type(value).model_fields}
        return mirror(type(value)).model_construct(**fields)
    return value

