"""The kinds the engine accepts, their Go field schemas, and the apiserver's strict decoding."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from trainer.engine.errors import Status, go_quote
from trainer.engine.manifests import DuplicateKey, go_json, go_json_float

__all__ = [
    "KindInfo",
    "FieldInfo",
    "ClientError",
    "DecodeProblem",
    "DecodeResult",
    "decode",
    "lookup",
    "kinds",
    "kind_for_resource",
    "explain",
    "explain_fields",
]

# ---------------------------------------------------------------------------
# Field schemas, written from the Go types of Kubernetes v1.32.
#
# Format: a struct header "Key[=GoName] package" at column 0, then indented lines of
# "jsonName type" entries separated by "|". "...Other" inlines another struct's fields
# (Go embedding with `json:",inline"`). Types:
#   string bool int32 int64 uint32 float32 float64     unnamed Go scalars
#   Name:string                                         a named Go type (message shows pkg.Name)
#   []T  map[string]T                                   slices and string-keyed maps
#   IntOrString Quantity Time Duration ResourceList     types with their own JSON decoding
#   RawExtension FieldsV1 any                           anything goes below this field
#   ~Name                                               any object goes below this field; used for
#                                                       rarely-used structs we do not spell out
#   Name                                                another struct from the same block (or k8s)
#
# Left open on purpose (accepted without looking inside, still must be objects): the in-tree
# volume plugins other than hostPath/emptyDir/secret/configMap/persistentVolumeClaim/
# downwardAPI/projected/csi/image, clusterTrustBundle projections, and kube-proxy's
# logging.options.

_K8S = """
TypeMeta v1
  apiVersion string | kind string

ObjectMeta v1
  name string | generateName string | namespace string | selfLink string | uid types.UID:string
  resourceVersion string | generation int64 | creationTimestamp Time | deletionTimestamp Time
  deletionGracePeriodSeconds int64 | labels map[string]string | annotations map[string]string
  ownerReferences []OwnerReference | finalizers []string | managedFields []ManagedFieldsEntry

OwnerReference v1
  apiVersion string | kind string | name string | uid types.UID:string | controller bool
  blockOwnerDeletion bool

ManagedFieldsEntry v1
  manager string | operation ManagedFieldsOperationType:string | apiVersion string | time Time
  fieldsType string | fieldsV1 FieldsV1 | subresource string

ListMeta v1
  selfLink string | resourceVersion string | continue string | remainingItemCount int64

LabelSelector v1
  matchLabels map[string]string | matchExpressions []LabelSelectorRequirement

LabelSelectorRequirement v1
  key string | operator LabelSelectorOperator:string | values []string

Condition v1
  type string | status ConditionStatus:string | observedGeneration int64 | lastTransitionTime Time
  reason string | message string

List v1
  ...TypeMeta | metadata ListMeta | items []RawExtension

Service v1
  ...TypeMeta | metadata ObjectMeta | spec ServiceSpec | status ServiceStatus

ServiceSpec v1
  ports []ServicePort | selector map[string]string | clusterIP string | clusterIPs []string
  type ServiceType:string | externalIPs []string | sessionAffinity ServiceAffinity:string
  loadBalancerIP string | loadBalancerSourceRanges []string | externalName string
  externalTrafficPolicy ServiceExternalTrafficPolicy:string | healthCheckNodePort int32
  publishNotReadyAddresses bool | sessionAffinityConfig SessionAffinityConfig
  ipFamilies []IPFamily:string | ipFamilyPolicy IPFamilyPolicy:string
  allocateLoadBalancerNodePorts bool | loadBalancerClass string
  internalTrafficPolicy ServiceInternalTrafficPolicy:string | trafficDistribution string

ServicePort v1
  name string | protocol Protocol:string | appProtocol string | port int32
  targetPort IntOrString | nodePort int32

SessionAffinityConfig v1
  clientIP ClientIPConfig

ClientIPConfig v1
  timeoutSeconds int32

ServiceStatus v1
  loadBalancer LoadBalancerStatus | conditions []Condition

LoadBalancerStatus v1
  ingress []LoadBalancerIngress

LoadBalancerIngress v1
  ip string | hostname string | ipMode LoadBalancerIPMode:string | ports []PortStatus

PortStatus v1
  port int32 | protocol Protocol:string | error string

Pod v1
  ...TypeMeta | metadata ObjectMeta | spec PodSpec | status PodStatus

PodTemplateSpec v1
  metadata ObjectMeta | spec PodSpec

PodSpec v1
  volumes []Volume | initContainers []Container | containers []Container
  ephemeralContainers []EphemeralContainer | restartPolicy RestartPolicy:string
  terminationGracePeriodSeconds int64 | activeDeadlineSeconds int64 | dnsPolicy DNSPolicy:string
  nodeSelector map[string]string | serviceAccountName string | serviceAccount string
  automountServiceAccountToken bool | nodeName string | hostNetwork bool | hostPID bool
  hostIPC bool | shareProcessNamespace bool | securityContext PodSecurityContext
  imagePullSecrets []LocalObjectReference | hostname string | subdomain string
  affinity Affinity | schedulerName string | tolerations []Toleration | hostAliases []HostAlias
  priorityClassName string | priority int32 | dnsConfig PodDNSConfig
  readinessGates []PodReadinessGate | runtimeClassName string | enableServiceLinks bool
  preemptionPolicy PreemptionPolicy:string | overhead ResourceList
  topologySpreadConstraints []TopologySpreadConstraint | setHostnameAsFQDN bool | os PodOS
  hostUsers bool | schedulingGates []PodSchedulingGate | resourceClaims []PodResourceClaim
  resources ResourceRequirements

ContainerFields v1
  name string | image string | command []string | args []string | workingDir string
  ports []ContainerPort | envFrom []EnvFromSource | env []EnvVar | resources ResourceRequirements
  resizePolicy []ContainerResizePolicy | restartPolicy ContainerRestartPolicy:string
  volumeMounts []VolumeMount | volumeDevices []VolumeDevice | livenessProbe Probe
  readinessProbe Probe | startupProbe Probe | lifecycle Lifecycle | terminationMessagePath string
  terminationMessagePolicy TerminationMessagePolicy:string | imagePullPolicy PullPolicy:string
  securityContext SecurityContext | stdin bool | stdinOnce bool | tty bool

Container v1
  ...ContainerFields

EphemeralContainer v1
  ...ContainerFields | targetContainerName string

ContainerPort v1
  name string | hostPort int32 | containerPort int32 | protocol Protocol:string | hostIP string

EnvFromSource v1
  prefix string | configMapRef ConfigMapEnvSource | secretRef SecretEnvSource

ConfigMapEnvSource v1
  name string | optional bool

SecretEnvSource v1
  name string | optional bool

EnvVar v1
  name string | value string | valueFrom EnvVarSource

EnvVarSource v1
  fieldRef ObjectFieldSelector | resourceFieldRef ResourceFieldSelector
  configMapKeyRef ConfigMapKeySelector | secretKeyRef SecretKeySelector

ObjectFieldSelector v1
  apiVersion string | fieldPath string

ResourceFieldSelector v1
  containerName string | resource string | divisor Quantity

ConfigMapKeySelector v1
  name string | key string | optional bool

SecretKeySelector v1
  name string | key string | optional bool

ResourceRequirements v1
  limits ResourceList | requests ResourceList | claims []ResourceClaim

ResourceClaim v1
  name string | request string

ContainerResizePolicy v1
  resourceName ResourceName:string | restartPolicy ResourceResizeRestartPolicy:string

VolumeMount v1
  name string | readOnly bool | recursiveReadOnly RecursiveReadOnlyMode:string | mountPath string
  subPath string | mountPropagation MountPropagationMode:string | subPathExpr string

VolumeDevice v1
  name string | devicePath string

