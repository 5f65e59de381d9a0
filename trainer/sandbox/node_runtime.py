"""The container runtime on a node as crictl v1.32 shows it, with the kube-apiserver static Pod's restarts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..engine.objects import Clock, name_of, namespace_of, parse_time
from .node_manifest import KUBERNETES_VERSION
from .session import Result, Session

# Control plane static Pods and their images (kubeadm v1.32 defaults).
_STATIC = (("etcd", "registry.k8s.io/etcd:3.5.16-0"),
           ("kube-apiserver", f"registry.k8s.io/kube-apiserver:{KUBERNETES_VERSION}"),
           ("kube-controller-manager", f"registry.k8s.io/kube-controller-manager:{KUBERNETES_VERSION}"),
           ("kube-scheduler", f"registry.k8s.io/kube-scheduler:{KUBERNETES_VERSION}"))
# The cluster came up an hour before the simulation's clock starts.
_BOOT = Clock.START - 3600


@dataclass
class Container:
    """One container as the CRI reports it."""

    id: str
    image: str
    created: float
    state: str  # Running, Exited
    name: str
    attempt: int
    pod_id: str
    pod: str
    namespace: str
    log: str = ""


def _id(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


class ApiserverPod:
    """The kubelet's record of the kube-apiserver static Pod.

    A static Pod's UID comes from its manifest, so an edited manifest gives a new Pod (new
    POD ID, ATTEMPT 0). A container that exits is restarted with the kubelet's crash
    back-off (10 s, doubling, at most 5 min), which is what ATTEMPT counts.
    """

    def __init__(self) -> None:
        self.version = "initial"
        self.started = _BOOT
        self.running = True
        self.removed = False
        self.log = ""

    def restarted(self, now: float, running: bool, log: str, version: str) -> None:
        """The kubelet started the Pod of a changed manifest."""
        self.version, self.started, self.running, self.removed, self.log = version, now, running, False, log

    def stopped(self) -> None:
        """The manifest is gone or unreadable: the kubelet killed the Pod and removed it."""
        self.removed = True

    def current(self, node: str, now: float) -> Container | None:
        """The newest kube-apiserver container, or None while there is no Pod."""
        if self.removed:
            return None
        attempt, created = 0, self.started
        if not self.running:
            delay, at = 10.0, self.started
            while at + delay <= now:
                at += delay
                attempt += 1
                delay = min(delay * 2, 300.0)
            created = at
        pod_id = _id(f"pod/kube-system/kube-apiserver-{node}/{self.version}")
        cid = _id(f"container/{pod_id}/{attempt}")
        return Container(cid, _image_id(_STATIC[1][1]), created, "Running" if self.running else "Exited",
                         "kube-apiserver", attempt, pod_id, f"kube-apiserver-{node}", "kube-system", self.log)


def apiserver_pod(session: Session) -> ApiserverPod:
    """This session's record of the kube-apiserver static Pod (created on first use)."""
    pod = session.__dict__.get("apiserver_pod")
    if pod is None:
        pod = session.__dict__["apiserver_pod"] = ApiserverPod()
        if not session.cluster.api.up:
            pod.running, pod.log = False, session.cluster.api.crash_log
    return pod


def _image_id(image: str) -> str:
    return "sha256:" + _id("image/" + image)


def _startup_log(node_ip: str) -> str:
    return ("I0101 00:00:00.000000       1 options.go:238] external host was not specified, "
            f"using {node_ip}\n"
            f"I0101 00:00:00.000000       1 server.go:143] Version: {KUBERNETES_VERSION}\n")


