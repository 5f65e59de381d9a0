"""kubectl delete: by TYPE NAME, TYPE/NAME, -f, -l or --all; waiting for Pods to terminate."""

from __future__ import annotations

from ...engine.objects import name_of, namespace_of
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command, Flag
from .verbs_apply import dry_run
from .verbs_common import Ctx, Out, error_text, is_error
from .verbs_get import targets_of

_FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                  "terminated. The resource may continue to run on the cluster indefinitely.")


def run_delete(ctx: Ctx) -> Result:
    """kubectl delete."""
    opts = ctx.opts
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    targets = targets_of(ctx, ctx.opts.args)
    if isinstance(targets, Result):
        return targets
    grace = opts.int("grace-period")
    if opts.bool("now"):
        grace = 1
    if opts.bool("force") and grace < 0:
        grace = 0
    out = Out()
    if opts.bool("force") and grace == 0:
        out.warn(_FORCE_WARNING)
    found, errors, pods = 0, [], []
    cluster_scope_warned = not ctx.explicit_namespace
    api = ctx.cluster.clone().api if strategy == "server" else ctx.cluster.api
    for info, name, ns, source in targets:
        found += 1
        if not info.namespaced and not cluster_scope_warned:
            out.warn("Warning: deleting cluster-scoped resources, not scoped to the provided namespace")
            cluster_scope_warned = True
        if strategy == "client":
            _print(ctx, out, info, name, grace, strategy)
            continue
        deleted = api.delete(info.kind, name, ns or "default")
        if is_error(deleted):
            if not (opts.bool("ignore-not-found") and getattr(deleted, "reason", "") == "NotFound"):
                errors.append((deleted, info, source))
            continue
        if info.kind == "Pod" and strategy == "none":
            if grace == 0:
                api.remove("Pod", (ns, name))
            else:
                pods.append(deleted)
        _print(ctx, out, info, name, grace, strategy)
    if strategy == "none":
        ctx.cluster.reconcile()
        if opts.bool("wait"):
            _wait_for(ctx, pods)
    if found == 0 and not errors:
        out.print("No resources found")
    for err, info, source in errors:
        out.fail(error_text(err, verb="deleting", source=source, multi=len(errors) > 1))
    return out.result()


def _print(ctx: Ctx, out: Out, info, name: str, grace: int, strategy: str) -> None:
    """delete's own name printer: ``service "web-frontend" deleted``."""
    kind = resources.prefix(info)
    if ctx.opts.str("output") == "name":
        out.print(f"{kind}/{name}")
        return
    operation = "force deleted" if grace == 0 else "deleted"
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(strategy, "")
    out.print(f'{kind} "{name}" {operation}{suffix}')


def _wait_for(ctx: Ctx, pods: list[dict]) -> None:
    """kubectl waits until each deleted Pod is gone: let its grace period pass."""
    api = ctx.cluster.api
    for pod in pods:
        live = api.peek("Pod", name_of(pod), namespace_of(pod))
        if live is not None and live["metadata"].get("uid") == pod["metadata"].get("uid"):
            ctx.cluster.advance(float(live["metadata"].get("deletionGracePeriodSeconds", 0)))


DELETE = Command(
    "delete", "Delete resources by file names, stdin, resources and names, or by resources and label selector",
    "kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]",
    (fl.FILENAME, fl.RECURSIVE, fl.SELECTOR, fl.ALL, fl.ALL_NAMESPACES, fl.DRY_RUN, fl.IGNORE_NOT_FOUND,
     Flag("output", "o", help="Output mode. Use \"-o name\" for shorter output (resource/name)."),
     Flag("grace-period", kind="int", default=-1, help="Period of time in seconds given to the resource to "
          "terminate gracefully. Ignored if negative."),
     Flag("now", kind="bool", default=False, help="If true, resources are signaled for immediate shutdown."),
     Flag("force", kind="bool", default=False, help="If true, immediately remove resources from API and bypass "
          "graceful deletion."),
     Flag("wait", kind="bool", default=True, help="If true, wait for resources to be gone before returning."),
     Flag("cascade", default="background", no_opt="background",
          help="Must be \"background\", \"orphan\", or \"foreground\"."),
     Flag("timeout", default="0s", help="The length of time to wait before giving up on a delete.")),
    run_delete,
    examples="  # Delete the web-frontend Service (its node port is released)\n"
             "  kubectl delete svc web-frontend\n\n  # Delete the objects defined in a file\n"
             "  kubectl delete -f web-frontend.yaml\n")

COMMANDS = (DELETE,)
