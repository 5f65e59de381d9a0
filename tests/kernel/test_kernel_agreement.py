"""The tracer against the real Linux kernel.

Every test builds the engine's cluster out of network namespaces (see ``netns.py``),
loads each node's ``iptables-save`` text from the engine with ``iptables-restore``, opens
real TCP connections, and checks that what happened is what ``Cluster.trace`` says:

* the set of Pods that answered equals the set of delivered outcomes' Pods, and the peer
  address each Pod saw equals that outcome's ``source_seen``;
* a refused connection (RST, or ICMP port unreachable from a REJECT) happens exactly when
  the trace has a rejected or refused outcome, a timeout exactly when it has a dropped one.

Random endpoint choice is covered by opening enough connections that missing an outcome
of probability p has a chance below 1e-9.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

import pytest

from trainer.engine.cluster import Cluster
from trainer.engine.fixtures import default_fixture_text

from tests.seed import SEED_SERVICE_30080

from .conftest import SEED_SERVICE_31000, seeded
from .netns import CLIENT_IP, Lab, Probe, Result, Topology

pytestmark = pytest.mark.kernel

MISS_CHANCE = 1e-9
MAX_CONNECTIONS = 150
CONNECT_TIMEOUT = 2.0  # every answer in these namespaces takes milliseconds

LOCAL_SERVICE_31000 = SEED_SERVICE_31000.replace("  type: NodePort\n",
                                                 "  type: NodePort\n  externalTrafficPolicy: Local\n")

SERVICE_30080_TARGET_3000 = SEED_SERVICE_30080

EMPTY_SERVICE_31002 = """\
apiVersion: v1
kind: Service
metadata:
  name: nobody-home
spec:
  type: NodePort
  selector:
    app: nothing-has-this-label
  ports:
  - port: 80
    targetPort: 80
    nodePort: 31002
"""


# --------------------------------------------------------------------------- helpers

def expected_result(report, outcome) -> Result:
    """What the kernel must show for one outcome of the trace."""
    if outcome.verdict == "delivered":
        assert outcome.pod is not None, f"the lab runs no node processes; outcome delivered to node {outcome.node}"
        return Result("answered", outcome.pod, outcome.source_seen)
    if outcome.verdict in ("rejected", "refused"):
        return Result("refused")
    if outcome.verdict == "dropped":
        return Result("timeout")
    pytest.fail(f"the trace has a verdict the lab cannot check: {outcome.verdict}\n{report.explain()}")


def expected_results(report) -> dict[Result, Fraction]:
    """Each result the kernel must show, with the trace's probability for it."""
    assert not isinstance(report, str), report
    out: dict[Result, Fraction] = {}
    for o in report.outcomes:
        r = expected_result(report, o)
        out[r] = out.get(r, Fraction(0)) + o.probability
    return out


def connections_for(expected: dict[Result, Fraction]) -> int:
    """Enough connections that every result shows up, except with chance below MISS_CHANCE."""
    p = min(expected.values())
    if p >= 1:
        return 8
    n = math.ceil(math.log(MISS_CHANCE / len(expected)) / math.log(1 - float(p)))
    assert n <= MAX_CONNECTIONS, f"an outcome of probability {float(p):.4f} needs {n} connections"
    return max(n, 8)


def describe(report, observed: Counter) -> str:
    """The engine's outcomes next to what the kernel did, for assertion messages."""
    lines = [f"trace {report.src} -> {report.dst}:{report.port} (entry {report.entry_node}, {report.origin}):"]
    for o in report.outcomes:
        lines.append(f"  p={float(o.probability):.4f} {o.verdict} pod={o.pod} source_seen={o.source_seen} "
                     f"dnat={o.dnat} masq={o.masquerade}")
    lines.append("kernel:")
    for r, n in sorted(observed.items(), key=lambda kv: -kv[1]):
        what = f"answered by {r.pod}, which saw {r.peer}" if r.kind == "answered" else r.kind
        lines.append(f"  {n:3d}x {what}{(' (' + r.detail + ')') if r.detail else ''}")
    return "\n".join(lines)


def probe_for(ns: str, dst: str, port: int, report) -> Probe:
    """The connections that check ``report``: enough of them, all at once, except for REJECTs.

    REJECT answers with an ICMP error, and the kernel rate-limits those per client
    (net.ipv4.icmp_ratelimit: a burst of 6, then one a second). One connection at a time is
    always answered: a SYN that found no token is retransmitted after 1 s, when one has
    accrued. See test_a_burst_of_rejected_connections_is_rate_limited.
    """
    expected = expected_results(report)
    count = connections_for(expected)
    if any(o.verdict == "rejected" for o in report.outcomes):
        if len(expected) == 1:
            count = 5  # within the burst: no connection waits for a retransmission
        return Probe(ns, dst, port, count, CONNECT_TIMEOUT, parallel=1, serial=True)
    return Probe(ns, dst, port, count, CONNECT_TIMEOUT)


