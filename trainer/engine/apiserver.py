"""kube-apiserver: the object store, admission of each kind, flags and restarts."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Iterator

from . import defaults, validation
from .errors import ClientSideError, ConnectionRefused, FieldError, Status, required
from .flags import PortRange, parse_node_port_range
from .labels import Selector
from .merge import LAST_APPLIED, annotate, last_applied, three_way
from .objects import KINDS, Clock, copy, labels_of, name_of, namespace_of
from .schema import decode
from .services import ServiceRegistry

DEFAULT_NODE_PORT_RANGE = "30000-32767"
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
# The NamespaceLifecycle admission plugin refuses to delete these.
_UNDELETABLE_NAMESPACES = ("default", "kube-public", "kube-system")
ApiError = Status | ConnectionRefused
_NO_RESOURCE = Status(404, "NotFound", "the server could not find the requested resource")


@dataclass
class ApplyOutcome:
    """The result of an apply for one object: what kubectl reports, and the stored object."""

    action: str  # "created", "configured", "unchanged"
    obj: dict
    warnings: list[str] = field(default_factory=list)


class ApiServer:
    """The API: create, update, apply, delete, get and list, with per-kind admission."""

    def __init__(self, clock: Clock, rng: random.Random, service_cidr: str, flags: dict[str, str],
                 endpoint: str) -> None:
        self.clock = clock
        self.rng = rng
        self.service_cidr = service_cidr
        self.endpoint = endpoint
        #: Flags as written in the static Pod manifest; they take effect on restart().
        self.flags: dict[str, str] = dict(flags)
        #: Flags the running process started with (None while it is down).
        self.running_flags: dict[str, str] | None = None
        #: Why the last start failed: the line kube-apiserver printed before exiting.
        self.crash_log = ""
        self.node_port_range: PortRange | None = None
        self.objects: dict[str, dict[tuple[str, str], dict]] = {kind: {} for kind in KINDS}
        # Sorted keys per kind, rebuilt only after an object is added or removed.
        self._order: dict[str, list[tuple[str, str]] | None] = {kind: None for kind in KINDS}
        self.services: ServiceRegistry | None = None
        self._rv = 1000
        #: The last store revision that touched each kind (lets readers skip unchanged kinds).
        self.versions: dict[str, int] = {kind: 0 for kind in KINDS}
        self.restart()

    # ----------------------------------------------------------------- lifecycle

    @property
    def up(self) -> bool:
        """Whether the apiserver process is running."""
        return self.running_flags is not None

    def restart(self) -> bool:
        """Restart with the manifest's flags, as the kubelet does for the static Pod.

        A bad flag keeps the process down: every API call then fails as a refused
        connection. Services allocated outside a new range keep their ports.

        Returns:
            Whether the apiserver came up.
        """
        raw = self.flags.get("service-node-port-range", DEFAULT_NODE_PORT_RANGE)
        parsed = parse_node_port_range(raw)
        if isinstance(parsed, str):
            self.running_flags = None
            self.crash_log = parsed
            return False
        self.node_port_range = parsed
        services = [svc for svc in self.objects["Service"].values()]
        if self.services is None:
            self.services = ServiceRegistry(self.service_cidr, parsed, self.rng)
        #: What the repair loop reported about existing Services (e.g. ports outside the range).
        self.repair_events = self.services.restart(parsed, services)
        self.running_flags = dict(self.flags)
        self.crash_log = ""
        return True

    def stop(self, log: str = "") -> None:
        """The kubelet stopped the static Pod (e.g. its manifest no longer parses): the API is down."""
        self.running_flags = None
        self.crash_log = log

    def refused(self) -> ConnectionRefused | None:
        """The error every call gets while the apiserver is down, else None."""
        return None if self.up else ConnectionRefused(self.endpoint)

    # ----------------------------------------------------------------- reads

    def get(self, kind: str, name: str, namespace: str = "default") -> dict | ApiError:
        """One object, copied, or a NotFound Status."""
        if (down := self.refused()) is not None:
            return down
        if kind not in KINDS:
            return _NO_RESOURCE
        obj = self.objects[kind].get(self._key(kind, namespace, name))
        if obj is None:
            return Status.not_found(self._resource(kind), name)
        return copy(obj)

    def list(self, kind: str, namespace: str | None = None, selector: Selector | None = None) -> list[dict] | ApiError:
        """Objects of a kind, copied, sorted by namespace and name as etcd lists them."""
        if (down := self.refused()) is not None:
            return down
        if kind not in KINDS:
            return _NO_RESOURCE
        return [copy(o) for o in self.iter(kind, namespace, selector)]

    def iter(self, kind: str, namespace: str | None = None, selector: Selector | None = None) -> Iterator[dict]:
        """Objects of a kind without copying, for the engine's own readers (controllers, proxy)."""
        order = self._order[kind]
        if order is None:
            order = self._order[kind] = sorted(self.objects[kind])
        store = self.objects[kind]
        scoped = namespace is not None and KINDS[kind][1]
        for key in order:
            if scoped and key[0] != namespace:
                continue
            obj = store[key]
            if selector is not None and not selector.matches(labels_of(obj)):
                continue
            yield obj

    def peek(self, kind: str, name: str, namespace: str = "default") -> dict | None:
        """One stored object without copying, or None (for the engine's own readers)."""
        return self.objects[kind].get(self._key(kind, namespace, name))

    # ----------------------------------------------------------------- writes

    def create(self, obj: dict, *, decoded: bool = False) -> dict | ApiError:
        """Admit and store a new object (kubectl create); a rejected one changes nothing.

        Args:
            obj: the object; it is not modified.
            decoded: the caller already ran it through the strict decoder (Cluster.apply), or
                built it itself (the controllers), so decoding again would only cost time.
        """
        if (down := self.refused()) is not None:
            return down
        if obj.get("kind") not in KINDS:
            return _NO_RESOURCE
        rng_state = self.rng.getstate()
        result = self._create(copy(obj), decoded)
        if isinstance(result, Status):
            # A refused object must not shift later names and ports either.
            self.rng.setstate(rng_state)
        return result

    def _create(self, obj: dict, decoded: bool) -> dict | Status:
        # The apiserver decodes every request body strictly before anything else.
        bad = None if decoded else decode(obj).status
        if bad is not None:
            return bad
        kind = obj["kind"]
        resource, namespaced, _ = KINDS[kind]
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}
        md = obj["metadata"]
        # Server-owned fields a client cannot set on create (the registries' PrepareForCreate).
        md.pop("deletionTimestamp", None)
        md.pop("deletionGracePeriodSeconds", None)
        if kind in _STATUS_ON_CREATE:
            obj["status"] = copy(_STATUS_ON_CREATE[kind])
        if not md.get("name") and md.get("generateName"):
            md["name"] = md["generateName"] + random_suffix(self.rng)
        name = md.get("name") or ""
        if not name:
            return Status.invalid(kind, "", [required("metadata.name", "name or generateName is required")])
        if namespaced:
            md["namespace"] = md.get("namespace") or "default"
            if ("", md["namespace"]) not in self.objects["Namespace"]:
                return Status.not_found("namespaces", md["namespace"])
        else:
            md.pop("namespace", None)
        key = self._key(kind, md.get("namespace", ""), name)
        if key in self.objects[kind]:
            return Status.already_exists(self._resource(kind), name)
        defaults.apply_defaults(obj)
        if kind == "Service":
            assert self.services is not None
            result = self.services.create(obj)
            if isinstance(result, Status):
                return result
            obj = result
        else:
            errs = validation.validate_object(obj)
            if errs:
                return Status.invalid(kind, name, errs, _group(obj))
        self._stamp_new(obj)
        self._put(kind, key, obj)
        return copy(obj)

    def update(self, obj: dict, *, decoded: bool = False) -> dict | ApiError:
        """Replace a stored object with a new version (PUT), keeping server-owned metadata."""
        if (down := self.refused()) is not None:
            return down
        if obj.get("kind") not in KINDS:
            return _NO_RESOURCE
        rng_state = self.rng.getstate()
        result = self._update(copy(obj), decoded)
        if isinstance(result, Status):
            self.rng.setstate(rng_state)
        return result

    def _update(self, obj: dict, decoded: bool) -> dict | Status:
        bad = None if decoded else decode(obj).status
        if bad is not None:
            return bad
        kind = obj["kind"]
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}
        name, namespace = name_of(obj), namespace_of(obj) or "default"
        key = self._key(kind, namespace, name)
        old = self.objects[kind].get(key)
        if old is None:
            return Status.not_found(self._resource(kind), name)
        md = obj.setdefault("metadata", {})
        for owned in ("uid", "creationTimestamp", "generation", "namespace", "ownerReferences"):
            if owned in old["metadata"] and owned not in md:
                md[owned] = old["metadata"][owned]
        # Status is written through its own subresource: an update keeps the stored one.
        if "status" in old:
            obj["status"] = old["status"]
        else:
            obj.pop("status", None)
        defaults.apply_defaults(obj)
        if kind == "Service":
            assert self.services is not None
            result = self.services.update(old, obj)
            if isinstance(result, Status):
                return result
            obj = result
        else:
            errs = validation.validate_object_update(obj, old)
            if errs:
                return Status.invalid(kind, name, errs, _group(obj))
        if obj.get("spec") != old.get("spec"):
            md["generation"] = int(old["metadata"].get("generation", 1)) + 1
        md["resourceVersion"] = str(self._bump(kind))
        self.objects[kind][key] = obj
        return copy(obj)

    def write_status(self, obj: dict) -> None:
        """A controller's in-place write of an object it already holds (status, or its own spec)."""
        obj["metadata"]["resourceVersion"] = str(self._bump(obj["kind"]))

    def apply(self, desired: dict, *, decoded: bool = False) -> ApplyOutcome | ApiError:
        """kubectl apply (client-side): create, or three-way merge into the live object."""
        if (down := self.refused()) is not None:
            return down
        if desired.get("kind") not in KINDS:
            return _NO_RESOURCE
        desired = copy(desired)
        if not isinstance(desired.get("metadata"), dict):
            desired["metadata"] = {}
        if not desired["metadata"].get("name") and desired["metadata"].get("generateName"):
            return ClientSideError(f"from {desired['metadata']['generateName']}: cannot use generate name with apply")
        kind = desired["kind"]
        namespaced = KINDS[kind][1]
        ns = (namespace_of(desired) or "default") if namespaced else ""
        if namespaced:
            desired["metadata"]["namespace"] = ns
        live = self.objects[kind].get(self._key(kind, ns, name_of(desired)))
        if live is None:
            created = self.create(annotate(desired), decoded=decoded)
            if isinstance(created, (Status, ConnectionRefused, ClientSideError)):
                return created
            return ApplyOutcome("created", created)
        warnings: list[str] = []
        original = last_applied(live)
        if original is None:
            resource = KINDS[kind][0]
            warnings.append(
                f"Warning: resource {resource}/{name_of(desired)} is missing the {LAST_APPLIED} annotation "
                "which is required by kubectl apply. kubectl apply should only be used on resources "
                "created declaratively by either kubectl create --save-config or kubectl apply. "
                "The missing annotation will be patched automatically."
            )
        modified = annotate(desired)
        merged = three_way(original or {}, modified, live)
        if merged == live:
            return ApplyOutcome("unchanged", copy(live), warnings)
        updated = self.update(merged, decoded=decoded)
        if isinstance(updated, (Status, ConnectionRefused)):
            return updated
        return ApplyOutcome("configured", updated, warnings)

    def delete(self, kind: str, name: str, namespace: str = "default") -> dict | ApiError:
        """Remove an object; Pods first become terminating, as the kubelet stops them gracefully."""
        if (down := self.refused()) is not None:
            return down
        if kind not in KINDS:
            return _NO_RESOURCE
        if kind == "Namespace" and name in _UNDELETABLE_NAMESPACES:
            return Status(403, "Forbidden", f'namespaces "{name}" is forbidden: this namespace may not be deleted',
                          kind="namespaces", name=name)
        key = self._key(kind, namespace, name)
        obj = self.objects[kind].get(key)
        if obj is None:
            return Status.not_found(self._resource(kind), name)
        if kind == "Pod" and obj["spec"].get("nodeName") and (obj.get("status") or {}).get("phase") == "Running":
            self.mark_terminating(obj)
            return copy(obj)
        return self.remove(kind, key)

    def mark_terminating(self, pod: dict) -> None:
        """Set a Pod's deletionTimestamp; the kubelet finalizes it after the grace period."""
        md = pod["metadata"]
        if md.get("deletionTimestamp"):
            return
        grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
        md["deletionTimestamp"] = self.clock.iso(grace)
        md["deletionGracePeriodSeconds"] = grace
        self.write_status(pod)

    def remove(self, kind: str, key: tuple[str, str]) -> dict:
        """Drop an object from the store at once, releasing what it held."""
        obj = self.objects[kind].pop(key)
        self._order[kind] = None
        self._bump(kind)
        if kind == "Service" and self.services is not None:
            self.services.delete(obj)
        if kind == "Namespace":
            for other, (_r, namespaced, _v) in KINDS.items():
                if namespaced:
                    for okey in [k for k in self.objects[other] if k[0] == key[1]]:
                        self.remove(other, okey)
        return copy(obj)

    def insert(self, obj: dict) -> None:
        """Put an object straight into storage, as a fixture describes existing state."""
        kind = obj["kind"]
        if KINDS[kind][1]:
            obj["metadata"].setdefault("namespace", "default")
        self._stamp_new(obj, keep=True)
        self._put(kind, self._key(kind, namespace_of(obj), name_of(obj)), obj)

    def _put(self, kind: str, key: tuple[str, str], obj: dict) -> None:
        if key not in self.objects[kind]:
            self._order[kind] = None
        self.objects[kind][key] = obj

    def clone(self, clock: Clock, rng: random.Random) -> "ApiServer":
        """An independent copy sharing nothing mutable with this one."""
        new = ApiServer.__new__(ApiServer)
        new.__dict__.update(self.__dict__)
        new.clock, new.rng = clock, rng
        new.flags = dict(self.flags)
        new.running_flags = None if self.running_flags is None else dict(self.running_flags)
        new.versions = dict(self.versions)
        new.objects = {kind: {key: copy(o) for key, o in objs.items()} for kind, objs in self.objects.items()}
        new._order = {kind: None if keys is None else list(keys) for kind, keys in self._order.items()}
        new.services = None if self.services is None else self.services.clone(rng)
        return new

    # ----------------------------------------------------------------- helpers

    @staticmethod
    def _resource(kind: str) -> str:
        """The resource as the apiserver names it in messages: services, deployments.apps."""
        resource, _namespaced, api_version = KINDS[kind]
        return f"{resource}.{api_version.split('/')[0]}" if "/" in api_version else resource

    def _bump(self, kind: str) -> int:
        self._rv += 1
        self.versions[kind] = self._rv
        return self._rv

    def version(self, *kinds: str) -> tuple[int, ...]:
        """The store revisions of the given kinds: equal tuples mean nothing of them changed."""
        return tuple(self.versions[k] for k in kinds)

    def _key(self, kind: str, namespace: str, name: str) -> tuple[str, str]:
        return ((namespace or "default") if KINDS[kind][1] else "", name)

    def _stamp_new(self, obj: dict, keep: bool = False) -> None:
        md = obj["metadata"]
        md["resourceVersion"] = str(self._bump(obj["kind"]))
        if not (keep and md.get("uid")):
            md["uid"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if not (keep and md.get("creationTimestamp")):
            md["creationTimestamp"] = self.clock.iso()
        if obj["kind"] in ("Deployment", "ReplicaSet", "Service") and "generation" not in md:
            md["generation"] = 1


# What status an object starts with when created through the API, whatever the client sent.
_STATUS_ON_CREATE: dict[str, dict] = {
    "Service": {"loadBalancer": {}},
    "Pod": {"phase": "Pending", "qosClass": "BestEffort"},
    "Deployment": {},
    "ReplicaSet": {"replicas": 0},
    "Namespace": {"phase": "Active"},
}

#: The alphabet of generated name suffixes and pod-template hashes (utilrand.String).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def random_suffix(rng: random.Random, n: int = 5) -> str:
    """The random suffix apiserver's generateName and the controllers use."""
    return "".join(rng.choice(NAME_ALPHABET) for _ in range(n))


def _group(obj: dict) -> str:
    api = obj.get("apiVersion", "")
    return api.split("/")[0] if "/" in api else ""


__all__ = ["ApiServer", "ApplyOutcome", "ApiError", "FieldError", "NAME_ALPHABET", "random_suffix",
           "SYSTEM_NAMESPACES"]
