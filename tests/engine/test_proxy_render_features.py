"""Each kube-proxy (iptables mode) behaviour, one scenario at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from tests.engine.test_proxy_render_fixtures import (
    NODE01,
    UPSTREAM_CONFIG,
    UPSTREAM_NODE,
    chains,
    chains_with_prefix,
    endpoint_slice,
    ep,
    port,
    rules,
    service,
)
from trainer.engine.proxy import NodeFacts, NodeProxier, ProxyConfig, port_proto_hash, probability, render_iptables

H = port_proto_hash("ns1/svc1:p80", "tcp")
SVC, SVL, EXT, FW = f"KUBE-SVC-{H}", f"KUBE-SVL-{H}", f"KUBE-EXT-{H}", f"KUBE-FW-{H}"
P80 = [("p80", 80, "TCP")]


def render(services, slices, config=None, node=UPSTREAM_NODE, **kw):
    return render_iptables(node, UPSTREAM_CONFIG if config is None else config, services, slices, **kw)


def svc1(**spec):
    ports = spec.pop("ports", [port("p80", 80, node_port=spec.pop("node_port", None))])
    return service("ns1", "svc1", spec.pop("cluster_ip", "172.30.0.41"), ports, **spec)


# -- which Services are proxied ---------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        {"cluster_ip": "None"},
        {"svc_type": "ExternalName", "externalName": "example.com", "cluster_ip": ""},
        {"cluster_ip": "fd00:172:30::41"},
    ],
    ids=["headless", "externalname", "ipv6-only"],
)
def test_services_kube_proxy_skips(spec) -> None:
    out = render([svc1(**spec)], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)])
    assert "ns1/svc1" not in out


def test_dual_stack_service_uses_its_ipv4_cluster_ip() -> None:
    svc = svc1(cluster_ip="fd00:172:30::41", clusterIPs=["fd00:172:30::41", "172.30.0.99"], ipFamilies=["IPv6", "IPv4"])
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)])
    assert rules(out, "nat", "KUBE-SERVICES")[0].startswith("-A KUBE-SERVICES -d 172.30.0.99/32 -p tcp")


def test_ipv6_endpoint_slices_and_unnamed_ports_are_ignored() -> None:
    slices = [
        endpoint_slice("ns1", "svc1", [ep("fd00:10:180::1")], P80, name="v6", address_type="IPv6"),
        # A port with no name at all (nil) is skipped by the endpoint slice cache.
        endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], [(None, 80, "TCP")], name="nil-name"),
    ]
    out = render([svc1()], slices)
    assert "has no endpoints" in rules(out, "filter", "KUBE-SERVICES")[0]


# -- no endpoints -------------------------------------------------------------------------


def test_no_endpoints_rejects_every_service_address() -> None:
    svc = svc1(
        svc_type="LoadBalancer", node_port=3001, externalIPs=["192.168.99.11"],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}},
    )
    # Endpoints that are neither ready nor serving+terminating do not count.
    slices = [endpoint_slice("ns1", "svc1", [ep("10.180.0.1", ready=False, serving=False, terminating=True)], P80)]
    out = render([svc], slices)
    reject = '-m comment --comment "ns1/svc1:p80 has no endpoints"'
    assert rules(out, "filter", "KUBE-SERVICES") == [
        f"-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp {reject} -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"
    ]
    assert rules(out, "filter", "KUBE-EXTERNAL-SERVICES") == [
        f"-A KUBE-EXTERNAL-SERVICES -d 192.168.99.11/32 -p tcp {reject} -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
        f"-A KUBE-EXTERNAL-SERVICES -d 1.2.3.4/32 -p tcp {reject} -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
        f"-A KUBE-EXTERNAL-SERVICES -p tcp {reject} -m addrtype --dst-type LOCAL -m tcp --dport 3001 -j REJECT --reject-with icmp-port-unreachable",
    ]
    assert chains_with_prefix(out, "KUBE-SVC-") == [] and chains_with_prefix(out, "KUBE-EXT-") == []
    assert rules(out, "nat", "KUBE-NODEPORTS") == []


# -- NodePorts and nodePortAddresses --------------------------------------------------------


def nodeport_render(config: dict, node=UPSTREAM_NODE) -> str:
    return render([svc1(svc_type="NodePort", node_port=3001)], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)],
                  config={**UPSTREAM_CONFIG, **config}, node=node)


def test_localhost_nodeports_disabled_excludes_loopback() -> None:
    out = nodeport_render({"iptables": {"localhostNodePorts": False}})
    assert rules(out, "nat", "KUBE-SERVICES")[-1] == (
        '-A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment "kubernetes service nodeports; NOTE: this must be '
        'the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
    )
    assert rules(out, "nat", "KUBE-NODEPORTS") == [
        f'-A KUBE-NODEPORTS -p tcp -m comment --comment "ns1/svc1:p80" -m tcp --dport 3001 -j {EXT}'
    ]
    # Without localhost NodePorts kube-proxy does not write the martian-packet rule.
    assert rules(out, "filter", "KUBE-FIREWALL") == []
    assert "KUBE-FIREWALL" in chains(out, "filter")


def test_node_port_addresses_select_local_ips() -> None:
    out = nodeport_render({"nodePortAddresses": ["192.168.0.0/16", "2001:db8::/64"]})
    nodeports = [r for r in rules(out, "nat", "KUBE-SERVICES") if r.endswith("-j KUBE-NODEPORTS")]
    comment = '-m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain"'
    assert nodeports == [
        f"-A KUBE-SERVICES -d 192.168.0.2/32 {comment} -j KUBE-NODEPORTS",
        f"-A KUBE-SERVICES -d 192.168.1.2/32 {comment} -j KUBE-NODEPORTS",
        f"-A KUBE-SERVICES -d 192.168.99.11/32 {comment} -j KUBE-NODEPORTS",
    ]
    # No loopback CIDR: localhostNodePorts is switched off, so no nfacct localhost rule.
    assert len(rules(out, "nat", "KUBE-NODEPORTS")) == 1


def test_node_port_addresses_with_loopback() -> None:
    out = nodeport_render({"nodePortAddresses": ["192.168.0.0/24", "127.0.0.1/32"]})
    assert [r.split()[3] for r in rules(out, "nat", "KUBE-SERVICES") if r.endswith("-j KUBE-NODEPORTS")] == [
        "127.0.0.1/32", "192.168.0.2/32",
    ]
    assert "--nfacct-name  localhost_nps_accepted_pkts" in rules(out, "nat", "KUBE-NODEPORTS")[0]
    out = nodeport_render({"nodePortAddresses": ["192.168.0.0/24", "127.0.0.1/32"], "iptables": {"localhostNodePorts": False}})
    assert [r.split()[3] for r in rules(out, "nat", "KUBE-SERVICES") if r.endswith("-j KUBE-NODEPORTS")] == ["192.168.0.2/32"]


def test_node_port_addresses_primary_and_ipv6_only() -> None:
    out = nodeport_render({"nodePortAddresses": ["primary"]})
    assert [r.split()[3] for r in rules(out, "nat", "KUBE-SERVICES") if r.endswith("-j KUBE-NODEPORTS")] == ["192.168.0.2/32"]
    # With no IPv4 CIDR at all the IPv4 proxier falls back to 0.0.0.0/0: every local address.
    out = nodeport_render({"nodePortAddresses": ["2001:db8::/64"]})
    assert rules(out, "nat", "KUBE-SERVICES")[-1].endswith("-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")


# -- external IPs, load balancers, firewall -----------------------------------------------


def test_external_ip_cluster_policy() -> None:
    svc = svc1(externalIPs=["192.168.99.33", "fd00::33"])
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)])
    assert rules(out, "nat", "KUBE-SERVICES")[1] == (
        f'-A KUBE-SERVICES -d 192.168.99.33/32 -p tcp -m comment --comment "ns1/svc1:p80 external IP" -m tcp --dport 80 -j {EXT}'
    )
    assert rules(out, "nat", EXT) == [
        f'-A {EXT} -m comment --comment "masquerade traffic for ns1/svc1:p80 external destinations" -j KUBE-MARK-MASQ',
        f"-A {EXT} -j {SVC}",
    ]


def test_load_balancer_source_ranges() -> None:
    svc = svc1(
        svc_type="LoadBalancer", node_port=3001,
        loadBalancerSourceRanges=["192.168.0.0/24", " 203.0.113.0/25", "not-a-cidr", "2001:db8::/64"],
        status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"ip": "5.6.7.8"}, {"hostname": "lb.example"},
                                             {"ip": "9.10.11.12", "ipMode": "Proxy"}]}},
    )
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)])
    lb = '-m comment --comment "ns1/svc1:p80 loadbalancer IP"'
    assert [r for r in rules(out, "nat", "KUBE-SERVICES") if "loadbalancer" in r] == [
        f"-A KUBE-SERVICES -d 1.2.3.4/32 -p tcp {lb} -m tcp --dport 80 -j {FW}",
        f"-A KUBE-SERVICES -d 5.6.7.8/32 -p tcp {lb} -m tcp --dport 80 -j {FW}",
    ]
    # The node IP 192.168.0.2 is inside a source range, so the LB IPs as sources are allowed too.
    assert rules(out, "nat", FW) == [
        f"-A {FW} -s 192.168.0.0/24 {lb} -j {EXT}",
        f"-A {FW} -s 203.0.113.0/25 {lb} -j {EXT}",
        f"-A {FW} -s 1.2.3.4/32 {lb} -j {EXT}",
        f"-A {FW} -s 5.6.7.8/32 {lb} -j {EXT}",
        f'-A {FW} -m comment --comment "other traffic to ns1/svc1:p80 will be dropped by KUBE-PROXY-FIREWALL"',
    ]
    drop = f'-m comment --comment "ns1/svc1:p80 traffic not accepted by {FW}"'
    assert rules(out, "filter", "KUBE-PROXY-FIREWALL") == [
        f"-A KUBE-PROXY-FIREWALL -d 1.2.3.4/32 -p tcp {drop} -m tcp --dport 80 -j DROP",
        f"-A KUBE-PROXY-FIREWALL -d 5.6.7.8/32 -p tcp {drop} -m tcp --dport 80 -j DROP",
    ]


def test_health_check_node_port_only_for_local_load_balancers() -> None:
    slices = [endpoint_slice("ns1", "svc1", [ep("10.180.0.1", "test-node")], P80)]
    lb = svc1(svc_type="LoadBalancer", node_port=3001, externalTrafficPolicy="Local", healthCheckNodePort=30000)
    assert rules(render([lb], slices), "filter", "KUBE-NODEPORTS") == [
        '-A KUBE-NODEPORTS -p tcp -m comment --comment "ns1/svc1:p80 health check node port" -m tcp --dport 30000 -j ACCEPT'
    ]
    np = svc1(svc_type="NodePort", node_port=3001, externalTrafficPolicy="Local", healthCheckNodePort=30000)
    assert rules(render([np], slices), "filter", "KUBE-NODEPORTS") == []


# -- traffic policies and endpoint selection ------------------------------------------------


def test_internal_traffic_policy_local() -> None:
    svc = svc1(internalTrafficPolicy="Local")
    slices = [endpoint_slice("ns1", "svc1", [ep("10.180.0.1", "test-node"), ep("10.180.2.1", "other")], P80)]
    out = render([svc], slices)
    assert rules(out, "nat", "KUBE-SERVICES")[0].endswith(f"-j {SVL}")
    sep = rules(out, "nat", SVL)[1].split()[-1]
    assert rules(out, "nat", SVL) == [
        f'-A {SVL} ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
        f'-A {SVL} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j {sep}',
    ]
    assert chains_with_prefix(out, "KUBE-SVC-") == [] and len(chains_with_prefix(out, "KUBE-SEP-")) == 1

    remote_only = [endpoint_slice("ns1", "svc1", [ep("10.180.2.1", "other")], P80)]
    out = render([svc], remote_only)
    assert rules(out, "filter", "KUBE-SERVICES") == [
        '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 has no local endpoints" -m tcp --dport 80 -j DROP'
    ]
    assert chains_with_prefix(out, "KUBE-S") == ["KUBE-SERVICES"]


def test_terminating_endpoints_are_a_fallback() -> None:
    svc = svc1(svc_type="LoadBalancer", node_port=3001, externalTrafficPolicy="Local", healthCheckNodePort=30000,
               status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}})
    slices = [endpoint_slice("ns1", "svc1", [
        ep("10.0.1.2", "test-node", ready=False, serving=True, terminating=True),
        ep("10.0.1.3", "test-node", ready=False, serving=True, terminating=True),
        ep("10.0.1.4", "test-node", ready=False, serving=False, terminating=True),
        ep("10.0.1.5", "node-1", ready=True, serving=True, terminating=False),
    ], P80)]
    out = render([svc], slices)
    targets = lambda chain: [r.split("--comment ")[1].split('"')[1].split(" -> ")[1] for r in rules(out, "nat", chain) if " -> " in r]
    assert targets(SVC) == ["10.0.1.5:80"]  # Cluster: ready endpoints win
    assert targets(SVL) == ["10.0.1.2:80", "10.0.1.3:80"]  # Local: no ready local ones, so serving+terminating
    assert len(chains_with_prefix(out, "KUBE-SEP-")) == 3

    all_terminating = [endpoint_slice("ns1", "svc1", [ep("10.0.1.5", "node-1", ready=False, serving=True, terminating=True)], P80)]
    out = render([svc1()], all_terminating)
    assert targets(SVC) == ["10.0.1.5:80"]


def test_external_policy_local_without_cluster_cidr_has_no_pod_shortcut() -> None:
    svc = svc1(svc_type="NodePort", node_port=3001, externalTrafficPolicy="Local")
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1", "test-node")], P80)], config={})
    assert [r.split("--comment ")[1].split('"')[1] for r in rules(out, "nat", EXT) if "--comment" in r] == [
        "masquerade LOCAL traffic for ns1/svc1:p80 external destinations",
        "route LOCAL traffic for ns1/svc1:p80 external destinations",
    ]
    # And no masquerade rule for off-cluster sources on the cluster IP.
    assert not any("cluster IP" in r for r in rules(out, "nat", SVC))


def test_session_affinity() -> None:
    svc = svc1(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 300}})
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1"), ep("10.180.0.2")], P80)])
    svc_rules = rules(out, "nat", SVC)
    sep1, sep2 = svc_rules[3].split()[-1], svc_rules[4].split()[-1]
    assert svc_rules[1:] == [
        f'-A {SVC} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --rcheck --seconds 300 --reap --name {sep1} --mask 255.255.255.255 --rsource -j {sep1}',
        f'-A {SVC} -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m recent --rcheck --seconds 300 --reap --name {sep2} --mask 255.255.255.255 --rsource -j {sep2}',
        f'-A {SVC} -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.50000000000 -j {sep1}',
        f'-A {SVC} -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -j {sep2}',
    ]
    assert rules(out, "nat", sep1)[1] == (
        f'-A {sep1} -p tcp -m comment --comment "ns1/svc1:p80" -m recent --set --name {sep1} --mask 255.255.255.255 '
        "--rsource -m tcp -j DNAT --to-destination 10.180.0.1:80"
    )


def test_probabilities_endpoint_order_and_duplicates() -> None:
    ips = ["10.180.0.9", "10.180.0.10", "10.180.0.11", "10.180.0.2", "10.180.0.3"]
    slices = [
        endpoint_slice("ns1", "svc1", [ep(ip) for ip in ips], P80, name="a"),
        # The same IP again, terminating, in another slice: the ready copy wins.
        endpoint_slice("ns1", "svc1", [ep("10.180.0.3", ready=False, serving=True, terminating=True)], P80, name="b"),
    ]
    out = render([svc1()], slices)
    dispatch = rules(out, "nat", SVC)[1:]
    # Endpoints are sorted as "ip:port" strings, so .10 and .11 come before .2.
    assert [r.split(" -> ")[1].split('"')[0] for r in dispatch] == [
        "10.180.0.10:80", "10.180.0.11:80", "10.180.0.2:80", "10.180.0.3:80", "10.180.0.9:80",
    ]
    assert [r.split("--probability ")[1].split()[0] for r in dispatch[:-1]] == [
        "0.20000000019", "0.25000000000", "0.33333333349", "0.50000000000",
    ]
    assert "--probability" not in dispatch[-1]
    assert probability(3) == "0.33333333349" and probability(7) == "0.14285714272"


def test_topology_zone_hints() -> None:
    node = replace(UPSTREAM_NODE, labels={"topology.kubernetes.io/zone": "zone-a"})
    hinted = [ep("10.180.0.1", zones=["zone-a"]), ep("10.180.0.2", zones=["zone-b"]), ep("10.180.0.3", zones=["zone-a"])]
    out = render([svc1()], [endpoint_slice("ns1", "svc1", hinted, P80)], node=node)
    assert [r.split(" -> ")[1].split('"')[0] for r in rules(out, "nat", SVC)[1:]] == ["10.180.0.1:80", "10.180.0.3:80"]
    # One ready endpoint without a hint disables topology-aware routing.
    partial = hinted + [ep("10.180.0.4")]
    out = render([svc1()], [endpoint_slice("ns1", "svc1", partial, P80)], node=node)
    assert len(rules(out, "nat", SVC)) == 5


def test_multiple_ports_and_protocols() -> None:
    svc = service("ns2", "dns", "172.30.0.10", [port("dns", 53, "UDP"), port("dns-tcp", 53, "TCP"), port("sctp", 53, "SCTP")])
    eps = endpoint_slice("ns2", "dns", [ep("10.180.0.7")], [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("sctp", 9053, "SCTP")])
    out = render([svc], [eps])
    kube_services = rules(out, "nat", "KUBE-SERVICES")
    udp = port_proto_hash("ns2/dns:dns", "udp")
    sctp = port_proto_hash("ns2/dns:sctp", "sctp")
    assert f'-A KUBE-SERVICES -d 172.30.0.10/32 -p udp -m comment --comment "ns2/dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-{udp}' in kube_services
    sep = rules(out, "nat", f"KUBE-SVC-{sctp}")[-1].split()[-1]
    assert rules(out, "nat", sep)[1] == (
        f'-A {sep} -p sctp -m comment --comment "ns2/dns:sctp" -m sctp -j DNAT --to-destination 10.180.0.7:9053'
    )
    assert len(chains_with_prefix(out, "KUBE-SVC-")) == 3


# -- configuration -----------------------------------------------------------------------


def test_masquerade_all_and_mark_bit() -> None:
    config = {"clusterCIDR": "10.0.0.0/8", "iptables": {"masqueradeAll": True, "masqueradeBit": 10}}
    out = render([svc1()], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1")], P80)], config=config)
    assert rules(out, "nat", SVC)[0] == (
        f'-A {SVC} -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ'
    )
    assert rules(out, "nat", "KUBE-MARK-MASQ") == ["-A KUBE-MARK-MASQ -j MARK --set-xmark 0x400/0x400"]
    assert "-A KUBE-POSTROUTING -m mark ! --mark 0x400/0x400 -j RETURN" in rules(out, "nat", "KUBE-POSTROUTING")


@pytest.mark.parametrize(
    ("config", "not_local", "local"),
    [
        ({"detectLocalMode": "NodeCIDR"}, "! -s 10.244.1.0/24 -d 172.30.0.41/32 -p tcp", "-s 10.244.1.0/24 -m comment"),
        ({"detectLocalMode": "BridgeInterface", "detectLocal": {"bridgeInterface": "cni0"}},
         "-d 172.30.0.41/32 ! -i cni0 -p tcp", "-i cni0 -m comment"),
        ({"detectLocalMode": "InterfaceNamePrefix", "detectLocal": {"interfaceNamePrefix": "veth"}},
         "-d 172.30.0.41/32 ! -i veth+ -p tcp", "-i veth+ -m comment"),
    ],
    ids=["node-cidr", "bridge", "prefix"],
)
def test_detect_local_modes(config, not_local, local) -> None:
    svc = svc1(svc_type="NodePort", node_port=3001, externalTrafficPolicy="Local")
    out = render([svc], [endpoint_slice("ns1", "svc1", [ep("10.180.0.1", "node01")], P80)], config=config, node=NODE01)
    assert rules(out, "nat", SVC)[0].startswith(f"-A {SVC} {not_local} ")
    assert rules(out, "nat", EXT)[0].startswith(f"-A {EXT} {local} ")


def test_kernel_facts_change_forward_rules() -> None:
    plain = replace(UPSTREAM_NODE, nfacct=False)
    out = render([], [], node=plain)
    assert rules(out, "filter", "KUBE-FORWARD")[0] == "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP"
    liberal = replace(UPSTREAM_NODE, conntrack_tcp_be_liberal=True)
    assert len(rules(render([], [], node=liberal), "filter", "KUBE-FORWARD")) == 2


def test_builtin_chain_jumps_with_and_without_kubelet() -> None:
    without = render([], [])
    assert rules(without, "filter", "OUTPUT") == [
        "-A OUTPUT -j KUBE-FIREWALL",
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
        '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ]
    assert chains(without, "mangle")[-1:] == ["KUBE-PROXY-CANARY"]
    with_kubelet = render([], [], node=replace(UPSTREAM_NODE, kubelet_iptables=True))
    assert rules(with_kubelet, "filter", "OUTPUT")[-1] == "-A OUTPUT -j KUBE-FIREWALL"
    assert chains(with_kubelet, "mangle")[-3:] == ["KUBE-IPTABLES-HINT", "KUBE-KUBELET-CANARY", "KUBE-PROXY-CANARY"]
    assert rules(with_kubelet, "nat", "POSTROUTING") == [
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'
    ]


def test_headers_per_backend() -> None:
    moment = datetime(2025, 11, 26, 9, 8, 41)
    assert render([], [], now=moment).startswith("# Generated by iptables-save v1.8.9 (nf_tables) on Wed Nov 26 09:08:41 2025\n*mangle\n")
    legacy = render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, [], [], now=moment, backend="legacy")
    assert legacy.count("# Generated by iptables-save v1.8.9 on Wed Nov 26 09:08:41 2025\n") == 3
    assert legacy.count("# Completed on Wed Nov 26 09:08:41 2025\n") == 3
    assert not render([], []).startswith("#")


def test_config_defaults_and_validation() -> None:
    cfg = ProxyConfig.from_dict({})
    assert (cfg.mode, cfg.detect_local_mode, cfg.masquerade_bit, cfg.localhost_node_ports) == ("iptables", "ClusterCIDR", 14, True)
    assert cfg.cluster_cidrs == () and cfg.sync_period == 30.0
    cfg = ProxyConfig.from_dict({"clusterCIDR": "10.244.0.0/16,fd00::/56", "iptables": {"syncPeriod": "1m0s"}})
    assert cfg.cluster_cidrs == ("10.244.0.0/16", "fd00::/56") and cfg.sync_period == 60.0
    for bad in ({"mode": "userspace"}, {"detectLocalMode": "BridgeInterface"}, {"nodePortAddresses": ["primary", "10.0.0.0/8"]},
                {"nodePortAddresses": ["10.0.0.0"]}, {"iptables": {"masqueradeBit": 32}}):
        with pytest.raises(ValueError):
            ProxyConfig.from_dict(bad)
    with pytest.raises(ValueError):
        NodeProxier(UPSTREAM_NODE, {"mode": "ipvs"})


def test_node_facts_from_a_node_object() -> None:
    node = {
        "metadata": {"name": "node01", "labels": {"topology.kubernetes.io/zone": "z1"}},
        "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]},
        "status": {"addresses": [{"type": "Hostname", "address": "node01"}, {"type": "InternalIP", "address": "10.0.0.11"},
                                 {"type": "ExternalIP", "address": "203.0.113.50"}]},
    }
    facts = NodeFacts.from_node(node, secondary_addresses=["10.244.1.1"], nfacct=False)
    assert (facts.name, facts.internal_ip, facts.external_ip, facts.pod_cidrs, facts.zone) == (
        "node01", "10.0.0.11", "203.0.113.50", ("10.244.1.0/24",), "z1",
    )
    assert facts.local_ipv4() == ["127.0.0.1", "10.0.0.11", "203.0.113.50", "10.244.1.1"]
    assert not facts.nfacct


def test_route_localnet_follows_effective_localhost_nodeports() -> None:
    assert NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG).route_localnet
    assert not NodeProxier(UPSTREAM_NODE, {"nodePortAddresses": ["primary"]}).route_localnet
    assert not NodeProxier(UPSTREAM_NODE, {"iptables": {"localhostNodePorts": False}}).route_localnet
