"""Build the ``inventory`` rule target: load the inventory files (given, and named by project resources),
bind each to the Azure resource it describes, and run the ``inventory-*`` rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from configgen.cache import note
from configgen.findings import Finding, Severity

if TYPE_CHECKING:
    from configgen.load.yaml import YamlDocument
    from configgen.model.load import LoadedProject

def check_against_inventories(
    inventory_paths: list[Path],
    projects: list[LoadedProject],
    litellm_docs: list[YamlDocument],
    as_of: dt.date,
) -> list[Finding]:
    """Load the inventories (given, and named by project resources), bind each to its resource and run
    the ``inventory-*`` rules."""
    from configgen.load.inventory import INVALID, load_inventory, subdomain
    from configgen.rules import load_all, run_rules
    from configgen.rules.targets import BoundInventory, InventoryTarget

    load_all()
    findings: list[Finding] = []
    bound: list[BoundInventory] = []
    for path in inventory_paths:
        inv, problems = load_inventory(path, str(path))
        findings.extend(problems)
        if inv is not None:
            bound.append(BoundInventory(inv, frozenset({inv.account.lower()} if inv.account else set())))
    for pi, loaded in enumerate(projects):
        if loaded.project is None or loaded.doc is None:
            continue
        for key, res in loaded.project.resources.items():
            if not res.inventory:
                continue
            path = loaded.path.parent / res.inventory
            note(path)  # a file that appears later must not be answered from the cache
            if not path.is_file():
                # Say so where the project names the file: that is the line to fix.
                findings.append(
                    loaded.doc.finding(
                        INVALID,
                        Severity.ERROR,
                        ("resources", key, "inventory"),
                        f"inventory file not found: {path}",
                        "run `configgen inventory fetch` or `az cognitiveservices account deployment list -o json`",
                    )
                )
                continue
            inv, problems = load_inventory(path, str(path))
            findings.extend(problems)
            if inv is not None:
                names = {key.lower(), subdomain(res.endpoint)} | ({inv.account.lower()} if inv.account else set())
                bound.append(BoundInventory(inv, frozenset(n for n in names if n), (pi, key)))
    target = InventoryTarget(tuple(projects), tuple(litellm_docs), tuple(bound), as_of)
    findings.extend(run_rules("inventory", target))
    return findings
