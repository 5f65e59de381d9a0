"""The data plane: each node's kube-proxy rules, the routed pod network, and the packet tracer.

The tracer executes the very rules ``iptables-save`` shows for a node (through the
interpreter); routing between nodes, source NAT addresses and the sockets that answer are
the only things modelled outside those rules.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from . import images
from .objects import condition, is_terminating, name_of, namespace_of
from .proxy import NodeFacts, NodeProxier, ProxyConfig, render_ipvs
from .proxy.interpreter import LOCAL, NETWORK, NodeRouting, Packet, trace as run_rules
from .proxy.rules import Ruleset, parse_ruleset

if TYPE_CHECKING:
    from .cluster import Cluster

_LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
# Sockets every kubeadm node has open, and the control plane's extra ones.
_NODE_PORTS = {22: "sshd", 10250: "kubelet", 10256: "kube-proxy healthz"}
_CONTROL_PLANE_PORTS = {6443: "kube-apiserver", 2379: "etcd", 2380: "etcd"}
# Above this many Services, a node that only receives a forwarded packet runs the rules of
# the Services that could match it, instead of rendering its whole ruleset.
FULL_RENDER_LIMIT = 1000


@dataclass
class Hop:
    """One step on a packet's path: a rule that matched, or a routing or delivery step."""

    node: str
    table: str
    chain: str
    rule: str
    action: str

    def to_json(self) -> dict:
        """The hop as a JSON object."""
        return {"node": self.node, "table": self.table, "chain": self.chain, "rule": self.rule, "action": self.action}


@dataclass
class PathOutcome:
    """One possible fate of the packet, with its probability."""

    probability: Fraction
    verdict: str
    dnat: str | None
    masquerade: bool
    pod: str | None
    node: str
    source_seen: str | None
    hops: list[Hop] = field(default_factory=list)
    detail: str = ""
    #: The "ip:port" the packet finally reached (after every node's DNAT), if it got anywhere.
    target: str | None = None

    def to_json(self) -> dict:
        """The outcome as the trace CLI's JSON prints it."""
        return {
            "target": self.target,
            "probability": round(float(self.probability), 10),
            "verdict": self.verdict,
            "dnat": self.dnat,
            "masquerade": self.masquerade,
            "pod": self.pod,
            "node": self.node,
            "source_seen": self.source_seen,
            "detail": self.detail,
            "hops": [h.to_json() for h in self.hops],
        }


@dataclass
class TraceReport:
    """A traced packet and every outcome."""

    src: str
    dst: str
    port: int
    protocol: str
    entry_node: str
    origin: str  # "external", "pod", "node", "localhost"
    outcomes: list[PathOutcome]

    def to_json(self) -> dict:
        """{"packet": {...}, "outcomes": [...]}."""
        return {
            "packet": {"src": self.src, "dst": self.dst, "port": self.port, "protocol": self.protocol,
                       "entry_node": self.entry_node, "origin": self.origin},
            "outcomes": [o.to_json() for o in self.outcomes],
        }

    def explain(self) -> str:
        """A readable, hop-by-hop account of every outcome."""
        src_words = {"external": "an external client", "pod": "a Pod", "node": "the node itself",
                     "localhost": "localhost on the node"}[self.origin]
        lines = [f"Packet {self.src} -> {self.dst}:{self.port}/{self.protocol} from {src_words}, "
                 f"entering {self.entry_node}.", ""]
        for i, out in enumerate(self.outcomes, 1):
            head = f"Outcome {i} of {len(self.outcomes)}: probability {_fmt_prob(out.probability)}, {out.verdict.upper()}"
            lines.append(head)
            if out.detail:
                lines.append(f"  {out.detail}")
            for hop in out.hops:
                where = f"{hop.table}/{hop.chain}" if hop.chain else hop.table
                lines.append(f"  [{hop.node}] {where}: {hop.rule}")
                lines.append(f"      -> {hop.action}")
            facts = []
            if out.dnat:
                facts.append(f"DNAT to {out.dnat}")
            facts.append("source NATed (masquerade)" if out.masquerade else "source not rewritten")
            if out.source_seen:
                facts.append(f"the receiver sees source {out.source_seen}")
            lines.append("  " + "; ".join(facts) + ".")
            lines.append("")
        return "\n".join(lines)


