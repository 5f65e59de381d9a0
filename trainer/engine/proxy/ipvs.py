"""The IPVS table kube-proxy (ipvs mode) programs on a node, printed like ``ipvsadm -Ln``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any, Iterable, Mapping

from .config import ProxyConfig
from .node import NodeFacts, NodePortAddresses
from .snapshot import ServicePort, categorize, service_key, service_ports, slice_endpoints, slice_service_key

_PROTOCOL_NUMBERS = {"TCP": 6, "UDP": 17, "SCTP": 132}

HEADER = (
    "IP Virtual Server version 1.2.1 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
)


@dataclass(frozen=True)
class VirtualServer:
    """One IPVS service with its real servers.

    Attributes:
        protocol: TCP, UDP or SCTP.
        address: the virtual IPv4 address.
        port: the virtual port.
        scheduler: the IPVS scheduler (``rr`` by default).
        persistent: the persistence timeout in seconds for ClientIP affinity, or 0.
        real_servers: (ip, port) of each destination, all Masq with weight 1.
    """

    protocol: str
    address: str
    port: int
    scheduler: str
    persistent: int
    real_servers: tuple[tuple[str, int], ...]


def _addr_int(ip: str) -> int:
    a, b, c, d = (int(p) for p in ip.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def _wrapped(diff: int) -> int:
    """C's ``int r = (uint32)a - (uint32)b``: the difference wrapped to a signed 32-bit value.

    libipvs compares addresses this way, so e.g. 172.17.0.1 sorts before 10.96.0.1.
    """
    diff &= 0xFFFFFFFF
    return diff - 0x100000000 if diff >= 0x80000000 else diff


def _cmp_services(a: VirtualServer, b: VirtualServer) -> int:
    """libipvs ipvs_cmp_services (fwmark and family are equal here)."""
    r = _PROTOCOL_NUMBERS[a.protocol] - _PROTOCOL_NUMBERS[b.protocol]
    if r:
        return r
    r = _wrapped(_addr_int(a.address) - _addr_int(b.address))
    if r:
        return r
    return a.port - b.port


def _cmp_dests(a: tuple[str, int], b: tuple[str, int]) -> int:
    """libipvs ipvs_cmp_dests."""
    r = _wrapped(_addr_int(a[0]) - _addr_int(b[0]))
    return r if r else a[1] - b[1]


def virtual_servers(
    node: NodeFacts,
    config: ProxyConfig | Mapping[str, Any] | None,
    services: Iterable[Mapping[str, Any]],
    endpoint_slices: Iterable[Mapping[str, Any]],
) -> list[VirtualServer]:
    """The virtual servers kube-proxy's IPVS proxier keeps on ``node`` (steady state).

    Args:
        node: the node facts.
        config: a ProxyConfig or a KubeProxyConfiguration dict.
        services: every Service in the cluster.
        endpoint_slices: every EndpointSlice in the cluster.
    """
    cfg = config if isinstance(config, ProxyConfig) else ProxyConfig.from_dict(config)
    by_service: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for endpoint_slice in endpoint_slices:
        key = slice_service_key(endpoint_slice)
        if key is not None:
            by_service.setdefault(key, []).append(endpoint_slice)
    ports: list[tuple[ServicePort, list[Any]]] = []
    for service in services:
        svc_ports = service_ports(service)
        if not svc_ports:
            continue
        endpoints = slice_endpoints(by_service.get(service_key(service), ()), node.name)
        for svc in svc_ports:
            ports.append((svc, endpoints.get((svc.port_name, svc.protocol), [])))

    # kube-ipvs0 holds every cluster IP, plus external/LB IPs not already on another interface.
    others = node.local_ipv4()
    dummy: list[str] = []
    for svc, _ in ports:
        dummy.append(svc.cluster_ip)
        dummy.extend(ip for ip in svc.external_ips + svc.load_balancer_vips if ip not in others)
    npa = NodePortAddresses.build(cfg, node)
    if npa.match_all:
        node_ips = [ip for ip in others if not ip.startswith("127.")]
    else:
        candidates = npa.node_ips(others + dummy)
        node_ips = [ip for ip in candidates if not ip.startswith("127.")]

    servers: dict[tuple[str, str, int], VirtualServer] = {}
    for svc, endpoints in ports:
        cluster, local, _, _ = categorize(endpoints, svc, node.zone)

        def chosen(only_local: bool) -> tuple[tuple[str, int], ...]:
            """syncEndpoint: local endpoints (falling back to cluster ones) or cluster ones."""
            picked = (local or cluster) if only_local else cluster
            return tuple(sorted({(e.ip, e.port) for e in picked}, key=cmp_to_key(_cmp_dests)))

        timeout = svc.sticky_seconds if svc.client_ip_affinity else 0
        targets = [(svc.cluster_ip, svc.port, svc.internal_policy_local)]
        targets += [(ip, svc.port, svc.external_policy_local) for ip in svc.external_ips]
        targets += [(ip, svc.port, svc.external_policy_local) for ip in svc.load_balancer_vips]
        if svc.node_port:
            targets += [(ip, svc.node_port, svc.external_policy_local) for ip in node_ips]
        for address, port, only_local in targets:
            vs = VirtualServer(svc.protocol, address, port, cfg.ipvs_scheduler, timeout, chosen(only_local))
            servers[(vs.protocol, vs.address, vs.port)] = vs
    return sorted(servers.values(), key=cmp_to_key(_cmp_services))


def format_ipvsadm(servers: Iterable[VirtualServer]) -> str:
    """Print virtual servers exactly as ``ipvsadm -Ln`` does (ipvsadm 1.31)."""
    lines = [HEADER]
    for vs in servers:
        # svc_name is "%s  %s" truncated to 33 characters for IPv4.
        name = f"{vs.protocol}  {vs.address}:{vs.port}"[:33]
        flags = f" persistent {vs.persistent}" if vs.persistent else ""
        lines.append(f"{name} {vs.scheduler}{flags}\n")
        for ip, port in vs.real_servers:
            dest = f"{ip}:{port}"[:28]
            lines.append(f"  -> {dest:<28} {'Masq':<7} {1:<6} {0:<10} {0:<10}\n")
    return "".join(lines)


def render_ipvs(
    node: NodeFacts,
    config: ProxyConfig | Mapping[str, Any] | None,
    services: Iterable[Mapping[str, Any]],
    endpoint_slices: Iterable[Mapping[str, Any]],
) -> str:
    """What ``ipvsadm -Ln`` shows on ``node`` when kube-proxy runs in IPVS mode.

    Args:
        node: the node facts.
        config: a ProxyConfig or a KubeProxyConfiguration dict (mode is not checked, so
            the view can be shown for teaching even on an iptables-mode node).
        services: every Service in the cluster.
        endpoint_slices: every EndpointSlice in the cluster.
    """
    return format_ipvsadm(virtual_servers(node, config, services, endpoint_slices))

