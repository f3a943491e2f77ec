"""env.j2, env.example.j2 and run.sh.j2 in Python (see configgen.render.builtin)."""

from __future__ import annotations

from typing import Any

from configgen.render.escape import comment_text as comment
from configgen.render.escape import config_token as token
from configgen.render.escape import dotenv_name, dotenv_value, int_literal


def env_file(ctx: dict[str, Any]) -> str:
    app = ctx["app"]
    if app["mode"] == "proxy":
        through = " through the load balancer" if ctx["balancer"] else ""
        out = [f"# The app talks to the LiteLLM proxy{through}.\n"]
    else:
        out = ["# The app talks to Azure OpenAI directly (development only).\n"]
    out += [f"{dotenv_name(name)}={dotenv_value(value)}\n" for name, value in app["values"]]
    if app["secrets"]:
        out.append("\n# Secrets: set these in the process environment or a secret store, never in this file:\n")
        out += [f"#   {token(name)}: {comment(why)}\n" for name, why in app["secrets"]]
    return "".join(out)


def env_example(ctx: dict[str, Any]) -> str:
    app = ctx["app"]
    out = [
        f"# Variables for environment {comment(ctx['env'])}. Copy to .env and fill in; never commit real secrets.\n",
        "# App (server/.env):\n",
    ]
    out += [f"{token(name)}=\n" for name, _ in app["values"]]
    out += [f"# {comment(why)}\n{token(name)}=\n" for name, why in app["secrets"]]
    if app["proxy_secrets"]:
        out.append("\n# LiteLLM proxy process (its own environment, not the app's):\n")
        out += [f"# {comment(why)}\n{token(name)}=\n" for name, why in app["proxy_secrets"]]
    return "".join(out)


def start_script(ctx: dict[str, Any]) -> str:
    proxy, obs = ctx["proxy"], ctx["observability"]
    names = [token(i["name"]) for i in proxy["instances"]]
    out = [
        "#!/bin/sh\n",
        f"# Start one LiteLLM proxy instance of {comment(ctx['project'])} / {comment(ctx['env'])}:\n",
        # The template's `{% endfor %}` at the end of this line eats its newline (trim_blocks), so the
        # blank line below it ends the line instead.
        f"#   proxy/run.sh <instance>     instances: {', '.join(names)}\n",
        "set -eu\n",
        'here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)\n\n',
        'case "${1:-}" in\n',
    ]
    for i in proxy["instances"]:
        out.append(f"  {token(i['name'])}) host={token(i['host'])} port={int_literal(i['port'])} ;;\n")
    usage = "|".join(token(i["name"]) for i in proxy["instances"])
    out.append(f'  *) echo "usage: $0 {usage}" >&2; exit 2 ;;\nesac\n\n')
    out.append("# Fail fast on a missing secret: LiteLLM turns an unset os.environ/ reference into None and only\n")
    out.append("# fails at request time (HTTP 500 after retries).\n")
    for name, why in ctx["app"]["proxy_secrets"]:
        out.append(f'# {comment(why)}\n: "${{{token(name)}:?must be set}}"\n')
    out.append(
        "\n# PRODUCTION mode: do not load a stray .env from a parent folder of the installed package.\n"
        "# OFFLINE mode: do not download the model price list (no internet from the VNet).\n"
        "export LITELLM_MODE=PRODUCTION\nexport LITELLM_OFFLINE_MODE=true\n\n"
    )
    flag = f" {token(obs['cli_flag'])}" if obs["cli_flag"] else ""
    out.append(
        f'exec litellm --config "$here/../litellm.config.yaml" --host "$host" --port "$port" '
        f"--num_workers {int_literal(proxy['num_workers'])}{flag}\n"
    )
    return "".join(out)
