"""`run_doctor`: load the project, pick the environment, run the checks of its mode within one deadline.

Every secret the environment holds for this project (the master key, the app's key, each resource's
Azure key or client secret, the Redis password) is registered with
:func:`configgen.secrets.register_secret`, so no output can print it, whatever it looks like.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from configgen.model.load import load_project
from configgen.model.project import ApiKeyAuth, EntraAuth, Environment, Project
from configgen.secrets import register_secret
from configgen.tools.doctor.context import OnDone, OnStart, Run
from configgen.tools.doctor.direct import direct_checks
from configgen.tools.doctor.proxy import proxy_checks
from configgen.tools.doctor.results import DoctorResult, DoctorUsageError

DEFAULT_TIMEOUT = 10.0
#: The run's deadline is this many times --timeout unless --deadline says otherwise: a target's checks
#: after one that got no answer are skipped, so a hung endpoint costs one timeout, not one per check.
DEADLINE_FACTOR = 3
#: Checks in flight at once (targets and deployments are independent; Azure and the proxies are not
#: hammered by a doctor run).
MAX_PARALLEL = 8


def _register_secrets(project: Project, env: Environment, environ: Mapping[str, str]) -> None:
    names = [env.app.api_key_env]
    if env.proxy is not None:
        names.append(env.proxy.master_key_env)
        if env.proxy.redis is not None and env.proxy.redis.password_env:
            names.append(env.proxy.redis.password_env)
    for res in project.resources.values():
        if isinstance(res.auth, ApiKeyAuth):
            names.append(res.auth.key_env)
        elif isinstance(res.auth, EntraAuth):
            names.append(res.auth.client_secret_env)
        # managed and workload identities have no secret in the environment
    for name in names:
        register_secret(environ.get(name))


def run_doctor(
    project_path: Path,
    env_name: str,
    *,
    probe: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float | None = None,
    environ: Mapping[str, str],
    on_start: OnStart | None = None,
    on_done: OnDone | None = None,
) -> DoctorResult:
    """Check environment ``env_name`` of the project; ``environ`` holds the secrets (master key, Azure keys).

    Every request ends within ``timeout`` seconds and the whole run within ``deadline`` (default
    ``DEADLINE_FACTOR * timeout``); checks left when the deadline passes are skipped with that reason."""
    if not project_path.exists():
        raise DoctorUsageError(f"project file {project_path} not found (use -p/--project FILE)")
    loaded = load_project(project_path)
    if loaded.project is None:
        raise DoctorUsageError(f"{project_path} is not a valid project; run `configgen validate -p {project_path}`")
    view = loaded.envs.get(env_name)
    if view is None:
        from configgen.suggest import hint_for

        names = list(loaded.project.environments)
        raise DoctorUsageError(
            f"no environment `{env_name}` in {project_path}; "
            + hint_for(env_name, names, "environments: " + ", ".join(names))
        )
    if view.model is None:
        raise DoctorUsageError(f"environment {env_name} is not valid; run `configgen validate -p {project_path}`")
    env = view.model
    _register_secrets(loaded.project, env, environ)
    run = Run(
        loaded.project, env_name, view, env, project_path, loaded.doc, environ, timeout,
        deadline if deadline is not None else DEADLINE_FACTOR * timeout,
        on_start or (lambda _id, _target: None), on_done or (lambda _r: None), DoctorResult(env_name, env.app.mode),
    )  # fmt: skip
    with ThreadPoolExecutor(max_workers=MAX_PARALLEL, thread_name_prefix="doctor") as pool:
        if env.app.mode == "direct" or env.proxy is None:
            direct_checks(run, pool)
        else:
            proxy_checks(run, probe, pool)
    return run.finish()
