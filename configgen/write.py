"""The only module that writes files: atomic per file, all-or-nothing across one render, even across a kill.

A render's files are written in three steps, recorded in a journal (``.configgen-journal``, in the
nearest existing folder that holds every destination) that is itself replaced atomically:

1. *prepare*: the journal names every temporary file, backup and new folder before any exists;
   then each new content is written to a temporary file beside its destination and fsynced, and
   each old file gets a backup (a hard link: no copy, and the destination never disappears).
2. *commit*: the journal says so; only then are the temporary files renamed into place.
3. the backups and the journal are removed.

A failure (or Ctrl-C) puts every old file back. A SIGKILL or a power cut leaves the journal:
:func:`recover` (run by the next render, ``render --check`` and ``validate`` before they read the
destinations) rolls a prepared write back and a committed one forward, then removes every temporary
file and backup, so a set never stays a mix of two versions and no leftover stays behind. SIGINT and
SIGTERM are held back while the renames run. Only regular files are read or replaced: a symbolic link,
pipe or device at a destination is refused before anything is written. Modes are kept (0600 for .env).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

TMP_SUFFIX = ".configgen-tmp"
BAK_SUFFIX = ".configgen-bak"
JOURNAL = ".configgen-journal"
_JOURNAL_NEW = JOURNAL + ".new"
#: Seconds to wait for another configgen that is writing into the same folder.
LOCK_WAIT_S = 30.0


class WriteError(Exception):
    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class Planned(Protocol):
    """What :func:`write_all` needs of a planned file (configgen.plan.PlannedFile)."""

    @property
    def path(self) -> Path: ...
    @property
    def content(self) -> str: ...
    @property
    def mode(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def problem(self) -> str | None: ...


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return (exc.strerror or type(exc).__name__).lower()
    return str(exc)


def tmp_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}{TMP_SUFFIX}")


def bak_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}{BAK_SUFFIX}")


def destination_problem(dest: Path) -> str | None:
    """Why ``dest`` may not be replaced (it is a link, pipe, device...), or None. Never follows a link."""
    try:
        st = dest.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot inspect: {_reason(exc)}"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISLNK(st.st_mode):
        target = dest.readlink()
        return f"is a symbolic link (to {target}); configgen reads and replaces only regular files"
    from configgen.load.files import describe_mode

    return f"is {describe_mode(st.st_mode)}, not a regular file; configgen reads and replaces only regular files"


# --- the journal -----------------------------------------------------------------------------------------
def _existing(d: Path) -> Path:
    while not d.is_dir() and d != d.parent:
        d = d.parent
    return d


def _journal_dir(dests: Sequence[Path]) -> Path:
    """The nearest existing folder above every destination (the journal must be there before anything);
    the first destination's nearest existing folder when that one is not writable (e.g. `/`).
    :func:`recover` looks in every folder above every destination, so it finds either."""
    common = _existing(Path(os.path.commonpath([str(d.parent.absolute()) for d in dests])))
    return common if os.access(common, os.W_OK | os.X_OK) else _existing(dests[0].parent.absolute())


def _save(journal_dir: Path, record: dict[str, Any]) -> None:
    new = journal_dir / _JOURNAL_NEW
    fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(new, journal_dir / JOURNAL)  # noqa: PTH105
    _sync_dirs({journal_dir})


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def _locked(directory: Path, *, wait: float) -> Iterator[bool]:
    """Hold an exclusive lock on ``directory`` (flock on the folder itself: no lock file to leave behind)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        yield True
    finally:
        os.close(fd)


def _finish(journal_dir: Path, record: dict[str, Any]) -> str:
    """Complete (committed) or undo (prepared, rolling back) the write a journal describes; remove it."""
    with _signals_held():
        return _finish_held(journal_dir, record)


