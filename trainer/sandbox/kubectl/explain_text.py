"""Our own field descriptions for kubectl explain (written for this trainer, not copied from the API docs)."""

from __future__ import annotations

#: What a kind or a struct is, shown under DESCRIPTION.
TYPE_DESCRIPTIONS: dict[str, str] = {
    "Service": "A Service gives a set of Pods, chosen by a label selector, one stable virtual address (the "
               "ClusterIP) and port. Type NodePort also opens the same port on every node, so clients outside "
               "the cluster can reach the Pods through any node's IP.",
    "Deployment": "A Deployment keeps a number of identical Pods running from one template, through a "
                  "ReplicaSet it owns, and rolls them over when the template changes.",
    "ReplicaSet": "A ReplicaSet keeps a given number of Pods that match its selector running. Deployments "
                  "create and scale ReplicaSets; you rarely manage one directly.",
    "Pod": "A Pod is one or more containers that share a network namespace (one Pod IP) and run together on "
           "one node.",
    "Node": "A Node is a machine in the cluster. kube-proxy on every node programs the rules that make "
            "Service and NodePort traffic reach the right Pods.",
    "Namespace": "A Namespace is a scope for names. Services and Pods live in one; Nodes do not.",
    "Endpoints": "Endpoints lists the ready and not-ready addresses behind a Service (the legacy API; kube-proxy "
                 "reads EndpointSlices).",
    "EndpointSlice": "An EndpointSlice holds a part of the endpoints of a Service: Pod addresses, their ports, "
                     "their node, and whether each is ready. kube-proxy builds its rules from these.",
    "ObjectMeta": "Standard object metadata: name, namespace, labels, annotations and the fields the server "
                  "sets.",
    "ServiceSpec": "ServiceSpec describes the Service: which Pods back it, how it is exposed, and its ports.",
    "ServicePort": "ServicePort describes one port of a Service and where its traffic goes.",
    "ServiceStatus": "ServiceStatus is what the cluster reports about the Service, such as a load balancer's "
                     "address.",
    "SessionAffinityConfig": "SessionAffinityConfig holds the settings of session affinity.",
    "DeploymentSpec": "DeploymentSpec is the desired state of the Deployment.",
    "DeploymentStrategy": "DeploymentStrategy says how old Pods are replaced by new ones.",
    "DeploymentStatus": "DeploymentStatus is the most recently observed state of the Deployment.",
    "LabelSelector": "A label selector matches objects by their labels. matchLabels and matchExpressions must "
                     "all hold; an empty selector matches everything.",
    "PodTemplateSpec": "PodTemplateSpec is the template that new Pods are created from.",
    "PodSpec": "PodSpec describes a Pod: its containers, volumes, and how it is scheduled and run.",
    "Container": "A single application container that runs inside a Pod.",
    "ContainerPort": "ContainerPort is a network port a container declares.",
}

_S, _P = "ServiceSpec", "ServicePort"
_D = "DeploymentSpec"

