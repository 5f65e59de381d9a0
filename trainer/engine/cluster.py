"""The engine's facade: a whole simulated cluster you apply, read, reconcile and clone."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

from .apiserver import DEFAULT_NODE_PORT_RANGE, SYSTEM_NAMESPACES, ApiError, ApiServer, ApplyOutcome
from .controllers import Controllers
from .datapath import DataPlane
from .errors import Status
from .firewall import Firewall
from .fixtures import Fixture, FixtureProblem, default_fixture_text, parse_fixture
from .manifests import load_manifests
from .objects import KINDS, Clock, copy, internal_ip, name_of, set_condition
from .schema import decode

_LOAD_ORDER = ("Namespace", "Node", "Service", "EndpointSlice", "Endpoints", "Deployment", "ReplicaSet", "Pod")


@dataclass
class ObjectResult:
    """What happened to one object of an apply or create, as kubectl reports it per object."""

    ref: str  # "service/web-frontend", or "" when the document never became an object
    source: str
    line: int
    action: str = ""  # "created", "configured", "unchanged", "deleted"
    error: object = None  # Status, ConnectionRefused, or a client-side error value
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the object was accepted."""
        return self.error is None

    def kubectl_line(self, verb: str = "creating") -> str:
        """The line kubectl prints for this object (stdout on success, stderr on error)."""
        if self.error is None:
            return f"{self.ref} {self.action}"
        render = getattr(self.error, "kubectl_message", None)
        if isinstance(self.error, Status):
            return self.error.kubectl_message(verb, "STDIN" if self.source == "-" else self.source)
        return render() if callable(render) else str(self.error)


