"""The objects kubectl create deployment, create service and expose build, field for field."""

from __future__ import annotations

import json
import random
import re

from ...engine.apiserver import random_suffix

# Keys are inserted in Go struct order: `-o json` prints typed objects in that order, while
# `-o yaml` sorts keys (sigs.k8s.io/yaml goes through a map).

def _meta(name: str, namespace: str, labels: dict | None) -> dict:
    md: dict = {"name": name}
    if namespace:
        md["namespace"] = namespace
    md["creationTimestamp"] = None
    if labels:
        md["labels"] = labels
    return md


def container_name(image: str) -> str:
    """The container name create deployment derives from an image (``nginx:1.27`` -> ``nginx``)."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        # Upstream appends utilrand.String(5); seed from the image so the sandbox stays deterministic.
        name = name.replace("_", "-").replace(".", "-") + "-" + random_suffix(random.Random(image))
    return name


def deployment(name: str, images: list[str], replicas: int, port: int, command: list[str],
               namespace: str = "") -> dict:
    """What ``kubectl create deployment`` sends (v1.32's createDeployment)."""
    labels = {"app": name}
    containers = []
    for image in images:
        c: dict = {"name": container_name(image), "image": image}
        if command:
            c["command"] = list(command)
        containers.append(c)
    if port >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": port}]
    for c in containers:
        c["resources"] = {}
    return {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": _meta(name, namespace, dict(labels)),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                         "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    }


def parse_tcp(spec: str) -> tuple[int, int | str] | str:
    """One --tcp value, ``port[:targetPort]``, or the error kubectl prints (without "error: ")."""
    parts = spec.split(":")
    head = parts[0]
    # utilsnet.ParsePort(s, allowZero=true) is strconv.ParseUint(s, 10, 16).
    if not head.isdigit() or not head.isascii():
        return f'strconv.ParseUint: parsing "{head}": invalid syntax'
    port = int(head)
    if port > 65535:
        return f'strconv.ParseUint: parsing "{head}": value out of range'
    if len(parts) == 1:
        return port, port
    target = parts[1]
    # strconv.Atoi: base 10 with an optional sign.
    number = int(target) if re.fullmatch(r"[+-]?[0-9]+", target) else None
    if number is not None:
        if not 1 <= number <= 65535:
            return "must be between 1 and 65535, inclusive"
        return port, number
    problem = port_name_problems(target)
    if problem:
        return problem
    return port, target


def port_name_problems(name: str) -> str:
    """validation.IsValidPortName's messages, joined with commas (empty when valid)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return ",".join(errs)


def service(name: str, svc_type: str, tcp: list[tuple[str, int, int | str]], node_port: int = 0,
            cluster_ip: str = "", namespace: str = "") -> dict:
    """What ``kubectl create service <type>`` sends.

    Args:
        tcp: (the --tcp text, port, targetPort) per port.
    """
    ports = []
    for text, port, target in tcp:
        entry: dict = {"name": text.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    # Empty slices are omitted (omitempty), as for a headless Service without --tcp.
    spec: dict = {"ports": ports} if ports else {}
    spec["selector"] = {"app": name}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    spec["type"] = svc_type
    return {"kind": "Service", "apiVersion": "v1", "metadata": _meta(name, namespace, {"app": name}),
            "spec": spec, "status": {"loadBalancer": {}}}


def parse_labels(text: str) -> dict[str, str] | str:
    """expose's parseLabels: ``k=v,k2=v2`` to a map, or its error."""
    if not text:
        return "no label spec passed"
    out: dict[str, str] = {}
    for item in text.split(","):
        parts = item.split("=")
        if len(parts) != 2:
            return f"unexpected label spec: {item}"
        if not parts[0]:
            return "unexpected empty label key"
        out[parts[0]] = parts[1]
    return out


def exposed_service(name: str, selector: dict[str, str], ports: list[str], protocols: dict[str, list[str]],
                    *, labels: dict[str, str] | None, protocol: str = "", target_port: str = "",
                    svc_type: str = "", external_ip: str = "", session_affinity: str = "",
                    cluster_ip: str = "", namespace: str = "") -> dict | str:
    """What ``kubectl expose`` sends (v1.32's createService), or its error.

    Args:
        ports: the port numbers as text (from --port or the exposed object).
        protocols: the exposed object's protocols per port number text.
    """
    out_ports: list[dict] = []
    for i, text in enumerate(ports):
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            return f'strconv.Atoi: parsing "{text}": invalid syntax'
        port = int(text)
        port_name = f"port-{i + 1}" if len(ports) > 1 else ""
        proto = protocol
        if not proto:
            found = protocols.get(text, [])
            if len(found) > 1:
                out_ports += [{"name": f"port-{i + 1}-{p.lower()}", "protocol": p, "port": port} for p in found]
                continue
            proto = found[0] if found else "TCP"
        entry: dict = {"name": port_name} if port_name else {}
        entry.update(protocol=proto, port=port)
        out_ports.append(entry)
    for entry in out_ports:
        if target_port:
            entry["targetPort"] = int(target_port) if target_port.isdigit() else target_port
        else:
            entry["targetPort"] = entry["port"]
    spec: dict = {"ports": out_ports, "selector": selector}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    if svc_type:
        spec["type"] = svc_type
    if external_ip:
        spec["externalIPs"] = [external_ip]
    if session_affinity:
        if session_affinity not in ("None", "ClientIP"):
            return f"unknown session affinity: {session_affinity}"
        spec["sessionAffinity"] = session_affinity
    return {"kind": "Service", "apiVersion": "v1", "metadata": _meta(name, namespace, labels),
            "spec": spec, "status": {"loadBalancer": {}}}


def typed_json(obj: dict) -> str:
    """A typed object as kubectl's JSON printer writes it: struct order, 4-space indent, HTML-safe."""
    text = json.dumps(obj, indent=4, ensure_ascii=False)
    # encoding/json escapes these three everywhere; they can only occur inside strings here.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
