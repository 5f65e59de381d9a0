"""NodeProxier: partial syncs, caching, large-cluster behaviour over time."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from tests.engine.test_proxy_render_fixtures import (
    UPSTREAM_CONFIG,
    UPSTREAM_NODE,
    chains_with_prefix,
    endpoint_slice,
    ep,
    port,
    rules,
    service,
)
from trainer.engine.proxy import NodeProxier, render_iptables

T0 = datetime(2025, 1, 1, 12, 0, 0)


def small_cluster() -> tuple[list[dict], list[dict]]:
    services = [service(f"ns{i}", f"svc{i}", f"172.30.0.{40 + i}", [port("p80", 80)]) for i in range(1, 4)]
    slices = [endpoint_slice(f"ns{i}", f"svc{i}", [ep(f"10.0.{i}.1"), ep(f"10.0.{i}.2")], [("p80", 80, "TCP")]) for i in range(1, 4)]
    return services, slices


def big_slice(ns: str, svc: str, count: int, prefix: str, port_name: str = "p80", number: int = 80) -> dict:
    return endpoint_slice(ns, svc, [ep(f"{prefix}.{i // 250}.{i % 250 + 1}") for i in range(count)], [(port_name, number, "TCP")])


def test_partial_syncs_match_a_fresh_render() -> None:
    services, slices = small_cluster()
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    assert proxier.sync(services, slices) == render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, services, slices)

    # An endpoint replaced: a new EndpointSlice object with a new resourceVersion.
    slices[1] = endpoint_slice("ns2", "svc2", [ep("10.0.2.1"), ep("10.0.2.9")], [("p80", 80, "TCP")])
    # A Service edited in place (the API server bumps resourceVersion).
    services[0]["spec"]["type"] = "NodePort"
    services[0]["spec"]["ports"][0]["nodePort"] = 30080
    services[0]["metadata"]["resourceVersion"] = "999001"
    # A Service deleted, another added.
    del services[2], slices[2]
    services.append(service("ns4", "svc4", "172.30.0.44", [port("p80", 80)]))
    slices.append(endpoint_slice("ns4", "svc4", [ep("10.0.4.1")], [("p80", 80, "TCP")]))
    out = proxier.sync(services, slices)
    assert out == render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, services, slices)
    assert "10.0.2.9:80" in out and "10.0.2.2:80" not in out and "ns3/svc3" not in out
    assert "--dport 30080" in out


def test_objects_without_resource_version_are_compared_structurally() -> None:
    services = [service("ns1", "svc1", "172.30.0.41", [port("p80", 80)], rv=False)]
    slices = [endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")], rv=False)]
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync(services, slices)
    slices[0]["endpoints"][0]["addresses"] = ["10.0.1.7"]  # mutated in place, no version to bump
    assert "--to-destination 10.0.1.7:80" in proxier.sync(services, slices)


def test_nothing_changed_returns_the_same_text() -> None:
    services, slices = small_cluster()
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    first = proxier.sync(services, slices)
    assert proxier.sync(services, slices) is first
    # Copies with the same resourceVersions are new objects: re-derived, found equal, no change.
    assert proxier.sync(copy.deepcopy(services), copy.deepcopy(slices)) == first


def test_unchanged_derived_data_keeps_old_chains_in_large_mode() -> None:
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("p80", 80)])
    svc2 = service("ns2", "svc2", "172.30.0.42", [port("p80", 80)])
    slice1 = endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")])
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync([svc1, svc2], [slice1])
    # svc2 gains 1000 endpoints: large-cluster mode; svc1 only gets a label.
    svc1b = copy.deepcopy(svc1)
    svc1b["metadata"]["labels"] = {"team": "a"}
    svc1b["metadata"]["resourceVersion"] = "999002"
    out = proxier.sync([svc1b, svc2], [slice1, big_slice("ns2", "svc2", 1000, "10.2")])
    assert proxier.large_cluster_mode
    # kube-proxy saw no change to svc1's ServicePort, so its chains keep their comments...
    assert rules(out, "nat", "KUBE-SVC-XPGD46QRK7WJZT7O")[1].startswith('-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> ')
    # ...while svc2's freshly written ones have none.
    svc2_chain = [r for r in rules(out, "nat", "KUBE-SERVICES") if "ns2/svc2" in r][0].split()[-1]
    assert rules(out, "nat", svc2_chain)[1].startswith(f"-A {svc2_chain} -m statistic")


def test_hourly_full_sync_rewrites_everything() -> None:
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("p80", 80)])
    svc2 = service("ns2", "svc2", "172.30.0.42", [port("p80", 80)])
    slice1 = endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")])
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync([svc1, svc2], [slice1], now=T0)
    big = big_slice("ns2", "svc2", 1001, "10.2")
    out = proxier.sync([svc1, svc2], [slice1, big], now=T0 + timedelta(minutes=30))
    assert "-m comment --comment \"ns1/svc1:p80 -> 10.0.1.1:80\"" in out
    out = proxier.sync([svc1, svc2], [slice1, big], now=T0 + timedelta(minutes=61))
    assert rules(out, "nat", "KUBE-SVC-XPGD46QRK7WJZT7O")[1] == "-A KUBE-SVC-XPGD46QRK7WJZT7O -j KUBE-SEP-SNQ3ZNILQDEJNDQO"


def test_stale_chains_linger_in_large_clusters_until_sync_period() -> None:
    big = service("ns9", "big", "172.30.0.99", [port("p80", 80)])
    big_eps = big_slice("ns9", "big", 1001, "10.9")
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("p80", 80)])
    slice1 = endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")])
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync([big, svc1], [big_eps, slice1], now=T0)
    out = proxier.sync([big], [big_eps], now=T0 + timedelta(seconds=10))
    # svc1 is gone from KUBE-SERVICES, but its chains are only deleted once per syncPeriod (30s).
    assert "ns1/svc1" not in "\n".join(rules(out, "nat", "KUBE-SERVICES"))
    assert "KUBE-SVC-XPGD46QRK7WJZT7O" in chains_with_prefix(out, "KUBE-SVC-")
    assert "KUBE-SEP-SNQ3ZNILQDEJNDQO" in out
    out = proxier.sync([big], [big_eps], now=T0 + timedelta(seconds=31))
    assert "KUBE-SVC-XPGD46QRK7WJZT7O" not in out and "KUBE-SEP-SNQ3ZNILQDEJNDQO" not in out

    # A small cluster deletes them on the very next sync.
    small = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    small.sync([svc1], [slice1], now=T0)
    assert "KUBE-SVC-XPGD46QRK7WJZT7O" not in small.sync([], [], now=T0 + timedelta(seconds=1))


def test_endpoint_move_between_slices_is_seen() -> None:
    svc1 = service("ns1", "svc1", "172.30.0.41", [port("p80", 80)])
    a = endpoint_slice("ns1", "svc1", [ep("10.0.1.1"), ep("10.0.1.2")], [("p80", 80, "TCP")], name="a")
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    proxier.sync([svc1], [a])
    a2 = endpoint_slice("ns1", "svc1", [ep("10.0.1.1")], [("p80", 80, "TCP")], name="a")
    b = endpoint_slice("ns1", "svc1", [ep("10.0.1.2")], [("p80", 80, "TCP")], name="b")
    out = proxier.sync([svc1], [a2, b])
    assert out == render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, [svc1], [a, b])
    out = proxier.sync([svc1], [b])
    assert "10.0.1.1:80" not in out and "10.0.1.2:80" in out


def test_random_edit_sequences_agree_with_fresh_renders() -> None:
    import random

    rng = random.Random(2024)
    services: dict[str, dict] = {}
    slices: dict[str, dict] = {}
    proxier = NodeProxier(UPSTREAM_NODE, UPSTREAM_CONFIG)
    for step in range(120):
        i = rng.randrange(8)
        name = f"svc{i}"
        action = rng.random()
        if action < 0.45:
            svc_type = rng.choice(["ClusterIP", "NodePort", "LoadBalancer"])
            extra = {}
            if svc_type != "ClusterIP":
                extra["externalTrafficPolicy"] = rng.choice(["Cluster", "Local"])
            if svc_type == "LoadBalancer":
                extra["status"] = {"loadBalancer": {"ingress": [{"ip": f"198.51.100.{i}"}]}}
                extra["loadBalancerSourceRanges"] = rng.choice([[], ["192.168.0.0/16"]])
            if rng.random() < 0.3:
                extra["internalTrafficPolicy"] = "Local"
            node_port = 30000 + i if svc_type != "ClusterIP" else None
            services[name] = service(f"ns{i % 3}", name, f"172.30.1.{i}", [port("p", 80, node_port=node_port)],
                                     svc_type=svc_type, **extra)
        elif action < 0.85:
            eps = [
                ep(f"10.1.{i}.{j}", rng.choice(["test-node", "other", None]), ready=rng.choice([True, False, None]),
                   serving=rng.choice([True, None]), terminating=rng.choice([False, True, None]))
                for j in range(rng.randrange(4))
            ]
            slices[name] = endpoint_slice(f"ns{i % 3}", name, eps, [("p", 8080, "TCP")])
        else:
            services.pop(name, None)
            if rng.random() < 0.5:
                slices.pop(name, None)
        svc_list, slice_list = list(services.values()), list(slices.values())
        out = proxier.sync(svc_list, slice_list)
        assert out == render_iptables(UPSTREAM_NODE, UPSTREAM_CONFIG, svc_list, slice_list), step
