"""The check DSL against real attempts: each kind passes on the truth and fails, with words, otherwise."""

from __future__ import annotations

import yaml
import pytest

from trainer.checks import evaluate, parse_checks, parse_scenario
from trainer.checks.scenario import Attempt, ScenarioError
from tests.seed import SEED_DEPLOYMENT, SEED_WITH_31000

LOCAL = SEED_WITH_31000.replace("  type: NodePort\n", "  type: NodePort\n  externalTrafficPolicy: Local\n")


def _checks(text: str):
    checks, problems = parse_checks(yaml.safe_load(text), ("checks",))
    assert problems == []
    return checks


def _attempt(*files: str, setup=None) -> Attempt:
    scenario, problems = parse_scenario({"setup": setup or []}, ("scenario",), lambda name: None)
    assert problems == [] and scenario is not None
    attempt = scenario.start()
    for i, text in enumerate(files):
        attempt.apply_files({f"a{i}.yaml": text})
    return attempt


def _run(text: str, attempt: Attempt) -> dict:
    return {r.id: r for r in evaluate(_checks(text), attempt)}


COMMON = "message: m\n  why: w\n  misconception: t\n"


def test_field_checks_use_filters_so_port_order_does_not_matter() -> None:
    two_ports = SEED_WITH_31000.replace("  - port: 80\n    targetPort: 80\n    nodePort: 31000\n",
                                        "  - name: metrics\n    port: 9090\n    targetPort: 80\n"
                                        "  - name: web\n    port: 80\n    targetPort: 80\n    nodePort: 31000\n")
    assert two_ports != SEED_WITH_31000
    checks = f"""
- id: np
  field: {{kind: Service, name: web-frontend, path: '{{.spec.ports[?(@.port==80)].nodePort}}'}}
  equals: 31000
  {COMMON}
- id: ports
  field: {{kind: Service, name: web-frontend, path: '{{.spec.ports[*].port}}'}}
  equals: [80, 9090]
  {COMMON}
"""
    with _attempt(two_ports) as attempt:
        results = _run(checks, attempt)
    assert results["np"].passed and results["ports"].passed, results


def test_field_check_on_a_missing_object_fails_with_not_found_and_exists_false_passes() -> None:
    checks = f"""
- id: np
  field: {{kind: Service, name: nope, path: '{{.spec.type}}'}}
  equals: NodePort
  {COMMON}
- id: gone
  field: {{kind: Service, name: nope, path: '{{.spec.type}}'}}
  exists: false
  {COMMON}
"""
    with _attempt() as attempt:
        results = _run(checks, attempt)
    assert not results["np"].passed and results["np"].observed == 'services "nope" not found'
    assert results["gone"].passed


def test_probe_reaches_every_node_and_reports_snat_hop_when_client_ip_is_not_kept() -> None:
    checks = f"""
- id: reach
  probe: {{from: external, to: {{nodes: all, port: {{service: web-frontend}}}}}}
  expect: {{verdict: answers, reaches: {{app: web-frontend}}, response_contains: Welcome to nginx}}
  {COMMON}
- id: kept
  probe: {{from: external, to: {{nodes: all, port: 31000}}}}
  expect: {{client_ip: preserved}}
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        results = _run(checks, attempt)
    assert results["reach"].passed, results["reach"]
    kept = results["kept"]
    assert not kept.passed
    assert "MASQUERADE" in kept.hop and kept.hop.startswith("controlplane 10.0.0.10:31000")


def test_local_policy_keeps_the_client_ip_on_pod_nodes_and_times_out_on_the_control_plane() -> None:
    checks = f"""
- id: kept
  probe: {{from: external, to: {{nodes: [node01, node02], port: 31000}}}}
  expect: {{client_ip: preserved, reaches: {{app: web-frontend}}}}
  {COMMON}
- id: cp
  probe: {{from: external, to: {{node: controlplane, port: 31000}}}}
  expect: {{verdict: answers}}
  {COMMON}