ProbeHandler v1
  exec ExecAction | httpGet HTTPGetAction | tcpSocket TCPSocketAction | grpc GRPCAction

Probe v1
  ...ProbeHandler | initialDelaySeconds int32 | timeoutSeconds int32 | periodSeconds int32
  successThreshold int32 | failureThreshold int32 | terminationGracePeriodSeconds int64

ExecAction v1
  command []string

HTTPGetAction v1
  path string | port IntOrString | host string | scheme URIScheme:string | httpHeaders []HTTPHeader

HTTPHeader v1
  name string | value string

TCPSocketAction v1
  port IntOrString | host string

GRPCAction v1
  port int32 | service string

Lifecycle v1
  postStart LifecycleHandler | preStop LifecycleHandler

LifecycleHandler v1
  exec ExecAction | httpGet HTTPGetAction | tcpSocket TCPSocketAction | sleep SleepAction

SleepAction v1
  seconds int64

SecurityContext v1
  capabilities Capabilities | privileged bool | seLinuxOptions SELinuxOptions
  windowsOptions WindowsSecurityContextOptions | runAsUser int64 | runAsGroup int64
  runAsNonRoot bool | readOnlyRootFilesystem bool | allowPrivilegeEscalation bool
  procMount ProcMountType:string | seccompProfile SeccompProfile | appArmorProfile AppArmorProfile

Capabilities v1
  add []Capability:string | drop []Capability:string

SELinuxOptions v1
  user string | role string | type string | level string

WindowsSecurityContextOptions v1
  gmsaCredentialSpecName string | gmsaCredentialSpec string | runAsUserName string | hostProcess bool

SeccompProfile v1
  type SeccompProfileType:string | localhostProfile string

AppArmorProfile v1
  type AppArmorProfileType:string | localhostProfile string

PodSecurityContext v1
  seLinuxOptions SELinuxOptions | windowsOptions WindowsSecurityContextOptions | runAsUser int64
  runAsGroup int64 | runAsNonRoot bool | supplementalGroups []int64
  supplementalGroupsPolicy SupplementalGroupsPolicy:string | fsGroup int64 | sysctls []Sysctl
  fsGroupChangePolicy PodFSGroupChangePolicy:string | seccompProfile SeccompProfile
  appArmorProfile AppArmorProfile | seLinuxChangePolicy PodSELinuxChangePolicy:string

Sysctl v1
  name string | value string

LocalObjectReference v1
  name string

Affinity v1
  nodeAffinity NodeAffinity | podAffinity PodAffinity | podAntiAffinity PodAntiAffinity

NodeAffinity v1
  requiredDuringSchedulingIgnoredDuringExecution NodeSelector
  preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm

NodeSelector v1
  nodeSelectorTerms []NodeSelectorTerm

NodeSelectorTerm v1
  matchExpressions []NodeSelectorRequirement | matchFields []NodeSelectorRequirement

NodeSelectorRequirement v1
  key string | operator NodeSelectorOperator:string | values []string

PreferredSchedulingTerm v1
  weight int32 | preference NodeSelectorTerm

PodAffinity v1
  requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm
  preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm

PodAntiAffinity v1
  requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm
  preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm

PodAffinityTerm v1
  labelSelector LabelSelector | namespaces []string | topologyKey string
  namespaceSelector LabelSelector | matchLabelKeys []string | mismatchLabelKeys []string

WeightedPodAffinityTerm v1
  weight int32 | podAffinityTerm PodAffinityTerm

Toleration v1
  key string | operator TolerationOperator:string | value string | effect TaintEffect:string
  tolerationSeconds int64

HostAlias v1
  ip string | hostnames []string

PodDNSConfig v1
  nameservers []string | searches []string | options []PodDNSConfigOption

PodDNSConfigOption v1
  name string | value string

PodReadinessGate v1
  conditionType PodConditionType:string

TopologySpreadConstraint v1
  maxSkew int32 | topologyKey string | whenUnsatisfiable UnsatisfiableConstraintAction:string
  labelSelector LabelSelector | minDomains int32 | nodeAffinityPolicy NodeInclusionPolicy:string
  nodeTaintsPolicy NodeInclusionPolicy:string | matchLabelKeys []string

PodOS v1
  name OSName:string

PodSchedulingGate v1
  name string

PodResourceClaim v1
  name string | resourceClaimName string | resourceClaimTemplateName string

Volume v1
  name string | hostPath HostPathVolumeSource | emptyDir EmptyDirVolumeSource
  gcePersistentDisk ~GCEPersistentDiskVolumeSource | awsElasticBlockStore ~AWSElasticBlockStoreVolumeSource
  gitRepo ~GitRepoVolumeSource | secret SecretVolumeSource | nfs ~NFSVolumeSource
  iscsi ~ISCSIVolumeSource | glusterfs ~GlusterfsVolumeSource
  persistentVolumeClaim PersistentVolumeClaimVolumeSource | rbd ~RBDVolumeSource
  flexVolume ~FlexVolumeSource | cinder ~CinderVolumeSource | cephfs ~CephFSVolumeSource
  flocker ~FlockerVolumeSource | downwardAPI DownwardAPIVolumeSource | fc ~FCVolumeSource
  azureFile ~AzureFileVolumeSource | configMap ConfigMapVolumeSource
  vsphereVolume ~VsphereVirtualDiskVolumeSource | quobyte ~QuobyteVolumeSource
  azureDisk ~AzureDiskVolumeSource | photonPersistentDisk ~PhotonPersistentDiskVolumeSource
  projected ProjectedVolumeSource | portworxVolume ~PortworxVolumeSource
  scaleIO ~ScaleIOVolumeSource | storageos ~StorageOSVolumeSource | csi CSIVolumeSource
  ephemeral ~EphemeralVolumeSource | image ImageVolumeSource

HostPathVolumeSource v1
  path string | type HostPathType:string

EmptyDirVolumeSource v1
  medium StorageMedium:string | sizeLimit Quantity

SecretVolumeSource v1
  secretName string | items []KeyToPath | defaultMode int32 | optional bool

KeyToPath v1
  key string | path string | mode int32

PersistentVolumeClaimVolumeSource v1
  claimName string | readOnly bool

DownwardAPIVolumeSource v1
  items []DownwardAPIVolumeFile | defaultMode int32

DownwardAPIVolumeFile v1
  path string | fieldRef ObjectFieldSelector | resourceFieldRef ResourceFieldSelector | mode int32

ConfigMapVolumeSource v1
  name string | items []KeyToPath | defaultMode int32 | optional bool

ProjectedVolumeSource v1
  sources []VolumeProjection | defaultMode int32

VolumeProjection v1
  secret SecretProjection | downwardAPI DownwardAPIProjection | configMap ConfigMapProjection
  serviceAccountToken ServiceAccountTokenProjection
  clusterTrustBundle ~ClusterTrustBundleProjection

SecretProjection v1
  name string | items []KeyToPath | optional bool

ConfigMapProjection v1
  name string | items []KeyToPath | optional bool

DownwardAPIProjection v1
  items []DownwardAPIVolumeFile

ServiceAccountTokenProjection v1
  audience string | expirationSeconds int64 | path string

CSIVolumeSource v1
  driver string | readOnly bool | fsType string | volumeAttributes map[string]string
  nodePublishSecretRef LocalObjectReference

ImageVolumeSource v1
  reference string | pullPolicy PullPolicy:string

PodStatus v1
  phase PodPhase:string | conditions []PodCondition | message string | reason string
  nominatedNodeName string | hostIP string | hostIPs []HostIP | podIP string | podIPs []PodIP
  startTime Time | initContainerStatuses []ContainerStatus | containerStatuses []ContainerStatus
  qosClass PodQOSClass:string | ephemeralContainerStatuses []ContainerStatus
  resize PodResizeStatus:string | resourceClaimStatuses []PodResourceClaimStatus

