"""The Service REST storage: default, allocate, then validate, as registry/core/service/storage."""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass

from trainer.engine import errors
from trainer.engine.defaults import default_service, needs_health_check
from trainer.engine.errors import EngineError, FieldError, Status
from trainer.engine.flags import PortRange, ServiceIPRanges, parse_service_cluster_ip_range_flag
from trainer.engine.ipallocator import IPAllocator
from trainer.engine.netparse import is_ipv6_string, parse_ip_sloppy
from trainer.engine.portallocator import PortAllocator
from trainer.engine.rangealloc import AllocationError
from trainer.engine.servicealloc import (
    collect_node_ports,
    default_on_read,
    find_requested_node_port,
    init_ip_family_fields,
    matching_prefer_dual_stack,
    normalize_cluster_ips,
    patch_allocated_values,
    prepare_for_create,
    prepare_for_update,
    read_spec,
    should_allocate_node_ports,
    spec_of,
)
from trainer.engine.validation import golit
from trainer.engine.validation.service import validate_service, validate_service_update

KIND = "Service"
# kubeadm's kube-apiserver listens on 6443; the `kubernetes` Service forwards 443 there.
DEFAULT_SECURE_PORT = 6443


def internal_error(message: str) -> Status:
    """apierrors.NewInternalError."""
    return Status(500, "InternalError", f"Internal error occurred: {message}")


def unknown_error(message: str) -> Status:
    """A plain Go error reaching the handler: 500 with StatusReasonUnknown ("")."""
    return Status(500, "", message)


def kubernetes_service_manifest(cluster_ip: str, secure_port: int = DEFAULT_SECURE_PORT) -> dict:
    """The `default/kubernetes` Service the apiserver's controller writes (before defaulting)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": cluster_ip,
            "sessionAffinity": "None",
            "ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": secure_port}],
        },
    }


@dataclass(frozen=True)
class RepairEvent:
    """A finding of the node-port repair loop after a restart.

    Attributes:
        namespace: the Service's namespace.
        name: the Service's name.
        reason: the Event reason, e.g. "PortOutOfRange".
        message: the Warning Event message on the Service.
        log: the line runtime.HandleError writes to the apiserver log.
    """

    namespace: str
    name: str
    reason: str
    message: str
    log: str


class _Transaction:
    """One request's allocations: reverted on failure, deferred releases applied on success."""

    def __init__(self, registry: "ServiceRegistry") -> None:
        self._registry = registry
        self._ips: list[tuple[str, str]] = []
        self._ports: list[int] = []
        self._release_ips: list[tuple[str, str]] = []
        self._release_ports: list[int] = []

    def allocate_ip(self, family: str, ip: str) -> AllocationError | None:
        err = self._registry.ip_allocators[family].allocate(ip)
        if err is None:
            self._ips.append((family, ip))
        return err

    def allocate_next_ip(self, family: str) -> str | AllocationError:
        result = self._registry.ip_allocators[family].allocate_next(self._registry.rng)
        if isinstance(result, str):
            self._ips.append((family, result))
        return result

    def allocate_port(self, port: int) -> AllocationError | None:
        err = self._registry.port_allocator.allocate(port)
        if err is None:
            self._ports.append(port)
        return err

    def allocate_next_port(self) -> int | AllocationError:
        result = self._registry.port_allocator.allocate_next(self._registry.rng)
        if isinstance(result, int):
            self._ports.append(result)
        return result

    def release_ip_later(self, family: str, ip: str) -> None:
        self._release_ips.append((family, ip))

    def release_port_later(self, port: int) -> None:
        self._release_ports.append(port)

    def revert(self) -> None:
        for family, ip in self._ips:
            self._registry.ip_allocators[family].release(ip)
        for port in self._ports:
            self._registry.port_allocator.release(port)

    def commit(self) -> None:
        for family, ip in self._release_ips:
            if family in self._registry.ip_allocators:
                self._registry.ip_allocators[family].release(ip)
        for port in self._release_ports:
            self._registry.port_allocator.release(port)


def _name(svc: dict) -> str:
    return (svc.get("metadata") or {}).get("name") or ""


def _invalid(svc: dict, errs: list[FieldError]) -> Status:
    return Status.invalid(KIND, _name(svc), errs)


