"""A node's interfaces and routes as iproute2 6.1 prints them, and ipvsadm's table."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field

from ..engine.objects import name_of
from ..engine.proxy.ipvs import HEADER as IPVS_HEADER
from .session import Result, Session


@dataclass
class Iface:
    """One network interface of a node."""

    index: int
    name: str
    flags: str
    mtu: int
    qdisc: str
    state: str
    mac: str
    inet: list[str] = field(default_factory=list)  # full "inet ..." lines' text after "inet "
    master: str = ""
    peer: str = ""  # "@if2" suffix for a veth whose peer lives in a Pod's namespace
    netns: str = ""
    loopback: bool = False

    @property
    def label(self) -> str:
        """The name with its peer suffix, as ip prints it."""
        return self.name + self.peer


def _hex(seed: str, n: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def _mac(seed: str, first: str = "02") -> str:
    raw = _hex(seed, 10)
    return first + ":" + ":".join(raw[i:i + 2] for i in range(0, 10, 2))


def _link_local(mac: str) -> str:
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 0x02
    eui = b[:3] + [0xFF, 0xFE] + b[3:]
    words = [(eui[i] << 8) | eui[i + 1] for i in range(0, 8, 2)]
    return str(ipaddress.IPv6Address((0xFE80 << 112) | sum(w << (48 - 16 * i) for i, w in enumerate(words)))) + "/64"


def _pods_on(session: Session, node: str) -> list[dict]:
    pods = [p for p in session.cluster.api.iter("Pod")
            if p["spec"].get("nodeName") == node and not p["spec"].get("hostNetwork")
            and (p.get("status") or {}).get("podIP")]
    return sorted(pods, key=lambda p: (p["metadata"].get("creationTimestamp") or "", name_of(p)))


def interfaces(session: Session, node_name: str) -> list[Iface]:
    """lo, eth0 with the node's addresses, cni0 with the pod gateway, and one veth per Pod."""
    net = session.cluster.net
    node = session.cluster.api.peek("Node", node_name, "")
    addrs = net.node_addresses(node) if node else []
    gateway = net.bridge_address(node) if node else None
    lo = Iface(1, "lo", "LOOPBACK,UP,LOWER_UP", 65536, "noqueue", "UNKNOWN", "00:00:00:00:00:00",
               ["127.0.0.1/8 scope host lo"], loopback=True)
    eth0 = Iface(2, "eth0", "BROADCAST,MULTICAST,UP,LOWER_UP", 1500, "mq", "UP", _mac("eth0/" + node_name))
    seen_nets: list[ipaddress.IPv4Network] = []
    for ip in [a for a in addrs if a != gateway]:
        iface = ipaddress.ip_interface(f"{ip}/24")
        secondary = " secondary" if iface.network in seen_nets else ""
        seen_nets.append(iface.network)
        eth0.inet.append(f"{ip}/24 brd {iface.network.broadcast_address} scope global{secondary} eth0")
    pods = _pods_on(session, node_name)
    out = [lo, eth0]
    if gateway:
        cidr = ipaddress.ip_network((node or {}).get("spec", {}).get("podCIDR"), strict=False)
        up = bool(pods)
        cni0 = Iface(3, "cni0", "BROADCAST,MULTICAST,UP,LOWER_UP" if up else "NO-CARRIER,BROADCAST,MULTICAST,UP",
                     1500, "noqueue", "UP" if up else "DOWN", _mac("cni0/" + node_name, "3a"),
                     [f"{gateway}/{cidr.prefixlen} brd {cidr.broadcast_address} scope global cni0"])
        out.append(cni0)
    for i, pod in enumerate(pods):
        uid = pod["metadata"].get("uid") or name_of(pod)
        netns = "cni-" + "-".join(_hex("netns/" + uid, 32)[a:b] for a, b in ((0, 8), (8, 12), (12, 16), (16, 20),
                                                                             (20, 32)))
        out.append(Iface(4 + i, "veth" + _hex("veth/" + uid, 8), "BROADCAST,MULTICAST,UP,LOWER_UP", 1500,
                         "noqueue", "UP", _mac("veth/" + uid, "a6"), master="cni0", peer="@if2", netns=netns))
    return out


