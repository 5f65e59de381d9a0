"""kubectl describe: exact v1.32 text for the seed objects, tabwriter alignment, and edge cases."""

from __future__ import annotations

import copy

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_30080, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.describe import DESCRIBABLE_KINDS, describable, describe, describe_many
from trainer.sandbox.kubectl.describe_quantity import canonical, parse
from trainer.sandbox.kubectl.describe_service import format_endpoint_slices
from trainer.sandbox.kubectl.describe_text import Writer, human_duration, rfc1123z, tabwrite


def _exact(text: str, **values: str) -> str:
    """Expected output: a trailing "$" marks a line that ends in spaces; {name} fields are filled in."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return "\n".join(line[:-1] if line.endswith("$") else line for line in text.split("\n"))


@pytest.fixture
def seeded() -> Cluster:
    cluster = Cluster.default()
    results = cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml")
    assert all(r.ok for r in results), [r.kubectl_line() for r in results]
    return cluster


def _svc(cluster: Cluster, name: str = "web-frontend", ns: str = "default") -> dict:
    return cluster.api.get("Service", name, ns)


def _pods(cluster: Cluster, ns: str = "default") -> list[dict]:
    return sorted(cluster.api.list("Pod", ns), key=lambda p: p["metadata"]["name"])


def _new_rs(cluster: Cluster) -> str:
    return next(cluster.api.iter("ReplicaSet", "default"))["metadata"]["name"]


# ----------------------------------------------------------------- tabwriter and helpers

def test_tabwriter_blocks_end_at_a_line_without_tabs() -> None:
    text = "Name:\tweb\nLonger label:\tx\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tRS/a\n"
    assert tabwrite(text) == ("Name:          web\nLonger label:  x\nIPs:\n"
                              "  IP:           10.0.0.1\nControlled By:  RS/a\n")


def test_tabwriter_ignores_the_last_cell_and_pads_empty_cells() -> None:
    assert tabwrite("a\tbb\tlast-is-not-a-column\nccc\t\tz\n") == "a    bb  last-is-not-a-column\nccc      z\n"
    # A line with fewer cells ends the inner column's block but not the outer one.
    assert tabwrite("Port:\t<unset>\t80/TCP\nTargetPort:\t80/TCP\nNodePort:\tlonger-name\t31000/TCP\n") == (
        "Port:        <unset>  80/TCP\nTargetPort:  80/TCP\nNodePort:    longer-name  31000/TCP\n")


def test_writer_flush_starts_a_new_alignment_block_and_levels_indent() -> None:
    w = Writer()
    w.write(0, "Short:\ta\n")
    w.write(1, "Much longer key:\tb\n")
    w.flush()
    w.write(0, "Events:\t<none>\n")
    assert w.text() == "Short:              a\n  Much longer key:  b\nEvents:  <none>\n"


def test_writer_escapes_terminal_control_characters() -> None:
    w = Writer()
    w.write(0, "Name:\t\x1b[31mred\r\n")
    assert w.text() == "Name:  ^[[31mred\\r\n"


@pytest.mark.parametrize(("seconds", "text"), [
    (-5, "<invalid>"), (-1.5, "0s"), (0, "0s"), (119, "119s"), (120, "2m"), (125, "2m5s"), (600, "10m"),
    (10799, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600, "47h"),
    (50 * 3600, "2d2h"), (8 * 86400, "8d"), (800 * 86400, "2y70d"), (3000 * 86400, "8y"),
])
def test_human_duration_matches_apimachinery(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_rfc1123z_formats_utc_and_go_zero_time() -> None:
    assert rfc1123z("2026-01-01T00:00:05Z") == "Thu, 01 Jan 2026 00:00:05 +0000"
    assert rfc1123z(None) == "Mon, 01 Jan 0001 00:00:00 +0000"


@pytest.mark.parametrize(("raw", "text"), [
    ("20134592Ki", "20134592Ki"), (18556039957, "18556039957"), ("1000m", "1"), ("1500m", "1500m"),
    ("0.5", "500m"), ("1000", "1k"), ("1024Mi", "1Gi"), ("1.5Gi", "1536Mi"), ("512Ki", "512Ki"),
    ("100", "100"), ("1e3", "1e3"), ("129e6", "129e6"), ("0", "0"), ("70Mi", "70Mi"), ("0.1", "100m"),
])
def test_quantity_canonical_form(raw: object, text: str) -> None:
    q = parse(raw)
    assert q is not None and canonical(q) == text


def test_quantity_rejects_garbage_without_raising() -> None:
    assert parse("lots") is None and parse("") is None and parse("1Qi") is None


# ----------------------------------------------------------------- Services

SERVICE_31000 = """\
Name:                     web-frontend
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web-frontend
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       {ip}
IPs:                      {ip}
Port:                     <unset>  80/TCP
TargetPort:               80/TCP
NodePort:                 <unset>  31000/TCP
Endpoints:                {endpoints}
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def _endpoints(cluster: Cluster, port: int, name: str = "web-frontend") -> str:
    slices = list(cluster.api.iter("EndpointSlice", "default"))
    addrs = [ep["addresses"][0] for s in slices if s["metadata"]["labels"].get("kubernetes.io/service-name") == name
             for ep in s["endpoints"]]
    return ",".join(f"{a}:{port}" for a in addrs)


