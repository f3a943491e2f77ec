"""`configgen catalog`: what configgen knows about Azure OpenAI models, and Azure's own model lists.

- `configgen catalog` (or `catalog show`): the bundled table's edition and sources, and every model
  version with its retirement date (marked against `--as-of`); with `--models FILE`, Azure's list.
- `configgen catalog fetch ENV|--location LOC`: Azure's model list per location (ARM Models API),
  written as a models file for `validate --models FILE` or a resource's `models:` key.
- `configgen catalog import FILE --location LOC`: the same from `az cognitiveservices model list -o json`
  output, offline.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click

from configgen.cli.options import as_of_option, project_file_option


@click.group(
    "catalog", invoke_without_command=True, short_help="Show the bundled Azure model table, or fetch Azure's own model lists."
)
@as_of_option
@click.pass_context
def command(ctx: click.Context, as_of: dt.date | None) -> None:
    """The bundled Azure model table (edition, dates) and Azure's own model lists (fetch, import)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(show, as_of=as_of, models=())


@command.command("show", short_help="Print the bundled table's edition and every model version it knows.")
@as_of_option
@click.option(
    "--models",
    "models",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    multiple=True,
    help="A models file (catalog fetch / import): list what Azure offers instead.",
)
def show(as_of: dt.date | None, models: tuple[Path, ...]) -> None:
    """Print the bundled table's date and sources and every model version it knows, with its
    retirement date: `retired`/`retiring` are judged against --as-of (default: today)."""
    from configgen.knowledge.azure_catalog import load_catalog

    when = as_of or dt.date.today()
    if models:
        _show_azure(models, when)
        return
    cat = load_catalog()
    click.echo(f"configgen's bundled Azure OpenAI table, checked {cat.checked}")
    if cat.schedule_source:
        click.echo(f"retirement dates: {cat.schedule_source}")
    click.echo(
        f"{len(cat.models)} models, {sum(len(m.versions) for m in cat.models.values())} versions, "
        f"{len(cat.api_versions)} dated api-versions (+ {', '.join(sorted(cat.v1_aliases))}); judged as of {when}"
    )
    click.echo("Microsoft moves retirement dates: for your region and subscription use `configgen catalog fetch`.")
    click.echo("")
    rows = []
    for name in sorted(cat.models):
        m = cat.models[name]
        ratio = f"{m.rpm_ratio.rpm}/{m.rpm_ratio.per_tpm // 1000}K" if m.rpm_ratio else "-"
        for v in m.versions:
            last = v.retirement.last
            if v.retirement.retired:
                state, date = "retired", "-"
            elif last is None:
                state, date = "", "-"
            else:
                date = last.isoformat()
                state = "retired" if when >= last else ("retiring" if (last - when).days <= 90 else "")
            rows.append((name, v.version, v.lifecycle, date, state, ratio, v.replacement or ""))
    _table(("model", "version", "stage", "retires", "as of", "rpm/tpm", "replacement"), rows)


def _show_azure(paths: tuple[Path, ...], when: dt.date) -> None:
    from configgen.load.azure_models import ModelsFileError, load_models_file

    for path in paths:
        try:
            data = load_models_file(path)
        except ModelsFileError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Azure's model list: {data.describe()}")
        for loc, models in sorted(data.locations.items()):
            rows = []
            for m in sorted(models, key=lambda m: (m.name, m.version)):
                date = m.retires.isoformat() if m.retires else "-"
                state = "retired" if m.retires and when >= m.retires else ""
                rows.append((loc, m.name, m.version, m.status, date, state, ",".join(s.name for s in m.skus)))
            _table(("location", "model", "version", "status", "retires", "as of", "skus"), rows)


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


TOKEN_HINT = (
    "export it with: export {var}=$(az account get-access-token --resource https://management.azure.com/ "
    "--query accessToken -o tsv), or give --token-file with `az account get-access-token -o json` output"
)


