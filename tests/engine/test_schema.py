"""Tests for trainer.engine.schema: the kind registry, strict decoding and explain data."""

from __future__ import annotations

import copy
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.seed import SEED_WITH_30080
from trainer.engine import schema
from trainer.engine.errors import Status
from trainer.engine.manifests import load_manifests
from trainer.engine.schema import ClientError, decode, explain, explain_fields, kind_for_resource, lookup

SEED = SEED_WITH_30080


def seed() -> tuple[dict, dict]:
    svc, deploy = load_manifests(SEED, "web.yaml").documents
    return svc.obj, deploy.obj


def server_error(result: schema.DecodeResult) -> str:
    assert result.client_error is None
    assert isinstance(result.status, Status)
    assert (result.status.code, result.status.reason) == (400, "BadRequest")
    return result.status.message


# --------------------------------------------------------------------------- registry


def test_registry_knows_the_kinds_and_their_resources():
    svc = lookup("v1", "Service")
    assert (svc.group, svc.version, svc.resource, svc.namespaced, svc.short_names) == ("", "v1", "services", True, ("svc",))
    assert svc.api_version == "v1" and not svc.fixture
    assert lookup("apps/v1", "Deployment").resource == "deployments"
    assert lookup("apps/v1", "ReplicaSet").short_names == ("rs",)
    assert lookup("discovery.k8s.io/v1", "EndpointSlice").resource == "endpointslices"
    assert lookup("v1", "Node").namespaced is False
    assert lookup("v1", "Namespace").namespaced is False
    assert lookup("v1", "Endpoints").resource == "endpoints"
    assert lookup("v1", "Pod").resource == "pods"
    assert lookup("v1", "List").list_of == ""
    assert lookup("v1", "ServiceList").list_of == "Service"
    for version in ("v1beta3", "v1beta4"):
        info = lookup(f"kubeadm.k8s.io/{version}", "ClusterConfiguration")
        assert info.fixture and info.resource is None
    assert lookup("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration").fixture
    assert lookup("v1", "Deployment") is None
    assert lookup("apps/v1", "Service") is None


@pytest.mark.parametrize(("name", "kind"), [
    ("svc", "Service"), ("services", "Service"), ("service", "Service"), ("Service", "Service"),
    ("deploy", "Deployment"), ("deployments.apps", "Deployment"), ("rs", "ReplicaSet"),
    ("endpointslices", "EndpointSlice"), ("ep", "Endpoints"), ("no", "Node"), ("ns", "Namespace"),
    ("po", "Pod"),
])
def test_kind_for_resource(name, kind):
    assert kind_for_resource(name).kind == kind


def test_kind_for_resource_unknown():
    assert kind_for_resource("ingresses") is None
    assert kind_for_resource("deployments.batch") is None


# --------------------------------------------------------------------------- the seed


def test_seed_decodes_cleanly_and_fast():
    svc, deploy = seed()
    for obj, kind in ((svc, "Service"), (deploy, "Deployment")):
        result = decode(obj)
        assert result.ok and result.error is None and result.problems == ()
        assert result.info.kind == kind
        assert result.kubectl_message() is None
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        decode(svc)
        decode(deploy)
    per_pair = (time.perf_counter() - start) / runs
    # About 20 microseconds on a laptop-class CPU; the bound only catches pathologies.
    assert per_pair < 0.002


# --------------------------------------------------------------------------- type errors


def test_string_port_is_the_apiservers_bad_request():
    svc, _ = seed()
    svc["spec"]["ports"][0]["port"] = "80"
    result = decode(svc, source="svc.yaml")
    assert server_error(result) == ('Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
                                    'string into Go struct field ServicePort.spec.ports.port of type int32')
    assert result.kubectl_message("creating") == (
        'Error from server (BadRequest): error when creating "svc.yaml": Service in version "v1" cannot be handled '
        'as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32')
    assert result.error is result.status
    assert [(p.path, p.message) for p in result.problems] == [
        ("spec.ports[0].port",
         "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32")]


def test_apps_group_reports_only_the_version():
    _, deploy = seed()
    deploy["spec"]["replicas"] = "3"
    assert server_error(decode(deploy)) == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
        'field DeploymentSpec.spec.replicas of type int32')


