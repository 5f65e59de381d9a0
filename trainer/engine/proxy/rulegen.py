"""Per-service-port iptables rules, written the way kube-proxy v1.32's syncProxyRules writes them."""

# Every rule is emitted directly in iptables-save's canonical form (-s, -d, -i, -p, then the
# matches in kube-proxy's order, then -j, with quoted comments and normalised targets), so
# the text equals what `iptables-save` prints after kube-proxy's `iptables-restore`. Where
# iptables-save rewrites an argument, the comment next to it says how.

from __future__ import annotations

from dataclasses import dataclass

from .config import LocalDetector
from .iptsave import save_string
from .names import EXT_PREFIX, FW_PREFIX, SVC_PREFIX, SVL_PREFIX, endpoint_chain_name, probability
from .snapshot import Endpoint, ServicePort, categorize

MARK_MASQ = "KUBE-MARK-MASQ"
# iptables-save spells out REJECT's default.
REJECT = "REJECT --reject-with icmp-port-unreachable"
LOCALHOST_NODEPORT_COUNTER = "localhost_nps_accepted_pkts"


@dataclass(frozen=True)
class NodeContext:
    """The per-node constants the rules depend on.

    Attributes:
        detector: the local-traffic detector, None when kube-proxy has none (no-op).
        masquerade_all: iptables.masqueradeAll.
        localhost_node_ports: effective localhostNodePorts (false when nodePortAddresses
            excludes loopback).
        nfacct: kube-proxy's nfacct counters exist on this node.
        node_ip: kube-proxy's node IP (for loadBalancerSourceRanges that cover the node).
        zone: the node's zone label (topology hints).
    """

    detector: LocalDetector | None
    masquerade_all: bool
    localhost_node_ports: bool
    nfacct: bool
    node_ip: str
    zone: str


@dataclass
class TopRules:
    """The rules a service port adds to the shared chains (always rewritten on every sync).

    Attributes:
        nat_services: nat KUBE-SERVICES lines.
        nat_nodeports: nat KUBE-NODEPORTS lines.
        filter_services: filter KUBE-SERVICES lines (REJECT/DROP for the cluster IP).
        filter_external: filter KUBE-EXTERNAL-SERVICES lines.
        filter_nodeports: filter KUBE-NODEPORTS lines (health check node port).
        filter_firewall: filter KUBE-PROXY-FIREWALL lines.
    """

    nat_services: str = ""
    nat_nodeports: str = ""
    filter_services: str = ""
    filter_external: str = ""
    filter_nodeports: str = ""
    filter_firewall: str = ""


@dataclass
class PortPlan:
    """Everything decided for one service port before any text is written.

    Attributes:
        svc: the service port.
        name: its ServicePortName string.
        proto: the lower-case protocol.
        cluster_chain: KUBE-SVC-<hash>.
        local_chain: KUBE-SVL-<hash>.
        ext_chain: KUBE-EXT-<hash>.
        fw_chain: KUBE-FW-<hash>.
        cluster: endpoints for Cluster policy.
        local: endpoints for Local policy.
        reachable: endpoints that get a KUBE-SEP chain on this node.
        has_endpoints: usable endpoints exist anywhere in the cluster.
        total_endpoints: all endpoints known for the port (for large-cluster mode).
    """

    svc: ServicePort
    name: str
    proto: str
    cluster_chain: str
    local_chain: str
    ext_chain: str
    fw_chain: str
    cluster: list[Endpoint]
    local: list[Endpoint]
    reachable: list[Endpoint]
    has_endpoints: bool
    total_endpoints: int


