"""kubectl scale and kubectl label: small in-place edits with kubectl's messages."""

from __future__ import annotations

import re

from ...engine.objects import copy
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command, Flag
from .verbs_apply import dry_run, dry_suffix, print_objects
from .verbs_common import Ctx, Out, error_text, fail, is_error
from .verbs_get import targets_of
from .verbs_patch import PATCH

_SCALABLE = ("Deployment", "ReplicaSet")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def run_scale(ctx: Ctx) -> Result:
    """kubectl scale (deployment|rs) NAME --replicas=N [--current-replicas=N]."""
    opts = ctx.opts
    replicas = opts.int("replicas")
    if replicas < 0:
        return fail("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    targets = targets_of(ctx, opts.args)
    if isinstance(targets, Result):
        return targets
    out = Out()
    errors: list[str] = []
    objs = []
    for info, name, ns, _source in targets:
        live = ctx.cluster.api.get(info.kind, name, ns or "default")
        if is_error(live):
            errors.append(error_text(live))
            continue
        objs.append((info, live))
    if not objs and not errors:
        return fail("error: no objects passed to scale")
    for info, live in objs:
        if info.kind not in _SCALABLE:
            return _finish(out, ["Error from server (NotFound): the server could not find the requested resource"])
        current = int((live.get("spec") or {}).get("replicas", 1))
        wanted = opts.int("current-replicas")
        if wanted != -1 and wanted != current:
            return _finish(out, [f"error: Expected replicas to be {wanted}, was {current}"])
        if strategy != "client":
            target = ctx.cluster if strategy == "none" else ctx.cluster.clone()
            updated = copy(live)
            updated["spec"]["replicas"] = opts.int("replicas")
            result = target.api.update(updated)
            if is_error(result):
                return _finish(out, [error_text(result)])
            if strategy == "none":
                ctx.cluster.reconcile()
        if opts.str("output"):
            print_objects(out, [live], opts.str("output"))
        else:
            out.print(f"{resources.prefix(info)}/{live['metadata']['name']} scaled{dry_suffix(strategy)}")
    return _finish(out, errors)


def _finish(out: Out, errors: list[str]) -> Result:
    for err in errors:
        out.fail(err.removeprefix("error: ") if len(errors) > 1 else err)
    return out.result()


def split_pairs(args: list[str]) -> tuple[list[str], list[str]] | str:
    """GetResourcesAndPairs: resource arguments first, then key=value / key- changes."""
    found_pair = False
    resources_, pairs = [], []
    for arg in args:
        change = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if change:
            found_pair = True
            pairs.append(arg)
        elif found_pair:
            return f"error: all resources must be specified before label changes: {arg}"
        else:
            resources_.append(arg)
    return resources_, pairs


def parse_changes(pairs: list[str]) -> tuple[dict[str, str], list[str]] | str:
    """parseLabels: new labels and labels to remove, or the error kubectl prints."""
    labels: dict[str, str] = {}
    remove: list[str] = []
    for spec in pairs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                return f"error: invalid label spec: {spec}"
            problem = label_value_problem(parts[1])
            if problem:
                return f'error: invalid label value: "{spec}": {problem}'
            labels[parts[0]] = parts[1]
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            return f"error: unknown label spec: {spec}"
    if any(r in labels for r in remove):
        return "error: can not both modify and remove a label in the same command"
    return labels, remove


def label_value_problem(value: str) -> str:
    """validation.IsValidLabelValue's messages joined with ";" (empty when valid)."""
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE.match(value):
        errs.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  "
                    "or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
    return ";".join(errs)


def run_label(ctx: Ctx) -> Result:
    """kubectl label TYPE NAME key=value [key-] [--overwrite]."""
    opts = ctx.opts
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    split = split_pairs(opts.args)
    if isinstance(split, str):
        return fail(split)
    names, pairs = split
    changes = parse_changes(pairs)
    if isinstance(changes, str):
        return fail(changes)
    new, remove = changes
    if not names and not opts.list("filename"):
        return fail("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not new and not remove and not opts.bool("list"):
        return fail("error: at least one label update is required")
    targets = targets_of(ctx, names)
    if isinstance(targets, Result):
        return targets
    out = Out()
    errors: list[str] = []
    for info, name, ns, _source in targets:
        live = ctx.cluster.api.get(info.kind, name, ns or "default")
        if is_error(live):
            errors.append(error_text(live))
            continue
        if opts.bool("list"):
            for key, value in sorted((live["metadata"].get("labels") or {}).items()):
                out.print(f"{key}={value}")
            continue
        message = _label_one(ctx, out, info, live, new, remove, strategy)
        if message.startswith("error: ") or message.startswith(("Error from server", "The ")):
            errors.append(message)
    return _finish(out, errors)


def _label_one(ctx: Ctx, out: Out, info, live: dict, new: dict, remove: list[str], strategy: str) -> str:
    """Label one object; returns an error line, or "" after printing the outcome."""
    overwrite = ctx.opts.bool("overwrite")
    old_labels = dict(live["metadata"].get("labels") or {})
    if not overwrite:
        clashes = [f"'{k}' already has a value ({old_labels[k]}), and --overwrite is false" for k in new
                   if k in old_labels]
        if clashes:
            return "error: " + (clashes[0] if len(clashes) == 1 else "[" + ", ".join(clashes) + "]")
    if strategy == "none":
        for key in remove:
            if key not in old_labels:
                out.print(f'label "{key}" not found.')
    labels = dict(old_labels)
    labels.update(new)
    for key in remove:
        labels.pop(key, None)
    if labels == old_labels:
        message = "not labeled"
    elif not overwrite and len(labels) < len(old_labels):
        message = "unlabeled"
    else:
        message = "labeled"
    result = live
    if strategy != "client" and labels != old_labels:
        updated = copy(live)
        if labels:
            updated["metadata"]["labels"] = labels
        else:
            updated["metadata"].pop("labels", None)
        target = ctx.cluster if strategy == "none" else ctx.cluster.clone()
        result = target.api.update(updated)
        if is_error(result):
            return error_text(result)
        if strategy == "none":
            ctx.cluster.reconcile()
    if ctx.opts.str("output"):
        print_objects(out, [result], ctx.opts.str("output"))
    else:
        out.print(f"{resources.prefix(info)}/{live['metadata']['name']} {message}{dry_suffix(strategy)}")
    return ""


SCALE = Command(
    "scale", "Set a new size for a deployment, replica set, or replication controller",
    "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE "
    "NAME) [options]",
    (fl.FILENAME, fl.RECURSIVE, fl.SELECTOR, fl.ALL, fl.OUTPUT, fl.DRY_RUN,
     Flag("replicas", kind="int", default=0, help="The new desired number of replicas. Required."),
     Flag("current-replicas", kind="int", default=-1, help="Precondition for current size."),
     Flag("resource-version", help="Precondition for resource version."),
     Flag("timeout", default="0s", help="The length of time to wait before giving up on a scale operation.")),
    run_scale, required=("replicas",),
    examples="  # Scale the web-frontend deployment to 5 replicas\n"
             "  kubectl scale deployment web-frontend --replicas=5\n")

LABEL = Command(
    "label", "Update the labels on a resource",
    "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] "
    "[options]",
    (fl.FILENAME, fl.RECURSIVE, fl.SELECTOR, fl.ALL, fl.ALL_NAMESPACES, fl.OUTPUT, fl.DRY_RUN, fl.OVERWRITE,
     Flag("list", kind="bool", default=False, help="If true, display the labels for a given resource.")),
    run_label,
    examples="  # Label a node\n"
             "  kubectl label node node01 zone=a\n\n  # Change an existing label\n"
             "  kubectl label svc web-frontend tier=web --overwrite\n\n  # Remove a label\n"
             "  kubectl label svc web-frontend tier-\n")

COMMANDS = (SCALE, LABEL, PATCH)
