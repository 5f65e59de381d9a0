"""kubectl get tables: HumanDuration, the tabwriter layout and each kind's columns, to the letter."""

from __future__ import annotations

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.engine.objects import format_time
from trainer.sandbox.kubectl.age import age, human_duration
from trainer.sandbox.kubectl.printers import (
    ALL_KINDS, format_label_selector, format_labels, get_all, row, table, tabulate)

NOW = 1_767_225_600.0  # the engine clock's start, 2026-01-01T00:00:00Z


def ago(seconds: float) -> str:
    return format_time(NOW - seconds)


# --------------------------------------------------------------------------- HumanDuration

S, M, H, D = 1, 60, 3600, 86400
MS = 0.001


# Vectors from apimachinery's duration_test.go (TestHumanDuration, TestHumanDurationBoundaries).
@pytest.mark.parametrize("seconds, want", [
    (1 * S, "1s"), (70 * S, "70s"), (190 * S, "3m10s"), (70 * M, "70m"), (47 * H, "47h"), (49 * H, "2d1h"),
    ((8 * 24 + 2) * H, "8d"), (367 * 24 * H, "367d"), ((365 * 2 * 24 + 25) * H, "2y1d"),
    ((365 * 8 * 24 + 2) * H, "8y"),
    (-2 * S, "<invalid>"), (-2 * S + 1e-9, "0s"), (0, "0s"), (S - MS, "0s"), (2 * M - MS, "119s"), (2 * M, "2m"),
    (2 * M + S, "2m1s"), (10 * M - MS, "9m59s"), (10 * M, "10m"), (10 * M + S, "10m"), (3 * H - MS, "179m"),
    (3 * H, "3h"), (3 * H + M, "3h1m"), (8 * H - MS, "7h59m"), (8 * H, "8h"), (8 * H + 59 * M, "8h"),
    (2 * D - MS, "47h"), (2 * D, "2d"), (2 * D + H, "2d1h"), (8 * D - MS, "7d23h"), (8 * D, "8d"),
    (8 * D + 23 * H, "8d"), (2 * 365 * D - MS, "729d"), (2 * 365 * D, "2y"), (2 * 365 * D + 23 * H, "2y"),
    (2 * 365 * D + 23 * H + 59 * M, "2y"), (2 * 365 * D + D - MS, "2y"), (2 * 365 * D + D, "2y1d"),
    (3 * 365 * D, "3y"), (7 * 365 * D, "7y"), (8 * 365 * D - MS, "7y364d"), (8 * 365 * D, "8y"),
    (8 * 365 * D + 364 * D, "8y"), (9 * 365 * D, "9y"),
])
def test_human_duration_matches_apimachinery(seconds: float, want: str) -> None:
    assert human_duration(seconds) == want


def test_age_reads_creation_timestamp() -> None:
    assert age({"metadata": {"creationTimestamp": ago(8)}}, NOW) == "8s"
    assert age({"metadata": {"creationTimestamp": ago(3 * H + 4 * M)}}, NOW) == "3h4m"
    assert age({"metadata": {}}, NOW) == "<unknown>"
    assert age({}, NOW) == "<unknown>"
    assert age({"metadata": {"creationTimestamp": "not a time"}}, NOW) == "<unknown>"


# --------------------------------------------------------------------------- tabwriter


def test_tabwriter_pads_to_widest_plus_three_with_a_minimum_of_six() -> None:
    text = tabulate([["NAME", "IP", "AGE"], ["a", "10.0.0.1", "5s"], ["longer-name", "x", "10d"]])
    assert text == ("NAME          IP         AGE\n"
                    "a             10.0.0.1   5s\n"
                    "longer-name   x          10d\n")


def test_tabwriter_last_column_is_not_padded() -> None:
    assert tabulate([["A", "B"], ["", ""]]) == "A     B\n      \n"


