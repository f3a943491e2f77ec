"""A small Azure Resource Manager client: list an account's deployments (ARM ``Deployments_List``).

``GET {arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}
/deployments?api-version=2024-10-01`` answers ``{"value": [Deployment...], "nextLink": "..."}``
(Azure/azure-rest-api-specs, Microsoft.CognitiveServices stable/2023-05-01 and 2024-10-01,
``DeploymentListResult``); ``nextLink`` is followed until absent.

Safety: the bearer token goes only to the ARM host the first request went to (a ``nextLink`` to
any other host is refused rather than followed), is never logged and never part of an error message;
every request has a timeout; retries (429, 5xx, connection errors) are bounded in number and in total
wait, and honour ``Retry-After`` (seconds or an HTTP date, RFC 9110 section 10.2.3) as ARM throttling
asks (Microsoft Learn, "Understand how Azure Resource Manager throttles requests").
"""

from __future__ import annotations

import email.utils
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ARM_URL = "https://management.azure.com"
#: A stable ARM api-version with `sku`, `rateLimits` and `versionUpgradeOption` on deployments.
API_VERSION = "2024-10-01"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class ArmError(Exception):
    """A failed ARM call, described without the token; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ArmClient:
    token: str
    base_url: str = ARM_URL
    api_version: str = API_VERSION
    timeout: float = 30.0
    max_attempts: int = 5
    #: Longest single wait and total wait across retries, in seconds.
    max_wait: float = 60.0
    max_total_wait: float = 180.0
    max_pages: int = 200
    sleep: Callable[[float], None] = time.sleep

    def deployments_url(self, subscription: str, resource_group: str, account: str) -> str:
        q = urllib.parse.quote
        path = (
            f"/subscriptions/{q(subscription, safe='')}/resourceGroups/{q(resource_group, safe='')}"
            f"/providers/Microsoft.CognitiveServices/accounts/{q(account, safe='')}/deployments"
        )
        return self.base_url.rstrip("/") + path + "?" + urllib.parse.urlencode({"api-version": self.api_version})

    def list_deployments(self, subscription: str, resource_group: str, account: str) -> list[dict[str, Any]]:
        """Every deployment of the account, all pages followed."""
        return self._list(self.deployments_url(subscription, resource_group, account), account, resource_group)

    def location_models_url(self, subscription: str, location: str) -> str:
        """ARM ``Models_List``: the models a location offers the subscription, with their lifecycle."""
        q = urllib.parse.quote
        path = (
            f"/subscriptions/{q(subscription, safe='')}/providers/Microsoft.CognitiveServices/locations/"
            f"{q(location, safe='')}/models"
        )
        return self.base_url.rstrip("/") + path + "?" + urllib.parse.urlencode({"api-version": self.api_version})

    def list_location_models(self, subscription: str, location: str) -> list[dict[str, Any]]:
        """Every model version ``location`` offers (``{"kind", "skuName", "model": {...}}``), all pages."""
        return self._list(self.location_models_url(subscription, location), None, None, location=location)

    def _list(
        self, first: str, account: str | None, resource_group: str | None, *, location: str | None = None
    ) -> list[dict[str, Any]]:
        url: str | None = first
        what = "models" if location is not None else "deployments"
        origin = _origin(self.base_url)
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        waited = [0.0]
        while url is not None:
            if len(seen) >= self.max_pages:
                raise ArmError(0, f"more than {self.max_pages} pages of {what}; stopped")
            if url in seen:
                raise ArmError(0, "ARM returned a nextLink that loops back to a page already read")
            seen.add(url)
            if _origin(url) != origin:
                # Never send the token to a host other than the ARM endpoint it was meant for.
                raise ArmError(0, f"nextLink points to another host ({_origin(url)}); not followed")
            body = self._get(url, waited, account, resource_group, location)
            value = body.get("value")
            if not isinstance(value, list):
                raise ArmError(0, f"ARM answer has no `value` list: not a list of {what}")
            items.extend(v for v in value if isinstance(v, dict))
            link = body.get("nextLink")
            url = link if isinstance(link, str) and link else None
        return items

    def _get(
        self, url: str, waited: list[float], account: str | None, resource_group: str | None, location: str | None
    ) -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "User-Agent": "configgen",
        }
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            request = urllib.request.Request(url, headers=headers, method="GET")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    raw = resp.read(20 * 1024 * 1024)
                try:
                    data = json.loads(raw)
                except ValueError:
                    raise ArmError(0, "ARM answered with something that is not JSON") from None
                if not isinstance(data, dict):
                    raise ArmError(0, "ARM answer is not a JSON object")
                return data
            except urllib.error.HTTPError as err:
                status = err.code
                code, message = _arm_error(err)
                retry_after = err.headers.get("Retry-After") if err.headers else None
                err.close()
                if status not in _RETRY_STATUS:
                    raise ArmError(status, _explain(status, code, message, account, resource_group, location)) from None
                last = f"HTTP {status}{f' {code}' if code else ''}"
                delay = _retry_delay(retry_after, attempt)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
                reason = getattr(err, "reason", err)
                last = f"cannot reach {_origin(url)}: {reason}"
                delay = min(2.0 ** (attempt - 1), 8.0)
            if attempt == self.max_attempts:
                break
            delay = min(delay, self.max_wait)
            if waited[0] + delay > self.max_total_wait:
                break
            waited[0] += delay
            self.sleep(delay)
        raise ArmError(0, f"gave up after {attempt} attempt(s): {last}")


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _arm_error(err: urllib.error.HTTPError) -> tuple[str, str]:
    """ARM's ``{"error": {"code", "message"}}`` body, if there is one."""
    try:
        data = json.loads(err.read(65536) or b"{}")
    except (ValueError, OSError):
        return "", ""
    e = data.get("error") if isinstance(data, dict) else None
    if not isinstance(e, dict):
        return "", ""
    return str(e.get("code") or ""), " ".join(str(e.get("message") or "").split())[:300]


