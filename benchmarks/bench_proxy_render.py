"""Benchmark of the kube-proxy iptables renderer: 10,000 Services x 5 endpoints over 100 nodes."""

from __future__ import annotations

import copy
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trainer.engine.proxy import NodeFacts, NodeProxier, render_ipvs  # noqa: E402

SERVICES = 10_000
ENDPOINTS = 5
NODES = 100
NODE_PORT_SERVICES = 2_000
CONFIG = {"mode": "iptables", "clusterCIDR": "10.244.0.0/16"}


def build_cluster() -> tuple[list[dict], list[dict], list[NodeFacts]]:
    """Services, EndpointSlices and nodes of a synthetic cluster (deterministic)."""
    nodes = [
        NodeFacts(name=f"node{n:03d}", internal_ip=f"10.0.{n // 250}.{n % 250 + 1}", pod_cidrs=(f"10.244.{n}.0/24",))
        for n in range(NODES)
    ]
    services, slices = [], []
    rv = 1000
    for i in range(SERVICES):
        name = f"svc-{i:05d}"
        ns = f"team-{i % 50:02d}"
        port = {"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}
        svc_type = "ClusterIP"
        if i < NODE_PORT_SERVICES:
            svc_type = "NodePort"
            port["nodePort"] = 30000 + i
        rv += 1
        services.append(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": name, "namespace": ns, "uid": f"uid-{i}", "resourceVersion": str(rv)},
                "spec": {
                    "type": svc_type,
                    "clusterIP": f"10.{96 + i // 65536}.{(i // 256) % 256}.{i % 256}",
                    "clusterIPs": [f"10.{96 + i // 65536}.{(i // 256) % 256}.{i % 256}"],
                    "ipFamilies": ["IPv4"],
                    "ports": [port],
                    "sessionAffinity": "None",
                    "externalTrafficPolicy": "Cluster",
                    "internalTrafficPolicy": "Cluster",
                },
                "status": {"loadBalancer": {}},
            }
        )
        endpoints = []
        for j in range(ENDPOINTS):
            node = (i * ENDPOINTS + j) % NODES
            endpoints.append(
                {
                    "addresses": [f"10.244.{node}.{(i * ENDPOINTS + j) // NODES % 250 + 2}"],
                    "conditions": {"ready": True, "serving": True, "terminating": False},
                    "nodeName": f"node{node:03d}",
                }
            )
        rv += 1
        slices.append(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": f"{name}-abcde",
                    "namespace": ns,
                    "uid": f"es-uid-{i}",
                    "resourceVersion": str(rv),
                    "labels": {"kubernetes.io/service-name": name},
                },
                "addressType": "IPv4",
                "endpoints": endpoints,
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            }
        )
    return services, slices, nodes


def main() -> None:
    """Run the measurements and print them."""
    t0 = time.perf_counter()
    services, slices, nodes = build_cluster()
    print(f"build cluster objects:            {time.perf_counter() - t0:8.3f} s")

    proxier = NodeProxier(nodes[0], CONFIG)
    t0 = time.perf_counter()
    text = proxier.sync(services, slices)
    full = time.perf_counter() - t0
    lines = text.count("\n")
    print(f"full render, one node:            {full:8.3f} s  ({lines} lines, {len(text) / 1e6:.1f} MB, "
          f"large-cluster mode={proxier.large_cluster_mode})")

    del text
    t0 = time.perf_counter()
    proxier.sync(services, slices)
    print(f"re-sync, nothing changed:         {(time.perf_counter() - t0) * 1000:8.1f} ms")

    services, slices = list(services), list(slices)
    rv = [9_000_000]

    def timed(label: str, edit) -> None:
        """Apply five single-object edits, one sync each, and print the timings."""
        times = []
        for n in range(5):
            edit(n)
            t0 = time.perf_counter()
            proxier.sync(services, slices)
            times.append((time.perf_counter() - t0) * 1000)
        print(f"re-sync, {label:<25} median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms")

    def edit_slice(n: int) -> None:
        # A pod replaced: new endpoint IP, new object, new resourceVersion.
        index = 4000 + 37 * n
        changed = copy.deepcopy(slices[index])
        rv[0] += 1
        changed["metadata"]["resourceVersion"] = str(rv[0])
        changed["endpoints"][0]["addresses"] = [f"10.244.7.{200 + n}"]
        slices[index] = changed

    def edit_service(n: int) -> None:
        # A Service gains an external IP.
        index = 1000 + 37 * n
        changed = copy.deepcopy(services[index])
        rv[0] += 1
        changed["metadata"]["resourceVersion"] = str(rv[0])
        changed["spec"]["externalIPs"] = [f"192.0.2.{10 + n}"]
        services[index] = changed

    def delete_service(n: int) -> None:
        del services[700 + n]

    timed("one EndpointSlice edit:", edit_slice)
    timed("one Service edit:", edit_service)
    timed("one Service deleted:", delete_service)
    text = proxier.render()
    assert "10.244.7.204:8080" in text and "-d 192.0.2.14/32" in text
    del text

    t0 = time.perf_counter()
    text4 = render_ipvs(nodes[0], {**CONFIG, "mode": "ipvs"}, services, slices)
    print(f"ipvsadm -Ln render, one node:     {time.perf_counter() - t0:8.3f} s  ({text4.count(chr(10))} lines)")

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident memory (ru_maxrss): {rss / 1024:8.1f} MB")


if __name__ == "__main__":
    main()