def _finish_held(journal_dir: Path, record: dict[str, Any]) -> str:
    entries = [(Path(e["dest"]), Path(e["tmp"]), Path(e["bak"]) if e["bak"] else None) for e in record["entries"]]
    state = record.get("state")
    if state == "commit":
        try:
            for dest, tmp, _ in entries:
                if tmp.exists():
                    os.replace(tmp, dest)  # noqa: PTH105
            _sync_dirs({d.parent for d, _, _ in entries})
            done = "completed"
        except OSError:
            record["state"] = state = "rollback"
            _save(journal_dir, record)
    if state == "rollback":
        for dest, tmp, bak in reversed(entries):
            renamed = not tmp.exists()
            if renamed and bak is not None and bak.exists():
                _restore(dest, bak)
            elif renamed and bak is None:
                with contextlib.suppress(OSError):
                    dest.unlink()
        done = "rolled back"
    elif state != "commit":
        done = "rolled back"
    for _, tmp, bak in entries:
        _unlink(tmp)
        if bak is not None:
            with contextlib.suppress(OSError):
                _unlink(bak)
    if state != "commit":
        for d in reversed([Path(d) for d in record.get("dirs", [])]):
            with contextlib.suppress(OSError):
                d.rmdir()  # only if empty: never removes anything that was there before
    _unlink(journal_dir / JOURNAL)
    _unlink(journal_dir / _JOURNAL_NEW)
    _sync_dirs({journal_dir})
    return done


def _restore(dest: Path, bak: Path) -> None:
    try:
        os.replace(bak, dest)  # noqa: PTH105
    except OSError:
        # e.g. the destination became immutable: if it still holds the old content, the backup is a
        # useless twin; otherwise it is the only copy of the old file and stays.
        with contextlib.suppress(OSError):
            same_size = bak.stat().st_size == dest.stat().st_size
            if bak.samefile(dest) or (same_size and bak.read_bytes() == dest.read_bytes()):
                bak.unlink()
        return
    # Renaming a hard link onto its twin is a no-op that leaves the link: remove it.
    _unlink(bak)


def recover(paths: Iterable[Path], *, held: Path | None = None) -> list[str]:
    """Finish any write a kill interrupted in a folder above ``paths``, then remove every leftover
    temporary file and backup of those paths. Returns one line per journal handled, for a report.

    ``held``: a folder whose lock the caller already holds. A journal another configgen holds the
    lock of is left alone, and so are the leftovers (they may be that writer's files).
    """
    paths = list(paths)
    busy = False
    dirs: set[Path] = set()
    for p in paths:
        d = p.parent.absolute()
        while d not in dirs:
            dirs.add(d)
            if d == d.parent:
                break
            d = d.parent
    from configgen.cache import note

    done: list[str] = []
    for d in sorted(dirs):
        journal = d / JOURNAL
        note(journal)  # a journal that appears later makes a cached `render --check` a miss
        try:
            is_journal = stat.S_ISREG(journal.lstat().st_mode)
        except OSError:
            with contextlib.suppress(OSError):  # a journal being replaced when a kill came
                (d / _JOURNAL_NEW).unlink()
            continue
        if not is_journal:
            continue
        with _locked(d, wait=0) if d != held else contextlib.nullcontext(True) as locked:
            if not locked:
                busy = True  # another configgen is writing there right now
                continue
            try:
                record = json.loads(journal.read_text(encoding="utf-8"))
                done.append(f"{journal}: {_finish(d, record)} an interrupted render")
            except (OSError, ValueError, KeyError, TypeError):
                done.append(f"{journal}: unreadable journal of an interrupted render, left in place")
    for p in [] if busy else paths:
        for leftover in (tmp_path(p), bak_path(p)):
            note(leftover)
            if leftover.is_file() and not leftover.is_symlink():
                _unlink(leftover)
        # Temporary files of earlier configgen versions: `.NAME.<random>.configgen-tmp` (listed: a glob
        # compiled a pattern per output, and read `[` in a file name as a pattern).
        with contextlib.suppress(OSError):
            prefix = f".{p.name}."
            for old in p.parent.iterdir():
                name = old.name
                if name.startswith(prefix) and name.endswith(TMP_SUFFIX) and len(name) >= len(prefix) + len(TMP_SUFFIX):
                    _unlink(old)
    return done