def agrees(report, results: list[Result]) -> bool:
    """Whether the kernel's results are exactly the trace's outcomes."""
    return set(results) == set(expected_results(report))


def agree(lab: Lab, ns: str, dst: str, port: int, report) -> Counter:
    """Connect from ``ns`` enough times and assert the kernel did exactly what ``report`` says."""
    results = lab.probe([probe_for(ns, dst, port, report)])[0]
    observed = Counter(results)
    assert agrees(report, results), describe(report, observed)
    return observed


def need_bridge_netfilter(topo: Topology) -> None:
    """Skip unless bridged Pod traffic passes iptables, as kubeadm requires and the engine assumes."""
    if not topo.bridge_netfilter:
        pytest.skip("net.bridge.bridge-nf-call-iptables is unavailable (br_netfilter not loaded): "
                    "same-node Pod traffic that kube-proxy DNATs cannot be un-NATed")


def web_pods(c: Cluster) -> dict[str, str]:
    """The seed Deployment's Pods: ref -> node."""
    return {f"default/{p['metadata']['name']}": p["spec"]["nodeName"]
            for p in c.list("Pod", "default") if p["metadata"]["labels"].get("app") == "web-frontend"}


def pod_on(c: Cluster, topo: Topology, node: str, *, app: str | None = None, ns: str | None = None) -> str:
    """The ref of a Pod on ``node`` (optionally with label app or k8s-app, in namespace ns)."""
    for ref, pod in sorted(topo.pods.items()):
        obj = c.get("Pod", ref.split("/")[1], ref.split("/")[0])
        labels = obj["metadata"].get("labels") or {}
        if pod.node == node and (app is None or app in (labels.get("app"), labels.get("k8s-app"))) \
                and (ns is None or ref.startswith(ns + "/")):
            return ref
    pytest.fail(f"the cluster has no Pod with app={app} on {node}")


def cluster_ip(c: Cluster, name: str) -> str:
    return c.get("Service", name)["spec"]["clusterIP"]


# --------------------------------------------------------------------------- NodePort, Cluster policy

@pytest.mark.parametrize("entry", ["node01", "node02", "controlplane"])
def test_cluster_policy_nodeport_from_an_external_client(build, lab, entry):
    """Every endpoint is reached; remote Pods see the entry node's IP, local Pods its cni0 address."""
    c = seeded()
    topo = build(c)
    node_ip = topo.nodes[entry].eth0[0]
    report = c.trace(CLIENT_IP, node_ip, 31000, "TCP")
    web = web_pods(c)
    assert report.entry_node == entry
    assert {o.pod for o in report.outcomes} == set(web)
    for o in report.outcomes:
        local = web[o.pod] == entry
        assert (o.verdict, o.masquerade, o.source_seen) == \
            ("delivered", True, topo.nodes[entry].bridge_ip if local else node_ip), report.explain()
    if entry == "node01":  # the seed's layout: one Pod on node01, two on node02
        assert sorted(web.values()) == ["node01", "node02", "node02"]
    agree(lab, topo.client, node_ip, 31000, report)


# --------------------------------------------------------------------------- NodePort, Local policy

@pytest.mark.parametrize("entry", ["node01", "node02"])
def test_local_policy_nodeport_keeps_the_client_ip(build, lab, entry):
    """Only the entry node's own endpoints are used, and they see the real client address."""
    c = seeded(LOCAL_SERVICE_31000)
    topo = build(c)
    node_ip = topo.nodes[entry].eth0[0]
    report = c.trace(CLIENT_IP, node_ip, 31000, "TCP")
    local = {ref for ref, node in web_pods(c).items() if node == entry}
    assert local and {o.pod for o in report.outcomes} == local
    assert all((o.verdict, o.masquerade, o.source_seen) == ("delivered", False, CLIENT_IP) for o in report.outcomes)
    agree(lab, topo.client, node_ip, 31000, report)


def test_local_policy_nodeport_on_a_node_without_endpoints_drops(build, lab):
    """controlplane runs no web Pod: kube-proxy drops the packet and the client times out."""
    c = seeded(LOCAL_SERVICE_31000)
    assert "controlplane" not in web_pods(c).values()
    topo = build(c)
    node_ip = topo.nodes["controlplane"].eth0[0]
    report = c.trace(CLIENT_IP, node_ip, 31000, "TCP")
    assert [o.verdict for o in report.outcomes] == ["dropped"], report.explain()
    agree(lab, topo.client, node_ip, 31000, report)


