"""Probes: every path a connection can take from a source to its targets, as a client sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..engine.objects import internal_ip, name_of
from ..sandbox.aws import ensure_default_group
from ..sandbox.curl import Attempt as Connect
from ..sandbox.curl import Client, outcome_attempt, route
from ..sandbox.curl_http import node_response, pod_ref, pod_response
from ..sandbox.session import Session
from .model import Probe


@dataclass
class Path_:
    """One way the connection can go, with its probability and what the client sees."""

    probability: Fraction
    result: str  # "answers" | "refused" | "times out"
    pod: dict | None = None
    node: str = ""
    client_seen: str = ""
    response: str = ""
    hops: list = field(default_factory=list)
    detail: str = ""

    def broke_at(self, action: str = "") -> str:
        """The hop where the path ended, as "[node] table/chain: rule -> action".

        Args:
            action: prefer the last hop whose action mentions this (e.g. MASQUERADE).
        """
        if not self.hops:
            return self.detail or self.result
        marked = [h for h in self.hops if action and action in h.action]
        hop = marked[-1] if marked else self.hops[-1]
        if marked:
            where = f"{hop.table}/{hop.chain}" if hop.chain else hop.table
            return f"[{hop.node}] {where}: {hop.rule} -> {hop.action}"
        where = f"{hop.table}/{hop.chain}" if hop.chain else hop.table
        text = f"[{hop.node}] {where}: {hop.rule} -> {hop.action}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass
class Target:
    """One destination of a probe, and every path to it."""

    label: str  # "node01 10.0.0.11:31000"
    paths: list[Path_]


@dataclass
class ProbeRun:
    """A probe's outcome: the client's address and each target's paths, or why it could not run."""

    client_ip: str = ""
    targets: list[Target] = field(default_factory=list)
    error: str = ""


def run_probe(session: Session, probe: Probe) -> ProbeRun:
    """Trace the probe through the cluster the session holds (nothing is changed)."""
    cluster = session.cluster
    # The security group in front of the nodes exists from the start, as curl and trace see it.
    ensure_default_group(cluster)
    client = _client(session, probe.source)
    if isinstance(client, str):
        return ProbeRun(error=client)
    targets = _targets(session, probe.target)
    if isinstance(targets, str):
        return ProbeRun(client_ip=client.src, error=targets)
    run = ProbeRun(client_ip=client.src)
    for label, ip, port in targets:
        paths: list[Path_] = []
        routed = route(session, client, ip)
        if isinstance(routed, Connect):
            paths.append(Path_(Fraction(1), _result(routed), detail=f"{ip} is not reachable from {client.src}"))
        else:
            src, dst, via = routed
            report = cluster.trace(src, dst, port, probe.protocol, via)
            if isinstance(report, str):
                return ProbeRun(client_ip=client.src, error=report)
            for out in report.outcomes:
                seen = outcome_attempt(session, out, src, port)
                path = Path_(out.probability, _result(seen), node=out.node, hops=list(out.hops), detail=out.detail)
                if seen.kind == "connected":
                    path.client_seen = (seen.seen or src).rsplit(":", 1)[0]
                    path.response = _response(session, seen, probe.protocol)
                    if seen.endpoint is not None and seen.endpoint.kind == "pod":
                        path.pod = pod_ref(cluster, seen.endpoint.where)
                paths.append(path)
            if not paths:
                paths.append(Path_(Fraction(1), "times out", detail="no path"))
        run.targets.append(Target(label, paths))
    return run


def _result(connect: Connect) -> str:
    return {"connected": "answers", "refused": "refused"}.get(connect.kind, "times out")