def plan_port(svc: ServicePort, endpoints: list[Endpoint], zone: str) -> PortPlan:
    """Categorize the endpoints of one service port and name its chains."""
    cluster, local, reachable, has_any = categorize(endpoints, svc, zone)
    suffix = svc.chain_hash
    return PortPlan(
        svc=svc,
        name=svc.name_string,
        proto=svc.proto,
        cluster_chain=SVC_PREFIX + suffix,
        local_chain=SVL_PREFIX + suffix,
        ext_chain=EXT_PREFIX + suffix,
        fw_chain=FW_PREFIX + suffix,
        cluster=cluster,
        local=local,
        reachable=reachable,
        has_endpoints=has_any,
        total_endpoints=len(endpoints),
    )


def _policy(plan: PortPlan) -> tuple[str, bool, str, bool]:
    """(internal chain, has internal endpoints, external policy chain, has external endpoints)."""
    svc = plan.svc
    internal_chain, has_internal = plan.cluster_chain, plan.has_endpoints
    if svc.internal_policy_local:
        internal_chain = plan.local_chain
        has_internal = has_internal and bool(plan.local)
    external_chain, has_external = plan.cluster_chain, plan.has_endpoints
    if svc.external_policy_local:
        external_chain = plan.local_chain
        has_external = has_external and bool(plan.local)
    return internal_chain, has_internal, external_chain, has_external


def top_rules(plan: PortPlan, ctx: NodeContext) -> TopRules:
    """The KUBE-SERVICES / KUBE-NODEPORTS / filter rules of one service port."""
    svc, name, proto = plan.svc, plan.name, plan.proto
    internal_chain, has_internal, _, has_external = _policy(plan)
    has_endpoints = plan.has_endpoints
    uses_fw = has_endpoints and bool(svc.load_balancer_vips) and bool(svc.source_ranges)
    lb_chain = plan.fw_chain if uses_fw else plan.ext_chain
    if not has_endpoints:
        int_target = ext_target = REJECT
        int_comment = ext_comment = save_string(f"{name} has no endpoints")
    else:
        int_target = ext_target = "DROP"
        int_comment = ext_comment = save_string(f"{name} has no local endpoints")
    port = svc.port
    match = f"-m {proto} --dport {port}"
    out = TopRules()
    nat: list[str] = []
    flt: list[str] = []
    ext: list[str] = []
    if has_internal:
        nat.append(
            f"-A KUBE-SERVICES -d {svc.cluster_ip}/32 -p {proto} -m comment --comment "
            f"{save_string(name + ' cluster IP')} {match} -j {internal_chain}\n"
        )
    else:
        flt.append(
            f"-A KUBE-SERVICES -d {svc.cluster_ip}/32 -p {proto} -m comment --comment "
            f"{int_comment} {match} -j {int_target}\n"
        )
    for ip in svc.external_ips:
        if has_endpoints:
            nat.append(
                f"-A KUBE-SERVICES -d {ip}/32 -p {proto} -m comment --comment "
                f"{save_string(name + ' external IP')} {match} -j {plan.ext_chain}\n"
            )
        if not has_external:
            ext.append(
                f"-A KUBE-EXTERNAL-SERVICES -d {ip}/32 -p {proto} -m comment --comment "
                f"{ext_comment} {match} -j {ext_target}\n"
            )
    firewall: list[str] = []
    for ip in svc.load_balancer_vips:
        if has_endpoints:
            nat.append(
                f"-A KUBE-SERVICES -d {ip}/32 -p {proto} -m comment --comment "
                f"{save_string(name + ' loadbalancer IP')} {match} -j {lb_chain}\n"
            )
        if uses_fw:
            firewall.append(
                f"-A KUBE-PROXY-FIREWALL -d {ip}/32 -p {proto} -m comment --comment "
                f"{save_string(f'{name} traffic not accepted by {plan.fw_chain}')} {match} -j DROP\n"
            )
    if not has_external:
        for ip in svc.load_balancer_vips:
            ext.append(
                f"-A KUBE-EXTERNAL-SERVICES -d {ip}/32 -p {proto} -m comment --comment "
                f"{ext_comment} {match} -j {ext_target}\n"
            )
    nodeports: list[str] = []
    if svc.node_port:
        np_match = f"-m {proto} --dport {svc.node_port}"
        if has_endpoints:
            if ctx.localhost_node_ports and ctx.nfacct:
                # libxt_nfacct saves "--nfacct-name " followed by a quoted-string helper that
                # adds its own space: iptables 1.8.9 really prints two spaces here.
                nodeports.append(
                    f"-A KUBE-NODEPORTS -d 127.0.0.0/8 -p {proto} -m comment --comment {save_string(name)} "
                    f"{np_match} -m nfacct --nfacct-name  {LOCALHOST_NODEPORT_COUNTER} -j {plan.ext_chain}\n"
                )
            nodeports.append(
                f"-A KUBE-NODEPORTS -p {proto} -m comment --comment {save_string(name)} {np_match} -j {plan.ext_chain}\n"
            )
        if not has_external:
            ext.append(
                f"-A KUBE-EXTERNAL-SERVICES -p {proto} -m comment --comment {ext_comment} "
                f"-m addrtype --dst-type LOCAL {np_match} -j {ext_target}\n"
            )
    if svc.health_check_node_port:
        out.filter_nodeports = (
            f"-A KUBE-NODEPORTS -p tcp -m comment --comment {save_string(name + ' health check node port')} "
            f"-m tcp --dport {svc.health_check_node_port} -j ACCEPT\n"
        )
    out.nat_services = "".join(nat)
    out.nat_nodeports = "".join(nodeports)
    out.filter_services = "".join(flt)
    out.filter_external = "".join(ext)
    out.filter_firewall = "".join(firewall)
    return out


