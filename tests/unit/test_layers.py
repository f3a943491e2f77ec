"""Data flows one way: a lower layer never imports a higher one (checked on the import statements)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "configgen"

# Lowest first. A module may import its own layer and the layers below it, never above.
LAYERS: list[set[str]] = [
    {"findings", "suggest", "secrets", "core_checks", "filekinds"},
    {"yamlsource", "_yamlevents", "dotenv", "escape", "scripts", "balancer_files", "catalog", "litellm_known", "litellm_models",
     "catalog_extension"},
    {"model", "layers", "rules.base"},
    {"schema_errors", "project", "project_azure", "litellm_azure", "derive"},
    {"rules", "rules_doc", "inventory"},
    {"render_context", "render", "plan", "write"},
    {"app", "report", "doctor", "importer", "edit", "explain", "graph", "jsonschema_export", "arm"},
    {"commands", "cli", "__main__"},
]


def _layer(module: str) -> int:
    # rules.base (what a rule and its targets are) sits below the rules themselves.
    top = module if module == "rules.base" else module.split(".")[0]
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    raise AssertionError(f"configgen.{module} is in no layer: add it to LAYERS")


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join(parts) or "__init__"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("configgen."):
            found.add(node.module.removeprefix("configgen."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("configgen.") for a in node.names if a.name.startswith("configgen.")}
    return found


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        if name == "__init__":
            continue
        mine = _layer(name)
        for target in _imports(path):
            if _layer(target) > mine:
                wrong.append(f"configgen.{name} (layer {mine}) imports configgen.{target} (layer {_layer(target)})")
    assert wrong == []


def test_only_write_replaces_files() -> None:
    """Rendered outputs reach the disk through write.py only (atomic, all-or-nothing)."""
    offenders = [
        _module_name(p)
        for p in PACKAGE.rglob("*.py")
        if "os.replace(" in p.read_text() and _module_name(p) not in {"write", "edit"}
    ]
    assert offenders == []