def test_seed_nodeport_service(seeded: Cluster) -> None:
    svc = _svc(seeded)
    assert "kubectl.kubernetes.io/last-applied-configuration" in svc["metadata"]["annotations"]
    expected = _exact(SERVICE_31000, ip=svc["spec"]["clusterIP"], endpoints=_endpoints(seeded, 80))
    assert describe(seeded, "Service", svc) == expected
    assert len(_endpoints(seeded, 80).split(",")) == 3


def test_article_service_with_named_port_and_target_port_3000() -> None:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_30080, "web.yaml"))
    svc = _svc(cluster)
    text = describe(cluster, "service", svc)
    assert _exact("""\
Port:                     http  80/TCP
TargetPort:               3000/TCP
NodePort:                 http  30080/TCP
Endpoints:                {endpoints}
""", endpoints=_endpoints(cluster, 3000)) in text


def test_kubernetes_service_has_no_selector_and_no_external_policy(seeded: Cluster) -> None:
    assert describe(seeded, "Service", _svc(seeded, "kubernetes")) == """\
Name:                     kubernetes
Namespace:                default
Labels:                   component=apiserver
                          provider=kubernetes
Annotations:              <none>
Selector:                 <none>
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.1
IPs:                      10.96.0.1
Port:                     https  443/TCP
TargetPort:               6443/TCP
Endpoints:                10.0.0.10:6443
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"""


def test_load_balancer_lines_and_health_check_node_port(seeded: Cluster) -> None:
    svc = _svc(seeded)
    svc["spec"].update({"type": "LoadBalancer", "externalTrafficPolicy": "Local", "healthCheckNodePort": 32100,
                        "loadBalancerIP": "198.51.100.9", "externalIPs": ["192.0.2.1", "192.0.2.2"],
                        "loadBalancerSourceRanges": ["203.0.113.0/24"]})
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "198.51.100.9", "ipMode": "VIP"}, {"hostname": "lb.example"}]}}
    text = describe(seeded, "Service", svc)
    assert "External IPs:                192.0.2.1,192.0.2.2\n" in text
    assert "Desired LoadBalancer IP:     198.51.100.9\n" in text
    assert "LoadBalancer Ingress:        198.51.100.9 (VIP), lb.example\n" in text
    assert text.endswith("External Traffic Policy:     Local\nInternal Traffic Policy:     Cluster\n"
                         "HealthCheck NodePort:        32100\nLoadBalancer Source Ranges:  203.0.113.0/24\n"
                         "Events:                      <none>\n")


def _slice(ready: list[bool | None], port: int | None = 80, name: str = "") -> dict:
    eps = [{"addresses": [f"10.244.0.{i + 1}"], "conditions": {} if r is None else {"ready": r}}
           for i, r in enumerate(ready)]
    return {"endpoints": eps, "ports": [] if port is None else [{"name": name, "port": port, "protocol": "TCP"}]}