def service_chains(plan: PortPlan, ctx: NodeContext, large: bool) -> dict[str, str]:
    """The nat chains owned by one service port (SVC, SVL, EXT, FW, SEP), name to rule text.

    Args:
        plan: the categorized service port.
        ctx: the node constants.
        large: kube-proxy's largeClusterMode (more than 1000 endpoints in total), which
            drops the comments from the SVC-to-SEP and SEP rules.
    """
    svc, name, proto = plan.svc, plan.name, plan.proto
    internal_chain, has_internal, external_chain, has_external = _policy(plan)
    chains: dict[str, list[str]] = {}
    if has_internal:
        det = ctx.detector
        head = f"-A {internal_chain} "
        tail = (
            f"-p {proto} -m comment --comment {save_string(name + ' cluster IP')} "
            f"-m {proto} --dport {svc.port} -j {MARK_MASQ}\n"
        )
        if ctx.masquerade_all:
            chains.setdefault(internal_chain, []).append(f"{head}-d {svc.cluster_ip}/32 {tail}")
        elif det is not None:
            chains.setdefault(internal_chain, []).append(
                f"{head}{det.not_local_src}-d {svc.cluster_ip}/32 {det.not_local_iface}{tail}"
            )
    if plan.has_endpoints and svc.externally_accessible:
        ext = chains.setdefault(plan.ext_chain, [])
        head = f"-A {plan.ext_chain} "
        if not svc.external_policy_local:
            ext.append(
                f"{head}-m comment --comment {save_string(f'masquerade traffic for {name} external destinations')} "
                f"-j {MARK_MASQ}\n"
            )
        else:
            det = ctx.detector
            if det is not None:
                ext.append(
                    f"{head}{det.local_src}{det.local_iface}-m comment --comment "
                    f"{save_string(f'pod traffic for {name} external destinations')} -j {plan.cluster_chain}\n"
                )
            ext.append(
                f"{head}-m comment --comment {save_string(f'masquerade LOCAL traffic for {name} external destinations')} "
                f"-m addrtype --src-type LOCAL -j {MARK_MASQ}\n"
            )
            ext.append(
                f"{head}-m comment --comment {save_string(f'route LOCAL traffic for {name} external destinations')} "
                f"-m addrtype --src-type LOCAL -j {plan.cluster_chain}\n"
            )
        if has_external:
            ext.append(f"{head}-j {external_chain}\n")
    if plan.has_endpoints and svc.load_balancer_vips and svc.source_ranges:
        fw = chains.setdefault(plan.fw_chain, [])
        lb_comment = save_string(name + " loadbalancer IP")
        allow_from_node = False
        for cidr in svc.source_ranges:
            fw.append(f"-A {plan.fw_chain} -s {cidr} -m comment --comment {lb_comment} -j {plan.ext_chain}\n")
            if ctx.node_ip and _contains(cidr, ctx.node_ip):
                allow_from_node = True
        if allow_from_node:
            for ip in svc.load_balancer_vips:
                fw.append(f"-A {plan.fw_chain} -s {ip}/32 -m comment --comment {lb_comment} -j {plan.ext_chain}\n")
        fw.append(
            f"-A {plan.fw_chain} -m comment --comment "
            f"{save_string(f'other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL')}\n"
        )
    sep_names = {e.string: endpoint_chain_name(name, proto, e.string) for e in plan.reachable}
    for chain, endpoints, used in (
        (plan.cluster_chain, plan.cluster, bool(plan.cluster) and svc.uses_cluster_endpoints),
        (plan.local_chain, plan.local, bool(plan.local) and svc.uses_local_endpoints),
    ):
        if used:
            chains.setdefault(chain, []).extend(_dispatch_rules(plan, chain, endpoints, sep_names, large))
    comment = "" if large else f"-m comment --comment {save_string(name)} "
    for e in plan.reachable:
        sep = sep_names[e.string]
        # iptables-save reorders "--name X --set" and adds the default mask and rsource.
        affinity = f"-m recent --set --name {sep} --mask 255.255.255.255 --rsource " if svc.client_ip_affinity else ""
        chains[sep] = [
            f"-A {sep} -s {e.ip}/32 {comment}-j {MARK_MASQ}\n",
            f"-A {sep} -p {proto} {comment}{affinity}-m {proto} -j DNAT --to-destination {e.string}\n",
        ]
    return {chain: "".join(lines) for chain, lines in chains.items()}


