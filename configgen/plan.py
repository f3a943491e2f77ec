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

    @property
    def action(self) -> Action:
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
        if self.old is None or self.old == self.content:
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
    import stat

    planned = []
    for path, content, mode in contents:
        old_mode: int | None = None
        try:
            old: str | None = path.read_text(encoding="utf-8")
            old_mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            old = None
        except (OSError, UnicodeDecodeError):
            old = ""  # unreadable or not text: treat as changed (and as not ours: --force needed)
        planned.append(PlannedFile(path, content, old, mode, old_mode))
    return planned
