"""The `configgen` command: a thin shell over :mod:`configgen.app`.

Exit codes, decided only in :func:`main`: 0 clean, 1 findings or drift, 2 usage, 3 internal error,
130 interrupted. Heavy modules are imported inside commands so `configgen --help` stays instant.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from configgen import __version__
from configgen.cli.completion import complete_env
from configgen.cli.options import as_of_option, emit, file_list_option, no_cache_option, no_secret_name, project_option
from configgen.cli.options import resolve_format as _format
from configgen.cli.output import FORMATS
from configgen.cli.process import EXIT_FINDINGS, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, guarded, without_pydantic_plugins


def _emit(findings: list[Any], fmt: str) -> None:
    emit(findings, fmt)


format_option = click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True, help="Output format."
)


#: Subcommands in configgen/cli/ (one module each), imported only when run: `configgen validate` and `--help` do not
#: pay for them. name -> (module, one-line help); tests/unit/test_cli.py keeps this table in sync.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("add", "Add a resource, deployment, alias or environment to the project file."),
    "catalog": ("catalog", "Show the bundled Azure model table, or fetch Azure's own model lists."),
    "completion": ("completion", "Print the shell completion script for SHELL (default: from $SHELL)."),
    "doctor": ("doctor", "Check ENV's balancer, proxies and Azure deployments; exit 1 when a check fails."),
    "explain": ("explain", "Show ENV's effective value at DOTTED.PATH and which layer set it."),
    "graph": ("graph", "Draw ENV: the app, its balancer and proxies, aliases and Azure deployments."),
    "import": ("import_", "Start or extend the project from an Azure deployment list or a LiteLLM config."),
    "init": ("init", "Create a project file: one resource, one deployment, one alias, one environment."),
    "inventory": ("inventory", "Fetch and list what really exists on each Azure OpenAI resource."),
    "schema": ("schema", "Write the JSON Schema of configgen.yaml (generated from the models)."),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            import importlib

            module = importlib.import_module(f"configgen.cli.{LAZY_COMMANDS[cmd_name][0]}")
            command: click.Command = module.command
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # whole sentences, never cut: each command's short_help is written to fit
        rows = [(name, cmd.short_help or cmd.get_short_help_str(limit=200)) for name, cmd in self.commands.items()]
        rows += [(name, help_text) for name, (_, help_text) in LAZY_COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="configgen")
@click.option(
    "-p",
    "--project",
    "project",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Project file for the command (default: $CONFIGGEN_PROJECT, else the nearest configgen.yaml upwards).",
)
@click.option(
    "--color",
    "color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour the report: auto is on a terminal unless NO_COLOR is set.",
)
def cli(project: Path | None, color: str) -> None:
    """Generate and check LiteLLM proxy, app .env and load-balancer configs for Azure OpenAI.

    One project file (configgen.yaml) describes Azure resources, model aliases, proxies and
    environments; `render` writes every config from it and `validate` proves they agree.
    """


@cli.command(short_help="Check the project and what it renders, or the FILES given, by their kind.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@project_option
@format_option
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@file_list_option(
    "--inventory",
    "inventories",
    "Deployment list from `az cognitiveservices account deployment list -o json` (repeatable).",
)
@file_list_option(
    "--models",
    "models",
    "Azure's model list (`configgen catalog fetch` / `catalog import`): lifecycle from Azure (repeatable).",
)
@click.option(
    "--check-render",
    is_flag=True,
    help="Also exit 1 when a rendered file on disk differs from what the project renders (every environment): "
    "validate and `render --check --all` in one process.",
)
@as_of_option
@no_cache_option
def validate(
    files: tuple[Path, ...],
    project: Path | None,
    fmt: str,
    strict: bool,
    inventories: tuple[Path, ...],
    models: tuple[Path, ...],
    check_render: bool,
    as_of: dt.date | None,
) -> None:
    """Check the project (and what it renders), or the FILES given, by kind.

    FILES may be configgen projects, LiteLLM configs (YAML with model_list), .env files and
    balancer snippets; files given together are also checked against each other.
    """
    from configgen import app

    if models:
        from configgen.load.azure_models import ModelsFileError, load_models_file, merge, set_cli_models

        try:
            set_cli_models(merge(load_models_file(m) for m in models))
        except ModelsFileError as exc:
            raise click.UsageError(str(exc)) from None
    if files:
        paths = list(files) + ([project] if project else [])
        result = app.validate_files(paths, as_of, inventories)
    else:
        from configgen.model.load import find_project_file

        path = find_project_file(project)
        if not path.exists():
            raise click.UsageError(f"no project file {path}; give -p FILE, or FILES to check")
        result = app.validate_project_file(path, as_of, inventories=inventories)
    _emit(result.findings, fmt)
    code = result.exit_code(strict)
    if check_render:
        code = max(code, _check_render(project, as_of, fmt))
    sys.exit(code)


def _check_render(project: Path | None, as_of: dt.date | None, fmt: str) -> int:
    """`render --check --all` after `validate`, in the same process; reports only the drift (the
    findings were just printed). No project file: nothing renders, nothing to check."""
    from configgen import app
    from configgen.model.load import find_project_file
    from configgen.plan import Action

    path = find_project_file(project)
    if not path.exists():
        return EXIT_OK
    try:
        result = app.render(path, [], as_of=as_of, check=True)
    except app.UsageError as exc:
        raise click.UsageError(str(exc)) from None
    cwd = Path.cwd()
    stale = [f for f in result.files if f.action is not Action.UNCHANGED]
    for f in stale:
        verb = "missing" if f.action is Action.CREATE else "differs"
        click.echo(f"{verb:>12}  {_rel(f.path, cwd)}", err=_format(fmt) != "text")
    if stale:
        where = "" if project is None else f" -p {project}"
        click.echo(f"rendered files are out of date: run `configgen render --all{where}`", err=True)
    return EXIT_FINDINGS if stale else EXIT_OK


@cli.command(short_help="Validate, then write ENV's LiteLLM config, .env, start script and balancer files.")
@click.argument("envs", metavar="ENV...", nargs=-1, shell_complete=complete_env, callback=no_secret_name)
@project_option
@click.option("--all", "all_envs", is_flag=True, help="Every environment of the project (with --out: DIR/ENV/...).")
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write under DIR instead of the project's `outputs:` paths.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file on disk differs from what would be rendered.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of what changes (secrets redacted).")
@click.option("--dry-run", is_flag=True, help="Show the plan, write nothing.")
@click.option("--force", is_flag=True, help="Overwrite files edited by hand or not written by configgen.")
@format_option
@as_of_option
@no_cache_option
def render(
    envs: tuple[str, ...],
    project: Path | None,
    all_envs: bool,
    out: Path | None,
    check: bool,
    show_diff: bool,
    dry_run: bool,
    force: bool,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Validate, then render ENV's litellm.config.yaml, server/.env, start script and balancer snippets.

    Several environments (or --all) are validated once and written together. Writes nothing if the
    project has errors; files are replaced atomically, all or none.
    """
    from configgen import app
    from configgen.model.load import find_project_file
    from configgen.plan import Action

    path = find_project_file(project)
    if bool(envs) == all_envs:
        names = app.environment_names(path) if not envs else []
        listed = f" (environments in {path.name}: {', '.join(names)})" if names else ""
        raise click.UsageError(f"name the environment(s) to render, or give --all{listed}")
    try:
        result = app.render(
            path, list(envs), out_dir=out, as_of=as_of, check=check, dry_run=dry_run, force=force
        )
    except app.UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if result.findings and (_format(fmt) != "text" or any(f.severity.value != "info" for f in result.findings)):
        _emit(result.findings, fmt)
    cwd = Path.cwd()
    refused = [f for f in [*result.files, *result.stale] if f.hand_edited and not force and not check and not result.written]
    for f in refused:
        # What --force would do to the edited file: the hand edit shows as removed lines.
        click.echo(f.diff(_rel(f.path, cwd)), nl=False, err=_format(fmt) != "text")
    for f in result.files:
        shown = _rel(f.path, cwd)
        if check:
            verb = "up to date" if f.action is Action.UNCHANGED else ("missing" if f.action is Action.CREATE else "differs")
        elif dry_run:
            verb = {"create": "would create", "change": "would change", "unchanged": "unchanged"}[f.action.value]
        else:
            verb = {"create": "created", "change": "changed", "unchanged": "unchanged"}[f.action.value]
            if f.path not in result.written and f.action is not Action.UNCHANGED:
                verb = "not written"
        click.echo(f"{verb:>12}  {shown}", err=_format(fmt) != "text")
        if show_diff and f.action is not Action.UNCHANGED and f not in refused:  # a refused file's diff is above
            click.echo(f.diff(shown), nl=False)
    for f in result.stale:  # generated for these environments earlier, rendered no more
        verb = "stale" if check else "would remove" if dry_run else "removed" if f.path in result.removed else "not removed"
        click.echo(f"{verb:>12}  {_rel(f.path, cwd)}", err=_format(fmt) != "text")
    if check and result.drift:
        for command in result.commands.values():
            click.echo(f"to update, run: {command}", err=_format(fmt) != "text")
    sys.exit(result.exit_code())


