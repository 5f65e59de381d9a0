"""kubectl get and describe: tables, -o formats, selectors, namespaces, not-found and no-resources lines."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT, SEED_SERVICE_31000
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.kubectl.verbs_common import printers_ready
from trainer.sandbox.session import Result, Session

pytestmark = pytest.mark.skipif(not printers_ready(), reason="kubectl printers/output not installed yet")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT + "---\n" + SEED_SERVICE_31000, "web.yaml"))
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    return main(session, shlex.split(line), "")


def cluster_ip(session: Session) -> str:
    return session.cluster.api.get("Service", "web-frontend", "default")["spec"]["clusterIP"]


def test_get_one_service(session: Session) -> None:
    ip = cluster_ip(session)
    assert run(session, "kubectl get svc web-frontend") == Result(
        "NAME           TYPE       CLUSTER-IP" + " " * (len(ip) - 7) + "EXTERNAL-IP   PORT(S)        AGE\n"
        f"web-frontend   NodePort   {ip}   <none>        80:31000/TCP   0s\n", "", 0)


def test_seed_jsonpath_node_ip(session: Session) -> None:
    line = "kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type==\"InternalIP\")].address}'"
    assert run(session, line) == Result("10.0.0.10", "", 0)


def test_several_types_print_one_table_each_with_kinds(session: Session) -> None:
    out = run(session, "kubectl get deploy,svc").stdout
    tables = out.split("\n\n")
    assert len(tables) == 2
    assert tables[0].splitlines()[1].startswith("deployment.apps/web-frontend   3/3")
    assert [line.split()[0] for line in tables[1].splitlines()[1:]] == ["service/kubernetes",
                                                                         "service/web-frontend"]
    everything = run(session, "kubectl get all").stdout
    assert [block.splitlines()[1].split("/")[0] for block in everything.split("\n\n")] == [
        "pod", "service", "deployment.apps", "replicaset.apps"]


def test_output_formats(session: Session) -> None:
    assert run(session, "kubectl get svc,deploy web-frontend -o name") == Result(
        "service/web-frontend\ndeployment.apps/web-frontend\n", "", 0)
    single = run(session, "kubectl get svc web-frontend -o yaml").stdout
    assert single.startswith("apiVersion: v1\nkind: Service\n")
    listed = run(session, "kubectl get svc -o yaml").stdout
    assert listed.startswith("apiVersion: v1\nitems:\n") and listed.endswith("kind: List\nmetadata:\n"
                                                                             '  resourceVersion: ""\n')
    assert run(session, "kubectl get pods -o foo") == Result(
        "", 'error: unable to match a printer suitable for the output format "foo", allowed formats are: '
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml\n", 1)
    assert run(session, "kubectl get pods -o yaml --show-labels") == Result(
        "", "error: --show-labels option cannot be used with yaml printer\n", 1)


def test_selectors_namespaces_and_labels(session: Session) -> None:
    rows = run(session, "kubectl get pods -l app=web-frontend --no-headers").stdout.splitlines()
    assert len(rows) == 3 and all(r.startswith("web-frontend-") for r in rows)
    assert run(session, "kubectl get pods -l app=nope") == Result(
        "", "No resources found in default namespace.\n", 0)
    assert run(session, "kubectl get pods -n nosuch") == Result("", "No resources found in nosuch namespace.\n", 0)
    assert run(session, "kubectl get pods -A -l app=nope") == Result("", "No resources found\n", 0)
    wide = run(session, "kubectl get pods -A --show-labels").stdout.splitlines()
    assert wide[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "LABELS"]
    assert sum(line.startswith("kube-system") for line in wide) == 2
    assert run(session, "kubectl get svc -n kube-system -o name") == Result("service/kube-dns\n", "", 0)
    assert run(session, "kubectl get pods -l 'app in'") == Result(
        "", 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector '
            "\"app in\", field selector \"\": unable to parse requirement: found '', expected: '('\n", 1)


def test_not_found_and_bad_arguments(session: Session) -> None:
    assert run(session, "kubectl get svc nope") == Result(
        "", 'Error from server (NotFound): services "nope" not found\n', 1)
    assert run(session, "kubectl get deploy nope") == Result(
        "", 'Error from server (NotFound): deployments.apps "nope" not found\n', 1)
    both = run(session, "kubectl get svc nope web-frontend")
    assert both.stdout.splitlines()[1].startswith("web-frontend") and both.status == 1
    assert both.stderr == 'Error from server (NotFound): services "nope" not found\n'
    assert run(session, "kubectl get svc nope --ignore-not-found") == Result("", "", 0)
    assert run(session, "kubectl get foos") == Result(
        "", 'error: the server doesn\'t have a resource type "foos"\n', 1)
    assert run(session, "kubectl get svc web-frontend -A") == Result(
        "", "error: a resource cannot be retrieved by name across all namespaces\n", 1)
    assert run(session, "kubectl get svc/web-frontend deploy") == Result(
        "", "error: there is no need to specify a resource type as a separate argument when passing arguments in "
            "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource "
            "resource/<resource_name>'\n", 1)
    assert run(session, "kubectl get").stderr == (
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
        "supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for "
        "a detailed description of that resource (e.g. kubectl explain pods).\n"
        "See 'kubectl get -h' for help and examples\n")


def test_resource_aliases(session: Session) -> None:
    for alias in ("svc", "service", "services", "Service", "services.v1", "deploy", "deployments.apps",
                  "deployments.v1.apps", "ep", "endpointslices", "no", "ns", "po", "rs"):
        assert run(session, f"kubectl get {alias} -o name").status == 0, alias


def test_describe(session: Session) -> None:
    text = run(session, "kubectl describe svc web-frontend").stdout
    assert text.startswith("Name:                     web-frontend\nNamespace:                default\n")
    assert "NodePort:                 <unset>  31000/TCP\n" in text
    # No exact match: describe every Service whose name starts with the argument.
    prefixed = run(session, "kubectl describe svc web")
    assert prefixed.stdout == text + "\n"
    assert run(session, "kubectl describe svc nope") == Result(
        "", 'Error from server (NotFound): services "nope" not found\n', 1)
    assert run(session, "kubectl describe deploy -n nosuch") == Result(
        "", "No resources found in nosuch namespace.\n", 0)
    assert run(session, "kubectl describe") == Result(
        "", 'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete '
            "list of supported resources.\n", 1)
    two = run(session, "kubectl describe svc").stdout
    assert "\n\n\nName:                     web-frontend" in two


def test_apiserver_down(session: Session) -> None:
    session.cluster.set_apiserver_flag("service-node-port-range", "bogus")
    session.cluster.restart_apiserver()
    refused = "The connection to the server 10.0.0.10:6443 was refused - did you specify the right host or port?\n"
    for line in ("kubectl get svc", "kubectl get svc web-frontend -o yaml", "kubectl describe svc"):
        assert run(session, line) == Result("", refused, 1), line
