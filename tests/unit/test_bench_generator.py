"""bench/make_project.py writes valid projects of exactly N deployments (no timing here)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from configgen import app
from configgen.findings import Severity
from configgen.model.load import load_project

BENCH = Path(__file__).resolve().parents[2] / "bench"
AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_make_project", BENCH / "make_project.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("n", "resources", "environments"), [(1, 50, 3), (7, 3, 1), (60, 50, 3), (45, 4, 5)])
def test_generated_project_validates_clean_with_n_deployments(
    generator: ModuleType, tmp_path: Path, n: int, resources: int, environments: int
) -> None:
    path = tmp_path / "configgen.yaml"
    path.write_text(generator.make_project(n, resources, environments), encoding="utf-8")

    result = app.validate_project_file(path, AS_OF)

    loud = [f for f in result.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert loud == []
    loaded = load_project(path)
    assert loaded.project is not None
    assert sum(len(r.deployments) for r in loaded.project.resources.values()) == n
    assert len(loaded.project.resources) == min(n, resources)
    assert list(loaded.project.environments) == generator.env_names(environments)
    for view in loaded.envs.values():
        assert view.model is not None
        env = view.model
        assert env.proxy is not None and len(env.proxy.instances) >= 3
        assert env.proxy.redis is not None and env.balancer is not None
        served = [ref for alias in env.aliases.values() for ref in alias.deployments]
        assert len(served) == len(set(served)) == n  # every deployment in exactly one alias


def test_output_is_deterministic(generator: ModuleType) -> None:
    assert generator.make_project(120) == generator.make_project(120)


def test_cli_writes_the_project_to_stdout(generator: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert generator.main(["5", "--resources", "2", "--environments", "2"]) == 0
    assert capsys.readouterr().out == generator.make_project(5, 2, 2)


def test_refuses_zero(generator: ModuleType) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generator.make_project(0)
