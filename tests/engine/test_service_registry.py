"""Tests for the Service REST storage: allocation, validation order and rollback (trainer.engine.services)."""

import copy
import ipaddress
import random

import pytest

from trainer.engine.errors import Status
from trainer.engine.flags import PortRange
from trainer.engine.services import RepairEvent, ServiceRegistry

DEFAULT_RANGE = PortRange(30000, 2768)


def registry(seed=1, port_range=DEFAULT_RANGE, cidr="10.96.0.0/12"):
    reg = ServiceRegistry(cidr, port_range, random.Random(seed))
    reg.kubernetes_service()
    return reg


def service(name="web-frontend", kind="NodePort", ports=None, **spec):
    body = {"type": kind, "selector": {"app": name}, "ports": ports or [{"port": 80, "targetPort": 8080}]}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"}, "spec": body}


def state(reg):
    return (reg.ip_allocators["IPv4"].allocated(), reg.port_allocator.allocated())


def created(result):
    assert not isinstance(result, Status), result.kubectl_message()
    return result


class TestKubernetesService:
    def test_first_address_and_port(self):
        reg = ServiceRegistry("10.96.0.0/12", DEFAULT_RANGE, random.Random(0))
        svc = reg.kubernetes_service()
        assert svc["metadata"] == {"name": "kubernetes", "namespace": "default",
                                   "labels": {"component": "apiserver", "provider": "kubernetes"}}
        assert svc["spec"]["clusterIP"] == "10.96.0.1"
        assert svc["spec"]["clusterIPs"] == ["10.96.0.1"]
        assert svc["spec"]["ports"] == [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}]
        assert svc["spec"]["type"] == "ClusterIP"
        assert svc["spec"]["ipFamilies"] == ["IPv4"] and svc["spec"]["ipFamilyPolicy"] == "SingleStack"
        assert svc["status"] == {"loadBalancer": {}}
        assert reg.ip_allocators["IPv4"].has("10.96.0.1")


