"""configgen.secrets: real-shaped fake secrets are recognised; names, ids and hosts are not."""

from __future__ import annotations

import pytest

from configgen.secrets import is_reference, redact, secret_kind

# Fake values with the published shapes (none of them is a live credential).
AZURE_32 = "0123456789abcdef0123456789ABCDEF"
AZURE_84 = "A" * 26 + "b" * 26 + "JQQJ99" + "B" + "C" + "d" * 16 + "E" + "f" * 7  # SEC101/200 layout
ENTRA_SECRET = "abc8Q~" + "x" * 34
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLW5vdC1yZWFs"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----"

POSITIVES = {
    AZURE_32: "Azure key (32 hex)",
    AZURE_84: "Azure key (84-character)",
    ENTRA_SECRET: "Entra ID client secret",
    "sk-1234": "LiteLLM's public example key sk-1234",
    "sk-proj-AbCdEf0123456789xyz": "sk- API key",
    "sk-ant-api03-abcdefghijkl": "sk- API key",
    JWT: "JSON Web Token",
    PEM: "PEM private key",
    "AKIAABCDEFGHIJKLMNOP": "AWS access key id",
    "ghp_" + "a" * 36: "GitHub token",
    "AIza" + "B" * 35: "Google API key",
    "postgresql://litellm:Hunter2pass@db.internal:5432/litellm": "URL with a password",
    "redis://:s3cret@redis.internal:6379/0": "URL with a password",
    "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=Zm9vYmFyYmF6cXV4;EndpointSuffix=core.windows.net": (
        "connection-string secret"
    ),
    "Server=db;Database=app;User Id=app;Password=pa55word;": "connection-string secret",
    "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=AbCdEfGhIjKlMnOp%3D": "SAS signature",
    "Bearer sk-live-4f9a8b7c6d5e": "sk- API key",
}

NEGATIVES = [
    "gpt-4o-2024-08-06",
    "azure/gpt-4o-prod",
    "chat-mini",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",  # UUID as an id
    "72f988bf-86f1-41af-91ab-2d7cd011db47",  # tenant id
    "contoso-eastus.openai.azure.com",
    "https://contoso-eastus.openai.azure.com/",
    "http://127.0.0.1:4000/v1",
    "redis://redis.internal:6379/0",
    "postgresql://litellm@db.internal:5432/litellm",
    "postgresql://litellm:${DB_PASSWORD}@db.internal/litellm",
    "os.environ/AZURE_OPENAI_API_KEY",
    "${AZURE_OPENAI_API_KEY}",
    "$AZURE_OPENAI_API_KEY",
    "<your-api-key>",
    "2024-10-21",
    "simple-shuffle",
    "risk-assessment-model",
    "task-queue",
    "0123456789abcdef",  # too short for a key
    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4",  # 40-hex git commit id
    "",
    "Password=",
]


@pytest.mark.parametrize(("value", "kind"), POSITIVES.items(), ids=list(POSITIVES.values()))
def test_secret_shapes_are_recognised(value: str, kind: str) -> None:
    assert secret_kind(value) == kind


@pytest.mark.parametrize("value", NEGATIVES)
def test_names_ids_hosts_and_references_are_not_secrets(value: str) -> None:
    assert secret_kind(value) is None


@pytest.mark.parametrize("value", ["os.environ/X", "${X}", "${X:-default}", "$X", "<placeholder>"])
def test_references(value: str) -> None:
    assert is_reference(value)


def test_redact_hides_secrets_and_keeps_context() -> None:
    text = (
        f"api-key: {AZURE_32} url=postgresql://u:Hunter2pass@db/x auth=Bearer {JWT} "
        "model=gpt-4o-2024-08-06 id=3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )
    out = redact(text)
    for secret in (AZURE_32, "Hunter2pass", JWT):
        assert secret not in out
    assert "postgresql://u:[REDACTED]@db/x" in out
    assert "model=gpt-4o-2024-08-06 id=3fa85f64-5717-4562-b3fc-2c963f66afa6" in out


@pytest.mark.parametrize("value", list(POSITIVES))
def test_redact_removes_every_recognised_secret(value: str) -> None:
    out = redact(value)
    assert "[REDACTED]" in out
    assert secret_kind(out) is None


@pytest.mark.parametrize("value", NEGATIVES)
def test_redact_leaves_non_secrets_alone(value: str) -> None:
    assert redact(value) == value


@pytest.mark.parametrize("value", ["none", "EMPTY", "fake-key", "my-fake-key", "dummy_key", "sk-no-key-required", " x "])
def test_placeholders(value: str) -> None:
    from configgen.secrets import is_placeholder

    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["8f3c2a9e4b7d41c6a0e5f9d2c8b1a7e3", "hunter2", "fakeXYZ12345", "sk-abcd1234"])
def test_not_placeholders(value: str) -> None:
    from configgen.secrets import is_placeholder

    assert not is_placeholder(value)