@command.command("fetch", short_help="Write Azure's model list for ENV's regions (or --location) to a models file.")
@click.argument("env", required=False)
@project_file_option("Project file (default: ./configgen.yaml); the regions of ENV's resources are fetched.")
@click.option("--location", "locations", multiple=True, help="Fetch this location (repeatable; no project needed).")
@click.option("--subscription", envvar="AZURE_SUBSCRIPTION_ID", help="Subscription id (or $AZURE_SUBSCRIPTION_ID).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Models file to write (default: azure-models.json next to the project, else in the current folder).",
)
@click.option("--token-env", default="AZURE_ACCESS_TOKEN", show_default=True, help="Variable holding an ARM token.")
@click.option(
    "--token-file", type=click.File("r"), help="File (or -) with `az account get-access-token -o json` output."
)
@click.option("--arm-url", default="https://management.azure.com", show_default=True, help="ARM endpoint.")
@click.option("--timeout", type=click.FloatRange(1, 300), default=30.0, show_default=True, help="Seconds per request.")
def fetch(
    env: str | None,
    project: Path | None,
    locations: tuple[str, ...],
    subscription: str | None,
    out: Path | None,
    token_env: str,
    token_file: TextIO | None,
    arm_url: str,
    timeout: float,
) -> None:
    """Write Azure's model list (lifecycle, retirement dates, SKUs) for ENV's regions or --location,
    from the ARM Models API (`GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/
    {location}/models?api-version=2024-10-01`, what `az cognitiveservices model list` prints), with the
    same authentication as `configgen inventory fetch`. The token is never printed."""
    import os

    from configgen.load.azure_models import ARM_MODELS_API_VERSION, models_document, norm_location
    from configgen.tools.arm import ArmClient, ArmError, token_from_az_output

    if token_file is not None:
        token, source = token_from_az_output(token_file.read()), "--token-file"
    else:
        token, source = token_from_az_output(os.environ.get(token_env, "")), f"${token_env}"
    if not token:
        raise click.UsageError(f"no ARM token in {source}; " + TOKEN_HINT.format(var=token_env))
    if not arm_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise click.UsageError("--arm-url must be https:// (plain http only to localhost, for tests)")
    wanted, resources, project_sub, base = _wanted(env, project, locations)
    sub = subscription or project_sub
    if not sub:
        raise click.UsageError(
            "no subscription: give --subscription (or $AZURE_SUBSCRIPTION_ID), or set `subscription_id` on the "
            "project's resources"
        )
    client = ArmClient(token, base_url=arm_url, api_version=ARM_MODELS_API_VERSION, timeout=timeout)
    got: dict[str, list[object]] = {}
    failed = False
    for loc in wanted:
        try:
            got[loc] = list(client.list_location_models(sub, loc))
        except ArmError as exc:
            click.echo(f"configgen: catalog fetch {loc}: {exc.message}", err=True)
            failed = True
            continue
        click.echo(f"{len(got[loc]):>4} model version(s) offered in {loc}", err=True)
    if failed:
        click.echo("configgen: nothing written", err=True)
        sys.exit(1)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    doc = models_document(
        got,
        {k: norm_location(v) for k, v in resources.items()},
        f"ARM Models_List (Microsoft.CognitiveServices/locations/{{location}}/models, api-version "
        f"{ARM_MODELS_API_VERSION})",
        now,
    )
    path = out or base / "azure-models.json"
    _write(path, doc)
    click.echo(f"-> {path}", err=True)


def _wanted(
    env: str | None, project: Path | None, locations: tuple[str, ...]
) -> tuple[list[str], dict[str, str], str | None, Path]:
    """(locations, resource -> location, subscription from the project, folder for the default file)."""
    from urllib.parse import urlsplit

    from configgen.load.azure_models import norm_location

    if env is None:
        if not locations:
            raise click.UsageError("give ENV (fetch the regions of its resources) or --location LOC")
        return sorted({norm_location(loc) for loc in locations}), {}, None, Path()
    from configgen.cli.options import load_env

    loaded, view = load_env(project, env, need_model=True)
    model = view.model
    used = {ref.partition("/")[0] for alias in model.aliases.values() for ref in alias.deployments}
    resources: dict[str, str] = {}
    subs = set()
    for key in sorted(used):
        res = loaded.project.resources.get(key)
        if res is None:
            continue
        resources[(urlsplit(res.endpoint).hostname or key).split(".")[0]] = res.region
        if res.subscription_id:
            subs.add(res.subscription_id)
    wanted = sorted({norm_location(r) for r in resources.values()} | {norm_location(loc) for loc in locations})
    return wanted, resources, (next(iter(subs)) if len(subs) == 1 else None), loaded.path.parent


@command.command("import", short_help="Turn `az cognitiveservices model list` output into a models file.")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--location", required=True, help="The location the list is of (az ... model list -l LOCATION).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Models file to write.")
def import_(source: Path, location: str, out: Path | None) -> None:
    """Turn `az cognitiveservices model list -l LOCATION -o json` output (or a saved ARM answer) into a
    models file, offline; several imports into the same --out file add their locations."""
    import json

    from configgen.load.azure_models import (
        ModelsFileError,
        load_models_file,
        models_document,
        norm_location,
        parse_document,
    )

    try:
        data = load_models_file(source, location)
        raw = json.loads(source.read_text(encoding="utf-8"))
    except ModelsFileError as exc:
        raise click.ClickException(str(exc)) from None
    items = raw if isinstance(raw, list) else raw.get("value", [])
    path = out or Path("azure-models.json")
    locations: dict[str, list[object]] = {}
    resources: dict[str, str] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            parse_document(old, str(path))
        except (ValueError, ModelsFileError) as exc:
            raise click.ClickException(f"{path} exists and is not a models file: {exc}") from None
        locations = dict(old["locations"])
        resources = dict(old.get("resources") or {})
    locations[norm_location(location)] = items
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    _write(path, models_document(locations, resources, f"az cognitiveservices model list ({source.name})", now))
    n = sum(len(ms) for ms in data.locations.values())
    click.echo(f"{n:>4} model version(s) of {norm_location(location)} -> {path}", err=True)


def _write(path: Path, doc: dict[str, object]) -> None:
    import json

    from configgen.plan import plan_files
    from configgen.write import WriteError, write_all

    try:
        write_all(plan_files([(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n", 0o644)]))
    except WriteError as exc:
        raise click.ClickException(f"cannot write {exc.path}: {exc.message}") from None
