"""kubectl cordon, uncordon and drain, with the drain helper's filters, warnings and eviction lines."""

from __future__ import annotations

from ...engine.objects import copy, name_of, namespace_of
from ..session import Result
from . import flags as fl
from .flags import Command, Flag
from .verbs_apply import dry_run, dry_suffix
from .verbs_common import Ctx, Out, error_text, fail, is_error
from .verbs_get import targets_of

_LOCAL_STORAGE = ("Pods with local storage (use --delete-emptydir-data to override)", "deleting Pods with local storage")
_UNMANAGED = ("Pods declare no controller (use --force to override)", "deleting Pods that declare no controller")


def _nodes(ctx: Ctx, verb: str) -> list[dict] | Result:
    """The nodes named on the command line (or selected with -l), fetched from the apiserver."""
    opts = ctx.opts
    if not opts.args and not opts.str("selector"):
        return fail(f"error: USAGE: {verb} NODE [flags]\nSee '{ctx.path} -h' for help and examples")
    if opts.args and opts.str("selector"):
        return fail(f"error: cannot specify both a node name and a --selector option\n"
                    f"See '{ctx.path} -h' for help and examples")
    # ResourceNames("nodes", ...) also takes node/NAME.
    targets = targets_of(ctx, ["nodes", *(a.split("/", 1)[-1] for a in opts.args)])
    if isinstance(targets, Result):
        return targets
    nodes = []
    for info, name, _ns, _source in targets:
        node = ctx.cluster.api.get("Node", name, "")
        if is_error(node):
            return fail(error_text(node))
        nodes.append(node)
    return nodes


def _cordon(ctx: Ctx, out: Out, node: dict, desired: bool, strategy: str) -> None:
    """Set spec.unschedulable and print what kubectl prints for it."""
    name = name_of(node)
    if bool((node.get("spec") or {}).get("unschedulable")) == desired:
        out.print(f"node/{name} already {'cordoned' if desired else 'uncordoned'}{dry_suffix(strategy)}")
        return
    if strategy == "none":
        updated = copy(node)
        if desired:
            updated.setdefault("spec", {})["unschedulable"] = True
        else:
            updated.setdefault("spec", {}).pop("unschedulable", None)
        result = ctx.cluster.api.update(updated)
        if is_error(result):
            out.warn(f'error: unable to {"cordon" if desired else "uncordon"} node "{name}": {error_text(result)}')
            return
        ctx.cluster.reconcile()
    out.print(f"node/{name} {'cordoned' if desired else 'uncordoned'}{dry_suffix(strategy)}")


def _cordon_runner(desired: bool):
    def run(ctx: Ctx) -> Result:
        strategy = dry_run(ctx)
        if isinstance(strategy, Result):
            return strategy
        nodes = _nodes(ctx, "cordon" if desired else "uncordon")
        if isinstance(nodes, Result):
            return nodes
        out = Out()
        for node in nodes:
            _cordon(ctx, out, node, desired, "client" if strategy == "client" else strategy)
        return out.result()
    return run


def pods_for_deletion(ctx: Ctx, node: str) -> tuple[list[dict], list[str], list[str]]:
    """GetPodsForDeletion: the Pods to evict, the fatal errors, and the warnings."""
    opts = ctx.opts
    fatal: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    pods = []
    for pod in ctx.cluster.api.iter("Pod"):
        if pod["spec"].get("nodeName") != node:
            continue
        ref = f"{namespace_of(pod)}/{name_of(pod)}"
        status = _filter(pod, opts.bool("delete-emptydir-data"), opts.bool("force"))
        if status is None:
            pods.append(copy(pod))
            continue
        message, is_fatal = status
        (fatal if is_fatal else warnings).setdefault(message, []).append(ref)
        if not is_fatal:
            pods.append(copy(pod))
    errors = [f"cannot delete {msg}: {', '.join(refs)}" for msg, refs in fatal.items()]
    notes = [f"{msg}: {', '.join(refs)}" for msg, refs in warnings.items()]
    return pods, errors, notes


def _filter(pod: dict, delete_emptydir: bool, force: bool) -> tuple[str, bool] | None:
    """The drain filters in upstream order: None to evict quietly, else (message, fatal)."""
    finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
    if any("emptyDir" in v for v in pod["spec"].get("volumes") or []) and not finished:
        if not delete_emptydir:
            return _LOCAL_STORAGE[0], True
        return _LOCAL_STORAGE[1], False
    if finished or any(r.get("controller") for r in pod["metadata"].get("ownerReferences") or []):
        return None
    return (_UNMANAGED[1], False) if force else (_UNMANAGED[0], True)


