"""configgen.model.records against Pydantic: the same models (configgen.model.pydantic_mirror) must
accept the same inputs, build the same values and report the same errors (type, location, message,
context, input), in the same order."""

from __future__ import annotations

import copy
import datetime as dt
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticError

from configgen.load.yaml import load_yaml_file
from configgen.model import project as models
from configgen.model.merge import merge_environment
from configgen.model.pydantic_mirror import mirror
from configgen.model.record_checks import _rust_dollars
from configgen.model.records import Field, Record, ValidationError

EXAMPLE = Path(__file__).parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
RECORDS = sorted(
    (c for c in vars(models).values() if isinstance(c, type) and issubclass(c, Record) and c.model_fields),
    key=lambda c: c.__name__,
)


def _ours(cls: type[Record], data: Any) -> tuple[Any, list[dict[str, Any]]]:
    try:
        return cls.model_validate(data).model_dump(), []
    except ValidationError as err:
        return None, [_plain(e) for e in err.errors()]


def _theirs(cls: type[Record], data: Any) -> tuple[Any, list[dict[str, Any]]]:
    try:
        return mirror(cls).model_validate(copy.deepcopy(data)).model_dump(), []
    except PydanticError as err:
        return None, [_plain(e) for e in err.errors(include_url=False)]


def _plain(e: Any) -> dict[str, Any]:
    return {k: (tuple(v) if k == "loc" else v) for k, v in e.items() if k in ("type", "loc", "msg", "input", "ctx")}


def _agree(cls: type[Record], data: Any) -> None:
    assert _ours(cls, data) == _theirs(cls, data)


def _example() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    doc, _ = load_yaml_file(EXAMPLE)
    assert doc is not None
    data = doc.data
    envs = [merge_environment(data["defaults"], o, n).data for n, o in data["environments"].items()]
    return data, envs


def test_the_example_validates_to_the_same_values() -> None:
    project, envs = _example()
    _agree(models.Project, project)
    for env in envs:
        _agree(models.Environment, env)
        assert _ours(models.Environment, env)[1] == []


def test_every_record_class_is_mirrored_field_for_field() -> None:
    for cls in RECORDS:
        assert list(mirror(cls).model_fields) == list(cls.model_fields), cls.__name__


# Values a mutation puts somewhere: every type YAML can produce, and strings that test the patterns.
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=70000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.sampled_from(
        ["", "x", "NAME\n", "api_key", "entra", "Standard", "gpt-4o", "10.0.0.1", "[::1]", "a.b-c_d", "-x", "a b",
         "nginx", "simple-shuffle", "1Gi", "500m", "v1", "deploy/{env}", "/etc/x;y", "x" * 70, "ü", "1", "0.0.0.0",
         "0f8fad5b-d9cb-469f-a165-70867728950e", "managed_identity", "workload_identity", "debug", "proxy"]
    ),
    st.lists(st.sampled_from(["a", "b/c", 1]), max_size=3),
    st.dictionaries(st.sampled_from(["type", "host", "port", "zzz", "key_env"]), st.sampled_from(["api_key", 1, "h"]),
                    max_size=3),
)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*here, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*here, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add", "rekey"]))
        if action == "replace":
            parent[path[-1]] = draw(ODD)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "regoin", "type", 5, "deployments"]))] = draw(ODD)
        elif action == "rekey" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["bad name", "", "-x", "ok.name", "x" * 65]))] = parent.pop(path[-1])
    return data


PROJECT, ENVS = _example()


@settings(max_examples=400)
@given(mutated(PROJECT))
def test_a_mutated_project_gets_pydantics_answer(data: Any) -> None:
    _agree(models.Project, data)


@settings(max_examples=600)
@given(st.sampled_from(ENVS).flatmap(mutated))
def test_a_mutated_environment_gets_pydantics_answer(data: Any) -> None:
    _agree(models.Environment, data)


@settings(max_examples=300)
@given(st.sampled_from(RECORDS), st.dictionaries(st.text(max_size=6), ODD, max_size=4) | ODD)
def test_any_input_to_any_record_gets_pydantics_answer(cls: type[Record], data: Any) -> None:
    _agree(cls, data)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [("^[A-Z]+$", "A\n"), (r"^\[[0-9:]+\]$", "[::1]\n"), ("^[$]+$", "$$"), (r"^a\$$", "a$"), ("^[]$]+$", "]$")],
)
def test_a_dollar_is_the_end_of_the_text_as_in_pydantic(pattern: str, text: str) -> None:
    class Probe(Record):
        value: str = Field(pattern=pattern)

    _agree(Probe, {"value": text})
    assert _rust_dollars("^[$]+$") == r"^[$]+\Z"


def test_records_are_frozen_equal_by_value_and_construct_like_models() -> None:
    a = models.Instance(host="10.0.0.1")
    assert a == models.Instance.model_validate({"host": "10.0.0.1", "port": 4000})
    assert hash(a) == hash(models.Instance(host="10.0.0.1", port=4000))
    with pytest.raises(TypeError, match="frozen"):
        a.port = 1  # type: ignore[misc]
    with pytest.raises(ValidationError) as err:
        models.Instance(host="10.0.0.1", port=True)
    assert [e["type"] for e in err.value.errors()] == ["int_type"]
    assert models.Environment.model_fields["proxy"].annotation == typing.Optional[models.Proxy]  # noqa: UP045
