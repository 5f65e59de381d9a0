"""kubectl create (deployment, service nodeport|clusterip|loadbalancer, -f) and kubectl expose."""

from __future__ import annotations

from ...engine.errors import ConnectionRefused, Status
from ..session import Result
from . import flags as fl
from . import generators, resources
from .flags import Command, Flag
from .verbs_apply import dry_run, dry_suffix, output_format_error, print_objects, run_create_files
from .verbs_common import Ctx, Out, error_text, fail, is_error, read_sources
from .verbs_get import RESOURCE_EXAMPLES, objects_in_files


def _name(ctx: Ctx) -> str | Result:
    """NameFromCommandArgs: exactly one positional NAME (before any ``--``)."""
    args = ctx.opts.args if ctx.opts.dash < 0 else ctx.opts.args[:ctx.opts.dash]
    if len(args) != 1:
        return fail(f"error: exactly one NAME is required, got {len(args)}\n"
                    f"See '{ctx.path} -h' for help and examples")
    return args[0]


def _create(ctx: Ctx, obj: dict, what: str, url: str) -> Result:
    """Print a generated object in a client dry run, else create it (on a clone for a server dry run).

    Args:
        what: the noun kubectl's "failed to create ..." error uses, e.g. "deployment".
        url: the API path of the POST, for the refused-connection error.
    """
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    fmt = ctx.opts.str("output")
    if (bad := output_format_error(fmt)) is not None:
        return fail(bad)
    info = resources.by_kind(obj["kind"])
    assert info is not None
    out = Out()
    if strategy != "client":
        if ctx.cluster.api.refused() is not None:
            host = ctx.cluster.api.endpoint
            return fail(f'error: failed to create {what}: Post "https://{host}{url}?fieldManager=kubectl-create'
                        f'&fieldValidation=Strict": dial tcp {host}: connect: connection refused')
        target = ctx.cluster if strategy == "none" else ctx.cluster.clone()
        sent = dict(obj, metadata=dict(obj["metadata"], namespace=ctx.namespace))
        created = target.api.create(sent)
        if isinstance(created, Status):
            # The typed client's error is wrapped with %v, which keeps only the Status message.
            return fail(f"error: failed to create {what}: {created.message}")
        if strategy == "none":
            ctx.cluster.reconcile()
        obj = created
    if fmt == "json" and strategy == "client":
        out.print(generators.typed_json(obj))
    elif fmt:
        print_objects(out, [obj], fmt)
    else:
        out.print(f"{resources.prefix(info)}/{obj['metadata']['name']} created{dry_suffix(strategy)}")
    return out.result()


def run_deployment(ctx: Ctx) -> Result:
    """kubectl create deployment NAME --image=IMG [--replicas=N] [--port=N] [-- COMMAND...]."""
    name = _name(ctx)
    if isinstance(name, Result):
        return name
    images = ctx.opts.list("image")
    command = ctx.opts.args[ctx.opts.dash:] if ctx.opts.dash >= 0 else []
    if len(images) > 1 and command:
        return fail("error: cannot specify multiple --image options and command")
    ns = ctx.namespace if ctx.explicit_namespace else ""
    obj = generators.deployment(name, images, ctx.opts.int("replicas"), ctx.opts.int("port"), command, ns)
    return _create(ctx, obj, "deployment", f"/apis/apps/v1/namespaces/{ctx.namespace}/deployments")


def _service_runner(svc_type: str):
    def run(ctx: Ctx) -> Result:
        name = _name(ctx)
        if isinstance(name, Result):
            return name
        cluster_ip = ctx.opts.str("clusterip") if "clusterip" in ctx.opts.values else ""
        if cluster_ip == "None" and svc_type != "ClusterIP":
            return fail("error: ClusterIP=None can only be used with ClusterIP service type")
        specs = ctx.opts.list("tcp")
        if cluster_ip != "None" and not specs:
            return fail("error: at least one tcp port specifier must be provided")
        tcp = []
        for spec in specs:
            parsed = generators.parse_tcp(spec)
            if isinstance(parsed, str):
                return fail("error: " + parsed)
            tcp.append((spec, *parsed))
        node_port = ctx.opts.int("node-port") if "node-port" in ctx.opts.values else 0
        ns = ctx.namespace if ctx.explicit_namespace else ""
        obj = generators.service(name, svc_type, tcp, node_port, cluster_ip, ns)
        return _create(ctx, obj, f"{svc_type} service", f"/api/v1/namespaces/{ctx.namespace}/services")
    return run


# ----------------------------------------------------------------- expose

