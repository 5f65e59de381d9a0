"""Which Services and EndpointSlices changed between two syncs, cheaply, as informers would tell."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .snapshot import SERVICE_NAME_LABEL

Key = tuple[str, str]
_EMPTY: Mapping[str, Any] = {}


def scan(
    objects: Iterable[Mapping[str, Any]],
    seen: dict[int, tuple[Any, Any, tuple[str, str]]],
    key_ids: dict[tuple[str, str], int],
) -> tuple[list[tuple[tuple[str, str], Mapping[str, Any]]], list[tuple[str, str]]]:
    """Find the new/changed and the removed objects since the previous scan.

    An object counts as unchanged when it is the very same instance with the same
    resourceVersion as last time (``seen`` holds a reference, so its id cannot be
    reused); objects without a resourceVersion are compared by repr. Every sync touches
    every object here, so the unchanged case is kept to a handful of lookups.

    Args:
        objects: the current objects.
        seen: id(object) -> (object, version, (namespace, name)); updated in place.
        key_ids: (namespace, name) -> id(object) of its current object; updated in place.

    Returns:
        ([(key, object)] for new or changed objects, [key] of removed objects).
    """
    objects = objects if isinstance(objects, (list, tuple)) else list(objects)
    changed = []
    hits = 0
    lookup = seen.get
    for obj in objects:
        cached = lookup(id(obj))
        if cached is not None and cached[0] is obj:
            try:
                if obj["metadata"]["resourceVersion"] == cached[1]:
                    hits += 1
                    continue
            except (KeyError, TypeError):
                pass
        meta = obj.get("metadata") or _EMPTY
        version = meta.get("resourceVersion") or repr(obj)
        if cached is not None and cached[0] is obj and cached[1] == version:
            hits += 1
            continue
        changed.append(((meta.get("namespace") or "default", meta.get("name", "")), obj, version))
    if not changed and hits == len(seen):
        return [], []
    out = []
    for key, obj, version in changed:
        old_id = key_ids.get(key)
        if old_id is not None and old_id != id(obj):
            seen.pop(old_id, None)
        seen[id(obj)] = (obj, version, key)
        key_ids[key] = id(obj)
        out.append((key, obj))
    removed = []
    if len(seen) != hits + len(changed):
        live = {id(obj) for obj in objects}
        for ident in [i for i in seen if i not in live]:
            key = seen.pop(ident)[2]
            if key_ids.get(key) == ident:
                del key_ids[key]
                removed.append(key)
    return out, removed



class ClusterTracker:
    """The Services and EndpointSlices seen by the last sync, indexed by owning Service.

    kube-proxy learns about changes from informer events; here the whole cluster state is
    handed over on each sync, and this class works out the equivalent events.
    """

    def __init__(self) -> None:
        self._service_seen: dict[int, tuple[Any, Any, Key]] = {}
        self._service_ids: dict[Key, int] = {}
        self._slice_seen: dict[int, tuple[Any, Any, Key]] = {}
        self._slice_ids: dict[Key, int] = {}
        self._services: dict[Key, Mapping[str, Any]] = {}
        self._slice_owner: dict[Key, Key | None] = {}
        self._by_service: dict[Key | None, dict[Key, Mapping[str, Any]]] = {}

    def update(
        self, services: Iterable[Mapping[str, Any]], slices: Iterable[Mapping[str, Any]]
    ) -> tuple[set[Key], list[Key]]:
        """Take the current objects.

        Returns:
            (keys of Services that exist and whose object or EndpointSlices changed,
            keys of Services that were deleted).
        """
        changed_slices, removed_slices = scan(slices, self._slice_seen, self._slice_ids)
        dirty: set[Key] = set()
        index = self._by_service
        for slice_key in removed_slices:
            owner = self._slice_owner.pop(slice_key, None)
            if owner is not None:
                dirty.add(owner)
            index.get(owner, {}).pop(slice_key, None)
        for slice_key, endpoint_slice in changed_slices:
            old_owner = self._slice_owner.get(slice_key)
            index.get(old_owner, {}).pop(slice_key, None)
            if old_owner is not None:
                dirty.add(old_owner)
            labels = (endpoint_slice.get("metadata") or _EMPTY).get("labels")
            name = labels.get(SERVICE_NAME_LABEL) if labels else None
            owner = (slice_key[0], name) if name else None
            self._slice_owner[slice_key] = owner
            if owner is not None:
                dirty.add(owner)
                index.setdefault(owner, {})[slice_key] = endpoint_slice
        changed_services, removed = scan(services, self._service_seen, self._service_ids)
        for key in removed:
            self._services.pop(key, None)
        for key, service in changed_services:
            self._services[key] = service
            dirty.add(key)
        return {key for key in dirty if key in self._services}, removed

    def service(self, key: Key) -> Mapping[str, Any] | None:
        """The current Service object of a key."""
        return self._services.get(key)

    def slices_of(self, key: Key) -> list[Mapping[str, Any]]:
        """The current EndpointSlices labelled for a Service."""
        own = self._by_service.get(key)
        return list(own.values()) if own else []
