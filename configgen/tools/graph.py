"""Draw an environment's topology: app -> balancer -> proxies -> aliases -> Azure deployments.

Pure functions from the validated model to text. :func:`topology` builds one neutral graph (nodes,
clusters, edges) that :func:`mermaid` and :func:`dot` lay out, so both drawings always agree.
Only the resources the environment's aliases use are drawn; a private endpoint is shown on the
resource and on the edges into it, because that is what decides where the proxy must run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from configgen.model.facts import proxy_base_url, split_ref
from configgen.model.project import Environment, Project


@dataclass(frozen=True)
class Node:
    id: str
    label: tuple[str, ...]  # lines
    shape: str = "box"  # box | cylinder | hexagon


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    dashed: bool = False
    undirected: bool = False


@dataclass
class Cluster:
    id: str
    label: str
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Topology:
    nodes: list[Node] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


PROXIES = "proxies"


class _Ids:
    """Readable ids (`dep_chatsheet_eastus_gpt_4o`) made unique: `a-b` and `a_b` must not merge."""

    def __init__(self) -> None:
        self.by_name: dict[tuple[str, str], str] = {}
        self.taken: set[str] = {"app", "balancer", "redis", PROXIES}

    def __call__(self, prefix: str, name: str) -> str:
        key = (prefix, name)
        if key not in self.by_name:
            base = prefix + "_" + re.sub(r"[^A-Za-z0-9]", "_", name)
            ident, n = base, 1
            while ident in self.taken:
                n += 1
                ident = f"{base}_{n}"
            self.taken.add(ident)
            self.by_name[key] = ident
        return self.by_name[key]



def topology(project: Project, env_name: str, env: Environment) -> Topology:
    """The environment as a graph; ids are stable and safe in both Mermaid and DOT."""
    topo = Topology()
    _ident = _Ids()
    app_alias = env.aliases.get(env.app.alias)
    if env.app.mode == "proxy":
        app_label: tuple[str, ...] = (f"{project.name} app", f"LITELLM_MODEL={env.app.alias}")
    else:
        app_label = (f"{project.name} app", "direct to Azure OpenAI")
    topo.nodes.append(Node("app", app_label))
    used_refs: list[str] = []
    if env.app.mode == "proxy" and env.proxy is not None:
        proxy = env.proxy
        k8s = env.kubernetes
        if k8s is not None:
            # On Kubernetes the pods are replicas of one Deployment and the Service balances them.
            from configgen.model.k8s_facts import max_replicas, replicas

            low, high = replicas(env), max_replicas(env)
            pods = f"{low} pods" if low == high else f"{low}-{high} pods (autoscaled)"
            instances = [Node(_ident("proxy", "pods"), (f"Deployment {k8s.name}", f"{pods} in {k8s.namespace}"))]
        else:
            instances = [
                Node(_ident("proxy", str(i + 1)), (f"litellm-{i + 1}", f"{inst.host}:{inst.port}"))
                for i, inst in enumerate(proxy.instances)
            ]
        topo.clusters.append(Cluster(PROXIES, f"LiteLLM proxy ({proxy.routing_strategy})", instances))
        if k8s is not None:
            topo.nodes.append(Node("balancer", (f"Service {k8s.name}", proxy_base_url(env))))
            topo.edges.append(Edge("app", "balancer"))
            topo.edges.extend(Edge("balancer", n.id) for n in instances)
        elif env.balancer is not None:
            b = env.balancer
            topo.nodes.append(Node("balancer", (f"{_BALANCER_NAMES[b.kind]}", proxy_base_url(env))))
            topo.edges.append(Edge("app", "balancer"))
            topo.edges.extend(Edge("balancer", n.id) for n in instances)
        else:
            topo.edges.append(Edge("app", instances[0].id, proxy_base_url(env)))
        if proxy.redis is not None:
            topo.nodes.append(Node("redis", ("Redis", f"{proxy.redis.host}:{proxy.redis.port}"), "cylinder"))
            topo.edges.append(Edge(PROXIES, "redis", "shared state", dashed=True, undirected=True))
        # the app's alias first: the diagram reads from the request's point of view
        aliases = sorted(env.aliases.items(), key=lambda item: item[0] != env.app.alias)
        for name, alias in aliases:
            alias_id = _ident("alias", name)
            topo.nodes.append(Node(alias_id, (f"alias {name}",), "hexagon"))
            topo.edges.append(Edge(PROXIES, alias_id))
            used_refs.extend(r for r in alias.deployments if r not in used_refs)
        for name, alias in aliases:
            for ref in alias.deployments:
                topo.edges.append(Edge(_ident("alias", name), _ident("dep", ref), _link(project, ref)))
            for target in alias.fallbacks:
                if target in env.aliases:
                    topo.edges.append(Edge(_ident("alias", name), _ident("alias", target), "fallback", dashed=True))
    elif app_alias is not None:
        # direct mode: the app talks to the alias's first deployment (what server/.env names)
        ref = app_alias.deployments[0]
        used_refs.append(ref)
        topo.edges.append(Edge("app", _ident("dep", ref), _link(project, ref)))
    _azure(project, used_refs, topo, _ident)
    return topo


_BALANCER_NAMES = {"nginx": "nginx", "haproxy": "HAProxy", "azure": "Azure Load Balancer"}


def _link(project: Project, ref: str) -> str:
    res = project.resources.get(split_ref(ref)[0])
    return "private endpoint" if res is not None and res.private_endpoint else ""


def _azure(project: Project, refs: list[str], topo: Topology, _ident: _Ids) -> None:
    by_resource: dict[str, list[str]] = {}
    for ref in refs:
        res_name, dep_name = split_ref(ref)
        by_resource.setdefault(res_name, []).append(dep_name)
    for res_name, deps in by_resource.items():
        res = project.resources.get(res_name)
        if res is None:
            continue  # an unknown reference is a validation error, reported elsewhere
        region = res.region or "region not stated"
        where = f"{region}, private endpoint" if res.private_endpoint else region
        nodes = []
        for dep_name in deps:
            dep = res.deployments.get(dep_name)
            if dep is None:
                continue
            size = f"{dep.sku} x{dep.capacity}" if dep.capacity else f"{dep.sku}, capacity not stated"
            nodes.append(Node(_ident("dep", f"{res_name}/{dep_name}"), (dep_name, f"{dep.model} {dep.version}", size)))
        topo.clusters.append(Cluster(_ident("res", res_name), f"Azure OpenAI {res_name} ({where})", nodes))


# --- Mermaid -------------------------------------------------------------------------------------

_MERMAID_SHAPES = {"box": ('["', '"]'), "cylinder": ('[("', '")]'), "hexagon": ('{{"', '"}}')}


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes: a quote or an angle bracket in a label must not end it or become HTML.
    for raw, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        text = text.replace(raw, code)
    return text


def mermaid(project: Project, env_name: str, env: Environment) -> str:
    """Mermaid flowchart text (without the ```mermaid fence)."""
    topo = topology(project, env_name, env)
    lines = ["flowchart LR"]

    def node(n: Node, indent: str) -> str:
        left, right = _MERMAID_SHAPES[n.shape]
        return f"{indent}{n.id}{left}{'<br/>'.join(_mermaid_text(x) for x in n.label)}{right}"

    lines.extend(node(n, "  ") for n in topo.nodes)
    for c in topo.clusters:
        lines.append(f'  subgraph {c.id}["{_mermaid_text(c.label)}"]')
        lines.extend(node(n, "    ") for n in c.nodes)
        lines.append("  end")
    for e in topo.edges:
        arrow = ("-.-" if e.undirected else "-.->") if e.dashed else "-->"
        label = f"|{_mermaid_text(e.label)}|" if e.label else ""
        lines.append(f"  {e.src} {arrow}{label} {e.dst}")
    return "\n".join(lines) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------------------

_DOT_SHAPES = {"box": "box", "cylinder": "cylinder", "hexagon": "hexagon"}


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(project: Project, env_name: str, env: Environment) -> str:
    """Graphviz DOT text; clusters for the proxies and each Azure resource."""
    topo = topology(project, env_name, env)
    cluster_first = {c.id: c.nodes[0].id for c in topo.clusters if c.nodes}
    name = _dot_text(f"{project.name} {env_name}")
    lines = [
        f"digraph {name} {{",
        "  rankdir=LR;",
        "  compound=true;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]

    def node(n: Node, indent: str) -> str:
        label = _dot_text("\n".join(n.label)).replace("\n", "\\n")
        return f"{indent}{n.id} [label={label}, shape={_DOT_SHAPES[n.shape]}];"

    lines.extend(node(n, "  ") for n in topo.nodes)
    for c in topo.clusters:
        lines.append(f"  subgraph cluster_{c.id} {{")
        lines.append(f"    label={_dot_text(c.label)};")
        lines.append("    style=rounded;")
        lines.extend(node(n, "    ") for n in c.nodes)
        lines.append("  }")
    for e in topo.edges:
        attrs: list[str] = []
        src, dst = e.src, e.dst
        # DOT draws edges between nodes; an edge to or from a cluster is clipped at its border.
        if src in cluster_first:
            attrs.append(f"ltail=cluster_{src}")
            src = cluster_first[src]
        if dst in cluster_first:
            attrs.append(f"lhead=cluster_{dst}")
            dst = cluster_first[dst]
        if e.label:
            attrs.append(f"label={_dot_text(e.label)}")
        if e.dashed:
            attrs.append("style=dashed")
        if e.undirected:
            attrs.append("dir=none")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {src} -> {dst}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS = {"mermaid": mermaid, "dot": dot}
