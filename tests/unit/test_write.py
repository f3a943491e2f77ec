"""Fault injection for configgen.write: a failure or Ctrl-C at any step leaves the old files exactly as
they were, and no temporary or backup file behind."""

from __future__ import annotations

import os
import stat
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


def test_error_in_the_last_directory_sync_still_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, planned = _setup(tmp_path)
    before = _tree(out)

    def boom(dirs: set[Path]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(write, "_sync_dirs", boom)
    with pytest.raises(KeyboardInterrupt):
        write_all(planned)
    assert _tree(out) == before


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


def test_symlinked_destination_is_replaced_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("do not touch\n")
    link = tmp_path / "out.yaml"
    link.symlink_to(target)
    write_all(plan_files([(link, "new\n", 0o644)]))
    assert target.read_text() == "do not touch\n"
    assert not link.is_symlink() and link.read_text() == "new\n"


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    f = tmp_path / "same.txt"
    f.write_text("same\n")
    mtime = f.stat().st_mtime_ns
    assert write_all(plan_files([(f, "same\n", 0o644)])) == []
    assert f.stat().st_mtime_ns == mtime
