"""Completion: commands, kubectl verbs, resource types, object names (per namespace), flags and files."""

from __future__ import annotations


import pytest

from trainer.engine.cluster import Cluster
from trainer.sandbox.completion import complete
from trainer.sandbox.session import Session
from trainer.sandbox.shell import Shell
from tests.seed import SEED_WITH_31000


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    workspace = tmp_path_factory.mktemp("ws")
    (workspace / "web.yaml").write_text(SEED_WITH_31000)
    (workspace / "manifests").mkdir()
    s = Session(Cluster.default(), workspace, script=True)
    Shell(s).run_line("kubectl apply -f web.yaml")
    return s


@pytest.mark.parametrize("line, word, expected", [
    ("ku", "ku", ["kubectl "]),
    ("echo hi | ku", "ku", ["kubectl "]),
    ("kubectl g", "g", ["get "]),
    ("kubectl get s", "s", ["services ", "svc "]),
    ("kubectl get svc ", "", ["kubernetes ", "web-frontend "]),
    ("kubectl get svc/w", "svc/w", ["svc/web-frontend "]),
    ("kubectl -n kube-system get svc ", "", ["kube-dns "]),
    ("kubectl get pods -n ", "", ["default ", "kube-node-lease ", "kube-public ", "kube-system "]),
    ("kubectl get svc --out", "--out", ["--output "]),
    ("kubectl get pods -o js", "js", ["json ", "jsonpath-as-json=", "jsonpath="]),
    ("kubectl apply -f w", "w", ["web.yaml "]),
    ("cat m", "m", ["manifests/"]),
    ("ssh node", "node", ["node01 ", "node02 "]),
    ("kubectl cordon c", "c", ["controlplane "]),
    ("kubectl rollout status deploy ", "", ["web-frontend "]),
])
def test_candidates(session: Session, line: str, word: str, expected: list[str]) -> None:
    assert complete(session, line) == (word, expected)


def test_pod_names_complete_from_a_prefix(session: Session) -> None:
    word, found = complete(session, "kubectl describe pod web-f")
    assert word == "web-f" and len(found) == 3 and all(f.startswith("web-frontend-") for f in found)


def test_files_complete_from_the_working_directory_on_a_node(tmp_path) -> None:
    s = Session(Cluster.default(), tmp_path, script=True)
    shell = Shell(s)
    shell.run_line("ssh controlplane")
    shell.run_line("cd /etc/kubernetes")
    assert complete(s, "cat man") == ("man", ["manifests/"])
