"""The only module that writes files: atomic per file, all-or-nothing across one render.

Every new content is first written to a temporary file in its destination's directory and
fsynced; only then are the files renamed into place. If anything fails (or Ctrl-C arrives) before
the last rename, the files already replaced are restored from backups, so a render never leaves a
mix of old and new files. While the renames run, SIGINT/SIGTERM are held back (delivered right
after), so an interrupt cannot land between two renames. Modes are kept: 0600 for .env files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from configgen.plan import Action, PlannedFile

TMP_SUFFIX = ".configgen-tmp"
BAK_SUFFIX = ".configgen-bak"


class WriteError(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return (exc.strerror or type(exc).__name__).lower()
    return str(exc)


def _mkdirs(directory: Path, created: list[Path]) -> None:
    """Create ``directory`` and missing parents, remembering which ones, so a rollback removes them."""
    missing: list[Path] = []
    d = directory
    while not d.exists() and d != d.parent:
        missing.append(d)
        d = d.parent
    for m in reversed(missing):
        m.mkdir()
        created.append(m)


def _stage(path: Path, data: bytes, mode: int, created: list[Path]) -> Path:
    _mkdirs(path.parent, created)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        # fchmod, not the umask: a .env must be 0600 from its first byte on disk.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
    return Path(tmp)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM for the (short) commit phase; they are delivered when it ends."""
    can_block = hasattr(signal, "pthread_sigmask")
    if can_block:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        if can_block:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_all(files: Sequence[PlannedFile]) -> list[Path]:
    """Write every file whose content changed; returns the paths written. Raises :class:`WriteError`
    (an OS error, or content that cannot be encoded) after restoring every file it touched."""
    todo = [f for f in files if f.action is not Action.UNCHANGED]
    # Encode first: a value that is not valid text fails before anything touches the disk.
    payloads: list[tuple[PlannedFile, bytes]] = []
    for f in todo:
        try:
            payloads.append((f, f.content.encode("utf-8")))
        except UnicodeEncodeError as exc:
            raise WriteError(f.path, f"content is not valid text ({exc.reason})") from None
    created_dirs: list[Path] = []
    staged: list[tuple[PlannedFile, Path]] = []
    backups: list[tuple[Path, Path | None]] = []  # (destination, backup or None if it did not exist)
    current = todo[0].path if todo else Path()
    try:
        for f, data in payloads:
            current = f.path
            staged.append((f, _stage(f.path, data, f.mode, created_dirs)))
        with _signals_held():
            try:
                for f, tmp in staged:
                    current = f.path
                    backups.append((f.path, _backup(f.path)))
                    os.replace(tmp, f.path)  # noqa: PTH105 (one well-known seam for fault-injection tests)
                _sync_dirs({f.path.parent for f in todo})
                for _, backup in backups:
                    if backup is not None:
                        with contextlib.suppress(OSError):
                            backup.unlink()
            except BaseException:
                _rollback(backups, staged, created_dirs)
                raise
    except OSError as exc:
        _rollback([], staged, created_dirs)
        raise WriteError(current, _reason(exc)) from exc
    except BaseException:
        _rollback([], staged, created_dirs)
        raise
    return [f.path for f in todo]


def _backup(dest: Path) -> Path | None:
    """Keep the old content reachable under a side name; None when there is no old file."""
    if not dest.exists() and not dest.is_symlink():
        return None
    backup = dest.with_name(f".{dest.name}{BAK_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()
    try:
        # A hard link keeps the old content while the rename stays atomic: the destination never
        # disappears, even for a moment.
        os.link(dest, backup, follow_symlinks=False)
    except OSError:
        if dest.is_dir() and not dest.is_symlink():
            raise IsADirectoryError(21, "Is a directory", str(dest)) from None
        shutil.copy2(dest, backup, follow_symlinks=False)
    return backup


def _rollback(
    backups: list[tuple[Path, Path | None]], staged: list[tuple[PlannedFile, Path]], dirs: list[Path]
) -> None:
    """Put back every replaced file, remove new ones, temp files and the folders this write created."""
    for dest, backup in reversed(backups):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, dest)  # noqa: PTH105
                # Renaming a hard link onto its twin is a no-op that leaves the link: remove it.
                if backup.exists():
                    backup.unlink()
            else:
                dest.unlink()
    backups.clear()
    for _, tmp in staged:
        with contextlib.suppress(OSError):
            tmp.unlink()
    for d in reversed(dirs):
        with contextlib.suppress(OSError):
            d.rmdir()  # only if empty: never removes anything that was there before
    dirs.clear()


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
