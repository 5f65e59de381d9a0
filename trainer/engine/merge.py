"""kubectl apply's three-way strategic merge, for the fields of the kinds the engine holds."""

from __future__ import annotations

import json
from typing import Any

from .objects import copy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# patchMergeKey of the lists that merge by key (patchStrategy "merge") in the core types.
# Lists not named here are replaced whole, as upstream does for atomic lists.
_MERGE_KEYS: dict[str, str] = {
    "spec.ports": "port",
    "spec.containers": "name",
    "spec.initContainers": "name",
    "spec.containers.ports": "containerPort",
    "spec.containers.env": "name",
    "spec.containers.volumeMounts": "mountPath",
    "spec.volumes": "name",
    "spec.imagePullSecrets": "name",
    "metadata.ownerReferences": "uid",
}


# Structs with patchStrategy "retainKeys": a patch keeps only the keys the user wrote, so
# switching a Deployment to Recreate drops its old rollingUpdate.
_RETAIN_KEYS = {"spec.strategy"}


def merge_key(path: str) -> str | None:
    """The key a list at ``path`` merges on (a Deployment's pod template merges like a pod spec)."""
    return _MERGE_KEYS.get(path.replace("spec.template.spec.", "spec."))


def last_applied(obj: dict) -> dict | None:
    """The configuration kubectl apply saved on the object, if any."""
    raw = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def annotate(desired: dict) -> dict:
    """A copy of ``desired`` carrying its own last-applied annotation, as kubectl sends it."""
    out = copy(desired)
    annotations = out.setdefault("metadata", {}).setdefault("annotations", {})
    annotations.pop(LAST_APPLIED, None)
    saved = copy(out)
    if not saved["metadata"]["annotations"]:
        del saved["metadata"]["annotations"]
    annotations[LAST_APPLIED] = json.dumps(saved, sort_keys=True, separators=(",", ":")) + "\n"
    return out


def three_way(original: Any, modified: Any, current: Any, path: str = "") -> Any:
    """Merge the change from ``original`` to ``modified`` into ``current``.

    Fields the user dropped from their manifest (present in ``original``, absent in
    ``modified``) are removed; fields set by others (the server's defaults and
    allocations, such as clusterIP and nodePort) are kept.
    """
    if isinstance(modified, dict) and isinstance(current, dict):
        original = original if isinstance(original, dict) else {}
        out = dict(current)
        for key in (current if path in _RETAIN_KEYS else original):
            if key not in modified:
                out.pop(key, None)
        for key, value in modified.items():
            sub = f"{path}.{key}" if path else key
            out[key] = three_way(original.get(key), value, current.get(key), sub)
        return out
    if isinstance(modified, list) and isinstance(current, list):
        key = merge_key(path)
        if key and all(isinstance(i, dict) and key in i for i in modified + current):
            return _merge_list(original if isinstance(original, list) else [], modified, current, key, path)
    return copy(modified)


def _merge_list(original: list, modified: list, current: list, key: str, path: str) -> list:
    orig = {i.get(key): i for i in original if isinstance(i, dict)}
    cur = {i.get(key): i for i in current}
    wanted = {i[key] for i in modified}
    out = [three_way(orig.get(i[key]), i, cur[i[key]], path) if i[key] in cur else copy(i) for i in modified]
    # Items someone else added stay; items the user removed from the manifest go.
    out.extend(copy(i) for i in current if i[key] not in wanted and i[key] not in orig)
    return out
