"""Reading input files safely: regular files only, bounded reads, UTF-8 text or a located finding.

A path may name a pipe (opening it blocks until a writer comes), a device (`/dev/zero` never ends),
a symbolic link to either, or a file that grows while it is read. Every reader here checks the kind
first, opens without blocking, checks again on the open descriptor and reads at most the limit plus
one byte, so none of them can hang or exhaust memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from configgen.findings import Finding, Severity
from configgen.load.limits import FILE_BYTES

Position = tuple[int, int]


def file_finding(file: str, rule: str, message: str, hint: str = "", line: int = 1, col: int = 1) -> Finding:
    # 1:1 for problems of the file as a whole, so every error reads `file:line:col: ...`.
    return Finding(rule, Severity.ERROR, message, hint, file, max(line, 1), max(col, 1))


def describe_mode(mode: int) -> str:
    """`a named pipe`, `a device`...: what a path that is not a regular file is."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def os_reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


class NotRegular(Exception):
    """The path is not a regular file (or stopped being one between the check and the open)."""


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_regular_bytes(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises FileNotFoundError / OSError, :class:`NotRegular` (message: what the path is) or
    :class:`TooLarge`. With ``follow_symlinks=False`` a symbolic link is itself refused (a writer
    must never read or replace what a link points at, e.g. `/dev/zero`).
    """
    st = path.stat() if follow_symlinks else path.lstat()
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(describe_mode(st.st_mode))
    if st.st_size > limit:
        raise TooLarge(st.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    # O_NONBLOCK: if the path was swapped for a pipe after the check above, open must not hang.
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular("not a regular file")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            # os.read allocates what it is asked for: ask for the size fstat gives (plus one byte, to
            # see growth), not for the whole limit.
            chunk = os.read(fd, min(limit + 1 - total, max(st.st_size - total + 1, 64 * 1024)))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise TooLarge(len(raw))
    return raw


def read_text(path: Path, display: str | None = None) -> tuple[str | None, list[Finding]]:
    """Read a regular file as UTF-8 (a BOM is accepted), refusing devices, pipes and huge files.

    The size is checked before reading and again while reading (the file may grow), and at most
    the limit plus one byte is ever read, so `/dev/zero` or a 50 MB file cost nothing.
    """
    name = display or str(path)
    try:
        raw = read_regular_bytes(path, FILE_BYTES.value())
    except FileNotFoundError:
        if path.is_symlink():
            return None, [file_finding(name, "file-unreadable", "symbolic link to a file that does not exist")]
        return None, [file_finding(name, "file-unreadable", "file not found")]
    except NotRegular as exc:
        what = str(exc)
        return None, [file_finding(name, "file-unreadable", f"is {what}, not a file" if what[0] == "a" else what)]
    except TooLarge as exc:
        return None, [too_large(name, exc.size)]
    except OSError as exc:
        return None, [file_finding(name, "file-unreadable", f"cannot read file: {os_reason(exc)}")]
    return decode_text(raw, name)


def too_large(name: str, size: int) -> Finding:
    return file_finding(
        name,
        "file-too-large",
        f"file is {size:,} bytes or more; configgen reads files of at most {FILE_BYTES.value():,} bytes",
        FILE_BYTES.how_to_raise(),
    )


_UTF16_32_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def decode_text(raw: bytes, name: str) -> tuple[str | None, list[Finding]]:
    """UTF-8 text (a UTF-8 BOM is dropped); binary and other encodings are findings with a position."""
    for bom, encoding in _UTF16_32_BOMS:
        if raw.startswith(bom):
            return None, [file_finding(name, "file-encoding", f"file is {encoding} text", "save the file as UTF-8")]
    if b"\x00" in raw:
        line, col = byte_position(raw, raw.index(b"\x00"))
        return None, [file_finding(name, "file-encoding", "file contains NUL bytes: binary, not text", "", line, col)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = byte_position(raw, exc.start)
        return None, [
            file_finding(
                name,
                "file-encoding",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                "save the file as UTF-8",
                line,
                col,
            )
        ]
    return text, []


def byte_position(raw: bytes, offset: int) -> Position:
    before = raw[:offset]
    start = before.rfind(b"\n") + 1
    # Columns count characters, as editors do; the bytes before `offset` on its line are valid UTF-8.
    column = len(before[start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def text_position(text: str, index: int) -> Position:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1
