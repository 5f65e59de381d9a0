"""KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) as kube-proxy v1.32 reads it on Linux."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Mapping

MODES = ("iptables", "ipvs", "nftables")
LOCAL_MODES = ("ClusterCIDR", "NodeCIDR", "BridgeInterface", "InterfaceNamePrefix")
NODE_PORT_ADDRESSES_PRIMARY = "primary"


def parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """Parse a CIDR like netutils.ParseCIDRSloppy: host bits are masked off; bad input gives None."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False) if "/" in text else None
    except ValueError:
        return None


def ipv4(text: str) -> str | None:
    """The canonical form of a dotted-quad IPv4 address (leading zeros allowed, as
    ParseIPSloppy does), or None when ``text`` is not one. Fast path for hot loops."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    canonical = True
    for part in parts:
        if not (0 < len(part) <= 3 and part.isascii() and part.isdigit()) or int(part) > 255:
            return None
        if len(part) > 1 and part[0] == "0":
            canonical = False
    return text if canonical else ".".join(str(int(p)) for p in parts)


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parse an IP like netutils.ParseIPSloppy (IPv4 parts may carry leading zeros)."""
    text = text.strip()
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    parts = text.split(".")
    if len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) < 256 for p in parts):
        return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))
    return None


_DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


def parse_duration(text: Any) -> float:
    """Parse a Go duration string (``30s``, ``1m0s``, ``1h``) into seconds; 0 when empty or bad."""
    if isinstance(text, (int, float)):
        return float(text)
    if not text:
        return 0.0
    total, number, unit = 0.0, "", ""
    for ch in str(text) + " ":
        if ch.isdigit() or ch == ".":
            if unit:
                if unit not in _DURATION_UNITS or not number:
                    return 0.0
                total += float(number) * _DURATION_UNITS[unit]
                number, unit = "", ""
            number += ch
        elif ch == " ":
            if number and unit in _DURATION_UNITS:
                total += float(number) * _DURATION_UNITS[unit]
            elif number or unit:
                return 0.0
        else:
            unit += ch
    return total