"""
    with _attempt(LOCAL) as attempt:
        results = _run(checks, attempt)
    assert results["kept"].passed, results["kept"]
    assert not results["cp"].passed
    assert "times out" in results["cp"].observed and "DROP" in results["cp"].hop


def test_rejected_and_accepted_run_on_a_copy_and_name_the_field() -> None:
    bad = ("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n"
           "spec: {type: NodePort, selector: {a: b}, ports: [{port: 80, nodePort: 8080}]}\n")
    taken = bad.replace("8080", "31000")
    checks = f"""
- id: range
  rejected: {{manifest: "{bad.replace(chr(10), chr(92) + 'n')}", field: "spec.ports[0].nodePort",
             contains: provided port is not in the valid range}}
  {COMMON}
- id: taken
  rejected: {{manifest: "{taken.replace(chr(10), chr(92) + 'n')}", contains: provided port is already allocated}}
  {COMMON}
- id: wrong-field
  rejected: {{manifest: "{bad.replace(chr(10), chr(92) + 'n')}", field: spec.clusterIP}}
  {COMMON}
- id: fine
  accepted: {{manifest: "{taken.replace('31000', '30111').replace(chr(10), chr(92) + 'n')}"}}
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        results = _run(checks, attempt)
        # The copies took the manifests; the attempt's own cluster has no Service "x".
        assert not isinstance(attempt.cluster.get("Service", "x"), dict)
    assert results["range"].passed and "valid range" in results["range"].observed
    assert results["taken"].passed
    assert not results["wrong-field"].passed
    assert results["fine"].passed


def test_counts_and_outputs() -> None:
    checks = f"""
- id: eps
  count: {{ready_endpoints: web-frontend}}
  equals: 3
  {COMMON}
- id: nodes
  count: {{nodes_with_pods: {{app: web-frontend}}}}
  equals: 2
  {COMMON}
- id: ip
  output: {{}}
  equals: {{jsonpath: {{kind: Node, name: controlplane, path: '{{.status.addresses[?(@.type=="InternalIP")].address}}'}}}}
  {COMMON}
- id: status
  output: {{stream: status}}
  equals: 0
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        attempt.run("kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'")
        results = _run(checks, attempt)
        assert all(r.passed for r in results.values()), results
        attempt.run("kubectl get nodes")
        again = _run(checks, attempt)
    assert not again["ip"].passed and "controlplane" in again["ip"].observed


def test_scale_to_zero_leaves_no_endpoints_and_the_probe_is_refused() -> None:
    checks = f"""
- id: eps
  count: {{ready_endpoints: web-frontend}}
  min: 1
  {COMMON}
- id: refused
  probe: {{to: {{node: node01, port: 31000}}}}
  expect: {{verdict: refused}}
  {COMMON}
"""
    with _attempt(SEED_WITH_31000, setup=[]) as attempt:
        attempt.run("kubectl scale deployment web-frontend --replicas=0")
        attempt.shell.pass_time(60)  # the Pods' 30 s grace period ends
        results = _run(checks, attempt)
    assert not results["eps"].passed and results["eps"].observed == "0"
    assert results["refused"].passed


def test_parse_errors_carry_paths() -> None:
    raw = yaml.safe_load("""
- id: Bad_Id
  field: {kind: Service}
  equals: 1
- id: two
  probe: {from: somewhere, to: {nodes: all, port: 31000}}
  expect: {verdict: maybe}
  message: m
  why: w
- id: none
  message: m
  why: w
""")
    checks, problems = parse_checks(raw, ("items", 0, "checks"))
    texts = [(p.path, p.message) for p in problems]
    assert any(path == ("items", 0, "checks", 0, "id") for path, _ in texts)
    assert any("field needs kind, name and path" in m for _, m in texts)
    assert any("a message" in m for _, m in texts)
    assert any(path[-1] == "from" for path, _ in texts)
    assert any("verdict is one of" in m for _, m in texts)
    assert any("name exactly one of" in m for _, m in texts)


def test_a_failing_setup_step_is_a_scenario_error() -> None:
    scenario, problems = parse_scenario({"setup": [{"run": "kubectl get svc nope"}]}, ("scenario",), lambda n: None)
    assert problems == []
    with pytest.raises(ScenarioError) as info:
        scenario.start()
    assert 'services "nope" not found' in info.value.message
    assert info.value.path == ("scenario", "setup", 0)


def test_setup_can_edit_the_apiserver_manifest_and_restart_it() -> None:
    setup = [{"run": "ssh controlplane sed -i 's/--service-node-port-range=30000-32767/"
                     "--service-node-port-range=20000-40000/' /etc/kubernetes/manifests/kube-apiserver.yaml"}]
    checks = f"""
