"""The result cache: an unchanged run is answered from it; every kind of change is a miss."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from configgen import cache
from configgen.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "chatsheetai" / "configgen.yaml"
GOLDEN = ROOT / "tests" / "golden" / "chatsheetai" / "prod"


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("CONFIGGEN_NO_CACHE", raising=False)
    monkeypatch.setenv("CONFIGGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path / "cache"


class Counter:
    """The real command, counting how often it actually ran (a hit does not run it)."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, argv: list[str]) -> int:
        self.runs += 1
        return main(argv)


def _run(counter: Counter, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cache.run_cached(argv, counter)
    return code, capsys.readouterr().out


def _entries(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*/*") if not p.name.startswith("."))


def test_an_unchanged_project_is_answered_from_the_cache(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    counter = Counter()
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27", "-f", "json"]
    first = _run(counter, argv, capsys)
    second = _run(counter, argv, capsys)
    assert counter.runs == 1 and first == second and first[0] == 0
    assert len(_entries(cached)) == 1
    # Any change to the project is a miss, and the answer is the new one.
    project.write_text(project.read_text().replace("num_retries: 2", "num_retries: x"))
    third = _run(counter, argv, capsys)
    assert counter.runs == 2 and third[0] == 1 and "schema-type" in third[1]


def test_each_file_given_is_an_input(cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, env = tmp_path / "litellm.config.yaml", tmp_path / ".env"
    shutil.copy(GOLDEN / "litellm.config.yaml", config)
    shutil.copy(GOLDEN / "server" / ".env", env)
    counter = Counter()
    argv = ["validate", str(config), str(env), "--as-of", "2026-11-27"]
    assert _run(counter, argv, capsys)[0] == 0
    assert _run(counter, argv, capsys)[0] == 0 and counter.runs == 1
    env.write_text(env.read_text() + "LITELLM_MODEL=no-such-alias\n")
    code, out = _run(counter, argv, capsys)
    assert counter.runs == 2 and code == 1
    env.unlink()  # a file that disappears
    code, out = _run(counter, argv, capsys)
    assert counter.runs == 3 and "file-unreadable" in out


def test_a_file_that_appears_later_is_a_miss(cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "configgen.yaml"
    text = EXAMPLE.read_text()
    marker = "    endpoint: https://chatsheet-prod-eastus2.openai.azure.com"
    assert marker in text
    project.write_text(text.replace(marker, marker + "\n    inventory: inv.json", 1))
    counter = Counter()
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27"]
    code, out = _run(counter, argv, capsys)
    assert code == 1 and "inventory file not found" in out
    (tmp_path / "inv.json").write_text("[]")
    code, out = _run(counter, argv, capsys)
    assert counter.runs == 2 and "inventory file not found" not in out


@pytest.mark.parametrize(
    "change",
    [
        ["--as-of", "2026-11-28"],
        ["-f", "github"],
        ["--strict"],
    ],
)
def test_options_are_part_of_the_key(change: list[str]) -> None:
    base = ["validate", "-p", "configgen.yaml"]
    assert cache.key(base) != cache.key([*base, *change])


def test_the_day_and_the_environment_are_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["validate"]
    assert cache.key(argv, today="2026-12-01") != cache.key(argv, today="2026-12-02")
    assert cache.key(argv, {"NO_COLOR": "1"}, today="2026-12-01") != cache.key(argv, {}, today="2026-12-01")
    assert cache.key(argv, {"GITHUB_ACTIONS": "true"}, today="d") != cache.key(argv, {}, today="d")


def test_configgen_itself_is_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "knowledge" / "data").mkdir(parents=True)
    data = pkg / "knowledge" / "data" / "azure_openai.json"
    data.write_text("{}")
    monkeypatch.setattr(cache, "_PACKAGE", str(pkg))
    before = cache.fingerprint()
    data.write_text('{"models": {}}')  # the catalogue changed (size and mtime)
    assert cache.fingerprint() != before
    again = cache.fingerprint()
    (pkg / "new_rule.py").write_text("")
    assert cache.fingerprint() != again


def test_only_validate_and_render_check_are_cached() -> None:
    assert cache.cacheable(["validate"])
    assert cache.cacheable(["-p", "x.yaml", "validate", "a.yaml"])
    assert cache.cacheable(["render", "prod", "--check"])
    assert not cache.cacheable(["render", "prod"])
    assert not cache.cacheable(["render", "prod", "--dry-run"])
    assert not cache.cacheable(["doctor", "prod"])
    assert not cache.cacheable(["validate", "--help"])
    assert not cache.enabled(["validate", "--no-cache"])
    assert not cache.enabled(["validate"], {"CONFIGGEN_NO_CACHE": "1"})
    assert cache.enabled(["validate"], {})


@pytest.mark.parametrize(
    "garbage",
    [b"", b"not json", b"[]", b'{"format": 1}', b'{"format": 99, "key": "K"}', b"\xff\xfe" * 10,
     b"15:configgen-cache 264:K1:01:x1:y1:p", b"15:configgen-cache 264:K1:01:x1:y1:p1:s9:", b"99999999999:x",
     b"15:configgen-cache 264:K2:-11:x1:y", b"15:configgen-cache 164:K1:01:x1:y"],
)
def test_a_corrupt_or_foreign_entry_is_ignored(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], garbage: bytes
) -> None:
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    counter = Counter()
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27"]
    good = _run(counter, argv, capsys)
    [entry] = _entries(cached)
    entry.write_bytes(garbage.replace(b"K", entry.name.encode()))
    assert _run(counter, argv, capsys) == good and counter.runs == 2


def _stored_example(tmp_path: Path, cached: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Counter, list[str], Path]:
    """Validate a copy of the example once: (the counter, the command, its cache entry)."""
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    counter = Counter()
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27"]
    _run(counter, argv, capsys)
    [entry] = _entries(cached)
    return counter, argv, entry


@pytest.mark.parametrize(("forged_key", "believed"), [(False, True), (True, False)])
def test_an_entry_is_believed_only_for_its_own_key(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], forged_key: bool, believed: bool
) -> None:
    """A tampered answer under the right key is what answers (so the misses above are real misses); the
    same answer claiming another key is not trusted."""
    counter, argv, entry = _stored_example(tmp_path, cached, capsys)
    fields = cache.unpack(entry.read_text())
    assert fields is not None and fields[1] == entry.name
    fields[3] = "from the cache\n"  # stdout
    if forged_key:
        fields[1] = "0" * 64
    entry.write_text(cache.pack(fields))
    code, out = _run(counter, argv, capsys)
    assert (out == "from the cache\n") is believed and counter.runs == (1 if believed else 2) and code == 0


def test_usage_errors_and_crashes_are_not_cached(cached: Path, capsys: pytest.CaptureFixture[str]) -> None:
    counter = Counter()
    assert _run(counter, ["validate", "-p", "missing.yaml"], capsys)[0] == 2
    assert _run(counter, ["validate", "-p", "missing.yaml"], capsys)[0] == 2
    assert counter.runs == 2 and _entries(cached) == []


def test_the_cache_is_bounded(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    config = tmp_path / "litellm.config.yaml"
    shutil.copy(GOLDEN / "litellm.config.yaml", config)
    counter = Counter()
    for day in range(1, 7):
        _run(counter, ["validate", str(config), "--as-of", f"2026-11-0{day}"], capsys)
    assert len(_entries(cached)) == 3


def test_nothing_secret_is_stored(cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF"
    config = tmp_path / "litellm.config.yaml"
    config.write_text(f"model_list:\n  - model_name: chat\n    litellm_params: {{model: azure/chat, api_key: {key}}}\n")
    counter = Counter()
    code, out = _run(counter, ["validate", str(config), "--as-of", "2026-11-27"], capsys)
    assert code == 1 and key not in out
    assert all(key not in p.read_text() for p in _entries(cached))


def test_the_executable_answers_from_the_cache(cached: Path, tmp_path: Path) -> None:
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    argv = [sys.executable, "-m", "configgen", "validate", "-p", str(project), "--as-of", "2026-11-27"]
    env = {"CONFIGGEN_CACHE_DIR": str(cached), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    first = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, check=False)
    second = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, check=False)
    assert (first.returncode, first.stdout) == (second.returncode, second.stdout) == (0, first.stdout)
    assert len(_entries(cached)) == 1
    no_cache = subprocess.run([*argv, "--no-cache"], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert (no_cache.returncode, no_cache.stdout) == (0, first.stdout)


def test_a_leftover_generated_file_that_appears_is_a_miss(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    counter = Counter()
    assert main(["render", "staging", "-p", str(project), "--as-of", "2026-11-27"]) == 0
    argv = ["render", "staging", "-p", str(project), "--check", "--as-of", "2026-11-27"]
    assert _run(counter, argv, capsys)[0] == 0 and _run(counter, argv, capsys)[0] == 0 and counter.runs == 1
    leftover = tmp_path / "deploy" / "staging" / "old" / "litellm.cfg"
    leftover.parent.mkdir()
    leftover.write_text("# Generated by configgen from configgen.yaml (environment: staging).\n# x\n# configgen-sha256:0\n")
    code, out = _run(counter, argv, capsys)
    assert counter.runs == 2 and code == 1 and "stale" in out


def test_a_project_template_that_appears_later_is_a_miss(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "configgen.yaml"
    project.write_text(EXAMPLE.read_text().replace("\nname: chatsheetai\n", "\nname: chatsheetai\ntemplates: tpl\n", 1))
    (tmp_path / "tpl").mkdir()
    counter = Counter()
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27", "-f", "json"]
    first = _run(counter, argv, capsys)
    assert _run(counter, argv, capsys) == first and counter.runs == 1
    builtin = (ROOT / "configgen" / "render" / "templates" / "env.example.j2").read_text()
    pasted = "AZURE_OPENAI_API_KEY={{ '0123456789abcdef0123456789abcdef'|dotenv }}\n"
    (tmp_path / "tpl" / "env.example.j2").write_text(builtin + pasted)
    from configgen.render import jinja

    jinja._cached_env.cache_clear()  # this test runs both in one process; the executable starts anew each time
    code, out = _run(counter, argv, capsys)
    assert counter.runs == 2 and code == 1 and "dotenv-secret" in out


def test_a_nearer_project_file_that_appears_is_a_miss(
    cached: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "configgen.yaml")
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    monkeypatch.delenv("CONFIGGEN_PROJECT", raising=False)
    counter = Counter()
    argv = ["validate", "--as-of", "2026-11-27"]
    assert _run(counter, argv, capsys)[0] == 0 and _run(counter, argv, capsys)[0] == 0 and counter.runs == 1
    (sub / "configgen.yaml").write_text("version: 1\n")  # nearer, and broken
    code, _ = _run(counter, argv, capsys)
    assert counter.runs == 2 and code == 1


def test_a_hit_imports_nothing_beyond_what_python_starts_with(cached: Path, tmp_path: Path) -> None:
    """A hit costs little more than starting Python: the cache module imports neither typing nor json
    (nor the re that json brings), and nothing of configgen but itself."""
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    argv = ["validate", "-p", str(project), "--as-of", "2026-11-27"]
    probe = (
        "import sys; before = set(sys.modules)\n"
        "from configgen.__main__ import _run\n"
        "from configgen.cache import run_cached\n"
        f"code = run_cached({argv!r}, _run)\n"
        "print(code, sorted(set(sys.modules) - before), file=sys.stderr)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout
    code, new = runs[1].stderr.strip().split(" ", 1)
    assert code == "0"
    assert set(ast.literal_eval(new)) <= {"configgen", "configgen.__main__", "configgen.cache", "_blake2", "gc"}, new


def test_the_installed_command_starts_a_hit_without_re(cached: Path, tmp_path: Path) -> None:
    """The `configgen` pip installed from bin/configgen (pyproject's script-files) imports no `re` on a
    hit: pip's [project.scripts] wrapper would, 4-5 ms of a 12 ms run (bench/README.md)."""
    command = Path(sys.executable).parent / "configgen"
    launcher = Path(__file__).resolve().parents[2] / "bin" / "configgen"
    assert command.read_text().split("\n", 1)[1] == launcher.read_text().split("\n", 1)[1]
    project = tmp_path / "configgen.yaml"
    shutil.copy(EXAMPLE, project)
    # -S: no site, so no .pth file of this venv (the editable finder imports re) runs before the launcher.
    argv = [sys.executable, "-S", "-X", "importtime", str(command), "validate", "-p", str(project), "--as-of", "2026-11-27"]
    paths = [str(launcher.parents[1]), *(p for p in sys.path if p.endswith("site-packages"))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    runs = [subprocess.run(argv, capture_output=True, text=True, check=False, env=env) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0] and runs[0].stdout == runs[1].stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in runs[1].stderr.splitlines() if line.startswith("import time:")}
    assert "configgen.cache" in imported and "configgen.cli" not in imported, sorted(imported)
    assert "re" not in imported and "click" not in imported, sorted(imported)


def test_a_library_outside_the_venv_is_code_not_an_input(
    cached: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dependencies found through a .pth file, the user's or the system's site-packages are imported,
    not read as input: a hit must not re-hash their .pyc files (the bench's venv gets its dependencies
    that way; 42 files, most of a hit's time)."""
    site = tmp_path / "elsewhere" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (site / "lib_module.py").write_text("X = 1\n")
    data = tmp_path / "input.txt"
    data.write_text("x")
    monkeypatch.syspath_prepend(str(site))
    cache.start_recording()
    try:
        (site / "lib_module.py").read_text()
        data.read_text()
    finally:
        recorded = cache.stop_recording()
    assert str(data) in recorded and not any(p.startswith(str(site)) for p in recorded), recorded


def _lookup_with(entry_key: str, cached: Path, inputs: dict[str, str]) -> cache.Hit | None:
    """Store an answer that depends on ``inputs`` (paths -> their recorded state) and look it up."""
    cache.store(entry_key, cache.Hit("out\n", "", 0), inputs, {"CONFIGGEN_CACHE_DIR": str(cached)})
    return cache.lookup(entry_key, {"CONFIGGEN_CACHE_DIR": str(cached)})


@pytest.mark.parametrize(
    "then",
    ["nothing", "folder", "file", "folder is a file", "grandparent is a file"],
)
def test_a_path_under_a_missing_folder_is_judged_as_its_own_stat_would(cached: Path, tmp_path: Path, then: str) -> None:
    """A lookup answers a path recorded missing from its folder's stat when the folder is missing (one
    stat per folder): whatever then appears, the answer is what stat-ing each path gives."""
    out = tmp_path / "deploy"
    paths = [out / env / "server" / name for env in ("dev", "prod") for name in (".env", ".env.example")]
    recorded = {str(p): cache.state(str(p)) for p in paths}
    assert all(s.endswith("\0missing:2") for s in recorded.values())
    if then == "folder":
        (out / "prod" / "server").mkdir(parents=True)
    elif then == "file":
        (out / "prod" / "server").mkdir(parents=True)
        (out / "prod" / "server" / ".env").write_text("X=1\n")
    elif then == "folder is a file":
        (out / "prod").mkdir(parents=True)
        (out / "prod" / "server").write_text("")
    elif then == "grandparent is a file":
        out.write_text("")
    same = all(cache.state(p) == s for p, s in recorded.items())
    assert same is (then in ("nothing", "folder"))
    hit = _lookup_with("ab" + "0" * 62, cached, recorded)
    assert (hit is not None) is same
