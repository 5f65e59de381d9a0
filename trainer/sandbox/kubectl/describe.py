"""kubectl describe over the engine: one entry point per object, and kubectl's multi-object layout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from .describe_events import pod_events
from .describe_node import describe_namespace, describe_node
from .describe_pod import describe_pod
from .describe_service import describe_endpoint_slice, describe_endpoints, describe_service, service_slices
from .describe_workloads import describe_deployment, describe_replicaset

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

#: The kinds describe knows (every kind the engine stores).
DESCRIBABLE_KINDS = ("Pod", "Service", "Node", "Deployment", "ReplicaSet", "EndpointSlice", "Endpoints", "Namespace")
_BY_LOWER = {k.lower(): k for k in DESCRIBABLE_KINDS}


def describable(kind: str) -> bool:
    """Whether ``describe`` has a describer for this kind (case-insensitive)."""
    return kind.lower() in _BY_LOWER


def describe(cluster: "Cluster", kind: str, obj: dict, *, show_events: bool = True,
             events: list[dict] | None = None) -> str:
    """What ``kubectl describe`` prints for one object, as kubectl v1.32 lays it out.

    Args:
        cluster: the cluster the object lives in (its clock, and related objects such as a
            Service's EndpointSlices or a Node's Pods).
        kind: the object's kind, e.g. "Service" (case-insensitive).
        obj: the object, as read from the cluster.
        show_events: False for ``--show-events=false``: no Events section at all.
        events: the object's events, if the caller has them. By default the events the
            engine's state implies are shown (a Pod's FailedScheduling), else ``<none>``.

    Returns:
        The description, ending in a newline.

    Raises:
        ValueError: for a kind outside DESCRIBABLE_KINDS (check with ``describable`` first).
    """
    canonical = _BY_LOWER.get(kind.lower())
    if canonical is None:
        raise ValueError(f"no describer for kind {kind!r}")
    api, now = cluster.api, cluster.clock.now
    meta = obj.get("metadata") or {}
    ns, name = meta.get("namespace") or "default", meta.get("name") or ""
    if not show_events:
        evts = None
    elif events is not None:
        evts = list(events)
    else:
        evts = pod_events(obj, now) if canonical == "Pod" else []
    if canonical == "Pod":
        return describe_pod(obj, now, evts)
    if canonical == "Service":
        return describe_service(obj, service_slices(api, obj), now, evts)
    if canonical == "Node":
        pods = [p for p in api.iter("Pod") if (p.get("spec") or {}).get("nodeName") == name]
        return describe_node(obj, pods, now, evts)
    if canonical == "Deployment":
        return describe_deployment(obj, list(api.iter("ReplicaSet", ns)), now, evts)
    if canonical == "ReplicaSet":
        return describe_replicaset(obj, list(api.iter("Pod", ns)), now, evts)
    if canonical == "EndpointSlice":
        return describe_endpoint_slice(obj, now, evts)
    if canonical == "Endpoints":
        return describe_endpoints(obj, now, evts)
    return describe_namespace(obj)


def describe_many(cluster: "Cluster", objs: Iterable[dict], kind: str | None = None, *,
                  show_events: bool = True) -> str:
    """Several descriptions the way ``kubectl describe`` prints a list of objects.

    kubectl writes the first description as is and each later one after "\\n\\n"; since every
    description ends in a newline, two blank lines separate them.

    Args:
        cluster: the cluster the objects live in.
        objs: the objects, in the order to print them.
        kind: their kind; by default each object's own ``kind`` field.
        show_events: False for ``--show-events=false``.
    """
    parts = [describe(cluster, kind or str(obj.get("kind") or ""), obj, show_events=show_events) for obj in objs]
    return "\n\n".join(parts)
