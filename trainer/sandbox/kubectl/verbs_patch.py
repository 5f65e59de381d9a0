"""kubectl patch: strategic merge, JSON merge and JSON patches, applied as the apiserver does."""

from __future__ import annotations

import json

import yaml

from ...engine.errors import Status
from ...engine.merge import merge_key
from ...engine.objects import copy
from ..session import Result
from . import flags as fl
from . import resources
from .flags import Command, Flag
from .verbs_apply import dry_run, dry_suffix, print_objects
from .verbs_common import Ctx, Out, error_text, fail, is_error
from .verbs_get import targets_of

_TYPES = ("json", "merge", "strategic")


def parse_patch(text: str) -> object | str:
    """yaml.ToJSON of the -p text: the patch value, or kubectl's "unable to parse" error."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        value = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        if isinstance(value, str):
            # A bare word is valid YAML but no patch document: the server cannot decode it.
            return ("Error from server (BadRequest): json: cannot unmarshal string into Go value of type "
                    "map[string]interface {}")
        return value
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        # libyaml marks the end of the stream one line down; go-yaml names the last line.
        where = f"line {min(mark.line + 1, text.count(chr(10)) + 1)}: " if mark is not None else ""
        return f'error: unable to parse "{text}": yaml: {where}{problem}'


def strategic(live: object, patch: object, path: str = "") -> object:
    """A strategic merge patch for the kinds the engine holds: maps merge, keyed lists merge by key.

    ``null`` deletes a field; ``$patch: replace`` replaces a map; ``$patch: delete`` in a
    keyed list item removes that item. Lists without a merge key are replaced whole.
    """
    if not isinstance(patch, dict) or not isinstance(live, dict):
        return copy(patch)
    if patch.get("$patch") == "replace":
        return {k: copy(v) for k, v in patch.items() if k != "$patch"}
    out = dict(live)
    for key, value in patch.items():
        sub = f"{path}.{key}" if path else key
        if value is None:
            out.pop(key, None)
        elif isinstance(value, list) and isinstance(out.get(key), list) and merge_key(sub):
            out[key] = _merge_list(out[key], value, merge_key(sub) or "", sub)
        else:
            out[key] = strategic(out.get(key), value, sub)
    return out


def _merge_list(live: list, patch: list, key: str, path: str) -> list:
    """Merge keyed list items; existing items keep their order, new ones follow."""
    out = [copy(i) for i in live]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            continue
        at = next((n for n, cur in enumerate(out) if isinstance(cur, dict) and cur.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if at is not None:
                del out[at]
        elif at is None:
            out.append({k: copy(v) for k, v in item.items() if k != "$patch"})
        else:
            out[at] = strategic(out[at], item, path)
    return out


def merge(live: object, patch: object) -> object:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy(patch)
    out = dict(live) if isinstance(live, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge(out.get(key), value)
    return out


def json_patch(doc: dict, ops: object) -> dict | Status:
    """RFC 6902 JSON patch, with json-patch v5's error texts."""
    if not isinstance(ops, list):
        kind = "object" if isinstance(ops, dict) else "string" if isinstance(ops, str) else "number"
        return Status.bad_request(f"json: cannot unmarshal {kind} into Go value of type jsonpatch.Patch")
    out = copy(doc)
    for op in ops:
        if not isinstance(op, dict):
            return Status.bad_request("json: cannot unmarshal into Go value of type jsonpatch.Operation")
        name, path = op.get("op"), str(op.get("path", ""))
        if name == "test":
            if _get(out, path) != op.get("value"):
                return _patch_error(f'testing value {path} failed: test failed')
            continue
        if name in ("move", "copy"):
            value = _get(out, str(op.get("from", "")))
            if value is _MISSING:
                return _patch_error(f'{name} operation does not apply: doc is missing from path: '
                                    f'"{op.get("from")}": missing value')
            if name == "move":
                _remove(out, str(op.get("from", "")))
            err = _put(out, path, copy(value), "add")
        elif name in ("add", "replace"):
            err = _put(out, path, copy(op.get("value")), name)
        elif name == "remove":
            err = _remove(out, path)
        else:
            return _patch_error(f"Unexpected kind: {name}")
        if err:
            return _patch_error(err)
    return out


_MISSING = object()


