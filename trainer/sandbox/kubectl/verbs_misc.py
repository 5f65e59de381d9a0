"""kubectl rollout status, exec (curl from inside a Pod), version and cluster-info."""

from __future__ import annotations

import inspect
import json

from ...engine.labels import from_label_selector
from ...engine.objects import labels_of, name_of
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command, Flag
from .verbs_common import Ctx, Out, error_text, fail, is_error, to_yaml

# kubectl v1.32.4 as released (kubernetes/kubernetes@59526cd), with its kustomize.
VERSION_INFO = {"major": "1", "minor": "32", "gitVersion": "v1.32.4",
                "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335", "gitTreeState": "clean",
                "buildDate": "2025-04-22T16:03:58Z", "goVersion": "go1.23.6", "compiler": "gc",
                "platform": "linux/amd64"}
KUSTOMIZE = "v5.5.0"


# ----------------------------------------------------------------- rollout status


def deployment_status(dep: dict) -> tuple[str, bool, str]:
    """polymorphichelpers' DeploymentStatusViewer: (message, done, error)."""
    name = name_of(dep)
    spec, status = dep.get("spec") or {}, dep.get("status") or {}
    if int(dep["metadata"].get("generation", 1)) > int(status.get("observedGeneration", 0)):
        return "Waiting for deployment spec update to be observed...\n", False, ""
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Progressing" and cond.get("reason") == "ProgressDeadlineExceeded":
            return "", False, f'deployment "{name}" exceeded its progress deadline'
    want = int(spec.get("replicas", 1))
    updated, total = int(status.get("updatedReplicas", 0)), int(status.get("replicas", 0))
    available = int(status.get("availableReplicas", 0))
    if updated < want:
        return (f'Waiting for deployment "{name}" rollout to finish: {updated} out of {want} new replicas have '
                "been updated...\n"), False, ""
    if total > updated:
        return (f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are pending '
                "termination...\n"), False, ""
    if available < updated:
        return (f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas '
                "are available...\n"), False, ""
    return f'deployment "{name}" successfully rolled out\n', True, ""


def run_rollout_status(ctx: Ctx) -> Result:
    """kubectl rollout status deployment/NAME: settle the cluster, then report as kubectl's watch would end."""
    opts = ctx.opts
    if not opts.args and not opts.list("filename"):
        return fail("error: required resource not specified")
    requests = resources.parse_args(opts.args, allow_empty=False, expand_all=False)
    if isinstance(requests, str):
        return fail(requests)
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    out = Out()
    for req in requests:
        for name in req.names:
            if req.info.kind != "Deployment":
                kind = f"{req.info.kind}.{req.info.group}" if req.info.group else req.info.kind
                return fail(f"error: no status viewer has been implemented for {kind}")
            # Scripts must not depend on timing: let every pending start and termination finish first.
            ctx.cluster.settle()
            dep = ctx.cluster.api.get("Deployment", name, ctx.namespace)
            if is_error(dep):
                out.fail(error_text(dep))
                return out.result()
            message, done, err = deployment_status(dep)
            if err:
                out.fail("error: " + err)
                return out.result()
            out.print(message)
            if not done and opts.bool("watch"):
                out.fail("error: timed out waiting for the condition")
                return out.result()
    return out.result()


# ----------------------------------------------------------------- exec


def _exec_pod(ctx: Ctx, target: str) -> dict | Result:
    """The Pod named by POD, pod/NAME, or a workload (its first running Pod)."""
    info = resources.lookup("pods")
    name = target
    if "/" in target:
        kind, _, name = target.partition("/")
        info = resources.lookup(kind)
        if info is None:
            return fail(resources.unknown(kind))
    assert info is not None
    obj = ctx.cluster.api.get(info.kind, name, ctx.namespace)
    if is_error(obj):
        return fail(error_text(obj))
    if info.kind == "Pod":
        return obj
    selector = obj["spec"].get("selector") or {}
    sel = from_label_selector(selector) if info.kind != "Service" else None
    pods = [p for p in ctx.cluster.api.list("Pod", ctx.namespace)
            if (sel.matches(labels_of(p)) if sel else all(labels_of(p).get(k) == v for k, v in selector.items()))]
    running = [p for p in pods if (p.get("status") or {}).get("phase") == "Running"]
    if not running:
        return fail(f"error: cannot attach to {info.kind} {name}: no running pods found")
    return running[0]


