"""kubectl scale, label, patch and delete: their lines, their rules, and their errors."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.kubectl.verbs_patch import json_patch, strategic
from trainer.sandbox.session import Result, Session


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "web.yaml").write_text(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000)
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml"))
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    return main(session, shlex.split(line), "")


def svc(session: Session) -> dict:
    return session.cluster.api.get("Service", "web-frontend", "default")


def test_scale(session: Session) -> None:
    assert run(session, "kubectl scale deployment web-frontend --replicas=5") == Result(
        "deployment.apps/web-frontend scaled\n", "", 0)
    assert len(session.cluster.api.list("Pod", "default")) == 5
    assert run(session, "kubectl scale deploy/web-frontend --replicas=2 --current-replicas=3") == Result(
        "", "error: Expected replicas to be 3, was 5\n", 1)
    assert run(session, "kubectl scale deployment web-frontend --replicas=-1") == Result(
        "", "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n", 1)
    assert run(session, "kubectl scale deployment nope --replicas=1") == Result(
        "", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    assert run(session, "kubectl scale svc web-frontend --replicas=1") == Result(
        "", "Error from server (NotFound): the server could not find the requested resource\n", 1)
    assert run(session, "kubectl scale --replicas=2").stderr.startswith(
        "error: You must provide one or more resources by argument or filename.\n")


def test_label_rules(session: Session) -> None:
    assert run(session, "kubectl label svc web-frontend tier=web") == Result("service/web-frontend labeled\n", "", 0)
    assert run(session, "kubectl label svc web-frontend tier=api") == Result(
        "", "error: 'tier' already has a value (web), and --overwrite is false\n", 1)
    assert run(session, "kubectl label svc web-frontend tier=web") == Result(
        "", "error: 'tier' already has a value (web), and --overwrite is false\n", 1)
    assert run(session, "kubectl label svc web-frontend tier=api --overwrite") == Result(
        "service/web-frontend labeled\n", "", 0)
    assert svc(session)["metadata"]["labels"] == {"tier": "api"}
    assert run(session, "kubectl label svc web-frontend tier-") == Result("service/web-frontend unlabeled\n", "", 0)
    assert run(session, "kubectl label svc web-frontend tier-") == Result(
        'label "tier" not found.\nservice/web-frontend not labeled\n', "", 0)
    assert run(session, "kubectl label svc web-frontend a=b --dry-run=client") == Result(
        "service/web-frontend labeled (dry run)\n", "", 0)
    assert "labels" not in svc(session)["metadata"]


@pytest.mark.parametrize("line, stderr", [
    ("kubectl label", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
    ("kubectl label svc x", "error: at least one label update is required\n"),
    ("kubectl label svc x foo", "error: at least one label update is required\n"),
    ("kubectl label svc x a=b=c", "error: invalid label spec: a=b=c\n"),
    ("kubectl label svc x a- a=b", "error: can not both modify and remove a label in the same command\n"),
    ("kubectl label svc x a=b y", "error: all resources must be specified before label changes: y\n"),
])
def test_label_usage_errors(session: Session, line: str, stderr: str) -> None:
    assert run(session, line) == Result("", stderr, 1)


def test_label_value_is_checked_before_the_server(session: Session) -> None:
    assert run(session, "kubectl label svc x 'a=b c'").stderr.startswith(
        'error: invalid label value: "a=b c": a valid label must be an empty string or consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character")


def test_patch_kinds(session: Session) -> None:
    assert run(session, "kubectl patch svc web-frontend -p '{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}'") == \
        Result("service/web-frontend patched\n", "", 0)
    assert run(session, "kubectl patch svc web-frontend -p '{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}'") == \
        Result("service/web-frontend patched (no change)\n", "", 0)
    assert run(session, "kubectl patch svc web-frontend -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30090}]}}'") \
        == Result("service/web-frontend patched\n", "", 0)
    port = svc(session)["spec"]["ports"][0]
    assert port["nodePort"] == 30090 and port["targetPort"] == 80
    line = "kubectl patch svc web-frontend --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/ports/0/nodePort\"," \
           "\"value\":30091}]'"
    assert run(session, line) == Result("service/web-frontend patched\n", "", 0)
    # Leaving NodePort without touching the node ports: the apiserver drops them.
    assert run(session, "kubectl patch svc web-frontend --type=merge -p 'spec: {type: ClusterIP}'") == Result(
        "service/web-frontend patched\n", "", 0)
    assert "nodePort" not in svc(session)["spec"]["ports"][0]
    line = "kubectl patch svc web-frontend -p '{\"spec\":{\"ports\":[{\"port\":80,\"nodePort\":30095}]}}'"
    assert run(session, line) == Result(
        "", 'The Service "web-frontend" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` '
            "is 'ClusterIP'\n", 1)
    assert svc(session)["spec"]["type"] == "ClusterIP"


@pytest.mark.parametrize("line, stderr", [
    ("kubectl patch svc web-frontend", "error: must specify --patch or --patch-file containing the contents of the "
                                       "patch\n"),
    ("kubectl patch svc web-frontend -p {} --type=foo", 'error: --type must be one of [json merge strategic], not '
                                                          '"foo"\n'),
    ("kubectl patch svc web-frontend -p '{\"spec\":'", 'error: unable to parse "{"spec":": yaml: line 1: did not '
                                                        "find expected node content\n"),
    ("kubectl patch svc nope -p {}", 'Error from server (NotFound): services "nope" not found\n'),
    ("kubectl patch svc web-frontend --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/foo\",\"value\":1}]'",
     'Error from server: jsonpatch replace operation does not apply: doc is missing key: "/spec/foo": missing '
     "value\n"),
    ("kubectl patch svc web-frontend --type=json -p '{}'",
     "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n"),
])
def test_patch_errors(session: Session, line: str, stderr: str) -> None:
    assert run(session, line) == Result("", stderr, 1)


def test_strategic_merge_keeps_list_order_and_merges_by_key() -> None:
    live = {"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}], "type": "NodePort"}}
    patched = strategic(live, {"spec": {"ports": [{"port": 443, "nodePort": 30443}, {"port": 8080}],
                                        "type": None}})
    assert patched == {"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https",
                                                                           "nodePort": 30443}, {"port": 8080}]}}
    removed = strategic(live, {"spec": {"ports": [{"port": 80, "$patch": "delete"}]}})
    assert removed["spec"]["ports"] == [{"port": 443, "name": "https"}]
    assert json_patch({"a": [1, 2]}, [{"op": "add", "path": "/a/-", "value": 3},
                                      {"op": "remove", "path": "/a/0"}]) == {"a": [2, 3]}


def test_delete(session: Session) -> None:
    assert run(session, "kubectl delete svc web-frontend") == Result('service "web-frontend" deleted\n', "", 0)
    assert run(session, "kubectl delete svc web-frontend") == Result(
        "", 'Error from server (NotFound): services "web-frontend" not found\n', 1)
    assert run(session, "kubectl delete svc web-frontend --ignore-not-found") == Result("", "", 0)
    assert run(session, "kubectl delete -f web.yaml") == Result(
        'deployment.apps "web-frontend" deleted\n',
        'Error from server (NotFound): error when deleting "web.yaml": services "web-frontend" not found\n', 1)
    assert run(session, "kubectl delete deploy -l app=nope") == Result("No resources found\n", "", 0)


def test_delete_waits_for_pods(session: Session) -> None:
    pod = session.cluster.api.list("Pod", "default")[0]["metadata"]["name"]
    assert run(session, f"kubectl delete pod {pod}") == Result(f'pod "{pod}" deleted\n', "", 0)
    assert session.cluster.api.peek("Pod", pod, "default") is None
    assert len(session.cluster.api.list("Pod", "default")) == 3  # the ReplicaSet made a new one
    assert run(session, "kubectl delete pods --all --dry-run=client").stdout.count("deleted (dry run)") == 3


@pytest.mark.parametrize("line, stderr", [
    ("kubectl delete", "error: You must provide one or more resources by argument or filename.\n"
                       "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                       "   '<resource> <name>'\n   '<resource>'\n"),
    ("kubectl delete svc", "error: resource(s) were provided, but no name was specified\n"),
    ("kubectl delete svc x --all", "error: name cannot be provided when a selector is specified\n"),
])
def test_delete_usage_errors(session: Session, line: str, stderr: str) -> None:
    assert run(session, line) == Result("", stderr, 1)
