"""Data flows one way: a package never imports a higher one, and no import cycle exists anywhere.

Checked on the import statements (top-level, inside functions and under TYPE_CHECKING alike).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "configgen"

# Lowest first: a module may import its own layer and the layers below, never above.
LAYERS: list[set[str]] = [
    {"findings", "suggest", "secrets", "cache"},  # leaves
    {"load"},  # read files, parse each input kind with positions
    {"knowledge"},  # Azure and LiteLLM facts
    {"model"},  # the project as Pydantic models, environments merged
    {"render"},  # the outputs table, templates, escapers
    {"rules"},  # checks (rules may ask the escapers whether a value can be written)
    {"plan", "write", "report"},
    {"pipeline"},  # the one check loop over the input kinds
    {"app"},  # the library API
    {"tools"},  # doctor, authoring, explain, graph, ARM
    {"cli", "__main__"},
]
MAX_LINES = 400


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"configgen.{module} is in no layer: add it to LAYERS")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts) or "__init__"


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The configgen module an import names (`configgen.a.b` may be module a.b or name b of module a)."""
    name = name.removeprefix("configgen.")
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("configgen"):
            if node.module == "configgen":
                found |= {a.name for a in node.names if a.name in MODULES}
                continue
            for alias in node.names:  # `from configgen.rules import load_all` or `from configgen.load import yaml`
                target = _resolve(f"{node.module}.{alias.name}")
                if target is not None:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found |= {t for a in node.names if a.name.startswith("configgen.") and (t := _resolve(a.name))}
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for name, targets in GRAPH.items():
        if name == "__init__":
            continue
        mine = _layer(name)
        for target in sorted(targets):
            if target != "__init__" and _layer(target) > mine:
                wrong.append(f"configgen.{name} (layer {mine}) imports configgen.{target} (layer {_layer(target)})")
    assert wrong == []


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_cycle_anywhere() -> None:
    # A package's __init__ that imports its own modules is not a cycle with them.
    graph = {name: {t for t in targets if not (name.startswith(t + ".") or t == "__init__")} for name, targets in GRAPH.items()}
    assert find_cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_is_over_the_size_limit() -> None:
    big = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert big == {}


def test_only_write_replaces_files() -> None:
    """Rendered outputs reach the disk through write.py only (atomic, all-or-nothing)."""
    offenders = [name for name, p in MODULES.items() if "os.replace(" in p.read_text() and name not in {"write"}]
    assert offenders == []
