"""ValidateEndpointSlice, as pkg/apis/discovery/validation (v1.32)."""

from __future__ import annotations

from trainer.engine import errors
from trainer.engine.errors import FieldError
from trainer.engine.netparse import parse_ip_sloppy
from trainer.engine.validation import content
from trainer.engine.validation.meta import name_is_dns_subdomain, validate_immutable, validate_object_meta
from trainer.engine.validation.service import (
    PROTOCOLS,
    validate_dns1123_label,
    validate_non_special_ip,
    validate_qualified_name,
)

ADDRESS_TYPES = ("FQDN", "IPv4", "IPv6")
MAX_ADDRESSES = 100
MAX_PORTS = 20000
MAX_ENDPOINTS = 1000


def _validate_address(address: str, address_type: str, path: str) -> list[FieldError]:
    if address_type in ("IPv4", "IPv6"):
        parsed = parse_ip_sloppy(address)
        wanted = 4 if address_type == "IPv4" else 6
        if parsed is None or parsed.version != wanted:
            errs = [errors.invalid(path, address, f"must be a valid {address_type} address")]
        else:
            errs = []
        # ValidateEndpointIP repeats the parse, so a bad address is reported twice.
        return errs + validate_non_special_ip(address, path)
    if address_type == "FQDN":
        return _validate_fqdn(address, path)
    return []


def _validate_fqdn(name: str, path: str) -> list[FieldError]:
    # validation.IsFullyQualifiedDomainName.
    if not name:
        return [errors.required(path)]
    name = name.removesuffix(".")
    msgs = content.is_dns1123_subdomain(name)
    if msgs:
        return [errors.invalid(path, name, ",".join(msgs))]
    if len(name.split(".")) < 2:
        return [errors.invalid(path, name, "should be a domain with at least two segments separated by dots")]
    for label in name.split("."):
        msgs = content.is_dns1123_label(label)
        if msgs:
            return [errors.invalid(path, label, ",".join(msgs))]
    return []


def validate_endpoint_slice(slice_: dict) -> list[FieldError]:
    """ValidateEndpointSlice for a defaulted discovery.k8s.io/v1 EndpointSlice."""
    errs = validate_object_meta(slice_.get("metadata"), name_is_dns_subdomain)
    address_type = slice_.get("addressType") or ""
    if not address_type:
        errs.append(errors.required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        errs.append(errors.not_supported("addressType", address_type, ADDRESS_TYPES))
    endpoints = slice_.get("endpoints") or []
    if len(endpoints) > MAX_ENDPOINTS:
        errs.append(errors.FieldError(errors.TOO_MANY, "endpoints", len(endpoints),
                                      f"must have at most {MAX_ENDPOINTS} items"))
    else:
        for index, endpoint in enumerate(endpoints):
            path = f"endpoints[{index}]"
            addresses = endpoint.get("addresses") or []
            if not addresses:
                errs.append(errors.required(f"{path}.addresses", "must contain at least 1 address"))
            elif len(addresses) > MAX_ADDRESSES:
                errs.append(errors.FieldError(errors.TOO_MANY, f"{path}.addresses", len(addresses),
                                              f"must have at most {MAX_ADDRESSES} items"))
            for addr_index, address in enumerate(addresses):
                errs.extend(_validate_address(address, address_type, f"{path}.addresses[{addr_index}]"))
            if endpoint.get("nodeName") is not None:
                errs.extend(errors.invalid(f"{path}.nodeName", endpoint["nodeName"], msg)
                            for msg in name_is_dns_subdomain(endpoint["nodeName"], False))
            if endpoint.get("hostname") is not None:
                errs.extend(validate_dns1123_label(endpoint["hostname"], f"{path}.hostname"))
    ports = slice_.get("ports") or []
    if len(ports) > MAX_PORTS:
        errs.append(errors.FieldError(errors.TOO_MANY, "ports", len(ports), f"must have at most {MAX_PORTS} items"))
        return errs
    names: set[str] = set()
    for index, port in enumerate(ports):
        path = f"ports[{index}]"
        name = port.get("name") or ""
        if name:
            errs.extend(validate_dns1123_label(name, f"{path}.name"))
        if name in names:
            errs.append(errors.duplicate(f"{path}.name", name))
        else:
            names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(errors.required(f"{path}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(errors.not_supported(f"{path}.protocol", protocol, PROTOCOLS))
        if port.get("appProtocol") is not None:
            errs.extend(validate_qualified_name(port["appProtocol"], f"{path}.appProtocol"))
    return errs


def validate_endpoint_slice_update(slice_: dict, old: dict) -> list[FieldError]:
    """ValidateEndpointSliceUpdate: addressType is immutable."""
    errs = validate_endpoint_slice(slice_)
    errs.extend(validate_immutable(slice_.get("addressType"), old.get("addressType"), "addressType"))
    return errs
