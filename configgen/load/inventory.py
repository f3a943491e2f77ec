"""Azure deployment inventories: what really exists on an Azure OpenAI resource, and checks against it.

An inventory file is the JSON that ``az cognitiveservices account deployment list -g RG -n ACCOUNT -o json``
prints, which is the ``value`` array of the ARM ``Deployments_List`` response; the response object itself
(``{"value": [...], "nextLink": ...}``, as ``az rest`` or ``configgen inventory fetch`` save it) is read
too. The shape is the ARM specification's ``Deployment`` definition (Azure/azure-rest-api-specs,
specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2023-05-01 and
2024-10-01, ``cognitiveservices.json``)::

    {"id": "/subscriptions/S/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/A/deployments/N",
     "name": "N", "type": "Microsoft.CognitiveServices/accounts/deployments",
     "sku": {"name": "GlobalStandard", "capacity": 50},                          # Sku: name required
     "properties": {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
                    "provisioningState": "Succeeded",  # or Accepted, Creating, Failed, ...
                    "rateLimits": [{"key": "request", "renewalPeriod": 10, "count": 50},   # ThrottlingRule
                                   {"key": "token", "renewalPeriod": 60, "count": 50000}],
                    "versionUpgradeOption": "OnceNewDefaultVersionAvailable"}}

Azure enforces requests per 10-second window and tokens per 60-second window; both are turned into
per-minute figures (``count * 60 / renewalPeriod``) to compare with LiteLLM's ``rpm``/``tpm``.

Checks run as registered rules (``configgen rules inventory-...``, :mod:`configgen.rules.inventory`)
over one :class:`configgen.rules.targets.InventoryTarget` that
:func:`configgen.pipeline.check_against_inventories` builds. Problems reading an inventory file are ``inventory-invalid``
findings located in that file (like ``yaml-syntax`` for YAML files).
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from configgen.findings import DataPath, Finding, Severity
from configgen.load.yaml import Position, read_text

if TYPE_CHECKING:
    pass

INVALID = "inventory-invalid"

_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.CognitiveServices/"
    r"accounts/(?P<account>[^/]+)/deployments/(?P<name>[^/]+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RateLimit:
    """One ARM ``ThrottlingRule``: ``count`` calls (key ``request``) or tokens (key ``token``) per period."""

    key: str
    count: float
    renewal_period: float

    @property
    def per_minute(self) -> int:
        return math.floor(self.count * 60 / self.renewal_period) if self.renewal_period > 0 else 0


@dataclass(frozen=True)
class InventoryDeployment:
    """One deployment as Azure reports it; fields Azure did not give are None."""

    name: str
    file: str
    line: int
    column: int
    index: int
    model_format: str | None = None
    model: str | None = None
    version: str | None = None
    sku: str | None = None
    capacity: int | None = None
    state: str | None = None
    rate_limits: tuple[RateLimit, ...] = ()
    upgrade_option: str | None = None
    account: str | None = None
    resource_group: str | None = None
    subscription: str | None = None

    @property
    def succeeded(self) -> bool:
        return (self.state or "").lower() == "succeeded"

    def _limit(self, key: str) -> int | None:
        found = [r.per_minute for r in self.rate_limits if r.key.lower() == key]
        return min(found) if found else None

    @property
    def rpm(self) -> int | None:
        """Requests per minute Azure grants (from the ``request`` rate limit), if it says."""
        return self._limit("request")

    @property
    def tpm(self) -> int | None:
        """Tokens per minute Azure grants (from the ``token`` rate limit), if it says."""
        return self._limit("token")

    def finding(self, rule: str, severity: Severity, message: str, hint: str = "") -> Finding:
        return Finding(rule, severity, message, hint, self.file, self.line, self.column, (self.index, "name"))


@dataclass(frozen=True)
class Inventory:
    """Every deployment of one Azure OpenAI account, read from one file."""

    file: str
    deployments: tuple[InventoryDeployment, ...]

    @property
    def account(self) -> str | None:
        """The account the deployments' ARM ids name (None for an empty or id-less list)."""
        names = {d.account for d in self.deployments if d.account}
        return next(iter(names)) if len(names) == 1 else None

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.deployments]

    def get(self, name: str) -> InventoryDeployment | None:
        for d in self.deployments:
            if d.name == name:
                return d
        return None


# ---- reading ------------------------------------------------------------------------------------


def load_inventory(path: Path, display: str | None = None) -> tuple[Inventory | None, list[Finding]]:
    name = display or str(path)
    text, problems = read_text(path, name)
    if text is None:
        return None, [_relabel(f) for f in problems]
    return parse_inventory(text, name)


def _relabel(f: Finding) -> Finding:
    return Finding(INVALID, f.severity, f"inventory: {f.message}", f.hint, f.file, f.line, f.column, f.path)