class TestCreate:
    def test_out_of_range_node_port_is_an_allocation_error(self):
        reg = registry()
        before = state(reg)
        result = reg.create(service(ports=[{"port": 80, "targetPort": 8080, "nodePort": 40000}]))
        assert isinstance(result, Status)
        assert result.code == 422
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is '
            "not in the valid range. The range of valid ports is 30000-32767")
        assert state(reg) == before

    def test_allocation_comes_before_validation(self):
        # An invalid name would be reported by validation; the bad nodePort wins because allocation runs first.
        reg = registry()
        result = reg.create(service(name="Web", ports=[{"port": 80, "nodePort": 40000}]))
        assert [str(c) for c in result.causes] == [
            "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. "
            "The range of valid ports is 30000-32767"]

    def test_defaults_and_allocations(self):
        reg = registry()
        svc = created(reg.create(service()))
        spec = svc["spec"]
        assert spec["ports"][0]["protocol"] == "TCP"
        assert 30086 <= spec["ports"][0]["nodePort"] <= 32767  # the dynamic band
        ip = ipaddress.ip_address(spec["clusterIP"])
        assert ipaddress.ip_address("10.96.1.1") <= ip <= ipaddress.ip_address("10.111.255.254")
        assert spec["clusterIPs"] == [spec["clusterIP"]]
        assert spec["externalTrafficPolicy"] == "Cluster"
        assert spec["internalTrafficPolicy"] == "Cluster"
        assert spec["sessionAffinity"] == "None"
        assert svc["status"] == {"loadBalancer": {}}
        assert state(reg) == (sorted(["10.96.0.1", spec["clusterIP"]], key=ipaddress.ip_address),
                              [spec["ports"][0]["nodePort"]])

    def test_deterministic_for_a_seed(self):
        first = created(registry(seed=11).create(service()))
        second = created(registry(seed=11).create(service()))
        assert first == second

    def test_input_not_modified(self):
        reg = registry()
        manifest = service()
        original = copy.deepcopy(manifest)
        reg.create(manifest)
        assert manifest == original

    def test_requested_port_already_allocated(self):
        reg = registry()
        created(reg.create(service("a", ports=[{"port": 80, "nodePort": 30080}])))
        before = state(reg)
        result = reg.create(service("b", ports=[{"port": 80, "nodePort": 30080}]))
        assert result.kubectl_message() == (
            'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
            "provided port is already allocated")
        assert state(reg) == before  # b's clusterIP was given back

    def test_same_port_number_shares_a_node_port(self):
        reg = registry()
        svc = created(reg.create(service(ports=[
            {"name": "dns", "port": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "nodePort": 30053},
        ])))
        assert [p["nodePort"] for p in svc["spec"]["ports"]] == [30053, 30053]
        assert reg.port_allocator.allocated() == [30053]

    def test_duplicate_node_port_request_fails_in_allocation(self):
        reg = registry()
        result = reg.create(service(ports=[{"name": "a", "port": 80, "nodePort": 30080},
                                           {"name": "b", "port": 81, "nodePort": 30080}]))
        assert [str(c) for c in result.causes] == [
            "spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated"]
        assert reg.port_allocator.allocated() == []

    def test_validation_failure_releases_everything(self):
        reg = registry()
        before = state(reg)
        result = reg.create(service(sessionAffinity="Sticky"))
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": '
            'supported values: "ClientIP", "None"')
        assert state(reg) == before

    def test_headless_node_port_is_rejected_after_allocating_ports(self):
        reg = registry()
        result = reg.create(service(clusterIP="None"))
        assert result.kubectl_message() == (
            "The Service \"web-frontend\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": "
            "may not be set to 'None' for NodePort services")
        assert reg.port_allocator.allocated() == []

    def test_cluster_ip_service_gets_no_node_port(self):
        reg = registry()
        svc = created(reg.create(service(kind="ClusterIP")))
        assert "nodePort" not in svc["spec"]["ports"][0]
        assert "externalTrafficPolicy" not in svc["spec"]

    def test_requested_cluster_ip(self):
        reg = registry()
        svc = created(reg.create(service("kube-dns", kind="ClusterIP", clusterIP="10.96.0.10")))
        assert svc["spec"]["clusterIPs"] == ["10.96.0.10"]
        result = reg.create(service("dns2", kind="ClusterIP", clusterIP="10.96.0.10"))
        assert result.kubectl_message() == (
            'The Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
            "failed to allocate IP 10.96.0.10: provided IP is already allocated")

    def test_cluster_ip_outside_the_cidr(self):
        result = registry().create(service(kind="ClusterIP", clusterIP="192.168.0.10"))
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.10"}: '
            "failed to allocate IP 192.168.0.10: the provided IP (192.168.0.10) is not in the valid range. "
            "The range of valid IPs is 10.96.0.0/12")

    def test_malformed_cluster_ip_is_caught_before_allocation(self):
        reg = registry()
        before = state(reg)
        result = reg.create(service(clusterIP="10.96.0.300"))
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.300": '
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
        assert state(reg) == before

    def test_ipv6_on_an_ipv4_cluster(self):
        result = registry().create(service(kind="ClusterIP", clusterIP="fd00::10"))
        assert [str(c) for c in result.causes] == [
            'spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster']

    def test_require_dual_stack_on_single_stack(self):
        result = registry().create(service(kind="ClusterIP", ipFamilyPolicy="RequireDualStack"))
        assert [str(c) for c in result.causes] == [
            'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for '
            "dual-stack services"]

    def test_prefer_dual_stack_degrades(self):
        svc = created(registry().create(service(kind="ClusterIP", ipFamilyPolicy="PreferDualStack")))
        assert svc["spec"]["ipFamilies"] == ["IPv4"]

    def test_dual_stack_cluster(self):
        reg = registry(cidr="10.96.0.0/12,fd00::/108")
        svc = created(reg.create(service(kind="ClusterIP", ipFamilyPolicy="RequireDualStack")))
        assert svc["spec"]["ipFamilies"] == ["IPv4", "IPv6"]
        assert len(svc["spec"]["clusterIPs"]) == 2
        assert ipaddress.ip_address(svc["spec"]["clusterIPs"][1]) in ipaddress.ip_network("fd00::/108")

    def test_headless_selectorless_defaults(self):
        svc = created(registry().create(service(kind="ClusterIP", clusterIP="None", selector=None)))
        assert svc["spec"]["ipFamilyPolicy"] == "RequireDualStack"
        assert svc["spec"]["ipFamilies"] == ["IPv4", "IPv6"]
        assert svc["spec"]["clusterIPs"] == ["None"]

    def test_external_name(self):
        reg = registry()
        before = state(reg)
        svc = created(reg.create(service(kind="ExternalName", ports=[], selector=None, externalName="db.example.com")))
        assert "clusterIP" not in svc["spec"] and "ipFamilies" not in svc["spec"]
        assert state(reg) == before

    def test_load_balancer_local_gets_a_health_check_port(self):
        reg = registry()
        svc = created(reg.create(service(kind="LoadBalancer", externalTrafficPolicy="Local")))
        hc = svc["spec"]["healthCheckNodePort"]
        assert svc["spec"]["allocateLoadBalancerNodePorts"] is True
        assert sorted(reg.port_allocator.allocated()) == sorted([hc, svc["spec"]["ports"][0]["nodePort"]])

    def test_load_balancer_without_node_ports(self):
        reg = registry()
        svc = created(reg.create(service(kind="LoadBalancer", allocateLoadBalancerNodePorts=False)))
        assert "nodePort" not in svc["spec"]["ports"][0]
        assert reg.port_allocator.allocated() == []
        explicit = created(reg.create(service("b", kind="LoadBalancer", allocateLoadBalancerNodePorts=False,
                                              ports=[{"port": 80, "nodePort": 30100}])))
        assert explicit["spec"]["ports"][0]["nodePort"] == 30100

    def test_requested_health_check_port_taken(self):
        reg = registry()
        created(reg.create(service("a", ports=[{"port": 80, "nodePort": 30001}])))
        result = reg.create(service("b", kind="LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=30001))
        assert result.code == 500
        assert result.kubectl_message("creating", "lb.yaml") == (
            'Error from server (InternalError): error when creating "lb.yaml": Internal error occurred: '
            "failed to allocate requested HealthCheck NodePort 30001: provided port is already allocated")

    def test_range_full(self):
        reg = registry(port_range=PortRange(30000, 2))
        created(reg.create(service("a")))
        created(reg.create(service("b")))
        before = state(reg)
        result = reg.create(service("c"))
        assert result.kubectl_message("creating", "c.yaml") == (
            'Error from server (InternalError): error when creating "c.yaml": Internal error occurred: '
            "failed to allocate a nodePort: range is full")
        assert state(reg) == before


class TestUpdate:
    def test_reapplied_manifest_keeps_allocations(self):
        reg = registry()
        manifest = service()
        old = created(reg.create(manifest))
        before = state(reg)
        new = created(reg.update(old, manifest))
        assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]
        assert new["spec"]["ports"][0]["nodePort"] == old["spec"]["ports"][0]["nodePort"]
        assert state(reg) == before

    def test_change_node_port(self):
        reg = registry()
        old = created(reg.create(service(ports=[{"port": 80, "nodePort": 30080}])))
        new = created(reg.update(old, service(ports=[{"port": 80, "nodePort": 30090}])))
        assert new["spec"]["ports"][0]["nodePort"] == 30090
        assert reg.port_allocator.allocated() == [30090]

    def test_change_to_out_of_range_port_keeps_the_old_one(self):
        reg = registry()
        old = created(reg.create(service(ports=[{"port": 80, "nodePort": 30080}])))
        before = state(reg)
        result = reg.update(old, service(ports=[{"port": 80, "nodePort": 40000}]))
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is '
            "not in the valid range. The range of valid ports is 30000-32767")
        assert state(reg) == before

    def test_node_port_to_cluster_ip_with_merged_live_fields(self):
        reg = registry()
        old = created(reg.create(service(ports=[{"port": 80, "nodePort": 30080}])))
        merged = copy.deepcopy(old)  # kubectl apply leaves server-set fields in place
        merged["spec"]["type"] = "ClusterIP"
        new = created(reg.update(old, merged))
        assert "nodePort" not in new["spec"]["ports"][0]
        assert "externalTrafficPolicy" not in new["spec"]
        assert reg.port_allocator.allocated() == []
        assert new["spec"]["clusterIP"] == old["spec"]["clusterIP"]

    def test_cluster_ip_to_node_port_allocates(self):
        reg = registry()
        old = created(reg.create(service(kind="ClusterIP")))
        new = created(reg.update(old, service(kind="NodePort")))
        assert reg.port_allocator.allocated() == [new["spec"]["ports"][0]["nodePort"]]
        assert new["spec"]["externalTrafficPolicy"] == "Cluster"

    def test_cluster_ip_is_immutable(self):
        reg = registry()
        old = created(reg.create(service()))
        before = state(reg)
        result = reg.update(old, service(clusterIP="10.96.5.5"))
        assert result.kubectl_message() == (
            'The Service "web-frontend" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: '
            "may not change once set")
        assert state(reg) == before

    def test_to_external_name_releases_the_ip(self):
        reg = registry()
        old = created(reg.create(service(kind="ClusterIP")))
        merged = copy.deepcopy(old)
        merged["spec"].update(type="ExternalName", externalName="db.example.com")
        new = created(reg.update(old, merged))
        assert "clusterIP" not in new["spec"] and "ipFamilies" not in new["spec"]
        assert reg.ip_allocators["IPv4"].allocated() == ["10.96.0.1"]

    def test_local_to_cluster_releases_the_health_check_port(self):
        reg = registry()
        old = created(reg.create(service(kind="LoadBalancer", externalTrafficPolicy="Local")))
        merged = copy.deepcopy(old)
        merged["spec"]["externalTrafficPolicy"] = "Cluster"
        new = created(reg.update(old, merged))
        assert "healthCheckNodePort" not in new["spec"]
        assert reg.port_allocator.allocated() == [new["spec"]["ports"][0]["nodePort"]]

    def test_duplicate_node_port_is_a_plain_error(self):
        reg = registry()
        old = created(reg.create(service(ports=[{"name": "a", "port": 80, "nodePort": 30080}])))
        result = reg.update(old, service(ports=[{"name": "a", "port": 80, "nodePort": 30080},
                                                {"name": "b", "port": 81, "nodePort": 30080}]))
        assert (result.code, result.reason, result.message) == (500, "", "duplicate nodePort: {TCP 30080}")
        assert result.kubectl_message() == "Error from server: duplicate nodePort: {TCP 30080}"
        assert reg.port_allocator.allocated() == [30080]

    def test_added_port_gets_a_new_node_port(self):
        reg = registry()
        old = created(reg.create(service(ports=[{"name": "http", "port": 80, "nodePort": 30080}])))
        new = created(reg.update(old, service(ports=[{"name": "http", "port": 80},
                                                     {"name": "https", "port": 443}])))
        ports = [p["nodePort"] for p in new["spec"]["ports"]]
        assert ports[0] == 30080 and ports[1] != 30080
        assert reg.port_allocator.allocated() == sorted(ports)