def containers(session: Session, node: str) -> list[Container]:
    """Every container on the node, newest first (as crictl sorts them)."""
    api = session.cluster.api
    node_obj = api.peek("Node", node, "")
    out: list[Container] = []
    labels = (node_obj or {}).get("metadata", {}).get("labels") or {}
    if "node-role.kubernetes.io/control-plane" in labels:
        apiserver = apiserver_pod(session)
        for name, image in _STATIC:
            if name == "kube-apiserver":
                current = apiserver.current(node, session.cluster.clock.now)
                if current is not None:
                    if not current.log:
                        current.log = _startup_log(session.cluster.net.node_addresses(node_obj)[0])
                    out.append(current)
                continue
            pod = f"{name}-{node}"
            out.append(Container(_id(f"container/{name}/{node}"), _image_id(image), _BOOT, "Running", name, 0,
                                 _id(f"pod/kube-system/{pod}"), pod, "kube-system"))
    proxy_pod = "kube-proxy-" + _id("kube-proxy/" + node)[:5].translate(str.maketrans("0123456789abcdef",
                                                                                      "bcdfghjklmnpqrst"))
    out.append(Container(_id(f"container/kube-proxy/{node}"), _image_id(f"registry.k8s.io/kube-proxy:"
                                                                        f"{KUBERNETES_VERSION}"),
                         _BOOT + 30, "Running", "kube-proxy", 0, _id(f"pod/kube-system/{proxy_pod}"), proxy_pod,
                         "kube-system"))
    for pod in api.iter("Pod"):
        if pod["spec"].get("nodeName") != node or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        created = parse_time(pod["metadata"].get("creationTimestamp") or "") or _BOOT
        uid = pod["metadata"].get("uid") or name_of(pod)
        for container in pod["spec"].get("containers") or []:
            image = container.get("image", "")
            out.append(Container(_id(f"container/{uid}/{container.get('name')}"), _image_id(image), created,
                                 "Running", container.get("name", ""), 0, _id(f"pod/{uid}"), name_of(pod),
                                 namespace_of(pod)))
    out.sort(key=lambda c: -c.created)
    return out


def human_duration(seconds: float) -> str:
    """docker/go-units HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def tabwriter(rows: list[list[str]], minwidth: int = 20, padding: int = 3) -> str:
    """Go's text/tabwriter with (minwidth, tabwidth 1, padding, ' ', 0): every column but the last padded."""
    widths = [max(minwidth, max(len(r[i]) for r in rows) + padding) for i in range(len(rows[0]) - 1)]
    return "".join("".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + row[-1] + "\n"
                   for row in rows)


def crictl_main(session: Session, argv: list[str], stdin: str = "") -> Result:
    """crictl ps [-a] [-q] [--name NAME] | crictl logs [--tail N] ID."""
    node = session.host or ""
    args = argv[1:]
    if not args:
        return Result("NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command "
                      "[command options]\n", "", 0)
    verb, rest = args[0], args[1:]
    if verb == "ps":
        return _ps(session, node, rest)
    if verb == "logs":
        return _logs(session, node, rest)
    return Result("", f'No help topic for \'{verb}\'\n', 3)


def _ps(session: Session, node: str, rest: list[str]) -> Result:
    show_all = quiet = False
    name = None
    i = 0
    while i < len(rest):
        arg = rest[i]
        i += 1
        if arg in ("-a", "--all"):
            show_all = True
        elif arg in ("-q", "--quiet"):
            quiet = True
        elif arg in ("--name", "-name"):
            name = rest[i] if i < len(rest) else ""
            i += 1
        elif arg.startswith("--name="):
            name = arg.split("=", 1)[1]
        elif arg in ("-aq", "-qa"):
            show_all = quiet = True
        else:
            return Result("", f"flag provided but not defined: {arg}\n", 1)
    now = session.cluster.clock.now
    rows = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]]
    ids = []
    for c in containers(session, node):
        if not show_all and c.state != "Running":
            continue
        if name is not None and name not in c.name:
            continue
        ids.append(c.id + "\n")
        rows.append([c.id[:13], c.image.split(":", 1)[1][:13], human_duration(now - c.created) + " ago", c.state,
                     c.name, str(c.attempt), c.pod_id[:13], c.pod, c.namespace])
    if quiet:
        return Result("".join(ids), "", 0)
    return Result(tabwriter(rows), "", 0)


def _logs(session: Session, node: str, rest: list[str]) -> Result:
    ids, skip = [], False
    for arg in rest:
        if skip:
            skip = False
        elif arg in ("--tail", "--since", "--until"):
            skip = True  # these take a value
        elif not arg.startswith("-"):
            ids.append(arg)
    if not ids:
        return Result("", "FATA[0000] ID cannot be empty\n", 1)
    wanted = ids[0]
    matches = [c for c in containers(session, node) if c.id.startswith(wanted)]
    if not matches:
        return Result("", "FATA[0000] rpc error: code = NotFound desc = an error occurred when try to find "
                          f'container "{wanted}": not found\n', 1)
    container = matches[0]
    if container.name == "kube-apiserver" and container.state == "Exited":
        line = container.log.rstrip("\n")
        return Result("", line + "\n" if line else "", 0)
    return Result("", container.log, 0)


__all__ = ["ApiserverPod", "Container", "apiserver_pod", "containers", "crictl_main", "human_duration", "tabwriter"]
