"""API defaulting of Services, Deployments, pod templates and EndpointSlices, as the v1 SetDefaults_* funcs."""

from __future__ import annotations

import copy
import re

# v1.DefaultClientIPServiceAffinitySeconds (3 hours).
DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800
TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_SCHEDULER_NAME = "default-scheduler"
DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
# 0644: the defaultMode of secret / configMap / downwardAPI / projected volumes.
DEFAULT_VOLUME_MODE = 420


def externally_accessible(svc: dict) -> bool:
    """apiservice.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs."""
    spec = svc.get("spec") or {}
    kind = spec.get("type", "")
    return kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(spec.get("externalIPs")))


def external_policy_local(svc: dict) -> bool:
    """apiservice.ExternalPolicyLocal."""
    return externally_accessible(svc) and (svc.get("spec") or {}).get("externalTrafficPolicy") == "Local"


def needs_health_check(svc: dict) -> bool:
    """apiservice.NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local."""
    return (svc.get("spec") or {}).get("type") == "LoadBalancer" and external_policy_local(svc)


def _set_defaults_service(svc: dict) -> None:
    spec = svc.setdefault("spec", {})
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig") or {}
        client_ip = config.get("clientIP") or {}
        if client_ip.get("timeoutSeconds") is None:
            # Upstream replaces the whole config, not just the missing leaf.
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_SECONDS}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in spec.get("ports") or []:
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port", 0)
    if externally_accessible(svc) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        # LoadBalancerIPMode is on by default in 1.32.
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        for entry in ingress:
            if entry.get("ip") and entry.get("ipMode") is None:
                entry["ipMode"] = "VIP"


def default_service(svc: dict) -> dict:
    """A defaulted copy of a v1 Service (SetDefaults_Service).

    ipFamilies, ipFamilyPolicy and clusterIPs are not set here: the registry infers them
    when it allocates (see servicealloc.init_ip_family_fields).
    """
    out = copy.deepcopy(svc)
    _set_defaults_service(out)
    return out


# --- image references (github.com/distribution/reference, as parsers.ParseImageName uses) ---

_NAME_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"((?:{_DOMAIN}/)?{_NAME_COMPONENT}(?:/{_NAME_COMPONENT})*)(?::({_TAG}))?(?:@({_DIGEST}))?", re.ASCII
)
_DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}


def _split_docker_domain(name: str) -> tuple[str, str]:
    slash = name.find("/")
    if slash == -1 or (
        not any(c in name[:slash] for c in ".:") and name[:slash] != "localhost" and name[:slash].lower() == name[:slash]
    ):
        domain, rest = "docker.io", name
    else:
        domain, rest = name[:slash], name[slash + 1:]
    if domain == "index.docker.io":
        domain = "docker.io"
    if domain == "docker.io" and "/" not in rest:
        rest = "library/" + rest
    return domain, rest


def image_tag(image: str) -> str | None:
    """The tag parsers.ParseImageName reports: the explicit tag, "latest" when neither tag
    nor digest is given, "" for digest-only references, None when the reference is invalid."""
    if re.fullmatch(r"[a-f0-9]{64}", image):
        return None
    domain, rest = _split_docker_domain(image)
    colon = rest.find(":")
    repo = rest[:colon] if colon > -1 else rest
    if repo.lower() != repo:
        return None
    full = f"{domain}/{rest}"
    match = _REFERENCE.fullmatch(full)
    if match is None or len(match.group(1)) > 255:
        return None
    tag, digest = match.group(2), match.group(3)
    if digest is not None:
        algorithm, _, encoded = digest.partition(":")
        if _DIGEST_HEX_LENGTH.get(algorithm) != len(encoded) or not re.fullmatch(r"[a-f0-9]+", encoded):
            return None
    if not tag and not digest:
        return "latest"
    return tag or ""