# --------------------------------------------------------------------------- no endpoints, no listener

def test_nodeport_of_a_service_without_endpoints_is_rejected(build, lab):
    """KUBE-EXTERNAL-SERVICES REJECTs: ICMP port unreachable, the client's connect is refused."""
    c = seeded(extra=EMPTY_SERVICE_31002)
    topo = build(c)
    report = c.trace(CLIENT_IP, "10.0.0.11", 31002, "TCP")
    assert [o.verdict for o in report.outcomes] == ["rejected"], report.explain()
    agree(lab, topo.client, "10.0.0.11", 31002, report)


def test_cluster_ip_of_a_service_without_endpoints_is_rejected_for_a_pod(build, lab):
    """The filter table's KUBE-SERVICES REJECTs a Pod's connection to the ClusterIP."""
    c = seeded(extra=EMPTY_SERVICE_31002)
    topo = build(c)
    client = topo.pods[pod_on(c, topo, "node01", app="kube-dns")]
    vip = cluster_ip(c, "nobody-home")
    report = c.trace(client.ip, vip, 80, "TCP")
    assert report.origin == "pod" and [o.verdict for o in report.outcomes] == ["rejected"], report.explain()
    agree(lab, client.ns, vip, 80, report)


def test_target_port_nobody_listens_on_is_refused_by_the_pods(build, lab):
    """targetPort 3000 while nginx listens on 80: DNAT happens, each Pod answers with a RST."""
    c = seeded(SERVICE_30080_TARGET_3000)
    topo = build(c)
    report = c.trace(CLIENT_IP, "10.0.0.11", 30080, "TCP")
    assert {o.verdict for o in report.outcomes} == {"refused"}, report.explain()
    assert {o.pod for o in report.outcomes} == set(web_pods(c))
    agree(lab, topo.client, "10.0.0.11", 30080, report)


# --------------------------------------------------------------------------- secondary node IP

def _cluster_with_second_ip(ip: str) -> Cluster:
    text = default_fixture_text().decode()
    primary = "  - {type: InternalIP, address: 10.0.0.11}\n"
    assert text.count(primary) == 1
    c = Cluster.from_fixture(text.replace(primary, primary + f"  - {{type: InternalIP, address: {ip}}}\n"),
                             "two-ips.yaml")
    assert isinstance(c, Cluster), c
    return seeded(cluster=c)


@pytest.mark.parametrize("second_ip", ["10.0.0.21", "192.168.50.11"], ids=["same-subnet", "other-subnet"])
def test_nodeport_on_a_secondary_node_ip(build, lab, second_ip):
    """node01 has a second InternalIP on eth0: the nodePort answers there too, and the
    masquerade source towards the other node is still the primary address."""
    c = _cluster_with_second_ip(second_ip)
    topo = build(c)
    assert topo.nodes["node01"].eth0 == ["10.0.0.11", second_ip]
    report = c.trace(CLIENT_IP, second_ip, 31000, "TCP")
    assert report.entry_node == "node01"
    web = web_pods(c)
    assert {o.pod for o in report.outcomes} == set(web)
    assert {o.source_seen for o in report.outcomes} == {"10.0.0.11", "10.244.1.1"}, report.explain()
    agree(lab, topo.client, second_ip, 31000, report)


# --------------------------------------------------------------------------- from Pods and nodes

def test_cluster_ip_from_a_pod_keeps_the_pod_ip(build, lab):
    """A Pod inside the cluster CIDR is not masqueraded, on the same node (bridged, through
    br_netfilter) or another node."""
    c = seeded()
    topo = build(c)
    need_bridge_netfilter(topo)
    client = topo.pods[pod_on(c, topo, "node01", app="kube-dns")]
    vip = cluster_ip(c, "web-frontend")
    report = c.trace(client.ip, vip, 80, "TCP")
    assert {o.pod for o in report.outcomes} == set(web_pods(c))
    assert {o.source_seen for o in report.outcomes} == {client.ip}, report.explain()
    agree(lab, client.ns, vip, 80, report)


