"""The built-in templates, as Python: the same text from the same context, without Jinja.

Rendering the built-in templates with Jinja cost every `validate` and `render` the import of Jinja2 and
its sandbox (22 ms) and the sandbox's per-expression checks. The templates under ``render/templates/``
stay the definition of each file and the starting point of a project's own template (which overrides
one by its name and is still rendered by Jinja, in the sandbox). Each function here lays out the same
text with the same escapers, in the same order, and tests/unit/test_builtin_templates.py holds every one
to its template byte for byte on the example, the bench projects and generated projects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from configgen.render.builtin.balancers import bicep_lb, haproxy, nginx
from configgen.render.builtin.files import env_example, env_file, start_script
from configgen.render.builtin.litellm import litellm_config, prometheus

#: template name -> the function that writes what the template writes
BUILTIN: dict[str, Callable[[dict[str, Any]], str]] = {
    "litellm.config.yaml.j2": litellm_config,
    "env.j2": env_file,
    "env.example.j2": env_example,
    "nginx.conf.j2": nginx,
    "haproxy.cfg.j2": haproxy,
    "loadbalancer.bicep.j2": bicep_lb,
    "run.sh.j2": start_script,
    "prometheus.yml.j2": prometheus,
}