def _addr_block(iface: Iface, family: str | None, link: bool) -> list[str]:
    master = f" master {iface.master}" if iface.master else ""
    mode = " mode DEFAULT" if link else ""
    head = (f"{iface.index}: {iface.label}: <{iface.flags}> mtu {iface.mtu} qdisc {iface.qdisc}{master} "
            f"state {iface.state}{mode} group default qlen 1000")
    lines = [head]
    if family is None or link:
        kind = "loopback" if iface.loopback else "ether"
        brd = "00:00:00:00:00:00" if iface.loopback else "ff:ff:ff:ff:ff:ff"
        netns = f" link-netns {iface.netns}" if iface.netns else ""
        lines.append(f"    link/{kind} {iface.mac} brd {brd}{netns}")
    if link:
        return lines
    if family in (None, "4"):
        for inet in iface.inet:
            lines += [f"    inet {inet}", "       valid_lft forever preferred_lft forever"]
    if family in (None, "6"):
        six = "::1/128 scope host " if iface.loopback else f"{_link_local(iface.mac)} scope link "
        if iface.loopback or iface.state == "UP":
            lines += [f"    inet6 {six}", "       valid_lft forever preferred_lft forever"]
    return lines


def routes(session: Session, node_name: str) -> list[str]:
    """`ip route` lines: default, the eth0 subnets, this node's pod CIDR, other nodes' CIDRs (host-gw)."""
    net = session.cluster.net
    node = session.cluster.api.peek("Node", node_name, "")
    if node is None:
        return []
    entries: list[tuple[ipaddress.IPv4Network, str]] = []
    eth = [a for a in net.node_addresses(node) if a != net.bridge_address(node)]
    if eth:
        gw = ipaddress.ip_interface(f"{eth[0]}/24").network.network_address + 1
        entries.append((ipaddress.ip_network("0.0.0.0/0"), f"default via {gw} dev eth0 proto static "))
    seen = set()
    for ip in eth:
        network = ipaddress.ip_interface(f"{ip}/24").network
        if network not in seen:
            seen.add(network)
            entries.append((network, f"{network} dev eth0 proto kernel scope link src {ip} "))
    has_pods = bool(_pods_on(session, node_name))
    for other in session.cluster.api.iter("Node"):
        cidr = (other.get("spec") or {}).get("podCIDR")
        if not cidr:
            continue
        network = ipaddress.ip_network(cidr, strict=False)
        if other is node or name_of(other) == node_name:
            down = "" if has_pods else "linkdown "
            entries.append((network, f"{network} dev cni0 proto kernel scope link src "
                                     f"{net.bridge_address(node)} {down}"))
        else:
            via = next((a for a in net.node_addresses(other) if a != net.bridge_address(other)), "")
            entries.append((network, f"{network} via {via} dev eth0 "))
    entries.sort(key=lambda e: (int(e[0].network_address), e[0].prefixlen))
    return [text for _net, text in entries]


def _route_get(session: Session, node_name: str, dst: str) -> Result:
    try:
        target = ipaddress.ip_address(dst)
    except ValueError:
        return Result("", f'Error: any valid prefix is expected rather than "{dst}".\n', 1)
    net = session.cluster.net
    node = session.cluster.api.peek("Node", node_name, "")
    addrs = net.node_addresses(node)
    src = addrs[0] if addrs else ""
    if dst in addrs or target.is_loopback:
        local_src = dst if dst in addrs else "127.0.0.1"
        return Result(f"local {dst} dev lo src {local_src} uid 0 \n    cache <local> \n", "", 0)
    best = None
    for line in routes(session, node_name):
        words = line.split()
        prefix = "0.0.0.0/0" if words[0] == "default" else words[0]
        network = ipaddress.ip_network(prefix)
        if target in network and (best is None or network.prefixlen > best[0].prefixlen):
            best = (network, words)
    if best is None:
        return Result("", "RTNETLINK answers: Network is unreachable\n", 2)
    words = best[1]
    dev = words[words.index("dev") + 1]
    via = f" via {words[words.index('via') + 1]}" if "via" in words else ""
    if dev == "cni0":
        src = net.bridge_address(node) or src
    return Result(f"{dst}{via} dev {dev} src {src} uid 0 \n    cache \n", "", 0)


