"""kubectl get and describe: tables, -o outputs, selectors, namespaces, and "No resources found"."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...engine.labels import Selector, parse_selector
from ...engine.manifests import load_manifests
from ...engine.objects import name_of, namespace_of
from ...engine.schema import KindInfo, lookup as schema_lookup
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command
from .verbs_common import Ctx, Out, describe, error_text, fail, is_error, read_sources, render, table

GET_FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
               "jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "wide", "yaml")

RESOURCE_EXAMPLES = ("error: You must provide one or more resources by argument or filename.\n"
                     "Example resource specifications include:\n"
                     "   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")

_NO_TYPE = ('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for '
            "a detailed description of that resource (e.g. kubectl explain pods).\n"
            "See 'kubectl get -h' for help and examples")


@dataclass
class Found:
    """What a get or describe request found: (kind, object) pairs in builder order, and errors."""

    items: list[tuple[KindInfo, dict]] = field(default_factory=list)
    errors: list[tuple[object, KindInfo]] = field(default_factory=list)
    single: bool = False

    def report(self, out: Out, ignore_not_found: bool = False) -> None:
        """Print the errors as CheckErr does (several: one per line, without "error: ")."""
        errors = [(e, i) for e, i in self.errors if not (ignore_not_found and getattr(e, "reason", "") == "NotFound")]
        for err, info in errors:
            out.fail(error_text(err, multi=len(errors) > 1))


def objects_in_files(ctx: Ctx, sources: list[tuple[str, str]]) -> list[tuple] | str:
    """The (kind, name, namespace, source) of every object in -f sources, or the first error line."""
    out: list[tuple] = []
    for source, text in sources:
        loaded = load_manifests(text, source)
        if loaded.errors:
            return loaded.errors[0].kubectl_message()
        for doc in loaded.documents:
            obj = doc.obj
            info = schema_lookup(str(obj.get("apiVersion") or ""), str(obj.get("kind") or ""))
            if info is None or info.resource is None:
                return (f'error: resource mapping not found for name: "{(obj.get("metadata") or {}).get("name", "")}" '
                        f'namespace: "" from "{source}": no matches for kind "{obj.get("kind")}" in version '
                        f'"{obj.get("apiVersion")}"\nensure CRDs are installed first')
            md = obj.get("metadata") or {}
            ns = md.get("namespace") or ctx.namespace
            if md.get("namespace") and ctx.explicit_namespace and md["namespace"] != ctx.namespace:
                return (f'error: the namespace from the provided object "{md["namespace"]}" does not match the '
                        f'namespace "{ctx.namespace}". You must pass \'--namespace={md["namespace"]}\' to perform '
                        "this operation.")
            out.append((info, md.get("name") or "", ns if info.namespaced else "", source))
    return out


def selector_of(ctx: Ctx, info: KindInfo | None = None) -> Selector | None | str:
    """The -l selector, None without one, or the apiserver's BadRequest line for a bad one."""
    text = ctx.opts.str("selector").strip()
    if not text:
        return None
    parsed = parse_selector(text)
    if isinstance(parsed, str):
        subject = f"{info.api_version if info and info.group else '/' + (info.version if info else 'v1')}, " \
                  f"Resource={info.resource if info else 'pods'}"
        return (f'Error from server (BadRequest): Unable to find "{subject}" that match label selector "{text}", '
                f'field selector "": {parsed}')
    return parsed


