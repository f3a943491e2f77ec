"""What both snapshot scripts do with their result: write it, or (--check) compare it with the file."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(out: Path, text: str, check: bool, script: str) -> int:
    if check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != text:
            print(f"{out} is out of date with the installed litellm; run {Path(script).name}", file=sys.stderr)
            return 1
        print(f"{out} matches the installed litellm")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0
