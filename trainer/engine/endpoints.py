"""The EndpointSlice and Endpoints controllers: which Pods back each Service, on which ports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .labels import from_match_labels
from .objects import condition, copy, is_terminating, labels_of, name_of, namespace_of

if TYPE_CHECKING:
    from .apiserver import ApiServer

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
SLICE_CONTROLLER = "endpointslice-controller.k8s.io"
MIRROR_CONTROLLER = "endpointslicemirroring-controller.k8s.io"
MAX_ENDPOINTS_PER_SLICE = 100


def find_port(pod: dict, svc_port: dict) -> int | None:
    """Resolve a Service port's targetPort for one Pod (podutil.FindPort)."""
    target = svc_port.get("targetPort", svc_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = svc_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target and cport.get("protocol", "TCP") == protocol:
                return cport.get("containerPort")
    return None


PodIndex = dict[tuple[str, str, str], list[dict]]


def _pod_index(api: "ApiServer") -> PodIndex:
    """Pods that can be endpoints (have an IP, not finished), by (namespace, label key, value)."""
    index: PodIndex = {}
    for pod in api.iter("Pod"):
        status = pod.get("status") or {}
        if not status.get("podIP") or status.get("phase") in ("Succeeded", "Failed"):
            continue
        ns = namespace_of(pod)
        for key, value in labels_of(pod).items():
            index.setdefault((ns, key, value), []).append(pod)
    return index


def _wanted_pods(svc: dict, index: PodIndex) -> list[dict]:
    selector = svc["spec"].get("selector") or {}
    ns = namespace_of(svc)
    # Start from the rarest label of the selector, then check the rest.
    candidates = min((index.get((ns, k, str(v)), []) for k, v in selector.items()), key=len)
    match = from_match_labels(selector)
    return [pod for pod in candidates if match.matches(labels_of(pod))]


def _endpoint(api: "ApiServer", pod: dict, publish_not_ready: bool) -> dict:
    # As upstream: serving follows the Pod's readiness (or publishNotReadyAddresses); ready is
    # never true for a terminating Pod unless publishNotReadyAddresses says to publish it.
    serving = publish_not_ready or condition(pod, "Ready") == "True"
    terminating = is_terminating(pod)
    ep = {
        "addresses": [pod["status"]["podIP"]],
        "conditions": {"ready": publish_not_ready or (serving and not terminating), "serving": serving,
                       "terminating": terminating},
        "nodeName": pod["spec"].get("nodeName"),
        "targetRef": {"kind": "Pod", "name": name_of(pod), "namespace": namespace_of(pod),
                      "uid": pod["metadata"].get("uid", "")},
    }
    node = api.peek("Node", pod["spec"].get("nodeName") or "", "")
    zone = labels_of(node).get("topology.kubernetes.io/zone") if node else None
    if zone:
        ep["zone"] = zone
    if not ep["nodeName"]:
        del ep["nodeName"]
    return ep


def _desired_slices(api: "ApiServer", svc: dict, index: PodIndex) -> list[tuple[list[dict], list[dict]]]:
    """(ports, endpoints) per slice: Pods are grouped by how the Service's ports resolve on them."""
    publish = bool(svc["spec"].get("publishNotReadyAddresses"))
    groups: dict[tuple, tuple[list[dict], list[dict]]] = {}
    for pod in _wanted_pods(svc, index):
        ports = []
        for sp in svc["spec"].get("ports") or []:
            number = find_port(pod, sp)
            if number is None:
                continue
            ports.append({"name": sp.get("name", ""), "port": number, "protocol": sp.get("protocol", "TCP")})
        key = tuple((p["name"], p["port"], p["protocol"]) for p in ports)
        groups.setdefault(key, (ports, []))[1].append(_endpoint(api, pod, publish))
    out = []
    for ports, eps in groups.values():
        for i in range(0, len(eps), MAX_ENDPOINTS_PER_SLICE):
            out.append((ports, eps[i : i + MAX_ENDPOINTS_PER_SLICE]))
    return out


def sync_endpoints(api: "ApiServer") -> None:
    """Bring every selector Service's EndpointSlices and Endpoints in line with its Pods."""
    from .apiserver import random_suffix

    index = _pod_index(api)
    slices_by_svc: dict[tuple[str, str], list[dict]] = {}
    for es in api.iter("EndpointSlice"):
        svc_name = labels_of(es).get(SERVICE_NAME_LABEL)
        if svc_name:
            slices_by_svc.setdefault((namespace_of(es), svc_name), []).append(es)

    for svc in list(api.iter("Service")):
        ns, name = namespace_of(svc), name_of(svc)
        if not svc["spec"].get("selector") or svc["spec"].get("type") == "ExternalName":
            _mirror(api, svc, slices_by_svc.get((ns, name), []))
            continue
        existing = [es for es in slices_by_svc.get((ns, name), [])
                    if labels_of(es).get(MANAGED_BY_LABEL) == SLICE_CONTROLLER]
        # A Service with no Pods still gets one empty placeholder slice.
        desired = _desired_slices(api, svc, index) or [(None, None)]
        for i, (ports, eps) in enumerate(desired):
            if i < len(existing):
                es = existing[i]
                if es.get("ports") != ports or es.get("endpoints") != eps:
                    es["ports"], es["endpoints"] = ports, eps
                    api.write_status(es)
                continue
            labels = {k: v for k, v in labels_of(svc).items()}
            labels.update({SERVICE_NAME_LABEL: name, MANAGED_BY_LABEL: SLICE_CONTROLLER})
            api.create({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": f"{name}-{random_suffix(api.rng)}", "namespace": ns, "labels": labels,
                             "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": name,
                                                  "uid": svc["metadata"]["uid"], "controller": True,
                                                  "blockOwnerDeletion": True}]},
                "addressType": "IPv4", "endpoints": eps, "ports": ports,
            }, decoded=True)
        for es in existing[len(desired):]:
            api.remove("EndpointSlice", (ns, name_of(es)))
        _sync_v1_endpoints(api, svc, desired)

    # Slices and Endpoints of deleted Services go with them.
    live = {(namespace_of(s), name_of(s)) for s in api.iter("Service")}
    for (ns, svc_name), slices in slices_by_svc.items():
        if (ns, svc_name) not in live:
            for es in slices:
                if labels_of(es).get(MANAGED_BY_LABEL) in (SLICE_CONTROLLER, MIRROR_CONTROLLER):
                    api.remove("EndpointSlice", (ns, name_of(es)))
    for ep in list(api.iter("Endpoints")):
        key = (namespace_of(ep), name_of(ep))
        if key not in live and (ep["metadata"].get("labels") or {}).get("endpoints.kubernetes.io/managed-by"):
            api.remove("Endpoints", key)


