"""The C-parser reader and the pure-Python round-trip reader agree on data and positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from configgen.load.yaml import _load_round_trip, load_yaml_text

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        ROOT / "examples" / "chatsheetai" / "configgen.yaml",
        *(ROOT / "tests" / "cases").glob("*/*/*.yaml"),
        *(ROOT / "tests" / "golden").glob("*/*/*.yaml"),
        *(ROOT / "tests" / "hostile" / "corpus").glob("*.yaml"),
    ]
)


def test_the_fast_reader_is_in_use() -> None:
    import _ruamel_yaml  # noqa: F401  (ruamel.yaml.clib is a dependency)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_readers_agree(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        pytest.skip("not text")
    fast, fast_problems = load_yaml_text(text, str(path))
    slow, slow_problems = _load_round_trip(text, str(path))
    if slow is not None and fast is not None:
        assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)
    else:
        # Both refuse the file, each with a located error (the exact place may differ by a token).
        assert fast is None and slow is None
        assert fast_problems and slow_problems
        assert all(p.line >= 1 and p.column >= 1 for p in fast_problems)


def test_merge_keys_and_aliases_keep_positions() -> None:
    text = "base: &b\n  rpm: 10\n  tpm: 20\nm:\n  <<: *b\n  tpm: 30\nn: *b\n"
    doc, problems = load_yaml_text(text, "t.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"base": {"rpm": 10, "tpm": 20}, "m": {"rpm": 10, "tpm": 30}, "n": {"rpm": 10, "tpm": 20}}
    assert doc.values[("m", "rpm")] == (2, 8)  # where the merged value was written
    assert doc.values[("m", "tpm")] == (6, 8)  # the mapping's own key wins
    assert doc.values[("n", "tpm")] == (3, 8)


def test_duplicate_keys_are_refused_at_the_second() -> None:
    _, problems = load_yaml_text("a: 1\nb: 2\na: 3\n", "t.yaml")
    assert [(p.rule, p.line, p.column) for p in problems] == [("yaml-duplicate-key", 3, 1)]