class ServiceRegistry:
    """Service create/update/delete with ClusterIP and NodePort allocation, as kube-apiserver does it."""

    def __init__(self, service_cidr: str, node_port_range: PortRange, rng: random.Random) -> None:
        """Create the registry with empty allocators.

        Args:
            service_cidr: --service-cluster-ip-range, e.g. "10.96.0.0/12" or "10.96.0.0/12,fd00::/108".
            node_port_range: --service-node-port-range.
            rng: the only source of randomness (random scan starts of the allocators).
        """
        ranges = parse_service_cluster_ip_range_flag(service_cidr)
        if not isinstance(ranges, ServiceIPRanges):
            raise EngineError(f"invalid service CIDR {service_cidr!r}: {ranges}")
        self.service_ip_ranges = ranges
        self.rng = rng
        self.ip_allocators: dict[str, IPAllocator] = {}
        for cidr in ranges.cidrs:
            allocator = IPAllocator(cidr)
            self.ip_allocators[allocator.family] = allocator
        self.families = list(self.ip_allocators)
        self.port_allocator = PortAllocator(node_port_range)

    @property
    def node_port_range(self) -> PortRange:
        """The node port range the apiserver currently runs with."""
        return self.port_allocator.port_range

    @property
    def api_server_service_ip(self) -> str:
        """The first address of the primary service CIDR, reserved for `kubernetes`."""
        return self.service_ip_ranges.api_server_service_ip

    def kubernetes_service(self, secure_port: int = DEFAULT_SECURE_PORT) -> dict:
        """Create `default/kubernetes` through the normal create path, as the apiserver's controller
        does: 443 -> the secure port, on the first address of the service CIDR (now allocated).

        Returns:
            The stored Service object.
        """
        result = self.create(kubernetes_service_manifest(self.api_server_service_ip, secure_port))
        if isinstance(result, Status):
            raise EngineError(f"cannot create the kubernetes Service: {result.message}")
        return result

    def clone(self, rng: random.Random) -> "ServiceRegistry":
        """An independent copy of the registry and its allocators, drawing from rng."""
        new = copy.deepcopy(self, memo={id(self.rng): rng})
        new.rng = rng
        return new

    # --- create ---

    def create(self, svc: dict) -> dict | Status:
        """POST a Service: defaulting, allocation, then validation; a failure leaves no allocation behind.

        Args:
            svc: the Service as decoded (camelCase JSON shape).

        Returns:
            The stored Service, or the failure Status.
        """
        new = default_service(svc)
        normalize_cluster_ips(new, None)
        txn = _Transaction(self)
        failure = self._allocate_create(new, txn)
        if failure is None:
            prepare_for_create(new)
            errs = validate_service(new)
            failure = _invalid(new, errs) if errs else None
        if failure is not None:
            txn.revert()
            return failure
        txn.commit()
        return new

    def _allocate_create(self, svc: dict, txn: _Transaction) -> Status | None:
        errs = init_ip_family_fields(svc, None, self.families)
        if errs:
            return _invalid(svc, errs)
        failure = self._alloc_cluster_ips(svc, txn)
        if failure is not None:
            return failure
        if spec_of(svc).get("type") in ("NodePort", "LoadBalancer"):
            failure = self._init_node_ports(svc, txn)
            if failure is not None:
                return failure
        if needs_health_check(svc):
            return self._alloc_health_check_node_port(svc, txn)
        return None

    def _alloc_cluster_ips(self, svc: dict, txn: _Transaction, only_index: int | None = None) -> Status | None:
        spec = spec_of(svc)
        if spec.get("type") == "ExternalName":
            return None
        ips = list(spec.get("clusterIPs") or [])
        if ips and ips[0] == "None":
            return None
        spec["clusterIPs"] = ips
        families = spec.get("ipFamilies") or []
        while len(ips) < len(families):
            ips.append("")  # a marker: allocate this one
        for index, family in enumerate(families):
            if only_index is not None and index != only_index:
                continue
            requested = ips[index]
            if requested == "":
                result = txn.allocate_next_ip(family)
                if isinstance(result, AllocationError):
                    return internal_error(f"failed to allocate a serviceIP: {result}")
                ips[index] = result
            else:
                if parse_ip_sloppy(requested) is None:
                    return internal_error(f"failed to parse service IP {errors.go_quote(requested)}")
                err = txn.allocate_ip(family, requested)
                if err is not None:
                    return _invalid(svc, [errors.invalid("spec.clusterIPs", golit.string_slice(ips),
                                                         f"failed to allocate IP {requested}: {err}")])
            if index == 0:
                spec["clusterIP"] = ips[0]
        return None

    def _init_node_ports(self, svc: dict, txn: _Transaction) -> Status | None:
        ports = spec_of(svc).get("ports") or []
        by_port: dict[int, int] = {}
        for index, port in enumerate(ports):
            node_port = int(port.get("nodePort") or 0)
            if node_port == 0 and not should_allocate_node_ports(svc):
                continue  # respect explicit requests only
            number = int(port.get("port") or 0)
            shared = by_port.get(number, 0)
            if shared == 0:
                # Ports sharing a number (TCP+UDP) share one nodePort: honour a request on any of them.
                requested = find_requested_node_port(number, ports)
                if requested:
                    err = txn.allocate_port(requested)
                    if err is not None:
                        return _invalid(svc, [errors.invalid(f"spec.ports[{index}].nodePort", requested, str(err))])
                    port["nodePort"] = by_port[number] = requested
                else:
                    result = txn.allocate_next_port()
                    if isinstance(result, AllocationError):
                        return internal_error(f"failed to allocate a nodePort: {result}")
                    port["nodePort"] = by_port[number] = result
            elif node_port != shared:
                if node_port == 0:
                    port["nodePort"] = shared
                else:
                    err = txn.allocate_port(node_port)
                    if err is not None:
                        return _invalid(svc, [errors.invalid(f"spec.ports[{index}].nodePort", node_port, str(err))])
        return None

    def _alloc_health_check_node_port(self, svc: dict, txn: _Transaction) -> Status | None:
        spec = spec_of(svc)
        requested = int(spec.get("healthCheckNodePort") or 0)
        if requested:
            err = txn.allocate_port(requested)
            if err is not None:
                return internal_error(f"failed to allocate requested HealthCheck NodePort {requested}: {err}")
            return None
        result = txn.allocate_next_port()
        if isinstance(result, AllocationError):
            return internal_error(f"failed to allocate a HealthCheck NodePort 0: {result}")
        spec["healthCheckNodePort"] = result
        return None

    # --- update ---

    def update(self, old: dict, new: dict) -> dict | Status:
        """PUT a Service over the stored one.

        Allocated values the caller left out (clusterIP, nodePorts, healthCheckNodePort) are
        carried over, as patchAllocatedValues does for a re-applied manifest.

        Args:
            old: the stored Service.
            new: the desired Service (after any client-side apply merge).

        Returns:
            The stored Service, or the failure Status.
        """
        before = copy.deepcopy(old)
        default_on_read(before, self.families[0])
        after = default_service(new)
        patch_allocated_values(after, before)
        normalize_cluster_ips(after, before)
        txn = _Transaction(self)
        failure = self._allocate_update(after, before, txn)
        if failure is None:
            prepare_for_update(after, before)
            errs = validate_service_update(after, before)
            failure = _invalid(after, errs) if errs else None
        if failure is not None:
            txn.revert()
            return failure
        txn.commit()
        return after

    def _allocate_update(self, new: dict, old: dict, txn: _Transaction) -> Status | None:
        errs = init_ip_family_fields(new, old, self.families)
        if errs:
            return _invalid(new, errs)
        failure = self._update_cluster_ips(new, old, txn)
        if failure is not None:
            return failure
        failure = self._update_node_ports(new, old, txn)
        if failure is not None:
            return failure
        return self._update_health_check_node_port(new, old, txn)

    def _update_cluster_ips(self, new: dict, old: dict, txn: _Transaction) -> Status | None:
        spec, old_spec = spec_of(new), read_spec(old)
        if matching_prefer_dual_stack(new, old):
            return None
        if old_spec.get("type") == "ExternalName" and spec.get("type") != "ExternalName":
            return self._alloc_cluster_ips(new, txn)
        old_ips = old_spec.get("clusterIPs") or []
        if old_ips and old_ips[0] == "None":
            return None
        if old_spec.get("type") != "ExternalName" and spec.get("type") == "ExternalName":
            for index, family in enumerate(old_spec.get("ipFamilies") or []):
                if index < len(old_ips):
                    txn.release_ip_later(family, old_ips[index])
            return None
        old_families, families = old_spec.get("ipFamilies") or [], spec.get("ipFamilies") or []
        if len(old_families) == 1 and len(families) == 2:
            return self._alloc_cluster_ips(new, txn, only_index=1)
        if len(old_families) == 2 and len(families) == 1 and len(old_ips) > 1:
            txn.release_ip_later(old_families[1], old_ips[1])
        return None

    def _update_node_ports(self, new: dict, old: dict, txn: _Transaction) -> Status | None:
        kind, old_kind = spec_of(new).get("type"), read_spec(old).get("type")
        if old_kind in ("NodePort", "LoadBalancer") and kind in ("ExternalName", "ClusterIP"):
            for port in collect_node_ports(old):
                txn.release_port_later(port)
        if kind not in ("NodePort", "LoadBalancer"):
            return None
        old_numbers = collect_node_ports(old)
        seen: list[tuple[str, int]] = []
        allocated: set[int] = set()
        for index, port in enumerate(spec_of(new).get("ports") or []):
            node_port = int(port.get("nodePort") or 0)
            if node_port == 0 and not should_allocate_node_ports(new):
                continue
            if node_port:
                if node_port not in old_numbers and node_port not in allocated:
                    err = txn.allocate_port(node_port)
                    if err is not None:
                        return _invalid(new, [errors.invalid(f"spec.ports[{index}].nodePort", node_port, str(err))])
                    allocated.add(node_port)
            else:
                result = txn.allocate_next_port()
                if isinstance(result, AllocationError):
                    return internal_error(f"failed to allocate a nodePort: {result}")
                port["nodePort"] = node_port = result
            key = (port.get("protocol") or "", node_port)
            if key in seen:
                # A plain Go error, not a Status: the handler answers 500 with no reason.
                return unknown_error(f"duplicate nodePort: {{{key[0]} {key[1]}}}")
            seen.append(key)
        new_numbers = collect_node_ports(new)
        for port in old_numbers:
            if port not in new_numbers:
                txn.release_port_later(port)
        return None

    def _update_health_check_node_port(self, new: dict, old: dict, txn: _Transaction) -> Status | None:
        needed, needs = needs_health_check(old), needs_health_check(new)
        if not needed and needs:
            return self._alloc_health_check_node_port(new, txn)
        if needed and not needs:
            txn.release_port_later(int(read_spec(old).get("healthCheckNodePort") or 0))
        return None

    # --- delete and restart ---

    def delete(self, svc: dict) -> None:
        """Release everything a deleted Service held (releaseAllocatedResources)."""
        spec = read_spec(svc)
        ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
        if spec.get("type") != "ExternalName" and not (ips and ips[0] == "None"):
            for ip in ips:
                family = "IPv6" if is_ipv6_string(ip) else "IPv4"
                if family in self.ip_allocators:
                    self.ip_allocators[family].release(ip)
        for port in collect_node_ports(svc):
            self.port_allocator.release(port)
        if needs_health_check(svc) and int(spec.get("healthCheckNodePort") or 0) > 0:
            self.port_allocator.release(int(spec["healthCheckNodePort"]))

    def restart(self, node_port_range: PortRange, services: list[dict]) -> list[RepairEvent]:
        """Restart the apiserver with a (possibly new) node port range and rebuild the allocators.

        Like the repair loops, this never changes a Service: ports now outside the range stay
        on their Services and are only reported.

        Args:
            node_port_range: the range the restarted apiserver runs with.
            services: every stored Service.

        Returns:
            The repair loop's findings, in Service order.
        """
        self.port_allocator = PortAllocator(node_port_range)
        self.ip_allocators = {family: IPAllocator(alloc.cidr) for family, alloc in self.ip_allocators.items()}
        events: list[RepairEvent] = []
        for svc in services:
            spec = read_spec(svc)
            if spec.get("type") != "ExternalName":
                for ip in spec.get("clusterIPs") or []:
                    family = "IPv6" if is_ipv6_string(ip) else "IPv4"
                    if ip != "None" and family in self.ip_allocators:
                        self.ip_allocators[family].allocate(ip)
            events.extend(self._repair_node_ports(svc, node_port_range))
        return events

    def _repair_node_ports(self, svc: dict, port_range: PortRange) -> list[RepairEvent]:
        meta = svc.get("metadata") or {}
        name, namespace = meta.get("name", ""), meta.get("namespace", "default")
        spec = svc.get("spec") or {}
        # The repair loop collapses a nodePort shared by two protocols of one port.
        candidates = collect_node_ports(svc)
        if spec.get("healthCheckNodePort"):
            candidates.append(int(spec["healthCheckNodePort"]))
        ports: list[int] = []
        for port in candidates:
            if port not in ports:
                ports.append(port)
        events = []
        for port in ports:
            err = self.port_allocator.allocate(port)
            if err is None:
                continue
            if err.reason == "NotInRange":
                events.append(RepairEvent(
                    namespace, name, "PortOutOfRange",
                    f"Port {port} is not within the port range {port_range}; please recreate service",
                    f"the port {port} for service {name}/{namespace} is not within the port range {port_range}; "
                    "please recreate",
                ))
            elif err.reason == "Allocated":
                events.append(RepairEvent(
                    namespace, name, "PortAlreadyAllocated",
                    f"Port {port} was assigned to multiple services; please recreate service",
                    f"the node port {port} for service {name}/{namespace} was assigned to multiple services; "
                    "please recreate",
                ))
        return events
