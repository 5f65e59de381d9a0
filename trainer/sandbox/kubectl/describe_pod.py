"""kubectl describe pod (PodDescriber in kubectl v1.32)."""

from __future__ import annotations

import json

from ...engine.objects import parse_time
from .describe_containers import describe_containers, describe_resources, topology_spread
from .describe_events import events_section
from .describe_quantity import qty
from .describe_text import (Writer, annotations_multiline, controller_ref, human_duration, labels_multiline,
                            rfc1123z, tolerations_multiline)
from .describe_volumes import describe_volumes


def describe_pod(pod: dict, now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe pod`` for one Pod.

    Args:
        pod: the Pod object.
        now: the cluster clock, for durations.
        events: the Pod's events, or None to leave the Events section out (--show-events=false).
    """
    w = Writer()
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{int(spec['priority'])}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    node = spec.get("nodeName")
    w.write(0, f"Node:\t{node}/{status.get('hostIP') or ''}\n" if node else "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    _status(w, meta, status, now)
    seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
    w.write(0, f"IP:\t{status.get('podIP') or ''}\n")
    ips = status.get("podIPs") or []
    if not ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    ref = controller_ref(pod)
    if ref is not None:
        w.write(0, f"Controlled By:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.write(0, "Resources:\n")
        describe_resources(w, spec["resources"] or {}, 1)
    resolver = _env_resolver(pod)
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"),
                            resolver, "")
    describe_containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), resolver, "")
    if spec.get("ephemeralContainers"):
        describe_containers(w, "Ephemeral Containers", spec["ephemeralContainers"],
                            status.get("ephemeralContainerStatuses"), resolver, "")
    _conditions(w, spec, status)
    describe_volumes(w, spec.get("volumes") or [], "")
    w.write(0, f"QoS Class:\t{status.get('qosClass') or qos_class(spec)}\n")
    labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    topology_spread(w, spec.get("topologySpreadConstraints"), "")
    if events is not None:
        events_section(w, events, now)
    return w.text()


def _status(w: Writer, meta: dict, status: dict, now: float) -> None:
    phase = status.get("phase") or ""
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        # The deletion timestamp lies in the future (now + grace), so this usually reads <invalid>.
        deleted = parse_time(meta["deletionTimestamp"])
        lasts = "<unknown>" if deleted is None else human_duration(now - deleted)
        w.write(0, f"Status:\tTerminating (lasts {lasts})\n")
        w.write(0, f"Termination Grace Period:\t{int(meta.get('deletionGracePeriodSeconds') or 0)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")


def _conditions(w: Writer, spec: dict, status: dict) -> None:
    conditions = status.get("conditions") or []
    gates = spec.get("readinessGates") or []
    if gates:
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in gates:
            found = next((c.get("status") for c in conditions if c.get("type") == gate.get("conditionType")), None)
            w.write(1, f"{gate.get('conditionType', '')} \t{found if found is not None else '<none>'} \n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in conditions:
            w.write(1, f"{cond.get('type', '')} \t{cond.get('status', '')} \n")


def _env_resolver(pod: dict):
    """EnvValueRetriever: kubectl can only resolve metadata fields; status and spec fields print empty."""
    meta = pod.get("metadata") or {}

    def resolve(ref: dict) -> str:
        path = str(ref.get("fieldPath") or "")
        if str(ref.get("apiVersion") or "").count("/") > 1:
            return ""  # schema.ParseGroupVersion rejects it
        if path in ("metadata.labels", "metadata.annotations"):
            values = meta.get(path.split(".")[1]) or {}
            return "\n".join(f"{k}={json.dumps(str(values[k]))}" for k in sorted(values))
        return {"metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", ""),
                "metadata.uid": meta.get("uid", "")}.get(path, "")

    return resolve


def qos_class(spec: dict) -> str:
    """kubectl's ComputePodQOS, used when status.qosClass is empty."""
    requests: dict[str, object] = {}
    limits: dict[str, object] = {}
    guaranteed = True
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        res = container.get("resources") or {}
        for bucket, into in (("requests", requests), ("limits", limits)):
            for name, raw in (res.get(bucket) or {}).items():
                amount = qty(raw).value
                if name in ("cpu", "memory") and amount > 0:
                    into[name] = into.get(name, 0) + amount
        found = {n for n, raw in (res.get("limits") or {}).items() if n in ("cpu", "memory") and qty(raw).value > 0}
        if found != {"cpu", "memory"}:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(n) == v for n, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
