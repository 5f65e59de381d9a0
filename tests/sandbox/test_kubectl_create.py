"""kubectl create deployment / service and expose: generated objects, errors, and the real binary's output."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.kubectl.verbs_common import printers_ready
from trainer.sandbox.session import Result, Session

KUBECTL = "/usr/bin/kubectl"
needs_printers = pytest.mark.skipif(not printers_ready(), reason="kubectl printers/output not installed yet")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session(Cluster.default(), tmp_path)


def run(session: Session, line: str, stdin: str = "") -> Result:
    return main(session, shlex.split(line), stdin)


# Client-side commands whose output needs no server: compared byte for byte with kubectl v1.32.
OFFLINE = [
    "kubectl create deployment web-frontend --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o yaml",
    "kubectl create deployment web-frontend --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client -o json",
    "kubectl create deployment web --image nginx --image=busybox:1.36 --dry-run=client -o json",
    "kubectl create deployment web --image=nginx --dry-run=client -o yaml -- sleep 10",
    "kubectl create deployment web --image=nginx --replicas=0x10 --dry-run=client -o yaml",
    "kubectl create deployment web --image=nginx --dry-run=client -o name",
    "kubectl create deployment web --image=nginx -n prod --dry-run=client -o yaml",
    "kubectl create deploy web --image=nginx --dry-run=client",
    "kubectl create service nodeport web-frontend --tcp=80:3000 --node-port=30080 --dry-run=client -o yaml",
    "kubectl create service nodeport web-frontend --tcp=80:3000 --dry-run=client -o json",
    "kubectl create service nodeport web --tcp=80:3000,443:https --dry-run=client -o yaml",
    "kubectl create service nodeport web --tcp=80 --node-port=30080 --dry-run=client -o json -n prod",
    "kubectl create svc nodeport web --tcp=80 --dry-run=client",
    "kubectl create service clusterip web --clusterip=None --dry-run=client -o yaml",
    "kubectl create service loadbalancer web --tcp=80:8080 --dry-run=client -o yaml",
    "kubectl create service nodeport web --tcp=70000:80 --dry-run=client",
    "kubectl create service nodeport web --tcp=abc --dry-run=client",
    "kubectl create service nodeport web --tcp=80:0 --dry-run=client",
    "kubectl create service nodeport web --tcp=80:Bad_Name --dry-run=client",
    "kubectl create service nodeport web a --tcp=80 --dry-run=client",
    "kubectl create service nodeport --dry-run=client",
    "kubectl create service nodeport web --dry-run=client",
    "kubectl create service nodeport web --tcp=80 --dry-run=client -o wide",
    "kubectl create deployment web --image=a --image=b --dry-run=client -- sleep 1",
    "kubectl create deployment web --image=nginx --dry-run=client -o yaml extra",
    "kubectl create deployment --image=nginx",
    "kubectl create deployment web --image=nginx --port=abc",
]


@pytest.mark.skipif(not Path(KUBECTL).exists(), reason="the real kubectl is not installed")
@needs_printers
@pytest.mark.parametrize("line", OFFLINE)
def test_matches_the_real_kubectl(session: Session, tmp_path: Path, line: str) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "KUBECONFIG": os.devnull}
    real = subprocess.run([KUBECTL, *shlex.split(line)[1:]], capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)
    ours = run(session, line)
    assert (ours.stdout, ours.stderr, ours.status) == (real.stdout, real.stderr, real.returncode)


def test_create_deployment_and_service_on_the_cluster(session: Session) -> None:
    assert run(session, "kubectl create deployment web-frontend --image=nginx:1.27 --replicas=3 --port=80") == \
        Result("deployment.apps/web-frontend created\n", "", 0)
    pods = session.cluster.api.list("Pod", "default")
    assert len(pods) == 3 and all(p["status"]["phase"] == "Running" for p in pods)
    assert run(session, "kubectl create deployment web-frontend --image=nginx") == Result(
        "", 'error: failed to create deployment: deployments.apps "web-frontend" already exists\n', 1)
    assert run(session, "kubectl create service nodeport web-frontend --tcp=80:80 --node-port=30080") == \
        Result("service/web-frontend created\n", "", 0)
    assert run(session, "kubectl create service nodeport web2 --tcp=80:80 --node-port=30080") == Result(
        "", 'error: failed to create NodePort service: Service "web2" is invalid: spec.ports[0].nodePort: '
            "Invalid value: 30080: provided port is already allocated\n", 1)
    assert run(session, "kubectl create service nodeport web3 --tcp=80 --node-port=40000") == Result(
        "", 'error: failed to create NodePort service: Service "web3" is invalid: spec.ports[0].nodePort: '
            "Invalid value: 40000: provided port is not in the valid range. The range of valid ports is "
            "30000-32767\n", 1)


def test_server_dry_run_leaves_the_cluster_alone(session: Session) -> None:
    assert run(session, "kubectl create service nodeport web --tcp=80 --dry-run=server") == Result(
        "service/web created (server dry run)\n", "", 0)
    assert session.cluster.api.peek("Service", "web", "default") is None


def test_create_with_the_apiserver_down(session: Session) -> None:
    session.cluster.set_apiserver_flag("service-node-port-range", "bogus")
    assert not session.cluster.restart_apiserver()
    assert run(session, "kubectl create deployment web --image=nginx") == Result(
        "", 'error: failed to create deployment: Post "https://10.0.0.10:6443/apis/apps/v1/namespaces/default/'
            'deployments?fieldManager=kubectl-create&fieldValidation=Strict": dial tcp 10.0.0.10:6443: connect: '
            "connection refused\n", 1)
    # A client dry run never talks to the server.
    assert run(session, "kubectl create deployment web --image=nginx --dry-run=client -o name") == Result(
        "deployment.apps/web\n", "", 0)


@needs_printers
def test_expose_a_deployment(session: Session) -> None:
    session.cluster.apply(SEED_DEPLOYMENT, "web.yaml")
    line = "kubectl expose deployment web-frontend --type=NodePort --port=80 --target-port=80 --name=web-np"
    assert run(session, line + " --dry-run=client -o yaml").stdout == """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: web-np
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web-frontend
  type: NodePort
