"""ValidateDeployment / ValidateDeploymentUpdate and the pod-template rules they use (v1.32)."""

from __future__ import annotations

from trainer.engine import errors
from trainer.engine.errors import FieldError
from trainer.engine.validation import content, golit
from trainer.engine.validation.meta import (
    name_is_dns_subdomain,
    selector_convertible,
    selector_is_empty,
    selector_matches,
    validate_annotations,
    validate_immutable,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from trainer.engine.validation.service import PROTOCOLS, validate_dns1123_label

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
STRATEGY_TYPES = ("Recreate", "RollingUpdate")


def _nonnegative(value: int, path: str) -> list[FieldError]:
    return [errors.invalid(path, value, content.IS_NEGATIVE_ERROR)] if value < 0 else []


def _validate_container_ports(ports: list[dict], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for index, port in enumerate(ports):
        idx = f"{path}[{index}]"
        name = port.get("name") or ""
        if name:
            msgs = content.is_valid_port_name(name)
            if msgs:
                errs.extend(errors.invalid(f"{idx}.name", name, msg) for msg in msgs)
            elif name in names:
                errs.append(errors.duplicate(f"{idx}.name", name))
            else:
                names.add(name)
        container_port = int(port.get("containerPort") or 0)
        if container_port == 0:
            errs.append(errors.required(f"{idx}.containerPort"))
        else:
            errs.extend(errors.invalid(f"{idx}.containerPort", container_port, msg)
                        for msg in content.is_valid_port_num(container_port))
        host_port = int(port.get("hostPort") or 0)
        if host_port:
            errs.extend(errors.invalid(f"{idx}.hostPort", host_port, msg) for msg in content.is_valid_port_num(host_port))
        protocol = port.get("protocol") or ""
        if not protocol:
            errs.append(errors.required(f"{idx}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(errors.not_supported(f"{idx}.protocol", protocol, PROTOCOLS))
    return errs


def _validate_container(container: dict, path: str) -> list[FieldError]:
    # validateContainerCommon, the parts a NodePort lab can reach.
    errs: list[FieldError] = []
    name = container.get("name") or ""
    if not name:
        errs.append(errors.required(f"{path}.name"))
    else:
        errs.extend(validate_dns1123_label(name, f"{path}.name"))
    if not container.get("image"):
        errs.append(errors.required(f"{path}.image"))
    policy = container.get("terminationMessagePolicy") or ""
    if not policy:
        errs.append(errors.required(f"{path}.terminationMessagePolicy"))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errs.append(errors.not_supported(f"{path}.terminationMessagePolicy", policy, TERMINATION_MESSAGE_POLICIES))
    errs.extend(_validate_container_ports(container.get("ports") or [], f"{path}.ports"))
    pull = container.get("imagePullPolicy") or ""
    if not pull:
        errs.append(errors.required(f"{path}.imagePullPolicy"))
    elif pull not in PULL_POLICIES:
        errs.append(errors.not_supported(f"{path}.imagePullPolicy", pull, PULL_POLICIES))
    return errs


def validate_pod_spec(spec: dict, path: str) -> list[FieldError]:
    """The subset of ValidatePodSpec that concerns containers, restart and DNS policy."""
    errs: list[FieldError] = []
    containers = spec.get("containers") or []
    if not containers:
        errs.append(errors.required(f"{path}.containers"))
    names: set[str] = set()
    for index, container in enumerate(containers):
        cpath = f"{path}.containers[{index}]"
        errs.extend(_validate_container(container, cpath))
        name = container.get("name") or ""
        if name in names:
            errs.append(errors.duplicate(f"{cpath}.name", name))
        else:
            names.add(name)
    restart = spec.get("restartPolicy") or ""
    if not restart:
        errs.append(errors.required(f"{path}.restartPolicy"))
    elif restart not in RESTART_POLICIES:
        errs.append(errors.not_supported(f"{path}.restartPolicy", restart, RESTART_POLICIES))
    dns = spec.get("dnsPolicy") or ""
    if not dns:
        errs.append(errors.required(f"{path}.dnsPolicy"))
    elif dns not in DNS_POLICIES:
        errs.append(errors.not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    return errs


def validate_pod_template_spec(template: dict, path: str) -> list[FieldError]:
    """ValidatePodTemplateSpec: note the labels path is <template>.labels, without "metadata"."""
    meta = template.get("metadata") or {}
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_pod_spec(template.get("spec") or {}, f"{path}.spec"))
    return errs


def _validate_template_for_replica_set(template: dict, selector: dict | None, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    labels = (template.get("metadata") or {}).get("labels")
    # A nil selector converts to labels.Nothing(), which is not empty and matches nothing.
    if selector is None or not selector_is_empty(selector):
        if not selector_matches(selector, labels):
            errs.append(errors.invalid(f"{path}.metadata.labels", golit.GoLiteral(golit.string_map(labels)),
                                       "`selector` does not match template `labels`"))
    errs.extend(validate_pod_template_spec(template, path))
    restart = (template.get("spec") or {}).get("restartPolicy") or ""
    if restart != "Always":
        errs.append(errors.not_supported(f"{path}.spec.restartPolicy", restart, ("Always",)))
    if (template.get("spec") or {}).get("activeDeadlineSeconds") is not None:
        errs.append(errors.invalid(f"{path}.spec.activeDeadlineSeconds", template["spec"]["activeDeadlineSeconds"],
                                   "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs


def _percent(value: object) -> int | None:
    if isinstance(value, str) and not content.is_valid_percent(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: object) -> int:
    percent = _percent(value)
    if percent is not None:
        return percent
    if isinstance(value, str):
        # IntOrString.IntValue() Atoi's a string, yielding 0 when it is not a number.
        return int(value) if value.isascii() and value.lstrip("+-").isdigit() else 0
    return value if isinstance(value, int) else 0


def _validate_positive_int_or_percent(value: object, path: str) -> list[FieldError]:
    if isinstance(value, str):
        return [errors.invalid(path, golit.int_or_string(value), msg) for msg in content.is_valid_percent(value)]
    return _nonnegative(int(value or 0), path)


def _validate_rolling_update(rolling: dict, path: str) -> list[FieldError]:
    max_unavailable = rolling.get("maxUnavailable", 0)
    max_surge = rolling.get("maxSurge", 0)
    errs = _validate_positive_int_or_percent(max_unavailable, f"{path}.maxUnavailable")
    errs.extend(_validate_positive_int_or_percent(max_surge, f"{path}.maxSurge"))
    if _int_or_percent_value(max_unavailable) == 0 and _int_or_percent_value(max_surge) == 0:
        errs.append(errors.invalid(f"{path}.maxUnavailable", golit.int_or_string(max_unavailable),
                                   "may not be 0 when `maxSurge` is 0"))
    percent = _percent(max_unavailable)
    if percent is not None and percent > 100:
        errs.append(errors.invalid(f"{path}.maxUnavailable", golit.int_or_string(max_unavailable),
                                   "must not be greater than 100%"))
    return errs


def _validate_strategy(strategy: dict, path: str) -> list[FieldError]:
    kind = strategy.get("type") or ""
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            return [errors.forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if kind == "RollingUpdate":
        if strategy.get("rollingUpdate") is None:
            return [errors.required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
        return _validate_rolling_update(strategy["rollingUpdate"], f"{path}.rollingUpdate")
    return [errors.not_supported(path, golit.deployment_strategy(strategy), STRATEGY_TYPES)]


def validate_deployment_spec(spec: dict, path: str = "spec") -> list[FieldError]:
    """ValidateDeploymentSpec."""
    errs = _nonnegative(int(spec.get("replicas") or 0), f"{path}.replicas")
    selector = spec.get("selector")
    if selector is None:
        errs.append(errors.required(f"{path}.selector"))
    else:
        errs.extend(validate_label_selector(selector, f"{path}.selector"))
        if selector_is_empty(selector):
            errs.append(errors.invalid(f"{path}.selector", golit.label_selector(selector),
                                       "empty selector is invalid for deployment"))
    if selector is not None and not selector_convertible(selector):
        errs.append(errors.invalid(f"{path}.selector", golit.label_selector(selector), "invalid label selector"))
    else:
        errs.extend(_validate_template_for_replica_set(spec.get("template") or {}, selector, f"{path}.template"))
    errs.extend(_validate_strategy(spec.get("strategy") or {}, f"{path}.strategy"))
    min_ready = int(spec.get("minReadySeconds") or 0)
    errs.extend(_nonnegative(min_ready, f"{path}.minReadySeconds"))
    if spec.get("revisionHistoryLimit") is not None:
        errs.extend(_nonnegative(int(spec["revisionHistoryLimit"]), f"{path}.revisionHistoryLimit"))
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs.extend(_nonnegative(int(deadline), f"{path}.progressDeadlineSeconds"))
        if deadline <= min_ready:
            errs.append(errors.invalid(f"{path}.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return errs


def validate_deployment(dep: dict) -> list[FieldError]:
    """ValidateDeployment (name is a DNS-1123 subdomain), for a defaulted apps/v1 Deployment."""
    errs = validate_object_meta(dep.get("metadata"), name_is_dns_subdomain)
    errs.extend(validate_deployment_spec(dep.get("spec") or {}))
    return errs


def validate_deployment_update(dep: dict, old: dict) -> list[FieldError]:
    """The apps/v1 update rules: ValidateDeploymentUpdate plus the immutable selector."""
    errs = validate_object_meta_update(dep.get("metadata"), old.get("metadata"))
    errs.extend(validate_deployment_spec(dep.get("spec") or {}))
    new_selector = (dep.get("spec") or {}).get("selector")
    old_selector = (old.get("spec") or {}).get("selector")
    shown = golit.label_selector(new_selector) if new_selector is not None else None
    errs.extend(validate_immutable(new_selector, old_selector, "spec.selector", shown))
    return errs
