"""The tracer runs each node's rendered rules: outcomes, probabilities, SNAT, drops, listeners."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from trainer.cli import main
from trainer.engine.cluster import Cluster
from trainer.engine.objects import name_of

from .conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000

NODE_IPS = {"controlplane": "10.0.0.10", "node01": "10.0.0.11", "node02": "10.0.0.12"}
CLIENT = "203.0.113.7"


def local_policy(cluster: Cluster) -> Cluster:
    svc = SEED_SERVICE_31000.replace("  type: NodePort\n", "  type: NodePort\n  externalTrafficPolicy: Local\n")
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + svc, "web.yaml"))
    return cluster


def pods_on(cluster: Cluster, node: str) -> set[str]:
    return {f"default/{name_of(p)}" for p in cluster.api.iter("Pod", "default") if p["spec"].get("nodeName") == node}


@pytest.mark.parametrize("node", sorted(NODE_IPS))
def test_cluster_policy_reaches_all_three_pods_through_every_node(seeded: Cluster, node: str) -> None:
    report = seeded.trace(CLIENT, NODE_IPS[node], 31000)
    assert report.entry_node == node and report.origin == "external"
    assert len(report.outcomes) == 3
    assert {o.pod for o in report.outcomes} == pods_on(seeded, "node01") | pods_on(seeded, "node02")
    for out in report.outcomes:
        assert out.verdict == "delivered" and out.masquerade
        assert abs(out.probability - Fraction(1, 3)) < Fraction(1, 10**9)
        # SNAT: the Pod sees an address of the node that forwarded the packet.
        remote = out.node != node
        assert out.source_seen == (NODE_IPS[node] if remote else f"10.244.{out.dnat.split('.')[2]}.1")
        assert any(h.chain.startswith("KUBE-EXT-") for h in out.hops)
        assert any(h.chain.startswith("KUBE-SEP-") and h.action.startswith("DNAT to ") for h in out.hops)
    assert sum(o.probability for o in report.outcomes) == 1


def test_local_policy_preserves_client_ip_or_drops(cluster: Cluster) -> None:
    local_policy(cluster)
    for node, ip in NODE_IPS.items():
        report = cluster.trace(CLIENT, ip, 31000)
        here = pods_on(cluster, node)
        if here:
            assert {o.pod for o in report.outcomes} == here
            for out in report.outcomes:
                assert out.verdict == "delivered" and not out.masquerade and out.source_seen == CLIENT
                assert out.node == node
                assert any(h.chain.startswith("KUBE-SVL-") for h in out.hops)
                assert out.probability == Fraction(1, len(here)) or abs(out.probability - Fraction(1, len(here))) < 1e-9
        else:
            [out] = report.outcomes
            assert out.verdict == "dropped" and out.pod is None
            assert "has no local endpoints" in out.hops[-1].rule and out.hops[-1].action == "DROP"


def test_service_without_endpoints_is_rejected(cluster: Cluster) -> None:
    cluster.apply(SEED_SERVICE_31000, "svc.yaml")
    [out] = cluster.trace(CLIENT, "10.0.0.11", 31000).outcomes
    assert out.verdict == "rejected"
    assert out.hops[-1].chain == "KUBE-EXTERNAL-SERVICES" and "has no endpoints" in out.hops[-1].rule
    svc = cluster.api.peek("Service", "web-frontend")
    [out] = cluster.trace("10.244.1.9", svc["spec"]["clusterIP"], 80, via="node01").outcomes
    assert out.verdict == "rejected"


def test_untouched_packets_are_unmatched(seeded: Cluster) -> None:
    [ssh] = seeded.trace(CLIENT, "10.0.0.11", 22).outcomes
    assert ssh.verdict == "unmatched" and "sshd" in ssh.detail
    [closed] = seeded.trace(CLIENT, "10.0.0.11", 31999).outcomes
    assert closed.verdict == "unmatched" and closed.dnat is None and "refused" in closed.detail


def test_target_port_nobody_listens_on_is_refused(cluster: Cluster) -> None:
    svc = SEED_SERVICE_31000.replace("targetPort: 80", "targetPort: 3000")
    cluster.apply(SEED_DEPLOYMENT + "---\n" + svc, "web.yaml")
    outcomes = cluster.trace(CLIENT, "10.0.0.11", 31000).outcomes
    assert len(outcomes) == 3 and {o.verdict for o in outcomes} == {"refused"}
    assert all(o.dnat.endswith(":3000") for o in outcomes)


def test_security_group_allows_only_the_intended_port_and_cidr(seeded: Cluster) -> None:
    for node in NODE_IPS:
        seeded.firewall.attach(node, "sg-0123456789abcdef0")
    seeded.firewall.authorize("sg-0123456789abcdef0", "tcp", 31000, 31000, "203.0.113.0/24")
    assert {o.verdict for o in seeded.trace("203.0.113.200", "10.0.0.12", 31000).outcomes} == {"delivered"}
    [blocked] = seeded.trace("198.51.100.1", "10.0.0.12", 31000).outcomes
    assert blocked.verdict == "dropped" and blocked.hops[0].table == "security-group"
    [other_port] = seeded.trace("203.0.113.200", "10.0.0.12", 22).outcomes
    assert other_port.verdict == "dropped"


def test_pod_to_cluster_ip_and_hairpin(seeded: Cluster) -> None:
    svc = seeded.api.peek("Service", "web-frontend")
    pod = next(p for p in seeded.api.iter("Pod", "default") if p["spec"]["nodeName"] == "node02")
    report = seeded.trace(pod["status"]["podIP"], svc["spec"]["clusterIP"], 80)
    assert report.origin == "pod" and report.entry_node == "node02" and len(report.outcomes) == 3
    for out in report.outcomes:
        if out.pod == f"default/{name_of(pod)}":
            # Hairpin: a Pod reaching itself through its Service is masqueraded to the bridge address.
            assert out.masquerade and out.source_seen == "10.244.2.1"
        else:
            assert not out.masquerade and out.source_seen == pod["status"]["podIP"]


def test_node_and_localhost_sources(seeded: Cluster) -> None:
    report = seeded.trace("10.0.0.11", "10.0.0.12", 31000)
    assert report.origin == "node" and len(report.outcomes) == 3
    assert all(o.verdict == "delivered" for o in report.outcomes)
    local = seeded.trace("127.0.0.1", "127.0.0.1", 31000, via="node01")
    assert local.origin == "localhost" and local.entry_node == "node01"
    assert {o.verdict for o in local.outcomes} == {"delivered"} and all(o.masquerade for o in local.outcomes)


def test_localhost_node_ports_off_means_no_localhost_access(cluster: Cluster) -> None:
    cluster.kube_proxy = dict(cluster.kube_proxy, iptables={"localhostNodePorts": False})
    cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    outcomes = cluster.trace("127.0.0.1", "127.0.0.1", 31000, via="node01").outcomes
    assert {o.verdict for o in outcomes} == {"unmatched"}


def test_node_port_addresses_limit_where_nodeports_open(cluster: Cluster) -> None:
    cluster.kube_proxy = dict(cluster.kube_proxy, nodePortAddresses=["10.0.0.11/32"])
    cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    assert {o.verdict for o in cluster.trace(CLIENT, "10.0.0.11", 31000).outcomes} == {"delivered"}
    assert {o.verdict for o in cluster.trace(CLIENT, "10.0.0.12", 31000).outcomes} == {"unmatched"}


def test_health_check_node_port_is_delivered_to_kube_proxy(cluster: Cluster) -> None:
    svc = SEED_SERVICE_31000.replace("type: NodePort", "type: LoadBalancer\n  externalTrafficPolicy: Local")
    cluster.apply(SEED_DEPLOYMENT + "---\n" + svc, "lb.yaml")
    hc = cluster.api.peek("Service", "web-frontend")["spec"]["healthCheckNodePort"]
    [out] = cluster.trace(CLIENT, "10.0.0.10", hc).outcomes
    assert out.verdict == "delivered" and out.pod is None and "kube-proxy" in out.detail


def test_cluster_ip_from_outside_enters_the_via_node(seeded: Cluster) -> None:
    ip = seeded.api.peek("Service", "web-frontend")["spec"]["clusterIP"]
    report = seeded.trace(CLIENT, ip, 80, via="node02")
    assert report.entry_node == "node02" and len(report.outcomes) == 3
    # Traffic to a clusterIP from outside the pod network is masqueraded.
    assert all(o.masquerade for o in report.outcomes)
    assert seeded.trace(CLIENT, ip, 80).entry_node == "controlplane"


def test_terminating_endpoints_serve_when_nothing_else_is_ready(seeded: Cluster) -> None:
    seeded.apply(SEED_DEPLOYMENT.replace("replicas: 3", "replicas: 0"), "web.yaml")
    outcomes = seeded.trace(CLIENT, "10.0.0.11", 31000).outcomes
    assert len(outcomes) == 3 and {o.verdict for o in outcomes} == {"delivered"}
    assert all("terminating" in o.detail for o in outcomes)
    seeded.settle()
    assert {o.verdict for o in seeded.trace(CLIENT, "10.0.0.11", 31000).outcomes} == {"rejected"}


def test_node_not_ready_drops(seeded: Cluster) -> None:
    assert seeded.set_node_ready("node02", "Unknown")
    [out] = seeded.trace(CLIENT, "10.0.0.12", 31000).outcomes
    assert out.verdict == "dropped"


def test_bad_arguments_are_values() -> None:
    cluster = Cluster.default()
    assert cluster.trace("nope", "10.0.0.11", 80) == "invalid source address 'nope': an IPv4 address is required"
    assert cluster.trace(CLIENT, "10.0.0.11", 70000) == "invalid port 70000: must be between 1 and 65535"
    assert cluster.trace(CLIENT, "10.96.0.1", 443, via="ghost") == 'node "ghost" not found'
    assert "unsupported protocol" in cluster.trace(CLIENT, "10.0.0.11", 80, "ICMP")


def test_iptables_save_and_ipvsadm_views(seeded: Cluster) -> None:
    text = seeded.net.iptables_save("node01")
    assert text.count("*nat") == 1 and "-A KUBE-NODEPORTS" in text and text.rstrip().endswith("COMMIT")
    seeded.kube_proxy = dict(seeded.kube_proxy, mode="ipvs")
    listing = seeded.net.ipvsadm("node01")
    assert "TCP  10.0.0.11:31000 rr" in listing


def test_trace_cli_json_and_text(tmp_path, capsys) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000)
    assert main(["trace", "-f", str(manifest), "--from", CLIENT, "--to", "10.0.0.11:31000", "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["packet"] == {"src": CLIENT, "dst": "10.0.0.11", "port": 31000, "protocol": "TCP",
                              "entry_node": "node01", "origin": "external"}
    assert len(data["outcomes"]) == 3 and "service/web-frontend created" in err
    for o in data["outcomes"]:
        assert set(o) >= {"probability", "verdict", "dnat", "masquerade", "pod", "node", "source_seen", "hops"}
        assert set(o["hops"][0]) == {"node", "table", "chain", "rule", "action"}
    assert main(["trace", "-f", str(manifest), "--from", CLIENT, "--to", "10.0.0.11:31000"]) == 0
    text = capsys.readouterr().out
    assert "Outcome 1 of 3" in text and "KUBE-SEP-" in text
    assert main(["trace", "--from", CLIENT, "--to", "10.0.0.11"]) == 2
    assert "--to must be DST_IP:PORT" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Node\nmetadata: {name: x}\nspec: {nope: 1}\n")
    assert main(["trace", "--cluster", str(bad), "--from", CLIENT, "--to", "10.0.0.11:1"]) == 2
    assert "invalid cluster fixture" in capsys.readouterr().err


def test_receiving_nodes_run_only_the_rules_that_can_match_in_large_clusters(seeded: Cluster, monkeypatch) -> None:
    import trainer.engine.datapath as datapath

    full = [(o.probability, o.verdict, o.pod, o.source_seen, [(h.node, h.chain, h.rule) for h in o.hops])
            for o in seeded.trace(CLIENT, "10.0.0.11", 31000).outcomes]
    sliced_cluster = seeded.clone()
    monkeypatch.setattr(datapath, "FULL_RENDER_LIMIT", 0)
    sliced_cluster.net.iptables_save("node01")  # only the entry node is rendered whole
    sliced = [(o.probability, o.verdict, o.pod, o.source_seen, [(h.node, h.chain, h.rule) for h in o.hops])
              for o in sliced_cluster.trace(CLIENT, "10.0.0.11", 31000).outcomes]
    assert sliced == full
    assert "node02" not in sliced_cluster.net._views
    # A node's own nodePort reached from another node still finds its Service's rules.
    node_to_node = sliced_cluster.trace("10.0.0.11", "10.0.0.12", 31000).outcomes
    assert {o.verdict for o in node_to_node} == {"delivered"} and len(node_to_node) == 3


def test_fixture_load_balancer_ingress_is_kept_and_routed() -> None:
    from trainer.engine.fixtures import default_fixture_text

    text = default_fixture_text().decode().replace(
        "nodePortAddresses: []", "nodePortAddresses: [10.0.0.0/24, fd00::/64]") + """
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  selector: {app: web-frontend}
  ports: [{port: 80, targetPort: 80, nodePort: 30500}]