def _explain(
    status: int, code: str, message: str, account: str | None, resource_group: str | None, location: str | None = None
) -> str:
    from configgen.secrets import scrub

    # ARM's text is a remote end's: redacted, control characters escaped.
    said = f" ({scrub(code)}: {scrub(message)})" if code or message else ""
    if location is not None and status == 403:
        return (
            f"HTTP 403: not allowed to list the models of {location}{said}; the identity needs "
            "Microsoft.CognitiveServices/locations/models/read on the subscription (e.g. the Reader role)"
        )
    if location is not None and status == 404:
        return f"HTTP 404: no location {location} for Microsoft.CognitiveServices{said}; check the name (e.g. eastus)"
    if status == 401:
        return (
            f"HTTP 401: the token was refused{said}; get a fresh one with "
            "`az account get-access-token --resource https://management.azure.com/`"
        )
    if status == 403:
        return (
            f"HTTP 403: not allowed to list deployments of {account}{said}; the identity needs "
            "Microsoft.CognitiveServices/accounts/deployments/read (e.g. the Reader role)"
        )
    if status == 404:
        return f"HTTP 404: no account {account} in resource group {resource_group}{said}; check the names"
    return f"HTTP {status}{said}"


def _retry_delay(retry_after: str | None, attempt: int) -> float:
    """Seconds to wait: Retry-After (delta-seconds or HTTP date) when given, else exponential backoff."""
    if retry_after:
        text = retry_after.strip()
        if text.isdigit():
            return float(text)
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    return min(2.0 ** (attempt - 1), 8.0)


def token_from_az_output(text: str) -> str | None:
    """The ``accessToken`` of ``az account get-access-token -o json`` output, or a bare token."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return None
        token = data.get("accessToken") if isinstance(data, dict) else None
        return token.strip() if isinstance(token, str) and token.strip() else None
    return stripped or None
