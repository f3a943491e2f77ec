"""The only module that writes files: atomic per file, all-or-nothing across one render.

Every new content is first written to a temporary file in its destination's directory and
fsynced; only then are the files renamed into place. If anything fails (or Ctrl-C arrives) before
the last rename, the files already replaced are restored from backups, so a render never leaves a
mix of old and new files. Modes are kept: 0600 for .env files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from configgen.plan import Action, PlannedFile


class WriteError(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _stage(path: Path, content: str, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".configgen-tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_all(files: Sequence[PlannedFile]) -> list[Path]:
    """Write every file whose content changed; returns the paths written."""
    todo = [f for f in files if f.action is not Action.UNCHANGED]
    staged: list[tuple[PlannedFile, Path]] = []
    backups: list[tuple[Path, Path | None]] = []  # (destination, backup or None if it did not exist)
    try:
        for f in todo:
            try:
                staged.append((f, _stage(f.path, f.content, f.mode)))
            except OSError as exc:
                raise WriteError(f.path, exc.strerror or str(exc)) from exc
        for f, tmp in staged:
            backup: Path | None = None
            if f.path.exists():
                # A hard link keeps the old content reachable while the rename below stays atomic:
                # the destination never disappears, even for a moment.
                backup = f.path.with_name(f".{f.path.name}.configgen-bak")
                with contextlib.suppress(FileNotFoundError):
                    backup.unlink()
                try:
                    os.link(f.path, backup)
                except OSError:
                    shutil.copy2(f.path, backup)
            backups.append((f.path, backup))
            try:
                os.replace(tmp, f.path)
            except OSError as exc:
                raise WriteError(f.path, exc.strerror or str(exc)) from exc
        _sync_dirs({f.path.parent for f in todo})
    except BaseException:
        for dest, backup in reversed(backups):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, dest)
                else:
                    os.unlink(dest)
        for _, tmp in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for _, backup in backups:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)
    return [f.path for f in todo]


def _sync_dirs(dirs: set[Path]) -> None:
    for d in dirs:
        try:
            fd = os.open(d, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