_EXPOSABLE = ("Pod", "Service", "Deployment", "ReplicaSet")


def run_expose(ctx: Ctx) -> Result:
    """kubectl expose (deployment|svc|pod|rs) NAME --port=P [--target-port=T] [--type=T] [--name=N]."""
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    targets = _expose_targets(ctx)
    if isinstance(targets, Result):
        return targets
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    out = Out()
    fmt = ctx.opts.str("output")
    for info, name, ns in targets:
        live = ctx.cluster.api.get(info.kind, name, ns)
        if is_error(live):
            out.fail(error_text(live))
            continue
        # kubectl only writes the namespace into a client dry run's object when -n was given.
        svc = _exposed(ctx, info, live, ns if strategy == "client" and ctx.explicit_namespace else "")
        if isinstance(svc, str):
            out.fail("error: " + svc)
            continue
        if strategy != "client":
            target = ctx.cluster if strategy == "none" else ctx.cluster.clone()
            created = target.api.create(dict(svc, metadata=dict(svc["metadata"], namespace=ns)))
            if isinstance(created, (Status, ConnectionRefused)):
                out.fail(error_text(created))
                continue
            if strategy == "none":
                ctx.cluster.reconcile()
            svc = created
        if fmt == "json" and strategy == "client":
            out.print(generators.typed_json(svc))
        elif fmt:
            print_objects(out, [svc], fmt)
        else:
            out.print(f"service/{svc['metadata']['name']} exposed{dry_suffix(strategy)}")
    return out.result()


def _expose_targets(ctx: Ctx) -> list[tuple] | Result:
    """The objects to expose: from TYPE NAME / TYPE/NAME arguments or -f files."""
    files = ctx.opts.list("filename")
    if files:
        sources = read_sources(ctx, files)
        if isinstance(sources, str):
            return fail(sources)
        found = objects_in_files(ctx, sources)
        if isinstance(found, str):
            return fail(found)
        return [(info, name, ns or "default") for info, name, ns, _source in found]
    if not ctx.opts.args:
        return fail(RESOURCE_EXAMPLES)
    requests = resources.parse_args(ctx.opts.args, allow_empty=False, expand_all=False)
    if isinstance(requests, str):
        return fail(requests)
    return [(r.info, name, ctx.namespace) for r in requests for name in r.names]


def _exposed(ctx: Ctx, info, obj: dict, namespace: str) -> dict | str:
    """The Service expose generates for one object, or the error it reports."""
    if info.kind not in _EXPOSABLE:
        kind = f"{info.kind}.{info.group}" if info.group else info.kind
        return f"cannot expose a {kind}"
    opts = ctx.opts
    spec = obj.get("spec") or {}
    selector_text = opts.str("selector")
    if not selector_text:
        selector_text, problem = _selector_of(info.kind, obj)
        if problem:
            return f"couldn't retrieve selectors via --selector flag or introspection: {problem}"
    selector = generators.parse_labels(selector_text)
    if isinstance(selector, str):
        return selector
    port_text = opts.str("port")
    ports, protocols = _ports_of(info.kind, spec, obj)
    if port_text:
        ports = [port_text]
    elif not ports and opts.str("cluster-ip") != "None":
        return "couldn't find port via --port flag or introspection"
    labels_text = opts.str("labels") or _joined((obj.get("metadata") or {}).get("labels") or {})
    labels = generators.parse_labels(labels_text) if labels_text else None
    if isinstance(labels, str):
        return labels
    name = opts.str("name") or obj["metadata"]["name"][:63]
    return generators.exposed_service(
        name, selector, ports, protocols, labels=labels, protocol=opts.str("protocol"),
        target_port=opts.str("target-port"), svc_type=opts.str("type"), external_ip=opts.str("external-ip"),
        session_affinity=opts.str("session-affinity"), cluster_ip=opts.str("cluster-ip"), namespace=namespace)


def _selector_of(kind: str, obj: dict) -> tuple[str, str]:
    """MapBasedSelectorForObject: (the selector as ``k=v,...``, or "" and its error)."""
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return _joined(labels), "" if labels else "the pod has no labels and cannot be exposed"
    if kind == "Service":
        sel = spec.get("selector") or {}
        return _joined(sel), "" if sel else "the service has no pod selector set"
    sel = spec.get("selector") or {}
    if sel.get("matchExpressions"):
        return "", f'couldn\'t convert expressions - "{sel}" to map-based selector format'
    return _joined(sel.get("matchLabels") or {}), ""


def _joined(labels: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in labels.items())


