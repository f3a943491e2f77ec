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


def _merge_chain(n: int) -> str:
    lines = ["m0: &m0 {k0: 0}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}, k{i}: {i}}}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def test_a_chain_of_merges_reads_like_ruamel_and_keeps_positions() -> None:
    text = _merge_chain(300)
    fast, problems = load_yaml_text(text, "t.yaml")
    slow, _ = _load_round_trip(text, "t.yaml")
    assert problems == [] and fast is not None and slow is not None
    assert fast.data == slow.data
    assert fast.data["m299"] == {f"k{i}": i for i in range(300)}
    assert fast.values[("m299", "k0")] == (1, 14)  # a merged value points where it was written
    assert fast.keys[("m299", "k299")] == (300, 25)
    # One position per value (merged ones included) and the `<<` itself: nothing copied below `<<`.
    assert all(path.index("<<") == len(path) - 1 for path in fast.values if "<<" in path)
    assert len(fast.values) == 300 + 300 * 301 // 2 + 299


def test_merged_keys_count_against_the_alias_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100 links merge 4,950 keys in all, two positions each: about 10,000 values reached through merges.
    text = _merge_chain(100)
    monkeypatch.setenv("CONFIGGEN_MAX_YAML_ALIAS_VALUES", "12000")
    doc, problems = load_yaml_text(text, "t.yaml")
    assert problems == [] and doc is not None
    monkeypatch.setenv("CONFIGGEN_MAX_YAML_ALIAS_VALUES", "5000")
    doc, problems = load_yaml_text(text, "t.yaml")
    assert doc is None
    [p] = problems
    assert p.rule == "yaml-too-complex" and p.line > 1
    assert "CONFIGGEN_MAX_YAML_ALIAS_VALUES" in p.hint


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc:\n  <<: [*a, *b]\n  w: 5\n", {"w": 5, "x": 1, "y": 2, "z": 4}),
        ("a: &a {x: 1}\nb: &b {y: 2}\nl: &l [*a, *b]\nc:\n  <<: *l\n", {"x": 1, "y": 2}),
        ("c:\n  <<: {x: 1, y: {q: 2}}\n  y: 3\n", {"x": 1, "y": 3}),
        ("a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, x: 0}\n", {"x": 0, "y": 2}),
    ],
)
def test_merge_forms_read_like_ruamel(text: str, data: dict[str, object]) -> None:
    fast, problems = load_yaml_text(text, "t.yaml")
    slow, _ = _load_round_trip(text, "t.yaml")
    assert problems == [] and fast is not None and slow is not None
    assert fast.data == slow.data and fast.data["c"] == data


@pytest.mark.parametrize("text", ["c:\n  <<: 5\n", "a: &a 1\nc:\n  <<: [*a]\n", "a: &a [1]\nc:\n  <<: *a\n"])
def test_a_merge_of_something_else_than_mappings_is_refused_at_its_line(text: str) -> None:
    doc, problems = load_yaml_text(text, "t.yaml")
    assert doc is None
    assert [(p.rule, p.line) for p in problems] == [("yaml-unsupported", text.count("\n"))]


def test_billion_laughs_stops_at_the_alias_budget_and_says_how_to_raise_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    doc, problems = load_yaml_text("\n".join(lines) + "\n", "t.yaml")
    assert doc is None
    [p] = problems
    assert p.rule == "yaml-too-complex" and "billion laughs" in p.hint and "CONFIGGEN_MAX_YAML_ALIAS_VALUES" in p.hint


def test_value_and_size_limits_name_their_variable_and_can_be_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from configgen.load.yaml import load_yaml_file

    path = tmp_path / "big.yaml"
    path.write_text("items: [" + ", ".join(["1"] * 500) + "]\n")
    monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", "100")
    _, problems = load_yaml_file(path)
    assert [p.rule for p in problems] == ["yaml-too-complex"]
    assert "billion" not in problems[0].hint and "CONFIGGEN_MAX_YAML_VALUES" in problems[0].hint
    monkeypatch.setenv("CONFIGGEN_MAX_FILE_BYTES", "1000")
    _, problems = load_yaml_file(path)
    assert [p.rule for p in problems] == ["file-too-large"]
    assert "almost certainly" not in problems[0].hint and "CONFIGGEN_MAX_FILE_BYTES" in problems[0].hint
    monkeypatch.setenv("CONFIGGEN_MAX_FILE_BYTES", "100000")
    monkeypatch.setenv("CONFIGGEN_MAX_YAML_VALUES", "1000")
    doc, problems = load_yaml_file(path)
    assert problems == [] and doc is not None and len(doc.data["items"]) == 500