def _dispatch_rules(
    plan: PortPlan, chain: str, endpoints: list[Endpoint], sep_names: dict[str, str], large: bool
) -> list[str]:
    """writeServiceToEndpointRules: affinity checks, then the probability ladder."""
    name = plan.name
    lines = []
    if plan.svc.client_ip_affinity:
        seconds = plan.svc.sticky_seconds
        for e in endpoints:
            sep = sep_names.get(e.string) or endpoint_chain_name(name, plan.proto, e.string)
            comment = "" if large else f"-m comment --comment {save_string(f'{name} -> {e.string}')} "
            lines.append(
                f"-A {chain} {comment}-m recent --rcheck --seconds {seconds} --reap "
                f"--name {sep} --mask 255.255.255.255 --rsource -j {sep}\n"
            )
    n = len(endpoints)
    for i, e in enumerate(endpoints):
        sep = sep_names.get(e.string) or endpoint_chain_name(name, plan.proto, e.string)
        comment = "" if large else f"-m comment --comment {save_string(f'{name} -> {e.string}')} "
        stat = f"-m statistic --mode random --probability {probability(n - i)} " if i < n - 1 else ""
        lines.append(f"-A {chain} {comment}{stat}-j {sep}\n")
    return lines


def _contains(cidr: str, ip: str) -> bool:
    """Whether an IPv4 CIDR string contains an IPv4 address string."""
    net, _, bits = cidr.partition("/")
    prefix = int(bits or 32)
    mask = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF if prefix else 0
    return (_ip_int(net) & mask) == (_ip_int(ip) & mask)


def _ip_int(ip: str) -> int:
    a, b, c, d = (int(p) for p in ip.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d
