"""A plain-text overview of a cluster: nodes, Services and Pods in kubectl-like columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .objects import condition, internal_ip, is_terminating, name_of, namespace_of

if TYPE_CHECKING:
    from .cluster import Cluster


def table(rows: list[list[str]]) -> str:
    """Columns padded like kubectl's tabwriter (three spaces between columns)."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("   ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)


def service_ports(svc: dict) -> str:
    """PORT(S) as kubectl prints it: 80:30080/TCP, or 80/TCP without a nodePort."""
    parts = []
    for p in (svc.get("spec") or {}).get("ports") or []:
        node = f":{p['nodePort']}" if p.get("nodePort") else ""
        parts.append(f"{p.get('port')}{node}/{p.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def summary(cluster: "Cluster") -> str:
    """Nodes, Services and Pods of every namespace, or why the apiserver is down."""
    api = cluster.api
    out = []
    if not api.up:
        out.append(f"kube-apiserver is not running: {api.crash_log}\n\n")
    nodes = [["NAME", "STATUS", "ROLES", "INTERNAL-IP", "POD-CIDR"]]
    for n in api.iter("Node"):
        status = "Ready" if condition(n, "Ready") == "True" else "NotReady"
        if (n.get("spec") or {}).get("unschedulable"):
            status += ",SchedulingDisabled"
        roles = ",".join(sorted(k.split("/", 1)[1] for k in ((n.get("metadata") or {}).get("labels") or {})
                                if k.startswith("node-role.kubernetes.io/"))) or "<none>"
        nodes.append([name_of(n), status, roles, internal_ip(n) or "<none>",
                      (n.get("spec") or {}).get("podCIDR", "<none>")])
    out.append(table(nodes))
    svcs = [["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "PORT(S)"]]
    for s in api.iter("Service"):
        spec = s.get("spec") or {}
        svcs.append([namespace_of(s), name_of(s), spec.get("type", "ClusterIP"), spec.get("clusterIP", "<none>"),
                     service_ports(s)])
    out.append("\n" + table(svcs))
    pods = [["NAMESPACE", "NAME", "READY", "STATUS", "IP", "NODE"]]
    for p in api.iter("Pod"):
        status = "Terminating" if is_terminating(p) else (p.get("status") or {}).get("phase", "Pending")
        ready = "1/1" if condition(p, "Ready") == "True" else "0/1"
        pods.append([namespace_of(p), name_of(p), ready, status, (p.get("status") or {}).get("podIP", "<none>"),
                     (p.get("spec") or {}).get("nodeName", "<none>")])
    out.append("\n" + table(pods))
    return "".join(out)
