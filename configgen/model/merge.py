"""Environments = `defaults` deep-merged with `environments.<name>`, remembering who set what.

Mappings merge key by key; anything else (scalars, lists) in the environment replaces the default.
``null`` in an environment removes a default. The provenance map sends every path of the merged
data back to the path in the project file that set it, so a finding about
``environments.prod``'s effective ``proxy.port`` points at the line that really wrote it.
"""

from __future__ import annotations

from typing import Any

from configgen.findings import DataPath


# A plain class, not a dataclass: `dataclasses` imports inspect, 45 M instructions of each validate.
class Layered:
    def __init__(self, data: dict[str, Any], source: dict[DataPath, DataPath] | None = None) -> None:
        self.data = data
        #: merged path -> source path in the project document
        self.source = {} if source is None else source

    def origin(self, path: DataPath) -> DataPath:
        """Source path of ``path`` (or of its nearest ancestor that has one)."""
        p = tuple(path)
        while p:
            if p in self.source:
                return self.source[p] + tuple(path[len(p) :])
            p = p[:-1]
        return self.source.get((), ())

    def layer(self, path: DataPath) -> str:
        """'defaults' or 'environment' (or 'built-in' when neither file layer set it)."""
        p = tuple(path)
        while p:
            if p in self.source:
                return "environment" if self.source[p][:1] == ("environments",) else "defaults"
            p = p[:-1]
        return "built-in"


def merge_environment(defaults: dict[str, Any], override: dict[str, Any] | None, env_name: str) -> Layered:
    out = Layered({}, {(): ("environments", env_name)})
    out.data = _merge(defaults, override or {}, (), ("defaults",), ("environments", env_name), out.source)
    return out


def _record(value: Any, path: DataPath, src: DataPath, source: dict[DataPath, DataPath]) -> None:
    source[path] = src
    if isinstance(value, dict):
        for k, v in value.items():
            _record(v, (*path, k), (*src, k), source)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _record(v, (*path, i), (*src, i), source)


def _merge(
    base: dict[str, Any],
    over: dict[str, Any],
    path: DataPath,
    base_src: DataPath,
    over_src: DataPath,
    source: dict[DataPath, DataPath],
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key, value in base.items():
        if key in over:
            continue
        merged[key] = value
        _record(value, (*path, key), (*base_src, key), source)
    for key, value in over.items():
        kp = (*path, key)
        if value is None and key in base:
            continue  # explicit null removes the default
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            source[kp] = (*over_src, key)
            merged[key] = _merge(base[key], value, kp, (*base_src, key), (*over_src, key), source)
        else:
            merged[key] = value
            _record(value, kp, (*over_src, key), source)
    # keep the defaults' key order first, then new keys: deterministic and close to how people read it
    return merged
