"""Tests for Deployment and EndpointSlice validation (trainer.engine.validation)."""

import copy

import pytest

from trainer.engine.defaults import default_deployment
from trainer.engine.errors import Status
from trainer.engine.validation import (
    validate_deployment,
    validate_deployment_update,
    validate_endpoint_slice,
    validate_object,
    validate_object_update,
)

SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
             "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
NONNEG = "must be greater than or equal to 0"


def deployment(**spec):
    base = {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                              "ports": [{"containerPort": 80}]}]}},
    }
    base.update(spec)
    return default_deployment({"apiVersion": "apps/v1", "kind": "Deployment",
                               "metadata": {"name": "web-frontend", "namespace": "default"}, "spec": base})


def texts(errs):
    return [str(e) for e in errs]


def test_valid_deployment():
    assert validate_deployment(deployment()) == []
    assert validate_object(deployment()) == []


def test_name_is_a_subdomain():
    dep = deployment()
    dep["metadata"]["name"] = "Web"
    assert texts(validate_deployment(dep)) == [f'metadata.name: Invalid value: "Web": {SUBDOMAIN}']
    dep["metadata"]["name"] = "web.frontend"
    assert validate_deployment(dep) == []


def test_negative_replicas():
    assert texts(validate_deployment(deployment(replicas=-1))) == [f"spec.replicas: Invalid value: -1: {NONNEG}"]


def test_selector_must_match_template_labels():
    dep = deployment(selector={"matchLabels": {"app": "web-frontend"}})
    errs = validate_deployment(dep)
    assert texts(errs) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`"]
    assert Status.invalid("Deployment", "web-frontend", errs, "apps").kubectl_message() == (
        'The Deployment "web-frontend" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"web"}: `selector` does not match template `labels`')


def test_template_labels_printed_sorted():
    dep = deployment(selector={"matchLabels": {"tier": "front"}})
    dep["spec"]["template"]["metadata"]["labels"] = {"tier": "back", "app": "web"}
    assert texts(validate_deployment(dep)) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"back"}: '
        "`selector` does not match template `labels`"]


def test_missing_selector_also_fails_the_match():
    dep = deployment()
    del dep["spec"]["selector"]
    assert texts(validate_deployment(dep)) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`",
    ]


def test_empty_selector():
    assert texts(validate_deployment(deployment(selector={}))) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]