PodCondition v1
  type PodConditionType:string | status ConditionStatus:string | lastProbeTime Time
  lastTransitionTime Time | reason string | message string

HostIP v1
  ip string

PodIP v1
  ip string

PodResourceClaimStatus v1
  name string | resourceClaimName string

ContainerStatus v1
  name string | state ContainerState | lastState ContainerState | ready bool | restartCount int32
  image string | imageID string | containerID string | started bool
  allocatedResources ResourceList | resources ResourceRequirements
  volumeMounts []VolumeMountStatus | user ContainerUser | allocatedResourcesStatus []ResourceStatus

ContainerState v1
  waiting ContainerStateWaiting | running ContainerStateRunning | terminated ContainerStateTerminated

ContainerStateWaiting v1
  reason string | message string

ContainerStateRunning v1
  startedAt Time

ContainerStateTerminated v1
  exitCode int32 | signal int32 | reason string | message string | startedAt Time
  finishedAt Time | containerID string

VolumeMountStatus v1
  name string | mountPath string | readOnly bool | recursiveReadOnly RecursiveReadOnlyMode:string

ContainerUser v1
  linux LinuxContainerUser

LinuxContainerUser v1
  uid int64 | gid int64 | supplementalGroups []int64

ResourceStatus v1
  name ResourceName:string | resources []ResourceHealth

ResourceHealth v1
  resourceID ResourceID:string | health ResourceHealthStatus:string

Node v1
  ...TypeMeta | metadata ObjectMeta | spec NodeSpec | status NodeStatus

NodeSpec v1
  podCIDR string | podCIDRs []string | providerID string | unschedulable bool | taints []Taint
  configSource NodeConfigSource | externalID string

NodeConfigSource v1
  configMap ConfigMapNodeConfigSource

ConfigMapNodeConfigSource v1
  namespace string | name string | uid types.UID:string | resourceVersion string
  kubeletConfigKey string

Taint v1
  key string | value string | effect TaintEffect:string | timeAdded Time

NodeStatus v1
  capacity ResourceList | allocatable ResourceList | phase NodePhase:string
  conditions []NodeCondition | addresses []NodeAddress | daemonEndpoints NodeDaemonEndpoints
  nodeInfo NodeSystemInfo | images []ContainerImage | volumesInUse []UniqueVolumeName:string
  volumesAttached []AttachedVolume | config NodeConfigStatus
  runtimeHandlers []NodeRuntimeHandler | features NodeFeatures

NodeCondition v1
  type NodeConditionType:string | status ConditionStatus:string | lastHeartbeatTime Time
  lastTransitionTime Time | reason string | message string

NodeAddress v1
  type NodeAddressType:string | address string

NodeDaemonEndpoints v1
  kubeletEndpoint DaemonEndpoint

DaemonEndpoint v1
  Port int32

NodeSystemInfo v1
  machineID string | systemUUID string | bootID string | kernelVersion string | osImage string
  containerRuntimeVersion string | kubeletVersion string | kubeProxyVersion string
  operatingSystem string | architecture string

ContainerImage v1
  names []string | sizeBytes int64

AttachedVolume v1
  name UniqueVolumeName:string | devicePath string

NodeConfigStatus v1
  assigned NodeConfigSource | active NodeConfigSource | lastKnownGood NodeConfigSource
  error string

NodeRuntimeHandler v1
  name string | features NodeRuntimeHandlerFeatures

NodeRuntimeHandlerFeatures v1
  recursiveReadOnlyMounts bool | userNamespaces bool

NodeFeatures v1
  supplementalGroupsPolicy bool

Namespace v1
  ...TypeMeta | metadata ObjectMeta | spec NamespaceSpec | status NamespaceStatus

NamespaceSpec v1
  finalizers []FinalizerName:string

NamespaceStatus v1
  phase NamespacePhase:string | conditions []NamespaceCondition

NamespaceCondition v1
  type NamespaceConditionType:string | status ConditionStatus:string | lastTransitionTime Time
  reason string | message string

Endpoints v1
  ...TypeMeta | metadata ObjectMeta | subsets []EndpointSubset

EndpointSubset v1
  addresses []EndpointAddress | notReadyAddresses []EndpointAddress | ports []EndpointPort

EndpointAddress v1
  ip string | hostname string | nodeName string | targetRef ObjectReference

EndpointPort v1
  name string | port int32 | protocol Protocol:string | appProtocol string

ObjectReference v1
  kind string | namespace string | name string | uid types.UID:string | apiVersion string
  resourceVersion string | fieldPath string

Deployment v1
  ...TypeMeta | metadata ObjectMeta | spec DeploymentSpec | status DeploymentStatus

DeploymentSpec v1
  replicas int32 | selector LabelSelector | template PodTemplateSpec | strategy DeploymentStrategy
  minReadySeconds int32 | revisionHistoryLimit int32 | paused bool | progressDeadlineSeconds int32

DeploymentStrategy v1
  type DeploymentStrategyType:string | rollingUpdate RollingUpdateDeployment

RollingUpdateDeployment v1
  maxUnavailable IntOrString | maxSurge IntOrString

DeploymentStatus v1
  observedGeneration int64 | replicas int32 | updatedReplicas int32 | readyReplicas int32
  availableReplicas int32 | unavailableReplicas int32 | conditions []DeploymentCondition
  collisionCount int32

DeploymentCondition v1
  type DeploymentConditionType:string | status ConditionStatus:string | lastUpdateTime Time
  lastTransitionTime Time | reason string | message string

ReplicaSet v1
  ...TypeMeta | metadata ObjectMeta | spec ReplicaSetSpec | status ReplicaSetStatus

ReplicaSetSpec v1
  replicas int32 | minReadySeconds int32 | selector LabelSelector | template PodTemplateSpec

ReplicaSetStatus v1
  replicas int32 | fullyLabeledReplicas int32 | readyReplicas int32 | availableReplicas int32
  observedGeneration int64 | conditions []ReplicaSetCondition

ReplicaSetCondition v1
  type ReplicaSetConditionType:string | status ConditionStatus:string | lastTransitionTime Time
  reason string | message string

EndpointSlice v1
  ...TypeMeta | metadata ObjectMeta | addressType AddressType:string | endpoints []Endpoint
  ports []DiscoveryEndpointPort

Endpoint v1
  addresses []string | conditions EndpointConditions | hostname string | targetRef ObjectReference
  deprecatedTopology map[string]string | nodeName string | zone string | hints EndpointHints

EndpointConditions v1
  ready bool | serving bool | terminating bool

EndpointHints v1
  forZones []ForZone

ForZone v1
  name string

DiscoveryEndpointPort=EndpointPort v1
  name string | protocol v1.Protocol:string | port int32 | appProtocol string
"""

# kubeadm's configuration kinds, cmd/kubeadm/app/apis/kubeadm/v1beta3 and v1beta4 as of v1.32
# (ClusterConfiguration, and Init/JoinConfiguration because kubeadm config files carry them too).
_KUBEADM_V1BETA3 = """
ClusterConfiguration v1beta3
  ...TypeMeta | etcd Etcd | networking Networking | kubernetesVersion string
  controlPlaneEndpoint string | apiServer APIServer | controllerManager ControlPlaneComponent
  scheduler ControlPlaneComponent | dns DNS | certificatesDir string | imageRepository string
  featureGates map[string]bool | clusterName string

ControlPlaneComponent v1beta3
  extraArgs map[string]string | extraVolumes []HostPathMount

APIServer v1beta3
  ...ControlPlaneComponent | certSANs []string | timeoutForControlPlane Duration

DNS v1beta3
  imageRepository string | imageTag string