def run_exec(ctx: Ctx) -> Result:
    """kubectl exec POD [-c CONTAINER] -- curl ...: run curl from the Pod's network namespace."""
    opts = ctx.opts
    args = opts.args
    if not args and not opts.list("filename"):
        return fail("error: pod, type/name or --filename must be specified")
    if opts.dash < 0 and len(args) > 1:
        return fail("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
                    f"See '{ctx.path} -h' for help and examples")
    command = args[opts.dash:] if opts.dash >= 0 else []
    if not command:
        return fail("error: you must specify at least one command for the container")
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    pod = _exec_pod(ctx, args[0])
    if isinstance(pod, Result):
        return pod
    out = Out()
    containers = [c.get("name", "") for c in pod["spec"].get("containers") or []]
    container = opts.str("container")
    if not container:
        container = containers[0] if containers else ""
        if len(containers) > 1:
            out.warn(f'Defaulted container "{container}" out of: {", ".join(containers)}')
    elif container not in containers:
        return fail(f"Error from server (BadRequest): container {container} is not valid for pod {name_of(pod)}")
    phase = (pod.get("status") or {}).get("phase", "Pending")
    if phase in ("Succeeded", "Failed"):
        return fail(f"error: cannot exec into a container in a completed pod; current phase is {phase}")
    if phase != "Running" or not (pod.get("status") or {}).get("podIP"):
        return fail(f'error: unable to upgrade connection: container not found ("{container}")')
    if command[0] != "curl":
        out.fail(f'error: only curl can run inside containers in this sandbox, not "{command[0]}"')
        return out.result()
    result = _curl(ctx, command, pod)
    return Result(result.stdout, "".join(out.err) + result.stderr, result.status)


def _curl(ctx: Ctx, command: list[str], pod: dict) -> Result:
    """Hand the command to the sandbox's curl, as a client at the Pod's IP on the Pod's node."""
    try:
        from ..curl import curl
    except ImportError:
        return Result("", "error: curl is not available in this sandbox yet\n", 1)
    params = inspect.signature(curl).parameters
    extra = {"via_node": pod["spec"].get("nodeName")} if "via_node" in params else {}
    result = curl(ctx.session, command, ctx.stdin, source_ip=pod["status"]["podIP"], **extra)
    if result.status:
        # kubectl exec passes the remote exit status on, after saying so.
        return Result(result.stdout, result.stderr + f"command terminated with exit code {result.status}\n",
                      result.status)
    return result


# ----------------------------------------------------------------- version and cluster-info


def run_version(ctx: Ctx) -> Result:
    """kubectl version [--client] [-o json|yaml]."""
    fmt = ctx.opts.str("output")
    if fmt not in ("", "json", "yaml"):
        return fail("error: --output must be 'yaml' or 'json'")
    client_only = ctx.opts.bool("client")
    down = None if client_only else ctx.cluster.api.refused()
    data: dict = {"clientVersion": VERSION_INFO, "kustomizeVersion": KUSTOMIZE}
    if not client_only and down is None:
        data["serverVersion"] = VERSION_INFO
    out = Out()
    if fmt == "json":
        out.print(json.dumps(data, indent=2))
    elif fmt == "yaml":
        out.print(to_yaml(data) + "\n")
    else:
        out.print(f"Client Version: {VERSION_INFO['gitVersion']}\nKustomize Version: {KUSTOMIZE}")
        if "serverVersion" in data:
            out.print(f"Server Version: {VERSION_INFO['gitVersion']}")
    if down is not None:
        out.fail(down.kubectl_message())
    return out.result()


