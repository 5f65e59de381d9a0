"""kubectl get tables: the apiserver's column printers (printers.go) laid out by kubectl's tabwriter."""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Iterable, Mapping

from ...engine.objects import KINDS, parse_time
from .age import age, human_duration

__all__ = [
    "ALL_KINDS",
    "columns",
    "format_label_selector",
    "format_labels",
    "get_all",
    "kind_prefix",
    "no_resources",
    "row",
    "table",
    "tabulate",
]

# --------------------------------------------------------------------------- tabwriter
#
# cli-runtime's GetNewTabWriter: text/tabwriter with minwidth 6, tabwidth 4, padding 3,
# padchar ' ' (and RememberWidths, which only matters across flushes kubectl resets).

_MINWIDTH = 6
_PADDING = 3


def tabulate(rows: Iterable[Iterable[str]]) -> str:
    """Lay out tab-separated rows exactly as Go's text/tabwriter does with kubectl's settings.

    Each row becomes one line whose cells are joined by tabs; every cell but a line's last
    is padded to its column block's width (widest cell + 3, at least 6).
    """
    text = "".join("\t".join(r) + "\n" for r in rows)
    if not text:
        return ""
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = lines[i]
            for j, cell in enumerate(line):
                out.append(cell)
                if j < len(widths):
                    out.append(" " * (widths[j] - len(cell)))
            if i + 1 < len(lines):
                out.append("\n")

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write_lines(line0, this)
            line0 = this
            width = _MINWIDTH
            while this < line1:
                line = lines[this]
                if column >= len(line) - 1:
                    break
                width = max(width, len(line[column]) + _PADDING)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
            this += 1  # Go's for-loop post statement; the line that ended the block is written later.
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "".join(out)


