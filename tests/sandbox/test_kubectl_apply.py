"""kubectl apply -f and create -f: per-object lines, errors per object, directories, stdin, dry runs."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.session import Result, Session

BAD = """\
apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: 40000
---
apiVersion: v1
kind: Service
metadata:
  name: typo
spec:
  ports:
  - port: 80
    nodeport: 30001
---
apiVersion: v1
kind: Service
metadata:
  name: good
spec:
  ports:
  - port: 80
"""
OTHER_NS = """\
apiVersion: v1
kind: Service
metadata:
  name: other
  namespace: kube-system
spec:
  ports:
  - port: 80
"""


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "web.yaml").write_text(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000)
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "other.yaml").write_text(OTHER_NS)
    return Session(Cluster.default(), tmp_path)


def run(session: Session, line: str, stdin: str = "") -> Result:
    return main(session, shlex.split(line), stdin)


def test_apply_creates_then_reports_unchanged_and_configured(session: Session) -> None:
    assert run(session, "kubectl apply -f web.yaml") == Result(
        "deployment.apps/web-frontend created\nservice/web-frontend created\n", "", 0)
    assert run(session, "kubectl apply -f web.yaml") == Result(
        "deployment.apps/web-frontend unchanged\nservice/web-frontend unchanged\n", "", 0)
    (session.workspace / "web.yaml").write_text(SEED_SERVICE_31000.replace("31000", "31001"))
    assert run(session, "kubectl apply -f web.yaml") == Result("service/web-frontend configured\n", "", 0)
    svc = session.cluster.api.get("Service", "web-frontend", "default")
    assert svc["spec"]["ports"][0]["nodePort"] == 31001


def test_apply_reports_each_object_on_its_own(session: Session) -> None:
    result = run(session, "kubectl apply -f bad.yaml")
    assert result == Result(
        "service/good created\n",
        'Error from server (Invalid): error when creating "bad.yaml": Service "bad" is invalid: '
        "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of "
        "valid ports is 30000-32767\n"
        'Error from server (BadRequest): error when creating "bad.yaml": Service in version "v1" cannot be '
        'handled as a Service: strict decoding error: unknown field "spec.ports[0].nodeport"\n', 1)
    assert session.cluster.api.peek("Service", "bad", "default") is None


def test_a_single_invalid_object_prints_kubectls_invalid_form(session: Session) -> None:
    (session.workspace / "one.yaml").write_text(BAD.split("---\n")[0])
    assert run(session, "kubectl apply -f one.yaml") == Result(
        "", 'The Service "bad" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port is not in '
            "the valid range. The range of valid ports is 30000-32767\n", 1)


def test_apply_from_stdin_and_directories(session: Session) -> None:
    assert run(session, "kubectl apply -f -", SEED_SERVICE_31000) == Result("service/web-frontend created\n", "", 0)
    (session.workspace / "dir").mkdir()
    (session.workspace / "dir" / "a.yaml").write_text(SEED_DEPLOYMENT)
    (session.workspace / "dir" / "notes.txt").write_text("not a manifest")
    assert run(session, "kubectl apply -f dir/") == Result("deployment.apps/web-frontend created\n", "", 0)
    (session.workspace / "empty").mkdir()
    assert run(session, "kubectl apply -f empty") == Result(
        "", "error: error reading [empty]: recognized file extensions are [.json .yaml .yml]\n", 1)
    (session.workspace / "blank.yaml").write_text("# nothing\n")
    assert run(session, "kubectl apply -f blank.yaml") == Result("", "error: no objects passed to apply\n", 1)


def test_apply_usage_errors(session: Session) -> None:
    assert run(session, "kubectl apply -f nofile.yaml") == Result(
        "", 'error: the path "nofile.yaml" does not exist\n', 1)
    assert run(session, "kubectl apply") == Result("", "error: must specify one of -f and -k\n", 1)
    assert run(session, "kubectl apply x -f web.yaml") == Result(
        "", "error: Unexpected args: [x]\nSee 'kubectl apply -h' for help and examples\n", 1)
    assert run(session, "kubectl apply -f") == Result(
        "", "Error: flag needs an argument: 'f' in -f\nSee 'kubectl apply --help' for usage.\n", 1)


def test_create_fails_on_existing_objects(session: Session) -> None:
    assert run(session, "kubectl create -f web.yaml").status == 0
    assert run(session, "kubectl create -f web.yaml") == Result(
        "", 'Error from server (AlreadyExists): error when creating "web.yaml": deployments.apps "web-frontend" '
            "already exists\n"
            'Error from server (AlreadyExists): error when creating "web.yaml": services "web-frontend" already '
            "exists\n", 1)
    assert run(session, "kubectl create -f -", SEED_SERVICE_31000) == Result(
        "", 'Error from server (AlreadyExists): error when creating "STDIN": services "web-frontend" already '
            "exists\n", 1)


def test_namespaces(session: Session) -> None:
    assert run(session, "kubectl apply -f other.yaml -n default") == Result(
        "", 'error: the namespace from the provided object "kube-system" does not match the namespace "default". '
            "You must pass '--namespace=kube-system' to perform this operation.\n", 1)
    assert run(session, "kubectl apply -f other.yaml") == Result("service/other created\n", "", 0)
    assert session.cluster.api.peek("Service", "other", "kube-system") is not None
    assert run(session, "kubectl apply -f web.yaml -n nowhere").stderr == (
        'Error from server (NotFound): error when creating "web.yaml": namespaces "nowhere" not found\n' * 2)


def test_dry_runs(session: Session) -> None:
    assert run(session, "kubectl apply -f bad.yaml --dry-run=client") == Result(
        "service/bad created (dry run)\nservice/typo created (dry run)\nservice/good created (dry run)\n", "", 0)
    assert run(session, "kubectl apply -f web.yaml --dry-run=server") == Result(
        "deployment.apps/web-frontend created (server dry run)\nservice/web-frontend created (server dry run)\n",
        "", 0)
    assert session.cluster.api.peek("Service", "web-frontend", "default") is None
    assert run(session, "kubectl apply -f web.yaml -o name") == Result(
        "deployment.apps/web-frontend\nservice/web-frontend\n", "", 0)
    assert run(session, "kubectl apply -f web.yaml --dry-run=client") == Result(
        "deployment.apps/web-frontend configured (dry run)\nservice/web-frontend configured (dry run)\n", "", 0)


def test_apply_warns_about_objects_created_without_apply(session: Session) -> None:
    assert run(session, "kubectl create -f web.yaml").status == 0
    result = run(session, "kubectl apply -f web.yaml")
    assert result.stdout == "deployment.apps/web-frontend configured\nservice/web-frontend configured\n"
    assert result.stderr.startswith("Warning: resource deployments/web-frontend is missing the "
                                    "kubectl.kubernetes.io/last-applied-configuration annotation")


def test_apiserver_down(session: Session) -> None:
    session.cluster.set_apiserver_flag("service-node-port-range", "bogus")
    session.cluster.restart_apiserver()
    refused = "The connection to the server 10.0.0.10:6443 was refused - did you specify the right host or port?\n"
    assert run(session, "kubectl apply -f web.yaml") == Result("", refused, 1)
    assert run(session, "kubectl create -f web.yaml") == Result("", refused, 1)