- id: wide
  accepted: {{manifest: "apiVersion: v1\\nkind: Service\\nmetadata: {{name: wide}}\\nspec: {{type: NodePort, ports: [{{port: 80, nodePort: 35000}}]}}\\n"}}
  {COMMON}
"""
    with _attempt(SEED_DEPLOYMENT, setup=setup) as attempt:
        results = _run(checks, attempt)
    assert results["wide"].passed, results["wide"]


def test_an_empty_engine_value_cannot_make_contains_accept_anything() -> None:
    checks = f"""
- id: c
  output: {{}}
  contains: {{command: "kubectl get svc web-frontend -o jsonpath='{{.metadata.annotations.nothing}}'"}}
  {COMMON}
- id: j
  output: {{}}
  matches: {{jsonpath: {{kind: Service, name: web-frontend, path: '{{.spec.externalIPs}}'}}}}
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        attempt.run("echo anything")
        results = _run(checks, attempt)
    assert not results["c"].passed and "printed nothing" in results["c"].expected
    assert not results["j"].passed and "is empty" in results["j"].expected


def test_observe_belongs_to_ask_not_to_the_probe() -> None:
    raw = yaml.safe_load("""
- id: p
  probe: {from: external, to: {node: node01, port: 31000}, observe: client_ip}
  expect: {verdict: answers}
  message: m
  why: w
""")
    checks, problems = parse_checks(raw, ("checks",))
    assert checks == [] and any('unknown key "observe"' in p.message for p in problems)


def test_probes_see_the_default_security_group_without_any_command_first() -> None:
    checks = f"""
- id: blocked
  probe: {{from: {{external: 198.51.100.9}}, to: {{node: node01, port: 8080}}}}
  expect: {{verdict: times out}}
  {COMMON}
"""
    with _attempt() as attempt:
        results = _run(checks, attempt)
    assert results["blocked"].passed, results["blocked"]


def test_setup_leaves_no_file_and_no_history_behind() -> None:
    scenario, _ = parse_scenario({"setup": [{"apply": SEED_DEPLOYMENT}, {"run": "kubectl get pods"}]},
                                 ("scenario",), lambda n: None)
    with scenario.start() as attempt:
        assert attempt.session.list_dir(".") == []
        assert attempt.shell.history == [] and attempt.runs == []
        (run,) = attempt.run("history")
        assert "kubectl" not in run.result.stdout


def test_command_truth_comes_from_the_cluster_before_the_command() -> None:
    checks = f"""
- id: type
  output: {{}}
  equals: {{jsonpath: {{kind: Service, name: web-frontend, path: '{{.spec.type}}'}}}}
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        before = attempt.cluster.clone()
        # The learner changes the Service, then prints the new type: it no longer matches the truth.
        attempt.run("kubectl patch svc web-frontend -p '{\"spec\":{\"type\":\"ClusterIP\"}}' >/dev/null && "
                    "kubectl get svc web-frontend -o jsonpath='{.spec.type}'")
        assert not evaluate(_checks(checks), attempt, truth=before)[0].passed
        assert evaluate(_checks(checks), attempt)[0].passed


def test_exists_false_passes_only_when_the_object_is_missing() -> None:
    checks = f"""
- id: absent-field
  field: {{kind: Service, name: web-frontend, path: '{{.spec.externalIPs}}'}}
  exists: false
  {COMMON}
"""
    with _attempt(SEED_WITH_31000) as attempt:
        assert _run(checks, attempt)["absent-field"].passed
        attempt.run("kubectl patch svc web-frontend -p '{\"spec\":{\"externalIPs\":[\"1.2.3.4\"]}}'")
        assert not _run(checks, attempt)["absent-field"].passed