def test_tabwriter_column_blocks_end_at_shorter_lines() -> None:
    # A blank line ends a column block, so the two tables align independently.
    text = tabulate([["NAME", "X"], ["a-very-long-name", "1"], [], ["NAME", "Y"], ["b", "2"]])
    assert text == ("NAME               X\n"
                    "a-very-long-name   1\n"
                    "\n"
                    "NAME   Y\n"
                    "b      2\n")


# --------------------------------------------------------------------------- the seed cluster


@pytest.fixture(scope="module")
def seeded() -> Cluster:
    cluster = Cluster.default()
    results = cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    assert all(r.ok for r in results)
    cluster.advance(8)
    return cluster


def test_get_svc_on_the_seed_cluster(seeded: Cluster) -> None:
    # The seed's "kubectl get svc web-frontend" (the ClusterIP comes from the engine's seeded allocator).
    svc = seeded.api.peek("Service", "web-frontend", "default")
    assert table("Service", [svc], cluster=seeded) == (
        "NAME           TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n"
        "web-frontend   NodePort   10.98.72.169   <none>        80:31000/TCP   8s\n")


def test_get_nodes_on_the_default_cluster(seeded: Cluster) -> None:
    text = table("Node", seeded.api.iter("Node"), now=seeded.clock.now)
    assert text == ("NAME           STATUS   ROLES           AGE   VERSION\n"
                    "controlplane   Ready    control-plane   8s    v1.32.4\n"
                    "node01         Ready    <none>          8s    v1.32.4\n"
                    "node02         Ready    <none>          8s    v1.32.4\n")


def test_get_nodes_wide(seeded: Cluster) -> None:
    text = table("Node", seeded.api.iter("Node"), now=seeded.clock.now, wide=True)
    assert text.splitlines()[:2] == [
        "NAME           STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             "
        "KERNEL-VERSION     CONTAINER-RUNTIME",
        "controlplane   Ready    control-plane   8s    v1.32.4   10.0.0.10     <none>        Ubuntu 24.04.1 LTS   "
        "6.8.0-51-generic   containerd://1.7.24",
    ]


def test_nodes_are_cluster_scoped_so_all_namespaces_adds_no_column(seeded: Cluster) -> None:
    assert table("Node", seeded.api.iter("Node"), now=seeded.clock.now, with_namespace=True) == \
        table("Node", seeded.api.iter("Node"), now=seeded.clock.now)


def test_get_deploy_and_rs_wide(seeded: Cluster) -> None:
    deploy = seeded.api.peek("Deployment", "web-frontend", "default")
    assert table("Deployment", [deploy], now=seeded.clock.now, wide=True) == (
        "NAME           READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n"
        "web-frontend   3/3     3            3           8s    nginx        nginx:1.27   app=web-frontend\n")
    [rs] = list(seeded.api.iter("ReplicaSet", "default"))
    text = table("ReplicaSet", [rs], now=seeded.clock.now, wide=True)
    name = rs["metadata"]["name"]
    hash_ = rs["metadata"]["labels"]["pod-template-hash"]
    assert text == (
        f"{'NAME'.ljust(len(name) + 3)}DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES       SELECTOR\n"
        f"{name}   3         3         3       8s    nginx        nginx:1.27   "
        f"app=web-frontend,pod-template-hash={hash_}\n")


def test_get_all_lists_each_kind_with_kind_prefixed_names(seeded: Cluster) -> None:
    text = get_all({k: list(seeded.api.iter(k, "default")) for k in ALL_KINDS}, cluster=seeded)
    assert text == (
        "NAME                                READY   STATUS    RESTARTS   AGE\n"
        "pod/web-frontend-857c88df94-n9wj8   1/1     Running   0          8s\n"
        "pod/web-frontend-857c88df94-sdz8q   1/1     Running   0          8s\n"
        "pod/web-frontend-857c88df94-vtfmw   1/1     Running   0          8s\n"
        "\n"
        "NAME                   TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE\n"
        "service/kubernetes     ClusterIP   10.96.0.1      <none>        443/TCP        8s\n"
        "service/web-frontend   NodePort    10.98.72.169   <none>        80:31000/TCP   8s\n"
        "\n"
        "NAME                           READY   UP-TO-DATE   AVAILABLE   AGE\n"
        "deployment.apps/web-frontend   3/3     3            3           8s\n"
        "\n"
        "NAME                                      DESIRED   CURRENT   READY   AGE\n"
        "replicaset.apps/web-frontend-857c88df94   3         3         3       8s\n")


