"""The Service storage hooks that reshape objects around allocation (registry/core/service/storage, strategy)."""

from __future__ import annotations

import copy
from typing import Sequence

from trainer.engine import errors
from trainer.engine.defaults import needs_health_check
from trainer.engine.errors import FieldError
from trainer.engine.netparse import is_ipv4_string, is_ipv6_string
from trainer.engine.validation import golit
from trainer.engine.validation.service import validate_service_cluster_ips_related_fields


def spec_of(svc: dict) -> dict:
    """The spec dict of a Service this module may mutate, created if missing."""
    return svc.setdefault("spec", {})


def read_spec(svc: dict) -> dict:
    """The spec dict for reading only (never adds a key to the caller's object)."""
    return svc.get("spec") or {}


def needs_cluster_ip(svc: dict) -> bool:
    """Every type but ExternalName gets a clusterIP (even "None" counts as a value)."""
    return read_spec(svc).get("type") != "ExternalName"


def needs_node_port(svc: dict) -> bool:
    """NodePort and LoadBalancer Services carry nodePorts."""
    return read_spec(svc).get("type") in ("NodePort", "LoadBalancer")


def should_allocate_node_ports(svc: dict) -> bool:
    """NodePort always; LoadBalancer unless allocateLoadBalancerNodePorts is false."""
    spec = read_spec(svc)
    if spec.get("type") == "NodePort":
        return True
    if spec.get("type") == "LoadBalancer":
        return spec.get("allocateLoadBalancerNodePorts") is not False
    return False


def collect_node_ports(svc: dict) -> list[int]:
    """collectServiceNodePorts: every non-zero ports[].nodePort, duplicates kept."""
    return [int(p["nodePort"]) for p in read_spec(svc).get("ports") or [] if p.get("nodePort")]


def find_requested_node_port(port: int, ports: list[dict]) -> int:
    """The first nodePort a user gave for this port number, 0 if none."""
    for item in ports:
        if int(item.get("port") or 0) == port and item.get("nodePort"):
            return int(item["nodePort"])
    return 0


def _same_cluster_ips_plural(lhs: dict, rhs: dict) -> bool:
    # storage.sameClusterIPs compares the plural field only.
    return list(read_spec(lhs).get("clusterIPs") or []) == list(read_spec(rhs).get("clusterIPs") or [])


def _same_ip_families(lhs: dict, rhs: dict) -> bool:
    return list(read_spec(lhs).get("ipFamilies") or []) == list(read_spec(rhs).get("ipFamilies") or [])


def normalize_cluster_ips(new: dict, old: dict | None) -> None:
    """normalizeClusterIPs: keep clusterIP and clusterIPs in sync before anyone looks at them."""
    spec = spec_of(new)
    cluster_ip = spec.get("clusterIP") or ""
    if old is None:
        # An old client that only set the singular field.
        if cluster_ip and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [cluster_ip]
        return
    old_spec = read_spec(old)
    old_ip = old_spec.get("clusterIP") or ""
    if old_spec.get("clusterIPs") and not spec.get("clusterIPs") and old_ip == cluster_ip:
        spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if old_ip != cluster_ip:
        if old_ip and not cluster_ip:
            if _same_cluster_ips_plural(old, new):
                spec.pop("clusterIPs", None)
        elif _same_cluster_ips_plural(old, new):
            spec["clusterIPs"] = [cluster_ip]


def patch_allocated_values(new: dict, old: dict) -> None:
    """patchAllocatedValues: values the apiserver allocated survive a resubmitted manifest."""
    spec, old_spec = spec_of(new), read_spec(old)
    if needs_cluster_ip(old) and needs_cluster_ip(new):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if needs_node_port(old) and needs_node_port(new):
        used = set(collect_node_ports(old)) & set(collect_node_ports(new))
        # Ports are matched by name: the user may have changed anything else about them.
        by_name = {p.get("name") or "": int(p.get("nodePort") or 0) for p in old_spec.get("ports") or []}
        for port in spec.get("ports") or []:
            if not port.get("nodePort"):
                old_value = by_name.get(port.get("name") or "", 0)
                if old_value not in used and old_value:
                    port["nodePort"] = old_value
    if needs_health_check(old) and needs_health_check(new):
        if not spec.get("healthCheckNodePort") and old_spec.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