status:
  loadBalancer:
    ingress: [{ip: 198.51.100.10}]
"""
    cluster = Cluster.from_fixture(text, "lb.yaml")
    assert isinstance(cluster, Cluster), cluster
    assert cluster.api.peek("Service", "lb")["status"] == {"loadBalancer": {"ingress": [{"ip": "198.51.100.10"}]}}
    cluster.apply(SEED_DEPLOYMENT, "d.yaml")
    report = cluster.trace(CLIENT, "198.51.100.10", 80, via="node01")
    assert report.entry_node == "node01" and {o.verdict for o in report.outcomes} == {"delivered"}
    assert len(report.outcomes) == 3 and all(o.masquerade for o in report.outcomes)
    rules = cluster.net.iptables_save("node01")
    assert "-d 198.51.100.10/32" in rules and "KUBE-FW-" not in rules  # no source ranges, no firewall chain
    # nodePortAddresses mixes families: the IPv4 CIDR selects 10.0.0.11 (not cni0's 10.244.1.1),
    # so KUBE-NODEPORTS is reached per address instead of by addrtype LOCAL, as upstream.
    assert '-A KUBE-SERVICES -d 10.0.0.11/32 -m comment --comment "kubernetes service nodeports;' in rules
    assert "-d 10.244.1.1/32" not in rules and "--dst-type LOCAL -j KUBE-NODEPORTS" not in rules


def test_trace_refuses_what_it_cannot_answer(seeded: Cluster) -> None:
    ghost = ("apiVersion: v1\nkind: Pod\nmetadata: {name: ghost}\nspec:\n  nodeName: gone\n"
             "  containers: [{name: c, image: nginx:1.27}]\nstatus: {phase: Running, podIP: 10.244.9.9}\n")
    fx = seeded.clone()
    fx.api.insert(__import__("yaml").safe_load(ghost))
    assert "does not exist" in fx.trace("10.244.9.9", "10.0.0.11", 31000)
    seeded.kube_proxy = dict(seeded.kube_proxy, mode="ipvs")
    assert seeded.trace(CLIENT, "10.0.0.11", 31000) == ('kube-proxy runs in "ipvs" mode: the tracer follows '
                                                        "iptables rules only")