def _rel(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


@cli.command(short_help="List every rule, or print the documentation of RULE_ID.")
@click.argument("rule_id", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(("text", "markdown")), default="text")
def rules(rule_id: str | None, fmt: str) -> None:
    """List every rule, or print the documentation of RULE_ID."""
    from configgen.rules import load_all
    from configgen.rules.core_ids import CORE_CHECKS
    from configgen.rules.docs import markdown
    from configgen.suggest import hint_for

    registry = load_all()
    if rule_id is None:
        if fmt == "markdown":
            click.echo(markdown(registry), nl=False)
            return
        rows = [(r.id, r.severity.value, r.summary) for r in registry.values()]
        rows += [(c.id, c.severity.value, c.summary) for c in CORE_CHECKS.values()]
        width = max(len(r[0]) for r in rows)
        for rid, sev, summary in sorted(rows):
            click.echo(f"{rid:<{width}}  {sev:<7}  {summary}")
        return
    r = registry.get(rule_id)
    if r is not None:
        click.echo(f"{r.id} ({r.severity.value}, {r.target}): {r.summary}\n\n{r.doc}")
        return
    core = CORE_CHECKS.get(rule_id)
    if core is not None:
        click.echo(f"{core.id} ({core.severity.value}, built in): {core.summary}\n\n{core.doc}")
        return
    known = [*registry, *CORE_CHECKS]
    raise click.UsageError(f"no rule {rule_id!r}; " + hint_for(rule_id, known, "see `configgen rules`"))




def main(argv: list[str] | None = None) -> int:
    """Entry point: the one place outcomes become exit codes (click's here, the rest in
    configgen.cli.process.guarded, which configgen.cli.fast shares)."""
    without_pydantic_plugins()

    def run() -> int:
        try:
            cli.main(args=argv, prog_name="configgen", standalone_mode=False)
        except click.exceptions.Exit as exc:
            return int(exc.exit_code)
        except click.UsageError as exc:
            exc.show()
            return EXIT_USAGE
        except click.ClickException as exc:
            exc.show()
            return exc.exit_code
        except click.Abort:
            click.echo("interrupted", err=True)
            return EXIT_INTERRUPTED
        return EXIT_OK

    return guarded(run, lambda line: click.echo(line, err=True))