Etcd v1beta3
  local LocalEtcd | external ExternalEtcd

LocalEtcd v1beta3
  imageRepository string | imageTag string | dataDir string | extraArgs map[string]string
  serverCertSANs []string | peerCertSANs []string

ExternalEtcd v1beta3
  endpoints []string | caFile string | certFile string | keyFile string

Networking v1beta3
  serviceSubnet string | podSubnet string | dnsDomain string

HostPathMount v1beta3
  name string | hostPath string | mountPath string | readOnly bool | pathType v1.HostPathType:string

InitConfiguration v1beta3
  ...TypeMeta | bootstrapTokens []BootstrapToken | nodeRegistration NodeRegistrationOptions
  localAPIEndpoint APIEndpoint | certificateKey string | skipPhases []string | patches Patches

JoinConfiguration v1beta3
  ...TypeMeta | nodeRegistration NodeRegistrationOptions | caCertPath string | discovery Discovery
  controlPlane JoinControlPlane | skipPhases []string | patches Patches

NodeRegistrationOptions v1beta3
  name string | criSocket string | taints []Taint | kubeletExtraArgs map[string]string
  ignorePreflightErrors []string | imagePullPolicy v1.PullPolicy:string

APIEndpoint v1beta3
  advertiseAddress string | bindPort int32

Patches v1beta3
  directory string

Discovery v1beta3
  bootstrapToken BootstrapTokenDiscovery | file FileDiscovery | tlsBootstrapToken string
  timeout Duration

BootstrapTokenDiscovery v1beta3
  token string | apiServerEndpoint string | caCertHashes []string | unsafeSkipCAVerification bool

FileDiscovery v1beta3
  kubeConfigPath string

JoinControlPlane v1beta3
  localAPIEndpoint APIEndpoint | certificateKey string
"""

_KUBEADM_V1BETA4 = """
ClusterConfiguration v1beta4
  ...TypeMeta | etcd Etcd | networking Networking | kubernetesVersion string
  controlPlaneEndpoint string | apiServer APIServer | controllerManager ControlPlaneComponent
  scheduler ControlPlaneComponent | dns DNS | proxy Proxy | certificatesDir string
  imageRepository string | featureGates map[string]bool | clusterName string
  encryptionAlgorithm EncryptionAlgorithmType:string | certificateValidityPeriod Duration
  caCertificateValidityPeriod Duration

ControlPlaneComponent v1beta4
  extraArgs []Arg | extraVolumes []HostPathMount | extraEnvs []EnvVar

APIServer v1beta4
  ...ControlPlaneComponent | certSANs []string

DNS v1beta4
  imageRepository string | imageTag string | disabled bool

Proxy v1beta4
  disabled bool

Etcd v1beta4
  local LocalEtcd | external ExternalEtcd

LocalEtcd v1beta4
  imageRepository string | imageTag string | dataDir string | extraArgs []Arg
  extraEnvs []EnvVar | serverCertSANs []string | peerCertSANs []string

ExternalEtcd v1beta4
  endpoints []string | caFile string | certFile string | keyFile string

Networking v1beta4
  serviceSubnet string | podSubnet string | dnsDomain string

Arg v1beta4
  name string | value string

EnvVar v1beta4
  name string | value string | valueFrom EnvVarSource

HostPathMount v1beta4
  name string | hostPath string | mountPath string | readOnly bool | pathType v1.HostPathType:string

InitConfiguration v1beta4
  ...TypeMeta | bootstrapTokens []BootstrapToken | dryRun bool
  nodeRegistration NodeRegistrationOptions | localAPIEndpoint APIEndpoint | certificateKey string
  skipPhases []string | patches Patches | timeouts Timeouts

JoinConfiguration v1beta4
  ...TypeMeta | dryRun bool | nodeRegistration NodeRegistrationOptions | caCertPath string
  discovery Discovery | controlPlane JoinControlPlane | skipPhases []string | patches Patches
  timeouts Timeouts

NodeRegistrationOptions v1beta4
  name string | criSocket string | taints []Taint | kubeletExtraArgs []Arg
  ignorePreflightErrors []string | imagePullPolicy v1.PullPolicy:string | imagePullSerial bool

APIEndpoint v1beta4
  advertiseAddress string | bindPort int32

Patches v1beta4
  directory string

Timeouts v1beta4
  controlPlaneComponentHealthCheck Duration | kubeletHealthCheck Duration
  kubernetesAPICall Duration | etcdAPICall Duration | tlsBootstrap Duration | discovery Duration
  upgradeManifests Duration

Discovery v1beta4
  bootstrapToken BootstrapTokenDiscovery | file FileDiscovery | tlsBootstrapToken string

BootstrapTokenDiscovery v1beta4
  token string | apiServerEndpoint string | caCertHashes []string | unsafeSkipCAVerification bool

FileDiscovery v1beta4
  kubeConfigPath string

JoinControlPlane v1beta4
  localAPIEndpoint APIEndpoint | certificateKey string
"""

# kubeadm's bootstraptoken/v1 BootstrapToken, shared by both kubeadm versions.
_BOOTSTRAP_TOKEN = """
BootstrapToken v1
  token BootstrapTokenString:string | description string | ttl Duration | expires Time
  usages []string | groups []string
"""

# kube-proxy's KubeProxyConfiguration, k8s.io/kube-proxy/config/v1alpha1 as of v1.32.
_KUBEPROXY = """
KubeProxyConfiguration v1alpha1
  ...TypeMeta | featureGates map[string]bool | clientConnection ClientConnectionConfiguration
  logging LoggingConfiguration | hostnameOverride string | bindAddress string
  healthzBindAddress string | metricsBindAddress string | bindAddressHardFail bool
  enableProfiling bool | showHiddenMetricsForVersion string | mode ProxyMode:string
  iptables KubeProxyIPTablesConfiguration | ipvs KubeProxyIPVSConfiguration
  nftables KubeProxyNFTablesConfiguration | winkernel KubeProxyWinkernelConfiguration
  detectLocalMode LocalMode:string | detectLocal DetectLocalConfiguration | clusterCIDR string
  nodePortAddresses []string | oomScoreAdj int32 | conntrack KubeProxyConntrackConfiguration
  configSyncPeriod Duration | portRange string | windowsRunAsService bool

KubeProxyIPTablesConfiguration v1alpha1
  masqueradeBit int32 | masqueradeAll bool | localhostNodePorts bool | syncPeriod Duration
  minSyncPeriod Duration

KubeProxyIPVSConfiguration v1alpha1
  syncPeriod Duration | minSyncPeriod Duration | scheduler string | excludeCIDRs []string
  strictARP bool | tcpTimeout Duration | tcpFinTimeout Duration | udpTimeout Duration

KubeProxyNFTablesConfiguration v1alpha1
  masqueradeBit int32 | masqueradeAll bool | syncPeriod Duration | minSyncPeriod Duration

KubeProxyWinkernelConfiguration v1alpha1
  networkName string | sourceVip string | enableDSR bool | rootHnsEndpointName string
  forwardHealthCheckVip bool

DetectLocalConfiguration v1alpha1
  bridgeInterface string | interfaceNamePrefix string

KubeProxyConntrackConfiguration v1alpha1
  maxPerCore int32 | min int32 | tcpEstablishedTimeout Duration | tcpCloseWaitTimeout Duration
  tcpBeLiberal bool | udpTimeout Duration | udpStreamTimeout Duration

ClientConnectionConfiguration v1alpha1
  kubeconfig string | acceptContentTypes string | contentType string | qps float32 | burst int32

LoggingConfiguration v1
  format string | flushFrequency TimeOrMetaDuration | verbosity VerbosityLevel:uint32
  vmodule []VModuleItem | options ~FormatOptions

VModuleItem v1
  filePattern string | verbosity VerbosityLevel:uint32