def _set_defaults_probe(probe: dict | None) -> None:
    if not isinstance(probe, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1), ("failureThreshold", 3)):
        if not probe.get(key):
            probe[key] = value
    http = probe.get("httpGet")
    if isinstance(http, dict):
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _set_defaults_container(container: dict) -> None:
    if not container.get("imagePullPolicy"):
        tag = image_tag(container.get("image", ""))
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = TERMINATION_MESSAGE_PATH
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    # resources is a non-pointer struct: the API always renders it, as {} when empty.
    if container.get("resources") is None:
        container["resources"] = {}
    for port in container.get("ports") or []:
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in container.get("env") or []:
        field_ref = (env.get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _set_defaults_probe(container.get(name))


_VOLUME_SOURCES_WITH_MODE = ("secret", "configMap", "downwardAPI", "projected")


def _set_defaults_volume(volume: dict) -> None:
    if not any(key != "name" for key in volume):
        volume["emptyDir"] = {}
    for source in _VOLUME_SOURCES_WITH_MODE:
        if isinstance(volume.get(source), dict) and volume[source].get("defaultMode") is None:
            volume[source]["defaultMode"] = DEFAULT_VOLUME_MODE
    if isinstance(volume.get("hostPath"), dict) and volume["hostPath"].get("type") is None:
        volume["hostPath"]["type"] = ""


def _set_defaults_pod_spec(spec: dict) -> None:
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    for key in ("containers", "initContainers"):
        for container in spec.get(key) or []:
            _set_defaults_container(container)
    for volume in spec.get("volumes") or []:
        _set_defaults_volume(volume)


def default_pod_template(template: dict) -> dict:
    """A defaulted copy of a PodTemplateSpec (SetDefaults_PodSpec and the container defaults)."""
    out = copy.deepcopy(template)
    _set_defaults_pod_spec(out.setdefault("spec", {}))
    return out


def _set_defaults_deployment(dep: dict) -> None:
    spec = dep.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = spec.setdefault("strategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if rolling is None:
            rolling = strategy["rollingUpdate"] = {}
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    template = spec.setdefault("template", {})
    _set_defaults_pod_spec(template.setdefault("spec", {}))


def default_deployment(dep: dict) -> dict:
    """A defaulted copy of an apps/v1 Deployment (SetDefaults_Deployment and its pod template)."""
    out = copy.deepcopy(dep)
    _set_defaults_deployment(out)
    return out


def default_endpoint_slice(slice_: dict) -> dict:
    """A defaulted copy of a discovery/v1 EndpointSlice (SetDefaults_EndpointPort)."""
    out = copy.deepcopy(slice_)
    _set_defaults_endpoint_slice(out)
    return out



def _set_defaults_pod(pod: dict) -> None:
    spec = pod.setdefault("spec", {})
    for key in ("containers", "initContainers"):
        for container in spec.get(key) or []:
            resources = container.get("resources") or {}
            limits = resources.get("limits")
            # SetDefaults_Pod: missing requests default to the limits (pods only, not templates).
            if limits:
                requests = resources.setdefault("requests", {})
                for name, quantity in limits.items():
                    requests.setdefault(name, quantity)
                container["resources"] = resources
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for key in ("containers", "initContainers"):
            for container in spec.get(key) or []:
                for port in container.get("ports") or []:
                    if not port.get("hostPort"):
                        port["hostPort"] = port.get("containerPort", 0)
    _set_defaults_pod_spec(spec)


def _set_defaults_replica_set(rs: dict) -> None:
    spec = rs.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _set_defaults_pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))


def _set_defaults_endpoints(eps: dict) -> None:
    for subset in eps.get("subsets") or []:
        for port in subset.get("ports") or []:
            if not port.get("protocol"):
                port["protocol"] = "TCP"


def _set_defaults_endpoint_slice(slice_: dict) -> None:
    for port in slice_.get("ports") or []:
        if port.get("name") is None:
            port["name"] = ""
        if port.get("protocol") is None:
            port["protocol"] = "TCP"


def _set_defaults_namespace(ns: dict) -> None:
    name = (ns.get("metadata") or {}).get("name")
    if name:
        ns["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name


_DEFAULTERS = {
    "Service": _set_defaults_service,
    "Deployment": _set_defaults_deployment,
    "ReplicaSet": _set_defaults_replica_set,
    "Pod": _set_defaults_pod,
    "Endpoints": _set_defaults_endpoints,
    "EndpointSlice": _set_defaults_endpoint_slice,
    "Namespace": _set_defaults_namespace,
}


def apply_defaults(obj: dict) -> dict:
    """Default an object of any kind in place, as decoding into the apiserver does.

    Kinds without defaulting functions are left untouched.

    Returns:
        The same object, for chaining.
    """
    defaulter = _DEFAULTERS.get(obj.get("kind", ""))
    if defaulter is not None:
        defaulter(obj)
    return obj
