"""Tests for ValidateService / ValidateServiceUpdate (trainer.engine.validation.service)."""

import copy

import pytest

from trainer.engine.errors import Status
from trainer.engine.validation import validate_service, validate_service_update

DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
           "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
           "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
DNS1123_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                 "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
PORT_RANGE = "must be between 1 and 65535, inclusive"
LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")


def stored(kind="NodePort", **spec_overrides):
    """A Service as it looks after defaulting and allocation."""
    spec = {
        "type": kind,
        "selector": {"app": "web"},
        "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
        "sessionAffinity": "None",
        "internalTrafficPolicy": "Cluster",
        "clusterIP": "10.96.0.20",
        "clusterIPs": ["10.96.0.20"],
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
    }
    if kind in ("NodePort", "LoadBalancer"):
        spec["externalTrafficPolicy"] = "Cluster"
        spec["ports"][0]["nodePort"] = 30080
    if kind == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
    spec.update(spec_overrides)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web-frontend", "namespace": "default"},
            "spec": spec}


def texts(errs):
    return [str(e) for e in errs]


def test_valid_services_pass():
    for kind in ("ClusterIP", "NodePort", "LoadBalancer"):
        svc = stored(kind)
        if kind == "ClusterIP":
            svc["spec"]["ports"][0].pop("nodePort", None)
        assert validate_service(svc) == []


class TestName:
    @pytest.mark.parametrize("name", ["Web", "1web", "web_frontend", "web.frontend", "web-"])
    def test_dns1035(self, name):
        svc = stored()
        svc["metadata"]["name"] = name
        assert texts(validate_service(svc)) == [f'metadata.name: Invalid value: "{name}": {DNS1035}']

    def test_too_long(self):
        svc = stored()
        svc["metadata"]["name"] = "a" * 64
        assert texts(validate_service(svc)) == [
            f'metadata.name: Invalid value: "{"a" * 64}": must be no more than 63 characters']

    def test_missing(self):
        svc = stored()
        del svc["metadata"]["name"]
        assert texts(validate_service(svc)) == ["metadata.name: Required value: name or generateName is required"]

    def test_kubectl_rendering(self):
        svc = stored()
        svc["metadata"]["name"] = "Web"
        status = Status.invalid("Service", "Web", validate_service(svc))
        assert status.kubectl_message() == f'The Service "Web" is invalid: metadata.name: Invalid value: "Web": {DNS1035}'


