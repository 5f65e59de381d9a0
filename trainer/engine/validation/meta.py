"""ObjectMeta, label and label-selector validation, as apimachinery's api/validation and meta/v1/validation."""

from __future__ import annotations

import json
from typing import Callable

from trainer.engine import errors
from trainer.engine.errors import FieldError
from trainer.engine.validation import content

NameFn = Callable[[str, bool], list[str]]

# apimachineryvalidation.TotalAnnotationSizeLimitB (256 KiB).
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024

SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _mask_trailing_dash(name: str) -> str:
    # With generateName, a random suffix follows, so a trailing dash is fine.
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    """apimachineryvalidation.NameIsDNS1035Label (Service names)."""
    return content.is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    """apimachineryvalidation.NameIsDNSSubdomain (Deployment, EndpointSlice names)."""
    return content.is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    """apimachineryvalidation.NameIsDNSLabel (namespace names)."""
    return content.is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def validate_label_name(key: str, path: str) -> list[FieldError]:
    """v1validation.ValidateLabelName."""
    return [errors.invalid(path, key, msg) for msg in content.is_qualified_name(key)]


def validate_labels(labels: dict | None, path: str) -> list[FieldError]:
    """v1validation.ValidateLabels: the errors name the map path, not the key."""
    errs: list[FieldError] = []
    for key, value in (labels or {}).items():
        errs.extend(validate_label_name(str(key), path))
        errs.extend(errors.invalid(path, value, msg) for msg in content.is_valid_label_value(str(value)))
    return errs


def validate_annotations(annotations: dict | None, path: str) -> list[FieldError]:
    """apimachineryvalidation.ValidateAnnotations: keys are qualified names, case-insensitively."""
    errs: list[FieldError] = []
    for key in annotations or {}:
        errs.extend(errors.invalid(path, key, msg) for msg in content.is_qualified_name(str(key).lower()))
    size = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in (annotations or {}).items())
    if size > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(errors.too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT))
    return errs


def validate_object_meta(meta: dict | None, name_fn: NameFn, path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMeta for a namespaced object.

    A missing namespace is not reported: the apiserver takes it from the request URL,
    which is the caller's business.
    """
    meta = meta or {}
    errs: list[FieldError] = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errs.extend(errors.invalid(f"{path}.generateName", generate_name, msg) for msg in name_fn(generate_name, True))
    name = meta.get("name") or ""
    if not name:
        errs.append(errors.required(f"{path}.name", "name or generateName is required"))
    else:
        errs.extend(errors.invalid(f"{path}.name", name, msg) for msg in name_fn(name, False))
    namespace = meta.get("namespace")
    if namespace:
        errs.extend(errors.invalid(f"{path}.namespace", namespace, msg) for msg in name_is_dns_label(namespace, False))
    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        errs.append(errors.invalid(f"{path}.generation", generation, content.IS_NEGATIVE_ERROR))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    return errs


def validate_immutable(new_value: object, old_value: object, path: str, shown: object = None) -> list[FieldError]:
    """apimachineryvalidation.ValidateImmutableField (nil and empty compare equal, as Semantic.DeepEqual).

    Args:
        new_value: the submitted value.
        old_value: the stored value.
        path: the field path.
        shown: the bad value to print, when it must be a Go literal; defaults to new_value.
    """
    if _semantic(new_value) == _semantic(old_value):
        return []
    return [errors.invalid(path, new_value if shown is None else shown, content.FIELD_IMMUTABLE_ERROR)]


def _semantic(value: object) -> str:
    def strip(item: object) -> object:
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if v not in (None, {}, [])}
        if isinstance(item, list):
            return [strip(v) for v in item]
        return item

    return json.dumps(strip(value if value not in ({}, []) else None), sort_keys=True)


def validate_object_meta_update(new_meta: dict | None, old_meta: dict | None, path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMetaUpdate: identity fields immutable, labels and annotations re-validated.

    resourceVersion and uid bookkeeping is left to the store.
    """
    new_meta, old_meta = new_meta or {}, old_meta or {}
    errs: list[FieldError] = []
    errs.extend(validate_immutable(new_meta.get("name", ""), old_meta.get("name", ""), f"{path}.name"))
    if new_meta.get("namespace") and old_meta.get("namespace"):
        errs.extend(validate_immutable(new_meta["namespace"], old_meta["namespace"], f"{path}.namespace"))
    errs.extend(validate_labels(new_meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(new_meta.get("annotations"), f"{path}.annotations"))
    return errs


def validate_label_selector(selector: dict | None, path: str) -> list[FieldError]:
    """v1validation.ValidateLabelSelector with AllowInvalidLabelValueInSelector false."""
    if selector is None:
        return []
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for index, expr in enumerate(selector.get("matchExpressions") or []):
        expr_path = f"{path}.matchExpressions[{index}]"
        operator = expr.get("operator", "")
        values = expr.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(errors.required(f"{expr_path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(errors.forbidden(
                    f"{expr_path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
        else:
            errs.append(errors.invalid(f"{expr_path}.operator", operator, "not a valid selector operator"))
        errs.extend(validate_label_name(str(expr.get("key", "")), f"{expr_path}.key"))
        for value_index, value in enumerate(values):
            errs.extend(errors.invalid(f"{expr_path}.values[{value_index}]", value, msg)
                        for msg in content.is_valid_label_value(str(value)))
    return errs


def selector_convertible(selector: dict) -> bool:
    """Whether metav1.LabelSelectorAsSelector accepts the selector (labels.NewRequirement rules)."""
    for key, value in (selector.get("matchLabels") or {}).items():
        if content.is_qualified_name(str(key)) or content.is_valid_label_value(str(value)):
            return False
    for expr in selector.get("matchExpressions") or []:
        operator = expr.get("operator", "")
        values = expr.get("values") or []
        if operator not in SELECTOR_OPERATORS or content.is_qualified_name(str(expr.get("key", ""))):
            return False
        if operator in ("In", "NotIn") and not values:
            return False
        if operator in ("Exists", "DoesNotExist") and values:
            return False
        if any(content.is_valid_label_value(str(v)) for v in values):
            return False
    return True


def selector_is_empty(selector: dict) -> bool:
    """An empty (match-everything) selector: no matchLabels and no matchExpressions."""
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def selector_matches(selector: dict | None, labels: dict | None) -> bool:
    """labels.Selector.Matches; a nil selector matches nothing, an empty one everything."""
    if selector is None:
        return False
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, operator, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True
