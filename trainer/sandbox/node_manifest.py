"""The control plane's kube-apiserver static Pod manifest as kubeadm v1.32 writes it, and its flags."""

from __future__ import annotations

import yaml

MANIFEST_PATH = "/etc/kubernetes/manifests/kube-apiserver.yaml"
KUBERNETES_VERSION = "v1.32.4"

# kubeadm's defaults for a control plane node (cmd/kubeadm/app/phases/controlplane/manifests.go),
# before the ClusterConfiguration's extraArgs are merged in; kubeadm then sorts by flag name.
_PKI = "/etc/kubernetes/pki"


def kubeadm_flags(advertise: str, flags: dict[str, str]) -> dict[str, str]:
    """The kube-apiserver command-line flags kubeadm generates, with the cluster's own overrides."""
    out = {
        "advertise-address": advertise,
        "allow-privileged": "true",
        "authorization-mode": "Node,RBAC",
        "client-ca-file": f"{_PKI}/ca.crt",
        "enable-admission-plugins": "NodeRestriction",
        "enable-bootstrap-token-auth": "true",
        "etcd-cafile": f"{_PKI}/etcd/ca.crt",
        "etcd-certfile": f"{_PKI}/apiserver-etcd-client.crt",
        "etcd-keyfile": f"{_PKI}/apiserver-etcd-client.key",
        "etcd-servers": "https://127.0.0.1:2379",
        "kubelet-client-certificate": f"{_PKI}/apiserver-kubelet-client.crt",
        "kubelet-client-key": f"{_PKI}/apiserver-kubelet-client.key",
        "kubelet-preferred-address-types": "InternalIP,ExternalIP,Hostname",
        "proxy-client-cert-file": f"{_PKI}/front-proxy-client.crt",
        "proxy-client-key-file": f"{_PKI}/front-proxy-client.key",
        "requestheader-allowed-names": "front-proxy-client",
        "requestheader-client-ca-file": f"{_PKI}/front-proxy-ca.crt",
        "requestheader-extra-headers-prefix": "X-Remote-Extra-",
        "requestheader-group-headers": "X-Remote-Group",
        "requestheader-username-headers": "X-Remote-User",
        "secure-port": "6443",
        "service-account-issuer": "https://kubernetes.default.svc.cluster.local",
        "service-account-key-file": f"{_PKI}/sa.pub",
        "service-account-signing-key-file": f"{_PKI}/sa.key",
        "service-cluster-ip-range": "10.96.0.0/12",
        "tls-cert-file": f"{_PKI}/apiserver.crt",
        "tls-private-key-file": f"{_PKI}/apiserver.key",
    }
    out.update(flags)
    return dict(sorted(out.items()))


def _probe(host: str, path: str, threshold: int, period: int, initial: bool) -> list[str]:
    lines = [f"      failureThreshold: {threshold}", "      httpGet:", f"        host: {host}",
             f"        path: {path}", "        port: 6443", "        scheme: HTTPS"]
    if initial:
        lines.append("      initialDelaySeconds: 10")
    return lines + [f"      periodSeconds: {period}", "      timeoutSeconds: 15"]


_VOLUMES = (("ca-certs", "/etc/ssl/certs"), ("etc-ca-certificates", "/etc/ca-certificates"),
            ("k8s-certs", "/etc/kubernetes/pki"),
            ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates"),
            ("usr-share-ca-certificates", "/usr/share/ca-certificates"))


def manifest_text(advertise: str, flags: dict[str, str]) -> str:
    """/etc/kubernetes/manifests/kube-apiserver.yaml for a control plane node at ``advertise``."""
    lines = ["apiVersion: v1", "kind: Pod", "metadata:", "  annotations:",
             f"    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: {advertise}:6443",
             "  creationTimestamp: null", "  labels:", "    component: kube-apiserver",
             "    tier: control-plane", "  name: kube-apiserver", "  namespace: kube-system", "spec:",
             "  containers:", "  - command:", "    - kube-apiserver"]
    lines += [f"    - --{name}={value}" for name, value in kubeadm_flags(advertise, flags).items()]
    lines += [f"    image: registry.k8s.io/kube-apiserver:{KUBERNETES_VERSION}",
              "    imagePullPolicy: IfNotPresent", "    livenessProbe:"]
    lines += _probe(advertise, "/livez", 8, 10, True)
    lines += ["    name: kube-apiserver", "    readinessProbe:"]
    lines += _probe(advertise, "/readyz", 3, 1, False)
    lines += ["    resources:", "      requests:", "        cpu: 250m", "    startupProbe:"]
    lines += _probe(advertise, "/livez", 24, 10, True)
    lines.append("    volumeMounts:")
    for name, path in _VOLUMES:
        lines += [f"    - mountPath: {path}", f"      name: {name}", "      readOnly: true"]
    lines += ["  hostNetwork: true", "  priority: 2000001000", "  priorityClassName: system-node-critical",
              "  securityContext:", "    seccompProfile:", "      type: RuntimeDefault", "  volumes:"]
    for name, path in _VOLUMES:
        lines += ["  - hostPath:", f"      path: {path}", "      type: DirectoryOrCreate", f"    name: {name}"]
    lines.append("status: {}")
    return "\n".join(lines) + "\n"


def parse_manifest(text: str) -> dict[str, str] | str:
    """The kube-apiserver flags of a static Pod manifest, or why the kubelet cannot use the file.

    Returns:
        {flag name: value} from the kube-apiserver container's command and args, or an error
        message worded like the kubelet's when the YAML does not decode into such a Pod.
    """
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        return f"error converting YAML to JSON: yaml: {where}{problem}"
    if not isinstance(doc, dict) or doc.get("kind") != "Pod":
        return "invalid pod: the manifest is not a Pod"
    containers = (doc.get("spec") or {}).get("containers") if isinstance(doc.get("spec"), dict) else None
    if not isinstance(containers, list) or not containers or not isinstance(containers[0], dict):
        return "invalid pod: spec.containers: Required value"
    container = containers[0]
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])
             if isinstance(w, (str, int, float))]
    if not words or words[0] != "kube-apiserver":
        return "invalid pod: the container does not run kube-apiserver"
    flags: dict[str, str] = {}
    i = 1
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("--"):
            continue
        name, eq, value = word[2:].partition("=")
        if not eq and i < len(words) and not words[i].startswith("--"):
            value = words[i]
            i += 1
        flags[name] = value
    return flags


__all__ = ["KUBERNETES_VERSION", "MANIFEST_PATH", "kubeadm_flags", "manifest_text", "parse_manifest"]