def run_drain(ctx: Ctx) -> Result:
    """kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]."""
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    nodes = _nodes(ctx, "drain")
    if isinstance(nodes, Result):
        return nodes
    out = Out()
    for node in nodes:
        _cordon(ctx, out, node, True, strategy)
    pending: list[str] = []
    fatal: list[list[str]] = []
    for node in nodes:
        name = name_of(node)
        problem = _drain_one(ctx, out, name, strategy)
        if problem:
            text = problem[0] if len(problem) == 1 else "[" + ", ".join(problem) + "]"
            out.warn(f'error: unable to drain node "{name}" due to error:{text}, continuing command...')
            pending.append(name)
            fatal.append(problem)
            continue
        out.print(f"node/{name} drained{dry_suffix(strategy)}")
    if pending:
        out.warn("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in pending))
    if fatal:
        lines = fatal[0] if len(fatal) == 1 else [p[0] if len(p) == 1 else "[" + ", ".join(p) + "]" for p in fatal]
        for line in lines:
            out.fail(line)
    return out.result()


def _drain_one(ctx: Ctx, out: Out, node: str, strategy: str) -> list[str]:
    """Evict (or delete) the node's Pods and wait for them to go; returns the errors, if any."""
    pods, errors, notes = pods_for_deletion(ctx, node)
    if errors:
        return errors
    if notes:
        out.warn("Warning: " + "; ".join(notes))
    if strategy != "none":
        for pod in pods:
            out.print(f"evicting pod {namespace_of(pod)}/{name_of(pod)}{dry_suffix(strategy)}")
        return []
    evict = not ctx.opts.bool("disable-eviction")
    api = ctx.cluster.api
    waits = [0.0]
    for pod in pods:
        if evict:
            out.print(f"evicting pod {namespace_of(pod)}/{name_of(pod)}")
        deleted = api.delete("Pod", name_of(pod), namespace_of(pod))
        if is_error(deleted):
            if getattr(deleted, "reason", "") == "NotFound":
                continue
            return [f'error when evicting pods/"{name_of(pod)}" -n "{namespace_of(pod)}": {error_text(deleted)}']
        grace = ctx.opts.int("grace-period")
        waits.append(float(grace if grace >= 0 else deleted["metadata"].get("deletionGracePeriodSeconds", 0)))
    ctx.cluster.reconcile()
    ctx.cluster.advance(max(waits))
    for pod in pods:
        live = api.peek("Pod", name_of(pod), namespace_of(pod))
        if live is not None and live["metadata"].get("uid") == pod["metadata"].get("uid"):
            return [f'error when waiting for pod "{name_of(pod)}" in namespace "{namespace_of(pod)}" to terminate: '
                    "timed out waiting for the condition"]
        out.print(f"pod/{name_of(pod)} {'evicted' if evict else 'deleted'}")
    return []


_NODE_FLAGS = (fl.DRY_RUN, Flag("selector", "l", help="Selector (label query) to filter on"))

CORDON = Command("cordon", "Mark node as unschedulable", "kubectl cordon NODE [options]", _NODE_FLAGS,
                 _cordon_runner(True), examples="  # Mark node01 as unschedulable\n  kubectl cordon node01\n")
UNCORDON = Command("uncordon", "Mark node as schedulable", "kubectl uncordon NODE [options]", _NODE_FLAGS,
                   _cordon_runner(False), examples="  # Mark node01 as schedulable\n  kubectl uncordon node01\n")
DRAIN = Command(
    "drain", "Drain node in preparation for maintenance", "kubectl drain NODE [options]",
    _NODE_FLAGS + (
        Flag("force", kind="bool", default=False, help="Continue even if there are pods that do not declare a "
             "controller."),
        Flag("ignore-daemonsets", kind="bool", default=False, help="Ignore DaemonSet-managed pods."),
        Flag("delete-emptydir-data", kind="bool", default=False, help="Continue even if there are pods using "
             "emptyDir (local data that will be deleted when the node is drained)."),
        Flag("grace-period", kind="int", default=-1, help="Period of time in seconds given to each pod to "
             "terminate gracefully. If negative, the default value specified in the pod will be used."),
        Flag("timeout", default="0s", help="The length of time to wait before giving up, zero means infinite"),
        Flag("pod-selector", help="Label selector to filter pods on the node"),
        Flag("disable-eviction", kind="bool", default=False, help="Force drain to use delete, even if eviction is "
             "supported.")),
    run_drain,
    examples="  # Drain node01: cordon it, then evict its Pods (their ReplicaSets recreate them elsewhere)\n"
             "  kubectl drain node01 --ignore-daemonsets\n")

COMMANDS = (CORDON, UNCORDON, DRAIN)
