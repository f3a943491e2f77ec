"""The per-value caches of the Azure endpoint rules (configgen/rules/azure/endpoint.py): an endpoint
string is parsed once however many deployments name it, and what is cached is about the string only,
so every deployment still gets its own finding at its own line.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from configgen.load.yaml import load_yaml_text
from configgen.rules import load_all
from configgen.rules.azure import endpoint
from configgen.rules.azure_uses import azure_uses
from configgen.rules.registry import run_rules_each

AS_OF = dt.date(2026, 6, 1)


def _reference(v: str) -> tuple[object, object]:
    """What the endpoint rules read from a string, computed without any cache."""
    try:
        u = urlsplit(v.strip())
        _ = u.port
    except ValueError:
        return None, None
    if not (u.scheme and u.hostname):
        return None, None
    return u, u.hostname


@given(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda scheme, host, rest: f"{scheme}{host}{rest}",
            st.sampled_from(["https://", "http://", "", "ftp://", " https://"]),
            st.sampled_from(["r1.openai.azure.com", "R1.OpenAI.Azure.com.", "127.0.0.1", "[::1]", "x.azure.net", ""]),
            st.sampled_from(["", "/", "/openai", "/openai/v1", ":443", ":99999", ":x", "?api-version=1", " "]),
        ),
    )
)
def test_cached_parse_is_the_uncached_one(v: str) -> None:
    u, host = _reference(v)
    got = endpoint._parse_url(v)
    assert got == u
    assert (endpoint._hostname(got) if got is not None else None) == host
    if host is not None:
        assert endpoint._azure_resource(host) == endpoint.azure_resource_from_host(host)


def test_one_endpoint_in_many_deployments_gives_a_finding_at_each() -> None:
    load_all()
    entries = "".join(
        f"  - model_name: m{i}\n    litellm_params:\n      model: azure/d{i}\n"
        f'      api_base: http://one.openai.azure.com/openai?x=1\n      api_version: "2024-10-21"\n'
        for i in range(3)
    )
    doc, problems = load_yaml_text("model_list:\n" + entries, "litellm.yaml")
    assert doc is not None and not problems
    found = run_rules_each("azure", azure_uses(doc, AS_OF))
    by_rule: dict[str, list[int]] = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f.line)
    assert by_rule["azure-endpoint-http"] == [5, 10, 15]
    assert by_rule["azure-endpoint-query"] == [5, 10, 15]