def _response(session: Session, seen: Connect, protocol: str) -> str:
    """The HTTP body a GET / would return (empty for non-HTTP servers and other protocols)."""
    if protocol != "TCP" or seen.endpoint is None:
        return ""
    cluster = session.cluster
    endpoint = seen.endpoint
    if endpoint.kind == "pod":
        pod = pod_ref(cluster, endpoint.where)
        resp = None if pod is None else pod_response(cluster, pod, endpoint.port, "GET", "/", f"{seen.seen}:40000")
    else:
        resp = node_response(cluster, endpoint, False, False, "GET", "/")
    body = getattr(resp, "body", "")
    return body if isinstance(body, str) else ""


def _client(session: Session, source: dict) -> Client | str:
    cluster = session.cluster
    if "external" in source:
        return Client(source["external"] or session.client_ip, None)
    if "node" in source:
        node = cluster.api.peek("Node", source["node"], "")
        if node is None:
            return f'probe source: node "{source["node"]}" not found'
        addrs = cluster.net.node_addresses(node)
        return Client(addrs[0] if addrs else internal_ip(node) or "127.0.0.1", source["node"])
    labels = {k: str(v) for k, v in source["pod"].items()}
    pods = sorted((p for p in cluster.api.iter("Pod") if has_labels(p, labels)
                   and (p.get("status") or {}).get("podIP") and not p["metadata"].get("deletionTimestamp")),
                  key=name_of)
    if not pods:
        return f"probe source: no running Pod has the labels {_labels(labels)}"
    pod = pods[0]
    return Client(pod["status"]["podIP"], pod["spec"].get("nodeName"), pod["status"]["podIP"])


def has_labels(obj: dict, labels: dict) -> bool:
    """Whether an object carries every one of the labels (values compared as text)."""
    own = obj["metadata"].get("labels") or {}
    return all(own.get(k) == str(v) for k, v in labels.items())


def _labels(labels: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _targets(session: Session, target: dict) -> list[tuple[str, str, int]] | str:
    cluster = session.cluster
    if "service" in target:
        svc = cluster.api.peek("Service", target["service"], "default")
        if svc is None:
            return f'services "{target["service"]}" not found'
        ip = svc["spec"].get("clusterIP")
        port = _service_port(svc, target["port"], node_port=False)
        if not ip or ip == "None" or isinstance(port, str):
            return port if isinstance(port, str) else f'service "{target["service"]}" has no clusterIP'
        return [(f"service {target['service']} {ip}:{port}", ip, port)]
    port = target["port"]
    if isinstance(port, dict):
        svc = cluster.api.peek("Service", port["service"], "default")
        if svc is None:
            return f'services "{port["service"]}" not found'
        port = _service_port(svc, port.get("port"), node_port=True)
        if isinstance(port, str):
            return port
    if "address" in target:
        return [(f"{target['address']}:{port}", target["address"], port)]
    nodes = sorted(cluster.api.iter("Node"), key=name_of)
    wanted = target.get("nodes", [target.get("node")])
    if wanted != "all":
        known = {name_of(n): n for n in nodes}
        missing = [n for n in wanted if n not in known]
        if missing:
            return f'nodes "{missing[0]}" not found'
        nodes = [known[n] for n in wanted]
    out = []
    for node in nodes:
        ip = internal_ip(node)
        if ip:
            out.append((f"{name_of(node)} {ip}:{port}", ip, port))
    return out or "no node has an InternalIP"


def _service_port(svc: dict, which, node_port: bool) -> int | str:
    """The Service port whose `port` is ``which`` (the only one when None): its port, or its nodePort."""
    name = name_of(svc)
    ports = svc["spec"].get("ports") or []
    if which is not None:
        ports = [p for p in ports if p.get("port") == which]
    if not ports:
        return f'service "{name}" has no port {which}' if which is not None else f'service "{name}" has no ports'
    if not node_port:
        return int(ports[0]["port"])
    if len(ports) > 1:
        return f'service "{name}" has several ports: say which, e.g. {{service: {name}, port: {ports[0].get("port")}}}'
    value = ports[0].get("nodePort")
    return int(value) if value else f'service "{name}" has no nodePort (type {svc["spec"].get("type", "ClusterIP")})'
