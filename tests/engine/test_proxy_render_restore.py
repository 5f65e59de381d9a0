"""Round trip through the real iptables-restore / iptables-save, in a throwaway network namespace.

Our output must be exactly what iptables-save prints, so loading it with iptables-restore
and dumping it again has to give the same text back (for both the nf_tables and the legacy
backend). Skipped unless root with ``unshare`` and iptables available; the host's own
netfilter rules are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace

import pytest

from tests.engine.test_proxy_render_fixtures import (
    CONTROLPLANE,
    KUBEADM_CONFIG,
    NODE01,
    UPSTREAM_CONFIG,
    UPSTREAM_NODE,
    endpoint_slice,
    ep,
    port,
    seed_objects,
    service,
    tables,
)
from tests.engine.test_proxy_render_upstream import overall_objects
from trainer.engine.proxy import NodeProxier, render_iptables

COUNTERS = ("ct_state_invalid_dropped_pkts", "localhost_nps_accepted_pkts")


def _tools_ok(backend: str) -> bool:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    if not all(shutil.which(t) for t in ("unshare", f"iptables-{backend}-restore", f"iptables-{backend}-save")):
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


HAVE_NFACCT = shutil.which("nfacct") is not None


def round_trip(text: str, backend: str) -> str:
    """Load ``text`` into a fresh network namespace and return iptables-save's dump of it."""
    setup = " && ".join(f"nfacct add {c} >/dev/null" for c in COUNTERS) + " && " if HAVE_NFACCT else ""
    script = f"{setup}iptables-{backend}-restore && iptables-{backend}-save"
    proc = subprocess.run(["unshare", "-n", "sh", "-c", script], input=text, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def kitchen_sink() -> tuple[list[dict], list[dict]]:
    """Many features at once: LB firewall, affinity, ITP Local, UDP/SCTP, no endpoints."""
    services = [
        service("lb", "web", "10.96.10.10", [port("http", 80, node_port=30080)], svc_type="LoadBalancer",
                externalTrafficPolicy="Local", healthCheckNodePort=32000, externalIPs=["192.0.2.7"],
                loadBalancerSourceRanges=["10.0.0.0/24", "198.51.100.0/24"], sessionAffinity="ClientIP",
                sessionAffinityConfig={"clientIP": {"timeoutSeconds": 600}},
                status={"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}, {"ip": "203.0.113.11"}]}}),
        service("kube-system", "kube-dns", "10.96.0.10",
                [port("dns", 53, "UDP"), port("dns-tcp", 53), port("metrics", 9153)]),
        service("sctp", "sig", "10.96.20.20", [port(None, 3868, "SCTP", node_port=30868)], svc_type="NodePort"),
        service("local", "itp", "10.96.30.30", [port("p", 8080)], internalTrafficPolicy="Local"),
        service("empty", "none", "10.96.40.40", [port("p", 80, node_port=30040)], svc_type="NodePort"),
    ]
    slices = [
        endpoint_slice("lb", "web", [ep("10.244.1.5", "node01"), ep("10.244.2.5", "node02"),
                                     ep("10.244.1.6", "node01", ready=False, serving=True, terminating=True)],
                       [("http", 8080, "TCP")]),
        endpoint_slice("kube-system", "kube-dns", [ep("10.244.0.2", "controlplane"), ep("10.244.0.3", "controlplane")],
                       [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]),
        endpoint_slice("sctp", "sig", [ep("10.244.2.8", "node02")], [("", 3868, "SCTP")]),
        endpoint_slice("local", "itp", [ep("10.244.1.9", "node01"), ep("10.244.2.9", "node02")], [("p", 8080, "TCP")]),
    ]
    return services, slices


def scenarios() -> list[tuple[str, str]]:
    nfacct = {} if HAVE_NFACCT else {"nfacct": False}
    upstream_node = replace(UPSTREAM_NODE, **nfacct)
    node01 = replace(NODE01, secondary_addresses=("10.244.1.0", "10.244.1.1"), **nfacct)
    controlplane = replace(CONTROLPLANE, **nfacct)
    out = []
    services, slices = overall_objects()
    out.append(("upstream-overall", render_iptables(upstream_node, UPSTREAM_CONFIG, services, slices)))
    for policy in ("Cluster", "Local"):
        services, slices = seed_objects(policy)
        for node in (node01, controlplane):
            out.append((f"seed-{policy}-{node.name}", render_iptables(node, KUBEADM_CONFIG, services, slices)))
    services, slices = kitchen_sink()
    bridge = {**KUBEADM_CONFIG, "detectLocalMode": "BridgeInterface", "detectLocal": {"bridgeInterface": "cni0"},
              "nodePortAddresses": ["10.0.0.0/24", "127.0.0.0/8"]}
    out.append(("kitchen-sink-bridge", render_iptables(node01, bridge, services, slices)))
    prefix = {"detectLocalMode": "InterfaceNamePrefix", "detectLocal": {"interfaceNamePrefix": "veth"},
              "iptables": {"masqueradeAll": True, "masqueradeBit": 0, "localhostNodePorts": False}}
    out.append(("kitchen-sink-prefix", render_iptables(replace(node01, kubelet_iptables=False), prefix, services, slices)))
    # Large-cluster mode after a partial sync: a mix of commented and comment-less chains.
    proxier = NodeProxier(node01, KUBEADM_CONFIG)
    proxier.sync(services, slices)
    many = endpoint_slice("big", "many", [ep(f"10.245.{i // 250}.{i % 250 + 1}", "node02") for i in range(1001)],
                          [("", 80, "TCP")])
    big = service("big", "many", "10.96.50.50", [port(None, 80)])
    out.append(("large-partial", proxier.sync(services + [big], slices + [many])))
    return out


@pytest.mark.parametrize("backend", ["nft", "legacy"])
def test_iptables_save_round_trip_is_identity(backend: str) -> None:
    if not _tools_ok(backend):
        pytest.skip(f"needs root, unshare and iptables-{backend}")
    for name, text in scenarios():
        saved = round_trip(text, backend)
        assert tables(saved) == tables(text), name
