"""Fault injection for configgen.write: a failure or Ctrl-C at any step leaves the old files exactly as
they were, and no temporary or backup file behind."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

from configgen import write
from configgen.plan import PlannedFile, plan_files
from configgen.write import WriteError, write_all


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _setup(tmp_path: Path) -> tuple[Path, list[PlannedFile]]:
    """Three existing files (old content) and one new file in a new folder, all changing."""
    out = tmp_path / "out"
    (out / "server").mkdir(parents=True)
    (out / "litellm.config.yaml").write_text("old config\n")
    (out / "server" / ".env").write_text("OLD=1\n")
    (out / "server" / ".env").chmod(0o600)
    (out / "nginx.conf").write_text("old nginx\n")
    planned = plan_files(
        [
            (out / "litellm.config.yaml", "new config\n", 0o644),
            (out / "server" / ".env", "NEW=1\n", 0o600),
            (out / "nginx.conf", "new nginx\n", 0o644),
            (out / "haproxy" / "new.cfg", "new haproxy\n", 0o644),
        ]
    )
    return out, planned


def test_writes_everything_with_modes(tmp_path: Path) -> None:
    out, planned = _setup(tmp_path)
    written = write_all(planned)
    assert len(written) == 4
    assert _tree(out) == {
        "haproxy/new.cfg": b"new haproxy\n",
        "litellm.config.yaml": b"new config\n",
        "nginx.conf": b"new nginx\n",
        "server/.env": b"NEW=1\n",
    }
    assert stat.S_IMODE((out / "server" / ".env").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "nginx.conf").stat().st_mode) == 0o644


def test_new_env_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_all(plan_files([(tmp_path / ".env", "A=1\n", 0o600)]))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failure_at_any_rename_restores_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int, exc: BaseException
) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(src).endswith(write.TMP_SUFFIX):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise exc
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    expected = WriteError if isinstance(exc, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        write_all(planned)
    assert _tree(out) == before
    assert not (out / "haproxy").exists(), "a folder the failed write created was left behind"
    assert stat.S_IMODE((out / "server" / ".env").stat().st_mode) == 0o600


@pytest.mark.parametrize("fail_at", [1, 3, 4])
def test_interrupt_while_staging_leaves_no_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)
    real_fsync = os.fsync
    calls = {"n": 0}

    def interrupted_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_all(planned)
    assert _tree(out) == before


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_an_interrupt_at_any_directory_sync_leaves_all_old_or_all_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)
    after = {str(f.path.relative_to(out)): f.content.encode() for f in planned}
    real = write._sync_dirs
    calls = {"n": 0}

    def once(dirs: set[Path]) -> None:
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise KeyboardInterrupt
        real(dirs)

    monkeypatch.setattr(write, "_sync_dirs", once)
    with contextlib.suppress(KeyboardInterrupt):
        write_all(planned)
    monkeypatch.setattr(write, "_sync_dirs", real)
    write.recover([f.path for f in planned])  # what the next run does first
    assert _tree(out) in (before, after)
    assert not [p for p in out.rglob("*") if "configgen" in p.name]


def test_destination_that_is_a_directory_is_a_write_error(tmp_path: Path) -> None:
    out, planned = _setup(tmp_path)
    (out / "haproxy" / "new.cfg").mkdir(parents=True)
    before = _tree(out)
    with pytest.raises(WriteError) as info:
        write_all(planned)
    assert "new.cfg" in str(info.value)
    assert _tree(out) == before


def test_unencodable_content_fails_before_touching_disk(tmp_path: Path) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)
    bad = PlannedFile(out / "bad.yaml", "x: \ud800\n", None, 0o644)
    with pytest.raises(WriteError, match="not valid text"):
        write_all([*planned, bad])
    assert _tree(out) == before


@pytest.mark.parametrize("target", ["elsewhere.txt", "/dev/zero", "/dev/full", "/dev/null"])
def test_symlinked_destination_is_refused_and_neither_followed_nor_replaced(tmp_path: Path, target: str) -> None:
    real = tmp_path / target if not target.startswith("/") else Path(target)
    if not target.startswith("/"):
        real.write_text("do not touch\n")
    link = tmp_path / "out.yaml"
    link.symlink_to(real)
    [planned] = plan_files([(link, "new\n", 0o644)])
    assert planned.problem is not None and "symbolic link" in planned.problem
    assert not planned.hand_edited  # the problem is reported as such, not as a hand edit
    with pytest.raises(WriteError, match="symbolic link"):
        write_all([planned])
    assert link.is_symlink() and str(link.readlink()) == str(real)
    if not target.startswith("/"):
        assert real.read_text() == "do not touch\n"
    assert {p.name for p in tmp_path.iterdir()} == {"out.yaml"} | ({"elsewhere.txt"} if real.parent == tmp_path else set())


def test_a_fifo_destination_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / ".env"
    os.mkfifo(fifo)
    [planned] = plan_files([(fifo, "A=1\n", 0o600)])  # would block forever if it opened the pipe
    assert planned.problem is not None and "named pipe" in planned.problem
    with pytest.raises(WriteError, match="named pipe"):
        write_all([planned])
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_an_immutable_file_rolls_the_write_back_and_leaves_no_backup(tmp_path: Path) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)
    locked = out / "nginx.conf"
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system with the flag)")
    try:
        with pytest.raises(WriteError, match=r"nginx\.conf"):
            write_all(planned)
        assert _tree(out) == before
        assert not [p for p in out.rglob("*") if "configgen" in p.name]
        assert not (out / "haproxy").exists()
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=False)


def test_a_huge_file_at_a_destination_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "litellm.config.yaml"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: nothing on disk
    [planned] = plan_files([(big, "new\n", 0o644)])
    assert planned.old == "" and planned.hand_edited  # not ours: --force needed, and nothing was read


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    f = tmp_path / "same.txt"
    f.write_text("same\n")
    mtime = f.stat().st_mtime_ns
    assert write_all(plan_files([(f, "same\n", 0o644)])) == []
    assert f.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("name", ["litellm.config.yaml", "odd[1].yaml"])
def test_temporary_files_of_earlier_versions_are_removed(tmp_path: Path, name: str) -> None:
    """`.NAME.<random>.configgen-tmp` beside an output goes; files that only look alike stay."""
    out = tmp_path / name
    out.write_text("x\n")
    # (`.NAME.configgen-tmp` is today's temporary file, removed as well.)
    gone = [f".{name}.k3j2h1{write.TMP_SUFFIX}", f".{name}.a.b{write.TMP_SUFFIX}", f".{name}{write.TMP_SUFFIX}"]
    kept = [f".{name}.x.configgen-tm", f".other.yaml.k3j2h1{write.TMP_SUFFIX}", f"{name}.k3j2h1{write.TMP_SUFFIX}",
            f".{name}k{write.TMP_SUFFIX}"]
    for leftover in gone + kept:
        (tmp_path / leftover).write_text("")
    write.recover([out])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, *kept])
