"""Files given together: does the app's .env reach the proxy the LiteLLM config describes?"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from configgen.findings import Finding, Severity
from configgen.rules.litellm.common import is_served, served_names
from configgen.rules.registry import rule
from configgen.rules.targets import BundleTarget
from configgen.suggest import hint_for

#: `litellm --port` default (litellm/proxy/proxy_cli.py: `default=4000, envvar="PORT"`).
DEFAULT_PROXY_PORT = 4000


@rule(
    "bundle-model-not-served",
    Severity.ERROR,
    "LITELLM_MODEL in a .env is not a model_name of the LiteLLM config given with it",
    "bundle",
)
def model_not_served(target: BundleTarget) -> Iterator[Finding]:
    """Clients must ask the proxy for a `model_name` alias of its `model_list` (or a
    `router_settings.model_group_alias`, or a wildcard model_name like `azure/*`), not for the Azure
    deployment or model. Any other name gets 400 `Invalid model name passed in model=...`
    (FACTS.md, "Clients must use the model_name alias"; routing in `litellm/router.py`). Checked
    when a .env with `LITELLM_MODEL` is given together with LiteLLM configs.
    """
    if not target.litellm:
        return
    served = served_names(target.litellm)
    if not served:
        return
    for doc in target.dotenv:
        entry = doc.get("LITELLM_MODEL")
        if entry is None or not entry.value or entry.value.startswith("${"):
            continue
        if is_served(entry.value, served):
            continue
        yield doc.finding(
            "bundle-model-not-served",
            Severity.ERROR,
            entry,
            f"LITELLM_MODEL `{entry.value}` is not a model_name of the LiteLLM config: "
            "the proxy answers 400 Invalid model name",
            hint_for(entry.value, served, "model_names: " + ", ".join(sorted(served))),
            on_value=True,
        )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _balancer_ports(target: BundleTarget) -> set[int]:
    """Ports the load-balancer snippets given with the files listen on."""
    ports: set[int] = set()
    for bal in target.balancers:
        for addr in getattr(bal, "listens", ()):
            port = getattr(addr, "port", None)
            if isinstance(port, int):
                ports.add(port)
    return ports


_VAR = re.compile(r"^\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-(\d+))?\}?$")


def _script_ports(target: BundleTarget) -> set[int]:
    """Ports the proxy start scripts given with the files pass as `--port N`, or as `--port "$port"`
    with `port=N` set in the script (the rendered run.sh: `litellm-1) host=... port=8000 ;;`)."""
    ports: set[int] = set()
    for script in target.scripts:
        for cmd in getattr(script, "commands", ()):
            opt = cmd.get("--port")
            value = getattr(opt, "value", None)
            if not isinstance(value, str):
                continue
            value = value.strip("\"'")
            if value.isdigit():
                ports.add(int(value))
                continue
            var = _VAR.match(value)
            if var is None:
                continue
            assigned = re.findall(rf"(?<![\w$]){re.escape(var.group(1))}=[\"']?(\d+)", getattr(script, "text", ""))
            ports.update(int(n) for n in assigned)
            if not assigned and var.group(2):
                ports.add(int(var.group(2)))
    return ports


@rule(
    "bundle-proxy-port",
    Severity.WARNING,
    "LITELLM_API_BASE does not use the port the proxy listens on",
    "bundle",
)
def proxy_port(target: BundleTarget) -> Iterator[Finding]:
    """`litellm --config FILE` listens on port 4000 unless `--port` (or `PORT`) says otherwise
    (`litellm/proxy/proxy_cli.py`; FACTS.md: the default is 4000, not 8000 as many guides say). A
    LiteLLM config does not record the port, so configgen assumes 4000 (or a port a load-balancer
    snippet given with the files listens on, or the `--port` of a start script given with them, such as
    the rendered `run.sh`). Reported: a `LITELLM_API_BASE` on this machine
    (`localhost`, `127.0.0.1`, `::1`) with another port. A remote host name may be a balancer in
    front of the proxies; `balancer-api-base-mismatch` checks those against the balancer snippets.
    Checked when a .env is given together with LiteLLM configs.
    """
    if not target.litellm:
        return
    balancer_ports = _balancer_ports(target)
    script_ports = _script_ports(target)
    proxy_ports = script_ports or {DEFAULT_PROXY_PORT}
    expected = proxy_ports | balancer_ports
    for doc in target.dotenv:
        entry = doc.get("LITELLM_API_BASE")
        if entry is None:
            continue
        try:
            u = urlsplit(entry.value.strip())
            port = u.port
        except ValueError:
            continue
        if u.scheme not in ("http", "https") or not u.hostname:
            continue
        if not _is_loopback(u.hostname):
            continue  # a remote name may be a balancer: balancer-api-base-mismatch's business
        effective = port if port is not None else (443 if u.scheme == "https" else 80)
        if effective in expected:
            continue
        listening = ", ".join(str(p) for p in sorted(balancer_ports))
        proxy = ", ".join(str(p) for p in sorted(proxy_ports))
        said = "its start script says" if script_ports else "by default"
        yield doc.finding(
            "bundle-proxy-port",
            Severity.WARNING,
            entry,
            f"LITELLM_API_BASE uses port {effective}, but the proxy listens on {proxy} ({said})"
            + (f" and the balancers on {listening}" if balancer_ports else ""),
            f"use {u.scheme}://{u.hostname}:{min(proxy_ports)}, or start the proxy with --port {effective}",
            on_value=True,
        )