# --- writing -----------------------------------------------------------------------------------------------
def _missing_dirs(directory: Path) -> list[Path]:
    missing: list[Path] = []
    d = directory
    while not d.exists() and d != d.parent:
        missing.append(d)
        d = d.parent
    return list(reversed(missing))


def _stage(tmp: Path, data: bytes, mode: int) -> None:
    _unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    # fchmod, not the umask: a .env must be 0600 from its first byte on disk.
    os.fchmod(fd, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _backup(dest: Path, bak: Path) -> None:
    """Keep the old content reachable under a side name (a hard link: no copy, atomic rename stays)."""
    _unlink(bak)
    try:
        os.link(dest, bak, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            # EPERM: an immutable or append-only file, which no rename could replace either.
            raise
        data = dest.read_bytes()  # a file system without hard links: a copy, fsynced
        _stage(bak, data, stat.S_IMODE(dest.stat().st_mode))


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


def write_all(files: Sequence[Planned]) -> list[Path]:
    """Write every file whose content changed; returns the paths written. Raises :class:`WriteError`
    (an OS error, a destination that is not a regular file, content that cannot be encoded) after
    restoring every file it touched."""
    todo = [f for f in files if f.action != "unchanged"]
    # Check and encode first: nothing touches the disk for a refused destination or bad text.
    payloads: list[tuple[Planned, bytes]] = []
    for f in todo:
        problem = f.problem or destination_problem(f.path)
        if problem:
            raise WriteError(f.path, problem)
        try:
            payloads.append((f, f.content.encode("utf-8")))
        except UnicodeEncodeError as exc:
            raise WriteError(f.path, f"content is not valid text ({exc.reason})") from None
    if not todo:
        return []
    journal_dir = _journal_dir([f.path for f in todo])
    with _locked(journal_dir, wait=LOCK_WAIT_S) as locked:
        if not locked:
            raise WriteError(journal_dir, "another configgen is writing into this folder; try again")
        recover([f.path for f in todo], held=journal_dir)
        _write_locked(journal_dir, payloads)
    return [f.path for f in todo]


def _write_locked(journal_dir: Path, payloads: list[tuple[Planned, bytes]]) -> None:
    dirs: list[Path] = []
    for f, _ in payloads:
        dirs += [d for d in _missing_dirs(f.path.parent) if d not in dirs]
    entries: list[dict[str, Any]] = [
        {"dest": str(f.path.absolute()), "tmp": str(tmp_path(f.path).absolute()),
         "bak": str(bak_path(f.path).absolute()) if f.path.exists() else None}
        for f, _ in payloads
    ]
    record: dict[str, Any] = {
        "version": 1, "state": "prepare", "entries": entries, "dirs": [str(d.absolute()) for d in dirs],
    }
    current = payloads[0][0].path
    try:
        _save(journal_dir, record)
        for d in dirs:
            d.mkdir()
        for (f, data), entry in zip(payloads, entries, strict=True):
            current = f.path
            _stage(Path(entry["tmp"]), data, f.mode)
            if entry["bak"]:
                _backup(f.path, Path(entry["bak"]))
        with _signals_held():
            record["state"] = "commit"
            _save(journal_dir, record)
            try:
                for (f, _), entry in zip(payloads, entries, strict=True):
                    current = f.path
                    os.replace(entry["tmp"], f.path)  # noqa: PTH105 (one well-known seam for fault-injection tests)
                _sync_dirs({f.path.parent for f, _ in payloads})
            except BaseException:
                record["state"] = "rollback"
                with contextlib.suppress(OSError):
                    _save(journal_dir, record)
                raise
    except BaseException as exc:
        if record["state"] == "commit":
            record["state"] = "rollback"
        with contextlib.suppress(OSError):
            _finish(journal_dir, record)
        if isinstance(exc, OSError):
            raise WriteError(current, _reason(exc)) from exc
        raise
    # Committed: every new file is in place. Removing the backups and the journal may fail or be
    # cut short without harm; the next run's recover() finishes it.
    with contextlib.suppress(OSError):
        _finish(journal_dir, record)


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
