"""Builders shared by the kube-proxy renderer tests, plus checks of the builders themselves."""

from __future__ import annotations

from typing import Any

from trainer.engine.proxy import NodeFacts

POD_CIDR = "10.244.0.0/16"
KUBEADM_CONFIG = {
    "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
    "kind": "KubeProxyConfiguration",
    "mode": "iptables",
    "clusterCIDR": POD_CIDR,
    "detectLocalMode": "ClusterCIDR",
    "nodePortAddresses": [],
    "iptables": {"localhostNodePorts": True, "masqueradeAll": False, "masqueradeBit": 14},
}

_rv = [100]


def _next_rv() -> str:
    _rv[0] += 1
    return str(_rv[0])


def port(name: str | None, number: int, protocol: str = "TCP", node_port: int | None = None, target: Any = None) -> dict:
    """A Service port."""
    out: dict[str, Any] = {"port": number, "protocol": protocol}
    if name is not None:
        out["name"] = name
    if node_port is not None:
        out["nodePort"] = node_port
    out["targetPort"] = target if target is not None else number
    return out


def service(namespace: str, name: str, cluster_ip: str, ports: list[dict], svc_type: str = "ClusterIP",
            status: dict | None = None, rv: bool = True, **spec: Any) -> dict:
    """A defaulted Service dict, as the API server would return it."""
    body: dict[str, Any] = {
        "type": svc_type,
        "clusterIP": cluster_ip,
        "clusterIPs": [cluster_ip] if cluster_ip not in ("None", "") else [cluster_ip],
        "ports": ports,
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
    }
    if cluster_ip not in ("None", ""):
        body["ipFamilies"] = ["IPv6" if ":" in cluster_ip else "IPv4"]
    if svc_type in ("NodePort", "LoadBalancer"):
        body["externalTrafficPolicy"] = "Cluster"
    body.update(spec)
    meta: dict[str, Any] = {"namespace": namespace, "name": name, "uid": f"uid-{namespace}-{name}"}
    if rv:
        meta["resourceVersion"] = _next_rv()
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": body, "status": status or {"loadBalancer": {}}}


def ep(ip: str, node: str | None = None, ready: bool | None = None, serving: bool | None = None,
       terminating: bool | None = None, zones: list[str] | None = None) -> dict:
    """One EndpointSlice endpoint; conditions left out stay nil, as in upstream's tests."""
    out: dict[str, Any] = {"addresses": [ip], "conditions": {}}
    for key, value in (("ready", ready), ("serving", serving), ("terminating", terminating)):
        if value is not None:
            out["conditions"][key] = value
    if node is not None:
        out["nodeName"] = node
    if zones is not None:
        out["hints"] = {"forZones": [{"name": z} for z in zones]}
    return out


def endpoint_slice(namespace: str, svc: str, endpoints: list[dict], ports: list[tuple[str | None, int, str]],
                   name: str | None = None, address_type: str = "IPv4", rv: bool = True) -> dict:
    """An EndpointSlice owned by Service ``svc``; ports are (name, port, protocol)."""
    slice_ports = []
    for port_name, number, protocol in ports:
        entry: dict[str, Any] = {"port": number, "protocol": protocol}
        if port_name is not None:
            entry["name"] = port_name
        slice_ports.append(entry)
    meta: dict[str, Any] = {
        "namespace": namespace,
        "name": name or f"{svc}-1",
        "labels": {"kubernetes.io/service-name": svc},
    }
    if rv:
        meta["resourceVersion"] = _next_rv()
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": meta,
        "addressType": address_type,
        "endpoints": endpoints,
        "ports": slice_ports,
    }