class TestDeleteAndRestart:
    def test_delete_releases(self):
        reg = registry()
        before = state(reg)
        svc = created(reg.create(service(kind="LoadBalancer", externalTrafficPolicy="Local")))
        reg.delete(svc)
        assert state(reg) == before

    def test_restart_with_a_narrower_range(self):
        reg = registry()
        kube = created(reg.create(service("kube-dns", kind="ClusterIP", clusterIP="10.96.0.10")))
        web = created(reg.create(service("web", ports=[{"port": 80, "nodePort": 31000}])))
        api = created(reg.create(service("api", ports=[{"port": 80, "nodePort": 30010}])))
        events = reg.restart(PortRange(30000, 100), [kube, web, api])
        assert events == [RepairEvent(
            "default", "web", "PortOutOfRange",
            "Port 31000 is not within the port range 30000-30099; please recreate service",
            "the port 31000 for service web/default is not within the port range 30000-30099; please recreate")]
        assert reg.node_port_range == PortRange(30000, 100)
        assert reg.port_allocator.allocated() == [30010]
        assert reg.ip_allocators["IPv4"].has("10.96.0.10")
        # web keeps 31000 on its spec; re-applying it still works because the value is not re-allocated.
        again = created(reg.update(web, service("web", ports=[{"port": 80, "nodePort": 31000}])))
        assert again["spec"]["ports"][0]["nodePort"] == 31000
        # but nobody can ask for it anew.
        result = reg.create(service("new", ports=[{"port": 80, "nodePort": 31000}]))
        assert [str(c) for c in result.causes] == [
            "spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the valid range. "
            "The range of valid ports is 30000-30099"]

    def test_restart_reports_shared_ports_once_per_service(self):
        reg = registry()
        dns = created(reg.create(service("dns", ports=[{"name": "u", "port": 53, "protocol": "UDP"},
                                                       {"name": "t", "port": 53, "protocol": "TCP"}])))
        assert reg.restart(DEFAULT_RANGE, [dns]) == []
        assert reg.port_allocator.allocated() == [dns["spec"]["ports"][0]["nodePort"]]

    def test_clone_is_independent(self):
        reg = registry()
        twin = reg.clone(random.Random(1))
        created(twin.create(service()))
        assert reg.port_allocator.allocated() == []
        assert twin.rng is not reg.rng


@pytest.mark.parametrize("kind", ["NodePort", "LoadBalancer"])
def test_static_band_requests_do_not_collide_with_dynamic_ones(kind):
    reg = registry(seed=3)
    for index in range(20):
        created(reg.create(service(f"s{index}", kind=kind)))
    assert all(p >= 30086 for p in reg.port_allocator.allocated())
    assert created(reg.create(service("pinned", ports=[{"port": 80, "nodePort": 30000}])))
