"""kubectl apply -f and create -f: every object on its own, dry runs, and kubectl's per-object lines."""

from __future__ import annotations

from ...engine.apiserver import ApplyOutcome
from ...engine.cluster import ObjectResult
from ...engine.errors import Status
from ...engine.manifests import load_manifests
from ...engine.merge import annotate
from ...engine.objects import KINDS, copy
from ...engine.schema import decode
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command
from .verbs_common import Ctx, Out, error_text, fail, read_sources, render

#: -o values the name/yaml/json/template printers of mutating verbs accept.
MUTATE_FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file",
                  "name", "template", "templatefile", "yaml")


def output_format_error(fmt: str) -> str | None:
    """The printer error for an -o value a mutating verb does not take, else None."""
    if not fmt or fmt.split("=", 1)[0] in MUTATE_FORMATS:
        return None
    return (f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
            + ",".join(MUTATE_FORMATS))


def dry_run(ctx: Ctx) -> str | Result:
    """The --dry-run strategy, or kubectl's error for a bad value."""
    value = ctx.opts.str("dry-run")
    strategy, warning = fl.dry_run_strategy(value)
    if strategy is None:
        return fail(f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')
    if warning:
        # The line numbers are those of kubectl v1.32's cmd/util/helpers.go.
        where = "helpers.go:702" if value == "unchanged" else ("helpers.go:716" if strategy == "client"
                                                              else "helpers.go:719")
        ctx.warnings.append(fl.klog("W", where, warning, ctx.cluster.clock.now))
    return strategy


def dry_suffix(strategy: str) -> str:
    """What the name printer appends in a dry run."""
    return {"client": " (dry run)", "server": " (server dry run)"}.get(strategy, "")


def run_apply(ctx: Ctx) -> Result:
    """kubectl apply -f FILE|DIR|-."""
    return _run(ctx, create=False)


def run_create_files(ctx: Ctx) -> Result:
    """kubectl create -f FILE|DIR|-."""
    return _run(ctx, create=True)


def _run(ctx: Ctx, *, create: bool) -> Result:
    verb = "create" if create else "apply"
    if ctx.opts.args:
        return fail(f"error: Unexpected args: [{' '.join(ctx.opts.args)}]\n"
                    f"See '{ctx.path} -h' for help and examples")
    filenames = ctx.opts.list("filename")
    if not filenames:
        return fail("error: must specify one of -f and -k")
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    sources = read_sources(ctx, filenames)
    if isinstance(sources, str):
        return fail(sources)
    if not sources:
        return fail(f"error: error reading [{', '.join(filenames)}]: recognized file extensions are "
                    "[.json .yaml .yml]")
    fmt = ctx.opts.str("output")
    bad = output_format_error(fmt)
    if bad:
        return fail(bad)
    if (down := ctx.cluster.api.refused()) is not None:
        return fail(down.kubectl_message())
    target = ctx.cluster.clone() if strategy == "server" else ctx.cluster
    results: list[tuple[ObjectResult, dict | None]] = []
    for source, text in sources:
        results += _apply_text(ctx, target, text, source, create, strategy)
    if strategy == "none":
        ctx.cluster.reconcile()
    if not results:
        return fail(f"error: no objects passed to {verb}")
    out = Out()
    errors: list[tuple[object, str, object]] = []
    printed: list[dict] = []
    for res, obj in results:
        for warning in res.warnings:
            out.warn(warning)
        if res.error is not None:
            errors.append((res.error, res.source, resources.from_ref(res.ref)))
        elif fmt and obj is not None:
            printed.append(obj)
        else:
            out.print(f"{res.ref} {res.action}{dry_suffix(strategy)}")
    if printed:
        print_objects(out, printed, fmt)
    multi = len(errors) > 1
    for err, source, info in errors:
        out.fail(error_text(err, verb="creating", source=source, multi=multi))
    return out.result()


def print_objects(out: Out, objs: list[dict], fmt: str) -> None:
    """Print objects one by one as a mutating verb's printer does (YAML documents split by ---)."""
    texts = []
    for obj in objs:
        text, err = render([obj], fmt, True)
        if err:
            out.fail(err)
            return
        texts.append(text)
    out.write(("---\n" if fmt == "yaml" else "").join(texts))


def _apply_text(ctx: Ctx, target, text: str, source: str, create: bool,
                strategy: str) -> list[tuple[ObjectResult, dict | None]]:
    """Load one source and send each object, as kubectl's builder visits them."""
    loaded = load_manifests(text, source)
    out: list[tuple[ObjectResult, dict | None]] = [(ObjectResult("", e.source, e.line or 0, error=e), None)
                                                   for e in loaded.errors]
    for doc in loaded.documents:
        obj = copy(doc.obj)
        ref = _ref(obj)
        result = ObjectResult(ref, doc.source, doc.line)
        decoded = decode(obj, source=doc.source, duplicates=doc.duplicates)
        # A Status is the apiserver's strict decoding, which a client dry run never reaches.
        if decoded.error is not None and not (strategy == "client" and isinstance(decoded.error, Status)):
            result.error = decoded.error
        elif obj.get("kind") not in KINDS:
            result.error = Status.bad_request(f'the server does not allow this method on kind "{obj.get("kind")}"')
        else:
            result.error = _namespace(ctx, obj)
        if result.error is not None:
            out.append((result, None))
            continue
        out.append(_send(target, obj, result, create, strategy))
    return out


def _namespace(ctx: Ctx, obj: dict) -> str | None:
    """Put the object in -n's namespace, or kubectl's error when the file names another one."""
    if not KINDS[obj["kind"]][1]:
        return None
    md = obj.setdefault("metadata", {})
    given = md.get("namespace") or ""
    if given and ctx.explicit_namespace and given != ctx.namespace:
        return (f'error: the namespace from the provided object "{given}" does not match the namespace '
                f'"{ctx.namespace}". You must pass \'--namespace={given}\' to perform this operation.')
    md["namespace"] = given or ctx.namespace
    return None


def _send(target, obj: dict, result: ObjectResult, create: bool, strategy: str) -> tuple[ObjectResult, dict | None]:
    """Create or apply one object (or only say what would happen, in a client dry run)."""
    api = target.api
    md = obj["metadata"]
    live = api.peek(obj["kind"], md.get("name") or "", md.get("namespace") or "")
    if strategy == "client":
        result.action = "created" if create or live is None else "configured"
        # apply reads the live object first and prints that one when it exists.
        return result, obj if create else annotate(obj) if live is None else copy(live)
    outcome = api.create(obj) if create else api.apply(obj)
    if isinstance(outcome, ApplyOutcome):
        result.action, result.warnings = outcome.action, outcome.warnings
        return result, outcome.obj
    if isinstance(outcome, dict):
        result.action = "created"
        return result, outcome
    result.error = outcome
    return result, None


def _ref(obj: dict) -> str:
    info = resources.by_kind(str(obj.get("kind") or ""))
    name = (obj.get("metadata") or {}).get("name") or ""
    return f"{resources.prefix(info)}/{name}" if info else f"{str(obj.get('kind') or '').lower()}/{name}"


_FILE_FLAGS = (fl.FILENAME, fl.RECURSIVE, fl.OUTPUT, fl.DRY_RUN,
               fl.Flag("validate", help="Validation: strict, warn or ignore.", default="strict", no_opt="strict"))

APPLY = Command(
    "apply", "Apply a configuration to a resource by file name or stdin",
    "kubectl apply (-f FILENAME | -k DIRECTORY) [options]", _FILE_FLAGS + (fl.SELECTOR,), run_apply,
    examples="  # Apply the configuration in web-frontend-svc.yaml\n  kubectl apply -f web-frontend-svc.yaml\n\n"
             "  # Apply every manifest in a directory\n  kubectl apply -f manifests/\n")

COMMANDS = (APPLY,)