def test_cluster_ip_hairpin_from_an_endpoint_pod(build, lab):
    """A web Pod calling its own Service: when it picks itself, KUBE-SEP's -s rule masquerades
    the hairpin connection to cni0's address (hairpin mode is on, as with flannel)."""
    c = seeded()
    topo = build(c)
    need_bridge_netfilter(topo)
    me = topo.pods[pod_on(c, topo, "node01", app="web-frontend")]
    vip = cluster_ip(c, "web-frontend")
    report = c.trace(me.ip, vip, 80, "TCP")
    seen = {o.pod: o.source_seen for o in report.outcomes}
    assert seen[me.ref] == topo.nodes["node01"].bridge_ip, report.explain()
    agree(lab, me.ns, vip, 80, report)


def test_nodeport_from_the_node_itself(build, lab):
    """node01 connecting to its own IP: OUTPUT's rules DNAT and masquerade."""
    c = seeded()
    topo = build(c)
    report = c.trace("10.0.0.11", "10.0.0.11", 31000, "TCP")
    assert report.origin == "node"
    agree(lab, topo.nodes["node01"].ns, "10.0.0.11", 31000, report)


def test_localhost_nodeport_from_the_node(build, lab):
    """127.0.0.1:31000 on node01 works only thanks to route_localnet=1, which kube-proxy sets."""
    c = seeded()
    topo = build(c)
    assert topo.nodes["node01"].route_localnet
    report = c.trace("127.0.0.1", "127.0.0.1", 31000, "TCP", via="node01")
    assert report.origin == "localhost" and {o.verdict for o in report.outcomes} == {"delivered"}, report.explain()
    agree(lab, topo.nodes["node01"].ns, "127.0.0.1", 31000, report)


def test_nodeport_of_another_node_from_a_node(build, lab):
    """node01 -> node02's nodePort: node02 DNATs and masquerades, so the Pod back on node01
    sees node02's IP and node02's Pods see node02's cni0 address."""
    c = seeded()
    topo = build(c)
    report = c.trace("10.0.0.11", "10.0.0.12", 31000, "TCP")
    agree(lab, topo.nodes["node01"].ns, "10.0.0.12", 31000, report)


def test_nodeport_of_another_node_from_a_pod(build, lab):
    """A Pod on node01 -> node02's nodePort (its own node does not DNAT: not a local address)."""
    c = seeded()
    topo = build(c)
    client = topo.pods[pod_on(c, topo, "node01", app="kube-dns")]
    report = c.trace(client.ip, "10.0.0.12", 31000, "TCP")
    assert report.origin == "pod"
    agree(lab, client.ns, "10.0.0.12", 31000, report)


def test_a_burst_of_rejected_connections_is_rate_limited(build, lab):
    """Where the per-connection trace and the kernel part ways: the trace says every
    connection to a Service without endpoints is refused at once, but REJECT's ICMP port
    unreachable goes through the kernel's ICMP rate limit (net.ipv4.icmp_ratelimit=1000 ms,
    burst 6 per destination). Of 20 simultaneous connections from one client, 6 are refused
    at once, the SYNs of the others go unanswered and are retransmitted after 1 s, when
    about one more token has accrued: with a 2 s timeout at most 6 + 2 are refused, the
    rest time out."""
    c = seeded(extra=EMPTY_SERVICE_31002)
    topo = build(c)
    report = c.trace(CLIENT_IP, "10.0.0.11", 31002, "TCP")
    assert [(o.verdict, o.probability) for o in report.outcomes] == [("rejected", 1)], report.explain()
    burst = 20
    observed = Counter(r.kind for r in lab.connect(topo.client, "10.0.0.11", 31002, count=burst,
                                                   timeout=CONNECT_TIMEOUT, parallel=burst))
    assert set(observed) == {"refused", "timeout"}, observed
    assert observed["refused"] >= 6 and observed["timeout"] >= burst - 6 - 2 - 1, observed


# --------------------------------------------------------------------------- every source, every address

ITP_LOCAL_31000 = SEED_SERVICE_31000.replace("  type: NodePort\n",
                                             "  type: NodePort\n  internalTrafficPolicy: Local\n")


def matrix(c: Cluster, topo: Topology, lab: Lab):
    """(label, namespace, trace source, destination, port, via) for every source the lab has:
    the external client (nodePorts on every node address; the ClusterIP through node01, to
    which its route for the service CIDR points), every node (every node address and cni0
    address, the ClusterIP, 127.0.0.1) with the source address its kernel picks, every Pod
    (node and cni0 addresses, the ClusterIP)."""
    vip = cluster_ip(c, "web-frontend")
    node_dsts = [(ip, n.name) for n in topo.nodes.values() for ip in [*n.eth0, n.bridge_ip] if ip]
    lab.ip(topo.client, f"route add 10.96.0.0/12 via {topo.nodes['node01'].eth0[0]} dev eth0")
    cases = [("client", topo.client, CLIENT_IP, ip, 31000, None) for ip, _ in node_dsts if not ip.startswith("10.244.")]
    cases.append(("client", topo.client, CLIENT_IP, vip, 80, "node01"))
    for n in topo.nodes.values():
        for dst, port in [(ip, 31000) for ip, _ in node_dsts] + [(vip, 80)]:
            cases.append((n.name, n.ns, lab.source_for(n.ns, dst), dst, port, None))
        cases.append((n.name, n.ns, "127.0.0.1", "127.0.0.1", 31000, n.name))
    for p in topo.pods.values():
        for dst, _ in node_dsts:
            cases.append((p.ref, p.ns, p.ip, dst, 31000, None))
        cases.append((p.ref, p.ns, p.ip, vip, 80, None))
    return cases


