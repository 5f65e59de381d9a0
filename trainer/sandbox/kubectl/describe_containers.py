"""Containers, volumes and pod templates, shared by the Pod, Deployment and ReplicaSet describers."""

from __future__ import annotations

import json
from typing import Callable

from .describe_quantity import canonical, qty
from .describe_text import (Writer, annotations_multiline, go_value, labels_multiline, rfc1123z,
                            selector_string, tolerations_multiline)
from .describe_volumes import describe_volumes

#: Resolves a fieldRef env var to its value in a Pod (None in templates, where nothing resolves).
Resolver = Callable[[dict], str] | None


def describe_containers(w: Writer, label: str, containers: list, statuses: list | None,
                        resolver: Resolver, space: str) -> None:
    """describeContainers: one block per container, with its status when the Pod has one."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container.get("name"))
        _basic_info(w, container, status, space)
        _command(w, container)
        if status is not None:
            _state(w, "State", status.get("state") or {})
            if (status.get("lastState") or {}).get("terminated"):
                _state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{int(status.get('restartCount') or 0)}\n")
        describe_resources(w, container.get("resources") or {}, 2)
        for key, title in (("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")):
            if container.get(key):
                w.write(2, f"{title}:\t{probe_string(container[key])}\n")
        if container.get("envFrom"):
            _env_from(w, container["envFrom"])
        _env(w, container, resolver)
        _mounts(w, container)


def _basic_info(w: Writer, container: dict, status: dict | None, space: str) -> None:
    w.write(1, f"{' ' if space else ''}{container.get('name', '')}:\n")
    if status is not None:
        w.write(2, f"Container ID:\t{status.get('containerID') or ''}\n")
    w.write(2, f"Image:\t{container.get('image') or ''}\n")
    if status is not None:
        w.write(2, f"Image ID:\t{status.get('imageID') or ''}\n")
    ports = container.get("ports") or []
    for key, one, many in (("containerPort", "Port", "Ports"), ("hostPort", "Host Port", "Host Ports")):
        text = ", ".join(f"{int(p.get(key) or 0)}/{p.get('protocol') or ''}" for p in ports)
        w.write(2, f"{many}:\t{text}\n" if "," in text else f"{one}:\t{text or '<none>'}\n")
    seccomp = (container.get("securityContext") or {}).get("seccompProfile")
    if seccomp:
        w.write(2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")


def _command(w: Writer, container: dict) -> None:
    for key, title in (("command", "Command"), ("args", "Args")):
        if container.get(key):
            w.write(2, f"{title}:\n")
            for item in container[key]:
                for part in str(item).split("\n"):
                    w.write(3, part + "\n")


def _state(w: Writer, title: str, state: dict) -> None:
    """describeStatus."""
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z((state['running'] or {}).get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        if (state["waiting"] or {}).get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"] or {}
        w.write(2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w.write(3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(3, f"Message:\t{term['message']}\n")
        w.write(3, f"Exit Code:\t{int(term.get('exitCode') or 0)}\n")
        if int(term.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{int(term['signal'])}\n")
        w.write(3, f"Started:\t{rfc1123z(term.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{rfc1123z(term.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def describe_resources(w: Writer, resources: dict, level: int) -> None:
    """describeResources: Limits then Requests, names sorted, quantities canonical."""
    for key, title in (("limits", "Limits"), ("requests", "Requests")):
        values = resources.get(key) or {}
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{canonical(qty(values[name]))}\n")


def probe_string(probe: dict) -> str:
    """DescribeProbe."""
    attrs = (f"delay={int(probe.get('initialDelaySeconds') or 0)}s timeout={int(probe.get('timeoutSeconds') or 0)}s "
             f"period={int(probe.get('periodSeconds') or 0)}s #success={int(probe.get('successThreshold') or 0)} "
             f"#failure={int(probe.get('failureThreshold') or 0)}")
    if probe.get("exec") is not None:
        return f"exec [{' '.join(str(c) for c in (probe['exec'] or {}).get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        return f"http-get {_url(probe['httpGet'] or {})} {attrs}"
    if probe.get("tcpSocket") is not None:
        sock = probe["tcpSocket"] or {}
        return f"tcp-socket {sock.get('host') or ''}:{go_value(sock.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"] or {}
        return f"grpc <pod>:{int(grpc.get('port') or 0)} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _url(get: dict) -> str:
    """The probe's URL as Go's url.URL{Scheme, Host, Path}.String() spells it."""
    host, port = str(get.get("host") or ""), go_value(get.get("port"))
    if port:
        host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    scheme, path = str(get.get("scheme") or "").lower(), str(get.get("path") or "")
    text = f"{scheme}:" if scheme else ""
    if scheme or host:
        text += "//" if host or path else ""
        text += host
    if path and not path.startswith("/") and host:
        text += "/"
    return text + path


def _env_from(w: Writer, sources: list) -> None:
    w.write(2, "Environment Variables from:\n")
    for src in sources:
        ref, kind = (src.get("configMapRef"), "ConfigMap") if src.get("configMapRef") is not None \
            else (src.get("secretRef"), "Secret") if src.get("secretRef") is not None else ({}, "")
        ref = ref or {}
        optional = "true" if ref.get("optional") else "false"
        prefix = f" with prefix '{src['prefix']}'" if src.get("prefix") else ""
        w.write(3, f"{ref.get('name', '')}\t{kind}{prefix}\tOptional: {optional}\n")


def _env(w: Writer, container: dict, resolver: Resolver) -> None:
    env = container.get("env") or []
    w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for var in env:
        name, source = var.get("name", ""), var.get("valueFrom")
        if not source:
            for i, part in enumerate(str(var.get("value") or "").split("\n")):
                w.write(3, f"{name}:\t{part}\n" if i == 0 else f"\t{part}\n")
        elif source.get("fieldRef"):
            ref = source["fieldRef"]
            value = resolver(ref) if resolver is not None else ""
            w.write(3, f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n")
        elif source.get("resourceFieldRef"):
            ref = source["resourceFieldRef"]
            w.write(3, f"{name}:\t{_resource_value(container, ref)} ({ref.get('resource', '')})\n")
        elif source.get("secretKeyRef"):
            ref = source["secretKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>\t"
                       f"Optional: {'true' if ref.get('optional') else 'false'}\n")
        elif source.get("configMapKeyRef"):
            ref = source["configMapKeyRef"]
            w.write(3, f"{name}:\t<set to the key '{ref.get('key', '')}' of config map '{ref.get('name', '')}'>\t"
                       f"Optional: {'true' if ref.get('optional') else 'false'}\n")


def _resource_value(container: dict, ref: dict) -> str:
    """ExtractContainerResourceValue (rounded up by the divisor), and kubectl's wording for a
    limit the container leaves to the node."""
    resource = str(ref.get("resource") or "")
    section, _, name = resource.partition(".")
    amount = qty(((container.get("resources") or {}).get(section) or {}).get(name)).value
    divisor = qty(ref.get("divisor")).value or 1
    value = str(-(-amount / divisor // 1))
    if value == "0" and resource in ("limits.cpu", "limits.memory"):
        return "node allocatable"
    return value


def _mounts(w: Writer, container: dict) -> None:
    mounts = sorted(container.get("volumeMounts") or [], key=lambda m: str(m.get("mountPath", "")))
    w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
    for mount in mounts:
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f"path={json.dumps(str(mount['subPath']))}")
        w.write(3, f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n")
    devices = sorted(container.get("volumeDevices") or [], key=lambda d: str(d.get("devicePath", "")))
    if devices:
        w.write(2, "Devices:\n")
        for dev in devices:
            w.write(3, f"{dev.get('devicePath', '')} from {dev.get('name', '')}\n")


def topology_spread(w: Writer, constraints: list | None, space: str) -> None:
    """describeTopologySpreadConstraints, sorted by topology key."""
    for i, tsc in enumerate(sorted(constraints or [], key=lambda c: str(c.get("topologyKey", "")))):
        w.write(0, f"{space}Topology Spread Constraints:\t" if i == 0 else f"{space}\t")
        text = (f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')} "
                f"when max skew {int(tsc.get('maxSkew') or 0)} is exceeded")
        if tsc.get("labelSelector") is not None:
            text += f" for selector {selector_string(tsc['labelSelector']) or '<none>'}"
        w.write(0, text + "\n")


def describe_pod_template(w: Writer, template: dict | None) -> None:
    """DescribePodTemplate, as Deployments and ReplicaSets show their template."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    describe_containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    describe_volumes(w, spec.get("volumes") or [], "  ")
    topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))
