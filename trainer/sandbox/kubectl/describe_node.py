"""kubectl describe for cluster-scoped objects: Nodes (with their Pods and Lease) and Namespaces."""

from __future__ import annotations

from ...engine.objects import parse_time
from .describe_events import events_section
from .describe_quantity import Quantity, canonical, milli, qty, whole
from .describe_text import (Writer, annotations_multiline, labels_multiline, multiline, rfc1123z, since,
                            taint_string)

#: The kubelet renews its node Lease every 10s (a quarter of the 40s lease duration).
LEASE_RENEW_SECONDS = 10
#: Without changes, the kubelet re-posts node status (the heartbeat) every 5 minutes.
STATUS_REPORT_SECONDS = 300
_STANDARD = ("cpu", "memory", "ephemeral-storage", "pods")


def node_roles(node: dict) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> labels and a kubernetes.io/role value, sorted."""
    roles = set()
    for key, value in ((node.get("metadata") or {}).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return sorted(roles)


def _tick(now: float, since_epoch: float, period: int) -> float:
    """The latest periodic report at or before ``now`` of something reporting since ``since_epoch``."""
    return now - (now - since_epoch) % period if now >= since_epoch else since_epoch


def _node_is_ready(node: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


def describe_node(node: dict, pods: list[dict], now: float, events: list[dict] | None) -> str:
    """The text of ``kubectl describe node``.

    The engine keeps no Lease objects or heartbeat times, so both are derived the way a healthy
    kubelet would have produced them: the lease renewed on its 10s period and status re-posted
    every 5 minutes since the node registered (frozen at the Ready transition once it is not Ready).

    Args:
        node: the Node object.
        pods: every Pod bound to the node (all namespaces); finished ones are skipped here.
        now: the cluster clock.
        events: the node's events, or None to leave the Events section out.
    """
    w = Writer()
    meta, spec, status = node.get("metadata") or {}, node.get("spec") or {}, node.get("status") or {}
    created = parse_time(meta.get("creationTimestamp") or "") or now
    ready_since = next((parse_time(c.get("lastTransitionTime") or "") for c in status.get("conditions") or []
                        if c.get("type") == "Ready"), None) or created
    alive = _node_is_ready(node)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    taints = sorted(spec.get("taints") or [], key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    multiline(w, "Taints", [taint_string(t) for t in taints])
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{meta.get('name', '')}\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    w.write(1, f"RenewTime:\t{rfc1123z(_tick(now, created, LEASE_RENEW_SECONDS) if alive else ready_since)}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        heartbeat = _tick(now, created, STATUS_REPORT_SECONDS) if alive else ready_since
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \t"
                       f"{rfc1123z(c.get('lastHeartbeatTime') or heartbeat)} \t"
                       f"{rfc1123z(c.get('lastTransitionTime') or created)} \t"
                       f"{c.get('reason', '')} \t{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for addr in status.get("addresses") or []:
        w.write(1, f"{addr.get('type', '')}:\t{addr.get('address', '')}\n")
    for key, title in (("capacity", "Capacity"), ("allocatable", "Allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for name in sorted(status[key]):
                w.write(0, f"  {name}:\t{canonical(qty(status[key][name]))}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for key, title in (("machineID", "Machine ID"), ("systemUUID", "System UUID"), ("bootID", "Boot ID"),
                       ("kernelVersion", "Kernel Version"), ("osImage", "OS Image"),
                       ("operatingSystem", "Operating System"), ("architecture", "Architecture"),
                       ("containerRuntimeVersion", "Container Runtime Version"),
                       ("kubeletVersion", "Kubelet Version"), ("kubeProxyVersion", "Kube-Proxy Version")):
        w.write(0, f"  {title}:\t{info.get(key) or ''}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    running = [p for p in pods if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    _node_resources(w, node, running, now)
    if events is not None:
        events_section(w, events, now)
    return w.text()


def pod_requests_and_limits(pod: dict) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: app containers and sidecars add up, a classic init
    container only sets a floor, and the Pod overhead comes on top."""
    spec = pod.get("spec") or {}
    out = []
    for bucket in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for container in spec.get("containers") or []:
            _add(total, (container.get("resources") or {}).get(bucket))
        sidecars: dict[str, Quantity] = {}
        floor: dict[str, Quantity] = {}
        for init in spec.get("initContainers") or []:
            amounts: dict[str, Quantity] = {}
            _add(amounts, (init.get("resources") or {}).get(bucket))
            if init.get("restartPolicy") == "Always":
                _add(total, amounts)
                _add(sidecars, amounts)
                amounts = dict(sidecars)
            else:
                _add(amounts, sidecars)
            _max(floor, amounts)
        _max(total, floor)
        overhead = spec.get("overhead") or {}
        # Overhead raises every request, but only limits that are set.
        _add(total, overhead if bucket == "requests" else {n: v for n, v in overhead.items() if n in total})
        out.append(total)
    return out[0], out[1]