"""

# ---------------------------------------------------------------------------
# Schema objects

STRING, BOOL, INT, UINT, FLOAT = "string", "bool", "int", "uint", "float"
LIST, MAP, STRUCT, OPAQUE, ANY = "list", "map", "struct", "opaque", "any"
INTSTR, QUANTITY, TIME, DURATION, TOMD = "intstr", "quantity", "time", "duration", "tomd"

_INT_RANGES = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
               "uint32": (0, (1 << 32) - 1)}
_SCALARS = {"string": STRING, "bool": BOOL, "int32": INT, "int64": INT, "uint32": UINT,
            "float32": FLOAT, "float64": FLOAT}


class FieldType:
    """The Go type of one field, reduced to what JSON decoding cares about."""

    __slots__ = ("kind", "go", "label", "elem", "ref", "struct", "lo", "hi", "bits")

    def __init__(self, kind: str, go: str, label: str, elem: "FieldType | None" = None,
                 ref: str | None = None, lo: int = 0, hi: int = 0, bits: int = 64) -> None:
        self.kind = kind
        self.go = go
        self.label = label
        self.elem = elem
        self.ref = ref
        self.struct: Struct | None = None
        self.lo = lo
        self.hi = hi
        self.bits = bits


class Struct:
    """A Go struct: its name, package, and JSON fields (inlined structs already flattened)."""

    __slots__ = ("key", "name", "pkg", "fields", "includes", "namespace")

    def __init__(self, key: str, name: str, pkg: str, namespace: str) -> None:
        self.key = key
        self.name = name
        self.pkg = pkg
        self.namespace = namespace
        self.fields: dict[str, FieldType] = {}
        self.includes: list[str] = []

    @property
    def go(self) -> str:
        """The type as reflect prints it, e.g. ``v1.ServiceSpec``."""
        return f"{self.pkg}.{self.name}"


_STRUCTS: dict[str, Struct] = {}  # "namespace:Key" -> Struct


def _parse_type(token: str, pkg: str) -> FieldType:
    if token.startswith("[]"):
        elem = _parse_type(token[2:], pkg)
        return FieldType(LIST, "[]" + elem.go, "[]" + elem.label, elem=elem)
    if token.startswith("map[string]"):
        elem = _parse_type(token[len("map[string]"):], pkg)
        return FieldType(MAP, "map[string]" + elem.go, "map[string]" + elem.label, elem=elem)
    if token in _SCALARS:
        kind = _SCALARS[token]
        lo, hi = _INT_RANGES.get(token, (0, 0))
        label = {STRING: "string", BOOL: "boolean", INT: "integer", UINT: "integer", FLOAT: "number"}[kind]
        return FieldType(kind, token, label, lo=lo, hi=hi, bits=32 if token == "float32" else 64)
    if ":" in token:
        name, base = token.split(":", 1)
        plain = _parse_type(base, pkg)
        plain.go = name if "." in name else f"{pkg}.{name}"
        return plain
    if token == "IntOrString":
        return FieldType(INTSTR, "intstr.IntOrString", "IntOrString")
    if token == "Quantity":
        return FieldType(QUANTITY, "resource.Quantity", "Quantity")
    if token == "ResourceList":
        quantity = FieldType(QUANTITY, "resource.Quantity", "Quantity")
        return FieldType(MAP, "v1.ResourceList", "map[string]Quantity", elem=quantity)
    if token == "Time":
        return FieldType(TIME, "v1.Time", "string")
    if token == "Duration":
        return FieldType(DURATION, "v1.Duration", "string")
    if token == "TimeOrMetaDuration":
        return FieldType(TOMD, "v1.TimeOrMetaDuration", "string")
    if token in ("RawExtension", "FieldsV1", "any"):
        return FieldType(ANY, token, "Object")
    if token.startswith("~"):
        name = token[1:]
        return FieldType(OPAQUE, f"{pkg}.{name}", name)
    return FieldType(STRUCT, "", "", ref=token)


def _load(namespace: str, text: str) -> None:
    current: Struct | None = None
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if not raw[0].isspace():
            head, pkg = raw.split()
            key, _, name = head.partition("=")
            current = Struct(key, name or key, pkg, namespace)
            _STRUCTS[f"{namespace}:{key}"] = current
            continue
        assert current is not None
        for entry in raw.split("|"):
            entry = entry.strip()
            if entry.startswith("..."):
                current.includes.append(entry[3:])
                continue
            json_name, token = entry.split()
            current.fields[json_name] = _parse_type(token, current.pkg)


def _find(namespace: str, ref: str) -> Struct:
    found = _STRUCTS.get(f"{namespace}:{ref}") or _STRUCTS.get(f"k8s:{ref}")
    if found is None:
        raise KeyError(f"schema: unknown struct {ref!r} in {namespace}")
    return found


def _link() -> None:
    """Flatten inlined structs and point every struct-typed field at its Struct."""

    def flatten(st: Struct) -> None:
        if not st.includes:
            return
        merged: dict[str, FieldType] = {}
        for inc in st.includes:
            other = _find(st.namespace, inc)
            flatten(other)
            merged.update(other.fields)
        merged.update(st.fields)
        st.fields = merged
        st.includes = []

    def resolve(ft: FieldType, st: Struct) -> None:
        if ft.kind == STRUCT and ft.struct is None:
            ft.struct = _find(st.namespace, ft.ref or "")
            ft.go = ft.struct.go
            ft.label = ft.struct.name
        elif ft.elem is not None:
            resolve(ft.elem, st)
            if ft.kind == LIST:
                ft.go = "[]" + ft.elem.go
                ft.label = "[]" + ft.elem.label
            elif ft.go.startswith("map[string]"):
                ft.go = "map[string]" + ft.elem.go
                ft.label = "map[string]" + ft.elem.label

    for st in list(_STRUCTS.values()):
        flatten(st)
    for st in _STRUCTS.values():
        for ft in st.fields.values():
            resolve(ft, st)


_load("k8s", _K8S)
_load("kubeadm.v1beta3", _KUBEADM_V1BETA3)
_load("kubeadm.v1beta4", _KUBEADM_V1BETA4)
_load("kubeproxy", _KUBEPROXY)
_load("kubeadm.v1beta3", _BOOTSTRAP_TOKEN)
_load("kubeadm.v1beta4", _BOOTSTRAP_TOKEN)
_link()


# ---------------------------------------------------------------------------
# The kinds


@dataclass(frozen=True)
class KindInfo:
    """A kind the engine accepts.

    Attributes:
        group: API group ("" for core).
        version: API version inside the group.
        kind: the kind.
        resource: the plural resource name (None for List and the config-file kinds).
        namespaced: whether objects live in a namespace.
        short_names: kubectl's short names for the resource.
        fixture: True for config files (kubeadm, kube-proxy) that are never sent to the apiserver.
        list_of: for a ``*List`` kind, the kind of its items ("" for the generic v1 List).
    """

    group: str
    version: str
    kind: str
    resource: str | None
    namespaced: bool
    short_names: tuple[str, ...] = ()
    fixture: bool = False
    list_of: str | None = None
    _root: str = ""

    @property
    def api_version(self) -> str:
        """``group/version``, or just the version for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def root(self) -> Struct:
        """The schema of the whole object."""
        return _STRUCTS[self._root]


_KINDS: dict[tuple[str, str], KindInfo] = {}


def _register(info: KindInfo) -> None:
    _KINDS[(info.api_version, info.kind)] = info


