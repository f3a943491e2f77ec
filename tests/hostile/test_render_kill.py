"""SIGKILL during `configgen render`, at every step of the write phase and at random instants.

A forked child runs the real CLI (`render prod --out DIR`) over a folder holding the files of one
project version, rendering the next version; it is killed either at its N-th file-system call
(os.open, os.replace, os.link, os.fsync, os.unlink, os.mkdir, ... for every N until a run completes)
or after a random delay. The next run (`render --check`) must then see a folder that holds exactly
one version's files, old or new, and no `.configgen-*` leftover; `render` then writes the new set.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from configgen.cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chatsheetai" / "configgen.yaml"
AS_OF = ["--as-of", "2026-11-27"]
#: Every file-system call the writer makes goes through one of these.
CALLS = ("open", "replace", "rename", "link", "fsync", "unlink", "mkdir", "rmdir", "fchmod", "close")
MAX_STEPS = 400  # a bound, not an expectation: a render of the example takes far fewer
RANDOM_KILLS = 40


def _tree(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "configgen-" in p.name)


def _quiet_main(args: list[str]) -> int:
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        return main(args)
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (devnull, *saved):
            os.close(fd)


def _versions(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """Two project versions and the file sets each renders. The project file's name is in every
    generated file's header, so the two sets differ in every file."""
    v1 = tmp_path / "v1.yaml"
    v2 = tmp_path / "v2.yaml"
    v1.write_text(EXAMPLE.read_text())
    v2.write_text(EXAMPLE.read_text())
    sets = []
    out = tmp_path / "out"  # rendered where the test renders: the header names the command, --out included
    for project in (v1, v2):
        assert _quiet_main(["render", "prod", "-p", str(project), "--out", str(out), *AS_OF]) == 0
        sets.append(_tree(out))
        if project is v1:
            shutil.copytree(out, tmp_path / "ref-v1")  # each kill starts from a copy of it
        shutil.rmtree(out)
    assert all(sets[0][k] != sets[1][k] for k in sets[0]) and sets[0].keys() == sets[1].keys()
    return v1, v2, sets[0], sets[1]