def _ports_of(kind: str, spec: dict, obj: dict) -> tuple[list[str], dict[str, list[str]]]:
    """PortsForObject and MultiProtocolsForObject: port numbers as text, and protocols per port."""
    if kind == "Service":
        entries = [(p.get("port"), p.get("protocol", "TCP")) for p in spec.get("ports") or []]
    else:
        pod_spec = spec if kind == "Pod" else (spec.get("template") or {}).get("spec") or {}
        entries = [(p.get("containerPort"), p.get("protocol", "TCP"))
                   for c in pod_spec.get("containers") or [] for p in c.get("ports") or []]
    ports: list[str] = []
    protocols: dict[str, list[str]] = {}
    for port, proto in entries:
        ports.append(str(port))
        protocols.setdefault(str(port), []).append(proto)
    return ports, protocols


# ----------------------------------------------------------------- command table

_PRINT = (fl.OUTPUT, fl.DRY_RUN, Flag("save-config", kind="bool", default=False, help="Save the configuration."),
          Flag("validate", help="Validation: strict, warn or ignore.", default="strict", no_opt="strict"))
_SERVICE_FLAGS = _PRINT + (Flag("tcp", kind="strings", default=[], split=True,
                                help="Port pairs can be specified as '<port>:<targetPort>'."),)

DEPLOYMENT = Command(
    "deployment", "Create a deployment with the specified name",
    "kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]",
    _PRINT + (Flag("image", kind="strings", default=[], help="Image names to run. A deployment can have multiple "
                   "images set for multi-container pod.", split=True),
              Flag("replicas", "r", "int32", 1, "Number of replicas to create. Default is 1."),
              Flag("port", kind="int32", default=-1, help="The containerPort that this deployment exposes.")),
    run_deployment, aliases=("deploy",), required=("image",),
    examples="  # Create a deployment named web-frontend that runs the nginx:1.27 image with 3 replicas\n"
             "  kubectl create deployment web-frontend --image=nginx:1.27 --replicas=3 --port=80\n")

SERVICE = Command(
    "service", "Create a service using a specified subcommand.", "kubectl create service [flags] [options]",
    children=(
        Command("clusterip", "Create a ClusterIP service",
                "kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none] "
                "[options]", _SERVICE_FLAGS + (Flag("clusterip", help="Assign your own ClusterIP or set to 'None' "
                                                    "for a 'headless' service (no loadbalancing)."),),
                _service_runner("ClusterIP")),
        Command("loadbalancer", "Create a LoadBalancer service",
                "kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none] "
                "[options]", _SERVICE_FLAGS, _service_runner("LoadBalancer")),
        Command("nodeport", "Create a NodePort service",
                "kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none] "
                "[options]", _SERVICE_FLAGS + (Flag("node-port", kind="int", default=0,
                                                    help="Port used to expose the service on each node in a "
                                                         "cluster."),),
                _service_runner("NodePort"),
                examples="  # Create a NodePort service named web-frontend: port 80, targetPort 3000, nodePort "
                         "30080\n  kubectl create service nodeport web-frontend --tcp=80:3000 --node-port=30080\n"),
    ), aliases=("svc",))

CREATE = Command(
    "create", "Create a resource from a file or from stdin",
    "kubectl create -f FILENAME [options]", (fl.FILENAME, fl.RECURSIVE) + _PRINT, run_create_files,
    children=(DEPLOYMENT, SERVICE),
    examples="  # Create the objects in a file (fails for objects that already exist)\n"
             "  kubectl create -f web-frontend.yaml\n")

EXPOSE = Command(
    "expose", "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
    "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] "
    "[--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]",
    (fl.FILENAME, fl.RECURSIVE) + _PRINT + tuple(Flag(n, help=h) for n, h in (
        ("port", "The port that the service should serve on."),
        ("target-port", "Name or number for the port on the container that the service should direct traffic to."),
        ("type", "Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName."),
        ("name", "The name for the newly created object."),
        ("protocol", "The network protocol for the service to be created. Default is 'TCP'."),
        ("selector", "A label selector to use for this service."),
        ("external-ip", "Additional external IP address to accept for the service."),
        ("session-affinity", "If non-empty, set the session affinity for the service to this."),
        ("cluster-ip", "ClusterIP to be assigned to the service."),
        ("load-balancer-ip", "IP to assign to the LoadBalancer."))) + (Flag("labels", "l", help="Labels to apply "
                                                                             "to the service created by this call."),),
    run_expose,
    examples="  # Expose the web-frontend deployment on a node port, port 80 to container port 80\n"
             "  kubectl expose deployment web-frontend --type=NodePort --port=80 --target-port=80\n")

COMMANDS = (CREATE, EXPOSE)