def default_on_read(svc: dict, primary_family: str) -> None:
    """defaultOnReadService: fill ipFamilies/ipFamilyPolicy on objects stored before they existed."""
    normalize_cluster_ips(svc, None)
    spec = spec_of(svc)
    if spec.get("type") == "ExternalName":
        spec.pop("internalTrafficPolicy", None)
        return
    if spec.get("ipFamilies"):
        return
    other = "IPv6" if primary_family == "IPv4" else "IPv4"
    if spec.get("clusterIP") == "None":
        if not spec.get("selector"):
            spec["ipFamilyPolicy"] = "RequireDualStack"
            spec["ipFamilies"] = [primary_family, other]
        else:
            spec["ipFamilyPolicy"] = "SingleStack"
            spec["ipFamilies"] = [primary_family]
        return
    families = ["IPv6" if is_ipv6_string(ip) else "IPv4" for ip in spec.get("clusterIPs") or []]
    spec["ipFamilies"] = families
    if len(families) == 1:
        spec["ipFamilyPolicy"] = "SingleStack"
    elif len(families) == 2:
        spec["ipFamilyPolicy"] = "RequireDualStack"


def matching_prefer_dual_stack(new: dict, old: dict | None) -> bool:
    """isMatchingPreferDualStackClusterIPFields: an unchanged PreferDualStack Service is left alone."""
    if old is None:
        return False
    spec, old_spec = read_spec(new), read_spec(old)
    if spec.get("ipFamilyPolicy") is None or old_spec.get("type") != spec.get("type"):
        return False
    if spec.get("type") not in ("ClusterIP", "NodePort", "LoadBalancer"):
        return False
    if spec.get("ipFamilyPolicy") != "PreferDualStack":
        return False
    if old_spec.get("ipFamilyPolicy") is not None and old_spec.get("ipFamilyPolicy") != "PreferDualStack":
        return False
    return _same_cluster_ips_plural(old, new) and _same_ip_families(old, new)


def _family_of(ip: str) -> str:
    if is_ipv4_string(ip):
        return "IPv4"
    if is_ipv6_string(ip):
        return "IPv6"
    return "unknown"