def test_get_all_skips_empty_kinds_and_no_headers_drops_the_blank_lines() -> None:
    svc = service("a", ports=[{"port": 80, "protocol": "TCP"}])
    assert get_all({"Pod": [], "Service": [svc]}, NOW) == (
        "NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
        "service/a   ClusterIP   10.96.0.5    <none>        80/TCP    5m\n")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "creationTimestamp": ago(5)},
           "spec": {"containers": [{}]}, "status": {"phase": "Pending"}}
    assert get_all({"Pod": [pod], "Service": [svc]}, NOW, no_headers=True) == (
        "pod/p   0/1   Pending   0     5s\n"
        "service/a   ClusterIP   10.96.0.5   <none>   80/TCP   5m\n")


def test_all_namespaces_and_show_labels_decorate_the_table() -> None:
    svc = service("web", ports=[{"port": 80, "nodePort": 30080, "protocol": "TCP"}], type_="NodePort",
                   labels={"tier": "front", "app": "web"})
    svc["metadata"]["namespace"] = "shop"
    assert table("Service", [svc], now=NOW, with_namespace=True, show_labels=True) == (
        "NAMESPACE   NAME   TYPE       CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE   LABELS\n"
        "shop        web    NodePort   10.96.0.5    <none>        80:30080/TCP   5m    app=web,tier=front\n")
    assert table("Service", [svc], now=NOW, no_headers=True) == \
        "web   NodePort   10.96.0.5   <none>   80:30080/TCP   5m\n"


def test_no_objects_print_nothing() -> None:
    assert table("Pod", [], now=NOW) == ""


# --------------------------------------------------------------------------- Service


def service(name: str, *, ports: list, type_: str = "ClusterIP", cluster_ips=("10.96.0.5",), labels=None,
            selector=None, ingress=None, external_ips=None, external_name=None) -> dict:
    spec: dict = {"type": type_, "ports": ports, "clusterIPs": list(cluster_ips)}
    if selector is not None:
        spec["selector"] = selector
    if external_ips:
        spec["externalIPs"] = external_ips
    if external_name:
        spec["externalName"] = external_name
    obj = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": name, "namespace": "default", "creationTimestamp": ago(300)},
           "spec": spec, "status": {"loadBalancer": {"ingress": ingress} if ingress else {}}}
    if labels:
        obj["metadata"]["labels"] = labels
    return obj


# From printers_test.go TestPrintServiceLoadBalancer.
LB_PORTS = [{"port": 80, "protocol": "TCP"}, {"port": 8090, "protocol": "UDP"}, {"port": 8000, "protocol": "TCP"}]