def ip_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """ip [-4|-6] [-br] addr|link|route [show [dev] IFACE] | route get ADDR."""
    node = session.host or ""
    args = argv[1:]
    family = None
    brief = False
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt in ("-4", "-6"):
            family = opt[1]
        elif opt in ("-br", "-brief", "--brief"):
            brief = True
        elif opt in ("-c", "-color", "--color") or opt.startswith("-c="):
            continue
        else:
            return Result("", f'Option "{opt}" is unknown, try "ip -help".\n', 255)
    if not args:
        return Result("", _USAGE, 255)
    obj, rest = args[0], args[1:]
    if _abbrev(obj, "address", 1):
        return _show(session, node, rest, family, brief, link=False)
    if _abbrev(obj, "link", 1):
        return _show(session, node, rest, None, brief, link=True)
    if _abbrev(obj, "route", 1):
        if rest and _abbrev(rest[0], "get", 1):
            if len(rest) < 2:
                return Result("", "need at least a destination address\n", 1)
            return _route_get(session, node, rest[1])
        if rest and not (_abbrev(rest[0], "show", 1) or _abbrev(rest[0], "list", 1)):
            return Result("", f'Command "{rest[0]}" is unknown, try "ip route help".\n', 255)
        if family == "6":
            return Result("", "", 0)
        return Result("".join(line + "\n" for line in routes(session, node)), "", 0)
    if obj == "help":
        return Result("", _USAGE, 255)
    return Result("", f'Object "{obj}" is unknown, try "ip help".\n', 1)


def _abbrev(word: str, full: str, shortest: int) -> bool:
    return len(word) >= shortest and full.startswith(word)


def _show(session: Session, node: str, rest: list[str], family: str | None, brief: bool, link: bool) -> Result:
    wanted = None
    if rest and (_abbrev(rest[0], "show", 1) or _abbrev(rest[0], "list", 1)):
        rest = rest[1:]
    if rest and rest[0] == "dev":
        rest = rest[1:]
    if rest:
        wanted = rest[0]
    ifaces = interfaces(session, node)
    if wanted is not None:
        ifaces = [i for i in ifaces if i.name == wanted]
        if not ifaces:
            return Result("", f'Device "{wanted}" does not exist.\n', 1)
    lines: list[str] = []
    for iface in ifaces:
        if brief:
            if link:
                lines.append(f"{iface.label:<16} {iface.state:<14} {iface.mac} <{iface.flags}> ")
                continue
            addrs = [i.split()[0] for i in iface.inet] if family in (None, "4") else []
            if family in (None, "6") and (iface.loopback or iface.state == "UP"):
                addrs.append("::1/128" if iface.loopback else _link_local(iface.mac))
            lines.append(f"{iface.label:<16} {iface.state:<14} " + "".join(a + " " for a in addrs))
            continue
        if family == "4" and not iface.inet and not link:
            continue
        if family == "6" and not link and not (iface.loopback or iface.state == "UP"):
            continue
        lines += _addr_block(iface, family, link)
    return Result("".join(line + "\n" for line in lines), "", 0)


_USAGE = """Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |
                   link | macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
"""


def ipvsadm_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """ipvsadm [-L|-l] [-n]: the IPVS table (only the header while kube-proxy runs in iptables mode)."""
    args = argv[1:]
    for arg in args:
        if arg not in ("-L", "-l", "--list", "-n", "--numeric", "-Ln", "-ln", "-nL", "-nl"):
            if arg.startswith("-") and arg[1:2] in "AEDaedCRSZ":
                return Result("", "ipvsadm: this sandbox lists kube-proxy's IPVS table; it does not change it.\n", 1)
            return Result("", f"ipvsadm: invalid option -- '{arg.lstrip('-')[:1]}'\n", 2)
    net = session.cluster.net
    if net.mode() != "ipvs":
        return Result(IPVS_HEADER, "", 0)
    return Result(net.ipvsadm(session.host or ""), "", 0)


__all__ = ["Iface", "interfaces", "ip_main", "ipvsadm_main", "routes"]