for _g, _v, _k, _res, _ns, _short in (
    ("", "v1", "Service", "services", True, ("svc",)),
    ("", "v1", "Pod", "pods", True, ("po",)),
    ("", "v1", "Node", "nodes", False, ("no",)),
    ("", "v1", "Namespace", "namespaces", False, ("ns",)),
    ("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    ("apps", "v1", "Deployment", "deployments", True, ("deploy",)),
    ("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",)),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True, ()),
):
    _register(KindInfo(_g, _v, _k, _res, _ns, _short, _root=f"k8s:{_k}"))
    _list_key = f"k8s:{_k}List"
    _list = Struct(f"{_k}List", f"{_k}List", "v1", "k8s")
    _list.fields = {
        "apiVersion": _parse_type("string", "v1"),
        "kind": _parse_type("string", "v1"),
        "metadata": FieldType(STRUCT, "v1.ListMeta", "ListMeta"),
        "items": FieldType(LIST, f"[]v1.{_k}", f"[]{_k}", elem=FieldType(STRUCT, f"v1.{_k}", _k)),
    }
    _list.fields["metadata"].struct = _STRUCTS["k8s:ListMeta"]
    _list.fields["items"].elem.struct = _STRUCTS[f"k8s:{_k}"]  # type: ignore[union-attr]
    _STRUCTS[_list_key] = _list
    _register(KindInfo(_g, _v, f"{_k}List", None, _ns, (), list_of=_k, _root=_list_key))

_register(KindInfo("", "v1", "List", None, False, (), list_of="", _root="k8s:List"))
_register(KindInfo("kubeadm.k8s.io", "v1beta3", "ClusterConfiguration", None, False, (), True,
                   _root="kubeadm.v1beta3:ClusterConfiguration"))
_register(KindInfo("kubeadm.k8s.io", "v1beta4", "ClusterConfiguration", None, False, (), True,
                   _root="kubeadm.v1beta4:ClusterConfiguration"))
for _kv in ("v1beta3", "v1beta4"):
    for _kk in ("InitConfiguration", "JoinConfiguration"):
        _register(KindInfo("kubeadm.k8s.io", _kv, _kk, None, False, (), True, _root=f"kubeadm.{_kv}:{_kk}"))
_register(KindInfo("kubeproxy.config.k8s.io", "v1alpha1", "KubeProxyConfiguration", None, False, (), True,
                   _root="kubeproxy:KubeProxyConfiguration"))


def lookup(api_version: str, kind: str) -> KindInfo | None:
    """The registered kind for an ``apiVersion``/``kind`` pair, or None."""
    return _KINDS.get((api_version, kind))


def kinds() -> list[KindInfo]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())


def kind_for_resource(name: str) -> KindInfo | None:
    """The kind behind a resource name as kubectl takes it (plural, singular, short or kind name).

    Args:
        name: e.g. ``svc``, ``services``, ``service``, ``Service``, ``deployments.apps``.
    """
    lowered = name.lower()
    resource, _, group = lowered.partition(".")
    for info in _KINDS.values():
        if info.resource is None:
            continue
        if group and group != info.group:
            continue
        if resource in (info.resource, info.kind.lower()) or resource in info.short_names:
            return info
    return None


# ---------------------------------------------------------------------------
# Decoding


@dataclass(frozen=True)
class ClientError:
    """An error kubectl raises before anything reaches the apiserver.

    Attributes:
        reason: ``validation`` (client-side schema checks), ``mapping`` (no such kind) or
            ``decode`` (kubectl could not turn the document into an object).
        message: the innermost text, e.g. ``apiVersion not set``.
        name: metadata.name as given (used by the mapping message).
        namespace: metadata.namespace as given (used by the mapping message).
        source: the file the object came from (``-`` is stdin, which kubectl calls STDIN).
    """

    reason: str
    message: str
    name: str = ""
    namespace: str = ""
    source: str = "-"

    def kubectl_message(self, source: str | None = None) -> str:
        """What kubectl prints for this error.

        Args:
            source: the file name to show; defaults to the one given to decode (``-`` is stdin).
        """
        source = self.source if source is None else source
        src = "STDIN" if source == "-" else source
        if self.reason == "validation":
            return (f"error: error validating {go_quote(src)}: error validating data: {self.message}; "
                    "if you choose to ignore these errors, turn validation off with --validate=false")
        if self.reason == "mapping":
            return (f"error: resource mapping not found for name: {go_quote(self.name)} namespace: "
                    f"{go_quote(self.namespace)} from {go_quote(src)}: {self.message}\n"
                    "ensure CRDs are installed first")
        return f"error: unable to decode {go_quote(src)}: {self.message}"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DecodeProblem:
    """One thing wrong with a field, for linters (every one is listed, not only the first).

    Attributes:
        path: where, with list indices, e.g. ``spec.ports[0].port`` (feeds Document.position).
        message: the decoder's text, e.g. ``unknown field "spec.ports[0].nodeport"``.
    """

    path: str
    message: str


@dataclass(frozen=True)
class DecodeResult:
    """The outcome of decoding one object.

    Attributes:
        info: the kind, when it is one the engine knows.
        client_error: set when kubectl itself would refuse the object.
        status: set when the apiserver would answer 400 BadRequest.
        problems: every type error and unknown field found, in decoding order.
        source: the file the object came from, as given to decode.
    """

    info: KindInfo | None
    client_error: ClientError | None = None
    status: Status | None = None
    problems: tuple[DecodeProblem, ...] = ()
    source: str = "-"

    @property
    def ok(self) -> bool:
        """True when the object decodes cleanly."""
        return self.client_error is None and self.status is None

    @property
    def error(self) -> ClientError | Status | None:
        """The failure as one value (both kinds render with ``kubectl_message``), or None."""
        return self.client_error if self.client_error is not None else self.status

    def kubectl_message(self, verb: str = "creating", source: str | None = None) -> str | None:
        """kubectl's stderr for the failure, or None when there is none.

        Args:
            verb: the operation kubectl names, e.g. ``creating`` or ``applying``.
            source: the file the object came from; defaults to the one given to decode.
        """
        source = self.source if source is None else source
        if self.client_error is not None:
            return self.client_error.kubectl_message(source)
        if self.status is not None:
            return self.status.kubectl_message(verb, "STDIN" if source == "-" else source)
        return None


class _Decoder:
    """Mimics sigs.k8s.io/json strict decoding: first type error wins, then unknown fields."""

    __slots__ = ("saved", "fatal", "strict", "seen", "problems")

    def __init__(self) -> None:
        self.saved: str | None = None
        self.fatal: str | None = None
        self.strict: list[str] = []
        self.seen: set[str] = set()
        self.problems: list[DecodeProblem] = []

    def type_error(self, value: Any, sname: str, fpath: str, spath: str, go: str) -> bool:
        message = f"json: cannot unmarshal {_json_kind(value)} into Go struct field {sname}.{fpath} of type {go}"
        if self.saved is None:
            self.saved = message
        self.problems.append(DecodeProblem(spath, message))
        return True

    def range_error(self, literal: str, sname: str, fpath: str, spath: str, go: str) -> bool:
        message = f"json: cannot unmarshal number {literal} into Go struct field {sname}.{fpath} of type {go}"
        if self.saved is None:
            self.saved = message
        self.problems.append(DecodeProblem(spath, message))
        return True

    def fail(self, message: str, spath: str) -> bool:
        self.fatal = message
        self.problems.append(DecodeProblem(spath, message))
        return False

    def unknown(self, spath: str) -> None:
        message = f"unknown field {go_quote(spath)}"
        self.problems.append(DecodeProblem(spath, message))
        if message not in self.seen and len(self.strict) < 100:
            self.seen.add(message)
            self.strict.append(message)


def _json_kind(value: Any) -> str:
    if value is True or value is False:
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


def _number_literal(value: Any) -> str:
    if isinstance(value, float):
        return go_json_float(value)
    return str(value)


def _integer_of(value: Any) -> int | None:
    """The integer Go would parse from the JSON number kubectl sends, or None if it has a fraction."""
    if value.__class__ is int:
        return value
    literal = go_json_float(value)
    if "." in literal or "e" in literal or "E" in literal:
        return None
    return int(literal)


