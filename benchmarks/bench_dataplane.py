"""Benchmark: kube-proxy's scalability targets through the engine's own data plane.

10,000 Services x 5 endpoints over 100 nodes: render one node's rules, re-render after one
Service changes, trace one packet; then the seed scenario's trace; and peak memory.
Prints its figures; it is not a test. Run: python benchmarks/bench_dataplane.py
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time

from trainer.engine.cluster import Cluster
from trainer.engine.fixtures import Fixture

SERVICES, ENDPOINTS, NODES = 10_000, 5, 100

SEED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-frontend}
spec:
  replicas: 3
  selector: {matchLabels: {app: web-frontend}}
  template:
    metadata: {labels: {app: web-frontend}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web-frontend}
spec:
  type: NodePort
  selector: {app: web-frontend}
  ports: [{port: 80, targetPort: 80, nodePort: 31000}]
"""


def peak() -> str:
    return f"(peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"


def big_cluster(with_pods: bool = True) -> Cluster:
    """100 Ready nodes and 10,000 Services with 5 endpoints each.

    With Pods, each Service selects 5 running Pods and the controllers write the
    EndpointSlices. Without, the Services have no selector and carry their EndpointSlices
    directly: exactly what kube-proxy watches, as in its own scalability tests.
    """
    fx = Fixture(service_subnet="10.96.0.0/12", pod_subnet="10.244.0.0/16",
                 apiserver_flags={"service-node-port-range": "30000-32767"},
                 kube_proxy={"mode": "iptables", "clusterCIDR": "10.244.0.0/16"})
    for n in range(NODES):
        fx.objects.append({
            "apiVersion": "v1", "kind": "Node",
            "metadata": {"name": f"node{n:03d}", "labels": {"kubernetes.io/hostname": f"node{n:03d}"}},
            "spec": {"podCIDR": f"10.244.{n}.0/24"},
            "status": {"addresses": [{"type": "InternalIP", "address": f"10.0.{n // 250}.{n % 250 + 2}"}],
                       "conditions": [{"type": "Ready", "status": "True"}]},
        })
        fx.origins.append(("<bench>", 0))
    cluster = Cluster(fx)
    api = cluster.api
    pod = 0
    for s in range(SERVICES):
        name = f"svc-{s:05d}"
        svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
               "spec": {"type": "NodePort" if s < 2000 else "ClusterIP",
                        "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}}
        if with_pods:
            svc["spec"]["selector"] = {"app": name}
        assert isinstance(api.create(svc), dict)
        if not with_pods:
            eps = []
            for _ in range(ENDPOINTS):
                node = pod % NODES
                eps.append({"addresses": [f"10.244.{node}.{pod // NODES % 250 + 2}"], "nodeName": f"node{node:03d}",
                            "conditions": {"ready": True, "serving": True, "terminating": False}})
                pod += 1
            api.insert({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                        "metadata": {"name": f"{name}-abcde", "namespace": "default",
                                     "labels": {"kubernetes.io/service-name": name}},
                        "addressType": "IPv4", "endpoints": eps,
                        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]})
            continue
        for _ in range(ENDPOINTS):
            node = pod % NODES
            api.insert({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": f"{name}-{pod}", "namespace": "default", "labels": {"app": name}},
                        "spec": {"nodeName": f"node{node:03d}",
                                 "containers": [{"name": "app", "image": "example.com/app:1",
                                                 "ports": [{"containerPort": 8080}]}]},
                        "status": {"phase": "Running", "podIP": f"10.244.{node}.{pod // NODES % 250 + 2}",
                                   "conditions": [{"type": "Ready", "status": "True"}]}})
            pod += 1
    cluster.reconcile()
    return cluster


def main() -> None:
    if len(sys.argv) > 1:
        run(sys.argv[1] == "pods")
        return
    # Each scenario runs in its own process, so that its peak memory is its own.
    for scenario in ("slices", "pods"):
        subprocess.run([sys.executable, __file__, scenario], check=True)


def run(with_pods: bool) -> None:
    what = "Pods behind selector Services" if with_pods else "selector-less Services + EndpointSlices (kube-proxy's view)"
    print(f"\n{SERVICES:,} Services x {ENDPOINTS} endpoints over {NODES} nodes: {what}")
    start = time.perf_counter()
    cluster = big_cluster(with_pods)
    print(f"  build the cluster (apiserver + controllers)         {ms(time.perf_counter() - start)}   {peak()}")
    net = cluster.net

    start = time.perf_counter()
    text = net.iptables_save("node007")
    print(f"  render node007's rules (full sync, {text.count(chr(10)):,} lines)  {ms(time.perf_counter() - start)}"
          f"   target < 2 s   {peak()}")
    start = time.perf_counter()
    net.ruleset("node007")
    print(f"  parse them for the tracer (lazy)                    {ms(time.perf_counter() - start)}   {peak()}")

    times = []
    for i in range(20):
        svc = cluster.api.peek("Service", f"svc-{i * 7:05d}")
        svc["spec"]["sessionAffinity"] = "ClientIP" if i % 2 == 0 else "None"
        svc["spec"]["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}} if i % 2 == 0 else None
        cluster.api.write_status(svc)
        start = time.perf_counter()
        net.iptables_save("node007")
        times.append(time.perf_counter() - start)
    print(f"  re-render after one Service changes (median of 20)  {ms(statistics.median(times))}   target < 50 ms")

    node_ip = "10.0.0.9"
    svc = cluster.api.peek("Service", "svc-00042")
    port = svc["spec"]["ports"][0]["nodePort"]
    report = net.trace("203.0.113.7", node_ip, port)
    assert len(report.outcomes) == ENDPOINTS, [o.verdict for o in report.outcomes]
    verdicts = sorted({o.verdict for o in report.outcomes})
    times = []
    for _ in range(50):
        start = time.perf_counter()
        net.trace("203.0.113.7", node_ip, port)
        times.append(time.perf_counter() - start)
    print(f"  one trace, external client -> nodePort (median)     {ms(statistics.median(times))}   target < 5 ms"
          f"   ({ENDPOINTS} outcomes: {', '.join(verdicts)})")

    seed = Cluster.default()
    seed.apply(SEED, "seed.yaml")
    seed.trace("203.0.113.7", "10.0.0.11", 31000)
    times = []
    for _ in range(300):
        start = time.perf_counter()
        seed.trace("203.0.113.7", "10.0.0.11", 31000)
        times.append(time.perf_counter() - start)
    print(f"  the seed scenario's trace (median of 300)           {ms(statistics.median(times))}   target < 1 ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory (ru_maxrss)                    {rss:9.0f} MB   target < 300 MB")


if __name__ == "__main__":
    main()
