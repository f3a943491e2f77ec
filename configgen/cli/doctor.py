"""`configgen doctor ENV`: check the running environment from here, the way the app reaches it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from configgen.cli.completion import complete_env
from configgen.cli.options import project_option

if TYPE_CHECKING:
    from configgen.tools.doctor import CheckResult, DoctorResult

_MARK = {"ok": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip"}


@click.command("doctor", short_help="Check ENV's balancer, proxies and Azure deployments; exit 1 when a check fails.")
@click.argument("env", shell_complete=complete_env)
@project_option
@click.option("--probe", is_flag=True, help="Also send one tiny chat completion per alias (costs a few tokens).")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=10.0,
    show_default=True,
    help="Seconds each check may take (DNS, connect and each read).",
)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def command(env: str, project: Path | None, probe: bool, timeout: float, fmt: str) -> None:
    """Check ENV's balancer, proxies and Azure deployments; exit 1 when a check fails.

    Proxy mode: each address answers, /health/liveliness and /health/readiness are healthy, the master
    key (from the variable proxy.master_key_env names, else app.api_key_env) lists exactly the
    project's aliases; with --probe, one completion per alias goes through the app's LITELLM_API_BASE.
    Direct mode: each Azure resource is reachable and each deployment answers a tiny completion with
    the key from its resource's key_env. Every failure says why and which project key to change.
    Progress goes to stdout as checks finish (stderr with --format json, which prints one JSON document).
    """
    import os

    from configgen.model.load import find_project_file
    from configgen.tools.doctor import DoctorUsageError, run_doctor

    path = find_project_file(project)
    as_json = fmt == "json"

    def on_start(check_id: str, target: str) -> None:
        click.echo(f"{check_id} ({target}) ... ", nl=False, err=as_json)

    def on_done(result: CheckResult) -> None:
        click.echo(_done_text(result), err=as_json)

    try:
        result = run_doctor(
            path, env, probe=probe, timeout=timeout, environ=os.environ, on_start=on_start, on_done=on_done
        )
    except DoctorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(_json(result))
    else:
        click.echo(_summary(result))
    sys.exit(result.exit_code())


def _done_text(result: CheckResult) -> str:
    from configgen.secrets import redact

    line = f"{_MARK[result.status]}: {redact(result.message)}"
    if result.status in ("fail", "warn"):
        if result.cause:
            line += f"\n    cause: {result.cause}"
        if result.fix:
            line += f"\n    fix:   {redact(result.fix)}"
        if result.key:
            line += f"\n    where: {result.file}: {result.key}"
    return line


def _summary(result: DoctorResult) -> str:
    counts = {s: sum(1 for c in result.checks if c.status == s) for s in ("ok", "warn", "fail", "skip")}
    verdict = "all checks passed" if result.ok else "some checks failed"
    return (
        f"doctor {result.env} ({result.mode} mode): {verdict}: {counts['ok']} ok, {counts['warn']} warning(s), "
        f"{counts['fail']} failed, {counts['skip']} skipped"
    )


def _json(result: DoctorResult) -> str:
    import json

    from configgen.secrets import redact

    data = result.as_dict()
    data["checks"] = [{**c.as_dict(), "message": redact(c.message), "fix": redact(c.fix)} for c in result.checks]
    return json.dumps(data, indent=2)