class TestPorts:
    def test_ports_required(self):
        assert texts(validate_service(stored("ClusterIP", ports=[]))) == ["spec.ports: Required value"]

    def test_headless_needs_no_ports(self):
        svc = stored("ClusterIP", ports=[], clusterIP="None", clusterIPs=["None"])
        assert validate_service(svc) == []

    def test_port_zero(self):
        svc = stored("ClusterIP", ports=[{"port": 0, "targetPort": 0, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == [
            f"spec.ports[0].port: Invalid value: 0: {PORT_RANGE}",
            f"spec.ports[0].targetPort: Invalid value: 0: {PORT_RANGE}",
        ]

    def test_port_too_big(self):
        svc = stored("ClusterIP", ports=[{"port": 70000, "targetPort": 8080, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == [f"spec.ports[0].port: Invalid value: 70000: {PORT_RANGE}"]

    def test_names_required_with_several_ports(self):
        svc = stored("ClusterIP", ports=[{"port": 80, "targetPort": 80, "protocol": "TCP"},
                                         {"port": 443, "targetPort": 443, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]

    def test_name_is_a_dns1123_label(self):
        svc = stored("ClusterIP", ports=[{"name": "HTTP", "port": 80, "targetPort": 80, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == [f'spec.ports[0].name: Invalid value: "HTTP": {DNS1123_LABEL}']

    def test_name_with_dots(self):
        svc = stored("ClusterIP", ports=[{"name": "web.http", "port": 80, "targetPort": 80, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == ['spec.ports[0].name: Invalid value: "web.http": must not contain dots']

    def test_duplicate_names_and_ports(self):
        svc = stored("ClusterIP", ports=[{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP"},
                                         {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == [
            'spec.ports[1].name: Duplicate value: "http"',
            'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), '
            'Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
        ]

    def test_same_port_other_protocol_is_fine(self):
        svc = stored("ClusterIP", ports=[{"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"},
                                         {"name": "dns-tcp", "port": 53, "targetPort": 53, "protocol": "TCP"}])
        assert validate_service(svc) == []

    def test_protocol(self):
        svc = stored("ClusterIP", ports=[{"port": 80, "targetPort": 80, "protocol": "tcp"}])
        assert texts(validate_service(svc)) == [
            'spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"']

    @pytest.mark.parametrize("target, expected", [
        ("http_web", ['spec.ports[0].targetPort: Invalid value: "http_web": must contain only alpha-numeric '
                      'characters (a-z, 0-9), and hyphens (-)']),
        ("8080", ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)']),
        ("-web", ['spec.ports[0].targetPort: Invalid value: "-web": must not begin or end with a hyphen']),
        ("a--b", ['spec.ports[0].targetPort: Invalid value: "a--b": must not contain consecutive hyphens']),
        ("very-long-port-name", ['spec.ports[0].targetPort: Invalid value: "very-long-port-name": '
                                 'must be no more than 15 characters']),
        (70000, [f"spec.ports[0].targetPort: Invalid value: 70000: {PORT_RANGE}"]),
        ("http", []),
    ])
    def test_target_port(self, target, expected):
        svc = stored("ClusterIP", ports=[{"port": 80, "targetPort": target, "protocol": "TCP"}])
        assert texts(validate_service(svc)) == expected

    def test_app_protocol(self):
        svc = stored("ClusterIP", ports=[{"port": 80, "targetPort": 80, "protocol": "TCP", "appProtocol": "a/b/c"}])
        assert texts(validate_service(svc)) == [
            "spec.ports[0].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric "
            "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
            "or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]


class TestNodePorts:
    def test_forbidden_on_cluster_ip(self):
        svc = stored("ClusterIP")
        svc["spec"]["ports"][0]["nodePort"] = 30080
        assert texts(validate_service(svc)) == [
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]

    def test_duplicate_node_port(self):
        svc = stored(ports=[{"name": "a", "port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 30080},
                            {"name": "b", "port": 81, "targetPort": 81, "protocol": "TCP", "nodePort": 30080}])
        assert texts(validate_service(svc)) == ["spec.ports[1].nodePort: Duplicate value: 30080"]

    def test_no_range_check_in_validation(self):
        # The allocator owns the range; validation has no opinion on 40000.
        svc = stored()
        svc["spec"]["ports"][0]["nodePort"] = 40000
        assert validate_service(svc) == []


class TestTrafficPolicies:
    def test_external_policy_on_cluster_ip(self):
        svc = stored("ClusterIP", externalTrafficPolicy="Local")
        assert texts(validate_service(svc)) == [
            'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']

    def test_external_policy_allowed_with_external_ips(self):
        assert validate_service(stored("ClusterIP", externalIPs=["192.0.2.10"], externalTrafficPolicy="Local")) == []

    def test_external_policy_value(self):
        assert texts(validate_service(stored(externalTrafficPolicy="Global"))) == [
            'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"']

    def test_external_policy_required_when_externally_accessible(self):
        svc = stored()
        del svc["spec"]["externalTrafficPolicy"]
        assert texts(validate_service(svc)) == ["spec.externalTrafficPolicy: Required value"]

    def test_internal_policy(self):
        assert texts(validate_service(stored(internalTrafficPolicy="Node"))) == [
            'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"']
        svc = stored()
        del svc["spec"]["internalTrafficPolicy"]
        assert texts(validate_service(svc)) == ["spec.internalTrafficPolicy: Required value"]

    def test_health_check_node_port_only_for_local_load_balancers(self):
        assert texts(validate_service(stored(healthCheckNodePort=30001))) == [
            "spec.healthCheckNodePort: Invalid value: 30001: may only be set when `type` is 'LoadBalancer' "
            "and `externalTrafficPolicy` is 'Local'"]

    def test_health_check_node_port_required(self):
        assert texts(validate_service(stored("LoadBalancer", externalTrafficPolicy="Local"))) == [
            "spec.healthCheckNodePort: Required value"]
        assert validate_service(stored("LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=30001)) == []


class TestAffinityAndSelector:
    def test_session_affinity_value(self):
        assert texts(validate_service(stored(sessionAffinity="Sticky"))) == [
            'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"']

    @pytest.mark.parametrize("timeout, ok", [(0, False), (1, True), (86400, True), (86401, False)])
    def test_timeout(self, timeout, ok):
        svc = stored(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": timeout}})
        expected = [] if ok else [f"spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: {timeout}: "
                                  "must be greater than 0 and less than 86400"]
        assert texts(validate_service(svc)) == expected

    def test_selector_labels(self):
        svc = stored(selector={"app": "web frontend", "a/b/c": "x"})
        assert texts(validate_service(svc)) == [
            f'spec.selector: Invalid value: "web frontend": {LABEL_VALUE}',
            "spec.selector: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, "
            "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  "
            "or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional "
            "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ]

    def test_selector_prefix(self):
        svc = stored(selector={"Example.com/app": "web"})
        assert texts(validate_service(svc)) == [
            "spec.selector: Invalid value: \"Example.com/app\": prefix part a lowercase RFC 1123 subdomain must "
            "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
            "character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]


class TestTypeAndClusterIPs:
    def test_type(self):
        # A misspelt type is not externally accessible, so the defaulted policy is rejected too.
        assert texts(validate_service(stored(type="Nodeport"))) == [
            'spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", '
            '"LoadBalancer", "NodePort"',
            'spec.externalTrafficPolicy: Invalid value: "Cluster": may only be set for externally-accessible services',
        ]

    def test_allocate_lb_node_ports_only_for_lb(self):
        assert texts(validate_service(stored(allocateLoadBalancerNodePorts=False))) == [
            "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"]

    def test_allocate_lb_node_ports_required_path_has_no_spec_prefix(self):
        svc = stored("LoadBalancer")
        del svc["spec"]["allocateLoadBalancerNodePorts"]
        assert texts(validate_service(svc)) == ["allocateLoadBalancerNodePorts: Required value"]

    def test_headless_node_port(self):
        assert texts(validate_service(stored(clusterIP="None", clusterIPs=["None"]))) == [
            "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]

    def test_cluster_ips_must_follow_cluster_ip(self):
        assert texts(validate_service(stored(clusterIP="10.96.0.21"))) == [
            'spec.clusterIPs: Invalid value: []string{"10.96.0.20"}: first value must match `clusterIP`']

    def test_bad_ip(self):
        assert texts(validate_service(stored(clusterIP="10.96.0.300", clusterIPs=["10.96.0.300"]))) == [
            'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, '
            "(e.g. 10.9.8.7 or 2001:db8::ffff)"]

    def test_family_mismatch(self):
        svc = stored(clusterIP="fd00::5", clusterIPs=["fd00::5"])
        assert texts(validate_service(svc)) == [
            'spec.clusterIPs[0]: Invalid value: "fd00::5": expected an IPv4 value as indicated by `ipFamilies[0]`']

    def test_ip_family_policy(self):
        assert texts(validate_service(stored(ipFamilyPolicy="DualStack"))) == [
            'spec.ipFamilyPolicy: Unsupported value: "DualStack": supported values: "PreferDualStack", '
            '"RequireDualStack", "SingleStack"']

    def test_external_ips(self):
        svc = stored("ClusterIP", externalIPs=["127.0.0.1", "not-an-ip"], externalTrafficPolicy="Cluster")
        assert texts(validate_service(svc)) == [
            'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
            'spec.externalIPs[1]: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ]

    def test_external_name(self):
        svc = stored("ClusterIP")
        svc["spec"] = {"type": "ExternalName", "externalName": "DB.example.com.", "sessionAffinity": "None"}
        assert texts(validate_service(svc)) == [
            "spec.externalName: Invalid value: \"DB.example.com\": a lowercase RFC 1123 subdomain must consist of "
            "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
            "(e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]

    def test_source_ranges_path_is_capitalised_upstream(self):
        svc = stored(loadBalancerSourceRanges=["10.0.0.0/8"])
        assert texts(validate_service(svc)) == [
            "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]


class TestUpdate:
    def test_cluster_ip_may_not_change(self):
        old = stored()
        new = stored(clusterIP="10.96.5.5", clusterIPs=["10.96.5.5"])
        assert texts(validate_service_update(new, old)) == [
            'spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: may not change once set']

    def test_primary_cluster_ip_can_not_be_unset(self):
        old = stored()
        new = stored()
        del new["spec"]["clusterIP"], new["spec"]["clusterIPs"]
        assert texts(validate_service_update(new, old)) == [
            "spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset"]

    def test_type_change_to_external_name_skips_ip_checks(self):
        old = stored("ClusterIP")
        new = copy.deepcopy(old)
        new["spec"] = {"type": "ExternalName", "externalName": "db.example.com", "sessionAffinity": "None"}
        assert validate_service_update(new, old) == []

    def test_health_check_node_port_is_immutable(self):
        old = stored("LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=30001)
        new = stored("LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=30002)
        assert texts(validate_service_update(new, old)) == ["spec.healthCheckNodePort: Forbidden: field is immutable"]

    def test_load_balancer_class_may_not_change(self):
        old = stored("LoadBalancer", loadBalancerClass="example.com/a")
        new = stored("LoadBalancer", loadBalancerClass="example.com/b")
        assert texts(validate_service_update(new, old)) == [
            'spec.loadBalancerClass: Invalid value: "example.com/b": may not change once set']

    def test_ip_families_may_not_change(self):
        old = stored("ClusterIP")
        old["spec"]["ports"][0].pop("nodePort", None)
        new = copy.deepcopy(old)
        new["spec"]["ipFamilies"] = ["IPv6"]
        assert 'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set' in texts(
            validate_service_update(new, old))


def test_multiple_errors_render_as_kubectl_list():
    svc = stored(sessionAffinity="Sticky", internalTrafficPolicy="Node")
    status = Status.invalid("Service", "web-frontend", validate_service(svc))
    assert status.kubectl_message() == (
        'The Service "web-frontend" is invalid: \n'
        '* spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"\n'
        '* spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"'
    )
    assert status.message == (
        'Service "web-frontend" is invalid: [spec.sessionAffinity: Unsupported value: "Sticky": supported values: '
        '"ClientIP", "None", spec.internalTrafficPolicy: Unsupported value: "Node": supported values: '
        '"Cluster", "Local"]'
    )
