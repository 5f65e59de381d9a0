"""ValidateService / ValidateServiceUpdate, as pkg/apis/core/validation (v1.32)."""

from __future__ import annotations

from trainer.engine import errors
from trainer.engine.defaults import externally_accessible, needs_health_check
from trainer.engine.errors import FieldError
from trainer.engine.netparse import parse_ip_sloppy
from trainer.engine.validation import content, golit
from trainer.engine.validation.meta import (
    name_is_dns1035_label,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SESSION_AFFINITIES = ("ClientIP", "None")
PROTOCOLS = ("SCTP", "TCP", "UDP")
EXTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
INTERNAL_TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_DISTRIBUTIONS = ("PreferClose",)
# core.MaxClientIPServiceAffinitySeconds (1 day).
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400

TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints"
LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _spec(svc: dict) -> dict:
    return svc.get("spec") or {}


def is_headless(svc: dict) -> bool:
    """isHeadlessService: clusterIPs is exactly ["None"]."""
    ips = _spec(svc).get("clusterIPs") or []
    return len(ips) == 1 and ips[0] == "None"


def validate_dns1123_label(value: str, path: str) -> list[FieldError]:
    """ValidateDNS1123Label."""
    return [errors.invalid(path, value, msg) for msg in content.is_dns1123_label(value)]


def validate_qualified_name(value: str, path: str) -> list[FieldError]:
    """ValidateQualifiedName."""
    return [errors.invalid(path, value, msg) for msg in content.is_qualified_name(value)]


def validate_port_num_or_name(port: int | str, path: str) -> list[FieldError]:
    """ValidatePortNumOrName: numbers 1..65535, names IANA_SVC_NAME."""
    if isinstance(port, str):
        return [errors.invalid(path, port, msg) for msg in content.is_valid_port_name(port)]
    return [errors.invalid(path, int(port), msg) for msg in content.is_valid_port_num(int(port))]


def validate_non_special_ip(ip: str, path: str) -> list[FieldError]:
    """ValidateNonSpecialIP: no unspecified, loopback or link-local addresses."""
    parsed = parse_ip_sloppy(ip)
    if parsed is None:
        return [errors.invalid(path, ip, "must be a valid IP address")]
    errs = []
    if parsed.is_unspecified:
        errs.append(errors.invalid(path, ip, f"may not be unspecified ({ip})"))
    if parsed.is_loopback:
        errs.append(errors.invalid(path, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if parsed.is_link_local:
        errs.append(errors.invalid(path, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
    if _is_link_local_multicast(parsed):
        errs.append(errors.invalid(path, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
    return errs


def _is_link_local_multicast(ip: object) -> bool:
    # Go's net.IP.IsLinkLocalMulticast: 224.0.0.0/24 and ff02::/16.
    packed = ip.packed  # type: ignore[attr-defined]
    if len(packed) == 4:
        return packed[:3] == b"\xe0\x00\x00"
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def _validate_service_port(port: dict, require_name: bool, names: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(errors.required(f"{path}.name"))
    elif name:
        errs.extend(validate_dns1123_label(name, f"{path}.name"))
        if name in names:
            errs.append(errors.duplicate(f"{path}.name", name))
        else:
            names.add(name)
    number = int(port.get("port") or 0)
    errs.extend(errors.invalid(f"{path}.port", number, msg) for msg in content.is_valid_port_num(number))
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(errors.required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(errors.not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    target = port.get("targetPort", 0)
    errs.extend(validate_port_num_or_name(0 if target is None else target, f"{path}.targetPort"))
    if port.get("appProtocol") is not None:
        errs.extend(validate_qualified_name(port["appProtocol"], f"{path}.appProtocol"))
    return errs


def _validate_client_ip_affinity(config: dict | None, path: str) -> list[FieldError]:
    detail = "when session affinity type is ClientIP"
    if config is None:
        return [errors.required(path, detail)]
    client_ip = config.get("clientIP")
    if client_ip is None:
        return [errors.required(f"{path}.clientIP", detail)]
    timeout = client_ip.get("timeoutSeconds")
    if timeout is None:
        return [errors.required(f"{path}.clientIP.timeoutSeconds", detail)]
    if timeout <= 0 or timeout > MAX_CLIENT_IP_AFFINITY_SECONDS:
        return [errors.invalid(f"{path}.clientIP.timeoutSeconds", timeout,
                               f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}")]
    return []


def _is_dual_stack(ips: list[str]) -> bool:
    families = {parse_ip_sloppy(ip).version for ip in ips}  # type: ignore[union-attr]
    return families == {4, 6}


def validate_service_cluster_ips_related_fields(svc: dict) -> list[FieldError]:
    """ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy consistency."""
    spec = _spec(svc)
    if spec.get("type") == "ExternalName":
        return []
    errs: list[FieldError] = []
    cluster_ip = spec.get("clusterIP") or ""
    cluster_ips = spec.get("clusterIPs")
    ips = cluster_ips or []
    if cluster_ip:
        if not ips:
            errs.append(errors.required("spec.clusterIPs"))
        elif ips[0] != cluster_ip:
            errs.append(errors.invalid("spec.clusterIPs", golit.string_slice(cluster_ips),
                                       "first value must match `clusterIP`"))
    elif ips:
        errs.append(errors.invalid("spec.clusterIPs", golit.string_slice(cluster_ips),
                                   "must be empty when `clusterIP` is not specified"))
    seen: set[str] = set()
    for index, family in enumerate(spec.get("ipFamilies") or []):
        if family not in IP_FAMILIES:
            errs.append(errors.not_supported(f"spec.ipFamilies[{index}]", family, IP_FAMILIES))
        if family in seen:
            errs.append(errors.duplicate(f"spec.ipFamilies[{index}]", family))
        seen.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(errors.not_supported("spec.ipFamilyPolicy", policy, IP_FAMILY_POLICIES))
    has_invalid_ips = False
    for index, ip in enumerate(ips):
        if index == 0 and ip == "None":
            if len(ips) > 1:
                has_invalid_ips = True
                errs.append(errors.invalid("spec.clusterIPs", golit.string_slice(cluster_ips),
                                           "'None' must be the first and only value"))
            continue
        if content.is_valid_ip(ip):
            has_invalid_ips = True
            errs.append(errors.invalid(f"spec.clusterIPs[{index}]", ip, content.IP_ERROR))
    if len(ips) > 2:
        errs.append(errors.invalid("spec.clusterIPs", golit.string_slice(cluster_ips), "may only hold up to 2 values"))
    # Bad or misplaced values would skew the dual-stack messages below.
    if has_invalid_ips:
        return errs
    if len(ips) > 1 and not _is_dual_stack(ips):
        errs.append(errors.invalid("spec.clusterIPs", golit.string_slice(cluster_ips),
                                   "may specify no more than one IP for each IP family"))
    families = spec.get("ipFamilies") or []
    if not is_headless(svc) and ips and families:
        for index, ip in enumerate(ips):
            if index > len(families) - 1:
                break
            v6 = parse_ip_sloppy(ip).version == 6  # type: ignore[union-attr]
            if families[index] == "IPv4" and v6:
                errs.append(errors.invalid(f"spec.clusterIPs[{index}]", ip,
                                           f"expected an IPv4 value as indicated by `ipFamilies[{index}]`"))
            if families[index] == "IPv6" and not v6:
                errs.append(errors.invalid(f"spec.clusterIPs[{index}]", ip,
                                           f"expected an IPv6 value as indicated by `ipFamilies[{index}]`"))
    return errs


def _validate_load_balancer_class(old: dict | None, svc: dict) -> list[FieldError]:
    spec = _spec(svc)
    errs: list[FieldError] = []
    lb_class = spec.get("loadBalancerClass")
    if old is not None and _spec(old).get("type") == "LoadBalancer" and spec.get("type") == "LoadBalancer":
        if _spec(old).get("loadBalancerClass") != lb_class:
            errs.append(errors.invalid("spec.loadBalancerClass", lb_class, "may not change once set"))
    if spec.get("type") == "LoadBalancer":
        if lb_class is not None:
            errs.extend(validate_qualified_name(lb_class, "spec.loadBalancerClass"))
    elif lb_class is not None:
        errs.append(errors.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"))
    return errs


def _validate_external_traffic_policy(svc: dict) -> list[FieldError]:
    spec = _spec(svc)
    errs: list[FieldError] = []
    policy = spec.get("externalTrafficPolicy") or ""
    if not externally_accessible(svc):
        if policy:
            errs.append(errors.invalid("spec.externalTrafficPolicy", policy,
                                       "may only be set for externally-accessible services"))
    elif not policy:
        errs.append(errors.required("spec.externalTrafficPolicy"))
    elif policy not in EXTERNAL_TRAFFIC_POLICIES:
        errs.append(errors.not_supported("spec.externalTrafficPolicy", policy, EXTERNAL_TRAFFIC_POLICIES))
    hc_port = int(spec.get("healthCheckNodePort") or 0)
    if not needs_health_check(svc):
        if hc_port:
            errs.append(errors.invalid("spec.healthCheckNodePort", hc_port, "may only be set when `type` is "
                                       "'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
    elif not hc_port:
        errs.append(errors.required("spec.healthCheckNodePort"))
    else:
        errs.extend(errors.invalid("spec.healthCheckNodePort", hc_port, msg) for msg in content.is_valid_port_num(hc_port))
    return errs


def _validate_type_specific(svc: dict) -> list[FieldError]:
    spec = _spec(svc)
    kind = spec.get("type")
    errs: list[FieldError] = []
    if kind in ("LoadBalancer", "NodePort") and is_headless(svc):
        errs.append(errors.invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {kind} services"))
    elif kind == "ExternalName":
        if spec.get("clusterIPs"):
            errs.append(errors.forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if spec.get("ipFamilies"):
            errs.append(errors.forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(errors.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        # A trailing dot marks the CNAME as fully qualified.
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs.extend(errors.invalid("spec.externalName", cname, msg) for msg in content.is_dns1123_subdomain(cname))
        else:
            errs.append(errors.required("spec.externalName"))
    return errs


def _validate_source_ranges(svc: dict) -> list[FieldError]:
    spec = _spec(svc)
    errs: list[FieldError] = []
    ranges = spec.get("loadBalancerSourceRanges") or []
    annotations = (svc.get("metadata") or {}).get("annotations") or {}
    if ranges:
        # Upstream's path really is capitalised here.
        path = "spec.LoadBalancerSourceRanges"
        if spec.get("type") != "LoadBalancer":
            errs.append(errors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
        for index, value in enumerate(ranges):
            value = value.strip()
            errs.extend(errors.invalid(f"{path}[{index}]", value, msg) for msg in content.is_valid_cidr(value))
    elif LB_SOURCE_RANGES_ANNOTATION in annotations:
        path = f"metadata.annotations[{LB_SOURCE_RANGES_ANNOTATION}]"
        if spec.get("type") != "LoadBalancer":
            errs.append(errors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
        value = annotations[LB_SOURCE_RANGES_ANNOTATION].strip()
        if value:
            for cidr in value.split(","):
                cidr = cidr.strip()
                errs.extend(errors.invalid(path, cidr, msg) for msg in content.is_valid_cidr(cidr))
    return errs


def validate_service(svc: dict) -> list[FieldError]:
    """ValidateService: every rule a Service must satisfy on create and update."""
    meta = svc.get("metadata") or {}
    spec = _spec(svc)
    errs = validate_object_meta(meta, name_is_dns1035_label)
    annotations = meta.get("annotations") or {}
    if TOPOLOGY_MODE_ANNOTATION in annotations and TOPOLOGY_HINTS_ANNOTATION in annotations:
        if annotations[TOPOLOGY_MODE_ANNOTATION] != annotations[TOPOLOGY_HINTS_ANNOTATION]:
            errs.append(errors.invalid(f"metadata.annotations[{TOPOLOGY_MODE_ANNOTATION}]",
                                       annotations[TOPOLOGY_MODE_ANNOTATION],
                                       f"must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified"))
    ports = spec.get("ports") or []
    kind = spec.get("type") or ""
    if not ports and not is_headless(svc) and kind != "ExternalName":
        errs.append(errors.required("spec.ports"))
    errs.extend(_validate_type_specific(svc))
    names: set[str] = set()
    for index, port in enumerate(ports):
        errs.extend(_validate_service_port(port, len(ports) > 1, names, f"spec.ports[{index}]"))
    if spec.get("selector") is not None:
        errs.extend(validate_labels(spec["selector"], "spec.selector"))
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        errs.append(errors.required("spec.sessionAffinity"))
    elif affinity not in SESSION_AFFINITIES:
        errs.append(errors.not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES))
    if affinity == "ClientIP":
        errs.extend(_validate_client_ip_affinity(spec.get("sessionAffinityConfig"), "spec.sessionAffinityConfig"))
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(errors.forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs.extend(validate_service_cluster_ips_related_fields(svc))
    for index, ip in enumerate(spec.get("externalIPs") or []):
        path = f"spec.externalIPs[{index}]"
        ip_errs = [errors.invalid(path, ip, msg) for msg in content.is_valid_ip(ip)]
        errs.extend(ip_errs or validate_non_special_ip(ip, path))
    if not kind:
        errs.append(errors.required("spec.type"))
    elif kind not in SERVICE_TYPES:
        errs.append(errors.not_supported("spec.type", kind, SERVICE_TYPES))
    if kind == "ClusterIP":
        for index, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(errors.forbidden(f"spec.ports[{index}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    seen_node_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports):
        node_port = int(port.get("nodePort") or 0)
        if node_port == 0:
            continue
        key = (port.get("protocol") or "", node_port)
        if key in seen_node_ports:
            errs.append(errors.duplicate(f"spec.ports[{index}].nodePort", node_port))
        seen_node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports):
        key = (port.get("protocol") or "", int(port.get("port") or 0))
        if key in seen_ports:
            errs.append(errors.duplicate(f"spec.ports[{index}]", golit.service_port_key(*key)))
        seen_ports.add(key)
    errs.extend(_validate_source_ranges(svc))
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.append(errors.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        # Upstream builds this path without the "spec" prefix.
        errs.append(errors.required("allocateLoadBalancerNodePorts"))
    errs.extend(_validate_load_balancer_class(None, svc))
    errs.extend(_validate_external_traffic_policy(svc))
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        # Not required for ExternalName, for historical reasons.
        if kind in ("NodePort", "LoadBalancer", "ClusterIP"):
            errs.append(errors.required("spec.internalTrafficPolicy"))
    elif itp not in INTERNAL_TRAFFIC_POLICIES:
        errs.append(errors.not_supported("spec.internalTrafficPolicy", itp, INTERNAL_TRAFFIC_POLICIES))
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution not in TRAFFIC_DISTRIBUTIONS:
        errs.append(errors.not_supported("spec.trafficDistribution", distribution, TRAFFIC_DISTRIBUTIONS))
    return errs


def _validate_upgrade_downgrade_cluster_ips(old: dict, svc: dict) -> list[FieldError]:
    old_spec, spec = _spec(old), _spec(svc)
    if spec.get("type") == "ExternalName" or old_spec.get("type") == "ExternalName":
        return []
    if is_headless(old) and is_headless(svc):
        return []
    old_ips, raw_ips = old_spec.get("clusterIPs") or [], spec.get("clusterIPs")
    ips = raw_ips or []
    shown = golit.string_slice(raw_ips)
    errs: list[FieldError] = []
    if len(old_ips) == len(ips):
        for index, ip in enumerate(old_ips):
            if ip != ips[index]:
                errs.append(errors.invalid(f"spec.clusterIPs[{index}]", shown, "may not change once set"))
    elif len(old_ips) > len(ips):
        if not ips:
            errs.append(errors.invalid("spec.clusterIPs[0]", shown, "primary clusterIP can not be unset"))
        if old_ips and ips and ips[0] != old_ips[0]:
            errs.append(errors.invalid("spec.clusterIPs[0]", shown, "may not change once set"))
        if len(ips) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(errors.invalid("spec.ipFamilyPolicy", spec.get("ipFamilyPolicy"),
                                       "must be set to 'SingleStack' when releasing the secondary clusterIP"))
    elif old_ips and ips[0] != old_ips[0]:
        errs.append(errors.invalid("spec.clusterIPs[0]", shown, "may not change once set"))
    return errs


def _validate_upgrade_downgrade_ip_families(old: dict, svc: dict) -> list[FieldError]:
    old_spec, spec = _spec(old), _spec(svc)
    if spec.get("type") == "ExternalName" or old_spec.get("type") == "ExternalName":
        return []
    if is_headless(old) != is_headless(svc) or is_headless(svc):
        return []
    old_families, raw_families = old_spec.get("ipFamilies") or [], spec.get("ipFamilies")
    families = raw_families or []
    shown_families = golit.string_slice(raw_families, "[]core.IPFamily")
    # Upstream prints clusterIPs, not ipFamilies, in some of these messages.
    shown_ips = golit.string_slice(spec.get("clusterIPs"))
    errs: list[FieldError] = []
    if len(old_families) == len(families):
        for index, family in enumerate(old_families):
            if family != families[index]:
                errs.append(errors.invalid("spec.ipFamilies[0]", shown_families, "may not change once set"))
    elif len(old_families) > len(families):
        if not spec.get("clusterIPs"):
            errs.append(errors.invalid("spec.ipFamilies[0]", shown_families, "primary ipFamily can not be unset"))
        if families and families[0] != old_families[0]:
            errs.append(errors.invalid("spec.ipFamilies[0]", shown_ips, "may not change once set"))
        if len(families) == 1 and spec.get("ipFamilyPolicy") != "SingleStack":
            errs.append(errors.invalid("spec.ipFamilyPolicy", spec.get("ipFamilyPolicy"),
                                       "must be set to 'SingleStack' when releasing the secondary ipFamily"))
    elif old_families and families and families[0] != old_families[0]:
        errs.append(errors.invalid("spec.ipFamilies[0]", shown_ips, "may not change once set"))
    return errs


def validate_service_update(svc: dict, old: dict) -> list[FieldError]:
    """ValidateServiceUpdate: the update-only rules, then ValidateService on the new object.

    Args:
        svc: the new Service, after defaulting, allocation and PrepareForUpdate.
        old: the stored Service.
    """
    errs = validate_object_meta_update(svc.get("metadata"), old.get("metadata"))
    errs.extend(_validate_upgrade_downgrade_cluster_ips(old, svc))
    errs.extend(_validate_upgrade_downgrade_ip_families(old, svc))
    errs.extend(_validate_load_balancer_class(old, svc))
    if needs_health_check(old) and needs_health_check(svc):
        if int(_spec(svc).get("healthCheckNodePort") or 0) != int(_spec(old).get("healthCheckNodePort") or 0):
            errs.append(errors.forbidden("spec.healthCheckNodePort", "field is immutable"))
    errs.extend(validate_service(svc))
    return errs