def _sync_v1_endpoints(api: "ApiServer", svc: dict, desired: list) -> None:
    """The legacy Endpoints object: ready addresses, notReadyAddresses; terminating Pods left out."""
    subsets = []
    for ports, eps in desired:
        if ports is None:
            continue
        ready = [_address(e) for e in eps if e["conditions"]["ready"]]
        not_ready = [_address(e) for e in eps if not e["conditions"]["ready"] and not e["conditions"]["terminating"]]
        if not ready and not not_ready:
            continue
        subset: dict = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        subset["ports"] = [{k: v for k, v in p.items() if v != ""} for p in ports]
        subsets.append(subset)
    ns, name = namespace_of(svc), name_of(svc)
    current = api.peek("Endpoints", name, ns)
    labels = dict(labels_of(svc))
    labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
    if current is None:
        obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns, "labels": labels}}
        if subsets:
            obj["subsets"] = subsets
        api.create(obj, decoded=True)
    elif current.get("subsets", []) != subsets:
        if subsets:
            current["subsets"] = subsets
        else:
            current.pop("subsets", None)
        api.write_status(current)


def _address(ep: dict) -> dict:
    out = {"ip": ep["addresses"][0]}
    if ep.get("nodeName"):
        out["nodeName"] = ep["nodeName"]
    out["targetRef"] = dict(ep["targetRef"])
    return out


def _mirror(api: "ApiServer", svc: dict, slices: list[dict]) -> None:
    """Mirror a selector-less Service's user Endpoints into EndpointSlices, as upstream does.

    One slice per Endpoints subset (each has its own ports); a mirrored slice goes away with
    the Endpoints it mirrors. Endpoints labelled skip-mirror, and the default/kubernetes
    ones, are not mirrored.
    """
    from .apiserver import random_suffix

    ns, name = namespace_of(svc), name_of(svc)
    mirrored = [s for s in slices if labels_of(s).get(MANAGED_BY_LABEL) == MIRROR_CONTROLLER]
    if any(labels_of(s).get(MANAGED_BY_LABEL) != MIRROR_CONTROLLER for s in slices):
        return  # the user provides their own slices
    ep = api.peek("Endpoints", name, ns)
    skip = ep is None or (ns == "default" and name == "kubernetes") or \
        labels_of(ep).get("endpointslice.kubernetes.io/skip-mirror") == "true" or \
        labels_of(ep).get("endpoints.kubernetes.io/managed-by")
    desired: list[tuple[list[dict], list[dict]]] = []
    if not skip:
        for subset in ep.get("subsets") or []:
            ports = [{"name": p.get("name", ""), "port": p.get("port"), "protocol": p.get("protocol", "TCP")}
                     for p in subset.get("ports") or []]
            eps = []
            for addr, ready in [(a, True) for a in subset.get("addresses") or []] + \
                               [(a, False) for a in subset.get("notReadyAddresses") or []]:
                item = {"addresses": [addr.get("ip")], "conditions": {"ready": ready}}
                if addr.get("nodeName"):
                    item["nodeName"] = addr["nodeName"]
                eps.append(item)
            desired.append((ports, eps))
    for i, (ports, eps) in enumerate(desired):
        if i < len(mirrored):
            es = mirrored[i]
            if es.get("endpoints") != eps or es.get("ports") != ports:
                es["endpoints"], es["ports"] = eps, ports
                api.write_status(es)
            continue
        api.create({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{name}-{random_suffix(api.rng)}", "namespace": ns,
                         "labels": {SERVICE_NAME_LABEL: name, MANAGED_BY_LABEL: MIRROR_CONTROLLER}},
            "addressType": "IPv4", "endpoints": copy(eps), "ports": ports,
        }, decoded=True)
    for es in mirrored[len(desired):]:
        api.remove("EndpointSlice", (ns, name_of(es)))
