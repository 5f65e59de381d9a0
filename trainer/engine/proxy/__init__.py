"""kube-proxy for the simulated cluster: iptables-save and ipvsadm views of each node."""

from .config import LocalDetector, ProxyConfig, local_detector
from .iptables import LARGE_CLUSTER_ENDPOINTS, NodeProxier, render_iptables
from .ipvs import VirtualServer, format_ipvsadm, render_ipvs, virtual_servers
from .names import endpoint_chain_name, port_proto_hash, probability
from .node import NodeFacts, NodePortAddresses
from .snapshot import Endpoint, ServicePort, categorize, service_ports, slice_endpoints

__all__ = [
    "LARGE_CLUSTER_ENDPOINTS",
    "Endpoint",
    "LocalDetector",
    "NodeFacts",
    "NodePortAddresses",
    "NodeProxier",
    "ProxyConfig",
    "ServicePort",
    "VirtualServer",
    "categorize",
    "endpoint_chain_name",
    "format_ipvsadm",
    "local_detector",
    "port_proto_hash",
    "probability",
    "render_iptables",
    "render_ipvs",
    "service_ports",
    "slice_endpoints",
    "virtual_servers",
]