def _max(into: dict[str, Quantity], other: dict[str, Quantity]) -> None:
    for name, amount in other.items():
        if name not in into or amount.value > into[name].value:
            into[name] = amount


def _add(total: dict[str, Quantity], amounts: dict | None) -> None:
    for name, raw in (amounts or {}).items():
        amount = raw if isinstance(raw, Quantity) else qty(raw)
        total[name] = total[name] + amount if name in total else amount


def _percent(part: int, whole_: int) -> int:
    # Go converts float64(part)/float64(whole)*100 to int64, truncating toward zero.
    return int(part / whole_ * 100) if whole_ else 0


def _node_resources(w: Writer, node: dict, pods: list[dict], now: float) -> None:
    """describeNodeResource: the Pods on the node and what they ask of it."""
    status = node.get("status") or {}
    allocatable = status.get("allocatable") or status.get("capacity") or {}
    cpu, mem = milli(qty(allocatable.get("cpu"))), whole(qty(allocatable.get("memory")))
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        cells = []
        for table, name, total in ((req, "cpu", cpu), (lim, "cpu", cpu), (req, "memory", mem), (lim, "memory", mem)):
            amount = table.get(name, Quantity())
            part = milli(amount) if name == "cpu" else whole(amount)
            cells.append(f"{canonical(amount)} ({_percent(part, total)}%)")
        meta = pod.get("metadata") or {}
        w.write(1, f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t" + "\t".join(cells)
                   + f"\t{since(now, meta.get('creationTimestamp'))}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        _add(reqs, req)
        _add(limits, lim)
    for name in ("cpu", "memory", "ephemeral-storage"):
        cap = qty(allocatable.get(name))
        scale = milli if name == "cpu" else whole
        r, lm = reqs.get(name, Quantity()), limits.get(name, Quantity())
        w.write(1, f"{name}\t{canonical(r)} ({_percent(scale(r), scale(cap))}%)\t"
                   f"{canonical(lm)} ({_percent(scale(lm), scale(cap))}%)\n")
    for name in sorted(n for n in allocatable if n.startswith("hugepages-")):
        cap = whole(qty(allocatable[name]))
        r, lm = reqs.get(name, Quantity()), limits.get(name, Quantity())
        w.write(1, f"{name}\t{canonical(r)} ({_percent(whole(r), cap)}%)\t"
                   f"{canonical(lm)} ({_percent(whole(lm), cap)}%)\n")
    for name in sorted(n for n in allocatable if n not in _STANDARD and not n.startswith("hugepages-")):
        w.write(1, f"{name}\t{canonical(reqs.get(name, Quantity()))}\t{canonical(limits.get(name, Quantity()))}\n")


def describe_namespace(ns: dict) -> str:
    """The text of ``kubectl describe namespace`` (the engine has no quotas or limit ranges)."""
    w = Writer()
    meta = ns.get("metadata") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(ns.get('status') or {}).get('phase') or ''}\n")
    conditions = (ns.get("status") or {}).get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}\t"
                       f"{c.get('reason', '')}\t{c.get('message', '')}\n")
    w.write(0, "\n")
    w.write(0, "No resource quota.\n")
    w.write(0, "\n")
    w.write(0, "No LimitRange resource.\n")
    return w.text()
