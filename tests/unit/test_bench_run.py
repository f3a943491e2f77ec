"""bench/run.py's regular install: a throwaway venv laid out as `pip install .` would (no timing here)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench_run() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    # run.py does `from make_project import ...`, found because a script's own directory leads sys.path.
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    yield module
    del sys.modules[spec.name]


def _python(venv_python: str, code: str, cwd: Path) -> str:
    done = subprocess.run([venv_python, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_regular_install_runs_configgen_from_its_own_site_packages(bench_run: ModuleType, tmp_path: Path) -> None:
    install = bench_run.regular_install(sys.executable, tmp_path)

    venv = tmp_path / "venv"
    script = Path(install.configgen[0])
    assert install.configgen == [str(venv / "bin" / "configgen")]
    assert install.python == [str(venv / "bin" / "python")]
    assert script.is_file() and os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert text.startswith(f"#!{venv / 'bin' / 'python'}\n")
    # What pip installed next to this interpreter from the same pyproject.toml, after the shebang.
    installed = (Path(sys.executable).parent / "configgen").read_text(encoding="utf-8")
    assert text.split("\n", 1)[1] == installed.split("\n", 1)[1]
    assert install.measured.startswith("a regular install of this checkout")

    helped = subprocess.run([str(script), "--help"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert helped.returncode == 0, helped.stderr
    assert "Usage: configgen" in helped.stdout

    imported = Path(_python(install.python[0], "import configgen; print(configgen.__file__)", tmp_path))
    assert imported.resolve().is_relative_to(venv.resolve())
    # The dependencies' directory is on sys.path, but its .pth files (editable finder, coverage) are not run.
    loaded = _python(
        install.python[0],
        "import sys; print(any('editable' in m for m in sys.modules), 'coverage' in sys.modules,"
        " any('editable' in repr(f).lower() for f in sys.meta_path))",
        tmp_path,
    )
    assert loaded == "False False False"
    assert _python(install.python[0], "import click; print('ok')", tmp_path) == "ok"