status:
  loadBalancer: {}
"""
    assert run(session, line) == Result("service/web-np exposed\n", "", 0)
    svc = session.cluster.api.get("Service", "web-np", "default")
    assert svc["spec"]["type"] == "NodePort" and 30000 <= svc["spec"]["ports"][0]["nodePort"] <= 32767
    assert svc["spec"]["selector"] == {"app": "web-frontend"}


def test_expose_takes_ports_and_labels_from_the_object(session: Session) -> None:
    run(session, "kubectl create deployment web --image=nginx --port=8080")
    shown = run(session, "kubectl expose deploy/web --dry-run=client -o json")
    assert '"labels": {\n            "app": "web"\n        }' in shown.stdout
    assert '"port": 8080,\n                "targetPort": 8080' in shown.stdout
    run(session, "kubectl create deployment bare --image=nginx")
    assert run(session, "kubectl expose deployment bare") == Result(
        "", "error: couldn't find port via --port flag or introspection\n", 1)


def test_expose_errors(session: Session) -> None:
    assert run(session, "kubectl expose deployment nope --port=80") == Result(
        "", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    assert run(session, "kubectl expose node node01 --port=80") == Result("", "error: cannot expose a Node\n", 1)
    assert run(session, "kubectl expose").stderr.startswith(
        "error: You must provide one or more resources by argument or filename.\n")


def test_expose_from_a_file_with_an_explicit_namespace(session: Session) -> None:
    session.cluster.apply(SEED_DEPLOYMENT, "web.yaml")
    (session.workspace / "web.yaml").write_text(SEED_DEPLOYMENT)
    shown = run(session, "kubectl expose -f web.yaml --port=80 --name=x -n default --dry-run=client -o json")
    assert shown.stdout.startswith('{\n    "kind": "Service",\n    "apiVersion": "v1",\n    "metadata": {\n'
                                   '        "name": "x",\n        "namespace": "default",\n'
                                   '        "creationTimestamp": null\n    },\n')
