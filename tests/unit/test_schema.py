"""The exported JSON Schema: committed copy in sync, valid draft 2020-12, and it judges real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from configgen.cli.main import cli
from configgen.load.yaml import load_yaml_file
from configgen.model.jsonschema import MODELINE_PREFIX, project_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas" / "configgen.schema.json"
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"


def _validator() -> jsonschema.Draft202012Validator:
    schema = project_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _example() -> dict[str, Any]:
    doc, problems = load_yaml_file(EXAMPLE)
    assert doc is not None, problems
    assert isinstance(doc.data, dict)
    return doc.data


def _errors(data: Any) -> list[str]:
    return sorted(e.json_path for e in _validator().iter_errors(data))


def test_committed_schema_is_what_the_models_generate() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), "run `configgen schema` and commit the result"


def test_example_project_validates_and_points_at_the_schema() -> None:
    assert _errors(_example()) == []
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MODELINE_PREFIX)
    assert (EXAMPLE.parent / first.removeprefix(MODELINE_PREFIX)).resolve() == COMMITTED


def test_schema_has_id_title_descriptions_and_examples() -> None:
    schema = project_schema()
    assert schema["$id"] and schema["title"]
    assert schema["examples"] and _errors(schema["examples"][0]) == []
    deployment = schema["$defs"]["Deployment"]["properties"]
    assert deployment["version"]["description"]
    assert "2024-11-20" in deployment["version"]["examples"]
    assert schema["properties"]["resources"]["description"]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["environments"]["prod"]["proxy"].update(routing_stratgy="least-busy"), "$.environments.prod"),
        (lambda d: d["defaults"]["proxy"].update(num_retries="two"), "$.defaults.proxy"),
        (lambda d: d["resources"]["chatsheet-dev"].update(endpoint=None), "$.resources['chatsheet-dev'].endpoint"),
        (lambda d: d["resources"].update({"bad name!": d["resources"]["chatsheet-dev"]}), "$.resources"),
        (lambda d: d.update(extra=1), "$"),
        (lambda d: d.pop("resources"), "$"),
    ],
    ids=["typo-in-environment", "wrong-type-in-defaults", "null-in-resource", "bad-resource-name", "unknown-top-key",
         "missing-resources"],
)
def test_schema_rejects_mistakes(mutate: Any, where: str) -> None:
    data = json.loads(json.dumps(_example()))
    mutate(data)
    assert where in _errors(data)


def test_layers_are_partial_and_null_removes() -> None:
    data = json.loads(json.dumps(_example()))
    # an environment that sets one nested key, removes a default alias and keeps the rest
    data["environments"]["qa"] = {"proxy": {"num_workers": 4}, "aliases": {"gpt-4-spillover": None}}
    data["environments"]["empty"] = None
    assert _errors(data) == []


def test_schema_command_writes_checks_and_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["schema", "--check"], catch_exceptions=False)
    assert result.exit_code == 1 and "missing" in result.output
    result = runner.invoke(cli, ["schema"], catch_exceptions=False)
    assert result.exit_code == 0 and "created" in result.output
    assert Path("schemas/configgen.schema.json").read_text(encoding="utf-8") == schema_text()
    assert runner.invoke(cli, ["schema", "--check"], catch_exceptions=False).exit_code == 0
    Path("schemas/configgen.schema.json").write_text("{}\n", encoding="utf-8")
    result = runner.invoke(cli, ["schema", "--check"], catch_exceptions=False)
    assert result.exit_code == 1 and "differs" in result.output
    printed = runner.invoke(cli, ["schema", "-o", "-"], catch_exceptions=False).output
    assert json.loads(printed)["$id"] == project_schema()["$id"]
