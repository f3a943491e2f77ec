"""Time and size values as nginx and HAProxy read them.

- nginx (ngx_parse_time / ngx_parse_size): times without a unit are seconds, sizes without a unit bytes.
- HAProxy (configuration.txt, "time format"): times without a unit are milliseconds (`timeout server
  600` is 0.6 s).
"""

from __future__ import annotations

import re

_NGINX_TIME = {"ms": 0.001, "": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000, "y": 31536000}
_HAPROXY_TIME = {"us": 0.000001, "": 0.001, "ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def nginx_seconds(text: str) -> float | None:
    """nginx time (`90`, `10s`, `1m30s`, `500ms`); no unit = seconds (ngx_parse_time)."""
    parts = re.findall(r"(\d+)(ms|[smhdwMy]?)", text)
    if not parts or "".join(a + b for a, b in parts) != text:
        return None
    return sum(int(n) * _NGINX_TIME[u] for n, u in parts)


def haproxy_seconds(text: str) -> float | None:
    """HAProxy time (`600s`, `10m`, `50000`); no unit = milliseconds (configuration.txt 2.5)."""
    m = re.fullmatch(r"(\d+)(us|ms|s|m|h|d)?", text)
    return int(m.group(1)) * _HAPROXY_TIME[m.group(2) or ""] if m else None


def nginx_bytes(text: str) -> int | None:
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    return int(m.group(1)) * _SIZE[m.group(2).lower()] if m else None


def fmt_seconds(s: float) -> str:
    return f"{s:g} s" if s >= 1 else f"{s * 1000:g} ms"


# --- nginx helpers ----------------------------------------------------------------------------------
