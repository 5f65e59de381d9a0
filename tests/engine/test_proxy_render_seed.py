"""Acceptance: the seed web-frontend Deployment behind NodePort 31000, as kube-proxy renders it."""

from __future__ import annotations

from datetime import datetime

from tests.engine.test_proxy_render_fixtures import (
    CONTROLPLANE,
    KUBEADM_CONFIG,
    NODE01,
    NODE02,
    chains,
    rules,
    seed_objects,
    tables,
)
from trainer.engine.proxy import port_proto_hash, render_iptables

WEB = port_proto_hash("default/web-frontend", "tcp")
SVC, EXT, SVL = f"KUBE-SVC-{WEB}", f"KUBE-EXT-{WEB}", f"KUBE-SVL-{WEB}"
SEP_1_2, SEP_1_3, SEP_2_2 = "KUBE-SEP-4Q6UT4KI3LWVQO75", "KUBE-SEP-KSNDWPXODQKHI7FN", "KUBE-SEP-32EM7Q2ZETIF5M4R"


def test_chain_hash_of_the_seed_service() -> None:
    # The Service port is unnamed, so the ServicePortName is just "default/web-frontend".
    assert WEB == "IA3S3BGRF2FRVHAM"


def test_nodeport_path_cluster_policy() -> None:
    services, slices = seed_objects()
    out = render_iptables(NODE01, KUBEADM_CONFIG, services, slices)

    # KUBE-SERVICES hands every local destination to KUBE-NODEPORTS, last.
    assert rules(out, "nat", "KUBE-SERVICES")[-1] == (
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule '
        'in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    )
    # KUBE-NODEPORTS -> KUBE-EXT (the first rule counts localhost NodePort hits via nfacct).
    assert rules(out, "nat", "KUBE-NODEPORTS") == [
        '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/web-frontend" -m tcp --dport 31000 '
        f"-m nfacct --nfacct-name  localhost_nps_accepted_pkts -j {EXT}",
        f'-A KUBE-NODEPORTS -p tcp -m comment --comment "default/web-frontend" -m tcp --dport 31000 -j {EXT}',
    ]
    # KUBE-EXT -> KUBE-MARK-MASQ, then KUBE-SVC.
    assert rules(out, "nat", EXT) == [
        f'-A {EXT} -m comment --comment "masquerade traffic for default/web-frontend external destinations" -j KUBE-MARK-MASQ',
        f"-A {EXT} -j {SVC}",
    ]
    # KUBE-SVC: masquerade off-cluster sources, then 1/3, 1/2, rest over the sorted endpoints.
    assert rules(out, "nat", SVC) == [
        f"-A {SVC} ! -s 10.244.0.0/16 -d 10.96.112.17/32 -p tcp -m comment --comment "
        '"default/web-frontend cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
        f'-A {SVC} -m comment --comment "default/web-frontend -> 10.244.1.2:80" '
        f"-m statistic --mode random --probability 0.33333333349 -j {SEP_1_2}",
        f'-A {SVC} -m comment --comment "default/web-frontend -> 10.244.1.3:80" '
        f"-m statistic --mode random --probability 0.50000000000 -j {SEP_1_3}",
        f'-A {SVC} -m comment --comment "default/web-frontend -> 10.244.2.2:80" -j {SEP_2_2}',
    ]
    # Each SEP: hairpin masquerade, then DNAT to the pod.
    assert rules(out, "nat", SEP_2_2) == [
        f'-A {SEP_2_2} -s 10.244.2.2/32 -m comment --comment "default/web-frontend" -j KUBE-MARK-MASQ',
        f'-A {SEP_2_2} -p tcp -m comment --comment "default/web-frontend" -m tcp -j DNAT --to-destination 10.244.2.2:80',
    ]
    assert SVL not in out
    # The POSTROUTING side that performs the masquerade.
    assert rules(out, "nat", "KUBE-POSTROUTING") == [
        "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
        "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0",
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]
    assert rules(out, "nat", "KUBE-MARK-MASQ") == ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000"]


def test_every_node_has_the_same_cluster_policy_chains() -> None:
    services, slices = seed_objects()
    renders = [render_iptables(node, KUBEADM_CONFIG, services, slices) for node in (CONTROLPLANE, NODE01, NODE02)]
    assert tables(renders[0])["nat"] == tables(renders[1])["nat"] == tables(renders[2])["nat"]


def test_local_policy_uses_only_this_nodes_endpoints() -> None:
    services, slices = seed_objects("Local")
    out = render_iptables(NODE01, KUBEADM_CONFIG, services, slices)
    assert rules(out, "nat", EXT) == [
        f'-A {EXT} -s 10.244.0.0/16 -m comment --comment "pod traffic for default/web-frontend external destinations" -j {SVC}',
        f'-A {EXT} -m comment --comment "masquerade LOCAL traffic for default/web-frontend external destinations" '
        "-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
        f'-A {EXT} -m comment --comment "route LOCAL traffic for default/web-frontend external destinations" '
        f"-m addrtype --src-type LOCAL -j {SVC}",
        f"-A {EXT} -j {SVL}",
    ]
    # node01 runs two of the three pods.
    assert rules(out, "nat", SVL) == [
        f'-A {SVL} -m comment --comment "default/web-frontend -> 10.244.1.2:80" '
        f"-m statistic --mode random --probability 0.50000000000 -j {SEP_1_2}",
        f'-A {SVL} -m comment --comment "default/web-frontend -> 10.244.1.3:80" -j {SEP_1_3}',
    ]
    # The cluster IP still balances over all three (KUBE-SVC is kept for short-circuiting).
    assert len(rules(out, "nat", SVC)) == 4
    assert rules(out, "filter", "KUBE-EXTERNAL-SERVICES") == []

    out2 = render_iptables(NODE02, KUBEADM_CONFIG, services, slices)
    assert rules(out2, "nat", SVL) == [f'-A {SVL} -m comment --comment "default/web-frontend -> 10.244.2.2:80" -j {SEP_2_2}']


def test_local_policy_on_a_node_without_pods_drops_external_traffic() -> None:
    services, slices = seed_objects("Local")
    out = render_iptables(CONTROLPLANE, KUBEADM_CONFIG, services, slices)
    assert SVL not in out
    # No fall-through jump: what is neither pod nor host traffic reaches the filter DROP.
    assert rules(out, "nat", EXT)[-1] == (
        f'-A {EXT} -m comment --comment "route LOCAL traffic for default/web-frontend external destinations" '
        f"-m addrtype --src-type LOCAL -j {SVC}"
    )
    assert rules(out, "filter", "KUBE-EXTERNAL-SERVICES") == [
        '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web-frontend has no local endpoints" '
        "-m addrtype --dst-type LOCAL -m tcp --dport 31000 -j DROP"
    ]


def test_whole_dump_layout_with_header() -> None:
    services, slices = seed_objects()
    out = render_iptables(NODE01, KUBEADM_CONFIG, services, slices, now=datetime(2025, 3, 7, 14, 5, 9))
    lines = out.splitlines()
    assert lines[0] == "# Generated by iptables-save v1.8.9 (nf_tables) on Fri Mar  7 14:05:09 2025"
    assert lines[-1] == "# Completed on Fri Mar  7 14:05:09 2025"
    assert [line for line in lines if line.startswith("*")] == ["*mangle", "*filter", "*nat"]
    assert chains(out, "nat") == [
        "PREROUTING",
        "INPUT",
        "OUTPUT",
        "POSTROUTING",
        EXT,
        "KUBE-KUBELET-CANARY",
        "KUBE-MARK-MASQ",
        "KUBE-NODEPORTS",
        "KUBE-POSTROUTING",
        "KUBE-PROXY-CANARY",
        "KUBE-SEP-2GFESPSWZI6F32XN",
        SEP_2_2,
        SEP_1_2,
        SEP_1_3,
        "KUBE-SERVICES",
        SVC,
        "KUBE-SVC-NPX46M4PTMTKRN6Y",
    ]
    assert rules(out, "nat", "PREROUTING") == [
        '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'
    ]
    assert rules(out, "filter", "INPUT") == [
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" '
        "-j KUBE-EXTERNAL-SERVICES",
        "-A INPUT -j KUBE-FIREWALL",
    ]
