"""kubectl cordon, uncordon and drain: kubectl's lines, the drain filters, and Pods moving elsewhere."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.engine.conftest import SEED_DEPLOYMENT
from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.session import Result, Session

BARE_PODS = """\
apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  nodeName: node01
  containers:
  - name: c
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: scratch
spec:
  nodeName: node01
  containers:
  - name: c
    image: nginx
  volumes:
  - name: tmp
    emptyDir: {}
"""


@pytest.fixture
def session(tmp_path: Path) -> Session:
    cluster = Cluster.default()
    assert all(r.ok for r in cluster.apply(SEED_DEPLOYMENT, "web.yaml"))
    return Session(cluster, tmp_path)


def run(session: Session, line: str) -> Result:
    return main(session, shlex.split(line), "")


def pods_on(session: Session, node: str) -> list[str]:
    return [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in session.cluster.api.iter("Pod")
            if p["spec"].get("nodeName") == node]


def test_cordon_and_uncordon(session: Session) -> None:
    assert run(session, "kubectl cordon node01") == Result("node/node01 cordoned\n", "", 0)
    assert run(session, "kubectl cordon node01") == Result("node/node01 already cordoned\n", "", 0)
    assert session.cluster.api.get("Node", "node01", "")["spec"]["unschedulable"] is True
    assert run(session, "kubectl uncordon node/node01") == Result("node/node01 uncordoned\n", "", 0)
    assert run(session, "kubectl uncordon node01") == Result("node/node01 already uncordoned\n", "", 0)
    assert run(session, "kubectl cordon node02 --dry-run=client") == Result(
        "node/node02 cordoned (dry run)\n", "", 0)
    assert run(session, "kubectl cordon nope") == Result("", 'Error from server (NotFound): nodes "nope" not found\n', 1)
    assert run(session, "kubectl cordon") == Result(
        "", "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n", 1)
    assert run(session, "kubectl drain") == Result(
        "", "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n", 1)


def test_drain_evicts_and_pods_come_back_elsewhere(session: Session) -> None:
    before = pods_on(session, "node01")
    assert before
    result = run(session, "kubectl drain node01 --ignore-daemonsets")
    expected = ["node/node01 cordoned"] + [f"evicting pod {p}" for p in before] + \
        [f"pod/{p.split('/')[1]} evicted" for p in before] + ["node/node01 drained"]
    assert result == Result("\n".join(expected) + "\n", "", 0)
    assert pods_on(session, "node01") == []
    assert len(session.cluster.api.list("Pod", "default")) == 3
    assert run(session, "kubectl drain node01") == Result("node/node01 already cordoned\nnode/node01 drained\n", "", 0)


def test_drain_refuses_unmanaged_and_local_storage_pods(session: Session) -> None:
    session.cluster.apply(BARE_PODS, "bare.yaml")
    result = run(session, "kubectl drain node01")
    assert result == Result(
        "node/node01 cordoned\n",
        'error: unable to drain node "node01" due to error:[cannot delete Pods declare no controller (use --force '
        "to override): default/bare, cannot delete Pods with local storage (use --delete-emptydir-data to "
        "override): default/scratch], continuing command...\nThere are pending nodes to be drained:\n node01\n"
        "cannot delete Pods declare no controller (use --force to override): default/bare\n"
        "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/scratch\n", 1)
    assert "default/bare" in pods_on(session, "node01")
    one = run(session, "kubectl drain node01 --force")
    assert one.stderr.endswith("\ncannot delete Pods with local storage (use --delete-emptydir-data to override): "
                               "default/scratch\n")
    done = run(session, "kubectl drain node01 --force --delete-emptydir-data")
    assert done.status == 0 and done.stderr == (
        "Warning: deleting Pods that declare no controller: default/bare; deleting Pods with local storage: "
        "default/scratch\n")
    assert "evicting pod default/bare\n" in done.stdout and done.stdout.endswith("node/node01 drained\n")
    assert session.cluster.api.peek("Pod", "bare", "default") is None


def test_drain_dry_run_changes_nothing(session: Session) -> None:
    before = pods_on(session, "node01")
    result = run(session, "kubectl drain node01 --dry-run=client")
    assert result.stdout.startswith("node/node01 cordoned (dry run)\nevicting pod ")
    assert result.stdout.endswith(" (dry run)\nnode/node01 drained (dry run)\n")
    assert pods_on(session, "node01") == before
    assert not session.cluster.api.get("Node", "node01", "")["spec"].get("unschedulable")
