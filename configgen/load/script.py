"""Find the `litellm` proxy command lines in a start script or systemd unit, with positions.

Only what a rule needs: each invocation's options and where they were written. Continuation lines
(`\\` at the end) are joined; `ExecStart=` prefixes and `exec` are understood.
"""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

_LITELLM = re.compile(r"(^|[\s/=])litellm(\s|$)")


class Option(NamedTuple):
    name: str  # e.g. "--port"
    value: str | None
    line: int
    column: int


class LitellmCommand(NamedTuple):
    line: int
    column: int
    options: tuple[Option, ...]

    def get(self, name: str) -> Option | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None


class ScriptDocument(NamedTuple):
    file: str
    text: str
    commands: tuple[LitellmCommand, ...] = ()


_FLAGS = {"--debug", "--detailed_debug", "--drop_params", "--save", "--use_queue", "--run_gunicorn",
          "--run_hypercorn", "--run_granian", "--local", "--test", "--health", "--version", "--reload",
          "--skip_server_startup", "--use_prisma_db_push", "--add_function_to_prompt", "--setup"}


def parse_script(text: str, file: str) -> ScriptDocument:
    commands: list[LitellmCommand] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start = i
        logical = lines[i]
        # Join continuation lines, remembering where each physical line starts in the joined text.
        offsets = [(0, i)]
        while logical.endswith("\\") and i + 1 < len(lines):
            logical = logical[:-1] + " "
            i += 1
            offsets.append((len(logical), i))
            logical += lines[i]
        i += 1
        stripped = logical.lstrip()
        if stripped.startswith("#") or not _LITELLM.search(logical):
            continue
        cmd = _parse_command(logical, offsets, start)
        if cmd is not None:
            commands.append(cmd)
    return ScriptDocument(file, text, tuple(commands))


def _position(offsets: list[tuple[int, int]], index: int) -> tuple[int, int]:
    line_start, line_no = offsets[0]
    for off, no in offsets:
        if off <= index:
            line_start, line_no = off, no
    return line_no + 1, index - line_start + 1


def _parse_command(logical: str, offsets: list[tuple[int, int]], start: int) -> LitellmCommand | None:
    lexer = shlex.shlex(logical, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:
        return None  # unbalanced quotes: not a command line we can read
    # Where each token starts in the logical line (approximate for quoted tokens: the first match).
    positions: list[int] = []
    cursor = 0
    for tok in tokens:
        raw = tok.split("=", 1)[0] if tok.startswith("--") else tok
        found = logical.find(raw, cursor)
        positions.append(found if found >= 0 else cursor)
        cursor = (found if found >= 0 else cursor) + len(raw)
    try:
        at = next(k for k, t in enumerate(tokens) if t == "litellm" or t.endswith("/litellm") or t.endswith("=litellm"))
    except StopIteration:
        return None
    options: list[Option] = []
    k = at + 1
    while k < len(tokens) and tokens[k] not in (";", "&&", "||", "|", "&"):
        tok = tokens[k]
        if tok.startswith("--"):
            name, eq, value = tok.partition("=")
            line, col = _position(offsets, positions[k])
            if eq:
                options.append(Option(name, value, line, col))
            elif name in _FLAGS or k + 1 >= len(tokens) or tokens[k + 1].startswith("-"):
                options.append(Option(name, None, line, col))
            else:
                options.append(Option(name, tokens[k + 1], line, col))
                k += 1
        k += 1
    line, col = _position(offsets, positions[at])
    return LitellmCommand(line, col, tuple(options))
