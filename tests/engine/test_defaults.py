"""Tests for API defaulting (trainer.engine.defaults)."""

import pytest

from trainer.engine.defaults import (
    apply_defaults,
    default_deployment,
    default_endpoint_slice,
    default_pod_template,
    default_service,
    image_tag,
)


def svc(**spec):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}


class TestServiceDefaults:
    def test_minimal_service(self):
        out = default_service(svc(selector={"app": "web"}, ports=[{"port": 80}]))
        assert out["spec"] == {
            "selector": {"app": "web"},
            "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
            "sessionAffinity": "None",
            "type": "ClusterIP",
            "internalTrafficPolicy": "Cluster",
        }

    def test_input_is_not_modified(self):
        original = svc(ports=[{"port": 80}])
        default_service(original)
        assert original["spec"] == {"ports": [{"port": 80}]}

    def test_node_port_gets_external_traffic_policy(self):
        out = default_service(svc(type="NodePort", ports=[{"port": 80, "targetPort": "http"}]))
        assert out["spec"]["externalTrafficPolicy"] == "Cluster"
        assert out["spec"]["ports"][0]["targetPort"] == "http"
        assert "allocateLoadBalancerNodePorts" not in out["spec"]

    def test_cluster_ip_with_external_ips_gets_external_traffic_policy(self):
        out = default_service(svc(externalIPs=["192.0.2.10"], ports=[{"port": 80}]))
        assert out["spec"]["externalTrafficPolicy"] == "Cluster"

    def test_plain_cluster_ip_has_no_external_traffic_policy(self):
        assert "externalTrafficPolicy" not in default_service(svc(ports=[{"port": 80}]))["spec"]

    def test_load_balancer(self):
        out = default_service(svc(type="LoadBalancer", ports=[{"port": 80}], externalTrafficPolicy="Local"))
        assert out["spec"]["allocateLoadBalancerNodePorts"] is True
        assert out["spec"]["externalTrafficPolicy"] == "Local"

    def test_external_name_gets_no_traffic_policies(self):
        out = default_service(svc(type="ExternalName", externalName="db.example.com"))
        assert "internalTrafficPolicy" not in out["spec"]
        assert "externalTrafficPolicy" not in out["spec"]

    @pytest.mark.parametrize("target", [0, "", None])
    def test_empty_target_port_defaults_to_port(self, target):
        out = default_service(svc(ports=[{"port": 8080, "targetPort": target}]))
        assert out["spec"]["ports"][0]["targetPort"] == 8080

    def test_client_ip_affinity_timeout(self):
        out = default_service(svc(ports=[{"port": 80}], sessionAffinity="ClientIP"))
        assert out["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
        kept = default_service(svc(ports=[{"port": 80}], sessionAffinity="ClientIP",
                                   sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}}))
        assert kept["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 60}}

    def test_none_affinity_drops_config(self):
        out = default_service(svc(ports=[{"port": 80}], sessionAffinityConfig={"clientIP": {"timeoutSeconds": 5}}))
        assert "sessionAffinityConfig" not in out["spec"]

    def test_cluster_ip_fields_are_left_to_the_registry(self):
        spec = default_service(svc(ports=[{"port": 80}]))["spec"]
        assert not {"ipFamilies", "ipFamilyPolicy", "clusterIP", "clusterIPs"} & set(spec)


class TestImagePullPolicy:
    @pytest.mark.parametrize("image, tag", [
        ("nginx", "latest"), ("nginx:latest", "latest"), ("nginx:1.27", "1.27"),
        ("registry.k8s.io/pause:3.10", "3.10"), ("localhost:5000/app", "latest"),
        ("nginx@sha256:" + "a" * 64, ""), ("nginx:1.27@sha256:" + "b" * 64, "1.27"),
        ("NGINX", None), ("", None), ("nginx@sha256:abc", None),
    ])
    def test_image_tag(self, image, tag):
        assert image_tag(image) == tag

    @pytest.mark.parametrize("image, policy", [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"), ("NGINX", "IfNotPresent"),
    ])
    def test_policy(self, image, policy):
        template = default_pod_template({"spec": {"containers": [{"name": "c", "image": image}]}})
        assert template["spec"]["containers"][0]["imagePullPolicy"] == policy


class TestDeploymentDefaults:
    def test_full_defaults(self):
        dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                              "ports": [{"containerPort": 80}]}]}}}}
        out = default_deployment(dep)
        assert out["spec"]["replicas"] == 1
        assert out["spec"]["strategy"] == {"type": "RollingUpdate",
                                           "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
        assert out["spec"]["revisionHistoryLimit"] == 10
        assert out["spec"]["progressDeadlineSeconds"] == 600
        pod = out["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Always"
        assert pod["dnsPolicy"] == "ClusterFirst"
        assert pod["schedulerName"] == "default-scheduler"
        assert pod["terminationGracePeriodSeconds"] == 30
        assert pod["securityContext"] == {}
        assert pod["containers"][0] == {
            "name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "imagePullPolicy": "IfNotPresent", "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "resources": {},
        }
        assert "enableServiceLinks" not in pod  # a Pod-only default

    def test_recreate_strategy_gets_no_rolling_update(self):
        out = default_deployment({"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}}})
        assert out["spec"]["strategy"] == {"type": "Recreate"}

    def test_partial_rolling_update(self):
        out = default_deployment({"kind": "Deployment", "spec": {"strategy": {"rollingUpdate": {"maxSurge": 1}}}})
        assert out["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": "25%"}

    def test_explicit_zero_replicas_kept(self):
        assert default_deployment({"kind": "Deployment", "spec": {"replicas": 0}})["spec"]["replicas"] == 0


class TestOtherKinds:
    def test_endpoint_slice_ports(self):
        out = default_endpoint_slice({"kind": "EndpointSlice", "addressType": "IPv4", "ports": [{"port": 80}]})
        assert out["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]

    def test_apply_defaults_dispatches_in_place(self):
        obj = {"kind": "Service", "spec": {"ports": [{"port": 80}]}}
        assert apply_defaults(obj) is obj
        assert obj["spec"]["type"] == "ClusterIP"

    def test_pod_defaults(self):
        pod = apply_defaults({"kind": "Pod", "spec": {"containers": [
            {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "1"}}}]}})
        assert pod["spec"]["enableServiceLinks"] is True
        assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}

    def test_namespace_label(self):
        ns = apply_defaults({"kind": "Namespace", "metadata": {"name": "lab"}})
        assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "lab"}

    def test_unknown_kind_untouched(self):
        assert apply_defaults({"kind": "Node", "spec": {}}) == {"kind": "Node", "spec": {}}
