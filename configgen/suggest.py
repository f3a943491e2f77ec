""""Did you mean" suggestions for misspelt keys and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.75) -> str | None:
    """The closest candidate, if one is close enough to be a plausible typo (case-insensitive)."""
    pool = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(word.lower(), list(pool), n=1, cutoff=cutoff)
    return pool[matches[0]] if matches else None


def hint_for(word: str, candidates: Iterable[str], fallback: str = "") -> str:
    """A hint sentence: "did you mean `x`?" or the fallback."""
    best = did_you_mean(word, candidates)
    return f"did you mean `{best}`?" if best else fallback