def _decode_struct(st: Struct, obj: dict, fpath: str, spath: str, d: _Decoder) -> bool:
    fields = st.fields
    sname = st.name
    for key in sorted(obj):
        value = obj[key]
        sp = f"{spath}.{key}" if spath else key
        ft = fields.get(key)
        if ft is None:
            d.unknown(sp)
            continue
        if value is None:
            continue
        if not _decode_value(ft, value, sname, f"{fpath}.{key}" if fpath else key, sp, d):
            return False
    return True


def _decode_value(ft: FieldType, value: Any, sname: str, fp: str, sp: str, d: _Decoder) -> bool:
    kind = ft.kind
    cls = value.__class__
    if kind == STRING:
        return True if cls is str else d.type_error(value, sname, fp, sp, ft.go)
    if kind == STRUCT:
        if cls is dict:
            return _decode_struct(ft.struct, value, fp, sp, d)  # type: ignore[arg-type]
        return d.type_error(value, sname, fp, sp, ft.go)
    if kind == INT or kind == UINT:
        if cls is bool or not isinstance(value, (int, float)):
            return d.type_error(value, sname, fp, sp, ft.go)
        number = _integer_of(value)
        if number is None or not ft.lo <= number <= ft.hi:
            return d.range_error(_number_literal(value), sname, fp, sp, ft.go)
        return True
    if kind == LIST:
        if cls is not list and cls is not tuple:
            return d.type_error(value, sname, fp, sp, ft.go)
        elem = ft.elem
        for i, item in enumerate(value):
            if item is None:
                continue
            if not _decode_value(elem, item, sname, fp, f"{sp}[{i}]", d):  # type: ignore[arg-type]
                return False
        return True
    if kind == MAP:
        if cls is not dict:
            return d.type_error(value, sname, fp, sp, ft.go)
        elem = ft.elem
        for key in sorted(value):
            item = value[key]
            if item is None:
                continue
            if not _decode_value(elem, item, sname, fp, f"{sp}[{key}]", d):  # type: ignore[arg-type]
                return False
        return True
    if kind == BOOL:
        return True if cls is bool else d.type_error(value, sname, fp, sp, ft.go)
    if kind == INTSTR:
        return _decode_int_or_string(value, sname, fp, sp, d)
    if kind == QUANTITY:
        problem = _quantity_problem(value)
        return True if problem is None else d.fail(problem, sp)
    if kind == TIME:
        if cls is not str:
            return d.fail(_context_error(value, sname, fp, "string"), sp)
        problem = _rfc3339_problem(value)
        return True if problem is None else d.fail(problem, sp)
    if kind == DURATION:
        if cls is not str:
            return d.fail(_context_error(value, sname, fp, "string"), sp)
        problem = _duration_problem(value)
        return True if problem is None else d.fail(problem, sp)
    if kind == TOMD:
        if cls is str:
            problem = _duration_problem(value)
            return True if problem is None else d.fail(problem, sp)
        if cls is not bool and isinstance(value, (int, float)) and _integer_of(value) is not None:
            return True
        return d.fail(_context_error(value, sname, fp, "time.Duration"), sp)
    if kind == FLOAT:
        if cls is bool or not isinstance(value, (int, float)):
            return d.type_error(value, sname, fp, sp, ft.go)
        if ft.bits == 32 and abs(float(value)) > 3.4028234663852886e38:
            return d.range_error(_number_literal(value), sname, fp, sp, ft.go)
        return True
    if kind == OPAQUE:
        return True if cls is dict else d.type_error(value, sname, fp, sp, ft.go)
    return True  # ANY


def _context_error(value: Any, sname: str, fp: str, go: str) -> str:
    """A type error raised inside a custom UnmarshalJSON, with encoding/json's field context added."""
    what = _json_kind(value)
    if what == "number" and _integer_of(value) is None:
        what = "number " + _number_literal(value)
    return f"json: cannot unmarshal {what} into Go struct field {sname}.{fp} of type {go}"


def _decode_int_or_string(value: Any, sname: str, fp: str, sp: str, d: _Decoder) -> bool:
    """intstr.IntOrString.UnmarshalJSON: a quoted string, or else an int32."""
    cls = value.__class__
    if cls is str:
        return True
    if cls is not bool and isinstance(value, (int, float)):
        number = _integer_of(value)
        if number is not None and -(1 << 31) <= number <= (1 << 31) - 1:
            return True
        return d.fail(f"json: cannot unmarshal number {_number_literal(value)} into Go struct field "
                      f"{sname}.{fp} of type int32", sp)
    return d.fail(_context_error(value, sname, fp, "int32"), sp)


# resource.ParseQuantity and its errors (k8s.io/apimachinery/pkg/api/resource).
_QTY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
_QTY_SUFFIX = "unable to parse quantity's suffix"
_QTY_SUFFIXES = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"}
_QTY_EXPONENT = re.compile(r"[eE][-+]?[0-9]+\Z")
_ASCII_DIGITS = frozenset("0123456789")


def _quantity_problem(value: Any) -> str | None:
    """Why resource.Quantity.UnmarshalJSON would reject this JSON value, or None.

    Follows parseQuantityString's scan: sign, digits, optional fraction, then a suffix made of
    suffix letters, an optional sign and digits; the suffix must be a known one or e<int>.
    """
    if value is True or value is False:
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, (int, float)):
        text = _number_literal(value)
    else:
        text = go_json(value)
    if not text:
        return _QTY_FORMAT
    i, n = 0, len(text)
    if text[0] in "+-":
        i = 1
    while i < n and text[i] in _ASCII_DIGITS:
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i] in _ASCII_DIGITS:
            i += 1
    if i >= n:
        return None
    suffix_start = i
    while i < n and text[i] in "eEinumkKMGTP":
        i += 1
    if i < n and text[i] in "+-":
        i += 1
    while i < n and text[i] in _ASCII_DIGITS:
        i += 1
    if i < n:
        return _QTY_FORMAT
    suffix = text[suffix_start:]
    if suffix in _QTY_SUFFIXES or (_QTY_EXPONENT.match(suffix) and len(suffix) < 20):
        return None
    return _QTY_SUFFIX


_RFC3339 = "2006-01-02T15:04:05Z07:00"


def _rfc3339_problem(text: str) -> str | None:
    """Why time.Parse(time.RFC3339, text) fails, in its own words, or None."""
    quoted = go_quote(text)

    def cannot(rest: str, elem: str) -> str:
        return f"parsing time {quoted} as \"{_RFC3339}\": cannot parse {go_quote(rest)} as {go_quote(elem)}"

    def out_of_range(what: str) -> str:
        return f"parsing time {quoted}: {what} out of range"

    rest = text
    values: dict[str, int] = {}
    steps = (("2006", 4, True), ("-", 0, False), ("01", 2, True), ("-", 0, False), ("02", 2, True),
             ("T", 0, False), ("15", 2, False), (":", 0, False), ("04", 2, True), (":", 0, False),
             ("05", 2, True))
    for elem, width, fixed in steps:
        if width == 0:
            if not rest.startswith(elem):
                return cannot(rest, elem)
            rest = rest[len(elem):]
            continue
        if fixed:
            chunk = rest[:width]
            if len(chunk) < width or not (chunk.isdigit() and chunk.isascii()):
                return cannot(rest, elem)
            rest = rest[width:]
        else:
            m = re.match(r"[0-9]{1,2}", rest)
            if m is None:
                return cannot(rest, elem)
            chunk = m.group()
            rest = rest[len(chunk):]
        values[elem] = int(chunk)
    if rest[:1] in (".", ",") and rest[1:2].isdigit():
        m = re.match(r"[.,][0-9]+", rest)
        rest = rest[m.end():]  # type: ignore[union-attr]
    if rest.startswith("Z"):
        rest = rest[1:]
    else:
        m = re.match(r"[-+][0-9]{2}:[0-9]{2}", rest)
        if m is None:
            return cannot(rest, "Z07:00")
        rest = rest[m.end():]
    if rest:
        return f"parsing time {quoted}: extra text: {go_quote(rest)}"
    if not 1 <= values["01"] <= 12:
        return out_of_range("month")
    if not 1 <= values["02"] <= 31:
        return out_of_range("day")
    if values["15"] >= 24:
        return out_of_range("hour")
    if values["04"] >= 60:
        return out_of_range("minute")
    if values["05"] >= 60:
        return out_of_range("second")
    year, month, day = values["2006"], values["01"], values["02"]
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    if day > days:
        return out_of_range("day")
    return None


