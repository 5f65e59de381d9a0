"""Services and EndpointSlices reduced to what kube-proxy's IPv4 proxier tracks."""

# This mirrors pkg/proxy's serviceport.go / servicechangetracker.go (one ServicePort per
# Service port, IPv4 family only), endpointslicecache.go / endpoint.go (one Endpoint per
# unique "ip:port", sorted by that string) and topology.go (CategorizeEndpoints).

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

from .config import ipv4, parse_cidr
from .names import port_proto_hash

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class ServicePort(NamedTuple):
    """One port of one Service, as the IPv4 proxier sees it (BaseServicePortInfo).

    A NamedTuple rather than a dataclass: tens of thousands are built per sync and
    compared for equality, and tuples are much cheaper at both.

    Attributes:
        namespace: the Service namespace.
        name: the Service name.
        port_name: spec.ports[].name (may be empty).
        protocol: TCP, UDP or SCTP.
        cluster_ip: the IPv4 cluster IP.
        port: the service port.
        node_port: the node port, 0 when none.
        external_ips: spec.externalIPs of the IPv4 family.
        load_balancer_vips: status.loadBalancer.ingress IPs (IPv4, VIP mode only).
        source_ranges: loadBalancerSourceRanges (IPv4, trimmed, normalised CIDRs).
        client_ip_affinity: sessionAffinity is ClientIP.
        sticky_seconds: sessionAffinityConfig.clientIP.timeoutSeconds.
        health_check_node_port: set only for LoadBalancer services with ETP Local.
        external_policy_local: externally accessible and externalTrafficPolicy Local.
        internal_policy_local: internalTrafficPolicy Local.
    """

    namespace: str
    name: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int = 0
    external_ips: tuple[str, ...] = ()
    load_balancer_vips: tuple[str, ...] = ()
    source_ranges: tuple[str, ...] = ()
    client_ip_affinity: bool = False
    sticky_seconds: int = 0
    health_check_node_port: int = 0
    external_policy_local: bool = False
    internal_policy_local: bool = False

    @property
    def name_string(self) -> str:
        """ServicePortName.String(): ``ns/name:port``, or ``ns/name`` for an unnamed port."""
        base = f"{self.namespace}/{self.name}"
        return f"{base}:{self.port_name}" if self.port_name else base

    @property
    def proto(self) -> str:
        """The protocol in lower case, as used in ``-p``/``-m`` and in the chain hashes."""
        return self.protocol.lower()

    @property
    def chain_hash(self) -> str:
        """The hash suffix of this port's SVC/SVL/EXT/FW chains."""
        return port_proto_hash(self.name_string, self.proto)

    @property
    def sort_key(self) -> tuple[str, str, str]:
        """Deterministic processing order (upstream iterates a Go map)."""
        return (f"{self.namespace}/{self.name}", self.port_name, self.protocol)

    @property
    def externally_accessible(self) -> bool:
        """Reachable other than via the cluster IP (NodePort, LB or external IPs)."""
        return self.node_port != 0 or bool(self.load_balancer_vips) or bool(self.external_ips)

    @property
    def uses_cluster_endpoints(self) -> bool:
        """Cluster-policy endpoints are ever used (also for Local short-circuiting)."""
        return not self.internal_policy_local or self.externally_accessible

    @property
    def uses_local_endpoints(self) -> bool:
        """Local-policy endpoints are ever used."""
        return self.internal_policy_local or (self.external_policy_local and self.externally_accessible)


class Endpoint(NamedTuple):
    """One unique endpoint of a service port (BaseEndpointInfo).

    Attributes:
        string: ``ip:port`` (net.JoinHostPort for IPv4), the endpoint's identity.
        ip: the endpoint IP, normalised.
        port: the endpoint port.
        is_local: its nodeName is this node.
        ready: conditions.ready (nil counts as true).
        serving: conditions.serving (nil counts as true).
        terminating: conditions.terminating (nil counts as false).
        zone_hints: hints.forZones names.
        node_name: the endpoint's nodeName, if any.
    """

    string: str
    ip: str
    port: int
    is_local: bool = False
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    zone_hints: frozenset[str] = frozenset()
    node_name: str = ""

    @classmethod
    def make(cls, ip: str, port: int, **kwargs: Any) -> "Endpoint":
        """Build an endpoint, deriving its ``ip:port`` string."""
        return cls(f"{ip}:{port}", ip, port, **kwargs)


