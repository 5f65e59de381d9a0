"""kubectl describe for Deployments and ReplicaSets (kubectl v1.32)."""

from __future__ import annotations

from ...engine.labels import from_label_selector
from ...engine.objects import copy, parse_time
from .describe_containers import describe_pod_template
from .describe_events import events_section
from .describe_text import (Writer, annotations_multiline, controller_ref, go_value, labels_multiline, rfc1123z,
                            selector_string)


def _uid(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _owned_by(obj: dict, owner: dict) -> bool:
    ref = controller_ref(obj)
    return ref is not None and bool(_uid(owner)) and ref.get("uid") == _uid(owner)


def _without_hash(template: dict | None) -> dict:
    """A template with its pod-template-hash label dropped (deploymentutil.EqualIgnoreHash)."""
    template = copy(template or {})
    labels = (template.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop("pod-template-hash", None)
        if not labels:
            template["metadata"].pop("labels")
    if template.get("metadata") == {}:
        template.pop("metadata")
    return template


def split_replicasets(deployment: dict, replicasets: list[dict]) -> tuple[list[dict], dict | None]:
    """The Deployment's old ReplicaSets and its new one, oldest first, as deploymentutil finds them."""
    owned = [rs for rs in replicasets if _owned_by(rs, deployment)]
    owned.sort(key=lambda rs: (parse_time((rs.get("metadata") or {}).get("creationTimestamp") or "") or 0.0,
                               (rs.get("metadata") or {}).get("name", "")))
    want = _without_hash((deployment.get("spec") or {}).get("template"))
    new = next((rs for rs in owned if _without_hash((rs.get("spec") or {}).get("template")) == want), None)
    return [rs for rs in owned if rs is not new], new


def _rs_list(replicasets: list[dict]) -> str:
    """printReplicaSetsByLabels: "name (current/desired replicas created)", or <none>."""
    return ", ".join(f"{(rs.get('metadata') or {}).get('name', '')} "
                     f"({int((rs.get('status') or {}).get('replicas') or 0)}/"
                     f"{int((rs.get('spec') or {}).get('replicas', 1))} replicas created)"
                     for rs in replicasets) or "<none>"


def describe_deployment(dep: dict, replicasets: list[dict], now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe deployment``.

    Args:
        dep: the Deployment.
        replicasets: the ReplicaSets in its namespace (those it controls are picked out here).
        now: the cluster clock.
        events: its events, or None to leave the Events section out.
    """
    w = Writer()
    meta, spec, status = dep.get("metadata") or {}, dep.get("spec") or {}, dep.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    counts = [int(spec.get("replicas", 1))] + [
        int(status.get(k) or 0) for k in ("updatedReplicas", "replicas", "availableReplicas", "unavailableReplicas")]
    w.write(0, "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n".format(*counts))
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type') or ''}\n")
    w.write(0, f"MinReadySeconds:\t{int(spec.get('minReadySeconds') or 0)}\n")
    if strategy.get("rollingUpdate") is not None:
        ru = strategy["rollingUpdate"] or {}
        unavailable = "<nil>" if ru.get("maxUnavailable") is None else go_value(ru["maxUnavailable"])
        surge = "<nil>" if ru.get("maxSurge") is None else go_value(ru["maxSurge"])
        w.write(0, f"RollingUpdateStrategy:\t{unavailable} max unavailable, {surge} max surge\n")
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status)
    old, new = split_replicasets(dep, replicasets)
    if old or new is not None:
        w.write(0, f"OldReplicaSets:\t{_rs_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_list([new] if new is not None else [])}\n")
    if events is not None:
        events_section(w, events, now)
    return w.text()


def _conditions(w: Writer, status: dict) -> None:
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


def pod_phase_counts(rs: dict, pods: list[dict]) -> tuple[int, int, int, int]:
    """getPodStatusForController: the controller's own Pods by phase (running, waiting, succeeded, failed)."""
    selector = from_label_selector((rs.get("spec") or {}).get("selector"))
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        if _owned_by(pod, rs) and selector.matches((pod.get("metadata") or {}).get("labels")):
            phase = (pod.get("status") or {}).get("phase")
            if phase in counts:
                counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def describe_replicaset(rs: dict, pods: list[dict], now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe replicaset``; ``pods`` are the Pods of its namespace."""
    w = Writer()
    meta, spec, status = rs.get("metadata") or {}, rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{selector_string(spec.get('selector')) or '<none>'}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    ref = controller_ref(rs)
    if ref is not None:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(0, f"Replicas:\t{int(status.get('replicas') or 0)} current / {int(spec.get('replicas', 1))} desired\n")
    w.write(0, "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n".format(*pod_phase_counts(rs, pods)))
    describe_pod_template(w, spec.get("template"))
    _conditions(w, status)
    if events is not None:
        events_section(w, events, now)
    return w.text()
