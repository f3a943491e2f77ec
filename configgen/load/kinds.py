"""Decide what kind of file a path is, so `validate FILE...` can check each by its kind."""

from __future__ import annotations

import enum
from pathlib import PurePath
from typing import Any


class Kind(enum.StrEnum):
    PROJECT = "project"
    LITELLM = "litellm"
    DOTENV = "dotenv"
    NGINX = "nginx"
    HAPROXY = "haproxy"
    BICEP = "bicep"
    SCRIPT = "script"
    PROMETHEUS = "prometheus"
    UNKNOWN = "unknown"


def kind_by_name(path: PurePath) -> Kind | None:
    """Kinds that the file name alone decides; None means "read it and look" (YAML)."""
    name = path.name
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return Kind.DOTENV
    if path.suffix == ".bicep":
        return Kind.BICEP
    if path.suffix in (".sh", ".service"):
        return Kind.SCRIPT
    if path.suffix == ".conf" or "nginx" in path.parts:
        return Kind.NGINX
    if path.suffix == ".cfg" or "haproxy" in path.parts:
        return Kind.HAPROXY
    if path.suffix in (".yaml", ".yml"):
        return None
    return Kind.UNKNOWN


def kind_by_content(data: Any) -> Kind:
    """A YAML document with `model_list` is a LiteLLM config; one with `environments` is a project."""
    if isinstance(data, dict):
        if "model_list" in data:
            return Kind.LITELLM
        if "scrape_configs" in data:
            return Kind.PROMETHEUS
        if "environments" in data or ("version" in data and "resources" in data):
            return Kind.PROJECT
    return Kind.UNKNOWN