def test_endpoints_list_only_ready_addresses_three_at_most() -> None:
    assert format_endpoint_slices([], "") == "<none>"
    assert format_endpoint_slices([_slice([])], "") == ""
    assert format_endpoint_slices([_slice([True, False, None])], "") == "10.244.0.1:80,10.244.0.3:80"
    assert format_endpoint_slices([_slice([True] * 5)], "") == "10.244.0.1:80,10.244.0.2:80,10.244.0.3:80 + 2 more..."
    # kubectl raises the "more" flag on any endpoint after the third listed one, even an unready one.
    assert format_endpoint_slices([_slice([True, True, True, False])], "") == \
        "10.244.0.1:80,10.244.0.2:80,10.244.0.3:80 + 0 more..."
    assert format_endpoint_slices([_slice([True], name="http")], "") == ""
    assert format_endpoint_slices([_slice([True], port=None)], "") == "10.244.0.1"


# ----------------------------------------------------------------- Deployment, ReplicaSet, Pods

DEPLOYMENT = """\
Name:                   web-frontend
Namespace:              default
CreationTimestamp:      Thu, 01 Jan 2026 00:00:00 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web-frontend
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web-frontend
  Containers:
   nginx:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   {rs} (3/3 replicas created)
Events:          <none>
"""


def test_seed_deployment(seeded: Cluster) -> None:
    dep = seeded.api.peek("Deployment", "web-frontend", "default")
    assert describe(seeded, "Deployment", dep) == _exact(DEPLOYMENT, rs=_new_rs(seeded))