def run_cluster_info(ctx: Ctx) -> Result:
    """kubectl cluster-info: the control plane and the kube-system cluster services (colours off)."""
    out = Out()
    hint = "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."
    api = ctx.cluster.api
    if (down := api.refused()) is not None:
        out.print(hint)
        out.fail(down.kubectl_message())
        return out.result()
    host = f"https://{api.endpoint}"
    lines = [f"Kubernetes control plane is running at {host}"]
    namespace = ctx.opts.str("namespace") or "kube-system"
    for svc in api.iter("Service", namespace):
        if labels_of(svc).get("kubernetes.io/cluster-service") != "true":
            continue
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ports = (svc.get("spec") or {}).get("ports") or []
        if ingress:
            ip = ingress[0].get("ip") or ingress[0].get("hostname", "")
            link = "".join(f"http://{ip}:{p.get('port')} " for p in ports)
        else:
            name = name_of(svc)
            if ports:
                first = ports[0]
                scheme = "https" if first.get("name") == "https" or first.get("port") == 443 else ""
                port_name = first.get("name", "")
                # utilnet.JoinSchemeNamePort
                if scheme:
                    name = f"{scheme}:{name}:{port_name}"
                elif port_name:
                    name = f"{name}:{port_name}"
            link = f"{host}/api/v1/namespaces/{svc['metadata']['namespace']}/services/{name}/proxy"
        lines.append(f"{labels_of(svc).get('kubernetes.io/name') or name_of(svc)} is running at {link}")
    out.print("\n".join(lines))
    out.print(hint)
    return out.result()


def _unavailable(name: str, parent: str = "rollout"):
    def run(ctx: Ctx) -> Result:
        return fail(f'error: "{ctx.path}" is not available in this sandbox')
    return Command(name, "Not simulated in this sandbox", f"kubectl {parent} {name}", (), run)


ROLLOUT = Command(
    "rollout", "Manage the rollout of a resource", "kubectl rollout SUBCOMMAND [options]",
    children=(_unavailable("history"), _unavailable("pause"), _unavailable("restart"), _unavailable("resume"),
              Command("status", "Show the status of the rollout",
                      "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]",
                      (fl.FILENAME, fl.SELECTOR, Flag("watch", "w", "bool", True, "Watch the status of the rollout "
                                                      "until it's done."),
                       Flag("timeout", default="0s", help="The length of time to wait before ending watch."),
                       Flag("revision", kind="int", default=0, help="Pin to a specific revision.")),
                      run_rollout_status,
                      examples="  # Wait for the web-frontend deployment to finish rolling out\n"
                               "  kubectl rollout status deployment/web-frontend\n"),
              _unavailable("undo")),
    help_to_stdout=True)

EXEC = Command(
    "exec", "Execute a command in a container", "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND "
    "[args...] [options]",
    (fl.FILENAME, Flag("container", "c", help="Container name. If omitted, the first container in the pod is chosen"),
     Flag("stdin", "i", "bool", False, "Pass stdin to the container"),
     Flag("tty", "t", "bool", False, "Stdin is a TTY"),
     Flag("quiet", "q", "bool", False, "Only print output from the remote session")),
    run_exec,
    examples="  # From inside a Pod, call the web-frontend Service by its ClusterIP name\n"
             "  kubectl exec web-frontend-7d4b9c8f5-abcde -- curl -s http://web-frontend\n")

VERSION = Command("version", "Print the client and server version information", "kubectl version [flags] [options]",
                  (Flag("client", kind="bool", default=False, help="If true, shows client version only (no server "
                        "required)."), Flag("output", "o", help="One of 'yaml' or 'json'.")),
                  run_version)

CLUSTER_INFO = Command("cluster-info", "Display cluster information", "kubectl cluster-info [flags] [options]", (),
                       run_cluster_info, children=(_unavailable("dump", "cluster-info"),))

COMMANDS = (ROLLOUT, EXEC, VERSION, CLUSTER_INFO)