def service_key(service: Mapping[str, Any]) -> tuple[str, str]:
    """(namespace, name) of a Service."""
    meta = service.get("metadata") or {}
    return (meta.get("namespace") or "default", meta.get("name", ""))


def slice_service_key(endpoint_slice: Mapping[str, Any]) -> tuple[str, str] | None:
    """(namespace, service name) an EndpointSlice belongs to, or None when unlabelled."""
    meta = endpoint_slice.get("metadata") or {}
    name = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
    if not name:
        return None
    return (meta.get("namespace") or "default", name)


def _ipv4_cluster_ip(spec: Mapping[str, Any]) -> str:
    """GetClusterIPByFamily(IPv4): the IPv4 entry of clusterIPs (by ipFamilies), or ""."""
    families = spec.get("ipFamilies") or []
    if not families:
        cluster_ip = spec.get("clusterIP") or ""
        if cluster_ip in ("", "None"):
            return ""
        return ipv4(cluster_ip) or ""
    cluster_ips = spec.get("clusterIPs") or []
    for idx, family in enumerate(families):
        if family == "IPv4" and idx < len(cluster_ips):
            return ipv4(cluster_ips[idx]) or ""
    return ""


def _ipv4_only(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(ip for ip in map(ipv4, values) if ip is not None)


def service_ports(service: Mapping[str, Any]) -> list[ServicePort]:
    """The IPv4 ServicePorts of a Service; empty for headless and ExternalName services.

    Args:
        service: a Service dict, already defaulted by the API server.
    """
    spec = service.get("spec") or {}
    svc_type = spec.get("type") or "ClusterIP"
    cluster_ip = spec.get("clusterIP") or ""
    # ShouldSkipService: headless (None/empty cluster IP) and ExternalName.
    if cluster_ip in ("", "None") or svc_type == "ExternalName":
        return []
    cluster_ipv4 = _ipv4_cluster_ip(spec)
    if not cluster_ipv4:
        return []
    namespace, name = service_key(service)
    external_ips = _ipv4_only(spec.get("externalIPs") or ())
    accessible = svc_type in ("LoadBalancer", "NodePort") or (svc_type == "ClusterIP" and bool(spec.get("externalIPs")))
    etp_local = accessible and spec.get("externalTrafficPolicy") == "Local"
    itp_local = spec.get("internalTrafficPolicy") == "Local"
    ranges = []
    for text in spec.get("loadBalancerSourceRanges") or ():
        net = parse_cidr(text.strip())
        if net is not None and net.version == 4:
            ranges.append(str(net))
    vips = []
    for ingress in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ():
        if not ingress.get("ip") or ingress.get("ipMode", "VIP") != "VIP":
            continue
        ip = ipv4(ingress["ip"])
        if ip is not None:
            vips.append(ip)
    affinity = spec.get("sessionAffinity") == "ClientIP"
    sticky = 0
    if affinity:
        client_ip = (spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}
        sticky = int(client_ip.get("timeoutSeconds") or 10800)
    health = int(spec.get("healthCheckNodePort") or 0) if svc_type == "LoadBalancer" and etp_local else 0
    ports = []
    for port in spec.get("ports") or ():
        ports.append(
            ServicePort(
                namespace=namespace,
                name=name,
                port_name=port.get("name") or "",
                protocol=port.get("protocol") or "TCP",
                cluster_ip=cluster_ipv4,
                port=int(port.get("port") or 0),
                node_port=int(port.get("nodePort") or 0),
                external_ips=external_ips,
                load_balancer_vips=tuple(vips),
                source_ranges=tuple(ranges),
                client_ip_affinity=affinity,
                sticky_seconds=sticky,
                health_check_node_port=health,
                external_policy_local=etp_local,
                internal_policy_local=itp_local,
            )
        )
    return ports


def slice_endpoints(
    slices: list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...], node_name: str
) -> dict[tuple[str, str], list[Endpoint]]:
    """The endpoints of one Service's IPv4 EndpointSlices, per (port name, protocol).

    Ports without a name (nil, not "") or without a port number are ignored, as
    upstream does. Duplicate ``ip:port`` entries are collapsed, preferring a
    non-terminating one. Each list is sorted by its ``ip:port`` string.

    Args:
        slices: the EndpointSlices of one Service.
        node_name: this node's name (decides Endpoint.is_local).
    """
    sets: dict[tuple[str, str], dict[str, Endpoint]] = {}
    ordered = slices if len(slices) < 2 else sorted(slices, key=lambda s: (s.get("metadata") or {}).get("name", ""))
    for endpoint_slice in ordered:
        if endpoint_slice.get("addressType") != "IPv4":
            continue
        parsed = []
        for ep in endpoint_slice.get("endpoints") or ():
            addresses = ep.get("addresses")
            ip = ipv4(addresses[0]) if addresses else None
            if ip is None:
                continue
            cond = ep.get("conditions") or _EMPTY
            hints = ep.get("hints")
            zones = frozenset(z.get("name", "") for z in hints.get("forZones") or ()) if hints else _NO_ZONES
            node = ep.get("nodeName") or ""
            parsed.append(
                (
                    ip,
                    bool(node_name) and node == node_name,
                    cond.get("ready") is not False,
                    cond.get("serving") is not False,
                    cond.get("terminating") is True,
                    zones,
                    node,
                )
            )
        for port in endpoint_slice.get("ports") or ():
            if port.get("name") is None or not port.get("port"):
                continue
            target = sets.setdefault((port["name"], port.get("protocol") or "TCP"), {})
            number = int(port["port"])
            for ip, local, ready, serving, terminating, zones, node in parsed:
                string = f"{ip}:{number}"
                if not terminating or string not in target:
                    target[string] = Endpoint(string, ip, number, local, ready, serving, terminating, zones, node)
    return {key: [eps[s] for s in sorted(eps)] for key, eps in sets.items() if eps}