def parse_inventory(text: str, name: str) -> tuple[Inventory | None, list[Finding]]:
    """Parse an inventory; every problem is a finding located in the file, never an exception."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [
            Finding(
                INVALID,
                Severity.ERROR,
                f"not valid JSON: {exc.msg}",
                "give the output of `az cognitiveservices account deployment list -o json`",
                name,
                exc.lineno,
                exc.colno,
            )
        ]
    except RecursionError:
        return None, [Finding(INVALID, Severity.ERROR, "JSON nesting is too deep to read", "", name, 1, 1)]
    try:
        positions = _json_positions(text)
    except (RecursionError, IndexError, AttributeError):
        positions = {}
    reader = _Reader(name, positions)
    base: DataPath = ()
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        items, base = data["value"], ("value",)
    elif isinstance(data, list):
        items = data
    else:
        return None, [reader.problem((), "expected a JSON array of deployments (or an ARM list response with `value`)")]
    deployments = []
    for i, item in enumerate(items):
        dep = reader.deployment(item, (*base, i), i)
        if dep is not None:
            deployments.append(dep)
    seen: set[str] = set()
    for d in deployments:
        if d.name in seen:
            reader.findings.append(d.finding(INVALID, Severity.ERROR, f"deployment {d.name} is listed twice"))
        seen.add(d.name)
    accounts = sorted({d.account for d in deployments if d.account})
    if len(accounts) > 1:
        reader.findings.append(
            reader.problem(
                (),
                f"deployments of several accounts in one file ({', '.join(accounts)})",
                "keep one file per account: `az cognitiveservices account deployment list -n ACCOUNT`",
            )
        )
    return Inventory(name, tuple(deployments)), reader.findings


@dataclass
class _Reader:
    file: str
    positions: dict[DataPath, Position]
    findings: list[Finding] = field(default_factory=list)

    def problem(self, path: DataPath, message: str, hint: str = "") -> Finding:
        p = tuple(path)
        while p and p not in self.positions:
            p = p[:-1]
        line, col = self.positions.get(p, (1, 1))
        return Finding(INVALID, Severity.ERROR, message, hint, self.file, line, col, tuple(path))

    def get(self, obj: Any, path: DataPath, keys: Sequence[str], kind: type | tuple[type, ...]) -> Any:
        """``obj[k1][k2]...`` if present and of ``kind``; a wrong type is reported, absence is not."""
        value = obj
        for k in keys:
            if not isinstance(value, dict) or k not in value:
                return None
            value = value[k]
        if value is None:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.findings.append(
                self.problem((*path, *keys), f"`{'.'.join(keys)}` has the wrong type ({type(value).__name__})")
            )
            return None
        return value

    def deployment(self, item: Any, path: DataPath, index: int) -> InventoryDeployment | None:
        if not isinstance(item, dict):
            self.findings.append(self.problem(path, "each deployment must be a JSON object"))
            return None
        name = self.get(item, path, ["name"], str)
        if not name:
            self.findings.append(self.problem(path, "deployment without a `name`"))
            return None
        line, col = self.positions.get((*path, "name"), self.positions.get(path, (1, 1)))
        ident = self.get(item, path, ["id"], str)
        m = _ID.match(ident) if ident else None
        if ident and m is None:
            self.findings.append(
                self.problem((*path, "id"), "`id` is not an ARM Microsoft.CognitiveServices deployment id")
            )
        state = self.get(item, path, ["properties", "provisioningState"], str)
        limits: list[RateLimit] = []
        raw_limits = self.get(item, path, ["properties", "rateLimits"], list) or []
        for j, rl in enumerate(raw_limits):
            rpath = (*path, "properties", "rateLimits", j)
            key = self.get(rl, rpath, ["key"], str)
            count = self.get(rl, rpath, ["count"], (int, float))
            period = self.get(rl, rpath, ["renewalPeriod"], (int, float))
            if key and count is not None and period:
                limits.append(RateLimit(key, float(count), float(period)))
        capacity = self.get(item, path, ["sku", "capacity"], int)
        return InventoryDeployment(
            name=name,
            file=self.file,
            line=line,
            column=col,
            index=index,
            model_format=self.get(item, path, ["properties", "model", "format"], str),
            model=self.get(item, path, ["properties", "model", "name"], str),
            version=self.get(item, path, ["properties", "model", "version"], str),
            sku=self.get(item, path, ["sku", "name"], str),
            capacity=capacity,
            state=state,
            rate_limits=tuple(limits),
            upgrade_option=self.get(item, path, ["properties", "versionUpgradeOption"], str),
            account=m.group("account") if m else None,
            resource_group=m.group("rg") if m else self.get(item, path, ["resourceGroup"], str),
            subscription=m.group("sub") if m else None,
        )


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|-?[0-9]|true|false|null")


def _json_positions(text: str) -> dict[DataPath, Position]:
    """1-based line:column of every value in a JSON text that :func:`json.loads` accepted."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    out: dict[DataPath, Position] = {}
    n = len(text)

    def where(i: int) -> Position:
        line = bisect.bisect_right(starts, i)
        return line, i - starts[line - 1] + 1

    def ws(i: int) -> int:
        while i < n and text[i] in " \t\r\n\ufeff":
            i += 1
        return i

    def value(i: int, path: DataPath) -> int:
        i = ws(i)
        out[path] = where(i)
        c = text[i]
        if c in "{[":
            close = "}" if c == "{" else "]"
            i = ws(i + 1)
            if text[i] == close:
                return i + 1
            index = 0
            while True:
                if c == "{":
                    m = _STRING.match(text, ws(i))
                    assert m is not None
                    i = ws(m.end()) + 1  # past ':'
                    i = value(i, (*path, json.loads(m.group())))
                else:
                    i = value(i, (*path, index))
                    index += 1
                i = ws(i)
                if text[i] == ",":
                    i += 1
                    continue
                return i + 1
        m = (_STRING if c == '"' else _SCALAR).match(text, i)
        assert m is not None
        return m.end()

    value(0, ())
    return out


def subdomain(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.split(".")[0].lower()