#: (struct, field) -> description.
DESCRIPTIONS: dict[tuple[str, str], str] = {
    # Every kind's top level.
    **{(kind, "apiVersion"): "The version of the schema this object follows, e.g. v1 or apps/v1."
       for kind in TYPE_DESCRIPTIONS},
    **{(kind, "kind"): "The type of the object, in CamelCase, e.g. Service." for kind in TYPE_DESCRIPTIONS},
    **{(kind, "metadata"): "Standard object metadata: name, namespace, labels and annotations."
       for kind in TYPE_DESCRIPTIONS},
    ("Service", "spec"): "The desired behaviour of the Service: selector, type and ports.",
    ("Service", "status"): "The most recently observed status of the Service. Read-only; set by the cluster.",
    ("Deployment", "spec"): "The desired state of the Deployment: replicas, selector and Pod template.",
    ("Deployment", "status"): "The most recently observed state of the Deployment. Read-only.",
    # ServiceSpec
    (_S, "type"): "How the Service is exposed. ClusterIP (the default) gives it a virtual IP reachable only "
                  "inside the cluster. NodePort adds a port on every node's IP (from the range set by the "
                  "apiserver's --service-node-port-range, 30000-32767 by default) that forwards to the "
                  "Service. LoadBalancer adds an external load balancer in front of the node ports. "
                  "ExternalName only returns a DNS CNAME and proxies nothing.",
    (_S, "selector"): "Traffic goes to the Pods whose labels match every key and value here. The matching, "
                      "ready Pods become the Service's endpoints. Without a selector, endpoints must be managed "
                      "by hand.",
    (_S, "ports"): "The ports the Service exposes. Each has a port on the ClusterIP, a targetPort on the Pods "
                   "and, for NodePort and LoadBalancer Services, a nodePort on every node.",
    (_S, "clusterIP"): "The virtual IP of the Service, allocated from the service CIDR unless you set one. "
                       "\"None\" makes a headless Service. Cannot be changed once set, except to switch to "
                       "ExternalName.",
    (_S, "clusterIPs"): "The Service's IPs, one per IP family; the first one equals clusterIP.",
    (_S, "externalTrafficPolicy"): "How a node routes traffic that arrives from outside the cluster on a node "
                                   "port or load balancer address. Cluster (the default) may forward it to a Pod "
                                   "on any node, and SNATs it so replies come back the same way: even spreading, "
                                   "but the Pod sees a node's IP instead of the client's. Local only uses Pods on "
                                   "the receiving node: the client IP is kept and there is no extra hop, but a "
                                   "node without such a Pod drops the traffic.",
    (_S, "internalTrafficPolicy"): "How traffic from inside the cluster to the ClusterIP is routed. Cluster (the "
                                   "default) uses every ready endpoint; Local uses only endpoints on the same node "
                                   "as the client.",
    (_S, "sessionAffinity"): "ClientIP sends every connection from one client IP to the same Pod (for a "
                             "timeout, 3 hours by default). None (the default) picks a Pod for each connection.",
    (_S, "sessionAffinityConfig"): "Settings of session affinity, such as its timeout.",
    (_S, "externalIPs"): "Extra IPs, not managed by Kubernetes, on which the nodes also accept traffic for this "
                         "Service.",
    (_S, "externalName"): "The DNS name that an ExternalName Service returns as a CNAME.",
    (_S, "loadBalancerIP"): "Deprecated: a specific IP requested from the load balancer implementation.",
    (_S, "loadBalancerSourceRanges"): "Client CIDRs allowed through a cloud load balancer.",
    (_S, "loadBalancerClass"): "Which load balancer implementation handles this Service.",
    (_S, "allocateLoadBalancerNodePorts"): "Whether a LoadBalancer Service also gets node ports (true by "
                                           "default).",
    (_S, "healthCheckNodePort"): "For a LoadBalancer Service with externalTrafficPolicy Local: the node port "
                                 "on which load balancers check whether a node has local endpoints.",
    (_S, "publishNotReadyAddresses"): "Whether Pods that are not ready are still published as endpoints.",
    (_S, "ipFamilies"): "The IP families (IPv4, IPv6) of the Service's cluster IPs.",
    (_S, "ipFamilyPolicy"): "Whether the Service gets one IP family or both.",
    (_S, "trafficDistribution"): "A preference for how traffic is spread over the endpoints, such as "
                                 "PreferClose.",
    # ServicePort
    (_P, "port"): "The port the Service listens on, on its ClusterIP. Clients inside the cluster connect to "
                  "clusterIP:port.",
    (_P, "targetPort"): "The port on the Pods that traffic is sent to: a number, or the name of a container "
                        "port. Defaults to the value of port.",
    (_P, "nodePort"): "The port opened on every node for NodePort and LoadBalancer Services. Traffic to any "
                      "node's IP on this port reaches the Service. Must be in the apiserver's node port range "
                      "(30000-32767 by default) and unused; left empty, one is allocated at random from that "
                      "range.",
    (_P, "name"): "The name of the port. Required when the Service has more than one port; it must be unique "
                  "and a valid DNS label.",
    (_P, "protocol"): "The IP protocol of the port: TCP (the default), UDP or SCTP.",
    (_P, "appProtocol"): "The application protocol, as a hint to implementations (for example http or "
                         "kubernetes.io/h2c).",
    ("ServiceStatus", "loadBalancer"): "The addresses of the load balancer, when there is one.",
    ("ServiceStatus", "conditions"): "The current conditions of the Service.",
    # DeploymentSpec
    (_D, "replicas"): "How many Pods the Deployment keeps running. Defaults to 1.",
    (_D, "selector"): "The label selector of the Pods this Deployment manages. It must match the labels of the "
                      "Pod template and cannot be changed once the Deployment exists.",
    (_D, "template"): "The Pod template: the labels and the spec that every Pod of the Deployment is created "
                      "with. Changing it starts a rollout.",
    (_D, "strategy"): "How old Pods are replaced: RollingUpdate (the default) or Recreate.",
    (_D, "minReadySeconds"): "How long a new Pod must be ready before it counts as available. Defaults to 0.",
    (_D, "revisionHistoryLimit"): "How many old ReplicaSets are kept for rollbacks. Defaults to 10.",
    (_D, "progressDeadlineSeconds"): "How long a rollout may make no progress before it is reported as failed. "
                                     "Defaults to 600.",
    (_D, "paused"): "Whether the Deployment is paused: template changes do not roll out until it is resumed.",
    ("DeploymentStrategy", "type"): "Recreate stops all old Pods before starting new ones; RollingUpdate "
                                    "replaces them gradually.",
    ("DeploymentStrategy", "rollingUpdate"): "The limits of a rolling update: maxSurge and maxUnavailable.",
    ("LabelSelector", "matchLabels"): "Labels that must all be present with these values.",
    ("LabelSelector", "matchExpressions"): "Requirements (In, NotIn, Exists, DoesNotExist) that must all hold.",
    ("PodTemplateSpec", "metadata"): "The metadata of the Pods, above all their labels, which the selectors of "
                                     "the Deployment and of Services match.",
    ("PodTemplateSpec", "spec"): "The spec of the Pods.",
    ("PodSpec", "containers"): "The containers of the Pod. There must be at least one.",
    ("PodSpec", "nodeSelector"): "Labels a node must have for the Pod to be scheduled on it.",
    ("PodSpec", "tolerations"): "Taints of nodes that the Pod tolerates.",
    ("Container", "name"): "The name of the container, unique within the Pod.",
    ("Container", "image"): "The container image to run, e.g. nginx:1.27.",
    ("Container", "ports"): "The ports the container listens on. Listing them is informational, but a "
                            "Service's targetPort may refer to one by name.",
    ("Container", "command"): "The entrypoint, replacing the image's ENTRYPOINT.",
    ("Container", "args"): "Arguments to the entrypoint, replacing the image's CMD.",
    ("Container", "readinessProbe"): "A periodic check of whether the container can serve. Until it passes, "
                                     "the Pod is not ready and is not a Service endpoint.",
    ("ContainerPort", "containerPort"): "The port number to expose on the Pod's IP address (1-65535). Declaring "
                                        "it is informational: a port the process listens on is reachable "
                                        "whether or not it is listed.",
    ("ContainerPort", "hostIP"): "The node address a hostPort binds to.",
    ("ContainerPort", "name"): "A name for the port, which a Service's targetPort can refer to.",
    ("ContainerPort", "protocol"): "TCP (the default), UDP or SCTP.",
    ("ContainerPort", "hostPort"): "A port opened on the node's IP for this container; rarely needed, and not "
                                   "how NodePort Services work.",
}

#: (struct, field) -> allowed values, as explain lists them.
ENUMS: dict[tuple[str, str], list[str]] = {
    (_S, "type"): ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
    (_S, "externalTrafficPolicy"): ["Cluster", "Local"],
    (_S, "internalTrafficPolicy"): ["Cluster", "Local"],
    (_S, "sessionAffinity"): ["ClientIP", "None"],
    (_S, "ipFamilyPolicy"): ["PreferDualStack", "RequireDualStack", "SingleStack"],
    (_P, "protocol"): ["SCTP", "TCP", "UDP"],
    ("ContainerPort", "protocol"): ["SCTP", "TCP", "UDP"],
    ("DeploymentStrategy", "type"): ["Recreate", "RollingUpdate"],
    ("Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("PodSpec", "restartPolicy"): ["Always", "Never", "OnFailure"],
}

#: (struct, field) pairs the API marks required.
REQUIRED: set[tuple[str, str]] = {
    (_P, "port"), (_D, "selector"), (_D, "template"), ("PodSpec", "containers"), ("Container", "name"),
    ("ContainerPort", "containerPort"), ("LabelSelectorRequirement", "key"),
    ("LabelSelectorRequirement", "operator"),
}