def check_matrix(c: Cluster, lab: Lab, cases) -> int:
    reports = []
    for label, ns, src, dst, port, via in cases:
        report = c.trace(src, dst, port, "TCP", via=via)
        assert not isinstance(report, str), (label, src, dst, report)
        reports.append(report)
    results = lab.probe([probe_for(ns, dst, port, r) for (_, ns, _, dst, port, _), r in zip(cases, reports)])
    bad = [f"from {case[0]}:\n{describe(r, Counter(res))}" for case, r, res in zip(cases, reports, results)
           if not agrees(r, res)]
    assert not bad, f"{len(bad)} of {len(cases)} disagree:\n\n" + "\n\n".join(bad)
    return len(cases)


@pytest.mark.parametrize("service", [SEED_SERVICE_31000, ITP_LOCAL_31000], ids=["cluster", "internal-local"])
def test_every_source_to_every_address(build, lab, service):
    """The external client, every node (its own addresses, 127.0.0.1) and every Pod, to every
    node address and cni0 address and the ClusterIP: each case as the trace says."""
    c = seeded(service)
    topo = build(c)
    need_bridge_netfilter(topo)
    assert check_matrix(c, lab, matrix(c, topo, lab)) > 50


def test_every_source_to_every_address_local_policy(build, lab):
    """The same with externalTrafficPolicy: Local, which sends pod traffic to the cluster-wide
    chain without SNAT, so a Pod reaching another node's nodePort takes an asymmetric path."""
    c = seeded(LOCAL_SERVICE_31000)
    topo = build(c)
    need_bridge_netfilter(topo)
    assert check_matrix(c, lab, matrix(c, topo, lab)) > 50


# --------------------------------------------------------------------------- asymmetric return path (a fixed disagreement)

@pytest.mark.parametrize("target", ["node02", "controlplane"])
def test_local_policy_nodeport_of_another_node_from_a_pod_kernel_facts(build, lab, target):
    """The kernel side of the disagreement, asserted without the engine's trace.

    A Pod on node01 (not an endpoint) connects to node02's (two endpoints) or controlplane's
    (no endpoint) nodePort, externalTrafficPolicy: Local. Pod traffic goes to the
    cluster-wide chain, so that node DNATs to any endpoint, without SNAT. An endpoint on the
    DNATing node answers through it (and sees the Pod's IP); any other endpoint replies
    straight to the client Pod, around the node holding the NAT state, so the reply is never
    un-DNATed (node01 drops such SYN-ACKs as ctstate INVALID in KUBE-FORWARD) and the client
    times out.
    """
    c = seeded(LOCAL_SERVICE_31000)
    topo = build(c)
    client = topo.pods[pod_on(c, topo, "node01", app="kube-dns")]
    dst = topo.nodes[target].eth0[0]
    web = web_pods(c)
    facts = {Result("answered", ref, client.ip) for ref, node in web.items() if node == target}
    facts.add(Result("timeout"))
    results = lab.probe([Probe(client.ns, dst, 31000, 54, CONNECT_TIMEOUT)])[0]
    assert set(results) == facts, Counter(results)


@pytest.mark.parametrize("target", ["node02", "controlplane"])
def test_local_policy_nodeport_of_another_node_from_a_pod(build, lab, target):
    """The trace agrees with the kernel facts above: endpoints off the DNATing node are
    "dropped" (asymmetric return path), the ones on it are delivered with the Pod's IP.
    (Before datapath.py's _replies_return_here check, the trace called all of them delivered.)"""
    c = seeded(LOCAL_SERVICE_31000)
    topo = build(c)
    client = topo.pods[pod_on(c, topo, "node01", app="kube-dns")]
    dst = topo.nodes[target].eth0[0]
    agree(lab, client.ns, dst, 31000, c.trace(client.ip, dst, 31000, "TCP"))
