"""API validation of Services, Deployments and EndpointSlices, worded exactly as kube-apiserver v1.32."""

from trainer.engine.errors import FieldError
from trainer.engine.validation.deployment import validate_deployment, validate_deployment_update
from trainer.engine.validation.endpointslice import validate_endpoint_slice, validate_endpoint_slice_update
from trainer.engine.validation.golit import GoLiteral
from trainer.engine.validation.service import (
    is_headless,
    validate_service,
    validate_service_cluster_ips_related_fields,
    validate_service_update,
)

_CREATE = {
    "Service": validate_service,
    "Deployment": validate_deployment,
    "EndpointSlice": validate_endpoint_slice,
}
_UPDATE = {
    "Service": validate_service_update,
    "Deployment": validate_deployment_update,
    "EndpointSlice": validate_endpoint_slice_update,
}


def validate_object(obj: dict) -> list[FieldError]:
    """Create-time validation of a defaulted object; kinds without rules here pass."""
    validator = _CREATE.get(obj.get("kind", ""))
    return validator(obj) if validator is not None else []


def validate_object_update(obj: dict, old: dict) -> list[FieldError]:
    """Update-time validation of a defaulted object against the stored one."""
    validator = _UPDATE.get(obj.get("kind", ""))
    return validator(obj, old) if validator is not None else []


__all__ = [
    "GoLiteral",
    "is_headless",
    "validate_deployment",
    "validate_deployment_update",
    "validate_endpoint_slice",
    "validate_endpoint_slice_update",
    "validate_object",
    "validate_object_update",
    "validate_service",
    "validate_service_cluster_ips_related_fields",
    "validate_service_update",
]
