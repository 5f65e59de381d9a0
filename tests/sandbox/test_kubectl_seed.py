"""Every kubectl command of the seed article, run as the learner types them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.seed import SEED_DEPLOYMENT, SEED_SERVICE_30080, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.kubectl.verbs_common import printers_ready
from trainer.sandbox.session import Result, Session


WEB_FRONTEND_SVC = SEED_SERVICE_30080
SVC_31000 = SEED_SERVICE_31000
LOCAL = SVC_31000.replace("  type: NodePort\n", "  type: NodePort\n  externalTrafficPolicy: Local\n")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "web-frontend-svc.yaml").write_text(WEB_FRONTEND_SVC)
    (tmp_path / "web-frontend.yaml").write_text(SEED_DEPLOYMENT + "---\n" + SVC_31000)
    (tmp_path / "web-frontend-local.yaml").write_text(LOCAL)
    return Session(Cluster.default(), tmp_path)


def run(session: Session, line: str) -> Result:
    return main(session, shlex.split(line), "")


@pytest.mark.skipif(not printers_ready(), reason="kubectl printers/output not installed yet")
def test_create_a_nodeport_service_then_get_it(session: Session) -> None:
    assert run(session, "kubectl apply -f web-frontend-svc.yaml") == Result("service/web-frontend created\n", "", 0)
    got = run(session, "kubectl get svc web-frontend")
    assert got.status == 0 and got.stderr == ""
    header, row = got.stdout.splitlines()
    assert header.split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert row.split()[:2] == ["web-frontend", "NodePort"] and row.split()[3:] == ["<none>", "80:30080/TCP", "0s"]


def test_deployment_plus_service_then_node_ip_and_local_policy(session: Session) -> None:
    assert run(session, "kubectl apply -f web-frontend.yaml") == Result(
        "deployment.apps/web-frontend created\nservice/web-frontend created\n", "", 0)
    if printers_ready():
        line = "kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'"
        assert run(session, line) == Result("10.0.0.10", "", 0)
    assert run(session, "kubectl apply -f web-frontend-local.yaml") == Result(
        "service/web-frontend configured\n", "", 0)
    spec = session.cluster.api.get("Service", "web-frontend", "default")["spec"]
    assert spec["externalTrafficPolicy"] == "Local" and spec["ports"][0]["nodePort"] == 31000


def test_the_seed_flow_through_the_console_shell(session: Session) -> None:
    shell_module = pytest.importorskip("trainer.sandbox.shell")
    pytest.importorskip("trainer.sandbox.curl")
    if not printers_ready():
        pytest.skip("kubectl printers/output not installed yet")
    shell = shell_module.Shell(session)
    assert shell.run_line("kubectl apply -f web-frontend.yaml").status == 0
    node_ip = "NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}')"
    assert shell.run_line(node_ip).status == 0
    assert shell.run_line("echo $NODE_IP").stdout == "10.0.0.10\n"
    reply = shell.run_line("curl -s http://$NODE_IP:31000")
    assert reply.status == 0 and "Welcome to nginx!" in reply.stdout