# Each expected text below was produced by kubectl v1.32's own Go decoder (the same k8s.io/api
# types and sigs.k8s.io/json code the apiserver runs), via `kubectl set selector --local -f`.
_SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n"
_POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: i\n"
_PODSPEC = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n"
_DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n"
_EPS = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\naddressType: IPv4\nmetadata:\n  name: x\n"
_NODE = "apiVersion: v1\nkind: Node\nmetadata:\n  name: x\n"
_QTY = ("quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
_GO_DECODER_CASES = [
    (_SVC + "spec:\n  ports:\n  - port: 80\n    targetPort: true\n",
     "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"),
    (_SVC + "spec:\n  ports:\n  - port: 80\n    targetPort: 80.5\n",
     "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.targetPort of type int32"),
    (_SVC + "spec:\n  ports:\n  - port: 80\n    targetPort: {a: 1}\n",
     "json: cannot unmarshal object into Go struct field ServicePort.spec.ports.targetPort of type int32"),
    (_SVC + "spec:\n  ports:\n  - port: 80\n    targetPort: 99999999999\n",
     "json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.targetPort of type int32"),
    (_SVC + "spec:\n  ports:\n  - port: 80.0\n", None),
    (_SVC + "spec:\n  ports:\n  - port: 1e3\n", None),
    (_SVC + "spec:\n  ports:\n  - port: 99999999999\n",
     "json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.port of type int32"),
    (_SVC + "spec:\n  ports:\n  - port: 1e21\n",
     "json: cannot unmarshal number 1e+21 into Go struct field ServicePort.spec.ports.port of type int32"),
    (_SVC + "spec:\n  selector: [a]\n",
     "json: cannot unmarshal array into Go struct field ServiceSpec.spec.selector of type map[string]string"),
    (_SVC + "spec:\n  ports: {a: 1}\n",
     "json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort"),
    (_SVC + "spec: hello\n",
     "json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec"),
    (_SVC + "spec:\n  ports:\n  - port: 80\n    protocol: 6\n",
     "json: cannot unmarshal number into Go struct field ServicePort.spec.ports.protocol of type v1.Protocol"),
    (_SVC + "spec:\n  ports: [a]\n",
     "json: cannot unmarshal string into Go struct field ServiceSpec.spec.ports of type v1.ServicePort"),
    (_SVC + "  creationTimestamp: yesterday\n",
     'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'),
    (_SVC + "  creationTimestamp: 5\n",
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string"),
    (_SVC + '  creationTimestamp: "2024-13-01T00:00:00Z"\n', 'parsing time "2024-13-01T00:00:00Z": month out of range'),
    (_SVC + '  creationTimestamp: "2024-01-01"\n',
     'parsing time "2024-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"'),
    (_SVC + '  creationTimestamp: "2023-02-29T00:00:00Z"\n', 'parsing time "2023-02-29T00:00:00Z": day out of range'),
    (_SVC + '  creationTimestamp: "2024-01-01T00:00:00Zabc"\n',
     'parsing time "2024-01-01T00:00:00Zabc": extra text: "abc"'),
    (_SVC + "  uid: 5\n",
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.uid of type types.UID"),
    (_SVC + '  generation: "5"\n',
     "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64"),
    (_SVC + "spec:\n  sessionAffinityConfig: x\n",
     "json: cannot unmarshal string into Go struct field ServiceSpec.spec.sessionAffinityConfig of type "
     "v1.SessionAffinityConfig"),
    (_SVC + "spec:\n  ipFamilyPolicy: 1\n",
     "json: cannot unmarshal number into Go struct field ServiceSpec.spec.ipFamilyPolicy of type v1.IPFamilyPolicy"),
    (_SVC + "spec:\n  internalTrafficPolicy: 1\n",
     "json: cannot unmarshal number into Go struct field ServiceSpec.spec.internalTrafficPolicy of type "
     "v1.ServiceInternalTrafficPolicy"),
    (_SVC + "spec:\n  externalTrafficPolicy: 1\n",
     "json: cannot unmarshal number into Go struct field ServiceSpec.spec.externalTrafficPolicy of type "
     "v1.ServiceExternalTrafficPolicy"),
    (_SVC + "spec:\n  ipFamilies: [1]\n",
     "json: cannot unmarshal number into Go struct field ServiceSpec.spec.ipFamilies of type v1.IPFamily"),
    (_SVC + "  labels:\n    v: 1.0\n",
     "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
    (_POD + "    resources:\n      limits:\n        cpu: abc\n", _QTY),
    (_POD + "    resources:\n      limits:\n        cpu: 1MM\n", "unable to parse quantity's suffix"),
    (_POD + "    resources:\n      limits:\n        cpu: true\n", _QTY),
    (_POD + '    resources:\n      limits:\n        cpu: ""\n', _QTY),
    (_POD + '    resources:\n      limits:\n        cpu: "."\n', None),
    (_POD + "    resources:\n      limits:\n        memory: 1Gb\n", _QTY),
    (_POD + "    resources:\n      limits:\n        cpu: [1]\n", _QTY),
    (_POD + "    resources:\n      limits:\n        cpu: 1e\n", "unable to parse quantity's suffix"),
    (_POD + "    resources:\n      limits:\n        cpu: 1k-2\n", "unable to parse quantity's suffix"),
    (_POD + "    resources:\n      limits:\n        cpu: 1.5e-3m\n", _QTY),
    (_POD + "    resources:\n      limits:\n        cpu: 1e400\n", None),
    (_POD + "    resources:\n      limits: [1]\n",
     "json: cannot unmarshal array into Go struct field ResourceRequirements.spec.containers.resources.limits of type "
     "v1.ResourceList"),
    (_POD + "    livenessProbe:\n      httpGet:\n        port: true\n",
     "json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of "
     "type int32"),
    (_POD + "    livenessProbe:\n      httpGet: x\n",
     "json: cannot unmarshal string into Go struct field Probe.spec.containers.livenessProbe.httpGet of type "
     "v1.HTTPGetAction"),
    (_POD + "    env:\n    - name: A\n      value: 1\n",
     "json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string"),
    (_POD + "    restartPolicy: 1\n",
     "json: cannot unmarshal number into Go struct field Container.spec.containers.restartPolicy of type "
     "v1.ContainerRestartPolicy"),
    (_POD + '    ports:\n    - containerPort: "80"\n',
     "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type "
     "int32"),
    (_DEPLOY + "  strategy:\n    rollingUpdate:\n      maxSurge: true\n",
     "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge "
     "of type int32"),
    (_DEPLOY + "  selector:\n    matchLabels: [a]\n",
     "json: cannot unmarshal array into Go struct field LabelSelector.spec.selector.matchLabels of type "
     "map[string]string"),
    (_PODSPEC + "  ephemeralContainers:\n  - name: x\n    targetContainerName: 1\n",
     "json: cannot unmarshal number into Go struct field EphemeralContainer.spec.ephemeralContainers."
     "targetContainerName of type string"),
    (_EPS + 'ports:\n- port: "80"\n',
     "json: cannot unmarshal string into Go struct field EndpointPort.ports.port of type int32"),
    (_EPS + 'endpoints:\n- addresses: [a]\n  conditions:\n    ready: "yes"\n',
     "json: cannot unmarshal string into Go struct field EndpointConditions.endpoints.conditions.ready of type bool"),
    (_NODE + 'status:\n  daemonEndpoints:\n    kubeletEndpoint:\n      Port: "1"\n',
     "json: cannot unmarshal string into Go struct field DaemonEndpoint.status.daemonEndpoints.kubeletEndpoint.Port "
     "of type int32"),
    (_NODE + "status:\n  capacity:\n    cpu: x\n", _QTY),
    (_PODSPEC + "  volumes:\n  - name: v\n    nfs: 1\n",
     "json: cannot unmarshal number into Go struct field Volume.spec.volumes.nfs of type v1.NFSVolumeSource"),
    (_PODSPEC + "  volumes:\n  - name: v\n    hostPath:\n      type: 1\n",
     "json: cannot unmarshal number into Go struct field HostPathVolumeSource.spec.volumes.hostPath.type of type "
     "v1.HostPathType"),
]


@pytest.mark.parametrize(("text", "expected"), _GO_DECODER_CASES)
def test_type_errors_match_the_go_decoder(text, expected):
    (doc,) = load_manifests(text, "x.yaml").documents
    result = decode(doc.obj)
    if expected is None:
        assert result.ok, result.status
        return
    kind = doc.obj["kind"]
    version = doc.obj["apiVersion"].rpartition("/")[2]
    assert server_error(result) == f'{kind} in version "{version}" cannot be handled as a {kind}: {expected}'


def test_yaml_yes_as_a_label_value_is_a_bool():
    (doc,) = load_manifests(_SVC + "  labels:\n    enabled: yes\n    quoted: 'yes'\n").documents
    assert server_error(decode(doc.obj)).endswith(
        "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string")
    (problem,) = decode(doc.obj).problems
    assert problem.path == "metadata.labels[enabled]"


def test_nulls_are_fine_everywhere():
    (doc,) = load_manifests(_SVC + "  labels:\nspec:\n  ports:\n  - port:\n    targetPort: null\n  - null\n"
                                   "  selector: ~\nstatus: null\n").documents
    assert decode(doc.obj).ok


# --------------------------------------------------------------------------- strict decoding


def test_unknown_field_is_a_strict_decoding_error_with_indexed_path():
    svc, _ = seed()
    svc["spec"]["ports"][0]["nodeport"] = 30080
    assert server_error(decode(svc)) == ('Service in version "v1" cannot be handled as a Service: strict decoding '
                                         'error: unknown field "spec.ports[0].nodeport"')


def test_several_unknown_fields_are_joined_in_sorted_key_order():
    svc, _ = seed()
    svc["spec"]["ports"][0]["nodeport"] = 30080
    svc["spec"]["foo"] = 1
    svc["metadata"]["lables"] = {"a": "b"}
    svc["zzz"] = True
    result = decode(svc, source="svc.yaml")
    assert server_error(result) == (
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field '
        '"metadata.lables", unknown field "spec.foo", unknown field "spec.ports[0].nodeport", unknown field "zzz"')
    assert [p.path for p in result.problems] == ["metadata.lables", "spec.foo", "spec.ports[0].nodeport", "zzz"]


def test_unknown_fields_are_case_sensitive():
    svc, _ = seed()
    svc["spec"]["ports"][0]["NodePort"] = 30080
    assert server_error(decode(svc)).endswith('unknown field "spec.ports[0].NodePort"')


def test_a_type_error_hides_unknown_fields():
    svc, _ = seed()
    svc["spec"]["foo"] = 1
    svc["spec"]["ports"][0]["port"] = "80"
    result = decode(svc)
    assert server_error(result).endswith("json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port "
                                         "of type int32")
    assert [p.path for p in result.problems] == ["spec.foo", "spec.ports[0].port"]


def test_the_first_type_error_in_key_order_wins():
    svc, _ = seed()
    svc["spec"]["type"] = 5
    svc["spec"]["ports"][0]["port"] = "80"
    assert "ServicePort.spec.ports.port" in server_error(decode(svc))


def test_a_custom_unmarshaler_error_beats_an_earlier_type_error():
    svc, _ = seed()
    svc["spec"]["ports"][0]["port"] = "80"
    svc["spec"]["ports"][0]["targetPort"] = True
    assert server_error(decode(svc)).endswith("of type int32") and "targetPort" in server_error(decode(svc))


def test_unknown_fields_below_opaque_fields_are_not_checked():
    (doc,) = load_manifests(_PODSPEC + "  volumes:\n  - name: v\n    nfs:\n      whatever: 1\n").documents
    assert decode(doc.obj).ok


def test_duplicates_are_reported_only_when_asked():
    (doc,) = load_manifests(_SVC + "  name: z\nspec:\n  type: NodePort\n  type: ClusterIP\n").documents
    assert decode(doc.obj).ok
    result = decode(doc.obj, duplicates=doc.duplicates)
    assert server_error(result) == ('Service in version "v1" cannot be handled as a Service: strict decoding error: '
                                    'duplicate field "metadata.name", duplicate field "spec.type"')


# --------------------------------------------------------------------------- kubectl's client-side errors


@pytest.mark.parametrize(("obj", "message"), [
    ({"kind": "Service", "metadata": {"name": "x"}}, "apiVersion not set"),
    ({"apiVersion": "v1", "metadata": {"name": "x"}}, "kind not set"),
    ({"metadata": {"name": "x"}}, "[apiVersion not set, kind not set]"),
    ({"apiVersion": 1, "kind": "Service"}, "apiVersion isn't string type"),
    ({"apiVersion": "v1", "kind": ["Service"]}, "kind isn't string type"),
    ({"apiVersion": "a/b/c", "kind": "Service"}, "unexpected GroupVersion string: a/b/c"),
    ({"apiVersion": None, "kind": None}, "[apiVersion not set, kind not set]"),
])
def test_missing_apiversion_and_kind_are_kubectl_validation_errors(obj, message):
    result = decode(obj, source="svc.yaml")
    assert result.status is None
    assert result.client_error == ClientError("validation", message, source="svc.yaml")
    assert result.kubectl_message() == (
        f'error: error validating "svc.yaml": error validating data: {message}; '
        "if you choose to ignore these errors, turn validation off with --validate=false")


def test_unknown_kind_is_a_resource_mapping_error():
    result = decode({"apiVersion": "v1", "kind": "Foo", "metadata": {"name": "x", "namespace": "ns1"}},
                    source="foo.yaml")
    assert result.kubectl_message() == (
        'error: resource mapping not found for name: "x" namespace: "ns1" from "foo.yaml": no matches for kind "Foo" '
        'in version "v1"\nensure CRDs are installed first')
    assert result.error.kubectl_message("other.yaml").count('"other.yaml"') == 1


def test_unknown_group_version_is_a_resource_mapping_error():
    result = decode({"apiVersion": "apps/v2", "kind": "Deployment", "metadata": {"name": "web"}})
    assert result.kubectl_message() == (
        'error: resource mapping not found for name: "web" namespace: "" from "STDIN": no matches for kind '
        '"Deployment" in version "apps/v2"\nensure CRDs are installed first')


def test_empty_kind_cannot_be_decoded_by_kubectl():
    result = decode({"apiVersion": "v1", "kind": "", "metadata": {"name": "x"}}, source="k.yaml")
    assert result.kubectl_message() == (
        'error: unable to decode "k.yaml": Object \'Kind\' is missing in '
        '\'{"apiVersion":"v1","kind":"","metadata":{"name":"x"}}\'')


def test_empty_api_version_maps_to_the_core_group():
    assert decode({"apiVersion": "", "kind": "Service", "metadata": {"name": "x"}}).info.kind == "Service"
    result = decode({"apiVersion": "", "kind": "Deployment", "metadata": {"name": "x"}})
    assert "no matches for kind \"Deployment\" in version \"\"" in result.kubectl_message()


def test_non_object_is_invalid_object_to_validate():
    result = decode(["not", "a", "map"])
    assert result.client_error.message == "invalid object to validate"


# --------------------------------------------------------------------------- real objects, all fields


REAL_NODE = """\
apiVersion: v1
kind: Node
metadata:
  annotations:
    kubeadm.alpha.kubernetes.io/cri-socket: unix:///var/run/containerd/containerd.sock
    node.alpha.kubernetes.io/ttl: "0"
    volumes.kubernetes.io/controller-managed-attach-detach: "true"
  creationTimestamp: "2025-01-10T09:00:00Z"
  labels:
    kubernetes.io/hostname: worker-1
    kubernetes.io/os: linux
  name: worker-1
  resourceVersion: "1234"
  uid: 0f9b2f8e-1b6a-4a53-9d7e-111111111111
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs:
  - 10.244.1.0/24
  taints:
  - effect: NoSchedule
    key: node-role.kubernetes.io/control-plane
status:
  addresses:
  - address: 192.168.56.11
    type: InternalIP
  - address: worker-1
    type: Hostname
  allocatable:
    cpu: "2"
    ephemeral-storage: "37569620724"
    hugepages-2Mi: "0"
    memory: 1912832Ki
    pods: "110"
  capacity:
    cpu: "2"
    ephemeral-storage: 40766000Ki
    memory: 2015232Ki
    pods: "110"
  conditions:
  - lastHeartbeatTime: "2025-01-10T09:05:00Z"
    lastTransitionTime: "2025-01-10T09:00:00Z"
    message: kubelet is posting ready status
    reason: KubeletReady
    status: "True"
    type: Ready
  daemonEndpoints:
    kubeletEndpoint:
      Port: 10250
  features:
    supplementalGroupsPolicy: true
  images:
  - names:
    - registry.k8s.io/kube-proxy@sha256:abc
    - registry.k8s.io/kube-proxy:v1.32.0
    sizeBytes: 30907185
  nodeInfo:
    architecture: amd64
    bootID: 5b3e1f0c-0000-0000-0000-000000000000
    containerRuntimeVersion: containerd://1.7.24
    kernelVersion: 6.8.0-51-generic
    kubeProxyVersion: v1.32.0
    kubeletVersion: v1.32.0
    machineID: 0123456789abcdef0123456789abcdef
    operatingSystem: linux
    osImage: Ubuntu 24.04.1 LTS
    systemUUID: 0123abcd-0000-0000-0000-000000000000
  runtimeHandlers:
  - features:
      recursiveReadOnlyMounts: true
      userNamespaces: true
    name: runc
"""

REAL_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
  creationTimestamp: "2025-01-10T09:10:00Z"
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:ports:
          k:{"port":80,"protocol":"TCP"}:
            .: {}
    manager: kubectl-client-side-apply
    operation: Update
    time: "2025-01-10T09:10:00Z"
  name: web-frontend
  namespace: default
  resourceVersion: "2001"
  uid: 7a1c1f55-2222-4b1e-9c1d-222222222222
  ownerReferences: []
  finalizers: []
spec:
  clusterIP: 10.96.120.15
  clusterIPs:
  - 10.96.120.15
  externalTrafficPolicy: Cluster
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: http
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 3000
    appProtocol: http
  selector:
    app: web-frontend
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  type: NodePort
  trafficDistribution: PreferClose
  publishNotReadyAddresses: false
  allocateLoadBalancerNodePorts: true
status:
  loadBalancer:
    ingress:
    - ip: 203.0.113.10
      ipMode: VIP
      ports:
      - port: 80
        protocol: TCP
  conditions:
  - lastTransitionTime: "2025-01-10T09:10:00Z"
    message: ok
    reason: Ready
    status: "True"
    type: LoadBalancerReady
    observedGeneration: 1
"""

REAL_POD = """\
apiVersion: v1
kind: Pod
metadata:
  generateName: web-frontend-7c5ddbdf54-
  labels:
    app: web-frontend
    pod-template-hash: 7c5ddbdf54
  name: web-frontend-7c5ddbdf54-abcde
  namespace: default
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: web-frontend-7c5ddbdf54
    uid: 11111111-2222-3333-4444-555555555555
spec:
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector:
            matchExpressions:
            - key: app
              operator: In
              values: [web-frontend]
          topologyKey: kubernetes.io/hostname
          matchLabelKeys: [pod-template-hash]
  containers:
  - image: nginx:1.27
    imagePullPolicy: IfNotPresent
    name: nginx
    ports:
    - containerPort: 80
      protocol: TCP
      name: http
    env:
    - name: POD_IP
      valueFrom:
        fieldRef:
          apiVersion: v1
          fieldPath: status.podIP
    - name: MEM
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: 1Mi
    envFrom:
    - configMapRef:
        name: web
        optional: true
      prefix: WEB_
    resources:
      limits:
        cpu: 500m
        memory: 128Mi
      requests:
        cpu: 0.25
        memory: 64Mi
    resizePolicy:
    - resourceName: cpu
      restartPolicy: NotRequired
    readinessProbe:
      httpGet:
        path: /healthz
        port: http
        scheme: HTTP
        httpHeaders:
        - name: X-Probe
          value: "1"
      periodSeconds: 5
      failureThreshold: 3
    livenessProbe:
      tcpSocket:
        port: 80
      initialDelaySeconds: 10
    startupProbe:
      grpc:
        port: 9000
    lifecycle:
      preStop:
        sleep:
          seconds: 5
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
      readOnlyRootFilesystem: true
      runAsNonRoot: true
      seccompProfile:
        type: RuntimeDefault
      appArmorProfile:
        type: RuntimeDefault
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access
      readOnly: true
      recursiveReadOnly: IfPossible
  initContainers:
  - name: sidecar
    image: busybox
    restartPolicy: Always
    command: [sh, -c, sleep infinity]
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  nodeName: worker-1
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext:
    fsGroup: 2000
    supplementalGroupsPolicy: Merge
    seLinuxChangePolicy: MountOption
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        app: web-frontend
    nodeAffinityPolicy: Honor
  volumes:
  - name: kube-api-access
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
  - name: cache
    emptyDir:
      sizeLimit: 1Gi
  - name: img
    image:
      reference: quay.io/crio/artifact:v1
      pullPolicy: IfNotPresent
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2025-01-10T09:10:05Z"
    status: "True"
    type: Ready
  containerStatuses:
  - containerID: containerd://abc
    image: docker.io/library/nginx:1.27
    imageID: docker.io/library/nginx@sha256:def
    lastState: {}
    name: nginx
    ready: true
    restartCount: 0
    started: true
    state:
      running:
        startedAt: "2025-01-10T09:10:04Z"
    allocatedResources:
      cpu: 250m
    user:
      linux:
        uid: 101
        gid: 101
        supplementalGroups: [101]
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access
      readOnly: true
      recursiveReadOnly: Disabled
  hostIP: 192.168.56.11
  hostIPs:
  - ip: 192.168.56.11
  phase: Running
  podIP: 10.244.1.7
  podIPs:
  - ip: 10.244.1.7
  qosClass: Burstable
  startTime: "2025-01-10T09:10:00Z"
"""

REAL_SLICE = """\
addressType: IPv4
apiVersion: discovery.k8s.io/v1
endpoints:
- addresses:
  - 10.244.1.7
  conditions:
    ready: true
    serving: true
    terminating: false
  nodeName: worker-1
  targetRef:
    kind: Pod
    name: web-frontend-7c5ddbdf54-abcde
    namespace: default
    uid: 11111111-2222-3333-4444-555555555555
  zone: zone-a
  hints:
    forZones:
    - name: zone-a
kind: EndpointSlice
metadata:
  generateName: web-frontend-
  labels:
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
    kubernetes.io/service-name: web-frontend
  name: web-frontend-x7k2p
  namespace: default
ports:
- name: http
  port: 3000
  protocol: TCP
---
apiVersion: v1
kind: Endpoints
metadata:
  name: web-frontend
subsets:
- addresses:
  - ip: 10.244.1.7
    nodeName: worker-1
    targetRef:
      kind: Pod
      name: web-frontend-7c5ddbdf54-abcde
      namespace: default
  notReadyAddresses: []
  ports:
  - name: http
    port: 3000
    protocol: TCP
---
apiVersion: v1
kind: Namespace
metadata:
  name: demo
spec:
  finalizers:
  - kubernetes
status:
  phase: Active
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-frontend-7c5ddbdf54
spec:
  replicas: 3
  minReadySeconds: 0
  selector:
    matchLabels:
      app: web-frontend
  template:
    metadata:
      labels:
        app: web-frontend
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
status:
  availableReplicas: 3
  fullyLabeledReplicas: 3
  observedGeneration: 1
  readyReplicas: 3
  replicas: 3
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-frontend
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  paused: false
  selector:
    matchLabels:
      app: web-frontend
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 1
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web-frontend
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
status:
  availableReplicas: 3
  conditions:
  - lastTransitionTime: "2025-01-10T09:10:10Z"
    lastUpdateTime: "2025-01-10T09:10:10Z"
    message: Deployment has minimum availability.
    reason: MinimumReplicasAvailable
    status: "True"
    type: Available
  observedGeneration: 1
  readyReplicas: 3
  replicas: 3
  updatedReplicas: 3
  collisionCount: 0
  unavailableReplicas: 0
"""


@pytest.mark.parametrize("text", [REAL_NODE, REAL_SERVICE, REAL_POD, REAL_SLICE])
def test_real_objects_with_many_fields_decode(text):
    result = load_manifests(text, "real.yaml")
    assert result.ok
    for doc in result.documents:
        decoded = decode(doc.obj)
        assert decoded.ok, (doc.obj["kind"], decoded.problems)


def test_fields_added_after_v1_32_are_unknown():
    # Lifecycle.stopSignal and DeploymentStatus.terminatingReplicas arrived in v1.33 too.
    (doc,) = load_manifests(_POD + "    lifecycle:\n      stopSignal: SIGTERM\n").documents
    assert server_error(decode(doc.obj)).endswith(
        'strict decoding error: unknown field "spec.containers[0].lifecycle.stopSignal"')
    (doc,) = load_manifests(_DEPLOY + "  replicas: 1\nstatus:\n  terminatingReplicas: 0\n").documents
    assert server_error(decode(doc.obj)).endswith('unknown field "status.terminatingReplicas"')
    # NodeSystemInfo.swap came with kubernetes/kubernetes#129954, in v1.33.
    (doc,) = load_manifests(_NODE + "status:\n  nodeInfo:\n    swap:\n      capacity: 1\n").documents
    assert server_error(decode(doc.obj)).endswith('unknown field "status.nodeInfo.swap"')


def test_removed_fields_are_unknown():
    (doc,) = load_manifests(_SVC + "  clusterName: c\nspec:\n  topologyKeys: ['*']\n").documents
    assert server_error(decode(doc.obj)).endswith(
        'strict decoding error: unknown field "metadata.clusterName", unknown field "spec.topologyKeys"')


def test_lists_validate_their_items():
    obj = {"apiVersion": "v1", "kind": "ServiceList", "metadata": {"resourceVersion": "1"},
           "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "spec": {"portz": []}}]}
    assert server_error(decode(obj)).endswith('unknown field "items[0].spec.portz"')
    assert decode({"apiVersion": "v1", "kind": "List", "items": [{"anything": 1}]}).ok


# --------------------------------------------------------------------------- fixture kinds


KUBEADM_V1BETA4 = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
localAPIEndpoint:
  advertiseAddress: 192.168.56.10
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: control-plane
  taints: null
  kubeletExtraArgs:
  - name: node-ip
    value: 192.168.56.10
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
  discovery: 5m0s
  etcdAPICall: 2m0s
  kubeletHealthCheck: 4m0s
  kubernetesAPICall: 1m0s
  tlsBootstrap: 5m0s
  upgradeManifests: 5m0s
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  certSANs: [192.168.56.10]
  extraArgs:
  - name: service-node-port-range
    value: 30000-32767
  extraEnvs:
  - name: HTTP_PROXY
    value: ""
  extraVolumes:
  - name: audit
    hostPath: /etc/kubernetes/audit
    mountPath: /etc/kubernetes/audit
    readOnly: true
    pathType: DirectoryOrCreate
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns:
  disabled: false
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
    extraArgs:
    - name: listen-metrics-urls
      value: http://0.0.0.0:2381
imageRepository: registry.k8s.io
kubernetesVersion: 1.32.0
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy:
  disabled: false
scheduler: {}
"""

KUBEADM_V1BETA3 = """\
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    service-node-port-range: 30000-32767
  timeoutForControlPlane: 4m0s
controlPlaneEndpoint: cp.example:6443
dns: {}
etcd:
  external:
    endpoints: [https://10.0.0.5:2379]
    caFile: /etc/etcd/ca.crt
    certFile: /etc/etcd/client.crt
    keyFile: /etc/etcd/client.key
kubernetesVersion: v1.32.0
networking:
  serviceSubnet: 10.96.0.0/12
featureGates:
  SomeGate: true
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: 192.168.56.10:6443
    token: abcdef.0123456789abcdef
    caCertHashes: [sha256:abc]
  timeout: 5m0s
nodeRegistration:
  kubeletExtraArgs:
    node-ip: 192.168.56.11
"""

KUBE_PROXY = """\
apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: iptables
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses:
- primary
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
"""


@pytest.mark.parametrize("text", [KUBEADM_V1BETA4, KUBEADM_V1BETA3, KUBE_PROXY])
def test_fixture_kinds_accept_their_real_fields(text):
    result = load_manifests(text, "fixture.yaml")
    assert result.ok
    for doc in result.documents:
        decoded = decode(doc.obj)
        assert decoded.ok, decoded.problems
        assert decoded.info.fixture


def test_v1beta4_extra_args_must_be_a_list():
    (_, cluster) = load_manifests(KUBEADM_V1BETA4).documents
    obj = copy.deepcopy(cluster.obj)
    obj["apiServer"]["extraArgs"] = {"service-node-port-range": "30000-32767"}
    assert server_error(decode(obj)) == (
        'ClusterConfiguration in version "v1beta4" cannot be handled as a ClusterConfiguration: json: cannot '
        'unmarshal object into Go struct field APIServer.apiServer.extraArgs of type []v1beta4.Arg')


def test_v1beta3_extra_args_must_be_a_map():
    (cluster, _) = load_manifests(KUBEADM_V1BETA3).documents
    obj = copy.deepcopy(cluster.obj)
    obj["apiServer"]["extraArgs"] = [{"name": "a", "value": "b"}]
    assert server_error(decode(obj)).endswith(
        "json: cannot unmarshal array into Go struct field APIServer.apiServer.extraArgs of type map[string]string")


def test_fixture_kinds_reject_fields_no_version_has():
    (doc,) = load_manifests(KUBE_PROXY).documents
    obj = copy.deepcopy(doc.obj)
    obj["iptables"]["masqueradeBits"] = 14
    obj["metadata"] = {"name": "kube-proxy"}
    obj["nodePortAddress"] = ["primary"]
    result = decode(obj)
    assert server_error(result) == (
        'KubeProxyConfiguration in version "v1alpha1" cannot be handled as a KubeProxyConfiguration: strict decoding '
        'error: unknown field "iptables.masqueradeBits", unknown field "metadata", unknown field "nodePortAddress"')
    assert [p.path for p in result.problems] == ["iptables.masqueradeBits", "metadata", "nodePortAddress"]
    # v1beta3 has no proxy/encryptionAlgorithm; v1beta4 dropped timeoutForControlPlane.
    (cluster, _) = load_manifests(KUBEADM_V1BETA3).documents
    old = dict(cluster.obj, proxy={"disabled": True})
    assert server_error(decode(old)).endswith('unknown field "proxy"')
    (_, cluster4) = load_manifests(KUBEADM_V1BETA4).documents
    new = copy.deepcopy(cluster4.obj)
    new["apiServer"]["timeoutForControlPlane"] = "4m0s"
    assert server_error(decode(new)).endswith('unknown field "apiServer.timeoutForControlPlane"')


@pytest.mark.parametrize(("value", "message"), [
    ("5", 'time: missing unit in duration "5"'),
    ("5x", 'time: unknown unit "x" in duration "5x"'),
    ("", 'time: invalid duration ""'),
    ("abc", 'time: invalid duration "abc"'),
    ("1h30m", None),
    ("-1.5s", None),
    ("0", None),
])
def test_durations_parse_like_go(value, message):
    (doc,) = load_manifests(KUBE_PROXY).documents
    obj = copy.deepcopy(doc.obj)
    obj["iptables"]["syncPeriod"] = value
    result = decode(obj)
    if message is None:
        assert result.ok
    else:
        assert server_error(result).endswith(": " + message)


def test_duration_must_be_a_string():
    (doc,) = load_manifests(KUBE_PROXY).documents
    obj = copy.deepcopy(doc.obj)
    obj["configSyncPeriod"] = 30
    assert server_error(decode(obj)).endswith(
        "json: cannot unmarshal number into Go struct field KubeProxyConfiguration.configSyncPeriod of type string")


# --------------------------------------------------------------------------- explain


def test_explain_describes_fields_and_types():
    ports = explain("v1", "Service", "spec.ports")
    assert (ports.name, ports.type, ports.go_type) == ("ports", "[]ServicePort", "[]v1.ServicePort")
    assert ports.fields == ("appProtocol", "name", "nodePort", "port", "protocol", "targetPort")
    assert explain("v1", "Service", "spec.ports[0].targetPort").type == "IntOrString"
    assert explain("v1", "Service", "spec.selector").type == "map[string]string"
    assert explain("v1", "Service", "metadata.creationTimestamp").type == "string"
    assert explain("v1", "Node", "status.capacity").type == "map[string]Quantity"
    assert explain("v1", "Service", "spec.type").type == "string"
    assert explain("v1", "Service", "spec.healthCheckNodePort").type == "integer"
    assert explain("v1", "Service", "spec.publishNotReadyAddresses").type == "boolean"
    assert explain("v1", "Service", "").fields == ("apiVersion", "kind", "metadata", "spec", "status")
    assert explain("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration", "nodePortAddresses").type == "[]string"
    assert explain("v1", "Service", "spec.nope") is None
    assert explain("v1", "Nope") is None


def test_explain_fields_lists_children():
    fields = explain_fields("v1", "Node", "status.nodeInfo")
    assert [f.name for f in fields][:3] == ["architecture", "bootID", "containerRuntimeVersion"]
    assert {f.type for f in fields} == {"string"}
    spec = {f.name: f.type for f in explain_fields("apps/v1", "Deployment", "spec")}
    assert spec["template"] == "PodTemplateSpec" and spec["replicas"] == "integer"
    assert explain_fields("v1", "Service", "spec.type") == []


# --------------------------------------------------------------------------- robustness


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(1 << 70), 1 << 70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["spec", "ports", "port", "targetPort", "metadata", "name", "labels", "x", "status",
                         "selector", "type", "template", "containers", "resources", "limits", "cpu"]),
        children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([("v1", "Service"), ("apps/v1", "Deployment"), ("v1", "Pod"), ("v1", "Node"),
                        ("kubeadm.k8s.io/v1beta4", "ClusterConfiguration")]),
       st.dictionaries(st.sampled_from(["metadata", "spec", "status", "x", "apiServer"]), _json_values, max_size=4))
def test_decode_never_raises(kind, body):
    obj = dict(body, apiVersion=kind[0], kind=kind[1])
    result = decode(obj)
    if not result.ok:
        assert result.kubectl_message()


# --------------------------------------------------------------------------- errors.py fixes made with this module


def test_field_error_values_print_like_error_body():
    from trainer.engine.errors import go_value, invalid

    # field.Error.ErrorBody turns a nil bad value into the string "null" and prints it with %q.
    assert str(invalid("spec.x", None, "must be set")) == 'spec.x: Invalid value: "null": must be set'
    assert [go_value(v) for v in (3.0, 80.5, 1e6, 1234567.0, 0.0001, 0.00001)] == [
        "3", "80.5", "1e+06", "1.234567e+06", "0.0001", "1e-05"]
