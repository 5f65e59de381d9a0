"""Cluster fixtures: kubeadm and kube-proxy configuration plus existing objects, in real kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import ipaddress

from .flags import parse_service_cluster_ip_range_flag, StartupError
from .manifests import load_manifests
from .schema import decode

KUBEADM_GROUP = "kubeadm.k8s.io"
KUBEPROXY_API = "kubeproxy.config.k8s.io/v1alpha1"
DEFAULT_SERVICE_SUBNET = "10.96.0.0/12"


@dataclass
class FixtureProblem:
    """A reason a fixture cannot be loaded, with where it is."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}" if self.line else f"{self.source}: {self.message}"


@dataclass
class Fixture:
    """A parsed fixture: cluster settings plus the objects that already exist."""

    service_subnet: str = DEFAULT_SERVICE_SUBNET
    pod_subnet: str = ""
    control_plane_endpoint: str = ""
    apiserver_flags: dict[str, str] = field(default_factory=dict)
    kube_proxy: dict = field(default_factory=dict)
    objects: list[dict] = field(default_factory=list)
    #: (source, line) of each object, for error messages.
    origins: list[tuple[str, int]] = field(default_factory=list)


def default_fixture_text() -> bytes:
    """The built-in fixture: a fresh three-node kubeadm cluster."""
    return resources.files("trainer.engine").joinpath("data/default-cluster.yaml").read_bytes()


def parse_fixture(data: bytes | str, source: str = "fixture.yaml") -> Fixture | list[FixtureProblem]:
    """Read a fixture; every problem is reported, none raises.

    Returns:
        The Fixture, or the list of problems (each naming file and line).
    """
    loaded = load_manifests(data, source)
    problems = [FixtureProblem(e.source, e.line, e.message) for e in loaded.errors]
    fx = Fixture()
    for doc in loaded.documents:
        obj = doc.obj
        err = decode(obj).error
        if err is not None:
            problems.append(FixtureProblem(doc.source, doc.line, _text(err)))
            continue
        api, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        if api.startswith(KUBEADM_GROUP + "/"):
            if kind == "ClusterConfiguration":
                _cluster_configuration(fx, obj)
            continue  # Init/Join configurations describe the bootstrap, not the cluster.
        if api == KUBEPROXY_API:
            from .proxy import ProxyConfig

            try:
                ProxyConfig.from_dict(obj)
            except ValueError as exc:
                problems.append(FixtureProblem(doc.source, doc.line, f"KubeProxyConfiguration: {exc}"))
                continue
            fx.kube_proxy = obj
            continue
        if kind == "Node":
            problems += _node_problems(obj, doc.source, doc.line)
        fx.objects.append(obj)
        fx.origins.append((doc.source, doc.line))
    subnet = parse_service_cluster_ip_range_flag(fx.service_subnet)
    if isinstance(subnet, StartupError):
        problems.append(FixtureProblem(source, 0, f"networking.serviceSubnet: {subnet.message}"))
    return problems or fx


def _node_problems(node: dict, source: str, line: int) -> list[FixtureProblem]:
    """A Node whose pod CIDRs do not parse is rejected, as the apiserver's Node validation does."""
    spec = node.get("spec") or {}
    cidrs = list(spec.get("podCIDRs") or [])
    if spec.get("podCIDR") and spec["podCIDR"] not in cidrs:
        cidrs.insert(0, spec["podCIDR"])
    out = []
    for i, cidr in enumerate(cidrs):
        try:
            ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            name = (node.get("metadata") or {}).get("name", "")
            out.append(FixtureProblem(source, line, f'The Node "{name}" is invalid: spec.podCIDRs[{i}]: Invalid value: '
                                      f'"{cidr}": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'))
    return out


def _cluster_configuration(fx: Fixture, obj: dict) -> None:
    net = obj.get("networking") or {}
    fx.service_subnet = net.get("serviceSubnet") or DEFAULT_SERVICE_SUBNET
    fx.pod_subnet = net.get("podSubnet") or ""
    fx.control_plane_endpoint = obj.get("controlPlaneEndpoint") or ""
    extra = (obj.get("apiServer") or {}).get("extraArgs") or {}
    if isinstance(extra, list):  # v1beta4: a list of {name, value}; later entries win
        for arg in extra:
            fx.apiserver_flags[str(arg.get("name", ""))] = str(arg.get("value", ""))
    else:  # v1beta3: a map
        fx.apiserver_flags.update({str(k): str(v) for k, v in extra.items()})


def _text(err: object) -> str:
    msg = getattr(err, "kubectl_message", None)
    return msg() if callable(msg) else str(err)