def test_rollout_lists_the_old_replicaset(seeded: Cluster) -> None:
    old = _new_rs(seeded)
    seeded.apply(SEED_DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"), "web.yaml")
    seeded.settle()
    text = describe(seeded, "Deployment", seeded.api.peek("Deployment", "web-frontend", "default"))
    assert f"OldReplicaSets:  {old} (0/0 replicas created)\n" in text
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in text


def test_coredns_template_shows_args_probe_priority_selectors_and_tolerations(seeded: Cluster) -> None:
    text = describe(seeded, "Deployment", seeded.api.peek("Deployment", "coredns", "kube-system"))
    assert """\
   coredns:
    Image:       registry.k8s.io/coredns/coredns:v1.11.3
    Ports:       53/UDP, 53/TCP, 9153/TCP
    Host Ports:  0/UDP, 0/TCP, 0/TCP
    Args:
      -conf
      /etc/coredns/Corefile
    Readiness:          http-get http://:8181/ready delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:        <none>
    Mounts:             <none>
  Volumes:              <none>
  Priority Class Name:  system-cluster-critical
  Node-Selectors:       kubernetes.io/os=linux
  Tolerations:          CriticalAddonsOnly op=Exists
                        node-role.kubernetes.io/control-plane:NoSchedule
""" in text


REPLICASET = """\
Name:           {rs}
Namespace:      default
Selector:       app=web-frontend,pod-template-hash={hash}
Labels:         app=web-frontend
                pod-template-hash={hash}
Annotations:    deployment.kubernetes.io/desired-replicas: 3
                deployment.kubernetes.io/max-replicas: 4
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/web-frontend
Replicas:       3 current / 3 desired
Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web-frontend
           pod-template-hash={hash}
  Containers:
   nginx:
    Image:         nginx:1.27
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
"""


def test_seed_replicaset(seeded: Cluster) -> None:
    rs = next(seeded.api.iter("ReplicaSet", "default"))
    h = rs["metadata"]["labels"]["pod-template-hash"]
    assert describe(seeded, "ReplicaSet", rs) == _exact(REPLICASET, rs=rs["metadata"]["name"], hash=h)


POD = """\
Name:         {pod}
Namespace:    default
Node:         {node}/{host_ip}
Start Time:   Thu, 01 Jan 2026 00:00:00 +0000
Labels:       app=web-frontend
              pod-template-hash={hash}
Annotations:  <none>
Status:       Running
IP:           {ip}
IPs:
  IP:           {ip}
Controlled By:  ReplicaSet/{rs}
Containers:
  nginx:
    Container ID:   $
    Image:          nginx:1.27
    Image ID:       $
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Thu, 01 Jan 2026 00:00:00 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:         <none>
Conditions:
  Type                        Status
{conditions}
Volumes:                      <none>
QoS Class:                    BestEffort
Node-Selectors:               <none>
Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:                       <none>
"""


def test_seed_pod(seeded: Cluster) -> None:
    pod = _pods(seeded)[0]
    conditions = "\n".join(f"  {c['type']:<26}  {c['status']} " for c in pod["status"]["conditions"])
    assert {c["type"] for c in pod["status"]["conditions"]} >= {"PodReadyToStartContainers", "ContainersReady"}
    expected = _exact(POD, pod=pod["metadata"]["name"], node=pod["spec"]["nodeName"], host_ip=pod["status"]["hostIP"],
                      ip=pod["status"]["podIP"], rs=_new_rs(seeded), hash=pod["metadata"]["labels"]["pod-template-hash"],
                      conditions=conditions)
    assert describe(seeded, "Pod", pod) == expected


def test_pending_pod_shows_failed_scheduling_and_its_retries(seeded: Cluster) -> None:
    seeded.apply(SEED_DEPLOYMENT.replace("replicas: 3", "replicas: 1").replace(
        "      containers:", "      nodeSelector:\n        disk: ssd\n      containers:"), "web.yaml")
    pending = [p for p in _pods(seeded) if not p["spec"].get("nodeName")]
    assert pending
    message = next(c["message"] for c in pending[0]["status"]["conditions"] if c["type"] == "PodScheduled")
    text = describe(seeded, "Pod", pending[0])
    assert "Node:           <none>\n" in text and "IPs:            <none>\n" in text
    assert "Conditions:\n  Type           Status\n  PodScheduled   False \n" in text
    assert text.endswith("Events:\n  Type     Reason            Age   From               Message\n"
                         "  ----     ------            ----  ----               -------\n"
                         f"  Warning  FailedScheduling  0s    default-scheduler  {message}\n")
    seeded.advance(700)
    text = describe(seeded, "Pod", seeded.api.peek("Pod", pending[0]["metadata"]["name"], "default"))
    assert f"  Warning  FailedScheduling  100s (x3 over 11m)  default-scheduler  {message}\n" in text


def test_terminating_pod_reads_like_kubectl(seeded: Cluster) -> None:
    seeded.apply(SEED_DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"), "web.yaml")
    old = next(p for p in _pods(seeded) if p["metadata"].get("deletionTimestamp"))
    text = describe(seeded, "Pod", old)
    assert "Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n" in text


def test_pod_containers_env_mounts_volumes_and_resources(seeded: Cluster) -> None:
    pod = _pods(seeded)[0]
    c = pod["spec"]["containers"][0]
    c["env"] = [{"name": "MODE", "value": "prod"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
                {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}]
    c["resources"] = {"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
    c["volumeMounts"] = [{"name": "html", "mountPath": "/usr/share/nginx/html", "readOnly": True, "subPath": "site"}]
    pod["spec"]["volumes"] = [{"name": "html", "configMap": {"name": "site"}}, {"name": "tmp", "emptyDir": {}}]
    pod["status"]["qosClass"] = ""
    text = describe(seeded, "Pod", pod)
    name = pod["metadata"]["name"]
    # Lines without a tab ("Requests:", "Environment:" with variables) end an alignment block.
    assert f"""\
    Restart Count:  0
    Limits:
      memory:  128Mi
    Requests:
      cpu:     250m
      memory:  64Mi
    Environment:
      MODE:      prod
      POD_NAME:  {name} (v1:metadata.name)
      POD_IP:     (v1:status.podIP)
      PASS:      <set to the key 'pw' in secret 'db'>  Optional: false
      CPU:       node allocatable (limits.cpu)
    Mounts:
      /usr/share/nginx/html from html (ro,path="site")
Conditions:
""" in text
    assert _exact("""\
Volumes:
  html:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      site
    Optional:  false
  tmp:
    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:      $
    SizeLimit:   <unset>
QoS Class:       Burstable
""") in text


# ----------------------------------------------------------------- Nodes, slices, endpoints, namespaces

NODE02_TAIL = """\
System Info:
  Machine ID:                 $
  System UUID:                $
  Boot ID:                    $
  Kernel Version:             6.8.0-51-generic
  OS Image:                   Ubuntu 24.04.1 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.24
  Kubelet Version:            v1.32.4
  Kube-Proxy Version:         v1.32.4
PodCIDR:                      10.244.2.0/24
PodCIDRs:                     10.244.2.0/24
Non-terminated Pods:          ({n} in total)
  Namespace                   Name                             CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                             ------------  ----------  ---------------  -------------  ---
{rows}
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests  Limits
  --------           --------  ------
  cpu                0 (0%)    0 (0%)
  memory             0 (0%)    0 (0%)
  ephemeral-storage  0 (0%)    0 (0%)
Events:              <none>
"""


def test_node_header_lease_conditions_and_capacity(seeded: Cluster) -> None:
    text = describe(seeded, "Node", seeded.api.peek("Node", "controlplane", ""))
    assert text.startswith("""\
Name:               controlplane
Roles:              control-plane
Labels:             kubernetes.io/arch=amd64
                    kubernetes.io/hostname=controlplane
                    kubernetes.io/os=linux
                    node-role.kubernetes.io/control-plane=
                    node.kubernetes.io/exclude-from-external-load-balancers=
Annotations:        <none>
CreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000
Taints:             node-role.kubernetes.io/control-plane:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  controlplane
  AcquireTime:     <unset>
  RenewTime:       Thu, 01 Jan 2026 00:00:00 +0000
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  DiskPressure     False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasNoDiskPressure     kubelet has no disk pressure
  PIDPressure      False   Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletHasSufficientPID      kubelet has sufficient PID available
  Ready            True    Thu, 01 Jan 2026 00:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000   KubeletReady                 kubelet is posting ready status
Addresses:
  InternalIP:  10.0.0.10
  Hostname:    controlplane
Capacity:
  cpu:                2
  ephemeral-storage:  20134592Ki
  memory:             4005484Ki
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  18556039957
  memory:             3903084Ki
  pods:               110
""")


def test_node_pods_table_and_allocated_resources(seeded: Cluster) -> None:
    pods = [p for p in seeded.api.iter("Pod") if p["spec"].get("nodeName") == "node02"]
    rows = "\n".join(f"  {p['metadata']['namespace']:<26}  {p['metadata']['name']:<29}    0 (0%)        0 (0%)      "
                     "0 (0%)           0 (0%)         0s" for p in pods)
    text = describe(seeded, "Node", seeded.api.peek("Node", "node02", ""))
    assert text.endswith(_exact(NODE02_TAIL, n=str(len(pods)), rows=rows))


def test_node_lease_and_heartbeat_follow_the_clock(seeded: Cluster) -> None:
    seeded.advance(3725)
    text = describe(seeded, "Node", seeded.api.peek("Node", "node01", ""))
    assert "  RenewTime:       Thu, 01 Jan 2026 01:02:00 +0000\n" in text
    assert "  Ready            True    Thu, 01 Jan 2026 01:00:00 +0000   Thu, 01 Jan 2026 00:00:00 +0000" in text
    assert "62m\n" in text  # the Age column of the Pods on it


def test_node_with_requests_shows_percentages(seeded: Cluster) -> None:
    node = seeded.api.peek("Node", "node01", "")
    pod = {"metadata": {"name": "big", "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"},
           "spec": {"nodeName": "node01", "containers": [{"name": "a", "resources": {
               "requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}}}]},
           "status": {"phase": "Running"}}
    from trainer.sandbox.kubectl.describe_node import describe_node
    text = describe_node(node, [pod], seeded.clock.now, [])
    assert ("  default                     big     500m (25%)    1 (50%)     1Gi (26%)        2Gi (53%)      0s\n"
            in text)
    assert ("  Resource           Requests    Limits\n  --------           --------    ------\n"
            "  cpu                500m (25%)  1 (50%)\n  memory             1Gi (26%)   2Gi (53%)\n"
            "  ephemeral-storage  0 (0%)      0 (0%)\n") in text


ENDPOINT_SLICE_HEAD = """\
Name:         {name}
Namespace:    default
Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
              kubernetes.io/service-name=web-frontend
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  80    TCP
Endpoints:
  - Addresses:  {addr}
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/{pod}
    NodeName:   {node}
    Zone:       <unset>
"""


def test_seed_endpoint_slice(seeded: Cluster) -> None:
    eps = next(s for s in seeded.api.iter("EndpointSlice", "default") if s["metadata"]["name"] != "kubernetes")
    first = eps["endpoints"][0]
    text = describe(seeded, "EndpointSlice", eps)
    assert text.startswith(_exact(ENDPOINT_SLICE_HEAD, name=eps["metadata"]["name"], addr=first["addresses"][0],
                                  pod=first["targetRef"]["name"], node=first["nodeName"]))
    assert text.endswith("    Zone:       <unset>\nEvents:         <none>\n")


def test_seed_endpoints_and_namespace(seeded: Cluster) -> None:
    ep = seeded.api.peek("Endpoints", "web-frontend", "default")
    ips = ",".join(a["ip"] for a in ep["subsets"][0]["addresses"])
    assert describe(seeded, "Endpoints", ep) == f"""\
Name:         web-frontend
Namespace:    default
Labels:       endpoints.kubernetes.io/managed-by=endpoint-controller
Annotations:  <none>
Subsets:
  Addresses:          {ips}
  NotReadyAddresses:  <none>
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  80    TCP

Events:  <none>
"""
    assert describe(seeded, "Namespace", seeded.api.peek("Namespace", "default", "")) == """\
Name:         default
Labels:       <none>
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
"""


# ----------------------------------------------------------------- events, many objects, odd input

def test_show_events_false_and_given_events(seeded: Cluster) -> None:
    svc = _svc(seeded)
    assert "Events" not in describe(seeded, "Service", svc, show_events=False)
    events = [{"type": "Normal", "reason": "Type", "message": "NodePort -> LoadBalancer ",
               "source": {"component": "service-controller"}, "count": 3,
               "firstTimestamp": "2025-12-31T23:50:00Z", "lastTimestamp": "2025-12-31T23:58:00Z"},
              {"type": "Normal", "reason": "EnsuringLoadBalancer", "message": "Ensuring load balancer",
               "reportingController": "service-controller", "eventTime": "2025-12-31T23:59:50Z"}]
    text = describe(seeded, "Service", svc, events=events)
    assert text.endswith("Internal Traffic Policy:  Cluster\n"
                         "Events:\n"
                         "  Type    Reason                Age               From                Message\n"
                         "  ----    ------                ----              ----                -------\n"
                         "  Normal  Type                  2m (x3 over 10m)  service-controller  NodePort -> LoadBalancer\n"
                         "  Normal  EnsuringLoadBalancer  10s               service-controller  Ensuring load balancer\n")


def test_describe_many_separates_objects_like_kubectl(seeded: Cluster) -> None:
    a, b = _svc(seeded), _svc(seeded, "kubernetes")
    assert describe_many(seeded, [a, b]) == describe(seeded, "Service", a) + "\n\n" + describe(seeded, "Service", b)
    assert describe_many(seeded, []) == ""


def test_long_and_multiline_annotations_fold_and_last_applied_is_hidden(seeded: Cluster) -> None:
    svc = _svc(seeded)
    svc["metadata"]["annotations"].update({"a/long": "x" * 150, "b/multi": "one\ntwo\n", "c/short": "yes"})
    text = describe(seeded, "Service", svc)
    assert ("Annotations:              a/long:\n"
            f"                            {'x' * 138}...\n"
            "                          b/multi:\n"
            "                            one\n"
            "                            two\n"
            "                          c/short: yes\n") in text
    assert "last-applied" not in text


def test_describe_leaves_the_object_untouched(seeded: Cluster) -> None:
    for kind in ("Pod", "Service", "Node", "Deployment", "ReplicaSet", "EndpointSlice"):
        for obj in seeded.api.list(kind):
            before = copy.deepcopy(obj)
            describe(seeded, kind, obj)
            assert obj == before


def test_every_kind_survives_a_bare_object(seeded: Cluster) -> None:
    for kind in DESCRIBABLE_KINDS:
        text = describe(seeded, kind, {"metadata": {"name": "x"}})
        assert text.startswith("Name:") and text.endswith("\n")
    assert describable("deployment") and not describable("ConfigMap")
    with pytest.raises(ValueError):
        describe(seeded, "ConfigMap", {})