@dataclass(frozen=True)
class ProxyConfig:
    """The settings of kube-proxy that shape the rules it writes.

    Attributes:
        mode: ``iptables`` (the Linux default when empty), ``ipvs`` or ``nftables``.
        cluster_cidrs: clusterCIDR split on commas, as the v1alpha1 conversion does.
        detect_local_mode: defaulted to ClusterCIDR, as platformApplyDefaults does.
        bridge_interface: detectLocal.bridgeInterface.
        interface_name_prefix: detectLocal.interfaceNamePrefix.
        node_port_addresses: the CIDRs (or the single value ``primary``).
        masquerade_all: iptables.masqueradeAll.
        masquerade_bit: iptables.masqueradeBit (default 14, i.e. mark 0x4000).
        localhost_node_ports: iptables.localhostNodePorts (default true).
        ipvs_scheduler: ipvs.scheduler, ``rr`` when unset.
        sync_period: iptables.syncPeriod in seconds (default 30s); large clusters only
            garbage-collect stale chains this often.
    """

    mode: str = "iptables"
    cluster_cidrs: tuple[str, ...] = ()
    detect_local_mode: str = "ClusterCIDR"
    bridge_interface: str = ""
    interface_name_prefix: str = ""
    node_port_addresses: tuple[str, ...] = ()
    masquerade_all: bool = False
    masquerade_bit: int = 14
    localhost_node_ports: bool = True
    ipvs_scheduler: str = "rr"
    sync_period: float = 30.0

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any] | None) -> "ProxyConfig":
        """Build the config from a KubeProxyConfiguration dict, applying upstream defaults.

        Fields that do not affect the rendered rules (sync periods, conntrack, ...) are
        accepted and ignored.

        Raises:
            ValueError: the configuration would make kube-proxy refuse to start.
        """
        obj = obj or {}
        mode = obj.get("mode") or "iptables"
        if mode not in MODES:
            raise ValueError(f"mode: Unsupported value: {mode!r}")
        iptables = obj.get("iptables") or {}
        nftables = obj.get("nftables") or {}
        ipvs = obj.get("ipvs") or {}
        detect = obj.get("detectLocal") or {}
        cluster_cidr = obj.get("clusterCIDR") or ""
        cidrs = tuple(c.strip() for c in cluster_cidr.split(",")) if cluster_cidr else ()
        for cidr in cidrs:
            if parse_cidr(cidr) is None:
                raise ValueError(f"clusterCIDR: Invalid value: {cluster_cidr!r}: must be a valid CIDR")
        local_mode = obj.get("detectLocalMode") or "ClusterCIDR"
        if local_mode not in LOCAL_MODES:
            raise ValueError(f"detectLocalMode: Unsupported value: {local_mode!r}")
        if local_mode == "BridgeInterface" and not detect.get("bridgeInterface"):
            raise ValueError("detectLocal.bridgeInterface: Required value")
        if local_mode == "InterfaceNamePrefix" and not detect.get("interfaceNamePrefix"):
            raise ValueError("detectLocal.interfaceNamePrefix: Required value")
        addresses = tuple(obj.get("nodePortAddresses") or ())
        for i, addr in enumerate(addresses):
            if addr == NODE_PORT_ADDRESSES_PRIMARY:
                if i != 0 or len(addresses) != 1:
                    raise ValueError(f"nodePortAddresses[{i}]: Invalid value: \"primary\": can't use both 'primary' and CIDRs")
                continue
            if parse_cidr(addr) is None:
                raise ValueError(f"nodePortAddresses[{i}]: Invalid value: {addr!r}: must be a valid CIDR")
        # The v1alpha1 conversion takes masqueradeAll from the section of the active backend.
        section = nftables if mode == "nftables" else iptables
        bit = section.get("masqueradeBit")
        bit = 14 if bit is None else int(bit)
        if not 0 <= bit <= 31:
            raise ValueError(f"iptables.masqueradeBit: Invalid value: {bit}: must be within the range [0, 31]")
        localhost = iptables.get("localhostNodePorts")
        return cls(
            mode=mode,
            cluster_cidrs=cidrs,
            detect_local_mode=local_mode,
            bridge_interface=detect.get("bridgeInterface") or "",
            interface_name_prefix=detect.get("interfaceNamePrefix") or "",
            node_port_addresses=addresses,
            masquerade_all=bool(section.get("masqueradeAll", False)),
            masquerade_bit=bit,
            localhost_node_ports=True if localhost is None else bool(localhost),
            ipvs_scheduler=ipvs.get("scheduler") or "rr",
            sync_period=parse_duration(iptables.get("syncPeriod")) or 30.0,
        )


@dataclass(frozen=True)
class LocalDetector:
    """The "is this packet from a local pod" matcher (proxyutil.LocalTrafficDetector).

    The strings are canonical iptables-save fragments, each ending in a space, so a rule
    builder can drop them into the -s slot or the -i slot.

    Attributes:
        local_src: ``-s <cidr> `` for the CIDR modes, else empty.
        not_local_src: ``! -s <cidr> `` for the CIDR modes, else empty.
        local_iface: ``-i <name> `` for the interface modes, else empty.
        not_local_iface: ``! -i <name> `` for the interface modes, else empty.
    """

    local_src: str = ""
    not_local_src: str = ""
    local_iface: str = ""
    not_local_iface: str = ""


def local_detector(config: ProxyConfig, pod_cidrs: tuple[str, ...]) -> LocalDetector | None:
    """The IPv4 local-traffic detector kube-proxy builds (getLocalDetectors), or None for no-op.

    Args:
        config: the proxy configuration.
        pod_cidrs: the node's spec.podCIDRs (used by detectLocalMode NodeCIDR).
    """
    mode = config.detect_local_mode
    if mode in ("ClusterCIDR", "NodeCIDR"):
        source = config.cluster_cidrs if mode == "ClusterCIDR" else pod_cidrs
        for text in source:
            net = parse_cidr(text)
            if net is not None and net.version == 4:
                # Only the first CIDR of the family is used (cidrs[0]).
                return LocalDetector(local_src=f"-s {net} ", not_local_src=f"! -s {net} ")
        return None
    if mode == "BridgeInterface":
        name = config.bridge_interface
    else:
        name = config.interface_name_prefix + "+"
    return LocalDetector(local_iface=f"-i {name} ", not_local_iface=f"! -i {name} ")