def init_ip_family_fields(new: dict, old: dict | None, configured: Sequence[str]) -> list[FieldError]:
    """initIPFamilyFields: default ipFamilyPolicy and ipFamilies from the cluster's families.

    Args:
        new: the Service being written (mutated in place).
        old: the stored Service on update, None on create.
        configured: the cluster's IP families, primary first (one or two).

    Returns:
        Field errors; the caller turns them into a 422 before any allocation happens.
    """
    spec = spec_of(new)
    if spec.get("type") == "ExternalName" or matching_prefer_dual_stack(new, old):
        return []
    default_family = configured[0]
    if spec.get("ipFamilyPolicy") is None:
        if old is not None and read_spec(old).get("ipFamilyPolicy") is not None:
            spec["ipFamilyPolicy"] = read_spec(old)["ipFamilyPolicy"]
        elif spec.get("clusterIP") == "None" and not spec.get("selector"):
            spec["ipFamilyPolicy"] = "RequireDualStack"
        else:
            spec["ipFamilyPolicy"] = "SingleStack"
    # Loose pre-validation keeps the allocation code free of corner cases.
    errs = validate_service_cluster_ips_related_fields(new)
    if errs:
        return errs
    policy = spec["ipFamilyPolicy"]
    if old is not None:
        if policy == "SingleStack":
            if _same_cluster_ips_plural(old, new) and len(spec.get("clusterIPs") or []) > 1:
                spec["clusterIPs"] = spec["clusterIPs"][:1]
            if _same_ip_families(old, new) and len(spec.get("ipFamilies") or []) > 1:
                spec["ipFamilies"] = spec["ipFamilies"][:1]
        else:
            old_spec = read_spec(old)
            if spec.get("clusterIPs") and len(spec["clusterIPs"]) < len(old_spec.get("clusterIPs") or []):
                errs.append(errors.invalid("spec.ipFamilyPolicy", policy,
                                           "must be 'SingleStack' to release the secondary cluster IP"))
            if spec.get("ipFamilies") and len(spec["ipFamilies"]) < len(old_spec.get("ipFamilies") or []):
                errs.append(errors.invalid("spec.ipFamilyPolicy", policy,
                                           "must be 'SingleStack' to release the secondary IP family"))
    if policy == "SingleStack":
        if len(spec.get("clusterIPs") or []) == 2:
            errs.append(errors.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or "
                                       "'PreferDualStack' when multiple cluster IPs are specified"))
        if len(spec.get("ipFamilies") or []) == 2:
            errs.append(errors.invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or "
                                       "'PreferDualStack' when multiple IP families are specified"))
    # Infer ipFamilies from the requested clusterIPs.
    for index, ip in enumerate(spec.get("clusterIPs") or []):
        if ip == "None":
            break
        family = _family_of(ip)
        if index >= len(spec.get("ipFamilies") or []):
            if family not in configured:
                errs.append(errors.invalid(f"spec.clusterIPs[{index}]", golit.string_slice(spec["clusterIPs"]),
                                           f"{family} is not configured on this cluster"))
            else:
                spec["ipFamilies"] = list(spec.get("ipFamilies") or []) + [family]
    if errs:
        return errs
    other = {"IPv4": "IPv6", "IPv6": "IPv4"}
    if spec.get("clusterIP") == "None" and not spec.get("selector"):
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = [default_family]
        if len(spec["ipFamilies"]) < 2 and policy != "SingleStack":
            spec["ipFamilies"].append(other[spec["ipFamilies"][0]])
        return []
    if policy == "RequireDualStack" and len(configured) < 2:
        errs.append(errors.invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"))
    for index, family in enumerate(spec.get("ipFamilies") or []):
        if family not in configured:
            errs.append(errors.invalid(f"spec.ipFamilies[{index}]", family, "not configured on this cluster"))
    if errs:
        return errs
    if not spec.get("ipFamilies"):
        spec["ipFamilies"] = [default_family]
    if policy != "SingleStack" and len(spec["ipFamilies"]) == 1 and len(configured) == 2:
        spec["ipFamilies"].append(other[spec["ipFamilies"][0]])
    return []


def _same_node_ports(old: dict, new: dict) -> bool:
    # Users may add, remove or change ports as long as they add no net-new nodePort.
    return set(collect_node_ports(new)) <= set(collect_node_ports(old))


def _same_cluster_ips_both(old: dict, new: dict) -> bool:
    # The strategy's sameClusterIPs looks at the singular field too.
    return (read_spec(old).get("clusterIP") or "") == (read_spec(new).get("clusterIP") or "") and _same_cluster_ips_plural(
        old, new)


def prepare_for_create(svc: dict) -> None:
    """svcStrategy.PrepareForCreate: status is the apiserver's, never the user's."""
    svc["status"] = {"loadBalancer": {}}


def prepare_for_update(new: dict, old: dict) -> None:
    """svcStrategy.PrepareForUpdate: keep the old status, wipe fields the new type cannot use."""
    new["status"] = copy.deepcopy(old.get("status") or {"loadBalancer": {}})
    drop_type_dependent_fields(new, old)


def drop_type_dependent_fields(new: dict, old: dict) -> None:
    """dropTypeDependentFields: clear what the old type needed and the new one cannot use,
    but only where the user left the value as it was (a changed value must fail validation)."""
    spec, old_spec = spec_of(new), read_spec(old)
    if needs_cluster_ip(old) and not needs_cluster_ip(new):
        if _same_cluster_ips_both(old, new):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if _same_ip_families(old, new):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old) and not needs_node_port(new) and _same_node_ports(old, new):
        for port in spec.get("ports") or []:
            port.pop("nodePort", None)
    if needs_health_check(old) and not needs_health_check(new):
        if int(spec.get("healthCheckNodePort") or 0) == int(old_spec.get("healthCheckNodePort") or 0):
            spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        new_alloc, old_alloc = spec.get("allocateLoadBalancerNodePorts"), old_spec.get("allocateLoadBalancerNodePorts")
        if new_alloc is not None and old_alloc is not None and new_alloc == old_alloc:
            spec.pop("allocateLoadBalancerNodePorts", None)
        if spec.get("loadBalancerClass") == old_spec.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
    if needs_node_port(old) and not needs_node_port(new):
        if spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
            spec.pop("externalTrafficPolicy", None)
    if spec.get("type") != "LoadBalancer":
        new.setdefault("status", {})["loadBalancer"] = {}