@pytest.mark.parametrize("svc, wide, want", [
    (service("service1", ports=[{"port": 80, "protocol": "TCP"}], type_="LoadBalancer", cluster_ips=["1.2.3.4"],
             ingress=[{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]),
     False, ["service1", "LoadBalancer", "1.2.3.4", "2.3.4.5,3.4.5.6", "80/TCP", "5m"]),
    (service("service2", ports=LB_PORTS + [{"port": 7777, "protocol": "SCTP"}], type_="LoadBalancer",
             cluster_ips=["1.3.4.5"]),
     False, ["service2", "LoadBalancer", "1.3.4.5", "<pending>", "80/TCP,8090/UDP,8000/TCP,7777/SCTP", "5m"]),
    (service("service3", ports=LB_PORTS, type_="LoadBalancer", cluster_ips=["1.4.5.6"], ingress=[{"ip": "2.3.4.5"}]),
     False, ["service3", "LoadBalancer", "1.4.5.6", "2.3.4.5", "80/TCP,8090/UDP,8000/TCP", "5m"]),
    (service("service4", ports=LB_PORTS, type_="LoadBalancer", cluster_ips=["1.5.6.7"],
             ingress=[{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]),
     False, ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5...", "80/TCP,8090/UDP,8000/TCP", "5m"]),
    (service("service4", ports=LB_PORTS, type_="LoadBalancer", cluster_ips=["1.5.6.7"], selector={"foo": "bar"},
             ingress=[{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]),
     True, ["service4", "LoadBalancer", "1.5.6.7", "2.3.4.5,3.4.5.6,5.6.7.8", "80/TCP,8090/UDP,8000/TCP", "5m",
            "foo=bar"]),
    (service("np", ports=[{"name": "http", "port": 80, "targetPort": 3000, "nodePort": 30080, "protocol": "TCP"}],
             type_="NodePort", selector={"app": "web-frontend"}),
     True, ["np", "NodePort", "10.96.0.5", "<none>", "80:30080/TCP", "5m", "app=web-frontend"]),
    (service("ext", ports=[], type_="ExternalName", cluster_ips=[], external_name="db.example.com"),
     True, ["ext", "ExternalName", "<none>", "db.example.com", "<none>", "5m", "<none>"]),
    (service("ips", ports=[{"port": 80, "protocol": "TCP"}], external_ips=["1.1.1.1", "2.2.2.2"]),
     False, ["ips", "ClusterIP", "10.96.0.5", "1.1.1.1,2.2.2.2", "80/TCP", "5m"]),
    (service("lbips", ports=[{"port": 80, "protocol": "TCP"}], type_="LoadBalancer", external_ips=["9.9.9.9"],
             ingress=[{"hostname": "lb.example.com"}]),
     False, ["lbips", "LoadBalancer", "10.96.0.5", "lb.example.com,9.9.9.9", "80/TCP", "5m"]),
    (service("headless", ports=[{"port": 80, "protocol": "TCP"}], cluster_ips=["None"]),
     False, ["headless", "ClusterIP", "None", "<none>", "80/TCP", "5m"]),
])
def test_service_cells(svc: dict, wide: bool, want: list) -> None:
    assert row("Service", svc, now=NOW, wide=wide) == want


# --------------------------------------------------------------------------- Pod


def pod(name: str, *, containers: int = 1, init: list | None = None, status: dict, meta: dict | None = None,
        spec: dict | None = None) -> dict:
    body = {"containers": [{"name": f"c{i}"} for i in range(containers)]}
    if init is not None:
        body["initContainers"] = init
    body.update(spec or {})
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, **(meta or {})}, "spec": body,
            "status": status}


RUNNING = {"running": {}}
INIT_ALWAYS = [{"name": "restartable-init-1", "restartPolicy": "Always"},
               {"name": "restartable-init-2", "restartPolicy": "Always"}]


def terminated_ago(seconds: float) -> dict:
    return {"terminated": {"finishedAt": ago(seconds), "exitCode": 0}}


# Ported from printers_test.go TestPrintPod and TestPrintPodWithRestartableInitContainer.
@pytest.mark.parametrize("obj, want", [
    (pod("test1", containers=2, status={"phase": "podPhase", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING}, {"restartCount": 3}]}),
     ["test1", "1/2", "podPhase", "6", "<unknown>"]),
    (pod("test2", containers=2, status={"phase": "podPhase", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING},
        {"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3}]}),
     ["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"]),
    (pod("test3", containers=2, status={"phase": "podPhase", "containerStatuses": [
        {"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3},
        {"state": {"terminated": {"reason": "ContainerTerminatedReason"}}, "restartCount": 3}]}),
     ["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"]),
    (pod("test4", containers=2, status={"phase": "podPhase", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING}, {"ready": True, "restartCount": 3}]}),
     ["test4", "1/2", "podPhase", "6", "<unknown>"]),
    (pod("test5", containers=2, status={"reason": "podReason", "phase": "podPhase", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING}, {"ready": True, "restartCount": 3}]}),
     ["test5", "1/2", "podReason", "6", "<unknown>"]),
    (pod("test6", containers=2, status={"phase": "Running", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
        {"ready": True, "restartCount": 3, "state": RUNNING}]}),
     ["test6", "1/2", "NotReady", "6", "<unknown>"]),
    (pod("test6", containers=2, status={"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                                       "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
        {"ready": True, "restartCount": 3, "state": RUNNING}]}),
     ["test6", "1/2", "Running", "6", "<unknown>"]),
    (pod("test7", init=[{}], status={"phase": "podPhase",
                                     "initContainerStatuses": [{"restartCount": 3, "state": RUNNING,
                                                                "lastState": terminated_ago(10)}],
                                     "containerStatuses": [{"state": {"waiting": {}}}]}),
     ["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"]),
    (pod("test8", init=[{}, {}], status={"phase": "podPhase", "initContainerStatuses": [
        {"restartCount": 3, "state": RUNNING, "lastState": terminated_ago(10)}, {"state": {"waiting": {}}}],
        "containerStatuses": [{"state": {"waiting": {}}}]}),
     ["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"]),
    (pod("test9", init=[{}, {}], status={"phase": "podPhase", "initContainerStatuses": [
        {"state": {"terminated": {}}}, {"restartCount": 3, "state": RUNNING, "lastState": terminated_ago(10)}],
        "containerStatuses": [{"state": {"waiting": {}}}]}),
     ["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"]),
    (pod("test10", init=[{}, {}], status={"phase": "podPhase", "initContainerStatuses": [
        {"restartCount": 2, "state": {"terminated": {}}, "lastState": terminated_ago(120)},
        {"restartCount": 3, "state": RUNNING, "lastState": terminated_ago(10)}],
        "containerStatuses": [{"state": {"waiting": {}}}]}),
     ["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"]),
    (pod("test11", init=[{}], status={"phase": "Running", "initContainerStatuses": [
        {"restartCount": 2, "state": {"terminated": {}}, "lastState": terminated_ago(120)}],
        "containerStatuses": [{"restartCount": 4, "state": RUNNING, "lastState": terminated_ago(20)}]}),
     ["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"]),
    (pod("test12", status={"phase": "Running", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING, "lastState": terminated_ago(5 * D)}]}),
     ["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"]),
    (pod("test14", containers=2, status={"phase": "Running", "containerStatuses": [
        {"ready": True, "restartCount": 6, "state": RUNNING, "lastState": terminated_ago(5 * D)},
        {"ready": True, "restartCount": 3, "state": RUNNING, "lastState": terminated_ago(20 * D)}]}),
     ["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"]),
    (pod("test15", containers=2, status={"phase": "podPhase", "conditions": [
        {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
     ["test15", "0/2", "SchedulingGated", "0", "<unknown>"]),
    (pod("test16", status={"phase": "Succeeded", "containerStatuses": [
        {"state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}),
     ["test16", "0/1", "Completed", "0", "<unknown>"]),
    (pod("test17", status={"phase": "Failed", "containerStatuses": [
        {"state": {"terminated": {"reason": "Error", "exitCode": 1}}}]}),
     ["test17", "0/1", "Error", "0", "<unknown>"]),
    (pod("test18", meta={"deletionTimestamp": ago(10)}, status={"phase": "Succeeded", "containerStatuses": [
        {"state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}),
     ["test18", "0/1", "Completed", "0", "<unknown>"]),
    (pod("test19", meta={"deletionTimestamp": ago(10)}, status={"phase": "Running", "containerStatuses": [
        {"state": RUNNING}]}),
     ["test19", "0/1", "Terminating", "0", "<unknown>"]),
    (pod("test20", meta={"deletionTimestamp": ago(10)}, status={"phase": "Pending"}),
     ["test20", "0/1", "Terminating", "0", "<unknown>"]),
    (pod("lost", meta={"deletionTimestamp": ago(10)}, status={"phase": "Running", "reason": "NodeLost"}),
     ["lost", "0/1", "Unknown", "0", "<unknown>"]),
    (pod("sidecar1", init=INIT_ALWAYS, status={
        "phase": "Pending", "conditions": [{"type": "Initialized", "status": "False"}],
        "initContainerStatuses": [
            {"name": "restartable-init-1", "restartCount": 3, "state": RUNNING, "started": False,
             "lastState": terminated_ago(10)},
            {"name": "restartable-init-2", "state": {"waiting": {}}, "started": False}],
        "containerStatuses": [{"state": {"waiting": {}}}]}),
     ["sidecar1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"]),
    (pod("sidecar2", init=INIT_ALWAYS, status={
        "phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
        "initContainerStatuses": [
            {"name": "restartable-init-1", "restartCount": 3, "state": RUNNING, "started": True,
             "lastState": terminated_ago(10)},
            {"name": "restartable-init-2", "state": RUNNING, "started": True}],
        "containerStatuses": [{"ready": True, "restartCount": 4, "state": RUNNING, "lastState": terminated_ago(20)}]}),
     ["sidecar2", "1/3", "Running", "7 (10s ago)", "<unknown>"]),
    (pod("sidecar3", init=INIT_ALWAYS, status={
        "phase": "Succeeded", "conditions": [{"type": "Initialized", "status": "True"}],
        "initContainerStatuses": [
            {"name": "restartable-init-1", "restartCount": 3, "started": False, "lastState": terminated_ago(10),
             "state": {"terminated": {"reason": "Error", "exitCode": 137}}},
            {"name": "restartable-init-2", "started": False,
             "state": {"terminated": {"reason": "Error", "exitCode": 137}}}],
        "containerStatuses": [{"restartCount": 4, "lastState": terminated_ago(20),
                               "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}]}),
     ["sidecar3", "0/3", "Completed", "7 (10s ago)", "<unknown>"]),
    (pod("test4", init=[{"name": "init1"}, {"name": "sidecar1", "restartPolicy": "Always"}], status={
        "phase": "Running", "initContainerStatuses": [{"name": "initinvalid"}, {"name": "init1"}, {"name": "sidecar1"}],
        "containerStatuses": [{"name": "containerinvalid"}, {"name": "container1"}]}),
     ["test4", "0/2", "Init:0/2", "0", "<unknown>"]),
    (pod("crash", status={"phase": "Running", "containerStatuses": [
        {"restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}}, "lastState": terminated_ago(90)}]}),
     ["crash", "0/1", "CrashLoopBackOff", "5 (90s ago)", "<unknown>"]),
    (pod("sig", status={"phase": "Running", "containerStatuses": [{"state": {"terminated": {"signal": 9}}}]}),
     ["sig", "0/1", "Signal:9", "0", "<unknown>"]),
    (pod("code", init=[{}], status={"phase": "Pending", "initContainerStatuses": [
        {"state": {"terminated": {"exitCode": 2}}}]}),
     ["code", "0/1", "Init:ExitCode:2", "0", "<unknown>"]),
])
def test_pod_cells_match_upstream(obj: dict, want: list) -> None:
    assert row("Pod", obj, now=NOW) == want


def test_pod_wide_cells_match_upstream() -> None:
    # printers_test.go TestPrintPodwide.
    obj = pod("test1", containers=2,
              spec={"nodeName": "test1", "readinessGates": [{"conditionType": "condition1"},
                                                            {"conditionType": "condition2"},
                                                            {"conditionType": "condition3"}]},
              status={"phase": "podPhase", "podIPs": [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}],
                      "nominatedNodeName": "node1",
                      "conditions": [{"type": "condition1", "status": "False"},
                                     {"type": "condition2", "status": "True"}],
                      "containerStatuses": [{"ready": True, "restartCount": 3, "state": RUNNING},
                                            {"restartCount": 3}]})
    assert row("Pod", obj, now=NOW, wide=True) == [
        "test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"]
    bare = pod("test2", containers=2, status={"phase": "podPhase", "containerStatuses": [
        {"ready": True, "restartCount": 3, "state": RUNNING},
        {"state": {"waiting": {"reason": "ContainerWaitingReason"}}, "restartCount": 3}]})
    assert row("Pod", bare, now=NOW, wide=True) == [
        "test2", "1/2", "ContainerWaitingReason", "6", "<unknown>", "<none>", "<none>", "<none>", "<none>"]


def test_terminating_pod_table_line(seeded: Cluster) -> None:
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-1", "creationTimestamp": ago(600), "deletionTimestamp": ago(-20)},
         "spec": {"containers": [{"name": "nginx"}], "nodeName": "node01"},
         "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.9"}],
                    "containerStatuses": [{"ready": True, "restartCount": 0, "state": RUNNING}]}}
    assert table("Pod", [p], now=NOW, wide=True) == (
        "NAME    READY   STATUS        RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "web-1   1/1     Terminating   0          10m   10.244.1.9   node01   <none>           <none>\n")


# --------------------------------------------------------------------------- Node


def node(name: str, *, ready: str | None = "True", unschedulable: bool = False, labels=None) -> dict:
    status: dict = {"nodeInfo": {"kubeletVersion": "v1.32.4"}}
    if ready is not None:
        status["conditions"] = [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": ready}]
    spec = {"unschedulable": True} if unschedulable else {}
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": labels or {}, "creationTimestamp": ago(10 * D)},
            "spec": spec, "status": status}


def test_node_status_and_roles() -> None:
    nodes = [node("cp", labels={"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/master": ""}),
             node("n1", ready="False", unschedulable=True, labels={"kubernetes.io/role": "worker"}),
             node("n2", ready=None), node("n3", ready="Unknown"),
             node("n4", unschedulable=True, labels={"node-role.kubernetes.io/": "x"})]
    assert table("Node", nodes, now=NOW) == (
        "NAME   STATUS                        ROLES                  AGE   VERSION\n"
        "cp     Ready                         control-plane,master   10d   v1.32.4\n"
        "n1     NotReady,SchedulingDisabled   worker                 10d   v1.32.4\n"
        "n2     Unknown                       <none>                 10d   v1.32.4\n"
        "n3     NotReady                      <none>                 10d   v1.32.4\n"
        "n4     Ready,SchedulingDisabled      <none>                 10d   v1.32.4\n")


def test_node_wide_unknowns() -> None:
    assert row("Node", node("bare"), now=NOW, wide=True)[5:] == ["<none>", "<none>", "<unknown>", "<unknown>",
                                                                 "<unknown>"]


# --------------------------------------------------------------------------- Endpoints and EndpointSlices


def endpoints(name: str, subsets: list) -> dict:
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "creationTimestamp": ago(60)},
            "subsets": subsets}


def test_endpoints_show_three_then_count_the_rest() -> None:
    addrs = [{"ip": f"10.244.{i}.2"} for i in range(1, 5)]
    objs = [endpoints("web", [{"addresses": addrs[:3], "ports": [{"port": 80}]}]),
            endpoints("many", [{"addresses": addrs, "ports": [{"port": 80}, {"port": 443}]}]),
            endpoints("none", []),
            endpoints("headless", [{"addresses": addrs[:2]}]),
            endpoints("v6", [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 8080}]}])]
    assert table("Endpoints", objs, now=NOW) == (
        "NAME       ENDPOINTS                                               AGE\n"
        "web        10.244.1.2:80,10.244.2.2:80,10.244.3.2:80               60s\n"
        "many       10.244.1.2:80,10.244.2.2:80,10.244.3.2:80 + 5 more...   60s\n"
        "none       <none>                                                  60s\n"
        "headless   10.244.1.2,10.244.2.2                                   60s\n"
        "v6         [fd00::1]:8080                                          60s\n")


def slice_(name: str, ports: list, endpoints_: list, created: float) -> dict:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "creationTimestamp": format_time(NOW - created)},
            "addressType": "IP", "ports": ports, "endpoints": endpoints_}


def test_endpointslice_lines_match_upstream() -> None:
    # printers_test.go TestPrintEndpointSlice (printed with --no-headers).
    two = [{"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}, {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]}]
    http = {"name": "http", "port": 80, "protocol": "TCP"}
    https = {"name": "https", "port": 443, "protocol": "TCP"}
    assert table("EndpointSlice", [slice_("abcslice.123", [http], two[:1], -1.9)], now=NOW, no_headers=True) == \
        "abcslice.123   IP    80    10.1.2.3,2001:db8::1234:5678   0s\n"
    assert table("EndpointSlice", [slice_("longerslicename.123", [http, https], two, 300)], now=NOW,
                 no_headers=True) == \
        "longerslicename.123   IP    80,443   10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m\n"
    extra = [{"name": "extra1", "port": 3000, "protocol": "TCP"}, {"name": "extra2", "port": 3001, "protocol": "TCP"}]
    assert table("EndpointSlice", [slice_("multiportslice.123", [http, https] + extra, two, 300)], now=NOW,
                 no_headers=True) == \
        "multiportslice.123   IP    80,443,3000 + 1 more...   10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...   5m\n"


def test_endpointslice_unset_rules() -> None:
    empty = slice_("empty", [], [], 60)
    named = slice_("named", [{"name": "http"}, {}], [{"addresses": []}], 60)
    assert row("EndpointSlice", empty, now=NOW) == ["empty", "IP", "<unset>", "<unset>", "60s"]
    assert row("EndpointSlice", named, now=NOW) == ["named", "IP", "http,*", "<unset>", "60s"]


# --------------------------------------------------------------------------- Deployment, ReplicaSet, Namespace


def test_deployment_and_replicaset_selectors() -> None:
    sel = {"matchLabels": {"app": "web", "tier": "front"},
           "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                {"key": "legacy", "operator": "DoesNotExist"}]}
    deploy = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": {"name": "web", "creationTimestamp": ago(3 * H + 4 * M)},
              "spec": {"replicas": 3, "selector": sel, "template": {"spec": {"containers": [
                  {"name": "nginx", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]}}},
              "status": {"readyReplicas": 1, "updatedReplicas": 2}}
    assert row("Deployment", deploy, now=NOW, wide=True) == [
        "web", "1/3", "2", "0", "3h4m", "nginx,side", "nginx:1.27,busybox",
        "app=web,env in (dev,prod),!legacy,tier=front"]
    rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-1"},
          "spec": {"replicas": 2, "selector": {}, "template": {"spec": {"containers": []}}}, "status": {}}
    assert row("ReplicaSet", rs, now=NOW, wide=True) == ["web-1", "2", "0", "0", "<unknown>", "", "", "<none>"]
    assert format_label_selector({"matchExpressions": [{"key": "a", "operator": "Bogus"}]}) == "<error>"
    assert format_labels({}) == "<none>"


def test_namespaces() -> None:
    ns = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default", "creationTimestamp": ago(40 * D)},
           "status": {"phase": "Active"}},
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "old", "creationTimestamp": ago(90)},
           "status": {"phase": "Terminating"}}]
    assert table("Namespace", ns, now=NOW) == ("NAME      STATUS        AGE\n"
                                               "default   Active        40d\n"
                                               "old       Terminating   90s\n")


def test_cells_with_line_breaks_are_cut() -> None:
    obj = {"kind": "Thing", "metadata": {"name": "two\nlines", "creationTimestamp": ago(5)}}
    assert table("Thing", [obj], now=NOW) == "NAME     AGE\ntwo...   5s\n"