class Cluster:
    """A simulated kubeadm cluster: apiserver, controllers, and the settings kube-proxy reads."""

    def __init__(self, fixture: Fixture, seed: int = 0) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.pod_subnet = fixture.pod_subnet
        self.kube_proxy = copy(fixture.kube_proxy)
        flags = dict(fixture.apiserver_flags)
        flags.setdefault("service-cluster-ip-range", fixture.service_subnet)
        endpoint = _apiserver_endpoint(fixture)
        self.api = ApiServer(self.clock, self.rng, fixture.service_subnet, flags, endpoint)
        self.controllers = Controllers(self.api)
        self.firewall = Firewall()
        self.net = DataPlane(self)
        self.problems: list[FixtureProblem] = []
        if self.api.up:
            self._bootstrap(fixture)
        else:
            # The fixture's objects were admitted while the apiserver was healthy; only then
            # did its manifest get the bad flag. Admit them under the default range, then
            # restart with the flag as written, which keeps the apiserver down.
            bad = self.api.flags["service-node-port-range"]
            self.api.flags["service-node-port-range"] = DEFAULT_NODE_PORT_RANGE
            self.api.restart()
            self._bootstrap(fixture)
            self.reconcile()
            self.api.flags["service-node-port-range"] = bad
            self.api.restart()
        self.reconcile()

    # ----------------------------------------------------------------- construction

    @classmethod
    def from_fixture(cls, data: bytes | str | None = None, source: str = "fixture.yaml",
                     seed: int = 0) -> "Cluster | list[FixtureProblem]":
        """Build a cluster from fixture text, or the built-in fixture when ``data`` is None.

        Returns:
            The cluster, or the fixture's problems (each with file and line).
        """
        if data is None:
            return _default_cluster(seed).clone()
        fx = parse_fixture(data, source)
        if isinstance(fx, list):
            return fx
        cluster = cls(fx, seed)
        return cluster.problems or cluster

    @classmethod
    def default(cls, seed: int = 0) -> "Cluster":
        """A fresh copy of the built-in cluster."""
        return _default_cluster(seed).clone()

    def _bootstrap(self, fx: Fixture) -> None:
        api = self.api
        for ns in SYSTEM_NAMESPACES:
            api.insert({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
                        "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        ordered = sorted(zip(fx.objects, fx.origins), key=lambda p: _LOAD_ORDER.index(p[0]["kind"])
                         if p[0]["kind"] in _LOAD_ORDER else len(_LOAD_ORDER))
        has_kubernetes_svc = any(o["kind"] == "Service" and name_of(o) == "kubernetes" for o in fx.objects)
        if not has_kubernetes_svc and api.services is not None:
            self._kubernetes_service([o for o in fx.objects if o.get("kind") == "Node"])
        for obj, (source, line) in ordered:
            kind = obj["kind"]
            if kind not in KINDS:
                self.problems.append(FixtureProblem(source, line, f'kind "{kind}" is not part of a cluster fixture'))
                continue
            if kind in ("Service", "Deployment") and api.up:
                result = api.create(obj, decoded=True)  # parse_fixture decoded it
                if isinstance(result, Status):
                    self.problems.append(FixtureProblem(source, line, result.kubectl_message()))
                elif kind == "Service" and (obj.get("status") or {}).get("loadBalancer"):
                    # Create drops status; a fixture's ingress is what a cloud controller wrote since.
                    stored = api.peek("Service", name_of(obj), result["metadata"]["namespace"])
                    stored["status"] = copy(obj["status"])
                    api.write_status(stored)
            elif kind == "Namespace" and ("", name_of(obj)) in api.objects["Namespace"]:
                continue
            else:
                api.insert(copy(obj))

    def _kubernetes_service(self, fixture_nodes: list[dict]) -> None:
        """The default/kubernetes Service and its endpoints, which the apiserver maintains itself."""
        api = self.api
        assert api.services is not None
        svc = api.services.kubernetes_service()
        api.insert(svc)
        # The apiserver advertises its own node address, whatever name clients use.
        host, port = api.endpoint.rsplit(":", 1)[0], "6443"
        for node in fixture_nodes:
            if "node-role.kubernetes.io/control-plane" in ((node.get("metadata") or {}).get("labels") or {}):
                host = internal_ip(node) or host
                break
        api.insert({"apiVersion": "v1", "kind": "Endpoints",
                    "metadata": {"name": "kubernetes", "namespace": "default",
                                 "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                    "subsets": [{"addresses": [{"ip": host}],
                                 "ports": [{"name": "https", "port": int(port), "protocol": "TCP"}]}]})
        api.insert({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"name": "kubernetes", "namespace": "default",
                                 "labels": {"kubernetes.io/service-name": "kubernetes"}},
                    "addressType": "IPv4",
                    "endpoints": [{"addresses": [host], "conditions": {"ready": True}}],
                    "ports": [{"name": "https", "port": int(port), "protocol": "TCP"}]})

    # ----------------------------------------------------------------- the API

    def apply(self, data: bytes | str, source: str = "-", *, create: bool = False) -> list[ObjectResult]:
        """kubectl apply -f (or create -f): each object on its own, as kubectl does.

        Valid objects are stored; invalid ones report their error and leave the state as it
        was. Controllers then reconcile.
        """
        results: list[ObjectResult] = []
        loaded = load_manifests(data, source)
        for err in loaded.errors:
            results.append(ObjectResult("", err.source, err.line, error=err))
        for doc in loaded.documents:
            obj = doc.obj
            ref = _ref(obj)
            err = decode(obj, source=doc.source, duplicates=doc.duplicates).error
            if err is not None:
                results.append(ObjectResult(ref, doc.source, doc.line, error=err))
                continue
            if obj.get("kind") not in KINDS:
                results.append(ObjectResult(ref, doc.source, doc.line,
                                            error=Status.bad_request(f'the server does not allow this method on kind "{obj.get("kind")}"')))
                continue
            outcome = self.api.create(obj, decoded=True) if create else self.api.apply(obj, decoded=True)
            if isinstance(outcome, ApplyOutcome):
                results.append(ObjectResult(_ref(outcome.obj), doc.source, doc.line, outcome.action,
                                            warnings=outcome.warnings))
            elif isinstance(outcome, dict):
                results.append(ObjectResult(_ref(outcome), doc.source, doc.line, "created"))
            else:
                results.append(ObjectResult(ref, doc.source, doc.line, error=outcome))
        self.reconcile()
        return results

    def delete(self, kind: str, name: str, namespace: str = "default") -> dict | ApiError:
        """Delete one object, then let the controllers react."""
        out = self.api.delete(kind, name, namespace)
        self.reconcile()
        return out

    def get(self, kind: str, name: str, namespace: str = "default") -> dict | ApiError:
        """Read one object."""
        return self.api.get(kind, name, namespace)

    def list(self, kind: str, namespace: str | None = None, selector=None) -> list[dict] | ApiError:
        """List objects of a kind."""
        return self.api.list(kind, namespace, selector)

    def reconcile(self) -> None:
        """Run the controllers until the cluster settles."""
        self.controllers.reconcile()

    def advance(self, seconds: float) -> None:
        """Let simulated time pass (grace periods, eviction timeouts), then reconcile."""
        self.clock.advance(seconds)
        self.reconcile()

    def settle(self) -> None:
        """Reconcile, and wait out every pending Pod termination the engine started."""
        self.reconcile()
        for _ in range(5):
            waits = [p["metadata"].get("deletionGracePeriodSeconds", 0) for p in self.api.iter("Pod")
                     if p["metadata"].get("deletionTimestamp") and "deletionGracePeriodSeconds" in p["metadata"]]
            if not waits:
                return
            self.advance(max(waits))

    def set_node_ready(self, name: str, status: str = "True") -> bool:
        """Set a node's Ready condition ("True", "False", or "Unknown" when its kubelet stops
        reporting), as the kubelet or the node lifecycle controller would; False if no such node."""
        node = self.api.peek("Node", name, "")
        if node is None:
            return False
        reasons = {"True": ("KubeletReady", "kubelet is posting ready status"),
                   "False": ("KubeletNotReady", "container runtime network not ready"),
                   "Unknown": ("NodeStatusUnknown", "Kubelet stopped posting node status.")}
        reason, message = reasons.get(status, reasons["Unknown"])
        set_condition(node, "Ready", status, self.clock.iso(), reason, message)
        self.api.write_status(node)
        self.reconcile()
        return True

    # ----------------------------------------------------------------- apiserver flags

    def set_apiserver_flag(self, name: str, value: str) -> None:
        """Edit a flag in the kube-apiserver static Pod manifest (effective after restart)."""
        self.api.flags[name] = value

    def restart_apiserver(self) -> bool:
        """Restart kube-apiserver with the manifest's flags; False if it failed to start."""
        ok = self.api.restart()
        if ok:
            self.reconcile()
        return ok

    # ----------------------------------------------------------------- copies

    def clone(self) -> "Cluster":
        """An independent copy (for checking an answer without touching the learner's cluster)."""
        new = Cluster.__new__(Cluster)
        new.seed = self.seed
        new.rng = random.Random()
        new.rng.setstate(self.rng.getstate())
        new.clock = Clock(self.clock.now)
        new.pod_subnet = self.pod_subnet
        new.kube_proxy = copy(self.kube_proxy)
        new.problems = list(self.problems)
        new.api = self.api.clone(new.clock, new.rng)
        new.controllers = Controllers(new.api)
        new.controllers._next_ip = dict(self.controllers._next_ip)
        new.firewall = self.firewall.clone()
        new.net = DataPlane(new)
        return new

    def trace(self, src: str, dst: str, port: int, protocol: str = "TCP", via: str | None = None):
        """Trace a new connection through the data plane (see DataPlane.trace)."""
        return self.net.trace(src, dst, port, protocol, via)


