"""kubectl rollout status, exec, version, cluster-info and explain, and every verb with the apiserver down."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.kubectl.explain import wrap
from trainer.sandbox.session import Result, Session

REFUSED = "The connection to the server 10.0.0.10:6443 was refused - did you specify the right host or port?\n"


@pytest.fixture
def session(tmp_path: Path) -> Session:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml"))
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    return main(session, shlex.split(line), "")


def test_rollout_status(session: Session) -> None:
    assert run(session, "kubectl rollout status deployment/web-frontend") == Result(
        'deployment "web-frontend" successfully rolled out\n', "", 0)
    assert run(session, "kubectl rollout status deploy web-frontend") == Result(
        'deployment "web-frontend" successfully rolled out\n', "", 0)
    assert run(session, "kubectl rollout status deployment/nope") == Result(
        "", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    assert run(session, "kubectl rollout status svc/web-frontend") == Result(
        "", "error: no status viewer has been implemented for Service\n", 1)
    assert run(session, "kubectl rollout status") == Result("", "error: required resource not specified\n", 1)


def test_rollout_status_of_a_deployment_that_cannot_become_ready(session: Session) -> None:
    for node in ("node01", "node02"):
        run(session, f"kubectl cordon {node}")
    run(session, "kubectl scale deployment web-frontend --replicas=5")
    assert run(session, "kubectl rollout status deployment/web-frontend") == Result(
        'Waiting for deployment "web-frontend" rollout to finish: 3 of 5 updated replicas are available...\n',
        "error: timed out waiting for the condition\n", 1)
    assert run(session, "kubectl rollout status deployment/web-frontend --watch=false").status == 0


def test_exec_errors(session: Session) -> None:
    pod = session.cluster.api.list("Pod", "default")[0]["metadata"]["name"]
    assert run(session, "kubectl exec") == Result("", "error: pod, type/name or --filename must be specified\n", 1)
    assert run(session, f"kubectl exec {pod}") == Result(
        "", "error: you must specify at least one command for the container\n", 1)
    assert run(session, f"kubectl exec {pod} curl x") == Result(
        "", "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
            "See 'kubectl exec -h' for help and examples\n", 1)
    assert run(session, "kubectl exec nope -- curl x") == Result(
        "", 'Error from server (NotFound): pods "nope" not found\n', 1)
    assert run(session, f"kubectl exec {pod} -c foo -- curl x") == Result(
        "", f"Error from server (BadRequest): container foo is not valid for pod {pod}\n", 1)


def test_exec_curl_runs_from_the_pod(session: Session) -> None:
    pytest.importorskip("trainer.sandbox.curl")
    pod = session.cluster.api.list("Pod", "default")[0]["metadata"]["name"]
    ip = session.cluster.api.get("Service", "web-frontend", "default")["spec"]["clusterIP"]
    result = run(session, f"kubectl exec {pod} -- curl -s http://{ip}")
    assert result.status == 0 and "Welcome to nginx!" in result.stdout
    failed = run(session, f"kubectl exec {pod} -- curl -s --max-time 1 http://10.0.0.11:9999")
    assert failed.status == 7 and failed.stderr.endswith("command terminated with exit code 7\n")


def test_version(session: Session) -> None:
    assert run(session, "kubectl version") == Result(
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\nServer Version: v1.32.4\n", "", 0)
    assert run(session, "kubectl version --client") == Result(
        "Client Version: v1.32.4\nKustomize Version: v5.5.0\n", "", 0)
    assert run(session, "kubectl version --client -o json").stdout == """\
{
  "clientVersion": {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.4",
    "gitCommit": "59526cd4867447956156ae3a602fcbac10a2c335",
    "gitTreeState": "clean",
    "buildDate": "2025-04-22T16:03:58Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64"
  },
  "kustomizeVersion": "v5.5.0"
}
"""


def test_cluster_info(session: Session) -> None:
    assert run(session, "kubectl cluster-info") == Result(
        "Kubernetes control plane is running at https://10.0.0.10:6443\n"
        "CoreDNS is running at https://10.0.0.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n"
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n", "", 0)


def test_explain_layout(session: Session) -> None:
    text = run(session, "kubectl explain svc.spec.ports").stdout
    assert text.startswith("KIND:       Service\nVERSION:    v1\n\nFIELD: ports <[]ServicePort>\n\n\nDESCRIPTION:\n")
    assert "\n    \nFIELDS:\n  appProtocol\t<string>\n" in text
    assert "\n  port\t<integer> -required-\n" in text
    assert "\n  protocol\t<string>\n  enum: SCTP, TCP, UDP\n" in text
    assert "\n  targetPort\t<IntOrString>\n" in text and "\n  nodePort\t<integer>\n" in text
    deployment = run(session, "kubectl explain deployment.spec").stdout
    assert deployment.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n")
    assert "\n  replicas\t<integer>\n" in deployment and "\n  template\t<PodTemplateSpec> -required-\n" in deployment
    field = run(session, "kubectl explain svc.spec.type").stdout
    assert "FIELD: type <string>\nENUM:\n    ClusterIP\n    ExternalName\n    LoadBalancer\n    NodePort\n\n" \
           "DESCRIPTION:\n" in field
    for path in ("externalTrafficPolicy", "internalTrafficPolicy", "sessionAffinity", "clusterIP", "selector"):
        assert run(session, f"kubectl explain service.spec.{path}").stdout.count("<no description>") == 0, path
    assert "\n  spec\t<ServiceSpec>\n" in run(session, "kubectl explain svc").stdout
    assert "\n  ports\t<[]ServicePort>\n    appProtocol\t<string>\n" in run(
        session, "kubectl explain svc.spec --recursive").stdout


def test_explain_errors(session: Session) -> None:
    assert run(session, "kubectl explain svc.spec.foo") == Result("", 'error: field "foo" does not exist\n', 1)
    assert run(session, "kubectl explain foo") == Result(
        "", 'error: the server doesn\'t have a resource type "foo"\n', 1)
    assert run(session, "kubectl explain svc a") == Result(
        "", "error: We accept only this format: explain RESOURCE\n", 1)
    assert run(session, "kubectl explain") == Result(
        "", 'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a complete '
            "list of supported resources.\n", 1)


def test_word_wrap_matches_go_wordwrap() -> None:
    assert wrap("aaa bbb ccc", 7) == "aaa bbb\nccc"
    assert wrap("a " + "x" * 20 + " b", 10) == "a\n" + "x" * 20 + "\nb"
    assert wrap("one\ntwo three", 9) == "one\ntwo three"


@pytest.mark.parametrize("line, stdout", [
    ("kubectl get pods", ""), ("kubectl describe svc web-frontend", ""), ("kubectl apply -f x.yaml", ""),
    ("kubectl delete svc web-frontend", ""), ("kubectl scale deploy web-frontend --replicas=1", ""),
    ("kubectl label svc web-frontend a=b", ""), ("kubectl patch svc web-frontend -p {}", ""),
    ("kubectl cordon node01", ""), ("kubectl drain node01", ""), ("kubectl rollout status deploy/web-frontend", ""),
    ("kubectl exec p -- curl x", ""), ("kubectl explain svc", ""), ("kubectl expose deploy web-frontend", ""),
    ("kubectl version", "Client Version: v1.32.4\nKustomize Version: v5.5.0\n"),
    ("kubectl cluster-info", "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"),
])
def test_every_verb_with_the_apiserver_down(session: Session, line: str, stdout: str) -> None:
    (session.workspace / "x.yaml").write_text(SEED_SERVICE_31000)
    session.cluster.set_apiserver_flag("service-node-port-range", "bogus")
    assert not session.cluster.restart_apiserver()
    assert run(session, line) == Result(stdout, REFUSED, 1)