_EMPTY: Mapping[str, Any] = {}
_NO_ZONES: frozenset[str] = frozenset()


def categorize(
    endpoints: list[Endpoint], svc: ServicePort, zone: str
) -> tuple[list[Endpoint], list[Endpoint], list[Endpoint], bool]:
    """proxy.CategorizeEndpoints: cluster, local and all reachable endpoints, and whether any exist.

    Ready endpoints are used; when none are Ready, serving+terminating endpoints are
    used instead (independently for Cluster and Local policy). Zone hints narrow the
    Cluster endpoints when every Ready endpoint has one and one matches this node's zone.

    Args:
        endpoints: every endpoint of the service port.
        svc: the service port.
        zone: this node's topology.kubernetes.io/zone label.
    """
    cluster: list[Endpoint] = []
    local: list[Endpoint] = []
    has_any = False
    use_topology = False
    if svc.uses_cluster_endpoints:
        use_topology = _use_zone_hints(endpoints, zone)
        cluster = [e for e in endpoints if e.ready and (not use_topology or zone in e.zone_hints)]
        if not cluster:
            cluster = [e for e in endpoints if e.serving and e.terminating]
        has_any = bool(cluster)
    if not svc.uses_local_endpoints:
        return cluster, local, cluster, has_any
    local_ready = local_terminating = False
    for e in endpoints:
        if e.ready:
            has_any = True
            local_ready = local_ready or e.is_local
        elif e.serving and e.terminating:
            has_any = True
            local_terminating = local_terminating or e.is_local
    fallback = False
    if local_ready:
        local = [e for e in endpoints if e.is_local and e.ready]
    elif local_terminating:
        fallback = True
        local = [e for e in endpoints if e.is_local and e.serving and e.terminating]
    if not svc.uses_cluster_endpoints:
        return cluster, local, local, has_any
    if not use_topology and not fallback:
        return cluster, local, cluster, has_any
    merged = {e.string: e for e in cluster}
    merged.update((e.string, e) for e in local)
    return cluster, local, [merged[k] for k in sorted(merged)], has_any


def _use_zone_hints(endpoints: list[Endpoint], zone: str) -> bool:
    """Whether topology-aware (same-zone) filtering applies for this node."""
    found = False
    for e in endpoints:
        if not e.ready:
            continue
        if not e.zone_hints:
            return False
        if zone in e.zone_hints:
            found = True
    return found