def _patch_error(text: str) -> Status:
    return Status(500, "", "jsonpatch " + text)


def _split(path: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _get(doc: object, path: str) -> object:
    return _walk(doc, _split(path))


def _walk(doc: object, parts: list[str]) -> object:
    node = doc
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _put(doc: dict, path: str, value: object, op: str) -> str:
    parts = _split(path)
    parent = _walk(doc, parts[:-1]) if parts else _MISSING
    if parent is _MISSING:
        return f'{op} operation does not apply: doc is missing path: "{path}": missing value'
    last = parts[-1]
    if isinstance(parent, dict):
        if op == "replace" and last not in parent:
            return f'replace operation does not apply: doc is missing key: "{path}": missing value'
        parent[last] = value
    elif isinstance(parent, list):
        index = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if not 0 <= index <= len(parent) or (op == "replace" and index == len(parent)):
            return f'{op} operation does not apply: doc is missing path: "{path}": missing value'
        if op == "replace":
            parent[index] = value
        else:
            parent.insert(index, value)
    return ""


def _remove(doc: dict, path: str) -> str:
    parts = _split(path)
    parent = _walk(doc, parts[:-1]) if parts else _MISSING
    last = parts[-1] if parts else ""
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return ""
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
        return ""
    return f'remove operation does not apply: doc is missing path: "{path}": missing value'


def run_patch(ctx: Ctx) -> Result:
    """kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]."""
    opts = ctx.opts
    strategy = dry_run(ctx)
    if isinstance(strategy, Result):
        return strategy
    if not opts.str("patch"):
        return fail("error: must specify --patch or --patch-file containing the contents of the patch")
    kind = opts.str("type")
    if kind and kind.lower() not in _TYPES:
        return fail(f'error: --type must be one of [json merge strategic], not "{kind}"')
    patch = parse_patch(opts.str("patch"))
    if isinstance(patch, str):
        return fail(patch)
    targets = targets_of(ctx, opts.args)
    if isinstance(targets, Result):
        return targets
    out = Out()
    errors: list[str] = []
    for info, name, ns, _source in targets:
        live = ctx.cluster.api.get(info.kind, name, ns or "default")
        if is_error(live):
            errors.append(error_text(live))
            continue
        patched = _apply(live, patch, (kind or "strategic").lower())
        if isinstance(patched, Status):
            errors.append(error_text(patched))
            continue
        changed = patched != live
        result = live
        if changed and strategy != "client":
            target = ctx.cluster if strategy == "none" else ctx.cluster.clone()
            result = target.api.update(patched)
            if is_error(result):
                errors.append(error_text(result))
                continue
            if strategy == "none":
                ctx.cluster.reconcile()
        elif changed:
            result = patched
        if opts.str("output"):
            print_objects(out, [result], opts.str("output"))
        else:
            what = "patched" if changed else "patched (no change)"
            out.print(f"{resources.prefix(info)}/{name} {what}{dry_suffix(strategy)}")
    if not targets:
        errors.append("error: no objects passed to patch")
    for err in errors:
        out.fail(err.removeprefix("error: ") if len(errors) > 1 else err)
    return out.result()


def _apply(live: dict, patch: object, kind: str) -> dict | Status:
    if kind == "json":
        return json_patch(live, patch)
    if not isinstance(patch, dict):
        return Status.bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
    result = merge(live, patch) if kind == "merge" else strategic(live, patch)
    assert isinstance(result, dict)
    return result


PATCH = Command(
    "patch", "Update fields of a resource",
    "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]",
    (fl.FILENAME, fl.RECURSIVE, fl.OUTPUT, fl.DRY_RUN,
     Flag("patch", "p", help="The patch to be applied to the resource JSON file."),
     Flag("type", default="strategic", help="The type of patch being provided; one of [json merge strategic]")),
    run_patch,
    examples="  # Switch the web-frontend Service to externalTrafficPolicy: Local\n"
             "  kubectl patch svc web-frontend -p '{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}'\n\n"
             "  # Change the node port of port 80 (ports merge by their port number)\n"
             "  kubectl patch svc web-frontend -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30090}]}}'\n\n"
             "  # The same with a JSON patch\n  kubectl patch svc web-frontend --type=json "
             "-p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/nodePort\",\"value\":30090}]'\n")