_DURATION_UNITS = {"ns", "us", "µs", "μs", "ms", "s", "m", "h"}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)([^0-9.]*)")


def _duration_problem(text: str) -> str | None:
    """Why time.ParseDuration(text) fails, in its words, or None."""
    quoted = go_quote(text)
    body = text[1:] if text[:1] in "+-" else text
    if body == "0":
        return None
    if not body:
        return f"time: invalid duration {quoted}"
    pos = 0
    while pos < len(body):
        m = _DURATION_PART.match(body, pos)
        number, unit = m.group(1), m.group(2)  # type: ignore[union-attr]
        if not number or number == "." or not any(c.isdigit() for c in number):
            return f"time: invalid duration {quoted}"
        if not unit:
            return f"time: missing unit in duration {quoted}"
        if unit not in _DURATION_UNITS:
            return f"time: unknown unit {go_quote(unit)} in duration {quoted}"
        pos = m.end()  # type: ignore[union-attr]
    return None


def _group_version(api_version: str) -> tuple[str, str] | None:
    """schema.ParseGroupVersion: None when there is more than one slash."""
    if api_version.count("/") > 1:
        return None
    group, _, version = api_version.rpartition("/")
    return group, version


def decode(obj: Any, *, source: str = "-", duplicates: Iterable[DuplicateKey | str] = ()) -> DecodeResult:
    """Decode an object the way ``kubectl apply``/``create`` and the apiserver would.

    The checks run in kubectl's order: the client-side validation of apiVersion/kind, the
    resource mapping (unknown kinds), then the apiserver's strict JSON decoding of the object
    kubectl sends (keys sorted, as kubectl re-encodes it): the first type error wins; with no
    type errors, every unknown field is reported. Config-file kinds (kubeadm, kube-proxy) get
    the same field checks.

    Args:
        obj: the object, e.g. ``Document.obj``.
        source: the file it came from, used when rendering messages (``-`` is stdin).
        duplicates: keys given twice (``Document.duplicates``). kubectl drops these silently, so
            pass them only to get the apiserver's ``duplicate field`` errors for raw JSON bodies.

    Returns:
        A DecodeResult; render failures with ``kubectl_message(verb, source)``.
    """
    if not isinstance(obj, dict):
        return DecodeResult(None, ClientError("validation", "invalid object to validate", source=source),
                            source=source)
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    problems: list[str] = []
    group_version: tuple[str, str] | None = None
    if api_version is None:
        problems.append("apiVersion not set")
    elif not isinstance(api_version, str):
        problems.append("apiVersion isn't string type")
    else:
        group_version = _group_version(api_version)
        if group_version is None:
            problems.append(f"unexpected GroupVersion string: {api_version}")
    if kind is None:
        problems.append("kind not set")
    elif not isinstance(kind, str):
        problems.append("kind isn't string type")
    if problems:
        message = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        return DecodeResult(None, ClientError("validation", message, source=source), source=source)
    assert isinstance(api_version, str) and isinstance(kind, str) and group_version is not None
    if not kind:
        return DecodeResult(None, ClientError("decode", f"Object 'Kind' is missing in '{go_json(obj)}'",
                                              source=source), source=source)

    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    namespace = meta.get("namespace") if isinstance(meta, dict) else None
    name = name if isinstance(name, str) else ""
    namespace = namespace if isinstance(namespace, str) else ""

    info = _KINDS.get((api_version, kind))
    if info is None and api_version == "":
        # An empty apiVersion maps to the preferred version of the core group.
        info = next((k for (av, kd), k in _KINDS.items() if kd == kind and k.group == ""), None)
    if info is None:
        return DecodeResult(None, ClientError(
            "mapping", f"no matches for kind {go_quote(kind)} in version {go_quote(api_version)}",
            name, namespace, source), source=source)

    d = _Decoder()
    for dup in duplicates:
        path = dup.path if isinstance(dup, DuplicateKey) else str(dup)
        message = f"duplicate field {go_quote(path)}"
        d.problems.append(DecodeProblem(path, message))
        if message not in d.seen:
            d.seen.add(message)
            d.strict.append(message)
    _decode_struct(info.root, obj, "", "", d)
    if d.fatal is not None:
        error = d.fatal
    elif d.saved is not None:
        error = d.saved
    elif d.strict:
        error = "strict decoding error: " + ", ".join(d.strict)
    else:
        return DecodeResult(info, problems=tuple(d.problems), source=source)
    version = group_version[1] if api_version else info.version
    status = Status.bad_request(f"{kind} in version {go_quote(version)} cannot be handled as a {kind}: {error}")
    return DecodeResult(info, status=status, problems=tuple(d.problems), source=source)


# ---------------------------------------------------------------------------
# What `kubectl explain` needs


@dataclass(frozen=True)
class FieldInfo:
    """One field as ``kubectl explain`` shows it.

    Attributes:
        name: the JSON name (the kind for the root).
        type: the type label kubectl explain prints inside ``<...>``, e.g. ``[]ServicePort``,
            ``integer``, ``map[string]string``, ``IntOrString``.
        go_type: the Go type, e.g. ``[]v1.ServicePort``.
        fields: names of the fields below (of the element type for lists and maps), sorted.
    """

    name: str
    type: str
    go_type: str
    fields: tuple[str, ...] = ()


def _descend(ft: FieldType) -> FieldType:
    while ft.kind in (LIST, MAP) and ft.elem is not None:
        ft = ft.elem
    return ft


def _field_info(name: str, ft: FieldType) -> FieldInfo:
    inner = _descend(ft)
    names = tuple(sorted(inner.struct.fields)) if inner.kind == STRUCT and inner.struct else ()
    return FieldInfo(name, ft.label, ft.go, names)


def explain(api_version: str, kind: str, path: str = "") -> FieldInfo | None:
    """The field at a dotted path (``spec.ports.targetPort``; indices are ignored), or None.

    The empty path describes the kind itself.
    """
    info = lookup(api_version, kind)
    if info is None:
        return None
    root = info.root
    ft = FieldType(STRUCT, root.go, root.name)
    ft.struct = root
    name = kind
    for seg in re.split(r"\.|\[[^\]]*\]", path):
        if not seg:
            continue
        inner = _descend(ft)
        if inner.kind != STRUCT or inner.struct is None or seg not in inner.struct.fields:
            return None
        ft = inner.struct.fields[seg]
        name = seg
    return _field_info(name, ft)


def explain_fields(api_version: str, kind: str, path: str = "") -> list[FieldInfo] | None:
    """The fields directly below a path, sorted by name, or None when the path is unknown."""
    here = explain(api_version, kind, path)
    if here is None:
        return None
    info = lookup(api_version, kind)
    assert info is not None
    out: list[FieldInfo] = []
    prefix = f"{path}." if path else ""
    for name in here.fields:
        child = explain(api_version, kind, prefix + name)
        if child is not None:
            out.append(child)
    return out