def _fmt_prob(p: Fraction) -> str:
    return "1" if p == 1 else f"{float(p):.4f} (~{p.numerator}/{p.denominator})" if p.denominator <= 64 else f"{float(p):.4f}"


@dataclass
class _NodeView:
    facts: NodeFacts
    config: ProxyConfig
    proxier: NodeProxier | None
    version: tuple[int, ...] = ()
    text: str = ""
    ruleset: Ruleset | None = None


class DataPlane:
    """Per-node kube-proxy state, kept in step with the cluster, and the packet tracer."""

    def __init__(self, cluster: "Cluster") -> None:
        self.cluster = cluster
        self._views: dict[str, _NodeView] = {}
        self._receiving: dict[tuple, Ruleset] = {}
        self._svc_index: tuple | None = None
        self._index_version: tuple[int, ...] = ()
        self._pods_version: tuple[int, ...] = ()
        self._node_of_ip: dict[str, dict] = {}
        self._pod_of_ip: dict[str, dict] = {}
        self._addresses: dict[str, list[str]] = {}
        self._routing: dict[str, NodeRouting] = {}

    def _index(self) -> None:
        """Rebuild the node address indexes when Nodes have changed since the last lookup."""
        api = self.cluster.api
        version = api.version("Node")
        if self._index_version == version:
            return
        self._node_of_ip, self._addresses, self._routing = {}, {}, {}
        for node in api.iter("Node"):
            addrs = self._compute_addresses(node)
            self._addresses[name_of(node)] = addrs
            for ip in addrs:
                self._node_of_ip.setdefault(ip, node)
        self._index_version = version

    def _pod_index(self) -> dict[str, dict]:
        """Pods by IP, rebuilt when Pods have changed."""
        api = self.cluster.api
        version = api.version("Pod")
        if self._pods_version != version:
            self._pod_of_ip = {}
            for pod in api.iter("Pod"):
                status = pod.get("status") or {}
                ip = status.get("podIP")
                if ip and status.get("phase") not in ("Succeeded", "Failed"):
                    self._pod_of_ip.setdefault(ip, pod)
            self._pods_version = version
        return self._pod_of_ip

    # ----------------------------------------------------------------- addresses

    def node_addresses(self, node: dict) -> list[str]:
        """The node's own IPv4 addresses: its InternalIPs and ExternalIPs, then cni0's gateway."""
        self._index()
        cached = self._addresses.get(name_of(node))
        return cached if cached is not None else self._compute_addresses(node)

    def _compute_addresses(self, node: dict) -> list[str]:
        out = []
        for addr in (node.get("status") or {}).get("addresses") or []:
            if addr.get("type") in ("InternalIP", "ExternalIP"):
                ip = addr.get("address", "")
                if _is_v4(ip) and ip not in out:
                    out.append(ip)
        gw = self.bridge_address(node)
        if gw and gw not in out:
            out.append(gw)
        return out

    @staticmethod
    def bridge_address(node: dict) -> str | None:
        """cni0's address: the first address of the node's pod CIDR, the Pods' gateway."""
        cidr = (node.get("spec") or {}).get("podCIDR")
        if not cidr:
            return None
        try:
            return str(ipaddress.ip_network(cidr, strict=False).network_address + 1)
        except ValueError:
            return None

    def node_by_address(self, ip: str) -> dict | None:
        """The node that owns an address, if any."""
        self._index()
        return self._node_of_ip.get(ip)

    def pod_by_ip(self, ip: str) -> dict | None:
        """The running (or terminating) Pod with this IP, if any."""
        return self._pod_index().get(ip)

    # ----------------------------------------------------------------- rules

    def _facts(self, node: dict) -> NodeFacts:
        """What this node's kube-proxy knows about it: its addresses and pod CIDRs."""
        return NodeFacts.from_node(node, secondary_addresses=self.node_addresses(node)[1:])

    def _config(self) -> ProxyConfig:
        """kube-proxy's configuration, with upstream's defaults."""
        return ProxyConfig.from_dict(self.cluster.kube_proxy)

    def _view(self, node_name: str) -> _NodeView:
        api = self.cluster.api
        node = api.peek("Node", node_name, "")
        if node is None:
            raise KeyError(node_name)
        facts = self._facts(node)
        config = self._config()
        view = self._views.get(node_name)
        if view is None or view.facts != facts or view.config != config:
            proxier = NodeProxier(facts, config) if config.mode == "iptables" else None
            view = self._views[node_name] = _NodeView(facts, config, proxier)
        version = api.version("Service", "EndpointSlice")
        if view.version != version and view.proxier is not None:
            text = view.proxier.sync(api.objects["Service"].values(), api.objects["EndpointSlice"].values())
            if text is not view.text:
                if view.ruleset is not None:
                    view.ruleset.release()
                view.text, view.ruleset = text, None
            view.version = version
        return view

    def mode(self) -> str:
        """kube-proxy's mode: "iptables" or "ipvs"."""
        return self._config().mode

    def iptables_save(self, node_name: str) -> str:
        """What ``iptables-save`` prints on the node (nat, filter and mangle)."""
        return self._view(node_name).text

    def ipvsadm(self, node_name: str) -> str:
        """What ``ipvsadm -Ln`` prints on the node (empty table in iptables mode)."""
        api = self.cluster.api
        node = api.peek("Node", node_name, "")
        if node is None:
            raise KeyError(node_name)
        return render_ipvs(self._facts(node), self._config(), list(api.iter("Service")), list(api.iter("EndpointSlice")))

    def ruleset(self, node_name: str) -> Ruleset:
        """The node's rules, parsed (cached until they change)."""
        view = self._view(node_name)
        if view.ruleset is None:
            view.ruleset = parse_ruleset(view.text, lazy=True)
        return view.ruleset

    def receiving_ruleset(self, node: dict, dst: str, dport: int) -> Ruleset:
        """The rules a node runs on a packet forwarded to it from another node.

        In a small cluster (or when the node's rules are already rendered) that is the
        node's whole ruleset. In a large one it is the same renderer's output for only the
        Services whose rules can match this packet: those that own ``dst`` (a clusterIP,
        externalIP or load-balancer IP), or, when ``dst`` is the node's own, those with
        ``dport`` as a nodePort or healthCheckNodePort. Every other Service's rules match
        on addresses and ports this packet does not have.
        """
        api = self.cluster.api
        name = name_of(node)
        view = self._views.get(name)
        if len(api.objects["Service"]) <= FULL_RENDER_LIMIT or (
                view is not None and view.version == api.version("Service", "EndpointSlice")):
            return self.ruleset(name)
        local = dst in self.node_addresses(node) or ipaddress.ip_address(dst) in _LOOPBACK
        by_ip, by_port, slices_of = self._service_index()
        chosen = list({id(s): s for s in by_ip.get(dst, []) + (by_port.get(dport, []) if local else [])}.values())
        keys = {(namespace_of(s), name_of(s)) for s in chosen}
        slices = [es for k in sorted(keys) for es in slices_of.get(k, [])]
        config = self._config()
        key = (name, tuple(sorted(keys)), api.version("Service", "EndpointSlice", "Node"), config)
        cached = self._receiving.get(key)
        if cached is None:
            text = NodeProxier(self._facts(node), config).sync(chosen, slices)
            if len(self._receiving) > 64:
                self._receiving.clear()
            cached = self._receiving[key] = parse_ruleset(text)
        return cached

    def _service_index(self) -> tuple[dict[str, list[dict]], dict[int, list[dict]], dict[tuple[str, str], list[dict]]]:
        """Services by the addresses they own and by their node ports; slices by Service."""
        api = self.cluster.api
        version = api.version("Service", "EndpointSlice")
        if self._svc_index is not None and self._svc_index[0] == version:
            return self._svc_index[1]
        by_ip: dict[str, list[dict]] = {}
        by_port: dict[int, list[dict]] = {}
        for svc in api.objects["Service"].values():
            spec = svc["spec"]
            owned = set(spec.get("clusterIPs") or [spec.get("clusterIP")]) | set(spec.get("externalIPs") or [])
            owned |= {i.get("ip") for i in (svc.get("status") or {}).get("loadBalancer", {}).get("ingress") or []}
            for ip in owned:
                by_ip.setdefault(ip, []).append(svc)
            for port in {p.get("nodePort") for p in spec.get("ports") or []} | {spec.get("healthCheckNodePort")}:
                if port:
                    by_port.setdefault(port, []).append(svc)
        slices_of: dict[tuple[str, str], list[dict]] = {}
        for es in api.objects["EndpointSlice"].values():
            owner = (es["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
            if owner:
                slices_of.setdefault((namespace_of(es), owner), []).append(es)
        self._svc_index = (version, (by_ip, by_port, slices_of))
        return by_ip, by_port, slices_of

    def routing(self, node: dict) -> NodeRouting:
        """The node's addresses and routes: own pod CIDR on cni0, loopback on lo, the rest via eth0."""
        self._index()
        cached = self._routing.get(name_of(node))
        if cached is None:
            cached = self._routing[name_of(node)] = self._compute_routing(node)
        return cached

    def _compute_routing(self, node: dict) -> NodeRouting:
        addrs = self.node_addresses(node)
        cidr = (node.get("spec") or {}).get("podCIDR")
        pod_net = ipaddress.ip_network(cidr, strict=False) if cidr else None
        local = set(addrs)

        def route(dst: str) -> str:
            ip = ipaddress.ip_address(dst)
            if dst in local or ip in _LOOPBACK:
                return "lo"
            if pod_net is not None and ip in pod_net:
                return "cni0"
            return "eth0"

        gw = self.bridge_address(node)
        ifaces = {"eth0": [a for a in addrs if a != gw], "lo": ["127.0.0.1"]}
        if gw:
            ifaces["cni0"] = [gw]
        return NodeRouting(local_addresses=addrs, route=route, interface_addresses=ifaces)

    # ----------------------------------------------------------------- tracing

    def trace(self, src: str, dst: str, port: int, protocol: str = "TCP", via: str | None = None) -> TraceReport | str:
        """Trace a new connection from ``src`` to ``dst:port`` through the cluster.

        Returns:
            The report, or an error message for an impossible request.
        """
        api = self.cluster.api
        protocol = protocol.upper()
        if protocol not in ("TCP", "UDP", "SCTP"):
            return f'unsupported protocol "{protocol}": must be TCP, UDP or SCTP'
        for label, ip in (("source", src), ("destination", dst)):
            if not _is_v4(ip):
                return f"invalid {label} address {ip!r}: an IPv4 address is required"
        if not 0 < port < 65536:
            return f"invalid port {port}: must be between 1 and 65535"
        if via is not None and api.peek("Node", via, "") is None:
            return f'node "{via}" not found'
        if self._config().mode != "iptables":
            return f'kube-proxy runs in "{self._config().mode}" mode: the tracer follows iptables rules only'
        src_node = self.node_by_address(src)
        # A node's own address wins: hostNetwork Pods share it and are the node's stack.
        src_pod = self.pod_by_ip(src) if src_node is None else None
        dst_node = self.node_by_address(dst)
        loopback = ipaddress.ip_address(src) in _LOOPBACK
        if src_pod is not None:
            origin, entry = "pod", src_pod["spec"].get("nodeName") or ""
            if api.peek("Node", entry, "") is None:
                return (f'Pod {namespace_of(src_pod)}/{name_of(src_pod)} has source {src} but is bound to '
                        f'node "{entry}", which does not exist')
        elif src_node is not None:
            origin, entry = "node", name_of(src_node)
        elif loopback:
            origin, entry = "localhost", via or (name_of(dst_node) if dst_node else self._default_via())
        else:
            origin, entry = "external", name_of(dst_node) if dst_node else (via or self._default_via())
        if not entry:
            return "no Ready node to send the packet to"
        report = TraceReport(src, dst, port, protocol, entry, origin, [])
        proto = protocol.lower()
        node = api.peek("Node", entry, "")
        if origin == "pod" and dst == src:
            report.outcomes.append(self._deliver_to_pod(src_pod, port, protocol, src, [], Fraction(1), None, False, entry,
                                                        touched=False))
            return report
        if origin == "external":
            ok, why = self.cluster.firewall.admits(entry, proto, port, src)
            if not ok:
                hop = Hop(entry, "security-group", "", why, "DROP (the client times out)")
                report.outcomes.append(PathOutcome(Fraction(1), "dropped", None, False, None, entry, None, [hop],
                                                   "A security group in front of the node drops the packet."))
                return report
        if condition(node, "Ready") != "True":
            report.outcomes.append(PathOutcome(Fraction(1), "dropped", None, False, None, entry, None, [],
                                               f"Node {entry} is not Ready: nothing on it answers."))
            return report
        packet = Packet(src, dst, port, proto, in_iface=None if origin in ("node", "localhost") else
                        ("cni0" if origin == "pod" else "eth0"))
        report.outcomes.extend(self._walk(node, packet, LOCAL if origin in ("node", "localhost") else NETWORK,
                                          Fraction(1), [], None))
        return report

    def _default_via(self) -> str:
        for node in self.cluster.api.iter("Node"):
            if condition(node, "Ready") == "True":
                return name_of(node)
        return ""

    def _walk(self, node: dict, packet: Packet, origin: str, prob: Fraction, hops: list[Hop],
              entry: tuple[str | None, bool, bool] | None, depth: int = 0) -> list[PathOutcome]:
        """Run one node's rules on the packet, then deliver it here or carry it to the next node.

        Args:
            entry: what the entry node's rules did (dnat, masquerade, touched); None on the entry node.
        """
        name = name_of(node)
        rules = self.ruleset(name) if entry is None else self.receiving_ruleset(node, packet.dst, packet.dport)
        traced = run_rules(rules, packet, self.routing(node), origin=origin)
        results: list[PathOutcome] = []
        for out in traced.outcomes:
            p = prob * out.probability
            path = hops + [Hop(name, h.table, h.chain, h.rule, h.action) for h in out.hops
                           if h.matched and not (h.table == "mangle" and h.action == "policy ACCEPT")]
            touched_here = out.dnat is not None or out.source_nat is not None or any(
                h.chain.startswith("KUBE-") and not h.action.startswith(("jump", "goto", "RETURN", "continue", "policy"))
                for h in out.hops if h.matched)
            if entry is None:
                dnat, masq, touched = out.dnat, out.source_nat is not None, touched_here
            else:
                dnat, masq, touched = entry[0], entry[1], entry[2] or touched_here
            if out.verdict == "drop":
                results.append(PathOutcome(p, "dropped", dnat, masq, None, name, None, path,
                                           "A DROP rule discards the packet: the client times out."))
                continue
            if out.verdict == "reject":
                results.append(PathOutcome(p, "rejected", dnat, masq, None, name, None, path,
                                           f"A REJECT rule answers with {out.reject_with or 'icmp-port-unreachable'}: "
                                           "the client's connection is refused at once."))
                continue
            final = out.packet
            seen = self._source_seen(node, out, packet.src)
            target = f"{final.dst}:{final.dport}"
            if out.delivery == "local" or final.dst in self.node_addresses(node) or \
                    ipaddress.ip_address(final.dst) in _LOOPBACK:
                results.append(self._deliver_to_node(node, final.dport, p, dnat, masq, seen, path, touched,
                                                     final.proto.upper()))
                results[-1].target = target
                continue
            if ipaddress.ip_address(seen) in _LOOPBACK:
                results.append(PathOutcome(p, "dropped", dnat, masq, None, name, None, path,
                                           "A packet from 127.0.0.1 may not leave the node unmasqueraded "
                                           "(martian source)."))
                continue
            pod = self.pod_by_ip(final.dst)
            next_node = (self.cluster.api.peek("Node", pod["spec"].get("nodeName") or "", "") if pod is not None
                         else self.node_by_address(final.dst))
            if next_node is None:
                results.append(PathOutcome(p, "dropped" if touched else "unmatched", dnat, masq, None, name, seen,
                                           path, f"No Pod or node has {final.dst}: the packet leaves for the "
                                           "default route and nothing answers."))
                continue
            if next_node is node:
                results.append(self._deliver_to_pod(pod, final.dport, final.proto.upper(), seen, path, p, dnat,
                                                    masq, name, touched))
                results[-1].target = target
                continue
            if out.dnat is not None and out.source_nat is None and not self._replies_return_here(node, seen):
                # The endpoint answers ``seen`` straight back (host-gw routes); the reply never
                # crosses this node, so conntrack here cannot undo the DNAT and the client's
                # node drops the SYN-ACK as INVALID (kubernetes/kubernetes#74383).
                results.append(PathOutcome(p, "dropped", dnat, masq, None, name, seen, path,
                                           f"{name} DNATs to {out.dnat} on another node without SNAT: the reply "
                                           f"goes straight back to {seen}, bypassing {name}, and the connection "
                                           "times out (asymmetric return path)."))
                continue
            nname = name_of(next_node)
            path.append(Hop(name, "routing", "", f"{final.dst} via {self._primary(next_node)} dev eth0",
                            f"forward to {nname}"))
            if condition(next_node, "Ready") != "True" or depth >= 3:
                why = (f"Node {nname} is not Ready: the packet is lost and the client times out."
                       if depth < 3 else "The packet keeps being forwarded between nodes (a routing loop): it is lost.")
                results.append(PathOutcome(p, "dropped", dnat, masq, None, nname, seen, path, why))
                continue
            # The next node sees a new flow arriving on eth0 and runs its own rules on it.
            results.extend(self._walk(next_node, Packet(seen, final.dst, final.dport, final.proto, in_iface="eth0"),
                                      NETWORK, p, path, (dnat, masq, touched), depth + 1))
        return results

    def _deliver_to_pod(self, pod: dict, port: int, protocol: str, seen: str | None, hops: list[Hop],
                        prob: Fraction, dnat: str | None, masq: bool, node_name: str, touched: bool) -> PathOutcome:
        ref = f"{namespace_of(pod)}/{name_of(pod)}"
        listener = None
        for container in pod["spec"].get("containers") or []:
            listener = images.listening(container, port, protocol)
            if listener is not None:
                break
        if listener is not None:
            verdict = "delivered" if touched else "unmatched"
            hops = hops + [Hop(node_name, "pod", ref, f"{listener.server} listening on {port}/{protocol}",
                               "ACCEPT (connection established)")]
            state = " (terminating, still serving)" if is_terminating(pod) else ""
            detail = f"Pod {ref}{state} on {node_name} accepts the connection on port {port}."
        else:
            verdict = "refused" if touched else "unmatched"
            hops = hops + [Hop(node_name, "pod", ref, f"nothing listens on {port}/{protocol}", "RST (connection refused)")]
            detail = f"Pod {ref} on {node_name} has nothing listening on port {port}: the connection is refused."
        return PathOutcome(prob, verdict, dnat, masq, ref, node_name, seen, hops, detail)

    def _deliver_to_node(self, node: dict, port: int, prob: Fraction, dnat: str | None, masq: bool,
                         seen: str | None, hops: list[Hop], touched: bool, protocol: str = "TCP") -> PathOutcome:
        name = name_of(node)
        listener = self.node_listener(node, port, protocol)
        if listener:
            hops = hops + [Hop(name, "host", "", f"{listener} listening on {port}", "ACCEPT (connection established)")]
            return PathOutcome(prob, "delivered" if touched else "unmatched", dnat, masq, None, name, seen, hops,
                               f"{listener} on {name} accepts the connection on port {port}.")
        hops = hops + [Hop(name, "host", "", f"nothing listens on {port}", "RST (connection refused)")]
        return PathOutcome(prob, "refused" if touched else "unmatched", dnat, masq, None, name, seen, hops,
                           f"Nothing on {name} listens on port {port}: the connection is refused.")

    def node_listener(self, node: dict, port: int, protocol: str = "TCP") -> str | None:
        """The process on the node that listens on a port, if any (all of them are TCP)."""
        if protocol.upper() != "TCP":
            return None
        if port in _NODE_PORTS:
            return _NODE_PORTS[port]
        if "node-role.kubernetes.io/control-plane" in (node["metadata"].get("labels") or {}) and port in _CONTROL_PLANE_PORTS:
            return _CONTROL_PLANE_PORTS[port]
        for svc in self._service_index()[1].get(port, []):
            if svc["spec"].get("healthCheckNodePort") == port:
                return "kube-proxy (health check for " + f"{namespace_of(svc)}/{name_of(svc)})"
        return None

    def _source_seen(self, node: dict, out, src: str) -> str:
        if out.source_nat is None:
            return src
        if out.source_nat.to_source:
            return out.source_nat.to_source.split(":")[0]
        iface = out.packet.out_iface or "eth0"
        if iface == "cni0":
            return self.bridge_address(node) or self._primary(node)
        if iface == "lo":
            return "127.0.0.1"
        return self._primary(node)

    def _replies_return_here(self, node: dict, ip: str) -> bool:
        """Whether a reply to ``ip`` from another node is routed back through ``node``: it is
        one of the node's addresses or in its pod CIDR."""
        if ip in self.node_addresses(node):
            return True
        cidr = (node.get("spec") or {}).get("podCIDR")
        return bool(cidr) and ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)

    @staticmethod
    def _primary(node: dict) -> str:
        for addr in (node.get("status") or {}).get("addresses") or []:
            if addr.get("type") == "InternalIP" and _is_v4(addr.get("address", "")):
                return addr["address"]
        return ""


def _is_v4(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).version == 4
    except ValueError:
        return False
