"""kubectl's command finding and flag parsing: cobra/pflag errors, suggestions, help, required flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.engine.cluster import Cluster
from trainer.sandbox.kubectl import flags as fl
from trainer.sandbox.kubectl.cli import main
from trainer.sandbox.session import Result, Session


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session(Cluster.default(), tmp_path)


def run(session: Session, line: str, stdin: str = "") -> Result:
    return main(session, line.split(), stdin)


@pytest.mark.parametrize("line, stderr", [
    ("kubectl get --foo", "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"),
    ("kubectl get -x", "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"),
    ("kubectl get pods -n", "Error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"),
    ("kubectl -n", "Error: flag needs an argument: 'n' in -n\nSee 'kubectl --help' for usage.\n"),
    ("kubectl --foo get", "Error: unknown flag: --foo\nSee 'kubectl --help' for usage.\n"),
    ("kubectl -x get", "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl --help' for usage.\n"),
    ("kubectl create deployment web --image",
     "Error: flag needs an argument: --image\nSee 'kubectl create deployment --help' for usage.\n"),
    ("kubectl create deployment web --image=x --replicas=abc",
     'Error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax\n'
     "See 'kubectl create deployment --help' for usage.\n"),
    ("kubectl create deployment web --image=x --replicas=99999999999",
     'Error: invalid argument "99999999999" for "-r, --replicas" flag: strconv.ParseInt: parsing "99999999999": '
     "value out of range\nSee 'kubectl create deployment --help' for usage.\n"),
    ("kubectl create service nodeport web --tcp=80:3000 --node-port=abc",
     'Error: invalid argument "abc" for "--node-port" flag: strconv.ParseInt: parsing "abc": invalid syntax\n'
     "See 'kubectl create service nodeport --help' for usage.\n"),
    ("kubectl get pods --show-labels=foo",
     'Error: invalid argument "foo" for "--show-labels" flag: strconv.ParseBool: parsing "foo": invalid syntax\n'
     "See 'kubectl get --help' for usage.\n"),
    ("kubectl create service nodeport web --tcp=80 --clusterip=None",
     "Error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage.\n"),
    ("kubectl version --foo", "Error: unknown flag: --foo\nSee 'kubectl version --help' for usage.\n"),
])
def test_flag_errors_match_cobra(session: Session, line: str, stderr: str) -> None:
    assert run(session, line) == Result("", stderr, 1)


def test_unknown_command_suggests_like_cobra(session: Session) -> None:
    assert run(session, "kubectl foo") == Result(
        "", 'Error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop\n\n', 1)
    assert run(session, "kubectl gt").stderr == (
        'Error: unknown command "gt" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n\tcp\n\n')
    assert run(session, "kubectl xyzzy") == Result("", 'Error: unknown command "xyzzy" for "kubectl"\n', 1)


def test_subcommand_errors(session: Session) -> None:
    assert run(session, "kubectl create foo") == Result(
        "", "error: Unexpected args: [foo]\nSee 'kubectl create -h' for help and examples\n", 1)
    assert run(session, "kubectl create service foo") == Result(
        "", "error: unknown command \"foo\"\nSee 'kubectl create service -h' for help and examples\n", 1)
    bare = run(session, "kubectl create service")
    assert bare.status == 1 and bare.stdout == "" and "nodeport" in bare.stderr
    rollout = run(session, "kubectl rollout")
    assert rollout.status == 1 and rollout.stderr == "" and "status" in rollout.stdout


def test_required_flag_is_reported_like_kubectl_v132(session: Session) -> None:
    result = run(session, "kubectl create deployment web")
    assert result == Result("", 'E0101 00:00:00.000000    4242 run.go:72] "command failed" '
                                'err="required flag(s) \\"image\\" not set"\n', 1)
    assert run(session, "kubectl scale deploy web").stderr.endswith('err="required flag(s) \\"replicas\\" not set"\n')


def test_help_anywhere_prints_usage_and_succeeds(session: Session) -> None:
    for line in ("kubectl get --help", "kubectl get pods -h", "kubectl create service nodeport --help",
                 "kubectl -h", "kubectl"):
        result = run(session, line)
        assert result.status == 0 and result.stderr == "" and "Usage:" in result.stdout, line
    page = run(session, "kubectl get -h").stdout
    assert "    -A, --all-namespaces=false:\n\tIf present" in page
    assert "    -o, --output='':" in page


def test_global_namespace_flag_before_the_verb(session: Session) -> None:
    result = run(session, "kubectl -n kube-system get svc -o name")
    assert result == Result("service/kube-dns\n", "", 0)


def test_pflag_forms() -> None:
    flags = fl.GLOBAL + (fl.OUTPUT, fl.ALL_NAMESPACES, fl.FILENAME, fl.DRY_RUN, fl.SHOW_LABELS)
    parsed = fl.parse(flags, ["get", "-Ao", "yaml", "--namespace=x", "-f", "a,b", "-f=c", "--dry-run", "pods",
                              "--", "-x", "y"])
    assert isinstance(parsed, fl.Parsed)
    assert parsed.args == ["get", "pods", "-x", "y"] and parsed.dash == 2
    assert parsed.values["output"] == "yaml" and parsed.values["all-namespaces"] is True
    assert parsed.values["filename"] == ["a", "b", "c"] and parsed.values["namespace"] == "x"
    assert parsed.values["dry-run"] == "unchanged" and fl.dry_run_strategy("unchanged")[0] == "client"
    assert parsed.changed == {"output", "all-namespaces", "namespace", "filename", "dry-run"}


@pytest.mark.parametrize("text, bits, value", [
    ("0x10", 32, 16), ("010", 32, 8), ("-5", 32, -5), ("1_000", 64, 1000), ("2147483648", 32,
     'strconv.ParseInt: parsing "2147483648": value out of range'), (" 1", 64,
     'strconv.ParseInt: parsing " 1": invalid syntax'), ("", 64, 'strconv.ParseInt: parsing "": invalid syntax'),
])
def test_go_parse_int(text: str, bits: int, value: int | str) -> None:
    assert fl.go_parse_int(text, bits) == value


def test_dry_run_values(session: Session) -> None:
    assert run(session, "kubectl create service nodeport web --tcp=80 --dry-run=foo") == Result(
        "", 'error: Invalid dry-run value (foo). Must be "none", "server", or "client".\n', 1)
    assert run(session, "kubectl create service nodeport web --tcp=80 --dry-run") == Result(
        "service/web created (dry run)\n", "W0101 00:00:00.000000    4242 helpers.go:702] --dry-run is deprecated "
        "and can be replaced with --dry-run=client.\n", 0)
    assert run(session, "kubectl create service nodeport web --tcp=80 --dry-run=true -o name") == Result(
        "service/web\n", "W0101 00:00:00.000000    4242 helpers.go:716] --dry-run=true is deprecated (boolean "
        "value) and can be replaced with --dry-run=client.\n", 0)


KUBECTL = "/usr/bin/kubectl"

# Usage errors kubectl reports before it talks to a server: compared with kubectl v1.32 itself.
CLIENT_SIDE = [
    "kubectl foo", "kubectl gt", "kubectl des", "kubectl xyzzy", "kubectl get --foo", "kubectl get -x",
    "kubectl get pods -n", "kubectl -n", "kubectl --foo get", "kubectl -x get", "kubectl get", "kubectl create",
    "kubectl create foo", "kubectl create service foo", "kubectl apply", "kubectl apply -f",
    "kubectl apply foo -f x.yaml", "kubectl apply -f nofile.yaml", "kubectl create -f x --dry-run=foo",
    "kubectl describe", "kubectl expose", "kubectl delete", "kubectl scale deploy web --replicas=-1",
    "kubectl scale --replicas=2", "kubectl label", "kubectl label svc x", "kubectl label svc x foo",
    "kubectl label svc x a=b=c", "kubectl label svc x a- a=b", "kubectl label svc x 'a=b c'",
    "kubectl patch svc x", "kubectl patch svc x -p {} --type=foo", "kubectl cordon", "kubectl uncordon",
    "kubectl drain", "kubectl rollout status", "kubectl rollout foo", "kubectl exec", "kubectl exec web",
    "kubectl exec web -- ", "kubectl exec web curl x", "kubectl explain", "kubectl explain svc.spec.ports foo",
    "kubectl get pods --show-labels=foo", "kubectl version --foo",
]


@pytest.mark.skipif(not Path(KUBECTL).exists(), reason="the real kubectl is not installed")
@pytest.mark.parametrize("line", CLIENT_SIDE)
def test_client_side_errors_match_the_real_kubectl(session: Session, tmp_path: Path, line: str) -> None:
    import os
    import shlex
    import subprocess

    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "KUBECONFIG": os.devnull}
    real = subprocess.run([KUBECTL, *shlex.split(line)[1:]], capture_output=True, text=True, env=env,
                          timeout=60, cwd=tmp_path)
    ours = main(session, shlex.split(line), "")
    assert (ours.stdout, ours.stderr, ours.status) == (real.stdout, real.stderr, real.returncode)
