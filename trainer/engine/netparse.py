"""Go-compatible IP and CIDR parsing, as k8s.io/utils/net's ParseIPSloppy / ParseCIDRSloppy."""

from __future__ import annotations

import ipaddress
from typing import Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# Go's dtoi gives up at this value ("big" in net/parse.go).
_BIG = 0xFFFFFF


def _dtoi(text: str) -> tuple[int, int] | None:
    """Leading decimal digits of text as (value, digits consumed), like Go's net.dtoi."""
    value = 0
    used = 0
    while used < len(text) and "0" <= text[used] <= "9":
        value = value * 10 + ord(text[used]) - 48
        if value >= _BIG:
            return None
        used += 1
    if used == 0:
        return None
    return value, used


def _parse_ipv4_sloppy(text: str) -> ipaddress.IPv4Address | None:
    """Dotted quad where each part may carry leading zeros (Go <= 1.16 net.ParseIP)."""
    octets: list[int] = []
    rest = text
    for index in range(4):
        if not rest:
            return None
        if index > 0:
            if rest[0] != ".":
                return None
            rest = rest[1:]
        parsed = _dtoi(rest)
        if parsed is None or parsed[0] > 0xFF:
            return None
        octets.append(parsed[0])
        rest = rest[parsed[1]:]
    if rest:
        return None
    return ipaddress.IPv4Address(bytes(octets))


def _parse_ipv6(text: str) -> ipaddress.IPv6Address | None:
    # Go rejects zones in ParseIP; Python would accept "fe80::1%eth0".
    if "%" in text or not text:
        return None
    tail = text.rsplit(":", 1)[-1]
    if "." in tail:
        # An embedded IPv4 tail is parsed by the same sloppy IPv4 parser in Go.
        v4 = _parse_ipv4_sloppy(tail)
        if v4 is None:
            return None
        text = text[: len(text) - len(tail)] + str(v4)
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        return None


def parse_ip_sloppy(text: str) -> IPAddress | None:
    """Parse an IP like netutils.ParseIPSloppy; IPv4-mapped IPv6 comes back as IPv4 (Go's To4)."""
    for ch in text:
        if ch == ".":
            return _parse_ipv4_sloppy(text)
        if ch == ":":
            v6 = _parse_ipv6(text)
            if v6 is not None and v6.ipv4_mapped is not None:
                return v6.ipv4_mapped
            return v6
    return None


def is_ipv6_string(text: str) -> bool:
    """netutils.IsIPv6String: a valid IP that is not (mapped) IPv4."""
    ip = parse_ip_sloppy(text)
    return ip is not None and ip.version == 6


def is_ipv4_string(text: str) -> bool:
    """netutils.IsIPv4String."""
    ip = parse_ip_sloppy(text)
    return ip is not None and ip.version == 4


def parse_cidr_sloppy(text: str) -> IPNetwork | None:
    """Parse "ip/prefix" like netutils.ParseCIDRSloppy; host bits are masked off."""
    slash = text.find("/")
    if slash < 0:
        return None
    addr, mask = text[:slash], text[slash + 1:]
    bits = 32
    ip: IPAddress | None = _parse_ipv4_sloppy(addr)
    if ip is None:
        bits = 128
        ip = _parse_ipv6(addr)
    parsed = _dtoi(mask)
    if ip is None or parsed is None or parsed[1] != len(mask) or parsed[0] > bits:
        return None
    if bits == 128 and ip.version == 4:  # pragma: no cover - _parse_ipv6 never yields IPv4
        return None
    return ipaddress.ip_network(f"{ip}/{parsed[0]}", strict=False)


def range_size(network: IPNetwork) -> int:
    """utilnet.RangeSize: number of addresses, capped like Go at MaxInt64."""
    host_bits = network.max_prefixlen - network.prefixlen
    if host_bits >= 63:
        return (1 << 63) - 1
    return 1 << host_bits