def _cell(value: Any) -> str:
    """How printTable writes one cell: cut at the first line break, terminal escapes defused."""
    text = value if isinstance(value, str) else str(value)
    cut = min((i for i in (text.find("\f"), text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    suffix = ""
    if cut >= 0:
        text, suffix = text[:cut], "..."
    return text.replace("\x1b", "^[").replace("\r", "\\r") + suffix


# --------------------------------------------------------------------------- shared formatters


def format_labels(labels: Mapping[str, Any] | None) -> str:
    """labels.FormatLabels: k=v pairs sorted by key, comma-joined; <none> when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def _selector_string(selector: Any) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String(); None when the selector is invalid."""
    if not selector:
        return ""
    if not isinstance(selector, dict):
        return None
    reqs: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((str(key), f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key = str(expr.get("key") or "")
        op = expr.get("operator")
        values = [str(v) for v in expr.get("values") or []]
        if op in ("In", "NotIn"):
            if not values:
                return None
            word = " in " if op == "In" else " notin "
            reqs.append((key, f"{key}{word}({','.join(sorted(values))})"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                return None
            reqs.append((key, key if op == "Exists" else "!" + key))
        else:
            return None
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: the selector string, <none> when empty, <error> when invalid."""
    text = _selector_string(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def _join_host_port(host: str, port: Any) -> str:
    try:
        if isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address):
            return f"[{host}]:{port}"
    except ValueError:
        if ":" in host:
            return f"[{host}]:{port}"
    return f"{host}:{port}"


def _containers(template_spec: Mapping[str, Any] | None) -> tuple[str, str]:
    """layoutContainerCells: container names and images, each comma-joined."""
    containers = (template_spec or {}).get("containers") or []
    names = ",".join(str(c.get("name") or "") for c in containers)
    images = ",".join(str(c.get("image") or "") for c in containers)
    return names, images


def _time(value: Any) -> float | None:
    return parse_time(str(value)) if value else None


# --------------------------------------------------------------------------- row printers
#
# Each returns (cells, wide_cells) for one object, ported from pkg/printers/internalversion.


def _pod(obj: dict, now: float) -> tuple[list[str], list[str]]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    meta = obj.get("metadata") or {}
    restarts = 0
    restartable_init_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: float | None = None
    last_restartable_init: float | None = None

    phase = str(status.get("phase") or "")
    reason = phase
    if status.get("reason"):
        reason = str(status["reason"])
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = spec.get("initContainers") or []
    init_by_name = {c.get("name"): c for c in init_specs}

    def restartable(container: dict | None) -> bool:
        return bool(container) and container.get("restartPolicy") == "Always"

    for c in init_specs:
        if restartable(c):
            total += 1

    def later(current: float | None, state: dict) -> float | None:
        finished = _time(((state.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
        if (state.get("lastState") or {}).get("terminated") is not None and finished is not None:
            if current is None or current < finished:
                return finished
        return current

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        last_restart = later(last_restart, cs)
        init_spec = init_by_name.get(cs.get("name"))
        if restartable(init_spec):
            restartable_init_restarts += int(cs.get("restartCount") or 0)
            last_restartable_init = later(last_restartable_init, cs)
        state = cs.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if restartable(init_spec) and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}"
            else:
                reason = "Init:" + str(terminated["reason"])
            initializing = True
        elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + str(waiting["reason"])
            initializing = True
        else:
            reason = f"Init:{i}/{len(init_specs)}"
            initializing = True
        break

    initialized = False
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Initialized":
            initialized = cond.get("status") == "True"
            break
    if not initializing or initialized:
        restarts = restartable_init_restarts
        last_restart = last_restartable_init
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last_restart = later(last_restart, cs)
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = str(waiting["reason"])
            elif terminated is not None and terminated.get("reason"):
                reason = str(terminated["reason"])
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                            for c in status.get("conditions") or [])
            reason = "Running" if pod_ready else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_text = f"{restarts} ({_since_epoch(last_restart, now)} ago)"

    cells = [str(meta.get("name") or ""), f"{ready}/{total}", reason, restarts_text, age(obj, now)]
    pod_ips = status.get("podIPs") or []
    pod_ip = str((pod_ips[0] or {}).get("ip") or "") if pod_ips else ""
    gates = spec.get("readinessGates") or []
    readiness = "<none>"
    if gates:
        true_count = 0
        for gate in gates:
            for cond in status.get("conditions") or []:
                if cond.get("type") == gate.get("conditionType"):
                    if cond.get("status") == "True":
                        true_count += 1
                    break
        readiness = f"{true_count}/{len(gates)}"
    wide = [pod_ip or "<none>", str(spec.get("nodeName") or "") or "<none>",
            str(status.get("nominatedNodeName") or "") or "<none>", readiness]
    return cells, wide


def _since_epoch(when: float, now: float) -> str:
    """HumanDuration from an epoch time (used for RESTARTS' "(5m ago)")."""
    return human_duration(now - when)


def _load_balancer_ips(obj: dict, wide: bool) -> str:
    found = set()
    for ing in ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
        if ing.get("ip"):
            found.add(str(ing["ip"]))
        elif ing.get("hostname"):
            found.add(str(ing["hostname"]))
    text = ",".join(sorted(found))
    if not wide and len(text.encode()) > 16:
        # Go slices bytes: r[0:13] + "..."
        text = text.encode()[:13].decode("utf-8", "ignore") + "..."
    return text


def _service_external_ip(obj: dict, wide: bool) -> str:
    spec = obj.get("spec") or {}
    svc_type = spec.get("type")
    external = [str(ip) for ip in spec.get("externalIPs") or []]
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if svc_type == "LoadBalancer":
        lb = _load_balancer_ips(obj, wide)
        if external:
            results = lb.split(",") if lb else []
            return ",".join(results + external)
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return str(spec.get("externalName") or "")
    return "<unknown>"


def _port_string(ports: list) -> str:
    pieces = []
    for port in ports or []:
        number = port.get("port", 0)
        protocol = port.get("protocol") or ""
        node_port = port.get("nodePort") or 0
        if isinstance(node_port, int) and node_port > 0:
            pieces.append(f"{number}:{node_port}/{protocol}")
        else:
            pieces.append(f"{number}/{protocol}")
    return ",".join(pieces)


def _service(obj: dict, now: float, wide: bool) -> tuple[list[str], list[str]]:
    spec = obj.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    internal = str(cluster_ips[0]) if cluster_ips else "<none>"
    ports = _port_string(spec.get("ports") or []) or "<none>"
    cells = [_name(obj), str(spec.get("type") or ""), internal, _service_external_ip(obj, wide), ports, age(obj, now)]
    return cells, [format_labels(spec.get("selector"))]


def _node(obj: dict, now: float) -> tuple[list[str], list[str]]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    ready = None
    for cond in status.get("conditions") or []:
        if cond.get("type") == "Ready":
            ready = cond  # Go keeps the last condition of each type in its map
    states = []
    if ready is not None:
        states.append("Ready" if ready.get("status") == "True" else "NotReady")
    if not states:
        states.append("Unknown")
    if spec.get("unschedulable"):
        states.append("SchedulingDisabled")
    roles = set()
    for key, value in ((obj.get("metadata") or {}).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key[len("node-role.kubernetes.io/"):]
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value != "":
            roles.add(str(value))
    info = status.get("nodeInfo") or {}
    cells = [_name(obj), ",".join(states), ",".join(sorted(roles)) or "<none>", age(obj, now),
             str(info.get("kubeletVersion") or "")]

    def address(kind: str) -> str:
        for addr in status.get("addresses") or []:
            if addr.get("type") == kind:
                return str(addr.get("address") or "")
        return "<none>"

    wide = [address("InternalIP"), address("ExternalIP"), str(info.get("osImage") or "") or "<unknown>",
            str(info.get("kernelVersion") or "") or "<unknown>",
            str(info.get("containerRuntimeVersion") or "") or "<unknown>"]
    return cells, wide


def _deployment(obj: dict, now: float) -> tuple[list[str], list[str]]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    desired = spec.get("replicas", 1)
    selector = _selector_string(spec.get("selector"))
    cells = [_name(obj), f"{int(status.get('readyReplicas') or 0)}/{int(desired or 0)}",
             str(int(status.get("updatedReplicas") or 0)), str(int(status.get("availableReplicas") or 0)),
             age(obj, now)]
    names, images = _containers((spec.get("template") or {}).get("spec"))
    return cells, [names, images, "<invalid>" if selector is None else selector]


def _replicaset(obj: dict, now: float) -> tuple[list[str], list[str]]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    cells = [_name(obj), str(int(spec.get("replicas", 1) or 0)), str(int(status.get("replicas") or 0)),
             str(int(status.get("readyReplicas") or 0)), age(obj, now)]
    names, images = _containers((spec.get("template") or {}).get("spec"))
    return cells, [names, images, format_label_selector(spec.get("selector"))]


def _endpoints_text(obj: dict) -> str:
    subsets = obj.get("subsets") or []
    if not subsets:
        return "<none>"
    found: list[str] = []
    limit = 3
    more = False
    count = 0
    for ss in subsets:
        addresses = ss.get("addresses") or []
        ports = ss.get("ports") or []
        if not ports:
            count += len(addresses)
            for addr in addresses:
                if len(found) == limit:
                    more = True
                    break
                found.append(str(addr.get("ip") or ""))
            continue
        for port in ports:
            count += len(addresses)
            for addr in addresses:
                if len(found) == limit:
                    more = True
                    break
                found.append(_join_host_port(str(addr.get("ip") or ""), port.get("port", 0)))
    text = ",".join(found)
    if more:
        return f"{text} + {count - limit} more..."
    return text


def _endpoints(obj: dict, now: float) -> tuple[list[str], list[str]]:
    return [_name(obj), _endpoints_text(obj), age(obj, now)], []


def _list_with_more(items: list[str], more: bool, count: int, limit: int) -> str:
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text or "<unset>"


def _endpointslice(obj: dict, now: float) -> tuple[list[str], list[str]]:
    limit = 3
    ports: list[str] = []
    more = False
    count = 0
    for port in obj.get("ports") or []:
        if len(ports) < limit:
            if port.get("port") is not None:
                ports.append(str(port["port"]))
            elif port.get("name") is not None:
                ports.append(str(port["name"]))
            else:
                ports.append("*")
        elif len(ports) == limit:
            more = True
        count += 1
    port_text = _list_with_more(ports, more, count, limit)
    addrs: list[str] = []
    more = False
    count = 0
    for endpoint in obj.get("endpoints") or []:
        for address in endpoint.get("addresses") or []:
            if len(addrs) < limit:
                addrs.append(str(address))
            elif len(addrs) == limit:
                more = True
            count += 1
    cells = [_name(obj), str(obj.get("addressType") or ""), port_text, _list_with_more(addrs, more, count, limit),
             age(obj, now)]
    return cells, []


def _namespace(obj: dict, now: float) -> tuple[list[str], list[str]]:
    return [_name(obj), str((obj.get("status") or {}).get("phase") or ""), age(obj, now)], []


def _default(obj: dict, now: float) -> tuple[list[str], list[str]]:
    return [_name(obj), age(obj, now)], []


def _name(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("name") or "")


_Printer = Callable[[dict, float, bool], "tuple[list[str], list[str]]"]

# kind -> (headers, wide headers, row printer)
_TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], _Printer]] = {
    "Pod": (("NAME", "READY", "STATUS", "RESTARTS", "AGE"), ("IP", "NODE", "NOMINATED NODE", "READINESS GATES"),
            lambda o, now, wide: _pod(o, now)),
    "Service": (("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"), ("SELECTOR",), _service),
    "Node": (("NAME", "STATUS", "ROLES", "AGE", "VERSION"),
             ("INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"),
             lambda o, now, wide: _node(o, now)),
    "Deployment": (("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"), ("CONTAINERS", "IMAGES", "SELECTOR"),
                   lambda o, now, wide: _deployment(o, now)),
    "ReplicaSet": (("NAME", "DESIRED", "CURRENT", "READY", "AGE"), ("CONTAINERS", "IMAGES", "SELECTOR"),
                   lambda o, now, wide: _replicaset(o, now)),
    "Endpoints": (("NAME", "ENDPOINTS", "AGE"), (), lambda o, now, wide: _endpoints(o, now)),
    "EndpointSlice": (("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"), (),
                      lambda o, now, wide: _endpointslice(o, now)),
    "Namespace": (("NAME", "STATUS", "AGE"), (), lambda o, now, wide: _namespace(o, now)),
}
_DEFAULT_TABLE: tuple[tuple[str, ...], tuple[str, ...], _Printer] = (
    ("NAME", "AGE"), (), lambda o, now, wide: _default(o, now))

#: The kinds ``kubectl get all`` lists that the engine keeps, in kubectl's order.
ALL_KINDS = ("Pod", "Service", "Deployment", "ReplicaSet")


def columns(kind: str, *, wide: bool = False) -> list[str]:
    """The header row kubectl prints for a kind (without NAMESPACE or LABELS)."""
    headers, wide_headers, _ = _TABLES.get(kind, _DEFAULT_TABLE)
    return list(headers) + (list(wide_headers) if wide else [])


def row(kind: str, obj: dict, *, now: float, wide: bool = False) -> list[str]:
    """One object's cells as the apiserver's table printer computes them."""
    _, _, printer = _TABLES.get(kind, _DEFAULT_TABLE)
    cells, wide_cells = printer(obj, now, wide)
    return cells + (wide_cells if wide else [])


def kind_prefix(kind: str, api_version: str | None = None) -> str:
    """The lower-cased group kind kubectl puts before names: pod, service, deployment.apps."""
    version = api_version if api_version is not None else KINDS.get(kind, ("", True, "v1"))[2]
    group = version.rpartition("/")[0]
    return f"{kind.lower()}.{group}" if group else kind.lower()


def _namespaced(kind: str) -> bool:
    return KINDS.get(kind, ("", True, ""))[1]


def table(kind: str, objs: Iterable[dict], *, now: float | None = None, wide: bool = False,
          show_labels: bool = False, with_namespace: bool = False, no_headers: bool = False,
          with_kind: bool = False, cluster: Any = None) -> str:
    """The table ``kubectl get KIND`` prints for these objects, in the order given.

    Args:
        kind: the objects' kind (Service, Pod, Node, Deployment, ReplicaSet, Endpoints,
            EndpointSlice, Namespace; anything else prints NAME and AGE).
        objs: the objects, as the apiserver returns them.
        now: the clock's epoch seconds for AGE; defaults to ``cluster.clock.now``.
        wide: -o wide.
        show_labels: --show-labels (a LABELS column last).
        with_namespace: -A / --all-namespaces (a NAMESPACE column first, namespaced kinds only).
        no_headers: --no-headers.
        with_kind: prefix names with the kind, as ``kubectl get all`` and ``get svc,deploy`` do.
        cluster: the engine Cluster, used only for its clock when ``now`` is not given.

    Returns:
        The table text, ending in a newline; "" when there are no objects (kubectl prints no
        header then; the caller reports "No resources found").
    """
    if now is None:
        now = cluster.clock.now if cluster is not None else 0.0
    items = list(objs)
    if not items:
        return ""
    namespace_column = with_namespace and _namespaced(kind)
    prefix = kind_prefix(kind, str(items[0].get("apiVersion") or "") or None) if with_kind else ""
    rows: list[list[str]] = []
    if not no_headers:
        header = columns(kind, wide=wide)
        if namespace_column:
            header = ["NAMESPACE"] + header
        if show_labels:
            header = header + ["LABELS"]
        rows.append(header)
    for obj in items:
        cells = row(kind, obj, now=now, wide=wide)
        if prefix:
            cells[0] = f"{prefix}/{cells[0]}"
        if namespace_column:
            cells = [str((obj.get("metadata") or {}).get("namespace") or "")] + cells
        if show_labels:
            cells = cells + [format_labels((obj.get("metadata") or {}).get("labels"))]
        rows.append([_cell(c) for c in cells])
    return tabulate(rows)


def get_all(objs_by_kind: Mapping[str, Iterable[dict]], now: float | None = None, *, wide: bool = False,
            show_labels: bool = False, with_namespace: bool = False, no_headers: bool = False,
            cluster: Any = None) -> str:
    """``kubectl get all`` (or ``get svc,deploy``): one table per kind, kind-prefixed names.

    Args:
        objs_by_kind: kind -> objects, printed in the mapping's order (use ALL_KINDS for
            ``get all``); kinds without objects print nothing.
        now: the clock's epoch seconds; defaults to ``cluster.clock.now``.

    Returns:
        The tables, separated by a blank line (no separator with --no-headers).
    """
    parts = []
    for kind, objs in objs_by_kind.items():
        text = table(kind, objs, now=now, wide=wide, show_labels=show_labels, with_namespace=with_namespace,
                     no_headers=no_headers, with_kind=True, cluster=cluster)
        if text:
            parts.append(text)
    return ("" if no_headers else "\n").join(parts)


def no_resources(namespace: str | None) -> str:
    """The stderr line kubectl get prints when nothing matched (None for -A or cluster-scoped kinds)."""
    if namespace:
        return f"No resources found in {namespace} namespace.\n"
    return "No resources found\n"