def _apiserver_endpoint(fx: Fixture) -> str:
    """host:port clients use for the apiserver (controlPlaneEndpoint, port 6443 by default)."""
    endpoint = fx.control_plane_endpoint or ""
    if not endpoint:
        for node in fx.objects:
            labels = (node.get("metadata") or {}).get("labels") or {}
            if node.get("kind") == "Node" and "node-role.kubernetes.io/control-plane" in labels and internal_ip(node):
                return f"{internal_ip(node)}:6443"
        return "10.0.0.10:6443"
    host, sep, port = endpoint.rpartition(":")
    return endpoint if sep and port.isdigit() and "]" not in port else f"{endpoint}:6443"


def _ref(obj: dict) -> str:
    kind = str(obj.get("kind") or "")
    resource = KINDS.get(kind, (kind.lower(),))[0]
    singular = {"endpoints": "endpoints"}.get(resource, kind.lower())
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    prefix = f"{singular}.{group}" if group else singular
    return f"{prefix}/{name_of(obj) if isinstance(obj.get('metadata'), dict) else ''}"


@lru_cache(maxsize=4)
def _default_cluster(seed: int) -> Cluster:
    fx = parse_fixture(default_fixture_text(), "<built-in>")
    assert not isinstance(fx, list), fx
    return Cluster(fx, seed)