def _fork(child: Callable[[], None]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 0
        try:
            child()
        except BaseException:
            code = 70
        os._exit(code)
    return pid


def _kill_at(step: int) -> Callable[[], None]:
    """In the child: count file-system calls once configgen starts writing, SIGKILL at the step-th."""

    def arm() -> None:
        count = {"n": 0}
        for name in CALLS:
            real = getattr(os, name)

            def wrapped(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                count["n"] += 1
                if count["n"] == step:
                    os.kill(os.getpid(), signal.SIGKILL)
                return _real(*args, **kwargs)

            setattr(os, name, wrapped)

    return arm


def _render_child(project: Path, out: Path, arm: Callable[[], None] | None) -> Callable[[], None]:
    def run() -> None:
        import configgen.plan as plan

        real_plan = plan.plan_files

        def armed_plan(*args: Any, **kwargs: Any) -> Any:
            if arm is not None:
                arm()  # from here on: the recovery, the plan and the whole write phase
            return real_plan(*args, **kwargs)

        plan.plan_files = armed_plan  # type: ignore[assignment]
        code = _quiet_main(["render", "prod", "-p", str(project), "--out", str(out), "--force", *AS_OF])
        os._exit(code)

    return run


def _check_consistent(out: Path, project: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    code = _quiet_main(["render", "prod", "-p", str(project), "--out", str(out), "--check", *AS_OF])
    tree = _tree(out)
    left = _leftovers(out.parent)  # the journal sits in the nearest existing folder above the outputs
    assert left == [], f"leftovers after the next run: {left}"
    if tree == new:
        assert code == 0
        return "new"
    assert tree == old, f"a mixed set: {sorted(k for k in new if tree.get(k) != new[k])} are not the new ones"
    assert code == 1  # drift: the old set
    if not old:
        assert not out.exists(), "a folder of a rolled-back render was left behind"
    return "old"


def _prepare(out: Path, v1: Path, start: str) -> None:
    if out.exists():
        shutil.rmtree(out)
    if start == "old":
        shutil.copytree(v1.parent / "ref-v1", out)  # the old version's files, modes included


@pytest.mark.parametrize("start", ["old", "empty"])
def test_a_kill_at_every_step_of_the_write_leaves_one_version_and_no_leftovers(tmp_path: Path, start: str) -> None:
    v1, v2, old, new = _versions(tmp_path)
    old_set = old if start == "old" else {}
    out = tmp_path / "out"
    outcomes: dict[str, int] = {"old": 0, "new": 0}
    for step in range(1, MAX_STEPS + 1):
        _prepare(out, v1, start)
        pid = _fork(_render_child(v2, out, _kill_at(step)))
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        outcomes[_check_consistent(out, v2, old_set, new)] += 1
        if not killed:
            assert os.WEXITSTATUS(status) == 0
            break
    else:
        pytest.fail(f"the render did not finish within {MAX_STEPS} file-system calls")
    assert step > 10 and outcomes["old"] > 0 and outcomes["new"] > 0, (step, outcomes)
    print(f"killed at each of {step - 1} steps: {outcomes['old']} left the old set, {outcomes['new']} the new one")
    # Afterwards a render writes the new set.
    assert _quiet_main(["render", "prod", "-p", str(v2), "--out", str(out), "--force", *AS_OF]) == 0
    assert _tree(out) == new and _leftovers(tmp_path) == []


def test_kills_at_random_instants_leave_one_version_and_no_leftovers(tmp_path: Path) -> None:
    v1, v2, old, new = _versions(tmp_path)
    out = tmp_path / "out"
    rng = random.Random(18)  # reproducible instants
    _prepare(out, v1, "old")
    started = time.perf_counter()
    pid = _fork(_render_child(v2, out, None))
    os.waitpid(pid, 0)
    duration = time.perf_counter() - started
    outcomes = {"old": 0, "new": 0}
    for _ in range(RANDOM_KILLS):
        _prepare(out, v1, "old")
        pid = _fork(_render_child(v2, out, None))
        time.sleep(rng.uniform(0, duration * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        outcomes[_check_consistent(out, v2, old, new)] += 1
    assert sum(outcomes.values()) == RANDOM_KILLS
    print(f"{RANDOM_KILLS} random kills within {duration:.2f} s: {outcomes}")


def _kill_at_first_rename() -> None:
    real = os.replace

    def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        if str(src).endswith(".configgen-tmp"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst, *args, **kwargs)

    os.replace = replace  # type: ignore[assignment]


def test_validate_after_a_kill_also_finishes_the_interrupted_write(tmp_path: Path) -> None:
    v1, v2, _, _ = _versions(tmp_path)
    deploy = tmp_path / "deploy" / "prod"  # the project's default outputs.dir
    assert _quiet_main(["render", "prod", "-p", str(v1), *AS_OF]) == 0 and deploy.is_dir()

    def child() -> None:
        _kill_at_first_rename()
        os._exit(_quiet_main(["render", "prod", "-p", str(v2), "--force", *AS_OF]))

    _, status = os.waitpid(_fork(child), 0)
    assert os.WIFSIGNALED(status)
    assert _leftovers(deploy.parent.parent), "the kill should have left a journal to finish"
    _quiet_main(["validate", "-p", str(v2), *AS_OF])
    assert _leftovers(tmp_path) == []


def test_a_cached_render_check_is_not_answered_while_a_journal_waits(tmp_path: Path) -> None:
    import subprocess
    import sys

    v1, v2, old, _ = _versions(tmp_path)
    out = tmp_path / "out"
    _prepare(out, v1, "old")
    env = {k: v for k, v in os.environ.items() if k != "CONFIGGEN_NO_CACHE"}
    env["CONFIGGEN_CACHE_DIR"] = str(tmp_path / "cache")
    check = [sys.executable, "-m", "configgen", "render", "prod", "-p", str(v2), "--out", str(out), "--check", *AS_OF]
    for _ in range(2):  # the second one is answered from the cache
        assert subprocess.run(check, env=env, capture_output=True, check=False, timeout=60).returncode == 1
    _, status = os.waitpid(_fork(_render_child(v2, out, _kill_at_first_rename)), 0)
    assert os.WIFSIGNALED(status) and _leftovers(tmp_path)
    assert {k: v for k, v in _tree(out).items() if "configgen-" not in k} == old  # killed before any rename
    done = subprocess.run(check, env=env, capture_output=True, check=False, timeout=60)
    assert _leftovers(tmp_path) == [], "the cache answered without finishing the interrupted write"
    assert done.returncode == 0 and _tree(out) != old  # the committed write was completed
