"""The model-name snapshot matches the installed litellm, and configgen's reading of it agrees with
litellm.get_llm_provider itself (run once, in a subprocess: importing litellm takes seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from configgen.knowledge.litellm_models import azure_name_in_model_map, models, provider_inferable

ROOT = Path(__file__).resolve().parents[2]
_ENV = {**os.environ, "LITELLM_OFFLINE_MODE": "true", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}

#: (model, api_base): names from the real-world corpus and the edges of get_llm_provider's logic.
SAMPLES = [
    ("mistral-openorca:latest", "http://127.0.0.1:11434"), ("llama3", None), ("local/llama3", None),
    ("gpt-4o", None), ("gpt-4o-mni", None), ("o4-mini", None), ("claude-sonnet-4-20250514", None),
    ("claude-haiku-4-5", None), ("gemini-2.5-flash", None), ("mistral-large-latest", None),
    ("deepseek-chat", None), ("llama-3.3-70b-versatile", "https://api.groq.com/openai/v1"),
    ("llama-3.3-70b-versatile", "https://evil.example/api.groq.com/openai/v1"), ("openai//model", None),
    ("azure/anything", None), ("ollama/qwen3:14b", None), ("auto_router/complexity_router", None),
    ("text-embedding-3-small", None), ("gpt-image-1", None), ("anthropic.claude-3-haiku-20240307-v1:0", None),
]


def test_snapshot_matches_installed_litellm() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "snapshot_litellm_models.py"), "--check"],
        capture_output=True, text=True, timeout=300, env=_ENV, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_provider_inferable_agrees_with_get_llm_provider() -> None:
    code = (
        "import contextlib, io, json, sys, litellm\n"
        "out = []\n"
        "for model, base in json.loads(sys.argv[1]):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            litellm.get_llm_provider(model, api_base=base); ok = True\n"
        "        except Exception:\n"
        "            ok = False\n"
        "    out.append(ok)\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(SAMPLES)], capture_output=True, text=True, timeout=180, env=_ENV,
        check=True,
    )
    real = json.loads(done.stdout.strip().splitlines()[-1])
    ours = [provider_inferable(m, b) for m, b in SAMPLES]
    assert ours == real, [s for s, a, b in zip(SAMPLES, ours, real, strict=True) if a != b]


def test_snapshot_holds_what_the_rules_rely_on() -> None:
    k = models()
    assert k.version == "1.110.2"
    assert {"gpt-4o", "o1", "gpt-5", "gpt-4.1", "text-embedding-3-large"} <= k.azure
    assert azure_name_in_model_map("responses/gpt-5") and azure_name_in_model_map("gpt-4o")
    assert not azure_name_in_model_map("chat-prod")
    assert {"azure", "openai", "ollama", "anthropic"} <= k.providers
    assert provider_inferable("agent/x", None, ["agent"]) and not provider_inferable("agent/x", None)
