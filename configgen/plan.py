"""Compare what a render would write with what is on disk: create / unchanged / changed / edited."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NamedTuple

from configgen.render.header import edited_since_generated, split_header


class Action(enum.StrEnum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    CHANGE = "change"


class PlannedFile(NamedTuple):
    path: Path
    content: str
    old: str | None
    mode: int
    old_mode: int | None = None
    #: Why the destination cannot be replaced (a symbolic link, pipe, device...): a located error.
    problem: str | None = None

    @property
    def action(self) -> Action:
        if self.problem is not None:
            return Action.CHANGE
        if self.old is None:
            return Action.CREATE
        if self.old == self.content and not self.too_open:
            return Action.UNCHANGED
        return Action.CHANGE

    @property
    def too_open(self) -> bool:
        """A private file (.env, 0600) on disk that others may read, e.g. after a git checkout."""
        return self.mode & 0o077 == 0 and self.old_mode is not None and self.old_mode & 0o077 != 0

    @property
    def hand_edited(self) -> bool:
        """Overwriting would lose someone's work: the file on disk was not written by configgen
        (no header), or was edited by hand since it was generated."""
        if self.old is None or self.old == self.content or self.problem is not None:
            return False
        return split_header(self.old)[0] is None or edited_since_generated(self.old)

    def diff(self, display: str | None = None) -> str:
        import difflib

        from configgen.secrets import scrub

        if self.old is not None and (self.path.name.startswith(".env") or self.path.suffix == ".env"):
            from configgen.load.dotenv import parse_dotenv

            # A hand-edited .env may hold real secrets that look like nothing: reading it registers
            # the values of its secret variables, so the diff hides them.
            parse_dotenv(self.old, str(self.path))
        name = display or str(self.path)
        lines = difflib.unified_diff(
            (self.old or "").splitlines(keepends=True),
            self.content.splitlines(keepends=True),
            fromfile=f"a/{name}" if self.old is not None else "/dev/null",
            tofile=f"b/{name}",
        )
        # The old file may be anyone's: its control characters are shown as escapes, not sent to the terminal.
        return scrub("".join(lines), newlines=True)


def plan_files(contents: list[tuple[Path, str, int]]) -> list[PlannedFile]:
    """What writing ``contents`` (path, text, mode) would do to each file.

    A write a kill interrupted is finished (or undone) first, so the plan compares with a consistent
    set. Only regular files are read, each at most FILE_BYTES: a symbolic link, pipe or device at a
    destination gets a ``problem`` instead of a hang, an endless read or a replaced link.
    """
    from configgen.write import destination_problem, recover

    recover([p for p, _, _ in contents])
    return [_plan_one(path, content, mode, destination_problem(path)) for path, content, mode in contents]


def _plan_one(path: Path, content: str, mode: int, problem: str | None) -> PlannedFile:
    import stat

    from configgen.load.files import NotRegular, TooLarge, read_regular_bytes
    from configgen.load.limits import FILE_BYTES

    if problem is not None:
        return PlannedFile(path, content, "", mode, None, problem)
    old_mode: int | None = None
    try:
        raw = read_regular_bytes(path, FILE_BYTES.value(), follow_symlinks=False)
        old: str | None = raw.decode("utf-8")
        old_mode = stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        old = None
    except NotRegular as exc:
        return PlannedFile(path, content, "", mode, None, f"is {exc}; configgen reads and replaces only regular files")
    except (OSError, UnicodeDecodeError, TooLarge):
        old = ""  # unreadable, not text or huge: treat as changed (and as not ours: --force needed)
    return PlannedFile(path, content, old, mode, old_mode)


#: A scan for leftover generated files stops after this many entries (a wrong --out must not walk a disk).
MAX_SCANNED = 20_000


def stale_files(roots: list[Path], source: str, env: str, keep: set[Path]) -> list[PlannedFile]:
    """Files under ``roots`` that configgen rendered for environment ``env`` of project file ``source``
    (their header says so) but that this render no longer produces: a balancer removed from the
    project leaves its snippet behind, and `--check` must not call that folder up to date.

    Returned as PlannedFiles with empty content (to remove); only regular files, links not followed.
    """
    import os
    import stat

    from configgen.cache import note
    from configgen.load.files import NotRegular, TooLarge, read_regular_bytes
    from configgen.load.limits import FILE_BYTES

    marker = f"Generated by configgen from {source} (environment: {env})".encode()
    kept = {os.path.realpath(p) for p in keep}
    found: list[PlannedFile] = []
    seen = 0
    for root in roots:
        for folder, dirs, names in os.walk(root, followlinks=False):
            note(folder)  # a file that appears here later changes the answer (configgen.cache)
            dirs.sort()
            for name in sorted(names):
                seen += 1
                if seen > MAX_SCANNED:
                    return found
                path = Path(folder) / name
                try:
                    st = path.lstat()
                    if not stat.S_ISREG(st.st_mode) or os.path.realpath(path) in kept:
                        continue
                    with path.open("rb") as fh:
                        head = fh.read(1024)
                    if marker not in head:
                        continue
                    old = read_regular_bytes(path, FILE_BYTES.value(), follow_symlinks=False).decode("utf-8")
                except (OSError, UnicodeDecodeError, NotRegular, TooLarge):
                    continue  # not ours to judge: left alone
                found.append(PlannedFile(path, "", old, stat.S_IMODE(st.st_mode), stat.S_IMODE(st.st_mode)))
    return found
