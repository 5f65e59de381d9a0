"""Print how long parsing a 10,000-Service iptables-save and tracing one packet take."""

from __future__ import annotations

import argparse
import base64
import gc
import hashlib
import sys
import time
from pathlib import Path
from typing import Callable

# Run as a plain script from anywhere: the repository root holds the trainer package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trainer.engine.proxy.interpreter import LOCAL, NodeRouting, Packet, trace
from trainer.engine.proxy.rules import parse_ruleset

NODE_IP = "192.168.56.11"
POD_CIDR = "10.244.0.0/16"


def _chain(prefix: str, *parts: str) -> str:
    # kube-proxy names chains by a hash of the service port (and endpoint); any stable hash will do.
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


def build_dump(services: int, endpoints: int = 3) -> str:
    """A kube-proxy v1.32 shaped iptables-save for `services` NodePort Services.

    Args:
        services: how many Services (one TCP port each, type NodePort, policy Cluster).
        endpoints: endpoints per Service.

    Returns:
        The dump in iptables-save's normalised form.
    """
    filter_lines = [
        "*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
        ":KUBE-EXTERNAL-SERVICES - [0:0]", ":KUBE-FIREWALL - [0:0]", ":KUBE-FORWARD - [0:0]",
        ":KUBE-NODEPORTS - [0:0]", ":KUBE-PROXY-FIREWALL - [0:0]", ":KUBE-SERVICES - [0:0]",
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
        "-A INPUT -j KUBE-FIREWALL",
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
        "-A OUTPUT -j KUBE-FIREWALL",
        '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
        "-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP",
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        "COMMIT",
    ]
    decls = [":KUBE-MARK-MASQ - [0:0]", ":KUBE-NODEPORTS - [0:0]", ":KUBE-POSTROUTING - [0:0]",
             ":KUBE-SERVICES - [0:0]"]
    services_rules, nodeport_rules, other_rules = [], [], []
    for i in range(services):
        name = f"ns{i % 50}/svc{i}:http"
        cluster_ip = f"10.96.{i // 250}.{i % 250 + 1}"
        svc = _chain("KUBE-SVC-", name, "tcp")
        ext = _chain("KUBE-EXT-", name, "tcp")
        decls += [f":{svc} - [0:0]", f":{ext} - [0:0]"]
        services_rules.append(
            f'-A KUBE-SERVICES -d {cluster_ip}/32 -p tcp -m comment --comment "{name} cluster IP" '
            f"-m tcp --dport 80 -j {svc}")
        # Only 2768 nodePorts exist in the default range; the rest are plain ClusterIP ports
        # sharing a nodePort-less shape so that every Service still has a KUBE-EXT chain.
        port = 30000 + i if i < 2768 else 30000 + (i % 2768)
        if i < 2768:
            nodeport_rules += [
                f'-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "{name}" -m tcp --dport {port} '
                f"-m nfacct --nfacct-name localhost_nps_accepted_pkts -j {ext}",
                f'-A KUBE-NODEPORTS -p tcp -m comment --comment "{name}" -m tcp --dport {port} -j {ext}',
            ]
        else:
            services_rules.append(
                f'-A KUBE-SERVICES -d 203.0.{i // 250 % 256}.{i % 250 + 1}/32 -p tcp -m comment '
                f'--comment "{name} external IP" -m tcp --dport 80 -j {ext}')
        other_rules += [
            f'-A {ext} -m comment --comment "masquerade traffic for {name} external destinations" -j KUBE-MARK-MASQ',
            f"-A {ext} -j {svc}",
            f'-A {svc} ! -s {POD_CIDR} -d {cluster_ip}/32 -p tcp -m comment --comment "{name} cluster IP" '
            f"-m tcp --dport 80 -j KUBE-MARK-MASQ",
        ]
        for e in range(endpoints):
            pod_ip = f"10.244.{(i * endpoints + e) // 250 % 256}.{(i * endpoints + e) % 250 + 2}"
            sep = _chain("KUBE-SEP-", name, "tcp", pod_ip)
            decls.append(f":{sep} - [0:0]")
            left = endpoints - e
            stat = (f"-m statistic --mode random --probability {1 / left:.11f} " if left > 1 else "")
            other_rules.append(f'-A {svc} -m comment --comment "{name} -> {pod_ip}:8080" {stat}-j {sep}')
            other_rules += [
                f'-A {sep} -s {pod_ip}/32 -m comment --comment "{name}" -j KUBE-MARK-MASQ',
                f'-A {sep} -p tcp -m comment --comment "{name}" -m tcp -j DNAT --to-destination {pod_ip}:8080',
            ]
    services_rules.append(
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last '
        'rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')
    nat_lines = (
        ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
         ":POSTROUTING ACCEPT [0:0]"] + decls
        + ['-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
           '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
           '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
           "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
           "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
           "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
           '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
           "-j MASQUERADE --random-fully"]
        + nodeport_rules + services_rules + other_rules + ["COMMIT"])
    return "\n".join(["# Generated by bench_proxy_trace.py"] + filter_lines + nat_lines) + "\n"


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Build the dumps, then print parse and trace timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    node = NodeRouting(local_addresses={NODE_IP, "10.244.0.1"})
    for services in (1, args.services):
        text = build_dump(services)
        lines = text.count("\n")
        print(f"== {services} Service(s): {lines:,} lines, {len(text) / 1e6:.1f} MB")
        lazy = _best(lambda: parse_ruleset(text, lazy=True), args.repeat)
        gc.collect()
        eager = _best(lambda: parse_ruleset(text), max(1, args.repeat // 2))
        gc.collect()
        print(f"parse, lazy (split into chains):      {lazy * 1e3:9.2f} ms")
        print(f"parse, eager (compile every rule):    {eager * 1e3:9.2f} ms")

        last = services - 1 if services <= 2768 else 2767
        cluster_ip = f"10.96.{last // 250}.{last % 250 + 1}"
        nodeport = Packet("203.0.113.9", NODE_IP, 30000 + last, in_iface="eth0")
        to_cluster_ip = Packet("10.244.0.5", cluster_ip, 80, in_iface="cni0")
        localhost = Packet("127.0.0.1", "127.0.0.1", 30000 + last)

        ruleset = parse_ruleset(text, lazy=True)
        start = time.perf_counter()
        first = trace(ruleset, nodeport, node)
        cold = time.perf_counter() - start
        print(f"first trace on a lazy ruleset:        {cold * 1e3:9.2f} ms  (compiles and indexes the chains it visits)")
        for label, packet, origin in (("NodePort from outside", nodeport, "network"),
                                      ("pod -> ClusterIP", to_cluster_ip, "network"),
                                      ("localhost:NodePort", localhost, LOCAL)):
            n = 200
            per = _best(lambda: [trace(ruleset, packet, node, origin=origin) for _ in range(n)], args.repeat) / n
            result = trace(ruleset, packet, node, origin=origin)
            print(f"trace {label:<24}        {per * 1e3:9.3f} ms  ({len(result.outcomes)} outcomes, "
                  f"{len(result.outcomes[0].hops)} hops each)")
        assert first.total == 1


if __name__ == "__main__":
    main()