def test_match_expressions():
    dep = deployment(selector={"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]})
    assert validate_deployment(dep) == []
    dep = deployment(selector={"matchExpressions": [{"key": "app", "operator": "Equals", "values": ["web"]}]})
    assert texts(validate_deployment(dep)) == [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), '
        'MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", '
        'Operator:"Equals", Values:[]string{"web"}}}}: invalid label selector',
    ]


def test_containers():
    dep = deployment()
    dep["spec"]["template"]["spec"]["containers"] = []
    assert texts(validate_deployment(dep)) == ["spec.template.spec.containers: Required value"]
    dep = deployment()
    dep["spec"]["template"]["spec"]["containers"] = [
        {"image": "nginx", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"},
        {"name": "Web", "imagePullPolicy": "Always", "terminationMessagePolicy": "File"},
    ]
    assert texts(validate_deployment(dep)) == [
        "spec.template.spec.containers[0].name: Required value",
        'spec.template.spec.containers[1].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of '
        "lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
        "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "spec.template.spec.containers[1].image: Required value",
    ]


def test_container_ports():
    dep = deployment()
    dep["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"containerPort": 0, "protocol": "TCP"}, {"containerPort": 70000, "protocol": "HTTP", "name": "Web"}]
    assert texts(validate_deployment(dep)) == [
        "spec.template.spec.containers[0].ports[0].containerPort: Required value",
        'spec.template.spec.containers[0].ports[1].name: Invalid value: "Web": must contain only alpha-numeric '
        "characters (a-z, 0-9), and hyphens (-)",
        "spec.template.spec.containers[0].ports[1].containerPort: Invalid value: 70000: "
        "must be between 1 and 65535, inclusive",
        'spec.template.spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": '
        'supported values: "SCTP", "TCP", "UDP"',
    ]


def test_restart_policy_must_be_always():
    dep = deployment()
    dep["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert texts(validate_deployment(dep)) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']


def test_template_label_path_has_no_metadata():
    dep = deployment()
    dep["spec"]["template"]["metadata"]["labels"]["tier"] = "front end"
    assert texts(validate_deployment(dep)) == [
        'spec.template.labels: Invalid value: "front end": a valid label must be an empty string or consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]


def test_unconvertible_selector_skips_template_checks():
    dep = deployment(selector={"matchLabels": {"app": "web app"}})
    dep["spec"]["template"]["metadata"]["labels"] = {"app": "web app"}
    errs = texts(validate_deployment(dep))
    assert errs[0].startswith('spec.selector.matchLabels: Invalid value: "web app": a valid label must be')
    assert errs[1].startswith('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string'
                              '{"app":"web app"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: '
                              'invalid label selector')
    assert len(errs) == 2  # an unconvertible selector skips the template checks


@pytest.mark.parametrize("rolling, expected", [
    ({"maxUnavailable": 0, "maxSurge": 0},
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, '
      'StrVal:""}: may not be 0 when `maxSurge` is 0']),
    ({"maxUnavailable": "125%", "maxSurge": 1},
     ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, '
      'StrVal:"125%"}: must not be greater than 100%']),
    ({"maxUnavailable": "x", "maxSurge": -1},
     ["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
      "StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' "
      "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      f"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: {NONNEG}"]),
])
def test_rolling_update(rolling, expected):
    assert texts(validate_deployment(deployment(strategy={"type": "RollingUpdate", "rollingUpdate": rolling}))) == expected


def test_strategy_type():
    assert texts(validate_deployment(deployment(strategy={"type": "BlueGreen"}))) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']
    assert texts(validate_deployment(deployment(strategy={"type": "Recreate", "rollingUpdate": {}}))) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]


def test_progress_deadline():
    assert texts(validate_deployment(deployment(minReadySeconds=600))) == [
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]


def test_selector_is_immutable_on_update():
    old = deployment()
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web2"}}
    new["spec"]["template"]["metadata"]["labels"] = {"app": "web2"}
    assert texts(validate_deployment_update(new, old)) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]
    assert validate_object_update(old, copy.deepcopy(old)) == []


class TestEndpointSlice:
    def slice_(self, **fields):
        base = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": "web-abc12", "namespace": "default"}, "addressType": "IPv4",
                "endpoints": [{"addresses": ["10.244.1.5"]}], "ports": [{"name": "", "port": 8080, "protocol": "TCP"}]}
        base.update(fields)
        return base

    def test_valid(self):
        assert validate_endpoint_slice(self.slice_()) == []

    def test_address_type(self):
        assert texts(validate_endpoint_slice(self.slice_(addressType="IPv5"))) == [
            'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']

    def test_addresses(self):
        s = self.slice_(endpoints=[{"addresses": []}, {"addresses": ["fd00::1", "127.0.0.1", "nope"]}])
        assert texts(validate_endpoint_slice(s)) == [
            "endpoints[0].addresses: Required value: must contain at least 1 address",
            'endpoints[1].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
            'endpoints[1].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range '
            "(127.0.0.0/8, ::1/128)",
            'endpoints[1].addresses[2]: Invalid value: "nope": must be a valid IPv4 address',
            'endpoints[1].addresses[2]: Invalid value: "nope": must be a valid IP address',
        ]

    def test_ports(self):
        s = self.slice_(ports=[{"name": "http", "port": 80, "protocol": "TCP"},
                               {"name": "http", "port": 81, "protocol": "HTTP"}])
        assert texts(validate_endpoint_slice(s)) == [
            'ports[1].name: Duplicate value: "http"',
            'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        ]
