"""The facade end to end: the default fixture, apply per object, controllers, restarts, clones."""

from __future__ import annotations

import ipaddress
import re

from trainer.engine.cluster import Cluster
from trainer.engine.errors import ConnectionRefused, Status
from trainer.engine.objects import condition, name_of

from .conftest import SEED_DEPLOYMENT, SEED_SERVICE_30080, SEED_SERVICE_31000

NAME_CHARS = "[bcdfghjklmnpqrstvwxz2456789]"


def pods_of(cluster: Cluster, app: str = "web-frontend") -> list[dict]:
    return [p for p in cluster.api.iter("Pod", "default") if p["metadata"].get("labels", {}).get("app") == app]


def test_default_fixture_is_a_fresh_kubeadm_cluster(cluster: Cluster) -> None:
    nodes = {name_of(n): n for n in cluster.api.iter("Node")}
    assert sorted(nodes) == ["controlplane", "node01", "node02"]
    cp = nodes["controlplane"]
    assert {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"} in cp["spec"]["taints"]
    for n in nodes.values():
        assert condition(n, "Ready") == "True"
        assert ipaddress.ip_network(n["spec"]["podCIDR"]).subnet_of(ipaddress.ip_network("10.244.0.0/16"))
    # No user workloads: default holds only the kubernetes Service.
    assert [name_of(s) for s in cluster.api.iter("Service", "default")] == ["kubernetes"]
    assert list(cluster.api.iter("Pod", "default")) == []
    kubernetes = cluster.api.peek("Service", "kubernetes")
    assert kubernetes["spec"]["clusterIP"] == "10.96.0.1"
    assert kubernetes["spec"]["ports"][0]["port"] == 443
    assert str(cluster.api.node_port_range) == "30000-32767"


def test_seed_deployment_makes_three_spread_pods_with_real_names(seeded: Cluster) -> None:
    pods = pods_of(seeded)
    assert len(pods) == 3
    rs = [r for r in seeded.api.iter("ReplicaSet", "default")]
    assert len(rs) == 1 and re.fullmatch(f"web-frontend-{NAME_CHARS}{{6,10}}", name_of(rs[0]))
    for pod in pods:
        assert re.fullmatch(f"{name_of(rs[0])}-{NAME_CHARS}{{5}}", name_of(pod))
        assert pod["status"]["phase"] == "Running" and condition(pod, "Ready") == "True"
        node = seeded.api.peek("Node", pod["spec"]["nodeName"], "")
        assert ipaddress.ip_address(pod["status"]["podIP"]) in ipaddress.ip_network(node["spec"]["podCIDR"])
    placed = sorted(p["spec"]["nodeName"] for p in pods)
    # The control plane's NoSchedule taint keeps user Pods on the workers, two and one.
    assert "controlplane" not in placed and set(placed) == {"node01", "node02"}
    dep = seeded.api.peek("Deployment", "web-frontend")
    assert dep["status"]["readyReplicas"] == 3 and dep["status"]["updatedReplicas"] == 3


def test_endpointslice_lists_ready_pods_with_nodes(seeded: Cluster) -> None:
    slices = [s for s in seeded.api.iter("EndpointSlice", "default")
              if s["metadata"]["labels"].get("kubernetes.io/service-name") == "web-frontend"]
    assert len(slices) == 1
    es = slices[0]
    assert es["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert es["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    ips = sorted(e["addresses"][0] for e in es["endpoints"])
    assert ips == sorted(p["status"]["podIP"] for p in pods_of(seeded))
    for e in es["endpoints"]:
        assert e["conditions"] == {"ready": True, "serving": True, "terminating": False}
        assert e["nodeName"] in ("node01", "node02") and e["targetRef"]["kind"] == "Pod"
    ep = seeded.api.peek("Endpoints", "web-frontend")
    assert len(ep["subsets"][0]["addresses"]) == 3


def test_apply_reports_per_object_and_reapply_is_unchanged(cluster: Cluster) -> None:
    text = SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000
    assert [r.kubectl_line() for r in cluster.apply(text, "web.yaml")] == [
        "deployment.apps/web-frontend created", "service/web-frontend created"]
    assert [r.kubectl_line() for r in cluster.apply(text, "web.yaml")] == [
        "deployment.apps/web-frontend unchanged", "service/web-frontend unchanged"]
    changed = text.replace("replicas: 3", "replicas: 2")
    assert [r.action for r in cluster.apply(changed, "web.yaml")] == ["configured", "unchanged"]


def test_reapply_without_nodeport_keeps_the_allocated_one(cluster: Cluster) -> None:
    no_port = SEED_SERVICE_31000.replace("    nodePort: 31000\n", "")
    cluster.apply(no_port, "svc.yaml")
    first = cluster.api.peek("Service", "web-frontend")["spec"]["ports"][0]["nodePort"]
    assert 30000 <= first <= 32767
    assert cluster.apply(no_port, "svc.yaml")[0].action == "unchanged"
    assert cluster.api.peek("Service", "web-frontend")["spec"]["ports"][0]["nodePort"] == first


def test_invalid_object_in_multi_document_leaves_state_untouched(cluster: Cluster) -> None:
    bad = SEED_SERVICE_31000.replace("31000", "40000").replace("name: web-frontend", "name: bad", 1)
    registry = cluster.api.services
    ports_before = registry.port_allocator.allocated()
    ips_before = {f: a.allocated() for f, a in registry.ip_allocators.items()}
    rng_before = cluster.rng.getstate()
    alone = cluster.clone()
    [rejected] = alone.apply(bad, "bad.yaml")
    assert not rejected.ok
    # A rejected object leaves everything as it was: objects, allocations, even the RNG.
    assert alone.api.objects == cluster.api.objects
    assert alone.api.services.port_allocator.allocated() == ports_before
    assert {f: a.allocated() for f, a in alone.api.services.ip_allocators.items()} == ips_before
    assert alone.rng.getstate() == rng_before
    before = {k: dict(v) for k, v in cluster.api.objects.items()}
    results = cluster.apply(bad + "---\n" + SEED_SERVICE_30080, "two.yaml")
    assert not results[0].ok
    assert results[0].kubectl_line() == (
        'The Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not '
        "in the valid range. The range of valid ports is 30000-32767")
    assert results[1].kubectl_line() == "service/web-frontend created"
    assert cluster.api.peek("Service", "bad") is None
    assert set(cluster.api.objects["Service"]) - set(before["Service"]) == {("default", "web-frontend")}
    # The rejected Service's allocations were released: its clusterIP and ports are free again.
    again = cluster.apply(bad.replace("40000", "31000"), "one.yaml")
    assert again[0].ok


def test_duplicate_nodeport_is_refused(seeded: Cluster) -> None:
    other = SEED_SERVICE_31000.replace("name: web-frontend\n", "name: other\n", 1)
    result = seeded.apply(other, "other.yaml")[0]
    assert result.kubectl_line() == ('The Service "other" is invalid: spec.ports[0].nodePort: Invalid value: '
                                     "31000: provided port is already allocated")


def test_scale_down_terminates_then_removes(seeded: Cluster) -> None:
    seeded.apply(SEED_DEPLOYMENT.replace("replicas: 3", "replicas: 1"), "web.yaml")
    pods = pods_of(seeded)
    assert len(pods) == 3 and sum(1 for p in pods if p["metadata"].get("deletionTimestamp")) == 2
    es = next(s for s in seeded.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-frontend-"))
    terminating = [e for e in es["endpoints"] if e["conditions"]["terminating"]]
    assert len(terminating) == 2 and all(not e["conditions"]["ready"] for e in terminating)
    seeded.settle()
    assert len(pods_of(seeded)) == 1


def test_rollout_replaces_replicaset(seeded: Cluster) -> None:
    old_rs = {name_of(r) for r in seeded.api.iter("ReplicaSet", "default")}
    seeded.apply(SEED_DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"), "web.yaml")
    seeded.settle()
    rs = {name_of(r): r for r in seeded.api.iter("ReplicaSet", "default")}
    new = [n for n in rs if n not in old_rs]
    assert len(new) == 1 and rs[new[0]]["spec"]["replicas"] == 3
    assert all(rs[n]["spec"]["replicas"] == 0 for n in old_rs)
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(seeded)} == {"nginx:1.28"}


def test_cordon_keeps_new_pods_off_the_node(cluster: Cluster) -> None:
    node = cluster.api.peek("Node", "node02", "")
    node["spec"]["unschedulable"] = True
    cluster.api.write_status(node)
    cluster.reconcile()
    taints = cluster.api.peek("Node", "node02", "")["spec"]["taints"]
    assert {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"} in taints
    cluster.apply(SEED_DEPLOYMENT, "web.yaml")
    assert {p["spec"]["nodeName"] for p in pods_of(cluster)} == {"node01"}


def test_no_schedulable_node_leaves_pods_pending_with_reason(cluster: Cluster) -> None:
    for name in ("node01", "node02"):
        node = cluster.api.peek("Node", name, "")
        node["spec"]["unschedulable"] = True
        cluster.api.write_status(node)
    cluster.reconcile()
    cluster.apply(SEED_DEPLOYMENT, "web.yaml")
    pod = pods_of(cluster)[0]
    assert pod["status"]["phase"] == "Pending"
    msg = next(c["message"] for c in pod["status"]["conditions"] if c["type"] == "PodScheduled")
    assert msg == ("0/3 nodes are available: 1 node(s) had untolerated taint "
                   "{node-role.kubernetes.io/control-plane: }, 2 node(s) were unschedulable. "
                   "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_node_not_ready_marks_pods_unready_then_evicts(seeded: Cluster) -> None:
    victim = pods_of(seeded)[0]["spec"]["nodeName"]
    assert seeded.set_node_ready(victim, "Unknown")
    on_victim = [p for p in pods_of(seeded) if p["spec"]["nodeName"] == victim]
    assert on_victim and all(condition(p, "Ready") == "False" for p in on_victim)
    taints = seeded.api.peek("Node", victim, "")["spec"]["taints"]
    # Ready=Unknown means the kubelet stopped reporting: the node is unreachable.
    assert {t["effect"] for t in taints if t["key"] == "node.kubernetes.io/unreachable"} == {"NoSchedule", "NoExecute"}
    es = next(s for s in seeded.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-frontend-"))
    assert sum(1 for e in es["endpoints"] if e["conditions"]["ready"]) == 3 - len(on_victim)
    seeded.advance(300)
    # Evicted Pods stay Terminating (their kubelet is gone); replacements run elsewhere.
    live = [p for p in pods_of(seeded) if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 3 and all(p["spec"]["nodeName"] != victim for p in live)


def test_named_target_port_resolves_per_pod(cluster: Cluster) -> None:
    dep = SEED_DEPLOYMENT.replace("- containerPort: 80", "- containerPort: 80\n          name: web")
    svc = SEED_SERVICE_31000.replace("targetPort: 80", "targetPort: web")
    cluster.apply(dep + "---\n" + svc, "named.yaml")
    es = next(s for s in cluster.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-frontend-"))
    assert es["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}] and len(es["endpoints"]) == 3


def test_service_without_pods_has_placeholder_slice(cluster: Cluster) -> None:
    cluster.apply(SEED_SERVICE_31000, "svc.yaml")
    es = [s for s in cluster.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-frontend-")]
    assert len(es) == 1 and es[0]["endpoints"] is None and es[0]["ports"] is None
    assert "subsets" not in cluster.api.peek("Endpoints", "web-frontend")


def test_readiness_probe_on_a_port_nobody_listens_keeps_pod_unready(cluster: Cluster) -> None:
    dep = SEED_DEPLOYMENT.replace("        - containerPort: 80\n",
                                  "        - containerPort: 80\n        readinessProbe:\n          tcpSocket:\n            port: 8080\n")
    cluster.apply(dep, "probe.yaml")
    assert all(condition(p, "Ready") == "False" for p in pods_of(cluster))


def test_delete_deployment_collects_its_replicaset_and_pods(seeded: Cluster) -> None:
    seeded.delete("Deployment", "web-frontend")
    assert list(seeded.api.iter("ReplicaSet", "default")) == []
    assert all(p["metadata"].get("deletionTimestamp") for p in pods_of(seeded))
    seeded.settle()
    assert pods_of(seeded) == []


def test_delete_service_releases_its_node_port(seeded: Cluster) -> None:
    seeded.delete("Service", "web-frontend")
    assert [r.ok for r in seeded.apply(SEED_SERVICE_31000, "svc.yaml")] == [True]


def test_same_seed_same_names_different_seed_different_names() -> None:
    from trainer.engine.fixtures import default_fixture_text

    def names(seed: int) -> list[str]:
        cluster = Cluster.from_fixture(default_fixture_text(), "fx.yaml", seed)
        cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000.replace("    nodePort: 31000\n", ""), "d.yaml")
        svc = cluster.api.peek("Service", "web-frontend")["spec"]
        return sorted(name_of(p) for p in pods_of(cluster)) + [svc["clusterIP"], str(svc["ports"][0]["nodePort"])]

    assert names(7) == names(7)
    assert names(7) != names(8)


def test_clone_is_independent(seeded: Cluster) -> None:
    c = seeded.clone()
    c.delete("Deployment", "web-frontend")
    c.firewall.attach("node01", "sg-1")
    c.kube_proxy["mode"] = "ipvs"
    assert c.apply(SEED_SERVICE_30080.replace("name: web-frontend", "name: other", 1), "o.yaml")[0].ok
    assert seeded.api.peek("Deployment", "web-frontend") is not None
    assert c.api.peek("Deployment", "web-frontend") is None
    assert seeded.firewall.attached == {} and seeded.kube_proxy["mode"] == "iptables"
    assert 30080 not in seeded.api.services.port_allocator.allocated()
    assert seeded.apply(SEED_SERVICE_30080.replace("name: web-frontend", "name: mine", 1), "m.yaml")[0].ok


def test_bad_range_takes_apiserver_down_until_fixed(seeded: Cluster) -> None:
    seeded.set_apiserver_flag("service-node-port-range", "20000-40000")
    # Editing the manifest alone changes nothing until the apiserver restarts.
    assert str(seeded.api.node_port_range) == "30000-32767"
    assert seeded.restart_apiserver()
    assert str(seeded.api.node_port_range) == "20000-40000"
    wide = SEED_SERVICE_31000.replace("name: web-frontend\n", "name: wide\n", 1).replace("31000", "35000")
    assert seeded.apply(wide, "wide.yaml")[0].ok
    seeded.set_apiserver_flag("service-node-port-range", "abc")
    assert not seeded.restart_apiserver()
    down = seeded.get("Service", "web-frontend")
    assert isinstance(down, ConnectionRefused)
    assert str(down) == ("The connection to the server 10.0.0.10:6443 was refused - "
                         "did you specify the right host or port?")
    assert isinstance(seeded.apply(SEED_SERVICE_30080, "x.yaml")[0].error, ConnectionRefused)
    seeded.set_apiserver_flag("service-node-port-range", "30000-30100")
    assert seeded.restart_apiserver()
    # Services allocated outside the new range keep their ports.
    assert seeded.api.peek("Service", "wide")["spec"]["ports"][0]["nodePort"] == 35000
    assert seeded.api.peek("Service", "web-frontend")["spec"]["ports"][0]["nodePort"] == 31000


def test_fixture_with_bad_range_loads_with_apiserver_down() -> None:
    from trainer.engine.fixtures import default_fixture_text

    text = default_fixture_text().decode().replace("value: 30000-32767", "value: 32767-30000")
    cluster = Cluster.from_fixture(text, "bad-range.yaml")
    assert isinstance(cluster, Cluster) and not cluster.api.up
    assert isinstance(cluster.get("Node", "node01", ""), ConnectionRefused)
    assert cluster.api.crash_log


def test_fixture_v1beta3_extra_args_map_and_selectorless_slices() -> None:
    fixture = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
networking:
  serviceSubnet: 10.100.0.0/16
  podSubnet: 10.244.0.0/16
apiServer:
  extraArgs:
    service-node-port-range: 20000-40000
---
apiVersion: v1
kind: Node
metadata: {name: w1}
spec: {podCIDR: 10.244.1.0/24}
status:
  addresses: [{type: InternalIP, address: 192.168.1.11}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Service
metadata: {name: external-db}
spec:
  ports: [{port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: external-db-1
  labels: {kubernetes.io/service-name: external-db}
addressType: IPv4
endpoints:
- addresses: [172.16.0.5]
  nodeName: gone-node
- addresses: [172.16.0.6]
ports: [{port: 5432}]
"""
    cluster = Cluster.from_fixture(fixture, "v1beta3.yaml")
    assert isinstance(cluster, Cluster), cluster
    assert str(cluster.api.node_port_range) == "20000-40000"
    svc = cluster.api.peek("Service", "external-db")
    assert ipaddress.ip_address(svc["spec"]["clusterIP"]) in ipaddress.ip_network("10.100.0.0/16")
    es = cluster.api.peek("EndpointSlice", "external-db-1")
    assert [e["addresses"][0] for e in es["endpoints"]] == ["172.16.0.5", "172.16.0.6"]


def test_fixture_problems_name_file_and_line() -> None:
    bad = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec:\n  bogusField: 1\n"
    problems = Cluster.from_fixture(bad, "bad.yaml")
    assert isinstance(problems, list) and problems
    assert str(problems[0]).startswith("bad.yaml:1: ") and 'unknown field "spec.bogusField"' in str(problems[0])


def test_fixture_pods_keep_given_status_and_terminating_state() -> None:
    from trainer.engine.fixtures import default_fixture_text

    extra = """
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-old
  labels: {app: web}
  deletionTimestamp: "2026-01-01T00:00:30Z"
spec:
  nodeName: node01
  containers: [{name: c, image: nginx:1.27}]
status:
  phase: Running
  podIP: 10.244.1.50
  conditions: [{type: Ready, status: "True"}]
"""
    cluster = Cluster.from_fixture(default_fixture_text().decode() + extra, "term.yaml")
    assert isinstance(cluster, Cluster), cluster
    cluster.advance(3600)
    es = next(s for s in cluster.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-"))
    assert es["endpoints"] == [{
        "addresses": ["10.244.1.50"], "conditions": {"ready": False, "serving": True, "terminating": True},
        "nodeName": "node01",
        "targetRef": {"kind": "Pod", "name": "web-old", "namespace": "default",
                      "uid": cluster.api.peek("Pod", "web-old")["metadata"]["uid"]}}]


def test_unknown_namespace_and_already_exists(cluster: Cluster) -> None:
    res = cluster.apply(SEED_SERVICE_31000.replace("name: web-frontend\n", "name: x\n  namespace: nope\n", 1), "n.yaml")
    assert res[0].kubectl_line() == 'Error from server (NotFound): error when creating "n.yaml": namespaces "nope" not found'
    cluster.apply(SEED_SERVICE_31000, "a.yaml", create=True)
    again = cluster.apply(SEED_SERVICE_31000, "a.yaml", create=True)[0]
    assert isinstance(again.error, Status)
    assert again.kubectl_line() == ('Error from server (AlreadyExists): error when creating "a.yaml": '
                                    'services "web-frontend" already exists')


def test_bad_range_fixture_heals_on_restart() -> None:
    from trainer.engine.fixtures import default_fixture_text

    text = default_fixture_text().decode().replace("value: 30000-32767", "value: abc")
    cluster = Cluster.from_fixture(text, "bad-range.yaml")
    assert isinstance(cluster, Cluster) and not cluster.api.up
    assert cluster.api.crash_log == ('Error: invalid argument "abc" for "--service-node-port-range" flag: '
                                     'strconv.Atoi: parsing "abc": invalid syntax')
    cluster.set_apiserver_flag("service-node-port-range", "30000-32767")
    assert cluster.restart_apiserver()
    assert cluster.get("Service", "kubernetes")["spec"]["clusterIP"] == "10.96.0.1"
    dns = cluster.get("Service", "kube-dns", "kube-system")
    assert dns["spec"]["type"] == "ClusterIP" and dns["spec"]["clusterIP"] == "10.96.0.10"
    taken = "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {clusterIP: 10.96.0.10, ports: [{port: 1}]}\n"
    assert "provided IP is already allocated" in cluster.apply(taken, "x.yaml")[0].kubectl_line()


def test_node_recovery_makes_pods_ready_again(seeded: Cluster) -> None:
    assert seeded.set_node_ready("node02", "False")
    assert all(condition(p, "Ready") == "False" for p in pods_of(seeded) if p["spec"]["nodeName"] == "node02")
    taints = seeded.api.peek("Node", "node02", "")["spec"]["taints"]
    assert {t["key"] for t in taints} == {"node.kubernetes.io/not-ready"}
    assert seeded.set_node_ready("node02", "True")
    assert all(condition(p, "Ready") == "True" for p in pods_of(seeded))
    assert "taints" not in seeded.api.peek("Node", "node02", "")["spec"]


def test_eviction_counts_from_the_taint_when_the_condition_has_no_time(seeded: Cluster) -> None:
    node = seeded.api.peek("Node", "node02", "")
    cond = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    cond["status"] = "False"
    cond.pop("lastTransitionTime", None)
    seeded.api.write_status(node)
    seeded.reconcile()
    seeded.advance(299)
    assert not any(p["metadata"].get("deletionTimestamp") for p in pods_of(seeded))
    seeded.advance(1)
    assert all(p["metadata"].get("deletionTimestamp") for p in pods_of(seeded) if p["spec"]["nodeName"] == "node02")


def test_rollout_with_unready_pods_stalls_and_old_pods_keep_serving(seeded: Cluster) -> None:
    broken = SEED_DEPLOYMENT.replace("nginx:1.27", "nginx:1.28").replace(
        "        - containerPort: 80\n",
        "        - containerPort: 80\n        readinessProbe:\n          tcpSocket:\n            port: 8080\n")
    seeded.apply(broken, "web.yaml")
    seeded.settle()
    live = [p for p in pods_of(seeded) if not p["metadata"].get("deletionTimestamp")]
    old = [p for p in live if p["spec"]["containers"][0]["image"] == "nginx:1.27"]
    new = [p for p in live if p["spec"]["containers"][0]["image"] == "nginx:1.28"]
    # maxSurge 25% of 3 rounds up to 1, maxUnavailable rounds down to 0.
    assert len(old) == 3 and len(new) == 1 and condition(new[0], "Ready") == "False"
    assert {o.verdict for o in seeded.trace("203.0.113.7", "10.0.0.11", 31000).outcomes} == {"delivered"}
    dep = seeded.api.peek("Deployment", "web-frontend")
    assert dep["status"]["updatedReplicas"] == 1 and dep["status"]["readyReplicas"] == 3


def test_recreate_strategy_removes_old_pods_first(seeded: Cluster) -> None:
    recreate = SEED_DEPLOYMENT.replace("  replicas: 3\n", "  replicas: 3\n  strategy:\n    type: Recreate\n")
    seeded.apply(recreate.replace("nginx:1.27", "nginx:1.28"), "web.yaml")
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(seeded)} == {"nginx:1.27"}
    seeded.settle()
    assert {p["spec"]["containers"][0]["image"] for p in pods_of(seeded)} == {"nginx:1.28"}


def test_changing_a_deployment_selector_is_refused(seeded: Cluster) -> None:
    changed = SEED_DEPLOYMENT.replace("app: web-frontend", "app: web")
    [result] = seeded.apply(changed, "web.yaml")
    assert not result.ok and "field is immutable" in result.kubectl_line()
    assert result.kubectl_line().startswith('The Deployment "web-frontend" is invalid: ')


def test_client_status_is_ignored_on_create(cluster: Cluster) -> None:
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx:1.27}]\n"
           "status: {phase: Running, podIP: 10.244.1.77}\n")
    assert cluster.apply(pod, "p.yaml")[0].ok
    stored = cluster.api.peek("Pod", "p")
    assert stored["status"]["podIP"] != "10.244.1.77"
    node = cluster.api.peek("Node", stored["spec"]["nodeName"], "")
    assert ipaddress.ip_address(stored["status"]["podIP"]) in ipaddress.ip_network(node["spec"]["podCIDR"])


def test_bad_documents_are_errors_not_crashes(cluster: Cluster) -> None:
    [no_meta] = cluster.apply("apiVersion: v1\nkind: Service\nspec: {ports: [{port: 80}]}\n", "n.yaml")
    assert not no_meta.ok and "name or generateName is required" in no_meta.kubectl_line()
    [null_meta] = cluster.apply("apiVersion: v1\nkind: Service\nmetadata: null\nspec: {ports: [{port: 80}]}\n", "n.yaml")
    assert not null_meta.ok
    generate = "apiVersion: v1\nkind: Service\nmetadata: {generateName: web-}\nspec: {ports: [{port: 80}]}\n"
    [applied] = cluster.apply(generate, "g.yaml")
    assert applied.kubectl_line() == "error: from web-: cannot use generate name with apply"
    [created] = cluster.apply(generate, "g.yaml", create=True)
    assert re.fullmatch(f"service/web-{NAME_CHARS}{{5}} created", created.kubectl_line())
    assert isinstance(cluster.get("Widget", "x"), Status)


def test_system_namespaces_cannot_be_deleted(cluster: Cluster) -> None:
    out = cluster.delete("Namespace", "default", "")
    assert isinstance(out, Status)
    assert out.kubectl_message() == ('Error from server (Forbidden): namespaces "default" is forbidden: '
                                     "this namespace may not be deleted")
    assert cluster.api.peek("Service", "kubernetes") is not None


def test_pods_of_a_deleted_node_are_collected_and_replaced(seeded: Cluster) -> None:
    seeded.delete("Node", "node02", "")
    live = pods_of(seeded)
    assert len(live) == 3 and {p["spec"]["nodeName"] for p in live} == {"node01"}


def test_publish_not_ready_addresses_and_terminating(seeded: Cluster) -> None:
    svc = SEED_SERVICE_31000.replace("  type: NodePort\n", "  type: NodePort\n  publishNotReadyAddresses: true\n")
    seeded.apply(svc, "svc.yaml")
    seeded.apply(SEED_DEPLOYMENT.replace("replicas: 3", "replicas: 2"), "web.yaml")
    es = next(s for s in seeded.api.iter("EndpointSlice", "default") if name_of(s).startswith("web-frontend-"))
    terminating = [e for e in es["endpoints"] if e["conditions"]["terminating"]]
    assert len(terminating) == 1 and terminating[0]["conditions"]["ready"] is True


def test_user_endpoints_are_mirrored_per_subset_and_removed_with_them(cluster: Cluster) -> None:
    manifests = """\
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {ports: [{name: a, port: 80}, {name: b, port: 81}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: ext}
subsets:
- addresses: [{ip: 1.2.3.4}]
  ports: [{name: a, port: 80}]
- addresses: [{ip: 5.6.7.8}]
  ports: [{name: b, port: 81}]
"""
    assert all(r.ok for r in cluster.apply(manifests, "ext.yaml"))
    slices = sorted((s for s in cluster.api.iter("EndpointSlice", "default") if name_of(s).startswith("ext-")),
                    key=lambda s: s["endpoints"][0]["addresses"][0])
    assert [(s["endpoints"][0]["addresses"][0], s["ports"][0]["port"]) for s in slices] == [("1.2.3.4", 80),
                                                                                            ("5.6.7.8", 81)]
    cluster.delete("Endpoints", "ext")
    assert not [s for s in cluster.api.iter("EndpointSlice", "default") if name_of(s).startswith("ext-")]


def test_fixture_problems_are_reported_not_raised() -> None:
    from trainer.engine.fixtures import default_fixture_text

    base = default_fixture_text().decode()
    bad_cidr = Cluster.from_fixture(base.replace("podCIDR: 10.244.2.0/24", "podCIDR: 10.244.2.0/33"), "c.yaml")
    assert isinstance(bad_cidr, list) and 'spec.podCIDRs[0]: Invalid value: "10.244.2.0/33"' in str(bad_cidr[0])
    bad_subnet = Cluster.from_fixture(base.replace("serviceSubnet: 10.96.0.0/12", "serviceSubnet: 10.96.0.0/33"), "s.yaml")
    assert isinstance(bad_subnet, list) and "networking.serviceSubnet" in str(bad_subnet[0])
    bad_proxy = Cluster.from_fixture(base.replace("clusterCIDR: 10.244.0.0/16", "clusterCIDR: nope"), "p.yaml")
    assert isinstance(bad_proxy, list) and "KubeProxyConfiguration" in str(bad_proxy[0])
    no_port = Cluster.from_fixture(base.replace("controlPlaneEndpoint: 10.0.0.10:6443",
                                                "controlPlaneEndpoint: k8s.example.com"), "e.yaml")
    assert isinstance(no_port, Cluster) and no_port.api.endpoint == "k8s.example.com:6443"
    es = no_port.api.peek("EndpointSlice", "kubernetes")
    assert es["endpoints"][0]["addresses"] == ["10.0.0.10"] and es["ports"][0]["port"] == 6443


def test_grouped_resources_are_named_with_their_group(seeded: Cluster) -> None:
    missing = seeded.get("Deployment", "nope")
    assert isinstance(missing, Status) and missing.message == 'deployments.apps "nope" not found'
    [again] = seeded.apply(SEED_DEPLOYMENT, "d.yaml", create=True)
    assert again.kubectl_line() == ('Error from server (AlreadyExists): error when creating "d.yaml": '
                                    'deployments.apps "web-frontend" already exists')


def test_a_relabelled_pod_is_released_and_replaced_by_its_replicaset() -> None:
    """ClaimPods: a Pod that stops matching its ReplicaSet's selector loses its owner; a new one replaces it."""
    cluster = Cluster.default()
    cluster.apply(SEED_DEPLOYMENT)
    pods = cluster.list("Pod", "default")
    victim = pods[0]
    victim["metadata"]["labels"]["app"] = "debug"
    assert cluster.api.update(victim) is not None
    cluster.reconcile()
    after = {p["metadata"]["name"]: p for p in cluster.list("Pod", "default")}
    assert len(after) == 4
    assert "ownerReferences" not in after[victim["metadata"]["name"]]["metadata"]
    assert sum(1 for p in after.values() if p["metadata"]["labels"]["app"] == "web-frontend") == 3


def test_an_ownerless_pod_matching_a_replicaset_is_adopted_and_the_surplus_removed() -> None:
    """ClaimPods' other half: an orphan whose labels match a ReplicaSet's selector is adopted."""
    cluster = Cluster.default()
    cluster.apply(SEED_DEPLOYMENT)
    pod = cluster.list("Pod", "default")[0]
    pod["metadata"].pop("ownerReferences")
    assert cluster.api.update(pod) is not None
    cluster.settle()
    live = [p for p in cluster.list("Pod", "default") if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 3
    assert all(p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet" for p in live)