def find(ctx: Ctx, *, single_ok: bool = True) -> Found | Result:
    """Run the builder for get/describe: arguments or -f files, -l, -n and -A.

    Returns:
        What was found, or a Result for an error that stops the command before any output.
    """
    opts = ctx.opts
    all_ns = opts.bool("all-namespaces")
    files = opts.list("filename")
    found = Found()
    if files:
        sources = read_sources(ctx, files)
        if isinstance(sources, str):
            return fail(sources)
        targets = objects_in_files(ctx, sources)
        if isinstance(targets, str):
            return fail(targets)
        if (down := ctx.cluster.api.refused()) is not None:
            return fail(down.kubectl_message())
        for info, name, ns, _source in targets:
            _get_one(ctx, info, name, ns, found)
        found.single = single_ok and len(targets) == 1
        return found
    requests = resources.parse_args(opts.args)
    if isinstance(requests, str):
        return fail(requests)
    named = any(r.names for r in requests)
    if named and opts.str("selector"):
        return fail("error: name cannot be provided when a selector is specified")
    if named and all_ns:
        return fail("error: a resource cannot be retrieved by name across all namespaces")
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    for req in requests:
        if req.names:
            for name in req.names:
                _get_one(ctx, req.info, name, ctx.namespace, found)
            continue
        selector = selector_of(ctx, req.info)
        if isinstance(selector, str):
            return fail(selector)
        namespace = None if all_ns or not req.info.namespaced else ctx.namespace
        listed = ctx.cluster.api.list(req.info.kind, namespace, selector)
        if is_error(listed):
            return fail(error_text(listed))
        found.items += [(req.info, obj) for obj in listed]
    found.single = single_ok and len(requests) == 1 and len(requests[0].names) == 1
    return found


def _get_one(ctx: Ctx, info: KindInfo, name: str, namespace: str, found: Found) -> None:
    obj = ctx.cluster.api.get(info.kind, name, namespace or "default")
    if is_error(obj):
        found.errors.append((obj, info))
    else:
        found.items.append((info, obj))


def targets_of(ctx: Ctx, args: list[str]) -> list[tuple] | Result:
    """(kind, name, namespace, source) of the objects a mutating verb acts on, in order.

    Objects come from -f files, TYPE NAME / TYPE/NAME arguments, or a type with -l or --all
    (-A widens those to every namespace).
    """
    opts = ctx.opts
    files = opts.list("filename")
    selector = opts.str("selector")
    select_all = bool(opts.values.get("all"))
    if files:
        sources = read_sources(ctx, files)
        if isinstance(sources, str):
            return fail(sources)
        found = objects_in_files(ctx, sources)
        if isinstance(found, str):
            return fail(found)
        if (down := ctx.cluster.api.refused()) is not None:
            return fail(down.kubectl_message())
        return found
    if not args:
        return fail(RESOURCE_EXAMPLES)
    if select_all and selector:
        return fail(f'error: found non-empty label selector "{selector}" with previously set \'all\' parameter. ')
    requests = resources.parse_args(args, allow_empty=bool(selector) or select_all, expand_all=True)
    if isinstance(requests, str):
        return fail(requests)
    if any(r.names for r in requests) and (selector or select_all):
        return fail("error: name cannot be provided when a selector is specified")
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    out: list[tuple] = []
    for req in requests:
        if req.names:
            out += [(req.info, name, ctx.namespace if req.info.namespaced else "", "") for name in req.names]
            continue
        sel = selector_of(ctx, req.info)
        if isinstance(sel, str):
            return fail(sel)
        ns = None if opts.bool("all-namespaces") or not req.info.namespaced else ctx.namespace
        listed = ctx.cluster.api.list(req.info.kind, ns, sel)
        if is_error(listed):
            return fail(error_text(listed))
        out += [(req.info, name_of(o), namespace_of(o), "") for o in listed]
    return out


def no_resources(ctx: Ctx, out: Out) -> None:
    """kubectl's note on stderr when nothing matched."""
    if ctx.opts.bool("all-namespaces"):
        out.warn("No resources found")
    else:
        out.warn(f"No resources found in {ctx.namespace} namespace.")


def run_get(ctx: Ctx) -> Result:
    """kubectl get TYPE[,TYPE] [NAME...] | TYPE/NAME... | -f FILE, with -o, -l, -n, -A."""
    opts = ctx.opts
    if not opts.args and not opts.list("filename"):
        return fail(_NO_TYPE)
    fmt = opts.str("output")
    if opts.bool("show-labels") and fmt not in ("", "wide"):
        return fail(f"error: --show-labels option cannot be used with {fmt} printer")
    found = find(ctx)
    if isinstance(found, Result):
        return found
    out = Out()
    if fmt.split("=", 1)[0] not in GET_FORMATS and fmt:
        return fail(f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats '
                    "are: " + ",".join(GET_FORMATS))
    if fmt in ("", "wide"):
        _print_tables(ctx, found, out)
    elif found.single and not found.items:
        pass
    else:
        text, err = render([obj for _info, obj in found.items], fmt, found.single and len(found.items) == 1)
        out.write(text)
        if err:
            out.fail(err)
    found.report(out, opts.bool("ignore-not-found"))
    return out.result()


