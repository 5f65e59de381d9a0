"""render_ipvs: the ``ipvsadm -Ln`` listing of a node whose kube-proxy runs in IPVS mode."""

from __future__ import annotations

from dataclasses import replace

from tests.engine.test_proxy_render_fixtures import (
    KUBEADM_CONFIG,
    NODE01,
    endpoint_slice,
    ep,
    port,
    seed_objects,
    service,
)
from trainer.engine.proxy import VirtualServer, format_ipvsadm, render_ipvs, virtual_servers

IPVS_CONFIG = {**KUBEADM_CONFIG, "mode": "ipvs"}
# node01 with the addresses of its flannel and cni0 interfaces, as kube-proxy sees them.
NODE01_IFACES = replace(NODE01, secondary_addresses=("10.244.1.0", "10.244.1.1"))


def test_seed_listing_exactly_as_ipvsadm_prints_it() -> None:
    services, slices = seed_objects()
    assert render_ipvs(NODE01_IFACES, IPVS_CONFIG, services, slices) == (
        "IP Virtual Server version 1.2.1 (size=4096)\n"
        "Prot LocalAddress:Port Scheduler Flags\n"
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
        "TCP  10.0.0.11:31000 rr\n"
        "  -> 10.244.1.2:80                Masq    1      0          0         \n"
        "  -> 10.244.1.3:80                Masq    1      0          0         \n"
        "  -> 10.244.2.2:80                Masq    1      0          0         \n"
        "TCP  10.96.0.1:443 rr\n"
        "  -> 10.0.0.10:6443               Masq    1      0          0         \n"
        "TCP  10.96.112.17:80 rr\n"
        "  -> 10.244.1.2:80                Masq    1      0          0         \n"
        "  -> 10.244.1.3:80                Masq    1      0          0         \n"
        "  -> 10.244.2.2:80                Masq    1      0          0         \n"
        "TCP  10.244.1.0:31000 rr\n"
        "  -> 10.244.1.2:80                Masq    1      0          0         \n"
        "  -> 10.244.1.3:80                Masq    1      0          0         \n"
        "  -> 10.244.2.2:80                Masq    1      0          0         \n"
        "TCP  10.244.1.1:31000 rr\n"
        "  -> 10.244.1.2:80                Masq    1      0          0         \n"
        "  -> 10.244.1.3:80                Masq    1      0          0         \n"
        "  -> 10.244.2.2:80                Masq    1      0          0         \n"
    )


def test_local_policy_nodeports_use_local_endpoints() -> None:
    services, slices = seed_objects("Local")
    servers = {(vs.address, vs.port): vs.real_servers for vs in virtual_servers(NODE01, IPVS_CONFIG, services, slices)}
    assert servers[("10.0.0.11", 31000)] == (("10.244.1.2", 80), ("10.244.1.3", 80))
    assert len(servers[("10.96.112.17", 80)]) == 3


def test_sorting_follows_libipvs_wrapped_comparison() -> None:
    # libipvs subtracts addresses as u32 into an int, so 172.x and 192.168.x sort before 10.x.
    servers = [
        VirtualServer("UDP", "10.96.0.10", 53, "rr", 0, ()),
        VirtualServer("TCP", "10.96.0.10", 53, "rr", 0, ()),
        VirtualServer("TCP", "192.168.0.2", 30000, "rr", 0, ()),
        VirtualServer("TCP", "172.17.0.1", 30000, "rr", 0, ()),
        VirtualServer("TCP", "10.96.0.1", 443, "rr", 10800, (("10.244.169.160", 6443), ("10.244.36.73", 6443))),
    ]
    node = replace(NODE01, internal_ip="192.168.0.2", secondary_addresses=("172.17.0.1",))
    svc_a = service("default", "kubernetes", "10.96.0.1", [port("https", 443)], sessionAffinity="ClientIP",
                    sessionAffinityConfig={"clientIP": {"timeoutSeconds": 10800}})
    dns = service("kube-system", "kube-dns", "10.96.0.10", [port("dns", 53, "UDP"), port("dns-tcp", 53)])
    web = service("default", "web", "10.96.5.5", [port(None, 80, node_port=30000)], svc_type="NodePort")
    listed = virtual_servers(node, IPVS_CONFIG, [svc_a, dns, web], [])
    assert [(vs.protocol, vs.address, vs.port) for vs in listed] == [
        ("TCP", "172.17.0.1", 30000),
        ("TCP", "192.168.0.2", 30000),
        ("TCP", "10.96.0.1", 443),
        ("TCP", "10.96.0.10", 53),
        ("TCP", "10.96.5.5", 80),
        ("UDP", "10.96.0.10", 53),
    ]
    text = format_ipvsadm(servers[4:])
    assert text.splitlines()[3:] == [
        "TCP  10.96.0.1:443 rr persistent 10800",
        "  -> 10.244.169.160:6443          Masq    1      0          0         ",
        "  -> 10.244.36.73:6443            Masq    1      0          0         ",
    ]


def test_services_without_endpoints_still_get_a_virtual_server() -> None:
    svc = service("ns1", "svc1", "10.96.7.7", [port("p", 8080)])
    assert render_ipvs(NODE01, IPVS_CONFIG, [svc], []).splitlines()[3:] == ["TCP  10.96.7.7:8080 rr"]


def test_node_port_addresses_and_scheduler() -> None:
    config = {**IPVS_CONFIG, "nodePortAddresses": ["10.0.0.0/24"], "ipvs": {"scheduler": "lc"}}
    svc = service("ns1", "svc1", "10.96.7.7", [port(None, 80, node_port=30007)], svc_type="NodePort")
    eps = endpoint_slice("ns1", "svc1", [ep("10.244.2.9", "node02")], [("", 80, "TCP")])
    listed = [(vs.address, vs.port, vs.scheduler) for vs in virtual_servers(NODE01_IFACES, config, [svc], [eps])]
    assert listed == [("10.0.0.11", 30007, "lc"), ("10.96.7.7", 80, "lc")]
