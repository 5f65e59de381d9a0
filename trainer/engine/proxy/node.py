"""What kube-proxy knows about the node it runs on, and what the node's kernel offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .config import ProxyConfig, parse_cidr, parse_ip

ZONE_LABEL = "topology.kubernetes.io/zone"
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class NodeFacts:
    """One node as seen by its kube-proxy.

    Attributes:
        name: the Node name (endpoints with this nodeName are local).
        internal_ip: the primary node IP (first InternalIP), kube-proxy's nodeIP.
        external_ip: an ExternalIP that is configured on a local interface, if any.
        secondary_addresses: other local addresses (cni0, flannel.1, docker0, ...).
        pod_cidrs: spec.podCIDRs (used by detectLocalMode NodeCIDR).
        labels: the Node's labels (topology.kubernetes.io/zone drives topology hints).
        kubelet_iptables: the kubelet's own chains exist (KUBE-FIREWALL, canaries,
            KUBE-IPTABLES-HINT); true on any kubeadm node.
        nfacct: the kernel has nfnetlink_acct + xt_nfacct, so kube-proxy's nfacct
            counters were created and its ``-m nfacct`` rules are written.
        conntrack_tcp_be_liberal: net.netfilter.nf_conntrack_tcp_be_liberal is set, in
            which case kube-proxy skips its INVALID-drop rule.
        random_fully: iptables supports ``--random-fully`` (any iptables >= 1.6.2).
    """

    name: str
    internal_ip: str
    external_ip: str = ""
    secondary_addresses: tuple[str, ...] = ()
    pod_cidrs: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    kubelet_iptables: bool = True
    nfacct: bool = True
    conntrack_tcp_be_liberal: bool = False
    random_fully: bool = True

    @classmethod
    def from_node(cls, node: Mapping[str, Any], secondary_addresses: Iterable[str] = (), **facts: Any) -> "NodeFacts":
        """Build the facts from a Node dict (status.addresses, spec.podCIDR(s), labels).

        Args:
            node: the Node object.
            secondary_addresses: extra local addresses of the node's interfaces.
            **facts: overrides for the kernel/tool fields (nfacct, kubelet_iptables, ...).
        """
        meta = node.get("metadata") or {}
        spec = node.get("spec") or {}
        internal = external = ""
        for addr in (node.get("status") or {}).get("addresses") or ():
            ip = parse_ip(addr.get("address", ""))
            if ip is None or ip.version != 4:
                continue
            if addr.get("type") == "InternalIP" and not internal:
                internal = str(ip)
            elif addr.get("type") == "ExternalIP" and not external:
                external = str(ip)
        cidrs = tuple(spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else []))
        return cls(
            name=meta.get("name", ""),
            internal_ip=internal or external,
            external_ip=external if internal else "",
            secondary_addresses=tuple(secondary_addresses),
            pod_cidrs=cidrs,
            labels=dict(meta.get("labels") or {}),
            **facts,
        )

    @property
    def zone(self) -> str:
        """The node's topology zone label, or empty."""
        return self.labels.get(ZONE_LABEL, "")

    def local_ipv4(self) -> list[str]:
        """All IPv4 addresses on the node's interfaces except kube-ipvs0, loopback included."""
        seen: list[str] = []
        for text in (LOOPBACK, self.internal_ip, self.external_ip, *self.secondary_addresses):
            ip = parse_ip(text) if text else None
            if ip is not None and ip.version == 4 and str(ip) not in seen:
                seen.append(str(ip))
        return seen


@dataclass(frozen=True)
class NodePortAddresses:
    """proxyutil.NodePortAddresses for the IPv4 family.

    Attributes:
        cidrs: the IPv4 CIDRs (0.0.0.0/0 when none of the family was given).
        match_all: true when the zero CIDR is among them (nodePortAddresses unset).
        contains_loopback: some CIDR covers 127.0.0.0.
    """

    cidrs: tuple[Any, ...]
    match_all: bool
    contains_loopback: bool

    @classmethod
    def build(cls, config: ProxyConfig, node: NodeFacts) -> "NodePortAddresses":
        """Resolve ``primary`` to the node IP (as the server does) and keep IPv4 CIDRs.

        As upstream, when no IPv4 CIDR is given (empty list, or IPv6-only CIDRs) the
        IPv4 proxier falls back to 0.0.0.0/0, i.e. every local address.
        """
        strings = list(config.node_port_addresses)
        if strings == ["primary"]:
            ip = parse_ip(node.internal_ip) if node.internal_ip else None
            strings = [f"{ip}/32"] if ip is not None and not ip.is_loopback else []
        pairs = [(s, parse_cidr(s)) for s in strings]
        pairs = [(s, n) for s, n in pairs if n is not None and n.version == 4]
        if not pairs:
            pairs = [("0.0.0.0/0", parse_cidr("0.0.0.0/0"))]
        cidrs: list[Any] = []
        loopback = match_all = False
        lo = parse_ip("127.0.0.0")
        for text, net in pairs:
            if net.network_address.is_loopback or lo in net:
                loopback = True
            # Upstream's IsZeroCIDR is a plain string comparison.
            if text == "0.0.0.0/0":
                cidrs, match_all = [net], True
                break
            cidrs.append(net)
        return cls(tuple(cidrs), match_all, loopback)

    def node_ips(self, addresses: Iterable[str]) -> list[str]:
        """The local addresses inside the CIDRs (GetNodeIPs), sorted numerically.

        Upstream returns them in map order; sorting makes the output deterministic.
        """
        found = {str(ip) for ip in (parse_ip(a) for a in addresses) if ip is not None and any(ip in c for c in self.cidrs)}
        return sorted(found, key=lambda a: tuple(int(p) for p in a.split(".")))