def _print_tables(ctx: Ctx, found: Found, out: Out) -> None:
    """One table per run of objects of the same kind, separated by blank lines, as get prints them."""
    kinds = {info.kind for info, _obj in found.items}
    with_kind = resources.multiple_types(ctx.opts.args) or len(kinds) > 1
    groups: list[tuple[KindInfo, list[dict]]] = []
    for info, obj in found.items:
        if groups and groups[-1][0].kind == info.kind:
            groups[-1][1].append(obj)
        else:
            groups.append((info, [obj]))
    written = False
    for info, objs in groups:
        text = table(info.kind, objs, ctx, with_kind=with_kind,
                     with_namespace=ctx.opts.bool("all-namespaces") and info.namespaced)
        if not text:
            continue
        if written and not ctx.opts.bool("no-headers"):
            out.print("\n")
        out.print(text)
        written = True
    if not written and not found.errors and not ctx.opts.bool("ignore-not-found"):
        no_resources(ctx, out)


def run_describe(ctx: Ctx) -> Result:
    """kubectl describe TYPE [NAME_PREFIX] | TYPE/NAME | -f FILE, with -l, -n, -A."""
    opts = ctx.opts
    if not opts.args and not opts.list("filename"):
        return fail('error: You must specify the type of resource to describe. Use "kubectl api-resources" for a '
                    "complete list of supported resources.")
    found = find(ctx, single_ok=False)
    if isinstance(found, Result):
        return found
    out = Out()
    if found.errors and len(opts.args) == 2 and "/" not in opts.args[0] and not found.items:
        # DescribeMatchingResources: TYPE NAME with no exact match describes every name with that prefix.
        info = resources.lookup(opts.args[0])
        listed = ctx.cluster.api.list(info.kind, ctx.namespace if info.namespaced else None) if info else []
        matches = [o for o in listed if o["metadata"]["name"].startswith(opts.args[1])] if not is_error(listed) else []
        if matches:
            for obj in matches:
                out.print(describe(ctx.cluster, info.kind, obj, opts.bool("show-events")) + "\n")
            return out.result()
    texts = [describe(ctx.cluster, info.kind, obj, opts.bool("show-events")) for info, obj in found.items]
    if texts:
        out.out.append("\n\n".join(texts))
    if not found.items and not found.errors:
        no_resources(ctx, out)
    found.report(out)
    return out.result()


_LIST_FLAGS = (fl.ALL_NAMESPACES, fl.SELECTOR, fl.FILENAME, fl.RECURSIVE)

GET = Command(
    "get", "Display one or many resources",
    "kubectl get [(-o|--output=)json|yaml|name|wide|jsonpath=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | "
    "TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]",
    _LIST_FLAGS + (fl.OUTPUT, fl.SHOW_LABELS, fl.NO_HEADERS, fl.IGNORE_NOT_FOUND,
                   fl.Flag("watch", "w", "bool", False, "After listing/getting the requested object, watch for "
                           "changes (not simulated)."),
                   fl.Flag("sort-by", help="Sort list types using this field specification (not simulated).")),
    run_get,
    examples="  # List Services in the default namespace, then one Service with its node port\n"
             "  kubectl get svc\n  kubectl get svc web-frontend\n\n"
             "  # Pods with their node and IP, across all namespaces\n  kubectl get pods -o wide -A\n\n"
             "  # The first node's InternalIP\n"
             "  kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'\n")

DESCRIBE = Command(
    "describe", "Show details of a specific resource or group of resources",
    "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]",
    _LIST_FLAGS + (fl.Flag("show-events", kind="bool", default=True,
                           help="If true, display events related to the described object."),),
    run_describe,
    examples="  # Describe the web-frontend Service: its endpoints, ports and node port\n"
             "  kubectl describe svc web-frontend\n")

COMMANDS = (GET, DESCRIBE)