def tables(text: str) -> dict[str, list[str]]:
    """iptables-save text split per table, comment lines dropped, COMMIT kept."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("*"):
            current = line[1:]
            out[current] = []
        assert current is not None, line
        out[current].append(line)
    return out


def rules(text: str, table: str, chain: str) -> list[str]:
    """The ``-A <chain>`` lines of one table, in order."""
    return [line for line in tables(text)[table] if line.startswith(f"-A {chain} ")]


def chains(text: str, table: str) -> list[str]:
    """The chain names declared in one table, in order."""
    return [line[1:].split(" ")[0] for line in tables(text)[table] if line.startswith(":")]


def chains_with_prefix(text: str, prefix: str) -> list[str]:
    """nat chains whose name starts with ``prefix``."""
    return [c for c in chains(text, "nat") if c.startswith(prefix)]


# The node of upstream's proxier_test.go NewFakeProxier (no kubelet, fake iptables without
# --random-fully), and its KubeProxyConfiguration (pod CIDR 10.0.0.0/8).
UPSTREAM_NODE = NodeFacts(
    name="test-node",
    internal_ip="192.168.0.2",
    secondary_addresses=("192.168.1.2", "192.168.99.11"),
    kubelet_iptables=False,
    random_fully=False,
)
UPSTREAM_CONFIG = {"clusterCIDR": "10.0.0.0/8"}

# The three nodes of the project's built-in kubeadm fixture.
CONTROLPLANE = NodeFacts(name="controlplane", internal_ip="10.0.0.10", pod_cidrs=("10.244.0.0/24",))
NODE01 = NodeFacts(name="node01", internal_ip="10.0.0.11", pod_cidrs=("10.244.1.0/24",))
NODE02 = NodeFacts(name="node02", internal_ip="10.0.0.12", pod_cidrs=("10.244.2.0/24",))


def kubernetes_service() -> tuple[dict, dict]:
    """default/kubernetes and its EndpointSlice (the API server on the control plane)."""
    svc = service("default", "kubernetes", "10.96.0.1", [port("https", 443, target=6443)])
    eps = endpoint_slice("default", "kubernetes", [ep("10.0.0.10")], [("https", 6443, "TCP")], name="kubernetes")
    return svc, eps


def seed_objects(external_policy: str = "Cluster") -> tuple[list[dict], list[dict]]:
    """The seed: 3 nginx pods of web-frontend over node01/node02 and its NodePort 31000 Service."""
    kube, kube_eps = kubernetes_service()
    web = service(
        "default", "web-frontend", "10.96.112.17", [port(None, 80, node_port=31000, target=80)],
        svc_type="NodePort", externalTrafficPolicy=external_policy, selector={"app": "web-frontend"},
    )
    web_eps = endpoint_slice(
        "default",
        "web-frontend",
        [
            ep("10.244.1.2", "node01", ready=True, serving=True, terminating=False),
            ep("10.244.2.2", "node02", ready=True, serving=True, terminating=False),
            ep("10.244.1.3", "node01", ready=True, serving=True, terminating=False),
        ],
        [("", 80, "TCP")],
        name="web-frontend-x7k2p",
    )
    return [kube, web], [kube_eps, web_eps]


def test_builders_make_api_shaped_objects() -> None:
    svc = service("ns", "s", "10.96.0.5", [port("http", 80, node_port=30001)], svc_type="NodePort")
    assert svc["spec"]["ports"][0] == {"port": 80, "protocol": "TCP", "nodePort": 30001, "targetPort": 80, "name": "http"}
    assert svc["spec"]["externalTrafficPolicy"] == "Cluster"
    eps = endpoint_slice("ns", "s", [ep("10.0.0.1", "n1", ready=False)], [("http", 8080, "TCP")])
    assert eps["metadata"]["labels"] == {"kubernetes.io/service-name": "s"}
    assert eps["endpoints"][0] == {"addresses": ["10.0.0.1"], "conditions": {"ready": False}, "nodeName": "n1"}
    assert int(eps["metadata"]["resourceVersion"]) > int(svc["metadata"]["resourceVersion"])


def test_table_helpers_split_iptables_save_text() -> None:
    text = "# Generated by x\n*nat\n:A - [0:0]\n-A A -j B\n-A AB -j C\nCOMMIT\n*filter\n:X - [0:0]\nCOMMIT\n"
    assert tables(text)["nat"] == ["*nat", ":A - [0:0]", "-A A -j B", "-A AB -j C", "COMMIT"]
    assert rules(text, "nat", "A") == ["-A A -j B"]
    assert chains(text, "filter") == ["X"]
